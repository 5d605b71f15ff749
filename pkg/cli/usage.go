package cli

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usage writes a command's usage, as Cobra's would, but with the flags'
// descriptions wrapped to the terminal's width (width; 0 wraps nothing)
// and a flag whose value is optional shown as --demo[=PERSONA].
func usage(w io.Writer, c *cobra.Command, width int) error {
	var b strings.Builder
	b.WriteString("Usage:")
	if c.Runnable() {
		b.WriteString("\n  " + c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " [command]")
	}
	if c.HasExample() {
		b.WriteString("\n\nExamples:\n" + c.Example)
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\nAvailable Commands:")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(&b, "\n  %-*s %s", sub.NamePadding(), sub.Name(), sub.Short)
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nFlags:\n" + flagUsages(c.LocalFlags(), width))
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString("\n\nGlobal Flags:\n" + flagUsages(c.InheritedFlags(), width))
	}
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(&b, "\n\nUse \"%s [command] --help\" for more information about a command.", c.CommandPath())
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// optionalValue is how pflag shows a flag whose value may be left out:
// `--demo PERSONA[="em"]`.
var optionalValue = regexp.MustCompile(`--([\w-]+) (\w+)\[="[^"]*"\]`)

// flagUsages lists the flags of fs, their descriptions wrapped to width.
func flagUsages(fs *pflag.FlagSet, width int) string {
	s := fs.FlagUsagesWrapped(width)
	s = optionalValue.ReplaceAllStringFunc(s, func(m string) string {
		sub := optionalValue.FindStringSubmatch(m)
		shown := "--" + sub[1] + "[=" + sub[2] + "]"
		return shown + strings.Repeat(" ", max(len(m)-len(shown), 0))
	})
	return strings.TrimRight(s, " \n")
}

// durationFlag is a duration flag whose default reads as it is typed:
// "2h", "30m", not "2h0m0s"; a value given reads as it was given, for the
// settings to quote.
type durationFlag struct {
	d     *time.Duration
	given *string
}

// durationVar adds a duration flag that shows its default as typed.
func durationVar(fs *pflag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(&durationFlag{d: p, given: new(string)}, name, usage)
}

func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration like 2h or 90m", s)
	}
	*f.d, *f.given = d, s
	return nil
}

func (f *durationFlag) Type() string { return "duration" }

func (f *durationFlag) String() string {
	switch {
	case f.d == nil:
		return "0"
	case f.given != nil && *f.given != "":
		return *f.given
	}
	return shortDuration(*f.d)
}

// shortDuration writes d as a person types it: 2h, 90m as 1h30m, 30m, 45s.
func shortDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
