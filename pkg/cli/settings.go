package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// settingsFile is the value of the root's persistent --config flag: the
// config file a command reads, and the environment it reads with it, so
// that every command finds both through the command it runs.
type settingsFile struct {
	path   string // --config; empty: config.yaml in the config folder
	getenv func(string) string
}

func (s *settingsFile) String() string     { return s.path }
func (s *settingsFile) Set(v string) error { s.path = v; return nil }
func (s *settingsFile) Type() string       { return "file" }

// addConfigFlag gives the root its persistent --config flag.
func addConfigFlag(root *cobra.Command, f *Factory) {
	root.PersistentFlags().Var(&settingsFile{getenv: f.Getenv}, "config",
		"read settings from `FILE` (default: config.yaml in "+auth.EnvConfigDir+", else in the user config folder's emtime)")
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
}

// settingsFileOf finds the settings file of the root cmd runs under; nil
// for a command built without the root (as tests of flag parsing build
// them), which reads no file and no environment.
func settingsFileOf(cmd *cobra.Command) *settingsFile {
	if fl := cmd.Flag("config"); fl != nil {
		if s, ok := fl.Value.(*settingsFile); ok {
			return s
		}
	}
	return nil
}

// configPath is the config file to read, and whether the user named it.
func (s *settingsFile) configPath() (path string, named bool, err error) {
	if s.path != "" {
		return s.path, true, nil
	}
	dir, err := auth.ConfigDir(s.getenv)
	if err != nil {
		return "", false, err
	}
	return filepath.Join(dir, config.FileName), false, nil
}

// configFlag is the --config flag a hint's command needs to reach the file
// at path: none for the config folder's own file.
func configFlag(path string, named bool) string {
	if !named {
		return ""
	}
	if strings.ContainsAny(path, " \t'\"\\$`") {
		return " --config " + strconv.Quote(path)
	}
	return " --config " + path
}

// load reads the config file. A file the user did not name with --config
// may be absent, and found is false: the defaults stand.
func (s *settingsFile) load() (cfg *config.File, path string, found bool, err error) {
	path, named, err := s.configPath()
	if err != nil {
		return config.Default(), "", false, nil // no config folder: no file to read
	}
	cfg, err = config.Load(path)
	switch {
	case err == nil:
		return cfg, path, true, nil
	case errors.Is(err, os.ErrNotExist) && !named:
		return config.Default(), path, false, nil
	case errors.Is(err, os.ErrNotExist):
		return nil, path, false, withHint(fmt.Errorf("config file %s does not exist", path),
			"write a commented one with 'emtime config init"+configFlag(path, true)+"'")
	case config.IsError(err):
		return nil, path, false, withHint(err,
			"fix the file, or write a fresh commented one over it with 'emtime config init --force"+configFlag(path, named)+"'")
	}
	return nil, path, false, err
}

// settingsInForce are the settings a command runs with, where each came
// from, and the config file they were read from.
type settingsInForce struct {
	*config.Resolved
	// File is the config file read, or that would be read; empty when
	// there is no config folder. Found is whether it was there.
	File  string
	Found bool
	// layers are what the settings were resolved from, to resolve them
	// again with a calendar's mailbox settings ([loadPlan.withMailbox]).
	layers config.Layers
}

// resolveSettings reads the settings of cmd: its flags over the
// environment over the config file over the defaults (see
// [config.Resolve]); provider is whose calendars the setting calendars
// holds. The file is read once. A mistake in a flag is a usage error; one
// in the file or the environment an error (exit 1): the command line
// itself is right.
func resolveSettings(cmd *cobra.Command, provider string) (*settingsInForce, error) {
	l := config.Layers{Flag: flagValues(cmd.Flags()), Provider: provider}
	out := &settingsInForce{}
	if sf := settingsFileOf(cmd); sf != nil {
		cfg, path, found, err := sf.load()
		if err != nil {
			return nil, err
		}
		l.File, l.Getenv, out.File, out.Found = cfg, sf.getenv, path, found
	}
	r, err := config.Resolve(l)
	if _, ok := errors.AsType[*config.FlagError](err); ok {
		return nil, usageError{err}
	}
	if err != nil {
		return nil, err
	}
	out.Resolved, out.layers = r, l
	return out, nil
}

// flagValues reads the flags of fs that the command line gave, as
// [config.Layers] asks: each value of a repeatable flag, else the one.
func flagValues(fs *pflag.FlagSet) func(string) ([]string, bool) {
	return func(name string) ([]string, bool) {
		fl := fs.Lookup(name)
		if fl == nil || !fl.Changed {
			return nil, false
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			return sv.GetSlice(), true
		}
		return []string{fl.Value.String()}, true
	}
}
