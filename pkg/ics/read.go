package ics

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/teambition/rrule-go"
)

// entry is one VEVENT, read and checked: a master (with or without a
// recurrence) or an override of one occurrence (rid set).
type entry struct {
	index int
	line  int
	uid   string
	seq   int // SEQUENCE, -1 when there is none
	start dateTime
	// end is DTEND; dur is DURATION; neither means the RFC 5545 default
	// (a day for a date, no time for a date-time).
	end *dateTime
	dur *duration
	// rid is RECURRENCE-ID; ridKey and startKey are the values as written,
	// for finding duplicates.
	rid      *dateTime
	ridKey   string
	startKey string
	// future is an override's RANGE=THISANDFUTURE: it changes every
	// later occurrence too. copiesRules is set on an override that repeats
	// an RRULE, RDATE or EXDATE, as copies of an older version of a series
	// do.
	future      bool
	copiesRules bool
	rules       []rule
	rdates      []rdate
	exdates     []dateTime
	// proto carries everything an occurrence shares with its entry.
	proto calendar.Event
}

func (e *entry) recurring() bool { return len(e.rules) > 0 || len(e.rdates) > 0 }

// detach gives e copies of the text it keeps, shared through copies with
// the other entries (titles, people, lists of attendees and rules repeat),
// in place of slices of the file's text: the text, the size of the file,
// can then be collected once the file is read.
func (e *entry) detach(copies *interner) {
	p := &e.proto
	p.Title = copies.get(p.Title)
	p.Organizer.Email, p.Organizer.Name = copies.get(p.Organizer.Email), copies.get(p.Organizer.Name)
	p.Attendees = copies.attendees(p.Attendees)
	p.ConferenceURL = copies.get(p.ConferenceURL)
	p.SeriesID = copies.get(p.SeriesID)
	for i := range p.Categories {
		p.Categories[i] = copies.get(p.Categories[i])
	}
	for i := range e.rules {
		e.rules[i].text = copies.get(e.rules[i].text)
	}
}

// pack gives the entries' UIDs and origins ("work.ics:42") one string to
// share, in place of the slices of the file's text they are (see detach)
// or a string each: every occurrence points at them, and the garbage
// collector finds one object where it found two an entry.
func pack(name string, entries []*entry) {
	size := 0
	for _, e := range entries {
		size += len(e.uid) + len(name) + 1 + len(strconv.Itoa(e.line))
	}
	var b strings.Builder
	b.Grow(size)
	at := make([]int, 0, 2*len(entries))
	for _, e := range entries {
		b.WriteString(e.uid)
		at = append(at, b.Len())
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.line))
		at = append(at, b.Len())
	}
	all := b.String()
	from := 0
	for i, e := range entries {
		uidEnd, originEnd := at[2*i], at[2*i+1]
		e.uid, e.proto.UID, e.proto.Origin = all[from:uidEnd], all[from:uidEnd], all[uidEnd:originEnd]
		from = originEnd
	}
}

// interner hands out one copy of each text, and of each list of
// attendees, it is given.
type interner struct {
	texts map[string]string
	lists map[string][]calendar.Attendee
	key   []byte
}

func newInterner() *interner {
	return &interner{texts: map[string]string{}, lists: map[string][]calendar.Attendee{}}
}

func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.texts[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in.texts[c] = c
	return c
}

// attendees returns the list of attendees like as, the first one given,
// with its text copied.
func (in *interner) attendees(as []calendar.Attendee) []calendar.Attendee {
	if len(as) == 0 {
		return as
	}
	k := in.key[:0]
	for _, a := range as {
		k = append(k, a.Email...)
		k = append(k, 0)
		k = append(k, a.Name...)
		k = append(k, 0)
		k = append(k, a.Response...)
		k = append(k, 0, flag(a.Self), flag(a.Resource), flag(a.Group), flag(a.Optional), flag(a.Organizer))
	}
	in.key = k
	if l, ok := in.lists[string(k)]; ok {
		return l
	}
	for i := range as {
		a := &as[i]
		a.Email, a.Name = in.get(a.Email), in.get(a.Name)
	}
	in.lists[string(k)] = as
	return as
}

func flag(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// rule is one RRULE with DTSTART and UNTIL left out: both depend on the
// zone the series is expanded in.
type rule struct {
	opt   rrule.ROption
	until *dateTime
	text  string
	// repairs say how a value the rule gives was read another way; none
	// says why it repeats nothing (COUNT=0, no BYSETPOS left), "" when
	// it repeats.
	repairs []string
	none    string
}

// rdate is one RDATE value, maybe a PERIOD with its own end or duration.
type rdate struct {
	at  dateTime
	end *dateTime
	dur *duration
}

// readEvent reads a VEVENT. On error the entry returned still has its UID,
// for the message.
func readEvent(ev *component, zones *zoneBook) (*entry, error) {
	e := &entry{seq: -1}
	e.proto.Status = calendar.StatusConfirmed
	e.proto.Type = calendar.TypeDefault
	var dtstart, dtend, rid *property
	var durText, busy, intended string
	var conf []string // conference candidates, best first
	var location, description, link string
	var rrules, rdates, exdates []*property
	var organizer *property
	var attendees []*property
	for i := range ev.props {
		p := &ev.props[i]
		switch p.name {
		case "UID":
			e.uid = strings.TrimSpace(p.Value)
		case "SUMMARY":
			e.proto.Title = strings.TrimSpace(p.Value)
		case "DTSTART":
			dtstart = p
		case "DTEND":
			dtend = p
		case "DURATION":
			durText = p.Value
		case "RECURRENCE-ID":
			rid = p
		case "RRULE":
			if strings.TrimSpace(p.Value) != "" { // some exporters write an empty RRULE
				rrules = append(rrules, p)
			}
		case "RDATE":
			rdates = append(rdates, p)
		case "EXDATE":
			exdates = append(exdates, p)
		case "SEQUENCE":
			if n, err := strconv.Atoi(strings.TrimSpace(p.Value)); err == nil {
				e.seq = n
			}
		case "STATUS":
			switch strings.ToUpper(strings.TrimSpace(p.Value)) {
			case "TENTATIVE":
				e.proto.Status = calendar.StatusTentative
			case "CANCELLED", "CANCELED":
				e.proto.Status = calendar.StatusCancelled
			}
		case "TRANSP":
			e.proto.Transparent = strings.EqualFold(strings.TrimSpace(p.Value), "TRANSPARENT")
		case "X-MICROSOFT-CDO-BUSYSTATUS":
			busy = strings.ToUpper(strings.TrimSpace(p.Value))
		case "X-MICROSOFT-CDO-INTENDEDSTATUS":
			intended = strings.ToUpper(strings.TrimSpace(p.Value))
		case "ORGANIZER":
			organizer = p
		case "ATTENDEE":
			attendees = append(attendees, p)
		case "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK", "CONFERENCE":
			conf = append(conf, p.Value)
		case "URL":
			link = p.Value
		case "LOCATION":
			location = p.Value
		case "DESCRIPTION":
			description = p.Value
		}
	}
	e.proto.UID = e.uid
	if busy == "OOF" || busy == "" && intended == "OOF" {
		e.proto.Type = calendar.TypeOutOfOffice
	}
	e.proto.Organizer = person(organizer)
	e.proto.Attendees = attendeesOf(attendees, e.proto.Organizer.Email)
	e.proto.ConferenceURL = conferenceURL(conf, link, location, description)

	if dtstart == nil {
		return e, errors.New("no DTSTART; skipped it")
	}
	start, err := timeProp(dtstart, zones)
	if err != nil {
		return e, fmt.Errorf("DTSTART: %w; skipped it", err)
	}
	e.start = start
	e.startKey = propKey(dtstart)
	var repairs []string
	if dtend != nil {
		end, err := timeProp(dtend, zones)
		if err != nil {
			return e, fmt.Errorf("DTEND: %w; skipped it", err)
		}
		e.end = &end
	} else if strings.TrimSpace(durText) != "" {
		d, err := parseDuration(durText)
		if err != nil {
			return e, fmt.Errorf("DURATION: %w; skipped it", err)
		}
		if d.negative() {
			return e, fmt.Errorf("DURATION %s is negative; skipped it", strings.TrimSpace(durText))
		}
		e.dur = &d
	}
	if err := e.checkLength(&repairs); err != nil {
		return e, err
	}
	if rid != nil {
		r, err := timeProp(rid, zones)
		if err != nil {
			return e, fmt.Errorf("RECURRENCE-ID: %w; skipped it", err)
		}
		e.rid = &r
		e.ridKey = propKey(rid)
		e.future = strings.EqualFold(param(rid, "RANGE"), "THISANDFUTURE")
		e.copiesRules = len(rrules) > 0 || len(rdates) > 0 || len(exdates) > 0
		e.proto.Recurring = true
		// An override stands for one occurrence: whatever RRULE, RDATE or
		// EXDATE it repeats belongs to its series.
		return e, repaired(repairs, nil)
	}
	for _, p := range rrules {
		r, err := readRule(p.Value, zones)
		if err != nil {
			return e, fmt.Errorf("RRULE %q: %w; skipped it", clip(p.Value, 80), err)
		}
		repairs = append(repairs, r.repairs...)
		if r.none != "" {
			repairs = append(repairs, r.none)
			continue
		}
		if r.until != nil && r.until.kind == kindDate && e.start.kind != kindDate {
			repairs = append(repairs, fmt.Sprintf("UNTIL %s is a date on a series of date-times; read it as the end of that day", r.until))
		}
		e.rules = append(e.rules, r)
	}
	var bad []string
	for _, p := range rdates {
		period := strings.EqualFold(param(p, "VALUE"), "PERIOD")
		for _, v := range splitList(p.Value) {
			rd, err := readRDate(v, period || strings.Contains(v, "/"), p, zones)
			if err != nil {
				bad = append(bad, "RDATE "+clip(v, 40))
				continue
			}
			e.rdates = append(e.rdates, rd)
		}
	}
	for _, p := range exdates {
		for _, v := range splitList(p.Value) {
			x, err := parseValue(v, strings.EqualFold(param(p, "VALUE"), "DATE"), param(p, "TZID"), zones)
			if err != nil {
				bad = append(bad, "EXDATE "+clip(v, 40))
				continue
			}
			e.exdates = append(e.exdates, x)
		}
	}
	e.proto.Recurring = e.recurring()
	return e, repaired(repairs, bad)
}

// partialError is a problem with part of an entry that was read anyway.
type partialError struct{ msg string }

func (p *partialError) Error() string { return p.msg }

// repaired is the warning about an entry that was read with repairs, or
// with unreadable values left out; nil when there is neither.
func repaired(repairs, bad []string) error {
	if len(bad) > 0 {
		repairs = append(repairs, fmt.Sprintf("ignored unreadable %s", strings.Join(bad, ", ")))
	}
	if len(repairs) == 0 {
		return nil
	}
	return &partialError{strings.Join(repairs, "; ")}
}

// before reports whether a is before b, reading floating values and dates
// in UTC (both sides alike when they are of one kind).
func before(a, b dateTime) bool {
	if a.kind == kindDate && b.kind != kindDate {
		return dayOf(a.civil).Before(dayOf(b.in(time.UTC)))
	}
	if a.kind != kindDate && b.kind == kindDate {
		return dayOf(a.in(time.UTC)).Before(b.civil)
	}
	return a.in(time.UTC).Before(b.in(time.UTC))
}

func timeProp(p *property, zones *zoneBook) (dateTime, error) {
	return parseValue(p.Value, strings.EqualFold(param(p, "VALUE"), "DATE"), param(p, "TZID"), zones)
}

func propKey(p *property) string {
	return cleanTZID(param(p, "TZID")) + "|" + strings.ToUpper(strings.TrimSpace(p.Value))
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func readRDate(v string, period bool, p *property, zones *zoneBook) (rdate, error) {
	dateOnly := strings.EqualFold(param(p, "VALUE"), "DATE")
	tzid := param(p, "TZID")
	if !period {
		at, err := parseValue(v, dateOnly, tzid, zones)
		return rdate{at: at}, err
	}
	from, to, ok := strings.Cut(v, "/")
	if !ok {
		return rdate{}, errors.New("a period needs a /")
	}
	at, err := parseValue(from, false, tzid, zones)
	if err != nil {
		return rdate{}, err
	}
	if t := strings.TrimSpace(to); strings.HasPrefix(t, "P") || strings.HasPrefix(t, "+P") {
		d, err := parseDuration(t)
		if err != nil || d.negative() || int64(d.days)*86400+d.secs > maxLength {
			return rdate{}, errDuration
		}
		return rdate{at: at, dur: &d}, nil
	}
	end, err := parseValue(to, false, tzid, zones)
	if err != nil {
		return rdate{}, err
	}
	if before(end, at) {
		return rdate{}, errors.New("period ends before it starts")
	}
	return rdate{at: at, end: &end}, nil
}

// maxInterval bounds INTERVAL: a larger one (over 2,700 years of days)
// means nothing a calendar could show, and would overflow the search's
// arithmetic.
const maxInterval = 1_000_000

// readRule parses an RRULE with rrule-go. UNTIL is taken out and kept as a
// value of its own, to be placed in the series' zone when it is expanded
// (and so that an UNTIL at the earliest instant, which rrule-go would take
// for none, stays an UNTIL); empty parts (a trailing ";") are dropped, and
// a negative COUNT is ignored, as some exporters write COUNT=-1 for "no
// count". A COUNT is kept whatever its size: the budgets of [expansion]
// bound what it costs.
func readRule(text string, zones *zoneBook) (rule, error) {
	var parts, repairs []string
	var until *dateTime
	none := ""
	for _, part := range strings.Split(strings.TrimPrefix(strings.TrimSpace(text), "RRULE:"), ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		switch k {
		case "UNTIL":
			u, err := parseValue(v, false, "", zones)
			if err != nil {
				return rule{}, fmt.Errorf("UNTIL: %w", err)
			}
			until = &u
			continue
		case "COUNT":
			n, err := strconv.Atoi(v)
			switch {
			case err != nil && isDigits(v):
				// More than any calendar holds: the budgets bound it,
				// and say so when they do.
				repairs = append(repairs, fmt.Sprintf("COUNT=%s is more than emtime counts to; read it as COUNT=%d", clip(v, 24), math.MaxInt32))
				v = strconv.Itoa(math.MaxInt32)
			case err == nil && n < 0:
				// Some exporters write COUNT=-1 for a series without
				// end, and mean it (a documented reading, not a repair).
				continue
			case err == nil && n == 0:
				none = "RRULE with COUNT=0 repeats nothing; counted its DTSTART alone"
				continue
			}
		case "BYSETPOS":
			// RFC 5545: a position in a set of at most 366, from the
			// start (1 to 366) or the end (-1 to -366). rrule-go refuses
			// the whole rule for one value outside; those are left out.
			var kept, bad []string
			for _, x := range strings.Split(v, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(x))
				if errors.Is(err, strconv.ErrRange) || err == nil && (n == 0 || n > 366 || n < -366) {
					if x = strings.TrimSpace(x); !slices.Contains(bad, x) {
						bad = append(bad, x)
					}
					continue
				}
				kept = append(kept, x)
			}
			if len(bad) == 0 {
				break
			}
			if len(kept) == 0 {
				none = fmt.Sprintf("RRULE with BYSETPOS=%s names no position in a set (1 to 366, or -1 to -366) and repeats nothing; counted its DTSTART alone", clip(v, 40))
				continue
			}
			what := "is not a position in a set (1 to 366, or -1 to -366); left it out"
			if len(bad) > 1 {
				what = "are not positions in a set (1 to 366, or -1 to -366); left them out"
			}
			repairs = append(repairs, fmt.Sprintf("BYSETPOS %s %s", listed(bad), what))
			v = strings.Join(kept, ",")
		case "INTERVAL":
			n, err := strconv.Atoi(v)
			switch {
			case err == nil && n > maxInterval:
				return rule{}, fmt.Errorf("INTERVAL=%d is more than %d", n, maxInterval)
			case err == nil && n < 1:
				repairs = append(repairs, fmt.Sprintf("INTERVAL=%d read as INTERVAL=1", n))
				continue
			}
		default:
			if strings.HasPrefix(k, "X-") {
				continue
			}
		}
		parts = append(parts, k+"="+strings.ToUpper(v))
	}
	opt, err := rrule.StrToROptionInLocation(strings.Join(parts, ";"), time.UTC)
	if err != nil {
		return rule{}, err
	}
	// A BY list is a set: rrule-go would repeat an occurrence for each
	// time a value is written (BYHOUR=9,9).
	for _, l := range []*[]int{&opt.Bysetpos, &opt.Bymonth, &opt.Bymonthday, &opt.Byyearday, &opt.Byweekno, &opt.Byhour, &opt.Byminute, &opt.Bysecond, &opt.Byeaster} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	slices.SortFunc(opt.Byweekday, func(a, b rrule.Weekday) int { return cmp.Or(cmp.Compare(a.N(), b.N()), cmp.Compare(a.Day(), b.Day())) })
	opt.Byweekday = slices.Compact(opt.Byweekday)
	// Build it once with any start, to find what rrule-go refuses now
	// rather than at each query; as a SECONDLY rule, for which it lists no
	// times of day (up to 86,400 for the others).
	check := *opt
	check.Dtstart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	check.Freq = rrule.SECONDLY
	if _, err := rrule.NewRRule(check); err != nil {
		return rule{}, err
	}
	return rule{opt: *opt, until: until, text: text, repairs: repairs, none: none}, nil
}

// listed writes values for a message: "0", "400, -400 and 0".
func listed(v []string) string {
	if len(v) > 5 {
		v = append(v[:5:5], fmt.Sprintf("%d more", len(v)-5))
	}
	for i := range v {
		v[i] = clip(v[i], 20)
	}
	if len(v) == 1 {
		return v[0]
	}
	return strings.Join(v[:len(v)-1], ", ") + " and " + v[len(v)-1]
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// person reads an ORGANIZER or ATTENDEE: the address without "mailto:",
// lower-cased, and CN as the name.
func person(p *property) calendar.Person {
	if p == nil {
		return calendar.Person{}
	}
	return personNamed(p, param(p, "CN"))
}

// personNamed is person, with the CN parameter already read.
func personNamed(p *property, cn string) calendar.Person {
	v := strings.TrimSpace(p.Value)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	if strings.IndexByte(v, '%') >= 0 {
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
	}
	return calendar.Person{Email: strings.ToLower(strings.TrimSpace(v)), Name: strings.TrimSpace(cn)}
}

func attendeesOf(props []*property, organizer string) []calendar.Attendee {
	if len(props) == 0 {
		return nil
	}
	out := make([]calendar.Attendee, 0, len(props))
	for _, p := range props {
		// The four parameters an attendee is read by, in one pass over
		// them: the first value of each, as param gives it.
		var cn, partstat, cutype, role string
		var seen [4]bool
		for i := 0; i < len(p.params) && p.params[i] == ';'; {
			n, v, next, ok := scanParam(p.params, i+1)
			if !ok {
				break
			}
			switch {
			case !seen[0] && strings.EqualFold(n, "CN"):
				cn, seen[0] = decodeParam(v), true
			case !seen[1] && strings.EqualFold(n, "PARTSTAT"):
				partstat, seen[1] = decodeParam(v), true
			case !seen[2] && strings.EqualFold(n, "CUTYPE"):
				cutype, seen[2] = decodeParam(v), true
			case !seen[3] && strings.EqualFold(n, "ROLE"):
				role, seen[3] = decodeParam(v), true
			}
			i = next
		}
		a := calendar.Attendee{Person: personNamed(p, cn), Response: calendar.ResponseNeedsAction}
		switch strings.ToUpper(partstat) {
		case "ACCEPTED":
			a.Response = calendar.ResponseAccepted
		case "DECLINED":
			a.Response = calendar.ResponseDeclined
		case "TENTATIVE":
			a.Response = calendar.ResponseTentative
		case "DELEGATED":
			a.Response = calendar.ResponseDelegated
		}
		switch strings.ToUpper(cutype) {
		case "ROOM", "RESOURCE":
			a.Resource = true
		case "GROUP":
			a.Group = true
		}
		a.Optional = strings.EqualFold(role, "OPT-PARTICIPANT")
		a.Organizer = organizer != "" && a.Email == organizer
		out = append(out, a)
	}
	return out
}

// videoLink finds links on the video-call services people meet on.
var videoLink = regexp.MustCompile(`(?i)https://(?:meet\.google\.com|(?:[a-z0-9-]+\.)*zoom\.(?:us|com)|(?:[a-z0-9-]+\.)*zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|(?:[a-z0-9-]+\.)*webex\.com)/[^\s<>"'\\]*`)

// conferenceURL picks the video-call link: a conference property first,
// then a known service's link in URL, LOCATION or DESCRIPTION.
func conferenceURL(conf []string, link, location, description string) string {
	for _, c := range conf {
		if c = strings.TrimSpace(c); strings.HasPrefix(strings.ToLower(c), "http") {
			return c
		}
	}
	for _, s := range []string{link, location, description} {
		if !strings.Contains(s, "://") {
			continue
		}
		if m := videoLink.FindString(s); m != "" {
			return strings.TrimRight(m, ".,;:)]}>")
		}
	}
	return ""
}
