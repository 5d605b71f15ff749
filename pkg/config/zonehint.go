package config

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// unknownZone is the message for a zone name that is none: with the
// spelling that is one when the name differs from it in case only
// (europe/berlin, us/pacific, utc), else an example of a name.
func unknownZone(name string) string {
	if fix := zoneSpelling(name); fix != "" {
		return fmt.Sprintf("unknown time zone %q (did you mean %s? zone names are case-sensitive)", name, fix)
	}
	return fmt.Sprintf("unknown time zone %q (use an IANA name such as Europe/Berlin)", name)
}

// zoneSpelling returns the zone name that name is in another case, or "".
// It tries, for each part between slashes, the part with each word
// capitalised (new_york: New_York) and the part in capitals (us: US), at
// most eight names for the three parts a zone name has at most.
func zoneSpelling(name string) string {
	parts := strings.Split(name, "/")
	if len(name) > 64 || len(parts) > 3 {
		return ""
	}
	for combo := range 1 << len(parts) {
		try := make([]string, len(parts))
		for i, p := range parts {
			if combo&(1<<i) != 0 {
				try[i] = strings.ToUpper(p)
			} else {
				try[i] = capitalise(p)
			}
		}
		cand := strings.Join(try, "/")
		if cand == name || cand == "Local" {
			continue
		}
		if _, err := time.LoadLocation(cand); err == nil {
			return cand
		}
	}
	return ""
}

// capitalise upper-cases the first letter of each word of s and
// lower-cases the rest; words are split by "_" and "-".
func capitalise(s string) string {
	b := []rune(strings.ToLower(s))
	start := true
	for i, r := range b {
		if start {
			b[i] = unicode.ToUpper(r)
		}
		start = r == '_' || r == '-'
	}
	return string(b)
}
