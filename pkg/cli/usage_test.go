package cli

import (
	"testing"
	"time"
)

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0", 2 * time.Hour: "2h", 30 * time.Minute: "30m", 90 * time.Minute: "1h30m",
		45 * time.Second: "45s", 90 * time.Second: "1m30s", 24 * time.Hour: "24h",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
