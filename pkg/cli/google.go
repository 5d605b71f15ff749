package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/synccache"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/spf13/pflag"
)

// EnvRetryDelay sets the first wait before a failed Google call is tried
// again (a Go duration; default 1s, doubled on each retry, with jitter). It
// is there for the end-to-end scripts, whose fake Google answers 503 on
// purpose: they run emtime as a user does, and the factory carries no retry
// setting to hand it otherwise. A Retry-After sent by Google still wins.
const EnvRetryDelay = "EMTIME_GOOGLE_RETRY_DELAY"

// EnvTimeout bounds each request to Google (a Go duration): every try of a
// Calendar API call (default 60s) and every try of a call to the OAuth
// token endpoint (default 30s). A Calendar API try that runs out of time
// is tried again, like a dropped connection. Like EnvRetryDelay it is
// there for the tests and end-to-end scripts, whose fake Google can be
// made to stall; --timeout bounds the whole run's Google work.
const EnvTimeout = "EMTIME_GOOGLE_TIMEOUT"

// googleTimeout reads EMTIME_GOOGLE_TIMEOUT: zero when unset, for the
// defaults.
func (f *Factory) googleTimeout() (time.Duration, error) {
	return f.durationEnv(EnvTimeout, "30s")
}

// retryDelay reads EMTIME_GOOGLE_RETRY_DELAY: zero when unset, for the
// defaults.
func (f *Factory) retryDelay() (time.Duration, error) {
	return f.durationEnv(EnvRetryDelay, "1s")
}

// defaultGoogleTimeout bounds all of a run's work with Google (--timeout):
// with retries, a Google that has stopped answering would otherwise hold
// the run for five tries of a minute each.
const defaultGoogleTimeout = 2 * time.Minute

// googleDeadline is the end of a run's work with a provider, --timeout
// after it started ([httpretry.RunLimit]): when it comes, the error says
// "stopped at the --timeout of 2m0s" and what the run was waiting for.
type googleDeadline struct{ limit httpretry.RunLimit }

func newGoogleDeadline(limit time.Duration) googleDeadline {
	if limit <= 0 {
		limit = defaultGoogleTimeout
	}
	return googleDeadline{httpretry.NewRunLimit(limit)}
}

// within is ctx ending at the deadline, with an [httpretry.RunTimeout] as
// its cause.
func (d googleDeadline) within(ctx context.Context) (context.Context, context.CancelFunc) {
	return d.limit.Within(ctx)
}

// googleError is how a failed Google call is told: a refused sign-in in
// the sign-in package's own words, a run out of time, a cache another run
// holds and a cache that lacks what --offline asks for with a hint.
func googleError(err error) error {
	err = plainAuthError(err)
	var rt *httpretry.RunTimeout
	switch {
	case errors.As(err, &rt):
		return withHint(err, "Google is slow or not answering: try again later, or give it longer with --timeout 5m")
	case errors.Is(err, synccache.ErrBusy):
		return cacheBusy(err)
	case errors.Is(err, google.ErrNotCached):
		return withHint(err, "run once without --offline to keep those weeks in the cache (emtime cache status shows what it holds)")
	}
	return err
}

// googleAccess are the flags that read Google Calendar with a service
// account instead of the stored sign-in, and bound the time given to
// Google.
type googleAccess struct {
	ServiceAccount string
	Impersonate    string
	Timeout        time.Duration
}

func (a *googleAccess) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&a.ServiceAccount, "service-account", "", "read Google Calendar with this service account key JSON (Google Workspace, domain-wide delegation)")
	fl.StringVar(&a.Impersonate, "impersonate", "", "with --service-account: the Workspace user whose calendar is read, e.g. me@example.com")
	durationVar(fl, &a.Timeout, "timeout", defaultGoogleTimeout, "give up on Google Calendar or Microsoft 365 after this long, retries and waits included")
}

func (a *googleAccess) check() error {
	if a.Timeout <= 0 {
		return usagef("--timeout must be a positive duration such as 2m, got %s", a.Timeout)
	}
	if a.Impersonate != "" && a.ServiceAccount == "" {
		return usagef("--impersonate needs --service-account: the key of a service account with domain-wide delegation")
	}
	if a.Impersonate != "" && !strings.Contains(a.Impersonate, "@") {
		return usagef("--impersonate %q is not an e-mail address", a.Impersonate)
	}
	return nil
}

// googleSourceOptions are the flags of analyze and events that choose what
// is read from Google Calendar, the source used when neither --ics nor
// --demo is given, and how its cache is used.
type googleSourceOptions struct {
	Calendars []string
	googleAccess
	// Refresh reads every calendar in full; Offline reads the cache
	// alone; NoCache neither reads nor writes it.
	Refresh, Offline, NoCache bool
}

// googleCacheFlags are the flags of the cache, Google's and Microsoft's.
var googleCacheFlags = []string{"refresh", "offline", "no-cache"}

func (g *googleSourceOptions) addFlags(fl *pflag.FlagSet) {
	fl.StringArrayVar(&g.Calendars, "calendar", nil, "read this calendar: a Google calendar's id (default primary), or a Microsoft 365 calendar's name or id (default: your default calendar); repeatable; see emtime calendars")
	g.googleAccess.addFlags(fl)
	fl.BoolVar(&g.Refresh, "refresh", false, "read the Google or Microsoft 365 calendars in full again, not only what changed since the cached copy")
	fl.BoolVar(&g.Offline, "offline", false, "ask Google or Microsoft nothing: count the cached copy of the calendars, saying how old it is")
	fl.BoolVar(&g.NoCache, "no-cache", false, "read Google Calendar or Microsoft 365 without the cache: neither read nor keep a copy")
}

// check validates the Google flags' values; whether they go with the
// calendar chosen is checked with the other kinds' (see checkSources).
func (g *googleSourceOptions) check() error {
	for _, id := range g.Calendars {
		if strings.TrimSpace(id) == "" {
			return usagef("--calendar needs a calendar id, such as primary (see emtime calendars)")
		}
	}
	var given []string
	for _, f := range []struct {
		on   bool
		name string
	}{{g.Refresh, "--refresh"}, {g.Offline, "--offline"}, {g.NoCache, "--no-cache"}} {
		if f.on {
			given = append(given, f.name)
		}
	}
	if len(given) > 1 {
		return usagef("%s and %s cannot be combined: --refresh reads the calendars in full, --offline reads only the cache, --no-cache reads them without it", given[0], given[1])
	}
	return g.googleAccess.check()
}

// ids are the calendars to read.
func (g *googleSourceOptions) ids() []string {
	if len(g.Calendars) == 0 {
		return []string{"primary"}
	}
	return g.Calendars
}

// openGoogle opens the calendars of g.Calendars (--calendar, else the
// config file's) as one source. It reads nothing yet: the loading asks the
// source for its owner and zone, then its events.
func (f *Factory) openGoogle(ctx context.Context, g googleSourceOptions) ([]pipeline.Calendar, error) {
	creds, err := f.googleCredentials(ctx, g.googleAccess, true)
	if err != nil {
		return nil, err
	}
	ids := g.ids()
	line := f.progressLine(len(ids))
	gopts := google.Options{CalendarIDs: ids}
	if line != nil {
		gopts.Progress = line.show
		gopts.Retrying = line.retrying
	}
	if gopts.Cache, err = f.googleCache(g, creds, line); err != nil {
		return nil, err
	}
	src, err := f.googleSource(ctx, creds, gopts)
	if err != nil {
		return nil, err
	}
	s := &googleSource{src: src, line: line, deadline: newGoogleDeadline(g.Timeout)}
	return []pipeline.Calendar{{Name: "google:" + strings.Join(ids, ","), Source: s}}, nil
}

// googleSource is Google Calendar as the commands use it: the account read
// once, every call within the run's --timeout, failures told plainly, and
// on a terminal a line saying what it waits for, cleared when done.
type googleSource struct {
	src      *google.Source
	line     *progressLine // nil when stderr is not a terminal
	deadline googleDeadline
	info     *calendar.Info
}

func (s *googleSource) Info(ctx context.Context) (calendar.Info, error) {
	if s.info == nil {
		ctx, cancel := s.deadline.within(ctx)
		defer cancel()
		s.line.status("reading your Google Calendar settings…")
		info, err := s.src.Info(ctx)
		s.line.clear()
		if err != nil {
			return calendar.Info{}, googleError(err)
		}
		s.info = &info
	}
	return *s.info, nil
}

func (s *googleSource) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	ctx, cancel := s.deadline.within(ctx)
	defer cancel()
	s.line.show(0, 0)
	res, err := s.src.Events(ctx, q)
	s.line.clear()
	return res, googleError(err)
}

// listCalendars is the Google work of `emtime calendars`: the calendar
// list, within --timeout, with its retries shown on a terminal.
func (f *Factory) listCalendars(ctx context.Context, a googleAccess) ([]google.Calendar, error) {
	ctx, cancel := newGoogleDeadline(a.Timeout).within(ctx)
	defer cancel()
	creds, err := f.googleCredentials(ctx, a, false)
	if err != nil {
		return nil, err
	}
	line := f.progressLine(0)
	var gopts google.Options
	if line != nil {
		gopts.Retrying = line.retrying
	}
	src, err := f.googleSource(ctx, creds, gopts)
	if err != nil {
		return nil, err
	}
	line.status("reading your Google calendar list…")
	cals, err := src.ListCalendars(ctx)
	line.clear()
	return cals, googleError(err)
}

// progressLine is the line drawn on a terminal's stderr while Google is
// read: how far, or what emtime waits for. It is never drawn when stderr
// is not a terminal: [Factory.progressLine] is nil then, and so are its
// calls.
type progressLine struct {
	mu      sync.Mutex
	w       io.Writer
	service string // what is read: "Google Calendar"
	total   int
	drawn   bool
}

// progressLine is a line for reading total Google calendars, or nil when
// stderr is not a terminal.
func (f *Factory) progressLine(total int) *progressLine {
	return f.progressLineOf("Google Calendar", total)
}

// progressLineOf is a line for reading total calendars of service
// ("Microsoft 365"), or nil when stderr is not a terminal.
func (f *Factory) progressLineOf(service string, total int) *progressLine {
	if !f.IO.ErrTTY {
		return nil
	}
	return &progressLine{w: f.IO.ErrOut, service: service, total: total}
}

func (p *progressLine) status(text string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\x1b[Kemtime: %s", text)
	p.drawn = true
}

func (p *progressLine) show(calendarsDone, events int) {
	if p == nil {
		return
	}
	noun := "events"
	if events == 1 {
		noun = "event"
	}
	p.status(fmt.Sprintf("reading %s: %d of %d calendars, %d %s", p.service, calendarsDone, p.total, events, noun))
}

// retrying tells a retry: "calendar primary: Google asked to wait 20 s
// (rate limit); retrying 2/5…", or "Microsoft Graph: rate limit; retrying
// 2/5 in 1 s…" when the request is not named.
func (p *progressLine) retrying(n google.RetryNotice) {
	switch {
	case n.What != "":
		p.status(n.What + ": " + n.String())
	case n.Asked: // the notice names who asked
		p.status(n.String())
	default:
		p.status(n.Service + ": " + n.String())
	}
}

// note prints a note on stderr, under the line if one is drawn.
func (f *Factory) note(p *progressLine, text string) {
	text = "emtime: note: " + textsafe.Line(text) + "\n"
	if p == nil {
		fmt.Fprint(f.IO.ErrOut, text)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
	fmt.Fprint(p.w, text)
}

func (p *progressLine) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

// plainAuthError turns a call that failed because Google refused the
// credentials into the sign-in package's own message, which says what to
// do, instead of the failed request's.
func plainAuthError(err error) error {
	if err == nil {
		return nil
	}
	for _, target := range []error{auth.ErrSignInAgain, auth.ErrAccessTokenRefused, auth.ErrServiceAccountRefused} {
		if errors.Is(err, target) {
			var ue *url.Error
			if errors.As(err, &ue) {
				return ue.Err
			}
			return err
		}
	}
	return err
}

// googleCredentials finds the credentials to call Google with: the service
// account of --service-account, EMTIME_ACCESS_TOKEN, or the stored sign-in.
// Nobody signed in is an error whose hint says what to do; forAnalysis adds
// the other sources to the hint.
func (f *Factory) googleCredentials(ctx context.Context, a googleAccess, forAnalysis bool) (*auth.Credentials, error) {
	dir, err := auth.ConfigDir(f.Getenv)
	if err != nil {
		return nil, err
	}
	var key []byte
	if a.ServiceAccount != "" {
		if key, err = auth.ReadKeyFile(a.ServiceAccount); err != nil {
			return nil, fmt.Errorf("--service-account: %w", err)
		}
	}
	timeout, err := f.googleTimeout()
	if err != nil {
		return nil, err
	}
	delay, err := f.retryDelay()
	if err != nil {
		return nil, err
	}
	creds, err := auth.Resolve(ctx, auth.Options{
		Dir:               dir,
		Getenv:            f.Getenv,
		Endpoints:         auth.EndpointsFromEnv(f.Getenv),
		ServiceAccountKey: key,
		Impersonate:       a.Impersonate,
		TokenTimeout:      timeout,
		TokenRetry:        auth.TokenRetry{BaseDelay: delay},
	})
	if errors.Is(err, auth.ErrNotSignedIn) {
		return nil, withHint(errors.New("not signed in to Google Calendar"), notSignedInHint(dir, f.Getenv, forAnalysis))
	}
	return creds, err
}

// notSignedInHint says how to sign in: with the client JSON when none is
// kept yet.
func notSignedInHint(dir string, getenv func(string) string, forAnalysis bool) string {
	login := "'emtime auth login'"
	if _, err := auth.LoadClient(dir, getenv); err != nil {
		login = "'emtime auth login --credentials client_secret.json' (the README shows how to get that file)"
	}
	if !forAnalysis {
		return "sign in with " + login
	}
	return "sign in with " + login + ", or try the built-in demo with --demo, or read an export with --ics calendar.ics"
}

// googleSource builds a Google Calendar source over creds, with the API
// address of EMTIME_GOOGLE_API_URL, the retry delay of
// EMTIME_GOOGLE_RETRY_DELAY and the deadline of EMTIME_GOOGLE_TIMEOUT.
func (f *Factory) googleSource(ctx context.Context, creds *auth.Credentials, opts google.Options) (*google.Source, error) {
	opts.HTTPClient = creds.Client()
	opts.BaseURL = f.Getenv(google.EnvAPIURL)
	timeout, err := f.googleTimeout()
	if err != nil {
		return nil, err
	}
	opts.Retry.Timeout = timeout
	if opts.Retry.BaseDelay, err = f.retryDelay(); err != nil {
		return nil, err
	}
	return google.New(ctx, opts)
}
