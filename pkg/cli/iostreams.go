package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"

	"github.com/emtime/emtime/pkg/textsafe"
	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes, and what
// is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// OutTTY and ErrTTY are true when the stream is a terminal.
	OutTTY bool
	ErrTTY bool
	// NoColor is true when NO_COLOR is set to anything but the empty
	// string (https://no-color.org).
	NoColor bool
}

// System returns the process' own streams.
func System() *IOStreams {
	noColor := os.Getenv("NO_COLOR") != ""
	return &IOStreams{
		In:      os.Stdin,
		Out:     os.Stdout,
		ErrOut:  os.Stderr,
		OutTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		NoColor: noColor,
	}
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
