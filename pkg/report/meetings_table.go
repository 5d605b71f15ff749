package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/textsafe"
)

// meetingsMinTitle is the least room a series' title gets in the table.
const meetingsMinTitle = 16

// WriteMeetingsTable writes the meetings' report for a terminal width
// columns wide (80 when not known): the range's figures, one row per
// series listed (a star marks those I organise), then the target and the
// moves asked for, in words. Without st.Unicode it is plain ASCII.
func WriteMeetingsTable(w io.Writer, r MeetingsReport, st Style, width int) error {
	if width <= 0 {
		width = 80
	}
	width = max(width, trendMinWidth)
	var out bytes.Buffer
	para := func(s string) { out.WriteString(wrapText(textsafe.Line(s), width, "", "")) }
	para(fmt.Sprintf("%s to %s, %s, working hours %s", r.Range.From, r.Range.To, r.Timezone, hoursSummary(r.Settings.WorkHours)))
	para(meetingsHeadline(r))
	if len(r.Series) > 0 {
		out.WriteString("\n")
	}

	star := pick(st, "★", "*")
	type column struct {
		head  string
		right bool
		cell  func(MeetingSeries) string
	}
	cols := []column{
		{"", false, func(x MeetingSeries) string {
			if x.OrganizerIsMe {
				return star
			}
			return ""
		}},
		{"Series", false, func(x MeetingSeries) string { return textsafe.Line(x.Title) }},
		{"Category", false, func(x MeetingSeries) string {
			return clipTail(textsafe.Line(categoryWords(x.Category)), 12, ellipsis(st))
		}},
		{"People", true, func(x MeetingSeries) string { return strconv.Itoa(x.People) }},
		{"Times", true, func(x MeetingSeries) string { return strconv.Itoa(x.Occurrences) }},
		{"Time", true, func(x MeetingSeries) string { return hm(x.Minutes) }},
		{"/week", true, func(x MeetingSeries) string { return hm(int(math.Round(x.WeeklyMinutes))) }},
		{"Focus cost", true, func(x MeetingSeries) string { return hm(x.FocusCostMinutes) }},
	}
	// The title takes the room the other columns leave; on a narrow
	// terminal the figures the text says otherwise go first.
	width1 := func(c column) int {
		n := textWidth(c.head)
		for _, x := range r.Series {
			n = max(n, textWidth(c.cell(x)))
		}
		return n
	}
	room := func() int {
		// Each column is padded by a blank on either side; the table's
		// first and last blank are trimmed.
		n := width - 2*len(cols) + 2
		for i, c := range cols {
			if i != 1 {
				n -= width1(c)
			}
		}
		return n
	}
	for _, drop := range []string{"/week", "People", "Times"} {
		if room() >= meetingsMinTitle {
			break
		}
		cols = slices.DeleteFunc(cols, func(c column) bool { return c.head == drop })
	}
	titleRoom := max(room(), meetingsMinTitle)
	rows := [][]string{make([]string, len(cols))}
	for i, c := range cols {
		rows[0][i] = c.head
	}
	for _, x := range r.Series {
		row := make([]string, len(cols))
		for i, c := range cols {
			row[i] = c.cell(x)
		}
		row[1] = clipTail(row[1], titleRoom, ellipsis(st))
		rows = append(rows, row)
	}
	if len(rows) > 1 {
		// Laid out here, not by the tables' library, which counts a
		// title's joined emoji and flags by their code points and would
		// put the columns out of line.
		widths := make([]int, len(cols))
		for _, row := range rows {
			for i, cell := range row {
				widths[i] = max(widths[i], textWidth(cell))
			}
		}
		for _, row := range rows {
			var l strings.Builder
			for i, cell := range row {
				if i > 0 {
					l.WriteString("  ")
				}
				pad := strings.Repeat(" ", widths[i]-textWidth(cell))
				if cols[i].right {
					l.WriteString(pad + cell)
				} else {
					l.WriteString(cell + pad)
				}
			}
			out.WriteString(strings.TrimRight(l.String(), " ") + "\n")
		}
		out.WriteString("\n")
		para(fmt.Sprintf("%s you organise. Sorted by %s. Time is each series' share of the meeting time; focus cost is the focus time the range would gain without it.",
			star, strings.ReplaceAll(r.Sort, "-", " ")))
	}
	if more := r.Summary.Series - r.Summary.Listed; more > 0 {
		para(fmt.Sprintf("And %s more: --top 0 lists them all.", seriesCount(more)))
	}

	if tg := r.Target; tg != nil {
		out.WriteString("\n" + textsafe.Line(targetHeading(tg)) + ":\n")
		for _, s := range tg.Says {
			out.WriteString(wrapText(textsafe.Line(capitalize(s))+".", width, "  - ", "    "))
		}
		for i, x := range tg.drop {
			step := ""
			if i < len(tg.Steps) {
				s := tg.Steps[i]
				step = fmt.Sprintf(": meetings %s, focus %s, %s", pctOf(s.MeetingShare), pctOf(s.FocusShare), trackLabel(s.Track))
			}
			n := fmt.Sprintf("  %d. ", i+1)
			out.WriteString(wrapText(textsafe.Line(x.Title+seriesMarks(x)+step), width, n, strings.Repeat(" ", len(n))))
		}
	}
	if r.Moves != nil {
		out.WriteString("\nBetter times:\n")
		for _, m := range r.Moves {
			out.WriteString(wrapText(textsafe.Line(capitalize(m.Says))+".", width, "  - ", "    "))
		}
		if len(r.Moves) == 0 {
			out.WriteString("  - No series to move.\n")
		}
		para(r.AttendeesNotKnown + ".")
	}
	if !st.Unicode {
		_, err := io.WriteString(w, plainDashes(out.String()))
		return err
	}
	_, err := w.Write(out.Bytes())
	return err
}
