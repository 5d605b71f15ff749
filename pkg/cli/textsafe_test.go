package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"golang.org/x/oauth2"
)

// Escape sequences and control characters an attacker could put in a
// calendar: a screen clear, an OSC 8 hyperlink that hides where it leads,
// a bell, a carriage return, a right-to-left override and its pop.
const (
	clearScreen = "\x1b[2J"
	hyperlink   = "\x1b]8;;https://evil.example\x07"
	linkEnd     = "\x1b]8;;\x07"
	bell        = "\x07"
	rlo, pdf    = "\u202e", "\u202c"
)

// hostileICS is a calendar whose name, titles, UIDs and people carry them.
// The second event ends before it starts, so that a warning quotes its UID.
var hostileICS = strings.Join([]string{
	"BEGIN:VCALENDAR",
	"VERSION:2.0",
	"PRODID:-//emtime//hostile//EN",
	"X-WR-CALNAME:Team" + clearScreen + hyperlink + "cal" + linkEnd + bell,
	"X-WR-TIMEZONE:Europe/Berlin",
	"BEGIN:VEVENT",
	"UID:uid-one" + clearScreen + bell + rlo + "@example.com",
	"SUMMARY:Plan" + clearScreen + "ning " + hyperlink + "click me" + linkEnd + " ring" + bell + " line\\nbreak " + rlo + "txt.exe" + pdf,
	"DTSTART:20260303T100000Z",
	"DTEND:20260303T110000Z",
	`ORGANIZER;CN="Eve` + clearScreen + bell + rlo + ` Mallory":mailto:eve@example.com`,
	"ATTENDEE;CN=Me:mailto:me@example.com",
	`ATTENDEE;CN="Bob` + hyperlink + `Builder` + linkEnd + `":mailto:bob@example.com`,
	"END:VEVENT",
	"BEGIN:VEVENT",
	"UID:uid-two" + clearScreen + hyperlink + "x" + linkEnd + bell + rlo + "@example.com",
	"SUMMARY:Backwards" + clearScreen,
	"DTSTART:20260304T110000Z",
	"DTEND:20260304T100000Z",
	"ATTENDEE:mailto:bob@example.com",
	"END:VEVENT",
	"END:VCALENDAR",
	"",
}, "\r\n")

// unsafeRunes are what the terminal could obey in s: every C0 control but
// the line feed, DEL, the C1 controls, and the bidi overrides.
func unsafeRunes(s string) []rune {
	var bad []rune
	for _, r := range s {
		if r < 0x20 && r != '\n' || r >= 0x7f && r <= 0x9f || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			bad = append(bad, r)
		}
	}
	return bad
}

// TestNoControlCharacterReachesTheTerminal runs analyze and events on the
// hostile calendar in every format and checks that neither standard output
// nor the warnings on standard error carry an escape sequence, a control
// character or a bidi override, while the readable text around them is
// still there.
func TestNoControlCharacterReachesTheTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hostile.ics")
	if err := os.WriteFile(path, []byte(hostileICS), 0o600); err != nil {
		t.Fatal(err)
	}
	week := []string{"--ics", path, "--from", "2026-03-02", "--to", "2026-03-08"}
	tests := []struct {
		args []string
		// shows is text that must still be on standard output.
		shows []string
	}{
		{[]string{"analyze", "-o", "table"}, []string{"most meeting time with: eve@example.com 1h00"}},
		{[]string{"analyze", "-o", "markdown"}, []string{"Most meeting time with: eve@example.com 1h00"}},
		{[]string{"analyze", "-o", "csv"}, []string{"2026-03-02"}},
		{[]string{"analyze", "-o", "json"}, []string{`"warnings"`}},
		{[]string{"analyze", "-o", "html"}, []string{"eve@example.com"}},
		{[]string{"events", "-o", "table"}, []string{"Planning click me", "eve@example.com"}},
		{[]string{"events", "-o", "markdown"}, []string{"Planning click me ring line break txt.exe"}},
		{[]string{"events", "-o", "csv"}, []string{",Planning click me ring line break txt.exe,", ",uid-one@example.com,"}},
		{[]string{"events", "-o", "json"}, []string{`"title"`}},
		{[]string{"events", "-o", "ndjson"}, []string{`"title"`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, out, errOut := envFactory(t, nil)
			if code := Main(append(tt.args, week...), f); code != ExitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, errOut)
			}
			for name, s := range map[string]string{"stdout": out.String(), "stderr": errOut.String()} {
				if bad := unsafeRunes(s); len(bad) > 0 {
					t.Errorf("%s holds %q:\n%s", name, bad, s)
				}
			}
			for _, want := range tt.shows {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			// The warning names the broken event's UID, readable, on one
			// line of its own.
			warning := ""
			for _, line := range strings.Split(errOut.String(), "\n") {
				if strings.HasPrefix(line, "emtime: warning: "+path+":") && strings.Contains(line, "(UID") {
					warning = line
				}
			}
			if !strings.Contains(warning, "(UID uid-twox@example.com)") || !strings.Contains(warning, "swapped them") {
				t.Errorf("no readable warning naming the UID:\n%s", errOut)
			}
		})
	}
}

// TestErrorsAndHintsAreShownSafely checks the messages of a failing run: an
// error quoting a config file's key holds no control character, and a
// config file's mistakes stay one a line.
func TestErrorsAndHintsAreShownSafely(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "\"colour\\e[2J\\a\": blue\n\"x\\nemtime: hint: all is well\": 1\nfocus_min: 2\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := envFactory(t, nil)
	if code := Main([]string{"--config", cfg, "analyze", "--demo"}, f); code != ExitError {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitError, errOut)
	}
	if bad := unsafeRunes(errOut.String()); len(bad) > 0 {
		t.Errorf("stderr holds %q:\n%s", bad, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want three mistakes and the hint, one a line:\n%s", errOut)
	}
	for _, l := range lines[1:3] {
		if !strings.HasPrefix(l, cfg+":") {
			t.Errorf("line %q does not start with the file's name", l)
		}
	}
	if !strings.HasPrefix(lines[3], "emtime: hint: fix the file") {
		t.Errorf("the last line is not the hint: %q", lines[3])
	}
}

// TestSignedInAccountIsShownSafely checks that the account a provider
// named, kept with the sign-in, reaches auth status and auth logout
// without the escape sequences it carried.
func TestSignedInAccountIsShownSafely(t *testing.T) {
	dir := t.TempDir()
	account := "me" + clearScreen + hyperlink + "x" + linkEnd + bell + rlo + "@example.com"
	store := auth.NewFileStore(dir)
	tok := &oauth2.Token{AccessToken: "at", RefreshToken: "rt", Expiry: settingsNow.Add(time.Hour)}
	if err := store.Save(auth.Stored{Token: tok, Account: account, Scopes: []string{"scope" + bell}}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"EMTIME_CONFIG_DIR": dir, "EMTIME_TOKEN_STORE": "file",
		"EMTIME_OAUTH_REVOKE_URL": "http://127.0.0.1:1/revoke"}
	for _, args := range [][]string{{"auth", "status"}, {"auth", "logout"}} {
		f, out, errOut := envFactory(t, env)
		Main(args, f)
		all := out.String() + errOut.String()
		if bad := unsafeRunes(all); len(bad) > 0 {
			t.Errorf("%v shows %q:\n%s", args, bad, all)
		}
		if !strings.Contains(all, "mex@example.com") {
			t.Errorf("%v does not show the account readably:\n%s", args, all)
		}
	}
}
