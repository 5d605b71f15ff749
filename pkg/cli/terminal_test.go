package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clipperhouse/displaywidth"
	"github.com/emtime/emtime/pkg/cli"
)

// terminalRun runs emtime as on a terminal width columns wide (0: a pipe)
// whose locale is UTF-8, with colour off, on Wednesday 18 March 2026, and
// returns standard output.
func terminalRun(t *testing.T, width int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	ios := &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut,
		OutTTY: width > 0, Width: width, UTF8: true, NoColor: true}
	env := map[string]string{"EMTIME_CONFIG_DIR": t.TempDir(), "HOME": t.TempDir(), "TZ": "UTC"}
	f := &cli.Factory{IO: ios, Now: func() time.Time { return time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC) },
		Getenv: func(k string) string { return env[k] }}
	if code := cli.Main(args, f); code != cli.ExitOK {
		t.Fatalf("emtime %s exited %d:\n%s", strings.Join(args, " "), code, errOut.String())
	}
	return out.String()
}

var escape = regexp.MustCompile("\x1b\\[[0-9;]*m")

// widest is the widest line of s, in the columns a terminal draws it in:
// a CJK character, an emoji or a flag two, a letter with its combining
// accent one (what tmux 3.3 does with the titles of titles.ics).
func widest(s string) (int, string) {
	n, line := 0, ""
	for l := range strings.SplitSeq(s, "\n") {
		if w := displaywidth.String(escape.ReplaceAllString(l, "")); w > n {
			n, line = w, l
		}
	}
	return n, line
}

// TestTerminalScreens checks what a new user reads first, at 60, 80 and
// 120 columns and through a pipe: no line of a screen is wider than the
// terminal, for every demo persona, and each screen is a golden file under
// testdata/terminal (rewrite them with `go test ./pkg/cli -update` and
// review the diff).
func TestTerminalScreens(t *testing.T) {
	type screen struct {
		name  string
		width int // 0: a pipe
		args  []string
	}
	var screens []screen
	for _, p := range []string{"ic", "hybrid", "em", "overloaded", "promoted"} {
		screens = append(screens,
			screen{"analyze-" + p + "-80", 80, []string{"analyze", "--demo=" + p}},
			screen{"analyze-" + p + "-120", 120, []string{"analyze", "--demo=" + p}},
			screen{"analyze-" + p + "-60", 60, []string{"analyze", "--demo=" + p}},
			screen{"trend-" + p + "-80", 80, []string{"trend", "--demo=" + p}},
			screen{"meetings-" + p + "-80", 80, []string{"meetings", "--demo=" + p, "--target", "ic", "--suggest-moves"}},
		)
	}
	screens = append(screens,
		screen{"analyze-em-pipe", 0, []string{"analyze", "--demo"}},
		screen{"events-em-80", 80, []string{"events", "--demo"}},
		screen{"events-em-120", 120, []string{"events", "--demo"}},
		screen{"events-em-wide-80", 80, []string{"events", "--demo", "--wide"}},
		screen{"events-em-pipe", 0, []string{"events", "--demo"}},
		screen{"events-overloaded-80", 80, []string{"events", "--demo=overloaded", "--show-commits"}},
	)
	// Titles in CJK, with emoji and flags, with combining accents.
	titles := filepath.Join("..", "..", "testdata", "terminal", "titles.ics")
	for _, w := range []int{80, 60} {
		n := strconv.Itoa(w)
		screens = append(screens,
			screen{"meetings-titles-" + n, w, []string{"meetings", "--ics", titles, "--me", "me@x.com", "--from", "2026-03-02", "--to", "2026-03-15"}},
			screen{"events-titles-" + n, w, []string{"events", "--ics", titles, "--me", "me@x.com", "--from", "2026-03-02", "--to", "2026-03-08"}},
		)
	}
	dir := filepath.Join("..", "..", "testdata", "terminal")
	for _, s := range screens {
		t.Run(s.name, func(t *testing.T) {
			got := terminalRun(t, s.width, s.args...)
			if n, line := widest(got); s.width > 0 && n > s.width {
				t.Errorf("a line is %d columns wide on a terminal of %d:\n%s", n, s.width, line)
			}
			path := filepath.Join(dir, s.name+".txt")
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (write it with -update)", err)
			}
			if got != string(want) {
				t.Errorf("emtime %s at %d columns differs from %s (rewrite it with -update and review the diff):\n%s",
					strings.Join(s.args, " "), s.width, path, got)
			}
		})
	}
}

// TestPipeIsPlain checks that what a pipe gets has no colour and no
// character outside ASCII but the text's own, and that --ascii and a
// locale that is not UTF-8 give the same plain characters on a terminal,
// while NO_COLOR only drops the colour.
func TestPipeIsPlain(t *testing.T) {
	drawing := regexp.MustCompile("[━─█░▒▓│┌┐└┘├┤┬┴┼]")
	pipe := terminalRun(t, 0, "analyze", "--demo")
	if drawing.MatchString(pipe) || strings.Contains(pipe, "\x1b") {
		t.Errorf("piped output has block characters or escapes:\n%s", pipe)
	}
	ascii := terminalRun(t, 80, "analyze", "--demo", "--ascii")
	if drawing.MatchString(ascii) {
		t.Errorf("--ascii on a terminal draws block characters:\n%s", ascii)
	}
	if !strings.Contains(ascii, "+--") || !strings.Contains(ascii, "==") {
		t.Errorf("--ascii on a terminal lost its table or bars:\n%s", ascii)
	}
	// The sentences are ASCII too: a dash is "-", a cut title ends with
	// "..."; only the calendar's own text (the demo's titles have "×")
	// keeps its characters.
	notASCII := regexp.MustCompile("[^\x00-\x7f×]")
	for _, args := range [][]string{
		{"analyze", "--demo"}, {"analyze", "--demo=overloaded"}, {"trend", "--demo=promoted"},
		{"meetings", "--demo", "--target", "ic", "--suggest-moves"}, {"events", "--demo"},
	} {
		for _, width := range []int{0, 80} {
			out := terminalRun(t, width, append(args, "--ascii")...)
			if width == 0 {
				out = terminalRun(t, 0, args...)
			}
			if m := notASCII.FindString(out); m != "" {
				t.Errorf("emtime %s (width %d, plain) prints %q:\n%s", strings.Join(args, " "), width, m, out)
			}
		}
	}
	rich := terminalRun(t, 80, "analyze", "--demo")
	if !drawing.MatchString(rich) || strings.Contains(rich, "\x1b") {
		t.Errorf("NO_COLOR on a UTF-8 terminal: want block characters and no colour:\n%s", rich)
	}
}

// TestHelpFitsTheTerminal checks every command's help on an 80-column
// terminal: no line wider, durations as they are typed (2h, not 2h0m0s),
// and --demo's optional persona in words, not in pflag's notation.
func TestHelpFitsTheTerminal(t *testing.T) {
	for _, cmd := range [][]string{
		{}, {"analyze"}, {"events"}, {"trend"}, {"meetings"}, {"calendars"}, {"auth"}, {"auth", "login"},
		{"auth", "status"}, {"auth", "logout"}, {"config"}, {"config", "show"}, {"config", "init"}, {"version"},
		{"cache"}, {"cache", "status"}, {"cache", "clear"},
	} {
		t.Run(strings.Join(append([]string{"emtime"}, cmd...), " "), func(t *testing.T) {
			got := terminalRun(t, 80, append(cmd, "--help")...)
			if n, line := widest(got); n > 80 {
				t.Errorf("a line is %d columns wide:\n%s", n, line)
			}
			if strings.Contains(got, "0m0s") || strings.Contains(got, `string[="`) {
				t.Errorf("help shows Go's or pflag's notation:\n%s", got)
			}
		})
	}
	got := terminalRun(t, 80, "analyze", "--help")
	for _, want := range []string{"--focus-min duration", "(default 2h)", "--demo[=PERSONA]", "(--demo alone: em)", "--timeout duration", "(default 2m)"} {
		if !strings.Contains(got, want) {
			t.Errorf("analyze --help lacks %q:\n%s", want, got)
		}
	}
}

// TestREADMESample checks that the sample output in the README is what
// `emtime analyze --demo` prints on an 80-column terminal on the day the
// scripts run (18 March 2026), so that it cannot drift from the code; with
// -update it rewrites the README's block.
func TestREADMESample(t *testing.T) {
	const marker = "<!-- sample: emtime analyze --demo "
	path := filepath.Join("..", "..", "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	at := strings.Index(readme, marker)
	if at < 0 {
		t.Fatalf("README.md has no %q line before its sample", marker)
	}
	// The block: the indented lines after the marker's line and a blank one.
	from := at + strings.Index(readme[at:], "\n\n") + 2
	to := from
	for to < len(readme) {
		end := strings.IndexByte(readme[to:], '\n')
		if end < 0 {
			end = len(readme) - to
		}
		line := readme[to : to+end]
		if line != "" && !strings.HasPrefix(line, "    ") {
			break
		}
		to += end + 1
	}
	var want strings.Builder
	for line := range strings.SplitSeq(strings.TrimSuffix(terminalRun(t, 80, "analyze", "--demo"), "\n"), "\n") {
		if line == "" {
			want.WriteString("\n")
		} else {
			want.WriteString("    " + line + "\n")
		}
	}
	want.WriteString("\n")
	if *update {
		if err := os.WriteFile(path, []byte(readme[:from]+want.String()+readme[to:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := readme[from:to]; got != want.String() {
		t.Errorf("README.md's sample differs from what emtime prints (rewrite it with -update):\n%s\nwant:\n%s", got, want.String())
	}
}

// TestConfigShowFitsTheTerminal checks that `config show` wraps its long
// values (the keyword lists) to an 80-column terminal, under their key.
func TestConfigShowFitsTheTerminal(t *testing.T) {
	got := terminalRun(t, 80, "config", "show")
	if n, line := widest(got); n > 80 {
		t.Errorf("a line is %d columns wide:\n%s", n, line)
	}
	if !strings.Contains(got, "keywords.out_of_office  ooo, out of office,") || !regexp.MustCompile(`(?m)^ {24}\S.*sick, leave$`).MatchString(got) {
		t.Errorf("the keywords are not wrapped under their key:\n%s", got)
	}
}
