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
// deleted here but Google did not confirm its revocation.
var ErrNotRevoked = errors.New("google did not confirm the revocation")

// LogoutOptions configure [Logout].
type LogoutOptions struct {
	Store Store
	// RevokeURL is Google's revoke endpoint; "" means [DefaultRevokeURL].
	RevokeURL string
	// HTTPClient calls the revoke endpoint; nil means http.DefaultClient.
	// Without a Timeout of its own, each try is given [DefaultTokenTimeout];
	// 5xx answers and dropped connections are tried again.
	HTTPClient *http.Client
}

// Logout revokes the stored sign-in at Google (the refresh token, which
// ends the whole grant) and deletes it from the store, returning what was
// removed. A token Google no longer knows counts as revoked. When Google
// cannot be reached or refuses, the sign-in is deleted all the same and the
// error wraps [ErrNotRevoked]. With nothing stored it returns
// [ErrNotSignedIn].
func Logout(ctx context.Context, opts LogoutOptions) (Stored, error) {
	st, err := opts.Store.Load()
	if err != nil {
		return Stored{}, err
	}
	revokeErr := revoke(ctx, opts, st)
	if err := opts.Store.Delete(); err != nil {
		return st, err
	}
	if revokeErr != nil {
		return st, fmt.Errorf("signed out here, but %w (%s): remove emtime's access at https://myaccount.google.com/permissions", ErrNotRevoked, revokeErr.Error())
	}
	return st, nil
}

func revoke(ctx context.Context, opts LogoutOptions, st Stored) error {
	tok := st.Token.RefreshToken
	if tok == "" {
		tok = st.Token.AccessToken
	}
	endpoint := opts.RevokeURL
	if endpoint == "" {
		endpoint = DefaultRevokeURL
	}
	hc := tokenClient(opts.HTTPClient, 0, TokenRetry{})
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

// Status is what `emtime auth status` shows.
type Status struct {
	// SignedIn is true when a sign-in is stored or EMTIME_ACCESS_TOKEN is
	// set.
	SignedIn bool
	// Via is "signed in" or "EMTIME_ACCESS_TOKEN".
	Via string
	// Account is the signed-in user's address, when known.
	Account string
	Scopes  []string
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

// CurrentStatus says who is signed in and where the sign-in is kept.
// Nothing stored is not an error: SignedIn is false.
func CurrentStatus(store Store, getenv func(string) string) (Status, error) {
	s := Status{Store: store.Describe()}
	if getenv != nil && getenv(EnvAccessToken) != "" {
		s.SignedIn = true
		s.Via = EnvAccessToken
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
	s.Expiry = st.Token.Expiry
	s.Refreshable = st.Token.RefreshToken != ""
	if f, ok := store.(*FileStore); ok {
		if fi, err := os.Stat(f.Path); err == nil {
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
