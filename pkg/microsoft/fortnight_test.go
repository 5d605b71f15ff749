package microsoft_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/emtime/emtime/pkg/ics"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
)

// The fortnight of the Google test data: the week of
// testdata/google/week.json (which testdata/week.ics gives too) and the
// week after it, of testdata/google/account.json (two calendars, a meeting
// on both, an alias), rendered in Graph's shapes in
// testdata/graph/fortnight.json. Read through
// the real clients against the fakes, the two providers must give the same
// events and the same weeks, minute for minute.
var (
	fortnightFrom = time.Date(2026, 3, 2, 0, 0, 0, 0, berlin())
	fortnightTo   = time.Date(2026, 3, 16, 0, 0, 0, 0, berlin())
)

func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}

// bearer is a client that signs every request with a fixed token, as the
// oauth2 transport would.
func bearer(token string) *http.Client {
	return &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+token)
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// testdata is a file of the repository's testdata folder, shared with the
// end-to-end scripts.
func testdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// graphFortnight reads the fortnight from a fake Graph.
func graphFortnight(t *testing.T, me ...string) (calendar.Info, calendar.Result, *graphtest.Server) {
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
	src, err := microsoft.New(microsoft.Options{
		HTTPClient: bearer("graph-token"),
		BaseURL:    api.Endpoint(),
		Calendars:  []string{"Calendar", "Team"},
		Me:         me,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := src.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Events(ctx, calendar.Query{From: fortnightFrom, To: fortnightTo, Zone: berlin()})
	if err != nil {
		t.Fatal(err)
	}
	return info, res, api
}

// googleFortnight reads the same fortnight from a fake Google Calendar.
func googleFortnight(t *testing.T, me ...string) (calendar.Info, calendar.Result) {
	t.Helper()
	api := googletest.New()
	t.Cleanup(api.Close)
	for _, name := range []string{"google/week.json", "google/account.json"} {
		if err := api.LoadFixture(testdata(t, name)); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	src, err := google.New(ctx, google.Options{
		HTTPClient:  bearer("google-token"),
		BaseURL:     api.Endpoint(),
		CalendarIDs: []string{"primary", "team@group.calendar.google.com"},
		Me:          me,
	})
	if err != nil {
		t.Fatal(err)
	}
	info, err := src.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := src.Events(ctx, calendar.Query{From: fortnightFrom, To: fortnightTo, Zone: berlin()})
	if err != nil {
		t.Fatal(err)
	}
	return info, res
}

func byStartEndTitle(a, b calendar.Event) int {
	return cmp.Or(a.Start.Compare(b.Start), a.End.Compare(b.End), strings.Compare(a.Title, b.Title))
}

// comparable is an event as the analysis sees it, less what the two
// providers cannot share: the UID (Graph's iCalUId is Exchange's global
// object id, not the iCalendar UID) and the series id (Graph names a
// series by its master, Google by the UID its occurrences share), the origin, and the other people's
// answers (on an attendee's copy Graph says "none" for everyone else, and
// nothing counts them). Who organizes is compared wherever Google names an
// organizer (account.json's stand-ups name none, which Graph cannot say).
func comparable(e calendar.Event, google calendar.Event, me map[string]bool) calendar.Event {
	e.UID, e.SeriesID, e.Origin = "", "", ""
	e.Attendees = slices.Clone(e.Attendees)
	for i, a := range e.Attendees {
		if !a.Self && !me[a.Email] {
			a.Response = ""
		}
		if google.Organizer.Email == "" {
			a.Organizer = false
		}
		e.Attendees[i] = a
	}
	if google.Organizer.Email == "" {
		e.Organizer = calendar.Person{}
	}
	slices.SortStableFunc(e.Attendees, func(a, b calendar.Attendee) int { return strings.Compare(a.Email, b.Email) })
	return e
}

func TestFortnightGraphEqualsGoogle(t *testing.T) {
	me := map[string]bool{"me@example.com": true, "me.alias@example.com": true}
	ginfo, gres := googleFortnight(t)
	minfo, mres, api := graphFortnight(t)

	if !slices.Equal(minfo.Owner, ginfo.Owner) || minfo.Zone != "Europe/Berlin" || minfo.Zone != ginfo.Zone {
		t.Errorf("info: graph %+v, google %+v", minfo, ginfo)
	}
	if len(mres.Warnings) > 0 || len(gres.Warnings) > 0 {
		t.Errorf("warnings: graph %q, google %q", mres.Warnings, gres.Warnings)
	}
	g, m := slices.Clone(gres.Events), slices.Clone(mres.Events)
	slices.SortStableFunc(g, byStartEndTitle)
	slices.SortStableFunc(m, byStartEndTitle)
	if len(m) != len(g) {
		t.Fatalf("graph gives %d events, google %d:\ngraph:  %s\ngoogle: %s", len(m), len(g), titles(m), titles(g))
	}
	if len(g) != 23 {
		t.Errorf("google gives %d events, the fortnight has 23 (15 + 8: the cancelled meeting and the second planning left out)", len(g))
	}
	for i := range g {
		gi, mi := comparable(g[i], g[i], me), comparable(m[i], g[i], me)
		if !reflect.DeepEqual(mi, gi) {
			t.Errorf("event %d %q:\ngraph  %+v\ngoogle %+v", i, g[i].Title, mi, gi)
		}
		if !strings.HasPrefix(m[i].Origin, "microsoft:") || m[i].UID == "" {
			t.Errorf("event %q: origin %q, uid %q", m[i].Title, m[i].Origin, m[i].UID)
		}
	}
	// Each stand-up names its series by its master, as Graph does: one
	// series a week in the fixture.
	series := map[string]int{}
	for _, e := range m {
		if e.Title == "Stand-up" {
			series[e.SeriesID]++
		}
	}
	if want := map[string]int{"AAMkSeriesStandup=": 5, "AAMkSeriesStandup2=": 5}; !reflect.DeepEqual(series, want) {
		t.Errorf("stand-ups by series %v, want %v", series, want)
	}
	// The planning on both calendars is kept once, from the calendar named
	// first.
	var plans []string
	for _, e := range m {
		if e.Title == "Team planning" {
			plans = append(plans, e.Origin)
		}
	}
	if !slices.Equal(plans, []string{"microsoft:Calendar"}) {
		t.Errorf("team planning read from %q, want once from microsoft:Calendar", plans)
	}
	// Every page of both calendars was read, in UTC, with the $select
	// that names no body; the fake's pages hold 4, 0, 3… events.
	views := map[string]int{}
	for _, r := range api.Requests() {
		if !strings.HasSuffix(r.Path, "/calendarView") {
			continue
		}
		views[r.Path]++
		if r.Status != http.StatusOK || r.Prefer != `outlook.timezone="UTC"` ||
			r.Query.Get("$select") != microsoft.EventSelect || r.Query.Get("$top") != "250" {
			t.Errorf("calendarView request %s %v prefer %q: %d", r.Path, r.Query, r.Prefer, r.Status)
		}
	}
	if want := map[string]int{"/v1.0/me/calendarView": 10, "/v1.0/me/calendars/AAMkAGI2Team=/calendarView": 1}; !reflect.DeepEqual(views, want) {
		t.Errorf("calendarView pages = %v, want %v", views, want)
	}
	if strings.Contains(microsoft.EventSelect, "body") {
		t.Error("the $select asks for bodies")
	}
}

func titles(es []calendar.Event) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s %s; ", e.Start.Format("Mon 02 15:04"), e.Title)
	}
	return b.String()
}

// TestFortnightSameWeeks: classified and counted, the two providers give the
// same reasons and the same weeks, and the first week is the .ics file's
// too; with the alias, the review the alias declined drops out of both.
func TestFortnightSameWeeks(t *testing.T) {
	for _, me := range [][]string{nil, {"me.alias@example.com"}} {
		t.Run(fmt.Sprint(len(me)), func(t *testing.T) {
			ginfo, gres := googleFortnight(t, me...)
			minfo, mres, _ := graphFortnight(t, me...)
			rules := classify.DefaultRules()
			rules.Me = minfo.Owner
			if !slices.Equal(ginfo.Owner, minfo.Owner) {
				t.Fatalf("owners: google %q, graph %q", ginfo.Owner, minfo.Owner)
			}
			settings := analyze.DefaultSettings(berlin())
			settings.Domain = "example.com"
			gc := classify.Classify(calendar.Merge(gres).Events, rules)
			mc := classify.Classify(calendar.Merge(mres).Events, rules)
			if got, want := reasons(mc), reasons(gc); got != want {
				t.Errorf("graph's reasons:\n%s\ngoogle's:\n%s", got, want)
			}
			gw := analyze.Analyze(analyze.Input{Events: gc, From: fortnightFrom, To: fortnightTo, Settings: settings})
			mw := analyze.Analyze(analyze.Input{Events: mc, From: fortnightFrom, To: fortnightTo, Settings: settings})
			if len(mw.Weeks) != 2 {
				t.Fatalf("%d weeks", len(mw.Weeks))
			}
			for i := range gw.Weeks {
				if !reflect.DeepEqual(mw.Weeks[i], gw.Weeks[i]) {
					t.Errorf("week %d:\ngraph  %+v\ngoogle %+v", i+1, mw.Weeks[i].Tally, gw.Weeks[i].Tally)
				}
			}
			// The hand-counted figures of the scripts: 270 meeting minutes in
			// the first week; 195 in the second, 135 with the alias.
			want := []int{270, 195}
			if len(me) > 0 {
				want[1] = 135
			}
			for i, w := range mw.Weeks {
				if w.MeetingMinutes != want[i] {
					t.Errorf("week %d: %d meeting minutes, want %d", i+1, w.MeetingMinutes, want[i])
				}
			}

			// The .ics file of the first week.
			cal, err := ics.Parse("week.ics", bytes.NewReader(testdata(t, "week.ics")))
			if err != nil {
				t.Fatal(err)
			}
			weekTo := fortnightFrom.AddDate(0, 0, 7)
			ires, err := cal.Events(context.Background(), calendar.Query{From: fortnightFrom, To: weekTo, Zone: berlin()})
			if err != nil {
				t.Fatal(err)
			}
			ic := classify.Classify(calendar.Merge(ires).Events, rules)
			ic = slices.DeleteFunc(ic, func(e classify.Event) bool { return e.Reason == "cancelled" })
			var mweek []classify.Event
			for _, e := range mc {
				if e.Start.Before(weekTo) {
					mweek = append(mweek, e)
				}
			}
			if got, want := reasons(mweek), reasons(ic); got != want {
				t.Errorf("graph's first week:\n%s\nthe .ics file's:\n%s", got, want)
			}
			iw := analyze.Analyze(analyze.Input{Events: ic, From: fortnightFrom, To: weekTo, Settings: settings})
			if !reflect.DeepEqual(mw.Weeks[0].Tally, iw.Weeks[0].Tally) {
				t.Errorf("first week:\ngraph %+v\n.ics  %+v", mw.Weeks[0].Tally, iw.Weeks[0].Tally)
			}
		})
	}
}

// reasons lists each event's classification, one a line, in a stable order.
func reasons(es []classify.Event) string {
	es = slices.Clone(es)
	slices.SortStableFunc(es, func(a, b classify.Event) int { return byStartEndTitle(*a.Event, *b.Event) })
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s %q %s %s %q %v %d\n", e.Start.Format("Mon 02 15:04"), e.Title, e.Kind, e.Category, e.Reason, e.People, e.Size)
	}
	return b.String()
}
