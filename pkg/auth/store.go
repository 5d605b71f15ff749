package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/emtime/emtime/pkg/atomicfile"
	"github.com/emtime/emtime/pkg/bug"
	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"
)

// ErrNotSignedIn means there is no sign-in to use. Its message is
// Google's; other providers' errors that match it say their own words.
var ErrNotSignedIn = errors.New("not signed in to google calendar")

// Stored is a sign-in as kept in a [Store].
type Stored struct {
	Token *oauth2.Token
	// Account is the signed-in user's address (Google's primary calendar's
	// id, Microsoft's mail address), when known.
	Account string
	// Scopes are the scopes the provider granted.
	Scopes []string
	// ClientID and Tenant are the public client and the Microsoft tenant
	// signed in with, which its refresh token is bound to; empty for
	// Google, whose client is read from the client JSON.
	ClientID string
	Tenant   string
}

// storedJSON is the form a [Stored] is kept in. Google's is the same as
// before there were several providers, which a sign-in kept by an older
// emtime is read as: client_id and tenant are left out when empty.
type storedJSON struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Account      string    `json:"account,omitempty"`
	Scopes       []string  `json:"scopes,omitempty"`
	ClientID     string    `json:"client_id,omitempty"`
	Tenant       string    `json:"tenant,omitempty"`
}

func encodeStored(s Stored) ([]byte, error) {
	if s.Token == nil {
		return nil, errors.New("no token to keep")
	}
	return json.MarshalIndent(storedJSON{
		AccessToken:  s.Token.AccessToken,
		TokenType:    s.Token.TokenType,
		RefreshToken: s.Token.RefreshToken,
		Expiry:       s.Token.Expiry,
		Account:      s.Account,
		Scopes:       s.Scopes,
		ClientID:     s.ClientID,
		Tenant:       s.Tenant,
	}, "", "  ")
}

func decodeStored(data []byte) (Stored, error) {
	var j storedJSON
	if err := json.Unmarshal(data, &j); err != nil {
		// json's syntax errors name a byte offset, never the content.
		return Stored{}, fmt.Errorf("saved sign-in is damaged (sign in again: emtime auth login): %w", err)
	}
	if j.AccessToken == "" && j.RefreshToken == "" {
		return Stored{}, errors.New("saved sign-in holds no token (sign in again: emtime auth login)")
	}
	return Stored{
		Token: &oauth2.Token{
			AccessToken:  j.AccessToken,
			TokenType:    j.TokenType,
			RefreshToken: j.RefreshToken,
			Expiry:       j.Expiry,
		},
		Account:  j.Account,
		Scopes:   j.Scopes,
		ClientID: j.ClientID,
		Tenant:   j.Tenant,
	}, nil
}

// Store keeps the sign-in of one provider.
type Store interface {
	// Load returns the sign-in, or [ErrNotSignedIn] when there is none.
	Load() (Stored, error)
	// Save replaces the sign-in.
	Save(Stored) error
	// Delete removes the sign-in; removing nothing is not an error.
	Delete() error
	// Describe says where the sign-in is kept, for `emtime auth status`.
	Describe() string
}

// FileStore keeps the sign-in in a JSON file, mode 0600 in a 0700 folder,
// replaced atomically on every save. A symbolic link (or anything but a
// regular file) at Path is refused by Load and Save, and by
// [Provider.OpenStore] before a sign-in begins: never read, written or
// replaced, nor what it points to. Delete removes a link itself, never its
// target.
type FileStore struct {
	Path string
	// Login is the command that signs in again, for messages; "" is
	// Google's.
	Login string
}

// signInAgain is what to do once a saved sign-in that is a link is removed.
func (f *FileStore) signInAgain() string {
	login := f.Login
	if login == "" {
		login = "emtime auth login"
	}
	return "sign in again (" + login + ")"
}

// check refuses a link or anything but a regular file at f.Path; nothing
// there is fine.
func (f *FileStore) check() error {
	if _, err := atomicfile.CheckPrivate(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("the saved sign-in: %w", refusePrivate(err, f.signInAgain()))
	}
	return nil
}

// NewFileStore is Google's file store of a config dir: <dir>/token.json
// ([Provider.FileStore]).
func NewFileStore(dir string) *FileStore {
	return Google(Endpoints{}).FileStore(dir)
}

// FileStore is p's file store of a config dir: <dir>/token.json for
// Google (the file emtime has always kept it in), <dir>/token-microsoft.json
// for Microsoft.
func (p Provider) FileStore(dir string) *FileStore {
	return &FileStore{Path: filepath.Join(dir, p.TokenFile), Login: p.Login}
}

func (f *FileStore) Load() (Stored, error) {
	data, err := readPrivateFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return Stored{}, ErrNotSignedIn
	}
	if err != nil {
		return Stored{}, fmt.Errorf("read saved sign-in: %w", refusePrivate(err, f.signInAgain()))
	}
	return decodeStored(data)
}

func (f *FileStore) Save(s Stored) error {
	data, err := encodeStored(s)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(f.Path, data); err != nil {
		return fmt.Errorf("save sign-in: %w", refusePrivate(err, f.signInAgain()))
	}
	return nil
}

func (f *FileStore) Delete() error {
	if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete saved sign-in: %w", err)
	}
	return nil
}

func (f *FileStore) Describe() string { return "file " + f.Path }

// KeyringStore keeps the sign-in in the system keyring (macOS Keychain,
// Windows Credential Manager, the Secret Service on Linux).
type KeyringStore struct {
	Service string
	User    string
}

// NewKeyringStore is Google's entry in the system keyring
// ([Provider.KeyringStore]).
func NewKeyringStore() *KeyringStore {
	return Google(Endpoints{}).KeyringStore()
}

// KeyringStore is p's entry in the system keyring: service "emtime", user
// "google" (the entry emtime has always kept it in) or "microsoft".
func (p Provider) KeyringStore() *KeyringStore {
	return &KeyringStore{Service: "emtime", User: p.KeyringUser}
}

func (k *KeyringStore) Load() (Stored, error) {
	s, err := keyring.Get(k.Service, k.User)
	if errors.Is(err, keyring.ErrNotFound) {
		return Stored{}, ErrNotSignedIn
	}
	if err != nil {
		return Stored{}, fmt.Errorf("read sign-in from the system keyring: %w", err)
	}
	return decodeStored([]byte(s))
}

func (k *KeyringStore) Save(s Stored) error {
	data, err := encodeStored(s)
	if err != nil {
		return err
	}
	if err := keyring.Set(k.Service, k.User, string(data)); err != nil {
		return fmt.Errorf("save sign-in to the system keyring: %w", err)
	}
	return nil
}

func (k *KeyringStore) Delete() error {
	if err := keyring.Delete(k.Service, k.User); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete sign-in from the system keyring: %w", err)
	}
	return nil
}

func (k *KeyringStore) Describe() string {
	return "system keyring (service " + k.Service + ")"
}

// keyringProbeTimeout bounds the wait for a keyring service to answer.
const keyringProbeTimeout = 3 * time.Second

// OpenStore picks where Google's sign-in is kept ([Provider.OpenStore]).
func OpenStore(dir string, getenv func(string) string) (Store, error) {
	return Google(Endpoints{}).OpenStore(dir, getenv)
}

// OpenStore picks where p's sign-in is kept, following EMTIME_TOKEN_STORE:
// "file" is its token file ([Provider.FileStore]); "keyring" is its entry
// in the system keyring; "auto" or unset is the token file when one
// already exists, else the keyring when a keyring service answers, else
// the file.
func (p Provider) OpenStore(dir string, getenv func(string) string) (Store, error) {
	file := p.FileStore(dir)
	switch mode := getenv(EnvTokenStore); mode {
	case "file":
		if err := file.check(); err != nil {
			return nil, err
		}
		return file, nil
	case "keyring":
		return p.KeyringStore(), nil
	case "", "auto":
		if _, err := os.Lstat(file.Path); err == nil {
			if err := file.check(); err != nil {
				return nil, err
			}
			return file, nil
		}
		kr := p.KeyringStore()
		if keyringAnswers(kr) {
			return kr, nil
		}
		return file, nil
	default:
		return nil, fmt.Errorf("%s=%q: want file, keyring or auto", EnvTokenStore, mode)
	}
}

// keyringAnswers reports whether a keyring service reads emtime's entry
// (present or not) within keyringProbeTimeout.
func keyringAnswers(k *KeyringStore) bool {
	done := make(chan bool, 1)
	go func() {
		defer bug.RecoverWith(func(*bug.Error) { done <- false }) // a keyring that panics does not answer
		_, err := keyring.Get(k.Service, k.User)
		done <- err == nil || errors.Is(err, keyring.ErrNotFound)
	}()
	select {
	case ok := <-done:
		return ok
	case <-time.After(keyringProbeTimeout):
		return false
	}
}
