package demo

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/ics"
)

// DefaultPersona is the persona of a bare --demo: an engineering manager.
const DefaultPersona = "em"

//go:embed *.ics
var files embed.FS

type persona struct {
	name     string
	describe string
}

// personas is the persona table, in the order the help text lists them.
func personas() []persona {
	return []persona{
		{"ic", "Sam Okafor, backend engineer: about 70% focus in long stretches, under 20% meetings"},
		{"hybrid", "Jordan Lee, tech lead: about 30% meetings spread over the day, a third of the time left in pieces"},
		{"em", "Alex Rivera, engineering manager: 1:1s, hiring and syncs, about 60% meetings"},
		{"overloaded", "Morgan Chen, director: back to back all day, about 85% meetings, calls before and after hours"},
		{"promoted", fmt.Sprintf("Casey Novak, engineer made engineering manager %d weeks ago: the ic weeks, then the em weeks", PromotedWeeks)},
	}
}

// Personas lists the persona names in a stable order: "ic", "hybrid", "em",
// "overloaded", "promoted".
func Personas() []string {
	var names []string
	for _, p := range personas() {
		names = append(names, p.name)
	}
	return names
}

// Describe returns a one-line description of the persona for help text, or
// "" for a persona that does not exist.
func Describe(persona string) string {
	for _, p := range personas() {
		if p.name == persona {
			return p.describe
		}
	}
	return ""
}

// Source returns the persona's calendar, parsed from the copy embedded in
// the binary. now is today: it places the promoted persona's switch (see
// [PromotedOn]); the other personas are the same whatever it is. An
// unknown persona is an error that lists the known ones.
func Source(persona string, now time.Time) (calendar.Source, error) {
	if Describe(persona) == "" {
		return nil, fmt.Errorf("unknown demo persona %q: choose one of %s", persona, strings.Join(Personas(), ", "))
	}
	if persona != "promoted" {
		return embedded(persona)
	}
	at, err := PromotedOn(now)
	if err != nil {
		return nil, err
	}
	ic, err := embedded("ic")
	if err != nil {
		return nil, err
	}
	em, err := embedded("em")
	if err != nil {
		return nil, err
	}
	return &promoted{before: ic, after: em, from: icOwner(), to: emOwner(), at: at}, nil
}

// embedded parses the embedded calendar name.ics.
func embedded(name string) (*ics.Calendar, error) {
	file := name + ".ics"
	data, err := files.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("demo persona %s: %w", name, err)
	}
	cal, err := ics.Parse("demo/"+file, bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("demo persona %s: %w", name, err)
	}
	return cal, nil
}
