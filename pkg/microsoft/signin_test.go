package microsoft_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/microsoft/identitytest"
	"golang.org/x/oauth2"
)

// refreshing authorizes requests with a token of the fake identity
// platform and answers a 401 with one forced refresh, as the sign-in's
// transport does for Google today. It stands in for the provider-neutral
// one to come.
type refreshing struct {
	conf *oauth2.Config
	mu   sync.Mutex
	tok  *oauth2.Token
}

func (t *refreshing) RoundTrip(req *http.Request) (*http.Response, error) {
	send := func(tok *oauth2.Token) (*http.Response, error) {
		r := req.Clone(req.Context())
		tok.SetAuthHeader(r)
		return http.DefaultTransport.RoundTrip(r)
	}
	t.mu.Lock()
	tok := t.tok
	t.mu.Unlock()
	res, err := send(tok)
	if err != nil || res.StatusCode != http.StatusUnauthorized {
		return res, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	fresh, err := t.conf.TokenSource(req.Context(), &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).Token()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.tok = fresh
	t.mu.Unlock()
	return send(fresh)
}

// signedIn is a fake Graph that accepts only the fake identity platform's
// tokens, and a client signed in to it.
func signedIn(t *testing.T) (*graphtest.Server, *identitytest.Server, *refreshing) {
	t.Helper()
	id := identitytest.New()
	t.Cleanup(id.Close)
	api := graphtest.New()
	t.Cleanup(api.Close)
	api.SetTokenCheck(id.ValidAccessToken)
	access, refresh := id.Issue(strings.Join(microsoft.Scopes(), " "))
	endpoint := id.Endpoint("organizations")
	endpoint.AuthStyle = oauth2.AuthStyleInParams
	rt := &refreshing{
		conf: &oauth2.Config{ClientID: id.ClientID, Endpoint: endpoint, Scopes: microsoft.Scopes()},
		tok:  &oauth2.Token{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(time.Hour)},
	}
	return api, id, rt
}

// TestTokenExpiresWhilePaging: the access token runs out between two pages
// (Graph answers the second with 401 InvalidAuthenticationToken); the
// transport refreshes it once, the page is asked again with the new one,
// and the read is whole.
func TestTokenExpiresWhilePaging(t *testing.T) {
	api, id, rt := signedIn(t)
	someEvents(t, api, 5)
	api.SetPageSizes(2)
	src := newSource(t, api, &http.Client{Transport: rt})
	if _, err := src.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := rt.tok.AccessToken
	api.InjectFault(graphtest.Fault{Path: "calendarView", Skip: 1, Status: http.StatusUnauthorized})
	res, err := src.Events(context.Background(), week())
	if err != nil || len(res.Events) != 5 {
		t.Fatalf("events %d, err %v", len(res.Events), err)
	}
	var tokens []string
	for _, r := range api.Requests() {
		if strings.HasSuffix(r.Path, "/calendarView") {
			tokens = append(tokens, r.Token)
		}
	}
	second := rt.tok.AccessToken
	if want := []string{first, first, second, second}; strings.Join(tokens, " ") != strings.Join(want, " ") || first == second {
		t.Errorf("pages asked with %q, want the first token twice (the second page refused) then the new one", tokens)
	}
	refreshes := 0
	for _, r := range id.Requests() {
		if r.Form.Get("grant_type") == "refresh_token" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Errorf("%d refreshes, want 1", refreshes)
	}
}

// TestSignInGone: when the refresh is refused too (the sign-in was
// revoked), the read fails, saying so, and nothing partial is returned.
func TestSignInGone(t *testing.T) {
	api, id, rt := signedIn(t)
	someEvents(t, api, 5)
	api.SetPageSizes(2)
	src := newSource(t, api, &http.Client{Transport: rt})
	if _, err := src.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	id.RevokeRefreshToken(rt.tok.RefreshToken)
	res, err := src.Events(context.Background(), week())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || len(res.Events) != 0 {
		t.Errorf("events %d, error %v", len(res.Events), err)
	}
	if !strings.HasPrefix(err.Error(), "calendar Calendar: ") {
		t.Errorf("error %q does not name the calendar", err)
	}

	// Without a refreshing transport the 401 itself is the error.
	_, err = newSource(t, api, bearer("stale")).Info(context.Background())
	if !errors.Is(err, microsoft.ErrUnauthorized) {
		t.Errorf("error %v", err)
	}
}
