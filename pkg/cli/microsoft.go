package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/config"
	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/synccache"
)

// EnvMicrosoftRetryDelay and EnvMicrosoftTimeout are to Microsoft what
// [EnvRetryDelay] and [EnvTimeout] are to Google: the first wait before a
// failed call to Microsoft Graph or to the sign-in's token endpoint is
// tried again (default 1s), and how long one try may take (default 60s
// for Graph, 30s for the token endpoint). They are there for the tests and
// end-to-end scripts, whose fakes answer 429 or stall on purpose.
const (
	EnvMicrosoftRetryDelay = "EMTIME_MICROSOFT_RETRY_DELAY"
	EnvMicrosoftTimeout    = "EMTIME_MICROSOFT_TIMEOUT"
)

// durationEnv reads the duration in the environment variable name: zero
// when unset, for the defaults.
func (f *Factory) durationEnv(name, example string) (time.Duration, error) {
	v := f.Getenv(name)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as %s", name, v, example)
	}
	return d, nil
}

// microsoftKnobs reads EMTIME_MICROSOFT_TIMEOUT and
// EMTIME_MICROSOFT_RETRY_DELAY.
func (f *Factory) microsoftKnobs() (timeout, delay time.Duration, err error) {
	if timeout, err = f.durationEnv(EnvMicrosoftTimeout, "30s"); err != nil {
		return 0, 0, err
	}
	if delay, err = f.durationEnv(EnvMicrosoftRetryDelay, "1s"); err != nil {
		return 0, 0, err
	}
	return timeout, delay, nil
}

// microsoftCredentials finds the credentials to call Microsoft Graph with:
// EMTIME_MICROSOFT_ACCESS_TOKEN, used as is, or the stored Microsoft
// sign-in, refreshed and saved back. Nobody signed in is an error whose
// hint says what to do; forAnalysis adds the other sources to the hint.
func (f *Factory) microsoftCredentials(ctx context.Context, forAnalysis bool) (*auth.Credentials, error) {
	dir, p, store, err := f.providerStore(auth.ProviderMicrosoft)
	if err != nil {
		return nil, err
	}
	timeout, delay, err := f.microsoftKnobs()
	if err != nil {
		return nil, err
	}
	creds, err := auth.Resolve(ctx, auth.Options{
		Provider:     &p,
		Dir:          dir,
		Getenv:       f.Getenv,
		Store:        store,
		TokenTimeout: timeout,
		TokenRetry:   auth.TokenRetry{BaseDelay: delay},
	})
	if errors.Is(err, auth.ErrNotSignedIn) {
		hint := signInHint(p, dir, f.Getenv, false)
		if forAnalysis {
			hint += ", or try the built-in demo with --demo, or read an export with --ics calendar.ics"
		}
		return nil, withHint(errors.New("not signed in to Microsoft 365"), hint)
	}
	return creds, err
}

// microsoftHTTPClient is the client a Microsoft Graph source reads with:
// creds' transport (which authorizes every request and refreshes a
// refused token once) behind the shared retrying one
// ([microsoft.RetryTransport]), each try bounded by EMTIME_MICROSOFT_TIMEOUT
// (default 60s), the first retry after EMTIME_MICROSOFT_RETRY_DELAY
// (default 1s); retrying, when set, is told of each retry (a progress
// line; calls may come from several calendars at once).
func (f *Factory) microsoftHTTPClient(creds *auth.Credentials, retrying func(httpretry.Notice)) (*http.Client, error) {
	timeout, delay, err := f.microsoftKnobs()
	if err != nil {
		return nil, err
	}
	c := creds.Client()
	rt := microsoft.RetryTransport(c.Transport, httpretry.Policy{Timeout: timeout, BaseDelay: delay})
	rt.Retrying = retrying
	c.Transport = rt
	return c, nil
}

// microsoftClient is what a Microsoft 365 source is opened with: an HTTP
// client for Microsoft Graph with the user's credentials resolved
// ([Factory.microsoftCredentials]) and the retrying transport
// ([Factory.microsoftHTTPClient]); the base URL is EMTIME_GRAPH_API_URL's
// ([microsoft.EnvAPIURL]). Bound the run's work with [newGoogleDeadline]'s
// within, and tell its failures with [microsoftError].
func (f *Factory) microsoftClient(ctx context.Context, forAnalysis bool, retrying func(httpretry.Notice)) (*http.Client, *auth.Credentials, error) {
	creds, err := f.microsoftCredentials(ctx, forAnalysis)
	if err != nil {
		return nil, nil, err
	}
	hc, err := f.microsoftHTTPClient(creds, retrying)
	if err != nil {
		return nil, nil, err
	}
	return hc, creds, nil
}

// microsoftError is how a failed Microsoft Graph call is told: a refused
// sign-in in the sign-in package's own words, Graph's error with what the
// user can do about it, a run out of time with a hint.
func microsoftError(err error) error {
	if err == nil {
		return nil
	}
	for _, target := range []error{auth.ErrSignInAgain, auth.ErrAccessTokenRefused} {
		if errors.Is(err, target) {
			var me *microsoft.Error
			if errors.As(err, &me) && me.Err != nil {
				return me.Err
			}
			return err
		}
	}
	var rt *httpretry.RunTimeout
	switch {
	case errors.As(err, &rt):
		return withHint(err, "Microsoft 365 is slow or not answering: try again later, or give it longer with --timeout 5m")
	case errors.Is(err, synccache.ErrBusy):
		return cacheBusy(err)
	case errors.Is(err, microsoft.ErrNotCached):
		return withHint(err, "run once without --offline to keep those weeks in the cache (emtime cache status shows what it holds)")
	}
	var me *microsoft.Error
	if errors.As(err, &me) {
		if hint := me.Hint(); hint != "" {
			return withHint(err, hint)
		}
	}
	if errors.Is(err, microsoft.ErrNoSuchCalendar) {
		return withHint(err, "emtime calendars --source microsoft lists the calendars you can read, with their names")
	}
	return err
}

// openMicrosoft opens the Microsoft 365 calendars named (each by the name
// Outlook shows or its id, from --calendar or the config file; none: the
// default calendar) as one source, me being more addresses of the user.
// It reads nothing yet: the loading asks the source for its owner, zone
// and working hours, then its events, all within timeout (--timeout).
func (f *Factory) openMicrosoft(ctx context.Context, names, me []string, timeout time.Duration, g googleSourceOptions) ([]pipeline.Calendar, error) {
	line := f.progressLineOf("Microsoft 365", max(len(names), 1))
	var retrying func(httpretry.Notice)
	if line != nil {
		retrying = line.retrying
	}
	hc, creds, err := f.microsoftClient(ctx, true, retrying)
	if err != nil {
		return nil, err
	}
	mopts := microsoft.Options{HTTPClient: hc, BaseURL: f.Getenv(microsoft.EnvAPIURL), Calendars: names, Me: me}
	if mopts.Cache, err = f.microsoftCache(g, creds, line); err != nil {
		return nil, err
	}
	if line != nil {
		mopts.Progress = line.show
	}
	src, err := microsoft.New(mopts)
	if err != nil {
		return nil, err
	}
	shown := names
	if len(shown) == 0 {
		shown = []string{"default"}
	}
	s := &microsoftSource{src: src, line: line, deadline: newGoogleDeadline(timeout)}
	return []pipeline.Calendar{{Name: "microsoft:" + strings.Join(shown, ","), Source: s}}, nil
}

// microsoftSource is Microsoft 365 as the commands use it, as
// [googleSource] is Google Calendar: who signed in, the mailbox settings
// and the calendars read once, every call within the run's --timeout,
// failures told plainly, and on a terminal a line saying what it waits
// for, cleared when done. It also gives the working hours set in Outlook
// ([mailboxSource]).
type microsoftSource struct {
	src      *microsoft.Source
	line     *progressLine // nil when stderr is not a terminal
	deadline googleDeadline
	info     *calendar.Info
}

func (s *microsoftSource) Info(ctx context.Context) (calendar.Info, error) {
	if s.info == nil {
		ctx, cancel := s.deadline.within(ctx)
		defer cancel()
		s.line.status("reading your Microsoft 365 settings…")
		info, err := s.src.Info(ctx)
		s.line.clear()
		if err != nil {
			return calendar.Info{}, microsoftError(err)
		}
		s.info = &info
	}
	return *s.info, nil
}

func (s *microsoftSource) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	ctx, cancel := s.deadline.within(ctx)
	defer cancel()
	s.line.show(0, 0)
	res, err := s.src.Events(ctx, q)
	s.line.clear()
	return res, microsoftError(err)
}

// mailboxSettings names the working hours set in Outlook where `config
// show` says where a setting came from.
const mailboxSettings = "microsoft mailbox settings"

// Mailbox is the working hours set in Outlook, from the mailbox settings
// ([microsoftSource.Info] reads them too: they are read once).
func (s *microsoftSource) Mailbox(ctx context.Context) (mailboxHours, error) {
	ctx, cancel := s.deadline.within(ctx)
	defer cancel()
	s.line.status("reading your Microsoft 365 settings…")
	mb, err := s.src.Mailbox(ctx)
	s.line.clear()
	if err != nil {
		return mailboxHours{}, microsoftError(err)
	}
	out := mailboxHours{warnings: mb.Warnings}
	if wh := mb.WorkingHours; wh != nil {
		layer := &config.Mailbox{Source: mailboxSettings}
		span := analyze.Span{Start: wh.Start.Truncate(time.Minute), End: wh.End.Truncate(time.Minute)}
		for _, d := range wh.Days {
			layer.Hours[d] = span
		}
		out.layer, out.zone = layer, wh.Zone
	}
	return out, nil
}

// listMicrosoftCalendars is the Microsoft 365 work of `emtime calendars
// --source microsoft`: the calendar list, within timeout (--timeout), with
// its retries shown on a terminal.
func (f *Factory) listMicrosoftCalendars(ctx context.Context, timeout time.Duration) ([]microsoft.Calendar, error) {
	ctx, cancel := newGoogleDeadline(timeout).within(ctx)
	defer cancel()
	line := f.progressLineOf("Microsoft 365", 0)
	var retrying func(httpretry.Notice)
	if line != nil {
		retrying = line.retrying
	}
	hc, _, err := f.microsoftClient(ctx, false, retrying)
	if err != nil {
		return nil, err
	}
	src, err := microsoft.New(microsoft.Options{HTTPClient: hc, BaseURL: f.Getenv(microsoft.EnvAPIURL)})
	if err != nil {
		return nil, err
	}
	line.status("reading your Microsoft 365 calendar list…")
	cals, err := src.ListCalendars(ctx)
	line.clear()
	return cals, microsoftError(err)
}
