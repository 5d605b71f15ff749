package microsoft

import (
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/winzone"
)

// IANAZone returns the IANA name of a time zone as Microsoft names it:
// an IANA name is returned as it is, a Windows name ("W. Europe Standard
// Time") becomes its IANA counterpart ("Europe/Berlin"), and anything
// else ("Customized Time Zone", a legacy "tzone://Microsoft/Custom") is
// unknown: "" and false. Mailbox settings and events may use either kind
// of name.
func IANAZone(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", false
	}
	if iana, ok := winzone.IANA(name); ok {
		return iana, true
	}
	if strings.ContainsAny(name, " ") || strings.HasPrefix(name, "tzone:") {
		return "", false
	}
	if _, err := time.LoadLocation(name); err != nil || name == "Local" {
		return "", false
	}
	return name, true
}

// loadZone is the location of a zone named the Microsoft way.
func loadZone(name string) (*time.Location, bool) {
	iana, ok := IANAZone(name)
	if !ok {
		return nil, false
	}
	loc, err := time.LoadLocation(iana)
	if err != nil {
		return nil, false
	}
	return loc, true
}
