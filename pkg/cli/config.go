package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/atomicfile"
	"github.com/emtime/emtime/pkg/config"
	"github.com/emtime/emtime/pkg/report"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/spf13/cobra"
)

// NewCmdConfig builds `emtime config` and its subcommands.
func NewCmdConfig(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Write the config file, and show the settings in force",
		Long: `emtime keeps its settings in a YAML file: config.yaml in the config folder
($EMTIME_CONFIG_DIR, else the user config folder's emtime, such as
~/.config/emtime on Linux), or the file --config names.

A flag wins over the environment (EMTIME_TZ, EMTIME_ME, EMTIME_WORK_HOURS,
EMTIME_WORK_DAYS, EMTIME_GIT with paths separated as in PATH), the
environment over the file, the file over the defaults; for a Microsoft 365
calendar, the working hours set in Outlook stand between the file and the
defaults. A file with a mistake stops every command with the file, the line
and the key.`,
		Args: groupArgs,
		RunE: groupHelp,
	}
	cmd.AddCommand(NewCmdConfigInit(f, nil))
	cmd.AddCommand(NewCmdConfigShow(f, nil))
	return cmd
}

// ConfigInitOptions are the flags of `emtime config init`.
type ConfigInitOptions struct {
	IO    *IOStreams
	Force bool
	// Path is where to write: --config, else the config folder's file.
	Path string
	// Named is whether --config named the path, so that the hints name it
	// too.
	Named bool
}

// NewCmdConfigInit builds `emtime config init`.
func NewCmdConfigInit(f *Factory, runF func(context.Context, *ConfigInitOptions) error) *cobra.Command {
	opts := &ConfigInitOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented config file with every default",
		Long: `Writes a config file holding every default, with a comment on what each key
means, to config.yaml in the config folder or to the file --config names.
It will not overwrite a file that is there unless --force is given. The file
is readable by you only (0600), in a folder that is yours only (0700).`,
		Example: `  emtime config init
  emtime config init --config ./emtime.yaml
  emtime config init --force`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src := settingsFileOf(cmd)
			if src == nil {
				src = &settingsFile{getenv: f.Getenv}
			}
			path, named, err := src.configPath()
			if err != nil {
				return withHint(err, "name the file with --config FILE")
			}
			opts.Path, opts.Named = path, named
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configInitRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite a config file that is there")
	return cmd
}

func configInitRun(opts *ConfigInitOptions) error {
	if err := writeConfig(opts.Path, config.DefaultYAML, opts.Force); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return withHint(fmt.Errorf("%s already exists; not overwriting it", opts.Path),
				"see what it says with 'emtime config show"+configFlag(opts.Path, opts.Named)+"', or replace it with the defaults with 'emtime config init --force"+configFlag(opts.Path, opts.Named)+"'")
		}
		return fmt.Errorf("write config: %w", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "emtime: wrote %s; edit it, then check it with 'emtime config show%s'\n",
		textsafe.Line(opts.Path), textsafe.Line(configFlag(opts.Path, opts.Named)))
	return nil
}

// writeConfig writes data to path with mode 0600, making its folder with
// mode 0700. Without force an existing file is an error wrapping
// fs.ErrExist; with force it is replaced whole through a rename.
func writeConfig(path string, data []byte, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if force {
		return atomicfile.Write(path, data, 0o600)
	}
	return atomicfile.WriteNew(path, data, 0o600)
}

// ConfigShowOptions are the flags of `emtime config show`.
type ConfigShowOptions struct {
	IO *IOStreams
	// loading is analyze's, so that show refuses what analyze would.
	loading
	Output string

	// settings are the settings in force, filled before the run function.
	settings *settingsInForce
	factory  *Factory
}

// NewCmdConfigShow builds `emtime config show`.
func NewCmdConfigShow(f *Factory, runF func(context.Context, *ConfigShowOptions) error) *cobra.Command {
	opts := &ConfigShowOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the settings in force and where each came from",
		Long: `Prints every setting analyze and events would use, and where it came from:
default, config (with the line of the file), environment (with the
variable), flag, or the working hours set in Outlook (microsoft mailbox
settings), which it reads from Microsoft 365 when that is the calendar read
and nothing else sets them. It takes the same setting flags as analyze, to
see what a command line would change. A config file with a mistake is an
error here as everywhere.`,
		Example: `  emtime config show
  EMTIME_TZ=Asia/Tokyo emtime config show --work-days sun-thu
  emtime config show -o json | jq '.settings[] | select(.source != "default")'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(opts.Output, tableOrJSON); err != nil {
				return err
			}
			// The same check as analyze's, so that show shows nothing
			// that analyze would refuse.
			p, err := checkLoad(cmd, &opts.Source, &opts.Range)
			if err != nil {
				return err
			}
			opts.settings, opts.plan = p.inForce, p
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configShowRun(cmd.Context(), opts)
		},
	}
	opts.addFlags(cmd, 4)
	// The calendar and the range are not settings.
	for _, name := range []string{"ics", "demo", "from", "to", "weeks"} {
		_ = cmd.Flags().MarkHidden(name)
	}
	addOutputFlag(cmd, &opts.Output, tableOrJSON)
	return cmd
}

// configShown is `config show -o json`.
type configShown struct {
	ConfigFile  string           `json:"config_file"`
	ConfigFound bool             `json:"config_found"`
	Settings    []config.Setting `json:"settings"`
}

func configShowRun(ctx context.Context, opts *ConfigShowOptions) error {
	if opts.plan != nil {
		opts.plan.showMailbox(ctx, opts.factory)
	}
	set := opts.settings
	if opts.Output == "json" {
		return writeJSON(opts.IO.Out, configShown{set.File, set.Found, set.Settings})
	}
	switch {
	case set.File == "":
		fmt.Fprintf(opts.IO.Out, "config file: none\n\n")
	case set.Found:
		fmt.Fprintf(opts.IO.Out, "config file: %s\n\n", textsafe.Line(set.File))
	default:
		fmt.Fprint(opts.IO.Out, report.Wrap(fmt.Sprintf("config file: %s (not there: write one with 'emtime config init')", textsafe.Line(set.File)), opts.IO.Width, "", "  ")+"\n")
	}
	// On a terminal a long value is wrapped to the width its column has
	// left, on lines of its own under the key.
	valueWidth := 0
	if w := opts.IO.Width; w > 0 {
		keyW, srcW := len("KEY"), len("SOURCE")
		for _, s := range set.Settings {
			keyW, srcW = max(keyW, utf8.RuneCountInString(s.Key)), max(srcW, utf8.RuneCountInString(originWords(s)))
		}
		valueWidth = max(w-keyW-srcW-4, 20)
	}
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, s := range set.Settings {
		// A keyword or a category name is the file's text: one cell, no
		// control character.
		value := textsafe.Line(s.Shown)
		lines := []string{value}
		if valueWidth > 0 && utf8.RuneCountInString(value) > valueWidth {
			lines = strings.Split(strings.TrimSuffix(report.Wrap(value, valueWidth, "", ""), "\n"), "\n")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, lines[0], originWords(s))
		for _, more := range lines[1:] {
			fmt.Fprintf(tw, "\t%s\t\n", more)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for line := range strings.SplitSeq(strings.TrimSuffix(table.String(), "\n"), "\n") {
		fmt.Fprintln(opts.IO.Out, strings.TrimRight(line, " "))
	}
	return nil
}

// originWords says where a setting came from: "config, line 7",
// "environment, EMTIME_TZ", "flag, --tz", "default", or several of them,
// strongest first, when each gave a part ("flag, --work-days; environment,
// EMTIME_WORK_HOURS" for the days of a flag and the hours of a variable).
func originWords(s config.Setting) string {
	var parts []string
	if s.Flag != "" {
		parts = append(parts, fmt.Sprintf("%s, %s", config.OriginFlag, s.Flag))
	}
	if s.Env != "" {
		parts = append(parts, fmt.Sprintf("%s, %s", config.OriginEnv, s.Env))
	}
	if s.Line > 0 {
		parts = append(parts, fmt.Sprintf("%s, line %d", config.OriginConfig, s.Line))
	}
	if s.Mailbox != "" {
		parts = append(parts, s.Mailbox)
	}
	if len(parts) == 0 {
		return string(s.Origin)
	}
	return strings.Join(parts, "; ")
}
