// Package classify decides what each calendar occurrence means for my time:
// a meeting, a block of my own time (a booked focus block or any other solo
// entry), out-of-office, personal time, or something to ignore — and says
// why, in words a user can check against their calendar.
//
// Rules are applied in a fixed order and the first that matches wins; see
// [Classify]. The package knows nothing of working hours or weeks: that is
// the analysis' job.
package classify

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/calendar"
)

// Kind is what an occurrence is for the analysis.
type Kind string

const (
	// KindMeeting is time spent with other people.
	KindMeeting Kind = "meeting"
	// KindFocus is a solo block booked for focused work. It does not consume
	// time; it is reported as booked focus.
	KindFocus Kind = "focus"
	// KindSolo is any other solo entry (a reminder, "write design doc"): my
	// own time, which does not consume time either.
	KindSolo Kind = "solo"
	// KindOutOfOffice is time I am away; it leaves the capacity.
	KindOutOfOffice Kind = "out_of_office"
	// KindPersonal is a solo personal entry (lunch, gym); it leaves the
	// capacity.
	KindPersonal Kind = "personal"
	// KindIgnored is listed but not counted (cancelled, declined, free…).
	KindIgnored Kind = "ignored"
)

// Category sorts meetings. Every meeting has exactly one: a built-in one
// below, or the Name of the first [CategoryRule] in [Rules.Custom] that
// matches it.
type Category string

const (
	CategoryInterview Category = "interview"
	CategoryOneOnOne  Category = "one_on_one"
	CategoryLarge     Category = "large"
	CategoryRecurring Category = "recurring"
	CategoryAdHoc     Category = "ad_hoc"
)

// Categories lists the built-in categories in the order they are tried.
func Categories() []Category {
	return []Category{CategoryInterview, CategoryOneOnOne, CategoryLarge, CategoryRecurring, CategoryAdHoc}
}

// Rules are the knobs of classification.
type Rules struct {
	// Me lists my addresses (aliases included), lower case.
	Me []string
	// OnlyAccepted drops meetings I have not accepted (tentative or
	// unanswered).
	OnlyAccepted bool
	// LargeMeeting is the number of people (me included) from which a
	// meeting counts as large.
	LargeMeeting int
	// Keywords, matched case-insensitively as whole words or phrases in
	// the title.
	OutOfOffice []string
	Personal    []string
	Focus       []string
	Interview   []string
	// Custom are the user's own category rules, tried in order before the
	// built-in categories; the first that matches names the category.
	Custom []CategoryRule
}

// CategoryRule puts the meetings that meet every one of its conditions in
// the category Name. A condition left at its zero value is not checked.
type CategoryRule struct {
	Name Category
	// Title must match the title somewhere (use ^ and $ to anchor it).
	Title *regexp.Regexp
	// MinPeople and MaxPeople bound the number of people on the meeting, me
	// included; 0 is no bound.
	MinPeople, MaxPeople int
	// Recurring, when set, says whether the meeting must be a recurring one
	// (true) or a one-off (false).
	Recurring *bool
	// OrganizerDomain is the e-mail domain of the organizer;
	// AttendeeDomain is that of at least one other person on the meeting.
	// Both match the domain itself and its subdomains, case-insensitively.
	OrganizerDomain, AttendeeDomain string
}

// matches reports whether a meeting with these other people (by address)
// and this size meets every condition of the rule.
func (r CategoryRule) matches(e calendar.Event, people []string, size int) bool {
	switch {
	case r.Title != nil && !r.Title.MatchString(e.Title),
		r.MinPeople > 0 && size < r.MinPeople,
		r.MaxPeople > 0 && size > r.MaxPeople,
		r.Recurring != nil && e.Recurring != *r.Recurring,
		r.OrganizerDomain != "" && !inDomain(e.Organizer.Email, r.OrganizerDomain):
		return false
	}
	if r.AttendeeDomain != "" {
		return slices.ContainsFunc(people, func(p string) bool { return inDomain(p, r.AttendeeDomain) })
	}
	return true
}

// inDomain reports whether address is at domain or one of its subdomains.
func inDomain(address, domain string) bool {
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return false
	}
	host, domain := strings.ToLower(address[at+1:]), strings.ToLower(domain)
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// DefaultRules returns the documented defaults, with no address for me.
func DefaultRules() Rules {
	return Rules{
		LargeMeeting: 10,
		OutOfOffice:  []string{"ooo", "out of office", "vacation", "holiday", "holidays", "pto", "sick", "leave"},
		Personal:     []string{"lunch", "break", "commute", "gym", "doctor", "personal", "errand", "errands"},
		Focus:        []string{"focus", "focus time", "heads down", "deep work", "no meetings"},
		Interview:    []string{"interview", "debrief", "candidate", "hiring"},
	}
}

// Event is an occurrence with its classification. It points to the
// occurrence rather than holding a copy: a calendar of 100,000 occurrences
// then holds one copy of each while it is classified and counted (26 MB
// less at the peak of `emtime analyze` on ten years). The occurrence is
// shared with the slice [Classify] was given: treat it as read-only, and
// give a changed copy its own (as a what-if that moves a meeting does).
type Event struct {
	*calendar.Event
	Kind Kind
	// Category is set for meetings only.
	Category Category
	// Reason says which rule decided, in words.
	Reason string
	// Keyword is the word or phrase of the title that decided, when one
	// did; the Reason quotes it (see [HideKeyword]).
	Keyword string
	// People are the other people on a meeting (not me, not rooms), by
	// address, or by name where the calendar gives no address. The events
	// of one series may share one list: treat it as read-only.
	People []string
	// Size is the number of people on the event, me included.
	Size int
}

// Classify classifies every event; the result is in the same order.
//
// The occurrences of a series are alike in all that decides (everything
// but their times, UID and origin), so each likeness is classified once
// and its occurrences share the result, People included.
func Classify(events []calendar.Event, r Rules) []Event {
	c := newClassifier(r)
	out := make([]Event, len(events))
	for i := range events {
		e := &events[i]
		v := c.classifyShared(e)
		o := &out[i]
		o.Event = e
		o.Kind, o.Category, o.Reason, o.Keyword, o.People, o.Size = v.Kind, v.Category, v.Reason, v.Keyword, v.People, v.Size
	}
	return out
}

// verdict is what classification adds to an event.
type verdict struct {
	Kind     Kind
	Category Category
	Reason   string
	Keyword  string
	People   []string
	Size     int
}

// likeness is what of an event decides its classification: every field
// classify reads (a new one must be added here, TestLikeness says so),
// which leaves out the times, UID, series, categories and origin.
// Attendees are compared as the list they are (a series' occurrences
// share one), not by content.
type likeness struct {
	title, conferenceURL              string
	status                            calendar.Status
	typ                               calendar.Type
	organizer                         calendar.Person
	attendees                         *calendar.Attendee
	n                                 int
	allDay, transparent, omitted, rec bool
}

// maxRemembered bounds how many likenesses a classifier remembers: a
// source whose every event is unlike the others (each with a list of
// attendees of its own) costs a bounded map, not one entry per event.
const maxRemembered = 4096

type classifier struct {
	rules                           Rules
	me                              Me
	ooo, personal, focus, interview matcher
	seen                            map[likeness]verdict
}

// classifyShared classifies e, or returns the verdict on an event alike
// in all that decides.
func (c *classifier) classifyShared(e *calendar.Event) verdict {
	k := likeness{
		title: e.Title, conferenceURL: e.ConferenceURL, status: e.Status, typ: e.Type, organizer: e.Organizer,
		n: len(e.Attendees), allDay: e.AllDay, transparent: e.Transparent, omitted: e.AttendeesOmitted, rec: e.Recurring,
	}
	if k.n > 0 {
		k.attendees = &e.Attendees[0]
	}
	if v, ok := c.seen[k]; ok {
		return v
	}
	x := c.classify(*e)
	v := verdict{Kind: x.Kind, Category: x.Category, Reason: x.Reason, Keyword: x.Keyword, People: x.People, Size: x.Size}
	if len(c.seen) >= maxRemembered {
		clear(c.seen)
	}
	c.seen[k] = v
	return v
}

func newClassifier(r Rules) *classifier {
	return &classifier{
		rules:     r,
		me:        NewMe(r.Me),
		ooo:       newMatcher(r.OutOfOffice),
		personal:  newMatcher(r.Personal),
		focus:     newMatcher(r.Focus),
		interview: newMatcher(r.Interview),
		seen:      make(map[likeness]verdict),
	}
}

// The order of the rules below is the documented order: keep the README's
// "How time is counted" in step with it.
func (c *classifier) classify(e calendar.Event) Event {
	out := Event{Event: &e}
	people, size := c.people(e)
	out.People, out.Size = people, size
	words := normalize(e.Title)

	ignore := func(reason string) Event {
		out.Kind, out.Reason = KindIgnored, reason
		return out
	}
	switch {
	case e.Status == calendar.StatusCancelled:
		return ignore("cancelled")
	case e.Type == calendar.TypeWorkingLocation:
		return ignore("working-location entry")
	case e.Type == calendar.TypeBirthday:
		return ignore("birthday")
	}
	resp, invited := c.me.Response(e)
	if resp == calendar.ResponseDeclined {
		return ignore("declined by me")
	}
	if e.Type == calendar.TypeOutOfOffice {
		out.Kind, out.Reason = KindOutOfOffice, "out-of-office entry"
		return out
	}
	withOthers := len(people) > 0 || e.AttendeesOmitted
	// A title marks time off on an all-day entry or one of my own; a timed
	// meeting with others ("Holiday party", "Leave policy review") stays a
	// meeting.
	if k, ok := c.ooo.find(words); ok && (e.AllDay || !withOthers) {
		out.Kind, out.Reason, out.Keyword = KindOutOfOffice, titleSays(k), k
		return out
	}
	if e.AllDay {
		return ignore("all-day event, not out of office")
	}
	if e.Transparent {
		return ignore("marked free")
	}
	if withOthers || e.ConferenceURL != "" {
		if c.rules.OnlyAccepted && resp != calendar.ResponseAccepted {
			return ignore("not accepted by me (" + string(resp) + "), --only-accepted")
		}
		out.Kind = KindMeeting
		out.Category, out.Reason, out.Keyword = c.category(e, words, people, size, withOthers)
		if !withOthers {
			out.Reason = "video-call link; " + out.Reason
		}
		if withOthers && invited && resp != calendar.ResponseAccepted {
			out.Reason += "; " + responseWords(resp)
		}
		return out
	}
	if k, ok := c.personal.find(words); ok {
		out.Kind, out.Reason, out.Keyword = KindPersonal, "solo, "+titleSays(k), k
		return out
	}
	if e.Type == calendar.TypeFocusTime {
		out.Kind, out.Reason = KindFocus, "focus-time entry"
		return out
	}
	if k, ok := c.focus.find(words); ok {
		out.Kind, out.Reason, out.Keyword = KindFocus, "solo, "+titleSays(k), k
		return out
	}
	out.Kind, out.Reason = KindSolo, "no one else on it: my own time"
	return out
}

// category returns a meeting's category, the reason, and the title keyword
// that decided it, if any.
func (c *classifier) category(e calendar.Event, words string, people []string, size int, withOthers bool) (Category, string, string) {
	for i, r := range c.rules.Custom {
		if r.matches(e, people, size) {
			return r.Name, "meeting, custom rule " + strconv.Itoa(i+1) + " " + quote(string(r.Name)), ""
		}
	}
	if k, ok := c.interview.find(words); ok {
		return CategoryInterview, "meeting, " + titleSays(k), k
	}
	if withOthers && size == 2 && !e.AttendeesOmitted && !slices.ContainsFunc(e.Attendees, func(a calendar.Attendee) bool { return a.Group }) {
		return CategoryOneOnOne, "meeting of two people", ""
	}
	if size >= c.rules.LargeMeeting {
		return CategoryLarge, "meeting of " + strconv.Itoa(size) + " people", ""
	}
	if e.Recurring {
		return CategoryRecurring, "recurring meeting", ""
	}
	return CategoryAdHoc, "one-off meeting", ""
}

// people returns the other people on an event and its size with me.
func (c *classifier) people(e calendar.Event) ([]string, int) {
	var others []string
	if len(e.Attendees) > 0 {
		others = make([]string, 0, len(e.Attendees)+1)
	}
	add := func(p calendar.Person) {
		if c.me.Is(p) {
			return
		}
		key := strings.ToLower(p.Email)
		if key == "" {
			key = strings.TrimSpace(p.Name)
		}
		if key != "" {
			others = append(others, key)
		}
	}
	for _, a := range e.Attendees {
		if !a.Resource {
			add(a.Person)
		}
	}
	if len(e.Attendees) > 0 {
		// The organizer of an event with a guest list is in it, even when the
		// list names only me; the organizer of an entry with no guest list is
		// me or, on an imported calendar, whoever created it.
		add(e.Organizer)
	}
	// Sorted, each once.
	sort.Strings(others)
	others = slices.Compact(others)
	return others, len(others) + 1
}

func responseWords(r calendar.Response) string {
	switch r {
	case calendar.ResponseTentative:
		return "I answered maybe"
	case calendar.ResponseNeedsAction:
		return "I have not answered"
	default:
		return "my answer: " + string(r)
	}
}

func quote(s string) string { return "\"" + s + "\"" }

// titleSays is the reason given when a keyword of the title decided.
func titleSays(keyword string) string { return "title says " + quote(keyword) }

// HideKeyword returns reason without the title keyword it quotes, for a
// report shared with others: a keyword ("doctor", or one of the user's own)
// tells what the event was about.
func HideKeyword(reason, keyword string) string {
	if keyword == "" {
		return reason
	}
	return strings.Replace(reason, titleSays(keyword), "title matches a keyword", 1)
}
