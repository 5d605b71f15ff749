package google

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/emtime/emtime/pkg/bug"
	"github.com/emtime/emtime/pkg/calendar"
	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
)

// EventFields is the fields mask of events.list: what [Source.Events] maps,
// and nextPageToken, without which Google sends no further page.
const EventFields = "nextPageToken,timeZone," + itemFields

// SyncFields is the fields mask of events.list when it syncs the cache:
// [EventFields] and nextSyncToken, which Google sends on the last page.
const SyncFields = "nextPageToken,nextSyncToken,timeZone," + itemFields

const itemFields = "items(id,iCalUID,status,summary,start(date,dateTime),end(date,dateTime)," +
	"transparency,eventType,recurringEventId,attendeesOmitted," +
	"attendees(email,displayName,self,resource,responseStatus,optional,organizer)," +
	"organizer(email,displayName,self),hangoutLink,conferenceData(entryPoints(entryPointType,uri)))"

// maxResults is the largest page events.list serves.
const maxResults = 2500

// windowMargin widens the window asked of Google: it places all-day events
// in the calendar's zone, Events in q.Zone, which may be a day off either
// way. What falls outside the window once placed is dropped.
const windowMargin = 48 * time.Hour

// maxEvents bounds the events one call to [Source.Events] keeps, over all
// its calendars: ten times a busy manager's ten years.
const maxEvents = 1_000_000

// errTooMany is a run past maxEvents.
var errTooMany = fmt.Errorf("google sent more than %d events: stopped (ask for fewer weeks)", maxEvents)

// maxAttendees bounds the attendees kept of one event. Past it the list is
// cut and marked omitted, as Google marks the lists it leaves out.
const maxAttendees = 5_000

// Events lists the occurrences of every chosen calendar that overlap
// [q.From, q.To), recurring series expanded by Google, cancelled ones left
// out, sorted by start. An event on several calendars (same iCalUID and
// start) is kept once, from the first calendar listing it
// ([calendar.Merge], as for every source). Any calendar
// failing fails the call. An event Google sends without a start or an
// end, or with one that cannot be read, is skipped with a warning naming
// the calendar and the event; so is a null in the list.
func (s *Source) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	if !q.To.After(q.From) {
		return calendar.Result{}, fmt.Errorf("google calendar: empty window %s to %s", q.From.Format(time.RFC3339), q.To.Format(time.RFC3339))
	}
	if s.opts.Cache != nil && s.account == "" {
		// The cache is kept by account: who the calendars are read as.
		if _, err := s.Info(ctx); err != nil {
			return calendar.Result{}, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type fetched struct {
		events   []calendar.Event
		warnings []string
		err      error
	}
	results := make([]fetched, len(s.ids))
	prog := &progress{f: s.opts.Progress, mu: s.cbMu}
	budget := &eventBudget{left: maxEvents}
	sem := make(chan struct{}, s.opts.Concurrency)
	var wg sync.WaitGroup
	for i, id := range s.ids {
		wg.Go(func() {
			// A panic here is a bug: it fails the call, not the process.
			defer bug.RecoverWith(func(e *bug.Error) { results[i] = fetched{err: e}; cancel() })
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i].err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			fetch := s.fetch
			if s.opts.Cache != nil {
				fetch = s.fetchCached
			}
			evs, warns, err := fetch(ctx, id, q, prog, budget)
			if err != nil {
				cancel() // the result is void: stop the others
			}
			results[i] = fetched{evs, warns, err}
			prog.add(0, 1)
		})
	}
	wg.Wait()

	// Report the first real failure, not the cancellations it caused.
	var firstErr error
	for _, r := range results {
		if r.err == nil {
			continue
		}
		if !errors.Is(r.err, context.Canceled) {
			return calendar.Result{}, r.err
		}
		if firstErr == nil {
			firstErr = r.err
		}
	}
	if firstErr != nil {
		return calendar.Result{}, firstErr
	}

	parts := make([]calendar.Result, len(results))
	for i, r := range results {
		parts[i] = calendar.Result{Events: r.events, Warnings: r.warnings}
	}
	res := calendar.Merge(parts...)
	return res, nil
}

// eventBudget is what is left of maxEvents, shared by the calendars of one
// call.
type eventBudget struct {
	mu   sync.Mutex
	left int
}

func (b *eventBudget) take(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left -= n
	return b.left >= 0
}

// fetch reads every page of one calendar.
func (s *Source) fetch(ctx context.Context, id string, q calendar.Query, prog *progress, budget *eventBudget) ([]calendar.Event, []string, error) {
	what := "calendar " + id
	list := s.svc.Events.List(id).
		SingleEvents(true).
		ShowDeleted(false).
		MaxResults(maxResults).
		TimeMin(q.From.Add(-windowMargin).UTC().Format(time.RFC3339)).
		TimeMax(q.To.Add(windowMargin).UTC().Format(time.RFC3339)).
		Fields(googleapi.Field(EventFields))
	origin := "google:" + id
	var events []calendar.Event
	var warnings []string
	var pages pager
	token := ""
	for {
		list.PageToken(token)
		page, err := call(ctx, s.caller, what, func(ctx context.Context) (*calendarapi.Events, error) {
			return list.Context(ctx).Do()
		})
		if err != nil {
			return nil, nil, newError(what, id, err)
		}
		evs, warns := mapPage(page, origin, q)
		if !budget.take(len(evs)) {
			return nil, nil, newError(what, id, errTooMany)
		}
		events = append(events, evs...)
		warnings = append(warnings, warns...)
		prog.add(len(evs), 0)
		if page.NextPageToken == "" {
			return events, warnings, nil
		}
		if err := pages.next(page.NextPageToken); err != nil {
			return nil, nil, newError(what, id, err)
		}
		token = page.NextPageToken
	}
}

// mapPage maps one page of events.list: the events that overlap q's
// window, placed in q.Zone (all-day dates in the page's zone when q has
// none); cancelled ones left out; those that cannot be mapped skipped
// with a warning naming the calendar (origin) and the event.
func mapPage(page *calendarapi.Events, origin string, q calendar.Query) ([]calendar.Event, []string) {
	zone := q.Zone
	if zone == nil {
		zone = time.UTC
		if page.TimeZone != "" {
			if loc, err := time.LoadLocation(page.TimeZone); err == nil {
				zone = loc
			}
		}
	}
	var events []calendar.Event
	var warnings []string
	nulls := 0
	for _, item := range page.Items {
		if item == nil {
			nulls++
			continue
		}
		if item.Status == "cancelled" {
			continue // Google may send no times with it
		}
		e, err := mapEvent(item, origin, zone, q.Zone)
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("%s (event %s): %v; skipped it", origin, eventRef(item), err))
			continue
		}
		if !e.Overlaps(q.From, q.To) {
			continue
		}
		if len(item.Attendees) > maxAttendees {
			warnings = append(warnings, fmt.Sprintf("%s (event %s): lists %d attendees; kept the first %d", origin, eventRef(item), len(item.Attendees), maxAttendees))
		}
		events = append(events, e)
	}
	if nulls > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: google sent %d empty (null) events in a page; skipped them", origin, nulls))
	}
	return events, warnings
}

// eventRef names an event in a warning: its id, else its iCalUID.
func eventRef(g *calendarapi.Event) string {
	switch {
	case g.Id != "":
		return clip(g.Id, 100)
	case g.ICalUID != "":
		return clip(g.ICalUID, 100)
	}
	return "without an id"
}

// mapEvent turns a Google event into a source-agnostic one. All-day dates
// are midnights in dayZone; timed events are shown in timeZone when set.
// An event without a start or an end is an error: it has no length to
// count.
func mapEvent(g *calendarapi.Event, origin string, dayZone, timeZone *time.Location) (calendar.Event, error) {
	start, allDay, err := when("start", g.Start, dayZone, timeZone)
	if err != nil {
		return calendar.Event{}, err
	}
	end, _, err := when("end", g.End, dayZone, timeZone)
	if err != nil {
		return calendar.Event{}, err
	}
	if end.Before(start) {
		return calendar.Event{}, errors.New("end before start")
	}
	e := calendar.Event{
		UID:              g.ICalUID,
		Title:            g.Summary,
		Start:            start,
		End:              end,
		AllDay:           allDay,
		Status:           status(g.Status),
		Transparent:      g.Transparency == "transparent",
		Type:             eventType(g.EventType),
		AttendeesOmitted: g.AttendeesOmitted,
		ConferenceURL:    conferenceURL(g),
		Recurring:        g.RecurringEventId != "",
		Origin:           origin,
	}
	if e.UID == "" {
		e.UID = g.Id
	}
	if o := g.Organizer; o != nil {
		e.Organizer = calendar.Person{Email: strings.ToLower(o.Email), Name: o.DisplayName, Self: o.Self}
	}
	attendees := g.Attendees
	if len(attendees) > maxAttendees {
		attendees = attendees[:maxAttendees]
		e.AttendeesOmitted = true
	}
	for _, a := range attendees {
		if a == nil {
			continue
		}
		e.Attendees = append(e.Attendees, calendar.Attendee{
			Person:    calendar.Person{Email: strings.ToLower(a.Email), Name: a.DisplayName, Self: a.Self},
			Response:  response(a.ResponseStatus),
			Resource:  a.Resource,
			Optional:  a.Optional,
			Organizer: a.Organizer,
		})
	}
	return e, nil
}

// when reads an event's start or end (named by which): a dateTime (an
// instant), or a date (all-day: midnight in dayZone).
func when(which string, t *calendarapi.EventDateTime, dayZone, timeZone *time.Location) (time.Time, bool, error) {
	switch {
	case t == nil:
		return time.Time{}, false, fmt.Errorf("no %s", which)
	case t.DateTime != "":
		v, err := time.Parse(time.RFC3339, t.DateTime)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%s: bad dateTime %q", which, clip(t.DateTime, 40))
		}
		if timeZone != nil {
			v = v.In(timeZone)
		}
		return v, false, nil
	case t.Date != "":
		v, err := time.ParseInLocation(time.DateOnly, t.Date, dayZone)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%s: bad date %q", which, clip(t.Date, 40))
		}
		return v, true, nil
	}
	return time.Time{}, false, fmt.Errorf("%s has neither date nor dateTime", which)
}

func status(s string) calendar.Status {
	switch s {
	case "tentative":
		return calendar.StatusTentative
	case "cancelled":
		return calendar.StatusCancelled
	}
	return calendar.StatusConfirmed
}

func eventType(t string) calendar.Type {
	switch t {
	case "focusTime":
		return calendar.TypeFocusTime
	case "outOfOffice":
		return calendar.TypeOutOfOffice
	case "workingLocation":
		return calendar.TypeWorkingLocation
	case "birthday":
		return calendar.TypeBirthday
	case "fromGmail":
		return calendar.TypeFromGmail
	}
	return calendar.TypeDefault
}

func response(r string) calendar.Response {
	switch r {
	case "accepted":
		return calendar.ResponseAccepted
	case "declined":
		return calendar.ResponseDeclined
	case "tentative":
		return calendar.ResponseTentative
	}
	return calendar.ResponseNeedsAction
}

func conferenceURL(g *calendarapi.Event) string {
	if g.HangoutLink != "" {
		return g.HangoutLink
	}
	if g.ConferenceData != nil {
		for _, ep := range g.ConferenceData.EntryPoints {
			if ep != nil && ep.EntryPointType == "video" && ep.Uri != "" {
				return ep.Uri
			}
		}
	}
	return ""
}
