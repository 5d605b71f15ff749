package auth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emtime/emtime/pkg/bug"
	"golang.org/x/oauth2"
)

// DefaultLoginTimeout is how long [Login] waits for the browser by default.
const DefaultLoginTimeout = 5 * time.Minute

// ErrLoginTimeout is returned, wrapped, when nobody approved the sign-in in
// time. Its message is Google's; other providers' say their own words.
var ErrLoginTimeout = errors.New("timed out waiting for the google sign-in")

// ErrStateMismatch means an answer that reached the loopback address, or
// was pasted, was not for this sign-in (its state differs, or it has
// none) and was refused. [Login] keeps waiting for the real one; when none
// comes in time, its timeout error wraps this too.
var ErrStateMismatch = errors.New("the sign-in answer does not belong to this sign-in (state mismatch)")

// ErrNothingPasted is returned, wrapped, when [LoginOptions.Paste] ends
// before a sign-in address was pasted, and the browser had not come back
// to the loopback address either.
var ErrNothingPasted = errors.New("nothing was pasted (standard input is closed)")

// LoginOptions configure [Login].
type LoginOptions struct {
	// Provider is who is signed in to; nil means [Google] with Endpoints.
	Provider *Provider
	// Client is the OAuth client: for a public client (Microsoft's), its
	// id alone.
	Client Client
	// Endpoints are Google's OAuth endpoints when Provider is nil.
	Endpoints Endpoints
	// Open opens the sign-in page in a browser ([OpenBrowser], or a test
	// playing the browser). Nil means no browser: the address is printed on
	// Out for the user to open.
	Open func(url string) error
	// Paste, when set, is read line by line for the address the browser was
	// sent to after approval (http://127.0.0.1:PORT/?code=…&state=…, or
	// localhost for Microsoft), copied
	// from its address bar: for SSH sessions, where the browser runs on
	// another machine and cannot reach the loopback address. When it ends
	// (EOF) with no such address, Login fails at once with
	// [ErrNothingPasted], unless the browser came back first.
	Paste io.Reader
	// Out receives the instructions for the user (stderr); nil discards.
	Out io.Writer
	// Timeout bounds the wait for the browser; zero means
	// [DefaultLoginTimeout].
	Timeout time.Duration
	// HTTPClient calls the token endpoint; nil means http.DefaultClient.
	HTTPClient *http.Client
	// TokenTimeout bounds each try of the code exchange (and of the
	// revocation of a grant refused for its scopes) when HTTPClient has no
	// Timeout of its own; zero means [DefaultTokenTimeout].
	TokenTimeout time.Duration
	// TokenRetry bounds the retries of those calls.
	TokenRetry TokenRetry
	// ExchangeTimeout, when set, bounds all the work after the answer
	// came back: the code exchange with its retries, and the revocation
	// of a grant refused. It does not bound the wait for the browser.
	ExchangeTimeout time.Duration
}

// Login runs the installed-app sign-in: it listens on 127.0.0.1:<free
// port>, sends the user to the provider's consent page with a PKCE
// challenge, a random state and the provider's extra parameters, waits for
// the redirect to http://<RedirectHost>:<port>/ (or a pasted address)
// carrying the code, checks the state and exchanges the code with the PKCE
// verifier. The returned sign-in has no Account yet: the caller looks the
// user up (Google's primary calendar's id, Microsoft's /me) and saves it
// to a [Store]. A public client's sign-in holds the client id and the
// tenant it was made with, which its refreshes need.
//
// The loopback address answers only requests whose Host is the address
// it was named by (127.0.0.1:PORT or localhost:PORT), never another name
// that resolves there (DNS rebinding); a request without this sign-in's
// state (a stray local request, an old tab, a forged answer) gets an
// error page and the wait goes on. The pages it serves are escaped HTML.
//
// It fails when the provider refused (the answer's error, clipped, or in
// plain words where there is a remedy, such as an administrator's
// consent), when it did not grant every scope of [Provider.Scopes]
// (revoking the partial grant first, where it can be and as far as the
// provider can be reached), and with [ErrLoginTimeout] wrapped when
// nothing came back in time ([ErrStateMismatch] too when an answer for
// another sign-in came meanwhile).
func Login(ctx context.Context, opts LoginOptions) (Stored, error) {
	p := opts.provider()
	var out io.Writer = io.Discard
	if opts.Out != nil {
		out = &lockedWriter{w: opts.Out}
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	if opts.Client.ID == "" {
		if p.PublicClient {
			return Stored{}, newSafe(fmt.Sprintf("no client ID to sign in to %s with", p.Title), ErrNoClient)
		}
		return Stored{}, ErrNoClient
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Stored{}, fmt.Errorf("listen on a loopback port for the sign-in: %w", err)
	}
	host := fmt.Sprintf("%s:%d", p.RedirectHost, ln.Addr().(*net.TCPAddr).Port)
	redirect := "http://" + host + "/"
	conf := p.config(opts.Client, redirect)
	state := oauth2.GenerateVerifier()
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state, append(p.authOptions(), oauth2.S256ChallengeOption(verifier))...)

	answers := make(chan answer, 2)
	strays := make(chan struct{}, 1)
	srv := &http.Server{
		Handler:           callbackHandler(host, state, answers, strays, out),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go srv.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()

	if opts.Open != nil {
		fmt.Fprintf(out, "Opening your browser to sign in to %s. If it does not open, visit:\n\n  %s\n\n", p.Title, authURL)
		if err := opts.Open(authURL); err != nil {
			fmt.Fprintf(out, "Could not open a browser (%v): open the address above yourself.\n", err)
		}
	} else {
		fmt.Fprintf(out, "Open this address in a browser to sign in to %s:\n\n  %s\n\n", p.Title, authURL)
	}
	if opts.Paste != nil {
		fmt.Fprintf(out, "After you approve, the browser goes to %s?code=… . If that page does not load\n"+
			"(the browser runs on another machine), copy the whole address from its address bar and paste it here:\n", redirect)
		go readPasted(opts.Paste, state, answers, strays, out)
	}
	fmt.Fprintf(out, "Waiting up to %s for the sign-in…\n", timeout)

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var a answer
	select {
	case a = <-answers:
	case <-timer.C:
		instead := "with --no-browser to paste the address instead"
		if p.endpoint().DeviceURL != "" {
			instead = "with --device to sign in with a code instead, or --no-browser to paste the address"
		}
		msg := fmt.Sprintf("timed out waiting for the %s sign-in after %s: run %s again (%s)", p.Name, timeout, p.Login, instead)
		select {
		case <-strays:
			return Stored{}, newSafe(msg+"; an answer came meanwhile but was refused: "+ErrStateMismatch.Error(), ErrLoginTimeout, ErrStateMismatch)
		default:
		}
		return Stored{}, newSafe(msg, ErrLoginTimeout)
	case <-ctx.Done():
		return Stored{}, fmt.Errorf("sign-in: %w", ctx.Err())
	}
	var ref *refusal
	if errors.As(a.err, &ref) {
		return Stored{}, errors.New(p.Name + " refused the sign-in: " + p.refusalText(ref, conf.ClientID))
	}
	if a.err != nil {
		return Stored{}, a.err
	}

	if opts.ExchangeTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.ExchangeTimeout)
		defer cancel()
	}
	hc := tokenClient(opts.HTTPClient, opts.TokenTimeout, opts.TokenRetry, p)
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, hc), a.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Stored{}, newSafe("finish the sign-in at the token endpoint: "+p.describeTokenErr(err, conf.ClientID), err)
	}
	return p.signedIn(ctx, hc, conf, tok)
}

// signedIn is the sign-in a token endpoint's answer tok makes: its scopes
// checked against what p asks for (a grant of too little is taken back,
// as far as p lets it be) and, for a public client, the client and tenant
// it is bound to.
func (p Provider) signedIn(ctx context.Context, hc *http.Client, conf *oauth2.Config, tok *oauth2.Token) (Stored, error) {
	scopes := slices.Clone(p.Scopes)
	if granted, _ := tok.Extra("scope").(string); granted != "" {
		scopes = scopeList(granted)
		if missing := p.missingScopes(scopes, tok); len(missing) > 0 {
			// The grant is of no use: take it back rather than leave it
			// behind at the provider (best effort).
			msg := fmt.Sprintf("%s granted too little: emtime needs %s: sign in again and %s", p.Name, strings.Join(missing, ", "), p.grantAll)
			switch {
			case !p.Revocable():
				msg += " (remove the partial access at " + p.RevokeByHand + ")"
			case revoke(ctx, hc, p.endpoint().RevokeURL, Stored{Token: tok}) != nil:
				msg += " (the partial access could not be revoked: remove it at " + p.RevokeByHand + ")"
			}
			return Stored{}, errors.New(msg)
		}
	}
	st := Stored{Token: cleanToken(tok), Scopes: scopes}
	if p.PublicClient {
		st.ClientID, st.Tenant = conf.ClientID, p.Tenant
	}
	return st, nil
}

// provider is the provider of opts: Google with its Endpoints unless
// another is given.
func (o LoginOptions) provider() Provider {
	if o.Provider != nil {
		return *o.Provider
	}
	return Google(o.Endpoints)
}

// cleanToken drops the raw token response, which Stored never keeps.
func cleanToken(t *oauth2.Token) *oauth2.Token {
	return &oauth2.Token{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		RefreshToken: t.RefreshToken,
		Expiry:       t.Expiry,
	}
}

// refusal is the provider's error, sent back instead of a code: its OAuth
// error and description, as they came. Its message, shown on the page the
// browser comes back to, is clipped; [Provider.refusalText] tells it in
// the provider's words.
type refusal struct{ code, desc string }

func (r *refusal) Error() string {
	msg := "the sign-in was refused: " + clip(r.code, 100)
	if r.desc != "" {
		msg += ": " + clip(r.desc, 300)
	}
	return msg
}

// refusalText is what the user is told of a refusal: in p's plain words
// where there is a remedy, else its error and description, clipped.
func (p Provider) refusalText(r *refusal, clientID string) string {
	if p.explain != nil {
		if why := p.explain(p.problem(r.code, r.desc, nil, clientID)); why != "" {
			return why
		}
	}
	msg := clip(r.code, 100)
	if r.desc != "" {
		msg += ": " + clip(r.desc, 300)
	}
	return msg
}

// answer is what came back to the loopback address or was pasted.
type answer struct {
	code string
	err  error
}

// parseAnswer reads the query of a redirect. ok is false when the query is
// not a sign-in answer at all (a stray request, a favicon); stray is true
// when it is one, but for another sign-in (its state differs or is
// missing): it is refused, and the sign-in waits on.
func parseAnswer(q url.Values, state string) (a answer, ok, stray bool) {
	code, gotState, gerr := q.Get("code"), q.Get("state"), q.Get("error")
	if code == "" && gerr == "" {
		return answer{}, false, false
	}
	if gotState != state {
		return answer{}, true, true
	}
	if gerr != "" {
		return answer{err: &refusal{code: gerr, desc: q.Get("error_description")}}, true, false
	}
	return answer{code: code}, true, false
}

// callbackHandler serves the loopback address: the answer of this sign-in
// is handed over on answers; one for another (state) is noted on strays
// and told to the user on out. Only requests for host are answered.
func callbackHandler(host, state string, answers chan<- answer, strays chan<- struct{}, out io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// net/http would recover a panic itself, and log its stack.
		defer bug.RecoverWith(func(e *bug.Error) {
			http.Error(w, "emtime: internal error", http.StatusInternalServerError)
			sendAnswer(answers, answer{err: e})
		})
		if r.Host != host {
			// A name that resolves to 127.0.0.1 (DNS rebinding), not the
			// address the provider was told to send the browser to.
			writePage(w, http.StatusMisdirectedRequest, "Wrong address", "emtime answers only at http://"+host+"/.")
			return
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		a, ok, stray := parseAnswer(r.URL.Query(), state)
		switch {
		case !ok:
			http.NotFound(w, r)
			return
		case stray:
			writePage(w, http.StatusBadRequest, "Not this sign-in",
				"This answer belongs to another sign-in (its state differs), so emtime refused it. emtime is still waiting: approve in the page emtime opened, or run emtime auth login again.")
			fmt.Fprintf(out, "Refused an answer that belongs to another sign-in (state mismatch); still waiting…\n")
			select {
			case strays <- struct{}{}:
			default:
			}
			return
		case a.err != nil:
			writePage(w, http.StatusBadRequest, "emtime could not sign in", a.err.Error())
		default:
			writePage(w, http.StatusOK, "emtime is signed in", "You can close this tab and go back to the terminal.")
		}
		select {
		case answers <- a:
		default:
		}
	})
}

// sendAnswer hands a to the sign-in unless an answer is already waiting.
func sendAnswer(answers chan<- answer, a answer) {
	select {
	case answers <- a:
	default:
	}
}

// pageTemplate is the loopback address' answer to the browser; what it
// shows is escaped.
var pageTemplate = template.Must(template.New("page").Parse(
	`<!doctype html><meta charset="utf-8"><title>emtime</title><h1>{{.Title}}</h1><p>{{.Text}}</p>`))

func writePage(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	pageTemplate.Execute(w, struct{ Title, Text string }{title, text})
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// readPasted reads pasted redirect addresses until one is this sign-in's
// answer. Input that ends first is an answer too: an error, for there is
// nobody left to paste.
func readPasted(r io.Reader, state string, answers chan<- answer, strays chan<- struct{}, out io.Writer) {
	defer bug.RecoverWith(func(e *bug.Error) { sendAnswer(answers, answer{err: e}) })
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		q, err := pastedQuery(line)
		if err == nil {
			a, ok, stray := parseAnswer(q, state)
			switch {
			case stray:
				select {
				case strays <- struct{}{}:
				default:
				}
				fmt.Fprintln(out, "That address belongs to another sign-in (its state differs); paste the address of this one:")
				continue
			case ok:
				select {
				case answers <- a:
				default:
				}
				return
			}
		}
		fmt.Fprintln(out, "That is not the address the browser was sent to (it holds code=… and state=…); paste it again:")
	}
	err := ErrNothingPasted
	if sc.Err() != nil {
		err = fmt.Errorf("read the pasted address: %w", sc.Err())
	}
	select {
	case answers <- answer{err: err}:
	default:
	}
}

// lockedWriter serializes writes: the instructions come from the waiting
// sign-in, the loopback server and the paste reader at once.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// pastedQuery takes the query of a pasted address, or of a bare
// "code=…&state=…".
func pastedQuery(s string) (url.Values, error) {
	if u, err := url.Parse(s); err == nil && u.RawQuery != "" {
		return u.Query(), nil
	}
	return url.ParseQuery(strings.TrimPrefix(s, "?"))
}

// BrowserOpener returns the opener for [LoginOptions.Open]: the command
// named by $BROWSER when set (run as `$BROWSER URL`, which is also how a
// testscript plugs in oauthtest's fake browser), else [OpenBrowser].
func BrowserOpener(getenv func(string) string) func(url string) error {
	if b := getenv("BROWSER"); b != "" {
		return func(url string) error {
			cmd := exec.Command(b, url)
			if err := cmd.Start(); err != nil {
				return err
			}
			go cmd.Wait()
			return nil
		}
	}
	return OpenBrowser
}

// OpenBrowser opens url in the user's browser with the platform's opener
// (open, xdg-open, rundll32). It does not wait for the browser.
func OpenBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
