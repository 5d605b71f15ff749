// Package config reads emtime's config file: the settings a user keeps so
// that every run counts their weeks the same way — who they are, their zone
// and working hours per weekday, the focus threshold, the article's bands,
// the keyword lists, the default calendars and their own meeting categories.
//
// The file is YAML. [Load] reads it over the defaults of [Default] and
// checks every key; [File.Line] says which keys the file gave and where.
// [DefaultYAML] is the commented file `emtime config init` writes.
//
// [Resolve] lays the environment and the command line's flags over the
// file, from one table with a row per setting (its key, its flag and
// variable, how they are read, where the setting goes, how it is said):
// the settings, rules and bands a run uses, and where each came from, as
// `emtime config show` prints it. Under the file lies one more layer, known
// only once the calendar is open: the working hours the user set at their
// calendar provider ([Mailbox], Outlook's). A new setting is a row of that
// table (in settings.go), a key of the parser, and its flag on the
// commands.
//
// Error contract: a file with any mistake — an unknown key, a value of the
// wrong type, a bad time, a pattern that does not compile, an unknown
// weekday — is rejected whole with an [*Error] listing every mistake as
// "FILE:LINE: key: what is wrong"; no half-read File is ever returned.
//
// Reading is bounded, whatever the file holds: a file is at most [MaxSize]
// bytes; the lists that cost work on every event are bounded (100
// addresses, 100 calendars, 1,000 keywords a list, 200 category rules,
// 1,000 bytes a title pattern); aliases (*name) may repeat a value but not
// multiply the work ("billion laughs"); past 50 mistakes the rest are only
// counted.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// FileName is the name of the config file in the config folder.
const FileName = "config.yaml"

// File is the settings of a config file laid over the defaults. The zero
// value of an optional setting (Me, Domain, Timezone, Calendars,
// Categories) means "not set": the caller decides.
type File struct {
	// Path is where the file was read from; empty for [Default].
	Path string

	// Me are my addresses, lower case.
	Me []string
	// Domain is my e-mail domain, lower case; empty: the domain of my first
	// address.
	Domain string
	// Timezone is an IANA zone name; empty: the calendar's, else the
	// machine's.
	Timezone string
	// WorkHours are the working hours per weekday, indexed by
	// time.Weekday; a zero span is a day off.
	WorkHours [7]analyze.Span
	// WeekStart is the first day of a week.
	WeekStart time.Weekday
	// FocusMin is the shortest free stretch that counts as focus.
	FocusMin time.Duration
	// Bands are the article's bands, as shares (0.5 is 50%; the file says
	// 50).
	Bands verdict.Bands
	// Keywords replace the built-in keyword lists they give.
	Keywords Keywords
	// Calendars are the calendars read by default, by provider
	// ([ProviderGoogle]: calendar ids; [ProviderMicrosoft]: names or
	// ids). A plain list in the file is Google's.
	Calendars map[string][]string
	// OnlyAccepted counts only the meetings I accepted.
	OnlyAccepted bool
	// LargeMeeting is the number of people (me included) from which a
	// meeting is large.
	LargeMeeting int
	// Categories are my own category rules, tried in order before the
	// built-in categories.
	Categories []classify.CategoryRule

	// Git are the repositories, or folders searched for them, whose
	// history is read for my commits; empty: none.
	Git []string
	// GitAuthors are addresses I commit with besides Me, lower case.
	GitAuthors []string
	// CodingGap and CodingLead are the coding-session rule: commits at
	// most the gap apart form one session, which starts the lead before
	// its first commit.
	CodingGap, CodingLead time.Duration
	// AfterHoursCoding is the weekly coding after working hours above
	// which an EM's week carries the bottleneck risk.
	AfterHoursCoding time.Duration

	// lines holds the line of every key the file gave, by key path.
	lines map[string]int
}

// Keywords are the keyword lists of classification, matched as whole words
// or phrases in titles, case-insensitively.
type Keywords struct {
	OutOfOffice []string
	Personal    []string
	Focus       []string
	Interview   []string
}

// The defaults of the coding-session rule: the gap of git-hours, the
// best-known estimator, and half an hour of work before a session's first
// commit (those of package gitlog).
const (
	DefaultCodingGap  = 2 * time.Hour
	DefaultCodingLead = 30 * time.Minute
)

// Default returns the documented defaults: Monday to Friday 09:00–17:00,
// weeks from Monday, focus from 2 hours, the article's bands, the built-in
// keyword lists, large meetings from 10 people, no git history, coding
// sessions of commits at most 2 hours apart from 30 minutes before the
// first, and 4 hours a week of coding after hours.
func Default() *File {
	s := analyze.DefaultSettings(time.UTC)
	r := classify.DefaultRules()
	return &File{
		WorkHours:        s.Hours,
		WeekStart:        s.WeekStart,
		FocusMin:         s.FocusMin,
		Bands:            verdict.DefaultBands(),
		Keywords:         Keywords{OutOfOffice: r.OutOfOffice, Personal: r.Personal, Focus: r.Focus, Interview: r.Interview},
		OnlyAccepted:     r.OnlyAccepted,
		LargeMeeting:     r.LargeMeeting,
		CodingGap:        DefaultCodingGap,
		CodingLead:       DefaultCodingLead,
		AfterHoursCoding: verdict.DefaultAfterHoursCoding,
		lines:            map[string]int{},
	}
}

// Line returns the line of the file that gives key (a key path such as
// "timezone", "work_hours", "bands.em_meeting_min" or "keywords.focus"), or
// 0 when the file does not give it and the default stands.
func (f *File) Line(key string) int { return f.lines[key] }

// Rules returns the classification rules of the file: the keyword lists,
// the custom categories, OnlyAccepted and LargeMeeting; Me is left to the
// caller. [Resolve] gives the rules with the flags and the environment laid
// over the file.
func (f *File) Rules() classify.Rules {
	r := classify.DefaultRules()
	r.OnlyAccepted, r.LargeMeeting = f.OnlyAccepted, f.LargeMeeting
	r.OutOfOffice, r.Personal = f.Keywords.OutOfOffice, f.Keywords.Personal
	r.Focus, r.Interview = f.Keywords.Focus, f.Keywords.Interview
	r.Custom = f.Categories
	return r
}

// MaxSize is the largest config file read, in bytes (1 MiB): nearly three
// hundred times the commented file of [DefaultYAML].
const MaxSize = 1 << 20

// Load reads the config file at path over the defaults. A file that does
// not exist is an error wrapping [os.ErrNotExist]; a file with mistakes, or
// larger than [MaxSize], is an [*Error]. No more than MaxSize bytes and one
// are read, whatever path names.
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a config file's contents over the defaults; name is used in
// messages. An empty file gives the defaults.
func Parse(name string, data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, &Error{Path: name, Problems: []Problem{{
			Message: fmt.Sprintf("larger than a config file can be (%d bytes at most): is it the right file?", MaxSize)}}}
	}
	p := &parser{name: name, f: Default()}
	p.f.Path = name
	p.file(data)
	if p.more > 0 {
		p.problems = append(p.problems, Problem{Message: fmt.Sprintf("and %d more mistakes", p.more)})
	}
	if len(p.problems) > 0 {
		return nil, &Error{Path: name, Problems: p.problems}
	}
	return p.f, nil
}

// DefaultYAML is the commented config file that `emtime config init`
// writes: every default spelled out, with what each key means.
//
//go:embed default.yaml
var DefaultYAML []byte

// Problem is one mistake in a config file.
type Problem struct {
	// Line is the line of the file, from 1; 0 when unknown.
	Line int
	// Key is the key path ("work_hours.fri", "categories[2].title"); empty
	// for a mistake of YAML itself.
	Key string
	// Message says what is wrong.
	Message string
}

// Error is a config file rejected, with every mistake found in it.
type Error struct {
	Path     string
	Problems []Problem
}

// Error returns one "FILE:LINE: key: what is wrong" line per mistake.
func (e *Error) Error() string {
	var b []byte
	for i, p := range e.Problems {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, e.Path...)
		if p.Line > 0 {
			b = fmt.Appendf(b, ":%d", p.Line)
		}
		b = append(b, ": "...)
		if p.Key != "" {
			b = append(b, p.Key+": "...)
		}
		b = append(b, p.Message...)
	}
	return string(b)
}

// IsError reports whether err is, or wraps, a rejected config file.
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
