// Package ics reads iCalendar files (RFC 5545) as a [calendar.Source]. It
// parses the file once with golang-ical, turns each VEVENT into a master or
// an override (RECURRENCE-ID), drops duplicates, and resolves every zone it
// names: IANA, Windows ("W. Europe Standard Time"), names hidden in longer
// TZIDs ("/mozilla.org/…/America/New_York") and, last, the fixed offset of
// the file's own VTIMEZONE. [Calendar.Events] then expands each series with
// rrule-go in the event's own wall clock, applies RDATE, EXDATE and
// overrides, and returns the occurrences that overlap the query window,
// cancelled ones included. A file that is not iCalendar is an error; an
// entry that cannot be read is skipped and named in [calendar.Result]
// Warnings as "work.ics:42 (UID abc): why", so one bad entry never costs the
// rest of the calendar.
package ics

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	ical "github.com/arran4/golang-ical"
	"github.com/emtime/emtime/pkg/calendar"
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
	byUID     map[string][]*entry // overrides of each series
	overrides []*entry            // every override, each emitted on its own
	warnings  []string
}

var _ calendar.Source = (*Calendar)(nil)

// ReadFile opens and parses a file on disk. Messages name the file by path.
func ReadFile(path string) (*Calendar, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read calendar: %w", err)
	}
	return parse(path, data)
}

// Parse reads one iCalendar document. name is used in every message
// ("work.ics"). Data that is not iCalendar is an error wrapping
// [ErrNotCalendar]; a file cut short is read as far as it goes, with a
// warning; entries that cannot be read are skipped with a warning (see
// [Calendar.Events]).
func Parse(name string, r io.Reader) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return parse(name, data)
}

func parse(name string, data []byte) (cal *Calendar, err error) {
	defer func() {
		if p := recover(); p != nil {
			cal, err = nil, fmt.Errorf("%s: cannot read the calendar (internal error: %v)", name, p)
		}
	}()
	sc, err := scan(name, data)
	if err != nil {
		return nil, err
	}
	loose, firstLoose := 0, ""
	parser := func(line ical.ContentLine) (*ical.BaseProperty, error) {
		p, err := ical.ParseProperty(line)
		if err == nil {
			return p, nil
		}
		if loose++; loose == 1 {
			firstLoose = string(line)
		}
		return ical.LooseParser(line)
	}
	doc, err := ical.ParseCalendarWithOptions(bytes.NewReader(sc.text),
		ical.WithUnknownPropertyHandler(ical.AcceptUnknownPropertyHandler),
		ical.WithPropertyParser(parser))
	if err != nil {
		var me *ical.MalformedError
		if errors.As(err, &me) && me.Line > 0 && me.Line <= len(sc.phys) {
			return nil, fmt.Errorf("%s:%d: %w", name, sc.phys[me.Line-1], err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := &Calendar{name: name, byUID: map[string][]*entry{}}
	c.warnings = append(c.warnings, sc.warnings...)
	if loose > 0 {
		c.warnings = append(c.warnings, fmt.Sprintf("%s: %d malformed line(s) dropped or read without parameters (first: %q)", name, loose, clip(firstLoose, 80)))
	}
	zones := newZoneBook(name)
	for _, p := range doc.CalendarProperties {
		switch strings.ToUpper(p.IANAToken) {
		case "X-WR-CALNAME":
			c.info.Name = strings.TrimSpace(p.Value)
		case "NAME":
			if c.info.Name == "" {
				c.info.Name = strings.TrimSpace(p.Value)
			}
		case "X-WR-TIMEZONE":
			if strings.TrimSpace(p.Value) == "" {
				break
			}
			if loc, iana, ok := zoneByName(p.Value); ok {
				c.zone, c.info.Zone = loc, iana
			} else {
				c.warnings = append(c.warnings, fmt.Sprintf("%s: X-WR-TIMEZONE %q is not a known zone; ignored it", name, p.Value))
			}
		}
	}
	for _, comp := range doc.Components {
		if tz, ok := comp.(*ical.VTimezone); ok {
			readVTimezone(tz, zones)
		}
	}
	var entries []*entry
	n := 0
	for _, comp := range doc.Components {
		ev, ok := comp.(*ical.VEvent)
		if !ok {
			continue
		}
		line := 0
		if n < len(sc.vevents) {
			line = sc.vevents[n]
		}
		n++
		e, err := readEvent(&ev.ComponentBase, zones)
		if err != nil {
			c.warnings = append(c.warnings, fmt.Sprintf("%s: %v", place(name, line, e.uid), err))
			var partial *partialError
			if !errors.As(err, &partial) {
				continue
			}
		}
		e.index, e.line = len(entries), line
		e.proto.Origin = fmt.Sprintf("%s:%d", name, line)
		entries = append(entries, e)
	}
	c.warnings = append(c.warnings, zones.warnings...)
	c.assemble(dedupe(entries))
	return c, nil
}

// place names an entry in a message: "work.ics:42 (UID abc)".
func place(name string, line int, uid string) string {
	s := name
	if line > 0 {
		s = fmt.Sprintf("%s:%d", name, line)
	}
	if uid != "" {
		s += fmt.Sprintf(" (UID %s)", clip(uid, 60))
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func readVTimezone(tz *ical.VTimezone, zones *zoneBook) {
	var id string
	var v vtimezone
	for _, p := range tz.Properties {
		switch strings.ToUpper(p.IANAToken) {
		case "TZID":
			id = cleanTZID(p.Value)
		case "X-LIC-LOCATION":
			v.location = strings.TrimSpace(p.Value)
		}
	}
	for _, sub := range tz.Components {
		var base *ical.ComponentBase
		standard := false
		switch s := sub.(type) {
		case *ical.Standard:
			base, standard = &s.ComponentBase, true
		case *ical.Daylight:
			base = &s.ComponentBase
		default:
			continue
		}
		for _, p := range base.Properties {
			if strings.EqualFold(p.IANAToken, "TZOFFSETTO") {
				if off, ok := parseOffset(p.Value); ok && (standard || !v.hasOffset) {
					v.offset, v.hasOffset = off, true
				}
			}
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
	best := map[string]*entry{}
	series := map[string]bool{}
	for _, e := range entries {
		if e.rid == nil && e.recurring() {
			series[e.uid] = true
		}
	}
	key := func(e *entry) string {
		switch {
		case e.uid == "":
			return fmt.Sprintf("#%d", e.index)
		case e.rid != nil:
			return "R\x00" + e.uid + "\x00" + e.ridKey
		case series[e.uid]:
			return "S\x00" + e.uid
		}
		return "M\x00" + e.uid + "\x00" + e.startKey
	}
	for _, e := range entries {
		k := key(e)
		if old, ok := best[k]; !ok || e.seq >= old.seq {
			best[k] = e
		}
	}
	kept := entries[:0:0]
	for _, e := range entries {
		if best[key(e)] == e {
			kept = append(kept, e)
		}
	}
	return kept
}

func (c *Calendar) assemble(entries []*entry) {
	for _, e := range entries {
		if e.rid != nil {
			c.overrides = append(c.overrides, e)
			if e.uid != "" {
				c.byUID[e.uid] = append(c.byUID[e.uid], e)
			}
			continue
		}
		c.masters = append(c.masters, e)
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
// entries that were skipped, with their line in the file. The occurrences
// of one series share one copy of its Attendees: treat it as read-only.
func (c *Calendar) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	if err := ctx.Err(); err != nil {
		return calendar.Result{}, err
	}
	if q.To.Before(q.From) {
		return calendar.Result{}, fmt.Errorf("%s: query window ends (%s) before it starts (%s)", c.name, q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	x := &expansion{c: c, q: q, dayLoc: q.Zone, floatLoc: c.zone}
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
	for i, m := range c.masters {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return calendar.Result{}, err
			}
		}
		x.series(m)
	}
	for _, o := range c.overrides {
		x.single(o)
	}
	return calendar.Result{Events: x.sorted(), Warnings: x.warnings}, nil
}
