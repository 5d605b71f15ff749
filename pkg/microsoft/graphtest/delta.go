package graphtest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The delta query of a calendar view, as Graph serves it
// (/me/calendarView/delta, /me/calendar/calendarView/delta,
// /me/calendars/{id}/calendarView/delta):
//
//   - A round starts with startDateTime and endDateTime and no other
//     query option: $select, $filter, $orderby, $expand, $search and $top
//     are refused (400), as Graph does not take them on a calendar view's
//     delta; every property of an event comes back. The page size is
//     asked with Prefer: odata.maxpagesize=N (default 10).
//   - Pages follow through @odata.nextLink ($skiptoken); the last page
//     carries an @odata.deltaLink ($deltatoken) instead, which starts the
//     next round over the same window and calendar: the tokens carry
//     them, and a request with a token takes no window of its own.
//   - The first round lists the events in the window as calendarView
//     does. A later round lists each event changed since the token that
//     lies in the window now, whole, and each that lay in it when the
//     token was given and no longer does as {"id": …, "@removed":
//     {"reason": "deleted"}} (deleted) or {"reason": "changed"} (moved
//     out); an event that changes while a round is paged is seen by the
//     next round.
//   - A token handed out before [Server.ExpireDeltaTokens] answers 410
//     Gone with code SyncStateNotFound; one the fake cannot read, 400.

// deltaToken is the state a skip or delta token carries.
type deltaToken struct {
	Calendar string `json:"c"`
	From     int64  `json:"f"`
	To       int64  `json:"t"`
	// Since is the change the round lists changes after (0: the first
	// round, listing the window in full); Upto the last change it lists.
	Since int `json:"s"`
	Upto  int `json:"u"`
	Epoch int `json:"e"`
	// AfterSeq and AfterID are the last item of the pages served.
	AfterSeq int    `json:"as,omitempty"`
	AfterID  string `json:"ai,omitempty"`
	Page     int    `json:"p,omitempty"`
}

func (t deltaToken) String() string {
	b, _ := json.Marshal(t)
	return "dt." + base64.RawURLEncoding.EncodeToString(b)
}

func parseDeltaToken(v string) (deltaToken, error) {
	var t deltaToken
	raw, ok := strings.CutPrefix(v, "dt.")
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil && ok {
		err = json.Unmarshal(b, &t)
	}
	if err != nil || !ok || t.To <= t.From {
		return deltaToken{}, errors.New("unreadable token")
	}
	return t, nil
}

// notOnDelta are the query options Graph does not take on a calendar
// view's delta.
var notOnDelta = []string{"$select", "$filter", "$orderby", "$expand", "$search", "$top", "$skip", "$count"}

func (s *Server) delta(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, opt := range notOnDelta {
		if q.Has(opt) {
			writeError(w, http.StatusBadRequest, "ErrorInvalidUrlQuery", "The query parameter '"+opt+"' is not supported with delta on a calendar view.")
			return
		}
	}
	id := r.PathValue("id")
	s.mu.Lock()
	epoch, now := s.epoch, s.seq
	s.mu.Unlock()

	var tok deltaToken
	tokenText := cmp.Or(q.Get("$deltatoken"), q.Get("$skiptoken"))
	switch {
	case tokenText != "":
		var err error
		if tok, err = parseDeltaToken(tokenText); err != nil || tok.Calendar != id {
			writeError(w, http.StatusBadRequest, "ErrorInvalidSyncStateData", "The sync state data in the request is not valid.")
			return
		}
		if tok.Epoch != epoch {
			writeError(w, http.StatusGone, "SyncStateNotFound", "The sync state is no longer held: synchronize the view in full again.")
			return
		}
		if q.Get("$deltatoken") != "" {
			// A new round: the changes after the last one's.
			tok = deltaToken{Calendar: id, From: tok.From, To: tok.To, Since: tok.Upto, Upto: now, Epoch: epoch}
		}
	default:
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
		tok = deltaToken{Calendar: id, From: from.Unix(), To: to.Unix(), Since: 0, Upto: now, Epoch: epoch}
	}
	from, to := time.Unix(tok.From, 0).UTC(), time.Unix(tok.To, 0).UTC()

	s.mu.Lock()
	c := s.findLocked(id)
	type item struct {
		seq int
		id  string
		obj map[string]any
	}
	var items []item
	zoneName, loc := preferredZone(r.Header.Get("Prefer"))
	if c != nil {
		for _, e := range c.events {
			eid, _ := e.obj["id"].(string)
			at := e.at(tok.Upto)
			if at.seq == 0 || at.seq <= tok.Since {
				continue // unchanged in the round (or not there yet)
			}
			switch {
			case at.overlaps(from, to) && at.seq == e.seq && s.partial && e.changed != nil && tok.Since > 0 && e.at(tok.Since).overlaps(from, to):
				// Graph may send an update as the properties changed.
				full := render(e, zoneName, loc)
				part := map[string]any{"id": eid}
				for _, k := range e.changed {
					if v, ok := full[k]; ok {
						part[k] = v
					} else {
						part[k] = nil
					}
				}
				items = append(items, item{at.seq, eid, part})
			case at.overlaps(from, to) && at.seq == e.seq:
				items = append(items, item{at.seq, eid, render(e, zoneName, loc)})
			case at.overlaps(from, to):
				// Changed again since the round began: the next round
				// sends it.
				continue
			case tok.Since > 0 && e.at(tok.Since).overlaps(from, to):
				reason := "changed"
				if at.deleted {
					reason = "deleted"
				}
				items = append(items, item{at.seq, eid, map[string]any{"id": eid, "@removed": map[string]any{"reason": reason}}})
			}
		}
	}
	sizes := slices.Clone(s.pageSizes)
	s.mu.Unlock()
	if c == nil {
		writeError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Or(cmp.Compare(a.seq, b.seq), strings.Compare(a.id, b.id)) })
	start := 0
	if tok.AfterSeq > 0 || tok.AfterID != "" {
		start = len(items)
		for i, it := range items {
			if it.seq > tok.AfterSeq || it.seq == tok.AfterSeq && it.id > tok.AfterID {
				start = i
				break
			}
		}
	}
	size := maxPageSize(r.Header.Get("Prefer"), 10)
	if len(sizes) > 0 {
		size = min(size, sizes[tok.Page%len(sizes)])
	}
	end := min(start+size, len(items))
	values := make([]map[string]any, 0, end-start)
	for _, it := range items[start:end] {
		values = append(values, it.obj)
	}
	out := map[string]any{"value": values}
	link := func(param string, t deltaToken) string {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		u.RawQuery = param + "=" + t.String()
		return u.String()
	}
	if end < len(items) {
		next := tok
		next.Page++
		if end > start {
			next.AfterSeq, next.AfterID = items[end-1].seq, items[end-1].id
		}
		out["@odata.nextLink"] = link("$skiptoken", next)
	} else {
		out["@odata.deltaLink"] = link("$deltatoken", deltaToken{Calendar: id, From: tok.From, To: tok.To, Since: tok.Since, Upto: tok.Upto, Epoch: tok.Epoch})
	}
	if f, ok := r.Context().Value(faultKey{}).(Fault); ok {
		if f.NextLink == "self" {
			self := *r.URL
			self.Scheme, self.Host = "http", r.Host
			out["@odata.nextLink"] = self.String()
			delete(out, "@odata.deltaLink")
		} else if f.NextLink != "" {
			out["@odata.nextLink"] = f.NextLink
			delete(out, "@odata.deltaLink")
		}
		if f.DeltaLink != "" {
			out["@odata.deltaLink"] = f.DeltaLink
			delete(out, "@odata.nextLink")
		}
	}
	writeJSON(w, out)
}

// at is where e lay as of change seq: its version then (seq 0 when it
// did not exist yet).
func (e *stored) at(seq int) version {
	var v version
	for _, h := range e.history {
		if h.seq > seq {
			break
		}
		v = h
	}
	return v
}

// maxPageSize reads Prefer: odata.maxpagesize=N.
func maxPageSize(prefer string, def int) int {
	for _, part := range strings.Split(prefer, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "odata.maxpagesize") {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
			return min(n, 1000)
		}
	}
	return def
}

// SetPartialUpdates says whether a delta round sends an event changed
// by [Server.UpdateEvent] (and seen by the client before) as its id and
// the properties changed only, as Graph's documentation allows ("at
// least the properties that have been updated"); by default it sends
// the whole event.
func (s *Server) SetPartialUpdates(partial bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = partial
}

// UpdateEvent changes the event of that id on a calendar ("" for the
// default one), as a user editing it in Outlook: each field given
// replaces the event's (nil removes it); "start" and "end" may be given
// as time.Time, served in UTC. It reports whether there was one.
func (s *Server) UpdateEvent(calendarID, id string, fields map[string]any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.findLocked(calendarID)
	if c == nil {
		return false
	}
	for i, e := range c.events {
		if e.obj["id"] != id || e.deleted {
			continue
		}
		obj := make(map[string]any, len(e.obj))
		for k, v := range e.obj {
			obj[k] = v
		}
		for k, v := range fields {
			switch v := v.(type) {
			case nil:
				delete(obj, k)
			case time.Time:
				obj[k] = map[string]any{"dateTime": v.UTC().Format("2006-01-02T15:04:05.0000000"), "timeZone": "UTC"}
			default:
				obj[k] = v
			}
		}
		n := s.place(obj)
		n.history = e.history
		for k := range fields {
			n.changed = append(n.changed, k)
		}
		c.events[i] = n
		s.changedLocked(n)
		return true
	}
	return false
}
