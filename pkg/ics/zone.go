package ics

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/winzone"
)

// windowsDisplayNames maps pieces of the long display names older Outlook
// versions wrote as TZID ("(GMT-05:00) Eastern Time (US & Canada)") that name
// no city an IANA name could be found from.
var windowsDisplayNames = []struct{ part, zone string }{
	{"Eastern Time (US & Canada)", "America/New_York"},
	{"Central Time (US & Canada)", "America/Chicago"},
	{"Mountain Time (US & Canada)", "America/Denver"},
	{"Pacific Time (US & Canada)", "America/Los_Angeles"},
	{"Alaska", "America/Anchorage"},
	{"Hawaii", "Pacific/Honolulu"},
	{"Arizona", "America/Phoenix"},
	{"Atlantic Time (Canada)", "America/Halifax"},
	{"Greenwich Mean Time", "Europe/London"},
	{"Coordinated Universal Time", "Etc/UTC"},
}

// ianaInText finds names like "America/New_York" inside longer TZIDs such as
// "/mozilla.org/20050126_1/America/New_York".
var ianaInText = regexp.MustCompile(`(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)?`)

// cityAreas are the IANA areas tried for a city name found in a TZID.
var cityAreas = []string{"Europe", "America", "Asia", "Africa", "Australia", "Pacific", "Atlantic", "Indian"}

// loadZone loads an IANA zone by name. Unlike [time.LoadLocation] it refuses
// "" and "Local", which would give UTC or the machine's own zone.
func loadZone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "local") || len(name) > 64 {
		return nil, false
	}
	// A copy of the name: the zone keeps it, and it may be a slice of the
	// file's text (see entry.detach).
	loc, err := time.LoadLocation(strings.Clone(name))
	if err != nil {
		return nil, false
	}
	return loc, true
}

// cleanTZID trims what exporters leave around a TZID: spaces, quotes and a
// stray trailing colon.
func cleanTZID(s string) string {
	return strings.Trim(strings.TrimSpace(s), `":`)
}

// zoneByName resolves a zone name that should be IANA or Windows, as in
// X-WR-TIMEZONE. It returns the IANA name too.
func zoneByName(name string) (*time.Location, string, bool) {
	name = cleanTZID(name)
	if loc, ok := loadZone(name); ok {
		return loc, name, true
	}
	if iana, ok := winzone.IANA(name); ok {
		if loc, ok := loadZone(iana); ok {
			return loc, iana, true
		}
	}
	return nil, "", false
}

// vtimezone is what a VTIMEZONE component says about a TZID.
type vtimezone struct {
	// location is an IANA name from X-LIC-LOCATION, if any.
	location string
	// offset is the STANDARD (else DAYLIGHT) TZOFFSETTO in seconds.
	offset    int
	hasOffset bool
}

// zoneBook resolves TZID parameters for one calendar and remembers each
// answer: loading a zone reads a file, and a calendar names few zones many
// times. It is filled while parsing and only read afterwards.
type zoneBook struct {
	name     string
	vtz      map[string]vtimezone
	resolved map[string]zoneAnswer
	warnings []string
}

type zoneAnswer struct {
	loc *time.Location
	err error
}

func newZoneBook(name string) *zoneBook {
	return &zoneBook{name: name, vtz: map[string]vtimezone{}, resolved: map[string]zoneAnswer{}}
}

// lookup resolves a TZID: an IANA name, a Windows name, the VTIMEZONE's
// X-LIC-LOCATION, an IANA name or city inside the TZID, and last the
// VTIMEZONE's fixed offset.
func (b *zoneBook) lookup(tzid string) (*time.Location, error) {
	if a, ok := b.resolved[tzid]; ok {
		return a.loc, a.err
	}
	loc, err := b.resolve(tzid)
	b.resolved[tzid] = zoneAnswer{loc, err}
	return loc, err
}

func (b *zoneBook) resolve(raw string) (*time.Location, error) {
	tzid := cleanTZID(raw)
	if loc, _, ok := zoneByName(tzid); ok {
		return loc, nil
	}
	v, hasVTZ := b.vtz[tzid]
	if hasVTZ && v.location != "" {
		if loc, _, ok := zoneByName(v.location); ok {
			return loc, nil
		}
	}
	if loc, ok := zoneInText(tzid); ok {
		return loc, nil
	}
	if hasVTZ && v.hasOffset {
		b.warnings = append(b.warnings, fmt.Sprintf("%s: zone %q is not one emtime knows; using its VTIMEZONE offset %s all year (no daylight saving)", b.name, tzid, formatOffset(v.offset)))
		return time.FixedZone(strings.Clone(tzid), v.offset), nil
	}
	return nil, fmt.Errorf("unknown zone %q", tzid)
}

// zoneInText looks for an IANA name, a city or a known display name inside
// a TZID that is none of these as a whole.
func zoneInText(tzid string) (*time.Location, bool) {
	for _, m := range ianaInText.FindAllString(tzid, -1) {
		if loc, ok := loadZone(m); ok {
			return loc, true
		}
		if i := strings.LastIndexByte(m, '/'); strings.Count(m, "/") == 2 {
			if loc, ok := loadZone(m[:i]); ok {
				return loc, true
			}
		}
	}
	for _, d := range windowsDisplayNames {
		if strings.Contains(strings.ToLower(tzid), strings.ToLower(d.part)) {
			if loc, ok := loadZone(d.zone); ok {
				return loc, true
			}
		}
	}
	words := strings.FieldsFunc(tzid, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-')
	})
	if len(words) > 24 {
		words = words[:24]
	}
	var names []string
	for i := 0; i+1 < len(words); i++ {
		names = append(names, words[i]+"_"+words[i+1])
	}
	for _, w := range words {
		if len(w) >= 4 && w[0] >= 'A' && w[0] <= 'Z' && !strings.HasSuffix(w, "Time") {
			names = append(names, w)
		}
	}
	for _, n := range names {
		for _, area := range cityAreas {
			if loc, ok := loadZone(area + "/" + n); ok {
				return loc, true
			}
		}
	}
	return nil, false
}

// parseOffset reads a UTC offset like "+0100", "-0800" or "+053000".
func parseOffset(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 7 {
		return 0, false
	}
	sign := 1
	switch s[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n < 0 {
		return 0, false
	}
	if len(s) == 5 {
		n *= 100
	}
	h, m, sec := n/10000, n/100%100, n%100
	if h > 18 || m > 59 || sec > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60 + sec), true
}

func formatOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, sec/3600, sec/60%60)
}
