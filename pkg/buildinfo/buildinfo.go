// Package buildinfo says which emtime this is: the version, commit and
// build date the release build sets at link time, or, for a binary built
// by `go install …@version` or `go build`, what the Go toolchain recorded
// in it (the module version, vcs.revision and vcs.time).
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set at link time by the release build and scripts/cross-build.sh:
//
//	-ldflags "-X github.com/emtime/emtime/pkg/buildinfo.version=1.2.3
//	          -X github.com/emtime/emtime/pkg/buildinfo.commit=<sha>
//	          -X github.com/emtime/emtime/pkg/buildinfo.date=<RFC 3339>"
//
// Only the linker writes them; nothing else in the program may.
var (
	version string
	commit  string
	date    string
)

// Info is which emtime this is.
type Info struct {
	// Version is "1.2.3" for a release, the module version for
	// `go install …@v1.2.3` (without its v), else "dev".
	Version string `json:"version"`
	// Commit is the revision built from; empty when unknown.
	Commit string `json:"commit"`
	// Date is when the release was built, or the commit's time for a
	// toolchain build; RFC 3339, empty when unknown.
	Date string `json:"date"`
	// Modified is true when built from a work tree with uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// GoVersion and Platform are the toolchain and the target,
	// "go1.26.8" and "linux/amd64".
	GoVersion string `json:"go"`
	Platform  string `json:"platform"`
}

// Read returns the link-time values, each completed from the build info
// the toolchain recorded when it was not set.
func Read() Info {
	bi, _ := debug.ReadBuildInfo()
	return from(version, commit, date, bi)
}

// from is Read with its inputs given; bi may be nil.
func from(version, commit, date string, bi *debug.BuildInfo) Info {
	i := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			i.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && i.Commit == "":
				i.Commit = s.Value
			case s.Key == "vcs.time" && i.Date == "":
				i.Date = s.Value
			case s.Key == "vcs.modified":
				i.Modified = s.Value == "true"
			}
		}
		if bi.GoVersion != "" {
			i.GoVersion = bi.GoVersion
		}
	}
	if len(i.Version) > 1 && i.Version[0] == 'v' && i.Version[1] >= '0' && i.Version[1] <= '9' {
		i.Version = i.Version[1:]
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	return i
}

// String is the version in a few lines, as `emtime version` prints it.
func (i Info) String() string {
	var b strings.Builder
	b.WriteString("emtime version " + i.Version + "\n")
	commit := orUnknown(i.Commit)
	if i.Modified {
		commit += " (with uncommitted changes)"
	}
	b.WriteString("commit: " + commit + "\n")
	b.WriteString("built: " + orUnknown(i.Date) + "\n")
	b.WriteString("go: " + i.GoVersion + " " + i.Platform + "\n")
	return b.String()
}

// Shown is the info as `emtime version -o json` prints it: a commit or a
// date that is not known is "unknown", as in [Info.String].
func (i Info) Shown() Info {
	i.Commit, i.Date = orUnknown(i.Commit), orUnknown(i.Date)
	return i
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
