package microsoft_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/httpretry"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
	"github.com/emtime/emtime/pkg/microsoft/identitytest"
	"golang.org/x/oauth2"
)

// signedIn is a fake Graph that accepts only the fake identity platform's
// tokens, and the client the commands build for a Microsoft sign-in: the
// sign-in's own transport (which refreshes an access token Graph refused,
// once, and saves the new tokens) behind the shared retrying one.
func signedIn(t *testing.T) (*graphtest.Server, *identitytest.Server, *http.Client, auth.Store) {
	t.Helper()
	id := identitytest.New()
	t.Cleanup(id.Close)
	api := graphtest.New()
	t.Cleanup(api.Close)
	api.SetTokenCheck(id.ValidAccessToken)
	access, refresh := id.Issue(strings.Join(microsoft.Scopes(), " "))
	p := auth.Microsoft(id.AuthorityURL(), "")
	store := p.FileStore(t.TempDir())
	err := store.Save(auth.Stored{
		Token:    &oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)},
		ClientID: id.ClientID, Tenant: "organizations",
	})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := auth.Resolve(context.Background(), auth.Options{Provider: &p, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	w := &sleeps{}
	return api, id, &http.Client{Transport: microsoft.RetryTransport(creds.Client().Transport, httpretry.Policy{Sleep: w.sleep})}, store
}

// kept is the sign-in store keeps.
func kept(t *testing.T, store auth.Store) auth.Stored {
	t.Helper()
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestTokenExpiresWhilePaging: the access token runs out between two pages
// (Graph answers the second with 401 InvalidAuthenticationToken); the
// sign-in's transport refreshes it once, saving the new tokens, the page
// is asked again with the new one, and the read is whole.
func TestTokenExpiresWhilePaging(t *testing.T) {
	api, id, hc, store := signedIn(t)
	someEvents(t, api, 5)
	api.SetPageSizes(2)
	src := newSource(t, api, hc)
	if _, err := src.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := kept(t, store)
	first := before.Token.AccessToken
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
	after := kept(t, store)
	second := after.Token.AccessToken
	if after.Token.RefreshToken == before.Token.RefreshToken || !id.RefreshTokenValid(after.Token.RefreshToken) {
		t.Error("the new refresh token Microsoft issued was not saved")
	}
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
	api, id, hc, store := signedIn(t)
	someEvents(t, api, 5)
	api.SetPageSizes(2)
	src := newSource(t, api, hc)
	if _, err := src.Info(context.Background()); err != nil {
		t.Fatal(err)
	}
	id.RevokeRefreshToken(kept(t, store).Token.RefreshToken)
	res, err := src.Events(context.Background(), week())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !errors.Is(err, auth.ErrSignInAgain) || len(res.Events) != 0 {
		t.Errorf("events %d, error %v", len(res.Events), err)
	}
	if !strings.Contains(err.Error(), "microsoft no longer accepts the saved sign-in") || !strings.HasSuffix(err.Error(), "sign in again: emtime auth login --provider microsoft") {
		t.Errorf("error %q", err)
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
