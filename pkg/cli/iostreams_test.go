package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestTerminalWidth(t *testing.T) {
	size := func(w int, err error) func() (int, int, error) {
		return func() (int, int, error) { return w, 24, err }
	}
	noSize := errors.New("inappropriate ioctl for device")
	tests := []struct {
		name    string
		tty     bool
		size    func() (int, int, error)
		columns string
		want    int
	}{
		{"the terminal's own width", true, size(132, nil), "100", 132},
		{"COLUMNS when the terminal does not say", true, size(0, noSize), "100", 100},
		{"COLUMNS when the terminal says 0", true, size(0, nil), " 90 ", 90},
		{"80 when neither says", true, size(0, noSize), "", 80},
		{"80 when COLUMNS is not a number", true, size(0, noSize), "wide", 80},
		{"80 when COLUMNS is not positive", true, size(0, noSize), "-5", 80},
		{"0 when not a terminal", false, size(132, nil), "100", 0},
	}
	for _, tt := range tests {
		if got := terminalWidth(tt.tty, tt.size, tt.columns); got != tt.want {
			t.Errorf("%s: width %d, want %d", tt.name, got, tt.want)
		}
	}
	if ios, _, _, _ := Test(); ios.Width != 0 || ios.InTTY || ios.OutTTY {
		t.Errorf("test streams: width %d, stdin a terminal %v, stdout %v; want none of them a terminal", ios.Width, ios.InTTY, ios.OutTTY)
	}
}

func TestUTF8Locale(t *testing.T) {
	tests := []struct {
		name string
		goos string
		env  map[string]string
		want bool
	}{
		{"LANG in UTF-8", "linux", map[string]string{"LANG": "en_US.UTF-8"}, true},
		{"C.utf8", "linux", map[string]string{"LANG": "C.utf8"}, true},
		{"LC_ALL over LANG", "linux", map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}, false},
		{"LC_CTYPE over LANG", "darwin", map[string]string{"LC_CTYPE": "UTF-8", "LANG": "C"}, true},
		{"a Latin-1 locale", "linux", map[string]string{"LANG": "de_DE.ISO-8859-1"}, false},
		{"POSIX", "linux", map[string]string{"LANG": "POSIX"}, false},
		{"nothing set is the C locale", "linux", nil, false},
		{"Windows whatever is set", "windows", map[string]string{"LANG": "C"}, true},
	}
	for _, tt := range tests {
		if got := utf8Locale(tt.goos, func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("%s: UTF-8 %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestWrapWriter checks that messages on a terminal wrap at word
// boundaries with the lines after the first indented, and that a prompt
// (a write that ends no line) and a URL longer than a line are kept whole.
func TestWrapWriter(t *testing.T) {
	var b strings.Builder
	w := &wrapWriter{w: &b, width: 40}
	fmt.Fprintf(w, "emtime: taking you to be alex@emtime.example (the calendar's name); use --me to say otherwise\n")
	fmt.Fprintf(w, "short line\n")
	fmt.Fprintf(w, "open https://accounts.example.com/o/oauth2/auth?client_id=1234567890&scope=calendar\n")
	fmt.Fprintf(w, "Paste the code here, and this prompt is longer than forty: ")
	want := `emtime: taking you to be
    alex@emtime.example (the calendar's
    name); use --me to say otherwise
short line
open
    https://accounts.example.com/o/oauth2/auth?client_id=1234567890&scope=calendar
Paste the code here, and this prompt is longer than forty: `
	if b.String() != want {
		t.Errorf("wrapped:\n%s\nwant:\n%s", b.String(), want)
	}
}
