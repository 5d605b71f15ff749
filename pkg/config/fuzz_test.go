package config

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// perInput bounds the time one input may take: Go's fuzzer has no timeout
// of its own per input, so a hang would otherwise only stall the run. It
// is far above what any input up to MaxSize takes (a megabyte of dense
// YAML reads in about a second), so that a noisy machine cannot trip it.
const perInput = 10 * time.Second

// FuzzParse reads any file as a config file, under a deadline, and checks
// the error contract: either settings that keep every documented bound,
// or an *Error with one "FILE…" line per mistake, never both, never a
// panic.
func FuzzParse(f *testing.F) {
	f.Add(string(DefaultYAML))
	f.Add(good)
	for _, data := range emptyFiles() {
		f.Add(data)
	}
	for _, b := range badFiles() {
		f.Add(b.data)
	}
	f.Add("work_hours:\n  mon: &h \"08:00-16:00\"\n  tue: *h\n")
	f.Add("r: &r {k: 1, name: x}\ncategories: [*r, *r, *r]\n")
	f.Fuzz(func(t *testing.T, data string) {
		type result struct {
			f   *File
			err error
		}
		done := make(chan result, 1)
		go func() {
			file, err := Parse("fuzz.yaml", []byte(data))
			done <- result{file, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(perInput):
			t.Fatalf("Parse ran for over %s on %d bytes: %q", perInput, len(data), data)
		}
		if r.err != nil {
			checkRejected(t, data, r.f, r.err)
			return
		}
		checkAccepted(t, data, r.f)
	})
}

func checkRejected(t *testing.T, data string, f *File, err error) {
	t.Helper()
	if f != nil {
		t.Fatalf("%q: rejected (%v) and settings returned", data, err)
	}
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) == 0 {
		t.Fatalf("%q: error %v (%T), want a *config.Error with its mistakes", data, err, err)
	}
	if len(ce.Problems) > maxProblems+2 {
		t.Fatalf("%q: %d mistakes told, want at most %d", data, len(ce.Problems), maxProblems+2)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if !strings.HasPrefix(line, "fuzz.yaml") {
			t.Fatalf("%q: a line of the error does not start with the file: %q in\n%v", data, line, err)
		}
	}
}

func checkAccepted(t *testing.T, data string, f *File) {
	t.Helper()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Fatalf("%q: accepted with "+format, append([]any{data}, a...)...)
	}
	if f == nil {
		fail("no settings")
	}
	if len(data) > MaxSize {
		fail("%d bytes, over MaxSize", len(data))
	}
	if f.FocusMin < time.Minute || f.FocusMin > 24*time.Hour {
		fail("focus_min %s", f.FocusMin)
	}
	if f.LargeMeeting < 3 {
		fail("large_meeting %d", f.LargeMeeting)
	}
	if err := f.Bands.Validate(); err != nil {
		fail("bands %+v: %v", f.Bands, err)
	}
	worked := false
	for _, s := range f.WorkHours {
		if !s.IsZero() {
			worked = true
			if s.Start < 0 || s.End > 24*time.Hour {
				fail("work hours %v", f.WorkHours)
			}
		}
	}
	if !worked {
		fail("no working day")
	}
	if f.Timezone != "" {
		if _, err := time.LoadLocation(f.Timezone); err != nil || f.Timezone == "Local" {
			fail("timezone %q", f.Timezone)
		}
	}
	for _, m := range f.Me {
		if a, err := mail.ParseAddress(m); err != nil || a.Address != m || strings.ToLower(m) != m {
			fail("me %q", m)
		}
	}
	if len(f.Me) > maxAddresses || len(f.Calendars[ProviderGoogle]) > maxCalendars || len(f.Calendars[ProviderMicrosoft]) > maxCalendars || len(f.Categories) > maxRules ||
		len(f.Keywords.Focus) > maxKeywords || len(f.Keywords.OutOfOffice) > maxKeywords ||
		len(f.Keywords.Personal) > maxKeywords || len(f.Keywords.Interview) > maxKeywords {
		fail("a list over its bound")
	}
	for _, r := range f.Categories {
		if r.Name == "" || strings.TrimSpace(string(r.Name)) != string(r.Name) {
			fail("category name %q", r.Name)
		}
		if r.MinPeople > 0 && r.MaxPeople > 0 && r.MinPeople > r.MaxPeople {
			fail("category %q that matches nothing", r.Name)
		}
	}
}
