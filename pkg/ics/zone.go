package ics

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/winzone"
	"github.com/teambition/rrule-go"
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
	// observances are its STANDARD and DAYLIGHT components.
	observances []observance
}

// observance is a STANDARD or DAYLIGHT component of a VTIMEZONE: from its
// DTSTART, a wall clock in the offset before it, and from each start its
// RRULEs and RDATEs give, the zone's offset is to (seconds east of UTC).
type observance struct {
	start    time.Time // a wall clock, in UTC
	from, to int
	dst      bool
	name     string // TZNAME, if it is one a zone may be named by
	rules    []rule
	rdates   []time.Time // wall clocks, in UTC
}

// The bounds of what a VTIMEZONE's rules are read for: its observances,
// and their rules and RDATEs; the years its changes of offset are worked
// out for (a time outside them has the offset of the nearest change); the
// changes one zone may make; and the changes and the steps of search (see
// [search]) all of a calendar's zones may take. Past any, a zone is read
// as its fixed offset, with a warning. A zone Outlook writes takes some
// 300,000 steps and 262 changes.
const (
	maxObservances      = 64
	maxObservanceRules  = 4
	maxObservanceRDates = 1000
	zoneFirstYear       = 1970
	zoneLastYear        = 2100
	maxZoneChanges      = 2_000
	maxCalendarChanges  = 100_000
	maxZoneSteps        = 20_000_000
)

// zoneBook resolves TZID parameters for one calendar and remembers each
// answer: loading a zone reads a file, and a calendar names few zones many
// times. It is filled while parsing and only read afterwards.
type zoneBook struct {
	name     string
	vtz      map[string]vtimezone
	resolved map[string]zoneAnswer
	warnings []string
	// changes counts the changes of offset worked out so far, and ruled
	// searches the VTIMEZONEs' rules within their budget of steps.
	changes int
	ruled   *expansion
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
	if hasVTZ && len(v.observances) > 0 {
		loc, ok, why := b.ruledZone(tzid, v)
		if ok {
			return loc, nil
		}
		if why != "" && v.hasOffset {
			b.warnings = append(b.warnings, fmt.Sprintf("%s: zone %q is not one emtime knows, and %s; using its VTIMEZONE offset %s all year (no daylight saving)", b.name, tzid, why, formatOffset(v.offset)))
			return time.FixedZone(strings.Clone(tzid), v.offset), nil
		}
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

// change is a change of a zone's offset, at an instant (Unix seconds).
type change struct {
	at        int64
	from, off int
	dst       bool
	// name is the zone's name from then on ("" names it by its offset).
	name string
}

// ruledZone builds the zone a VTIMEZONE's STANDARD and DAYLIGHT components
// describe (as Outlook writes a "Customized Time Zone"): each one's
// DTSTART, and each start its RRULEs and RDATEs give from 1970 to 2100, is
// a change to its TZOFFSETTO. ok is false, with why saying what went wrong
// ("" when the components change no offset), when it cannot be built
// within the bounds.
func (b *zoneBook) ruledZone(tzid string, v vtimezone) (loc *time.Location, ok bool, why string) {
	if b.ruled == nil {
		b.ruled = &expansion{ctx: context.Background(), budget: &Budget{maxSteps: maxZoneSteps, maxOccurrences: 1, maxAttendance: 1}}
	}
	first := time.Date(zoneFirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(zoneLastYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	const (
		tooOften = "its rules change the offset too often"
		tooMuch  = "its rules take more work than emtime gives a calendar's zones"
	)
	var changes []change
	// add adds the change at wall clock w; "" when it could, else why not.
	add := func(o *observance, w time.Time) string {
		switch {
		case w.Before(first) || !w.Before(last) || w.Before(o.start):
			return ""
		case len(changes) >= maxZoneChanges:
			return tooOften
		case b.changes >= maxCalendarChanges:
			return tooMuch
		}
		b.changes++
		changes = append(changes, change{at: w.Unix() - int64(o.from), from: o.from, off: o.to, dst: o.dst, name: o.name})
		return ""
	}
	for i := range v.observances {
		o := &v.observances[i]
		if why := add(o, o.start); why != "" {
			return nil, false, why
		}
		for _, w := range o.rdates {
			if why := add(o, w); why != "" {
				return nil, false, why
			}
		}
		for _, r := range o.rules {
			opt := r.opt
			opt.Dtstart = o.start
			// A yearly or monthly rule without COUNT or INTERVAL repeats
			// the same each year: one that begins long before the years
			// worked out (Outlook's begin in 1601) is begun the year
			// before them.
			y, m, d := o.start.Date()
			hh, mm, ss := o.start.Clock()
			if y < zoneFirstYear-1 && opt.Count == 0 && opt.Interval <= 1 &&
				(opt.Freq == rrule.YEARLY || opt.Freq == rrule.MONTHLY) && !(m == time.February && d == 29) {
				y = zoneFirstYear - 1
				opt.Dtstart = time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
			}
			// A yearly rule on days of one month (BYMONTH=3;BYDAY=-1SU) is
			// that month's rule every twelfth month: searched a month a
			// year, not the whole year. (What it gives before DTSTART is
			// left out by add.)
			if opt.Freq == rrule.YEARLY && opt.Count == 0 && opt.Interval <= 1 && len(opt.Bymonth) == 1 &&
				len(opt.Byweekday)+len(opt.Bymonthday) > 0 && len(opt.Byyearday)+len(opt.Byweekno)+len(opt.Byeaster) == 0 {
				opt.Freq, opt.Interval = rrule.MONTHLY, 12
				opt.Dtstart = time.Date(y, time.Month(opt.Bymonth[0]), 1, hh, mm, ss, 0, time.UTC)
			}
			var until int64 = math.MaxInt64
			if r.until != nil {
				until = r.until.civil.Unix()
				if r.until.kind != kindUTC {
					until -= int64(o.from)
				}
			}
			failed := ""
			s := &search{x: b.ruled}
			why := s.run(opt, first, last, func(w time.Time) bool {
				if w.Unix()-int64(o.from) > until || !w.Before(last) {
					return false
				}
				failed = add(o, w)
				return failed == ""
			})
			switch {
			case failed != "":
				return nil, false, failed
			case why == stopRun:
				return nil, false, tooMuch
			case why == stopSteps || why == stopPeriod:
				return nil, false, fmt.Sprintf("its rule %q takes more work than emtime gives one rule", r.text)
			}
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int { return cmp.Compare(a.at, b.at) })
	offsets := map[int]bool{}
	for _, c := range changes {
		offsets[c.off] = true
	}
	if len(offsets) < 2 {
		return nil, false, ""
	}
	data := tzif(changes)
	loc, err := time.LoadLocationFromTZData(strings.Clone(tzid), data)
	if err != nil {
		return nil, false, "its rules cannot be read"
	}
	return loc, true, ""
}

// tzif writes changes (sorted) as TZif data (RFC 8536, version 2), which
// [time.LoadLocationFromTZData] reads: the zone before the first change has
// the offset that change comes from, named by it.
func tzif(changes []change) []byte {
	type kind struct {
		off  int
		dst  bool
		name string
	}
	var kinds []kind
	var chars []byte
	names := map[string]int{}
	var types []byte
	index := func(k kind) byte {
		if k.name == "" {
			k.name = offsetName(k.off)
		}
		if i := slices.Index(kinds, k); i >= 0 {
			return byte(i)
		}
		if _, ok := names[k.name]; !ok {
			names[k.name] = len(chars)
			chars = append(append(chars, k.name...), 0)
		}
		kinds = append(kinds, k)
		return byte(len(kinds) - 1)
	}
	// The zone before the first change: the offset it changes from, named
	// as a later change to that offset names it.
	before := kind{off: changes[0].from}
	for _, c := range changes {
		if c.off == before.off {
			before.dst, before.name = c.dst, c.name
			break
		}
	}
	index(before)
	var times []int64
	for _, c := range changes {
		if n := len(times); n > 0 && times[n-1] == c.at {
			times, types = times[:n-1], types[:n-1]
		}
		times = append(times, c.at)
		types = append(types, index(kind{off: c.off, dst: c.dst, name: c.name}))
	}
	var out []byte
	header := func(timecnt, typecnt, charcnt int) {
		out = append(out, "TZif2"...)
		out = append(out, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} {
			out = binary.BigEndian.AppendUint32(out, uint32(n))
		}
	}
	typeRecord := func(k kind) {
		out = binary.BigEndian.AppendUint32(out, uint32(int32(k.off)))
		dst := byte(0)
		if k.dst {
			dst = 1
		}
		out = append(out, dst, byte(names[k.name]))
	}
	// Version 1: the zone before the first change alone.
	first := kinds[0]
	header(0, 1, len(first.name)+1)
	out = binary.BigEndian.AppendUint32(out, uint32(int32(first.off)))
	out = append(out, 0, 0)
	out = append(append(out, first.name...), 0)
	// Version 2: every change, in 64-bit times.
	header(len(times), len(kinds), len(chars))
	for _, t := range times {
		out = binary.BigEndian.AppendUint64(out, uint64(t))
	}
	out = append(out, types...)
	for _, k := range kinds {
		typeRecord(k)
	}
	out = append(out, chars...)
	return append(out, '\n', '\n')
}

// offsetName names a zone by its offset, as tzdata does: "+02", "-0330".
func offsetName(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	if off%3600 == 0 {
		return fmt.Sprintf("%c%02d", sign, off/3600)
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

// zoneAbbreviation keeps a TZNAME that a zone may be named by: 3 to 16
// letters, digits, '+' or '-'; else "".
func zoneAbbreviation(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 3 || len(s) > 16 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-') {
			return ""
		}
	}
	return strings.Clone(s)
}
