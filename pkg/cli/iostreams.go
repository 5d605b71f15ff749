package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/report"
	"github.com/emtime/emtime/pkg/textsafe"
	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes, and what
// is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InTTY, OutTTY and ErrTTY are true when the stream is a terminal.
	InTTY  bool
	OutTTY bool
	ErrTTY bool
	// Width is the width of the terminal on standard output, in columns;
	// 0 when standard output is not a terminal.
	Width int
	// ErrWidth is the width of the terminal on standard error, in
	// columns; 0 when standard error is not a terminal.
	ErrWidth int
	// NoColor is true when NO_COLOR is set to anything but the empty
	// string (https://no-color.org): it drops colour, nothing else.
	NoColor bool
	// UTF8 is true when the locale's characters are UTF-8 (LC_ALL, else
	// LC_CTYPE, else LANG names it): a terminal then shows block
	// characters and box drawing.
	UTF8 bool
	// ASCII is --ascii: plain ASCII characters on a terminal too.
	ASCII bool
}

// System returns the process' own streams.
func System() *IOStreams {
	noColor := os.Getenv("NO_COLOR") != ""
	outTTY := term.IsTerminal(int(os.Stdout.Fd()))
	errTTY := term.IsTerminal(int(os.Stderr.Fd()))
	errWidth := terminalWidth(errTTY, func() (int, int, error) { return term.GetSize(int(os.Stderr.Fd())) }, os.Getenv("COLUMNS"))
	var errOut io.Writer = os.Stderr
	if errWidth > 0 {
		errOut = &wrapWriter{w: os.Stderr, width: errWidth}
	}
	return &IOStreams{
		In:       os.Stdin,
		Out:      os.Stdout,
		ErrOut:   errOut,
		InTTY:    term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY:   outTTY,
		ErrTTY:   errTTY,
		Width:    terminalWidth(outTTY, func() (int, int, error) { return term.GetSize(int(os.Stdout.Fd())) }, os.Getenv("COLUMNS")),
		ErrWidth: errWidth,
		NoColor:  noColor,
		UTF8:     utf8Locale(runtime.GOOS, os.Getenv),
	}
}

// utf8Locale reports whether the locale's characters are UTF-8: the first
// of LC_ALL, LC_CTYPE and LANG that is set names a UTF-8 codeset
// ("en_US.UTF-8", "C.utf8"). None set is the C locale, ASCII. Windows
// consoles show Unicode whatever the variables say.
func utf8Locale(goos string, getenv func(string) string) bool {
	if goos == "windows" {
		return true
	}
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// defaultWidth is the width of a terminal that does not say its own.
const defaultWidth = 80

// terminalWidth is the width of standard output: what the terminal says
// (size), else $COLUMNS, else 80; 0 when it is not a terminal.
func terminalWidth(tty bool, size func() (width, height int, err error), columns string) int {
	if !tty {
		return 0
	}
	if w, _, err := size(); err == nil && w > 0 {
		return w
	}
	if w, err := strconv.Atoi(strings.TrimSpace(columns)); err == nil && w > 0 {
		return w
	}
	return defaultWidth
}

// wrapWriter writes messages to a terminal with their lines wrapped at
// word boundaries to its width, the lines after the first indented. A
// write that does not end a line (a prompt) is written as it is.
type wrapWriter struct {
	w     io.Writer
	width int
}

func (ww *wrapWriter) Write(p []byte) (int, error) {
	s := string(p)
	if !strings.HasSuffix(s, "\n") {
		return ww.w.Write(p)
	}
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimSuffix(s, "\n"), "\n") {
		if utf8.RuneCountInString(line) <= ww.width || strings.TrimSpace(line) == "" {
			b.WriteString(line + "\n")
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		b.WriteString(report.Wrap(line, ww.width, indent, indent+"    "))
	}
	if _, err := io.WriteString(ww.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Test returns streams on buffers, none of them a terminal.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// writeJSON writes v as one indented JSON document, with the characters a
// terminal would obey escaped (see [textsafe.JSON]): what a server or a
// file said is kept exactly, and cannot drive the terminal it is shown on.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(textsafe.JSON(b.Bytes()))
	return err
}
