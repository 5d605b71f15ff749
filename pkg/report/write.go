package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// Style says how rich a text rendering may be.
type Style struct {
	// Unicode allows block characters and box drawing (a terminal).
	Unicode bool
	// Color allows ANSI colour (a terminal, NO_COLOR unset).
	Color bool
	// Chart adds the weekday × hour heat map of meetings under the table.
	Chart bool
}

// WriteJSON writes the report as one indented JSON document. Text is kept
// exactly; the characters a terminal would obey are escaped (see
// [textsafe.JSON]).
func WriteJSON(w io.Writer, r Report) error {
	return writeJSON(w, r, "  ")
}

// writeJSON writes v as one JSON document (indented with indent, or on one
// line when it is empty) and a line feed, escaping what a terminal would
// obey.
func writeJSON(w io.Writer, v any, indent string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(textsafe.JSON(b.Bytes()))
	return err
}

// WriteTable writes one row per week with the shares as bars, then the
// verdict for the range and for the current week, with reasons, and with
// st.Chart the heat map of where the meetings sit.
func WriteTable(w io.Writer, r Report, st Style) error {
	return buffered(w, func(w io.Writer) error { return writeTable(w, r, st) })
}

// buffered runs write on a buffer in front of w, flushed at the end: the
// table writer writes a row, or less, at a time.
func buffered(w io.Writer, write func(io.Writer) error) error {
	bw := bufio.NewWriterSize(w, flushAt)
	if err := write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

func writeTable(w io.Writer, r Report, st Style) error {
	fmt.Fprintf(w, "%s\n\n", textsafe.Line(fmt.Sprintf("%s to %s, %s, working hours %s", r.Range.From, r.Range.To, r.Timezone, hoursSummary(r.Settings.WorkHours))))
	t := newTable(w, st)
	header := []string{"Week", "Capacity", "Meetings", "Focus", "Fragmented"}
	if r.HasGit() {
		header = append(header, "Coding")
	}
	t.Header(append(header, "Track"))
	for _, wk := range r.Weeks {
		label := wk.WeekStart
		if wk.Current {
			label += " *"
		} else if !wk.Full {
			label += " (part)"
		}
		row := cells(label, hm(wk.CapacityMinutes), bar(wk.MeetingShare, st), bar(wk.FocusShare, st), pctOf(wk.FragmentedShare))
		if r.HasGit() {
			row = append(row, codingCell(wk.Tally))
		}
		row = append(row, paint(textsafe.Line(string(wk.Track)), wk.Track, st))
		if err := t.Append(row); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nBands: meetings %s–%s of working time is an engineering manager's; focus %s–%s is an individual contributor's coding time.\n",
		pct(r.Settings.Bands.EMMeetingMin), pct(r.Settings.Bands.EMMeetingMax), pct(r.Settings.Bands.ICFocusMin), pct(r.Settings.Bands.ICFocusMax))
	if r.HasGit() {
		fmt.Fprintf(w, "Coding, from your commits: %s or more of working time is an individual contributor's, %s or less an engineering manager's.\n",
			pct(r.Settings.Bands.ICFocusMin), pct(r.Settings.Bands.EMFocusMax))
	}
	fmt.Fprintf(w, "\nOver %s: %s\n", plural(r.Range.Weeks, "week"), describe(r.Summary.Tally, st))
	writeFacts(w, r.Summary.Tally, r.Settings.Categories)
	if cw := r.Summary.CurrentWeek; cw != nil {
		fmt.Fprintf(w, "\nThis week (%s, counted as scheduled): %s\n", cw.WeekStart, describe(cw.Tally, st))
	}
	if st.Chart {
		writeHeatmap(w, r, st)
	}
	return nil
}

func newTable(w io.Writer, st Style) *tablewriter.Table {
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	}
	if !st.Unicode {
		opts = append(opts, tablewriter.WithSymbols(tw.NewSymbols(tw.StyleASCII)))
	}
	return tablewriter.NewTable(w, opts...)
}

// describe is the verdict and its reasons, one per line.
func describe(t Tally, st Style) string {
	var b strings.Builder
	b.WriteString(paint(trackName(t.Track), t.Track, st))
	for _, r := range t.Reasons {
		b.WriteString("\n  - " + textsafe.Line(r))
	}
	return b.String()
}

// codingCell is a week's coding share and coding track: "12% em".
func codingCell(t Tally) string {
	if t.Coding == nil {
		return "-"
	}
	return textsafe.Line(pctOf(t.CodingShare) + " " + string(t.CodingTrack))
}

// codingFacts says a tally's coding in a sentence; "" without git history.
func codingFacts(t Tally) string {
	if t.Coding == nil {
		return ""
	}
	c := t.Coding
	s := fmt.Sprintf("coding from %s in %s, %s: %s in working hours",
		plural(c.Commits, "commit"), plural(c.CodingSessions, "session"), pluralRepos(c.Repos), hm(c.CodingMinutes))
	if c.FocusUsedForCoding != nil {
		s += fmt.Sprintf(" (%s of it in focus, %s of the focus time)", hm(c.CodingInFocusMinutes), pct(*c.FocusUsedForCoding))
	}
	return s + fmt.Sprintf(", %s after hours", hm(c.CodingAfterHoursMinutes))
}

func pluralRepos(n int) string {
	if n == 1 {
		return "1 repository"
	}
	return fmt.Sprintf("%d repositories", n)
}

func writeFacts(w io.Writer, t Tally, categories []string) {
	fmt.Fprintf(w, "  %s (%s), %s after hours; %s of booked focus blocks; longest focus stretch %s; %s; %s\n",
		plural(t.MeetingCount, "meeting"), textsafe.Line(categoryLine(categories, t.Categories)), hm(t.AfterHoursMeetingMinutes), hm(t.FocusBookedMinutes),
		hm(t.LongestFocusMinutes), plural(t.MeetingFreeDays, "meeting-free day"), plural(t.BackToBackChains, "back-to-back chain"))
	if len(t.TopPeople) > 0 {
		var ps []string
		for _, p := range t.TopPeople {
			ps = append(ps, fmt.Sprintf("%s %s", textsafe.Line(p.Person), hm(p.Minutes)))
		}
		fmt.Fprintf(w, "  most meeting time with: %s\n", strings.Join(ps, ", "))
	}
	if c := codingFacts(t); c != "" {
		fmt.Fprintf(w, "  %s\n", c)
	}
}

func categoryLine(order []string, cats map[string]Category) string {
	var parts []string
	for _, name := range categoryOrder(order, cats) {
		if c := cats[name]; c.Count > 0 || c.Minutes > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.Count, strings.ReplaceAll(name, "_", "-")))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func trackName(t verdict.Track) string { return t.Words().Headline() }

// paint colours a track name on a colour terminal.
func paint(s string, t verdict.Track, st Style) string {
	if !st.Color {
		return s
	}
	code := map[verdict.Track]string{
		verdict.TrackIC: "32", verdict.TrackHybrid: "33", verdict.TrackEM: "34", verdict.TrackOverloaded: "31",
	}[t]
	if code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

const barWidth = 10

// bar draws a share as a ten-cell bar and a percentage.
func bar(share *float64, st Style) string {
	if share == nil {
		return "-"
	}
	full, empty := "#", "."
	if st.Unicode {
		full, empty = "█", "░"
	}
	n := int(math.Round(*share * barWidth))
	n = min(max(n, 0), barWidth)
	return strings.Repeat(full, n) + strings.Repeat(empty, barWidth-n) + fmt.Sprintf(" %3s", pct(*share))
}

func pctOf(share *float64) string {
	if share == nil {
		return "-"
	}
	return pct(*share)
}

func pct(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(f*100))) }

// hm formats minutes as hours and minutes: 90 → "1h30".
func hm(min int) string {
	return fmt.Sprintf("%dh%02d", min/60, min%60)
}

// hoursSummary names the working hours: "mon-fri 09:00-17:00" when every
// working day has the same hours, else day by day.
func hoursSummary(h map[string]string) string {
	var days, spans []string
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if s, ok := h[d]; ok {
			days = append(days, d)
			spans = append(spans, d+" "+s)
		}
	}
	if len(days) == 0 {
		return "none"
	}
	for _, d := range days {
		if h[d] != h[days[0]] {
			return strings.Join(spans, ", ")
		}
	}
	if strings.Join(days, ",") == "mon,tue,wed,thu,fri" {
		return "mon-fri " + h["mon"]
	}
	return strings.Join(days, ",") + " " + h[days[0]]
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// categoryOrder is the order categories are shown in: that of order (the
// order they are tried, [Settings.Categories]), then any other key of cats,
// sorted, so that a document from another run never loses one. Without
// an order, the built-in categories come first.
func categoryOrder(order []string, cats map[string]Category) []string {
	out := slices.Clone(order)
	if out == nil {
		for _, c := range classify.Categories() {
			out = append(out, string(c))
		}
	}
	var extra []string
	for c := range cats {
		if !slices.Contains(out, c) {
			extra = append(extra, c)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}
