package google_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/emtime/emtime/pkg/synccache"
	bolt "go.etcd.io/bbolt"
	calendarapi "google.golang.org/api/calendar/v3"
)

// cached is a run of a Source through a cache file, as the CLI makes
// one: what it read, what it said, and the requests it made.
type cached struct {
	res      calendar.Result
	info     calendar.Info
	notices  []string
	requests []googletest.Request
}

// clock is a settable clock for the cache's ages.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncEnv is a fake Google and a cache file.
type syncEnv struct {
	t     *testing.T
	api   *googletest.Server
	path  string
	clock *clock
	seen  int
}

func newSyncEnv(t *testing.T) *syncEnv {
	t.Helper()
	api := startAPI(t)
	api.SetTimeZone("Europe/Berlin")
	return &syncEnv{t: t, api: api, path: filepath.Join(t.TempDir(), "cache", "google.db"),
		clock: &clock{now: time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)}}
}

// signedIn is the cache of a stored sign-in, which names its account.
var signedIn = google.Cache{Account: googletest.DefaultPrimary}

// run reads q through the cache, with c's settings (Store, Now and Notice
// are filled in).
func (e *syncEnv) run(q calendar.Query, c google.Cache, opts google.Options) (cached, error) {
	e.t.Helper()
	store, err := synccache.Open(e.path, synccache.Options{LockWait: 300 * time.Millisecond})
	if err != nil {
		return cached{}, err
	}
	var out cached
	c.Store, c.Now = store, e.clock.Now
	c.Notice = func(n string) { out.notices = append(out.notices, n) }
	opts.Cache = &c
	src, _ := newSource(e.t, e.api, opts)
	out.info, err = src.Info(context.Background())
	if err == nil {
		out.res, err = src.Events(context.Background(), q)
	}
	reqs := e.api.Requests()
	out.requests = reqs[e.seen:]
	e.seen = len(reqs)
	return out, err
}

// fresh reads q with no cache, as emtime did before it kept one.
func (e *syncEnv) fresh(q calendar.Query, opts google.Options) calendar.Result {
	e.t.Helper()
	src, _ := newSource(e.t, e.api, opts)
	res, err := src.Events(context.Background(), q)
	if err != nil {
		e.t.Fatal(err)
	}
	e.seen = len(e.api.Requests())
	return res
}

func paths(reqs []googletest.Request) []string {
	var out []string
	for _, r := range reqs {
		p := strings.TrimPrefix(r.Path, "/calendar/v3/")
		if r.Query.Has("syncToken") {
			p += " (sync token)"
		} else if r.Query.Has("timeMin") {
			p += " (" + r.Query.Get("timeMin")[:10] + " to " + r.Query.Get("timeMax")[:10] + ")"
		}
		out = append(out, p)
	}
	return out
}

func sameResult(t *testing.T, what string, got, want calendar.Result) {
	t.Helper()
	if len(got.Events) != len(want.Events) {
		t.Errorf("%s: %d events, a run without the cache reads %d", what, len(got.Events), len(want.Events))
	}
	for i := range min(len(got.Events), len(want.Events)) {
		if !reflect.DeepEqual(got.Events[i], want.Events[i]) {
			t.Errorf("%s: event %d = %+v\nwithout the cache: %+v", what, i, got.Events[i], want.Events[i])
			break
		}
	}
	g, w := slices.Clone(got.Warnings), slices.Clone(want.Warnings)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: warnings %q, without the cache %q", what, g, w)
	}
}

func berlinWeek(t *testing.T, y int, m time.Month, d int) calendar.Query {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(y, m, d, 0, 0, 0, 0, berlin)
	return calendar.Query{From: from, To: from.AddDate(0, 0, 7), Zone: berlin}
}

// busyWeeks fills the fake's primary calendar with weeks from 3 February
// 2025: a daily stand-up as a series' instances, a weekly 1:1, one-off
// meetings, an all-day day off, one I declined.
func busyWeeks(api *googletest.Server, weeks int) {
	start := time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
	var evs []*calendarapi.Event
	me := &calendarapi.EventAttendee{Email: googletest.DefaultPrimary, Self: true, ResponseStatus: "accepted"}
	bob := &calendarapi.EventAttendee{Email: "bob@example.com", ResponseStatus: "accepted"}
	at := func(d time.Time, h, m, mins int) (*calendarapi.EventDateTime, *calendarapi.EventDateTime) {
		s := d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		return &calendarapi.EventDateTime{DateTime: s.Format(time.RFC3339)}, &calendarapi.EventDateTime{DateTime: s.Add(time.Duration(mins) * time.Minute).Format(time.RFC3339)}
	}
	for w := range weeks {
		monday := start.AddDate(0, 0, 7*w)
		for d := range 5 {
			day := monday.AddDate(0, 0, d)
			s, e := at(day, 8, 30, 15)
			evs = append(evs, &calendarapi.Event{Id: "standup_" + day.Format("20060102"), ICalUID: "standup@example.com", RecurringEventId: "standup",
				Summary: "Stand-up", Status: "confirmed", Start: s, End: e, Attendees: []*calendarapi.EventAttendee{me, bob}})
		}
		s, e := at(monday.AddDate(0, 0, 1), 13, 0, 30)
		evs = append(evs, &calendarapi.Event{Id: "oneonone_" + monday.Format("20060102"), ICalUID: "oneonone@example.com", RecurringEventId: "oneonone",
			Summary: "1:1", Status: "confirmed", Start: s, End: e, Attendees: []*calendarapi.EventAttendee{me, bob}})
		for i := range 3 {
			s, e := at(monday.AddDate(0, 0, i+1), 9+i, 0, 60)
			evs = append(evs, &calendarapi.Event{Id: fmt.Sprintf("review%d_%d", w, i), Summary: "Review", Status: "confirmed", Start: s, End: e,
				Attendees: []*calendarapi.EventAttendee{me, bob}})
		}
		s, e = at(monday.AddDate(0, 0, 4), 15, 0, 60)
		declined := *me
		declined.ResponseStatus = "declined"
		evs = append(evs, &calendarapi.Event{Id: fmt.Sprintf("offsite%d", w), Summary: "Offsite prep", Status: "confirmed", Start: s, End: e,
			Attendees: []*calendarapi.EventAttendee{&declined, bob}})
		if w%3 == 0 {
			day := monday.AddDate(0, 0, 2).Format(time.DateOnly)
			next := monday.AddDate(0, 0, 3).Format(time.DateOnly)
			evs = append(evs, &calendarapi.Event{Id: fmt.Sprintf("dayoff%d", w), Summary: "Day off", Status: "confirmed", Transparency: "transparent",
				Start: &calendarapi.EventDateTime{Date: day}, End: &calendarapi.EventDateTime{Date: next}})
		}
	}
	api.AddEvents("primary", evs...)
}

func TestSyncFullThenIncremental(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 20)
	e.api.SetPageSizes(40) // several pages
	q := berlinWeek(t, 2025, 3, 3)
	want := e.fresh(q, google.Options{})

	first, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "first run", first.res, want)
	got := paths(first.requests)
	if got[0] != "users/me/settings/timezone" || got[1] != "users/me/calendarList/primary" ||
		got[2] != "calendars/primary/events (2025-02-01 to 2025-07-01)" || len(got) < 4 {
		t.Errorf("first run asked %v", got)
	}
	for _, r := range first.requests[2:] {
		if r.Query.Has("showDeleted") || r.Query.Get("singleEvents") != "true" || !strings.Contains(r.Query.Get("fields"), "nextSyncToken") {
			t.Errorf("a full sync's request: %v", r.Query)
		}
	}
	if len(first.notices) != 0 {
		t.Errorf("first run said %q", first.notices)
	}

	// The same week again: one request, for the changes, with the same
	// events.
	second, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(second.requests); !slices.Equal(got, []string{"calendars/primary/events (sync token)"}) {
		t.Errorf("second run asked %v, want one request for the changes", got)
	}
	for _, k := range []string{"timeMin", "timeMax", "showDeleted", "orderBy"} {
		if second.requests[0].Query.Has(k) {
			t.Errorf("a sync token's request carries %s", k)
		}
	}
	sameResult(t, "second run", second.res, want)
	if !reflect.DeepEqual(second.info, first.info) {
		t.Errorf("info %+v, first run %+v", second.info, first.info)
	}

	// Another week inside the window: one request too.
	q2 := berlinWeek(t, 2025, 4, 14)
	third, err := e.run(q2, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(third.requests); len(got) != 1 {
		t.Errorf("another week of the window asked %v", got)
	}
	sameResult(t, "another week", third.res, e.fresh(q2, google.Options{}))

	// Four weeks reaching past the window: read in full, a window of
	// their own.
	q3 := berlinWeek(t, 2025, 6, 23)
	q3.To = q3.From.AddDate(0, 0, 28)
	fourth, err := e.run(q3, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(fourth.requests); got[0] != "calendars/primary/events (2025-06-01 to 2025-11-01)" {
		t.Errorf("a range outside the window asked %v", got)
	}
	sameResult(t, "past the window", fourth.res, e.fresh(q3, google.Options{}))

	// A day later the settings are read again; the events still need one
	// request.
	e.clock.add(25 * time.Hour)
	fifth, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(fifth.requests); !slices.Equal(got, []string{"users/me/settings/timezone", "users/me/calendarList/primary", "calendars/primary/events (sync token)"}) {
		t.Errorf("a day later asked %v", got)
	}

	// Over a week after it was read in full, the window is read in full
	// again (the settings too: they are a week old); then synced again.
	e.clock.add(7 * 24 * time.Hour)
	sixth, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(sixth.requests); len(got) < 4 || got[2] != "calendars/primary/events (2025-02-01 to 2025-07-01)" {
		t.Errorf("a week later asked %v, want the window in full", got)
	}
	sameResult(t, "a week later", sixth.res, want)
	seventh, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(seventh.requests); !slices.Equal(got, []string{"calendars/primary/events (sync token)"}) {
		t.Errorf("after the week's full read asked %v", got)
	}
}

func TestSyncChangesEqualAFreshRun(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 12)
	q := berlinWeek(t, 2025, 3, 3)
	if _, err := e.run(q, signedIn, google.Options{}); err != nil {
		t.Fatal(err)
	}

	// Between runs: a review moved within the week, one moved out of the
	// window, an event moved into the week from months away, one added,
	// one deleted, a stand-up cancelled, the whole 1:1 series deleted
	// (its instances cancelled, as Google lists them with singleEvents),
	// and a title changed.
	move := func(id string, start time.Time) {
		t.Helper()
		ok := e.api.UpdateEvent("primary", id, func(ev *calendarapi.Event) {
			ev.Start = &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)}
			ev.End = &calendarapi.EventDateTime{DateTime: start.Add(time.Hour).Format(time.RFC3339)}
		})
		if !ok {
			t.Fatalf("no event %s", id)
		}
	}
	move("review4_0", time.Date(2025, 3, 6, 14, 0, 0, 0, time.UTC))
	move("review4_1", time.Date(2026, 1, 8, 14, 0, 0, 0, time.UTC))
	e.api.AddEvents("primary", &calendarapi.Event{Id: "far", Summary: "Far away", Status: "confirmed",
		Start: &calendarapi.EventDateTime{DateTime: "2025-12-01T10:00:00Z"}, End: &calendarapi.EventDateTime{DateTime: "2025-12-01T11:00:00Z"}})
	e.clock.add(time.Hour)
	if _, err := e.run(berlinWeek(t, 2025, 12, 1), signedIn, google.Options{}); err != nil {
		t.Fatal(err)
	}
	move("far", time.Date(2025, 3, 7, 10, 0, 0, 0, time.UTC))
	e.api.AddEvents("primary", ev("added", "Added", "2025-03-04T15:00:00Z", "2025-03-04T16:00:00Z"))
	e.api.DeleteEvent("primary", "review4_2")
	e.api.DeleteEvent("primary", "standup_20250305")
	for _, id := range []string{"oneonone_20250224", "oneonone_20250303", "oneonone_20250310"} {
		e.api.DeleteEvent("primary", id)
	}
	e.api.UpdateEvent("primary", "offsite4", func(ev *calendarapi.Event) { ev.Summary = "Offsite planning" })
	// Moved instances of the stand-up series, as Google keeps them: the
	// instance's own id and its original start, new times. One later in
	// its day, one into the next week, one from the next week into this.
	moveInstance := func(id string, start time.Time) {
		t.Helper()
		ok := e.api.UpdateEvent("primary", id, func(ev *calendarapi.Event) {
			ev.OriginalStartTime = &calendarapi.EventDateTime{DateTime: ev.Start.DateTime}
			ev.Start = &calendarapi.EventDateTime{DateTime: start.Format(time.RFC3339)}
			ev.End = &calendarapi.EventDateTime{DateTime: start.Add(15 * time.Minute).Format(time.RFC3339)}
		})
		if !ok {
			t.Fatalf("no instance %s", id)
		}
	}
	moveInstance("standup_20250306", time.Date(2025, 3, 6, 16, 0, 0, 0, time.UTC))
	moveInstance("standup_20250307", time.Date(2025, 3, 11, 10, 0, 0, 0, time.UTC))
	moveInstance("standup_20250312", time.Date(2025, 3, 4, 11, 0, 0, 0, time.UTC))

	want := e.fresh(q, google.Options{})
	got, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.requests); n != 1 {
		t.Errorf("%d requests after the changes, want 1: %v", n, paths(got.requests))
	}
	sameResult(t, "after the changes", got.res, want)
	titles := map[string]bool{}
	standups := map[string]bool{}
	for _, ev := range got.res.Events {
		titles[ev.Title] = true
		if ev.Title == "Stand-up" {
			standups[ev.Start.UTC().Format("01-02 15:04")] = true
		}
	}
	if !titles["Added"] || !titles["Far away"] || titles["1:1"] || !titles["Offsite planning"] {
		t.Errorf("the changes are not all there: %v", titles)
	}
	if !standups["03-06 16:00"] || standups["03-06 08:30"] || standups["03-07 08:30"] || !standups["03-04 11:00"] || standups["03-05 08:30"] {
		t.Errorf("the stand-ups of the week are at %v", standups)
	}
	// Four weeks around it, event by event: the changes in the weeks
	// after it, the instance moved into the next week among them.
	month := q
	month.From, month.To = q.From.AddDate(0, 0, -7), q.From.AddDate(0, 0, 21)
	got, err = e.run(month, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.requests); n != 1 {
		t.Errorf("%d requests for four weeks of the window, want 1: %v", n, paths(got.requests))
	}
	sameResult(t, "four weeks after the changes", got.res, e.fresh(month, google.Options{}))
	// And the window the far event left knows it is gone.
	dec := berlinWeek(t, 2025, 12, 1)
	got, err = e.run(dec, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "December", got.res, e.fresh(dec, google.Options{}))
	if len(got.res.Events) != 0 {
		t.Errorf("December still holds %v", got.res.Events)
	}

	// The same week a third time, no change: the same again.
	got, err = e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "third run", got.res, want)
}

func TestSyncDeletedSeriesMaster(t *testing.T) {
	// A series deleted whole may come back as its own id, not as each
	// occurrence: every occurrence kept goes with it.
	e := newSyncEnv(t)
	busyWeeks(e.api, 6)
	q := berlinWeek(t, 2025, 3, 3)
	if _, err := e.run(q, signedIn, google.Options{}); err != nil {
		t.Fatal(err)
	}
	// What Google sends: the series' id, cancelled.
	e.api.InjectFault(googletest.Fault{Path: "events", Body: []byte(`{"timeZone": "Europe/Berlin", "items": [{"id": "standup", "status": "cancelled"}], "nextSyncToken": "sync.eyJjIjoibWVAZXhhbXBsZS5jb20iLCJyIjo5OTk5fQ"}`)})
	got, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range got.res.Events {
		if ev.Title == "Stand-up" {
			t.Fatalf("a stand-up of the deleted series is still there: %+v", ev)
		}
	}
	if len(got.res.Events) == 0 {
		t.Error("everything went with the series")
	}
}

func TestSyncGone(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 8)
	q := berlinWeek(t, 2025, 3, 3)
	if _, err := e.run(q, signedIn, google.Options{}); err != nil {
		t.Fatal(err)
	}
	e.api.ExpireSyncTokens()
	e.api.DeleteEvent("primary", "review4_0")
	got, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paths(got.requests); len(p) != 2 || p[0] != "calendars/primary/events (sync token)" || p[1] != "calendars/primary/events (2025-02-01 to 2025-07-01)" {
		t.Errorf("after 410 asked %v, want the changes then the window in full", p)
	}
	if got.requests[0].Status != 410 {
		t.Errorf("first request answered %d", got.requests[0].Status)
	}
	if len(got.notices) != 1 || !strings.Contains(got.notices[0], "410 Gone") || !strings.Contains(got.notices[0], "reading it in full") {
		t.Errorf("notices %q", got.notices)
	}
	sameResult(t, "after 410", got.res, e.fresh(q, google.Options{}))
	// And the new token works.
	got, err = e.run(q, signedIn, google.Options{})
	if err != nil || len(got.requests) != 1 || len(got.notices) != 0 {
		t.Errorf("after the full sync: %v %v %q", err, paths(got.requests), got.notices)
	}
}

func TestSyncDamagedFile(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 8)
	q := berlinWeek(t, 2025, 3, 3)
	if _, err := e.run(q, signedIn, google.Options{}); err != nil {
		t.Fatal(err)
	}
	// A byte of a kept event changed on disk.
	data, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), `"summary":"Review"`)
	if i < 0 {
		t.Fatal("no event found in the file")
	}
	copy(data[i:], `"summary":"Rexiew"`)
	if err := os.WriteFile(e.path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	e.api.DeleteEvent("primary", "review4_0")
	got, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.notices) != 1 || !strings.Contains(got.notices[0], "was damaged") || !strings.Contains(got.notices[0], "started it afresh") {
		t.Errorf("notices %q", got.notices)
	}
	sameResult(t, "after the damage", got.res, e.fresh(q, google.Options{}))
	for _, ev := range got.res.Events {
		if ev.Title == "Rexiew" {
			t.Error("the damaged event was counted")
		}
	}

	// A file that is no database at all: started afresh as it is opened.
	os.WriteFile(e.path, []byte("garbage"), 0o600)
	store, err := synccache.Open(e.path, synccache.Options{})
	if err != nil || store.Reset() == "" {
		t.Errorf("garbage: %v, reset %q", err, store.Reset())
	}
}

func TestSyncAnotherAccount(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 8)
	q := berlinWeek(t, 2025, 3, 3)
	// A sign-in made as me: kept under my address.
	mine, err := e.run(q, google.Cache{Account: googletest.DefaultPrimary}, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paths(mine.requests); len(p) != 3 || p[2] != "calendars/primary/events (2025-02-01 to 2025-07-01)" {
		t.Errorf("the first run asked %v", p)
	}

	// The credentials now read Ann's calendars, though they still name
	// mine: Ann's calendar is read in full and kept apart, and the run
	// says so.
	e.api.AddCalendar(googletest.Calendar{ID: "ann@example.com", Summary: "Ann", Primary: true})
	e.api.AddEvents("primary", ev("ann1", "Ann's meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
	e.clock.add(25 * time.Hour) // the settings kept of me are stale
	ann, err := e.run(q, google.Cache{Account: googletest.DefaultPrimary}, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ann.notices) != 1 || !strings.Contains(ann.notices[0], "ann@example.com's calendars, not me@example.com's") {
		t.Errorf("notices %q", ann.notices)
	}
	if len(ann.res.Events) != 1 || ann.res.Events[0].Title != "Ann's meeting" {
		t.Errorf("Ann's run counted %+v", ann.res.Events)
	}
	if p := paths(ann.requests); p[len(p)-1] != "calendars/primary/events (2025-02-01 to 2025-07-01)" {
		t.Errorf("Ann's run asked %v, want her window in full", p)
	}

	store, _ := synccache.Open(e.path, synccache.Options{})
	sum, err := store.Status()
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for _, a := range sum.Accounts {
		accounts = append(accounts, a.Account)
	}
	if !slices.Equal(accounts, []string{"ann@example.com", "me@example.com"}) {
		t.Errorf("accounts kept: %v", accounts)
	}
}

func TestSyncReadyToken(t *testing.T) {
	// A ready access token names no account: the first run learns it,
	// the next ones remember it by the token's digest.
	e := newSyncEnv(t)
	busyWeeks(e.api, 8)
	q := berlinWeek(t, 2025, 3, 3)
	c := google.Cache{Fingerprint: google.Fingerprint([]byte("test-access-token"))}
	if strings.Contains(c.Fingerprint, "test-access-token") || len(c.Fingerprint) != 32 {
		t.Errorf("fingerprint %q", c.Fingerprint)
	}
	if _, err := e.run(q, c, google.Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := e.run(q, c, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paths(got.requests); len(p) != 1 {
		t.Errorf("second run with a ready token asked %v", p)
	}
	if data, _ := os.ReadFile(e.path); strings.Contains(string(data), "test-access-token") {
		t.Error("the token itself is in the cache file")
	}
	// Another token is learnt anew.
	got, err = e.run(q, google.Cache{Fingerprint: google.Fingerprint([]byte("another"))}, google.Options{})
	if err != nil || len(got.requests) != 3 {
		t.Errorf("another token asked %v (%v)", paths(got.requests), err)
	}
}

func TestSyncOfflineAndRefresh(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 8)
	q := berlinWeek(t, 2025, 3, 3)
	acct := google.Cache{Account: googletest.DefaultPrimary}

	// Nothing kept yet: offline is an error, and asks nothing.
	off := acct
	off.Offline = true
	if _, err := e.run(q, off, google.Options{}); !errors.Is(err, google.ErrNotCached) {
		t.Errorf("offline with nothing kept: %v", err)
	}
	if _, err := e.run(q, acct, google.Options{}); err != nil {
		t.Fatal(err)
	}
	want := e.fresh(q, google.Options{})
	e.clock.add(3 * time.Hour)
	e.api.DeleteEvent("primary", "review4_0") // not seen offline
	got, err := e.run(q, off, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.requests) != 0 {
		t.Errorf("offline asked %v", paths(got.requests))
	}
	sameResult(t, "offline", got.res, want)
	if len(got.notices) != 1 || !strings.Contains(got.notices[0], "offline: google:primary as it was 3 hours ago") {
		t.Errorf("notices %q", got.notices)
	}
	// Days no window holds: an error naming them.
	_, err = e.run(berlinWeek(t, 2025, 9, 1), off, google.Options{})
	if !errors.Is(err, google.ErrNotCached) || !strings.Contains(err.Error(), "2025-09-01 to 2025-09-07") {
		t.Errorf("offline outside the window: %v", err)
	}
	// Offline a week later still serves it, and says how old it is.
	e.clock.add(7 * 24 * time.Hour)
	if got, err := e.run(q, off, google.Options{}); err != nil || !strings.Contains(got.notices[0], "7 days ago") {
		t.Errorf("offline a week later: %v %q", err, got.notices)
	}

	// --refresh reads the settings and the window in full.
	ref := acct
	ref.Refresh = true
	got, err = e.run(q, ref, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paths(got.requests); len(p) != 3 || p[2] != "calendars/primary/events (2025-02-01 to 2025-07-01)" {
		t.Errorf("refresh asked %v", p)
	}
	sameResult(t, "refresh", got.res, e.fresh(q, google.Options{}))
}

func TestSyncHostilePage(t *testing.T) {
	// A page of nulls and events that cannot be counted, with no sync
	// token: the same warnings and events as a run without the cache,
	// and nothing kept to go on from.
	e := newSyncEnv(t)
	e.api.AddEvents("primary", ev("good", "Good", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
	body := []byte(`{"timeZone": "Europe/Berlin", "items": [null,
		{"id": "sync", "summary": "Sync", "start": {"dateTime": "2025-03-04T10:00:00+01:00"}, "end": {"dateTime": "2025-03-04T11:00:00+01:00"}},
		{"id": "no-start", "summary": "No start", "end": {"dateTime": "2025-03-05T11:00:00+01:00"}},
		{"id": "no-end", "summary": "No end", "start": {"dateTime": "2025-03-05T09:00:00+01:00"}},
		{"summary": "No id", "start": {"dateTime": "2025-03-06T09:00:00+01:00"}, "end": {"dateTime": "2025-03-06T10:00:00+01:00"}},
		{"id": "bad-time", "summary": "Bad time", "start": {"dateTime": "next Tuesday"}, "end": {"dateTime": "2025-03-05T11:00:00+01:00"}}]}`)
	q := berlinWeek(t, 2025, 3, 3)
	e.api.InjectFault(googletest.Fault{Path: "events", Body: body})
	want := e.fresh(q, google.Options{})
	e.api.InjectFault(googletest.Fault{Path: "events", Body: body})
	got, err := e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "hostile page", got.res, want)
	if len(want.Warnings) != 4 {
		t.Errorf("warnings %q", want.Warnings)
	}
	// Nothing was kept from it: the next run reads in full, and finds
	// the real calendar.
	got, err = e.run(q, signedIn, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paths(got.requests); len(p) != 1 || strings.Contains(p[0], "sync token") {
		t.Errorf("after a page with no sync token asked %v", p)
	}
	if len(got.res.Events) != 1 || got.res.Events[0].Title != "Good" {
		t.Errorf("after the hostile page: %+v", got.res.Events)
	}
}

func TestSyncSeveralCalendars(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 8)
	e.api.AddCalendar(googletest.Calendar{ID: "team@group.calendar.google.com", Summary: "Team"})
	e.api.AddEvents("team@group.calendar.google.com", ev("planning", "Planning", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"),
		&calendarapi.Event{Id: "standup_20250304", ICalUID: "standup@example.com", Summary: "Stand-up", Status: "confirmed",
			Start: &calendarapi.EventDateTime{DateTime: "2025-03-04T08:30:00Z"}, End: &calendarapi.EventDateTime{DateTime: "2025-03-04T08:45:00Z"}})
	opts := google.Options{CalendarIDs: []string{"primary", "team@group.calendar.google.com"}}
	q := berlinWeek(t, 2025, 3, 3)
	want := e.fresh(q, opts)
	if _, err := e.run(q, signedIn, opts); err != nil {
		t.Fatal(err)
	}
	e.api.DeleteEvent("team@group.calendar.google.com", "planning")
	want = e.fresh(q, opts)
	got, err := e.run(q, signedIn, opts)
	if err != nil {
		t.Fatal(err)
	}
	p := paths(got.requests)
	slices.Sort(p)
	if len(p) != 2 || !strings.HasSuffix(p[0], "(sync token)") || !strings.HasSuffix(p[1], "(sync token)") {
		t.Errorf("second run of two calendars asked %v, want one request each", p)
	}
	sameResult(t, "two calendars", got.res, want)
	if got.info.Name != "me@example.com, Team" {
		t.Errorf("names %q", got.info.Name)
	}
}

func TestSyncBusy(t *testing.T) {
	e := newSyncEnv(t)
	busyWeeks(e.api, 4)
	q := berlinWeek(t, 2025, 3, 3)
	if _, err := e.run(q, signedIn, google.Options{}); err != nil {
		t.Fatal(err)
	}
	// Another run holding the file for longer than the wait, as bbolt
	// holds it while it writes.
	db, err := bolt.Open(e.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.run(q, signedIn, google.Options{})
	db.Close()
	if !errors.Is(err, synccache.ErrBusy) || !strings.Contains(err.Error(), "still locked after 300ms") {
		t.Errorf("while another run holds the file: %v", err)
	}
	if _, err := e.run(q, signedIn, google.Options{}); err != nil {
		t.Errorf("once it let go: %v", err)
	}
}

func TestSyncNoAccountKnown(t *testing.T) {
	// Credentials that name no account, and no digest to remember it by
	// (a service account's own calendar, say): the settings are asked
	// for on every run, which names the account; the events still come
	// from the copy.
	e := newSyncEnv(t)
	busyWeeks(e.api, 4)
	q := berlinWeek(t, 2025, 3, 3)
	if _, err := e.run(q, google.Cache{}, google.Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := e.run(q, google.Cache{}, google.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p := paths(got.requests); !slices.Equal(p, []string{"users/me/settings/timezone", "users/me/calendarList/primary", "calendars/primary/events (sync token)"}) {
		t.Errorf("asked %v", p)
	}
}
