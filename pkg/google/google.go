// Package google reads Google Calendar through the Calendar API v3 as a
// [calendar.Source].
//
// [New] takes an HTTP client that already carries the user's credentials
// (see package auth). [Source.Info] reads the user's time zone setting and
// primary calendar; [Source.Events] lists every occurrence of the chosen
// calendars in a window (single events, every page, a fields mask naming
// only what is mapped), several calendars at once, merged, an event present
// on two of them counted once. [Source.ListCalendars] lists what can be
// read.
//
// With a [Cache] (see its documentation for what is synced and why), the
// calendars are read through a local copy kept current with Google's
// incremental sync: a second run of the same weeks makes one events
// request per calendar, and gives the same events as a run without it.
//
// Error contract: every try has a deadline ([Retry.Timeout]). Rate limits
// (429, 403 rateLimitExceeded and userRateLimitExceeded), 5xx answers,
// dropped connections, reset HTTP/2 streams and tries that ran out of time
// are retried with exponential backoff and jitter, honouring Retry-After,
// within [Retry]'s bounds; each retry is told to [Options.Retrying]. The
// retries are package httpretry's, shared with the other sources; what is
// Google's here is which of its errors are worth another try (its rate
// limits come as 403 with a reason) and how they are told. A
// Retry-After longer than what may still be waited (MaxWait, or the time
// left before the caller's deadline) fails at once, saying how long Google
// asked to wait. A call whose context ends says what it was waiting for,
// with the context's cause. Any other failure, or one that outlasts the
// retries, fails the whole call with an [Error] naming the calendar and
// Google's reason (clipped): a result is never partial.
//
// Google's answers are hostile until read. An event that cannot be counted
// (a null, no start or no end, times that cannot be read) is skipped with
// a warning naming the calendar and the event. A page token seen before in
// the same listing fails it, as do a JSON null for an answer, an answer
// larger than [MaxAnswerBytes], more than 10,000 pages, or more than a
// million events; an event's attendees are cut at 5,000 and marked
// omitted. The client given to [New] is used with a redirect policy that
// refuses another origin, where its transport would send the bearer token.
package google

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/synccache"
	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// EnvAPIURL overrides the Calendar API base URL (tests, proxies); the CLI
// reads it and passes it as [Options.BaseURL].
const EnvAPIURL = "EMTIME_GOOGLE_API_URL"

// DefaultConcurrency is how many calendars are read at once.
const DefaultConcurrency = 4

// Options configure [New].
type Options struct {
	// HTTPClient carries the credentials (auth's Credentials.Client).
	// Required.
	HTTPClient *http.Client
	// BaseURL replaces the API's base URL ("https://www.googleapis.com/calendar/v3/").
	BaseURL string
	// CalendarIDs are the calendars read; empty means ["primary"].
	CalendarIDs []string
	// Me are more addresses of the user, added to [calendar.Info.Owner].
	Me []string
	// Progress, when set, is called as calendars are read with the number
	// of calendars done and of events read so far. Calls do not overlap,
	// with each other or with Retrying's.
	Progress func(calendarsDone, events int)
	// Retrying, when set, is called before each wait for a retry, saying
	// what failed and how long emtime waits (for a progress line). Calls
	// do not overlap.
	Retrying func(RetryNotice)
	// Retry bounds the retries of failed calls.
	Retry Retry
	// Concurrency is how many calendars are read at once; zero means
	// [DefaultConcurrency].
	Concurrency int
	// Cache, when set, keeps the calendars read in a local copy, brought
	// up to date with Google's incremental sync on every run (see
	// [Cache]).
	Cache *Cache
}

// Source is Google Calendar as a [calendar.Source].
type Source struct {
	svc    *calendarapi.Service
	opts   Options
	ids    []string
	caller caller
	cbMu   *sync.Mutex // serializes the calls to Progress, Retrying and the cache's Notice
	// account is whose calendars are read, once known: the key of the
	// cache.
	account string
	wiped   synccache.Afresh
}

var _ calendar.Source = (*Source)(nil)

// New builds a source over the Calendar API. It makes no request.
func New(ctx context.Context, opts Options) (*Source, error) {
	if opts.HTTPClient == nil {
		return nil, errors.New("google calendar: no http client with credentials")
	}
	copts := []option.ClientOption{option.WithHTTPClient(guard(opts.HTTPClient))}
	if opts.BaseURL != "" {
		base := opts.BaseURL
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		copts = append(copts, option.WithEndpoint(base))
	}
	svc, err := calendarapi.NewService(ctx, copts...)
	if err != nil {
		return nil, fmt.Errorf("google calendar client: %w", err)
	}
	ids := slices.Clone(opts.CalendarIDs)
	if len(ids) == 0 {
		ids = []string{"primary"}
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	s := &Source{svc: svc, opts: opts, ids: ids, cbMu: &sync.Mutex{}}
	retry := opts.Retry
	if retry.Service == "" {
		retry.Service = service
	}
	s.caller = caller{retry: retry.WithDefaults()}
	if opts.Retrying != nil {
		s.caller.notify = func(n RetryNotice) {
			s.cbMu.Lock()
			defer s.cbMu.Unlock()
			opts.Retrying(n)
		}
	}
	return s, nil
}

// Info reads the user's time zone setting (Zone), the primary calendar's id
// (Owner, with [Options.Me]) and the calendars' names (Name). With a
// [Cache], what was read less than [InfoMaxAge] ago is used without asking
// Google (any age offline).
func (s *Source) Info(ctx context.Context) (calendar.Info, error) {
	if s.opts.Cache != nil {
		info, ok, err := s.cachedInfo()
		if err != nil || ok {
			return info, err
		}
	}
	zone, primary, names, err := s.readInfo(ctx)
	if err != nil {
		return calendar.Info{}, err
	}
	if s.opts.Cache != nil {
		if err := s.keepInfo(zone, primary, names); err != nil {
			return calendar.Info{}, err
		}
	}
	return s.info(zone, primary, names), nil
}

// readInfo asks Google for the zone setting, the primary calendar's id
// and the names of s.ids, in order.
func (s *Source) readInfo(ctx context.Context) (zone, primaryID string, names []string, err error) {
	setting, err := call(ctx, s.caller, "setting timezone", func(ctx context.Context) (*calendarapi.Setting, error) {
		return s.svc.Settings.Get("timezone").Fields("value").Context(ctx).Do()
	})
	if err != nil {
		return "", "", nil, newError("setting timezone", "", err)
	}
	primary, err := call(ctx, s.caller, "calendar primary", func(ctx context.Context) (*calendarapi.CalendarListEntry, error) {
		return s.svc.CalendarList.Get("primary").Fields(calendarListFields).Context(ctx).Do()
	})
	if err != nil {
		return "", "", nil, newError("calendar primary", "primary", err)
	}
	for _, id := range s.ids {
		if id == "primary" || id == primary.Id {
			names = append(names, entrySummary(primary))
			continue
		}
		e, err := call(ctx, s.caller, "calendar "+id, func(ctx context.Context) (*calendarapi.CalendarListEntry, error) {
			return s.svc.CalendarList.Get(id).Fields(calendarListFields).Context(ctx).Do()
		})
		var ge *googleapi.Error
		switch {
		case errors.As(err, &ge) && ge.Code == http.StatusNotFound:
			// Readable but not in the user's list: its id will do.
			names = append(names, id)
		case err != nil:
			return "", "", nil, newError("calendar "+id, id, err)
		default:
			names = append(names, entrySummary(e))
		}
	}
	return setting.Value, primary.Id, names, nil
}

// info is what Info returns of what it read.
func (s *Source) info(zone, primaryID string, names []string) calendar.Info {
	var owner []string
	for _, a := range append([]string{primaryID}, s.opts.Me...) {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && !slices.Contains(owner, a) {
			owner = append(owner, a)
		}
	}
	return calendar.Info{Name: strings.Join(names, ", "), Zone: zone, Owner: owner}
}

// Calendar is a calendar the user can read, for `emtime calendars`.
type Calendar struct {
	ID string
	// Summary is the user's name for it (its own summary unless renamed).
	Summary  string
	TimeZone string
	// AccessRole is the user's access: owner, writer, reader or
	// freeBusyReader (which shows no details).
	AccessRole string
	Primary    bool
}

const calendarListFields = "id,summary,summaryOverride,timeZone,accessRole,primary"

// ListCalendars lists the calendars in the user's calendar list, every
// page, the primary one first. A page token Google sends twice in one
// listing (the same page again, or a cycle) fails the call, as in
// [Source.Events]: the list is never silently short, and never endless.
// Entries that are null or have no id are left out.
func (s *Source) ListCalendars(ctx context.Context) ([]Calendar, error) {
	var cals []Calendar
	list := s.svc.CalendarList.List().MaxResults(250).Fields("nextPageToken,items(" + calendarListFields + ")")
	var pages pager
	token := ""
	for {
		list.PageToken(token)
		page, err := call(ctx, s.caller, "calendar list", func(ctx context.Context) (*calendarapi.CalendarList, error) {
			return list.Context(ctx).Do()
		})
		if err != nil {
			return nil, newError("calendar list", "", err)
		}
		for _, e := range page.Items {
			if e == nil || e.Id == "" {
				continue // nothing to read it by
			}
			cals = append(cals, Calendar{
				ID:         e.Id,
				Summary:    entrySummary(e),
				TimeZone:   e.TimeZone,
				AccessRole: e.AccessRole,
				Primary:    e.Primary,
			})
		}
		if len(cals) > maxCalendars {
			return nil, newError("calendar list", "", fmt.Errorf("google listed more than %d calendars: stopped", maxCalendars))
		}
		if page.NextPageToken == "" {
			break
		}
		if err := pages.next(page.NextPageToken); err != nil {
			return nil, newError("calendar list", "", err)
		}
		token = page.NextPageToken
	}
	slices.SortStableFunc(cals, func(a, b Calendar) int {
		switch {
		case a.Primary == b.Primary:
			return 0
		case a.Primary:
			return -1
		}
		return 1
	})
	return cals, nil
}

// maxCalendars bounds a calendar list: Google lets a user subscribe to
// a few hundred at most.
const maxCalendars = 100_000

func entrySummary(e *calendarapi.CalendarListEntry) string {
	if e.SummaryOverride != "" {
		return e.SummaryOverride
	}
	if e.Summary != "" {
		return e.Summary
	}
	return e.Id
}

// progress counts for Options.Progress, serializing the calls.
type progress struct {
	mu     *sync.Mutex
	f      func(int, int)
	done   int
	events int
}

func (p *progress) add(events, done int) {
	if p.f == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events += events
	p.done += done
	p.f(p.done, p.events)
}
