package microsoft

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/synccache"
)

// The delegated, read-only permissions emtime uses, each for one call.
const (
	// PermissionCalendars reads the calendar list and the events, without
	// their bodies or attachments.
	PermissionCalendars = "Calendars.ReadBasic"
	// PermissionMailboxSettings reads the time zone and the working hours.
	PermissionMailboxSettings = "MailboxSettings.Read"
	// PermissionUser reads who signed in: the address that is "me".
	PermissionUser = "User.Read"
	// PermissionOfflineAccess lets the sign-in be refreshed without the
	// user: Microsoft gives refresh tokens only to clients that ask for it.
	PermissionOfflineAccess = "offline_access"
)

// Scopes are the scopes a sign-in to Microsoft asks for: the permissions
// above (Graph's own, so they need no resource prefix).
func Scopes() []string {
	return []string{PermissionOfflineAccess, PermissionUser, PermissionCalendars, PermissionMailboxSettings}
}

// DefaultConcurrency is how many calendars are read at once.
const DefaultConcurrency = 4

// Options configure [New].
type Options struct {
	// HTTPClient carries the credentials (an oauth2 transport) and any
	// retrying transport. Required.
	HTTPClient *http.Client
	// BaseURL replaces [DefaultBaseURL] (tests, proxies: [EnvAPIURL]).
	BaseURL string
	// Calendars are the calendars read, each by its name (as Outlook shows
	// it, any case) or its id; empty, or "default", means the default
	// calendar.
	Calendars []string
	// Me are more addresses of the user, added to [calendar.Info.Owner].
	Me []string
	// Progress, when set, is called as calendars are read with the number
	// of calendars done and of events read so far. Calls do not overlap.
	Progress func(calendarsDone, events int)
	// Concurrency is how many calendars are read at once; zero means
	// [DefaultConcurrency].
	Concurrency int
	// Cache, when set, keeps the calendars read in a local copy kept
	// current with Graph's delta query ([Cache]); nil reads every
	// calendar in full.
	Cache *Cache
}

// Source is a Microsoft 365 or Outlook.com mailbox's calendars, read
// through Microsoft Graph, as a [calendar.Source].
type Source struct {
	c    *client
	opts Options

	mu      sync.Mutex
	user    *User
	mailbox *MailboxSettings
	cals    []Calendar
	targets []target

	// With a cache: the account the copy is kept under ("" keeps none),
	// whether what Info reads was kept, notices one at a time, and a
	// damaged file started afresh once.
	account  string
	prepared bool
	cbMu     sync.Mutex
	wiped    synccache.Afresh
}

var _ calendar.Source = (*Source)(nil)

// New builds a source over Graph. It makes no request.
func New(opts Options) (*Source, error) {
	c, err := newClient(opts.HTTPClient, opts.BaseURL)
	if err != nil {
		return nil, err
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	opts.Calendars = slices.Clone(opts.Calendars)
	opts.Me = slices.Clone(opts.Me)
	return &Source{c: c, opts: opts}, nil
}

// User is who signed in, as /me says.
type User struct {
	DisplayName       string
	Mail              string
	UserPrincipalName string
}

// Address is the user's mail address, else their user principal name when
// it is an address (a guest's "name_domain#EXT#@…" is not); "" when
// neither is.
func (u User) Address() string {
	for _, a := range []string{u.Mail, u.UserPrincipalName} {
		a = strings.ToLower(strings.TrimSpace(a))
		if p, err := mail.ParseAddress(a); err == nil && p.Address == a && !strings.Contains(a, "#") {
			return a
		}
	}
	return ""
}

// Me reads who signed in (GET /me).
func (s *Source) Me(ctx context.Context) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.meLocked(ctx)
}

func (s *Source) meLocked(ctx context.Context) (User, error) {
	if s.user != nil {
		return *s.user, nil
	}
	var me struct {
		DisplayName       string `json:"displayName"`
		Mail              string `json:"mail"`
		UserPrincipalName string `json:"userPrincipalName"`
	}
	u := s.c.resolve("me", url.Values{"$select": {"displayName,mail,userPrincipalName"}})
	if err := s.c.get(ctx, request{what: "me", need: PermissionUser}, u, &me); err != nil {
		return User{}, err
	}
	s.user = &User{DisplayName: clean(me.DisplayName, 200), Mail: me.Mail, UserPrincipalName: me.UserPrincipalName}
	return *s.user, nil
}

// MailboxSettings are the mailbox's time zone and working hours.
type MailboxSettings struct {
	// TimeZone is the zone as the mailbox names it (a Windows name such as
	// "W. Europe Standard Time", or an IANA name).
	TimeZone string
	// Zone is its IANA name, or "" when it names none emtime knows.
	Zone string
	// WorkingHours are the hours set in Outlook, or nil when none are, or
	// they cannot be read (Warnings says why).
	WorkingHours *WorkingHours
	// Warnings are settings that could not be read.
	Warnings []string
}

// WorkingHours are the working hours set in Outlook: the same hours on
// every working day.
type WorkingHours struct {
	// Days are the working days, in week order from Sunday, each once.
	Days []time.Weekday
	// Start and End are the hours as offsets from midnight: 08:30 is
	// 8h30m. End is after Start.
	Start, End time.Duration
	// TimeZone is the zone they are in as Outlook names it, and Zone its
	// IANA name ("" when unknown: the mailbox's zone is the best guess).
	TimeZone string
	Zone     string
}

// Mailbox reads the mailbox settings (GET /me/mailboxSettings).
func (s *Source) Mailbox(ctx context.Context) (MailboxSettings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.opts.Cache; c != nil && c.Offline {
		if err := s.prepareLocked(ctx); err != nil {
			return MailboxSettings{}, err
		}
	}
	return s.mailboxLocked(ctx)
}

func (s *Source) mailboxLocked(ctx context.Context) (MailboxSettings, error) {
	if s.mailbox != nil {
		return *s.mailbox, nil
	}
	var mb struct {
		TimeZone     string `json:"timeZone"`
		WorkingHours *struct {
			DaysOfWeek []string `json:"daysOfWeek"`
			StartTime  string   `json:"startTime"`
			EndTime    string   `json:"endTime"`
			TimeZone   *struct {
				Name string `json:"name"`
			} `json:"timeZone"`
		} `json:"workingHours"`
	}
	u := s.c.resolve("me/mailboxSettings", url.Values{"$select": {"timeZone,workingHours"}})
	if err := s.c.get(ctx, request{what: "mailbox settings", need: PermissionMailboxSettings}, u, &mb); err != nil {
		return MailboxSettings{}, err
	}
	out := MailboxSettings{TimeZone: clean(mb.TimeZone, 100)}
	if out.TimeZone != "" {
		if z, ok := IANAZone(out.TimeZone); ok {
			out.Zone = z
		} else {
			out.Warnings = append(out.Warnings, fmt.Sprintf("mailbox time zone %q is not one emtime knows", out.TimeZone))
		}
	}
	if w := mb.WorkingHours; w != nil {
		wh := WorkingHours{}
		var err error
		if w.TimeZone != nil {
			wh.TimeZone = clean(w.TimeZone.Name, 100)
		}
		wh.Zone, _ = IANAZone(wh.TimeZone)
		if wh.Days, err = weekdays(w.DaysOfWeek); err == nil {
			wh.Start, err = timeOfDay(w.StartTime)
		}
		if err == nil {
			wh.End, err = timeOfDay(w.EndTime)
			if err == nil && wh.End == 0 && wh.Start > 0 {
				wh.End = 24 * time.Hour // "00:00:00" ends at midnight
			}
		}
		switch {
		case err != nil:
			out.Warnings = append(out.Warnings, "working hours: "+err.Error())
		case len(wh.Days) == 0:
			out.Warnings = append(out.Warnings, "working hours name no working day")
		case wh.End <= wh.Start:
			out.Warnings = append(out.Warnings, fmt.Sprintf("working hours end (%s) before they start (%s)", clean(w.EndTime, 20), clean(w.StartTime, 20)))
		default:
			out.WorkingHours = &wh
		}
	}
	s.mailbox = &out
	return out, nil
}

func weekdays(names []string) ([]time.Weekday, error) {
	var days []time.Weekday
	for _, n := range names {
		d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(n))]
		if !ok {
			return nil, fmt.Errorf("unknown day %q", clean(n, 20))
		}
		if !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	return days, nil
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// timeOfDay reads Graph's "08:30:00.0000000".
func timeOfDay(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	hms, _, _ := strings.Cut(s, ".")
	parts := strings.Split(hms, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("%q is not a time of day", clean(s, 20))
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 2 {
			return 0, fmt.Errorf("%q is not a time of day", clean(s, 20))
		}
		v[i] = n
	}
	if v[0] > 23 || v[1] > 59 || v[2] > 59 {
		return 0, fmt.Errorf("%q is not a time of day", clean(s, 20))
	}
	return time.Duration(v[0])*time.Hour + time.Duration(v[1])*time.Minute + time.Duration(v[2])*time.Second, nil
}

// Calendar is a calendar the user can read, for `emtime calendars`.
type Calendar struct {
	ID   string
	Name string
	// Default is the mailbox's default calendar.
	Default bool
	CanEdit bool
	// Owner is the owner's address: the user's own for their calendars,
	// whoever shared it for a shared one.
	Owner     string
	OwnerName string
}

// calendarSelect names what ListCalendars reads of each calendar.
const calendarSelect = "id,name,isDefaultCalendar,canEdit,owner"

// ListCalendars lists the user's calendars (GET /me/calendars, every
// page), the default one first. A next link Graph sends twice fails the
// call: the list is never silently short.
func (s *Source) ListCalendars(ctx context.Context) ([]Calendar, error) {
	var cals []Calendar
	u := s.c.resolve("me/calendars", url.Values{"$select": {calendarSelect}, "$top": {"100"}})
	r := request{what: "calendar list", need: PermissionCalendars}
	err := s.c.list(ctx, r, u, func(items []json.RawMessage) error {
		for _, raw := range items {
			var c struct {
				ID        string `json:"id"`
				Name      string `json:"name"`
				IsDefault bool   `json:"isDefaultCalendar"`
				CanEdit   bool   `json:"canEdit"`
				Owner     *struct {
					Name    string `json:"name"`
					Address string `json:"address"`
				} `json:"owner"`
			}
			if json.Unmarshal(raw, &c) != nil || c.ID == "" {
				continue // a calendar that cannot be named cannot be chosen
			}
			cal := Calendar{ID: c.ID, Name: clean(c.Name, 200), Default: c.IsDefault, CanEdit: c.CanEdit}
			if c.Owner != nil {
				cal.Owner = strings.ToLower(strings.TrimSpace(c.Owner.Address))
				cal.OwnerName = clean(c.Owner.Name, 200)
			}
			cals = append(cals, cal)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(cals, func(a, b Calendar) int {
		switch {
		case a.Default == b.Default:
			return 0
		case a.Default:
			return -1
		}
		return 1
	})
	return cals, nil
}

// calendarsLocked is the calendar list, read once (or kept, offline).
func (s *Source) calendarsLocked(ctx context.Context) ([]Calendar, error) {
	if s.cals != nil {
		return s.cals, nil
	}
	cals, err := s.ListCalendars(ctx)
	if err != nil {
		return nil, err
	}
	if cals == nil {
		cals = []Calendar{}
	}
	s.cals = cals
	return cals, nil
}

// ErrNoSuchCalendar is a calendar asked for by a name or id that none of
// the user's calendars has.
var ErrNoSuchCalendar = errors.New("no calendar has that name or id")

// target is a calendar to read events from.
type target struct {
	Calendar
	// mine: the user owns it, so the event's own answer (responseStatus)
	// and isOrganizer are the user's.
	mine bool
	// path is its calendarView, relative to the base.
	path string
}

// targetsLocked resolves Options.Calendars against the calendar list, once.
func (s *Source) targetsLocked(ctx context.Context) ([]target, error) {
	if s.targets != nil {
		return s.targets, nil
	}
	user, err := s.meLocked(ctx)
	if err != nil {
		return nil, err
	}
	me := s.meSet(user)
	cals, err := s.calendarsLocked(ctx)
	if err != nil {
		return nil, err
	}
	names := s.opts.Calendars
	if len(names) == 0 {
		names = []string{"default"}
	}
	var out []target
	for _, name := range names {
		c, err := pick(cals, name)
		if err != nil {
			return nil, err
		}
		t := target{Calendar: c, mine: c.Default || (c.Owner != "" && me[c.Owner])}
		if c.Default {
			t.path = "me/calendarView"
		} else {
			t.path = "me/calendars/" + url.PathEscape(c.ID) + "/calendarView"
		}
		if !slices.ContainsFunc(out, func(x target) bool { return x.ID == t.ID }) {
			out = append(out, t)
		}
	}
	s.targets = out
	return out, nil
}

// pick finds a calendar by id, else by name (any case), else "default".
func pick(cals []Calendar, name string) (Calendar, error) {
	want := strings.TrimSpace(name)
	if i := slices.IndexFunc(cals, func(c Calendar) bool { return c.ID == want }); i >= 0 {
		return cals[i], nil
	}
	var named []Calendar
	for _, c := range cals {
		if strings.EqualFold(c.Name, want) {
			named = append(named, c)
		}
	}
	switch {
	case len(named) == 1:
		return named[0], nil
	case len(named) > 1:
		return Calendar{}, fmt.Errorf("microsoft calendar %q: %d calendars have that name; name one by its id (emtime calendars --source microsoft shows them)", clean(want, 100), len(named))
	}
	if want == "" || strings.EqualFold(want, "default") || strings.EqualFold(want, "primary") {
		if i := slices.IndexFunc(cals, func(c Calendar) bool { return c.Default }); i >= 0 {
			return cals[i], nil
		}
		// A list that marks no calendar default: Graph's /me/calendarView
		// still reads the default one.
		return Calendar{ID: "", Name: "Calendar", Default: true}, nil
	}
	return Calendar{}, fmt.Errorf("microsoft calendar %q: %w", clean(want, 100), ErrNoSuchCalendar)
}

// meSet is the user's addresses, lower case: /me's and Options.Me.
func (s *Source) meSet(u User) map[string]bool {
	me := map[string]bool{}
	for _, a := range s.owner(u) {
		me[a] = true
	}
	return me
}

func (s *Source) owner(u User) []string {
	var owner []string
	for _, a := range append([]string{u.Address()}, s.opts.Me...) {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && !slices.Contains(owner, a) {
			owner = append(owner, a)
		}
	}
	return owner
}

// Info reads who signed in (Owner, with [Options.Me]), the mailbox's time
// zone (Zone) and the chosen calendars' names (Name).
func (s *Source) Info(ctx context.Context) (calendar.Info, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.prepareLocked(ctx); err != nil {
		return calendar.Info{}, err
	}
	user, err := s.meLocked(ctx)
	if err != nil {
		return calendar.Info{}, err
	}
	mb, err := s.mailboxLocked(ctx)
	if err != nil {
		return calendar.Info{}, err
	}
	targets, err := s.targetsLocked(ctx)
	if err != nil {
		return calendar.Info{}, err
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = cmp.Or(t.Name, t.ID)
	}
	return calendar.Info{Name: strings.Join(names, ", "), Zone: mb.Zone, Owner: s.owner(user)}, nil
}

// progress serializes calls to Options.Progress.
type progress struct {
	mu     sync.Mutex
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
