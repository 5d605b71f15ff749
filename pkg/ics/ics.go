// Package ics reads iCalendar files (RFC 5545) as a [calendar.Source]. It
// reads the file once, turns each VEVENT into a master or an override
// (RECURRENCE-ID), drops duplicates, and resolves every zone it names:
// IANA, Windows ("W. Europe Standard Time"), names hidden in longer TZIDs
// ("/mozilla.org/…/America/New_York") and, last, the file's own VTIMEZONE:
// the changes of offset its STANDARD and DAYLIGHT components' DTSTART,
// RRULE and RDATE give from 1970 to 2100 (Outlook's "Customized Time
// Zone"), bounded in number and in work, else its fixed offset, with a
// warning. [Calendar.Events] then expands each series with
// rrule-go in the event's own wall clock, applies RDATE, EXDATE and
// overrides, and returns the occurrences that overlap the query window,
// cancelled ones included. A file that is not iCalendar is an error; an
// entry that cannot be read is skipped and named in [calendar.Result]
// Warnings as "work.ics:42 (UID abc): why", so one bad entry never costs the
// rest of the calendar.
//
// # Reading
//
// The text is read by a reader of this package's own (lex.go, scan.go), not
// by an iCalendar library, because the libraries were measured to be the
// slowest part of a run: on ten years of a busy manager's calendar (5.3 MB,
// 13,162 events, BenchmarkParse) golang-ical took about 0.55 s, 175 MB and
// 2.6 million allocations to parse it, most of the time in the regular
// expressions it runs on every line, and emersion/go-ical was as slow on a
// larger file of the same kind. This reader takes about 0.08 s, 31 MB and
// 103,000 allocations on the same file, most of that in turning the
// properties into events; reading and expanding the ten years
// (BenchmarkRead, 101,672 occurrences) went from 0.52 s, 230 MB and 2.65
// million allocations to 0.27 s, 86 MB and 119,000. (Best runs on two
// shared cores; the allocations do not vary.)
//
// It unfolds content lines (a line end, CRLF, LF or a lone CR, followed by
// a space or a tab continues the line), splits each into a name,
// parameters (a quoted value may hold ';', ':' and ','; RFC 6868 carets
// are undone) and the value after the first ':' outside quotes, and undoes
// TEXT escapes. Values are slices of the one copy of the file kept in
// memory. It repairs the structure where it is broken, each repair a
// warning naming the file and line (see scan), and it bounds what a file
// can make it hold or do: a file of at most 256 MiB (refused by its size
// before it is read, a stream once it is read that far; one whose first
// 16 KiB do not begin a calendar is refused there), a line of at most
// 1 MiB, 10,000 lines and 1,000 attendees an event, components nested six
// deep in one, the first 100 repairs named and the rest counted. Its work
// grows with the size of the file and its memory is a small multiple of
// it, whatever the file holds (TestHostileInputIsBounded, BenchmarkHostile,
// FuzzRead).
//
// # Bounded expansion
//
// No rule can hang a query or exhaust memory. rrule-go, which expands
// DAILY, WEEKLY, MONTHLY and YEARLY rules, searches for the next start
// until it finds one or passes the year 9999, with no hook to stop it: a
// rule on 30 February or with a BYSETPOS past its set is searched for
// 8,000 years, and for HOURLY, MINUTELY and SECONDLY rules whose interval
// never meets an allowed time (FREQ=HOURLY;INTERVAL=2;BYHOUR=1 from an
// even hour) its loop never ends. So:
//
//   - Sub-daily rules are expanded by this package's own arithmetic: rrule-go
//     only finds the days their date parts allow, as a DAILY rule, and the
//     times of each day are counted out; a rule that can never meet an
//     allowed time, or whose BYSETPOS selects nothing, is found before any
//     search.
//   - The other rules are moved ahead by whole 400-year cycles (which keep
//     every weekday, leap year and month length) until the end of the range
//     lies within one cycle of rrule-go's last year, so that no call to
//     rrule-go searches more than one cycle; each call is charged
//     afterwards for the days it covered. A rule that finds nothing in that
//     cycle is left out with a warning; one that begins after the range is
//     not searched (it has nothing in it, and no warning).
//   - rrule-go builds the starts of one period of a rule (a day, a week, a
//     month or a year, by its FREQ) whole before it hands on the first:
//     a YEARLY rule listing every day and every second took 25 s and
//     2.7 GB in its first step. What one period may hold (the days its
//     BY lists allow, times its times of day) is worked out first and
//     charged before rrule-go is called; a rule whose period may hold
//     more than 100,000 starts is left out with a warning, its DTSTART
//     kept.
//   - Work is counted in steps, some 10 ns each: a day tried against one BY
//     value, a time tried, 40 for a start rrule-go finds. One rule may
//     spend 5,000,000 steps in a query and one series keep 100,000
//     occurrences; past either, the rest of it is left out with a warning
//     naming its place and the rest of the calendar is kept.
//   - One run may keep [DefaultOccurrences] occurrences, spend
//     [DefaultSteps] steps and name [DefaultAttendance] guests (each
//     occurrence counts its entry's), across every file that shares a
//     [Budget] (see [WithBudget]), and more for each KiB of text the run
//     read (see [Budget.Cover]), up to ten times as much; past any of
//     them, Events fails with an error wrapping [ErrBudget] that names the
//     series that cost most, and returns no part of the calendar. Ten
//     years of a busy manager's calendar (5 MB, about 100,000
//     occurrences, 5,000,000 steps, 700,000 guests) take a small part of
//     it; ten such calendars in one file, a million occurrences, fit too.
//     The guests are counted because everything after expansion that
//     looks at people (classification is once a series, but who I am,
//     the people counted, the lines of `emtime events`) is in proportion
//     to them: 20 series repeating every minute with 1,000 guests each fit
//     in 1 MB and name 200 million guests in one week. The largest 1 MB
//     file emtime allows is read in about a second and under 100 MB.
//   - The query's context is checked as the steps are spent, so a deadline
//     or a cancellation stops a long expansion.
//
// # How odd values are read
//
// Where a file says something that has one plain reading, it is read so,
// with a warning (a repair); where it says something applications read in
// more than one way, emtime follows what the calendar's owner sees in the
// application that wrote it, which is what python-recurring-ical-events
// (the reference these choices were checked against, on the corpus in
// corpus_test.go) does too, except where marked:
//
//   - DTEND before DTSTART: the two are swapped (repair).
//   - A date DTEND on DTSTART's own date: one day (repair; the reference
//     keeps no length).
//   - A date DTSTART with a date-time DTEND, or with a DURATION in hours: an
//     all-day entry through DTEND's date, a day more if DTEND has a time of
//     day, or the DURATION rounded up to whole days (repair; the reference
//     makes it a timed entry from midnight).
//   - A date-time DTSTART with a date DTEND: ends at that date's midnight
//     in the entry's zone (repair).
//   - UNTIL a date on a series of date-times: the whole of that day, in the
//     series' zone (repair; the reference ends the series at that date's
//     first instant in UTC).
//   - A DURATION or DTEND more than 290 years long, a negative DURATION:
//     the entry is skipped (warning).
//   - UNTIL before DTSTART, as Confluence marks a deleted series, or at
//     0001-01-01T00:00:00Z: the series has no occurrence, DTSTART included.
//   - A DTSTART that is not one of the rule's (BYDAY=MO, DTSTART a Tuesday):
//     DTSTART is an occurrence too, and COUNT counts the rule's own.
//   - A COUNT larger than a series keeps: expanded as far as the budgets
//     allow, with a warning when they cut it; one too large to be a number
//     is read as 2^31-1 (repair).
//   - COUNT=0: the rule repeats nothing, DTSTART alone counts (repair).
//     A negative COUNT (COUNT=-1, as some exporters write it): no COUNT,
//     a series without end.
//   - INTERVAL=0 or below: INTERVAL=1 (repair).
//   - A value written twice in a BY list (BYHOUR=9,9): once.
//   - A BYSETPOS of 0 or past 366 either way (RFC 5545: 1 to 366, -1 to
//     -366), which rrule-go refuses the rule for: left out (repair); with
//     none left, the rule repeats nothing and DTSTART alone counts.
//   - RECURRENCE-ID;RANGE=THISANDFUTURE: this and every later occurrence,
//     RDATEs included, moves by the override's change of start and takes
//     its length and details, until the next such override (RFC 5545
//     3.8.4.4).
//   - An override whose occurrence the series' EXDATE removes is dropped;
//     so is a copy of an older version of the series (it repeats an RRULE,
//     RDATE or EXDATE, with a lower SEQUENCE) whose occurrence the series
//     no longer has. Any other override stands, wherever it is. A date
//     EXDATE on a series of date-times removes every occurrence that day,
//     and so an override of one of them (the reference keeps the override).
//   - A series written in UTC in a calendar with X-WR-TIMEZONE repeats on
//     that zone's wall clock (RDATE, EXDATE and RECURRENCE-ID stay the
//     instants they name), as Google Calendar, which writes such files,
//     shows it: the same local time across a daylight-saving change.
//   - Floating times are read in X-WR-TIMEZONE, else in the query's zone;
//     dates are days in the query's zone.
package ics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/textsafe"
)

// ErrNotCalendar is wrapped by the error [Parse] returns for data that does
// not start with BEGIN:VCALENDAR.
var ErrNotCalendar = errors.New("not an iCalendar file")

// Calendar is a parsed iCalendar file. It is read-only once parsed, so its
// methods may be called from several goroutines.
type Calendar struct {
	name      string
	info      calendar.Info
	zone      *time.Location // X-WR-TIMEZONE, or nil
	masters   []*entry
	master    map[string]*entry // the master of each UID that has one
	overrides []*entry          // every override, each emitted on its own
	warnings  []string
	size      int64 // of the text read, for [Budget.Cover]
}

var _ calendar.Source = (*Calendar)(nil)

// maxFile is the largest calendar read, far above any real one: ten years
// of a busy manager's calendar is 5 MB. It keeps a device or a stream that
// never ends (--ics /dev/zero) from filling the memory.
const maxFile = 256 << 20

// errTooLarge is the error for a file larger than maxFile.
var errTooLarge = fmt.Errorf("larger than %d MiB, the most emtime reads of one calendar", maxFile>>20)

// ReadFile opens and parses a file on disk. Messages name the file by path.
// A file larger than a calendar may be (256 MiB) is refused by its size,
// before any of it is read; a device or a pipe is read no further than
// that, or than its first bytes when they do not begin a calendar.
func ReadFile(path string) (*Calendar, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read calendar: %w", err)
	}
	defer f.Close()
	text, err := readText(f, sizeOf(f), maxFile)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("cannot read calendar %s: %w", path, err)
	case errors.Is(err, ErrNotCalendar):
		return nil, fmt.Errorf("%s: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("cannot read calendar: %w", err)
	}
	return parse(path, text)
}

// Parse reads one iCalendar document. name is used in every message
// ("work.ics"). Data that is not iCalendar is an error wrapping
// [ErrNotCalendar], found in its first bytes; a file cut short is read as
// far as it goes, with a warning; entries that cannot be read are skipped
// with a warning (see [Calendar.Events]). At most 256 MiB are read: a
// larger file is an error, refused before it is read when r says its size
// (a regular file, a bytes.Reader, a strings.Reader, a bytes.Buffer).
func Parse(name string, r io.Reader) (*Calendar, error) {
	var size int64
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		size = int64(v.Len())
	case *os.File: // standard input, say, when it is a file
		size = sizeOf(v)
	}
	text, err := readText(r, size, maxFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return parse(name, text)
}

// sizeOf is how much is left to read of f when it is a regular file, and
// 0 (not known) when it is a device, a pipe or a terminal.
func sizeOf(f *os.File) int64 {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	at, err := f.Seek(0, io.SeekCurrent)
	if err != nil || at > fi.Size() {
		return 0
	}
	return max(fi.Size()-at, 0)
}

// headSize is how much of a file is read before it is known to be a
// calendar: its first line that is not blank must be BEGIN:VCALENDAR (or
// begin as one, when it is longer), within these bytes.
const headSize = 16 << 10

// streamBlock is the size of the blocks a stream of unknown size is read
// in: at most one of them is read into in part.
const streamBlock = 1 << 20

// readText reads at most limit bytes into a string. size is how large the
// text says it is (0: not known): more than limit is refused before any of
// it is read, and room for it is reserved once, so that the text is read
// into the one copy kept (a strings.Builder, whose String does not copy).
// First, headSize bytes are read and must begin a calendar. A stream of
// unknown size is read in blocks, joined once at the end, rather than into
// a buffer grown again and again, each growth a copy: it holds twice its
// size at most, for a moment.
func readText(r io.Reader, size, limit int64) (string, error) {
	if size > limit {
		return "", errTooLarge
	}
	lr := &io.LimitedReader{R: r, N: limit + 1}
	var head strings.Builder
	head.Grow(headSize)
	if _, err := io.CopyN(&head, lr, headSize); err == io.EOF {
		if !startsCalendar(head.String(), true) {
			return "", ErrNotCalendar
		}
		return head.String(), nil
	} else if err != nil {
		return "", err
	}
	if !startsCalendar(head.String(), false) {
		return "", ErrNotCalendar
	}
	if size > 0 {
		// Room for all of it, and a byte more to see that it ends there.
		var b strings.Builder
		b.Grow(int(size) + 1)
		b.WriteString(head.String())
		if _, err := io.Copy(&b, lr); err != nil {
			return "", err
		}
		if int64(b.Len()) > limit {
			return "", errTooLarge
		}
		return b.String(), nil
	}
	blocks := []string{head.String()}
	total := int64(head.Len())
	for {
		var b strings.Builder
		b.Grow(streamBlock)
		got, err := io.CopyN(&b, lr, streamBlock)
		if got > 0 {
			blocks = append(blocks, b.String())
			total += got
		}
		if total > limit {
			return "", errTooLarge
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	var b strings.Builder
	b.Grow(int(total))
	for _, s := range blocks {
		b.WriteString(s)
	}
	return b.String(), nil
}

// startsCalendar reports whether head, the first bytes of a file (whole:
// all of it), begins a calendar, as [scan] will read it: after a
// byte-order mark, its first line that is not blank is BEGIN:VCALENDAR,
// or, when head ends inside that line, begins as BEGIN does.
func startsCalendar(head string, whole bool) bool {
	lx := newLexer(strings.TrimPrefix(head, "\ufeff"))
	for {
		s, _, _, ok := lx.next()
		if !ok {
			return false
		}
		if isBlank(s) {
			continue
		}
		if _, _, _, more := lx.next(); !whole && !more {
			// Cut by the end of head: BEGIN, then ':' or ';', as far as
			// head goes.
			s = strings.TrimLeft(s, " \t")
			if len(s) < 5 {
				return strings.HasPrefix("BEGIN", upperASCII(s))
			}
			rest := strings.TrimLeft(s[5:], " \t")
			return strings.EqualFold(s[:5], "BEGIN") && (rest == "" || rest[0] == ':' || rest[0] == ';')
		}
		p, st := splitLine(s)
		return st != lineBad && p.name == "BEGIN" && componentName(p.Value) == "VCALENDAR"
	}
}

// parse reads a calendar's text, handing the scan a reader of events so
// that the properties of one event are held at a time; a file with a
// VTIMEZONE after an event (rare) is read again whole, so that every event
// reads every zone.
func parse(name, text string) (*Calendar, error) {
	c, late, err := parseText(name, text, true)
	if late {
		c, _, err = parseText(name, text, false)
	}
	return c, err
}

// parseText reads a calendar's text, event by event as the scan hands them
// on (each), or once the whole file is scanned. late reports that each was
// asked for and a VTIMEZONE came after an event.
func parseText(name, text string, each bool) (cal *Calendar, late bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			cal, late, err = nil, false, fmt.Errorf("%s: cannot read the calendar (internal error: %v)", name, p)
		}
	}()
	zones := newZoneBook(name)
	var entries []*entry
	var readWarnings []string
	copies := newInterner()
	readOne := func(ev *component) {
		e, err := readEvent(ev, zones)
		e.detach(copies)
		if err != nil {
			readWarnings = append(readWarnings, fmt.Sprintf("%s: %v", place(name, ev.line, e.uid), err))
			var partial *partialError
			if !errors.As(err, &partial) {
				return
			}
		}
		if ev.omitted > 0 {
			e.proto.AttendeesOmitted = true
			readWarnings = append(readWarnings, fmt.Sprintf("%s: read the first %d of its %d attendees; left the others out", place(name, ev.line, e.uid), maxAttendees, maxAttendees+ev.omitted))
		}
		e.index, e.line = len(entries), ev.line
		entries = append(entries, e)
	}
	var doc *document
	if each {
		if doc, err = scanEach(name, text, readOne, func(z *component) { readVTimezone(z, zones) }); err != nil {
			return nil, false, err
		}
		if doc.lateZone {
			return nil, true, nil
		}
	} else {
		if doc, err = scan(name, text); err != nil {
			return nil, false, err
		}
		for i := range doc.zones {
			readVTimezone(&doc.zones[i], zones)
		}
		entries = make([]*entry, 0, len(doc.events))
		for i := range doc.events {
			readOne(&doc.events[i])
		}
	}
	c := &Calendar{name: name, master: map[string]*entry{}, size: int64(len(text))}
	c.warnings = append(c.warnings, doc.warnings...)
	if doc.malformed > 0 {
		c.warnings = append(c.warnings, fmt.Sprintf("%s: %d malformed line(s) dropped or read without parameters (first: %q)", name, doc.malformed, doc.firstMalformed))
	}
	for _, p := range doc.props {
		switch p.name {
		case "X-WR-CALNAME":
			c.info.Name = strings.Clone(strings.TrimSpace(p.Value))
		case "NAME":
			if c.info.Name == "" {
				c.info.Name = strings.Clone(strings.TrimSpace(p.Value))
			}
		case "X-WR-TIMEZONE":
			if strings.TrimSpace(p.Value) == "" {
				break
			}
			if loc, iana, ok := zoneByName(p.Value); ok {
				c.zone, c.info.Zone = loc, strings.Clone(iana)
			} else {
				c.warnings = append(c.warnings, fmt.Sprintf("%s: X-WR-TIMEZONE %q is not a known zone; ignored it", name, p.Value))
			}
		}
	}
	c.warnings = append(c.warnings, readWarnings...)
	c.warnings = append(c.warnings, zones.warnings...)
	for i, w := range c.warnings {
		c.warnings[i] = textsafe.Line(w)
	}
	pack(name, entries)
	c.assemble(dedupe(entries))
	return c, false, nil
}

// place names an entry in a message: "work.ics:42 (UID abc)".
func place(name string, line int, uid string) string {
	s := name
	if line > 0 {
		s = fmt.Sprintf("%s:%d", name, line)
	}
	if uid != "" {
		s += fmt.Sprintf(" (UID %s)", textsafe.Line(clip(uid, 60)))
	}
	return s
}

// clip shortens s to at most n bytes and an ellipsis, on a character
// boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// badOffset warns of a TZOFFSETTO or TZOFFSETFROM that is no offset: the
// observance it belongs to is left out of its zone, which an event naming
// the zone then reads without (or, with none left, cannot place).
func badOffset(zones *zoneBook, sub component, id string, p *property) {
	zones.warnings = append(zones.warnings, fmt.Sprintf("%s:%d: VTIMEZONE %q: %s %q is not an offset like +0100 (at most 18 hours, minutes and seconds below 60); left this %s out of the zone",
		zones.name, sub.line, clip(id, 60), p.name, clip(strings.TrimSpace(p.Value), 20), sub.name))
}

func readVTimezone(tz *component, zones *zoneBook) {
	var id string
	var v vtimezone
	for _, p := range tz.props {
		switch p.name {
		case "TZID":
			id = cleanTZID(p.Value)
		case "X-LIC-LOCATION":
			v.location = strings.TrimSpace(p.Value)
		}
	}
	for _, sub := range tz.subs {
		standard := sub.name == "STANDARD"
		if !standard && sub.name != "DAYLIGHT" {
			continue
		}
		o := observance{dst: !standard}
		var hasStart, hasFrom, hasTo bool
		for i := range sub.props {
			p := &sub.props[i]
			switch p.name {
			case "TZOFFSETTO":
				if off, ok := parseOffset(p.Value); ok {
					o.to, hasTo = off, true
					if standard || !v.hasOffset {
						v.offset, v.hasOffset = off, true
					}
				} else {
					badOffset(zones, sub, id, p)
				}
			case "TZOFFSETFROM":
				if o.from, hasFrom = parseOffset(p.Value); !hasFrom {
					badOffset(zones, sub, id, p)
				}
			case "DTSTART":
				if d, err := parseValue(p.Value, false, "", nil); err == nil && d.kind != kindDate {
					o.start, hasStart = d.civil, true
				}
			case "TZNAME":
				o.name = zoneAbbreviation(p.Value)
			case "RRULE":
				if r, err := readRule(p.Value, nil); err == nil && r.none == "" && len(o.rules) < maxObservanceRules {
					r.text = strings.Clone(clip(r.text, 80))
					r.repairs = nil
					o.rules = append(o.rules, r)
				}
			case "RDATE":
				for _, x := range splitList(p.Value) {
					if d, err := parseValue(x, false, "", nil); err == nil && d.kind != kindDate && len(o.rdates) < maxObservanceRDates {
						o.rdates = append(o.rdates, d.civil)
					}
				}
			}
		}
		if hasStart && hasFrom && hasTo && len(v.observances) < maxObservances {
			v.observances = append(v.observances, o)
		}
	}
	if id != "" {
		zones.vtz[id] = v
	}
}

// dedupe keeps one of each duplicated entry: for overrides, one per UID and
// RECURRENCE-ID; for masters, one per UID when it is a series, else one per
// UID and start. The one kept has the highest SEQUENCE, then comes last.
func dedupe(entries []*entry) []*entry {
	// dupKey says which entries are copies of one another.
	type dupKey struct {
		kind  byte // 'R' override, 'S' series, 'M' single event, '#' no UID
		uid   string
		value string // RECURRENCE-ID or DTSTART as written
		index int    // of an entry without a UID: never a copy
	}
	series := make(map[string]bool)
	for _, e := range entries {
		if e.rid == nil && e.recurring() {
			series[e.uid] = true
		}
	}
	keys := make([]dupKey, len(entries))
	best := make(map[dupKey]*entry, len(entries))
	for i, e := range entries {
		switch {
		case e.uid == "":
			keys[i] = dupKey{kind: '#', index: e.index}
		case e.rid != nil:
			keys[i] = dupKey{kind: 'R', uid: e.uid, value: e.ridKey}
		case series[e.uid]:
			keys[i] = dupKey{kind: 'S', uid: e.uid}
		default:
			keys[i] = dupKey{kind: 'M', uid: e.uid, value: e.startKey}
		}
		if old, ok := best[keys[i]]; !ok || e.seq >= old.seq {
			best[keys[i]] = e
		}
	}
	kept := make([]*entry, 0, len(best))
	for i, e := range entries {
		if best[keys[i]] == e {
			kept = append(kept, e)
		}
	}
	return kept
}

func (c *Calendar) assemble(entries []*entry) {
	for _, e := range entries {
		if e.rid != nil {
			c.overrides = append(c.overrides, e)
			continue
		}
		c.masters = append(c.masters, e)
		if e.uid != "" && (c.master[e.uid] == nil || e.recurring()) {
			c.master[e.uid] = e
		}
	}
}

// Info says what the calendar says about itself: its name (X-WR-CALNAME)
// and zone (X-WR-TIMEZONE, as an IANA name). Owner is always empty: a file
// does not say whose it is.
func (c *Calendar) Info(ctx context.Context) (calendar.Info, error) {
	if err := ctx.Err(); err != nil {
		return calendar.Info{}, err
	}
	return c.info, nil
}

// Events returns every occurrence that overlaps [q.From, q.To), sorted by
// start, then UID. All-day entries start and end at midnight in q.Zone;
// floating times are read in the calendar's X-WR-TIMEZONE, else in q.Zone
// (UTC when q.Zone is nil). Occurrences replaced by an override give way to
// it; cancelled ones are kept with Status cancelled. Warnings name the
// entries that were skipped, with their line in the file. Occurrences
// share their Attendees with one another and with the Calendar (those of
// one entry, and those of entries with the same list): treat them as
// read-only.
func (c *Calendar) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	if err := ctx.Err(); err != nil {
		return calendar.Result{}, err
	}
	if q.To.Before(q.From) {
		return calendar.Result{}, fmt.Errorf("%s: query window ends (%s) before it starts (%s)", c.name, q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	x := &expansion{ctx: ctx, c: c, q: q, budget: budgetOf(ctx, c), dayLoc: q.Zone, floatLoc: c.zone, index: map[*entry]int32{}}
	if x.dayLoc == nil {
		x.dayLoc = c.zone
	}
	if x.dayLoc == nil {
		x.dayLoc = time.UTC
	}
	if x.floatLoc == nil {
		x.floatLoc = x.dayLoc
	}
	x.warnings = append(x.warnings, c.warnings...)
	var stand []*entry
	x.standing = map[string][]*entry{}
	for _, o := range c.overrides {
		if m := c.master[o.uid]; o.uid != "" && m != nil {
			if !x.stands(m, o) {
				continue
			}
			x.standing[o.uid] = append(x.standing[o.uid], o)
		}
		stand = append(stand, o)
	}
	for i, m := range c.masters {
		if i%64 == 0 && x.err == nil {
			x.err = ctx.Err()
		}
		if x.err != nil {
			break
		}
		x.series(m)
	}
	for _, o := range stand {
		x.single(o)
	}
	if x.err != nil {
		return calendar.Result{}, x.err
	}
	return calendar.Result{Events: x.events(), Warnings: x.warnings}, nil
}
