package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestTrendReportCarriesTheTrend: the document says what the trend
// counted, week by week: the four-week sums and the weeks where the
// rolling track changed (worked out in testdata/script/trend_promotion).
func TestTrendReportCarriesTheTrend(t *testing.T) {
	r := promotionTrend(t, 4, 0)
	if len(r.Weeks) != 12 || r.Window != 4 || r.Range.From != "2025-12-29" || r.Range.To != "2026-03-22" {
		t.Fatalf("%d weeks, window %d, %s to %s", len(r.Weeks), r.Window, r.Range.From, r.Range.To)
	}
	w := r.Weeks[7]
	if w.WeekStart != "2026-02-16" || w.RollingFrom != "2026-01-26" || w.RollingWeeks != 4 ||
		w.RollingMeetingMinutes != 3000 || w.RollingFocusMinutes != 4650 || w.RollingCapacityMinutes != 9600 ||
		*w.RollingMeetingShare != 0.3125 || *w.RollingFocusShare != 0.4844 || w.RollingTrack != "hybrid" || w.Track != "em" {
		t.Errorf("the week of 16 February: %+v", w)
	}
	if !r.Weeks[11].Current || r.Weeks[10].Current {
		t.Error("the current week is not the last")
	}
	if len(r.Transitions) != 2 || r.Transitions[0].WeekStart != "2026-02-16" || r.Transitions[1].WeekStart != "2026-03-02" ||
		r.Transitions[1].From != "hybrid" || r.Transitions[1].To != "em" || *r.Transitions[1].MeetingShareBefore != 0.4531 {
		t.Errorf("transitions %+v", r.Transitions)
	}
	if s := r.Summary; s.RollingTrack != "em" || s.Since != "2026-03-02" || s.Weeks != 3 || s.FromStart {
		t.Errorf("summary %+v", s)
	}
	// While focus time stands in for coding time, no coding share is said.
	var b bytes.Buffer
	if err := WriteTrendJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "coding_share") {
		t.Error("the JSON names a coding share that nothing measured")
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "window", "weeks", "transitions", "summary", "settings", "warnings"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no key %q", k)
		}
	}
}

// trendTable renders the trend's table.
func trendTable(t *testing.T, r TrendReport, st Style, width int) []string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTrendTable(&b, r, st, width); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// rowOf is the line of the chart that starts with prefix.
func rowOf(t *testing.T, lines []string, prefix string) string {
	t.Helper()
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line starts with %q:\n%s", prefix, strings.Join(lines, "\n"))
	return ""
}

// TestTrendTableFitsTheWidth: at every width, in both styles, no line is
// wider than the terminal, and the marks under the chart point at the
// weeks where the rolling track changed.
func TestTrendTableFitsTheWidth(t *testing.T) {
	for _, width := range []int{40, 60, 80, 132} {
		for _, st := range []Style{{}, {Unicode: true}} {
			r := promotionTrend(t, 4, TrendChartColumns(width))
			lines := trendTable(t, r, st, width)
			for _, l := range lines {
				if n := textWidth(l); n > width {
					t.Errorf("width %d, unicode %v: a line of %d: %q", width, st.Unicode, n, l)
				}
			}
			track := []rune(rowOf(t, lines, "Track"))
			var marks []rune
			for _, l := range lines {
				if strings.Contains(l, "^") && strings.TrimSpace(strings.ReplaceAll(l, "^", "")) == "" {
					marks = []rune(l)
				}
			}
			if marks == nil {
				t.Fatalf("width %d: no line of marks", width)
			}
			var under []string
			for i, c := range marks {
				if c == '^' {
					under = append(under, string(track[i-2:i+1]))
				}
			}
			// Under each mark, the track before it and its own.
			if strings.Join(under, " ") != "I H H E" && strings.Join(under, " ") != "IIH HHE" {
				t.Errorf("width %d: the marks sit under %q\n%s", width, under, strings.Join(lines, "\n"))
			}
		}
	}
}

// TestTrendTableGlyphs: ASCII digits tell a week's share in tens of
// percent; the terminal's blocks rise with it; the lanes mark the band.
func TestTrendTableGlyphs(t *testing.T) {
	r := promotionTrend(t, 4, 0)
	plain := trendTable(t, r, Style{}, 80)
	if got := rowOf(t, plain, "Meetings  week"); !strings.Contains(got, "0 0 0 0 0 0 5 5 5 5 5 5") || !strings.HasSuffix(got, " 59%") {
		t.Errorf("meetings row %q", got)
	}
	if got := rowOf(t, plain, "          EM band"); !strings.Contains(got, ". . . . . . . . . = = =") {
		t.Errorf("EM band lane %q", got)
	}
	uni := trendTable(t, r, Style{Unicode: true}, 80)
	if got := rowOf(t, uni, "Focus     week"); !strings.Contains(got, "█ █ █ █ █ █ ▁ ▁ ▁ ▁ ▁ ▁") {
		t.Errorf("focus row %q", got)
	}
	if got := rowOf(t, uni, "          IC line"); !strings.Contains(got, "━ ━ ━ ━ ━ ━ ━ · · · · ·") {
		t.Errorf("IC line lane %q", got)
	}
	for _, l := range plain {
		for _, c := range l {
			if c > 127 && !strings.ContainsRune("–", c) {
				t.Fatalf("plain table holds %q in %q", c, l)
			}
		}
	}
	if got := rowOf(t, uni, "Track"); !strings.Contains(got, "I I I I I I I H H E E E") {
		t.Errorf("track row %q", got)
	}
	color := trendTable(t, r, Style{Unicode: true, Color: true}, 80)
	if got := rowOf(t, color, "Track"); !strings.Contains(got, "\x1b[34mE\x1b[0m") {
		t.Errorf("no colour on a colour terminal: %q", got)
	}
}

// TestTrendTableBucketsWeeks: with fewer columns than weeks, each column
// is a run of weeks summed, the last run ending with the last week.
func TestTrendTableBucketsWeeks(t *testing.T) {
	r := promotionTrend(t, 4, 5)
	if len(r.Columns) != 4 || r.Columns[0].First != 0 || r.Columns[0].Last != 2 || r.Columns[3].Last != 11 {
		t.Fatalf("columns %+v", r.Columns)
	}
	// Weeks 6-8 are a manager's: 3 x 1425 of 3 x 2400.
	if got := *r.Columns[2].MeetingShare; got != 0.5938 {
		t.Errorf("the third run's meeting share %v", got)
	}
	lines := trendTable(t, r, Style{}, 80)
	if got := rowOf(t, lines, "Meetings  week"); !strings.Contains(got, "0 0 5 5") {
		t.Errorf("meetings row %q", got)
	}
	// The rolling track of a run is its last week's: 2 Feb ic, 23 Feb
	// hybrid, 16 Mar em.
	if got := rowOf(t, lines, "Track"); !strings.Contains(got, "I I H E") {
		t.Errorf("track row %q", got)
	}
	if !strings.Contains(strings.Join(lines, " "), "each digit is 3 weeks' share of working time") {
		t.Errorf("the key does not say a column is 3 weeks:\n%s", strings.Join(lines, "\n"))
	}
}

// TestTrendNowIsTheLastWeek: once a column merges weeks, the "now"
// figures are still the last week's own and its rolling ones, not the
// last column's sum.
func TestTrendNowIsTheLastWeek(t *testing.T) {
	r := promotionTrend(t, 4, 5)
	last := &r.Weeks[len(r.Weeks)-1]
	run := r.Columns[len(r.Columns)-1]
	if run.Last-run.First < 1 {
		t.Fatalf("the last column holds one week: %+v", run)
	}
	meet, focus, coding, rollMeet := 0.77, 0.11, 0.05, 0.66
	last.MeetingShare, last.FocusShare, last.CodingShare = &meet, &focus, &coding
	last.RollingMeetingShare = &rollMeet
	other := 0.2
	for i := range r.Columns {
		r.Columns[i].CodingShare = &other
	}
	lines := trendTable(t, r, Style{Unicode: true}, 80)
	for _, c := range []struct{ row, want string }{
		{"Meetings  week", "77%"}, {"          4-week", "66%"}, {"Focus     week", "11%"},
		{"Coding    week", "5%"},
	} {
		got := rowOf(t, lines, c.row)
		if !strings.HasSuffix(got, " "+c.want) {
			t.Errorf("row %q ends %q, want the last week's %s", c.row, got, c.want)
		}
	}
	if pctOf(run.MeetingShare) == "77%" {
		t.Fatal("the last column's share is the week's: the test cannot tell them apart")
	}
}

// TestTrendShowsACodingShareWhenMeasured: the seam for coding time from
// git. Once the weeks carry a coding share of their own, the table draws
// it with the IC line under it, and the CSV and Markdown give it a column.
func TestTrendShowsACodingShareWhenMeasured(t *testing.T) {
	r := promotionTrend(t, 4, 0)
	c := 0.42
	for i := range r.Weeks {
		r.Weeks[i].CodingShare, r.Weeks[i].RollingCodingShare = &c, &c
	}
	for i := range r.Columns {
		r.Columns[i].CodingShare = &c
	}
	lines := trendTable(t, r, Style{}, 80)
	if got := rowOf(t, lines, "Coding    week"); !strings.Contains(got, "4 4 4") || !strings.HasSuffix(got, "42%") {
		t.Errorf("coding row %q", got)
	}
	var b bytes.Buffer
	if err := WriteTrendCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(b.String(), "\n"); !strings.Contains(head, ",focus_share,coding_share,track,") || !strings.Contains(head, ",rolling_coding_share,rolling_track,") {
		t.Errorf("CSV header %q", head)
	}
	b.Reset()
	if err := WriteTrendMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| Week | Meetings | Focus | Coding | Track | 4-week meetings | 4-week focus | 4-week coding | 4-week track |") {
		t.Errorf("Markdown:\n%s", b.String())
	}
}
