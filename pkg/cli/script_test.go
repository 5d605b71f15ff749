package cli_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/auth/oauthtest"
	"github.com/emtime/emtime/pkg/cli"
	"github.com/emtime/emtime/pkg/gitlog/gittest"
	"github.com/emtime/emtime/pkg/google/googletest"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/microsoft/identitytest"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/oauth2"
	calendarapi "google.golang.org/api/calendar/v3"
)

var update = flag.Bool("update", false, "rewrite the golden files of the testscript scripts")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"emtime": func() { os.Exit(cli.Main(os.Args[1:], cli.NewFactory())) },
		// emtime with a clock that panics, as a bug would.
		"emtime-broken-clock": func() {
			f := cli.NewFactory()
			f.Now = func() time.Time { panic("the clock broke") }
			os.Exit(cli.Main(os.Args[1:], f))
		},
		// The user's browser for `emtime auth login`: BROWSER=fakebrowser.
		"fakebrowser": func() { os.Exit(oauthtest.BrowserMain()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the emtime
// binary as a user runs it, on real files, against a fake Google Calendar
// API and a fake Google OAuth server started for each script.
func TestScripts(t *testing.T) {
	testdata, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join(testdata, "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", testdata)
			env.Setenv("TZ", "UTC")
			// Today, for every script: Wednesday 18 March 2026.
			env.Setenv("EMTIME_NOW", "2026-03-18T12:00:00Z")

			// Google, on loopback: the API accepts only the access tokens
			// the OAuth server issued and has not expired or revoked.
			api := googletest.New()
			env.Defer(api.Close)
			o := oauthtest.New()
			env.Defer(o.Close)
			api.SetTokenCheck(o.ValidAccessToken)
			// Microsoft, on loopback: Graph accepts only the access tokens
			// the identity platform issued; device codes are polled every
			// second, not five.
			graph := graphtest.New()
			env.Defer(graph.Close)
			id := identitytest.New()
			env.Defer(id.Close)
			graph.SetTokenCheck(id.ValidAccessToken)
			id.SetDeviceInterval(1)
			env.Setenv(microsoft.EnvAPIURL, graph.Endpoint())
			env.Setenv(auth.EnvMicrosoftAuthority, id.AuthorityURL())
			env.Setenv(cli.EnvMicrosoftRetryDelay, "10ms")
			env.Values[fakesKey] = &fakes{api: api, oauth: o, graph: graph, identity: id}
			env.Setenv("EMTIME_GOOGLE_API_URL", api.Endpoint())
			env.Setenv("EMTIME_OAUTH_AUTH_URL", o.AuthURL())
			env.Setenv("EMTIME_OAUTH_TOKEN_URL", o.TokenURL())
			env.Setenv("EMTIME_OAUTH_REVOKE_URL", o.RevokeURL())
			env.Setenv("EMTIME_CONFIG_DIR", filepath.Join(env.WorkDir, "config"))
			// The cache of the script's own, never the user's.
			env.Setenv(cli.EnvCacheDir, filepath.Join(env.WorkDir, "cache"))
			env.Setenv("EMTIME_TOKEN_STORE", "file")
			env.Setenv("BROWSER", "fakebrowser")
			// Retries after the fake's 503s wait milliseconds, not seconds.
			env.Setenv(cli.EnvRetryDelay, "10ms")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"google-fixture":        cmdGoogleFixture,
			"google-signin":         cmdGoogleSignin,
			"google-token":          cmdGoogleToken,
			"google-requests":       cmdGoogleRequests,
			"google-elsewhere":      cmdGoogleElsewhere,
			"google-issue-token":    cmdGoogleIssueToken,
			"oauth-client":          cmdOAuthClient,
			"oauth-requests":        cmdOAuthRequests,
			"service-account":       cmdServiceAccount,
			"json-without":          cmdJSONWithout,
			"microsoft-signin":      cmdMicrosoftSignin,
			"microsoft-token":       cmdMicrosoftToken,
			"identity-requests":     cmdIdentityRequests,
			"identity-consent":      cmdIdentityConsent,
			"identity-device":       cmdIdentityDevice,
			"graph-fixture":         cmdGraphFixture,
			"microsoft-issue-token": cmdMicrosoftIssueToken,
			"graph-requests":        cmdGraphRequests,
			"git-repo":              cmdGitRepo,
			"json-get":              cmdJSONGet, // script_whatif_test.go
			"json-eq":               cmdJSONEq,
			"google-move":           cmdGoogleMove,
			"google-delete":         cmdGoogleDelete,
			"google-expire-sync":    cmdGoogleExpireSync,
			"google-wait-stall":     cmdGoogleWaitStall,
			"graph-delete":          cmdGraphDelete,
			"graph-expire-delta":    cmdGraphExpireDelta,
		},
	})
}

// fakes are the Google and Microsoft fakes of one script.
type fakes struct {
	api      *googletest.Server
	oauth    *oauthtest.Server
	graph    *graphtest.Server
	identity *identitytest.Server
	// identitySeen and graphSeen are the requests identity-requests and
	// graph-requests have shown; graphTokens numbers the tokens Graph was
	// shown, in the order it first saw them.
	identitySeen, graphSeen int
	graphTokens             map[string]int
	// msAccess and msRefresh are the tokens microsoft-signin kept.
	msAccess, msRefresh string
	// access and refresh are the tokens google-signin kept, to tell them
	// from refreshed or rotated ones.
	access, refresh string
	// apiSeen and oauthSeen are the requests google-requests and
	// oauth-requests have shown.
	apiSeen, oauthSeen int
}

type fakesKeyType struct{}

var fakesKey fakesKeyType

func fakesOf(ts *testscript.TestScript) *fakes { return ts.Value(fakesKey).(*fakes) }

func noNeg(ts *testscript.TestScript, neg bool, name string) {
	if neg {
		ts.Fatalf("unsupported: ! %s", name)
	}
}

// google-fixture file: loads a googletest.Fixture (calendars, zone, events,
// page sizes, faults) into the fake API.
func cmdGoogleFixture(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-fixture")
	if len(args) != 1 {
		ts.Fatalf("usage: google-fixture file.json")
	}
	ts.Check(fakesOf(ts).api.LoadFixture([]byte(ts.ReadFile(args[0]))))
}

// google-signin [-expired] [-stale] [-revoked] [-rotate] [-account addr]:
// the state `emtime auth login` leaves, without the browser: the fake's
// client JSON and a fresh sign-in in $EMTIME_CONFIG_DIR. -expired saves an
// access token past its expiry; -stale one the fake no longer accepts
// though it has not expired; -revoked also revokes the refresh token, as
// when the user removes emtime's access at Google; -rotate makes the fake
// issue a new refresh token on every refresh.
func cmdGoogleSignin(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-signin")
	fs := flag.NewFlagSet("google-signin", flag.ContinueOnError)
	expired := fs.Bool("expired", false, "")
	stale := fs.Bool("stale", false, "")
	revoked := fs.Bool("revoked", false, "")
	rotate := fs.Bool("rotate", false, "")
	account := fs.String("account", googletest.DefaultPrimary, "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		ts.Fatalf("usage: google-signin [-expired] [-stale] [-revoked] [-rotate] [-account addr]")
	}
	f := fakesOf(ts)
	dir := ts.Getenv("EMTIME_CONFIG_DIR")
	ts.Check(auth.SaveClientJSON(dir, f.oauth.ClientJSON()))
	f.access, f.refresh = f.oauth.Issue()
	expiry := time.Now().Add(time.Hour)
	if *expired || *revoked {
		expiry = time.Now().Add(-time.Hour)
		f.oauth.ExpireAccessToken(f.access)
	}
	if *stale {
		f.oauth.ExpireAccessToken(f.access)
	}
	if *revoked {
		f.oauth.RevokeRefreshToken(f.refresh)
	}
	f.oauth.SetRotateRefresh(*rotate)
	ts.Check(auth.NewFileStore(dir).Save(auth.Stored{
		Token:   &oauth2.Token{AccessToken: f.access, TokenType: "Bearer", RefreshToken: f.refresh, Expiry: expiry},
		Account: *account,
		Scopes:  auth.Scopes(),
	}))
}

// google-token: describes the token file of $EMTIME_CONFIG_DIR without
// showing a token: its mode and its folder's, the account, and whether the
// access and refresh tokens are the fake's valid ones, as google-signin
// kept them or renewed since.
func cmdGoogleToken(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-token")
	f := fakesOf(ts)
	dir := ts.Getenv("EMTIME_CONFIG_DIR")
	store := auth.NewFileStore(dir)
	fi, err := os.Stat(store.Path)
	ts.Check(err)
	di, err := os.Stat(dir)
	ts.Check(err)
	st, err := store.Load()
	ts.Check(err)
	out := ts.Stdout()
	fmt.Fprintf(out, "file mode %04o\n", fi.Mode().Perm())
	fmt.Fprintf(out, "folder mode %04o\n", di.Mode().Perm())
	fmt.Fprintf(out, "account %s\n", st.Account)
	fmt.Fprintf(out, "scopes %s\n", strings.Join(st.Scopes, " "))
	validity := func(valid bool, tok, kept string) string {
		s := "invalid"
		if valid {
			s = "valid"
		}
		switch {
		case kept == "":
		case tok == kept:
			s += ", as signed in"
		default:
			s += ", renewed"
		}
		return s
	}
	fmt.Fprintf(out, "access token %s\n", validity(f.oauth.ValidAccessToken(st.Token.AccessToken), st.Token.AccessToken, f.access))
	fmt.Fprintf(out, "refresh token %s\n", validity(f.oauth.RefreshTokenValid(st.Token.RefreshToken), st.Token.RefreshToken, f.refresh))
	switch {
	case st.Token.Expiry.IsZero():
		fmt.Fprintln(out, "expiry none")
	case st.Token.Expiry.After(time.Now()):
		fmt.Fprintln(out, "expiry in the future")
	default:
		fmt.Fprintln(out, "expiry in the past")
	}
}

// google-requests: the requests the fake API received since the last
// google-requests, one a line: method, path, query (less alt and
// prettyPrint), status.
func cmdGoogleRequests(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-requests")
	out := ts.Stdout() // an empty list is an empty stdout
	f := fakesOf(ts)
	reqs := f.api.Requests()
	for _, r := range reqs[f.apiSeen:] {
		q := maps.Clone(r.Query)
		q.Del("alt") // the same on every request
		q.Del("prettyPrint")
		fmt.Fprintf(out, "%s %s?%s %d\n", r.Method, r.Path, q.Encode(), r.Status)
	}
	f.apiSeen = len(reqs)
}

// google-elsewhere: the requests that reached the fake's other origin
// (where its "elsewhere" redirects point), one a line: method, path,
// whether an Authorization header came along, status.
func cmdGoogleElsewhere(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-elsewhere")
	out := ts.Stdout()
	for _, r := range fakesOf(ts).api.Elsewhere().Requests() {
		auth := "no authorization"
		if r.Authorization != "" {
			auth = "AUTHORIZATION SENT"
		}
		fmt.Fprintf(out, "%s %s %s %d\n", r.Method, r.Path, auth, r.Status)
	}
}

// google-issue-token VAR: sets VAR to an access token the fake issued.
func cmdGoogleIssueToken(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-issue-token")
	if len(args) != 1 {
		ts.Fatalf("usage: google-issue-token VAR")
	}
	access, _ := fakesOf(ts).oauth.Issue()
	ts.Setenv(args[0], access)
}

// google-move calendar id start end: moves an event of the fake, as its
// organizer would between two runs (start and end are RFC 3339 times).
func cmdGoogleMove(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-move")
	if len(args) != 4 {
		ts.Fatalf("usage: google-move calendar id start end")
	}
	ok := fakesOf(ts).api.UpdateEvent(args[0], args[1], func(e *calendarapi.Event) {
		e.Start = &calendarapi.EventDateTime{DateTime: args[2]}
		e.End = &calendarapi.EventDateTime{DateTime: args[3]}
	})
	if !ok {
		ts.Fatalf("google-move: no event %s in %s", args[1], args[0])
	}
}

// google-delete calendar id...: deletes events of the fake: a sync token's
// listing returns them as cancelled.
func cmdGoogleDelete(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-delete")
	if len(args) < 2 {
		ts.Fatalf("usage: google-delete calendar id...")
	}
	for _, id := range args[1:] {
		if !fakesOf(ts).api.DeleteEvent(args[0], id) {
			ts.Fatalf("google-delete: no event %s in %s", id, args[0])
		}
	}
}

// graph-delete calendar-id id...: deletes events from the fake Graph's
// calendar, as a user deleting them in Outlook.
func cmdGraphDelete(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "graph-delete")
	if len(args) < 2 {
		ts.Fatalf("usage: graph-delete calendar-id id...")
	}
	for _, id := range args[1:] {
		if !fakesOf(ts).graph.RemoveEvent(args[0], id) {
			ts.Fatalf("graph-delete: no event %s in %s", id, args[0])
		}
	}
}

// graph-expire-delta: the fake Graph answers 410 Gone to every delta link
// handed out so far.
func cmdGraphExpireDelta(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "graph-expire-delta")
	fakesOf(ts).graph.ExpireDeltaTokens()
}

// google-expire-sync: the fake answers 410 Gone to every sync token issued
// so far.
func cmdGoogleExpireSync(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-expire-sync")
	fakesOf(ts).api.ExpireSyncTokens()
}

// google-wait-stall: waits (ten seconds at most) until a request is held
// by a stall fault: the run in the background is in the middle of its
// sync.
func cmdGoogleWaitStall(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "google-wait-stall")
	deadline := time.Now().Add(10 * time.Second)
	for fakesOf(ts).api.Stalled() == 0 {
		if time.Now().After(deadline) {
			ts.Fatalf("google-wait-stall: no request stalled within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// oauth-client file: writes the fake's "Desktop app" client JSON, as the
// Google Cloud console hands it out.
func cmdOAuthClient(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "oauth-client")
	if len(args) != 1 {
		ts.Fatalf("usage: oauth-client file.json")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), fakesOf(ts).oauth.ClientJSON(), 0o600))
}

// oauth-requests: the requests the fake OAuth server received since the
// last oauth-requests, one a line:
// the path, what the request asked for (never a token or secret), the
// impersonated subject of a service account, and the status.
func cmdOAuthRequests(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "oauth-requests")
	out := ts.Stdout() // an empty list is an empty stdout
	f := fakesOf(ts)
	reqs := f.oauth.Requests()
	defer func() { f.oauthSeen = len(reqs) }()
	for _, r := range reqs[f.oauthSeen:] {
		line := r.Path
		for _, k := range []string{"grant_type", "response_type", "access_type", "code_challenge_method", "scope"} {
			if v := r.Form.Get(k); v != "" {
				line += " " + k + "=" + v
			}
		}
		if r.Subject != "" {
			line += " subject=" + r.Subject
		}
		fmt.Fprintf(out, "%s %d\n", line, r.Status)
	}
}

// service-account file: writes a service account key JSON of the fake.
func cmdServiceAccount(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "service-account")
	if len(args) != 1 {
		ts.Fatalf("usage: service-account key.json")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), fakesOf(ts).oauth.ServiceAccountKey(), 0o600))
}

// json-without [-except key=value] file key...: prints the JSON objects of
// file (one document, or one a line), indented, without the named
// top-level keys, and leaving out the objects whose key is the string
// value; cmp then compares what is left.
func cmdJSONWithout(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "json-without")
	var exceptKey, exceptValue string
	if len(args) >= 2 && args[0] == "-except" {
		var ok bool
		if exceptKey, exceptValue, ok = strings.Cut(args[1], "="); !ok {
			ts.Fatalf("json-without: -except wants key=value")
		}
		args = args[2:]
	}
	if len(args) < 1 {
		ts.Fatalf("usage: json-without [-except key=value] file.json [key...]")
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(args[0])))
	out := ts.Stdout()
	for n := 0; ; n++ {
		var doc map[string]any
		if err := dec.Decode(&doc); err == io.EOF {
			if n == 0 {
				ts.Fatalf("%s holds no JSON object", args[0])
			}
			return
		} else if err != nil {
			ts.Fatalf("%s: %v", args[0], err)
		}
		if exceptKey != "" && doc[exceptKey] == exceptValue {
			continue
		}
		for _, k := range args[1:] {
			if _, ok := doc[k]; !ok {
				ts.Fatalf("%s has no key %q", args[0], k)
			}
			delete(doc, k)
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		ts.Check(err)
		fmt.Fprintf(out, "%s\n", b)
	}
}

// microsoft-signin [-expired] [-account addr]: the state `emtime auth login
// --provider microsoft` leaves, without the browser: a sign-in of the fake
// identity platform's client in $EMTIME_CONFIG_DIR/token-microsoft.json.
// -expired saves an access token past its expiry.
func cmdMicrosoftSignin(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "microsoft-signin")
	fs := flag.NewFlagSet("microsoft-signin", flag.ContinueOnError)
	expired := fs.Bool("expired", false, "")
	account := fs.String("account", graphtest.DefaultUser, "")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		ts.Fatalf("usage: microsoft-signin [-expired] [-account addr]")
	}
	f := fakesOf(ts)
	access, refresh := f.identity.Issue(strings.Join(microsoft.Scopes(), " "))
	f.msAccess, f.msRefresh = access, refresh
	expiry := time.Now().Add(time.Hour)
	if *expired {
		expiry = time.Now().Add(-time.Hour)
		f.identity.ExpireAccessToken(access)
	}
	ts.Check(auth.Microsoft("", "").FileStore(ts.Getenv("EMTIME_CONFIG_DIR")).Save(auth.Stored{
		Token:    &oauth2.Token{AccessToken: access, TokenType: "Bearer", RefreshToken: refresh, Expiry: expiry},
		Account:  *account,
		Scopes:   []string{"User.Read", "Calendars.ReadBasic", "MailboxSettings.Read"},
		ClientID: f.identity.ClientID,
		Tenant:   "organizations",
	}))
}

// microsoft-token: describes $EMTIME_CONFIG_DIR/token-microsoft.json
// without showing a token: its mode, the account, client and tenant, and
// whether its tokens are the fake's valid ones, as microsoft-signin kept
// them or renewed since.
func cmdMicrosoftToken(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "microsoft-token")
	f := fakesOf(ts)
	store := auth.Microsoft("", "").FileStore(ts.Getenv("EMTIME_CONFIG_DIR"))
	fi, err := os.Stat(store.Path)
	ts.Check(err)
	st, err := store.Load()
	ts.Check(err)
	out := ts.Stdout()
	valid := func(ok bool, tok, kept string) string {
		s := "invalid"
		if ok {
			s = "valid"
		}
		switch {
		case kept == "":
		case tok == kept:
			s += ", as signed in"
		default:
			s += ", renewed"
		}
		return s
	}
	fmt.Fprintf(out, "file mode %04o\n", fi.Mode().Perm())
	fmt.Fprintf(out, "account %s\n", st.Account)
	fmt.Fprintf(out, "client %s\n", st.ClientID)
	fmt.Fprintf(out, "tenant %s\n", st.Tenant)
	fmt.Fprintf(out, "scopes %s\n", strings.Join(st.Scopes, " "))
	fmt.Fprintf(out, "access token %s\n", valid(f.identity.ValidAccessToken(st.Token.AccessToken), st.Token.AccessToken, f.msAccess))
	fmt.Fprintf(out, "refresh token %s\n", valid(f.identity.RefreshTokenValid(st.Token.RefreshToken), st.Token.RefreshToken, f.msRefresh))
}

// identity-requests: the requests the fake identity platform received
// since the last identity-requests, one a line: the path, what the
// request asked for (never a token or a code), whether a client secret
// came along, and the status.
func cmdIdentityRequests(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "identity-requests")
	out := ts.Stdout()
	f := fakesOf(ts)
	reqs := f.identity.Requests()
	defer func() { f.identitySeen = len(reqs) }()
	for _, r := range reqs[f.identitySeen:] {
		line := r.Path
		for _, k := range []string{"grant_type", "response_type", "access_type", "prompt", "code_challenge_method", "scope"} {
			if v := r.Form.Get(k); v != "" {
				line += " " + k + "=" + v
			}
		}
		if r.Form.Has("client_secret") {
			line += " CLIENT SECRET SENT"
		}
		fmt.Fprintf(out, "%s %d\n", line, r.Status)
	}
}

// identity-consent declined|admin|ok: what the fake's consent page answers
// from now on.
func cmdIdentityConsent(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "identity-consent")
	if len(args) != 1 {
		ts.Fatalf("usage: identity-consent declined|admin|ok")
	}
	switch args[0] {
	case "declined":
		fakesOf(ts).identity.SetConsent(identitytest.ConsentDeclined)
	case "admin":
		fakesOf(ts).identity.SetConsent(identitytest.ConsentAdminRequired)
	case "ok":
		fakesOf(ts).identity.SetConsent("")
	default:
		ts.Fatalf("usage: identity-consent declined|admin|ok")
	}
}

// identity-device answer...: the answers to the polls of the next device
// codes (authorization_pending, approve, ...; see identitytest), or
// "public-client-flows off".
func cmdIdentityDevice(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "identity-device")
	if len(args) == 2 && args[0] == "public-client-flows" {
		fakesOf(ts).identity.SetPublicClientFlows(args[1] != "off")
		return
	}
	fakesOf(ts).identity.SetDevicePlan(args...)
}

// graph-fixture file: loads a graphtest.Fixture (the user, the mailbox
// settings, calendars and their events in Graph's shapes, page sizes,
// faults) into the fake Graph. A fixture of faults alone queues them.
func cmdGraphFixture(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "graph-fixture")
	if len(args) != 1 {
		ts.Fatalf("usage: graph-fixture file.json")
	}
	ts.Check(fakesOf(ts).graph.LoadFixture([]byte(ts.ReadFile(args[0]))))
}

// graph-requests: the requests the fake Graph received since the last
// graph-requests, one a line: method, path, what they asked for (the
// window, $top, $select, EventSelect when it is the package's), the
// Prefer header, which token came (token 1 the first Graph saw, token 2
// the next…) and whether the identity platform issued it and still
// accepts it, and the status.
func cmdGraphRequests(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "graph-requests")
	out := ts.Stdout()
	f := fakesOf(ts)
	reqs := f.graph.Requests()
	defer func() { f.graphSeen = len(reqs) }()
	for _, r := range reqs[f.graphSeen:] {
		q := maps.Clone(r.Query)
		if sel := q.Get("$select"); sel == microsoft.EventSelect {
			q.Set("$select", "EventSelect")
		}
		q.Del("$skiptoken") // the fake's page position
		zone := "prefer=none"
		if r.Prefer != "" {
			zone = "prefer=" + r.Prefer
		}
		if f.graphTokens == nil {
			f.graphTokens = map[string]int{}
		}
		if _, ok := f.graphTokens[r.Token]; !ok {
			f.graphTokens[r.Token] = len(f.graphTokens) + 1
		}
		token := fmt.Sprintf("token %d", f.graphTokens[r.Token])
		if !f.identity.ValidAccessToken(r.Token) {
			token += " (not valid)"
		}
		fmt.Fprintf(out, "%s %s?%s %s %s %d\n", r.Method, r.Path, q.Encode(), zone, token, r.Status)
	}
}

// microsoft-issue-token VAR: sets VAR to an access token to Microsoft
// Graph that the fake identity platform issued, with emtime's scopes.
func cmdMicrosoftIssueToken(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "microsoft-issue-token")
	if len(args) != 1 {
		ts.Fatalf("usage: microsoft-issue-token VAR")
	}
	access, _ := fakesOf(ts).identity.Issue(strings.Join(microsoft.Scopes(), " "))
	ts.Setenv(args[0], access)
}

// git-repo dir file: builds a git repository at dir (a work tree; "bare"
// on the description's first line for a bare one) from the description
// in file, commit by commit at the exact author and committer times it
// gives, with go-git: no git binary is needed. The description's language
// is gittest's: "commit NAME EMAIL TIME [committer=TIME] [parents=A,B]
// [: subject]", "ref REF NAME", "tag TAG NAME", "shallow NAME", "drop
// NAME". A file already at dir (a .mailmap) is kept.
func cmdGitRepo(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "git-repo")
	if len(args) != 2 {
		ts.Fatalf("usage: git-repo dir description.txt")
	}
	_, err := gittest.Build(ts.MkAbs(args[0]), ts.ReadFile(args[1]))
	ts.Check(err)
}
