package report

import (
	"strings"
	"testing"
)

// TestTextWidth checks the columns a terminal gives the characters of a
// calendar's titles (what tmux 3.3 draws them in).
func TestTextWidth(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"Weekly sync", 11},
		{"週次定例", 8},
		{"e\u0301", 1},           // e and a combining acute accent
		{"👩‍👩‍👧‍👦", 2},           // four emoji joined into one
		{"🇩🇪", 2},                // a flag
		{"a\u200bb", 2},          // a zero-width space
		{"\x1b[31mem\x1b[0m", 2}, // colour takes no column
		{"▁█▒▲·━–×", 8},          // the chart's glyphs, one each whatever the locale
	} {
		if got := textWidth(c.s); got != c.want {
			t.Errorf("textWidth(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

// TestClip checks that a title cut to n columns takes at most n, ends
// with "…", and is never cut inside a character as a reader sees it.
func TestClip(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"Weekly sync", 20, "Weekly sync"},
		{"Weekly sync", 7, "Weekly…"},
		{"週次定例ミーティング", 9, "週次定例…"},  // 8 columns and the ellipsis
		{"週次定例ミーティング", 10, "週次定例…"}, // a fifth would take 11
		{"Cafe\u0301 re\u0301sume\u0301", 5, "Cafe\u0301…"},
		{"👩‍👩‍👧‍👦👩‍👩‍👧‍👦 sync", 4, "👩‍👩‍👧‍👦…"},
		{"🇩🇪🇯🇵🇫🇷", 5, "🇩🇪🇯🇵…"},
	} {
		got := clip(c.s, c.n)
		if got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
		if textWidth(got) > c.n {
			t.Errorf("clip(%q, %d) takes %d columns", c.s, c.n, textWidth(got))
		}
	}
}

// TestWrapTextWide checks that wrapped text with wide characters keeps
// within the width, and that a word wider than a line (a title in a
// script written without spaces) is cut across lines, losing nothing.
func TestWrapTextWide(t *testing.T) {
	for _, c := range []struct {
		s     string
		width int
		want  string
	}{
		{"1on1 山田さんとの面談 today", 16, "  1on1\n    山田さんとの\n    面談 today\n"},
		{"drop 週次定例ミーティング", 14, "  drop\n    週次定例ミ\n    ーティング\n"},
		{"Cafe\u0301 re\u0301sume\u0301 review", 14, "  Cafe\u0301 re\u0301sume\u0301\n    review\n"},
	} {
		got := wrapText(c.s, c.width, "  ", "    ")
		if got != c.want {
			t.Errorf("wrapText(%q, %d):\n%s\nwant:\n%s", c.s, c.width, got, c.want)
		}
		for l := range strings.SplitSeq(strings.TrimSuffix(got, "\n"), "\n") {
			if textWidth(l) > c.width {
				t.Errorf("wrapText(%q, %d): a line of %d columns: %q", c.s, c.width, textWidth(l), l)
			}
		}
		if strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(c.s), "") {
			t.Errorf("wrapText(%q, %d) lost text: %q", c.s, c.width, got)
		}
	}
}

// TestWrapKeepsURLs checks that an ASCII word wider than a line (a URL, a
// path) is left whole on a line of its own, so that it can be copied.
func TestWrapKeepsURLs(t *testing.T) {
	url := "https://accounts.google.com/o/oauth2/auth?client_id=emtime"
	got := Wrap("open "+url+" to sign in", 30, "", "  ")
	want := "open\n  " + url + "\n  to sign in\n"
	if got != want {
		t.Errorf("Wrap cut a URL:\n%s\nwant:\n%s", got, want)
	}
}
