package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// NewCmdAuth builds `emtime auth` and its subcommands.
func NewCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Sign in to Google or Microsoft 365, see who is signed in, sign out",
		Long: `emtime reads your calendars with read-only access, as you: sign in once with
'emtime auth login', using your own OAuth client (for Google, a "Desktop app"
client made in the Google Cloud console; for Microsoft 365 and Outlook.com,
--provider microsoft and the client ID of an app registered in Entra ID; the
README shows how). Each provider's sign-in is kept in the system keyring when
there is one, else in a file of the config folder that only you can read.`,
		Args: groupArgs,
		RunE: groupHelp,
	}
	cmd.AddCommand(NewCmdAuthLogin(f, nil))
	cmd.AddCommand(NewCmdAuthStatus(f, nil))
	cmd.AddCommand(NewCmdAuthLogout(f, nil))
	return cmd
}

// addProviderFlag adds --provider to cmd, into p.
func addProviderFlag(cmd *cobra.Command, fl *pflag.FlagSet, p *string, def, usage string) {
	fl.StringVar(p, "provider", def, usage)
	_ = cmd.RegisterFlagCompletionFunc("provider", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return auth.ProviderNames(), cobra.ShellCompDirectiveNoFileComp
	})
}

// checkProvider checks the value of --provider.
func checkProvider(name string) error {
	for _, p := range auth.ProviderNames() {
		if name == p {
			return nil
		}
	}
	return usagef("--provider %q: want %s", name, strings.Join(auth.ProviderNames(), " or "))
}

// AuthLoginOptions are the flags of `emtime auth login`.
type AuthLoginOptions struct {
	IO *IOStreams
	// Provider is google (the default) or microsoft.
	Provider    string
	Credentials string
	NoBrowser   bool
	// ClientID, Tenant and Device sign in to Microsoft.
	ClientID string
	Tenant   string
	Device   bool
	// Timeout bounds the work with the provider once the browser came
	// back.
	Timeout time.Duration

	factory *Factory
}

// NewCmdAuthLogin builds `emtime auth login`.
func NewCmdAuthLogin(f *Factory, runF func(context.Context, *AuthLoginOptions) error) *cobra.Command {
	opts := &AuthLoginOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to Google Calendar or Microsoft 365 (read-only)",
		Long: `Opens the provider's sign-in page in your browser, asks for read-only access
to your calendars, and keeps the sign-in for later runs.

Google Calendar (the default): give your OAuth client's JSON (a "Desktop app"
client from the Google Cloud console) once with --credentials: it is kept in
the config folder too.

Microsoft 365 and Outlook.com: --provider microsoft with --client-id, the
Application (client) ID of the app you registered in Entra ID (no secret);
--tenant says which directory (default organizations: any work or school
account; common or consumers for a personal account). With --device, emtime
prints a code to enter at Microsoft's device login page, on any device, for
a machine without a browser. A later login may leave out --client-id: the
one of the kept sign-in is used.

On a machine without a browser (over SSH), --no-browser prints the address
to open elsewhere; after approving, paste the address the browser was sent
to (http://127.0.0.1:…/?code=…, or http://localhost:… for Microsoft) back
here.`,
		Example: `  emtime auth login --credentials ~/Downloads/client_secret.json
  emtime auth login --no-browser
  emtime auth login --provider microsoft --client-id CLIENT_ID
  emtime auth login --provider microsoft --client-id CLIENT_ID --device`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authLoginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	addProviderFlag(cmd, fl, &opts.Provider, auth.ProviderGoogle, "who to sign in to: google or microsoft")
	fl.StringVar(&opts.Credentials, "credentials", "", "the OAuth client JSON downloaded from the Google Cloud console (kept for later runs)")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "print the sign-in address instead of opening a browser, and read the redirected address from standard input")
	fl.StringVar(&opts.ClientID, "client-id", "", "with --provider microsoft: the Application (client) ID of your app registration in Entra ID")
	fl.StringVar(&opts.Tenant, "tenant", "", "with --provider microsoft: common, organizations (the default), consumers, or your directory's id or domain")
	fl.BoolVar(&opts.Device, "device", false, "with --provider microsoft: sign in with a code entered at Microsoft's device login page, on any device")
	durationVar(fl, &opts.Timeout, "timeout", defaultGoogleTimeout, "once you approved, give up on the provider's answers (the token, who you are) after this long")
	_ = cmd.RegisterFlagCompletionFunc("tenant", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"organizations", "common", "consumers"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// check validates the flags against the provider chosen.
func (o *AuthLoginOptions) check() error {
	if o.Timeout <= 0 {
		return usagef("--timeout must be a positive duration such as 2m, got %s", o.Timeout)
	}
	if err := checkProvider(o.Provider); err != nil {
		return err
	}
	if o.Provider == auth.ProviderGoogle {
		if o.ClientID != "" || o.Tenant != "" || o.Device {
			return usagef("--client-id, --tenant and --device sign in to Microsoft: add --provider microsoft")
		}
		return nil
	}
	if o.Credentials != "" {
		return usagef("--credentials is the client JSON of a Google sign-in: Microsoft takes --client-id")
	}
	if o.Device && o.NoBrowser {
		return usagef("--device and --no-browser are two ways to sign in without a browser here: pick one")
	}
	if o.ClientID != "" && strings.IndexFunc(o.ClientID, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return usagef("--client-id %q: want the Application (client) ID, such as 11111111-2222-3333-4444-555555555555", o.ClientID)
	}
	if o.Tenant != "" {
		if err := auth.CheckTenant(o.Tenant); err != nil {
			return usagef("--tenant: %v", err)
		}
	}
	return nil
}

func authLoginRun(ctx context.Context, opts *AuthLoginOptions) error {
	if opts.Provider == auth.ProviderMicrosoft {
		return authLoginMicrosoft(ctx, opts)
	}
	f := opts.factory
	getenv := f.Getenv
	dir, err := auth.ConfigDir(getenv)
	if err != nil {
		return err
	}
	var client auth.Client
	var clientJSON []byte
	if opts.Credentials != "" {
		if clientJSON, err = auth.ReadKeyFile(opts.Credentials); err != nil {
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
	signedInAs(opts.IO.ErrOut, account, err, store)
	if getenv(auth.EnvAccessToken) != "" {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: %s is set: it is used instead of this sign-in until you unset it\n", auth.EnvAccessToken)
	}
	fmt.Fprintln(opts.IO.ErrOut, f.nextStep(auth.ProviderGoogle))
	return nil
}

// nextStep is what to run after signing in to provider: analyze, naming
// the provider with --source when the user is signed in to another one
// too (analyze would ask which).
func (f *Factory) nextStep(provider string) string {
	source := ""
	in := signedInWith(f.Getenv)
	for _, other := range auth.ProviderNames() {
		if ok, err := in(other); other != provider && ok && err == nil {
			source = " --source " + provider
		}
	}
	return fmt.Sprintf("Next: emtime analyze%s --weeks 4 (emtime calendars%s lists the calendars you can read)", source, source)
}

// signedInAs says who signed in and where the token is kept; err is why
// the account could not be looked up, if it could not.
func signedInAs(w io.Writer, account string, err error, store auth.Store) {
	if err != nil {
		fmt.Fprintf(w, "emtime: warning: signed in, but could not tell as whom: %s\n", textsafe.Line(err.Error()))
		fmt.Fprintf(w, "Signed in; the token is kept in %s.\n", where(store))
		return
	}
	fmt.Fprintf(w, "Signed in as %s; the token is kept in %s.\n", textsafe.Line(account), where(store))
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

// authLoginMicrosoft is `emtime auth login --provider microsoft`: the
// browser sign-in, or the device code one with --device; then who signed
// in, from Microsoft Graph's /me.
func authLoginMicrosoft(ctx context.Context, opts *AuthLoginOptions) error {
	f := opts.factory
	getenv := f.Getenv
	dir, err := auth.ConfigDir(getenv)
	if err != nil {
		return err
	}
	p, err := auth.ProviderFromEnv(auth.ProviderMicrosoft, getenv, opts.Tenant)
	if err != nil {
		return err
	}
	store, err := p.OpenStore(dir, getenv)
	if err != nil {
		return err
	}
	clientID := opts.ClientID
	if clientID == "" {
		// Signing in again: the client (and tenant) of the kept sign-in.
		if prev, err := store.Load(); err == nil && prev.ClientID != "" {
			clientID = prev.ClientID
			if opts.Tenant == "" && prev.Tenant != "" {
				if p, err = auth.ProviderFromEnv(auth.ProviderMicrosoft, getenv, prev.Tenant); err != nil {
					return err
				}
			}
		}
	}
	if clientID == "" {
		return withHint(errors.New("no client ID to sign in to Microsoft with"),
			"register emtime once in Entra ID (the README walks you through it), then run 'emtime auth login --provider microsoft --client-id ID' with its Application (client) ID")
	}
	timeout, delay, err := f.microsoftKnobs()
	if err != nil {
		return err
	}
	client := auth.Client{ID: clientID}
	retry := auth.TokenRetry{BaseDelay: delay}
	var st auth.Stored
	if opts.Device {
		st, err = auth.DeviceLogin(ctx, auth.DeviceOptions{Provider: &p, Client: client, Out: opts.IO.ErrOut, TokenTimeout: timeout, TokenRetry: retry})
	} else {
		lopts := auth.LoginOptions{Provider: &p, Client: client, Out: opts.IO.ErrOut, TokenTimeout: timeout, TokenRetry: retry, ExchangeTimeout: opts.Timeout}
		if opts.NoBrowser {
			lopts.Paste = opts.IO.In
		} else {
			lopts.Open = auth.BrowserOpener(getenv)
		}
		st, err = auth.Login(ctx, lopts)
	}
	if errors.Is(err, auth.ErrNothingPasted) {
		return withHint(err, "run 'emtime auth login --provider microsoft --device' to sign in with a code instead, or leave out --no-browser to sign in with a browser on this machine")
	}
	if err != nil {
		return err
	}
	if err := store.Save(st); err != nil {
		return err
	}

	// Who signed in: Graph's /me.
	lctx, cancel := newGoogleDeadline(opts.Timeout).within(ctx)
	defer cancel()
	account, err := lookUpMicrosoftAccount(lctx, f, dir, p, store)
	signedInAs(opts.IO.ErrOut, account, err, store)
	if getenv(auth.EnvMicrosoftAccessToken) != "" {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: %s is set: it is used instead of this sign-in until you unset it\n", auth.EnvMicrosoftAccessToken)
	}
	fmt.Fprintln(opts.IO.ErrOut, f.nextStep(auth.ProviderMicrosoft))
	return nil
}

// lookUpMicrosoftAccount reads the signed-in user's address from Microsoft
// Graph and keeps it with the sign-in.
func lookUpMicrosoftAccount(ctx context.Context, f *Factory, dir string, p auth.Provider, store auth.Store) (string, error) {
	getenv := func(k string) string {
		if k == auth.EnvMicrosoftAccessToken {
			return "" // the sign-in just made, not a token from the environment
		}
		return f.Getenv(k)
	}
	timeout, delay, err := f.microsoftKnobs()
	if err != nil {
		return "", err
	}
	creds, err := auth.Resolve(ctx, auth.Options{Provider: &p, Dir: dir, Getenv: getenv, Store: store,
		TokenTimeout: timeout, TokenRetry: auth.TokenRetry{BaseDelay: delay}})
	if err != nil {
		return "", err
	}
	hc, err := f.microsoftHTTPClient(creds, nil)
	if err != nil {
		return "", err
	}
	src, err := microsoft.New(microsoft.Options{HTTPClient: hc, BaseURL: f.Getenv(microsoft.EnvAPIURL)})
	if err != nil {
		return "", err
	}
	user, err := src.Me(ctx)
	if err != nil {
		return "", microsoftError(err)
	}
	account := user.Address()
	if account == "" {
		return "", errors.New("microsoft graph named no mail address for you")
	}
	if err := creds.SetAccount(account); err != nil {
		return "", err
	}
	return account, nil
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
	// Provider is the one to show; "" shows every provider signed in.
	Provider string

	factory *Factory
}

// NewCmdAuthStatus builds `emtime auth status`.
func NewCmdAuthStatus(f *Factory, runF func(context.Context, *AuthStatusOptions) error) *cobra.Command {
	opts := &AuthStatusOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say who is signed in, with what scopes, where the token is kept",
		Long: `Says who is signed in to Google Calendar and to Microsoft 365, how (emtime
auth login, or a ready token in EMTIME_ACCESS_TOKEN or
EMTIME_MICROSOFT_ACCESS_TOKEN), which scopes were granted, where the token is
kept and when the access token expires. It lists every provider signed in,
or only the one of --provider. It asks nothing of either and never shows a
token.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Provider != "" {
				if err := checkProvider(opts.Provider); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authStatusRun(cmd.Context(), opts)
		},
	}
	addProviderFlag(cmd, cmd.Flags(), &opts.Provider, "", "show only this provider's sign-in: google or microsoft (default: every one signed in)")
	return cmd
}

// providerStore is provider name's description, as the environment sets
// it, and where its sign-in is kept in the config folder dir.
func (f *Factory) providerStore(name string) (dir string, p auth.Provider, store auth.Store, err error) {
	if dir, err = auth.ConfigDir(f.Getenv); err != nil {
		return "", p, nil, err
	}
	if p, err = auth.ProviderFromEnv(name, f.Getenv, ""); err != nil {
		return "", p, nil, err
	}
	store, err = p.OpenStore(dir, f.Getenv)
	return dir, p, store, err
}

func authStatusRun(_ context.Context, opts *AuthStatusOptions) error {
	f := opts.factory
	names := auth.ProviderNames()
	if opts.Provider != "" {
		names = []string{opts.Provider}
	}
	type shown struct {
		p     auth.Provider
		store auth.Store
		s     auth.Status
	}
	var signedIn, not []shown
	dir := ""
	for _, name := range names {
		d, p, store, err := f.providerStore(name)
		if err != nil {
			return err
		}
		dir = d
		s, err := p.Status(store, f.Getenv)
		if err != nil {
			return err
		}
		if s.SignedIn {
			signedIn = append(signedIn, shown{p, store, s})
		} else {
			not = append(not, shown{p, store, s})
		}
	}
	out := opts.IO.Out
	if len(signedIn) == 0 {
		for _, n := range not {
			fmt.Fprintf(out, "Not signed in to %s.\n", n.p.Service)
		}
		for _, n := range not {
			fmt.Fprintf(opts.IO.ErrOut, "emtime: hint: %s\n", signInHint(n.p, dir, f.Getenv, len(not) > 1))
		}
		return nil
	}
	for i, sh := range signedIn {
		if i > 0 {
			fmt.Fprintln(out)
		}
		showStatus(opts.IO, f, sh.p, sh.store, sh.s)
	}
	return nil
}

// showStatus prints one provider's sign-in, and warns of a token file
// others could read.
func showStatus(ios *IOStreams, f *Factory, p auth.Provider, store auth.Store, s auth.Status) {
	out := ios.Out
	if s.Via == p.AccessTokenEnv {
		fmt.Fprintf(out, "Using the access token in %s, as is: it is never refreshed, and its account and scopes are not checked here.\n", p.AccessTokenEnv)
		return
	}
	// The account, tenant and scopes were a server's answers: shown
	// without what a terminal would obey.
	account := textsafe.Line(s.Account)
	if account == "" {
		account = "an account not yet looked up"
	}
	fmt.Fprintf(out, "Signed in to %s as %s\n", p.Service, account)
	fmt.Fprintf(out, "  via:      %s\n", p.Login)
	if s.Tenant != "" {
		fmt.Fprintf(out, "  tenant:   %s\n", textsafe.Line(s.Tenant))
	}
	if s.ClientID != "" {
		fmt.Fprintf(out, "  client:   %s\n", textsafe.Line(s.ClientID))
	}
	for i, scope := range s.Scopes {
		label := "  scopes:  "
		if i > 0 {
			label = "           "
		}
		fmt.Fprintf(out, "%s %s\n", label, textsafe.Line(scope))
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
		fmt.Fprintf(ios.ErrOut, "emtime: warning: %s\n", w)
	}
}

// signInHint says how to sign in to p; named adds which provider it is
// for, when several are told.
func signInHint(p auth.Provider, dir string, getenv func(string) string, named bool) string {
	if p.Name == auth.ProviderGoogle {
		return notSignedInHint(dir, getenv, false)
	}
	hint := "sign in with 'emtime auth login --provider microsoft --client-id ID' (the README shows how to register emtime in Entra ID)"
	if named {
		hint = "for Microsoft 365 or Outlook.com, " + hint
	}
	return hint
}

// AuthLogoutOptions are the flags of `emtime auth logout`.
type AuthLogoutOptions struct {
	IO *IOStreams
	// Provider is google (the default) or microsoft.
	Provider string
	// ClearCache deletes the copy of the account's calendars kept in the
	// provider's cache, KeepCache keeps it; with neither, a terminal is
	// asked.
	ClearCache, KeepCache bool

	factory *Factory
}

// NewCmdAuthLogout builds `emtime auth logout`.
func NewCmdAuthLogout(f *Factory, runF func(context.Context, *AuthLogoutOptions) error) *cobra.Command {
	opts := &AuthLogoutOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the sign-in at the provider and delete it here",
		Long: `Revokes emtime's access at Google, then deletes the kept sign-in. When Google
cannot be reached, the sign-in is deleted all the same, and you are told
where to remove the access by hand. The OAuth client JSON stays, for the next
emtime auth login.

The copy of your calendars kept in the cache (see emtime cache) is deleted
too with --clear-cache, kept with --keep-cache; with neither, you are asked
on a terminal, and told where it stays otherwise.

With --provider microsoft, the Microsoft sign-in is deleted here; Microsoft
offers apps like emtime no way to revoke it, so you are told where to remove
emtime's access yourself. The cache offered is that of the Microsoft 365
calendars.`,
		Example: `  emtime auth logout
  emtime auth logout --clear-cache`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkProvider(opts.Provider); err != nil {
				return err
			}
			if opts.ClearCache && opts.KeepCache {
				return usagef("--clear-cache and --keep-cache cannot be combined: choose one")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return authLogoutRun(cmd.Context(), opts)
		},
	}
	addProviderFlag(cmd, cmd.Flags(), &opts.Provider, auth.ProviderGoogle, "who to sign out of: google or microsoft")
	cmd.Flags().BoolVar(&opts.ClearCache, "clear-cache", false, "also delete the copy of your calendars kept in the cache, without asking")
	cmd.Flags().BoolVar(&opts.KeepCache, "keep-cache", false, "keep the copy of your calendars in the cache, without asking")
	return cmd
}

func authLogoutRun(ctx context.Context, opts *AuthLogoutOptions) error {
	f := opts.factory
	_, p, store, err := f.providerStore(opts.Provider)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := auth.Logout(ctx, auth.LogoutOptions{Provider: &p, Store: store})
	who := ""
	if st.Account != "" {
		who = " of " + textsafe.Line(st.Account)
	}
	errOut := opts.IO.ErrOut
	switch {
	case errors.Is(err, auth.ErrNotSignedIn):
		fmt.Fprintln(errOut, "Not signed in: nothing to sign out of.")
		for _, other := range auth.ProviderNames() {
			if other == p.Name {
				continue
			}
			if _, op, ostore, err := f.providerStore(other); err == nil {
				if s, err := op.Status(ostore, func(string) string { return "" }); err == nil && s.SignedIn {
					fmt.Fprintf(errOut, "emtime: hint: you are signed in to %s: emtime auth logout --provider %s\n", op.Service, op.Name)
				}
			}
		}
	case errors.Is(err, auth.ErrNotRevoked):
		msg, _, _ := strings.Cut(err.Error(), ": remove emtime's access at")
		fmt.Fprintf(errOut, "emtime: warning: %s\n", textsafe.Line(msg))
		fmt.Fprintf(errOut, "emtime: hint: remove emtime's access yourself at %s\n", p.RevokeByHand)
		fmt.Fprintf(errOut, "Signed out%s: the token was deleted from %s.\n", who, where(store))
	case err != nil:
		return err
	case !p.Revocable():
		fmt.Fprintf(errOut, "Signed out%s: the token was deleted from %s.\n", who, where(store))
		fmt.Fprintf(errOut, "%s keeps emtime's access until you remove it: at %s.\n", p.Title, p.RevokeByHand)
	default:
		fmt.Fprintf(errOut, "Signed out%s: the access was revoked at %s and the token deleted from %s.\n", who, p.Title, where(store))
	}
	if f.Getenv(p.AccessTokenEnv) != "" {
		fmt.Fprintf(errOut, "emtime: note: %s is still set, and still used\n", p.AccessTokenEnv)
	}
	if !errors.Is(err, auth.ErrNotSignedIn) {
		return f.offerCacheClear(opts, strings.ToLower(strings.TrimSpace(st.Account)))
	}
	return nil
}
