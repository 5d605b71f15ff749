package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFrom(t *testing.T) {
	toolchain := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/emtime/emtime", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-03-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	local := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/emtime/emtime", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
	}{
		{"release: link-time values win", "1.2.3", "fedcba", "2026-03-18T12:00:00Z", toolchain,
			Info{Version: "1.2.3", Commit: "fedcba", Date: "2026-03-18T12:00:00Z", GoVersion: "go1.26.8"}},
		{"go install @v1.4.0", "", "", "", toolchain,
			Info{Version: "1.4.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-03-01T10:00:00Z", GoVersion: "go1.26.8"}},
		{"pseudo-version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260301100000-0123456789ab"}},
			Info{Version: "0.0.0-20260301100000-0123456789ab", GoVersion: runtime.Version()}},
		{"go build in a work tree", "", "", "", local,
			Info{Version: "dev", Commit: "abc", Modified: true, GoVersion: "go1.26.8"}},
		{"link-time version, commit from the toolchain", "2.0.0", "", "", toolchain,
			Info{Version: "2.0.0", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-03-01T10:00:00Z", GoVersion: "go1.26.8"}},
		{"no build info", "", "", "", nil, Info{Version: "dev", GoVersion: runtime.Version()}},
		{"a tag without v is kept", "version-x", "", "", nil, Info{Version: "version-x", GoVersion: runtime.Version()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Platform = runtime.GOOS + "/" + runtime.GOARCH
			if got := from(tt.version, tt.commit, tt.date, tt.bi); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestString(t *testing.T) {
	got := Info{Version: "1.2.3", Commit: "fedcba", Date: "2026-03-18T12:00:00Z", Modified: true, GoVersion: "go1.26.8", Platform: "linux/arm64"}.String()
	want := "emtime version 1.2.3\ncommit: fedcba (with uncommitted changes)\nbuilt: 2026-03-18T12:00:00Z\ngo: go1.26.8 linux/arm64\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := (Info{Version: "dev", GoVersion: "go1.26.8", Platform: "linux/amd64"}).String(); !strings.Contains(got, "commit: unknown\nbuilt: unknown\n") {
		t.Errorf("unknown commit and date: %s", got)
	}
}

func TestRead(t *testing.T) {
	// A test binary has no link-time values: whatever the toolchain knows.
	i := Read()
	if i.Version == "" || i.GoVersion == "" || i.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Read() = %+v", i)
	}
}
