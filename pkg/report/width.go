package report

import (
	"strings"

	"github.com/clipperhouse/displaywidth"
)

// textWidth is the number of terminal columns s takes, counted by the
// characters a reader sees (grapheme clusters): an East Asian wide one (CJK,
// an emoji, a flag, emoji joined into one) two columns, a letter with its
// combining accents one, a zero-width one none, a colour escape none. The
// East Asian ambiguous characters (the chart's glyphs among them) are one
// column whatever the locale, so a screen does not change with the
// environment. The tables' library counts code points instead (a flag four
// columns, a family of joined emoji eight), which is why the tables that
// show calendar text are laid out here, not by it.
func textWidth(s string) int {
	if strings.IndexByte(s, '\x1b') < 0 {
		return displaywidth.String(s)
	}
	var b strings.Builder
	esc := false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc:
			esc = r != 'm'
		default:
			b.WriteRune(r)
		}
	}
	return displaywidth.String(b.String())
}

// clip shortens s to at most n columns, ending with "…" when it was cut.
// It cuts between characters as a reader sees them (a letter with its
// accents, an emoji with its joined parts), never inside one.
func clip(s string, n int) string { return clipTail(s, n, "…") }

// clipTail is clip ending with tail instead.
func clipTail(s string, n int, tail string) string {
	if textWidth(s) <= n {
		return s
	}
	return headOf(s, max(n-textWidth(tail), 0)) + tail
}

// ellipsis ends a clipped text: "…", or "..." in plain ASCII.
func ellipsis(st Style) string { return pick(st, "…", "...") }

// plainDashes writes the dashes of the sentences as ASCII ("50%-75%",
// "overloaded - more meetings"), for a report without st.Unicode; each
// keeps its one column, so a laid-out table stays in line.
func plainDashes(s string) string {
	return strings.NewReplacer("–", "-", "—", "-").Replace(s)
}

// padRight pads s with blanks to n columns.
func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(n-textWidth(s), 0))
}
