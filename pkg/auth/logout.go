package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotRevoked is returned, wrapped, by [Logout] when the sign-in was
// deleted here but the provider did not confirm its revocation. Its
// message is Google's.
var ErrNotRevoked = errors.New("google did not confirm the revocation")

// LogoutOptions configure [Logout].
type LogoutOptions struct {
	// Provider is who to sign out of; nil means [Google].
	Provider *Provider
	Store    Store
	// RevokeURL replaces the provider's revoke endpoint; "" means its own
	// (Google's [DefaultRevokeURL]).
	RevokeURL string
	// HTTPClient calls the revoke endpoint; nil means http.DefaultClient.
	// Without a Timeout of its own, each try is given [DefaultTokenTimeout];
	// 5xx answers and dropped connections are tried again.
	HTTPClient *http.Client
}

// Logout revokes the stored sign-in at the provider (the refresh token,
// which ends the whole grant) and deletes it from the store, returning
// what was removed. A token the provider no longer knows counts as
// revoked. When it cannot be reached or refuses, the sign-in is deleted
// all the same and the error wraps [ErrNotRevoked]. A provider that has no
// revoke endpoint for emtime (Microsoft's public clients) is not asked:
// the sign-in is deleted here, and the user removes the access at
// [Provider.RevokeByHand] ([Provider.Revocable] is false). With nothing
// stored it returns an error matching [ErrNotSignedIn].
func Logout(ctx context.Context, opts LogoutOptions) (Stored, error) {
	p := Google(Endpoints{RevokeURL: opts.RevokeURL})
	if opts.Provider != nil {
		p = *opts.Provider
		if opts.RevokeURL != "" {
			p.Endpoints.RevokeURL = opts.RevokeURL
		}
	}
	st, err := opts.Store.Load()
	if errors.Is(err, ErrNotSignedIn) {
		return Stored{}, p.notSignedIn()
	}
	if err != nil {
		return Stored{}, err
	}
	var revokeErr error
	if p.Revocable() {
		revokeErr = revoke(ctx, tokenClient(opts.HTTPClient, 0, TokenRetry{}, p), p.endpoint().RevokeURL, st)
	}
	if err := opts.Store.Delete(); err != nil {
		return st, err
	}
	if revokeErr != nil {
		return st, newSafe(fmt.Sprintf("signed out here, but %s did not confirm the revocation (%s): remove emtime's access at %s", p.Name, revokeErr.Error(), p.RevokeByHand), ErrNotRevoked)
	}
	return st, nil
}

// revoke revokes st's grant at endpoint, through hc (a [tokenClient]).
func revoke(ctx context.Context, hc *http.Client, endpoint string, st Stored) error {
	tok := st.Token.RefreshToken
	if tok == "" {
		tok = st.Token.AccessToken
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(url.Values{"token": {tok}}.Encode()))
	if err != nil {
		return errors.New("bad revoke address")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err
		}
		return errors.New("revoke request failed")
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode == http.StatusOK {
		return nil
	}
	code := jsonErrorCode(body)
	if res.StatusCode == http.StatusBadRequest && code == "invalid_token" {
		return nil // already revoked or expired
	}
	if code != "" {
		return fmt.Errorf("status %s: %s", res.Status, code)
	}
	return fmt.Errorf("status %s", res.Status)
}

// Status is what `emtime auth status` shows of one provider.
type Status struct {
	// SignedIn is true when a sign-in is stored or the provider's ready
	// access token (EMTIME_ACCESS_TOKEN) is set.
	SignedIn bool
	// Via is "signed in" or the ready token's variable.
	Via string
	// Account is the signed-in user's address, when known.
	Account string
	Scopes  []string
	// ClientID and Tenant are the public client and tenant of a Microsoft
	// sign-in; empty for Google.
	ClientID, Tenant string
	// Store says where the sign-in is kept ([Store.Describe]).
	Store string
	// Expiry is when the access token expires (zero when unknown);
	// Refreshable is true when a refresh token renews it.
	Expiry      time.Time
	Refreshable bool
	// FileMode and FolderMode are the permissions of the token file and of
	// its folder, for a [FileStore] holding a sign-in; zero otherwise.
	FileMode, FolderMode fs.FileMode
}

// CurrentStatus says who is signed in to Google and where the sign-in is
// kept ([Provider.Status]).
func CurrentStatus(store Store, getenv func(string) string) (Status, error) {
	return Google(Endpoints{}).Status(store, getenv)
}

// Status says who is signed in to p and where the sign-in is kept, from
// store and p's ready access token in the environment. It asks nothing of
// the provider. Nothing stored is not an error: SignedIn is false.
func (p Provider) Status(store Store, getenv func(string) string) (Status, error) {
	s := Status{Store: store.Describe()}
	if getenv != nil && getenv(p.AccessTokenEnv) != "" {
		s.SignedIn = true
		s.Via = p.AccessTokenEnv
		return s, nil
	}
	st, err := store.Load()
	if errors.Is(err, ErrNotSignedIn) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	s.SignedIn = true
	s.Via = "signed in"
	s.Account = st.Account
	s.Scopes = st.Scopes
	s.ClientID, s.Tenant = st.ClientID, st.Tenant
	s.Expiry = st.Token.Expiry
	s.Refreshable = st.Token.RefreshToken != ""
	if f, ok := store.(*FileStore); ok {
		if fi, err := os.Lstat(f.Path); err == nil {
			s.FileMode = fi.Mode().Perm()
		}
		if fi, err := os.Stat(filepath.Dir(f.Path)); err == nil {
			s.FolderMode = fi.Mode().Perm()
		}
	}
	return s, nil
}

// jsonErrorCode is the "error" member of an OAuth error body.
func jsonErrorCode(body []byte) string {
	var b struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	return b.Error
}
