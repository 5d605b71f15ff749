package google_test

import (
	"context"
	"errors"
	"testing"

	"github.com/emtime/emtime/pkg/bug"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
)

// TestWorkerPanicIsAnError makes the progress callback, which the workers
// fetching each calendar call, panic: the listing fails with the bug as
// its error, and the process lives on (an unrecovered panic in a worker
// would end it, whatever its caller recovers).
func TestWorkerPanicIsAnError(t *testing.T) {
	api := startAPI(t)
	team := "team@group.calendar.google.com"
	api.AddCalendar(googletest.Calendar{ID: team, Summary: "Team", AccessRole: "reader"})
	api.AddEvents("primary", ev("", "standup", "2025-03-03T09:00:00Z", "2025-03-03T09:30:00Z"))
	api.AddEvents(team, ev("", "retro", "2025-03-04T09:00:00Z", "2025-03-04T10:00:00Z"))
	src, _ := newSource(t, api, google.Options{
		CalendarIDs: []string{"primary", team},
		Progress:    func(done, events int) { panic("progress line broke") },
	})
	res, err := src.Events(context.Background(), week(t))
	be, ok := errors.AsType[*bug.Error](err)
	if !ok {
		t.Fatalf("error %v, want the panic as a *bug.Error", err)
	}
	if be.What() != "progress line broke" || be.File != "pkg/google/panic_test.go" {
		t.Errorf("got %q at %s:%d, want the callback's panic", be.What(), be.File, be.Line)
	}
	if len(res.Events) > 0 {
		t.Errorf("a failed listing returned %d events", len(res.Events))
	}
}
