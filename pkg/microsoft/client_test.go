package microsoft_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
)

func newSource(t *testing.T, api *graphtest.Server, hc *http.Client, opts ...func(*microsoft.Options)) *microsoft.Source {
	t.Helper()
	o := microsoft.Options{HTTPClient: hc, BaseURL: api.Endpoint()}
	for _, f := range opts {
		f(&o)
	}
	src, err := microsoft.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func week() calendar.Query { return calendar.Query{From: weekFrom, To: weekTo, Zone: berlin()} }

// someEvents puts n one-hour meetings on the default calendar, one a day
// from Monday.
func someEvents(t *testing.T, api *graphtest.Server, n int) {
	t.Helper()
	var items []string
	for i := range n {
		items = append(items, fmt.Sprintf(`{"id": "e%d", "iCalUId": "u%d", "subject": "Meeting %d",
			"start": {"dateTime": "2026-03-%02dT08:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-%02dT09:00:00", "timeZone": "UTC"},
			"organizer": {"emailAddress": {"address": "carol@example.com"}},
			"attendees": [{"type": "required", "emailAddress": {"address": "me@example.com"}}], "responseStatus": {"response": "accepted"}}`,
			i, i, i, 9+i%7, 9+i%7))
	}
	if err := api.AddEventsJSON("", []byte("["+strings.Join(items, ",")+"]")); err != nil {
		t.Fatal(err)
	}
}

func TestPaging(t *testing.T) {
	api := graphtest.New()
	defer api.Close()
	someEvents(t, api, 7)
	api.SetPageSizes(2, 0, 1)
	res, err := newSource(t, api, bearer("t")).Events(context.Background(), week())
	if err != nil || len(res.Events) != 7 {
		t.Fatalf("events %d, err %v: want 7", len(res.Events), err)
	}
	n := 0
	for _, r := range api.Requests() {
		if strings.HasSuffix(r.Path, "/calendarView") {
			n++
			if r.Token != "t" {
				t.Errorf("page asked with token %q", r.Token)
			}
		}
	}
	// 2 + 0 + 1 + 2 + 0 + 1 + 1: seven pages.
	if n != 7 {
		t.Errorf("%d pages read, want 7", n)
	}
}

func TestPagingRefusesLoopsAndOtherOrigins(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the client followed a next link to another origin, token %q", r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	tests := []struct {
		name, link, want string
	}{
		{"the same page again", "self", "calendar Calendar: graph sent the same page twice"},
		{"another origin", elsewhere.URL + "/v1.0/me/calendarView?$skiptoken=x", "graph sent a next link this client will not follow: it leads to " + elsewhere.URL + ", not http://127.0.0.1"},
		{"another scheme", "https://127.0.0.1/v1.0/me/calendarView", "it leads to https://127.0.0.1, not http://127.0.0.1"},
		{"outside the base path", "/beta/me/calendarView", "graph sent a next link this client will not follow"},
		{"credentials in it", "http://user:pw@127.0.0.1/v1.0/me/calendarView", "graph sent a next link this client will not follow"},
		{"unreadable", "http://[::1", "unreadable next link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := graphtest.New()
			defer api.Close()
			someEvents(t, api, 3)
			link := tt.link
			if strings.HasPrefix(link, "/") {
				link = api.URL + link
			}
			api.InjectFault(graphtest.Fault{Path: "calendarView", NextLink: link})
			_, err := newSource(t, api, bearer("t")).Events(context.Background(), week())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to say %q", err, tt.want)
			}
		})
	}
}

// TestPagingBudget: a server that hands out a new next link for ever is
// left after MaxPages pages.
func TestPagingBudget(t *testing.T) {
	var pages atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1.0/me":
			io.WriteString(w, `{"mail": "me@example.com"}`)
		case r.URL.Path == "/v1.0/me/calendars":
			io.WriteString(w, `{"value": [{"id": "c", "name": "Calendar", "isDefaultCalendar": true}]}`)
		default:
			n := pages.Add(1)
			fmt.Fprintf(w, `{"value": [], "@odata.nextLink": "%s/v1.0/me/calendarView?page=%d"}`, srv.URL, n)
		}
	}))
	defer srv.Close()
	src, err := microsoft.New(microsoft.Options{HTTPClient: bearer("t"), BaseURL: srv.URL + "/v1.0"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Events(context.Background(), week())
	if err == nil || !strings.Contains(err.Error(), "more than 1000 pages") {
		t.Errorf("error %v", err)
	}
	if pages.Load() != microsoft.MaxPages {
		t.Errorf("%d pages read, want %d", pages.Load(), microsoft.MaxPages)
	}
}

// TestAnswerTooLarge: an answer past MaxAnswerBytes fails the call, read
// only that far.
func TestAnswerTooLarge(t *testing.T) {
	api := graphtest.New()
	defer api.Close()
	api.InjectFault(graphtest.Fault{Path: "calendarView", Pad: microsoft.MaxAnswerBytes + 1<<20})
	_, err := newSource(t, api, bearer("t")).Events(context.Background(), week())
	if err == nil || err.Error() != "calendar Calendar: answer larger than 32 MiB" {
		t.Errorf("error %v", err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		fault graphtest.Fault
		is    error
		msg   string
		hint  string
	}{
		{"an expired token", graphtest.Fault{Path: "calendarView", Status: 401}, microsoft.ErrUnauthorized,
			"calendar Calendar: microsoft graph refused the access token (InvalidAuthenticationToken: Access token has expired or is not yet valid.)",
			"sign in again: emtime auth login --provider microsoft"},
		{"no permission for the events", graphtest.Fault{Path: "calendarView", Status: 403}, microsoft.ErrAccessDenied,
			"calendar Calendar: access denied (ErrorAccessDenied: Access is denied. Check credentials and try again.): emtime needs the Calendars.ReadBasic permission",
			"ask one to grant Calendars.ReadBasic to emtime's app registration"},
		{"no permission for the mailbox settings", graphtest.Fault{Path: "mailboxSettings", Status: 403}, microsoft.ErrAccessDenied,
			"mailbox settings: access denied (ErrorAccessDenied: Access is denied. Check credentials and try again.): emtime needs the MailboxSettings.Read permission",
			"grant MailboxSettings.Read"},
		{"no permission for who I am", graphtest.Fault{Path: "/v1.0/me", Status: 403, Code: "Authorization_RequestDenied", Message: "Insufficient privileges to complete the operation."}, microsoft.ErrAccessDenied,
			"me: access denied (Authorization_RequestDenied: Insufficient privileges to complete the operation.): emtime needs the User.Read permission", "grant User.Read"},
		{"a calendar gone since it was listed", graphtest.Fault{Path: "calendarView", Status: 404}, microsoft.ErrNotFound,
			"calendar Calendar: not found (ErrorItemNotFound: The specified object was not found in the store.)",
			"emtime calendars --source microsoft lists the calendars you can read"},
		{"throttled", graphtest.Fault{Path: "calendarView", Status: 429, RetryAfter: "7"}, microsoft.ErrThrottled,
			"calendar Calendar: throttled by microsoft graph (429 ApplicationThrottled: Application is over its MailboxConcurrency limit.), asked to wait 7s", "try again in a few minutes"},
		{"overloaded", graphtest.Fault{Path: "calendarView", Status: 503}, microsoft.ErrThrottled,
			"calendar Calendar: throttled by microsoft graph (503 ServiceNotAvailable: The service is temporarily unavailable. Please retry later.)", "try again in a few minutes"},
		{"a gateway timing out", graphtest.Fault{Path: "calendarView", Status: 504}, microsoft.ErrThrottled,
			"calendar Calendar: throttled by microsoft graph (504 UnknownError: Gateway Timeout)", "try again in a few minutes"},
		{"a proxy's HTML page", graphtest.Fault{Path: "calendarView", Status: 502, Body: "<html><body>Bad gateway</body></html>"}, nil,
			"calendar Calendar: 502 Bad Gateway", ""},
		{"a message with control characters", graphtest.Fault{Path: "calendarView", Status: 400, Code: "BadRequest", Message: "bad\x1b[2J\nthing"}, nil,
			"calendar Calendar: 400 BadRequest: bad [2J thing", ""},
		{"the connection dropped", graphtest.Fault{Path: "calendarView", Drop: true, Times: 3}, nil,
			"calendar Calendar: EOF", ""},
		{"an answer that is not JSON", graphtest.Fault{Path: "calendarView", Body: "not json"}, nil,
			"calendar Calendar: unreadable answer: invalid character 'o' in literal null (expecting 'u')", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := graphtest.New()
			defer api.Close()
			api.InjectFault(tt.fault)
			src := newSource(t, api, bearer("t"))
			_, err := src.Info(context.Background())
			if err == nil {
				_, err = src.Events(context.Background(), week())
			}
			if err == nil || err.Error() != tt.msg {
				t.Fatalf("error\n%v\nwant\n%s", err, tt.msg)
			}
			var ge *microsoft.Error
			if !errors.As(err, &ge) {
				t.Fatalf("%T is not a *microsoft.Error", err)
			}
			for _, kind := range []error{microsoft.ErrUnauthorized, microsoft.ErrAccessDenied, microsoft.ErrNotFound, microsoft.ErrThrottled} {
				if errors.Is(err, kind) != (kind == tt.is) {
					t.Errorf("errors.Is(err, %v) = %v", kind, !(kind == tt.is))
				}
			}
			if !strings.Contains(ge.Hint(), tt.hint) || (tt.hint == "") != (ge.Hint() == "") {
				t.Errorf("hint %q, want one with %q", ge.Hint(), tt.hint)
			}
			if tt.fault.RetryAfter == "7" && ge.RetryAfter != 7*time.Second {
				t.Errorf("retry after %v", ge.RetryAfter)
			}
			if strings.Contains(err.Error(), "skiptoken") || strings.Contains(err.Error(), "http://") {
				t.Errorf("the error repeats the address: %v", err)
			}
		})
	}
}

// sleeps records the waits of a retrying transport instead of sleeping
// them.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *sleeps) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *sleeps) got() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

// retrying is a client with the retrying transport the commands put in
// front of the sign-in's, the waits recorded.
func retrying(hc *http.Client) (*http.Client, *sleeps) {
	w := &sleeps{}
	return &http.Client{Transport: microsoft.RetryTransport(hc.Transport, httpretry.Policy{Sleep: w.sleep})}, w
}

// TestThrottlingWithARetryingTransport: the client composes with the
// shared retrying transport: throttled pages are tried again, after the
// waits Graph asked for, and the read is whole; so are pages whose
// connection dropped.
func TestThrottlingWithARetryingTransport(t *testing.T) {
	api := graphtest.New()
	defer api.Close()
	someEvents(t, api, 5)
	api.SetPageSizes(2)
	api.InjectFault(graphtest.Fault{Path: "calendarView", Skip: 1, Status: 429, RetryAfter: "3", Times: 2})
	api.InjectFault(graphtest.Fault{Path: "calendarView", Status: 503, RetryAfter: "1"})
	hc, w := retrying(bearer("t"))
	res, err := newSource(t, api, hc).Events(context.Background(), week())
	if err != nil || len(res.Events) != 5 {
		t.Fatalf("events %d, err %v", len(res.Events), err)
	}
	if want := []time.Duration{3 * time.Second, 3 * time.Second, time.Second}; !slices.Equal(w.got(), want) {
		t.Errorf("waits %v, want %v", w.got(), want)
	}

	api.InjectFault(graphtest.Fault{Path: "calendarView", Skip: 2, Drop: true, Times: 2})
	hc, w = retrying(bearer("t"))
	if res, err = newSource(t, api, hc).Events(context.Background(), week()); err != nil || len(res.Events) != 5 || len(w.got()) < 1 {
		t.Errorf("dropped connections: events %d, err %v, waits %v", len(res.Events), err, w.got())
	}

	// Given up by the transport, the last answer is the error, and it
	// says how many tries were made.
	api.InjectFault(graphtest.Fault{Path: "calendarView", Status: 429, RetryAfter: "30", Times: 5})
	hc, w = retrying(bearer("t"))
	_, err = newSource(t, api, hc).Events(context.Background(), week())
	if !errors.Is(err, microsoft.ErrThrottled) || !strings.HasSuffix(err.Error(), "asked to wait 30s (gave up after 5 tries)") {
		t.Errorf("error %v", err)
	}
	if want := slices.Repeat([]time.Duration{30 * time.Second}, 4); !slices.Equal(w.got(), want) {
		t.Errorf("waits %v, want %v", w.got(), want)
	}

	// Never tried again: a refusal.
	api.InjectFault(graphtest.Fault{Path: "calendarView", Status: 403})
	hc, w = retrying(bearer("t"))
	_, err = newSource(t, api, hc).Events(context.Background(), week())
	if !errors.Is(err, microsoft.ErrAccessDenied) || len(w.got()) != 0 || strings.Contains(err.Error(), "gave up") {
		t.Errorf("403: error %v, waits %v", err, w.got())
	}
}

// TestStoppedWhileRetrying: the run's time limit ending the waits is told
// as what the read was waiting for, with the limit.
func TestStoppedWhileRetrying(t *testing.T) {
	api := graphtest.New()
	defer api.Close()
	someEvents(t, api, 1)
	api.InjectFault(graphtest.Fault{Path: "calendarView", Stall: true})
	ctx, cancel := httpretry.NewRunLimit(100 * time.Millisecond).Within(context.Background())
	defer cancel()
	hc := &http.Client{Transport: microsoft.RetryTransport(bearer("t").Transport, httpretry.Policy{})}
	src := newSource(t, api, hc)
	_, err := src.Events(ctx, week())
	var limit *httpretry.RunTimeout
	if !errors.As(err, &limit) || !errors.Is(err, context.DeadlineExceeded) ||
		err.Error() != "calendar Calendar: stopped at the --timeout of 100ms, waiting for Microsoft Graph to answer try 1 of 5" {
		t.Errorf("error %v", err)
	}
}

func TestCancelled(t *testing.T) {
	api := graphtest.New()
	defer api.Close()
	api.InjectFault(graphtest.Fault{Path: "calendarView", Stall: true})
	ctx, cancel := context.WithCancel(context.Background())
	src := newSource(t, api, bearer("t"))
	if _, err := src.Info(ctx); err != nil {
		t.Fatal(err)
	}
	// Whether the cancel comes before the stalled page is asked or while
	// it hangs, the read ends with the cancellation, not a result.
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := src.Events(ctx, week())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	if _, err := microsoft.New(microsoft.Options{}); err == nil || err.Error() != "microsoft graph: no http client with credentials" {
		t.Errorf("no client: %v", err)
	}
	if _, err := microsoft.New(microsoft.Options{HTTPClient: http.DefaultClient, BaseURL: "ftp://graph"}); err == nil || !strings.Contains(err.Error(), "not an http(s) address") {
		t.Errorf("ftp: %v", err)
	}
	src, err := microsoft.New(microsoft.Options{HTTPClient: http.DefaultClient})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Events(context.Background(), calendar.Query{From: weekTo, To: weekFrom}); err == nil || !strings.Contains(err.Error(), "empty window") {
		t.Errorf("empty window: %v", err)
	}
}

func TestProgress(t *testing.T) {
	api := twoCalendars(t)
	someEvents(t, api, 4)
	var calls [][2]int
	src := newSource(t, api, bearer("t"), func(o *microsoft.Options) {
		o.Calendars = []string{"default", "Team"}
		o.Progress = func(done, events int) { calls = append(calls, [2]int{done, events}) }
	})
	if _, err := src.Events(context.Background(), week()); err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{2, 4} {
		t.Errorf("progress %v, want it to end at 2 calendars, 4 events", calls)
	}
}

// BenchmarkEvents reads a month of a busy calendar — 1000 meetings of 12
// people, in four pages of 250 — from a loopback server that serves the
// pages as Graph would, ready made: the client's own cost, HTTP, decoding
// and mapping.
func BenchmarkEvents(b *testing.B) {
	var pages [4]string
	var srv *httptest.Server
	for p := range pages {
		var items []string
		for i := p * 250; i < (p+1)*250; i++ {
			var att []string
			for j := range 12 {
				att = append(att, fmt.Sprintf(`{"type": "required", "status": {"response": "none", "time": "0001-01-01T00:00:00Z"}, "emailAddress": {"name": "Person %d", "address": "p%d@example.com"}}`, j, j))
			}
			day, hour := 9+i%7, 6+i/7%15
			items = append(items, fmt.Sprintf(`{"@odata.etag": "W/\"x\"", "id": "AAMkAGI2e%d=", "iCalUId": "040000008200E00074C5B7101A82E008%032d", "subject": "Meeting %d",
				"start": {"dateTime": "2026-03-%02dT%02d:00:00.0000000", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-%02dT%02d:30:00.0000000", "timeZone": "UTC"},
				"isAllDay": false, "isCancelled": false, "showAs": "busy", "type": "singleInstance", "seriesMasterId": null,
				"organizer": {"emailAddress": {"name": "Carol", "address": "carol@example.com"}}, "isOrganizer": false,
				"responseStatus": {"response": "accepted", "time": "2026-02-01T10:00:00Z"}, "hideAttendees": false, "categories": [],
				"isOnlineMeeting": true, "onlineMeetingUrl": null, "onlineMeeting": {"joinUrl": "https://teams.microsoft.com/l/meetup-join/%d"},
				"attendees": [%s]}`, i, i, i, day, hour, day, hour, i, strings.Join(att, ",")))
		}
		pages[p] = `{"value": [` + strings.Join(items, ",") + `]`
		if p < len(pages)-1 {
			pages[p] += fmt.Sprintf(`, "@odata.nextLink": "%%s/v1.0/me/calendarView?page=%d"`, p+1)
		}
		pages[p] += "}"
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1.0/me":
			io.WriteString(w, `{"mail": "me@example.com"}`)
		case "/v1.0/me/mailboxSettings":
			io.WriteString(w, `{"timeZone": "W. Europe Standard Time"}`)
		case "/v1.0/me/calendars":
			io.WriteString(w, `{"value": [{"id": "c", "name": "Calendar", "isDefaultCalendar": true, "owner": {"address": "me@example.com"}}]}`)
		default:
			p, _ := strconv.Atoi(r.URL.Query().Get("page"))
			body := pages[p]
			if strings.Contains(body, "%s") {
				body = fmt.Sprintf(body, srv.URL)
			}
			io.WriteString(w, body)
		}
	}))
	defer srv.Close()
	src, err := microsoft.New(microsoft.Options{HTTPClient: bearer("t"), BaseURL: srv.URL + "/v1.0/"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := src.Info(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := src.Events(ctx, week())
		if err != nil || len(res.Events) != 1000 {
			b.Fatalf("%d events, %v", len(res.Events), err)
		}
	}
}
