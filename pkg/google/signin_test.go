package google_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/auth/oauthtest"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/google/googletest"
	"golang.org/x/oauth2"
)

// TestSignedInSource drives the real oauth2 and calendar/v3 code against
// both fakes, as `emtime analyze` does after `emtime auth login`.
func TestSignedInSource(t *testing.T) {
	tests := []struct {
		name    string
		expiry  time.Duration // of the stored access token, from now
		prepare func(o *oauthtest.Server, at, rt string)
		wantErr string
	}{
		{name: "expired access token refreshed", expiry: -time.Hour},
		{name: "401 then one refresh", expiry: time.Hour, prepare: func(o *oauthtest.Server, at, _ string) { o.ExpireAccessToken(at) }},
		{name: "revoked refresh token", expiry: -time.Hour, prepare: func(o *oauthtest.Server, _, rt string) { o.RevokeRefreshToken(rt) },
			wantErr: "calendar primary: google no longer accepts the saved sign-in (invalid_grant: Token has been expired or revoked.): sign in again: emtime auth login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := oauthtest.New()
			defer o.Close()
			o.SetRotateRefresh(true)
			api := startAPI(t)
			api.SetTokenCheck(o.ValidAccessToken)
			api.AddEvents("primary", ev("", "meeting", "2025-03-04T10:00:00Z", "2025-03-04T11:00:00Z"))

			dir := filepath.Join(t.TempDir(), "emtime")
			if err := auth.SaveClientJSON(dir, o.ClientJSON()); err != nil {
				t.Fatal(err)
			}
			at, rt := o.Issue()
			store := auth.NewFileStore(dir)
			store.Save(auth.Stored{Token: &oauth2.Token{AccessToken: at, RefreshToken: rt, Expiry: time.Now().Add(tt.expiry)}, Account: "me@example.com"})
			if tt.prepare != nil {
				tt.prepare(o, at, rt)
			}
			creds, err := auth.Resolve(context.Background(), auth.Options{
				Dir:       dir,
				Getenv:    func(k string) string { return map[string]string{auth.EnvTokenStore: "file"}[k] },
				Endpoints: auth.Endpoints{AuthURL: o.AuthURL(), TokenURL: o.TokenURL()},
			})
			if err != nil {
				t.Fatal(err)
			}
			src, _ := newSource(t, api, google.Options{HTTPClient: creds.Client(), Retry: google.Retry{BaseDelay: time.Millisecond}})
			res, err := src.Events(context.Background(), week(t))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if !errors.Is(err, auth.ErrSignInAgain) {
					t.Error("not ErrSignInAgain")
				}
				if strings.Contains(err.Error(), rt) || strings.Contains(err.Error(), at) {
					t.Error("error shows a token")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 1 {
				t.Errorf("got %d events", len(res.Events))
			}
			saved, err := store.Load()
			if err != nil {
				t.Fatal(err)
			}
			if saved.Token.AccessToken == at || !o.ValidAccessToken(saved.Token.AccessToken) {
				t.Error("new access token not saved")
			}
			if saved.Token.RefreshToken == rt || !o.RefreshTokenValid(saved.Token.RefreshToken) {
				t.Error("rotated refresh token not saved")
			}
		})
	}
}

// TestFixtureSource reads a fixture as a testscript would load it.
func TestFixtureSource(t *testing.T) {
	api := startAPI(t)
	err := api.LoadFixture([]byte(`{
		"timeZone": "Asia/Kolkata",
		"calendars": [
			{"id": "ann@example.com", "summary": "Ann", "primary": true, "events": [
				{"summary": "standup", "start": {"dateTime": "2025-03-04T09:00:00+05:30"}, "end": {"dateTime": "2025-03-04T09:15:00+05:30"},
				 "attendees": [{"email": "ann@example.com", "self": true, "responseStatus": "accepted"}]},
				{"summary": "holiday", "start": {"date": "2025-03-05"}, "end": {"date": "2025-03-06"}}
			]},
			{"id": "team@group.calendar.google.com", "summary": "Team", "events": [
				{"summary": "planning", "start": {"dateTime": "2025-03-06T10:00:00+05:30"}, "end": {"dateTime": "2025-03-06T11:00:00+05:30"}}
			]}
		],
		"pageSizes": [1, 0],
		"faults": [{"path": "events", "status": 503}, {"path": "settings", "status": 429, "retryAfter": "1"}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	src, w := newSource(t, api, google.Options{CalendarIDs: []string{"primary", "team@group.calendar.google.com"}, Concurrency: 1})
	info, err := src.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Zone != "Asia/Kolkata" || info.Name != "Ann, Team" || info.Owner[0] != "ann@example.com" {
		t.Errorf("info = %+v", info)
	}
	kolkata, _ := time.LoadLocation(info.Zone)
	q := week(t)
	q.Zone = kolkata
	res, err := src.Events(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, e := range res.Events {
		titles = append(titles, e.Title)
	}
	if strings.Join(titles, ",") != "standup,holiday,planning" {
		t.Errorf("events = %v", titles)
	}
	if h := res.Events[1]; !h.Start.Equal(time.Date(2025, 3, 5, 0, 0, 0, 0, kolkata)) {
		t.Errorf("holiday starts %v", h.Start)
	}
	if len(w.all()) != 2 {
		t.Errorf("waits = %v, want 2", w.all())
	}
}

// TestLoginFlow is `emtime auth login` as the CLI wires it: sign in (the
// test plays the browser), keep the token, look up who signed in, keep that
// too.
func TestLoginFlow(t *testing.T) {
	o := oauthtest.New()
	defer o.Close()
	api := startAPI(t)
	api.SetTokenCheck(o.ValidAccessToken)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "emtime")
	getenv := func(k string) string { return map[string]string{auth.EnvTokenStore: "file"}[k] }
	ep := auth.Endpoints{AuthURL: o.AuthURL(), TokenURL: o.TokenURL(), RevokeURL: o.RevokeURL()}

	if err := auth.SaveClientJSON(dir, o.ClientJSON()); err != nil { // --credentials
		t.Fatal(err)
	}
	client, err := auth.LoadClient(dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	st, err := auth.Login(ctx, auth.LoginOptions{
		Client: client, Endpoints: ep, Timeout: 10 * time.Second,
		Open: func(u string) error {
			go func() {
				if err := oauthtest.Browse(ctx, u); err != nil {
					t.Error(err)
				}
			}()
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	store, err := auth.OpenStore(dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(st); err != nil {
		t.Fatal(err)
	}
	creds, err := auth.Resolve(ctx, auth.Options{Dir: dir, Getenv: getenv, Store: store, Endpoints: ep})
	if err != nil {
		t.Fatal(err)
	}
	src, _ := newSource(t, api, google.Options{HTTPClient: creds.Client()})
	info, err := src.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := creds.SetAccount(info.Owner[0]); err != nil {
		t.Fatal(err)
	}
	status, err := auth.CurrentStatus(store, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !status.SignedIn || status.Account != googletest.DefaultPrimary || len(status.Scopes) != 3 || !status.Refreshable {
		t.Errorf("status = %+v", status)
	}
	if _, err := auth.Logout(ctx, auth.LogoutOptions{Store: store, RevokeURL: ep.RevokeURL}); err != nil {
		t.Fatal(err)
	}
	if o.RefreshTokenValid(st.Token.RefreshToken) {
		t.Error("not revoked")
	}
}
