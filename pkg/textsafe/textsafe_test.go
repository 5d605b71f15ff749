package textsafe

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestLineAndText(t *testing.T) {
	tests := []struct {
		name, in, line, text string
	}{
		{"plain", "Planning: Q3 – ünïcode ✓ 日本", "Planning: Q3 – ünïcode ✓ 日本", "Planning: Q3 – ünïcode ✓ 日本"},
		{"empty", "", "", ""},
		{"clear screen", "a\x1b[2Jb", "ab", "ab"},
		{"colour", "\x1b[1;31mred\x1b[0m", "red", "red"},
		{"private CSI", "x\x1b[?25ly", "xy", "xy"},
		{"C1 CSI", "x\u009b2Jy", "xy", "xy"},
		{"OSC 8 hyperlink, BEL", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click", "click"},
		{"OSC 8 hyperlink, ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click", "click"},
		{"window title, C1 OSC and ST", "\u009d0;pwned\u009cok", "ok", "ok"},
		{"OSC left open", "ok\x1b]0;title never ends", "ok", "ok"},
		{"DCS", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab", "ab"},
		{"APC", "a\x1b_hidden\x1b\\b", "ab", "ab"},
		{"reset", "a\x1bcb", "ab", "ab"},
		{"charset", "a\x1b(Bb", "ab", "ab"},
		{"lone ESC at the end", "ab\x1b", "ab", "ab"},
		{"ESC before a line break", "a\x1b\nb", "a b", "a\nb"},
		{"BEL", "ding\x07dong", "dingdong", "dingdong"},
		{"backspace", "safe\b\b\b\bevil", "safeevil", "safeevil"},
		{"NUL and DEL", "a\x00b\x7fc", "abc", "abc"},
		{"C1 other", "a\u0080\u0094b", "ab", "ab"},
		{"tab", "a\tb", "a b", "a b"},
		{"LF", "one\ntwo", "one two", "one\ntwo"},
		{"CR LF", "one\r\ntwo", "one two", "one\ntwo"},
		{"lone CR", "shown\rhidden", "shown hidden", "shown hidden"},
		{"CR CR LF", "a\r\r\nb", "a  b", "a \nb"},
		{"VT FF NEL", "a\vb\fc\u0085d", "a b c d", "a b c d"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a b c", "a b c"},
		{"bidi override", "invoice\u202egpj.exe", "invoicegpj.exe", "invoicegpj.exe"},
		{"bidi embeddings and isolates", "\u202aa\u202bb\u202cc\u202dd\u2066e\u2067f\u2068g\u2069", "abcdefg", "abcdefg"},
		{"marks stay", "\u200ea\u200f", "\u200ea\u200f", "\u200ea\u200f"},
		{"invalid UTF-8", "a\xffb\xc2", "a\ufffdb\ufffd", "a\ufffdb\ufffd"},
		{"raw C1 byte", "a\x9b2Jb", "a\ufffd2Jb", "a\ufffd2Jb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Line(tt.in); got != tt.line {
				t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.line)
			}
			if got := Text(tt.in); got != tt.text {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.text)
			}
			if Has(tt.in) != (tt.in != tt.line) {
				t.Errorf("Has(%q) = %v, but Line changes it: %v", tt.in, Has(tt.in), tt.in != tt.line)
			}
		})
	}
}

func TestLineDoesNotCopyCleanText(t *testing.T) {
	s := strings.Repeat("nothing to take out here ", 100)
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line allocated %v times on clean text", n)
	}
}

// FuzzLine checks what a terminal could be told by any string once
// cleaned: no control character, no bidi override, valid UTF-8, no line
// break from Line and none but "\n" from Text; and that cleaning twice
// changes nothing.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"plain", "a\x1b[2Jb", "\x1b]8;;https://x\x07y\x1b]8;;\x07", "\u009b31m", "\u202e", "a\r\nb", "\xff", "\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Go's fuzzer has no timeout per input: a loop that stopped
		// moving on would stall the run instead of failing it.
		type cleaned struct{ line, text string }
		done := make(chan cleaned, 1)
		go func() { done <- cleaned{Line(s), Text(s)} }()
		var c cleaned
		select {
		case c = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Line and Text ran for over 10s on %d bytes: %q", len(s), s)
		}
		line, text := c.line, c.text
		for name, out := range map[string]string{"Line": line, "Text": text} {
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q is not UTF-8", name, s, out)
			}
			for _, r := range out {
				if r == '\n' && name == "Text" {
					continue
				}
				if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' ||
					r == '\u2028' || r == '\u2029' {
					t.Fatalf("%s(%q) = %q holds %s", name, s, out, strconv.QuoteRune(r))
				}
			}
			if Has(out) && name == "Line" {
				t.Fatalf("Has(Line(%q)) is true: %q", s, out)
			}
		}
		if again := Line(line); again != line {
			t.Fatalf("Line is not idempotent on %q: %q, then %q", s, line, again)
		}
		if again := Text(text); again != text {
			t.Fatalf("Text is not idempotent on %q: %q, then %q", s, text, again)
		}
		if strings.ReplaceAll(text, "\n", " ") != line {
			t.Fatalf("Text(%q) = %q and Line = %q differ beyond line breaks", s, text, line)
		}
	})
}

func TestJSON(t *testing.T) {
	v := map[string]string{"title": "a\x7fb\u009b31mc\u202ed\u2066e ünï ✓", "plain": "x"}
	doc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	safe := JSON(doc)
	for _, r := range string(safe) {
		if r >= 0x7f && drop(r) {
			t.Errorf("JSON left %q in %s", r, safe)
		}
	}
	want := `{"plain":"x","title":"a\u007fb\u009b31mc\u202ed\u2066e ünï ✓"}`
	if string(safe) != want {
		t.Errorf("JSON = %s, want %s", safe, want)
	}
	var back map[string]string
	if err := json.Unmarshal(safe, &back); err != nil || back["title"] != v["title"] {
		t.Errorf("decodes to %q (%v), want %q", back["title"], err, v["title"])
	}
	clean := []byte(`{"a":"plain ünï"}`)
	if got := JSON(clean); &got[0] != &clean[0] {
		t.Error("JSON copied a document with nothing to escape")
	}
}
