package whatif

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

// Series is a meeting series of the range: the occurrences of a recurring
// meeting, or a one-off meeting on its own.
type Series struct {
	// Key names the series within the range: "series:" and the series'
	// SeriesID or UID for a recurring meeting, "event:" and the index of
	// the event in the input for a one-off.
	Key string
	// Recurring is true for a recurring series.
	Recurring bool
	// Title is the latest occurrence's title.
	Title string
	// Category is the category most of its occurrences have (the latest
	// one's on a tie).
	Category classify.Category
	// People counts the other people on any of its occurrences; TopPeople
	// are those on the most occurrences (ties by address), at most
	// Settings.TopPeople.
	People    int
	TopPeople []SeriesPerson
	// Response is my answer to its latest occurrence; a meeting whose
	// guest list does not name me counts as accepted, as classify counts
	// it.
	Response calendar.Response
	// OrganizerIsMe is true when I organise its latest occurrence (or it
	// has neither a guest list nor an organizer: an entry of my own with a
	// video link).
	OrganizerIsMe bool
	// OneOnOne and Interview mark the series of those categories.
	OneOnOne, Interview bool
	// Weekdays are the days of the week its occurrences start on, in the
	// analysis zone, Sunday first.
	Weekdays []time.Weekday

	// Occurrences counts its occurrences that start in the range and take
	// some of my time, as meeting_count counts meetings: the occurrences of
	// all series add up to the range's meeting count.
	Occurrences int
	// Minutes is its share of the range's meeting minutes: where meetings
	// overlap, the shared minutes go to the one that started first, as in
	// the split by category, so the minutes of all series add up to the
	// range's meeting minutes.
	Minutes int
	// WeeklyMinutes is Minutes over the range's weeks (its days / 7).
	WeeklyMinutes float64
	// FocusCostMinutes is the focus time the range would gain if the
	// series were gone: the range's focus minutes counted without its
	// occurrences, less those counted with them. A meeting in the middle of
	// a free morning costs more than its length; one next to another
	// meeting can cost nothing.
	FocusCostMinutes int

	// Events are its occurrences in the range, by index in the calendar's
	// input, earliest first: the evidence for every figure above.
	Events []int
	// days are the days its occurrences count on, by index in the result.
	days []int
}

// SeriesPerson is someone on a meeting series.
type SeriesPerson struct {
	// Person is their address, or their name where the calendar gives no
	// address: as classify names the people on a meeting.
	Person string
	// Name is the name the calendar gives them, if any.
	Name string
	// Occurrences counts the series' occurrences they are on.
	Occurrences int
}

// seriesKey names the series an occurrence (event j of the input) belongs
// to.
func seriesKey(e *classify.Event, j int) string {
	if e.Recurring {
		if e.SeriesID != "" {
			return "series:" + e.SeriesID
		}
		if e.UID != "" {
			return "series:" + e.UID
		}
	}
	return "event:" + strconv.Itoa(j)
}

// Series groups the range's meetings into series and says what each one
// costs, most focus cost first (see [SortSeries]). Every meeting counted
// on a day of the range is in one series, even one that takes none of my
// working time (every occurrence after hours or while I am out).
//
// The minutes and occurrences come from the accounting itself: the range
// is counted again with each series as a category of its own, so the split
// of overlapping minutes is the category split's. The focus cost of a
// series counts again only the days it is on, without it.
func (c *Calendar) Series() []Series {
	events := c.in.Events
	index := make(map[string]int)
	var out []Series
	seen := make([]bool, len(events))
	for d, idx := range c.byDay {
		for _, j := range idx {
			e := &events[j]
			if e.Kind != classify.KindMeeting {
				continue
			}
			key := seriesKey(e, j)
			k, ok := index[key]
			if !ok {
				k = len(out)
				index[key] = k
				out = append(out, Series{Key: key})
			}
			s := &out[k]
			if n := len(s.days); n == 0 || s.days[n-1] != d {
				s.days = append(s.days, d)
			}
			if !seen[j] {
				seen[j] = true
				s.Events = append(s.Events, j)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}

	// Each series a category of its own: the category split then assigns
	// the minutes and counts the occurrences of each series.
	labelled := slices.Clone(events)
	for k := range out {
		for _, j := range out[k].Events {
			labelled[j].Category = label(k)
		}
	}
	in := c.in
	in.Events = labelled
	split := analyze.Analyze(in).Total.Categories

	st := c.state()
	days := float64(c.res.Total.Days)
	for k := range out {
		s := &out[k]
		slices.SortStableFunc(s.Events, func(a, b int) int { return events[a].Start.Compare(events[b].Start) })
		c.describe(s)
		ct := split[label(k)]
		s.Minutes, s.Occurrences = ct.Minutes, ct.Count
		if days > 0 {
			s.WeeklyMinutes = float64(s.Minutes) * 7 / days
		}
		recounted, counted := st.recount(dropping(*s))
		for i, d := range recounted {
			s.FocusCostMinutes += counted[i].FocusMinutes - c.res.Days[d].FocusMinutes
		}
	}
	SortSeries(out, ByFocusCost)
	return out
}

// label is the category series k is counted under while its minutes are
// split; the NUL keeps it apart from every category a rule can name.
func label(k int) classify.Category { return classify.Category("\x00series " + strconv.Itoa(k)) }

// describe fills in what a series is from its occurrences.
func (c *Calendar) describe(s *Series) {
	events := c.in.Events
	latest := &events[s.Events[len(s.Events)-1]]
	s.Recurring, s.Title = latest.Recurring, latest.Title
	s.Response, _ = c.me.Response(*latest.Event)
	s.OrganizerIsMe = c.me.Organizes(*latest.Event)

	cats := make(map[classify.Category]int)
	var weekdays [7]bool
	// The occurrences of a series share their entry's lists of people and
	// guests (see [classify.Event]): each list is gone through once, for
	// the occurrences that hold it, in the order of the last of them, so
	// that the name a person is given is the latest occurrence's, as if
	// each occurrence were gone through, at the cost of one.
	type key struct {
		people    *string
		n         int
		attendees *calendar.Attendee
		m         int
		organizer calendar.Person
	}
	type list struct {
		e           *classify.Event
		occurrences int
		last        int
	}
	var lists []list
	index := make(map[key]int)
	for i, j := range s.Events {
		e := &events[j]
		cats[e.Category]++
		weekdays[e.Start.In(c.in.Settings.Zone).Weekday()] = true
		if len(e.People) == 0 {
			continue
		}
		k := key{people: &e.People[0], n: len(e.People), m: len(e.Attendees), organizer: e.Organizer}
		if len(e.Attendees) > 0 {
			k.attendees = &e.Attendees[0]
		}
		l, ok := index[k]
		if !ok {
			l = len(lists)
			index[k] = l
			lists = append(lists, list{e: e})
		}
		lists[l].occurrences++
		lists[l].last = i
	}
	slices.SortFunc(lists, func(a, b list) int { return cmp.Compare(a.last, b.last) })
	people := make(map[string]*SeriesPerson)
	for _, l := range lists {
		names := namesOf(l.e)
		for _, p := range l.e.People {
			sp := people[p]
			if sp == nil {
				sp = &SeriesPerson{Person: p}
				people[p] = sp
			}
			sp.Occurrences += l.occurrences
			if n := names[p]; n != "" {
				sp.Name = n
			}
		}
	}
	s.Category = latest.Category
	for _, cat := range slices.Sorted(maps.Keys(cats)) {
		if cats[cat] > cats[s.Category] {
			s.Category = cat
		}
	}
	s.OneOnOne = s.Category == classify.CategoryOneOnOne
	s.Interview = s.Category == classify.CategoryInterview
	for d, on := range weekdays {
		if on {
			s.Weekdays = append(s.Weekdays, time.Weekday(d))
		}
	}
	s.People = len(people)
	all := make([]SeriesPerson, 0, len(people))
	for _, p := range people {
		all = append(all, *p)
	}
	slices.SortFunc(all, func(a, b SeriesPerson) int {
		return cmp.Or(cmp.Compare(b.Occurrences, a.Occurrences), cmp.Compare(a.Person, b.Person))
	})
	s.TopPeople = all[:min(len(all), max(c.in.Settings.TopPeople, 0))]
}

// namesOf maps the people of a meeting, named as classify names them, to
// the names the calendar gives them.
func namesOf(e *classify.Event) map[string]string {
	names := make(map[string]string)
	note := func(p calendar.Person) {
		key := strings.ToLower(p.Email)
		if key == "" {
			key = strings.TrimSpace(p.Name)
		}
		if key != "" && p.Name != "" {
			names[key] = strings.TrimSpace(p.Name)
		}
	}
	for _, a := range e.Attendees {
		note(a.Person)
	}
	note(e.Organizer)
	return names
}

// Order is how series are sorted.
type Order int

const (
	// ByFocusCost sorts by focus cost, then minutes, then occurrences.
	ByFocusCost Order = iota
	// ByMinutes sorts by minutes, then focus cost, then occurrences.
	ByMinutes
	// ByOccurrences sorts by occurrences, then minutes, then focus cost.
	ByOccurrences
)

// Orders are the names of the orders, as --sort takes them.
func Orders() []string { return []string{"focus-cost", "minutes", "occurrences"} }

// ParseOrder reads an order by its name.
func ParseOrder(s string) (Order, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "focus-cost", "focus_cost", "cost":
		return ByFocusCost, nil
	case "minutes":
		return ByMinutes, nil
	case "occurrences":
		return ByOccurrences, nil
	}
	return 0, fmt.Errorf("%q is not an order: use focus-cost, minutes or occurrences", s)
}

// SortSeries sorts series, the largest first, by the order's figures in
// turn, then by title and key.
func SortSeries(series []Series, by Order) {
	slices.SortStableFunc(series, func(a, b Series) int {
		var c int
		switch by {
		case ByMinutes:
			c = cmp.Or(cmp.Compare(b.Minutes, a.Minutes), cmp.Compare(b.FocusCostMinutes, a.FocusCostMinutes), cmp.Compare(b.Occurrences, a.Occurrences))
		case ByOccurrences:
			c = cmp.Or(cmp.Compare(b.Occurrences, a.Occurrences), cmp.Compare(b.Minutes, a.Minutes), cmp.Compare(b.FocusCostMinutes, a.FocusCostMinutes))
		default:
			c = cmp.Or(cmp.Compare(b.FocusCostMinutes, a.FocusCostMinutes), cmp.Compare(b.Minutes, a.Minutes), cmp.Compare(b.Occurrences, a.Occurrences))
		}
		return cmp.Or(c, cmp.Compare(a.Title, b.Title), cmp.Compare(a.Key, b.Key))
	})
}

// Without counts the range again with the series' occurrences left out,
// only on the days they are on: the result's days with those put in
// place, their weeks and their total, as [analyze.Analyze] counts the
// calendar without them (the heat map and the events' tallies are left
// empty).
func (c *Calendar) Without(series ...Series) analyze.Result {
	st := c.state()
	ch := dropping(series...)
	days, counted := st.recount(ch)
	st.apply(ch, days, counted)
	return c.resultOf(st.days)
}

// resultOf sums days of the range into a result.
func (c *Calendar) resultOf(days []analyze.Day) analyze.Result {
	s := c.in.Settings
	res := analyze.Result{From: c.res.From, To: c.res.To, Days: days, Weeks: analyze.Weeks(s, days)}
	weeks := make([]analyze.Tally, len(res.Weeks))
	for i, w := range res.Weeks {
		weeks[i] = w.Tally
	}
	res.Total = analyze.Sum(s.TopPeople, weeks...)
	return res
}
