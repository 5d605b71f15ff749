package googletest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

func get(t *testing.T, s *Server, path string, q url.Values, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.Endpoint()+path+"?"+q.Encode(), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func titles(body map[string]any) []string {
	var out []string
	items, _ := body["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["summary"].(string))
	}
	return out
}

func timedEvent(summary, start, end string) *calendarapi.Event {
	return &calendarapi.Event{Summary: summary, Start: &calendarapi.EventDateTime{DateTime: start}, End: &calendarapi.EventDateTime{DateTime: end}}
}

func TestEventsList(t *testing.T) {
	s := New()
	defer s.Close()
	s.SetTimeZone("Europe/Berlin")
	focus := timedEvent("focus", "2025-03-03T09:00:00Z", "2025-03-03T10:00:00Z")
	focus.EventType = "focusTime"
	instance := timedEvent("instance", "2025-03-03T11:00:00Z", "2025-03-03T12:00:00Z")
	instance.RecurringEventId = "series"
	cancelled := timedEvent("cancelled", "2025-03-03T13:00:00Z", "2025-03-03T14:00:00Z")
	cancelled.Status = "cancelled"
	s.AddEvents("primary",
		timedEvent("ends at min", "2025-03-02T23:00:00Z", "2025-03-03T08:00:00Z"),
		timedEvent("across min", "2025-03-03T07:00:00Z", "2025-03-03T08:30:00Z"),
		focus, instance, cancelled,
		timedEvent("starts at max", "2025-03-03T18:00:00Z", "2025-03-03T19:00:00Z"),
		// Midnight to midnight in Berlin: 2025-03-02T23:00Z to 2025-03-03T23:00Z.
		&calendarapi.Event{Summary: "all day", Start: &calendarapi.EventDateTime{Date: "2025-03-03"}, End: &calendarapi.EventDateTime{Date: "2025-03-04"}},
	)
	window := url.Values{"timeMin": {"2025-03-03T08:00:00Z"}, "timeMax": {"2025-03-03T18:00:00Z"}, "fields": {"items(summary)"}}
	with := func(kv ...string) url.Values {
		q := url.Values{}
		for k, v := range window {
			q[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			q.Add(kv[i], kv[i+1])
		}
		return q
	}
	tests := []struct {
		name string
		q    url.Values
		want []string
	}{
		{"overlap, no series instances without singleEvents", with(), []string{"all day", "across min", "focus"}},
		{"singleEvents", with("singleEvents", "true"), []string{"all day", "across min", "focus", "instance"}},
		{"showDeleted", with("singleEvents", "true", "showDeleted", "true"), []string{"all day", "across min", "focus", "instance", "cancelled"}},
		{"eventTypes", with("eventTypes", "focusTime"), []string{"focus"}},
		{"eventTypes default", with("eventTypes", "default", "singleEvents", "true"), []string{"all day", "across min", "instance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(t, s, "calendars/primary/events", tt.q, "tok")
			if code != 200 {
				t.Fatalf("status %d: %v", code, body)
			}
			if got := titles(body); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEventsPagingAndFields(t *testing.T) {
	s := New()
	defer s.Close()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		s.AddEvents("primary", timedEvent(n, "2025-03-03T0"+string('0'+rune(len(n)))+":00:00Z", "2025-03-03T10:00:00Z"))
	}
	s.SetPageSizes(2, 0)
	var got []string
	pages, empty := 0, 0
	q := url.Values{"maxResults": {"2500"}, "fields": {"nextPageToken,items(summary)"}}
	for {
		code, body := get(t, s, "calendars/primary/events", q, "tok")
		if code != 200 {
			t.Fatalf("status %d: %v", code, body)
		}
		pages++
		if len(titles(body)) == 0 {
			empty++
		}
		got = append(got, titles(body)...)
		for k := range body {
			if k != "items" && k != "nextPageToken" {
				t.Errorf("field %q not asked for", k)
			}
		}
		tok, _ := body["nextPageToken"].(string)
		if tok == "" {
			break
		}
		q.Set("pageToken", tok)
	}
	if !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) || pages != 5 || empty != 2 {
		t.Errorf("got %v in %d pages (%d empty)", got, pages, empty)
	}

	// A mask without nextPageToken gets no token, as at Google.
	_, body := get(t, s, "calendars/primary/events", url.Values{"fields": {"items(summary,start/dateTime)"}}, "tok")
	if _, ok := body["nextPageToken"]; ok {
		t.Error("nextPageToken sent though not asked for")
	}
	item := body["items"].([]any)[0].(map[string]any)
	if want := map[string]any{"summary": "a", "start": map[string]any{"dateTime": "2025-03-03T01:00:00Z"}}; !reflect.DeepEqual(item, want) {
		t.Errorf("item = %v, want %v", item, want)
	}
	// maxResults bounds a page too.
	_, body = get(t, s, "calendars/primary/events", url.Values{"maxResults": {"1"}, "fields": {"nextPageToken,items(summary)"}}, "tok")
	if len(titles(body)) != 1 || body["nextPageToken"] == nil {
		t.Errorf("maxResults=1: %v", body)
	}
	// No mask at all is refused.
	if code, _ := get(t, s, "calendars/primary/events", nil, "tok"); code != 400 {
		t.Errorf("no fields: status %d, want 400", code)
	}
}

func TestCalendarListPages(t *testing.T) {
	s := New()
	defer s.Close()
	for i := range 4 {
		s.AddCalendar(Calendar{ID: fmt.Sprintf("c%d@group.calendar.google.com", i)})
	}
	var got []string
	pages := 0
	q := url.Values{"maxResults": {"2"}}
	for {
		code, body := get(t, s, "users/me/calendarList", q, "tok")
		if code != 200 {
			t.Fatalf("status %d: %v", code, body)
		}
		pages++
		for _, it := range body["items"].([]any) {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		tok, _ := body["nextPageToken"].(string)
		if tok == "" {
			break
		}
		q.Set("pageToken", tok)
	}
	want := []string{DefaultPrimary, "c0@group.calendar.google.com", "c1@group.calendar.google.com", "c2@group.calendar.google.com", "c3@group.calendar.google.com"}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("got %v in %d pages, want %v in 3", got, pages, want)
	}
	if code, _ := get(t, s, "users/me/calendarList", url.Values{"pageToken": {"garbage!"}}, "tok"); code != 400 {
		t.Errorf("bad page token: status %d, want 400", code)
	}
}

func TestAuthAndFaults(t *testing.T) {
	s := New()
	defer s.Close()
	if code, body := get(t, s, "users/me/settings/timezone", nil, ""); code != 401 {
		t.Errorf("no token: %d %v", code, body)
	}
	s.ExpireToken("old")
	if code, _ := get(t, s, "users/me/settings/timezone", nil, "old"); code != 401 {
		t.Errorf("expired token: %d", code)
	}
	s.SetTokenCheck(func(tok string) bool { return tok == "good" })
	if code, _ := get(t, s, "users/me/settings/timezone", nil, "other"); code != 401 {
		t.Errorf("rejected token: %d", code)
	}
	s.InjectFault(Fault{Path: "settings", Status: 403, Reason: "userRateLimitExceeded", Times: 2})
	for range 2 {
		code, body := get(t, s, "users/me/settings/timezone", nil, "good")
		reason := body["error"].(map[string]any)["errors"].([]any)[0].(map[string]any)["reason"]
		if code != 403 || reason != "userRateLimitExceeded" {
			t.Errorf("fault: %d %v", code, body)
		}
	}
	code, body := get(t, s, "users/me/settings/timezone", nil, "good")
	if code != 200 || body["value"] != "UTC" {
		t.Errorf("after the faults: %d %v", code, body)
	}
	if code, _ := get(t, s, "users/me/calendarList/nobody@example.com", nil, "good"); code != 404 {
		t.Errorf("unknown calendar: %d", code)
	}
	if n := len(s.Requests()); n != 7 {
		t.Errorf("%d requests recorded, want 7", n)
	}
}

func TestParseMask(t *testing.T) {
	tests := []struct {
		in   string
		want mask
	}{
		{"a", mask{"a": nil}},
		{"a,b(c,d/e)", mask{"a": nil, "b": mask{"c": nil, "d": mask{"e": nil}}}},
		{"a/b,a/c", mask{"a": mask{"b": nil, "c": nil}}},
		{"a(b),a", mask{"a": nil}},
	}
	for _, tt := range tests {
		got, err := parseMask(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseMask(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "a(", "a,", "(a)", "a)b"} {
		if _, err := parseMask(bad); err == nil {
			t.Errorf("parseMask(%q) accepted", bad)
		}
	}
}

// listAll follows every page of a listing, returning the items (id and
// status) and the nextSyncToken of the last page.
func listAll(t *testing.T, s *Server, q url.Values) ([]map[string]any, string) {
	t.Helper()
	q.Set("fields", "nextPageToken,nextSyncToken,items(id,status,summary,start,end)")
	var items []map[string]any
	for range 100 {
		code, body := get(t, s, "calendars/primary/events", q, "tok")
		if code != 200 {
			t.Fatalf("status %d: %v", code, body)
		}
		its, _ := body["items"].([]any)
		for _, it := range its {
			items = append(items, it.(map[string]any))
		}
		if tok, _ := body["nextPageToken"].(string); tok != "" {
			if _, ok := body["nextSyncToken"]; ok {
				t.Error("nextSyncToken on a page that is not the last")
			}
			q.Set("pageToken", tok)
			continue
		}
		sync, _ := body["nextSyncToken"].(string)
		return items, sync
	}
	t.Fatal("more than 100 pages")
	return nil, ""
}

func ids(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		id := it["id"].(string)
		if it["status"] == "cancelled" {
			id += " cancelled"
			if _, ok := it["start"]; ok {
				id += " WITH TIMES"
			}
		}
		out = append(out, id)
	}
	return out
}

func TestSyncTokens(t *testing.T) {
	s := New()
	defer s.Close()
	for i, id := range []string{"a", "b", "c", "d"} {
		e := timedEvent(id, fmt.Sprintf("2025-03-0%dT09:00:00Z", i+3), fmt.Sprintf("2025-03-0%dT10:00:00Z", i+3))
		e.Id = id
		s.AddEvents("primary", e)
	}
	s.SetPageSizes(3)
	window := func() url.Values {
		return url.Values{"singleEvents": {"true"}, "timeMin": {"2025-03-01T00:00:00Z"}, "timeMax": {"2025-04-01T00:00:00Z"}}
	}
	items, tok := listAll(t, s, window())
	if got := ids(items); !slices.Equal(got, []string{"a", "b", "c", "d"}) || tok == "" {
		t.Fatalf("full sync: %v, token %q", got, tok)
	}

	// Nothing changed: nothing listed, a token to go on with.
	changes := func(tok string) ([]string, string) {
		items, next := listAll(t, s, url.Values{"singleEvents": {"true"}, "syncToken": {tok}})
		if next == "" {
			t.Fatal("no nextSyncToken after the changes")
		}
		return ids(items), next
	}
	got, tok := changes(tok)
	if len(got) != 0 {
		t.Errorf("no change: listed %v", got)
	}

	// A move, an addition, a deletion, and a change outside the window:
	// all of them, deletions as cancelled with no times, over pages.
	s.UpdateEvent("primary", "b", func(e *calendarapi.Event) {
		e.Start = &calendarapi.EventDateTime{DateTime: "2025-03-20T09:00:00Z"}
		e.End = &calendarapi.EventDateTime{DateTime: "2025-03-20T10:00:00Z"}
	})
	late := timedEvent("late", "2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z")
	late.Id = "late"
	s.AddEvents("primary", late)
	if !s.DeleteEvent("primary", "c") || s.DeleteEvent("primary", "nope") {
		t.Fatal("DeleteEvent reports wrongly")
	}
	e := timedEvent("e", "2025-03-21T09:00:00Z", "2025-03-21T10:00:00Z")
	e.Id = "e"
	s.AddEvents("primary", e)
	got, tok = changes(tok)
	if want := []string{"b", "late", "c cancelled", "e"}; !slices.Equal(got, want) {
		t.Errorf("changes = %v, want %v", got, want)
	}
	if got, _ := changes(tok); len(got) != 0 {
		t.Errorf("changes again = %v, want none", got)
	}
	// A full listing leaves the deleted event out.
	items, _ = listAll(t, s, window())
	if got := ids(items); !slices.Equal(got, []string{"a", "d", "b", "e"}) {
		t.Errorf("full listing after the changes: %v", got)
	}

	// What a sync token may not be given with.
	for _, bad := range []url.Values{
		{"syncToken": {tok}, "timeMin": {"2025-03-01T00:00:00Z"}},
		{"syncToken": {tok}, "timeMax": {"2025-03-01T00:00:00Z"}},
		{"syncToken": {tok}, "orderBy": {"startTime"}},
		{"syncToken": {tok}, "showDeleted": {"false"}},
		{"syncToken": {tok}, "singleEvents": {"false"}}, // not the full sync's
	} {
		bad.Set("singleEvents", cmpOr(bad.Get("singleEvents"), "true"))
		bad.Set("fields", "items(id)")
		if code, body := get(t, s, "calendars/primary/events", bad, "tok"); code != 400 {
			t.Errorf("%v: status %d, want 400: %v", bad, code, body)
		}
	}
	// A garbled token is refused; an expired one is gone.
	if code, _ := get(t, s, "calendars/primary/events", url.Values{"syncToken": {"garbage"}, "singleEvents": {"true"}, "fields": {"items(id)"}}, "tok"); code != 400 {
		t.Errorf("garbled token: %d, want 400", code)
	}
	s.ExpireSyncTokens()
	code, body := get(t, s, "calendars/primary/events", url.Values{"syncToken": {tok}, "singleEvents": {"true"}, "fields": {"items(id)"}}, "tok")
	reason := body["error"].(map[string]any)["errors"].([]any)[0].(map[string]any)["reason"]
	if code != 410 || reason != "fullSyncRequired" {
		t.Errorf("expired token: %d %v, want 410 fullSyncRequired", code, reason)
	}
	// A token of another calendar is gone too.
	s.AddCalendar(Calendar{ID: "team@group.calendar.google.com"})
	_, tok = listAll(t, s, window())
	q := url.Values{"syncToken": {tok}, "singleEvents": {"true"}, "fields": {"items(id)"}}
	req := s.Endpoint() + "calendars/team@group.calendar.google.com/events?" + q.Encode()
	r, _ := http.NewRequest("GET", req, nil)
	r.Header.Set("Authorization", "Bearer tok")
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 410 {
		t.Errorf("another calendar's token: %d, want 410", res.StatusCode)
	}
	// orderBy gets no sync token, as at Google.
	if _, tok := listAll(t, s, url.Values{"singleEvents": {"true"}, "orderBy": {"startTime"}}); tok != "" {
		t.Error("a listing in order got a sync token")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestFaultAfterAndStalled(t *testing.T) {
	s := New()
	defer s.Close()
	s.InjectFault(Fault{Path: "settings", Status: 503, After: 2})
	var codes []int
	for range 4 {
		code, _ := get(t, s, "users/me/settings/timezone", nil, "tok")
		codes = append(codes, code)
	}
	if !slices.Equal(codes, []int{200, 200, 503, 200}) {
		t.Errorf("codes = %v, want the third to fail", codes)
	}
	s.InjectFault(Fault{Path: "settings", Stall: true})
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest("GET", s.Endpoint()+"users/me/settings/timezone", nil)
		req.Header.Set("Authorization", "Bearer tok")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	for i := 0; s.Stalled() == 0; i++ {
		if i > 1000 {
			t.Fatal("the stall never began")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.Close()
	<-done
	if n := s.Stalled(); n != 0 {
		t.Errorf("%d requests still stalled after Close", n)
	}
}
