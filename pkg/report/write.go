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
	// Unicode allows block characters and box drawing (a terminal whose
	// locale is UTF-8, without --ascii).
	Unicode bool
	// Color allows ANSI colour (a terminal, NO_COLOR unset).
	Color bool
	// Chart adds the weekday × hour heat map of meetings under the table.
	Chart bool
	// Width is the width, in columns, the text is laid out for: tables
	// narrow their bars and headers to fit and prose is wrapped at word
	// boundaries. 0 lays it out without a limit.
	Width int
	// Terminal says a person reads the text at a terminal rather than a
	// program through a pipe: lists are laid out for reading (see
	// [WriteEventsTable]) instead of as the plain table.
	Terminal bool
	// Wide adds the reason and the people under each event of the list a
	// terminal shows.
	Wide bool
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
// st.Chart the heat map of where the meetings sit. With st.Width the table
// is narrowed to fit, bars first, then headers, and the prose wrapped.
func WriteTable(w io.Writer, r Report, st Style) error {
	if !st.Unicode {
		var b bytes.Buffer
		if err := writeTable(&b, r, st); err != nil {
			return err
		}
		_, err := io.WriteString(w, plainDashes(b.String()))
		return err
	}
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
	fmt.Fprint(w, wrap(textsafe.Line(fmt.Sprintf("%s to %s, %s, working hours %s", r.Range.From, r.Range.To, r.Timezone, hoursSummary(r.Settings.WorkHours))), st.Width, "", "  "))
	fmt.Fprintln(w)
	l, err := writeWeekTable(w, r, st)
	if err != nil {
		return err
	}
	if l.short && slices.ContainsFunc(r.Weeks, func(wk Week) bool { return !wk.Full && !wk.Current }) {
		fmt.Fprintln(w, "~ part of a week")
	}
	if l.narrow && slices.ContainsFunc(r.Weeks, func(wk Week) bool { return wk.Track == verdict.TrackOverloaded }) {
		fmt.Fprintln(w, "over: overloaded")
	}
	b := r.Settings.Bands
	fmt.Fprintln(w)
	fmt.Fprint(w, wrap(fmt.Sprintf("Bands: meetings %s–%s of working time is an engineering manager's; focus %s–%s is an individual contributor's coding time.",
		pct(b.EMMeetingMin), pct(b.EMMeetingMax), pct(b.ICFocusMin), pct(b.ICFocusMax)), st.Width, "", "  "))
	if r.HasGit() {
		fmt.Fprint(w, wrap(fmt.Sprintf("Coding, from your commits: %s or more of working time is an individual contributor's, %s or less an engineering manager's.",
			pct(b.ICFocusMin), pct(b.EMFocusMax)), st.Width, "", "  "))
	}
	fmt.Fprintf(w, "\n%s", describe("Over "+plural(r.Range.Weeks, "week")+":", r.Summary.Tally, st))
	writeFacts(w, r.Summary.Tally, r.Settings, st.Width)
	if cw := r.Summary.CurrentWeek; cw != nil {
		fmt.Fprintf(w, "\n%s", describe("This week ("+cw.WeekStart+", counted as scheduled):", cw.Tally, st))
	}
	if st.Chart {
		writeHeatmap(w, r, st)
	}
	return nil
}

// weekLayout is one way to draw the table of weeks: how many cells a bar
// has (0: the share alone), whether the headers are the short ones, and
// whether the cells are the narrowest (weeks without their year, the
// coding share without its track, "over" for overloaded).
type weekLayout struct {
	bar    int
	short  bool
	narrow bool
}

// weekLayouts are tried in order until the table fits the width: narrower
// bars first, then shorter headers, then no bars, then the narrowest
// cells.
var weekLayouts = [...]weekLayout{{10, false, false}, {5, false, false}, {5, true, false}, {0, true, false}, {0, true, true}}

// writeWeekTable draws the table of weeks in the first layout that fits
// st.Width (the last when none does), and says which.
func writeWeekTable(w io.Writer, r Report, st Style) (weekLayout, error) {
	var out bytes.Buffer
	var l weekLayout
	for i := range weekLayouts {
		l = weekLayouts[i]
		out.Reset()
		if err := renderWeekTable(&out, r, st, l); err != nil {
			return l, err
		}
		if st.Width <= 0 || i == len(weekLayouts)-1 || maxLineWidth(out.String()) <= st.Width {
			break
		}
	}
	_, err := w.Write(out.Bytes())
	return l, err
}

// pickNarrow is wide, or narrow in the narrowest layout.
func pickNarrow(l weekLayout, wide, narrow string) string {
	if l.narrow {
		return narrow
	}
	return wide
}

// narrowTrack is a week's track in the narrowest table of weeks.
func narrowTrack(t verdict.Track) string {
	if t == verdict.TrackOverloaded {
		return "over"
	}
	return string(t)
}

func renderWeekTable(w io.Writer, r Report, st Style, l weekLayout) error {
	t := newTable(w, st)
	header := []string{"Week", "Capacity", "Meetings", "Focus", "Fragmented"}
	if l.short {
		header = []string{"Week", "Hours", "Meet", "Focus", "Frag"}
	}
	if r.HasGit() {
		header = append(header, pickNarrow(l, "Coding", "Code"))
	}
	t.Header(append(header, "Track"))
	track := func(t verdict.Track) string { return string(t) }
	coding := func(t Tally) string { return codingCell(t, r.Settings.Bands) }
	if l.narrow {
		track = narrowTrack
		coding = func(t Tally) string { return strings.Fields(codingCell(t, r.Settings.Bands))[0] }
	}
	b := r.Settings.Bands
	for _, wk := range r.Weeks {
		label := wk.WeekStart
		if l.narrow {
			// The year is in the line over the table.
			label = strings.TrimPrefix(label, label[:min(5, len(label))])
		}
		switch {
		case wk.Current:
			label += " *"
		case !wk.Full && l.short:
			label += " ~"
		case !wk.Full:
			label += " (part)"
		}
		row := cells(label, hm(wk.CapacityMinutes),
			bar(wk.MeetingShare, l.bar, st, b.EMMeetingMin, b.EMMeetingMax),
			bar(wk.FocusShare, l.bar, st, b.EMFocusMax, b.ICFocusMin, b.ICFocusMax),
			pctOf(wk.FragmentedShare))
		if r.HasGit() {
			row = append(row, coding(wk.Tally))
		}
		row = append(row, paint(textsafe.Line(track(wk.Track)), wk.Track, st))
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

// maxLineWidth is the width of the widest line of s, in columns.
func maxLineWidth(s string) int {
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n = max(n, textWidth(line))
	}
	return n
}

// Wrap breaks s at word boundaries into lines of at most width columns,
// the first starting with first, the others with rest; every line ends
// with a line feed. A word longer than a line is cut across lines when it
// has a character beyond ASCII; an ASCII one (a URL) is never broken.
func Wrap(s string, width int, first, rest string) string { return wrap(s, width, first, rest) }

// wrap breaks s at word boundaries into lines of at most width columns
// (any width when width is 0 or less), the first starting with first, the
// others with rest; every line ends with a line feed.
func wrap(s string, width int, first, rest string) string {
	if width <= 0 {
		return first + s + "\n"
	}
	return wrapText(s, width, first, rest)
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

// describe is heading and the verdict, then its reasons, one per line,
// wrapped to st.Width.
func describe(heading string, t Tally, st Style) string {
	var b strings.Builder
	b.WriteString(wrap(heading+" "+paint(trackName(t.Track), t.Track, st), st.Width, "", "  "))
	for _, r := range t.Reasons {
		b.WriteString(wrap(textsafe.Line(r), st.Width, "  - ", "    "))
	}
	return b.String()
}

// codingCell is a week's coding share and coding track: "12% em"; the
// share shows a decimal beside a band's edge.
func codingCell(t Tally, b Bands) string {
	if t.Coding == nil {
		return "-"
	}
	share := "-"
	if t.CodingShare != nil {
		share = verdict.Percent(*t.CodingShare, b.EMFocusMax, b.ICFocusMin, b.ICFocusMax)
	}
	return textsafe.Line(share + " " + string(t.CodingTrack))
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

// writeFacts writes the figures of a tally under its verdict, each
// sentence wrapped to width.
func writeFacts(w io.Writer, t Tally, s Settings, width int) {
	fmt.Fprint(w, wrap(fmt.Sprintf("%s (%s), %s after hours; %s; longest focus stretch %s; %s; %s",
		plural(t.MeetingCount, "meeting"), textsafe.Line(categoryLine(s.Categories, t.Categories)), hm(t.AfterHoursMeetingMinutes), bookedFacts(t, s),
		hm(t.LongestFocusMinutes), plural(t.MeetingFreeDays, "meeting-free day"), plural(t.BackToBackChains, "back-to-back chain")), width, "  ", "    "))
	if len(t.TopPeople) > 0 {
		var ps []string
		for _, p := range t.TopPeople {
			ps = append(ps, fmt.Sprintf("%s %s", textsafe.Line(p.Person), hm(p.Minutes)))
		}
		fmt.Fprint(w, wrap("most meeting time with: "+strings.Join(ps, ", "), width, "  ", "    "))
	}
	if c := codingFacts(t); c != "" {
		fmt.Fprint(w, wrap(c, width, "  ", "    "))
	}
}

// bookedFacts says how much focus time was booked, and how much of it
// counted as fragmented, and why: "8h00 of booked focus blocks (6h00 of
// them in free stretches shorter than the 2h00 focus minimum, so
// fragmented)".
func bookedFacts(t Tally, s Settings) string {
	says := hm(t.FocusBookedMinutes) + " of booked focus blocks"
	if n := t.FocusBookedFragmentedMinutes; n > 0 {
		says += fmt.Sprintf(" (%s of them in free stretches shorter than the %s focus minimum, so fragmented)", hm(n), hm(s.FocusMinMinutes))
	}
	return says
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

// bar draws a share as a bar of cells cells and a percentage, with a
// decimal where it is beside one of edges (a band's edge the verdict
// depends on); with no cells, the percentage alone. Its characters are
// none of the heat map's shades, which mean minutes, not shares.
func bar(share *float64, cells int, st Style, edges ...float64) string {
	if share == nil {
		return "-"
	}
	p := verdict.Percent(*share, edges...)
	if cells == 0 {
		return p
	}
	full, empty := "=", "-"
	if st.Unicode {
		full, empty = "━", "─"
	}
	n := int(math.Round(*share * float64(cells)))
	n = min(max(n, 0), cells)
	return strings.Repeat(full, n) + strings.Repeat(empty, cells-n) + fmt.Sprintf(" %3s", p)
}

// pctNear is a share as [verdict.Percent] shows it beside edges; "-"
// without one.
func pctNear(share *float64, edges ...float64) string {
	if share == nil {
		return "-"
	}
	return verdict.Percent(*share, edges...)
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
