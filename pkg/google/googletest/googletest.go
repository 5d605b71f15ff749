// Package googletest is a fake Google Calendar API on loopback, for tests
// of emtime's Google source and of the commands built on it.
//
// It serves what the real API serves for the calls emtime makes:
// calendarList (list, in pages of at most maxResults entries, and get,
// "primary" included), settings/timezone, and events.list with its
// timeMin/timeMax overlap semantics (an event is listed when it ends after
// timeMin and starts before timeMax),
// singleEvents, showDeleted, eventTypes, maxResults, pageToken (with pages
// that may be short or empty while a nextPageToken remains, see
// [Server.SetPageSizes]) and partial responses through the fields mask (a
// mask that leaves nextPageToken out gets no token, as at Google).
//
// Sync tokens work as at Google: the last page of a listing carries a
// nextSyncToken (unless the mask leaves it out, or orderBy is given), and a
// listing with syncToken returns only what changed since, deletions
// included as status "cancelled" with no times ([Server.DeleteEvent],
// [Server.UpdateEvent], and [Server.AddEvents] of an id already held
// change an event). A syncToken given with timeMin, timeMax, orderBy, q,
// iCalUID, updatedMin or showDeleted=false is refused (400
// syncTokenWithRequestRestrictions), as is one given with another
// singleEvents than its full sync; one issued before
// [Server.ExpireSyncTokens], or for another calendar, is answered 410 Gone
// (fullSyncRequired), which asks for a full sync.
//
// Every request needs a Bearer token ([Server.SetTokenCheck],
// [Server.ExpireToken]); faults can be queued ([Server.InjectFault]):
// error statuses, Retry-After, dropped connections, stalls, and hostile
// answers (a raw body, a huge one, a redirect within the origin or to
// another one, [Server.Elsewhere]); every request is recorded
// ([Server.Requests]). Events come from Go values
// ([Server.AddEvents]) or JSON ([Server.LoadEventsJSON],
// [Server.LoadFixture]).
//
// Unlike Google, the fake is strict where a client could silently lose
// data: events.list without a fields mask is refused (400) unless
// [Server.SetRequireFields] turns that off, and recurring instances are
// left out unless singleEvents=true (the fake holds no series masters).
//
// In a testscript Setup:
//
//	api := googletest.New()
//	env.Defer(api.Close)
//	env.Setenv("EMTIME_GOOGLE_API_URL", api.Endpoint())
package googletest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	calendarapi "google.golang.org/api/calendar/v3"
)

// DefaultPrimary is the id (the user's address) of the primary calendar a
// new server starts with.
const DefaultPrimary = "me@example.com"

// Calendar is a calendar served by the fake.
type Calendar struct {
	ID         string `json:"id"`
	Summary    string `json:"summary,omitempty"`
	TimeZone   string `json:"timeZone,omitempty"`
	AccessRole string `json:"accessRole,omitempty"`
	Primary    bool   `json:"primary,omitempty"`
}

// Fault is an answer the fake gives instead of the real one.
type Fault struct {
	// Path selects the requests: those whose path contains it ("events",
	// "calendarList", "settings", a calendar id); "" means any.
	Path string `json:"path,omitempty"`
	// Status is the HTTP status answered.
	Status int `json:"status,omitempty"`
	// Reason is Google's reason in the error body; "" picks the usual one
	// for Status (backendError, rateLimitExceeded, authError, …).
	Reason string `json:"reason,omitempty"`
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string `json:"retryAfter,omitempty"`
	// Drop closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
	// Stall holds the request without answering, until the client gives
	// up or the server is closed: a Google that has stopped responding.
	Stall bool `json:"stall,omitempty"`
	// Body, when set, is answered as is (with Status, or 200), instead of
	// the real answer: a hostile or broken Google ("items": [null], a
	// page token that cycles, an event without a start).
	Body json.RawMessage `json:"body,omitempty"`
	// Pad sends that many bytes of JSON whitespace before Body (or before
	// "{}"): an answer too large to read.
	Pad int64 `json:"pad,omitempty"`
	// Redirect answers 307 to the same path and query elsewhere: "same"
	// is this server again (a redirect within the origin, which the client
	// may follow), "elsewhere" the server of [Server.Elsewhere] (another
	// origin, which the client must refuse), anything else is an absolute
	// URL prefix.
	Redirect string `json:"redirect,omitempty"`
	// Times is how many requests get the fault; 0 means 1.
	Times int `json:"times,omitempty"`
	// After lets that many of the requests it selects through first: a
	// fault on the second page of a listing, say.
	After int `json:"after,omitempty"`
}

// Request is a request the fake received.
type Request struct {
	Method string
	// Proto is the protocol it came by ("HTTP/1.1", "HTTP/2.0").
	Proto string
	// Path is the unescaped path ("/calendar/v3/calendars/primary/events").
	Path  string
	Query url.Values
	// Token is the Bearer token presented ("" when none).
	Token string
	// Authorization is the Authorization header as sent ("" when none).
	Authorization string
	// Status is what the fake answered (0 for a dropped connection or a
	// stalled request).
	Status int
	// Written is how many bytes of body the fake managed to send.
	Written int64
}

// Server is the fake Calendar API.
type Server struct {
	*httptest.Server

	mu            sync.Mutex
	zone          string
	calendars     []*cal
	pageSizes     []int
	faults        []Fault
	check         func(token string) bool
	expired       map[string]bool
	requireFields bool
	requests      []Request
	nextID        int
	api           http.Handler
	// rev counts the changes to events; each event remembers the one that
	// last changed it. syncEpoch is bumped by ExpireSyncTokens.
	rev       int64
	syncEpoch int
	stalled   int

	closing   chan struct{} // closed by Close: stalled requests end
	closeOnce sync.Once

	elsewhere *Elsewhere // started by the first Elsewhere call
}

// Elsewhere is a second server on loopback, another origin than the
// fake's, that records what reaches it and serves the fake's API without
// checking any token: what a redirect to another site would reach.
type Elsewhere struct {
	*httptest.Server

	mu       sync.Mutex
	requests []Request
}

// Requests returns the requests that reached the other origin.
func (e *Elsewhere) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.requests)
}

// Elsewhere returns the fake's other origin, starting it on first use; it
// closes with the fake.
func (s *Server) Elsewhere() *Elsewhere {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.elsewhere != nil {
		return s.elsewhere
	}
	e := &Elsewhere{}
	api := s.api
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		token, _ := strings.CutPrefix(auth, "Bearer ")
		sw := &statusWriter{ResponseWriter: w}
		api.ServeHTTP(sw, r)
		e.mu.Lock()
		e.requests = append(e.requests, Request{Method: r.Method, Proto: r.Proto, Path: r.URL.Path, Query: r.URL.Query(),
			Token: token, Authorization: auth, Status: sw.status})
		e.mu.Unlock()
	}))
	s.elsewhere = e
	return e
}

type cal struct {
	Calendar
	// events are in the order added; a change replaces an event in place.
	events []*calendarapi.Event
	// index finds an event by id; revs holds the change that last touched
	// it, born the one that added it.
	index map[string]int
	revs  map[string]int64
	born  map[string]int64
}

// New starts a fake with one primary calendar, [DefaultPrimary], in UTC.
// Close it when done.
func New() *Server {
	return newServer(false)
}

// NewHTTP2 starts a fake as [New] does, serving HTTP/2 over TLS as Google
// does. Call it through a transport built on [httptest.Server.Client]'s,
// which trusts its certificate. A Drop fault then resets the stream
// (RST_STREAM, INTERNAL_ERROR) instead of closing a connection.
func NewHTTP2() *Server {
	return newServer(true)
}

func newServer(http2 bool) *Server {
	s := &Server{
		zone:          "UTC",
		expired:       map[string]bool{},
		requireFields: true,
		closing:       make(chan struct{}),
	}
	s.calendars = []*cal{{Calendar: Calendar{ID: DefaultPrimary, Summary: DefaultPrimary, TimeZone: "UTC", AccessRole: "owner", Primary: true},
		index: map[string]int{}, revs: map[string]int64{}, born: map[string]int64{}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calendar/v3/users/me/calendarList", s.calendarList)
	mux.HandleFunc("GET /calendar/v3/users/me/calendarList/{calendarId}", s.calendarListGet)
	mux.HandleFunc("GET /calendar/v3/users/me/settings/{setting}", s.setting)
	mux.HandleFunc("GET /calendar/v3/calendars/{calendarId}/events", s.eventsList)
	s.api = mux
	s.Server = httptest.NewUnstartedServer(s.serve(mux))
	if http2 {
		s.Server.EnableHTTP2 = true
		s.Server.StartTLS()
	} else {
		s.Server.Start()
	}
	return s
}

// Close ends any stalled request, then shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.Server.Close()
	s.mu.Lock()
	e := s.elsewhere
	s.mu.Unlock()
	if e != nil {
		e.Close()
	}
}

// Endpoint is the API base URL to give the client (EMTIME_GOOGLE_API_URL).
func (s *Server) Endpoint() string { return s.URL + "/calendar/v3/" }

// SetTimeZone sets the user's time zone setting and the primary calendar's
// zone.
func (s *Server) SetTimeZone(zone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.zone = zone
	if p := s.primaryLocked(); p != nil {
		p.TimeZone = zone
	}
}

// AddCalendar adds a calendar, or updates the one with the same id. A
// primary calendar replaces the current primary one, events and all.
func (s *Server) AddCalendar(c Calendar) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCalendarLocked(c)
}

func (s *Server) addCalendarLocked(c Calendar) *cal {
	if c.AccessRole == "" {
		c.AccessRole = "owner"
	}
	if c.TimeZone == "" {
		c.TimeZone = s.zone
	}
	if c.Primary {
		s.calendars = slices.DeleteFunc(s.calendars, func(x *cal) bool { return x.Primary && x.ID != c.ID })
	}
	for _, x := range s.calendars {
		if x.ID == c.ID {
			x.Calendar = c
			return x
		}
	}
	x := &cal{Calendar: c, index: map[string]int{}, revs: map[string]int64{}, born: map[string]int64{}}
	if c.Primary {
		s.calendars = append([]*cal{x}, s.calendars...)
	} else {
		s.calendars = append(s.calendars, x)
	}
	return x
}

// AddEvents adds events to a calendar ("primary" or an id; an unknown id
// adds a calendar with the default zone). Events without an id get one,
// and their iCalUID defaults to "<id>@google.com". An event with the id of
// one the calendar holds replaces it: a change, which a sync token's
// listing returns.
func (s *Server) AddEvents(calendarID string, events ...*calendarapi.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(calendarID)
	if c == nil {
		c = s.addCalendarLocked(Calendar{ID: calendarID, Summary: calendarID})
	}
	for _, e := range events {
		if e.Id == "" {
			s.nextID++
			e.Id = fmt.Sprintf("evt%04d", s.nextID)
		}
		if e.ICalUID == "" {
			e.ICalUID = e.Id + "@google.com"
		}
		s.putLocked(c, e)
	}
}

// putLocked stores e in c, replacing the event with its id, and records
// the change.
func (s *Server) putLocked(c *cal, e *calendarapi.Event) {
	s.rev++
	c.revs[e.Id] = s.rev
	if i, ok := c.index[e.Id]; ok {
		c.events[i] = e
		return
	}
	c.index[e.Id] = len(c.events)
	c.born[e.Id] = s.rev
	c.events = append(c.events, e)
}

// UpdateEvent changes the event of a calendar with that id (a copy of it,
// handed to change), as when its organizer moves or renames it; a sync
// token's listing returns it. It reports whether the event was there.
func (s *Server) UpdateEvent(calendarID, id string, change func(*calendarapi.Event)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(calendarID)
	if c == nil {
		return false
	}
	i, ok := c.index[id]
	if !ok {
		return false
	}
	e := *c.events[i]
	change(&e)
	e.Id = id
	s.putLocked(c, &e)
	return true
}

// DeleteEvent deletes an event, as Google does: it is marked cancelled,
// left out of listings without showDeleted, and returned as cancelled,
// with no times, by a sync token's listing. It reports whether the event
// was there.
func (s *Server) DeleteEvent(calendarID, id string) bool {
	return s.UpdateEvent(calendarID, id, func(e *calendarapi.Event) { e.Status = "cancelled" })
}

// ExpireSyncTokens makes every sync token issued so far expire: a listing
// with one is answered 410 Gone, as when Google asks for a full sync.
func (s *Server) ExpireSyncTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncEpoch++
}

// Stalled is how many requests a Stall fault holds at the moment.
func (s *Server) Stalled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stalled
}

// LoadEventsJSON adds events given as JSON: an events.list answer
// ({"items": [...]}) or an array of events.
func (s *Server) LoadEventsJSON(calendarID string, data []byte) error {
	var events []*calendarapi.Event
	if err := json.Unmarshal(data, &events); err != nil {
		var list calendarapi.Events
		if err2 := json.Unmarshal(data, &list); err2 != nil {
			return fmt.Errorf("googletest: read events: %w", err2)
		}
		events = list.Items
	}
	s.AddEvents(calendarID, events...)
	return nil
}

// Fixture is a whole fake account as JSON, for [Server.LoadFixture]:
//
//	{"timeZone": "Europe/Berlin",
//	 "calendars": [{"id": "me@example.com", "primary": true, "events": [...]},
//	               {"id": "team@group.calendar.google.com", "summary": "Team", "events": [...]}],
//	 "pageSizes": [2, 0, 3],
//	 "faults": [{"path": "events", "status": 503}]}
type Fixture struct {
	TimeZone  string            `json:"timeZone,omitempty"`
	Calendars []FixtureCalendar `json:"calendars,omitempty"`
	PageSizes []int             `json:"pageSizes,omitempty"`
	Faults    []Fault           `json:"faults,omitempty"`
}

// FixtureCalendar is a calendar of a [Fixture], with its events.
type FixtureCalendar struct {
	Calendar
	Events []*calendarapi.Event `json:"events,omitempty"`
}

// LoadFixture loads a [Fixture].
func (s *Server) LoadFixture(data []byte) error {
	var f Fixture
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("googletest: read fixture: %w", err)
	}
	if f.TimeZone != "" {
		s.SetTimeZone(f.TimeZone)
	}
	for _, c := range f.Calendars {
		s.AddCalendar(c.Calendar)
		s.AddEvents(c.ID, c.Events...)
	}
	if len(f.PageSizes) > 0 {
		s.SetPageSizes(f.PageSizes...)
	}
	for _, x := range f.Faults {
		s.InjectFault(x)
	}
	return nil
}

// SetPageSizes shapes the pages of events.list: page n holds at most
// sizes[n % len(sizes)] events (and never more than maxResults); a size of
// 0 serves an empty page that still carries a nextPageToken. Nothing set:
// pages are as long as maxResults allows.
func (s *Server) SetPageSizes(sizes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSizes = slices.Clone(sizes)
	if !slices.ContainsFunc(sizes, func(n int) bool { return n > 0 }) {
		s.pageSizes = nil
	}
}

// InjectFault queues a fault; faults are used in the order queued.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, f)
}

// SetTokenCheck sets what Bearer tokens are accepted (for example
// oauthtest's ValidAccessToken); nil accepts any non-empty token.
func (s *Server) SetTokenCheck(check func(token string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.check = check
}

// ExpireToken makes the fake answer 401 to token from now on.
func (s *Server) ExpireToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired[token] = true
}

// SetRequireFields says whether events.list must carry a fields mask (the
// default, true).
func (s *Server) SetRequireFields(require bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requireFields = require
}

// Requests returns the requests received so far, in the order they
// arrived; one not yet answered has Status 0.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) primaryLocked() *cal {
	for _, c := range s.calendars {
		if c.Primary {
			return c
		}
	}
	return nil
}

func (s *Server) findLocked(id string) *cal {
	if id == "primary" {
		return s.primaryLocked()
	}
	for _, c := range s.calendars {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// statusWriter remembers the status written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.written += int64(n)
	return n, err
}

// serve records the request, plays any fault, checks the token, then
// hands over to the API.
func (s *Server) serve(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		token, _ := strings.CutPrefix(auth, "Bearer ")
		// Recorded as it arrives (a stalled request is there while it
		// stalls), its status and length once answered.
		sw := &statusWriter{ResponseWriter: w}
		s.mu.Lock()
		at := len(s.requests)
		s.requests = append(s.requests, Request{Method: r.Method, Proto: r.Proto, Path: r.URL.Path, Query: r.URL.Query(), Token: token, Authorization: auth})
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.requests[at].Status, s.requests[at].Written = sw.status, sw.written
			s.mu.Unlock()
		}()

		s.mu.Lock()
		fault, hasFault := s.takeFaultLocked(r.URL.Path)
		check, expired := s.check, s.expired[token]
		s.mu.Unlock()

		if hasFault {
			if fault.Stall {
				s.mu.Lock()
				s.stalled++
				s.mu.Unlock()
				defer func() {
					s.mu.Lock()
					s.stalled--
					s.mu.Unlock()
				}()
				select {
				case <-r.Context().Done():
				case <-s.closing:
				}
				return
			}
			if fault.Drop {
				if hj, ok := w.(http.Hijacker); ok {
					if conn, _, err := hj.Hijack(); err == nil {
						conn.Close()
						return
					}
				}
				panic(http.ErrAbortHandler)
			}
			if fault.RetryAfter != "" {
				w.Header().Set("Retry-After", fault.RetryAfter)
			}
			switch {
			case fault.Redirect != "":
				s.redirect(sw, r, fault.Redirect)
			case fault.Body != nil || fault.Pad > 0:
				writeRaw(sw, cmp.Or(fault.Status, http.StatusOK), fault.Body, fault.Pad)
			default:
				writeError(sw, fault.Status, fault.Reason, "")
			}
			return
		}
		if token == "" || expired || (check != nil && !check(token)) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			writeError(sw, http.StatusUnauthorized, "authError", "Invalid Credentials")
			return
		}
		api.ServeHTTP(sw, r)
	})
}

// redirect answers 307 to the same request at another place.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to string) {
	switch to {
	case "same":
		to = s.URL
	case "elsewhere":
		to = s.Elsewhere().URL
	}
	http.Redirect(w, r, strings.TrimSuffix(to, "/")+r.URL.RequestURI(), http.StatusTemporaryRedirect)
}

// writeRaw answers body as is, after pad bytes of whitespace.
func writeRaw(w http.ResponseWriter, code int, body []byte, pad int64) {
	if body == nil {
		body = []byte("{}")
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	if pad > 0 {
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for left := pad; left > 0; {
			n := min(left, int64(len(chunk)))
			if _, err := w.Write(chunk[:n]); err != nil {
				return // the client has had enough
			}
			left -= n
		}
	}
	w.Write(body)
}

func (s *Server) takeFaultLocked(path string) (Fault, bool) {
	for i, f := range s.faults {
		if f.Path == "" || strings.Contains(path, f.Path) {
			if f.After > 0 {
				s.faults[i].After--
				return Fault{}, false
			}
			s.faults[i].Times--
			if s.faults[i].Times <= 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
			return f, true
		}
	}
	return Fault{}, false
}

// writeError answers in Google's error shape.
func writeError(w http.ResponseWriter, code int, reason, message string) {
	if reason == "" {
		switch {
		case code == http.StatusTooManyRequests:
			reason = "rateLimitExceeded"
		case code == http.StatusUnauthorized:
			reason = "authError"
		case code == http.StatusNotFound:
			reason = "notFound"
		case code == http.StatusBadRequest:
			reason = "badRequest"
		case code == http.StatusForbidden:
			reason = "forbidden"
		case code >= 500:
			reason = "backendError"
		default:
			reason = "failed"
		}
	}
	if message == "" {
		message = http.StatusText(code)
		switch reason {
		case "rateLimitExceeded":
			message = "Rate Limit Exceeded"
		case "userRateLimitExceeded":
			message = "User Rate Limit Exceeded"
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code":    code,
		"message": message,
		"errors":  []map[string]string{{"domain": "global", "reason": reason, "message": message}},
	}})
}

// writeJSON answers v, trimmed to the request's fields mask.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", err.Error())
		return
	}
	if fields := r.URL.Query().Get("fields"); fields != "" {
		m, err := parseMask(fields)
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalidParameter", err.Error())
			return
		}
		var tree any
		json.Unmarshal(data, &tree)
		data, _ = json.Marshal(m.apply(tree))
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Write(data)
}

func entry(c *cal) *calendarapi.CalendarListEntry {
	return &calendarapi.CalendarListEntry{
		Kind:       "calendar#calendarListEntry",
		Id:         c.ID,
		Summary:    c.Summary,
		TimeZone:   c.TimeZone,
		AccessRole: c.AccessRole,
		Primary:    c.Primary,
	}
}

// calendarList serves the calendar list in pages, as Google does: at most
// maxResults entries (default 100, at most 250) a page, and a
// nextPageToken while more remain.
func (s *Server) calendarList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := 100
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, "invalid", "Invalid value for: maxResults")
			return
		}
		size = min(n, 250)
	}
	var pos pageToken
	if v := q.Get("pageToken"); v != "" {
		var err error
		if pos, err = parsePageToken(v); err != nil {
			writeError(w, http.StatusBadRequest, "invalid", "Invalid page token")
			return
		}
	}
	s.mu.Lock()
	list := &calendarapi.CalendarList{Kind: "calendar#calendarList", Items: []*calendarapi.CalendarListEntry{}}
	from := min(pos.Offset, len(s.calendars))
	to := min(from+size, len(s.calendars))
	for _, c := range s.calendars[from:to] {
		list.Items = append(list.Items, entry(c))
	}
	if to < len(s.calendars) {
		list.NextPageToken = pageToken{Page: pos.Page + 1, Offset: to}.String()
	}
	s.mu.Unlock()
	writeJSON(w, r, list)
}

func (s *Server) calendarListGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c := s.findLocked(r.PathValue("calendarId"))
	var e *calendarapi.CalendarListEntry
	if c != nil {
		e = entry(c)
	}
	s.mu.Unlock()
	if e == nil {
		writeError(w, http.StatusNotFound, "notFound", "Not Found")
		return
	}
	writeJSON(w, r, e)
}

func (s *Server) setting(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("setting") != "timezone" {
		writeError(w, http.StatusNotFound, "notFound", "Not Found")
		return
	}
	s.mu.Lock()
	zone := s.zone
	s.mu.Unlock()
	writeJSON(w, r, &calendarapi.Setting{Kind: "calendar#setting", Id: "timezone", Value: zone})
}

// pageToken is the position a nextPageToken stands for: a page number
// and an offset into a listing by start, or, in a sync token's listing of
// changes, the last change served (After). AsOf is the change the listing
// started at, which its nextSyncToken names: what changes while it is
// paged through comes in the next one.
type pageToken struct {
	Page   int   `json:"p"`
	Offset int   `json:"o"`
	After  int64 `json:"a,omitempty"`
	AsOf   int64 `json:"s,omitempty"`
}

func (t pageToken) String() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parsePageToken(s string) (pageToken, error) {
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Offset < 0 || t.Page < 0 || t.After < 0 || t.AsOf < 0 {
		return pageToken{}, errors.New("invalid page token")
	}
	return t, nil
}

// syncToken is what a nextSyncToken stands for: the calendar, the last
// change it has seen, the expiry epoch it was issued in, and whether its
// listing expanded series.
type syncToken struct {
	Calendar string `json:"c"`
	Rev      int64  `json:"r"`
	Epoch    int    `json:"e"`
	Single   bool   `json:"s,omitempty"`
}

func (t syncToken) String() string {
	b, _ := json.Marshal(t)
	return "sync." + base64.RawURLEncoding.EncodeToString(b)
}

func parseSyncToken(s string) (syncToken, error) {
	var t syncToken
	rest, ok := strings.CutPrefix(s, "sync.")
	if !ok {
		return t, errors.New("invalid sync token")
	}
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || t.Rev < 0 {
		return syncToken{}, errors.New("invalid sync token")
	}
	return t, nil
}

// notWithSyncToken are the parameters Google refuses beside a syncToken.
var notWithSyncToken = []string{"timeMin", "timeMax", "orderBy", "q", "iCalUID", "updatedMin", "privateExtendedProperty", "sharedExtendedProperty"}

// listed is an event of a listing, with its span and its last change.
type listed struct {
	e          *calendarapi.Event
	start, end time.Time
	ok         bool
	rev, born  int64
}

func (s *Server) eventsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	c := s.findLocked(r.PathValue("calendarId"))
	requireFields := s.requireFields
	pageSizes := slices.Clone(s.pageSizes)
	var all []listed
	var zone string
	rev, epoch := s.rev, s.syncEpoch
	if c != nil {
		all = make([]listed, len(c.events))
		for i, e := range c.events {
			all[i] = listed{e: e, rev: c.revs[e.Id], born: c.born[e.Id]}
		}
		zone = c.TimeZone
	}
	s.mu.Unlock()

	if c == nil {
		writeError(w, http.StatusNotFound, "notFound", "Not Found")
		return
	}
	if requireFields && q.Get("fields") == "" {
		writeError(w, http.StatusBadRequest, "badRequest", "googletest: events.list needs a fields mask")
		return
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	max := 250
	if v := q.Get("maxResults"); v != "" {
		if max, err = strconv.Atoi(v); err != nil || max <= 0 {
			writeError(w, http.StatusBadRequest, "invalid", "Invalid value for: maxResults")
			return
		}
	}
	max = min(max, 2500)
	single := q.Get("singleEvents") == "true"
	var pos pageToken
	if v := q.Get("pageToken"); v != "" {
		if pos, err = parsePageToken(v); err != nil {
			writeError(w, http.StatusBadRequest, "invalid", "Invalid page token")
			return
		}
	}
	size := max
	if len(pageSizes) > 0 {
		size = min(size, pageSizes[pos.Page%len(pageSizes)])
	}
	asOf := rev
	if pos.AsOf > 0 {
		asOf = min(pos.AsOf, rev)
	}
	out := &calendarapi.Events{Kind: "calendar#events", Summary: c.Summary, TimeZone: zone, Items: []*calendarapi.Event{}}
	if v := q.Get("syncToken"); v != "" {
		s.changes(w, r, out, all, v, c.ID, epoch, single, pos, size, asOf)
		return
	}

	var tmin, tmax time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"timeMin", &tmin}, {"timeMax", &tmax}} {
		if v := q.Get(p.name); v != "" {
			if *p.t, err = time.Parse(time.RFC3339, v); err != nil {
				writeError(w, http.StatusBadRequest, "badRequest", "Bad Request")
				return
			}
		}
	}
	if !tmin.IsZero() && !tmax.IsZero() && !tmax.After(tmin) {
		writeError(w, http.StatusBadRequest, "timeRangeEmpty", "The specified time range is empty.")
		return
	}
	deleted := q.Get("showDeleted") == "true"
	types := q["eventTypes"]

	var match []listed
	for _, x := range all {
		e := x.e
		x.start, x.end, x.ok = span(e, loc)
		switch {
		case !x.ok:
			continue
		case x.born > asOf:
			// Added since the listing began: the next sync has it, and
			// the pages already served do not shift.
			continue
		case !single && e.RecurringEventId != "":
			continue
		case !deleted && e.Status == "cancelled":
			continue
		case len(types) > 0 && !slices.Contains(types, cmp.Or(e.EventType, "default")):
			continue
		case !tmin.IsZero() && !x.end.After(tmin):
			continue
		case !tmax.IsZero() && !x.start.Before(tmax):
			continue
		}
		match = append(match, x)
	}
	slices.SortStableFunc(match, func(a, b listed) int { return a.start.Compare(b.start) })

	from := min(pos.Offset, len(match))
	to := min(from+size, len(match))
	for _, x := range match[from:to] {
		out.Items = append(out.Items, x.e)
	}
	switch {
	case to < len(match):
		out.NextPageToken = pageToken{Page: pos.Page + 1, Offset: to, AsOf: asOf}.String()
	case q.Get("orderBy") == "":
		// Google gives no sync token to a listing in an order.
		out.NextSyncToken = syncToken{Calendar: c.ID, Rev: asOf, Epoch: epoch, Single: single}.String()
	}
	writeJSON(w, r, out)
}

// changes answers a listing with a sync token: the events changed since
// the token, in the order they changed, deleted ones as cancelled with
// no times, pages of at most size; a nextSyncToken on the last page.
func (s *Server) changes(w http.ResponseWriter, r *http.Request, out *calendarapi.Events, all []listed, token, calendarID string, epoch int, single bool, pos pageToken, size int, asOf int64) {
	q := r.URL.Query()
	for _, p := range notWithSyncToken {
		if q.Has(p) {
			writeError(w, http.StatusBadRequest, "syncTokenWithRequestRestrictions", "Sync token cannot be used with other request restrictions.")
			return
		}
	}
	if q.Get("showDeleted") == "false" {
		writeError(w, http.StatusBadRequest, "syncTokenWithRequestRestrictions", "Sync token cannot be used with other request restrictions.")
		return
	}
	st, err := parseSyncToken(token)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", "Invalid sync token value.")
		return
	}
	if st.Epoch != epoch || st.Calendar != calendarID {
		writeError(w, http.StatusGone, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.")
		return
	}
	if st.Single != single {
		writeError(w, http.StatusBadRequest, "invalid", "googletest: a sync token is used with the singleEvents of its full sync")
		return
	}
	types := q["eventTypes"]
	after := max(st.Rev, pos.After)
	var match []listed
	for _, x := range all {
		switch {
		case x.rev <= after || x.rev > asOf:
			continue
		case !single && x.e.RecurringEventId != "":
			continue
		case x.e.Status != "cancelled" && len(types) > 0 && !slices.Contains(types, cmp.Or(x.e.EventType, "default")):
			continue
		}
		match = append(match, x)
	}
	slices.SortFunc(match, func(a, b listed) int { return cmp.Compare(a.rev, b.rev) })
	if len(match) > size {
		match = match[:size]
		out.NextPageToken = pageToken{Page: pos.Page + 1, After: match[len(match)-1].rev, AsOf: asOf}.String()
	} else {
		out.NextSyncToken = syncToken{Calendar: calendarID, Rev: asOf, Epoch: epoch, Single: single}.String()
	}
	for _, x := range match {
		e := x.e
		if e.Status == "cancelled" {
			// What Google keeps of a deleted event.
			e = &calendarapi.Event{Kind: "calendar#event", Id: e.Id, Status: "cancelled", RecurringEventId: e.RecurringEventId}
		}
		out.Items = append(out.Items, e)
	}
	writeJSON(w, r, out)
}

// span is an event's start and end; dates are midnights in loc.
func span(e *calendarapi.Event, loc *time.Location) (start, end time.Time, ok bool) {
	parse := func(t *calendarapi.EventDateTime) (time.Time, bool) {
		switch {
		case t == nil:
			return time.Time{}, false
		case t.DateTime != "":
			v, err := time.Parse(time.RFC3339, t.DateTime)
			return v, err == nil
		default:
			v, err := time.ParseInLocation(time.DateOnly, t.Date, loc)
			return v, err == nil
		}
	}
	start, ok = parse(e.Start)
	if !ok {
		return
	}
	if end, ok = parse(e.End); !ok {
		end, ok = start, true
	}
	return start, end, true
}
