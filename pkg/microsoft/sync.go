package microsoft

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/synccache"
)

// Cache is a local copy of the calendars a [Source] reads, kept in a
// [synccache.Store] by account and calendar, so that a run asks Graph
// only for what changed since the last one.
//
// What is synced. Each calendar is kept as windows: a range of months
// read once in full with the delta query of its calendar view
// (GET …/calendarView/delta?startDateTime=…&endDateTime=…, which Graph
// answers with the occurrences of series already expanded, as
// calendarView does, in pages of [PageSize] asked with Prefer:
// odata.maxpagesize, through @odata.nextLink), whose last page carries an
// @odata.deltaLink: the state of that window, kept as the window's sync
// token. A run whose range (with the two days either side that every
// read asks for) lies inside a window follows that link: Graph sends
// what changed in the window since, each event added or changed whole,
// each deleted or moved out of it as an id with @removed. An event
// removed is dropped, and so are the occurrences of a series whose
// master is; one changed replaces the one kept; one that moved out of the
// window is dropped. A range no window holds is read in full into a new
// window: the months it touches and three more ahead. A window read in
// full more than [FullMaxAge] ago is read in full again. A calendar
// keeps at most [synccache.MaxWindows].
//
// What is kept of an event is what [EventSelect] names, nothing more:
// the delta query takes no $select, so Graph sends every property it
// has (with Calendars.ReadBasic, still no body or attachments); the rest
// is dropped before the event is written. Per account: who "me" is, the
// mailbox's zone and working hours and the calendar list, read again on
// every run that asks Graph anything, used as kept when offline.
//
// A delta link Graph no longer takes (410 Gone, or 400 naming the sync
// state: Graph keeps them only while its own cache of them holds them),
// or one kept that leads elsewhere than the Graph configured, makes the
// window read in full again; a damaged file is started afresh and read in
// full; all are told to [Cache.Notice]. Nothing damaged or partial is
// ever counted: a sync that fails leaves the copy as it was, and a round
// Graph ends without a delta link is used for that run only.
type Cache struct {
	// Store is the file.
	Store *synccache.Store
	// Account is the address the sign-in was made with, or "" (a ready
	// access token): the account whose copy an offline run reads, unless
	// Fingerprint names one remembered.
	Account string
	// Fingerprint names credentials that carry no account (a ready
	// access token), so that the account /me says they are is remembered
	// for an offline run: a digest ([Fingerprint]), never the secret. ""
	// remembers nothing.
	Fingerprint string
	// Refresh reads every calendar in full.
	Refresh bool
	// Offline makes no request at all: everything comes from the copy,
	// however old (told to Notice); what it does not hold is an error
	// ([ErrNotCached]).
	Offline bool
	// Notice is told, in a sentence fragment, what the user should hear:
	// a damaged copy started afresh, a delta link Graph no longer takes,
	// how old an offline copy is. Calls do not overlap.
	Notice func(string)
	// Now is the clock ages are counted by; nil means time.Now.
	Now func() time.Time
}

// FullMaxAge is how long a window is kept current with delta links
// alone: one read in full longer ago is read in full again.
const FullMaxAge = 7 * 24 * time.Hour

// MaxEntries bounds the entries one read of a calendar's delta takes,
// over all its pages: a server that sends more is stopped, not kept.
const MaxEntries = 1_000_000

// lookahead is how many months past the range asked a new window reads.
const lookahead = 3

// looseMargin widens a range read from the copy: a record's all-day
// dates are placed as UTC midnights before the zone is known; what
// falls outside the range once placed is dropped as in a run without
// the cache.
const looseMargin = 24 * time.Hour

// ErrNotCached is an offline run asking for what the copy does not hold.
var ErrNotCached = errors.New("not in the cache")

// Fingerprint is the digest of a secret (a ready access token) that
// names it in the cache: SHA-256, never reversible.
func Fingerprint(secret []byte) string {
	return synccache.Fingerprint("emtime microsoft credential", secret)
}

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

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
	return s.wiped.Handle(s.opts.Cache.Store, err, s.notice, "microsoft graph")
}

// cachedInfo is what is kept of an account.
type cachedInfo struct {
	User      User            `json:"user"`
	Mailbox   MailboxSettings `json:"mailbox"`
	Calendars []Calendar      `json:"calendars"`
}

// prepareLocked, with a cache, reads who "me" is, the mailbox settings
// and the calendar list, and keeps them under the account; offline, it
// takes them from the copy. Without a cache it does nothing.
func (s *Source) prepareLocked(ctx context.Context) error {
	c := s.opts.Cache
	if c == nil || s.prepared {
		return nil
	}
	if c.Offline {
		if err := s.loadInfoLocked(); err != nil {
			return err
		}
		s.prepared = true
		return nil
	}
	user, err := s.meLocked(ctx)
	if err != nil {
		return err
	}
	mb, err := s.mailboxLocked(ctx)
	if err != nil {
		return err
	}
	cals, err := s.calendarsLocked(ctx)
	if err != nil {
		return err
	}
	s.prepared = true
	s.account = cacheAccount(user)
	if s.account == "" {
		return nil // no address to keep the copy under: read in full
	}
	data, err := json.Marshal(cachedInfo{User: user, Mailbox: mb, Calendars: cals})
	if err != nil {
		return err
	}
	now := c.now()
	if err := c.Store.PutAccountInfo(s.account, data, now); err != nil {
		return s.storeErr(err)
	}
	if c.Fingerprint != "" {
		if err := c.Store.Remember(c.Fingerprint, s.account, now); err != nil {
			return s.storeErr(err)
		}
	}
	return nil
}

// cacheAccount is the account the copy of u's calendars is kept under:
// their address, else their user principal name.
func cacheAccount(u User) string {
	if a := u.Address(); a != "" {
		return a
	}
	return strings.ToLower(strings.TrimSpace(u.UserPrincipalName))
}

// loadInfoLocked reads, offline, what is kept of the account.
func (s *Source) loadInfoLocked() error {
	c := s.opts.Cache
	account := strings.ToLower(strings.TrimSpace(c.Account))
	if c.Fingerprint != "" {
		a, _, err := c.Store.Recall(c.Fingerprint)
		switch {
		case err == nil:
			account = a
		case !errors.Is(err, synccache.ErrNotCached):
			if err := s.storeErr(err); err != nil {
				return err
			}
		}
	}
	if account == "" {
		return fmt.Errorf("microsoft graph: offline, and these credentials name no account whose copy to read: %w", ErrNotCached)
	}
	data, _, err := c.Store.AccountInfo(account)
	var ci cachedInfo
	switch {
	case errors.Is(err, synccache.ErrNotCached):
		return fmt.Errorf("microsoft graph: offline, and the settings of %s are %w", clean(account, 100), ErrNotCached)
	case err != nil:
		if err := s.storeErr(err); err != nil {
			return err
		}
		return fmt.Errorf("microsoft graph: offline, and the settings of %s are %w", clean(account, 100), ErrNotCached)
	case json.Unmarshal(data, &ci) != nil:
		if err := s.storeErr(fmt.Errorf("%w: the settings kept of %s cannot be read", synccache.ErrCorrupt, account)); err != nil {
			return err
		}
		return fmt.Errorf("microsoft graph: offline, and the settings of %s are %w", clean(account, 100), ErrNotCached)
	}
	if ci.Calendars == nil {
		ci.Calendars = []Calendar{}
	}
	s.account = account
	s.user, s.mailbox, s.cals = &ci.User, &ci.Mailbox, ci.Calendars
	return nil
}

// key is where calendar t is kept.
func (s *Source) key(t target) synccache.Key {
	id := t.ID
	if id == "" {
		id = "default"
	}
	return synccache.Key{Account: s.account, Calendar: id}
}

// newWindow is the range a full read of [lo, hi) reads: from the first
// of lo's month to the first of the month after hi, and lookahead months
// more (UTC).
func newWindow(lo, hi time.Time) (time.Time, time.Time) {
	return synccache.NewWindow(lo, hi, lookahead)
}

// fetchCached reads one calendar through the copy; a copy found damaged
// is started afresh and the calendar read again, once.
func (s *Source) fetchCached(ctx context.Context, t target, q calendar.Query, m mapping, prog *progress) (calendar.Result, error) {
	res, err := s.fetchThrough(ctx, t, q, m, prog)
	if errors.Is(err, synccache.ErrCorrupt) {
		if err := s.storeErr(err); err != nil {
			return calendar.Result{}, err
		}
		res, err = s.fetchThrough(ctx, t, q, m, prog)
	}
	if err != nil {
		var stopped *httpretry.StoppedError
		if ctx.Err() != nil && !errors.As(err, &stopped) {
			return calendar.Result{}, ctx.Err()
		}
	}
	return res, err
}

func (s *Source) fetchThrough(ctx context.Context, t target, q calendar.Query, m mapping, prog *progress) (calendar.Result, error) {
	c := s.opts.Cache
	key := s.key(t)
	lo, hi := q.From.Add(-windowMargin), q.To.Add(windowMargin)
	looseLo, looseHi := lo.Add(-looseMargin), hi.Add(looseMargin)

	windows, err := c.Store.Windows(key)
	if err != nil {
		return calendar.Result{}, err
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
			return calendar.Result{}, fmt.Errorf("calendar %s: offline, and the days from %s to %s are %w", t.Name,
				q.From.Format(time.DateOnly), q.To.Add(-time.Nanosecond).Format(time.DateOnly), ErrNotCached)
		}
		recs, now, err := c.Store.Records(key, *w, looseLo, looseHi)
		if err != nil {
			return calendar.Result{}, err
		}
		s.notice(fmt.Sprintf("offline: %s as it was %s (%s)", m.origin, synccache.Age(c.now().Sub(now.Synced)), now.Synced.Local().Format("2006-01-02 15:04")))
		return serve(recs, m, q, prog), nil
	}

	from, to := newWindow(lo, hi)
	switch {
	case w != nil && !c.Refresh && c.now().Sub(w.Filled) > FullMaxAge:
		from, to = w.From, w.To
	case w != nil && !c.Refresh:
		recs, again, err := s.incremental(ctx, t, key, *w, looseLo, looseHi, m)
		if err != nil {
			return calendar.Result{}, err
		}
		if !again {
			return serve(recs, m, q, prog), nil
		}
		from, to = w.From, w.To
	}
	recs, token, err := s.full(ctx, t, from, to)
	if err != nil {
		return calendar.Result{}, err
	}
	if token != "" {
		now := c.now()
		if err := c.Store.PutWindow(key, synccache.Window{From: from, To: to, Token: token, Filled: now, Synced: now}, recs); err != nil {
			return calendar.Result{}, err
		}
	}
	var keep []synccache.Record
	for _, r := range recs {
		if r.Overlaps(looseLo, looseHi) {
			keep = append(keep, r)
		}
	}
	return serve(keep, m, q, prog), nil
}

// deltaRequest is the request of a calendar's delta.
func deltaRequest(t target) request {
	return request{what: "calendar " + t.Name, need: PermissionCalendars, pageSize: PageSize}
}

// full reads [from, to) of a calendar in full with a new delta round:
// its records, and the delta link that continues it ("" when Graph sent
// none).
func (s *Source) full(ctx context.Context, t target, from, to time.Time) ([]synccache.Record, string, error) {
	u := s.c.resolve(t.path+"/delta", url.Values{
		"startDateTime": {from.UTC().Format(time.RFC3339)},
		"endDateTime":   {to.UTC().Format(time.RFC3339)},
	})
	var recs []synccache.Record
	entries := 0
	r := deltaRequest(t)
	token, err := s.c.pages(ctx, r, u, func(items []json.RawMessage) error {
		if entries += len(items); entries > MaxEntries {
			return &Error{What: r.what, Err: errTooManyEntries}
		}
		for _, raw := range items {
			if removed(raw) {
				continue // nothing kept yet to remove
			}
			recs = append(recs, record(raw))
		}
		return nil
	})
	return recs, token, err
}

var errTooManyEntries = fmt.Errorf("graph sent more than %d entries: stopped (ask for fewer weeks)", MaxEntries)

// incremental brings window w up to date with its delta link, and returns
// the records that overlap [lo, hi). again is true when the link cannot
// be used (Graph no longer takes it, or it leads elsewhere): the caller
// reads the window in full.
func (s *Source) incremental(ctx context.Context, t target, key synccache.Key, w synccache.Window, lo, hi time.Time, m mapping) ([]synccache.Record, bool, error) {
	c := s.opts.Cache
	u, err := s.c.follow(w.Token)
	if err != nil {
		s.notice(fmt.Sprintf("%s: the delta link kept does not lead to the Microsoft Graph configured (%s); reading it in full", m.origin, origin(s.c.base)))
		return nil, true, nil
	}
	var ch synccache.Changes
	entries := 0
	r := deltaRequest(t)
	token, err := s.c.pages(ctx, r, u, func(items []json.RawMessage) error {
		if entries += len(items); entries > MaxEntries {
			return &Error{What: r.what, Err: errTooManyEntries}
		}
		for _, raw := range items {
			if removed(raw) {
				var v struct {
					ID string `json:"id"`
				}
				if json.Unmarshal(raw, &v) == nil && v.ID != "" {
					ch.Deletes = append(ch.Deletes, v.ID)
					// A series master removed takes its occurrences.
					ch.DeleteSeries = append(ch.DeleteSeries, v.ID)
				}
				continue
			}
			ch.Upserts = append(ch.Upserts, record(raw))
		}
		return nil
	})
	if why := tokenRefused(err); why != "" {
		s.notice(fmt.Sprintf("%s: Graph %s; reading it in full", m.origin, why))
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	if len(ch.Upserts) > 0 {
		// An update may name only the properties changed: laid over the
		// event kept.
		kept, _, err := c.Store.Records(key, w, time.Time{}, farFuture)
		switch {
		case errors.Is(err, synccache.ErrChanged):
			return nil, true, nil
		case err != nil:
			return nil, false, err
		}
		byID := make(map[string]synccache.Record, len(kept))
		for _, r := range kept {
			byID[r.ID] = r
		}
		for i, r := range ch.Upserts {
			if old, ok := byID[r.ID]; ok {
				ch.Upserts[i] = merge(old, r)
			}
		}
	}
	next := synccache.Window{Token: token, Synced: c.now()}
	recs, _, err := c.Store.Apply(key, w, next, ch, lo, hi, token != "")
	switch {
	case errors.Is(err, synccache.ErrChanged) && recs == nil:
		return nil, true, nil // the window is gone: read it in full
	case errors.Is(err, synccache.ErrChanged):
		err = nil // another run wrote it meanwhile: its copy stands
	}
	return recs, false, err
}

var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// merge lays the properties of an update over the event kept: a whole
// event replaces every property, a partial one those it names.
func merge(old, update synccache.Record) synccache.Record {
	var o, u map[string]json.RawMessage
	if json.Unmarshal(old.Data, &o) != nil || o == nil || json.Unmarshal(update.Data, &u) != nil || u == nil {
		return update
	}
	for k, v := range u {
		o[k] = v
	}
	data, err := json.Marshal(o)
	if err != nil {
		return update
	}
	return record(data)
}

// tokenRefused says why, when err is Graph refusing a delta link: 410
// Gone, or 400 naming the sync state or the token.
func tokenRefused(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return ""
	}
	switch {
	case e.Status == http.StatusGone:
		return fmt.Sprintf("no longer takes the delta link kept (410 Gone%s: a full read is needed)", codeOf(e))
	case e.Status != http.StatusBadRequest:
		return ""
	}
	text := strings.ToLower(e.Code + " " + e.Message)
	for _, word := range []string{"syncstate", "sync state", "deltatoken", "delta token", "resyncrequired"} {
		if strings.Contains(text, word) {
			return fmt.Sprintf("refused the delta link kept (400%s)", codeOf(e))
		}
	}
	return ""
}

func codeOf(e *Error) string {
	if e.Code == "" {
		return ""
	}
	return ", " + clean(e.Code, 60)
}

// removed reports whether an entry of a delta page is an @removed one.
func removed(raw json.RawMessage) bool {
	var v struct {
		Removed json.RawMessage `json:"@removed"`
	}
	return json.Unmarshal(raw, &v) == nil && len(v.Removed) > 0 && string(v.Removed) != "null"
}

// keptFields are the properties of an event the copy keeps: those
// [EventSelect] names.
var keptFields = strings.Split(EventSelect, ",")

// record is an entry as the copy keeps it: its id (a digest when it has
// none), the times it covers as far as they read before the zone is
// known, its series master, and its JSON trimmed to [keptFields]. An
// entry that is not a JSON object is kept as it came, untimed, so that
// reading it back warns as a run without the cache does.
func record(raw json.RawMessage) synccache.Record {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return synccache.Record{ID: digest(raw), Untimed: true, Data: slices.Clone(raw)}
	}
	kept := make(map[string]json.RawMessage, len(keptFields))
	for _, f := range keptFields {
		if v, ok := obj[f]; ok {
			kept[f] = v
		}
	}
	data, err := json.Marshal(kept)
	if err != nil {
		return synccache.Record{ID: digest(raw), Untimed: true, Data: slices.Clone(raw)}
	}
	var g event
	_ = json.Unmarshal(data, &g) // what does not read is warned of when served
	r := synccache.Record{ID: g.ID, Series: g.SeriesMasterID, Data: data}
	if r.ID == "" {
		r.ID = digest(data)
	}
	start, okStart := looseTime(g.Start, g.IsAllDay)
	end, okEnd := looseTime(g.End, g.IsAllDay)
	switch {
	case !okStart:
		r.Untimed = true
	case !okEnd || end.Before(start):
		r.Start, r.End = start, start
	default:
		r.Start, r.End = start, end
	}
	return r
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "\x00" + hex.EncodeToString(sum[:16])
}

// looseTime reads a start or end before the zone is known: a dateTime in
// the zone it names (UTC, as asked), an all-day date as its UTC midnight.
func looseTime(d *dateTimeTimeZone, allDay bool) (time.Time, bool) {
	if d == nil || strings.TrimSpace(d.DateTime) == "" {
		return time.Time{}, false
	}
	v := strings.TrimSpace(d.DateTime)
	if allDay {
		date, _, _ := strings.Cut(v, "T")
		t, err := time.Parse(time.DateOnly, date)
		return t, err == nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	m := mapping{}
	loc, ok := m.zone(strings.TrimSpace(d.TimeZone))
	if !ok {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", v, loc)
	return t, err == nil
}

// serve maps the records read from the copy as a run without it maps a
// page: the same events, skipped with the same warnings.
func serve(recs []synccache.Record, m mapping, q calendar.Query, prog *progress) calendar.Result {
	slices.SortFunc(recs, func(a, b synccache.Record) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var res calendar.Result
	n := 0
	for i, r := range recs {
		if m.add(&res, r.Data, i, q) {
			n++
		}
	}
	prog.add(n, 0)
	return res
}
