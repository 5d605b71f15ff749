package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
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
	out.WriteString("\n")

	star := pick(st, "★", "*")
	head := []string{"", "Series", "Category", "People", "Times", "Time", "/week", "Focus cost"}
	rows := make([][]string, 0, len(r.Series))
	for _, x := range r.Series {
		mark := ""
		if x.OrganizerIsMe {
			mark = star
		}
		rows = append(rows, []string{mark, textsafe.Line(x.Title), clip(textsafe.Line(categoryWords(x.Category)), 12),
			strconv.Itoa(x.People), strconv.Itoa(x.Occurrences), hm(x.Minutes), hm(int(math.Round(x.WeeklyMinutes))), hm(x.FocusCostMinutes)})
	}
	// The title takes the room the other columns leave.
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = displayWidth(h)
		for _, row := range rows {
			widths[i] = max(widths[i], displayWidth(row[i]))
		}
	}
	// Each column is padded by a blank on either side; the table's first
	// and last blank are trimmed.
	room := width - 2*len(head) + 2
	for i, n := range widths {
		if i != 1 {
			room -= n
		}
	}
	room = max(room, meetingsMinTitle)
	for _, row := range rows {
		row[1] = clip(row[1], room)
	}

	right := tw.AlignRight
	aligns := []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, right, right, right, right, right}
	var tb bytes.Buffer
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRendition(tw.Rendition{Borders: tw.BorderNone, Settings: tw.Settings{
			Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
			Lines:      tw.Lines{ShowHeaderLine: tw.Off},
		}}),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
	}
	if !st.Unicode {
		opts = append(opts, tablewriter.WithSymbols(tw.NewSymbols(tw.StyleASCII)))
	}
	t := tablewriter.NewTable(&tb, opts...)
	t.Header(head)
	for _, row := range rows {
		if err := t.Append(row); err != nil {
			return err
		}
	}
	if len(rows) == 0 {
		out.WriteString("No meeting in the range.\n")
	} else {
		if err := t.Render(); err != nil {
			return err
		}
		for _, l := range strings.Split(strings.TrimRight(tb.String(), "\n"), "\n") {
			// The table's own margin, and the blanks that pad the last
			// column, go.
			out.WriteString(strings.TrimRight(strings.TrimPrefix(l, " "), " ") + "\n")
		}
	}
	out.WriteString("\n")
	para(fmt.Sprintf("%s you organise. Sorted by %s. Time is each series' share of the meeting time; focus cost is the focus time the range would gain without it.",
		star, strings.ReplaceAll(r.Sort, "-", " ")))
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
	_, err := w.Write(out.Bytes())
	return err
}
