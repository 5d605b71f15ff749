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
	events []*calendarapi.Event
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
	s.calendars = []*cal{{Calendar: Calendar{ID: DefaultPrimary, Summary: DefaultPrimary, TimeZone: "UTC", AccessRole: "owner", Primary: true}}}
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
	x := &cal{Calendar: c}
	if c.Primary {
		s.calendars = append([]*cal{x}, s.calendars...)
	} else {
		s.calendars = append(s.calendars, x)
	}
	return x
}

// AddEvents adds events to a calendar ("primary" or an id; an unknown id
// adds a calendar with the default zone). Events without an id get one,
// and their iCalUID defaults to "<id>@google.com".
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
		c.events = append(c.events, e)
	}
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

// Requests returns the requests received so far.
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
		rec := Request{Method: r.Method, Proto: r.Proto, Path: r.URL.Path, Query: r.URL.Query(), Token: token, Authorization: auth}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			rec.Status, rec.Written = sw.status, sw.written
			s.mu.Lock()
			s.requests = append(s.requests, rec)
			s.mu.Unlock()
		}()

		s.mu.Lock()
		fault, hasFault := s.takeFaultLocked(r.URL.Path)
		check, expired := s.check, s.expired[token]
		s.mu.Unlock()

		if hasFault {
			if fault.Stall {
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

// pageToken is the position a nextPageToken stands for.
type pageToken struct {
	Page   int `json:"p"`
	Offset int `json:"o"`
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
	if err != nil || t.Offset < 0 || t.Page < 0 {
		return pageToken{}, errors.New("invalid page token")
	}
	return t, nil
}

func (s *Server) eventsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	c := s.findLocked(r.PathValue("calendarId"))
	requireFields := s.requireFields
	pageSizes := slices.Clone(s.pageSizes)
	var all []*calendarapi.Event
	var zone string
	if c != nil {
		all = slices.Clone(c.events)
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
	max := 250
	if v := q.Get("maxResults"); v != "" {
		if max, err = strconv.Atoi(v); err != nil || max <= 0 {
			writeError(w, http.StatusBadRequest, "invalid", "Invalid value for: maxResults")
			return
		}
	}
	max = min(max, 2500)
	single := q.Get("singleEvents") == "true"
	deleted := q.Get("showDeleted") == "true"
	types := q["eventTypes"]

	var match []*calendarapi.Event
	for _, e := range all {
		start, end, ok := span(e, loc)
		switch {
		case !ok:
			continue
		case !single && e.RecurringEventId != "":
			continue
		case !deleted && e.Status == "cancelled":
			continue
		case len(types) > 0 && !slices.Contains(types, cmp.Or(e.EventType, "default")):
			continue
		case !tmin.IsZero() && !end.After(tmin):
			continue
		case !tmax.IsZero() && !start.Before(tmax):
			continue
		}
		match = append(match, e)
	}
	slices.SortStableFunc(match, func(a, b *calendarapi.Event) int {
		sa, _, _ := span(a, loc)
		sb, _, _ := span(b, loc)
		return sa.Compare(sb)
	})

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
	from := min(pos.Offset, len(match))
	to := min(from+size, len(match))
	out := &calendarapi.Events{
		Kind:     "calendar#events",
		Summary:  c.Summary,
		TimeZone: zone,
		Items:    match[from:to],
	}
	if out.Items == nil {
		out.Items = []*calendarapi.Event{}
	}
	if to < len(match) {
		out.NextPageToken = pageToken{Page: pos.Page + 1, Offset: to}.String()
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
