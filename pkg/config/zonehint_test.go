package config

import "testing"

func TestZoneSpelling(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"europe/berlin", "Europe/Berlin"},
		{"EUROPE/BERLIN", "Europe/Berlin"},
		{"america/new_york", "America/New_York"},
		{"america/argentina/buenos_aires", "America/Argentina/Buenos_Aires"},
		{"us/pacific", "US/Pacific"},
		{"utc", "UTC"},
		{"etc/utc", "Etc/UTC"},
		{"Europe/Berlin", ""}, // a zone already: no other spelling to offer
		{"Mars/Olympus", ""},
		{"local", ""}, // Local is the machine's zone, never one to name
		{"a/b/c/d", ""},
	} {
		if got := zoneSpelling(tc.name); got != tc.want {
			t.Errorf("zoneSpelling(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
