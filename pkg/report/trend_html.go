package report

import (
	_ "embed"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/emtime/emtime/pkg/verdict"
)

// whatifTemplate holds the templates of the what-ifs' pages and of their
// sections on the page of an analysis: blocks only, parsed with the
// report's ([page]).
//
//go:embed templates/whatif.html
var whatifTemplate string

// WriteTrendHTML writes the trend as one self-contained HTML page, like
// [WriteHTML]'s: a line chart over the weeks of each week's meeting and
// focus shares and the rolling ones, the EM band shaded and the IC line
// drawn, the rolling track under each week and the transitions marked
// where they happen, then the transitions and how long the current track
// has held in words, and the numbers in a table. Inline CSS and SVG, no
// script; the page loads nothing.
func WriteTrendHTML(w io.Writer, r TrendReport) error {
	t, err := page()
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	r = plainTrend(r)
	return t.ExecuteTemplate(w, "trend-page", trendPage{
		R:        r,
		Title:    fmt.Sprintf("emtime trend, %s to %s", r.Range.From, r.Range.To),
		Dates:    fmt.Sprintf("%s – %s", longDate(r.Range.From), longDate(r.Range.To)),
		Hours:    hoursSummary(r.Settings.WorkHours),
		Chart:    newTrendSVG(r, "trend"),
		Style:    styleOf(r.Summary.RollingTrack),
		FocusMin: hm(r.Settings.FocusMinMinutes),
	})
}

// trendPage is what the trend's page draws.
type trendPage struct {
	R                             TrendReport
	Title, Dates, Hours, FocusMin string
	Chart                         trendSVG
	// Style is the current rolling track's.
	Style trackStyle
}

// trendSVG is the trend's line chart, laid out: the template only places
// it. ID prefixes its elements' ids, so that the chart can sit on a page
// with another.
type trendSVG struct {
	ID                string
	W, H              float64
	Left, Top, PW, PH float64
	Right, Bottom     float64
	Ticks             []tick
	Band              rect
	BandMinY, BandMaxY,
	ICLineY float64
	BandMin, BandMax, ICFocus string
	// Lines are the four lines, each in runs: a week with no working
	// time breaks them.
	Lines []trendLine
	Weeks []trendPoint
	Marks []trendMark
	// What the rolling figures are, and the summary of the range.
	Rolling, Held string
	Desc          string
	Colors        map[string]string
	// DateY and ChipY are where the dates and the tracks sit.
	DateY, ChipY, ChipH float64
	Key                 []keyItem
}

// trendLine is one of the chart's lines.
type trendLine struct {
	Class, Label, Color string
	Width               float64
	Dash                string
	Runs                []string // "x,y x,y …" of each run
	Dots                []point
}

type point struct{ X, Y float64 }

// trendPoint is one week of the chart: where it sits, its rolling
// track, and what a pointer over it tells.
type trendPoint struct {
	Week TrendWeek
	// The shares and tracks as the table of numbers shows them.
	Meetings, Focus, Own, RollingMeetings, RollingFocus string
	X, SlotX                                            float64
	SlotW                                               float64
	Date                                                string
	Style                                               trackStyle
	Letter                                              string
	ChipX, ChipW                                        float64
	Tip                                                 string
}

// trendMark is a transition on the chart.
type trendMark struct {
	X, LabelX, LabelY float64
	Label             string
	Says              string
	Week              string
	Anchor            string
}

const (
	trendPlotHeight = 260
	trendLeft       = 56
	trendRightRoom  = 150
	trendTop        = 46
	trendBottom     = 78
	// trendMarkLabel is about as wide as a transition's label.
	trendMarkLabel = 150
)

// newTrendSVG lays out the line chart of a trend.
func newTrendSVG(r TrendReport, id string) trendSVG {
	n := max(len(r.Weeks), 1)
	slot := math.Max(10, math.Min(64, 720/float64(n)))
	c := trendSVG{ID: id, Left: trendLeft, Top: trendTop, PW: slot * float64(n), PH: trendPlotHeight,
		Colors: map[string]string{"meeting": colorMeeting, "focus": colorFocus, "icline": colorICLine, "bandedge": colorBandEdge}}
	c.Right = c.Left + c.PW
	c.Bottom = c.Top + c.PH
	c.W = c.Right + trendRightRoom
	c.H = c.Bottom + trendBottom
	c.DateY, c.ChipY, c.ChipH = c.Bottom+18, c.Bottom+30, 18
	y := func(share float64) float64 { return c.Top + c.PH*(1-share) }
	for _, f := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.Ticks = append(c.Ticks, tick{Y: y(f), Left: pct(f)})
	}
	b := r.Settings.Bands
	c.BandMin, c.BandMax, c.ICFocus = pct(b.EMMeetingMin), pct(b.EMMeetingMax), pct(b.ICFocusMin)
	c.BandMinY, c.BandMaxY, c.ICLineY = y(b.EMMeetingMin), y(b.EMMeetingMax), y(b.ICFocusMin)
	c.Band = rect{c.Left, c.BandMaxY, c.PW, c.BandMinY - c.BandMaxY}

	x := func(i int) float64 { return c.Left + slot*(float64(i)+0.5) }
	roll := rollingLabel(r.Window)
	line := func(class, label, color string, width float64, dash string, dots bool, share func(TrendWeek) *float64) trendLine {
		l := trendLine{Class: class, Label: label, Color: color, Width: width, Dash: dash}
		var run []string
		for i, wk := range r.Weeks {
			s := share(wk)
			if s == nil {
				if len(run) > 0 {
					l.Runs, run = append(l.Runs, strings.Join(run, " ")), nil
				}
				continue
			}
			run = append(run, px(x(i))+","+px(y(*s)))
			if dots {
				l.Dots = append(l.Dots, point{x(i), y(*s)})
			}
		}
		if len(run) > 0 {
			l.Runs = append(l.Runs, strings.Join(run, " "))
		}
		return l
	}
	c.Lines = []trendLine{
		line("meeting weekly", "Meetings, each week", colorMeeting, 1.5, "3 3", true, func(w TrendWeek) *float64 { return w.MeetingShare }),
		line("focus weekly", "Focus, each week", colorFocus, 1.5, "3 3", true, func(w TrendWeek) *float64 { return w.FocusShare }),
		line("meeting rolling", "Meetings, "+roll+" average", colorMeeting, 3.5, "", false, func(w TrendWeek) *float64 { return w.RollingMeetingShare }),
		line("focus rolling", "Focus, "+roll+" average", colorFocus, 3.5, "", false, func(w TrendWeek) *float64 { return w.RollingFocusShare }),
	}
	if r.hasCoding() {
		c.Lines = append(c.Lines, line("coding rolling", "Coding, "+roll+" average", colorICLine, 3.5, "", false, func(w TrendWeek) *float64 { return w.RollingCodingShare }))
	}

	every := int(math.Ceil(56 / slot)) // a date where there is room
	seen := map[verdict.Track]bool{}
	var desc []string
	for i, wk := range r.Weeks {
		p := trendPoint{Week: wk, X: x(i), SlotX: c.Left + slot*float64(i), SlotW: slot, Style: styleOf(wk.RollingTrack),
			Meetings: pctOf(wk.MeetingShare), Focus: pctOf(wk.FocusShare), Own: styleOf(wk.Track).Short,
			RollingMeetings: pctOf(wk.RollingMeetingShare), RollingFocus: pctOf(wk.RollingFocusShare)}
		if i%every == 0 {
			p.Date = shortDate(wk.WeekStart)
		}
		p.Letter = p.Style.Abbrev
		p.ChipW = math.Min(slot-2, 30)
		if slot < 24 {
			p.Letter = string([]rune(p.Style.Abbrev)[:1])
		}
		p.ChipX = p.X - p.ChipW/2
		if !seen[wk.RollingTrack] {
			seen[wk.RollingTrack] = true
			c.Key = append(c.Key, keyItem{p.Style, p.Letter})
		}
		p.Tip = fmt.Sprintf("Week of %s: meetings %s, focus %s (%s); %s: meetings %s, focus %s, %s",
			wk.WeekStart, pctOf(wk.MeetingShare), pctOf(wk.FocusShare), styleOf(wk.Track).Short,
			roll+" average", pctOf(wk.RollingMeetingShare), pctOf(wk.RollingFocusShare), p.Style.Short)
		desc = append(desc, fmt.Sprintf("week of %s: meetings %s, focus %s; %s meetings %s, focus %s, %s",
			wk.WeekStart, pctOf(wk.MeetingShare), pctOf(wk.FocusShare), roll, pctOf(wk.RollingMeetingShare), pctOf(wk.RollingFocusShare), p.Style.Short))
		c.Weeks = append(c.Weeks, p)
	}
	for k, t := range r.Transitions {
		m := trendMark{X: x(t.week), Week: t.WeekStart, Says: capitalize(t.Says),
			Label: shortDate(t.WeekStart) + ": " + styleOf(t.From).Short + " → " + styleOf(t.To).Short, Anchor: "start"}
		// Labels alternate between two rows, so that close ones do not
		// overlap; one near the right edge ends at its line.
		m.LabelY = c.Top - 28 + 14*float64(k%2)
		m.LabelX = m.X + 4
		if m.X+trendMarkLabel > c.W {
			m.Anchor, m.LabelX = "end", m.X-4
		}
		c.Marks = append(c.Marks, m)
	}
	c.Rolling = capitalize(rollingWords(r.Window))
	c.Held = capitalize(r.Summary.Says)
	var moved []string
	for _, t := range r.Transitions {
		moved = append(moved, t.Says)
	}
	if len(moved) == 0 {
		moved = []string{"the rolling track did not change"}
	}
	c.Desc = fmt.Sprintf("Lines over %s of the share of working time in meetings and in focus time, each week (dashed) and as a %s average (solid). "+
		"The engineering manager's band of %s–%s meetings is shaded; the dashed blue line marks %s focus, an individual contributor's coding time. "+
		"Transitions: %s. %s. %s.",
		plural(len(r.Weeks), "week"), roll, c.BandMin, c.BandMax, c.ICFocus, strings.Join(moved, "; "), c.Held, capitalize(strings.Join(desc, "; ")))
	return c
}

// plainTrend is a copy of a trend's report whose text from outside is fit
// for one line (see [plainReport]).
func plainTrend(r TrendReport) TrendReport {
	out := r
	out.Head, out.Warnings = plainHead(r.Head), lines(r.Warnings)
	return out
}
