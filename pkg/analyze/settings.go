package analyze

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Span is a stretch of wall-clock time within a day, as offsets from
// midnight: 09:00–17:00 is {9h, 17h}. The zero Span is a day off.
type Span struct {
	Start time.Duration
	End   time.Duration
}

// IsZero reports whether the span is a day off.
func (s Span) IsZero() bool { return s.End <= s.Start }

func (s Span) String() string {
	return clock(s.Start) + "-" + clock(s.End)
}

func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// ParseSpan reads "09:00-17:00". The end must come after the start, within
// one day (24:00 is allowed as an end).
func ParseSpan(s string) (Span, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return Span{}, fmt.Errorf("%q is not a span like 09:00-17:00", s)
	}
	start, err := parseClock(a)
	if err != nil {
		return Span{}, err
	}
	end, err := parseClock(b)
	if err != nil {
		return Span{}, err
	}
	if end <= start {
		return Span{}, fmt.Errorf("%q ends before it starts", s)
	}
	return Span{start, end}, nil
}

func parseClock(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !digits(hh) || !digits(mm) {
		return 0, fmt.Errorf("%q is not a time like 09:00", s)
	}
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Settings says how time is counted.
type Settings struct {
	// Zone is where days, working hours and weeks are laid out.
	Zone *time.Location
	// Hours are the working hours per weekday, indexed by time.Weekday.
	Hours [7]Span
	// WeekStart is the first day of a week.
	WeekStart time.Weekday
	// FocusMin is the shortest free stretch that counts as focus.
	FocusMin time.Duration
	// BackToBackGap: meetings closer than this form a back-to-back chain.
	BackToBackGap time.Duration
	// Domain is my e-mail domain; meetings with anyone outside it count as
	// external. Empty: no meeting is external.
	Domain string
	// TopPeople is how many people to list by meeting time.
	TopPeople int
}

// DefaultSettings returns the documented defaults in zone: Monday to Friday
// 09:00–17:00, weeks from Monday, focus from 2 hours, back-to-back under 5
// minutes, the top 5 people.
func DefaultSettings(zone *time.Location) Settings {
	s := Settings{
		Zone:          zone,
		WeekStart:     time.Monday,
		FocusMin:      2 * time.Hour,
		BackToBackGap: 5 * time.Minute,
		TopPeople:     5,
	}
	for d := time.Monday; d <= time.Friday; d++ {
		s.Hours[d] = Span{9 * time.Hour, 17 * time.Hour}
	}
	return s
}

// ParseWeekday reads "mon", "Monday", "tue"….
func ParseWeekday(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if len(s) >= 2 && strings.HasPrefix(name, s) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%q is not a day of the week", s)
}

// ParseWeekdays reads "mon-fri", "mon,wed,fri" or "sun-thu" into a set.
func ParseWeekdays(s string) ([7]bool, error) {
	var set [7]bool
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, err := ParseWeekday(a)
		if err != nil {
			return set, err
		}
		to := from
		if isRange {
			if to, err = ParseWeekday(b); err != nil {
				return set, err
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			set[d] = true
			if d == to {
				break
			}
		}
	}
	return set, nil
}
