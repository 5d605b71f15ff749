package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/textsafe"
	"golang.org/x/oauth2"
)

// DeviceOptions configure [DeviceLogin].
type DeviceOptions struct {
	// Provider is who is signed in to: one with a device endpoint
	// (Microsoft's).
	Provider *Provider
	// Client is the OAuth client: a public client's id.
	Client Client
	// Out receives the instructions for the user (stderr); nil discards.
	Out io.Writer
	// HTTPClient calls the device and token endpoints; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// TokenTimeout bounds each try of a call to those endpoints when
	// HTTPClient has no Timeout of its own; zero means
	// [DefaultTokenTimeout].
	TokenTimeout time.Duration
	// TokenRetry bounds the retries of each of those calls.
	TokenRetry TokenRetry
	// Sleep waits between two polls of the token endpoint; nil means a
	// timer. Tests record the waits through it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// deviceGrant is the device flow's grant type (RFC 8628).
const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// defaultDeviceLifetime is how long a device code is waited for when the
// provider does not say (RFC 8628 makes it say).
const defaultDeviceLifetime = 15 * time.Minute

// DeviceLogin runs the device sign-in (RFC 8628), for a machine without a
// browser: it asks the provider's device endpoint for a code, prints on
// Out where to enter it (on any device) and the code, then polls the token
// endpoint at the interval the provider asks for (five seconds more each
// time it says slow_down) until the user approved, declined or the code
// expired. The code's lifetime bounds the polls, counted in the intervals
// waited as well as on the clock.
//
// Like [Login], it returns a sign-in with no Account yet, holding the
// client and tenant it was made with; its refusals are told in the
// provider's plain words where there is a remedy (Microsoft's "Allow
// public client flows", an administrator's consent). A code that expired
// before the user approved is an error matching [ErrLoginTimeout].
func DeviceLogin(ctx context.Context, opts DeviceOptions) (Stored, error) {
	if opts.Provider == nil {
		return Stored{}, errors.New("the device sign-in needs a provider that offers it (Microsoft)")
	}
	p := *opts.Provider
	var out io.Writer = io.Discard
	if opts.Out != nil {
		out = opts.Out
	}
	if p.endpoint().DeviceURL == "" {
		return Stored{}, fmt.Errorf("%s offers no device sign-in to emtime: sign in with a browser (--no-browser prints the address to open elsewhere)", p.Title)
	}
	if opts.Client.ID == "" {
		return Stored{}, fmt.Errorf("no client to sign in to %s with", p.Title)
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = httpretry.Sleep
	}
	conf := p.config(opts.Client, "")
	hc := tokenClient(opts.HTTPClient, opts.TokenTimeout, opts.TokenRetry, p)
	da, err := conf.DeviceAuth(context.WithValue(ctx, oauth2.HTTPClient, hc))
	if err != nil {
		return Stored{}, newSafe("start the device sign-in: "+p.describeTokenErr(err, conf.ClientID), err)
	}
	lifetime := defaultDeviceLifetime
	if !da.Expiry.IsZero() {
		lifetime = max(time.Until(da.Expiry), 0)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, lifetime)
	defer cancel()

	fmt.Fprintf(out, "To sign in to %s, open this address in a browser, on this machine or another one:\n\n  %s\n\nand enter the code %s\n\n",
		p.Title, clip(textsafe.Line(da.VerificationURI), 300), clip(textsafe.Line(da.UserCode), 60))
	fmt.Fprintf(out, "Waiting up to %s for the sign-in…\n", httpretry.HumanWait(lifetime))

	interval := time.Duration(da.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second // RFC 8628's default
	}
	expired := func() error {
		return newSafe(fmt.Sprintf("the code expired before the sign-in was approved: run %s --device again", p.Login), ErrLoginTimeout)
	}
	// ended says why ctx ended: the code's lifetime, or the caller.
	ended := func() error {
		if parent.Err() == nil {
			return expired()
		}
		return fmt.Errorf("sign-in: %w", parent.Err())
	}
	var waited time.Duration
	for {
		if waited += interval; waited > lifetime {
			return Stored{}, expired()
		}
		if err := sleep(ctx, interval); err != nil {
			if ctx.Err() != nil {
				return Stored{}, ended()
			}
			return Stored{}, fmt.Errorf("sign-in: %w", err)
		}
		tok, err := pollDevice(ctx, hc, conf, da.DeviceCode)
		if err == nil {
			return p.signedIn(ctx, hc, conf, tok)
		}
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) {
			if ctx.Err() != nil {
				return Stored{}, ended()
			}
			return Stored{}, newSafe("finish the device sign-in: "+p.describeTokenErr(err, conf.ClientID), err)
		}
		switch re.ErrorCode {
		case "authorization_pending":
		case "slow_down":
			interval += 5 * time.Second
		case "expired_token":
			return Stored{}, expired()
		case "authorization_declined", "access_denied":
			return Stored{}, newSafe(fmt.Sprintf("the sign-in was declined: run %s --device again, and approve it", p.Login), err)
		default:
			return Stored{}, newSafe("finish the device sign-in: "+p.describeTokenErr(err, conf.ClientID), err)
		}
	}
}

// pollDevice asks the token endpoint once whether the device code was
// approved: a token, or the endpoint's refusal as an
// [*oauth2.RetrieveError] ("authorization_pending" while the user has not
// answered).
func pollDevice(ctx context.Context, hc *http.Client, conf *oauth2.Config, deviceCode string) (*oauth2.Token, error) {
	form := url.Values{"client_id": {conf.ClientID}, "grant_type": {deviceGrant}, "device_code": {deviceCode}}
	if conf.ClientSecret != "" {
		form.Set("client_secret", conf.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, conf.Endpoint.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, errors.New("bad token endpoint address")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxTokenAnswer))
	if err != nil {
		return nil, fmt.Errorf("read the token endpoint's answer: %w", err)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		re := &oauth2.RetrieveError{Response: res, Body: body}
		var e struct {
			Code        string `json:"error"`
			Description string `json:"error_description"`
			URI         string `json:"error_uri"`
		}
		if json.Unmarshal(body, &e) == nil {
			re.ErrorCode, re.ErrorDescription, re.ErrorURI = e.Code, e.Description, e.URI
		}
		return nil, re
	}
	var t struct {
		AccessToken  string      `json:"access_token"`
		TokenType    string      `json:"token_type"`
		RefreshToken string      `json:"refresh_token"`
		ExpiresIn    json.Number `json:"expires_in"`
		Scope        string      `json:"scope"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return nil, errors.New("the token endpoint's answer holds no access token")
	}
	tok := &oauth2.Token{AccessToken: t.AccessToken, TokenType: t.TokenType, RefreshToken: t.RefreshToken}
	if secs, err := t.ExpiresIn.Int64(); err == nil && secs > 0 && secs < 1<<31 {
		tok.Expiry = time.Now().Add(time.Duration(secs) * time.Second)
	}
	return tok.WithExtra(map[string]any{"scope": t.Scope}), nil
}
