package analyze

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

// TestCapacityInvariant analyses a few hundred random calendars, most with
// random coding sessions laid on them, and checks, for every week and the
// total, the accounting identities (coding_minutes ≤ focus + fragmented,
// coding in focus ≤ coding among them), and every figure against a plain
// minute-by-minute count.
func TestCapacityInvariant(t *testing.T) {
	zones := []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago"}
	// Days near a change of offset in one of the zones; the rest of the
	// time, anywhere in the year.
	changes := []string{"2026-03-08", "2026-03-29", "2026-04-05", "2026-09-06", "2026-10-04", "2026-10-25", "2026-11-01"}
	rng := rand.New(rand.NewPCG(20260302, 7))
	n := 400
	if testing.Short() {
		n = 50
	}
	for i := range n {
		loc := zone(t, zones[rng.IntN(len(zones))])
		var base time.Time
		if rng.IntN(2) == 0 {
			base = at(t, loc, changes[rng.IntN(len(changes))]+" 00:00").AddDate(0, 0, -rng.IntN(21))
		} else {
			base = time.Date(2026, 1, 1+rng.IntN(365), 0, 0, 0, 0, loc)
		}
		from := base.Add(time.Duration(rng.IntN(86400)) * time.Second)
		to := from.Add(time.Duration(rng.IntN(45*86400)) * time.Second)
		s := randomSettings(rng, loc)
		events := randomEvents(rng, from, to, loc)
		coding := randomCoding(rng, from, to, loc)
		name := fmt.Sprintf("calendar %d in %s from %s, %d events, %d sessions", i, loc, from.Format(time.DateTime), len(events), sessionCount(coding))
		res := Analyze(Input{Events: events, From: from, To: to, Settings: s, Coding: coding})
		if !t.Run(name, func(t *testing.T) { checkResult(t, res, events, coding, s) }) && !testing.Verbose() {
			t.FailNow() // one calendar's failures are enough to read
		}
	}
}

func randomSettings(rng *rand.Rand, loc *time.Location) Settings {
	s := DefaultSettings(loc)
	s.WeekStart = time.Weekday(rng.IntN(7))
	s.FocusMin = []time.Duration{2 * time.Hour, 90 * time.Minute, 30 * time.Minute, 2*time.Hour + 30*time.Second}[rng.IntN(4)]
	s.TopPeople = 1000
	s.Domain = "example.com"
	if rng.IntN(3) == 0 {
		// Hours of my own between 06:00 and 20:00, away from the night
		// when clocks change, and some days off.
		for d := range s.Hours {
			if rng.IntN(4) == 0 {
				s.Hours[d] = Span{}
				continue
			}
			a := 6*60 + rng.IntN(10*60)
			b := a + 1 + rng.IntN(20*60-a)
			s.Hours[d] = Span{time.Duration(a) * time.Minute, time.Duration(b) * time.Minute}
		}
	}
	return s
}

func randomEvents(rng *rand.Rand, from, to time.Time, loc *time.Location) []classify.Event {
	kinds := []classify.Kind{
		classify.KindMeeting, classify.KindMeeting, classify.KindMeeting, classify.KindMeeting, classify.KindMeeting,
		classify.KindOutOfOffice, classify.KindPersonal, classify.KindPersonal, classify.KindFocus, classify.KindFocus,
		classify.KindSolo, classify.KindIgnored,
	}
	pool := []string{"alice@example.com", "bob@example.com", "carol@other.example", "dan@partner.example", "Eve"}
	span := to.Sub(from) + 4*24*time.Hour
	events := make([]classify.Event, rng.IntN(60))
	for i := range events {
		var start time.Time
		if rng.IntN(10) < 7 {
			// During the day, where working hours are.
			d := from.AddDate(0, 0, rng.IntN(int(span/(24*time.Hour)))-2)
			start = time.Date(d.Year(), d.Month(), d.Day(), 7+rng.IntN(12), rng.IntN(60), rng.IntN(60), 0, loc)
		} else {
			start = from.Add(-2*24*time.Hour + time.Duration(rng.Int64N(int64(span/time.Second)))*time.Second)
		}
		var length time.Duration
		switch r := rng.IntN(10); {
		case r == 0:
			length = 0
		case r == 1:
			length = time.Duration(60+rng.IntN(72*60)) * time.Minute // several days
		default:
			length = time.Duration(5+rng.IntN(235))*time.Minute + time.Duration(rng.IntN(60))*time.Second
		}
		e := classify.Event{
			Event: &calendar.Event{Title: fmt.Sprint("event ", i), Start: start, End: start.Add(length)},
			Kind:  kinds[rng.IntN(len(kinds))],
		}
		if e.Kind == classify.KindMeeting {
			e.Category = classify.Categories()[rng.IntN(5)]
			for _, p := range pool {
				if rng.IntN(3) == 0 {
					e.People = append(e.People, p)
				}
			}
		}
		events[i] = e
	}
	return events
}

// randomCoding is a coding layer over [from, to), or nil a quarter of the
// time: sessions of no length to a day long, some overlapping, at any hour,
// with commits in them and some outside any session, in a few
// repositories.
func randomCoding(rng *rand.Rand, from, to time.Time, loc *time.Location) *Coding {
	if rng.IntN(4) == 0 {
		return nil
	}
	repos := []string{"api", "web", "infra", "docs"}
	span := to.Sub(from) + 4*24*time.Hour
	c := &Coding{}
	commit := func(when time.Time) {
		var rs []string
		for len(rs) == 0 {
			for _, r := range repos {
				if rng.IntN(3) == 0 {
					rs = append(rs, r)
				}
			}
		}
		c.Commits = append(c.Commits, CodingCommit{When: when, Repos: rs})
	}
	for range rng.IntN(40) {
		start := from.Add(-2*24*time.Hour + time.Duration(rng.Int64N(int64(span/time.Second)))*time.Second)
		if rng.IntN(2) == 0 {
			d := start.In(loc)
			start = time.Date(d.Year(), d.Month(), d.Day(), 6+rng.IntN(16), rng.IntN(60), rng.IntN(60), 0, loc)
		}
		var length time.Duration
		switch r := rng.IntN(10); {
		case r == 0:
		case r == 1:
			length = time.Duration(rng.IntN(26*60)) * time.Minute
		default:
			length = time.Duration(rng.IntN(5*60))*time.Minute + time.Duration(rng.IntN(60))*time.Second
		}
		c.Sessions = append(c.Sessions, CodingSession{Start: start, End: start.Add(length)})
		commit(start.Add(length))
		if length > 0 && rng.IntN(2) == 0 {
			commit(start.Add(time.Duration(rng.Int64N(int64(length)))))
		}
	}
	for range rng.IntN(3) {
		commit(from.Add(time.Duration(rng.Int64N(int64(span/time.Second))) * time.Second))
	}
	return c
}

func sessionCount(c *Coding) int {
	if c == nil {
		return 0
	}
	return len(c.Sessions)
}

// checkResult checks a result's identities and compares it with a count
// made minute by minute.
func checkResult(t *testing.T, res Result, events []classify.Event, coding *Coding, s Settings) {
	checkTally(t, res.Total)
	// The heat map spreads exactly the meeting (in and after hours) and
	// focus minutes over the hours, and counts every day once.
	var heatMeeting, heatFocus, heatCoding, heatDays int
	for wd := range 7 {
		heatDays += res.Heat.Days[wd]
		for h := range 24 {
			heatMeeting += res.Heat.Meeting[wd][h]
			heatFocus += res.Heat.Focus[wd][h]
			heatCoding += res.Heat.Coding[wd][h]
		}
	}
	if want := res.Total.CodingMinutes + res.Total.CodingAfterHoursMinutes; heatCoding != want {
		t.Errorf("heat map holds %d coding minutes, want %d", heatCoding, want)
	}
	// Every session's minutes are counted in hours, after hours, or not at
	// all; the sessions' counted minutes are the coding family's (the
	// random sessions may overlap, and the family counts their union).
	if coding != nil {
		var work, after int
		for i, st := range res.Sessions {
			sess := coding.Sessions[i]
			a := max(minuteOf(sess.Start), minuteOf(res.From))
			b := min(minuteOf(sess.End), minuteOf(res.To))
			if n := int(max(b-a, 0)); st.WorkingMinutes+st.AfterHoursMinutes+st.UncountedMinutes != n {
				t.Errorf("session %d: %+v, adding up to other than its %d minutes in the range", i, st, n)
			}
			work += st.WorkingMinutes
			after += st.AfterHoursMinutes
		}
		if work < res.Total.CodingMinutes || after < res.Total.CodingAfterHoursMinutes {
			t.Errorf("sessions count %d and %d minutes, fewer than the total's %d and %d", work, after, res.Total.CodingMinutes, res.Total.CodingAfterHoursMinutes)
		}
	} else if res.Sessions != nil {
		t.Errorf("session tallies %v without a coding layer", res.Sessions)
	}
	if want := res.Total.MeetingMinutes + res.Total.AfterHoursMeetingMinutes; heatMeeting != want {
		t.Errorf("heat map holds %d meeting minutes, want %d", heatMeeting, want)
	}
	if heatFocus != res.Total.FocusMinutes || heatDays != res.Total.Days {
		t.Errorf("heat map holds %d focus minutes over %d days, want %d over %d", heatFocus, heatDays, res.Total.FocusMinutes, res.Total.Days)
	}
	var sum Tally
	sumCats := map[classify.Category]CategoryTally{}
	for _, c := range classify.Categories() {
		sumCats[c] = CategoryTally{}
	}
	sumPeople := map[string]int{}
	for i, w := range res.Weeks {
		t.Run(w.Start.Format("week of 2006-01-02"), func(t *testing.T) { checkTally(t, w.Tally) })
		if w.Full != (w.Days == 7) {
			t.Errorf("week %d: full %v with %d days", i, w.Full, w.Days)
		}
		if i > 0 && !w.Start.Equal(s.WeekStartOf(res.Weeks[i-1].Start.AddDate(0, 0, 7).Add(12*time.Hour))) {
			t.Errorf("week %d starts %v after %v", i, w.Start, res.Weeks[i-1].Start)
		}
		for _, n := range []struct{ sum, w *int }{
			{&sum.Days, &w.Days}, {&sum.WorkDays, &w.WorkDays}, {&sum.WorkingMinutes, &w.WorkingMinutes},
			{&sum.CapacityMinutes, &w.CapacityMinutes}, {&sum.MeetingMinutes, &w.MeetingMinutes},
			{&sum.FocusMinutes, &w.FocusMinutes}, {&sum.FragmentedMinutes, &w.FragmentedMinutes},
			{&sum.OutOfOfficeMinutes, &w.OutOfOfficeMinutes}, {&sum.PersonalMinutes, &w.PersonalMinutes},
			{&sum.AfterHoursMeetingMinutes, &w.AfterHoursMeetingMinutes}, {&sum.FocusBookedMinutes, &w.FocusBookedMinutes},
			{&sum.FocusBookedFragmentedMinutes, &w.FocusBookedFragmentedMinutes},
			{&sum.ExternalMeetingMinutes, &w.ExternalMeetingMinutes}, {&sum.MeetingCount, &w.MeetingCount},
			{&sum.BackToBackChains, &w.BackToBackChains}, {&sum.MeetingFreeDays, &w.MeetingFreeDays},
			{&sum.CodingMinutes, &w.CodingMinutes}, {&sum.CodingInFocusMinutes, &w.CodingInFocusMinutes},
			{&sum.CodingAfterHoursMinutes, &w.CodingAfterHoursMinutes}, {&sum.Commits, &w.Commits},
			{&sum.CodingSessions, &w.CodingSessions},
		} {
			*n.sum += *n.w
		}
		sum.LongestFocusMinutes = max(sum.LongestFocusMinutes, w.LongestFocusMinutes)
		for c, ct := range w.Categories {
			x := sumCats[c]
			x.Count += ct.Count
			x.Minutes += ct.Minutes
			sumCats[c] = x
		}
		for _, p := range w.People {
			sumPeople[p.Person] += p.Minutes
		}
	}
	sum.Categories, sum.People = res.Total.Categories, res.Total.People
	sum.people = res.Total.people
	// Repositories are counted once over the range, not once a week.
	sum.Repos, sum.repos = res.Total.Repos, res.Total.repos
	var allRepos []string
	for _, c := range commitsIn(coding, res.From, res.To) {
		for _, r := range c.Repos {
			if !slices.Contains(allRepos, r) {
				allRepos = append(allRepos, r)
			}
		}
	}
	if res.Total.Repos != len(allRepos) {
		t.Errorf("the total counts %d repositories, the range's commits are in %d", res.Total.Repos, len(allRepos))
	}
	if fmt.Sprint(sum) != fmt.Sprint(res.Total) {
		t.Errorf("the weeks add up to\n%+v\nthe total is\n%+v", sum, res.Total)
	}
	if fmt.Sprint(sumCats) != fmt.Sprint(res.Total.Categories) {
		t.Errorf("week categories add up to %v, total %v", sumCats, res.Total.Categories)
	}
	totalPeople := map[string]int{}
	for _, p := range res.Total.People {
		totalPeople[p.Person] = p.Minutes
	}
	if fmt.Sprint(sumPeople) != fmt.Sprint(totalPeople) {
		t.Errorf("week people add up to %v, total %v", sumPeople, totalPeople)
	}
	if want := civilDay(res.To) - civilDay(res.From); sum.Days != want {
		t.Errorf("%d days in the weeks, %d in the range", sum.Days, want)
	}

	// The count by minutes, by week.
	want := countByMinute(res.From, res.To, events, coding, s)
	if len(want) != len(res.Weeks) {
		t.Fatalf("%d weeks, the minute count finds %d", len(res.Weeks), len(want))
	}
	for i, w := range res.Weeks {
		got := minuteTally{
			start: w.Start.Format(time.DateOnly), days: w.Days, mins: minsOf(w.Tally),
			longest: w.LongestFocusMinutes, free: w.MeetingFreeDays,
			coding: w.CodingMinutes, codingInFocus: w.CodingInFocusMinutes, codingAfter: w.CodingAfterHoursMinutes,
			commits: w.Commits, sessions: w.CodingSessions, repos: w.Repos,
		}
		if got != want[i] {
			t.Errorf("week %d:\n got %+v\nwant %+v", i, got, want[i])
		}
	}
}

type minuteTally struct {
	start         string
	days          int
	mins          mins
	longest, free int

	coding, codingInFocus, codingAfter int
	commits, sessions, repos           int
}

// commitsIn are the layer's commits made in [from, to).
func commitsIn(c *Coding, from, to time.Time) []CodingCommit {
	if c == nil {
		return nil
	}
	var out []CodingCommit
	for _, cm := range c.Commits {
		if !cm.When.Before(from) && cm.When.Before(to) {
			out = append(out, cm)
		}
	}
	return out
}

// countByMinute walks [from, to) a minute at a time and counts what each
// minute is, with no intervals: the reference the analysis must agree with.
func countByMinute(from, to time.Time, events []classify.Event, coding *Coding, s Settings) []minuteTally {
	first, last := from.Unix()/60, to.Unix()/60
	n := int(last - first)
	const (
		isMeeting = 1 << iota
		isOOO
		isPersonal
		isFocus
		isCoding
	)
	marks := make([]uint8, n)
	starts := make([]int, n)           // sessions starting at each minute
	commits := make([][]string, n)     // the repositories of each commit made in each minute, one entry a commit
	round := func(t time.Time) int64 { // to the nearest minute, half up
		ns := t.UnixNano() + 30e9
		m := ns / 60e9
		if ns < 0 && ns%60e9 != 0 {
			m--
		}
		return m
	}
	for _, e := range events {
		var bit uint8
		switch e.Kind {
		case classify.KindMeeting:
			bit = isMeeting
		case classify.KindOutOfOffice:
			bit = isOOO
		case classify.KindPersonal:
			bit = isPersonal
		case classify.KindFocus:
			bit = isFocus
		default:
			continue
		}
		for m := max(round(e.Start), first); m < min(round(e.End), last); m++ {
			marks[m-first] |= bit
		}
	}
	if coding != nil {
		for _, sess := range coding.Sessions {
			a, b := round(sess.Start), round(sess.End)
			if a >= first && a < last {
				starts[a-first]++
			}
			for m := max(a, first); m < min(b, last); m++ {
				marks[m-first] |= isCoding
			}
		}
		for _, c := range commitsIn(coding, from, to) {
			m := c.When.Unix()/60 - first
			commits[m] = append(commits[m], c.Repos...)
			commits[m] = append(commits[m], "") // ends the commit
		}
	}

	var out []minuteTally
	var cur *minuteTally
	var day string
	var dayWork, dayMeeting, dayCapacity, run, runCoding int
	weekRepos := map[string]bool{}
	endRun := func() {
		if run == 0 {
			return
		}
		if time.Duration(run)*time.Minute >= s.FocusMin.Truncate(time.Minute) {
			cur.mins.Focus += run
			cur.longest = max(cur.longest, run)
			cur.codingInFocus += runCoding
		} else {
			cur.mins.Fragmented += run
		}
		run, runCoding = 0, 0
	}
	endDay := func() {
		endRun()
		if cur != nil && dayWork > 0 && dayCapacity > 0 && dayMeeting == 0 {
			cur.free++
		}
	}
	for i := range n {
		tm := time.Unix((first+int64(i))*60, 0).In(s.Zone)
		if d := tm.Format(time.DateOnly); d != day {
			endDay()
			day, dayMeeting, dayCapacity = d, 0, 0
			span := s.Hours[tm.Weekday()]
			dayWork = 0
			if !span.IsZero() {
				dayWork = 1
			}
			back := (int(tm.Weekday()) - int(s.WeekStart) + 7) % 7
			y, mo, dd := tm.Date()
			ws := time.Date(y, mo, dd-back, 12, 0, 0, 0, time.UTC).Format(time.DateOnly)
			if cur == nil || cur.start != ws {
				out = append(out, minuteTally{start: ws})
				cur = &out[len(out)-1]
				clear(weekRepos)
			}
			cur.days++
		}
		span := s.Hours[tm.Weekday()]
		clock := time.Duration(tm.Hour())*time.Hour + time.Duration(tm.Minute())*time.Minute
		work := clock >= span.Start && clock < span.End
		mk := marks[i]
		ooo := mk&isOOO != 0
		meeting := mk&isMeeting != 0 && !ooo
		personal := mk&isPersonal != 0 && !ooo && !meeting
		codes := mk&isCoding != 0
		cur.sessions += starts[i]
		for _, r := range commits[i] {
			if r == "" {
				cur.commits++
			} else if !weekRepos[r] {
				weekRepos[r] = true
				cur.repos++
			}
		}
		if !work {
			endRun()
			if meeting {
				cur.mins.AfterHours++
			}
			if codes && !meeting {
				cur.codingAfter++
			}
			continue
		}
		cur.mins.Working++
		switch {
		case ooo:
			cur.mins.OOO++
		case personal:
			cur.mins.Personal++
		default:
			cur.mins.Capacity++
			dayCapacity++
		}
		if mk&isFocus != 0 && !ooo {
			cur.mins.Booked++
		}
		if meeting {
			cur.mins.Meeting++
			dayMeeting++
		}
		if ooo || meeting || personal {
			endRun()
		} else {
			run++
			if codes {
				cur.coding++
				runCoding++
			}
		}
	}
	endDay()
	return out
}
