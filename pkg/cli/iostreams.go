package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strconv"
	"strings"

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
	// NoColor is true when NO_COLOR is set to anything but the empty
	// string (https://no-color.org).
	NoColor bool
}

// System returns the process' own streams.
func System() *IOStreams {
	noColor := os.Getenv("NO_COLOR") != ""
	outTTY := term.IsTerminal(int(os.Stdout.Fd()))
	return &IOStreams{
		In:      os.Stdin,
		Out:     os.Stdout,
		ErrOut:  os.Stderr,
		InTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY:  outTTY,
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		Width:   terminalWidth(outTTY, func() (int, int, error) { return term.GetSize(int(os.Stdout.Fd())) }, os.Getenv("COLUMNS")),
		NoColor: noColor,
	}
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
