// Package auth signs emtime in to the calendar providers (Google,
// Microsoft) and keeps the sign-in.
//
// One flow serves every provider; what differs is a [Provider], a small
// table of endpoints, scopes, extra parameters, how the client is given
// and the provider's words ([Google], [Microsoft]). [Login] runs the
// installed-app OAuth flow: a loopback redirect on 127.0.0.1, PKCE (S256)
// and a checked state, the browser opened by the caller's opener or the
// address printed and the redirected address pasted back. [DeviceLogin]
// runs the device flow (Microsoft's), for a machine without a browser. A
// [Store] keeps the result in the system keyring or in a file of the
// config dir ([ConfigDir]), one of each per provider
// ([Provider.OpenStore]): Google's is token.json and the keyring entry
// "google", as before there were two. [Resolve] turns what is configured
// (a service account, a ready access token from the environment, or the
// stored sign-in) into [Credentials], whose [Credentials.Client] calls the
// provider, saves refreshed and rotated tokens, retries a 401 once after
// a forced refresh and then fails with [ErrSignInAgain]. [Logout] revokes
// the grant at the provider, where it can be, and deletes it here;
// [Provider.Status] says who is signed in and where the token is kept.
//
// Only read-only scopes are ever asked for: [Provider.Scopes].
//
// Every call to a token endpoint (a refresh, the code exchange, a device
// code's poll, a service account's token, a revocation) has a deadline
// per try; 5xx answers, 429 and dropped connections are tried again
// within [TokenRetry]'s bounds (package httpretry); no redirect to
// another origin is followed, and [Credentials.Client] authorizes no
// request a redirect sent to another origin. The loopback sign-in answers
// only its own Host, and a request that is not its answer does not end
// it.
//
// Error contract: no error returned by this package, and nothing it writes,
// contains an access token, a refresh token or a client secret. Errors from
// the token endpoint are described by the provider's error code and the
// first line of its description, or in plain words where the provider's
// refusal has a remedy (Microsoft's AADSTS numbers: consent, an
// administrator's consent, public client flows, a wrong client id or
// tenant); the original error stays reachable through errors.Is and
// errors.As. Errors of one provider that match a sentinel of this package
// ([ErrSignInAgain], [ErrNotSignedIn], …) say the provider's own words.
package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/emtime/emtime/pkg/atomicfile"
	"golang.org/x/oauth2/google"
	calendarapi "google.golang.org/api/calendar/v3"
)

// Environment variables read through the getenv functions given to this
// package. The CLI passes os.Getenv; tests pass a map lookup.
const (
	EnvConfigDir    = "EMTIME_CONFIG_DIR"
	EnvClientID     = "EMTIME_CLIENT_ID"
	EnvClientSecret = "EMTIME_CLIENT_SECRET"
	EnvAccessToken  = "EMTIME_ACCESS_TOKEN"
	EnvAuthURL      = "EMTIME_OAUTH_AUTH_URL"
	EnvTokenURL     = "EMTIME_OAUTH_TOKEN_URL"
	EnvRevokeURL    = "EMTIME_OAUTH_REVOKE_URL"
	// EnvTokenStore forces where the token is kept: "file", "keyring", or
	// "auto" (the default: the keyring when one answers, else the file).
	EnvTokenStore = "EMTIME_TOKEN_STORE"
)

// Google's OAuth endpoints, and those of [Google] when its Endpoints are
// empty.
const (
	DefaultAuthURL   = "https://accounts.google.com/o/oauth2/auth"
	DefaultTokenURL  = "https://oauth2.googleapis.com/token"
	DefaultRevokeURL = "https://oauth2.googleapis.com/revoke"
)

// clientFileName is the client JSON saved in the config dir by login.
const clientFileName = "client.json"

// Scopes returns the read-only scopes emtime asks for, and no others.
func Scopes() []string {
	return []string{
		calendarapi.CalendarEventsReadonlyScope,
		calendarapi.CalendarCalendarlistReadonlyScope,
		calendarapi.CalendarSettingsReadonlyScope,
	}
}

// Endpoints are the OAuth endpoints of a [Provider]. For [Google], empty
// fields mean Google's own.
type Endpoints struct {
	AuthURL   string
	TokenURL  string
	RevokeURL string
	// DeviceURL starts the device flow ([DeviceLogin]); "" when the
	// provider offers none to emtime.
	DeviceURL string
}

// EndpointsFromEnv reads EMTIME_OAUTH_AUTH_URL, EMTIME_OAUTH_TOKEN_URL and
// EMTIME_OAUTH_REVOKE_URL; unset ones stay empty (Google's).
func EndpointsFromEnv(getenv func(string) string) Endpoints {
	return Endpoints{
		AuthURL:   getenv(EnvAuthURL),
		TokenURL:  getenv(EnvTokenURL),
		RevokeURL: getenv(EnvRevokeURL),
	}
}

// ConfigDir is where emtime keeps its client JSON and token file:
// EMTIME_CONFIG_DIR when set, else os.UserConfigDir()/emtime. It does not
// create the folder; the functions that write into it create it with mode
// 0700, or take the group's and others' access away when it exists.
func ConfigDir(getenv func(string) string) (string, error) {
	if dir := getenv(EnvConfigDir); dir != "" {
		return dir, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config folder (set %s): %w", EnvConfigDir, err)
	}
	return filepath.Join(base, "emtime"), nil
}

// Client is an OAuth client: the user's own "Desktop app" client from the
// Google Cloud console (an id and a secret), or the application (client)
// id of the user's app registration in Entra ID (an id alone: a public
// client).
type Client struct {
	ID     string
	Secret string
}

// ErrNoClient means no OAuth client is configured.
var ErrNoClient = errors.New("no oauth client: give the Desktop app client JSON once with emtime auth login --credentials FILE, or set " + EnvClientID + " and " + EnvClientSecret)

// ErrWebClient means a client JSON is a "Web application" client's: Google
// sends its sign-in back only to the addresses registered for it, never to
// the loopback port emtime listens on, so emtime cannot sign in with it.
var ErrWebClient = errors.New(`this client JSON is a "Web application" client's; emtime signs in as a desktop app, ` +
	`which needs a "Desktop app" client: in the Google Cloud console, Create credentials → OAuth client ID → Application type: Desktop app, then download its JSON`)

// ParseClientJSON reads a client JSON as downloaded from the Google Cloud
// console: a Desktop app's ("installed"); a Web application's ("web") is
// refused with [ErrWebClient].
func ParseClientJSON(data []byte) (Client, error) {
	var kind struct {
		Installed json.RawMessage `json:"installed"`
		Web       json.RawMessage `json:"web"`
	}
	if json.Unmarshal(data, &kind) == nil && kind.Installed == nil && kind.Web != nil {
		return Client{}, ErrWebClient
	}
	conf, err := google.ConfigFromJSON(data)
	if err != nil {
		return Client{}, fmt.Errorf("read oauth client json (want a Desktop app client from the Google Cloud console): %w", err)
	}
	if conf.ClientID == "" {
		return Client{}, errors.New("read oauth client json: no client_id")
	}
	return Client{ID: conf.ClientID, Secret: conf.ClientSecret}, nil
}

// SaveClientJSON checks data is a client JSON and keeps it in dir (mode
// 0600, written atomically) so that later runs need no --credentials.
func SaveClientJSON(dir string, data []byte) error {
	if _, err := ParseClientJSON(data); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, clientFileName), data); err != nil {
		return fmt.Errorf("save oauth client: %w", refusePrivate(err, giveClientAgain))
	}
	return nil
}

// giveClientAgain is what to do once a client JSON that is a link is
// removed.
const giveClientAgain = "give the client JSON again (emtime auth login --credentials FILE)"

// LoadClient finds the OAuth client: EMTIME_CLIENT_ID and
// EMTIME_CLIENT_SECRET when set, else the client JSON saved in dir. It
// returns [ErrNoClient] when there is neither.
func LoadClient(dir string, getenv func(string) string) (Client, error) {
	id, secret := getenv(EnvClientID), getenv(EnvClientSecret)
	switch {
	case id != "" && secret != "":
		return Client{ID: id, Secret: secret}, nil
	case id != "" || secret != "":
		return Client{}, fmt.Errorf("set both %s and %s, or neither", EnvClientID, EnvClientSecret)
	}
	if dir == "" {
		return Client{}, ErrNoClient
	}
	data, err := readPrivateFile(filepath.Join(dir, clientFileName))
	if errors.Is(err, os.ErrNotExist) {
		return Client{}, ErrNoClient
	}
	if err != nil {
		return Client{}, fmt.Errorf("read oauth client: %w", refusePrivate(err, giveClientAgain))
	}
	return ParseClientJSON(data)
}

// writeFileAtomic is [WritePrivateFile] into emtime's own config folder:
// a folder left readable by others (0755, made by hand or by an older
// version) is tightened to its owner as well, unless it is a link the
// user made; its parents are never touched.
func writeFileAtomic(path string, data []byte) error {
	if err := WritePrivateFile(path, data); err != nil {
		return err
	}
	// Best effort, since the file written into it is 0600 all the same,
	// and `emtime auth status` warns about what is left.
	return atomicfile.TightenFolder(filepath.Dir(path), 0o700)
}

// WritePrivateFile replaces path whole with data, readable by its owner
// only (mode 0600): through a temporary file in the same folder, synced,
// then renamed over path, so that a crash leaves the old file or the new
// one, never half of one. A missing folder is made with mode 0700. A
// symbolic link or anything but a regular file at path is refused
// (wrapping [atomicfile.ErrNotFile]) and left alone.
func WritePrivateFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.WritePrivate(path, data, 0o600)
}

// scopeList splits the space-separated scope string of a token response.
func scopeList(s string) []string {
	return strings.Fields(s)
}
