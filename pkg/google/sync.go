package google

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/synccache"
	calendarapi "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
)

// Cache is a local copy of the calendars a [Source] reads, kept in a
// [synccache.Store] by account and calendar, so that a run asks Google
// only for what changed since the last one.
//
// What is synced. Each calendar is kept as windows: a range of months
// read once in full (events.list with singleEvents, timeMin and timeMax:
// Google expands the series, as for a run without the cache), then kept
// current with the sync token Google sends on the last page
// (nextSyncToken). A run whose range (with the two days either side that
// every listing asks for) lies inside a window makes one request per
// calendar: the changes since that window's token, which Google sends
// for the whole calendar (a sync token takes no timeMin or timeMax);
// what falls outside the window is dropped, what moved out of it is
// removed, deleted events (status cancelled, with no times) are removed,
// and an event deleted as a whole series takes its occurrences along. A
// range no window holds is read in full into a new window: the months it
// touches and three more ahead, so that the weeks of the coming months
// need no new one. A window read in full more than [FullMaxAge] ago is
// read in full again. A calendar keeps at most [synccache.MaxWindows].
//
// Why windows of expanded events, not series expanded here: Google
// expands a series with no end to a horizon of its own (years ahead), so
// a full sync with no timeMax would read, and keep, thousands of
// occurrences of every never-ending weekly meeting; and expanding the
// series here (events.list without singleEvents) would make the numbers
// depend on an expansion of Google's recurrences, exceptions and zones
// that is not Google's. A window read with Google's own expansion gives,
// event for event, what a run without the cache reads, and the changes
// Google sends are its own occurrences too. The price: a change to a
// series with no end sends all its occurrences to Google's horizon
// (hundreds, dropped but for the window's), and a range outside every
// window costs a full read of it.
//
// The user's time zone setting and the calendars' names are kept per
// account for [InfoMaxAge]. A run that gets 410 Gone for a sync token
// (Google asks for a full sync), or 400 (it refuses the token), reads the
// window in full again; one that finds the file damaged starts it afresh
// and reads in full; both are told to [Cache.Notice]. Nothing damaged or
// partial is ever counted: a sync that fails leaves the copy as it was,
// and one Google ends without a sync token is used for that run only.
type Cache struct {
	// Store is the file.
	Store *synccache.Store
	// Account is the address the credentials are known to be for (the
	// account a stored sign-in was made with, the impersonated user), or
	// "" when they name none; then it is learnt from Google's primary
	// calendar (calendarList.get).
	Account string
	// Fingerprint names credentials that carry no account (a ready access
	// token, a service account's key), so that the account learnt for
	// them is remembered for [InfoMaxAge]: a digest ([Fingerprint]),
	// never the secret itself. "" remembers nothing.
	Fingerprint string
	// Refresh reads every calendar in full, and the settings again.
	Refresh bool
	// Offline makes no request at all: everything comes from the copy,
	// however old (told to Notice); what it does not hold is an error.
	Offline bool
	// Notice is told, in a sentence fragment, what the user should hear:
	// a damaged copy started afresh, a sync token Google no longer takes,
	// an account other than the credentials named, how old an offline
	// copy is. Calls do not overlap.
	Notice func(string)
	// Now is the clock that ages are counted by; nil means time.Now.
	Now func() time.Time
}

// InfoMaxAge is how long the settings and calendar names kept are used
// without asking Google again.
const InfoMaxAge = 24 * time.Hour

// FullMaxAge is how long a window is kept current with sync tokens alone:
// one read in full longer ago is read in full again, so that a change the
// incremental sync might have missed does not outlive a week.
const FullMaxAge = 7 * 24 * time.Hour

// lookahead is how many months past the range asked for a new window
// reads.
const lookahead = 3

// looseMargin widens a range read from the copy: a record's times are
// placed before the zone is known (all-day dates as UTC midnights, up to
// 14 hours off), and what falls outside the range once placed is dropped
// as in a run without the cache.
const looseMargin = 24 * time.Hour

// ErrNotCached is an offline run asking for what the copy does not hold.
var ErrNotCached = errors.New("not in the cache")

// Fingerprint is the digest of a secret (a ready access token, a service
// account's key) that names it in the cache: SHA-256, never reversible.
func Fingerprint(secret []byte) string {
	return synccache.Fingerprint("emtime credential", secret)
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// notice tells n to the cache's Notice, one call at a time.
func (s *Source) notice(n string) {
	if f := s.opts.Cache.Notice; f != nil {
		s.cbMu.Lock()
		defer s.cbMu.Unlock()
		f(n)
	}
}

// storeErr handles an error of the store: a damaged file is started
// afresh, once a run, and said (nil is returned: the caller reads as if
// nothing were kept); others are returned.
func (s *Source) storeErr(err error) error {
	return s.wiped.Handle(s.opts.Cache.Store, err, s.notice, "google calendar")
}

// cachedInfo is what is kept of an account.
type cachedInfo struct {
	Zone    string `json:"zone"`
	Primary string `json:"primary"`
	// Names are the calendars' names, by the id they were asked by.
	Names map[string]string `json:"names"`
}

// knownAccount is the account the credentials are for, without asking
// Google: the one they name, else the one remembered for them.
func (s *Source) knownAccount() (string, error) {
	c := s.opts.Cache
	if a := strings.ToLower(strings.TrimSpace(c.Account)); a != "" {
		return a, nil
	}
	if c.Fingerprint == "" {
		return "", nil
	}
	a, at, err := c.Store.Recall(c.Fingerprint)
	switch {
	case errors.Is(err, synccache.ErrNotCached):
		return "", nil
	case err != nil:
		return "", s.storeErr(err)
	case !c.Offline && c.now().Sub(at) > InfoMaxAge:
		return "", nil
	}
	return a, nil
}

// cachedInfo returns the account's Info from the copy when it is fresh
// (any age offline) and names every calendar asked for.
func (s *Source) cachedInfo() (calendar.Info, bool, error) {
	c := s.opts.Cache
	account, err := s.knownAccount()
	if err != nil {
		return calendar.Info{}, false, err
	}
	if account == "" {
		if c.Offline {
			return calendar.Info{}, false, fmt.Errorf("offline, and these credentials name no account whose copy to read: %w", ErrNotCached)
		}
		return calendar.Info{}, false, nil
	}
	s.account = account
	if c.Refresh {
		return calendar.Info{}, false, nil
	}
	data, at, err := c.Store.AccountInfo(account)
	var ci cachedInfo
	switch {
	case errors.Is(err, synccache.ErrNotCached):
	case err != nil:
		if err := s.storeErr(err); err != nil {
			return calendar.Info{}, false, err
		}
	case json.Unmarshal(data, &ci) != nil || ci.Primary == "":
		if err := s.storeErr(fmt.Errorf("%w: the settings kept of %s cannot be read", synccache.ErrCorrupt, account)); err != nil {
			return calendar.Info{}, false, err
		}
	case c.Offline || c.now().Sub(at) <= InfoMaxAge:
		var names []string
		for _, id := range s.ids {
			name, ok := ci.Names[id]
			if !ok {
				break
			}
			names = append(names, name)
		}
		if len(names) == len(s.ids) {
			return s.info(ci.Zone, ci.Primary, names), true, nil
		}
	}
	if c.Offline {
		return calendar.Info{}, false, fmt.Errorf("offline, and the settings of %s are %w", account, ErrNotCached)
	}
	return calendar.Info{}, false, nil
}

// keepInfo keeps what Info read under the account it names, telling when
// that is another than the credentials named.
func (s *Source) keepInfo(zone, primaryID string, names []string) error {
	c := s.opts.Cache
	account := strings.ToLower(strings.TrimSpace(primaryID))
	if account == "" {
		return errors.New("google calendar: google named no primary calendar")
	}
	if s.account != "" && s.account != account {
		s.notice(fmt.Sprintf("these credentials read %s's calendars, not %s's: their copy is kept apart, and read in full the first time", account, s.account))
	}
	s.account = account
	ci := cachedInfo{Zone: zone, Primary: primaryID, Names: map[string]string{}}
	for i, id := range s.ids {
		ci.Names[id] = names[i]
	}
	data, err := json.Marshal(ci)
	if err != nil {
		return err
	}
	now := c.now()
	if err := c.Store.PutAccountInfo(account, data, now); err != nil {
		return s.storeErr(err)
	}
	if c.Fingerprint != "" {
		if err := c.Store.Remember(c.Fingerprint, account, now); err != nil {
			return s.storeErr(err)
		}
	}
	return nil
}

// key is where calendar id is kept: "primary" is the account's own
// calendar, by its id.
func (s *Source) key(id string) synccache.Key {
	if id == "primary" {
		id = s.account
	}
	return synccache.Key{Account: s.account, Calendar: id}
}

// newWindow is the range a full read of [lo, hi) reads: from the first of
// lo's month to the first of the month after hi, and lookahead months
// more (UTC).
func newWindow(lo, hi time.Time) (time.Time, time.Time) {
	return synccache.NewWindow(lo, hi, lookahead)
}

// fetchCached reads one calendar through the copy: from the smallest
// window that holds the range, brought up to date, else from a new
// window read in full. A copy found damaged is started afresh and the
// calendar read again, once.
func (s *Source) fetchCached(ctx context.Context, id string, q calendar.Query, prog *progress, budget *eventBudget) ([]calendar.Event, []string, error) {
	evs, warns, err := s.fetchThrough(ctx, id, q, prog, budget)
	if errors.Is(err, synccache.ErrCorrupt) {
		if err := s.storeErr(err); err != nil {
			return nil, nil, err
		}
		evs, warns, err = s.fetchThrough(ctx, id, q, prog, budget)
	}
	return evs, warns, err
}

func (s *Source) fetchThrough(ctx context.Context, id string, q calendar.Query, prog *progress, budget *eventBudget) ([]calendar.Event, []string, error) {
	c := s.opts.Cache
	key := s.key(id)
	origin := "google:" + id
	lo, hi := q.From.Add(-windowMargin), q.To.Add(windowMargin)
	looseLo, looseHi := lo.Add(-looseMargin), hi.Add(looseMargin)

	windows, err := c.Store.Windows(key)
	if err != nil {
		return nil, nil, err
	}
	var w *synccache.Window
	for i := range windows {
		if windows[i].Covers(lo, hi) {
			w = &windows[i]
			break
		}
	}
	if c.Offline {
		if w == nil {
			return nil, nil, fmt.Errorf("calendar %s: offline, and the days from %s to %s are %w",
				id, q.From.Format(time.DateOnly), q.To.Add(-time.Nanosecond).Format(time.DateOnly), ErrNotCached)
		}
		recs, now, err := c.Store.Records(key, *w, looseLo, looseHi)
		if err != nil {
			return nil, nil, err
		}
		s.notice(fmt.Sprintf("offline: %s as it was %s (%s)", origin, synccache.Age(c.now().Sub(now.Synced)), now.Synced.Local().Format("2006-01-02 15:04")))
		return s.serve(recs, now.Zone, origin, q, budget)
	}

	from, to := newWindow(lo, hi)
	switch {
	case w != nil && !c.Refresh && c.now().Sub(w.Filled) > FullMaxAge:
		// Read in full a week ago or more: read in full again.
		from, to = w.From, w.To
	case w != nil && !c.Refresh:
		recs, zone, warns, again, err := s.incremental(ctx, id, key, *w, looseLo, looseHi, prog, budget)
		if err != nil {
			return nil, nil, err
		}
		if !again {
			evs, mwarns, err := s.serve(recs, zone, origin, q, budget)
			return evs, append(warns, mwarns...), err
		}
		// Google asked for a full sync: read the same window again.
		from, to = w.From, w.To
	}
	recs, zone, token, warns, err := s.full(ctx, id, from, to, prog, budget)
	if err != nil {
		return nil, nil, err
	}
	if token != "" {
		now := c.now()
		err := c.Store.PutWindow(key, synccache.Window{From: from, To: to, Token: token, Zone: zone, Filled: now, Synced: now}, recs)
		if err != nil {
			return nil, nil, err
		}
	}
	var keep []synccache.Record
	for _, r := range recs {
		if r.Overlaps(looseLo, looseHi) {
			keep = append(keep, r)
		}
	}
	// What Google sent was counted against the budget as it came.
	evs, mwarns, err := s.serve(keep, zone, origin, q, nil)
	return evs, append(warns, mwarns...), err
}

// full reads [from, to) of a calendar in full: its records, the zone
// Google says it is in, the sync token of the last page ("" when Google
// sent none) and warnings about the pages.
func (s *Source) full(ctx context.Context, id string, from, to time.Time, prog *progress, budget *eventBudget) ([]synccache.Record, string, string, []string, error) {
	list := s.svc.Events.List(id).
		SingleEvents(true).
		MaxResults(maxResults).
		TimeMin(from.UTC().Format(time.RFC3339)).
		TimeMax(to.UTC().Format(time.RFC3339)).
		Fields(googleapi.Field(SyncFields))
	var recs []synccache.Record
	zone, token, warns, err := s.pages(ctx, id, list, prog, budget, func(item *calendarapi.Event) error {
		if item.Status == "cancelled" {
			return nil // Google lists none without showDeleted; nothing to count
		}
		r, err := record(item)
		if err != nil {
			return err
		}
		recs = append(recs, r)
		return nil
	})
	return recs, zone, token, warns, err
}

// incremental brings window w of a calendar up to date with the changes
// since its sync token, and returns the records that overlap [lo, hi).
// again is true when Google no longer takes the token (410 Gone, or 400):
// the caller reads the window in full, as Google asks.
func (s *Source) incremental(ctx context.Context, id string, key synccache.Key, w synccache.Window, lo, hi time.Time, prog *progress, budget *eventBudget) (recs []synccache.Record, zone string, warns []string, again bool, err error) {
	c := s.opts.Cache
	list := s.svc.Events.List(id).
		SingleEvents(true).
		MaxResults(maxResults).
		SyncToken(w.Token).
		Fields(googleapi.Field(SyncFields))
	var ch synccache.Changes
	zone, token, warns, err := s.pages(ctx, id, list, prog, budget, func(item *calendarapi.Event) error {
		if item.Status == "cancelled" {
			if item.Id != "" {
				ch.Deletes = append(ch.Deletes, item.Id)
				if item.RecurringEventId == "" {
					// A series deleted whole may come as its own id.
					ch.DeleteSeries = append(ch.DeleteSeries, item.Id)
				}
			}
			return nil
		}
		r, err := record(item)
		if err != nil {
			return err
		}
		ch.Upserts = append(ch.Upserts, r)
		return nil
	})
	if why := tokenRefused(err); why != "" {
		s.notice(fmt.Sprintf("google:%s: Google %s; reading it in full", id, why))
		return nil, "", nil, true, nil
	}
	if err != nil {
		return nil, "", nil, false, err
	}
	if zone == "" {
		zone = w.Zone
	}
	next := synccache.Window{Token: token, Zone: zone, Synced: c.now()}
	recs, now, err := c.Store.Apply(key, w, next, ch, lo, hi, token != "")
	switch {
	case errors.Is(err, synccache.ErrChanged) && recs == nil:
		// The window is gone (cleared, or replaced by a larger one):
		// read it in full.
		return nil, "", nil, true, nil
	case errors.Is(err, synccache.ErrChanged):
		// Another run wrote it meanwhile: its copy stands, with this
		// run's changes laid over it for this run.
		err = nil
	}
	return recs, cmp.Or(now.Zone, zone), warns, false, err
}

// tokenRefused says why, when err is Google refusing a sync token: 410
// Gone (it asks for a full sync), or 400 naming the token.
func tokenRefused(err error) string {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return ""
	}
	switch {
	case ge.Code == http.StatusGone:
		return "no longer takes the sync token kept (410 Gone: a full sync is needed)"
	case ge.Code != http.StatusBadRequest:
		return ""
	}
	text := strings.ToLower(ge.Message)
	for _, item := range ge.Errors {
		text += " " + strings.ToLower(item.Reason+" "+item.Message)
	}
	if strings.Contains(text, "sync token") || strings.Contains(text, "synctoken") {
		return "refused the sync token kept (400)"
	}
	return ""
}

// pages reads every page of a listing, handing each event to each; it
// returns the zone of the pages, the sync token of the last one, and a
// warning for each page holding nulls.
func (s *Source) pages(ctx context.Context, id string, list *calendarapi.EventsListCall, prog *progress, budget *eventBudget, each func(*calendarapi.Event) error) (zone, token string, warns []string, err error) {
	what := "calendar " + id
	origin := "google:" + id
	var pages pager
	pageToken := ""
	for {
		list.PageToken(pageToken)
		page, err := call(ctx, s.caller, what, func(ctx context.Context) (*calendarapi.Events, error) {
			return list.Context(ctx).Do()
		})
		if err != nil {
			return "", "", nil, newError(what, id, err)
		}
		if !budget.take(len(page.Items)) {
			return "", "", nil, newError(what, id, errTooMany)
		}
		nulls := 0
		for _, item := range page.Items {
			if item == nil {
				nulls++
				continue
			}
			if err := each(item); err != nil {
				return "", "", nil, newError(what, id, err)
			}
		}
		if nulls > 0 {
			warns = append(warns, fmt.Sprintf("%s: google sent %d empty (null) events in a page; skipped them", origin, nulls))
		}
		if page.TimeZone != "" {
			zone = page.TimeZone
		}
		prog.add(len(page.Items)-nulls, 0)
		if page.NextPageToken == "" {
			return zone, page.NextSyncToken, warns, nil
		}
		if err := pages.next(page.NextPageToken); err != nil {
			return "", "", nil, newError(what, id, err)
		}
		pageToken = page.NextPageToken
	}
}

// record is an event as the cache keeps it: its id (a digest of it when
// Google sent none), the times it covers as far as they can be read
// before the zone is known (dates as UTC midnights), its series, and its
// JSON.
func record(item *calendarapi.Event) (synccache.Record, error) {
	data, err := json.Marshal(item)
	if err != nil {
		return synccache.Record{}, fmt.Errorf("keep an event: %w", err)
	}
	r := synccache.Record{ID: item.Id, Series: item.RecurringEventId, Data: data}
	if r.ID == "" {
		sum := sha256.Sum256(data)
		r.ID = "\x00" + hex.EncodeToString(sum[:16])
	}
	start, okStart := looseTime(item.Start)
	end, okEnd := looseTime(item.End)
	switch {
	case !okStart:
		r.Untimed = true
	case !okEnd || end.Before(start):
		r.Start, r.End = start, start
	default:
		r.Start, r.End = start, end
	}
	return r, nil
}

// looseTime reads a start or an end before the zone is known: a dateTime
// as it is, a date as its UTC midnight.
func looseTime(t *calendarapi.EventDateTime) (time.Time, bool) {
	switch {
	case t == nil:
		return time.Time{}, false
	case t.DateTime != "":
		v, err := time.Parse(time.RFC3339, t.DateTime)
		return v, err == nil
	case t.Date != "":
		v, err := time.Parse(time.DateOnly, t.Date)
		return v, err == nil
	}
	return time.Time{}, false
}

// serve maps the records read from the copy as a run without it maps a
// page: the same events, skipped with the same warnings. What it keeps
// is counted against budget, unless that is nil.
func (s *Source) serve(recs []synccache.Record, zone, origin string, q calendar.Query, budget *eventBudget) ([]calendar.Event, []string, error) {
	slices.SortFunc(recs, func(a, b synccache.Record) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	page := &calendarapi.Events{TimeZone: zone, Items: make([]*calendarapi.Event, 0, len(recs))}
	for _, r := range recs {
		var e calendarapi.Event
		if err := json.Unmarshal(r.Data, &e); err != nil {
			return nil, nil, fmt.Errorf("%s: %w: a kept event cannot be read", origin, synccache.ErrCorrupt)
		}
		page.Items = append(page.Items, &e)
	}
	evs, warns := mapPage(page, origin, q)
	if budget != nil && !budget.take(len(evs)) {
		id := strings.TrimPrefix(origin, "google:")
		return nil, nil, newError("calendar "+id, id, errTooMany)
	}
	return evs, warns, nil
}
