package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/emtime/emtime/pkg/textsafe"
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown, to paste
// into a document or a 1:1 agenda: a heading with the range and the zone, a
// table of the weeks (capacity in hours and minutes, the meeting, focus and fragmented
// shares, the track), then the verdict for the range and for the current
// week, each with its reasons as a bullet list. Text from the calendar or
// the rules is escaped, so a title or a name cannot break the table or
// become a link.
func WriteMarkdown(w io.Writer, r Report) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Calendar weeks %s to %s (%s)\n\n", mdText(r.Range.From), mdText(r.Range.To), mdText(r.Timezone))
	bands := r.Settings.Bands
	fmt.Fprintf(&b, "Working hours %s. Meetings taking %s–%s of working time are an engineering manager's; focus time of %s–%s is an individual contributor's coding time.",
		mdText(hoursSummary(r.Settings.WorkHours)), pct(bands.EMMeetingMin), pct(bands.EMMeetingMax), pct(bands.ICFocusMin), pct(bands.ICFocusMax))
	if r.HasGit() {
		fmt.Fprintf(&b, " Coding, measured from your commits: %s or more of working time is an individual contributor's, %s or less an engineering manager's.",
			pct(bands.ICFocusMin), pct(bands.EMFocusMax))
	}
	b.WriteString("\n\n")

	cols := mdWeekColumns(r.HasGit(), r.Settings.Bands)
	heads, right := make([]string, len(cols)), make([]bool, len(cols))
	for i, c := range cols {
		heads[i], right[i] = c.header, c.right
	}
	mdTableHead(&b, heads, right)
	for _, wk := range r.Weeks {
		for _, c := range cols {
			b.WriteString("| " + c.cell(wk) + " ")
		}
		b.WriteString("|\n")
	}

	fmt.Fprintf(&b, "\n## Over %s: %s\n\n", plural(r.Range.Weeks, "week"), mdText(trackName(r.Summary.Track)))
	mdReasons(&b, r.Summary.Reasons)
	mdFacts(&b, r.Summary.Tally, r.Settings.Categories)
	if cw := r.Summary.CurrentWeek; cw != nil {
		fmt.Fprintf(&b, "\n## This week (%s, counted as scheduled): %s\n\n", mdText(cw.WeekStart), mdText(trackName(cw.Track)))
		mdReasons(&b, cw.Reasons)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// An mdColumn is a column of the Markdown table of weeks: its header,
// whether it is a number (aligned right), and its cell for a week.
// mdTableHead writes a Markdown table's head: the headers, then the line
// that aligns each column, to the right where right says so.
func mdTableHead(b *bytes.Buffer, heads []string, right []bool) {
	for _, h := range heads {
		b.WriteString("| " + h + " ")
	}
	b.WriteString("|\n")
	for i := range heads {
		if right[i] {
			b.WriteString("| ---: ")
		} else {
			b.WriteString("| --- ")
		}
	}
	b.WriteString("|\n")
}

type mdColumn struct {
	header string
	right  bool
	cell   func(Week) string
}

// mdWeekColumns are the columns of the Markdown table of weeks; a figure
// that should show there is a line here. The coding column shows only with
// git history. A share shows a decimal beside a band's edge it depends on.
func mdWeekColumns(git bool, b Bands) []mdColumn {
	cols := []mdColumn{
		{"Week", false, func(wk Week) string {
			label := mdText(wk.WeekStart)
			if wk.Current {
				label += " (this week)"
			} else if !wk.Full {
				label += " (part)"
			}
			return label
		}},
		{"Capacity", true, func(wk Week) string { return hm(wk.CapacityMinutes) }},
		{"Meetings", true, func(wk Week) string { return pctNear(wk.MeetingShare, b.EMMeetingMin, b.EMMeetingMax) }},
		{"Focus", true, func(wk Week) string { return pctNear(wk.FocusShare, b.EMFocusMax, b.ICFocusMin, b.ICFocusMax) }},
		{"Fragmented", true, func(wk Week) string { return pctOf(wk.FragmentedShare) }},
	}
	if git {
		cols = append(cols, mdColumn{"Coding", true, func(wk Week) string { return mdText(codingCell(wk.Tally, b)) }})
	}
	return append(cols, mdColumn{"Track", false, func(wk Week) string { return mdText(string(wk.Track)) }})
}

// WriteEventsMarkdown writes the events as a GitHub-flavoured Markdown
// table, one row per event with the columns of the terminal table (every
// person named, not only the first), then their number. Titles, people and reasons
// are escaped as in [WriteMarkdown].
func WriteEventsMarkdown(w io.Writer, events []Event) error {
	var b bytes.Buffer
	b.WriteString("| When | Kind | Category | Counts | Title | Reason | People |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, e := range events {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n",
			mdText(when(e)), mdText(e.Kind), mdText(e.Category), mdText(counts(e)),
			mdText(e.Title), mdText(e.Reason), mdText(strings.Join(e.People, ", ")))
	}
	fmt.Fprintf(&b, "\n%s\n", plural(len(events), "event"))
	_, err := w.Write(b.Bytes())
	return err
}

func mdReasons(b *bytes.Buffer, reasons []string) {
	for _, r := range reasons {
		b.WriteString("- " + mdItem(r) + "\n")
	}
	if len(reasons) > 0 {
		b.WriteString("\n")
	}
}

// mdFacts is the range's meetings, focus and people in a sentence or two.
func mdFacts(b *bytes.Buffer, t Tally, categories []string) {
	fmt.Fprintf(b, "%s (%s), %s after hours; %s of booked focus blocks; longest focus stretch %s; %s; %s.\n",
		plural(t.MeetingCount, "meeting"), mdText(categoryLine(categories, t.Categories)), hm(t.AfterHoursMeetingMinutes),
		hm(t.FocusBookedMinutes), hm(t.LongestFocusMinutes),
		plural(t.MeetingFreeDays, "meeting-free day"), plural(t.BackToBackChains, "back-to-back chain"))
	if len(t.TopPeople) > 0 {
		var ps []string
		for _, p := range t.TopPeople {
			ps = append(ps, mdText(p.Person)+" "+hm(p.Minutes))
		}
		fmt.Fprintf(b, "\nMost meeting time with: %s.\n", strings.Join(ps, ", "))
	}
	if c := codingFacts(t); c != "" {
		fmt.Fprintf(b, "\n%s.\n", mdText(capitalize(c)))
	}
}

// mdEscaper backslash-escapes the characters that mean something inline in
// GitHub-flavoured Markdown: emphasis, code, links, autolinks and HTML,
// table cells, strikethrough, entities and maths. CommonMark allows a
// backslash before any ASCII punctuation, so the text renders as typed.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`, `&`, `\&`, `$`, `\$`,
)

// mdText makes user text safe inside a line or a table cell: line breaks
// become spaces, escape sequences and control characters go (see
// [textsafe.Line]) and Markdown-significant characters are escaped.
func mdText(s string) string {
	return mdEscaper.Replace(textsafe.Line(s))
}

// mdItem is [mdText] for text that starts a block, such as a list item: a
// leading marker (a heading's #, a quote's >, a list's -, + or "1.", a
// rule's = or -) is escaped as well, so the text stays one plain item.
func mdItem(s string) string {
	s = strings.TrimLeft(mdText(s), " ")
	if s == "" {
		return s
	}
	if strings.ContainsRune("#>-+=", rune(s[0])) {
		return `\` + s
	}
	digits := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if digits > 0 && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}
