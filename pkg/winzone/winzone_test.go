package winzone

import (
	"testing"
	"time"
)

// TestZonesLoad: every zone the table names loads, with the zone data
// emtime embeds as the last resort (cmd/emtime imports time/tzdata).
func TestZonesLoad(t *testing.T) {
	for win, iana := range zones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%s: %s: %v", win, iana, err)
		}
	}
}

func TestIANA(t *testing.T) {
	for name, want := range map[string]string{
		"W. Europe Standard Time":         "Europe/Berlin",
		"w. europe standard time":         "Europe/Berlin",
		" Eastern Standard Time ":         "America/New_York",
		"Mountain Standard Time (Mexico)": "America/Mazatlan",
		"India Standard Time":             "Asia/Kolkata",
		"tzone://Microsoft/Utc":           "Etc/UTC",
		"UTC":                             "Etc/UTC",
		"Mexico Standard Time 2":          "America/Chihuahua", // gone from Windows, still in old exports
		"Europe/Berlin":                   "",                  // IANA already: the callers take it as it is
		"Customized Time Zone":            "",
		"tzone://Microsoft/Custom":        "",
		"":                                "",
	} {
		got, ok := IANA(name)
		if got != want || ok != (want != "") {
			t.Errorf("IANA(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
