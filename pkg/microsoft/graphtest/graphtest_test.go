package graphtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// get asks the fake with a token and the Prefer header, and decodes the
// answer.
func get(t *testing.T, s *Server, path string, q url.Values, prefer string) (int, http.Header, map[string]any) {
	t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = s.URL + path
	}
	if q != nil {
		u += "?" + q.Encode()
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer tok")
	if prefer != "" {
		req.Header.Set("Prefer", prefer)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var v map[string]any
	json.Unmarshal(body, &v)
	return res.StatusCode, res.Header, v
}

func code(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func view(extra ...string) url.Values {
	q := url.Values{"startDateTime": {"2026-03-09T00:00:00Z"}, "endDateTime": {"2026-03-16T00:00:00Z"}, "$select": {"subject,start,end,isAllDay"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

const events = `[
	{"id": "a", "subject": "A", "body": {"content": "secret"},
	 "start": {"dateTime": "2026-03-10T09:00:00.0000000", "timeZone": "W. Europe Standard Time"},
	 "end": {"dateTime": "2026-03-10T10:00:00.0000000", "timeZone": "W. Europe Standard Time"}},
	{"id": "b", "subject": "B", "isAllDay": true, "originalStartTimeZone": "Tokyo Standard Time",
	 "start": {"dateTime": "2026-03-11T00:00:00.0000000", "timeZone": "Tokyo Standard Time"},
	 "end": {"dateTime": "2026-03-12T00:00:00.0000000", "timeZone": "Tokyo Standard Time"}},
	{"id": "c", "subject": "C ends as the window starts",
	 "start": {"dateTime": "2026-03-08T23:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-09T00:00:00", "timeZone": "UTC"}},
	{"id": "d", "subject": "D, unreadable", "start": {"dateTime": "soon"}, "end": null}
]`

func TestCalendarView(t *testing.T) {
	s := New()
	defer s.Close()
	if err := s.AddEventsJSON("", []byte(events)); err != nil {
		t.Fatal(err)
	}
	st, _, v := get(t, s, "/v1.0/me/calendarView", view(), "")
	items, _ := v["value"].([]any)
	if st != 200 || len(items) != 2 {
		t.Fatalf("%d %v", st, v)
	}
	a := items[0].(map[string]any)
	if a["body"] != nil || a["id"] != "a" || a["subject"] != "A" {
		t.Errorf("$select not applied: %v", a)
	}
	if got := a["start"].(map[string]any); got["dateTime"] != "2026-03-10T08:00:00.0000000" || got["timeZone"] != "UTC" {
		t.Errorf("start in UTC: %v", got)
	}
	b := items[1].(map[string]any)
	if got := b["start"].(map[string]any); got["dateTime"] != "2026-03-11T00:00:00.0000000" || got["timeZone"] != "UTC" {
		t.Errorf("all-day start: %v", got)
	}
	// Another zone asked for: timed events move, all-day dates do not.
	_, _, v = get(t, s, "/v1.0/me/calendarView", view(), `outlook.timezone="Pacific Standard Time"`)
	items = v["value"].([]any)
	if got := items[0].(map[string]any)["start"].(map[string]any); got["dateTime"] != "2026-03-10T01:00:00.0000000" || got["timeZone"] != "Pacific Standard Time" {
		t.Errorf("start in Pacific time: %v", got)
	}
	if got := items[1].(map[string]any)["end"].(map[string]any); got["dateTime"] != "2026-03-12T00:00:00.0000000" {
		t.Errorf("all-day end: %v", got)
	}
}

func TestStrictness(t *testing.T) {
	s := New()
	defer s.Close()
	for _, tt := range []struct {
		name, path string
		q          url.Values
		status     int
		code       string
	}{
		{"no $select", "/v1.0/me/calendarView", url.Values{"startDateTime": {"2026-03-09T00:00:00Z"}, "endDateTime": {"2026-03-16T00:00:00Z"}}, 400, "BadRequest"},
		{"a property events lack", "/v1.0/me/calendarView", view("$select", "subject,colour"), 400, "RequestBroker--ParseUri"},
		{"no window", "/v1.0/me/calendarView", url.Values{"$select": {"subject"}}, 400, "ErrorInvalidParameter"},
		{"a window that ends first", "/v1.0/me/calendarView", view("endDateTime", "2026-03-01T00:00:00Z"), 400, "ErrorInvalidParameter"},
		{"$top too large", "/v1.0/me/calendarView", view("$top", "1001"), 400, "BadRequest"},
		{"an unknown calendar", "/v1.0/me/calendars/nope/calendarView", view(), 404, "ErrorItemNotFound"},
		{"an unknown path", "/v1.0/me/events", nil, 400, "BadRequest"},
		{"a user property that is none", "/v1.0/me", url.Values{"$select": {"mail,shoeSize"}}, 400, "BadRequest"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, _, v := get(t, s, tt.path, tt.q, "")
			if st != tt.status || code(v) != tt.code {
				t.Errorf("%d %v, want %d %s", st, v, tt.status, tt.code)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	s := New()
	defer s.Close()
	s.SetTokenCheck(func(tok string) bool { return tok == "tok" })
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1.0/me", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer ") {
		t.Errorf("no token: %d %v", res.StatusCode, res.Header)
	}
	if st, _, _ := get(t, s, "/v1.0/me", nil, ""); st != 200 {
		t.Errorf("good token: %d", st)
	}
	s.ExpireToken("tok")
	if st, _, v := get(t, s, "/v1.0/me", nil, ""); st != 401 || code(v) != "InvalidAuthenticationToken" {
		t.Errorf("expired token: %d %v", st, v)
	}
	if r := s.Requests(); len(r) != 3 || r[0].Token != "" || r[1].Token != "tok" || r[2].Status != 401 {
		t.Errorf("requests %+v", r)
	}
}

func TestPagesAndFaults(t *testing.T) {
	s := New()
	defer s.Close()
	var list []string
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		list = append(list, `{"id": "`+id+`", "start": {"dateTime": "2026-03-1`+id+`T09:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-1`+id+`T10:00:00", "timeZone": "UTC"}}`)
	}
	if err := s.AddEventsJSON("", []byte("["+strings.Join(list, ",")+"]")); err != nil {
		t.Fatal(err)
	}
	s.SetPageSizes(2, 0)
	s.InjectFault(Fault{Path: "calendarView", Skip: 1, Status: 429, RetryAfter: "5"})
	var sizes []int
	next := s.URL + "/v1.0/me/calendarView?" + view("$select", "subject").Encode()
	throttled := 0
	for next != "" && len(sizes) < 20 {
		st, h, v := get(t, s, next, nil, "")
		if st == 429 {
			throttled++
			if h.Get("Retry-After") != "5" || code(v) != "ApplicationThrottled" {
				t.Errorf("throttled: %v %v", h, v)
			}
			continue // the same page again
		}
		sizes = append(sizes, len(v["value"].([]any)))
		next, _ = v["@odata.nextLink"].(string)
		if next != "" && !strings.HasPrefix(next, s.URL+"/v1.0/me/calendarView?") {
			t.Errorf("next link %q is not absolute", next)
		}
	}
	if throttled != 1 {
		t.Errorf("throttled %d times", throttled)
	}
	if want := []int{2, 0, 2, 0, 1}; !equal(sizes, want) {
		t.Errorf("page sizes %v, want %v", sizes, want)
	}
	s.InjectFault(Fault{Path: "calendarView", NextLink: "self"})
	_, _, v := get(t, s, "/v1.0/me/calendarView", view(), "")
	if link, _ := v["@odata.nextLink"].(string); !strings.HasPrefix(link, s.URL+"/v1.0/me/calendarView?") || strings.Contains(link, "skiptoken") {
		t.Errorf("self link %q", link)
	}
	s.InjectFault(Fault{Path: "mailboxSettings", Body: `{"timeZone": 7}`})
	if st, _, v := get(t, s, "/v1.0/me/mailboxSettings", nil, ""); st != 200 || v["timeZone"] != float64(7) {
		t.Errorf("raw body: %d %v", st, v)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFixture(t *testing.T) {
	s := New()
	defer s.Close()
	err := s.LoadFixture([]byte(`{"user": {"mail": "ada@example.com"},
		"mailboxSettings": {"timeZone": "Tokyo Standard Time"},
		"calendars": [{"id": "cal-1", "name": "Work", "isDefaultCalendar": true, "owner": {"address": "ada@example.com"},
			"events": [{"subject": "day", "isAllDay": true, "start": {"dateTime": "2026-03-10T00:00:00"}, "end": {"dateTime": "2026-03-11T00:00:00"}}]},
			{"id": "cal-2", "name": "Other"}],
		"faults": [{"path": "cal-2", "status": 403}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _, me := get(t, s, "/v1.0/me", url.Values{"$select": {"mail"}}, "")
	_, _, cals := get(t, s, "/v1.0/me/calendars", nil, "")
	if me["mail"] != "ada@example.com" || len(cals["value"].([]any)) != 2 {
		t.Errorf("me %v, calendars %v", me, cals)
	}
	// The all-day date is Tokyo's: 9 March 15:00 UTC to 10 March 15:00.
	for _, w := range [][2]string{{"2026-03-09T14:00:00Z", "2026-03-09T15:00:00Z"}, {"2026-03-10T15:00:00Z", "2026-03-10T16:00:00Z"}} {
		_, _, v := get(t, s, "/v1.0/me/calendarView", view("startDateTime", w[0], "endDateTime", w[1]), "")
		if n := len(v["value"].([]any)); n != 0 {
			t.Errorf("window %v finds %d", w, n)
		}
	}
	_, _, v := get(t, s, "/v1.0/me/calendarView", view("startDateTime", "2026-03-09T15:00:00Z", "endDateTime", "2026-03-09T16:00:00Z"), "")
	if n := len(v["value"].([]any)); n != 1 {
		t.Errorf("the first hour of the day finds %d", n)
	}
	if st, _, _ := get(t, s, "/v1.0/me/calendars/cal-2/calendarView", view(), ""); st != 403 {
		t.Errorf("fault: %d", st)
	}
}
