package report

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"golang.org/x/net/html"
)

// at is a time on a day of March 2026, in UTC.
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, time.UTC)
}

func event(title string, kind classify.Kind, cat classify.Category, from, to time.Time, people ...string) classify.Event {
	return classify.Event{
		Event: &calendar.Event{Title: title, Start: from, End: to},
		Kind:  kind, Category: cat, People: people,
	}
}

// sampleReport is three weeks (Monday 2 March to Thursday 19 March 2026,
// today Wednesday 18 March): an engineering manager's week, an individual
// contributor's and a part week, with a 1:1 every Monday 10:00–11:00, an
// evening meeting and a person whose address tries to inject markup.
func sampleReport(t *testing.T) Report {
	t.Helper()
	const evil = `x<script>alert(1)</script>@evil.example`
	var events []classify.Event
	for _, d := range []int{2, 9, 16} {
		events = append(events, event("1:1", classify.KindMeeting, classify.CategoryOneOnOne, at(d, 10, 0), at(d, 11, 0), "bob@example.com"))
	}
	// Week 1: meetings most mornings and afternoons.
	for d := 3; d <= 6; d++ {
		events = append(events,
			event("planning", classify.KindMeeting, classify.CategoryRecurring, at(d, 9, 0), at(d, 12, 0), "carol@example.com", "bob@example.com"),
			event("review", classify.KindMeeting, classify.CategoryAdHoc, at(d, 13, 0), at(d, 15, 0), "carol@example.com", evil))
	}
	events = append(events,
		event("all hands", classify.KindMeeting, classify.CategoryLarge, at(4, 18, 0), at(4, 19, 0), "ceo@example.com"),
		event("interview", classify.KindMeeting, classify.CategoryInterview, at(12, 14, 0), at(12, 15, 0), "cand@mail.example"),
		event("stand-up", classify.KindMeeting, classify.CategoryRecurring, at(17, 9, 0), at(17, 9, 30), "carol@example.com"),
	)
	return build(t, events, at(2, 0, 0), at(20, 0, 0), at(18, 12, 0))
}

func renderHTML(t *testing.T, r Report) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the page does not parse: %v", err)
	}
	return buf.String(), doc
}

// Helpers over the parsed tree.

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	c, _ := attr(n, "class")
	return strings.Contains(" "+c+" ", " "+class+" ")
}

// findAll lists the elements under n (n included) that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	found := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(found) != 1 {
		t.Fatalf("%d elements with id %q, want 1", len(found), id)
	}
	return found[0]
}

func tagged(tag string, more ...func(*html.Node) bool) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if n.Data != tag {
			return false
		}
		for _, m := range more {
			if !m(n) {
				return false
			}
		}
		return true
	}
}

func withAttr(key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool { v, ok := attr(n, key); return ok && v == val }
}

func withClass(c string) func(*html.Node) bool {
	return func(n *html.Node) bool { return hasClass(n, c) }
}

// text is the text under n, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func num(t *testing.T, n *html.Node, key string) float64 {
	t.Helper()
	v, ok := attr(n, key)
	if !ok {
		t.Fatalf("<%s> has no %s", n.Data, key)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.Data, key, v, err)
	}
	return f
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.011 }

func TestHTMLWeeksChartShowsEachWeeksShares(t *testing.T) {
	r := sampleReport(t)
	if len(r.Weeks) != 3 || r.Weeks[0].Track == r.Weeks[1].Track {
		t.Fatalf("the sample should hold three weeks of different tracks: %+v", r.Weeks)
	}
	_, doc := renderHTML(t, r)
	chart := byID(t, doc, "weeks-chart")
	const top, ph = weeksTop, weeksPlotHeight
	for i, wk := range r.Weeks {
		gs := findAll(chart, tagged("g", withClass("week"), withAttr("data-week", wk.WeekStart)))
		if len(gs) != 1 {
			t.Fatalf("week %s: %d bars, want 1", wk.WeekStart, len(gs))
		}
		g := gs[0]
		segs := map[string]*float64{"meeting": wk.MeetingShare, "focus": wk.FocusShare, "fragmented": wk.FragmentedShare}
		for class, share := range segs {
			rects := findAll(g, tagged("rect", withClass("seg"), withClass(class)))
			if len(rects) != 1 {
				t.Fatalf("week %s: %d %s segments, want 1", wk.WeekStart, len(rects), class)
			}
			rc := rects[0]
			if got := num(t, rc, "data-share"); got != *share {
				t.Errorf("week %s %s: data-share %v, want %v", wk.WeekStart, class, got, *share)
			}
			if got, want := num(t, rc, "height"), ph**share; !near(got, want) {
				t.Errorf("week %s %s: height %v, want %v (%v of %d)", wk.WeekStart, class, got, want, *share, ph)
			}
			// Meetings stand on the axis, focus hangs from the top.
			y, h := num(t, rc, "y"), num(t, rc, "height")
			if class == "meeting" && !near(y+h, top+ph) {
				t.Errorf("week %s: the meeting bar ends at %v, not on the axis at %v", wk.WeekStart, y+h, top+ph)
			}
			if class == "focus" && !near(y, top) {
				t.Errorf("week %s: the focus bar starts at %v, not at the top %v", wk.WeekStart, y, float64(top))
			}
			labels := findAll(g, tagged("text", withClass("pct"), withClass(class)))
			if h >= 16 {
				if len(labels) != 1 || text(labels[0]) != pct(*share) {
					t.Errorf("week %s %s: label %v, want %s", wk.WeekStart, class, labels, pct(*share))
				}
			}
		}
		// The track is said once per run of weeks on it, under the run's
		// first week, by a chip as wide as the run.
		verdicts := findAll(g, tagged("text", withClass("verdict")))
		chips := findAll(g, tagged("rect", withClass("chip")))
		run := 1
		for j := i + 1; j < len(r.Weeks) && r.Weeks[j].Track == wk.Track; j++ {
			run++
		}
		switch {
		case i > 0 && r.Weeks[i-1].Track == wk.Track:
			if len(verdicts) != 0 || len(chips) != 0 {
				t.Errorf("week %s: a chip under a week that continues a run of %s", wk.WeekStart, wk.Track)
			}
		case len(verdicts) != 1 || text(verdicts[0]) != styleOf(wk.Track).Short || len(chips) != 1:
			t.Errorf("week %s: verdict under the bar %v, want %q", wk.WeekStart, verdicts, styleOf(wk.Track).Short)
		case run > 1:
			slot := (num(t, byID(t, doc, "em-band"), "width")) / float64(len(r.Weeks))
			if w := num(t, chips[0], "width"); w < slot*float64(run)-8 {
				t.Errorf("week %s: the chip of a run of %d weeks is %v wide, want about %v", wk.WeekStart, run, w, slot*float64(run))
			}
		}
		if got, _ := attr(g, "data-track"); got != string(wk.Track) {
			t.Errorf("week %s: data-track %q, want %q", wk.WeekStart, got, wk.Track)
		}
	}
	notes := findAll(chart, tagged("text", withClass("note")))
	if len(notes) != 1 || text(notes[0]) != "this week" || !withAttr("data-week", "2026-03-16")(notes[0].Parent) {
		t.Errorf("notes under the bars: want \"this week\" under the week of 2026-03-16 alone, got %d", len(notes))
	}

	band := byID(t, doc, "em-band")
	b := r.Settings.Bands
	if y, h := num(t, band, "y"), num(t, band, "height"); !near(y, top+ph*(1-b.EMMeetingMax)) || !near(y+h, top+ph*(1-b.EMMeetingMin)) {
		t.Errorf("EM band spans y %v to %v, want %v (75%%) to %v (50%%)", y, y+h, top+ph*(1-b.EMMeetingMax), top+ph*(1-b.EMMeetingMin))
	}
	if num(t, band, "data-from") != 0.5 || num(t, band, "data-to") != 0.75 {
		t.Errorf("EM band data-from/to are not 0.5/0.75")
	}
	line := byID(t, doc, "ic-line")
	if y := num(t, line, "y1"); !near(y, top+ph*b.ICFocusMin) || num(t, line, "y2") != y {
		t.Errorf("IC line at y %v, want a level line at %v (60%% focus from the top)", y, top+ph*b.ICFocusMin)
	}
	// The table behind the chart holds every week.
	if rows := findAll(byID(t, doc, "weeks-table"), tagged("tr", func(n *html.Node) bool { _, ok := attr(n, "data-week"); return ok })); len(rows) != len(r.Weeks) {
		t.Errorf("the weeks table has %d rows, want %d", len(rows), len(r.Weeks))
	}
}

func TestHTMLHeatMapCarriesTheMinutes(t *testing.T) {
	r := sampleReport(t)
	_, doc := renderHTML(t, r)
	var mon HeatDay
	for _, d := range r.Heat {
		if d.Weekday == "mon" {
			mon = d
		}
	}
	if r.Heat[0].Weekday != "mon" || mon.Days != 3 || mon.MeetingMinutes[10] != 180 {
		t.Fatalf("the sample's Mondays: %+v; want three, with 180 meeting minutes at 10:00", mon)
	}
	if mon.FocusMinutes[10] != 0 || mon.FocusMinutes[14] != 180 {
		t.Fatalf("the sample's Mondays: focus %v; want none at 10:00 and 180 minutes at 14:00", mon.FocusMinutes)
	}
	for _, tt := range []struct {
		chart string
		hour  int
		want  int
	}{
		{"heat-meetings-chart", 10, 180},
		{"heat-focus-chart", 10, 0},
		{"heat-meetings-chart", 14, 0},
		{"heat-focus-chart", 14, 180},
	} {
		cells := findAll(byID(t, doc, tt.chart), tagged("rect", withClass("cell"), withAttr("data-weekday", "mon"), withAttr("data-hour", strconv.Itoa(tt.hour))))
		if len(cells) != 1 {
			t.Fatalf("%s: %d cells for Monday %02d:00, want 1", tt.chart, len(cells), tt.hour)
		}
		c := cells[0]
		if got := int(num(t, c, "data-minutes")); got != tt.want {
			t.Errorf("%s: Monday %02d:00 holds %d minutes, want %d", tt.chart, tt.hour, got, tt.want)
		}
		if got := int(num(t, c, "data-days")); got != 3 {
			t.Errorf("%s: Monday %02d:00 over %d days, want 3", tt.chart, tt.hour, got)
		}
		avg := float64(tt.want) / 3
		if want := "level-" + strconv.Itoa(level(avg)); !hasClass(c, want) {
			t.Errorf("%s: Monday %02d:00 is not %s", tt.chart, tt.hour, want)
		}
		// The number in the cell is the average: 60 minutes of every hour.
		label := c.NextSibling
		hasLabel := label != nil && label.Type == html.ElementNode && label.Data == "text"
		switch {
		case avg > 0 && (!hasLabel || text(label) != "60"):
			t.Errorf("%s: Monday %02d:00 shows %v, want 60", tt.chart, tt.hour, label)
		case avg == 0 && hasLabel:
			t.Errorf("%s: Monday %02d:00 shows %q, want nothing", tt.chart, tt.hour, text(label))
		}
	}
	// Wednesday 18:00 holds the evening all-hands (one Wednesday in three),
	// outside the working hours, which are outlined.
	cells := findAll(byID(t, doc, "heat-meetings-chart"), tagged("rect", withAttr("data-weekday", "wed"), withAttr("data-hour", "18")))
	if len(cells) != 1 || int(num(t, cells[0], "data-minutes")) != 60 {
		t.Errorf("Wednesday 18:00 should hold the 60-minute all-hands")
	}
	for _, id := range []string{"heat-meetings-chart", "heat-focus-chart"} {
		if work := findAll(byID(t, doc, id), tagged("rect", withClass("work"))); len(work) != 5 {
			t.Errorf("%s: %d working-hours outlines, want 5", id, len(work))
		}
		rows := findAll(byID(t, doc, id), tagged("g", withClass("row")))
		if len(rows) != 5 {
			t.Errorf("%s: %d weekday rows, want Monday to Friday", id, len(rows))
		}
	}
}

func TestHTMLTellsTheVerdictsAndTheMeetings(t *testing.T) {
	r := sampleReport(t)
	_, doc := renderHTML(t, r)
	cw := r.Summary.CurrentWeek
	if cw == nil {
		t.Fatal("no current week in the sample")
	}
	for id, tally := range map[string]Tally{"verdict": r.Summary.Tally, "current-week": cw.Tally} {
		got := text(byID(t, doc, id))
		for _, reason := range tally.Reasons {
			if !strings.Contains(got, reason) {
				t.Errorf("#%s lacks the reason %q:\n%s", id, reason, got)
			}
		}
		if !strings.Contains(got, styleOf(tally.Track).Short) {
			t.Errorf("#%s does not name the track %s", id, tally.Track)
		}
	}
	cats := findAll(byID(t, doc, "categories-chart"), tagged("g", withClass("hbar")))
	if len(cats) != 5 {
		t.Fatalf("%d category bars, want 5", len(cats))
	}
	for _, g := range cats {
		label := text(g)
		for key, name := range categoryNames {
			if strings.HasPrefix(label, name+" ") {
				if want := r.Summary.Categories[key].Minutes; int(num(t, g, "data-minutes")) != want || !strings.Contains(label, hm(want)) {
					t.Errorf("category %s: %q, want %s", key, label, hm(want))
				}
			}
		}
	}
	people := findAll(byID(t, doc, "people-chart"), tagged("g", withClass("hbar")))
	if len(people) != len(r.Summary.TopPeople) {
		t.Fatalf("%d people, want %d", len(people), len(r.Summary.TopPeople))
	}
	for i, p := range r.Summary.TopPeople {
		// A long address is shortened to fit, and told whole on hover.
		want := clip(p.Person, peopleLabelRunes) + " " + hm(p.Minutes)
		if clip(p.Person, peopleLabelRunes) != p.Person {
			want = p.Person + want
		}
		if got := text(people[i]); got != want {
			t.Errorf("person %d: %q, want %s %s", i, got, p.Person, hm(p.Minutes))
		}
	}
	after := text(byID(t, doc, "after-hours"))
	if !strings.Contains(after, hm(r.Summary.AfterHoursMeetingMinutes)+" of meetings fell outside") || r.Summary.AfterHoursMeetingMinutes != 60 {
		t.Errorf("after hours: %q, want 1h00 outside working hours", after)
	}
	// The bars are to the scale of a working day (8h), not of the largest
	// week: an hour after hours is an eighth of a bar, not a full one.
	checked := 0
	for _, g := range findAll(byID(t, doc, "after-hours-chart"), tagged("g", withClass("hbar"))) {
		bars := findAll(g, tagged("rect"))
		if len(bars) == 0 {
			continue
		}
		checked++
		label := text(g)
		want := 0.0
		for _, wk := range r.Weeks {
			if strings.Contains(label, shortDate(wk.WeekStart)) {
				want = 240 * float64(wk.AfterHoursMeetingMinutes) / (8 * 60)
			}
		}
		if got := num(t, bars[0], "width"); !near(got, want) {
			t.Errorf("after-hours bar %q is %v wide, want %v (to the scale of an 8h day)", label, got, want)
		}
	}
	if checked != len(r.Weeks) {
		t.Errorf("%d after-hours bars, want one a week (%d)", checked, len(r.Weeks))
	}
	if !strings.Contains(after, "A full bar is a working day (8h00)") {
		t.Errorf("after hours does not say its scale: %q", after)
	}
}

// TestHTMLShowsCustomCategories checks that a category of the config file
// gets its own bar, so that the bars add up to every meeting.
func TestHTMLShowsCustomCategories(t *testing.T) {
	r := sampleReport(t)
	r.Settings.Categories = append([]string{"incident"}, r.Settings.Categories...)
	r.Summary.Categories["incident"] = Category{Count: 3, Minutes: 135}
	_, doc := renderHTML(t, r)
	cats := findAll(byID(t, doc, "categories-chart"), tagged("g", withClass("hbar")))
	if len(cats) != 6 {
		t.Fatalf("%d category bars, want 6 (5 built-in and incident)", len(cats))
	}
	var found bool
	for _, g := range cats {
		if label := text(g); strings.HasPrefix(label, "incident ") {
			found = true
			if label != "incident 2h15 · 3 meetings" || num(t, g, "data-minutes") != 135 {
				t.Errorf("incident bar: %q, %v minutes; want 2h15 · 3 meetings, 135", label, num(t, g, "data-minutes"))
			}
		}
	}
	if !found {
		t.Error("no bar for the custom category incident")
	}
}

// TestHTMLIsSelfContained checks that the page loads nothing: no script, no
// style sheet, image, frame or font from anywhere, and that what came from
// the calendar is escaped.
func TestHTMLIsSelfContained(t *testing.T) {
	raw, doc := renderHTML(t, sampleReport(t))
	if strings.Contains(raw, "ZgotmplZ") {
		t.Errorf("html/template rejected a value as unsafe (ZgotmplZ in the page)")
	}
	for _, tag := range []string{"script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject", "audio", "video", "base"} {
		if n := findAll(doc, tagged(tag)); len(n) > 0 {
			t.Errorf("the page has a <%s>", tag)
		}
	}
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			switch {
			case a.Key == "src" || a.Key == "srcset" || a.Key == "href" || a.Key == "xlink:href" || a.Key == "action":
				t.Errorf("<%s %s=%q> points somewhere", n.Data, a.Key, a.Val)
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("<%s %s> runs script", n.Data, a.Key)
			case a.Key != "xmlns" && regexp.MustCompile(`(?i)url\(\s*['"]?[^#'"\s]`).MatchString(a.Val):
				t.Errorf("<%s %s=%q> loads a URL", n.Data, a.Key, a.Val)
			}
		}
	}
	for _, s := range findAll(doc, tagged("style")) {
		css := text(s)
		if regexp.MustCompile(`(?i)url\(\s*['"]?[^#'"\s]|@import|@font-face`).MatchString(css) {
			t.Errorf("the style sheet loads something: %s", css)
		}
	}
	// The only address in the page is the SVG namespace.
	for _, u := range regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'<)]*`).FindAllString(raw, -1) {
		if u != "http://www.w3.org/2000/svg" {
			t.Errorf("the page mentions the address %s", u)
		}
	}
	// The address that tries to inject a script is shown as text.
	if !strings.Contains(text(byID(t, doc, "people-chart")), "x<script>alert(1)</script>@") {
		t.Errorf("the injected address is not shown as text")
	}
}

// TestHTMLChartsHaveTextAlternatives checks every chart for a role, a
// title, a description and a visible heading.
func TestHTMLChartsHaveTextAlternatives(t *testing.T) {
	_, doc := renderHTML(t, sampleReport(t))
	charts := findAll(doc, tagged("svg", func(n *html.Node) bool { v, _ := attr(n, "aria-hidden"); return v != "true" }))
	ids := []string{"weeks-chart", "heat-meetings-chart", "heat-focus-chart", "categories-chart", "people-chart", "after-hours-chart"}
	if len(charts) != len(ids) {
		t.Errorf("%d charts, want %d", len(charts), len(ids))
	}
	for _, id := range ids {
		svg := byID(t, doc, id)
		if role, _ := attr(svg, "role"); role != "img" {
			t.Errorf("%s: role %q, want img", id, role)
		}
		labelledBy, _ := attr(svg, "aria-labelledby")
		refs := strings.Fields(labelledBy)
		if len(refs) != 2 {
			t.Fatalf("%s: aria-labelledby %q, want a title and a description", id, labelledBy)
		}
		title, desc := byID(t, doc, refs[0]), byID(t, doc, refs[1])
		if title.Data != "title" || title.Parent != svg || text(title) == "" {
			t.Errorf("%s: no <title> of its own", id)
		}
		if desc.Data != "desc" || text(desc) == "" {
			t.Errorf("%s: no <desc>", id)
		}
		// A visible heading sits in the chart's section.
		sec := svg.Parent
		for sec != nil && sec.Data != "section" {
			sec = sec.Parent
		}
		if sec == nil || len(findAll(sec, func(n *html.Node) bool { return n.Data == "h2" || n.Data == "h3" })) == 0 {
			t.Errorf("%s: no visible heading", id)
		}
	}
	if legend := findAll(doc, tagged("ul", withClass("legend"))); len(legend) != 1 || !strings.Contains(text(legend[0]), "Meetings") {
		t.Errorf("the weeks chart has no legend")
	}
	if !strings.Contains(text(byID(t, doc, "weeks-desc")), "Week of 2026-03-02: meetings") {
		t.Errorf("the weeks chart's description does not read out the weeks: %s", text(byID(t, doc, "weeks-desc")))
	}
}

func TestHTMLWithoutWorkingTime(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC) }
	// A weekend: no capacity, no shares, no current week.
	r := build(t, nil, d(7), d(9), d(20))
	_, doc := renderHTML(t, r)
	g := findAll(byID(t, doc, "weeks-chart"), tagged("g", withClass("week")))
	if len(g) != 1 || len(findAll(g[0], tagged("rect", withClass("empty")))) != 1 {
		t.Errorf("a week without working time should show an empty bar")
	}
	if got := text(byID(t, doc, "current-week")); !strings.Contains(got, "outside the range") {
		t.Errorf("current week: %q", got)
	}
}

// TestHTMLWeeksChartLabelsStayReadable checks the places where labels used
// to collide: a share label on the dashed IC line, the "this week" note on
// the axis title, and the verdicts of a year of narrow weeks.
func TestHTMLWeeksChartLabelsStayReadable(t *testing.T) {
	share := func(f float64) *float64 { return &f }
	t.Run("a share label keeps off the IC line", func(t *testing.T) {
		r := sampleReport(t)
		// An overloaded week: the middle of its 80% meeting segment falls
		// exactly on the line at 60% from the top.
		wk := &r.Weeks[0]
		wk.MeetingShare, wk.FragmentedShare, wk.FocusShare = share(0.8), share(0.2), share(0)
		_, doc := renderHTML(t, r)
		lineY := num(t, byID(t, doc, "ic-line"), "y1")
		g := findAll(byID(t, doc, "weeks-chart"), tagged("g", withClass("week"), withAttr("data-week", wk.WeekStart)))[0]
		labels := findAll(g, tagged("text", withClass("pct")))
		if len(labels) == 0 {
			t.Fatal("the week has no share labels")
		}
		for _, l := range labels {
			y := num(t, l, "y")
			if math.Abs(y-lineY) < labelClear {
				t.Errorf("label %q at y %v is struck through by the IC line at %v", text(l), y, lineY)
			}
			seg := findAll(g, tagged("rect", withClass("seg"), withClass(strings.Fields(attrOf(l, "class"))[1])))[0]
			if top, h := num(t, seg, "y"), num(t, seg, "height"); y-7 < top || y+7 > top+h {
				t.Errorf("label %q at y %v leaves its segment %v–%v", text(l), y, top, top+h)
			}
		}
	})
	t.Run("this week is not written over the axis title", func(t *testing.T) {
		_, doc := renderHTML(t, sampleReport(t))
		chart := byID(t, doc, "weeks-chart")
		note := findAll(chart, tagged("text", withClass("note")))[0]
		var title *html.Node
		for _, n := range findAll(chart, tagged("text", withClass("axis-title"))) {
			if strings.HasPrefix(text(n), "Week starting") {
				title = n
			}
		}
		if title == nil {
			t.Fatal("no axis title under the weeks")
		}
		// Both are 12–13px high and written from their baseline.
		if gap := num(t, title, "y") - num(t, note, "y"); gap < 16 {
			t.Errorf("the note is %vpx above the axis title; the two overlap", gap)
		}
		if h := num(t, chart, "height"); num(t, title, "y") > h-2 {
			t.Errorf("the axis title at y %v is cut off by the chart's height %v", num(t, title, "y"), h)
		}
	})
	t.Run("a year of weeks keeps a letter under every bar", func(t *testing.T) {
		r := sampleReport(t)
		base := r.Weeks
		r.Weeks = nil
		for i := range 52 {
			wk := base[i%2]
			wk.WeekStart = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*i).Format(day)
			wk.Current = false
			r.Weeks = append(r.Weeks, wk)
		}
		_, doc := renderHTML(t, r)
		for _, wk := range r.Weeks {
			g := findAll(byID(t, doc, "weeks-chart"), tagged("g", withClass("week"), withAttr("data-week", wk.WeekStart)))[0]
			v := findAll(g, tagged("text", withClass("verdict")))
			if want := string([]rune(styleOf(wk.Track).Abbrev)[:1]); len(v) != 1 || text(v[0]) != want {
				t.Fatalf("week %s (%s): verdict %v, want the letter %q", wk.WeekStart, wk.Track, v, want)
			}
		}
		key := text(findAll(doc, tagged("ul", withClass("legend")))[0])
		for _, wk := range base[:2] {
			st := styleOf(wk.Track)
			if want := string([]rune(st.Abbrev)[:1]) + st.Short; !strings.Contains(strings.ReplaceAll(key, " ", ""), want) {
				t.Errorf("the legend %q does not explain %q", key, want)
			}
		}
	})
}

// TestHTMLHeatMapsOfManyHoursGetTheWholeWidth checks that a late meeting,
// which widens the maps to most of the day, puts them one under the other
// rather than shrinking both.
func TestHTMLHeatMapsOfManyHoursGetTheWholeWidth(t *testing.T) {
	grid := func(doc *html.Node) *html.Node {
		return findAll(doc, tagged("div", withClass("heat-grid")))[0]
	}
	_, doc := renderHTML(t, sampleReport(t))
	if hasClass(grid(doc), "wide") {
		t.Error("working hours 09:00–17:00 and an 18:00 meeting: the maps should sit side by side")
	}
	r := build(t, []classify.Event{
		event("late call", classify.KindMeeting, classify.CategoryAdHoc, at(3, 22, 0), at(4, 2, 0), "bob@example.com"),
		event("review", classify.KindMeeting, classify.CategoryAdHoc, at(4, 10, 0), at(4, 11, 0), "bob@example.com"),
	}, at(2, 0, 0), at(9, 0, 0), at(4, 12, 0))
	_, doc = renderHTML(t, r)
	if !hasClass(grid(doc), "wide") {
		t.Error("a meeting from 22:00 to 02:00: the maps should take the whole width, one under the other")
	}
	hours := findAll(byID(t, doc, "heat-meetings-chart"), tagged("g", withClass("row")))
	if len(hours) == 0 || len(findAll(hours[0], tagged("rect", withClass("cell")))) != 24 {
		t.Errorf("the map should show every hour of the day")
	}
}

func attrOf(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}
