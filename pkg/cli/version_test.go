package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/buildinfo"
)

func TestVersion(t *testing.T) {
	f, out, _ := envFactory(t, nil)
	if err := runRoot(testRoot(f), "version"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	want := buildinfo.Read().String()
	if text != want || !strings.HasPrefix(text, "emtime version ") || !strings.Contains(text, "\ncommit: ") || !strings.Contains(text, "\nbuilt: ") {
		t.Errorf("emtime version printed\n%s\nwant\n%s", text, want)
	}

	// --version says the same.
	f, out, _ = envFactory(t, nil)
	if err := runRoot(testRoot(f), "--version"); err != nil {
		t.Fatal(err)
	}
	if out.String() != text {
		t.Errorf("--version printed\n%s\nwant\n%s", out, text)
	}

	f, out, _ = envFactory(t, nil)
	if err := runRoot(testRoot(f), "version", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	var got buildinfo.Info
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || got != buildinfo.Read().Shown() {
		t.Errorf("version -o json: %+v (%v)\n%s", got, err, out)
	}
	// The JSON's commit and date are the text's, "unknown" included.
	if !strings.Contains(text, "\ncommit: "+got.Commit) || !strings.Contains(text, "\nbuilt: "+got.Date+"\n") {
		t.Errorf("version -o json says commit %q and date %q; the text says\n%s", got.Commit, got.Date, text)
	}
	// A build that recorded neither says so the same way in both.
	for _, output := range []string{"text", "json"} {
		f, out, _ = envFactory(t, nil)
		if err := versionRun(&VersionOptions{IO: f.IO, Output: output, Info: buildinfo.Info{Version: "dev"}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), map[string]string{"text": "commit: unknown\n", "json": `"commit": "unknown"`}[output]) {
			t.Errorf("-o %s of a build with no commit:\n%s", output, out)
		}
	}

	f, _, _ = envFactory(t, nil)
	if err := runRoot(testRoot(f), "version", "-o", "xml"); err == nil || !isUsage(err) {
		t.Errorf("version -o xml: %v, want a usage error", err)
	}
}

// TestCompletion checks that Cobra's completion command writes a script
// for every shell the README documents, and knows emtime's commands.
func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "# bash completion V2 for emtime",
		"zsh":        "#compdef emtime",
		"fish":       "# fish completion for emtime",
		"powershell": "Register-ArgumentCompleter -CommandName 'emtime'",
	} {
		f, out, _ := envFactory(t, nil)
		if err := runRoot(testRoot(f), "completion", shell); err != nil {
			t.Errorf("%s: %v", shell, err)
			continue
		}
		if !strings.Contains(out.String(), marker) || out.Len() < 1000 {
			t.Errorf("%s: %d bytes without %q", shell, out.Len(), marker)
		}
	}

	// What the scripts call back: the commands and the flags of emtime.
	f, out, _ := envFactory(t, nil)
	if err := runRoot(testRoot(f), "__complete", "config", ""); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"init\t", "show\t"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("completing 'emtime config ': no %q in\n%s", want, out)
		}
	}
	f, out, _ = envFactory(t, nil)
	if err := runRoot(testRoot(f), "__complete", "analyze", "--work-"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "--work-hours") || !strings.Contains(out.String(), "--work-days") {
		t.Errorf("completing 'emtime analyze --work-':\n%s", out)
	}
}
