package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/classify"
)

// Event is one line of `emtime events`: an occurrence and how it was
// classified.
type Event struct {
	Start     string   `json:"start"`
	End       string   `json:"end"`
	AllDay    bool     `json:"all_day"`
	Title     string   `json:"title"`
	Kind      string   `json:"kind"`
	Category  string   `json:"category,omitempty"`
	Reason    string   `json:"reason"`
	People    []string `json:"people"`
	Recurring bool     `json:"recurring"`
	UID       string   `json:"uid"`
	Origin    string   `json:"origin"`
}

// NewEvents lists classified events with times in zone.
func NewEvents(events []classify.Event, zone *time.Location) []Event {
	out := make([]Event, 0, len(events))
	for _, e := range events {
		people := e.People
		if people == nil {
			people = []string{}
		}
		out = append(out, Event{
			Start:     e.Start.In(zone).Format(time.RFC3339),
			End:       e.End.In(zone).Format(time.RFC3339),
			AllDay:    e.AllDay,
			Title:     e.Title,
			Kind:      string(e.Kind),
			Category:  string(e.Category),
			Reason:    e.Reason,
			People:    people,
			Recurring: e.Recurring,
			UID:       e.UID,
			Origin:    e.Origin,
		})
	}
	return out
}

// WriteEventsJSON writes the events as one JSON array.
func WriteEventsJSON(w io.Writer, events []Event) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(events)
}

// WriteEventsNDJSON writes one JSON object per line.
func WriteEventsNDJSON(w io.Writer, events []Event) error {
	enc := json.NewEncoder(w)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

// WriteEventsTable writes one row per event.
func WriteEventsTable(w io.Writer, events []Event, st Style) error {
	t := newTable(w, st)
	t.Header("Start", "End", "Kind", "Category", "Title", "Reason", "People")
	for _, e := range events {
		if err := t.Append(shortTime(e.Start, e.AllDay), shortTime(e.End, e.AllDay), e.Kind, e.Category,
			clip(e.Title, 40), e.Reason, clip(strings.Join(e.People, ", "), 40)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d events\n", len(events))
	return nil
}

// shortTime shows an RFC 3339 time as "Mon 2026-03-02 09:00".
func shortTime(s string, allDay bool) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	if allDay {
		return t.Format("Mon 2006-01-02")
	}
	return t.Format("Mon 2006-01-02 15:04")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
