package microsoft

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/httpretry"
)

// EventSelect is the $select of calendarView: the event fields
// [Source.Events] maps, and nothing else (no body, no attachments).
const EventSelect = "id,iCalUId,subject,start,end,isAllDay,isCancelled,showAs,type,seriesMasterId," +
	"responseStatus,isOrganizer,organizer,attendees,hideAttendees,isOnlineMeeting,onlineMeeting,onlineMeetingUrl,categories"

// windowMargin widens the window asked of Graph: it filters all-day events
// by the instants they were stored at, in their own zone, while Events
// places their dates in q.Zone, which may be a day off either way. What
// falls outside the window once placed is dropped.
const windowMargin = 48 * time.Hour

// The shapes of Graph's event, as far as they are read. Everything may be
// null or missing.
type (
	event struct {
		ID               string            `json:"id"`
		ICalUID          string            `json:"iCalUId"`
		Subject          string            `json:"subject"`
		Start            *dateTimeTimeZone `json:"start"`
		End              *dateTimeTimeZone `json:"end"`
		IsAllDay         bool              `json:"isAllDay"`
		IsCancelled      bool              `json:"isCancelled"`
		ShowAs           string            `json:"showAs"`
		Type             string            `json:"type"`
		SeriesMasterID   string            `json:"seriesMasterId"`
		ResponseStatus   *responseStatus   `json:"responseStatus"`
		IsOrganizer      bool              `json:"isOrganizer"`
		Organizer        *recipient        `json:"organizer"`
		Attendees        []*attendee       `json:"attendees"`
		HideAttendees    bool              `json:"hideAttendees"`
		IsOnlineMeeting  bool              `json:"isOnlineMeeting"`
		OnlineMeeting    *onlineMeeting    `json:"onlineMeeting"`
		OnlineMeetingURL string            `json:"onlineMeetingUrl"`
		Categories       []*string         `json:"categories"`
	}
	dateTimeTimeZone struct {
		DateTime string `json:"dateTime"`
		TimeZone string `json:"timeZone"`
	}
	responseStatus struct {
		Response string `json:"response"`
	}
	emailAddress struct {
		Name    string `json:"name"`
		Address string `json:"address"`
	}
	recipient struct {
		EmailAddress *emailAddress `json:"emailAddress"`
	}
	attendee struct {
		Type         string          `json:"type"`
		Status       *responseStatus `json:"status"`
		EmailAddress *emailAddress   `json:"emailAddress"`
	}
	onlineMeeting struct {
		JoinURL string `json:"joinUrl"`
	}
)

// Events lists the occurrences of every chosen calendar that overlap
// [q.From, q.To) — calendarView expands series itself — cancelled ones
// left out, sorted by start. An occurrence on several calendars (same
// iCalUId and start) is kept once, from the first calendar listing it. An
// entry that cannot be read is skipped with a warning naming it; any
// calendar failing fails the call: a result is never partial.
func (s *Source) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	if !q.To.After(q.From) {
		return calendar.Result{}, fmt.Errorf("microsoft calendar: empty window %s to %s", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	}
	s.mu.Lock()
	err := s.prepareLocked(ctx)
	var user User
	if err == nil {
		user, err = s.meLocked(ctx)
	}
	var targets []target
	dayZone := q.Zone
	if err == nil {
		targets, err = s.targetsLocked(ctx)
	}
	if err == nil && dayZone == nil {
		var mb MailboxSettings
		if mb, err = s.mailboxLocked(ctx); err == nil {
			dayZone = time.UTC
			if loc, ok := loadZone(mb.Zone); ok {
				dayZone = loc
			}
		}
	}
	me, self := s.meSet(user), ""
	if owner := s.owner(user); len(owner) > 0 {
		self = owner[0]
	}
	s.mu.Unlock()
	if err != nil {
		return calendar.Result{}, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]calendar.Result, len(targets))
	errs := make([]error, len(targets))
	prog := &progress{f: s.opts.Progress}
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			m := mapping{origin: "microsoft:" + t.Name, mine: t.mine, me: me, self: self, dayZone: dayZone, timeZone: q.Zone,
				zones: map[string]*time.Location{}}
			if s.opts.Cache != nil && s.account != "" {
				results[i], errs[i] = s.fetchCached(ctx, t, q, m, prog)
			} else {
				results[i], errs[i] = s.fetch(ctx, t, q, m, prog)
			}
			if errs[i] != nil {
				cancel() // the result is void: stop the others
			}
			prog.add(0, 1)
		})
	}
	wg.Wait()

	// Report the first real failure, not the cancellations it caused.
	var firstErr error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return calendar.Result{}, err
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return calendar.Result{}, firstErr
	}
	return calendar.Merge(results...), nil
}

// fetch reads every page of one calendar's view.
func (s *Source) fetch(ctx context.Context, t target, q calendar.Query, m mapping, prog *progress) (calendar.Result, error) {
	u := s.c.resolve(t.path, url.Values{
		"startDateTime": {q.From.Add(-windowMargin).UTC().Format(time.RFC3339)},
		"endDateTime":   {q.To.Add(windowMargin).UTC().Format(time.RFC3339)},
		"$select":       {EventSelect},
		"$top":          {fmt.Sprint(PageSize)},
	})
	var res calendar.Result
	r := request{what: "calendar " + t.Name, need: PermissionCalendars}
	err := s.c.list(ctx, r, u, func(items []json.RawMessage) error {
		n := 0
		for i, raw := range items {
			if m.add(&res, raw, i, q) {
				n++
			}
		}
		prog.add(n, 0)
		return nil
	})
	if err != nil {
		var stopped *httpretry.StoppedError
		if ctx.Err() != nil && !errors.As(err, &stopped) {
			return calendar.Result{}, ctx.Err()
		}
		return calendar.Result{}, err
	}
	return res, nil
}

// add maps item i of a page into res, as a warning when it cannot be
// read, and reports whether it was kept (it overlaps q).
func (m mapping) add(res *calendar.Result, raw json.RawMessage, i int, q calendar.Query) bool {
	var g event
	if err := json.Unmarshal(raw, &g); err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s (%s): unreadable: %v", m.origin, itemName(raw, i), err))
		return false
	}
	e, keep, err := m.event(&g)
	if err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s (event %s): %v", m.origin, clean(g.ID, 80), err))
		return false
	}
	if !keep || !e.Overlaps(q.From, q.To) {
		return false
	}
	res.Events = append(res.Events, e)
	return true
}

// itemName names an item that did not decode: its id if it has one that
// reads, else its place on the page.
func itemName(raw json.RawMessage, i int) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &v) == nil && v.ID != "" {
		return "event " + clean(v.ID, 80)
	}
	return fmt.Sprintf("item %d of its page", i+1)
}

// mapping turns Graph's events of one calendar into calendar.Events.
type mapping struct {
	origin string
	// mine: the calendar is the user's, so responseStatus and isOrganizer
	// speak for the user.
	mine bool
	me   map[string]bool
	// self is the user's own address ("" when unknown), for an attendee
	// entry Graph did not list.
	self string
	// dayZone places all-day dates; timeZone, when set, is the zone timed
	// events are shown in.
	dayZone, timeZone *time.Location
	// zones caches the zones events name (loading one reads the zone
	// database); nil for no cache.
	zones map[string]*time.Location
}

// zone is the location of a zone an event names. UTC, which every answer
// names as asked, is the fast case.
func (m mapping) zone(name string) (*time.Location, bool) {
	switch name {
	case "", "UTC", "Etc/UTC", "tzone://Microsoft/Utc":
		return time.UTC, true
	}
	if loc, ok := m.zones[name]; ok {
		return loc, loc != nil
	}
	loc, ok := loadZone(name)
	if m.zones != nil {
		m.zones[name] = loc
	}
	return loc, ok
}

var errNoTime = errors.New("missing")

// event maps one event. keep is false for entries left out on purpose
// (cancelled, a series master); err is an entry that cannot be read.
func (m mapping) event(g *event) (e calendar.Event, keep bool, err error) {
	if g.Type == "seriesMaster" || g.IsCancelled {
		// calendarView lists occurrences, so a master would count the
		// series twice; a cancelled meeting left on the calendar took no
		// time (Google's list leaves such out too).
		return calendar.Event{}, false, nil
	}
	e.AllDay = g.IsAllDay
	if e.Start, err = m.when(g.Start, g.IsAllDay); err != nil {
		return calendar.Event{}, false, fmt.Errorf("start: %w", err)
	}
	if e.End, err = m.when(g.End, g.IsAllDay); err != nil {
		return calendar.Event{}, false, fmt.Errorf("end: %w", err)
	}
	switch {
	case e.AllDay && !e.End.After(e.Start):
		return calendar.Event{}, false, errors.New("all-day entry ends before its day does")
	case e.End.Before(e.Start):
		return calendar.Event{}, false, errors.New("end before start")
	}
	e.UID = g.ICalUID
	if e.UID == "" {
		e.UID = g.ID
	}
	e.Title = g.Subject
	e.Status = calendar.StatusConfirmed
	e.Recurring = g.SeriesMasterID != "" || g.Type == "occurrence" || g.Type == "exception"
	// Every occurrence has an iCalUId of its own: the series is named by
	// its master.
	e.SeriesID = g.SeriesMasterID
	e.ConferenceURL = conferenceURL(g)
	for _, c := range g.Categories {
		if c != nil && strings.TrimSpace(*c) != "" {
			e.Categories = append(e.Categories, *c)
		}
	}

	// The organizer; on the user's own calendar isOrganizer says whether
	// it is the user.
	var org calendar.Person
	if g.Organizer != nil && g.Organizer.EmailAddress != nil {
		org = m.person(g.Organizer.EmailAddress)
	}
	if m.mine && g.IsOrganizer {
		org.Self = true
	}
	e.Organizer = org

	myAnswer := m.myAnswer(g)
	meListed := false
	for _, a := range g.Attendees {
		if a == nil || a.EmailAddress == nil {
			continue
		}
		p := m.person(a.EmailAddress)
		if p.Email == "" && p.Name == "" {
			continue
		}
		at := calendar.Attendee{
			Person:   p,
			Resource: a.Type == "resource",
			Optional: a.Type == "optional",
		}
		if a.Status != nil {
			at.Response = response(a.Status.Response)
		} else {
			at.Response = calendar.ResponseNeedsAction
		}
		if org.Email != "" && p.Email == org.Email {
			at.Organizer, at.Response = true, calendar.ResponseAccepted
			at.Self = at.Self || org.Self
		}
		if at.Self {
			meListed = true
			if myAnswer != "" {
				at.Response = myAnswer
			}
		}
		e.Attendees = append(e.Attendees, at)
	}
	if m.mine && !meListed && !g.IsOrganizer && answered(g) {
		// Invited another way (a list, a delegate): the calendar's own
		// answer is still mine.
		e.Attendees = append(e.Attendees, calendar.Attendee{Person: calendar.Person{Email: m.self, Self: true}, Response: myAnswer})
	}
	if len(e.Attendees) > 0 && org.Email != "" && !hasEmail(e.Attendees, org.Email) {
		// Graph leaves the organizer off the attendees; iCalendar and
		// Google list them, accepted. Do as they do.
		e.Attendees = append([]calendar.Attendee{{Person: org, Response: calendar.ResponseAccepted, Organizer: true}}, e.Attendees...)
	}
	e.AttendeesOmitted = g.HideAttendees && !(m.mine && g.IsOrganizer)

	switch g.ShowAs {
	case "free":
		e.Transparent = true
	case "oof":
		e.Type = calendar.TypeOutOfOffice
	case "workingElsewhere":
		// Outlook's "working elsewhere" on an entry of the user's own is a
		// working-location entry; on a meeting with others it is only how
		// the time shows, and the meeting stays one.
		if !withOthers(e, m) {
			e.Type = calendar.TypeWorkingLocation
		}
	}
	if e.Type == "" {
		e.Type = calendar.TypeDefault
	}
	e.Origin = m.origin
	return e, true, nil
}

func (m mapping) person(a *emailAddress) calendar.Person {
	p := calendar.Person{Email: strings.ToLower(strings.TrimSpace(a.Address)), Name: a.Name}
	p.Self = m.mine && p.Email != "" && m.me[p.Email]
	return p
}

// myAnswer is the user's answer on their own calendar, "" when it is not
// theirs or says nothing.
func (m mapping) myAnswer(g *event) calendar.Response {
	if !m.mine {
		return ""
	}
	if g.IsOrganizer {
		return calendar.ResponseAccepted
	}
	if g.ResponseStatus == nil || g.ResponseStatus.Response == "" || g.ResponseStatus.Response == "none" {
		return ""
	}
	return response(g.ResponseStatus.Response)
}

// answered: the event's own answer is one the user gave (or owes).
func answered(g *event) bool {
	if g.ResponseStatus == nil {
		return false
	}
	switch g.ResponseStatus.Response {
	case "accepted", "tentativelyAccepted", "declined", "notResponded":
		return true
	}
	return false
}

func hasEmail(as []calendar.Attendee, email string) bool {
	for _, a := range as {
		if a.Email == email {
			return true
		}
	}
	return false
}

func withOthers(e calendar.Event, m mapping) bool {
	for _, a := range e.Attendees {
		if !a.Resource && !a.Self && !(a.Email != "" && m.me[a.Email]) {
			return true
		}
	}
	return false
}

// when reads a start or end. Timed: an instant, in the zone Graph names
// (UTC, as asked), shown in m.timeZone when set. All-day: the date, as a
// midnight in m.dayZone — Graph sends all-day entries as midnights of
// their dates whatever zone it was asked for.
func (m mapping) when(d *dateTimeTimeZone, allDay bool) (time.Time, error) {
	if d == nil || strings.TrimSpace(d.DateTime) == "" {
		return time.Time{}, errNoTime
	}
	s := strings.TrimSpace(d.DateTime)
	if allDay {
		date, _, _ := strings.Cut(s, "T")
		v, err := time.ParseInLocation(time.DateOnly, date, m.dayZone)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad date %q", clean(s, 40))
		}
		return v, nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		z := strings.TrimSpace(d.TimeZone)
		loc, ok := m.zone(z)
		if !ok {
			return time.Time{}, fmt.Errorf("unknown time zone %q", clean(z, 60))
		}
		if v, err = time.ParseInLocation("2006-01-02T15:04:05", s, loc); err != nil {
			return time.Time{}, fmt.Errorf("bad dateTime %q", clean(s, 40))
		}
	}
	if m.timeZone != nil {
		v = v.In(m.timeZone)
	}
	return v, nil
}

// response maps Graph's responseType.
func response(r string) calendar.Response {
	switch r {
	case "accepted", "organizer":
		return calendar.ResponseAccepted
	case "tentativelyAccepted":
		return calendar.ResponseTentative
	case "declined":
		return calendar.ResponseDeclined
	}
	// notResponded, none, and values Graph may add.
	return calendar.ResponseNeedsAction
}

// conferenceURL is the Teams (or other) join link: onlineMeeting.joinUrl,
// else the older onlineMeetingUrl.
func conferenceURL(g *event) string {
	if g.OnlineMeeting != nil && strings.TrimSpace(g.OnlineMeeting.JoinURL) != "" {
		return strings.TrimSpace(g.OnlineMeeting.JoinURL)
	}
	return strings.TrimSpace(g.OnlineMeetingURL)
}
