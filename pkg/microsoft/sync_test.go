package microsoft_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/synccache"
)

// fortnightAPI is a fake Graph holding the fortnight.
func fortnightAPI(t testing.TB) *graphtest.Server {
	t.Helper()
	api := graphtest.New()
	t.Cleanup(api.Close)
	data, err := os.ReadFile("../../testdata/graph/fortnight.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := api.LoadFixture(data); err != nil {
		t.Fatal(err)
	}
	return api
}

// cacheAt is a cache in a fresh folder, its notices collected.
type cacheAt struct {
	path    string
	notices []string
	now     time.Time
}

func newCacheAt(t testing.TB) *cacheAt {
	return &cacheAt{path: filepath.Join(t.TempDir(), "cache", "microsoft.db"), now: time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)}
}

// cache opens the file for one run.
func (c *cacheAt) cache(t testing.TB, set func(*microsoft.Cache)) *microsoft.Cache {
	t.Helper()
	store, err := synccache.Open(c.path, synccache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mc := &microsoft.Cache{Store: store, Account: graphtest.DefaultUser, Now: func() time.Time { return c.now },
		Notice: func(n string) { c.notices = append(c.notices, n) }}
	if set != nil {
		set(mc)
	}
	return mc
}

// readFortnight is one run of emtime's read of the two calendars: the
// settings, then the events of the fortnight.
func readFortnight(t testing.TB, api *graphtest.Server, cache *microsoft.Cache) (calendar.Info, calendar.Result, error) {
	t.Helper()
	src, err := microsoft.New(microsoft.Options{HTTPClient: bearer("graph-token"), BaseURL: api.Endpoint(),
		Calendars: []string{"Calendar", "Team"}, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := src.Info(ctx)
	if err != nil {
		return info, calendar.Result{}, err
	}
	res, err := src.Events(ctx, calendar.Query{From: fortnightFrom, To: fortnightTo, Zone: berlin()})
	return info, res, err
}

func mustRead(t testing.TB, api *graphtest.Server, cache *microsoft.Cache) calendar.Result {
	t.Helper()
	_, res, err := readFortnight(t, api, cache)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// weeks are the weekly figures of a read, as analyze counts them.
func weeks(res calendar.Result) []analyze.Week {
	rules := classify.DefaultRules()
	rules.Me = []string{graphtest.DefaultUser}
	settings := analyze.DefaultSettings(berlin())
	settings.Domain = "example.com"
	c := classify.Classify(calendar.Merge(res).Events, rules)
	return analyze.Analyze(analyze.Input{Events: c, From: fortnightFrom, To: fortnightTo, Settings: settings}).Weeks
}

// sameRead fails unless two reads give the same events and the same weeks.
func sameRead(t *testing.T, what string, got, want calendar.Result) {
	t.Helper()
	g, w := slices.Clone(calendar.Merge(got).Events), slices.Clone(calendar.Merge(want).Events)
	slices.SortStableFunc(g, byStartEndTitle)
	slices.SortStableFunc(w, byStartEndTitle)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: the events differ from a read without the cache:\ngot  %s\nwant %s", what, titles(g), titles(w))
	}
	if !slices.Equal(got.Warnings, want.Warnings) {
		t.Errorf("%s: warnings %q, want %q", what, got.Warnings, want.Warnings)
	}
	gw, ww := weeks(got), weeks(want)
	if !reflect.DeepEqual(gw, ww) {
		for i := range min(len(gw), len(ww)) {
			t.Errorf("%s: week %d\ngot  %+v\nwant %+v", what, i+1, gw[i].Tally, ww[i].Tally)
		}
	}
}

// defaultDelta is the path of the default calendar's delta, and of no
// other calendar's.
const defaultDelta = "/v1.0/me/calendarView/delta"

// requestsSince are the requests after the first n.
func requestsSince(api *graphtest.Server, n int) []graphtest.Request { return api.Requests()[n:] }

// TestCacheSyncedEqualsFull: a fortnight read in full into the cache,
// then synced after changes on the server, counts and lists what a run
// without the cache counts and lists; with Graph sending its updates
// whole, and as the properties changed only.
func TestCacheSyncedEqualsFull(t *testing.T) {
	for _, partial := range []bool{false, true} {
		t.Run(map[bool]string{false: "whole updates", true: "partial updates"}[partial], func(t *testing.T) {
			testSyncedEqualsFull(t, partial)
		})
	}
}

func testSyncedEqualsFull(t *testing.T, partial bool) {
	api := fortnightAPI(t)
	api.SetPartialUpdates(partial)
	c := newCacheAt(t)

	// The first run reads a window of months in full with the delta
	// query, and counts what a run without the cache counts.
	first := mustRead(t, api, c.cache(t, nil))
	sameRead(t, "first run", first, mustRead(t, api, nil))
	if w := weeks(first); w[0].MeetingMinutes != 270 || w[1].MeetingMinutes != 195 {
		t.Errorf("meeting minutes %d, %d, want 270, 195", w[0].MeetingMinutes, w[1].MeetingMinutes)
	}
	deltas := 0
	for _, r := range api.Requests() {
		if !strings.HasSuffix(r.Path, "/delta") {
			continue
		}
		deltas++
		if r.Status != http.StatusOK || !strings.Contains(r.Prefer, `outlook.timezone="UTC"`) || !strings.Contains(r.Prefer, "odata.maxpagesize=250") {
			t.Errorf("delta request %s %v prefer %q: %d", r.Path, r.Query, r.Prefer, r.Status)
		}
		if r.Query.Has("$select") || r.Query.Has("$top") {
			t.Errorf("delta request %s asks %v, which Graph does not take on a delta", r.Path, r.Query)
		}
	}
	// Pages of 4, 0, 3 events: the default calendar's 22 in 10 pages
	// (the last one ends the round), the team's 3 in 1.
	if deltas != 11 {
		t.Errorf("%d delta requests, want 11", deltas)
	}
	if len(c.notices) > 0 {
		t.Errorf("notices on a first run: %q", c.notices)
	}

	// What the copy keeps of an event names no body.
	file, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(file, []byte("emtime selects no body")) || !bytes.Contains(file, []byte("Vendor call")) {
		t.Error("the cache keeps bodies, or no events at all")
	}
	if fi, err := os.Stat(c.path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v, %v", fi.Mode(), err)
	}

	// Changes on the server: an event added, one moved within the
	// fortnight, one moved out of the window, one deleted, one cancelled,
	// a series' occurrence moved and renamed, a series' week deleted.
	api.SetPageSizes(1)
	added := `[{"id": "AAMkHiring=", "iCalUId": "hiring-sync", "subject": "Hiring sync",
		"start": {"dateTime": "2026-03-12T14:00:00.0000000", "timeZone": "UTC"},
		"end": {"dateTime": "2026-03-12T15:00:00.0000000", "timeZone": "UTC"},
		"isAllDay": false, "showAs": "busy", "type": "singleInstance", "isOrganizer": true,
		"organizer": {"emailAddress": {"address": "me@example.com"}},
		"attendees": [{"type": "required", "status": {"response": "none"}, "emailAddress": {"address": "erin@example.com"}}],
		"body": {"contentType": "text", "content": "secret agenda"}}]`
	if err := api.AddEventsJSON("", []byte(added)); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, ch := range []struct {
		cal, id string
		fields  map[string]any
	}{
		{"", "AAMkDesignReview=", map[string]any{"start": at("2026-03-03T15:00:00Z"), "end": at("2026-03-03T16:30:00Z")}},
		{"AAMkAGI2Team=", "AAMkOffsite=", map[string]any{"start": at("2026-08-11T14:00:00Z"), "end": at("2026-08-11T15:00:00Z")}},
		{"", "AAMkCoffee=", map[string]any{"isCancelled": true, "subject": "Canceled: Coffee chat"}},
		{"", "AAMkStandup2-20260311=", map[string]any{"type": "exception", "subject": "Stand-up (late)",
			"start": at("2026-03-11T15:00:00Z"), "end": at("2026-03-11T15:30:00Z")}},
	} {
		if !api.UpdateEvent(ch.cal, ch.id, ch.fields) {
			t.Fatalf("no event %s", ch.id)
		}
	}
	for _, id := range []string{"AAMkVendor=", "AAMkStandup-20260302=", "AAMkStandup-20260303="} {
		if !api.RemoveEvent("", id) {
			t.Fatalf("no event %s", id)
		}
	}

	n := len(api.Requests())
	synced := mustRead(t, api, c.cache(t, nil))
	var syncs int
	for _, r := range requestsSince(api, n) {
		switch {
		case strings.HasSuffix(r.Path, "/calendarView"):
			t.Errorf("the synced run read %s in full", r.Path)
		case strings.HasSuffix(r.Path, "/delta"):
			syncs++
			if r.Query.Has("startDateTime") || (r.Query.Get("$deltatoken") == "" && r.Query.Get("$skiptoken") == "") {
				t.Errorf("the synced run started a new round: %s %v", r.Path, r.Query)
			}
		}
	}
	// Pages of one: the default calendar's 7 changes (the last page ends
	// the round), the team's one.
	if syncs != 8 {
		t.Errorf("%d delta requests for the changes, want 8", syncs)
	}
	full := mustRead(t, api, nil)
	sameRead(t, "synced run", synced, full)
	titlesOf := titles(calendar.Merge(synced).Events)
	for _, want := range []string{"Hiring sync", "Stand-up (late)"} {
		if !strings.Contains(titlesOf, want) {
			t.Errorf("the synced run lacks %q: %s", want, titlesOf)
		}
	}
	for _, gone := range []string{"Vendor call", "Coffee chat", "Offsite prep", "Tue 03 09:00 Stand-up"} {
		if strings.Contains(titlesOf, gone) {
			t.Errorf("the synced run still has %q: %s", gone, titlesOf)
		}
	}
	if len(c.notices) > 0 {
		t.Errorf("notices: %q", c.notices)
	}
	file, _ = os.ReadFile(c.path)
	if bytes.Contains(file, []byte("secret agenda")) {
		t.Error("the cache keeps the body of an event added")
	}

	// Nothing changed since: one request a calendar, the same figures.
	n = len(api.Requests())
	again := mustRead(t, api, c.cache(t, nil))
	sameRead(t, "third run", again, full)
	syncs = 0
	for _, r := range requestsSince(api, n) {
		if strings.HasSuffix(r.Path, "/delta") {
			syncs++
		}
	}
	if syncs != 2 {
		t.Errorf("%d delta requests with nothing changed, want 2", syncs)
	}
	// and who, the mailbox and the calendar list (in pages of one), read
	// again on every run that asks Graph anything
	if got := requestsSince(api, n); len(got) != 6 {
		t.Errorf("a synced run with nothing changed asked %d times, want 6", len(got))
	}
}

func TestCacheStaleToken(t *testing.T) {
	api := fortnightAPI(t)
	c := newCacheAt(t)
	mustRead(t, api, c.cache(t, nil))
	api.RemoveEvent("", "AAMkVendor=")
	api.ExpireDeltaTokens()

	n := len(api.Requests())
	res := mustRead(t, api, c.cache(t, nil))
	sameRead(t, "after a stale token", res, mustRead(t, api, nil))
	var gone, fresh int
	for _, r := range requestsSince(api, n) {
		switch {
		case r.Status == http.StatusGone:
			gone++
		case strings.HasSuffix(r.Path, "/delta") && r.Query.Has("startDateTime"):
			fresh++
		}
	}
	if gone != 2 || fresh != 2 {
		t.Errorf("%d answers 410 and %d new rounds, want 2 and 2", gone, fresh)
	}
	if len(c.notices) != 2 || !strings.Contains(c.notices[0], "no longer takes the delta link kept (410 Gone, SyncStateNotFound") {
		t.Errorf("notices %q", c.notices)
	}
	// The window read again continues from its own new link.
	c.notices = nil
	n = len(api.Requests())
	mustRead(t, api, c.cache(t, nil))
	for _, r := range requestsSince(api, n) {
		if r.Query.Has("startDateTime") || r.Status != http.StatusOK {
			t.Errorf("after the full read: %s %v %d", r.Path, r.Query, r.Status)
		}
	}
}

// TestCacheTokenRefused: a 400 naming the sync state is a delta link
// Graph refuses (read in full again, said); another 400 is an error, and
// the copy stays.
func TestCacheTokenRefused(t *testing.T) {
	for _, tc := range []struct {
		code   string
		again  bool
		notice string
	}{
		{"SyncStateInvalid", true, "refused the delta link kept (400, SyncStateInvalid); reading it in full"},
		{"resyncRequired", true, "refused the delta link kept (400, resyncRequired); reading it in full"},
		{"ErrorInvalidRequest", false, ""},
	} {
		t.Run(tc.code, func(t *testing.T) {
			api := fortnightAPI(t)
			c := newCacheAt(t)
			mustRead(t, api, c.cache(t, nil))
			api.InjectFault(graphtest.Fault{Path: defaultDelta, Status: http.StatusBadRequest, Code: tc.code, Message: "The request cannot be served."})
			_, res, err := readFortnight(t, api, c.cache(t, nil))
			if !tc.again {
				if err == nil || !strings.Contains(err.Error(), tc.code) {
					t.Fatalf("err %v, want Graph's %s", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sameRead(t, tc.code, res, mustRead(t, api, nil))
			if len(c.notices) != 1 || !strings.Contains(c.notices[0], tc.notice) {
				t.Errorf("notices %q, want %q", c.notices, tc.notice)
			}
		})
	}
}

func TestCacheOffline(t *testing.T) {
	api := fortnightAPI(t)
	c := newCacheAt(t)
	full := mustRead(t, api, c.cache(t, nil))

	n := len(api.Requests())
	c.now = c.now.Add(3 * time.Hour)
	info, res, err := readFortnight(t, api, c.cache(t, func(mc *microsoft.Cache) { mc.Offline = true }))
	if err != nil {
		t.Fatal(err)
	}
	if got := requestsSince(api, n); len(got) != 0 {
		t.Errorf("an offline run asked Graph %d times", len(got))
	}
	if info.Zone != "Europe/Berlin" || !slices.Equal(info.Owner, []string{graphtest.DefaultUser}) || info.Name != "Calendar, Team" {
		t.Errorf("offline info %+v", info)
	}
	sameRead(t, "offline", res, full)
	slices.Sort(c.notices)
	if len(c.notices) != 2 || !strings.Contains(c.notices[0], "offline: microsoft:Calendar as it was 3 hours ago") {
		t.Errorf("notices %q", c.notices)
	}

	// A range the copy does not hold is an error, not an empty week.
	src, err := microsoft.New(microsoft.Options{HTTPClient: bearer("graph-token"), BaseURL: api.Endpoint(),
		Cache: c.cache(t, func(mc *microsoft.Cache) { mc.Offline = true })})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Events(context.Background(), calendar.Query{From: fortnightFrom.AddDate(1, 0, 0), To: fortnightTo.AddDate(1, 0, 0), Zone: berlin()})
	if !errors.Is(err, microsoft.ErrNotCached) || !strings.Contains(err.Error(), "offline, and the days from 2027-03-02 to 2027-03-15 are not in the cache") {
		t.Errorf("offline, a year on: %v", err)
	}

	// Offline with nothing kept of the account.
	other := newCacheAt(t)
	_, _, err = readFortnight(t, api, other.cache(t, func(mc *microsoft.Cache) { mc.Offline = true }))
	if !errors.Is(err, microsoft.ErrNotCached) {
		t.Errorf("offline with an empty cache: %v", err)
	}
}

func TestCacheFailedSyncKeepsCopy(t *testing.T) {
	api := fortnightAPI(t)
	c := newCacheAt(t)
	mustRead(t, api, c.cache(t, nil))
	store, err := synccache.Open(c.path, synccache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	key := synccache.Key{Account: graphtest.DefaultUser, Calendar: "AAMkAGI2Calendar="}
	before, err := store.Windows(key)
	if err != nil || len(before) != 1 {
		t.Fatalf("windows %v, %v", before, err)
	}

	// Changes in pages of one; the second page of the sync fails.
	api.SetPageSizes(1)
	api.RemoveEvent("", "AAMkVendor=")
	api.RemoveEvent("", "AAMkCoffee=")
	api.InjectFault(graphtest.Fault{Path: defaultDelta, Skip: 1, Status: http.StatusInternalServerError})
	if _, _, err := readFortnight(t, api, c.cache(t, nil)); err == nil {
		t.Fatal("a failed sync gave a result")
	}
	after, err := store.Windows(key)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("the copy changed after a failed sync:\nbefore %+v\nafter  %+v", before, after)
	}
	// The next run takes up from the same link and gets both changes.
	res := mustRead(t, api, c.cache(t, nil))
	sameRead(t, "after a failed sync", res, mustRead(t, api, nil))
}

func TestCacheRefusesForeignDeltaLink(t *testing.T) {
	api := fortnightAPI(t)
	c := newCacheAt(t)
	api.InjectFault(graphtest.Fault{Path: defaultDelta, Skip: 9, DeltaLink: "https://graph.evil.example/v1.0/me/calendarView/delta?$deltatoken=x"})
	_, _, err := readFortnight(t, api, c.cache(t, nil))
	var me *microsoft.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "delta link: graph sent a next link this client will not follow: it leads to https://graph.evil.example") {
		t.Fatalf("a foreign delta link: %v", err)
	}
	store, _ := synccache.Open(c.path, synccache.Options{})
	if ws, _ := store.Windows(synccache.Key{Account: graphtest.DefaultUser, Calendar: "AAMkAGI2Calendar="}); len(ws) != 0 {
		t.Errorf("a window was kept with a foreign link: %+v", ws)
	}

	// A link kept for another Graph than the one configured now (the
	// base URL changed between runs) is not followed: read in full.
	mustRead(t, api, c.cache(t, nil))
	other := graphtest.New()
	t.Cleanup(other.Close)
	data, _ := os.ReadFile("../../testdata/graph/fortnight.json")
	if err := other.LoadFixture(data); err != nil {
		t.Fatal(err)
	}
	n := len(api.Requests())
	res := mustRead(t, other, c.cache(t, nil))
	sameRead(t, "another Graph", res, mustRead(t, other, nil))
	if got := requestsSince(api, n); len(got) != 0 {
		t.Errorf("the delta link kept was sent to the Graph it came from, not the one configured: %d requests", len(got))
	}
	if len(c.notices) != 2 || !strings.Contains(c.notices[0], "the delta link kept does not lead to the Microsoft Graph configured") {
		t.Errorf("notices %q", c.notices)
	}
}

func TestCacheHostileDelta(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault graphtest.Fault
		want  string
	}{
		{"endless next link", graphtest.Fault{Path: defaultDelta, NextLink: "self", Times: 5}, "graph sent the same page twice"},
		{"next link elsewhere", graphtest.Fault{Path: defaultDelta, NextLink: "https://evil.example/v1.0/me/calendarView/delta"}, "leads to https://evil.example"},
		{"answer too large", graphtest.Fault{Path: defaultDelta, Pad: microsoft.MaxAnswerBytes + 10}, "answer larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := fortnightAPI(t)
			c := newCacheAt(t)
			api.InjectFault(tc.fault)
			_, _, err := readFortnight(t, api, c.cache(t, nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			store, _ := synccache.Open(c.path, synccache.Options{})
			if ws, _ := store.Windows(synccache.Key{Account: graphtest.DefaultUser, Calendar: "AAMkAGI2Calendar="}); len(ws) != 0 {
				t.Errorf("a window was kept from a hostile answer: %+v", ws)
			}
		})
	}
}

func TestCacheRefreshAndDamaged(t *testing.T) {
	api := fortnightAPI(t)
	c := newCacheAt(t)
	mustRead(t, api, c.cache(t, nil))

	// --refresh: read in full again, into the same window.
	n := len(api.Requests())
	res := mustRead(t, api, c.cache(t, func(mc *microsoft.Cache) { mc.Refresh = true }))
	sameRead(t, "refresh", res, mustRead(t, api, nil))
	fresh := 0
	for _, r := range requestsSince(api, n) {
		if r.Query.Has("$deltatoken") {
			t.Errorf("--refresh followed a delta link: %s", r.Path)
		}
		if r.Query.Has("startDateTime") && strings.HasSuffix(r.Path, "/delta") {
			fresh++
		}
	}
	if fresh != 2 {
		t.Errorf("%d new rounds on --refresh, want 2", fresh)
	}

	// A damaged file: started afresh, said, read in full.
	if err := os.WriteFile(c.path, bytes.Repeat([]byte("not a database "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := synccache.Open(c.path, synccache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if store.Reset() == "" {
		t.Error("a damaged file was not started afresh")
	}
	res = mustRead(t, api, &microsoft.Cache{Store: store, Account: graphtest.DefaultUser})
	sameRead(t, "damaged", res, mustRead(t, api, nil))
}
