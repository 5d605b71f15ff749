package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// meeting is a two-person meeting on the given day and hours, in UTC.
func meeting(day, from, to int) classify.Event {
	at := func(h int) time.Time { return time.Date(2026, 3, day, h, 0, 0, 0, time.UTC) }
	return classify.Event{
		Event:    &calendar.Event{Title: "sync", Start: at(from), End: at(to)},
		Kind:     classify.KindMeeting,
		Category: classify.CategoryOneOnOne,
		People:   []string{"bob@example.com"},
	}
}

func build(t *testing.T, events []classify.Event, from, to, today time.Time) Report {
	t.Helper()
	s := analyze.DefaultSettings(time.UTC)
	res := analyze.Analyze(analyze.Input{Events: events, From: from, To: to, Settings: s})
	b := verdict.DefaultBands()
	return New(Input{Result: res, Verdicts: judged(res, b), Settings: s, Rules: classify.DefaultRules(), Bands: b, Today: today})
}

// judged judges every week and the range from the calendar, as the
// command does before it makes a report.
func judged(res analyze.Result, b verdict.Bands) Verdicts {
	v := Verdicts{Total: verdict.Judge(verdict.FromCalendar(res.Total), b)}
	for _, w := range res.Weeks {
		v.Weeks = append(v.Weeks, verdict.Judge(verdict.FromCalendar(w.Tally), b))
	}
	return v
}

// TestNewShowsTheVerdictsItIsGiven: the report formats the verdicts the
// caller judged; it does not judge again.
func TestNewShowsTheVerdictsItIsGiven(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	s := analyze.DefaultSettings(time.UTC)
	res := analyze.Analyze(analyze.Input{Events: []classify.Event{meeting(2, 9, 10)}, From: d(2), To: d(16), Settings: s})
	given := Verdicts{
		Weeks: []verdict.Verdict{
			{Track: verdict.TrackOverloaded, Reasons: []string{"first week, as given"}},
			{Track: verdict.TrackEM, Reasons: []string{"second week, as given"}, BottleneckRisk: true},
		},
		Total: verdict.Verdict{Track: verdict.TrackHybrid, Reasons: []string{"the range, as given"}},
	}
	r := New(Input{Result: res, Verdicts: given, Settings: s, Rules: classify.DefaultRules(), Bands: verdict.DefaultBands(), Today: d(10)})
	for i, w := range r.Weeks {
		if w.Track != given.Weeks[i].Track || w.Reasons[0] != given.Weeks[i].Reasons[0] || w.BottleneckRisk != given.Weeks[i].BottleneckRisk {
			t.Errorf("week %d: %s %q (bottleneck %v), want the verdict given", i, w.Track, w.Reasons, w.BottleneckRisk)
		}
	}
	if r.Summary.Track != verdict.TrackHybrid || r.Summary.Reasons[0] != "the range, as given" {
		t.Errorf("summary %s %q, want the verdict given", r.Summary.Track, r.Summary.Reasons)
	}
	if cw := r.Summary.CurrentWeek; cw == nil || cw.Track != verdict.TrackEM || !cw.BottleneckRisk {
		t.Errorf("current week %+v, want the second week's verdict", cw)
	}
}

func TestNewMarksTheCurrentAndPartialWeeks(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	// Wednesday 4 March to Sunday 15 March: a part week, then a full one.
	r := build(t, []classify.Event{meeting(10, 9, 15)}, d(4), d(16), d(11).Add(10*time.Hour))
	if len(r.Weeks) != 2 {
		t.Fatalf("%d weeks, want 2", len(r.Weeks))
	}
	first, second := r.Weeks[0], r.Weeks[1]
	if first.WeekStart != "2026-03-04" || first.WeekEnd != "2026-03-08" || first.Full || first.Days != 5 {
		t.Errorf("first week = %s..%s full=%v days=%d, want 2026-03-04..2026-03-08, part, 5 days", first.WeekStart, first.WeekEnd, first.Full, first.Days)
	}
	if !second.Full || !second.Current || first.Current {
		t.Errorf("second week full=%v current=%v; first current=%v", second.Full, second.Current, first.Current)
	}
	cw := r.Summary.CurrentWeek
	if cw == nil || cw.WeekStart != "2026-03-09" || cw.MeetingMinutes != 360 {
		t.Fatalf("current week = %+v, want the week of 2026-03-09 with 360 meeting minutes", cw)
	}
	// 360 of 2400 minutes: 15%, with a focus share of 2040/2400 (Tuesday's
	// 09:00–15:00 meeting leaves a 2h stretch, the other four days are free).
	if *cw.MeetingShare != 0.15 || *cw.FocusShare != 0.85 || cw.Track != verdict.TrackIC {
		t.Errorf("current week shares %v/%v track %s, want 0.15/0.85 ic", *cw.MeetingShare, *cw.FocusShare, cw.Track)
	}
	if r.Range.From != "2026-03-04" || r.Range.To != "2026-03-15" || r.Range.Days != 12 || r.Range.Weeks != 2 {
		t.Errorf("range = %+v", r.Range)
	}
}

func TestJSONHasNullSharesWithoutCapacity(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	// A weekend only: no working hours, so no shares and no current week.
	r := build(t, nil, d(7), d(9), d(20))
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	sum := doc["summary"].(map[string]any)
	if sum["meeting_share"] != nil || sum["focus_share"] != nil || sum["track"] != "none" || sum["current_week"] != nil {
		t.Errorf("summary = %v, want null shares, track none and no current week", sum)
	}
	if doc["schema_version"] != float64(SchemaVersion) {
		t.Errorf("schema_version = %v", doc["schema_version"])
	}
}

func TestTableIsPlainWithoutATerminal(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	r := build(t, []classify.Event{meeting(10, 9, 15)}, d(9), d(16), d(11))
	var plain, rich bytes.Buffer
	if err := WriteTable(&plain, r, Style{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(plain.String(), "━─█░│\x1b") {
		t.Errorf("plain table has block characters or escapes:\n%s", plain.String())
	}
	if !strings.Contains(plain.String(), "==-------- 15%") {
		t.Errorf("plain table lacks the 15%% meeting bar:\n%s", plain.String())
	}
	if err := WriteTable(&rich, r, Style{Unicode: true, Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rich.String(), "━━──────── 15%") || !strings.Contains(rich.String(), "\x1b[32m") {
		t.Errorf("terminal table lacks the bar or the colour:\n%s", rich.String())
	}
}

// TestTablesKeepCalendarTextOnOneLine checks that a title or a name with a
// line break or an escape sequence neither splits a row nor reaches the
// terminal as a control character.
func TestTablesKeepCalendarTextOnOneLine(t *testing.T) {
	events := []Event{{
		Start: "2026-03-02T10:00:00Z", End: "2026-03-02T11:00:00Z", Kind: "meeting",
		Title: "Multi\nline\x1b[2J title", People: []string{"Eve\r\nMallory <eve@example.com>"}, Reason: "one-off meeting",
	}}
	var buf bytes.Buffer
	if err := WriteEventsTable(&buf, events, "UTC", Style{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("a control character reached the table:\n%q", out)
	}
	var row string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "2026-03-02") {
			row = line
		}
	}
	if !strings.Contains(row, "Multi line title") || !strings.Contains(row, "Eve Mallory") {
		t.Errorf("the title and the person should share the event's one row:\n%s", out)
	}
}

// TestSharesBesideABandEdge checks that a share the verdict depends on is
// not rounded onto a band's edge: 59.8% focus beside the IC's 60% reads
// 59.8%, in the terminal table, the Markdown and the page; a share away
// from every edge stays whole; the JSON keeps its four decimals.
func TestSharesBesideABandEdge(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	r := build(t, []classify.Event{meeting(10, 9, 15)}, d(9), d(16), d(11))
	focus, meet := 0.598, 0.504
	r.Weeks[0].FocusShare, r.Weeks[0].MeetingShare = &focus, &meet
	r.Summary.FocusShare, r.Summary.MeetingShare = &focus, &meet
	for name, write := range map[string]func(*bytes.Buffer) error{
		"table":    func(b *bytes.Buffer) error { return WriteTable(b, r, Style{}) },
		"narrow":   func(b *bytes.Buffer) error { return WriteTable(b, r, Style{Unicode: true, Width: 60}) },
		"markdown": func(b *bytes.Buffer) error { return WriteMarkdown(b, r) },
		"html":     func(b *bytes.Buffer) error { return WriteHTML(b, r) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "59.8%") || !strings.Contains(b.String(), "50.4%") {
			t.Errorf("%s: want 59.8%% focus and 50.4%% meetings, beside the edges of 60%% and 50%%:\n%s", name, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"focus_share": 0.598`) {
		t.Errorf("the JSON lost the share's decimals")
	}
	whole := 0.43
	r.Weeks[0].FocusShare = &whole
	b.Reset()
	if err := WriteTable(&b, r, Style{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), " 43% ") {
		t.Errorf("43%% focus, away from every edge, is not shown whole:\n%s", b.String())
	}
}
