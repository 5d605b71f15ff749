package graphtest

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// deltaRound follows a delta round from path and q to its end: the
// entries of every page, and the delta link.
func deltaRound(t *testing.T, s *Server, path string, q url.Values, prefer string) ([]map[string]any, string, int) {
	t.Helper()
	var items []map[string]any
	pages := 0
	for {
		status, _, v := get(t, s, path, q, prefer)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %v", path, status, v)
		}
		pages++
		for _, it := range v["value"].([]any) {
			items = append(items, it.(map[string]any))
		}
		next, _ := v["@odata.nextLink"].(string)
		delta, _ := v["@odata.deltaLink"].(string)
		switch {
		case next != "" && delta != "":
			t.Fatal("a page with both a next and a delta link")
		case next == "" && delta == "":
			t.Fatal("a page with neither a next nor a delta link")
		case delta != "":
			return items, delta, pages
		}
		path, q = next, nil
	}
}

func ids(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		id, _ := it["id"].(string)
		if r, ok := it["@removed"].(map[string]any); ok {
			id += " removed " + r["reason"].(string)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func TestDelta(t *testing.T) {
	s := New()
	defer s.Close()
	if err := s.AddEventsJSON("", []byte(events)); err != nil {
		t.Fatal(err)
	}
	path := "/v1.0/me/calendarView/delta"
	window := url.Values{"startDateTime": {"2026-03-09T00:00:00Z"}, "endDateTime": {"2026-03-16T00:00:00Z"}}

	// Options Graph does not take on a calendar view's delta.
	for _, opt := range []string{"$select", "$top", "$filter"} {
		q := url.Values{"startDateTime": window["startDateTime"], "endDateTime": window["endDateTime"], opt: {"x"}}
		if status, _, v := get(t, s, path, q, ""); status != http.StatusBadRequest {
			t.Errorf("%s on delta: %d %v", opt, status, v)
		}
	}

	// The first round: the window's events, every property, in pages of
	// the size Prefer asks.
	items, link, pages := deltaRound(t, s, path, window, "odata.maxpagesize=1")
	if got := ids(items); !slices.Equal(got, []string{"a", "b"}) || pages != 2 {
		t.Errorf("first round %v in %d pages", got, pages)
	}
	if items[0]["body"] == nil && items[1]["body"] == nil {
		t.Error("the delta trimmed the events")
	}

	// Nothing changed: an empty round.
	items, link2, _ := deltaRound(t, s, link, nil, "")
	if len(items) != 0 {
		t.Errorf("no change, round %v", ids(items))
	}

	// A change, a move out, a deletion, an addition; an event outside the
	// window that changes is not sent.
	s.UpdateEvent("", "a", map[string]any{"subject": "A2"})
	s.UpdateEvent("", "b", map[string]any{"start": time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC), "end": time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC), "isAllDay": false})
	s.UpdateEvent("", "c", map[string]any{"subject": "C2"})
	s.AddEventsJSON("", []byte(`[{"id": "e", "subject": "E", "start": {"dateTime": "2026-03-12T09:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-12T10:00:00", "timeZone": "UTC"}}]`))
	items, link3, _ := deltaRound(t, s, link2, nil, "")
	if got := ids(items); !slices.Equal(got, []string{"a", "b removed changed", "e"}) {
		t.Errorf("changes %v", got)
	}
	s.RemoveEvent("", "e")
	items, link4, _ := deltaRound(t, s, link3, nil, "")
	if got := ids(items); !slices.Equal(got, []string{"e removed deleted"}) {
		t.Errorf("deletion %v", got)
	}

	// An old link still works until the tokens expire; then 410.
	if items, _, _ := deltaRound(t, s, link, nil, ""); len(items) == 0 {
		t.Error("an old link lost its changes")
	}
	s.ExpireDeltaTokens()
	if status, _, v := get(t, s, link4, nil, ""); status != http.StatusGone || code(v) != "SyncStateNotFound" {
		t.Errorf("an expired link: %d %v", status, v)
	}
	if status, _, _ := get(t, s, path, url.Values{"$deltatoken": {"nonsense"}}, ""); status != http.StatusBadRequest {
		t.Errorf("an unreadable token: %d", status)
	}
}
