package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/google"
	"github.com/spf13/cobra"
)

// permissionsURL is where a Google user removes an app's access by hand.
const permissionsURL = "https://myaccount.google.com/permissions"

// NewCmdAuth builds `emtime auth` and its subcommands.
func NewCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Sign in to Google Calendar, see who is signed in, sign out",
		Long: `emtime reads Google Calendar with read-only access, as you: sign in once with
'emtime auth login', using your own OAuth client (a "Desktop app" client
made in the Google Cloud console; the README shows how). The sign-in is kept
in the system keyring when there is one, else in a file of the config
folder that only you can read.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdAuthLogin(f, nil))
	cmd.AddCommand(NewCmdAuthStatus(f, nil))
	cmd.AddCommand(NewCmdAuthLogout(f, nil))
	return cmd
}

// AuthLoginOptions are the flags of `emtime auth login`.
type AuthLoginOptions struct {
	IO          *IOStreams
	Credentials string
	NoBrowser   bool
	// Timeout bounds the work with Google once the browser came back.
	Timeout time.Duration

	factory *Factory
}

// NewCmdAuthLogin builds `emtime auth login`.
func NewCmdAuthLogin(f *Factory, runF func(context.Context, *AuthLoginOptions) error) *cobra.Command {
	opts := &AuthLoginOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to Google Calendar (read-only) in the browser",
		Long: `Opens Google's sign-in page in your browser, asks for read-only access to your
calendars, and keeps the sign-in for later runs. Give your OAuth client's JSON
(a "Desktop app" client from the Google Cloud console) once with
--credentials: it is kept in the config folder too.

On a machine without a browser (over SSH), --no-browser prints the address
to open elsewhere; after approving, paste the address the browser was sent
to (http://127.0.0.1:…/?code=…) back here.`,
		Example: `  emtime auth login --credentials ~/Downloads/client_secret.json
  emtime auth login --no-browser`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Timeout <= 0 {
				return usagef("--timeout must be a positive duration such as 2m, got %s", opts.Timeout)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authLoginRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Credentials, "credentials", "", "the OAuth client JSON downloaded from the Google Cloud console (kept for later runs)")
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the sign-in address instead of opening a browser, and read the redirected address from standard input")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", defaultGoogleTimeout, "once you approved, give up on Google's answers (the token, who you are) after this long")
	return cmd
}

func authLoginRun(ctx context.Context, opts *AuthLoginOptions) error {
	f := opts.factory
	getenv := f.Getenv
	dir, err := auth.ConfigDir(getenv)
	if err != nil {
		return err
	}
	var client auth.Client
	var clientJSON []byte
	if opts.Credentials != "" {
		if clientJSON, err = os.ReadFile(opts.Credentials); err != nil {
			return fmt.Errorf("--credentials: %w", err)
		}
		if client, err = auth.ParseClientJSON(clientJSON); err != nil {
			return withHint(fmt.Errorf("%s: %w", opts.Credentials, err),
				"download the JSON of an OAuth client ID of type Desktop app from the Google Cloud console (APIs & Services > Credentials)")
		}
	} else if client, err = auth.LoadClient(dir, getenv); errors.Is(err, auth.ErrNoClient) {
		return withHint(errors.New("no OAuth client to sign in with"),
			"create an OAuth client ID of type Desktop app in the Google Cloud console (the README walks you through it), download its JSON, then run 'emtime auth login --credentials client_secret.json'")
	} else if err != nil {
		return err
	}
	store, err := auth.OpenStore(dir, getenv)
	if err != nil {
		return err
	}

	timeout, err := f.googleTimeout()
	if err != nil {
		return err
	}
	delay, err := f.retryDelay()
	if err != nil {
		return err
	}
	lopts := auth.LoginOptions{Client: client, Endpoints: auth.EndpointsFromEnv(getenv), Out: opts.IO.ErrOut,
		TokenTimeout: timeout, TokenRetry: auth.TokenRetry{BaseDelay: delay}, ExchangeTimeout: opts.Timeout}
	if opts.NoBrowser {
		lopts.Paste = opts.IO.In
	} else {
		lopts.Open = auth.BrowserOpener(getenv)
	}
	st, err := auth.Login(ctx, lopts)
	if errors.Is(err, auth.ErrNothingPasted) {
		return withHint(err, "run 'emtime auth login --no-browser' where you can paste the address the browser was sent to, or leave out --no-browser to sign in with a browser on this machine")
	}
	if err != nil {
		return err
	}
	if clientJSON != nil {
		if err := auth.SaveClientJSON(dir, clientJSON); err != nil {
			return err
		}
	}
	if err := store.Save(st); err != nil {
		return err
	}

	// Who signed in: the primary calendar's id is the account's address.
	lctx, cancel := newGoogleDeadline(opts.Timeout).within(ctx)
	defer cancel()
	account, err := lookUpAccount(lctx, f, dir, store)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: signed in, but could not tell as whom: %v\n", err)
		fmt.Fprintf(opts.IO.ErrOut, "Signed in; the token is kept in %s.\n", where(store))
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "Signed in as %s; the token is kept in %s.\n", account, where(store))
	}
	if getenv(auth.EnvAccessToken) != "" {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: %s is set: it is used instead of this sign-in until you unset it\n", auth.EnvAccessToken)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Next: emtime analyze --weeks 4 (emtime calendars lists the calendars you can read)\n")
	return nil
}

// lookUpAccount reads the signed-in user's address from Google and keeps
// it with the sign-in.
func lookUpAccount(ctx context.Context, f *Factory, dir string, store auth.Store) (string, error) {
	getenv := func(k string) string {
		if k == auth.EnvAccessToken {
			return "" // the sign-in just made, not a token from the environment
		}
		return f.Getenv(k)
	}
	timeout, err := f.googleTimeout()
	if err != nil {
		return "", err
	}
	delay, err := f.retryDelay()
	if err != nil {
		return "", err
	}
	creds, err := auth.Resolve(ctx, auth.Options{Dir: dir, Getenv: getenv, Store: store, Endpoints: auth.EndpointsFromEnv(getenv),
		TokenTimeout: timeout, TokenRetry: auth.TokenRetry{BaseDelay: delay}})
	if err != nil {
		return "", err
	}
	src, err := f.googleSource(ctx, creds, google.Options{})
	if err != nil {
		return "", err
	}
	info, err := src.Info(ctx)
	if err != nil {
		return "", plainAuthError(err)
	}
	if len(info.Owner) == 0 {
		return "", errors.New("google named no primary calendar")
	}
	if err := creds.SetAccount(info.Owner[0]); err != nil {
		return "", err
	}
	return info.Owner[0], nil
}

// where says where a store keeps the sign-in, for a sentence.
func where(s auth.Store) string {
	switch s := s.(type) {
	case *auth.FileStore:
		return s.Path
	case *auth.KeyringStore:
		return "the system keyring"
	}
	return s.Describe()
}

// AuthStatusOptions are the flags of `emtime auth status`.
type AuthStatusOptions struct {
	IO *IOStreams

	factory *Factory
}

// NewCmdAuthStatus builds `emtime auth status`.
func NewCmdAuthStatus(f *Factory, runF func(context.Context, *AuthStatusOptions) error) *cobra.Command {
	opts := &AuthStatusOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say who is signed in, with which scopes, and where the token is kept",
		Long: `Says who is signed in to Google Calendar, how (emtime auth login or
EMTIME_ACCESS_TOKEN), which scopes Google granted, where the token is kept
and when the access token expires. It asks nothing of Google and never shows
a token.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authStatusRun(cmd.Context(), opts)
		},
	}
	return cmd
}

// tokenStore opens where the sign-in is kept (see [auth.OpenStore]), in
// the config folder dir.
func (f *Factory) tokenStore() (dir string, store auth.Store, err error) {
	if dir, err = auth.ConfigDir(f.Getenv); err != nil {
		return "", nil, err
	}
	store, err = auth.OpenStore(dir, f.Getenv)
	return dir, store, err
}

func authStatusRun(_ context.Context, opts *AuthStatusOptions) error {
	f := opts.factory
	dir, store, err := f.tokenStore()
	if err != nil {
		return err
	}
	s, err := auth.CurrentStatus(store, f.Getenv)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	switch {
	case !s.SignedIn:
		fmt.Fprintln(out, "Not signed in to Google Calendar.")
		fmt.Fprintf(opts.IO.ErrOut, "emtime: hint: %s\n", notSignedInHint(dir, f.Getenv, false))
		return nil
	case s.Via == auth.EnvAccessToken:
		fmt.Fprintf(out, "Using the access token in %s, as is: it is never refreshed, and its account and scopes are not checked here.\n", auth.EnvAccessToken)
		return nil
	}
	account := s.Account
	if account == "" {
		account = "an account not yet looked up"
	}
	fmt.Fprintf(out, "Signed in to Google Calendar as %s\n", account)
	fmt.Fprintf(out, "  via:      emtime auth login\n")
	for i, scope := range s.Scopes {
		label := "  scopes:  "
		if i > 0 {
			label = "           "
		}
		fmt.Fprintf(out, "%s %s\n", label, scope)
	}
	kept := where(store)
	var loose []string
	if file, ok := store.(*auth.FileStore); ok {
		kept = "file " + kept
		if runtime.GOOS != "windows" { // access is in ACLs there
			kept += fmt.Sprintf(" (mode %04o)", s.FileMode)
			if s.FileMode&^0o600 != 0 {
				loose = append(loose, fmt.Sprintf("the token file %s has mode %04o, wider than 0600: chmod 600 %s", file.Path, s.FileMode, file.Path))
			}
			if dir := filepath.Dir(file.Path); s.FolderMode&^0o700 != 0 {
				loose = append(loose, fmt.Sprintf("the folder %s has mode %04o, wider than 0700: chmod 700 %s", dir, s.FolderMode, dir))
			}
		}
	}
	fmt.Fprintf(out, "  kept in:  %s\n", kept)
	switch {
	case s.Expiry.IsZero():
		fmt.Fprintf(out, "  expires:  unknown\n")
	default:
		state := "valid"
		if !f.Now().Before(s.Expiry) {
			state = "expired"
		}
		renew := "a refresh token renews it"
		if !s.Refreshable {
			renew = "no refresh token: sign in again when it runs out"
		}
		fmt.Fprintf(out, "  expires:  %s (access token %s; %s)\n", s.Expiry.Local().Format("2006-01-02 15:04 MST"), state, renew)
	}
	for _, w := range loose {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: %s\n", w)
	}
	return nil
}

// AuthLogoutOptions are the flags of `emtime auth logout`.
type AuthLogoutOptions struct {
	IO *IOStreams

	factory *Factory
}

// NewCmdAuthLogout builds `emtime auth logout`.
func NewCmdAuthLogout(f *Factory, runF func(context.Context, *AuthLogoutOptions) error) *cobra.Command {
	opts := &AuthLogoutOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the sign-in at Google and delete it here",
		Long: `Revokes emtime's access at Google, then deletes the kept sign-in. When Google
cannot be reached, the sign-in is deleted all the same, and you are told
where to remove the access by hand. The OAuth client JSON stays, for the next
emtime auth login.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authLogoutRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func authLogoutRun(ctx context.Context, opts *AuthLogoutOptions) error {
	f := opts.factory
	_, store, err := f.tokenStore()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := auth.Logout(ctx, auth.LogoutOptions{Store: store, RevokeURL: auth.EndpointsFromEnv(f.Getenv).RevokeURL})
	who := ""
	if st.Account != "" {
		who = " of " + st.Account
	}
	errOut := opts.IO.ErrOut
	switch {
	case errors.Is(err, auth.ErrNotSignedIn):
		fmt.Fprintln(errOut, "Not signed in: nothing to sign out of.")
	case errors.Is(err, auth.ErrNotRevoked):
		msg, _, _ := strings.Cut(err.Error(), ": remove emtime's access at")
		fmt.Fprintf(errOut, "emtime: warning: %s\n", msg)
		fmt.Fprintf(errOut, "emtime: hint: remove emtime's access yourself at %s\n", permissionsURL)
		fmt.Fprintf(errOut, "Signed out%s: the token was deleted from %s.\n", who, where(store))
	case err != nil:
		return err
	default:
		fmt.Fprintf(errOut, "Signed out%s: the access was revoked at Google and the token deleted from %s.\n", who, where(store))
	}
	if f.Getenv(auth.EnvAccessToken) != "" {
		fmt.Fprintf(errOut, "emtime: note: %s is still set, and still used\n", auth.EnvAccessToken)
	}
	return nil
}
