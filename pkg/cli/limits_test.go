package cli

import (
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/config"
)

// TestOddValuesAreRefused gives dates, ranges and variables that are far
// out or huge, and checks each gets a clear, short message and the right
// exit code: 2 for the command line, 1 for the environment. Before,
// --from 0001-01-01 read as no --from at all (it is Go's zero time), and a
// range of centuries ran for minutes and took gigabytes.
func TestOddValuesAreRefused(t *testing.T) {
	huge := strings.Repeat("a", 100000)
	longAddress := strings.Repeat("a", 250) + "@example.com"
	tests := []struct {
		args []string
		env  map[string]string
		want int
		says string
	}{
		{[]string{"analyze", "--demo", "--from", "0001-01-01", "--to", "2026-03-08"}, nil, ExitUsage,
			"--from 0001-01-01 is outside the years emtime reads, 1900 to 2999"},
		{[]string{"analyze", "--demo", "--to", "9999-12-31"}, nil, ExitUsage, "--to 9999-12-31 is outside the years"},
		{[]string{"analyze", "--demo", "--from", "1900-01-01", "--to", "2999-12-31"}, nil, ExitUsage,
			"--from 1900-01-01 to --to 2999-12-31 is 57396 weeks; at most 1040 (twenty years)"},
		// twenty years to the day, and one day more
		{[]string{"analyze", "--demo", "--from", "2006-01-02", "--to", "2025-12-07", "-o", "json"}, nil, ExitOK, ""},
		{[]string{"analyze", "--demo", "--from", "2006-01-02", "--to", "2025-12-08"}, nil, ExitUsage, "is 1041 weeks; at most 1040"},
		{[]string{"analyze", "--demo", "--from", huge}, nil, ExitUsage, `--from "aaaa`},
		{[]string{"analyze", "--demo", "--me", longAddress}, nil, ExitUsage, "is not an e-mail address"},
		{[]string{"analyze", "--demo"}, map[string]string{"EMTIME_NOW": "0001-01-01"}, ExitError,
			"EMTIME_NOW 0001-01-01 is outside the years emtime reads"},
		{[]string{"analyze", "--demo"}, map[string]string{"EMTIME_NOW": "3000-01-01T00:00:00Z"}, ExitError, "outside the years"},
		{[]string{"analyze", "--demo"}, map[string]string{config.EnvWorkHours: huge}, ExitError,
			"EMTIME_WORK_HOURS is 100000 bytes long, longer than any value it takes (4096 at most)"},
		{[]string{"config", "show"}, map[string]string{config.EnvTZ: huge}, ExitError, "EMTIME_TZ is 100000 bytes long"},
		{[]string{"analyze", "--demo"}, map[string]string{config.EnvMe: longAddress}, ExitError, "EMTIME_ME: \"aaaa"},
	}
	for _, tt := range tests {
		name := strings.Join(tt.args, " ")
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			f, _, errOut := envFactory(t, tt.env)
			if got := Main(tt.args, f); got != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%.500s", got, tt.want, errOut)
			}
			if !strings.Contains(errOut.String(), tt.says) {
				t.Errorf("stderr does not say %q:\n%.500s", tt.says, errOut)
			}
			if n := errOut.Len(); n > 1000 {
				t.Errorf("stderr is %d bytes: a message should not repeat what it refuses", n)
			}
		})
	}
}
