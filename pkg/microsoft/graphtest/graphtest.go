// Package graphtest is a fake Microsoft Graph on loopback, for tests of
// emtime's Microsoft source and of the commands built on it.
//
// It serves what Graph serves for the calls emtime makes: /me,
// /me/mailboxSettings, /me/calendars (in pages of at most $top calendars)
// and the calendar view of the default calendar (/me/calendarView,
// /me/calendar/calendarView) or of one by id
// (/me/calendars/{id}/calendarView), with startDateTime/endDateTime overlap
// semantics (an event is listed when it ends after the start and starts
// before the end; all-day dates are midnights in the event's
// originalStartTimeZone, else the mailbox's zone), $top (1 to 1000) and
// paging through absolute @odata.nextLink addresses, in pages that may be
// short or empty while a next link remains ([Server.SetPageSizes]). Times
// come back in the zone the Prefer: outlook.timezone header names (UTC
// when it names none), all-day events as the midnights of their dates
// whatever the zone, as Graph does. $select trims every answer to the
// properties it names. The delta query of each calendar view
// (…/calendarView/delta) is served as Graph serves it (see delta.go):
// rounds paged through @odata.nextLink and ended by an @odata.deltaLink,
// changes since as whole events (or the properties changed,
// [Server.SetPartialUpdates]) and @removed entries, 410 Gone for a token
// of before [Server.ExpireDeltaTokens]; [Server.UpdateEvent] and
// [Server.RemoveEvent] change the calendar as a user would.
//
// Every request needs a Bearer token ([Server.SetTokenCheck],
// [Server.ExpireToken]); faults can be queued ([Server.InjectFault]):
// Graph's throttling (429, 503 with Retry-After), a 401 in the middle of
// paging, a dropped connection, a stall, and hostile answers (a raw body,
// an endless or foreign next link, an answer padded past any sane size).
// Every request is recorded ([Server.Requests]). The account comes from Go
// values or from JSON in Graph's own shapes ([Server.LoadFixture]).
//
// Unlike Graph, the fake is strict where a client could silently lose
// data or ask for more than it needs: a calendar view without $select is
// refused (400) unless [Server.SetRequireSelect] turns that off, and, as
// at Graph, a $select naming a property events do not have is refused too.
//
// In a testscript Setup:
//
//	api := graphtest.New()
//	env.Defer(api.Close)
//	env.Setenv("EMTIME_GRAPH_API_URL", api.Endpoint())
package graphtest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultUser is the signed-in user's address a new server starts with.
const DefaultUser = "me@example.com"

// DefaultCalendarID is the id of the default calendar a new server starts
// with.
const DefaultCalendarID = "AAMkADefault-calendar="

// User is /me.
type User struct {
	DisplayName       string `json:"displayName,omitempty"`
	Mail              string `json:"mail,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// MailboxSettings is /me/mailboxSettings, as far as the fake knows it.
type MailboxSettings struct {
	TimeZone     string        `json:"timeZone,omitempty"`
	WorkingHours *WorkingHours `json:"workingHours,omitempty"`
}

// WorkingHours are a mailbox's working hours, in Graph's shape.
type WorkingHours struct {
	DaysOfWeek []string  `json:"daysOfWeek"`
	StartTime  string    `json:"startTime"`
	EndTime    string    `json:"endTime"`
	TimeZone   *ZoneName `json:"timeZone,omitempty"`
}

// ZoneName is Graph's timeZoneBase.
type ZoneName struct {
	Name string `json:"name"`
}

// EmailAddress is Graph's emailAddress.
type EmailAddress struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
}

// Calendar is a calendar served by the fake.
type Calendar struct {
	ID                string        `json:"id"`
	Name              string        `json:"name,omitempty"`
	IsDefaultCalendar bool          `json:"isDefaultCalendar"`
	CanEdit           bool          `json:"canEdit"`
	Owner             *EmailAddress `json:"owner,omitempty"`
}

// Fault is an answer the fake gives instead of the real one, or a change
// to the real one.
type Fault struct {
	// Path selects the requests: those whose path contains it
	// ("calendarView", "mailboxSettings", "/me/calendars", a calendar id);
	// "" means any.
	Path string `json:"path,omitempty"`
	// Skip lets that many matching requests through untouched before the
	// fault applies (faults queued after it wait their turn): Skip 1 on
	// "calendarView" fails the second page.
	Skip int `json:"skip,omitempty"`
	// Times is how many requests get the fault; 0 means 1.
	Times int `json:"times,omitempty"`
	// Status is the HTTP status answered, with Graph's error body (Code
	// and Message, or the usual ones for the status).
	Status  int    `json:"status,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string `json:"retryAfter,omitempty"`
	// Body, when set, is the answer's body as is (with Status, or 200).
	Body string `json:"body,omitempty"`
	// Pad answers 200 with a JSON object of about Pad bytes (a long
	// string), streamed: an answer too large to read whole.
	Pad int64 `json:"pad,omitempty"`
	// NextLink replaces the next link of the real answer: "self" for the
	// address just asked (a loop), anything else as given (another
	// origin, say).
	NextLink string `json:"nextLink,omitempty"`
	// DeltaLink replaces the delta link of the last page of a delta
	// round, as given (another origin, say).
	DeltaLink string `json:"deltaLink,omitempty"`
	// Drop closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
	// Stall holds the request without answering, until the client gives
	// up or the server is closed.
	Stall bool `json:"stall,omitempty"`
}

// Request is a request the fake received.
type Request struct {
	Method string
	// Path is the unescaped path ("/v1.0/me/calendarView").
	Path  string
	Query url.Values
	// Token is the Bearer token presented ("" when none).
	Token string
	// Prefer is the Prefer header.
	Prefer string
	// Status is what the fake answered (0 for a dropped connection or a
	// stalled request).
	Status int
	// Written is the size of the answer's body, in bytes.
	Written int64
}

// Server is the fake Graph.
type Server struct {
	*httptest.Server

	mu            sync.Mutex
	user          User
	mailbox       MailboxSettings
	calendars     []*cal
	pageSizes     []int
	faults        []Fault
	check         func(token string) bool
	expired       map[string]bool
	requireSelect bool
	requests      []Request
	nextID        int
	// seq numbers every change to an event; epoch is the generation of
	// the delta tokens handed out ([Server.ExpireDeltaTokens]).
	seq   int
	epoch int
	// partial: a delta round sends an event changed by UpdateEvent as
	// its id and the properties changed only.
	partial bool

	closing   chan struct{}
	closeOnce sync.Once
}

type cal struct {
	Calendar
	events []*stored
}

// stored is an event as loaded: its JSON object, and where it lies; seq
// is its last change, deleted a tombstone, and history where it lay at
// each change, for the delta query.
type stored struct {
	obj        map[string]any
	start, end time.Time
	allDay     bool
	ok         bool
	seq        int
	deleted    bool
	history    []version
	// changed are the properties the last [Server.UpdateEvent] set.
	changed []string
}

// version is where an event lay after a change.
type version struct {
	seq        int
	start, end time.Time
	ok         bool
	deleted    bool
}

func (v version) overlaps(from, to time.Time) bool {
	return !v.deleted && v.ok && (v.end.After(from) && v.start.Before(to) || v.start.Equal(v.end) && !v.start.Before(from) && v.start.Before(to))
}

// New starts a fake with one user, [DefaultUser], whose mailbox is in UTC
// with working hours Monday to Friday 09:00–17:00, and one default
// calendar, [DefaultCalendarID], named "Calendar". Close it when done.
func New() *Server {
	s := &Server{
		user:          User{DisplayName: "Me", Mail: DefaultUser, UserPrincipalName: DefaultUser},
		expired:       map[string]bool{},
		requireSelect: true,
		closing:       make(chan struct{}),
	}
	s.mailbox = MailboxSettings{TimeZone: "UTC", WorkingHours: &WorkingHours{
		DaysOfWeek: []string{"monday", "tuesday", "wednesday", "thursday", "friday"},
		StartTime:  "09:00:00.0000000", EndTime: "17:00:00.0000000", TimeZone: &ZoneName{Name: "UTC"},
	}}
	s.calendars = []*cal{{Calendar: Calendar{ID: DefaultCalendarID, Name: "Calendar", IsDefaultCalendar: true, CanEdit: true,
		Owner: &EmailAddress{Name: "Me", Address: DefaultUser}}}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1.0/me", s.me)
	mux.HandleFunc("GET /v1.0/me/mailboxSettings", s.mailboxSettings)
	mux.HandleFunc("GET /v1.0/me/calendars", s.calendarList)
	mux.HandleFunc("GET /v1.0/me/calendarView", s.calendarView)
	mux.HandleFunc("GET /v1.0/me/calendar/calendarView", s.calendarView)
	mux.HandleFunc("GET /v1.0/me/calendars/{id}/calendarView", s.calendarView)
	mux.HandleFunc("GET /v1.0/me/calendarView/delta", s.delta)
	mux.HandleFunc("GET /v1.0/me/calendar/calendarView/delta", s.delta)
	mux.HandleFunc("GET /v1.0/me/calendars/{id}/calendarView/delta", s.delta)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.URL.Path+"'.")
	})
	s.Server = httptest.NewServer(s.serve(mux))
	return s
}

// Close ends any stalled request, then shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.Server.Close()
}

// Endpoint is the Graph base URL to give the client (EMTIME_GRAPH_API_URL).
func (s *Server) Endpoint() string { return s.URL + "/v1.0/" }

// SetUser sets /me.
func (s *Server) SetUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// SetMailbox sets /me/mailboxSettings.
func (s *Server) SetMailbox(m MailboxSettings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mailbox = m
}

// AddCalendar adds a calendar, or updates the one with the same id. A
// default calendar replaces the current default one, events and all.
func (s *Server) AddCalendar(c Calendar) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCalendarLocked(c)
}

func (s *Server) addCalendarLocked(c Calendar) *cal {
	if c.IsDefaultCalendar {
		s.calendars = slices.DeleteFunc(s.calendars, func(x *cal) bool { return x.IsDefaultCalendar && x.ID != c.ID })
	}
	for _, x := range s.calendars {
		if x.ID == c.ID {
			x.Calendar = c
			return x
		}
	}
	x := &cal{Calendar: c}
	if c.IsDefaultCalendar {
		s.calendars = append([]*cal{x}, s.calendars...)
	} else {
		s.calendars = append(s.calendars, x)
	}
	return x
}

// AddEventsJSON adds events given in Graph's shape — an array of events or
// a calendarView answer ({"value": [...]}) — to a calendar ("" for the
// default one; an unknown id adds a calendar of that name). Events without
// an id get one. An event whose start or end cannot be read is kept and
// served as it is, but no window finds it.
func (s *Server) AddEventsJSON(calendarID string, data []byte) error {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		var list struct {
			Value []json.RawMessage `json:"value"`
		}
		if err2 := json.Unmarshal(data, &list); err2 != nil {
			return fmt.Errorf("graphtest: read events: %w", err2)
		}
		items = list.Value
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(calendarID)
	if c == nil {
		c = s.addCalendarLocked(Calendar{ID: calendarID, Name: calendarID, Owner: &EmailAddress{Address: s.user.Mail}})
	}
	for _, raw := range items {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return fmt.Errorf("graphtest: read event: %v", err)
		}
		if id, _ := obj["id"].(string); id == "" {
			s.nextID++
			obj["id"] = fmt.Sprintf("AAMkAGevt%04d=", s.nextID)
		}
		e := s.place(obj)
		id, _ := obj["id"].(string)
		if i := slices.IndexFunc(c.events, func(x *stored) bool { return x.obj["id"] == id }); i >= 0 {
			// The same id again is a change to the event.
			e.history = c.events[i].history
			c.events[i] = e
		} else {
			c.events = append(c.events, e)
		}
		s.changedLocked(e)
	}
	return nil
}

// changedLocked numbers a change to e and notes where it lies now.
func (s *Server) changedLocked(e *stored) {
	s.seq++
	e.seq = s.seq
	e.history = append(e.history, version{seq: e.seq, start: e.start, end: e.end, ok: e.ok, deleted: e.deleted})
}

// RemoveEvent deletes the event of that id from a calendar ("" for the
// default one), as a user deleting it in Outlook: calendarView no longer
// lists it, and a delta round reports it @removed. It reports whether
// there was one.
func (s *Server) RemoveEvent(calendarID, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(calendarID)
	if c == nil {
		return false
	}
	for _, e := range c.events {
		if e.obj["id"] == id && !e.deleted {
			e.deleted = true
			s.changedLocked(e)
			return true
		}
	}
	return false
}

// ExpireDeltaTokens makes every delta and skip token handed out so far
// answer 410 Gone (SyncStateNotFound), as Graph does once a token has
// fallen out of its cache: the client must read the view in full again.
func (s *Server) ExpireDeltaTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
}

// place works out where an event lies.
func (s *Server) place(obj map[string]any) *stored {
	e := &stored{obj: obj}
	e.allDay, _ = obj["isAllDay"].(bool)
	dayZone := zoneOf(s.mailbox.TimeZone)
	if z, _ := obj["originalStartTimeZone"].(string); z != "" {
		if loc, ok := loadZone(z); ok {
			dayZone = loc
		}
	}
	var okStart, okEnd bool
	e.start, okStart = instant(obj["start"], e.allDay, dayZone)
	e.end, okEnd = instant(obj["end"], e.allDay, dayZone)
	e.ok = okStart && okEnd
	return e
}

// Fixture is a whole fake account as JSON in Graph's shapes, for
// [Server.LoadFixture]:
//
//	{"user": {"mail": "me@example.com", "userPrincipalName": "me@example.com"},
//	 "mailboxSettings": {"timeZone": "W. Europe Standard Time", "workingHours": {...}},
//	 "calendars": [{"id": "AAMk…", "name": "Calendar", "isDefaultCalendar": true, "events": [...]},
//	               {"id": "AAMk…", "name": "Team", "owner": {"address": "team@example.com"}, "events": [...]}],
//	 "pageSizes": [2, 0, 3],
//	 "faults": [{"path": "calendarView", "status": 503, "retryAfter": "1"}]}
type Fixture struct {
	User            *User             `json:"user,omitempty"`
	MailboxSettings *MailboxSettings  `json:"mailboxSettings,omitempty"`
	Calendars       []FixtureCalendar `json:"calendars,omitempty"`
	PageSizes       []int             `json:"pageSizes,omitempty"`
	Faults          []Fault           `json:"faults,omitempty"`
}

// FixtureCalendar is a calendar of a [Fixture], with its events.
type FixtureCalendar struct {
	Calendar
	Events []json.RawMessage `json:"events,omitempty"`
}

// LoadFixture loads a [Fixture]. The user and mailbox come first, so that
// all-day events find the mailbox's zone.
func (s *Server) LoadFixture(data []byte) error {
	var f Fixture
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("graphtest: read fixture: %w", err)
	}
	if f.User != nil {
		s.SetUser(*f.User)
	}
	if f.MailboxSettings != nil {
		s.SetMailbox(*f.MailboxSettings)
	}
	for _, c := range f.Calendars {
		s.AddCalendar(c.Calendar)
		events, _ := json.Marshal(c.Events)
		if c.Events == nil {
			events = []byte("[]")
		}
		if err := s.AddEventsJSON(c.ID, events); err != nil {
			return err
		}
	}
	if len(f.PageSizes) > 0 {
		s.SetPageSizes(f.PageSizes...)
	}
	for _, x := range f.Faults {
		s.InjectFault(x)
	}
	return nil
}

// SetPageSizes shapes the pages of calendarView and the calendar list:
// page n holds at most sizes[n % len(sizes)] items (and never more than
// $top); a size of 0 serves an empty page that still carries a next link.
// Nothing set: pages are as long as $top allows.
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
// identitytest's ValidAccessToken); nil accepts any non-empty token.
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

// SetRequireSelect says whether calendarView must carry a $select (the
// default, true).
func (s *Server) SetRequireSelect(require bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requireSelect = require
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) findLocked(id string) *cal {
	for _, c := range s.calendars {
		if (id == "" && c.IsDefaultCalendar) || (id != "" && c.ID == id) {
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

type faultKey struct{}

// serve records the request, plays any fault, checks the token, then
// hands over to the API.
func (s *Server) serve(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Token: token, Prefer: r.Header.Get("Prefer")}
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			rec.Status, rec.Written = sw.status, sw.written
			s.mu.Lock()
			s.requests = append(s.requests, rec)
			s.mu.Unlock()
		}()
		w.Header().Set("request-id", fmt.Sprintf("fake-%d", time.Now().UnixNano()))

		s.mu.Lock()
		fault, hasFault := s.takeFaultLocked(r.URL.Path)
		check, expired := s.check, s.expired[token]
		s.mu.Unlock()

		if hasFault {
			switch {
			case fault.Stall:
				select {
				case <-r.Context().Done():
				case <-s.closing:
				}
				return
			case fault.Drop:
				if hj, ok := w.(http.Hijacker); ok {
					if conn, _, err := hj.Hijack(); err == nil {
						conn.Close()
						return
					}
				}
				panic(http.ErrAbortHandler)
			case fault.Pad > 0:
				sw.Header().Set("Content-Type", "application/json")
				io.WriteString(sw, `{"value":[],"pad":"`)
				chunk := bytes.Repeat([]byte("x"), 64<<10)
				for n := fault.Pad; n > 0; n -= int64(len(chunk)) {
					if _, err := sw.Write(chunk[:min(int64(len(chunk)), n)]); err != nil {
						return
					}
				}
				io.WriteString(sw, `"}`)
				return
			case fault.Body != "":
				if fault.RetryAfter != "" {
					w.Header().Set("Retry-After", fault.RetryAfter)
				}
				sw.Header().Set("Content-Type", "application/json")
				sw.WriteHeader(cmp.Or(fault.Status, http.StatusOK))
				io.WriteString(sw, fault.Body)
				return
			case fault.Status != 0:
				if fault.RetryAfter != "" {
					w.Header().Set("Retry-After", fault.RetryAfter)
				}
				if fault.Status == http.StatusUnauthorized {
					w.Header().Set("WWW-Authenticate", wwwAuthenticate)
				}
				writeError(sw, fault.Status, fault.Code, fault.Message)
				return
			}
			// Only a NextLink: the real answer, changed.
			r = r.WithContext(context.WithValue(r.Context(), faultKey{}, fault))
		}
		if token == "" || expired || (check != nil && !check(token)) {
			w.Header().Set("WWW-Authenticate", wwwAuthenticate)
			msg := "Access token has expired or is not yet valid."
			if token == "" {
				msg = "Access token is empty."
			}
			writeError(sw, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
			return
		}
		api.ServeHTTP(sw, r)
	})
}

const wwwAuthenticate = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`

func (s *Server) takeFaultLocked(path string) (Fault, bool) {
	for i, f := range s.faults {
		if f.Path != "" && !strings.Contains(path, f.Path) {
			continue
		}
		if f.Skip > 0 {
			// Its turn has not come: the request goes through untouched.
			s.faults[i].Skip--
			return Fault{}, false
		}
		s.faults[i].Times--
		if s.faults[i].Times <= 0 {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return f, true
	}
	return Fault{}, false
}

// writeError answers in Graph's error shape.
func writeError(w http.ResponseWriter, status int, code, message string) {
	if code == "" {
		code, message = usualError(status, message)
	}
	if message == "" {
		message = http.StatusText(status)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code":    code,
		"message": message,
		"innerError": map[string]string{
			"date":       time.Now().UTC().Format("2006-01-02T15:04:05"),
			"request-id": w.Header().Get("request-id"),
		},
	}})
}

// usualError is Graph's code and message for a status.
func usualError(status int, message string) (string, string) {
	code, usual := "", ""
	switch status {
	case http.StatusBadRequest:
		code, usual = "BadRequest", "Bad request."
	case http.StatusUnauthorized:
		code, usual = "InvalidAuthenticationToken", "Access token has expired or is not yet valid."
	case http.StatusForbidden:
		code, usual = "ErrorAccessDenied", "Access is denied. Check credentials and try again."
	case http.StatusNotFound:
		code, usual = "ErrorItemNotFound", "The specified object was not found in the store."
	case http.StatusTooManyRequests:
		code, usual = "ApplicationThrottled", "Application is over its MailboxConcurrency limit."
	case http.StatusServiceUnavailable:
		code, usual = "ServiceNotAvailable", "The service is temporarily unavailable. Please retry later."
	case http.StatusGatewayTimeout:
		code, usual = "UnknownError", "Gateway Timeout"
	default:
		code, usual = "UnknownError", http.StatusText(status)
	}
	return code, cmp.Or(message, usual)
}

// writeJSON answers v, trimmed to the request's $select.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	json.NewEncoder(w).Encode(v)
}

// selectFields reads $select against what the type has: the fields (nil
// for all), or Graph's message refusing one.
func selectFields(q url.Values, known []string, typ string) ([]string, string) {
	v := strings.TrimSpace(q.Get("$select"))
	if v == "" {
		return nil, ""
	}
	var out []string
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(known, f) {
			return nil, fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.%s'.", f, typ)
		}
		out = append(out, f)
	}
	return out, ""
}

// trim keeps only the selected properties of obj, and its id.
func trim(obj map[string]any, fields []string) map[string]any {
	if fields == nil {
		return obj
	}
	out := map[string]any{}
	if id, ok := obj["id"]; ok {
		out["id"] = id
	}
	for _, f := range fields {
		if v, ok := obj[f]; ok {
			out[f] = v
		}
	}
	return out
}

func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

var userFields = []string{"id", "displayName", "mail", "userPrincipalName", "givenName", "surname", "jobTitle", "mobilePhone", "officeLocation", "preferredLanguage", "businessPhones"}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	fields, bad := selectFields(r.URL.Query(), userFields, "user")
	if bad != "" {
		writeError(w, http.StatusBadRequest, "BadRequest", bad)
		return
	}
	s.mu.Lock()
	obj := toMap(s.user)
	s.mu.Unlock()
	obj["id"] = "00000000-0000-0000-0000-0000000000me"
	writeJSON(w, trim(obj, fields))
}

var mailboxFields = []string{"timeZone", "workingHours", "automaticRepliesSetting", "archiveFolder", "dateFormat", "timeFormat", "language", "delegateMeetingMessageDeliveryOptions", "userPurpose"}

func (s *Server) mailboxSettings(w http.ResponseWriter, r *http.Request) {
	fields, bad := selectFields(r.URL.Query(), mailboxFields, "mailboxSettings")
	if bad != "" {
		writeError(w, http.StatusBadRequest, "BadRequest", bad)
		return
	}
	s.mu.Lock()
	obj := toMap(s.mailbox)
	s.mu.Unlock()
	out := trim(obj, fields)
	delete(out, "id")
	writeJSON(w, out)
}

var calendarFields = []string{"id", "name", "color", "hexColor", "isDefaultCalendar", "changeKey", "canShare", "canViewPrivateItems", "canEdit", "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider", "isTallyingResponses", "isRemovable", "owner"}

// eventFields are the properties of Graph v1.0's event.
var eventFields = []string{"id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "transactionId",
	"originalStartTimeZone", "originalEndTimeZone", "iCalUId", "uid", "reminderMinutesBeforeStart", "isReminderOn",
	"hasAttachments", "subject", "bodyPreview", "importance", "sensitivity", "isAllDay", "isCancelled", "isOrganizer",
	"responseRequested", "seriesMasterId", "showAs", "type", "webLink", "onlineMeetingUrl", "isOnlineMeeting",
	"onlineMeetingProvider", "allowNewTimeProposals", "occurrenceId", "isDraft", "hideAttendees", "responseStatus",
	"body", "start", "end", "location", "locations", "recurrence", "attendees", "organizer", "onlineMeeting",
	"originalStart", "cancelledOccurrences", "exceptionOccurrences"}

// pos is the place a next link stands for.
type pos struct {
	Page   int `json:"p"`
	Offset int `json:"o"`
}

func (p pos) String() string {
	b, _ := json.Marshal(p)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parsePos(v string) (pos, error) {
	var p pos
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil || p.Offset < 0 || p.Page < 0 {
		return pos{}, errors.New("invalid skip token")
	}
	return p, nil
}

// pageOf answers the page of n items the request asks for, each made by
// item, with a next link while more remain.
func (s *Server) pageOf(w http.ResponseWriter, r *http.Request, n int, item func(int) map[string]any, top int) {
	p := pos{}
	if v := r.URL.Query().Get("$skiptoken"); v != "" {
		var err error
		if p, err = parsePos(v); err != nil {
			writeError(w, http.StatusBadRequest, "BadRequest", "Invalid skip token.")
			return
		}
	}
	s.mu.Lock()
	sizes := slices.Clone(s.pageSizes)
	s.mu.Unlock()
	size := top
	if len(sizes) > 0 {
		size = min(size, sizes[p.Page%len(sizes)])
	}
	from := min(p.Offset, n)
	to := min(from+size, n)
	items := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		items = append(items, item(i))
	}
	out := map[string]any{"value": items}
	if to < n {
		next := *r.URL
		next.Scheme, next.Host = "http", r.Host
		q := next.Query()
		q.Set("$skiptoken", pos{Page: p.Page + 1, Offset: to}.String())
		next.RawQuery = q.Encode()
		out["@odata.nextLink"] = next.String()
	}
	if f, ok := r.Context().Value(faultKey{}).(Fault); ok && f.NextLink != "" {
		if f.NextLink == "self" {
			self := *r.URL
			self.Scheme, self.Host = "http", r.Host
			out["@odata.nextLink"] = self.String()
		} else {
			out["@odata.nextLink"] = f.NextLink
		}
	}
	writeJSON(w, out)
}

// top reads $top: the page size, or Graph's message refusing it.
func top(q url.Values, def int) (int, string) {
	v := q.Get("$top")
	if v == "" {
		return def, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Sprintf("Invalid value '%s' for $top: it must be between 1 and 1000.", v)
	}
	return n, ""
}

func (s *Server) calendarList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fields, bad := selectFields(q, calendarFields, "calendar")
	n, badTop := top(q, 10)
	if bad = cmp.Or(bad, badTop); bad != "" {
		writeError(w, http.StatusBadRequest, "BadRequest", bad)
		return
	}
	s.mu.Lock()
	var items []map[string]any
	for _, c := range s.calendars {
		items = append(items, trim(toMap(c.Calendar), fields))
	}
	s.mu.Unlock()
	s.pageOf(w, r, len(items), func(i int) map[string]any { return items[i] }, n)
}

func (s *Server) calendarView(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := r.PathValue("id")
	s.mu.Lock()
	c := s.findLocked(id)
	requireSelect := s.requireSelect
	var events []*stored
	if c != nil {
		events = slices.Clone(c.events)
	}
	s.mu.Unlock()
	if c == nil {
		writeError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	if requireSelect && q.Get("$select") == "" {
		writeError(w, http.StatusBadRequest, "BadRequest", "graphtest: calendarView needs a $select")
		return
	}
	fields, bad := selectFields(q, eventFields, "event")
	if bad != "" {
		writeError(w, http.StatusBadRequest, "RequestBroker--ParseUri", bad)
		return
	}
	n, bad := top(q, 10)
	if bad != "" {
		writeError(w, http.StatusBadRequest, "BadRequest", bad)
		return
	}
	from, errFrom := windowTime(q.Get("startDateTime"))
	to, errTo := windowTime(q.Get("endDateTime"))
	if errFrom != nil || errTo != nil {
		writeError(w, http.StatusBadRequest, "ErrorInvalidParameter",
			"This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
		return
	}
	if !to.After(from) {
		writeError(w, http.StatusBadRequest, "ErrorInvalidParameter", "The value of the parameter 'EndDateTime' must be later than 'StartDateTime'.")
		return
	}
	zoneName, loc := preferredZone(r.Header.Get("Prefer"))
	var match []*stored
	for _, e := range events {
		if e.deleted {
			continue
		}
		if e.ok && e.end.After(from) && e.start.Before(to) || e.ok && e.start.Equal(e.end) && !e.start.Before(from) && e.start.Before(to) {
			match = append(match, e)
		}
	}
	slices.SortStableFunc(match, func(a, b *stored) int { return a.start.Compare(b.start) })
	s.pageOf(w, r, len(match), func(i int) map[string]any { return trim(render(match[i], zoneName, loc), fields) }, n)
}

// windowTime reads startDateTime or endDateTime: ISO 8601, UTC when it
// names no offset.
func windowTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, errors.New("missing")
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05", v, time.UTC)
}

// preferredZone reads Prefer: outlook.timezone="…" (UTC when absent or
// unknown, as at Graph).
func preferredZone(prefer string) (string, *time.Location) {
	for _, part := range strings.Split(prefer, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "outlook.timezone") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(v), `"`)
		if loc, ok := loadZone(name); ok {
			return name, loc
		}
	}
	return "UTC", time.UTC
}

// render is an event as Graph serves it: timed starts and ends in the
// preferred zone, all-day ones as the midnights of their dates.
func render(e *stored, zoneName string, loc *time.Location) map[string]any {
	out := make(map[string]any, len(e.obj))
	for k, v := range e.obj {
		out[k] = v
	}
	if !e.ok {
		return out
	}
	for k, t := range map[string]time.Time{"start": e.start, "end": e.end} {
		var text string
		if e.allDay {
			text = dateOf(e.obj[k]) + "T00:00:00.0000000"
		} else {
			text = t.In(loc).Format("2006-01-02T15:04:05.0000000")
		}
		out[k] = map[string]any{"dateTime": text, "timeZone": zoneName}
	}
	return out
}

// dateOf is the date part of an event's start or end.
func dateOf(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["dateTime"].(string)
	d, _, _ := strings.Cut(s, "T")
	return d
}

// instant reads a start or end in Graph's dateTimeTimeZone shape.
func instant(v any, allDay bool, dayZone *time.Location) (time.Time, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, false
	}
	s, _ := m["dateTime"].(string)
	zone, _ := m["timeZone"].(string)
	if allDay {
		t, err := time.ParseInLocation(time.DateOnly, dateOf(v), dayZone)
		return t, err == nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	loc := time.UTC
	if zone != "" {
		if loc, ok = loadZone(zone); !ok {
			return time.Time{}, false
		}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05", s, loc)
	return t, err == nil
}

func zoneOf(name string) *time.Location {
	if loc, ok := loadZone(name); ok {
		return loc
	}
	return time.UTC
}

// loadZone knows IANA names and the Windows names fixtures use.
func loadZone(name string) (*time.Location, bool) {
	if iana, ok := windowsNames[name]; ok {
		name = iana
	}
	if name == "" || strings.Contains(name, " ") {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// windowsNames are the few Windows zone names the fake places events in;
// the client's own table is what is under test, not this one.
var windowsNames = map[string]string{
	"UTC":                       "UTC",
	"W. Europe Standard Time":   "Europe/Berlin",
	"GMT Standard Time":         "Europe/London",
	"Romance Standard Time":     "Europe/Paris",
	"Eastern Standard Time":     "America/New_York",
	"Pacific Standard Time":     "America/Los_Angeles",
	"Central Standard Time":     "America/Chicago",
	"Tokyo Standard Time":       "Asia/Tokyo",
	"AUS Eastern Standard Time": "Australia/Sydney",
	"India Standard Time":       "Asia/Kolkata",
}
