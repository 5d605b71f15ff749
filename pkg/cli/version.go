package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emtime/emtime/pkg/buildinfo"
	"github.com/spf13/cobra"
)

// VersionOptions are the flags of `emtime version`.
type VersionOptions struct {
	IO     *IOStreams
	Output string
	Info   buildinfo.Info
}

// NewCmdVersion builds `emtime version`. runF replaces the run function in
// tests of flag parsing.
func NewCmdVersion(f *Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Prints the version, the commit and the build date of a release binary, as
set when it was built; for a binary built with 'go install', the module
version and the commit and time the Go toolchain recorded.`,
		Example: `  emtime version
  emtime version -o json | jq -r .version`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(opts.Output, textOrJSON); err != nil {
				return err
			}
			opts.Info = buildinfo.Read()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(opts)
		},
	}
	addOutputFlag(cmd, &opts.Output, textOrJSON)
	return cmd
}

func versionRun(opts *VersionOptions) error {
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(opts.Info.Shown())
	}
	_, err := fmt.Fprint(opts.IO.Out, opts.Info.String())
	return err
}

// setVersion makes `emtime --version` print what `emtime version` prints.
func setVersion(root *cobra.Command) {
	info := buildinfo.Read()
	root.Version = info.Version
	// The template is text/template: keep braces in the text as text.
	root.SetVersionTemplate(strings.ReplaceAll(info.String(), "{{", `{{"{{"}}`))
}
