package auth_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"
)

// beforeProviders is a token.json as emtime wrote it before there were
// several providers (testdata/token-before-providers.json, made by that
// version's encoder).
func beforeProviders(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "token-before-providers.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUpgradeKeepsGoogleSignIn: a user signed in to Google by an older
// emtime stays signed in: its token.json is Google's sign-in, read as it
// is, refreshed in place, and a Microsoft sign-in beside it leaves it
// alone.
func TestUpgradeKeepsGoogleSignIn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "emtime")
	old := beforeProviders(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "token.json"), old, 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := env(map[string]string{auth.EnvTokenStore: "file"})
	google := auth.Google(auth.Endpoints{})
	store, err := google.OpenStore(dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := store.(*auth.FileStore); !ok || f.Path != filepath.Join(dir, "token.json") {
		t.Fatalf("Google's store is %s", store.Describe())
	}
	st, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := &oauth2.Token{AccessToken: "ya29.a-token-kept-before-providers", TokenType: "Bearer",
		RefreshToken: "1//a-refresh-token-kept-before-providers", Expiry: time.Date(2026, 3, 18, 13, 0, 0, 0, time.UTC)}
	if *st.Token != *want || st.Account != "me@example.com" || !slices.Equal(st.Scopes, auth.Scopes()) || st.ClientID != "" || st.Tenant != "" {
		t.Errorf("read %+v %+v", st, st.Token)
	}

	// Resolved, it is the user's sign-in, its token used as it is.
	creds, err := auth.Resolve(context.Background(), auth.Options{Dir: dir, Getenv: getenv,
		Now: func() time.Time { return time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := creds.Token()
	if err != nil || creds.Via != "signed in" || creds.Account != "me@example.com" || tok.AccessToken != want.AccessToken {
		t.Errorf("creds %+v, token %v, error %v", creds, tok, err)
	}
	if s, err := auth.CurrentStatus(store, getenv); err != nil || !s.SignedIn || s.Account != "me@example.com" {
		t.Errorf("status %+v, %v", s, err)
	}

	// Microsoft's sign-in is a file of its own.
	ms := auth.Microsoft("", "")
	mstore, err := ms.OpenStore(dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mstore.Load(); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("Microsoft signed in by Google's file: %v", err)
	}
	if err := mstore.Save(auth.Stored{Token: &oauth2.Token{AccessToken: "ms-at", RefreshToken: "ms-rt"}, ClientID: "c", Tenant: "organizations"}); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "token.json")); !bytes.Equal(now, old) {
		t.Errorf("Google's token.json changed:\n%s", now)
	}
	if _, err := os.Stat(filepath.Join(dir, "token-microsoft.json")); err != nil {
		t.Errorf("Microsoft's file: %v", err)
	}
	if err := mstore.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(); err != nil {
		t.Errorf("Google's sign-in gone with Microsoft's: %v", err)
	}
}

// TestGoogleFileUnchanged: what is kept of a Google sign-in is what an
// older emtime kept, byte for byte: it can go back to it too.
func TestGoogleFileUnchanged(t *testing.T) {
	dir := t.TempDir()
	s := auth.NewFileStore(dir)
	err := s.Save(auth.Stored{
		Token: &oauth2.Token{AccessToken: "ya29.a-token-kept-before-providers", TokenType: "Bearer",
			RefreshToken: "1//a-refresh-token-kept-before-providers", Expiry: time.Date(2026, 3, 18, 13, 0, 0, 0, time.UTC)},
		Account: "me@example.com", Scopes: auth.Scopes(),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(s.Path)
	if want := beforeProviders(t); !bytes.Equal(got, want) {
		t.Errorf("token.json\n%s\nwant\n%s", got, want)
	}
}

// TestKeyringByProvider: the keyring entry an older emtime kept Google's
// sign-in in ("emtime", "google") is Google's still; Microsoft's is an
// entry of its own.
func TestKeyringByProvider(t *testing.T) {
	keyring.MockInit() // an in-memory keyring, for this test binary
	if err := keyring.Set("emtime", "google", string(beforeProviders(t))); err != nil {
		t.Fatal(err)
	}
	getenv := env(map[string]string{auth.EnvTokenStore: "keyring"})
	gs, err := auth.Google(auth.Endpoints{}).OpenStore(t.TempDir(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	st, err := gs.Load()
	if err != nil || st.Account != "me@example.com" || st.Token.RefreshToken != "1//a-refresh-token-kept-before-providers" {
		t.Fatalf("Google's keyring entry: %+v, %v", st, err)
	}
	ms, err := auth.Microsoft("", "").OpenStore(t.TempDir(), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ms.Load(); !errors.Is(err, auth.ErrNotSignedIn) {
		t.Errorf("Microsoft's entry: %v", err)
	}
	if err := ms.Save(auth.Stored{Token: &oauth2.Token{AccessToken: "ms-at"}, ClientID: "c"}); err != nil {
		t.Fatal(err)
	}
	if v, err := keyring.Get("emtime", "microsoft"); err != nil || !bytes.Contains([]byte(v), []byte(`"client_id": "c"`)) {
		t.Errorf("Microsoft's entry holds %q, %v", v, err)
	}
	if err := ms.Delete(); err != nil {
		t.Fatal(err)
	}
	if _, err := gs.Load(); err != nil {
		t.Errorf("Google's entry gone with Microsoft's: %v", err)
	}
}
