package report

import (
	"fmt"
	"github.com/clipperhouse/displaywidth"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
)

// The trend chart's geometry: a label on the left, the value of the last
// column on the right, one column (or two characters) a week between.
const (
	trendLabelWidth = 18
	trendValueWidth = 9
	// trendMinWidth is the narrowest terminal the chart is laid out for.
	trendMinWidth = 40
	// trendMaxLabels is how many transitions are labelled under the
	// chart; the list below it names every one.
	trendMaxLabels = 6
)

// TrendChartColumns is how many columns the terminal chart of a trend has
// room for on a terminal width columns wide: a trend with more weeks is
// drawn in runs of weeks ([whatif.Trend.Buckets]).
func TrendChartColumns(width int) int {
	return max(width, trendMinWidth) - trendLabelWidth - trendValueWidth
}

// WriteTrendTable writes the trend for a terminal width columns wide
// (80 when not known): a sparkline per figure across the weeks (each
// week's own meeting and focus shares and the rolling ones), a lane under
// each marking where the rolling meeting share is inside the EM band and
// where the rolling focus share reaches the IC line, the rolling track
// week by week with the transitions labelled under it; then every
// transition and how long the current track has held, in words. Without
// st.Unicode the chart is plain ASCII: a week's share is a digit, its
// tens of percent.
func WriteTrendTable(w io.Writer, r TrendReport, st Style, width int) error {
	if width <= 0 {
		width = 80
	}
	width = max(width, trendMinWidth)
	var b strings.Builder
	line := func(s string) { b.WriteString(strings.TrimRight(s, " ") + "\n") }
	para := func(s string) { b.WriteString(wrapText(s, width, "", "")) }

	para(textsafe.Line(fmt.Sprintf("%s to %s, %s, working hours %s", r.Range.From, r.Range.To, r.Timezone, hoursSummary(r.Settings.WorkHours))))
	para(plural(r.Range.Weeks, "week") + "; " + rollingWords(r.Window) + ".")
	line("")

	c := newTrendChart(r, st, width)
	for _, row := range c.rows() {
		line(row)
	}
	line("")
	for _, k := range c.key() {
		para(k)
	}
	line("")
	if len(r.Transitions) == 0 {
		para(fmt.Sprintf("No transition: the rolling track was %s over the whole range.", trackLabel(r.Summary.RollingTrack)))
	} else {
		line("Transitions:")
		for _, t := range r.Transitions {
			b.WriteString(wrapText(textsafe.Line(capitalize(t.Says))+".", width, "  - ", "    "))
		}
	}
	line("")
	b.WriteString(wrapText(textsafe.Line(r.Summary.Says)+".", width, "Now: ", "     "))
	out := b.String()
	if !st.Unicode {
		out = plainDashes(out)
	}
	_, err := io.WriteString(w, out)
	return err
}

// rollingWords says what the rolling figures are.
func rollingWords(window int) string {
	if window == 1 {
		return "the rolling figures are each week's own"
	}
	return fmt.Sprintf("the %s figures sum the minutes of each week and the %s before it, judged as one stretch",
		rollingLabel(window), plural(window-1, "week"))
}

// trendChart lays out the terminal chart of a trend.
type trendChart struct {
	r     TrendReport
	st    Style
	width int
	// cell is how many characters a column takes: 2 when there is room,
	// a glyph and a space.
	cell int
}

func newTrendChart(r TrendReport, st Style, width int) trendChart {
	c := trendChart{r: r, st: st, width: width, cell: 1}
	if 2*len(r.Columns) <= TrendChartColumns(width) {
		c.cell = 2
	}
	return c
}

// rows are the chart's lines.
func (c trendChart) rows() []string {
	r, st := c.r, c.st
	bands := r.Settings.Bands
	last := len(r.Columns) - 1
	rolling := func(col TrendColumn) TrendWeek { return r.Weeks[col.Last] }
	// The "now" figures are the last week's own and its rolling ones,
	// however many weeks the last column merges.
	lastOf := func(f func(TrendColumn) *float64) string {
		if last < 0 {
			return "–"
		}
		n := len(r.Weeks) - 1
		return pctOf(f(TrendColumn{First: n, Last: n, MeetingShare: r.Weeks[n].MeetingShare,
			FocusShare: r.Weeks[n].FocusShare, CodingShare: r.Weeks[n].CodingShare}))
	}
	spark := func(f func(TrendColumn) *float64) string {
		return c.strip(func(col TrendColumn) string { return sparkGlyph(f(col), st) })
	}
	roll := rollingLabel(r.Window)
	if len(roll) > 7 {
		roll = "rolling"
	}

	rows := []string{c.row("", "", c.axis(), "now")}
	meet := func(col TrendColumn) *float64 { return col.MeetingShare }
	rollMeet := func(col TrendColumn) *float64 { return rolling(col).RollingMeetingShare }
	rows = append(rows,
		c.row("Meetings", "week", spark(meet), lastOf(meet)),
		c.row("", roll, spark(rollMeet), lastOf(rollMeet)),
		c.row("", "EM band", c.strip(func(col TrendColumn) string {
			return bandGlyph(rollMeet(col), bands.EMMeetingMin, bands.EMMeetingMax, st)
		}), pct(bands.EMMeetingMin)+"–"+pct(bands.EMMeetingMax)),
	)
	focus := func(col TrendColumn) *float64 { return col.FocusShare }
	rollFocus := func(col TrendColumn) *float64 { return rolling(col).RollingFocusShare }
	icLine := func(f func(TrendColumn) *float64) string {
		return c.row("", "IC line", c.strip(func(col TrendColumn) string { return lineGlyph(f(col), bands.ICFocusMin, st) }), pct(bands.ICFocusMin)+"+")
	}
	rows = append(rows, c.row("Focus", "week", spark(focus), lastOf(focus)), c.row("", roll, spark(rollFocus), lastOf(rollFocus)))
	if r.hasCoding() {
		// The IC line is a coding share: it marks the coding time once
		// something other than focus time measures it.
		coding := func(col TrendColumn) *float64 { return col.CodingShare }
		rollCoding := func(col TrendColumn) *float64 { return rolling(col).RollingCodingShare }
		rows = append(rows, c.row("Coding", "week", spark(coding), lastOf(coding)), c.row("", roll, spark(rollCoding), lastOf(rollCoding)), icLine(rollCoding))
	} else {
		rows = append(rows, icLine(rollFocus))
	}
	now := "–"
	if last >= 0 {
		// "overloaded" is wider than the column: its letter, which the
		// key names, and the sentence under the chart says it in words.
		t := rolling(r.Columns[last]).RollingTrack
		if now = trackLabel(t); textWidth(now) > trendValueWidth-1 {
			now = trackLetter(t, c.st)
		}
	}
	rows = append(rows, c.row("Track", roll, c.strip(func(col TrendColumn) string {
		t := rolling(col).RollingTrack
		return paint(trackLetter(t, st), t, st)
	}), now))
	return append(rows, c.marks()...)
}

// row is a line of the chart: the group and row labels, the strip of
// columns, and the value on the right.
func (c trendChart) row(group, label, strip, value string) string {
	pad := c.cell*len(c.r.Columns) - textWidth(strip)
	return fmt.Sprintf("%-9s %-7s %s%s %*s", group, label, strip, strings.Repeat(" ", max(pad, 0)), trendValueWidth-1, value)
}

// strip draws each column with glyph, c.cell characters wide.
func (c trendChart) strip(glyph func(TrendColumn) string) string {
	var b strings.Builder
	for _, col := range c.r.Columns {
		b.WriteString(glyph(col))
		if c.cell == 2 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// axis names the months over the columns where they start, as many as
// there is room for, January by its year; a month the range holds too
// little of to name leaves its name to the next.
func (c trendChart) axis() string {
	n := c.cell * len(c.r.Columns)
	out := []rune(strings.Repeat(" ", n))
	var starts []int // the columns that start a month
	var months []time.Time
	for i, col := range c.r.Columns {
		start, err := time.Parse(day, c.r.Weeks[col.First].WeekStart)
		if err == nil && (len(months) == 0 || start.Month() != months[len(months)-1].Month()) {
			starts, months = append(starts, i), append(months, start)
		}
	}
	next := 0 // the first position free for a label
	for k, i := range starts {
		label := months[k].Format("Jan")
		if months[k].Month() == time.January {
			label = months[k].Format("2006")
		}
		at := i * c.cell
		if k == 0 && k+1 < len(starts) && starts[k+1]*c.cell-at < len(label)+1 {
			continue // the first month, barely in the range
		}
		if at < next || at+len(label) > n {
			continue
		}
		copy(out[at:], []rune(label))
		next = at + len(label) + 1
	}
	return string(out)
}

// marks are the lines under the chart that point at the columns where
// the rolling track changes and say what it changed from and to: the
// latest first, each earlier one on a line of its own, held by a bar.
func (c trendChart) marks() []string {
	r := c.r
	type mark struct {
		at    int // position in the line
		label string
	}
	var ms []mark
	for k, col := range r.Columns {
		var ts []TrendTransition
		for _, t := range r.Transitions {
			if t.week >= col.First && t.week <= col.Last {
				ts = append(ts, t)
			}
		}
		if len(ts) == 0 {
			continue
		}
		label := ts[0].WeekStart + " " + trackLabel(ts[0].From)
		for _, t := range ts {
			label += arrow(c.st) + trackLabel(t.To)
		}
		ms = append(ms, mark{trendLabelWidth + k*c.cell, label})
	}
	if len(ms) == 0 {
		return nil
	}
	pointers := []rune(strings.Repeat(" ", c.width))
	for _, m := range ms {
		pointers[m.at] = '^'
	}
	lines := []string{string(pointers)}
	labelled := ms[max(0, len(ms)-trendMaxLabels):]
	for i := len(labelled) - 1; i >= 0; i-- {
		row := []rune(strings.Repeat(" ", c.width))
		for _, m := range labelled[:i] {
			row[m.at] = '|'
		}
		m := labelled[i]
		label := []rune(textsafe.Line(m.label))
		at := m.at
		if at+len(label) > c.width {
			// Ends at the edge, clear of the bars to its left.
			floor := 0
			if i > 0 {
				floor = labelled[i-1].at + 2
			}
			at = max(floor, c.width-len(label))
			if at+len(label) > c.width {
				label = []rune(clip(string(label), c.width-at))
			}
		}
		copy(row[at:], label)
		lines = append(lines, string(row))
	}
	return lines
}

// key explains the glyphs.
func (c trendChart) key() []string {
	r, st := c.r, c.st
	b := r.Settings.Bands
	roll := rollingLabel(r.Window)
	run := 1
	for _, col := range r.Columns {
		run = max(run, col.Last-col.First+1)
	}
	whose := "a week's"
	if run > 1 {
		whose = strconv.Itoa(run) + " weeks'"
	}
	spark := "each column is " + whose + " share of working time, ▁ (none) to █ (all)"
	in, above, below, reach := "▒", "▲", "·", "━"
	if !st.Unicode {
		spark = "each digit is " + whose + " share of working time in tens of percent (6 is 60–69%)"
		in, above, below, reach = "=", "^", ".", "="
	}
	if run > 1 {
		spark += "; the rolling figures and the track are the last week's of each"
	}
	var tracks []string
	for _, t := range []verdict.Track{verdict.TrackIC, verdict.TrackHybrid, verdict.TrackEM, verdict.TrackOverloaded, verdict.TrackNone} {
		tracks = append(tracks, trackLetter(t, st)+" "+trackLabel(t))
	}
	what := "focus"
	if r.hasCoding() {
		what = "coding"
	}
	return []string{
		"Key: " + spark + ".",
		fmt.Sprintf("EM band: %s where the %s meeting share is inside an EM's %s–%s, %s above it, %s below. IC line: %s where the %s %s share reaches an IC's %s, %s below.",
			in, roll, pct(b.EMMeetingMin), pct(b.EMMeetingMax), above, below, reach, roll, what, pct(b.ICFocusMin), below),
		"Track: " + strings.Join(tracks, ", ") + ".",
	}
}

// sparkGlyph draws a share as one of eight heights, or as a digit (its
// tens of percent) in ASCII; a blank where there is no working time.
func sparkGlyph(share *float64, st Style) string {
	if share == nil {
		return " "
	}
	if !st.Unicode {
		return string(rune('0' + min(max(int(math.Floor(*share*10)), 0), 9)))
	}
	return string([]rune("▁▂▃▄▅▆▇█")[min(max(int(math.Floor(*share*8)), 0), 7)])
}

// bandGlyph marks a share against a band: below it, inside, above.
func bandGlyph(share *float64, lo, hi float64, st Style) string {
	switch {
	case share == nil:
		return " "
	case *share > hi:
		return pick(st, "▲", "^")
	case *share >= lo:
		return pick(st, "▒", "=")
	default:
		return pick(st, "·", ".")
	}
}

// lineGlyph marks a share against a line: reaching it or below.
func lineGlyph(share *float64, line float64, st Style) string {
	switch {
	case share == nil:
		return " "
	case *share >= line:
		return pick(st, "━", "=")
	default:
		return pick(st, "·", ".")
	}
}

// trackLetter is a track in one letter: I, H, E, O, or – for none.
func trackLetter(t verdict.Track, st Style) string {
	if t == verdict.TrackNone || t == "" {
		return pick(st, "–", "-")
	}
	r, _ := utf8.DecodeRuneInString(t.Words().Abbrev)
	return string(r)
}

func arrow(st Style) string { return pick(st, " → ", " -> ") }

func pick(st Style, unicode, ascii string) string {
	if st.Unicode {
		return unicode
	}
	return ascii
}

// wrapText breaks s into lines of at most width columns at spaces: the
// first line starts with first, the others with rest. A word longer than
// a line is cut across lines between its characters when it has a
// character beyond ASCII (a title in a script written without spaces,
// say); an ASCII one (a URL, a path) stands whole on its line, so that it
// can still be copied. Colour takes no column.
func wrapText(s string, width int, first, rest string) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "\n"
	}
	var b strings.Builder
	b.WriteString(first)
	lineLen, empty := textWidth(first), true // empty: no word on the line yet
	newline := func() {
		b.WriteString("\n" + rest)
		lineLen, empty = textWidth(rest), true
	}
	for _, word := range words {
		n := textWidth(word)
		if !empty {
			if lineLen+1+n <= width {
				b.WriteByte(' ')
				lineLen++
			} else {
				newline()
			}
		}
		for lineLen+n > width && cuttable(word) {
			head := headOf(word, width-lineLen)
			if head == "" {
				if !empty {
					newline()
					continue
				}
				// Not even one character fits: one goes all the same.
				if g := displaywidth.StringGraphemes(word); g.Next() {
					head = g.Value()
				}
			}
			b.WriteString(head)
			word = word[len(head):]
			n = textWidth(word)
			newline()
		}
		b.WriteString(word)
		lineLen += n
		empty = false
	}
	b.WriteByte('\n')
	return b.String()
}

// cuttable says whether wrapText may cut word across lines: it has a
// character beyond ASCII, and no colour.
func cuttable(word string) bool {
	return !strings.Contains(word, "\x1b") && strings.ContainsFunc(word, func(r rune) bool { return r >= utf8.RuneSelf })
}

// headOf is the longest start of s, cut between characters, that takes at
// most n columns.
func headOf(s string, n int) string {
	used, end := 0, 0
	for g := displaywidth.StringGraphemes(s); g.Next(); {
		w := textWidth(g.Value())
		if used+w > n {
			break
		}
		used += w
		end += len(g.Value())
	}
	return s[:end]
}
