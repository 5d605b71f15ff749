package google_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"
)

// waits records the backoff waits instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

func bearer(token string) *http.Client {
	return oauth2.NewClient(context.Background(), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))
}

func newSource(t *testing.T, api *googletest.Server, opts google.Options) (*google.Source, *waits) {
	t.Helper()
	w := &waits{}
	if opts.HTTPClient == nil {
		opts.HTTPClient = bearer("test-access-token")
	}
	opts.BaseURL = api.Endpoint()
	if opts.Retry.Sleep == nil {
		opts.Retry.Sleep = w.sleep
	}
	src, err := google.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return src, w
}

func startAPI(t *testing.T) *googletest.Server {
	api := googletest.New()
	t.Cleanup(api.Close)
	return api
}

func timed(start, end string) (*calendarapi.EventDateTime, *calendarapi.EventDateTime) {
	return &calendarapi.EventDateTime{DateTime: start}, &calendarapi.EventDateTime{DateTime: end}
}

func ev(id, summary, start, end string) *calendarapi.Event {
	s, e := timed(start, end)
	return &calendarapi.Event{Id: id, Summary: summary, Start: s, End: e, Status: "confirmed"}
}

func week(t *testing.T) calendar.Query {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return calendar.Query{
		From: time.Date(2025, 3, 3, 0, 0, 0, 0, berlin),
		To:   time.Date(2025, 3, 10, 0, 0, 0, 0, berlin),
		Zone: berlin,
	}
}

func TestZoneDiffersFromMachine(t *testing.T) {
	api := startAPI(t)
	api.AddCalendar(googletest.Calendar{ID: "Ann@Example.com", Summary: "Ann Example", Primary: true})
	api.SetTimeZone("Pacific/Chatham") // +13:45 in March: nobody's machine
	api.AddEvents("primary", &calendarapi.Event{Summary: "holiday", Start: &calendarapi.EventDateTime{Date: "2025-03-05"}, End: &calendarapi.EventDateTime{Date: "2025-03-06"}})
	src, _ := newSource(t, api, google.Options{Me: []string{"ann@example.com", "Ann.Alias@Example.com"}})
	info, err := src.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := calendar.Info{Name: "Ann Example", Zone: "Pacific/Chatham", Owner: []string{"ann@example.com", "ann.alias@example.com"}}
	if info.Name != want.Name || info.Zone != want.Zone || !slices.Equal(info.Owner, want.Owner) {
		t.Errorf("Info = %+v, want %+v", info, want)
	}
	// With no zone in the query, all-day dates are the calendar's midnights.
	q := week(t)
	q.Zone = nil
	res, err := src.Events(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	chatham, _ := time.LoadLocation("Pacific/Chatham")
	if len(res.Events) != 1 || !res.Events[0].Start.Equal(time.Date(2025, 3, 5, 0, 0, 0, 0, chatham)) {
		t.Errorf("events = %+v, want the holiday from midnight in Chatham", res.Events)
	}
}

func TestInfoNamesEachCalendar(t *testing.T) {
	api := startAPI(t)
	api.AddCalendar(googletest.Calendar{ID: "team@group.calendar.google.com", Summary: "Team"})
	src, _ := newSource(t, api, google.Options{CalendarIDs: []string{"primary", "team@group.calendar.google.com", "other@group.calendar.google.com"}})
	info, err := src.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := "me@example.com, Team, other@group.calendar.google.com"; info.Name != want {
		t.Errorf("Name = %q, want %q", info.Name, want)
	}
}

func TestEventsMapping(t *testing.T) {
	api := startAPI(t)
	api.SetTimeZone("America/New_York") // the calendar's zone; the query's is Berlin
	self := &calendarapi.EventAttendee{Email: "ME@example.com", Self: true, ResponseStatus: "accepted"}
	boss := &calendarapi.EventAttendee{Email: "Boss@Example.com", DisplayName: "The Boss", Organizer: true, ResponseStatus: "accepted"}
	room := &calendarapi.EventAttendee{Email: "room-1@resource.calendar.google.com", Resource: true, ResponseStatus: "accepted"}

	declined := ev("declined", "Steering", "2025-03-04T10:00:00+01:00", "2025-03-04T11:00:00+01:00")
	declined.Attendees = []*calendarapi.EventAttendee{
		{Email: "me@example.com", Self: true, ResponseStatus: "declined"}, boss,
		{Email: "x@example.com", Optional: true, ResponseStatus: "needsAction"},
		{Email: "y@example.com", ResponseStatus: "tentative"},
	}
	declined.Organizer = &calendarapi.EventOrganizer{Email: "boss@example.com", DisplayName: "The Boss"}
	declined.AttendeesOmitted = true
	declined.ICalUID = "steering-uid"

	focus := ev("focus", "Focus", "2025-03-05T09:00:00+01:00", "2025-03-05T12:00:00+01:00")
	focus.EventType = "focusTime"
	focus.Organizer = &calendarapi.EventOrganizer{Email: "me@example.com", Self: true}

	ooo := ev("ooo", "Out", "2025-03-07T00:00:00+01:00", "2025-03-08T00:00:00+01:00")
	ooo.EventType = "outOfOffice"

	allDay := &calendarapi.Event{Id: "allday", Summary: "Offsite", Start: &calendarapi.EventDateTime{Date: "2025-03-06"}, End: &calendarapi.EventDateTime{Date: "2025-03-07"}}

	free := ev("free", "Lunch", "2025-03-04T12:00:00+01:00", "2025-03-04T13:00:00+01:00")
	free.Transparency = "transparent"
	free.Status = "tentative"

	meet := ev("meet", "1:1", "2025-03-03T15:00:00Z", "2025-03-03T15:30:00Z")
	meet.HangoutLink = "https://meet.google.com/abc-defg-hij"
	meet.RecurringEventId = "series1"
	meet.Attendees = []*calendarapi.EventAttendee{self, room}

	zoom := ev("zoom", "Vendor", "2025-03-03T16:00:00Z", "2025-03-03T16:30:00Z")
	zoom.ConferenceData = &calendarapi.ConferenceData{EntryPoints: []*calendarapi.EntryPoint{
		{EntryPointType: "phone", Uri: "tel:+1-555"},
		{EntryPointType: "video", Uri: "https://zoom.us/j/1"},
	}}

	bday := &calendarapi.Event{Id: "bday", Summary: "Ann's birthday", EventType: "birthday", Start: &calendarapi.EventDateTime{Date: "2025-03-09"}, End: &calendarapi.EventDateTime{Date: "2025-03-10"}}
	wl := ev("wl", "Home", "2025-03-03T08:00:00+01:00", "2025-03-03T09:00:00+01:00")
	wl.EventType = "workingLocation"
	gmail := ev("gmail", "Flight", "2025-03-08T08:00:00+01:00", "2025-03-08T09:00:00+01:00")
	gmail.EventType = "fromGmail"

	api.AddEvents("primary", declined, focus, ooo, allDay, free, meet, zoom, bday, wl, gmail)

	q := week(t)
	src, _ := newSource(t, api, google.Options{})
	res, err := src.Events(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]calendar.Event{}
	for _, e := range res.Events {
		byTitle[e.Title] = e
	}
	if len(byTitle) != 10 {
		t.Fatalf("got %d events, want 10: %+v", len(res.Events), res.Events)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		title string
		check func(e calendar.Event) bool
	}{
		{"Steering", func(e calendar.Event) bool {
			return e.UID == "steering-uid" && e.Start.Equal(at("2025-03-04T10:00:00+01:00")) && e.End.Equal(at("2025-03-04T11:00:00+01:00")) &&
				!e.AllDay && e.Type == calendar.TypeDefault && e.Status == calendar.StatusConfirmed && e.AttendeesOmitted &&
				e.Organizer == calendar.Person{Email: "boss@example.com", Name: "The Boss"} &&
				slices.Equal(e.Attendees, []calendar.Attendee{
					{Person: calendar.Person{Email: "me@example.com", Self: true}, Response: calendar.ResponseDeclined},
					{Person: calendar.Person{Email: "boss@example.com", Name: "The Boss"}, Response: calendar.ResponseAccepted, Organizer: true},
					{Person: calendar.Person{Email: "x@example.com"}, Response: calendar.ResponseNeedsAction, Optional: true},
					{Person: calendar.Person{Email: "y@example.com"}, Response: calendar.ResponseTentative},
				}) && e.Origin == "google:primary" && !e.Recurring
		}},
		{"Focus", func(e calendar.Event) bool {
			return e.Type == calendar.TypeFocusTime && e.Organizer.Self && e.Organizer.Email == "me@example.com"
		}},
		{"Out", func(e calendar.Event) bool { return e.Type == calendar.TypeOutOfOffice && !e.AllDay }},
		{"Offsite", func(e calendar.Event) bool {
			// All-day: midnights in the query's zone, not the calendar's.
			return e.AllDay && e.Start.Equal(time.Date(2025, 3, 6, 0, 0, 0, 0, q.Zone)) && e.End.Equal(time.Date(2025, 3, 7, 0, 0, 0, 0, q.Zone)) &&
				e.Start.Location() == q.Zone && e.UID == "allday@google.com"
		}},
		{"Lunch", func(e calendar.Event) bool { return e.Transparent && e.Status == calendar.StatusTentative }},
		{"1:1", func(e calendar.Event) bool {
			return e.ConferenceURL == "https://meet.google.com/abc-defg-hij" && e.Recurring && e.Start.Location() == q.Zone &&
				len(e.Attendees) == 2 && e.Attendees[0].Self && e.Attendees[0].Email == "me@example.com" && e.Attendees[1].Resource
		}},
		{"Vendor", func(e calendar.Event) bool { return e.ConferenceURL == "https://zoom.us/j/1" && !e.Transparent }},
		{"Ann's birthday", func(e calendar.Event) bool { return e.Type == calendar.TypeBirthday && e.AllDay }},
		{"Home", func(e calendar.Event) bool { return e.Type == calendar.TypeWorkingLocation }},
		{"Flight", func(e calendar.Event) bool { return e.Type == calendar.TypeFromGmail }},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			e, ok := byTitle[tt.title]
			if !ok {
				t.Fatal("missing")
			}
			if !tt.check(e) {
				t.Errorf("mapped wrong: %+v", e)
			}
		})
	}
	if !slices.IsSortedFunc(res.Events, func(a, b calendar.Event) int { return a.Start.Compare(b.Start) }) {
		t.Error("events not sorted by start")
	}
}

func TestEventsWindow(t *testing.T) {
	api := startAPI(t)
	api.AddEvents("primary",
		ev("before", "ends at From", "2025-03-02T22:00:00Z", "2025-03-02T23:00:00Z"), // 00:00 Berlin: touches, does not overlap
		ev("across-start", "across start", "2025-03-02T22:30:00Z", "2025-03-03T01:00:00Z"),
		ev("inside", "inside", "2025-03-05T10:00:00Z", "2025-03-05T11:00:00Z"),
		ev("across-end", "across end", "2025-03-09T22:30:00Z", "2025-03-10T01:00:00Z"),
		ev("after", "starts at To", "2025-03-09T23:00:00Z", "2025-03-10T00:00:00Z"),
		ev("far", "far", "2025-04-01T10:00:00Z", "2025-04-01T11:00:00Z"),
		&calendarapi.Event{Id: "cancelled", Summary: "cancelled", Status: "cancelled", Start: &calendarapi.EventDateTime{DateTime: "2025-03-05T12:00:00Z"}, End: &calendarapi.EventDateTime{DateTime: "2025-03-05T13:00:00Z"}},
		&calendarapi.Event{Id: "sunday", Summary: "all day Sunday", Start: &calendarapi.EventDateTime{Date: "2025-03-09"}, End: &calendarapi.EventDateTime{Date: "2025-03-10"}},
		&calendarapi.Event{Id: "monday-next", Summary: "all day next Monday", Start: &calendarapi.EventDateTime{Date: "2025-03-10"}, End: &calendarapi.EventDateTime{Date: "2025-03-11"}},
	)
	src, _ := newSource(t, api, google.Options{})
	res, err := src.Events(context.Background(), week(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Events {
		got = append(got, e.Title)
	}
	want := []string{"across start", "inside", "all day Sunday", "across end"}
	if !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	for _, r := range api.Requests() {
		if !strings.HasSuffix(r.Path, "/events") {
			continue
		}
		q := r.Query
		tmin, err1 := time.Parse(time.RFC3339, q.Get("timeMin"))
		tmax, err2 := time.Parse(time.RFC3339, q.Get("timeMax"))
		if err1 != nil || err2 != nil || tmin.After(week(t).From) || tmax.Before(week(t).To) {
			t.Errorf("window %s..%s does not cover the query", q.Get("timeMin"), q.Get("timeMax"))
		}
		if q.Get("singleEvents") != "true" || q.Get("maxResults") != "2500" || q.Get("showDeleted") != "false" {
			t.Errorf("query = %v", q)
		}
	}
}

func TestEventsPagesTwoCalendarsDedup(t *testing.T) {
	api := startAPI(t)
	team := "team@group.calendar.google.com"
	api.AddCalendar(googletest.Calendar{ID: team, Summary: "Team", AccessRole: "reader"})
	var primary []*calendarapi.Event
	for d := range 5 {
		day := 3 + d
		for h, title := range []string{"standup", "review"} {
			e := ev("", title, time.Date(2025, 3, day, 9+h*5, 0, 0, 0, time.UTC).Format(time.RFC3339), time.Date(2025, 3, day, 9+h*5, 30, 0, 0, time.UTC).Format(time.RFC3339))
			primary = append(primary, e)
		}
	}
	api.AddEvents("primary", primary...)
	shared := ev("", "standup (team copy)", primary[0].Start.DateTime, primary[0].End.DateTime)
	shared.ICalUID = primary[0].ICalUID // the same meeting, on both calendars
	api.AddEvents(team, shared,
		ev("", "team offsite", "2025-03-06T13:00:00Z", "2025-03-06T16:00:00Z"),
		ev("", "team retro", "2025-03-07T13:00:00Z", "2025-03-07T14:00:00Z"),
	)
	api.SetPageSizes(3, 0, 2) // short pages, and empty ones with a token

	var mu sync.Mutex
	var calls [][2]int
	src, _ := newSource(t, api, google.Options{
		CalendarIDs: []string{"primary", team},
		Progress: func(done, events int) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, [2]int{done, events})
		},
	})
	res, err := src.Events(context.Background(), week(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 12 {
		t.Fatalf("got %d events, want 12 (10 + 3 - 1 duplicate)", len(res.Events))
	}
	if e := res.Events[0]; e.Title != "standup" || e.Origin != "google:primary" {
		t.Errorf("first event = %q from %s, want the primary calendar's copy", e.Title, e.Origin)
	}
	pages := map[string]int{}
	for _, r := range api.Requests() {
		if !strings.HasSuffix(r.Path, "/events") {
			continue
		}
		pages[r.Path]++
		if f := r.Query.Get("fields"); !strings.Contains(f, "nextPageToken") {
			t.Errorf("fields %q lacks nextPageToken", f)
		}
	}
	if pages["/calendar/v3/calendars/primary/events"] != 6 || pages["/calendar/v3/calendars/"+team+"/events"] != 1 {
		t.Errorf("pages read = %v, want every page", pages)
	}
	if last := calls[len(calls)-1]; last != [2]int{2, 13} {
		t.Errorf("last progress = %v, want [2 13] (events read before dedup)", last)
	}
}

func TestEventsRetries(t *testing.T) {
	tests := []struct {
		name      string
		fault     googletest.Fault
		wantWaits func([]time.Duration) bool
	}{
		{"503 then success", googletest.Fault{Path: "events", Status: 503},
			func(d []time.Duration) bool {
				return len(d) == 1 && d[0] >= 5*time.Millisecond && d[0] <= 10*time.Millisecond
			}},
		{"429 with Retry-After", googletest.Fault{Path: "events", Status: 429, RetryAfter: "7"},
			func(d []time.Duration) bool { return slices.Equal(d, []time.Duration{7 * time.Second}) }},
		{"403 rateLimitExceeded", googletest.Fault{Path: "events", Status: 403, Reason: "rateLimitExceeded"},
			func(d []time.Duration) bool { return len(d) == 1 }},
		{"403 userRateLimitExceeded twice", googletest.Fault{Path: "events", Status: 403, Reason: "userRateLimitExceeded", Times: 2},
			func(d []time.Duration) bool {
				return len(d) == 2 && d[1] >= 10*time.Millisecond && d[1] <= 20*time.Millisecond
			}},
		{"dropped connections", googletest.Fault{Path: "events", Drop: true, Times: 3},
			// net/http itself may retry an idempotent GET once.
			func(d []time.Duration) bool { return len(d) >= 1 && len(d) <= 3 }},
		{"500 on settings", googletest.Fault{Path: "settings", Status: 500},
			func(d []time.Duration) bool { return len(d) == 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := startAPI(t)
			api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
			api.InjectFault(tt.fault)
			src, w := newSource(t, api, google.Options{Retry: google.Retry{BaseDelay: 10 * time.Millisecond}})
			ctx := context.Background()
			if _, err := src.Info(ctx); err != nil {
				t.Fatal(err)
			}
			res, err := src.Events(ctx, week(t))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 1 {
				t.Errorf("got %d events, want 1", len(res.Events))
			}
			if d := w.all(); !tt.wantWaits(d) {
				t.Errorf("waits = %v", d)
			}
		})
	}
}

// TestEventsRetriesResetStream: over HTTP/2, as Google serves, a request
// whose stream the server resets (RST_STREAM INTERNAL_ERROR, a dropped
// request) is tried again like a dropped connection.
func TestEventsRetriesResetStream(t *testing.T) {
	api := googletest.NewHTTP2()
	t.Cleanup(api.Close)
	api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
	api.InjectFault(googletest.Fault{Path: "events", Drop: true})
	hc := &http.Client{Transport: &oauth2.Transport{
		Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-access-token"}),
		Base:   api.Client().Transport,
	}}
	src, w := newSource(t, api, google.Options{HTTPClient: hc, Retry: google.Retry{BaseDelay: time.Millisecond}})
	res, err := src.Events(context.Background(), week(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 1 || len(w.all()) != 1 {
		t.Errorf("got %d events after %d waits, want 1 after 1", len(res.Events), len(w.all()))
	}
	var got []string
	for _, r := range api.Requests() {
		got = append(got, fmt.Sprintf("%s %d", r.Proto, r.Status))
	}
	slices.Sort(got)
	if want := []string{"HTTP/2.0 0", "HTTP/2.0 200"}; !slices.Equal(got, want) {
		t.Errorf("requests = %v, want %v", got, want)
	}
}

// TestEventsTimeout: a Google that stops answering costs each try its
// deadline, then a retry; one that never answers fails the call with an
// error that names the calendar and says it timed out.
func TestEventsTimeout(t *testing.T) {
	for _, tt := range []struct {
		name  string
		times int
		want  string
	}{
		{name: "stalls once", times: 1},
		{name: "stalls for good", times: 100,
			want: "calendar primary: timed out: no answer from Google within 50ms (gave up after 3 tries)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := startAPI(t)
			api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
			api.InjectFault(googletest.Fault{Path: "events", Stall: true, Times: tt.times})
			src, _ := newSource(t, api, google.Options{Retry: google.Retry{MaxAttempts: 3, BaseDelay: time.Millisecond, Timeout: 50 * time.Millisecond}})
			// Only a safety net: the tries' own deadlines end the call.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := src.Events(ctx, week(t))
			if ctx.Err() != nil {
				t.Fatal("the call outlasted its tries' deadlines")
			}
			if tt.want == "" {
				if err != nil || len(res.Events) != 1 {
					t.Fatalf("got %d events, error %v; want 1 event after a retry", len(res.Events), err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			var ge *google.Error
			if !errors.As(err, &ge) || ge.Calendar != "primary" || ge.Attempts != 3 {
				t.Errorf("error = %#v, want a *google.Error about primary after 3 tries", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want it to wrap context.DeadlineExceeded", err)
			}
		})
	}
}

func TestEventsErrors(t *testing.T) {
	team := "team@group.calendar.google.com"
	tests := []struct {
		name     string
		ids      []string
		fault    *googletest.Fault
		want     string
		attempts int
		tries    int
	}{
		{name: "unknown calendar", ids: []string{"primary", team},
			want: "calendar " + team + ": notFound: Not Found", attempts: 1},
		{name: "forbidden is not retried", ids: []string{"primary"}, fault: &googletest.Fault{Path: "events", Status: 403},
			want: "calendar primary: forbidden: Forbidden", attempts: 1, tries: 1},
		{name: "503 for good", ids: []string{"primary"}, fault: &googletest.Fault{Path: "events", Status: 503, Times: 100},
			want: "calendar primary: backendError: Service Unavailable (gave up after 4 tries)", attempts: 4, tries: 4},
		{name: "Retry-After beyond the bound", ids: []string{"primary"}, fault: &googletest.Fault{Path: "events", Status: 429, RetryAfter: "3600"},
			want: "calendar primary: rateLimitExceeded: Rate Limit Exceeded", attempts: 1, tries: 1},
		{name: "one calendar of two fails", ids: []string{"primary", team}, fault: &googletest.Fault{Path: team, Status: 400, Reason: "invalid", Times: 100},
			want: "calendar " + team + ": invalid: Bad Request", attempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := startAPI(t)
			api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
			if tt.name == "one calendar of two fails" {
				api.AddCalendar(googletest.Calendar{ID: team})
			}
			if tt.fault != nil {
				api.InjectFault(*tt.fault)
			}
			src, _ := newSource(t, api, google.Options{CalendarIDs: tt.ids, Retry: google.Retry{MaxAttempts: 4, BaseDelay: time.Millisecond}})
			res, err := src.Events(context.Background(), week(t))
			if err == nil {
				t.Fatalf("no error; got %d events", len(res.Events))
			}
			if len(res.Events) != 0 {
				t.Errorf("partial result returned with the error: %d events", len(res.Events))
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			var ge *google.Error
			if !errors.As(err, &ge) || ge.Attempts != tt.attempts {
				t.Errorf("error = %#v, want a *google.Error after %d attempts", err, tt.attempts)
			}
			if tt.tries > 0 {
				n := 0
				for _, r := range api.Requests() {
					if r.Path == "/calendar/v3/calendars/primary/events" {
						n++
					}
				}
				if n != tt.tries {
					t.Errorf("%d requests, want %d", n, tt.tries)
				}
			}
		})
	}
}

func TestListCalendars(t *testing.T) {
	api := startAPI(t)
	api.AddCalendar(googletest.Calendar{ID: "team@group.calendar.google.com", Summary: "Team", TimeZone: "Asia/Tokyo", AccessRole: "reader"})
	api.AddCalendar(googletest.Calendar{ID: "me@example.com", Summary: "Me", TimeZone: "Europe/Paris", Primary: true})
	src, _ := newSource(t, api, google.Options{})
	cals, err := src.ListCalendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []google.Calendar{
		{ID: "me@example.com", Summary: "Me", TimeZone: "Europe/Paris", AccessRole: "owner", Primary: true},
		{ID: "team@group.calendar.google.com", Summary: "Team", TimeZone: "Asia/Tokyo", AccessRole: "reader"},
	}
	if !slices.Equal(cals, want) {
		t.Errorf("calendars = %+v, want %+v", cals, want)
	}
}

// TestListCalendarsPages: a list longer than a page (Google serves at most
// 250 calendars a page) is read to its end.
func TestListCalendarsPages(t *testing.T) {
	api := startAPI(t)
	for i := range 300 {
		api.AddCalendar(googletest.Calendar{ID: fmt.Sprintf("c%03d@group.calendar.google.com", i), AccessRole: "reader"})
	}
	src, _ := newSource(t, api, google.Options{})
	cals, err := src.ListCalendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cals) != 301 || !cals[0].Primary || cals[300].ID != "c299@group.calendar.google.com" {
		t.Errorf("got %d calendars (first %+v), want 301, primary first", len(cals), cals[0])
	}
	pages := 0
	for _, r := range api.Requests() {
		if r.Path == "/calendar/v3/users/me/calendarList" {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("%d pages read, want 2", pages)
	}
}

// TestListCalendarsSamePageTwice: a page token that comes back unchanged
// fails the call, as it does for events, rather than ending the list
// short.
func TestListCalendarsSamePageTwice(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"items": [{"id": "c%s@example.com"}], "nextPageToken": "again"}`, r.URL.Query().Get("pageToken"))
	}))
	t.Cleanup(srv.Close)
	src, err := google.New(context.Background(), google.Options{HTTPClient: bearer("tok"), BaseURL: srv.URL + "/calendar/v3/"})
	if err != nil {
		t.Fatal(err)
	}
	cals, err := src.ListCalendars(context.Background())
	if err == nil {
		t.Fatalf("no error; got %d calendars", len(cals))
	}
	if want := "calendar list: google sent the same page twice"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if cals != nil {
		t.Errorf("partial list returned with the error: %v", cals)
	}
}

func TestEventsUnauthorized(t *testing.T) {
	api := startAPI(t)
	api.ExpireToken("test-access-token")
	src, _ := newSource(t, api, google.Options{})
	_, err := src.Events(context.Background(), week(t))
	var ge *google.Error
	if !errors.As(err, &ge) || ge.Code != http.StatusUnauthorized || ge.Reason != "authError" {
		t.Errorf("error = %v, want a 401 authError", err)
	}
}
