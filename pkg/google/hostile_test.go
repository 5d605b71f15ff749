package google_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
)

// hostile is a fault that answers body to the next events.list.
func hostile(body string) googletest.Fault {
	return googletest.Fault{Path: "events", Body: []byte(body)}
}

// good is an ordinary event of the test week, as JSON.
func good(id string, day int) string {
	return fmt.Sprintf(`{"id": %q, "summary": "good %s", "start": {"dateTime": "2025-03-%02dT10:00:00Z"}, "end": {"dateTime": "2025-03-%02dT11:00:00Z"}}`, id, id, day, day)
}

func titlesOf(evs []calendar.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Title)
	}
	return out
}

// TestHostileEvents: what Google may send that cannot be counted is
// skipped with a warning naming the calendar and the event; every good
// event of the page is kept, and nothing becomes a 0-minute meeting.
func TestHostileEvents(t *testing.T) {
	tests := []struct {
		name string
		bad  string // one or more items, JSON
		want []string
	}{
		{"null items", `null, null`, []string{"google:primary: google sent 2 empty (null) events in a page; skipped them"}},
		{"no start", `{"id": "nostart", "end": {"dateTime": "2025-03-04T11:00:00Z"}}`,
			[]string{"google:primary (event nostart): no start; skipped it"}},
		{"no end, timed", `{"id": "noend", "start": {"dateTime": "2025-03-04T10:00:00Z"}}`,
			[]string{"google:primary (event noend): no end; skipped it"}},
		{"no end, all day", `{"id": "noend-day", "start": {"date": "2025-03-04"}}`,
			[]string{"google:primary (event noend-day): no end; skipped it"}},
		{"start with neither date nor dateTime", `{"id": "empty-start", "start": {"timeZone": "Europe/Berlin"}, "end": {"dateTime": "2025-03-04T11:00:00Z"}}`,
			[]string{"google:primary (event empty-start): start has neither date nor dateTime; skipped it"}},
		{"end with neither", `{"id": "empty-end", "start": {"dateTime": "2025-03-04T10:00:00Z"}, "end": {}}`,
			[]string{"google:primary (event empty-end): end has neither date nor dateTime; skipped it"}},
		{"unparsable dateTime", `{"id": "bad-dt", "start": {"dateTime": "tomorrow at ten"}, "end": {"dateTime": "2025-03-04T11:00:00Z"}}`,
			[]string{`google:primary (event bad-dt): start: bad dateTime "tomorrow at ten"; skipped it`}},
		{"unparsable date", `{"id": "bad-date", "start": {"date": "2025-02-30"}, "end": {"date": "2025-03-01"}}`,
			[]string{`google:primary (event bad-date): start: bad date "2025-02-30"; skipped it`}},
		{"end before start", `{"id": "backwards", "start": {"dateTime": "2025-03-04T11:00:00Z"}, "end": {"dateTime": "2025-03-04T10:00:00Z"}}`,
			[]string{"google:primary (event backwards): end before start; skipped it"}},
		{"no id either", `{"start": {"dateTime": "2025-03-04T11:00:00Z"}}`,
			[]string{"google:primary (event without an id): no end; skipped it"}},
		{"a long id is clipped", `{"id": "` + strings.Repeat("x", 5000) + `"}`,
			[]string{"google:primary (event " + strings.Repeat("x", 100) + "…): no start; skipped it"}},
		{"cancelled, with no times: left out, no warning", `{"id": "gone", "status": "cancelled"}`, nil},
		{"attendees null, organizer null, entry points null",
			`{"id": "nulls", "summary": "nulls", "start": {"dateTime": "2025-03-04T14:00:00Z"}, "end": {"dateTime": "2025-03-04T15:00:00Z"},
			  "attendees": [null, {"email": "A@x"}], "organizer": null, "conferenceData": {"entryPoints": [null]}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := startAPI(t)
			api.InjectFault(hostile(`{"timeZone": "UTC", "items": [` + good("g1", 3) + `, ` + tt.bad + `, ` + good("g2", 5) + `]}`))
			src, _ := newSource(t, api, google.Options{})
			res, err := src.Events(context.Background(), week(t))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			if strings.HasPrefix(tt.name, "attendees null") {
				want = []string{"good g1", "nulls", "good g2"}
			} else {
				want = []string{"good g1", "good g2"}
			}
			if got := titlesOf(res.Events); !slices.Equal(got, want) {
				t.Errorf("events = %q, want %q", got, want)
			}
			if !slices.Equal(res.Warnings, tt.want) {
				t.Errorf("warnings = %q, want %q", res.Warnings, tt.want)
			}
			for _, e := range res.Events {
				if !e.End.After(e.Start) {
					t.Errorf("%q lasts %s", e.Title, e.End.Sub(e.Start))
				}
			}
		})
	}
}

// TestPageTokenCycles: any page token seen before in the same listing
// fails it, the cycle A→B→A as well as the same page twice: the list never
// loops, and is never returned short.
func TestPageTokenCycles(t *testing.T) {
	page := func(items, next string) string {
		return fmt.Sprintf(`{"items": [%s], "nextPageToken": %q}`, items, next)
	}
	tests := []struct {
		name  string
		pages []string
	}{
		{"the same token twice", []string{page(good("a", 3), "A"), page(good("b", 4), "A")}},
		{"A, B, A", []string{page(good("a", 3), "A"), page(good("b", 4), "B"), page("", "A")}},
		{"A, B, C, B", []string{page(good("a", 3), "A"), page("", "B"), page(good("c", 5), "C"), page("", "B")}},
	}
	for _, tt := range tests {
		t.Run("events: "+tt.name, func(t *testing.T) {
			api := startAPI(t)
			for _, p := range tt.pages {
				api.InjectFault(hostile(p))
			}
			src, _ := newSource(t, api, google.Options{})
			res, err := src.Events(context.Background(), week(t))
			if err == nil || err.Error() != "calendar primary: google sent the same page twice" {
				t.Fatalf("error = %v, want the same page twice", err)
			}
			if len(res.Events) != 0 {
				t.Errorf("partial result: %d events", len(res.Events))
			}
			if n := len(api.Requests()); n != len(tt.pages) {
				t.Errorf("%d requests, want %d", n, len(tt.pages))
			}
		})
		t.Run("calendar list: "+tt.name, func(t *testing.T) {
			api := startAPI(t)
			for _, p := range tt.pages {
				api.InjectFault(googletest.Fault{Path: "calendarList", Body: []byte(p)})
			}
			src, _ := newSource(t, api, google.Options{})
			cals, err := src.ListCalendars(context.Background())
			if err == nil || err.Error() != "calendar list: google sent the same page twice" {
				t.Fatalf("error = %v, want the same page twice", err)
			}
			if cals != nil {
				t.Errorf("partial list: %v", cals)
			}
		})
	}
}

// TestCalendarListNulls: null entries and entries without an id are left
// out of the calendar list; the rest is listed.
func TestCalendarListNulls(t *testing.T) {
	api := startAPI(t)
	api.InjectFault(googletest.Fault{Path: "calendarList", Body: []byte(`{"items": [null, {"summary": "no id"}, {"id": "a@example.com", "summary": "A"}, null]}`)})
	src, _ := newSource(t, api, google.Options{})
	cals, err := src.ListCalendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []google.Calendar{{ID: "a@example.com", Summary: "A"}}; !slices.Equal(cals, want) {
		t.Errorf("calendars = %+v, want %+v", cals, want)
	}
}

// TestEmptyAnswers: a JSON null where an answer should be fails the call,
// naming it, instead of a nil dereference.
func TestEmptyAnswers(t *testing.T) {
	for _, tt := range []struct {
		path, want string
		run        func(*google.Source) error
	}{
		{"settings", "setting timezone: google sent an empty answer", func(s *google.Source) error { _, err := s.Info(context.Background()); return err }},
		{"calendarList/primary", "calendar primary: google sent an empty answer", func(s *google.Source) error { _, err := s.Info(context.Background()); return err }},
		{"events", "calendar primary: google sent an empty answer", func(s *google.Source) error {
			_, err := s.Events(context.Background(), calendar.Query{From: time.Unix(0, 0), To: time.Unix(3600, 0)})
			return err
		}},
		{"calendarList", "calendar list: google sent an empty answer", func(s *google.Source) error { _, err := s.ListCalendars(context.Background()); return err }},
	} {
		t.Run(tt.path, func(t *testing.T) {
			api := startAPI(t)
			api.InjectFault(googletest.Fault{Path: tt.path, Body: []byte("null")})
			src, _ := newSource(t, api, google.Options{})
			if err := tt.run(src); err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestAnswerTooLarge: an answer of 100 MB is cut at google.MaxAnswerBytes
// and the call fails, saying so; the server did not get to send it all.
func TestAnswerTooLarge(t *testing.T) {
	api := startAPI(t)
	const pad = 100 << 20
	api.InjectFault(googletest.Fault{Path: "events", Pad: pad, Body: []byte(`{"items": []}`)})
	src, _ := newSource(t, api, google.Options{})
	_, err := src.Events(context.Background(), week(t))
	if want := "calendar primary: google's answer is larger than 32 MB: refused"; err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	api.Close() // the handler's last write has failed: its record is in
	reqs := api.Requests()
	if len(reqs) != 1 || reqs[0].Written >= pad {
		t.Errorf("requests = %d, the first wrote %d bytes; want one, cut short of %d", len(reqs), reqs[0].Written, pad)
	}
}

// TestHugeAttendeeList: an event listing a million attendees keeps the
// first google's bound of them, marked as omitted (as Google marks lists
// it leaves out), with a warning; the page's other events are kept whole.
func TestHugeAttendeeList(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"items": [` + good("g1", 3) + `, {"id": "town-hall", "summary": "town hall", "start": {"dateTime": "2025-03-04T10:00:00Z"}, "end": {"dateTime": "2025-03-04T11:00:00Z"}, "attendees": [`)
	const n = 1_000_000
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]}]}`)
	api := startAPI(t)
	api.InjectFault(hostile(b.String()))
	src, _ := newSource(t, api, google.Options{})
	res, err := src.Events(context.Background(), week(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := titlesOf(res.Events); !slices.Equal(got, []string{"good g1", "town hall"}) {
		t.Fatalf("events = %q", got)
	}
	hall := res.Events[1]
	if len(hall.Attendees) != 5000 || !hall.AttendeesOmitted {
		t.Errorf("town hall keeps %d attendees, omitted %v; want 5000, true", len(hall.Attendees), hall.AttendeesOmitted)
	}
	if want := []string{"google:primary (event town-hall): lists 1000000 attendees; kept the first 5000"}; !slices.Equal(res.Warnings, want) {
		t.Errorf("warnings = %q, want %q", res.Warnings, want)
	}
}

// TestServerTextClipped: a message Google sends with an error goes into
// the error clipped, however long it is.
func TestServerTextClipped(t *testing.T) {
	api := startAPI(t)
	long := strings.Repeat("é", 3000)
	api.InjectFault(googletest.Fault{Path: "events", Status: 400, Body: []byte(`{"error": {"code": 400, "message": "m", "errors": [{"reason": "` + strings.Repeat("r", 500) + `", "message": "` + long + `"}]}}`)})
	src, _ := newSource(t, api, google.Options{})
	_, err := src.Events(context.Background(), week(t))
	if err == nil {
		t.Fatal("no error")
	}
	want := "calendar primary: " + strings.Repeat("r", 60) + "…: " + strings.Repeat("é", 100) + "…"
	if err.Error() != want {
		t.Errorf("error = %q (%d bytes), want %q", err, len(err.Error()), want)
	}
}

// TestRedirects: the real Calendar API client follows a redirect within
// Google's origin, and refuses one to another origin before anything is
// sent there, the bearer token least of all.
func TestRedirects(t *testing.T) {
	t.Run("another origin", func(t *testing.T) {
		api := startAPI(t)
		api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
		other := api.Elsewhere()
		api.InjectFault(googletest.Fault{Path: "events", Redirect: "elsewhere"})
		src, w := newSource(t, api, google.Options{})
		res, err := src.Events(context.Background(), week(t))
		want := "calendar primary: the answer redirected to another site (" + other.URL + "): refused, so that your Google sign-in is not sent there"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v, want %q", err, want)
		}
		if len(res.Events) != 0 || len(w.all()) != 0 {
			t.Errorf("%d events, %d retries; want none", len(res.Events), len(w.all()))
		}
		for _, r := range other.Requests() {
			if r.Authorization != "" {
				t.Errorf("the other origin saw Authorization %q", r.Authorization)
			}
		}
		if n := len(other.Requests()); n != 0 {
			t.Errorf("the other origin got %d requests, want none", n)
		}
	})
	t.Run("the same origin", func(t *testing.T) {
		api := startAPI(t)
		api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
		api.InjectFault(googletest.Fault{Path: "events", Redirect: "same"})
		src, _ := newSource(t, api, google.Options{})
		res, err := src.Events(context.Background(), week(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Events) != 1 {
			t.Errorf("got %d events, want 1", len(res.Events))
		}
		var got []string
		for _, r := range api.Requests() {
			got = append(got, fmt.Sprintf("%d %s", r.Status, r.Token))
		}
		if want := []string{"307 test-access-token", "200 test-access-token"}; !slices.Equal(got, want) {
			t.Errorf("requests = %q, want %q", got, want)
		}
	})
}

// TestRetryAfterBeyondBudget: a Retry-After longer than what emtime may
// still wait fails at once, saying how long Google asked to wait, instead
// of sleeping it out: beyond the retries' MaxWait, beyond the time left
// to the caller's deadline, and beyond any duration.
func TestRetryAfterBeyondBudget(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		deadline   time.Duration
		want       string
	}{
		{"an hour", "3600", 0,
			"calendar primary: rateLimitExceeded: Rate Limit Exceeded; Google asked to wait 60 minutes before trying again, more than the 2 minutes emtime waits: try again later"},
		{"past the deadline", "30", 10 * time.Second,
			"calendar primary: rateLimitExceeded: Rate Limit Exceeded; Google asked to wait 30 s before trying again, more than the 10 s emtime waits: try again later"},
		{"more seconds than a duration holds", "99999999999999999999", 0,
			"calendar primary: rateLimitExceeded: Rate Limit Exceeded; Google asked to wait 720 hours before trying again, more than the 2 minutes emtime waits: try again later"},
		{"a date next year", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat), 0,
			"calendar primary: rateLimitExceeded: Rate Limit Exceeded; Google asked to wait 720 hours before trying again, more than the 2 minutes emtime waits: try again later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := startAPI(t)
			api.InjectFault(googletest.Fault{Path: "events", Status: 429, RetryAfter: tt.retryAfter})
			src, w := newSource(t, api, google.Options{})
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			_, err := src.Events(ctx, week(t))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v\nwant    %q", err, tt.want)
			}
			if len(w.all()) != 0 {
				t.Errorf("waited %v", w.all())
			}
		})
	}
}

// TestRunDeadline: when the caller's deadline passes (the run's
// --timeout), the call ends at once with an error that says so and what it
// was waiting for, however long its own tries may take.
func TestRunDeadline(t *testing.T) {
	cause := errors.New("gave up after 200ms (--timeout)")
	t.Run("waiting for an answer", func(t *testing.T) {
		api := startAPI(t)
		api.InjectFault(googletest.Fault{Path: "events", Status: 503})
		api.InjectFault(googletest.Fault{Path: "events", Stall: true, Times: 100})
		src, _ := newSource(t, api, google.Options{Retry: google.Retry{Timeout: time.Hour, BaseDelay: time.Millisecond}})
		ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, cause)
		defer cancel()
		_, err := src.Events(ctx, week(t))
		want := "calendar primary: gave up after 200ms (--timeout), waiting for Google to answer try 2 of 5 (before that: backendError (503))"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %q", err, want)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, cause) {
			t.Errorf("error = %v, want it to wrap the deadline and its cause", err)
		}
	})
	t.Run("waiting to retry", func(t *testing.T) {
		api := startAPI(t)
		api.InjectFault(googletest.Fault{Path: "events", Status: 503})
		// The real timer: the wait is cut by the deadline.
		src, err := google.New(context.Background(), google.Options{HTTPClient: bearer("t"), BaseURL: api.Endpoint(), Retry: google.Retry{BaseDelay: 500 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeoutCause(context.Background(), 200*time.Millisecond, cause)
		defer cancel()
		_, err = src.Events(ctx, week(t))
		// The first wait is 250ms to 500ms: past the deadline, so not
		// waited at all.
		want := "calendar primary: backendError: Service Unavailable (gave up after 1 try: the next would come after the run's time limit)"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %q", err, want)
		}
	})
	t.Run("cut while waiting", func(t *testing.T) {
		api := startAPI(t)
		api.InjectFault(googletest.Fault{Path: "events", Status: 503})
		block := func(ctx context.Context, d time.Duration) error { <-ctx.Done(); return ctx.Err() }
		src, _ := newSource(t, api, google.Options{Retry: google.Retry{BaseDelay: 50 * time.Millisecond, Sleep: block}})
		ctx, cancel := context.WithTimeoutCause(context.Background(), time.Second, cause)
		defer cancel()
		_, err := src.Events(ctx, week(t))
		if err == nil || !strings.HasPrefix(err.Error(), "calendar primary: gave up after 200ms (--timeout), waiting for the ") ||
			!strings.HasSuffix(err.Error(), " before try 2 of 5 (before that: backendError (503))") {
			t.Fatalf("error = %v", err)
		}
	})
}

// TestRetryNotices: every retry is told before its wait, with what failed
// and for how long emtime waits, in words fit for a terminal.
func TestRetryNotices(t *testing.T) {
	api := startAPI(t)
	api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))
	api.InjectFault(googletest.Fault{Path: "settings", Status: 429, RetryAfter: "20"})
	api.InjectFault(googletest.Fault{Path: "events", Status: 503})
	api.InjectFault(googletest.Fault{Path: "events", Stall: true})
	api.InjectFault(googletest.Fault{Path: "events", Drop: true})
	var mu sync.Mutex
	var got []string
	src, _ := newSource(t, api, google.Options{
		Retry: google.Retry{BaseDelay: time.Second, Timeout: 100 * time.Millisecond},
		Retrying: func(n google.RetryNotice) {
			mu.Lock()
			defer mu.Unlock()
			// The backoff has a random part: keep its bounds.
			got = append(got, n.What+": "+n.String())
		},
	})
	if _, err := src.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Events(context.Background(), week(t)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`setting timezone: Google asked to wait 20 s \(rate limit\); retrying 2/5…`,
		`calendar primary: backendError \(503\); retrying 2/5 in (\d+ ms|1 s)…`,
		`calendar primary: no answer within 100 ms; retrying 3/5 in [12] s…`,
		// net/http may itself retry the dropped request once.
		`(calendar primary: connection dropped; retrying 4/5 in [2-4] s…)?`,
	}
	if len(got) < 3 || len(got) > 4 {
		t.Fatalf("notices = %q", got)
	}
	for i, g := range got {
		if !matches(want[i], g) {
			t.Errorf("notice %d = %q, want %s", i, g, want[i])
		}
	}
}

// matches reports whether s matches the regular expression re whole.
func matches(re, s string) bool {
	return regexp.MustCompile("^(?:" + re + ")$").MatchString(s)
}

// TestRetryNoticeKeepsServerTextOut: the progress line is drawn as is, so
// a reason Google sends that is not a plain word stays out of the notice.
func TestRetryNoticeKeepsServerTextOut(t *testing.T) {
	api := startAPI(t)
	api.InjectFault(googletest.Fault{Path: "events", Status: 503, Reason: "backend\x1b[2J\rError"})
	var got []string
	src, _ := newSource(t, api, google.Options{Retrying: func(n google.RetryNotice) { got = append(got, n.Reason) }})
	if _, err := src.Events(context.Background(), week(t)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Google answered 503"}; !slices.Equal(got, want) {
		t.Errorf("reasons = %q, want %q", got, want)
	}
}
