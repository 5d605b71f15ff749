package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/verdict"
)

//go:embed templates/report.html
var htmlTemplate string

// page is parsed once per call: WriteHTML keeps no package-level state
// beyond the template's text.
func page() (*template.Template, error) {
	return template.New("report").Funcs(template.FuncMap{
		"px":       px,
		"pct":      pct,
		"plural":   plural,
		"hm":       hm,
		"repos":    pluralRepos,
		"capfirst": capitalize,
		"add":      func(a, b float64) float64 { return a + b },
		"half":     func(a float64) float64 { return a / 2 },
		"neg":      func(a float64) float64 { return -a },
		"list":     func(cs ...heatChart) []heatChart { return cs },
	}).Parse(htmlTemplate + whatifTemplate)
}

// WriteHTML writes the report as one self-contained HTML page: inline CSS
// and inline SVG charts of the weeks, of where the meetings and the focus
// sit in the week, of the meeting categories and the people, with the
// verdicts in words. The page loads nothing: no script, font, image or
// style sheet from anywhere.
//
// The colours are the Okabe–Ito palette, read by colour-blind readers;
// every chart also has labels, patterns or numbers that survive greyscale
// printing, a text alternative and a table of its data. Text from the
// calendar is escaped, and has no escape sequence or control character.
func WriteHTML(w io.Writer, r Report) error {
	t, err := page()
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	return t.Execute(w, newHTMLPage(plainReport(r)))
}

// The Okabe–Ito colours the charts use, and the shades of the heat maps
// (light to dark, so they also read in greyscale).
const (
	colorMeeting    = "#D55E00" // vermillion
	colorFocus      = "#56B4E9" // sky blue
	colorFragmented = "#F0E442" // yellow, hatched
	colorICLine     = "#0072B2" // blue
	colorBandEdge   = "#8F3F00"
	colorCoding     = "#000000" // black: coding, from the commits
)

var (
	meetingShades = [...]string{"#FFFFFF", "#FCE3CF", "#F5B27A", "#E27A2E", "#A63F00"}
	focusShades   = [...]string{"#FFFFFF", "#DDEFFA", "#A3D3F2", "#4A9FD6", "#0B5F99"}
)

// trackStyle is how a track is shown: its words (see [verdict.Words]), a
// colour and the colour of text on it.
type trackStyle struct {
	Short, Color, Ink string
	// Abbrev fits under a narrow bar.
	Abbrev string
	// Sentence says the track of the reader's calendar.
	Sentence string
}

func styleOf(t verdict.Track) trackStyle {
	w := t.Words()
	st := trackStyle{Short: w.Label, Abbrev: w.Abbrev, Sentence: w.Sentence, Color: "#BBBBBB", Ink: "#000"}
	switch t {
	case verdict.TrackIC:
		st.Color = "#009E73"
	case verdict.TrackHybrid:
		st.Color = "#E69F00"
	case verdict.TrackEM:
		st.Color, st.Ink = "#0072B2", "#fff"
	case verdict.TrackOverloaded:
		st.Color = "#CC79A7"
	}
	return st
}

// htmlPage is everything the template draws, laid out: the template only
// places it.
type htmlPage struct {
	R        Report
	Title    string
	Dates    string
	Hours    string
	Verdict  verdictView
	Current  *verdictView
	Stats    []stat
	Weeks    weeksChart
	Meetings heatChart
	Focus    heatChart
	Cats     barsChart
	People   barsChart
	After    afterHours
	Facts    []stat
	// Git is true when the coding figures, measured from commits, are
	// there to draw; Repos says how many repositories they came from.
	Git   bool
	Repos int
	// HeatWide puts the two heat maps one under the other: side by side,
	// a map of many hours would shrink until its numbers cannot be read.
	HeatWide  bool
	Colors    map[string]string
	FocusMin  string
	WeekTable []weekRow
	// Whatif are the sections of the what-ifs (meetings_html.go).
	Whatif whatifSections
}

type verdictView struct {
	Label      string // "Over 4 weeks", "This week (2 Nov)"
	Style      trackStyle
	Sentence   string
	Reasons    []string
	Bottleneck bool
}

type stat struct {
	Value, Label, Note string
}

func newHTMLPage(r Report) htmlPage {
	p := htmlPage{
		R:        r,
		Title:    fmt.Sprintf("emtime report, %s to %s", r.Range.From, r.Range.To),
		Dates:    fmt.Sprintf("%s – %s", longDate(r.Range.From), longDate(r.Range.To)),
		Hours:    hoursSummary(r.Settings.WorkHours),
		FocusMin: hm(r.Settings.FocusMinMinutes),
		Colors: map[string]string{
			"meeting": colorMeeting, "focus": colorFocus, "fragmented": colorFragmented,
			"icline": colorICLine, "bandedge": colorBandEdge, "coding": colorCoding,
		},
		Git: r.HasGit(),
	}
	if p.Git {
		p.Repos = len(r.Settings.Git)
	}
	p.Verdict = newVerdict("Over "+plural(r.Range.Weeks, "week"), r.Summary.Tally)
	if cw := r.Summary.CurrentWeek; cw != nil {
		v := newVerdict("This week ("+shortDate(cw.WeekStart)+", counted as scheduled)", cw.Tally)
		p.Current = &v
	}
	s, b := r.Summary.Tally, r.Settings.Bands
	p.Stats = []stat{
		{pctNear(s.MeetingShare, b.EMMeetingMin, b.EMMeetingMax), "in meetings", fmt.Sprintf("%s of %s capacity", hm(s.MeetingMinutes), hm(s.CapacityMinutes))},
		{pctNear(s.FocusShare, b.EMFocusMax, b.ICFocusMin, b.ICFocusMax), "focus time", "free stretches of " + p.FocusMin + " or more"},
		{pctOf(s.FragmentedShare), "fragmented", "free time too short to code in"},
		{strconv.Itoa(s.MeetingCount), "meetings", plural(s.BackToBackChains, "back-to-back chain")},
		{hm(s.LongestFocusMinutes), "longest focus stretch", plural(s.MeetingFreeDays, "meeting-free day")},
		{hm(s.AfterHoursMeetingMinutes), "meetings after hours", "outside " + p.Hours},
	}
	p.Weeks = newWeeksChart(r)
	p.WeekTable = newWeekTable(r)
	g := newHeatGrid(r)
	p.Meetings = newHeatChart(r, g, "meetings", "Meeting load", meetingShades, func(d HeatDay) [24]int { return d.MeetingMinutes })
	if p.Git {
		p.Meetings.addCoding(g)
	}
	p.HeatWide = g.To-g.From > heatSideBySideHours
	p.Focus = newHeatChart(r, g, "focus", "Focus that survives", focusShades, func(d HeatDay) [24]int { return d.FocusMinutes })
	p.Cats = newCategoryChart(s, r.Settings.Categories)
	p.People = newPeopleChart(s)
	p.After = newAfterHours(r)
	p.Facts = newFacts(s)
	p.Whatif = newWhatifSections(r)
	return p
}

func newVerdict(label string, t Tally) verdictView {
	st := styleOf(t.Track)
	return verdictView{Label: label, Style: st, Sentence: st.Sentence, Reasons: t.Reasons, Bottleneck: t.BottleneckRisk}
}

// The weekly chart: one stacked bar per week. Meetings grow from the
// bottom (read on the left axis), focus hangs from the top (read on the
// right axis) and fragmented time is what lies between.
type weeksChart struct {
	W, H               float64
	Left, Top, PW, PH  float64
	Bars               []weekBar
	Ticks              []tick
	Band               rect
	BandMin, BandMax   string
	BandMinY, BandMaxY float64
	ICLineY            float64
	ICFocus            string
	Desc               string
	// Narrow bars show their verdict abbreviated, with a key.
	Narrow               bool
	Key                  []keyItem
	Right, LabelY, ChipY float64
	// Git draws each week's coding share as a strip beside its bar,
	// hanging from the top like focus.
	Git bool
}

// keyItem explains the label of a narrow week's verdict.
type keyItem struct {
	Style trackStyle
	Label string
}

type tick struct {
	Y           float64
	Left, Right string
}

type rect struct{ X, Y, W, H float64 }

type segment struct {
	rect
	Class, Label string
	Share        float64
	ShowLabel    bool
	// LabelY is where the label sits: the middle of the segment, unless
	// the IC line runs there.
	LabelY float64
}

type weekBar struct {
	Week     Week
	X, CX    float64
	Segments []segment
	// Coding is the coding strip beside the bar; nil without git history
	// or working time.
	Coding       *segment
	Date, Note   string
	Style        trackStyle
	Label        string
	Tip          string
	ChipX, ChipW float64
	ChipH        float64
	// ChipCX is the middle of the chip, where its label sits.
	ChipCX   float64
	FontSize float64
	// Chip is true on the first week of a run of weeks on one track: its
	// chip spans the run, and the other weeks of the run draw none.
	Chip  bool
	Empty bool
}

const (
	weeksPlotHeight = 300
	weeksLeft       = 70
	weeksRight      = 190
	weeksTop        = 14
	weeksBottom     = 96
)

func newWeeksChart(r Report) weeksChart {
	n := max(len(r.Weeks), 1)
	// The plot keeps to about 720 pixels: a year of weeks still fits a page.
	slot := math.Max(8, math.Min(160, 720/float64(n)))
	c := weeksChart{
		Left: weeksLeft, Top: weeksTop, PW: slot * float64(n), PH: weeksPlotHeight,
	}
	c.W = c.Left + c.PW + weeksRight
	c.H = c.Top + c.PH + weeksBottom
	c.Right = c.Left + c.PW
	c.LabelY = c.Top + c.PH + 20
	c.ChipY = c.Top + c.PH + 32
	y := func(fromBottom float64) float64 { return c.Top + c.PH*(1-fromBottom) }
	for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.Ticks = append(c.Ticks, tick{Y: y(f), Left: pct(f), Right: pct(1 - f)})
	}
	b := r.Settings.Bands
	c.BandMin, c.BandMax, c.ICFocus = pct(b.EMMeetingMin), pct(b.EMMeetingMax), pct(b.ICFocusMin)
	c.BandMinY, c.BandMaxY = y(b.EMMeetingMin), y(b.EMMeetingMax)
	c.Band = rect{c.Left, c.BandMaxY, c.PW, c.BandMinY - c.BandMaxY}
	c.ICLineY = c.Top + c.PH*b.ICFocusMin
	barW := math.Min(slot*0.5, 72)
	if slot < 24 {
		barW = slot * 0.7
	}
	// With coding, the bar makes room for its strip: the two together
	// take the bar's place.
	c.Git = r.HasGit()
	stripW, stripGap := 0.0, 0.0
	if c.Git {
		stripW, stripGap = math.Max(2, barW*0.28), math.Min(2, barW*0.05)
		barW -= stripW + stripGap
	}
	c.Narrow = slot < 64
	seen := map[verdict.Track]bool{}
	every := int(math.Ceil(64 / slot)) // label every week when there is room
	var desc []string
	for i, wk := range r.Weeks {
		groupW := barW + stripGap + stripW
		x := c.Left + slot*float64(i) + (slot-groupW)/2
		bar := weekBar{Week: wk, X: x, CX: x + groupW/2, Style: styleOf(wk.Track)}
		if i%every == 0 {
			bar.Date = shortDate(wk.WeekStart)
		}
		switch {
		case wk.Current:
			bar.Note = "this week"
		case !wk.Full:
			bar.Note = "part week"
		}
		bar.Label = bar.Style.Short
		bar.ChipW = math.Min(slot-4, math.Max(44, 16+7.5*float64(len(bar.Style.Short))))
		bar.ChipH, bar.FontSize = 22, 12.5
		if c.Narrow {
			bar.Label = bar.Style.Abbrev
			bar.ChipW = math.Min(slot-4, 26)
			if slot < 24 {
				// A strip of the track's colour holding its initial, read
				// with the key, so that colour is never the only sign.
				bar.Label, bar.ChipW, bar.ChipH = string([]rune(bar.Style.Abbrev)[:1]), slot-1, 16
				bar.FontSize = math.Max(7, math.Min(11, slot*0.8))
			}
			if !seen[wk.Track] {
				seen[wk.Track] = true
				c.Key = append(c.Key, keyItem{bar.Style, bar.Label})
			}
		}
		bar.ChipX = bar.CX - bar.ChipW/2
		bar.ChipCX = bar.CX
		if wk.MeetingShare == nil {
			bar.Empty = true
			bar.Segments = []segment{{rect: rect{x, c.Top, barW, c.PH}, Class: "empty", Label: "no working time"}}
			bar.Tip = fmt.Sprintf("Week of %s: no working time (%s)", wk.WeekStart, strings.Join(wk.Reasons, "; "))
			desc = append(desc, fmt.Sprintf("week of %s: no working time", wk.WeekStart))
			c.Bars = append(c.Bars, bar)
			continue
		}
		m, fo, fr := *wk.MeetingShare, *wk.FocusShare, *wk.FragmentedShare
		seg := func(class string, top, share float64) segment {
			h := c.PH * share
			s := segment{rect: rect{x, top, barW, h}, Class: class, Label: pct(share), Share: share, ShowLabel: h >= 16 && barW >= 26}
			s.LabelY = labelOffLine(top, h, c.ICLineY)
			return s
		}
		bar.Segments = []segment{
			seg("focus", c.Top, fo),
			seg("fragmented", c.Top+c.PH*fo, fr),
			seg("meeting", c.Top+c.PH*(1-m), m),
		}
		bar.Tip = fmt.Sprintf("Week of %s: meetings %s (%s), fragmented %s (%s), focus %s (%s) of %s capacity; %s",
			wk.WeekStart, pct(m), hm(wk.MeetingMinutes), pct(fr), hm(wk.FragmentedMinutes), pct(fo), hm(wk.FocusMinutes),
			hm(wk.CapacityMinutes), bar.Style.Short)
		weekDesc := fmt.Sprintf("week of %s: meetings %s, focus %s, fragmented %s, %s", wk.WeekStart, pct(m), pct(fo), pct(fr), bar.Style.Short)
		if c.Git && wk.Coding != nil && wk.CodingShare != nil {
			co := *wk.CodingShare
			h := c.PH * co
			strip := segment{rect: rect{x + barW + stripGap, c.Top, stripW, h}, Class: "coding", Label: pct(co), Share: co, ShowLabel: slot >= 40}
			strip.LabelY = c.Top + h + 12
			bar.Coding = &strip
			words := styleOf(wk.CodingTrack).Short
			bar.Tip += fmt.Sprintf("; coding %s (%s) from %s, %s", pct(co), hm(wk.CodingMinutes), plural(wk.Commits, "commit"), words)
			weekDesc += fmt.Sprintf(", coding %s (%s)", pct(co), words)
		}
		desc = append(desc, weekDesc)
		c.Bars = append(c.Bars, bar)
	}
	c.chipRuns(slot)
	coding := ""
	if c.Git {
		coding = " Beside each bar, a black strip hanging from the top is the share of capacity spent coding, measured from your commits."
	}
	c.Desc = fmt.Sprintf("Stacked bars, one per week, of the share of working capacity in meetings (from the bottom), fragmented time and focus time (from the top).%s The engineering manager's band of %s–%s meetings is shaded; the dashed line marks %s focus, an individual contributor's coding time. %s.",
		coding, c.BandMin, c.BandMax, c.ICFocus, capitalize(strings.Join(desc, "; ")))
	return c
}

// chipRuns gives each run of consecutive weeks on one track one chip,
// spanning the run's slots, on its first week: a track repeated under
// every bar reads as noise, and a run reads as a stretch. A wider chip
// says the track in full when it has room.
func (c *weeksChart) chipRuns(slot float64) {
	for i := 0; i < len(c.Bars); {
		j := i + 1
		for j < len(c.Bars) && c.Bars[j].Week.Track == c.Bars[i].Week.Track {
			j++
		}
		first := &c.Bars[i]
		left := c.Left + slot*float64(i) + 2
		right := c.Left + slot*float64(j) - 2
		first.Chip = true
		if j-i > 1 {
			first.ChipX, first.ChipW = left, right-left
			first.ChipCX = first.ChipX + first.ChipW/2
			full := first.Style.Short
			if first.ChipW >= 16+7.5*float64(len(full)) && first.ChipH >= 22 {
				first.Label = full
			} else if first.ChipW >= 26 && first.Label != "" {
				first.Label = first.Style.Abbrev
			}
		}
		i = j
	}
}

// labelClear is how far (in pixels) the middle of a segment's label keeps
// from the IC line, so that the dashes do not strike it through.
const labelClear = 11

// labelOffLine is where the label of a segment from top, h high, sits: its
// middle, or just above or below the line at lineY when the middle is too
// close to it, on whichever side of the segment has more room.
func labelOffLine(top, h, lineY float64) float64 {
	mid := top + h/2
	if math.Abs(mid-lineY) >= labelClear {
		return mid
	}
	above, below := lineY-labelClear, lineY+labelClear
	if lineY-top > top+h-lineY {
		if above-7 >= top {
			return above
		}
	} else if below+7 <= top+h {
		return below
	}
	if above-7 >= top {
		return above
	}
	if below+7 <= top+h {
		return below
	}
	return mid
}

type weekRow struct {
	Week                                Week
	Capacity, Meetings, Focus, Frag, AH string
	Style                               trackStyle
	// Coding, CodingAH and CodingStyle are the week's coding, with git
	// history.
	Coding, CodingAH string
	CodingStyle      trackStyle
}

func newWeekTable(r Report) []weekRow {
	var rows []weekRow
	for _, wk := range r.Weeks {
		row := weekRow{
			Week: wk, Capacity: hm(wk.CapacityMinutes),
			Meetings: shareAndTime(wk.MeetingShare, wk.MeetingMinutes),
			Focus:    shareAndTime(wk.FocusShare, wk.FocusMinutes),
			Frag:     shareAndTime(wk.FragmentedShare, wk.FragmentedMinutes),
			AH:       hm(wk.AfterHoursMeetingMinutes),
			Style:    styleOf(wk.Track),
		}
		if wk.Coding != nil {
			row.Coding = shareAndTime(wk.CodingShare, wk.CodingMinutes)
			row.CodingAH = hm(wk.CodingAfterHoursMinutes)
			row.CodingStyle = styleOf(wk.CodingTrack)
		}
		rows = append(rows, row)
	}
	return rows
}

func shareAndTime(share *float64, minutes int) string {
	if share == nil {
		return "–"
	}
	return fmt.Sprintf("%s (%s)", pct(*share), hm(minutes))
}

// The heat maps: weekdays down, hours across, the average minutes of each
// hour binned into five shades and written in the cell.
type heatChart struct {
	ID, Title string
	W, H      float64
	Left, Top float64
	CW, CH    float64
	Hours     []heatHour
	Rows      []heatChartRow
	Legend    []legendItem
	Desc      string
	Zone      string
	// AxisY is the bottom of the grid, LegendY the top of the legend.
	AxisY, LegendY float64
	// Coding is true when the chart carries the coding layer: a strip
	// along the bottom of each hour, as long as the hour's average coding.
	Coding  bool
	CodingY float64 // where the legend's coding strip sits
}

type heatHour struct {
	X     float64
	Label string
}

type heatChartRow struct {
	Y       float64
	Weekday string
	Name    string
	Days    int
	Cells   []heatCell
	Work    *rect
}

type heatCell struct {
	rect
	Hour    int
	Minutes int
	Avg     string
	Fill    string
	Ink     string
	Level   int
	Tip     string
	// CodingMinutes over the range, and the strip that draws their
	// average; nil without the coding layer or coding in the hour.
	CodingMinutes int
	CodingAvg     string
	Strip         *rect
}

type legendItem struct {
	X          float64
	Fill, Text string
}

// heatSideBySideHours is the most hours two heat maps show side by side.
const heatSideBySideHours = 14

const (
	heatCellW = 38
	heatCellH = 30
	heatLeft  = 52
	heatTop   = 26
)

var weekdayNames = map[string]string{
	"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday",
}

func newHeatChart(r Report, g heatGrid, id, title string, shades [5]string, minutes func(HeatDay) [24]int) heatChart {
	hours := g.Hours()
	c := heatChart{
		ID: id, Title: title, Left: heatLeft, Top: heatTop, CW: heatCellW, CH: heatCellH, Zone: r.Timezone,
	}
	c.W = c.Left + c.CW*float64(len(hours)) + 12
	for i, h := range hours {
		c.Hours = append(c.Hours, heatHour{X: c.Left + c.CW*float64(i), Label: fmt.Sprintf("%02d", h)})
	}
	what := "meetings"
	if id == "focus" {
		what = "focus"
	}
	var busiest []string
	busy := false
	for j, row := range g.Rows {
		y := c.Top + c.CH*float64(j)
		hr := heatChartRow{Y: y, Weekday: row.Weekday, Name: weekdayNames[row.Weekday], Days: row.Days}
		mins := minutes(row.HeatDay)
		for i, h := range hours {
			avg := average(mins[h], row.Days)
			lv := level(avg)
			cell := heatCell{
				rect: rect{c.Left + c.CW*float64(i), y, c.CW, c.CH}, Hour: h, Minutes: mins[h],
				Avg: avgLabel(avg), Fill: shades[lv], Ink: "#000", Level: lv,
				Tip: fmt.Sprintf("%s %02d:00–%02d:00: %s min of %s on average (%d min over %s)",
					hr.Name, h, h+1, avgLabel(avg), what, mins[h], plural(row.Days, weekdayNames[row.Weekday])),
			}
			if lv >= 4 {
				cell.Ink = "#fff"
			}
			if mins[h] == 0 {
				cell.Avg = ""
			}
			busy = busy || mins[h] > 0
			if lv >= 3 {
				busiest = append(busiest, fmt.Sprintf("%s %02d:00", hr.Name, h))
			}
			hr.Cells = append(hr.Cells, cell)
		}
		if !row.Work.IsZero() {
			a := float64(row.Work.Start)/float64(time.Hour) - float64(g.From)
			b := float64(row.Work.End)/float64(time.Hour) - float64(g.From)
			a, b = math.Max(a, 0), math.Min(b, float64(len(hours)))
			hr.Work = &rect{c.Left + c.CW*a, y, c.CW * (b - a), c.CH}
		}
		c.Rows = append(c.Rows, hr)
	}
	c.AxisY = c.Top + c.CH*float64(len(g.Rows))
	c.LegendY = c.AxisY + 30
	c.H = c.LegendY + 22
	for i := range shades {
		c.Legend = append(c.Legend, legendItem{X: c.Left + float64(i)*84, Fill: shades[i], Text: strings.TrimSuffix(heatLevels[i], " min")})
	}
	switch {
	case !busy:
		c.Desc = fmt.Sprintf("A weekday by hour grid of the average minutes of %s in each hour; there are none in this range.", what)
	case len(busiest) == 0:
		c.Desc = fmt.Sprintf("A weekday by hour grid of the average minutes of %s in each hour, %s; no hour averages 30 minutes or more.", what, r.Timezone)
	default:
		if len(busiest) > 12 {
			busiest = append(busiest[:12], fmt.Sprintf("and %d more", len(busiest)-12))
		}
		c.Desc = fmt.Sprintf("A weekday by hour grid of the average minutes of %s in each hour, %s. Hours averaging 30 minutes or more: %s.", what, r.Timezone, strings.Join(busiest, ", "))
	}
	return c
}

// codingStripH is the height of the coding strip along a heat map cell.
const codingStripH = 7

// addCoding lays the coding layer on a heat map: in every hour, a strip
// along the bottom of the cell as long as the hour's average coding
// minutes are of the hour, so that the commits show against the meetings.
func (c *heatChart) addCoding(g heatGrid) {
	c.Coding = true
	c.CodingY = c.LegendY + 26
	c.H = c.CodingY + 22
	var busiest []string
	for j, row := range g.Rows {
		var mins [24]int
		if row.CodingMinutes != nil {
			mins = *row.CodingMinutes
		}
		hr := &c.Rows[j]
		for i := range hr.Cells {
			cell := &hr.Cells[i]
			m := mins[cell.Hour]
			cell.CodingMinutes = m
			if m == 0 {
				continue
			}
			avg := average(m, row.Days)
			cell.CodingAvg = avgLabel(avg)
			cell.Strip = &rect{cell.X + 1, cell.Y + cell.H - codingStripH - 1, math.Max(1.5, (cell.W-2)*math.Min(avg, 60)/60), codingStripH}
			cell.Tip += fmt.Sprintf("; %s min of coding on average (%d min over %s)", cell.CodingAvg, m, plural(row.Days, weekdayNames[row.Weekday]))
			if avg >= 30 {
				busiest = append(busiest, fmt.Sprintf("%s %02d:00", hr.Name, cell.Hour))
			}
		}
	}
	switch {
	case len(busiest) == 0:
		c.Desc += " A black strip along the bottom of an hour is the average coding in it, measured from your commits; no hour averages 30 minutes of coding or more."
	default:
		if len(busiest) > 12 {
			busiest = append(busiest[:12], fmt.Sprintf("and %d more", len(busiest)-12))
		}
		c.Desc += " A black strip along the bottom of an hour is the average coding in it, measured from your commits. Hours averaging 30 minutes of coding or more: " + strings.Join(busiest, ", ") + "."
	}
}

// avgLabel writes an average number of minutes as a whole number, or "<1".
func avgLabel(avg float64) string {
	if avg > 0 && avg < 0.5 {
		return "<1"
	}
	return strconv.Itoa(int(math.Round(avg)))
}

// Horizontal bar charts: meeting categories and people.
type barsChart struct {
	// ID names the chart: the svg is ID-chart, its title ID-title.
	ID, Title          string
	W, H, Left, BarMax float64
	Bars               []hbar
	Desc               string
	Fill               string
}

type hbar struct {
	Y, W         float64
	Label, Value string
	// Full is the label before it was shortened, shown on hover.
	Full    string
	Minutes int
}

// peopleLabelRunes is as much of an address as fits left of the people
// chart's bars (210 pixels at 13px, about 7.5 pixels a letter).
const peopleLabelRunes = 26

const (
	hbarHeight = 22
	hbarGap    = 10
)

func newBarsChart(id, title string, left float64, items []hbar) barsChart {
	return newScaledBarsChart(id, title, left, items, 0)
}

// newScaledBarsChart draws items as bars to the scale of scale minutes, or
// of the largest item when it is larger.
func newScaledBarsChart(id, title string, left float64, items []hbar, scale int) barsChart {
	c := barsChart{ID: id, Title: title, Left: left, BarMax: 240, Fill: colorMeeting}
	c.W = c.Left + c.BarMax + 150
	most := scale
	for _, it := range items {
		most = max(most, it.Minutes)
	}
	for i, it := range items {
		it.Y = float64(i) * (hbarHeight + hbarGap)
		if most > 0 {
			it.W = c.BarMax * float64(it.Minutes) / float64(most)
		}
		c.Bars = append(c.Bars, it)
	}
	c.H = float64(len(items))*(hbarHeight+hbarGap) + 4
	var desc []string
	for _, it := range c.Bars {
		desc = append(desc, it.Label+" "+it.Value)
	}
	c.Desc = strings.Join(desc, "; ")
	return c
}

// categoryNames are the built-in categories in words; a custom category
// is shown by its name.
var categoryNames = map[string]string{
	"recurring": "Recurring", "one_on_one": "One-on-ones", "ad_hoc": "Ad hoc", "large": "Large (many people)", "interview": "Interviews",
}

func newCategoryChart(t Tally, order []string) barsChart {
	var items []hbar
	for _, key := range categoryOrder(order, t.Categories) {
		ct := t.Categories[key]
		name, ok := categoryNames[key]
		if !ok {
			name = clip(key, 20)
		}
		items = append(items, hbar{Label: name, Minutes: ct.Minutes,
			Value: fmt.Sprintf("%s · %s", hm(ct.Minutes), plural(ct.Count, "meeting"))})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Minutes > items[j].Minutes })
	return newBarsChart("categories", "Meeting time by category", 150, items)
}

func newPeopleChart(t Tally) barsChart {
	var items []hbar
	for _, p := range t.TopPeople {
		items = append(items, hbar{Label: clip(p.Person, peopleLabelRunes), Full: p.Person, Minutes: p.Minutes, Value: hm(p.Minutes)})
	}
	c := newBarsChart("people", "Meeting time by person", 210, items)
	c.W -= 80
	return c
}

type afterHours struct {
	Total string
	Any   bool
	// Day is the working day the bars are drawn to the scale of: a full
	// bar is a working day's worth of meetings after hours in a week.
	Day   string
	Chart barsChart
}

func newAfterHours(r Report) afterHours {
	a := afterHours{Total: hm(r.Summary.AfterHoursMeetingMinutes), Any: r.Summary.AfterHoursMeetingMinutes > 0}
	var items []hbar
	for _, wk := range r.Weeks {
		items = append(items, hbar{Label: "week of " + shortDate(wk.WeekStart), Minutes: wk.AfterHoursMeetingMinutes, Value: hm(wk.AfterHoursMeetingMinutes)})
	}
	// Scaled to the largest week, eight weeks of 0h30 would be eight full
	// bars; to a working day, they read as what they are.
	day := workingDay(r.Settings.WorkHours)
	a.Day = hm(day)
	a.Chart = newScaledBarsChart("after-hours", "Meetings after hours, per week", 110, items, day)
	a.Chart.W -= 60
	return a
}

// workingDay is the longest working day of the week, in minutes; 8 hours
// when there is none.
func workingDay(hours map[string]string) int {
	most := 0
	for _, v := range hours {
		if span, err := analyze.ParseSpan(v); err == nil {
			most = max(most, int((span.End-span.Start)/time.Minute))
		}
	}
	if most == 0 {
		return 8 * 60
	}
	return most
}

func newFacts(t Tally) []stat {
	facts := []stat{
		{Label: "Meetings with someone outside your domain", Value: hm(t.ExternalMeetingMinutes)},
		{Label: "Booked focus blocks", Value: hm(t.FocusBookedMinutes)},
		{Label: "Back-to-back chains", Value: strconv.Itoa(t.BackToBackChains)},
		{Label: "Meeting-free working days", Value: strconv.Itoa(t.MeetingFreeDays)},
		{Label: "Out of office, in working hours", Value: hm(t.OutOfOfficeMinutes)},
		{Label: "Personal time, in working hours", Value: hm(t.PersonalMinutes)},
		{Label: "Working days", Value: strconv.Itoa(t.WorkDays)},
		{Label: "Capacity (working hours less the two above)", Value: hm(t.CapacityMinutes)},
	}
	if c := t.Coding; c != nil {
		inFocus := hm(c.CodingInFocusMinutes)
		if c.FocusUsedForCoding != nil {
			inFocus += " (" + pct(*c.FocusUsedForCoding) + " of the focus time)"
		}
		facts = append(facts,
			stat{Label: "Coding in working hours, from your commits", Value: shareAndTime(c.CodingShare, c.CodingMinutes)},
			stat{Label: "Of it, in focus stretches", Value: inFocus},
			stat{Label: "Coding after working hours", Value: hm(c.CodingAfterHoursMinutes)},
			stat{Label: "Commits, coding sessions, repositories", Value: fmt.Sprintf("%d, %d, %d", c.Commits, c.CodingSessions, c.Repos)},
		)
	}
	return facts
}

// px writes a coordinate with at most two decimals.
func px(f float64) string {
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

// shortDate writes 2026-03-02 as "2 Mar".
func shortDate(s string) string {
	t, err := time.Parse(day, s)
	if err != nil {
		return s
	}
	return t.Format("2 Jan")
}

// longDate writes 2026-03-02 as "2 Mar 2026".
func longDate(s string) string {
	t, err := time.Parse(day, s)
	if err != nil {
		return s
	}
	return t.Format("2 Jan 2006")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
