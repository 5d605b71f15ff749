package calendar

import (
	"testing"
	"time"
)

func TestMergeKeepsAnEventOnTwoCalendarsOnce(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }
	a := Result{Events: []Event{
		{UID: "standup", Start: at(10), End: at(11), Origin: "a.ics:3"},
		{UID: "series", Start: at(9), End: at(10), Origin: "a.ics:9"},
	}, Warnings: []string{"a.ics:20: bad date"}}
	b := Result{Events: []Event{
		{UID: "standup", Start: at(10), End: at(11), Origin: "b.ics:5"},
		{UID: "series", Start: at(12), End: at(13), Origin: "b.ics:7"}, // another occurrence
		{Start: at(8), End: at(9), Origin: "b.ics:1"},                  // no UID: never merged
	}}
	got := Merge(a, b)
	var origins []string
	for _, e := range got.Events {
		origins = append(origins, e.Origin)
	}
	want := []string{"b.ics:1", "a.ics:9", "a.ics:3", "b.ics:7"}
	if len(origins) != len(want) {
		t.Fatalf("Merge kept %v, want %v", origins, want)
	}
	for i := range want {
		if origins[i] != want[i] {
			t.Fatalf("Merge kept %v, want %v", origins, want)
		}
	}
	if len(got.Warnings) != 1 {
		t.Errorf("warnings = %v, want the one from a.ics", got.Warnings)
	}
}

func TestOverlaps(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name       string
		start, end time.Time
		want       bool
	}{
		{"inside", at(10), at(11), true},
		{"starts before, ends inside", at(8), at(10), true},
		{"ends at the window's start", at(8), at(9), false},
		{"starts at the window's end", at(12), at(13), false},
		{"covers the window", at(1), at(20), true},
		{"zero length at the start", at(9), at(9), true},
		{"zero length at the end", at(12), at(12), false},
	}
	for _, tt := range tests {
		e := Event{Start: tt.start, End: tt.end}
		if got := e.Overlaps(at(9), at(12)); got != tt.want {
			t.Errorf("%s: Overlaps = %v, want %v", tt.name, got, tt.want)
		}
	}
}
