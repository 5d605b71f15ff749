package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/auth/oauthtest"
)

// visit is a browser's GET of u, with the Host header host when set.
func visit(t *testing.T, u, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestLoginStrays: requests to the loopback address that are not this
// sign-in's answer (a favicon, a port scanner, an old tab's answer, a
// forged one, a page reached by a name that resolves to 127.0.0.1) get an
// error page and do not end the sign-in, which finishes with the real
// answer that comes after them.
func TestLoginStrays(t *testing.T) {
	o := startOAuth(t)
	out := &syncWriter{}
	type seen struct {
		what   string
		status int
		body   string
	}
	var got []seen
	done := make(chan struct{})
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o), Timeout: 10 * time.Second, Out: out,
		Open: func(authURL string) error {
			go func() {
				defer close(done)
				back := approve(t, authURL)
				u, err := url.Parse(back)
				if err != nil {
					t.Error(err)
					return
				}
				root := "http://" + u.Host + "/"
				for _, s := range []struct{ what, url, host string }{
					{"favicon", root + "favicon.ico", ""},
					{"no query", root, ""},
					{"forged state", root + "?code=4/forged&state=forged", ""},
					{"no state", root + "?code=4/forged", ""},
					{"refusal with another state", root + "?error=access_denied&state=forged", ""},
					// The real answer, through another name for 127.0.0.1:
					// refused, and its code not exchanged.
					{"dns rebinding", back, "evil.example:" + u.Port()},
					{"localhost", back, "localhost:" + u.Port()},
				} {
					status, body := visit(t, s.url, s.host)
					got = append(got, seen{s.what, status, body})
				}
				status, body := visit(t, back, "")
				got = append(got, seen{"the real answer", status, body})
			}()
			return nil
		},
	})
	<-done
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if !o.ValidAccessToken(st.Token.AccessToken) {
		t.Error("token not issued by the fake")
	}
	want := []struct {
		status int
		says   string
	}{
		{404, ""}, {404, ""},
		{400, "belongs to another sign-in"}, {400, "belongs to another sign-in"}, {400, "belongs to another sign-in"},
		{421, "emtime answers only at http://127.0.0.1:"}, {421, "emtime answers only at http://127.0.0.1:"},
		{200, "emtime is signed in"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d answers: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].status != w.status || !strings.Contains(got[i].body, w.says) {
			t.Errorf("%s: %d %q, want %d saying %q", got[i].what, got[i].status, got[i].body, w.status, w.says)
		}
	}
	if n := strings.Count(out.String(), "Refused an answer that belongs to another sign-in (state mismatch); still waiting…"); n != 3 {
		t.Errorf("the terminal was told of %d refused answers, want 3:\n%s", n, out)
	}
	var exchanges int
	for _, r := range o.Requests() {
		if r.Path == "/token" {
			exchanges++
		}
	}
	if exchanges != 1 {
		t.Errorf("%d code exchanges, want 1", exchanges)
	}
}

// TestLoginPastedStray: a pasted address of another sign-in is refused,
// and the next one pasted is read.
func TestLoginPastedStray(t *testing.T) {
	o := startOAuth(t)
	out := make(lines, 100)
	pr, pw := io.Pipe()
	defer pw.Close()
	var said []string
	var mu sync.Mutex
	go func() {
		for l := range out {
			mu.Lock()
			said = append(said, l)
			mu.Unlock()
			u := strings.TrimSpace(l)
			if !strings.HasPrefix(u, o.AuthURL()) {
				continue
			}
			back := approve(t, u)
			io.WriteString(pw, withState("an-old-one")(back)+"\n")
			io.WriteString(pw, back+"\n")
		}
	}()
	st, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o), Paste: pr, Out: out, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !o.ValidAccessToken(st.Token.AccessToken) {
		t.Error("token not issued by the fake")
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(said, "That address belongs to another sign-in (its state differs); paste the address of this one:") {
		t.Errorf("not told of the stray: %q", said)
	}
}

// TestLoginRefusalEscaped: what the provider says when it refuses (the
// error and error_description of the redirect) reaches the browser page
// as escaped HTML and the error clipped.
func TestLoginRefusalEscaped(t *testing.T) {
	o := startOAuth(t)
	desc := `<script>alert("x")</script>` + "\x1b[2J\x07" + strings.Repeat("d", 5000)
	o.SetDenyWith(`access_denied<b>`, desc)
	page := make(chan string, 1)
	_, err := auth.Login(context.Background(), auth.LoginOptions{
		Client: client(o), Endpoints: endpoints(o), Timeout: 10 * time.Second,
		Open: func(u string) error {
			go func() {
				_, body := visit(t, approve(t, u), "")
				page <- body
			}()
			return nil
		},
	})
	if err == nil {
		t.Fatal("login succeeded")
	}
	want := "google refused the sign-in: access_denied<b>: " + desc[:300] + "…"
	if err.Error() != want {
		t.Errorf("error = %q (%d bytes), want it clipped to %d bytes", err, len(err.Error()), len(want))
	}
	p := <-page
	if strings.Contains(p, "<script>") || strings.Contains(p, "<b>") || !strings.Contains(p, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("page not escaped: %.300q", p)
	}
}

// TestTokenEndpointRetries: the token endpoint's 5xx answers, 429s and
// dropped connections are tried again, as the Calendar API's are, for a
// refresh and for the code exchange; one that does not pass fails the
// call, saying so, and a Retry-After beyond the bound fails it at once.
func TestTokenEndpointRetries(t *testing.T) {
	retry := auth.TokenRetry{BaseDelay: time.Millisecond}
	tests := []struct {
		name   string
		faults []oauthtest.Fault
		want   string // "" for success
		tries  int    // requests to /token
	}{
		{name: "503 twice", faults: []oauthtest.Fault{{Path: "/token", Status: 503, Times: 2}}, tries: 3},
		{name: "502, 429, dropped", faults: []oauthtest.Fault{{Path: "/token", Status: 502}, {Path: "/token", Status: 429, RetryAfter: "0"}, {Path: "/token", Drop: true}}, tries: 4},
		{name: "500 for good", faults: []oauthtest.Fault{{Path: "/token", Status: 500, Times: 100}},
			want: "google's token endpoint answered 500 Internal Server Error (gave up after 5 tries)", tries: 5},
		{name: "dropped for good", faults: []oauthtest.Fault{{Path: "/token", Drop: true, Times: 100}},
			want: "the connection to google's token endpoint was dropped (gave up after 5 tries)", tries: 5},
		{name: "Retry-After an hour", faults: []oauthtest.Fault{{Path: "/token", Status: 503, RetryAfter: "3600"}},
			want: "google's token endpoint asked to wait 60 minutes before trying again: try again later", tries: 1},
		{name: "400 is not retried", faults: []oauthtest.Fault{{Path: "/token", Status: 400, Error: "invalid_request", Description: strings.Repeat("x", 1000)}},
			want: "invalid_request: " + strings.Repeat("x", 300) + "…", tries: 1},
	}
	for _, tt := range tests {
		t.Run("refresh: "+tt.name, func(t *testing.T) {
			o := startOAuth(t)
			dir, store, _ := signedIn(t, o, now.Add(-time.Minute))
			for _, f := range tt.faults {
				o.InjectFault(f)
			}
			creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: endpoints(o), Now: clock, TokenRetry: retry})
			if err != nil {
				t.Fatal(err)
			}
			_, err = apiGet(t, o, creds)
			checkTokenCall(t, o, err, "refresh the google sign-in: ", tt.want, tt.tries)
		})
		t.Run("code exchange: "+tt.name, func(t *testing.T) {
			o := startOAuth(t)
			_, err := auth.Login(context.Background(), auth.LoginOptions{
				Client: client(o), Endpoints: endpoints(o), Timeout: 10 * time.Second, TokenRetry: retry,
				Open: func(u string) error {
					go func() {
						back := approve(t, u)
						for _, f := range tt.faults {
							o.InjectFault(f)
						}
						visit(t, back, "")
					}()
					return nil
				},
			})
			checkTokenCall(t, o, err, "finish the sign-in at the token endpoint: ", tt.want, tt.tries)
		})
	}
}

func checkTokenCall(t *testing.T, o *oauthtest.Server, err error, prefix, want string, tries int) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("error = %v, want success", err)
	case want != "" && (err == nil || !strings.HasSuffix(err.Error(), prefix+want)):
		t.Errorf("error = %v\nwant it to end %q", err, prefix+want)
	}
	if errors.Is(err, auth.ErrSignInAgain) {
		t.Errorf("error = %v: a failing token endpoint is not a refused sign-in", err)
	}
	n := 0
	for _, r := range o.Requests() {
		if r.Path == "/token" {
			n++
		}
	}
	if n != tries {
		t.Errorf("%d requests to /token, want %d", n, tries)
	}
}

// TestTokenEndpointRedirect: the token endpoint's client follows no
// redirect to another origin, where the form would carry the client
// secret and the refresh token.
func TestTokenEndpointRedirect(t *testing.T) {
	var mu sync.Mutex
	var reached []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		mu.Lock()
		reached = append(reached, r.Form.Encode())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token": "stolen", "token_type": "Bearer", "expires_in": 3600}`)
	}))
	defer elsewhere.Close()
	o := startOAuth(t)
	dir, store, _ := signedIn(t, o, now.Add(-time.Minute))
	o.InjectFault(oauthtest.Fault{Path: "/token", Redirect: elsewhere.URL})
	creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Store: store, Endpoints: endpoints(o), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	_, err = creds.Token()
	want := "refresh the google sign-in: google's answer redirected to another site (" + elsewhere.URL + "): refused, so that your sign-in is not sent there"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %q", err, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reached) != 0 {
		t.Errorf("the other site got %q", reached)
	}
}

// TestClientRefusesRedirectElsewhere: Credentials.Client authorizes no
// request that a redirect sent to another origin, whatever the redirect
// policy of the client it is used in; within the origin it does.
func TestClientRefusesRedirectElsewhere(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
	}))
	defer elsewhere.Close()
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, elsewhere.URL+"/x", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/ok":
			fmt.Fprint(w, r.Header.Get("Authorization"))
		}
	}))
	defer home.Close()
	creds, err := auth.Resolve(context.Background(), auth.Options{Getenv: env(map[string]string{auth.EnvAccessToken: "env-token"})})
	if err != nil {
		t.Fatal(err)
	}
	c := creds.Client()
	_, err = c.Get(home.URL + "/away")
	if err == nil || !strings.Contains(err.Error(), "the answer redirected to another site: refused, so that your Google sign-in is not sent there") {
		t.Errorf("error = %v", err)
	}
	mu.Lock()
	if len(auths) != 0 {
		t.Errorf("the other origin got %d requests, Authorization %q", len(auths), auths)
	}
	mu.Unlock()
	res, err := c.Get(home.URL + "/here")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != "Bearer env-token" {
		t.Errorf("within the origin the request carried %q", b)
	}
}

// syncWriter is a buffer written from several goroutines.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
