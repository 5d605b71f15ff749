package ics

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// kind says how a DATE or DATE-TIME value is anchored in time.
type kind uint8

const (
	// kindDate is a DATE: a day on the calendar, in no zone.
	kindDate kind = iota
	// kindUTC is a DATE-TIME ending in Z.
	kindUTC
	// kindZoned is a DATE-TIME with a TZID.
	kindZoned
	// kindFloating is a DATE-TIME with neither: the same wall clock anywhere.
	kindFloating
)

// dateTime is a DATE or DATE-TIME value as written. civil holds the wall
// clock (or the date at midnight) in [time.UTC]; it is an instant only for
// kindUTC.
type dateTime struct {
	kind  kind
	civil time.Time
	loc   *time.Location // kindZoned only
}

// location is the zone the value's wall clock is read in; floating values
// and dates take the one given.
func (d dateTime) location(floating *time.Location) *time.Location {
	switch d.kind {
	case kindUTC:
		return time.UTC
	case kindZoned:
		return d.loc
	}
	return floating
}

// in returns the instant: the wall clock in the value's zone, or in
// floating for floating times and dates (at midnight).
func (d dateTime) in(floating *time.Location) time.Time {
	if d.kind == kindUTC {
		return d.civil
	}
	return rezone(d.civil, d.location(floating))
}

// rezone reads t's wall clock in loc.
func rezone(t time.Time, loc *time.Location) time.Time {
	y, m, day := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, day, hh, mm, ss, 0, loc)
}

// wall is t's wall clock as a time in UTC: the inverse of [rezone].
func wall(t time.Time) time.Time {
	y, m, day := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, day, hh, mm, ss, 0, time.UTC)
}

// dayOf is a date at midnight UTC.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// String formats the value as written, for messages.
func (d dateTime) String() string {
	if d.kind == kindDate {
		return d.civil.Format("2006-01-02")
	}
	s := d.civil.Format("2006-01-02T15:04")
	if d.civil.Second() != 0 {
		s = d.civil.Format("2006-01-02T15:04:05")
	}
	if d.kind == kindUTC {
		s += "Z"
	}
	return s
}

// parseValue reads one DATE or DATE-TIME value. A value of eight digits is
// a DATE whatever VALUE says; so is any value under VALUE=DATE.
func parseValue(s string, dateOnly bool, tzid string, zones *zoneBook) (dateTime, error) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || !allDigits(s[:8]) {
		return dateTime{}, fmt.Errorf("%q is not a date", s)
	}
	y, _ := strconv.Atoi(s[:4])
	mo, _ := strconv.Atoi(s[4:6])
	d, _ := strconv.Atoi(s[6:8])
	if y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, time.Month(mo)) {
		return dateTime{}, fmt.Errorf("%q is not a date", s)
	}
	if len(s) == 8 || dateOnly {
		return dateTime{kind: kindDate, civil: time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)}, nil
	}
	rest := s[8:]
	if rest[0] != 'T' && rest[0] != 't' {
		return dateTime{}, fmt.Errorf("%q is not a date-time", s)
	}
	rest = rest[1:]
	utc := false
	if n := len(rest); n > 0 && (rest[n-1] == 'Z' || rest[n-1] == 'z') {
		utc, rest = true, rest[:n-1]
	}
	if len(rest) == 4 { // HHMM: seconds left out by some exporters
		rest += "00"
	}
	if len(rest) != 6 || !allDigits(rest) {
		return dateTime{}, fmt.Errorf("%q is not a date-time", s)
	}
	hh, _ := strconv.Atoi(rest[:2])
	mm, _ := strconv.Atoi(rest[2:4])
	ss, _ := strconv.Atoi(rest[4:6])
	if ss == 60 { // a leap second
		ss = 59
	}
	if hh > 23 || mm > 59 || ss > 59 {
		return dateTime{}, fmt.Errorf("%q is not a date-time", s)
	}
	civil := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC)
	switch {
	case utc:
		return dateTime{kind: kindUTC, civil: civil}, nil
	case strings.TrimSpace(tzid) != "":
		loc, err := zones.lookup(tzid)
		if err != nil {
			return dateTime{}, err
		}
		return dateTime{kind: kindZoned, civil: civil, loc: loc}, nil
	}
	return dateTime{kind: kindFloating, civil: civil}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// duration is an iCalendar DURATION: days are nominal (a day is the same
// wall clock on the next date), the rest exact.
type duration struct {
	days int
	secs int64
}

func (d duration) negative() bool {
	return d.days < 0 || d.days == 0 && d.secs < 0
}

// after is t plus the duration.
func (d duration) after(t time.Time) time.Time {
	return t.AddDate(0, 0, d.days).Add(time.Duration(d.secs) * time.Second)
}

// wholeDays rounds the duration up to days, for all-day events.
func (d duration) wholeDays() int {
	n := d.days
	if d.secs > 0 {
		n += int((d.secs + 86399) / 86400)
	}
	return n
}

var errDuration = errors.New("not a duration")

// parseDuration reads an RFC 5545 duration such as "PT1H30M", "P3D",
// "-P1W" or "P1DT12H".
func parseDuration(s string) (duration, error) {
	orig := s
	s = strings.ToUpper(strings.TrimSpace(s))
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return duration{}, fmt.Errorf("%q: %w", orig, errDuration)
	}
	s = s[1:]
	var d duration
	inTime := false
	num := ""
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			num += string(r)
			if len(num) > 9 {
				return duration{}, fmt.Errorf("%q: %w", orig, errDuration)
			}
		case r == 'T' && !inTime && num == "":
			inTime = true
		default:
			if num == "" {
				return duration{}, fmt.Errorf("%q: %w", orig, errDuration)
			}
			n, _ := strconv.Atoi(num)
			num = ""
			switch {
			case r == 'W' && !inTime:
				d.days += 7 * n
			case r == 'D' && !inTime:
				d.days += n
			case r == 'H' && inTime:
				d.secs += int64(n) * 3600
			case r == 'M' && inTime:
				d.secs += int64(n) * 60
			case r == 'S' && inTime:
				d.secs += int64(n)
			default:
				return duration{}, fmt.Errorf("%q: %w", orig, errDuration)
			}
		}
	}
	if num != "" {
		return duration{}, fmt.Errorf("%q: %w", orig, errDuration)
	}
	if neg {
		d.days, d.secs = -d.days, -d.secs
	}
	return d, nil
}

// maxLength is the longest an entry may last: a little less than the 292
// years a time.Duration holds, so that no length is ever cut short
// silently.
const maxLength = 290 * 365 * 86400 // seconds

// checkLength checks how long e lasts and repairs what has one plain
// reading, adding a note for each repair to repairs: a DTEND before DTSTART
// is read the other way round (the times the entry spans); a date DTEND on
// DTSTART's own date is one day; a date and a date-time mixed keep
// DTSTART's kind. An entry longer than maxLength is an error.
func (e *entry) checkLength(repairs *[]string) error {
	note := func(format string, args ...any) { *repairs = append(*repairs, fmt.Sprintf(format, args...)) }
	if e.end != nil {
		end := *e.end
		switch {
		case before(end, e.start):
			note("end %s is before start %s; swapped them", end, e.start)
			e.start, end = end, e.start
			e.end = &end
		case e.start.kind == kindDate && end.kind == kindDate && end.civil.Equal(e.start.civil):
			note("DTEND %s is the day it starts; read it as that one day", end)
			e.end = nil
			return nil
		}
		switch {
		case e.start.kind == kindDate && end.kind != kindDate:
			note("DTSTART %s is a date and DTEND %s a date-time; read it as %s all-day", e.start, end, days(dateSpan(e)))
		case e.start.kind != kindDate && end.kind == kindDate:
			note("DTSTART %s is a date-time and DTEND %s a date; read DTEND as that day's midnight", e.start, end)
		}
		if end.in(time.UTC).Unix()-e.start.in(time.UTC).Unix() > maxLength {
			return fmt.Errorf("DTEND %s is more than 290 years after DTSTART %s; skipped it", end, e.start)
		}
		return nil
	}
	if d := e.dur; d != nil {
		if int64(d.days)*86400+d.secs > maxLength {
			return fmt.Errorf("DURATION %s is longer than 290 years; skipped it", d)
		}
		if e.start.kind == kindDate && (d.secs != 0 || d.days == 0) {
			note("DURATION %s on an all-day entry is not whole days; read it as %s", d, days(dateSpan(e)))
		}
	}
	return nil
}

// days says "1 day" or "3 days".
func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// String writes the duration as RFC 5545 does: P1DT2H30M.
func (d duration) String() string {
	days, secs := d.days, d.secs
	s := "P"
	if d.negative() {
		s, days, secs = "-P", -days, -secs
	}
	if days != 0 || secs == 0 {
		s += fmt.Sprintf("%dD", days)
	}
	if secs != 0 {
		s += "T"
		if h := secs / 3600; h != 0 {
			s += fmt.Sprintf("%dH", h)
		}
		if m := secs / 60 % 60; m != 0 {
			s += fmt.Sprintf("%dM", m)
		}
		if sec := secs % 60; sec != 0 {
			s += fmt.Sprintf("%dS", sec)
		}
	}
	return s
}
