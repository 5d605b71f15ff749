package synccache

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second: "just now",
		time.Minute:      "1 minute ago",
		5 * time.Minute:  "5 minutes ago",
		47 * time.Hour:   "47 hours ago",
		72 * time.Hour:   "3 days ago",
	} {
		if got := Age(d); got != want {
			t.Errorf("Age(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNewWindow(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2026-03-30 00:00 in Berlin is still March in UTC; the window
	// runs from March to the end of April and three months more.
	from, to := NewWindow(time.Date(2026, 3, 30, 0, 0, 0, 0, berlin), time.Date(2026, 4, 27, 0, 0, 0, 0, berlin), 3)
	if want := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("from %v, want %v", from, want)
	}
	if want := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC); !to.Equal(want) {
		t.Errorf("to %v, want %v", to, want)
	}
}

// TestFingerprintIsStable: the digest that names credentials in files
// already written stays what it was.
func TestFingerprintIsStable(t *testing.T) {
	sum := sha256.Sum256([]byte("emtime credential\x00secret"))
	if got, want := Fingerprint("emtime credential", []byte("secret")), hex.EncodeToString(sum[:16]); got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
}
