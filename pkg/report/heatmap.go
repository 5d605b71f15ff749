package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/textsafe"
)

// heatGrid is the part of the heat map worth drawing: the weekdays that
// have working hours, meetings or coding, and the hours from a couple before
// the earliest working hour to a couple after the latest, widened to every
// hour that holds a meeting, focus or coding.
type heatGrid struct {
	Rows []heatRow
	// From and To bound the hours drawn: From:00 up to To:00.
	From, To int
}

// heatRow is one weekday of the grid.
type heatRow struct {
	HeatDay
	// Work is the weekday's working hours; zero on a day off.
	Work analyze.Span
}

// heatMargin is how many hours around the working hours are drawn.
const heatMargin = 2

func newHeatGrid(r Report) heatGrid {
	g := heatGrid{From: 24, To: 0}
	for _, d := range r.Heat {
		if d.Days == 0 {
			continue
		}
		var work analyze.Span
		if s, ok := r.Settings.WorkHours[d.Weekday]; ok {
			work, _ = analyze.ParseSpan(s)
		}
		busy := false
		for h, m := range d.MeetingMinutes {
			busy = busy || m > 0 || d.CodingMinutes != nil && d.CodingMinutes[h] > 0
		}
		if work.IsZero() && !busy {
			continue
		}
		g.Rows = append(g.Rows, heatRow{HeatDay: d, Work: work})
		if !work.IsZero() {
			g.From = min(g.From, int(work.Start/time.Hour)-heatMargin)
			g.To = max(g.To, int((work.End+time.Hour-1)/time.Hour)+heatMargin)
		}
		for h := range 24 {
			if d.MeetingMinutes[h] > 0 || d.FocusMinutes[h] > 0 || d.CodingMinutes != nil && d.CodingMinutes[h] > 0 {
				g.From, g.To = min(g.From, h), max(g.To, h+1)
			}
		}
	}
	g.From, g.To = max(g.From, 0), min(g.To, 24)
	if g.From >= g.To {
		g.From, g.To = 8, 18
	}
	return g
}

// Hours lists the hours drawn.
func (g heatGrid) Hours() []int {
	hs := make([]int, 0, g.To-g.From)
	for h := g.From; h < g.To; h++ {
		hs = append(hs, h)
	}
	return hs
}

// average is the mean minutes per day of a weekday's hour.
func average(minutes, days int) float64 {
	if days == 0 {
		return 0
	}
	return float64(minutes) / float64(days)
}

// heatLevels are the bins of the heat map, in average minutes per hour:
// none, under 15, 15–30, 30–45, 45–60. The terminal and the HTML share them.
var heatLevels = [...]string{"none", "under 15 min", "15–30 min", "30–45 min", "45–60 min"}

// level bins an average number of minutes in an hour; any minute at all is
// at least level 1, so a single short meeting still shows.
func level(avg float64) int {
	switch {
	case avg <= 0:
		return 0
	case avg < 15:
		return 1
	case avg < 30:
		return 2
	case avg < 45:
		return 3
	default:
		return 4
	}
}

// heatCellWidth is the width of an hour in the terminal heat map: an hour
// label ("09") and a space.
const heatCellWidth = 3

// writeHeatmap draws the meeting load of the average week as a weekday ×
// hour grid of block characters (plain ASCII without a terminal).
func writeHeatmap(w io.Writer, r Report, st Style) {
	g := newHeatGrid(r)
	if len(g.Rows) == 0 {
		return
	}
	shades, edge := []string{" ", ".", ":", "*", "#"}, "|"
	if st.Unicode {
		shades, edge = []string{" ", "░", "▒", "▓", "█"}, "│"
	}
	fmt.Fprintf(w, "\n%s\n", wrap("Where the meetings sit: average minutes of meetings in each hour, "+textsafe.Line(r.Timezone), st.Width, "", "  "))
	var b strings.Builder
	b.WriteString("     ")
	for _, h := range g.Hours() {
		fmt.Fprintf(&b, "%02d ", h)
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	for _, row := range g.Rows {
		b.Reset()
		fmt.Fprintf(&b, "%-4s%s", capitalize(row.Weekday), edge)
		for _, h := range g.Hours() {
			b.WriteString(strings.Repeat(shades[level(average(row.MeetingMinutes[h], row.Days))], heatCellWidth))
		}
		fmt.Fprintf(w, "%s%s\n", b.String(), edge)
	}
	// The legend, its keys on as many lines as the width needs, none cut.
	const indent = "     "
	b.Reset()
	b.WriteString(indent)
	at := len(indent)
	for i := 1; i < len(shades); i++ {
		key := strings.Repeat(shades[i], 2) + " " + heatLevels[i]
		switch n := textWidth(key); {
		case at == len(indent):
		case st.Width > 0 && at+2+n > st.Width:
			b.WriteString("\n" + indent)
			at = len(indent)
		default:
			b.WriteString("  ")
			at += 2
		}
		b.WriteString(key)
		at += textWidth(key)
	}
	fmt.Fprintln(w, b.String())
}
