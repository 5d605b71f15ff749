package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/emtime/emtime/pkg/whatif"
	"golang.org/x/net/html"
)

func parsePage(t *testing.T, write func(*bytes.Buffer) error) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	return buf.String(), doc
}

// points reads a polyline's points.
func points(t *testing.T, n *html.Node) [][2]float64 {
	t.Helper()
	var out [][2]float64
	v, _ := attr(n, "points")
	for _, p := range strings.Fields(v) {
		x, y, ok := strings.Cut(p, ",")
		fx, err1 := strconv.ParseFloat(x, 64)
		fy, err2 := strconv.ParseFloat(y, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("point %q", p)
		}
		out = append(out, [2]float64{fx, fy})
	}
	return out
}

// TestTrendHTMLDrawsTheTrend: the line chart has a point per week for
// each line, where the week's share puts it; the band and the IC line
// where the bands put them; a mark on each week where the rolling track
// changed; and the numbers in a table.
func TestTrendHTMLDrawsTheTrend(t *testing.T) {
	r := promotionTrend(t, 4, 0)
	page, doc := parsePage(t, func(b *bytes.Buffer) error { return WriteTrendHTML(b, r) })
	svg := byID(t, doc, "trend-chart")
	c := newTrendSVG(r, "trend")
	y := func(share float64) float64 { return c.Top + c.PH*(1-share) }
	band := byID(t, doc, "trend-em-band")
	if !near(num(t, band, "y"), y(0.75)) || !near(num(t, band, "y")+num(t, band, "height"), y(0.5)) {
		t.Errorf("the band spans y %v+%v, want %v to %v", num(t, band, "y"), num(t, band, "height"), y(0.75), y(0.5))
	}
	if ic := byID(t, doc, "trend-ic-line"); !near(num(t, ic, "y1"), y(0.6)) {
		t.Errorf("the IC line at y %v, want %v", num(t, ic, "y1"), y(0.6))
	}
	lines := findAll(svg, tagged("g", withClass("line")))
	if len(lines) != 4 {
		t.Fatalf("%d lines, want weekly and rolling meetings and focus", len(lines))
	}
	for _, l := range lines {
		class, _ := attr(l, "class")
		pl := findAll(l, tagged("polyline"))
		if len(pl) != 1 {
			t.Fatalf("%s: %d runs, want one (every week has working time)", class, len(pl))
		}
		pts := points(t, pl[0])
		if len(pts) != 12 {
			t.Fatalf("%s: %d points", class, len(pts))
		}
		var want [12]float64
		for i, w := range r.Weeks {
			switch class {
			case "line meeting weekly":
				want[i] = *w.MeetingShare
			case "line focus weekly":
				want[i] = *w.FocusShare
			case "line meeting rolling":
				want[i] = *w.RollingMeetingShare
			case "line focus rolling":
				want[i] = *w.RollingFocusShare
			default:
				t.Fatalf("a line %q", class)
			}
			if d := pts[i][1] - y(want[i]); d > 0.01 || d < -0.01 {
				t.Errorf("%s, week %d: y %v, want %v", class, i, pts[i][1], y(want[i]))
			}
		}
	}
	marks := findAll(svg, tagged("g", withClass("transition")))
	if len(marks) != 2 || attrOf(marks[0], "data-week") != "2026-02-16" || attrOf(marks[1], "data-week") != "2026-03-02" ||
		!strings.Contains(text(marks[1]), "2 Mar: hybrid → EM") {
		t.Errorf("transition marks: %d", len(marks))
	}
	if weeks := findAll(svg, tagged("g", withClass("week"))); len(weeks) != 12 || attrOf(weeks[7], "data-rolling-track") != "hybrid" {
		t.Errorf("%d weeks", len(weeks))
	}
	rows := findAll(byID(t, doc, "trend-table"), tagged("tr", withAttr("data-week", "2026-03-02")))
	if len(rows) != 1 {
		t.Fatalf("%d rows of 2 March", len(rows))
	}
	var cells []string
	for _, td := range findAll(rows[0], tagged("td")) {
		cells = append(cells, text(td))
	}
	if got := strings.Join(cells, " | "); got != "2026-03-02 | 59% | 0% | EM | 59% | 0% | EM" {
		t.Errorf("the table's row of 2 March: %q", got)
	}
	if h := text(byID(t, doc, "held")); !strings.HasPrefix(h, "Your calendar has looked like an EM's for 3 weeks") {
		t.Errorf("heading %q", h)
	}
	if li := findAll(byID(t, doc, "transitions"), tagged("li")); len(li) != 2 {
		t.Errorf("%d transitions in words", len(li))
	}
	if desc := text(byID(t, doc, "trend-desc")); !strings.Contains(desc, "meetings went from 45% to 59%") {
		t.Errorf("the chart's text alternative %q", desc)
	}
	for _, bad := range []string{"<script", "http://", "https://", "<link", "<img", "@import"} {
		if strings.Contains(strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, ""), bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
}

// TestMeetingsHTML: the five costliest series as bars of their focus
// cost, every series listed in a table, and the target and moves in
// words, the attendees' calendars said to be unknown.
func TestMeetingsHTML(t *testing.T) {
	r := promotionMeetings(t)
	_, doc := parsePage(t, func(b *bytes.Buffer) error { return WriteMeetingsHTML(b, r) })
	bars := findAll(byID(t, doc, "focus-cost-chart"), tagged("g", withClass("hbar")))
	if len(bars) != 5 || attrOf(bars[0], "data-minutes") != "3600" || attrOf(bars[1], "data-minutes") != "2400" {
		t.Fatalf("%d bars", len(bars))
	}
	if rect := findAll(bars[0], tagged("rect")); len(rect) != 1 || num(t, rect[0], "width") != 240 {
		t.Error("the costliest bar is not the longest")
	}
	rows := findAll(byID(t, doc, "series-table"), tagged("tr", func(n *html.Node) bool { _, ok := attr(n, "data-key"); return ok }))
	if len(rows) != len(r.Series) || attrOf(rows[0], "data-focus-cost") != "3600" {
		t.Errorf("%d rows for %d series", len(rows), len(r.Series))
	}
	if got := text(byID(t, doc, "target-h")); got != "What to drop to look like an IC" {
		t.Errorf("target heading %q", got)
	}
	if li := findAll(byID(t, doc, "target"), tagged("ol")); len(li) != 1 || len(findAll(li[0], tagged("li"))) != 3 {
		t.Error("the target does not list three series to drop")
	}
	if got := text(byID(t, doc, "attendees-not-known")); !strings.Contains(got, "whether the other attendees are free at the new time is not known") {
		t.Errorf("moves note %q", got)
	}
	// A series that costs nothing is listed, not drawn.
	r.Series = r.Series[len(r.Series)-1:]
	_, doc = parsePage(t, func(b *bytes.Buffer) error { return WriteMeetingsHTML(b, r) })
	if got := text(byID(t, doc, "focus-costs")); !strings.Contains(got, "No meeting series costs focus time") {
		t.Errorf("no cost: %q", got)
	}
}

// TestAnalyzeHTMLShowsTheWhatifs: the page of an analysis gains what
// costs focus and, when it is given, the trend; without them it is as it
// was.
func TestAnalyzeHTMLShowsTheWhatifs(t *testing.T) {
	r := sampleReport(t)
	page, _ := renderHTML(t, r)
	for _, id := range []string{`id="focus-costs"`, `id="trend"`, `id="analyze-trend-chart"`} {
		if strings.Contains(page, id) {
			t.Errorf("without what-ifs the page holds %s", id)
		}
	}
	c, _, _, _ := promotion(t, time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), 12)
	tr := promotionTrend(t, 4, 0)
	r = WhatifsOf(r, c.Series(), &tr)
	_, doc := renderHTML(t, r)
	if got := text(byID(t, doc, "focus-costs-h")); got != "What costs your focus" {
		t.Errorf("section %q", got)
	}
	bars := findAll(byID(t, doc, "focus-cost-chart"), tagged("g", withClass("hbar")))
	if len(bars) != 5 || attrOf(bars[0], "data-minutes") != strconv.Itoa(c.Series()[0].FocusCostMinutes) {
		t.Errorf("%d bars", len(bars))
	}
	if marks := findAll(byID(t, doc, "analyze-trend-chart"), tagged("g", withClass("transition"))); len(marks) != 2 {
		t.Errorf("%d transitions on the analysis' trend", len(marks))
	}
	// Redacted, the series' titles go.
	page, _ = renderHTML(t, NewRedactor(r.Me).Report(r))
	if strings.Contains(page, "Cross-team") || !strings.Contains(page, "event-1") {
		t.Error("the focus costs are not redacted")
	}
}

// TestTrendHTMLWithoutWorkingTime: a week away breaks the lines, and a
// trend of one week still draws.
func TestTrendHTMLWithoutWorkingTime(t *testing.T) {
	r := promotionTrend(t, 1, 0)
	r.Weeks[3].MeetingShare, r.Weeks[3].FocusShare, r.Weeks[3].RollingMeetingShare, r.Weeks[3].RollingFocusShare = nil, nil, nil, nil
	r.Weeks[3].RollingTrack = verdict.TrackNone
	_, doc := parsePage(t, func(b *bytes.Buffer) error { return WriteTrendHTML(b, r) })
	for _, l := range findAll(byID(t, doc, "trend-chart"), tagged("g", withClass("line"))) {
		if n := len(findAll(l, tagged("polyline"))); n != 2 {
			t.Errorf("%s: %d runs, want two around the week away", attrOf(l, "class"), n)
		}
	}
	one := NewTrend(TrendInput{Trend: whatif.Trend{Window: 4}, Settings: analyze.DefaultSettings(time.UTC)})
	if _, doc := parsePage(t, func(b *bytes.Buffer) error { return WriteTrendHTML(b, one) }); len(findAll(doc, tagged("svg"))) == 0 {
		t.Error("an empty trend draws no chart")
	}
}
