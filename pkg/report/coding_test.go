package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// gitReport is the sample's three weeks with coding sessions laid on them:
// Monday 2 March 13:00–15:00 (free: 120 minutes, in focus), Tuesday
// 11:30–13:30 between planning and the review (the free hour at noon
// counts, the 60 minutes in meetings do not) and Saturday 7 March
// 20:00–22:00 (after hours), in three repositories.
func gitReport(t *testing.T) (Report, analyze.Result) {
	t.Helper()
	const evil = `x<script>alert(1)</script>@evil.example`
	var events []classify.Event
	for _, d := range []int{2, 9, 16} {
		events = append(events, event("1:1", classify.KindMeeting, classify.CategoryOneOnOne, at(d, 10, 0), at(d, 11, 0), "bob@example.com"))
	}
	for d := 3; d <= 6; d++ {
		events = append(events,
			event("planning", classify.KindMeeting, classify.CategoryRecurring, at(d, 9, 0), at(d, 12, 0), "carol@example.com", "bob@example.com"),
			event("review", classify.KindMeeting, classify.CategoryAdHoc, at(d, 13, 0), at(d, 15, 0), "carol@example.com", evil))
	}
	coding := &analyze.Coding{
		Sessions: []analyze.CodingSession{
			{Start: at(2, 13, 0), End: at(2, 15, 0)},
			{Start: at(3, 11, 30), End: at(3, 13, 30)},
			{Start: at(7, 20, 0), End: at(7, 22, 0)},
		},
		Commits: []analyze.CodingCommit{
			{When: at(2, 13, 30), Repos: []string{"/home/me/src/api"}},
			{When: at(2, 15, 0), Repos: []string{"/home/me/src/api"}},
			{When: at(3, 13, 30), Repos: []string{"/home/me/src/web"}},
			{When: at(7, 22, 0), Repos: []string{"/home/me/src/api", "/home/me/src/api-fork"}},
		},
	}
	s := analyze.DefaultSettings(time.UTC)
	res := analyze.Analyze(analyze.Input{Events: events, From: at(2, 0, 0), To: at(20, 0, 0), Settings: s, Coding: coding})
	b := verdict.DefaultBands()
	g := &verdict.Git{AfterHoursMax: time.Hour}
	judge := func(t analyze.Tally) verdict.Verdict {
		in := verdict.FromCalendar(t)
		in.Git = g
		return verdict.Judge(in, b)
	}
	v := Verdicts{Total: judge(res.Total)}
	for _, w := range res.Weeks {
		v.Weeks = append(v.Weeks, judge(w.Tally))
	}
	return New(Input{Result: res, Verdicts: v, Settings: s, Rules: classify.DefaultRules(), Bands: b, Today: at(18, 12, 0),
		Me: []string{"me@example.com"}, Sources: []string{"work.ics"},
		Git: &Git{Authors: []string{"me@example.com", "me@home.example"}, Gap: 2 * time.Hour, Lead: 30 * time.Minute, AfterHours: time.Hour,
			Repos: []GitRepo{{Repository: "/home/me/src/api", Commits: 3}, {Repository: "/home/me/src/web", Commits: 1}, {Repository: "/home/me/src/api-fork", Commits: 1}}},
	}), res
}

func TestJSONWithGit(t *testing.T) {
	r, _ := gitReport(t)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Settings map[string]any   `json:"settings"`
		Weeks    []map[string]any `json:"weeks"`
		Summary  map[string]any   `json:"summary"`
		Heat     []map[string]any `json:"heat"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	set := doc.Settings
	if set["coding_gap_minutes"] != 120.0 || set["coding_lead_minutes"] != 30.0 || set["after_hours_coding_minutes"] != 60.0 {
		t.Errorf("settings %v", set)
	}
	repos, _ := json.Marshal(set["git"])
	if want := `[{"commits":3,"corrupt":false,"repository":"/home/me/src/api","shallow":false},{"commits":1,"corrupt":false,"repository":"/home/me/src/web","shallow":false},{"commits":1,"corrupt":false,"repository":"/home/me/src/api-fork","shallow":false}]`; string(repos) != want {
		t.Errorf("settings.git %s", repos)
	}
	w := doc.Weeks[0]
	// Week 1: 120 + 60 coded in working hours of 2400 capacity less
	// meetings (the 1:1, planning and reviews): capacity 2400.
	for key, want := range map[string]any{
		"coding_minutes": 180.0, "coding_in_focus_minutes": 120.0, "coding_after_hours_minutes": 120.0,
		"commits": 4.0, "coding_sessions": 3.0, "repos": 3.0, "coding_share": 0.075, "coding_track": "em",
	} {
		if w[key] != want {
			t.Errorf("week 1 %s = %v, want %v", key, w[key], want)
		}
	}
	if fu := w["focus_used_for_coding"].(float64); fu != roundShare(120.0/float64(int(w["focus_minutes"].(float64)))) {
		t.Errorf("focus_used_for_coding %v", fu)
	}
	if w["bottleneck_risk"] != true {
		t.Errorf("week 1, an EM's week with 2h of coding after hours above the 1h limit, is not at risk: %v", w["reasons"])
	}
	if w2 := doc.Weeks[1]; w2["commits"] != 0.0 || w2["coding_minutes"] != 0.0 || w2["coding_track"] != "em" {
		t.Errorf("week 2 %v", w2)
	}
	if doc.Summary["repos"] != 3.0 || doc.Summary["commits"] != 4.0 {
		t.Errorf("summary repos %v commits %v", doc.Summary["repos"], doc.Summary["commits"])
	}
	sat := doc.Heat[5]
	if sat["weekday"] != "sat" || sat["coding_minutes"].([]any)[20] != 60.0 || sat["coding_minutes"].([]any)[21] != 60.0 {
		t.Errorf("Saturday heat %v", sat)
	}
	// The keys sit where the document puts them: coding after the people,
	// the coding track after the track.
	week := buf.Bytes()[bytes.Index(buf.Bytes(), []byte(`"weeks"`)):]
	var pos []int
	for _, k := range []string{"top_people", "coding_minutes", "repos", "coding_share", "focus_used_for_coding", "track", "coding_track", "reasons", "bottleneck_risk"} {
		pos = append(pos, bytes.Index(week, []byte(`"`+k+`":`)))
	}
	if !slices.IsSorted(pos) || pos[0] < 0 {
		t.Errorf("keys at %v, want them in the document's order", pos)
	}
}

func roundShare(f float64) float64 { return *share(f, true) }

// TestNoGitNoCodingKeys: without git history no format shows a coding
// figure.
func TestNoGitNoCodingKeys(t *testing.T) {
	r := sampleReport(t)
	var js, cs, md, tb bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"coding", "commits", "repos", "git"} {
		if bytes.Contains(js.Bytes(), []byte(`"`+key)) {
			t.Errorf("the JSON holds a %s key without git history", key)
		}
	}
	if err := WriteCSV(&cs, r); err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(cs.String(), "\n"); strings.Contains(header, "coding") || strings.Contains(header, "commits") {
		t.Errorf("the CSV has coding columns without git history: %s", header)
	}
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteTable(&tb, r, Style{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "table": tb.String()} {
		if strings.Contains(out, "Coding") || strings.Contains(out, "commit") {
			t.Errorf("the %s mentions coding without git history", name)
		}
	}
}

func TestCSVWithGit(t *testing.T) {
	r, _ := gitReport(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	for name, want := range map[string]string{
		"coding_minutes": "180", "coding_in_focus_minutes": "120", "coding_after_hours_minutes": "120", "commits": "4",
		"coding_sessions": "3", "repos": "3", "coding_share": "0.075", "coding_track": "em", "bottleneck_risk": "true",
	} {
		if i := col(name); i < 0 || rows[1][i] != want {
			t.Errorf("column %s (%d) of week 1: want %s in %v", name, i, want, rows[1])
		}
	}
	if col("repos") > col("track") || col("coding_track") != col("track")+1 {
		t.Errorf("columns %v", rows[0])
	}
}

func TestTableAndMarkdownWithGit(t *testing.T) {
	r, _ := gitReport(t)
	var tb, md bytes.Buffer
	if err := WriteTable(&tb, r, Style{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	out := tb.String()
	for _, want := range []string{
		"| Week ", "| Fragmented | Coding | Track |",
		"| 8% em  ", // week 1: 180 of 2400
		"Coding, from your commits: 60% or more of working time is an individual contributor's, 30% or less an engineering manager's.",
		"coding from 4 commits in 3 sessions, 3 repositories: 3h00 in working hours (2h00 of it in focus,",
		"2h00 after hours",
		"coding 3% of working time, from 4 commits in 3 repositories",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	m := md.String()
	for _, want := range []string{"| Week | Capacity | Meetings | Focus | Fragmented | Coding | Track |", "| 2026-03-02 | 40h00 |", "| 8% em | em |",
		"Coding, measured from your commits:", "Coding from 4 commits in 3 sessions"} {
		if !strings.Contains(m, want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, m)
		}
	}
}

func TestHTMLWithGit(t *testing.T) {
	r, _ := gitReport(t)
	page, doc := renderHTML(t, r)
	chart := byID(t, doc, "weeks-chart")
	const top, ph = weeksTop, weeksPlotHeight
	for _, wk := range r.Weeks {
		g := findAll(chart, tagged("g", withClass("week"), withAttr("data-week", wk.WeekStart)))[0]
		strips := findAll(g, tagged("rect", withClass("seg"), withClass("coding")))
		if len(strips) != 1 {
			t.Fatalf("week %s: %d coding strips, want 1", wk.WeekStart, len(strips))
		}
		st := strips[0]
		if num(t, st, "data-share") != *wk.CodingShare || !near(num(t, st, "height"), ph**wk.CodingShare) || !near(num(t, st, "y"), top) {
			t.Errorf("week %s: coding strip %v, want %v of the height hanging from the top", wk.WeekStart, st.Attr, *wk.CodingShare)
		}
		// The strip stands beside the bar, not over it.
		focus := findAll(g, tagged("rect", withClass("seg"), withClass("focus")))[0]
		if num(t, st, "x") < num(t, focus, "x")+num(t, focus, "width") {
			t.Errorf("week %s: the coding strip overlaps the bar", wk.WeekStart)
		}
	}
	// The heat map's coding layer: Monday 13:00 and 14:00 hold an hour of
	// coding over three Mondays; Saturday, a day off, gets a row for its
	// evening.
	meet := byID(t, doc, "heat-meetings-chart")
	for _, tt := range []struct {
		day  string
		hour int
		mins int
	}{{"mon", 13, 60}, {"mon", 14, 60}, {"tue", 12, 60}, {"sat", 20, 60}, {"sat", 21, 60}} {
		strips := findAll(meet, tagged("rect", withClass("coding-strip"), withAttr("data-weekday", tt.day), withAttr("data-hour", strconv.Itoa(tt.hour))))
		if len(strips) != 1 || int(num(t, strips[0], "data-coding-minutes")) != tt.mins {
			t.Errorf("%s %02d:00: strips %v, want one of %d minutes", tt.day, tt.hour, strips, tt.mins)
		}
	}
	if n := len(findAll(meet, tagged("rect", withClass("coding-strip")))); n != 5 {
		t.Errorf("%d coding strips on the heat map, want 5 (Mon 13, 14; Tue 12; Sat 20, 21)", n)
	}
	if len(findAll(byID(t, doc, "heat-focus-chart"), tagged("rect", withClass("coding-strip")))) != 0 {
		t.Errorf("the focus map carries the coding layer too")
	}
	byID(t, doc, "heat-coding-table")
	for _, want := range []string{"Coding, measured from your commits", "Coding time is measured from your commits in 3 repositories",
		"Coding in working hours, from your commits", "Commits, coding sessions, repositories", "<th>Coding track</th>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "stands in for coding time") {
		t.Errorf("with git history, the page still says focus stands in for coding")
	}
	// Without git, none of it.
	plain, _ := renderHTML(t, sampleReport(t))
	for _, no := range []string{"coding-strip", "seg coding", "heat-coding-table", "from your commits"} {
		if strings.Contains(plain, no) {
			t.Errorf("without git the page holds %q", no)
		}
	}
}

func TestRedactGit(t *testing.T) {
	r, _ := gitReport(t)
	red := Redact(r)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, red); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, leak := range []string{"/home/me", "src/api", "web", "me@home.example"} {
		if strings.Contains(out, leak) {
			t.Errorf("the redacted report holds %q", leak)
		}
	}
	g := red.Settings.GitSettings
	if !slices.Equal(g.GitAuthors, []string{"me"}) || g.Git[0].Repository != "repository-1" || g.Git[2].Repository != "repository-3" || g.Git[0].Commits != 3 {
		t.Errorf("redacted git settings %+v", g)
	}
	if r.Settings.Git[0].Repository != "/home/me/src/api" {
		t.Errorf("redaction changed the report it was given")
	}

	events := NewCodingEvents(
		[]CodingSession{{Start: at(2, 13, 0), End: at(2, 15, 0), Commits: 2, Repos: []string{"/home/me/src/api", "/home/me/src/web"}}},
		[]Commit{{Hash: "0123456789abcdef0123456789abcdef01234567", When: at(2, 13, 30), Repos: []string{"/home/me/src/api"}, Subject: "Fix the secret project"}},
		2*time.Hour, 30*time.Minute, time.UTC)
	if events[0].Title != "2 commits in api, web" || events[1].Title != "Fix the secret project" || events[1].Reason != "commit 0123456789ab" {
		t.Errorf("events %+v", events)
	}
	red2 := NewRedactor([]string{"me@example.com"}).Events(events)
	for _, e := range red2 {
		b, _ := json.Marshal(e)
		for _, leak := range []string{"home", "api", "web", "secret", "0123456789"} {
			if strings.Contains(string(b), leak) {
				t.Errorf("redacted %s row holds %q: %s", e.Kind, leak, b)
			}
		}
	}
	if red2[0].Title != "2 commits in repository-1, repository-2" || red2[1].Title != "commit-1" || red2[1].Repositories[0] != "repository-1" {
		t.Errorf("redacted rows %+v", red2)
	}
}

func TestCodingEvents(t *testing.T) {
	cal := NewEvents([]classify.Event{event("1:1", classify.KindMeeting, classify.CategoryOneOnOne, at(2, 14, 0), at(2, 15, 0), "bob@example.com")},
		[]analyze.EventTally{{WorkingMinutes: 60}}, time.UTC)
	rows := append(cal, NewCodingEvents(
		[]CodingSession{{Start: at(2, 13, 0), End: at(2, 16, 0), Commits: 3, Repos: []string{"/src/api"},
			Tally: analyze.SessionTally{WorkingMinutes: 120, UncountedMinutes: 60}}},
		[]Commit{{Hash: "0123456789abcdef0123456789abcdef01234567", When: at(2, 13, 30), Repos: []string{"/src/api"}, Subject: "=HYPERLINK(\"x\")\x1b[2J"}},
		2*time.Hour, 30*time.Minute, time.UTC)...)
	SortEvents(rows)
	var kinds []string
	for _, e := range rows {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Equal(kinds, []string{"coding", "commit", "meeting"}) {
		t.Errorf("rows in the order %v, want by start", kinds)
	}
	s := rows[0]
	if s.Start != "2026-03-02T13:00:00Z" || s.Reason != "my commits at most 2h00 apart, from 0h30 before the first to the last" || counts(s) != "2h00 not counted 1h00" || s.AwayMinutes != 0 {
		t.Errorf("session row %+v (counts %q)", s, counts(s))
	}
	var tb, cs, md bytes.Buffer
	if err := WriteEventsTable(&tb, rows, "UTC", Style{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteEventsCSV(&cs, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteEventsMarkdown(&md, rows); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"table": tb.String(), "csv": cs.String(), "markdown": md.String()} {
		if strings.Contains(out, "\x1b") {
			t.Errorf("the %s prints an escape sequence of a commit subject", name)
		}
	}
	// A session's minutes under meetings are its own key, not the
	// calendar's away_minutes (out of office).
	var js bytes.Buffer
	if err := WriteEventsJSON(&js, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"kind": "coding",`) || !strings.Contains(js.String(), `"away_minutes": 0,
    "uncounted_minutes": 60,`) || strings.Count(js.String(), "uncounted_minutes") != 1 {
		t.Errorf("events JSON: want the session's 60 minutes under uncounted_minutes, and no other row with the key:\n%s", js.String())
	}
	if !strings.Contains(cs.String(), ",repositories,commits,hash,uncounted_minutes\n") || !strings.Contains(cs.String(), ",120,0,0,,,/src/api,3,,60\n") ||
		!strings.Contains(cs.String(), "'=HYPERLINK") {
		t.Errorf("events CSV:\n%s", cs.String())
	}
	var plain bytes.Buffer
	if err := WriteEventsCSV(&plain, cal); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "repositories") {
		t.Errorf("the events CSV of a calendar alone grew git columns")
	}
	if !strings.Contains(tb.String(), "| When (UTC) ") || !strings.Contains(tb.String(), "Mon 2026-03-02 13:00-16:00 | coding") || !strings.Contains(tb.String(), "3 commits in api") {
		t.Errorf("events table:\n%s", tb.String())
	}
}

// TestEventRowsAsTheList checks that rows made one at a time as they are
// written are the list the other formats get: the calendar's events with
// the rows from git history placed by start (after a calendar event that
// starts with one), pseudonyms numbered in the order written, and the
// JSON and NDJSON bytes of that list.
func TestEventRowsAsTheList(t *testing.T) {
	cal := []classify.Event{
		event("Standup", classify.KindMeeting, classify.CategoryRecurring, at(2, 9, 0), at(2, 9, 15), "bob@example.com"),
		event("1:1", classify.KindMeeting, classify.CategoryOneOnOne, at(2, 13, 0), at(2, 14, 0), "carol@example.com"),
		event("Review", classify.KindMeeting, classify.CategoryAdHoc, at(2, 16, 0), at(2, 17, 0), "bob@example.com", "dan@example.com"),
	}
	tallies := []analyze.EventTally{{WorkingMinutes: 15}, {WorkingMinutes: 60}, {WorkingMinutes: 60}}
	extra := NewCodingEvents(
		[]CodingSession{
			{Start: at(2, 13, 0), End: at(2, 15, 0), Commits: 2, Repos: []string{"/src/api"}},
			{Start: at(2, 7, 0), End: at(2, 8, 0), Commits: 1, Repos: []string{"/src/web"}},
			{Start: at(2, 18, 0), End: at(2, 19, 0), Commits: 1, Repos: []string{"/src/api"}},
		},
		[]Commit{{Hash: "0123456789abcdef0123456789abcdef01234567", When: at(2, 13, 30), Repos: []string{"/src/api"}, Subject: "fix"}},
		2*time.Hour, 30*time.Minute, time.UTC)
	for _, redact := range []bool{false, true} {
		want := append(NewEvents(cal, tallies, time.UTC), extra...)
		SortEvents(want)
		rows := EventRows{Events: cal, Tallies: tallies, Zone: time.UTC, Extra: extra}
		if redact {
			want = NewRedactor([]string{"me@example.com"}).Events(want)
			rows.Redact = NewRedactor([]string{"me@example.com"})
		}
		if got := rows.List(); !reflect.DeepEqual(got, want) {
			t.Errorf("redact %v: rows\n%+v\nwant the list\n%+v", redact, got, want)
		}
		for name, write := range map[string][2]func(*bytes.Buffer) error{
			"json":   {func(b *bytes.Buffer) error { return WriteEventsJSON(b, want) }, func(b *bytes.Buffer) error { return WriteEventRowsJSON(b, rows) }},
			"ndjson": {func(b *bytes.Buffer) error { return WriteEventsNDJSON(b, want) }, func(b *bytes.Buffer) error { return WriteEventRowsNDJSON(b, rows) }},
		} {
			if redact {
				rows.Redact = NewRedactor([]string{"me@example.com"}) // pseudonyms numbered afresh
			}
			var a, b bytes.Buffer
			if err := write[0](&a); err != nil {
				t.Fatal(err)
			}
			if err := write[1](&b); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Errorf("redact %v, %s: rows written\n%s\nwant\n%s", redact, name, b.String(), a.String())
			}
		}
	}
	var empty bytes.Buffer
	if err := WriteEventRowsJSON(&empty, EventRows{Zone: time.UTC}); err != nil || empty.String() != "[]\n" {
		t.Errorf("no rows as JSON: %q, %v", empty.String(), err)
	}
	empty.Reset()
	if err := WriteEventRowsNDJSON(&empty, EventRows{Zone: time.UTC}); err != nil || empty.Len() != 0 {
		t.Errorf("no rows as NDJSON: %q, %v", empty.String(), err)
	}
}
