package report

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/whatif"
)

// focusCostBars is how many series the chart of focus costs shows.
const focusCostBars = 5

// WriteMeetingsHTML writes the meetings' report as one self-contained
// HTML page, like [WriteHTML]'s: the series that cost the most focus time
// as bars, a table of every series listed, then the target and the moves
// asked for, in words. Inline CSS and SVG, no script; the page loads
// nothing.
func WriteMeetingsHTML(w io.Writer, r MeetingsReport) error {
	t, err := page()
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	r = plainMeetings(r)
	p := meetingsPage{
		R:        r,
		Title:    fmt.Sprintf("emtime meetings, %s to %s", r.Range.From, r.Range.To),
		Dates:    fmt.Sprintf("%s – %s", longDate(r.Range.From), longDate(r.Range.To)),
		Hours:    hoursSummary(r.Settings.WorkHours),
		Lead:     meetingsHeadline(r),
		FocusMin: hm(r.Settings.FocusMinMinutes),
		Costs:    newFocusCostChart(r.Series),
	}
	for _, x := range r.Series {
		p.Rows = append(p.Rows, seriesRow{S: x, Category: categoryWords(x.Category), Time: hm(x.Minutes),
			Weekly: hm(int(math.Round(x.WeeklyMinutes))), Cost: hm(x.FocusCostMinutes), People: peopleNames(x)})
	}
	if more := r.Summary.Series - r.Summary.Listed; more > 0 {
		p.More = fmt.Sprintf("And %s more: --top 0 lists them all.", seriesCount(more))
	}
	if tg := r.Target; tg != nil {
		v := targetView{Heading: targetHeading(tg)}
		for _, s := range tg.Says {
			v.Says = append(v.Says, capitalize(s)+".")
		}
		for i, x := range tg.drop {
			d := dropView{Title: x.Title, Marks: strings.TrimPrefix(strings.TrimSuffix(seriesMarks(x), ")"), " (")}
			if i < len(tg.Steps) {
				s := tg.Steps[i]
				d.After = fmt.Sprintf("meetings %s, focus %s, %s", pctOf(s.MeetingShare), pctOf(s.FocusShare), styleOf(s.Track).Short)
			}
			v.Drop = append(v.Drop, d)
		}
		p.Target = &v
	}
	for _, m := range r.Moves {
		p.Moves = append(p.Moves, capitalize(m.Says)+".")
	}
	return t.ExecuteTemplate(w, "meetings-page", p)
}

// meetingsPage is what the meetings' page draws.
type meetingsPage struct {
	R                                   MeetingsReport
	Title, Dates, Hours, Lead, FocusMin string
	SortWords                           string
	Costs                               focusCosts
	Rows                                []seriesRow
	More                                string
	Target                              *targetView
	Moves                               []string
}

type seriesRow struct {
	S                                    MeetingSeries
	Category, Time, Weekly, Cost, People string
}

type targetView struct {
	Heading string
	Says    []string
	Drop    []dropView
}

type dropView struct{ Title, Marks, After string }

// focusCosts is the chart of the series that cost the most focus time,
// or a sentence when none does.
type focusCosts struct {
	Chart barsChart
	None  string
}

// newFocusCostChart draws the first series that cost focus time, most
// first, as bars of their focus cost.
func newFocusCostChart(series []MeetingSeries) focusCosts {
	costly := make([]MeetingSeries, 0, focusCostBars)
	for _, x := range series {
		if x.FocusCostMinutes > 0 {
			costly = append(costly, x)
		}
	}
	// The list may be in another order (--sort minutes).
	sortByCost(costly)
	costly = costly[:min(len(costly), focusCostBars)]
	if len(costly) == 0 {
		if len(series) == 0 {
			return focusCosts{None: "No meeting in this range."}
		}
		return focusCosts{None: "No meeting series costs focus time: without any one of them, no stretch of free time would grow long enough to focus in."}
	}
	items := make([]hbar, 0, len(costly))
	for _, x := range costly {
		title := x.Title
		if x.OrganizerIsMe {
			title += " ★"
		}
		items = append(items, hbar{Label: clip(title, 30), Full: title, Minutes: x.FocusCostMinutes,
			Value: fmt.Sprintf("%s of focus · %s of meetings", hm(x.FocusCostMinutes), hm(x.Minutes))})
	}
	c := newBarsChart("focus-cost", "Focus time each meeting series costs", 230, items)
	c.Fill = colorFocus
	c.W = c.Left + c.BarMax + 250 // room for the value after the longest bar
	return focusCosts{Chart: c}
}

// sortByCost sorts series by focus cost, as [whatif.ByFocusCost] does.
func sortByCost(series []MeetingSeries) {
	slices.SortStableFunc(series, func(a, b MeetingSeries) int {
		return cmp.Or(cmp.Compare(b.FocusCostMinutes, a.FocusCostMinutes), cmp.Compare(b.Minutes, a.Minutes),
			cmp.Compare(b.Occurrences, a.Occurrences))
	})
}

// peopleNames names the people on a series: the first few, and how many
// more.
func peopleNames(x MeetingSeries) string {
	var names []string
	for _, p := range x.TopPeople[:min(len(x.TopPeople), 3)] {
		n := p.Name
		if n == "" {
			n = p.Person
		}
		names = append(names, n)
	}
	if more := x.People - len(names); more > 0 {
		names = append(names, fmt.Sprintf("%d more", more))
	}
	return strings.Join(names, ", ")
}

// plainMeetings is a copy of a meetings' report whose text from outside
// is fit for one line (see [plainReport]).
func plainMeetings(r MeetingsReport) MeetingsReport {
	out := r
	out.Head, out.Warnings = plainHead(r.Head), lines(r.Warnings)
	plain := func(x MeetingSeries) MeetingSeries {
		x.Title, x.Category, x.Key = textsafe.Line(x.Title), textsafe.Line(x.Category), textsafe.Line(x.Key)
		people := make([]SeriesPerson, len(x.TopPeople))
		for i, p := range x.TopPeople {
			people[i] = SeriesPerson{Person: textsafe.Line(p.Person), Name: textsafe.Line(p.Name), Occurrences: p.Occurrences}
		}
		x.TopPeople = people
		return x
	}
	out.Series = make([]MeetingSeries, len(r.Series))
	for i, x := range r.Series {
		out.Series[i] = plain(x)
	}
	if tg := r.Target; tg != nil {
		t := *tg
		t.Drop, t.Says = lines(tg.Drop), lines(tg.Says)
		t.drop = make([]MeetingSeries, len(tg.drop))
		for i, x := range tg.drop {
			t.drop[i] = plain(x)
		}
		out.Target = &t
	}
	if r.Moves != nil {
		out.Moves = make([]MeetingMove, len(r.Moves))
		for i, m := range r.Moves {
			m.Title, m.Says = textsafe.Line(m.Title), textsafe.Line(m.Says)
			out.Moves[i] = m
		}
	}
	return out
}

// whatifSections are what the page of `emtime analyze` draws of the
// what-ifs: the series that cost the most focus time, and the trend when
// the range is longer than its window.
type whatifSections struct {
	Costs *focusCosts
	Trend *trendSVG
}

func newWhatifSections(r Report) whatifSections {
	var s whatifSections
	if r.FocusCosts != nil {
		c := newFocusCostChart(plainMeetings(MeetingsReport{Series: r.FocusCosts}).Series)
		s.Costs = &c
	}
	if r.Trend != nil {
		c := newTrendSVG(plainTrend(*r.Trend), "analyze-trend")
		s.Trend = &c
	}
	return s
}

// WhatifsOf gives the report of an analysis what its page draws of the
// what-ifs: the series of the range ([whatif.Calendar.Series], every one,
// for the costliest five), and its trend when the range holds more weeks
// than the trend's window.
func WhatifsOf(r Report, series []whatif.Series, trend *TrendReport) Report {
	r.FocusCosts = make([]MeetingSeries, 0, len(series))
	for _, x := range series {
		r.FocusCosts = append(r.FocusCosts, meetingSeries(x))
	}
	r.Trend = trend
	return r
}
