package cli

import (
	"errors"
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
