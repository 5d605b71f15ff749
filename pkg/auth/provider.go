package auth

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/emtime/emtime/pkg/microsoft"
	"golang.org/x/oauth2"
	oauthms "golang.org/x/oauth2/microsoft"
)

// The providers emtime signs in to, by [Provider.Name].
const (
	ProviderGoogle    = "google"
	ProviderMicrosoft = "microsoft"
)

// ProviderNames are the providers, in the order `emtime auth status` shows
// them.
func ProviderNames() []string { return []string{ProviderGoogle, ProviderMicrosoft} }

// Environment variables of the Microsoft sign-in.
const (
	// EnvMicrosoftAuthority replaces the Microsoft identity platform's
	// address ([DefaultMicrosoftAuthority]; tests, sovereign clouds):
	// endpoints are it, the tenant and /oauth2/v2.0/{authorize,token,devicecode}.
	EnvMicrosoftAuthority = "EMTIME_MICROSOFT_AUTHORITY_URL"
	// EnvMicrosoftAccessToken is a ready Microsoft Graph access token,
	// used as is, never refreshed.
	EnvMicrosoftAccessToken = "EMTIME_MICROSOFT_ACCESS_TOKEN"
)

// DefaultMicrosoftAuthority is the Microsoft identity platform, and
// DefaultTenant the directory signed in to by default: any work or school
// account's.
const (
	DefaultMicrosoftAuthority = "https://login.microsoftonline.com/"
	DefaultTenant             = "organizations"
)

// Provider describes what a sign-in needs that differs from one provider
// to the other: the rest of the flow (loopback, PKCE, state, the token
// store, refresh, revocation) is the same for all. [Google] and
// [Microsoft] are the two there are.
//
//	                 Google                               Microsoft
//	client           id and secret of a "Desktop app"     public client: an application id,
//	                 client (its JSON, [LoadClient])      no secret, named in the request body
//	refresh token    access_type=offline, prompt=consent  the offline_access scope
//	redirect         http://127.0.0.1:PORT/               http://localhost:PORT/ (as registered)
//	revocation       the revoke endpoint                  none for a public client: by hand
//	device flow      no                                   the devicecode endpoint
//	token file       token.json                           token-microsoft.json
//	keyring entry    emtime / google                      emtime / microsoft
//	ready token      EMTIME_ACCESS_TOKEN                  EMTIME_MICROSOFT_ACCESS_TOKEN
type Provider struct {
	// Name is the provider's key ("google", "microsoft"): the value of
	// --provider, and its name at the start of an error.
	Name string
	// Title is its name in a sentence ("Google"), Service what a sign-in
	// opens ("Google Calendar", "Microsoft 365").
	Title, Service string
	// Endpoints are the OAuth endpoints. Empty fields are the provider's
	// own; a RevokeURL or DeviceURL it has none of stays empty.
	Endpoints Endpoints
	// Scopes are what a sign-in asks for, and no more.
	Scopes []string
	// AuthParams are added to the authorization address: Google's
	// access_type=offline and prompt=consent, without which a second
	// sign-in gets no refresh token.
	AuthParams url.Values
	// PublicClient is true for a client that is an application id alone,
	// with no secret (Microsoft's app registrations); false for an id and
	// a secret read from a client JSON ([LoadClient]).
	PublicClient bool
	// RedirectHost is the host of the loopback redirect, as the provider's
	// client registration expects it: "127.0.0.1", or "localhost" for the
	// http://localhost that Entra ID registrations are given (Entra ignores
	// the port of either). emtime listens on 127.0.0.1 whatever the name.
	RedirectHost string
	// Tenant is the Microsoft directory signed in to ("organizations",
	// "common", "consumers" or a tenant's id or domain); "" for Google.
	Tenant string
	// RevokeByHand says where the user removes emtime's access by hand.
	RevokeByHand string
	// AccessTokenEnv names the environment variable of a ready access
	// token, used as is.
	AccessTokenEnv string
	// TokenFile is the token file's name in the config folder, KeyringUser
	// the user of the sign-in's entry in the system keyring (service
	// "emtime").
	TokenFile, KeyringUser string
	// Login is the command that signs in, for hints.
	Login string

	defaults     Endpoints
	authority    string // Microsoft's: see EnvMicrosoftAuthority
	offlineScope string // granted when a refresh token comes, not listed
	scopePrefix  string // a resource prefix the granted scopes may carry
	grantAll     string // how to grant every scope on the consent page
	explain      func(tokenProblem) string
}

// Google is Google's sign-in; empty fields of ep are Google's endpoints
// ([EndpointsFromEnv] reads the ones set for tests).
func Google(ep Endpoints) Provider {
	return Provider{
		Name:           ProviderGoogle,
		Title:          "Google",
		Service:        "Google Calendar",
		Endpoints:      ep,
		Scopes:         Scopes(),
		AuthParams:     url.Values{"access_type": {"offline"}, "prompt": {"consent"}},
		RedirectHost:   "127.0.0.1",
		RevokeByHand:   "https://myaccount.google.com/permissions",
		AccessTokenEnv: EnvAccessToken,
		TokenFile:      "token.json",
		KeyringUser:    "google",
		Login:          "emtime auth login",
		defaults:       Endpoints{AuthURL: DefaultAuthURL, TokenURL: DefaultTokenURL, RevokeURL: DefaultRevokeURL},
		grantAll:       "allow every box",
	}
}

// Microsoft is the Microsoft identity platform's sign-in (Entra ID's v2.0
// endpoints, golang.org/x/oauth2/microsoft's AzureADEndpoint) for
// Microsoft 365 and Outlook.com, in tenant ("" means [DefaultTenant]).
// authority, when set, replaces [DefaultMicrosoftAuthority]. The scopes
// are package microsoft's, read-only. Check a tenant given by the user
// with [CheckTenant] first.
func Microsoft(authority, tenant string) Provider {
	if tenant == "" {
		tenant = DefaultTenant
	}
	var ep oauth2.Endpoint
	if authority == "" {
		ep = oauthms.AzureADEndpoint(url.PathEscape(tenant))
	} else {
		base := strings.TrimRight(authority, "/") + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/"
		ep = oauth2.Endpoint{AuthURL: base + "authorize", TokenURL: base + "token", DeviceAuthURL: base + "devicecode"}
	}
	return Provider{
		Name:           ProviderMicrosoft,
		Title:          "Microsoft",
		Service:        "Microsoft 365",
		Endpoints:      Endpoints{AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, DeviceURL: ep.DeviceAuthURL},
		Scopes:         microsoft.Scopes(),
		PublicClient:   true,
		RedirectHost:   "localhost",
		Tenant:         tenant,
		RevokeByHand:   "https://myapps.microsoft.com (a work or school account) or https://account.live.com/consent/Manage (a personal account)",
		AccessTokenEnv: EnvMicrosoftAccessToken,
		TokenFile:      "token-microsoft.json",
		KeyringUser:    "microsoft",
		Login:          "emtime auth login --provider microsoft",
		authority:      authority,
		offlineScope:   microsoft.PermissionOfflineAccess,
		scopePrefix:    "https://graph.microsoft.com/",
		grantAll:       "accept every permission asked for",
		explain:        explainMicrosoft,
	}
}

// ProviderFromEnv is the provider named name ("google" or "microsoft"),
// with the endpoints the environment sets: EMTIME_OAUTH_*_URL for Google,
// EMTIME_MICROSOFT_AUTHORITY_URL and tenant for Microsoft.
func ProviderFromEnv(name string, getenv func(string) string, tenant string) (Provider, error) {
	switch name {
	case ProviderGoogle:
		return Google(EndpointsFromEnv(getenv)), nil
	case ProviderMicrosoft:
		if err := CheckTenant(tenant); tenant != "" && err != nil {
			return Provider{}, err
		}
		return Microsoft(getenv(EnvMicrosoftAuthority), tenant), nil
	}
	return Provider{}, fmt.Errorf("no provider %q: want %s", name, strings.Join(ProviderNames(), " or "))
}

// CheckTenant checks a Microsoft tenant as given by the user: "common",
// "organizations", "consumers", a tenant id or a domain.
func CheckTenant(tenant string) error {
	switch {
	case tenant == "":
		return errors.New("the tenant is empty: give common, organizations, consumers, or your directory's id or domain")
	case len(tenant) > 253:
		return errors.New("the tenant is too long to be a directory's id or domain")
	case strings.IndexFunc(tenant, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_')
	}) >= 0:
		return fmt.Errorf("the tenant %q is not common, organizations, consumers, a directory's id or a domain", tenant)
	}
	return nil
}

// withTenant is p signed in to tenant, as a stored sign-in says; p when
// the provider has no tenants or tenant is p's already.
func (p Provider) withTenant(tenant string) Provider {
	if p.Name != ProviderMicrosoft || tenant == "" || tenant == p.Tenant || CheckTenant(tenant) != nil {
		return p
	}
	return Microsoft(p.authority, tenant)
}

// endpoint is p's endpoints with the empty ones its own.
func (p Provider) endpoint() Endpoints {
	ep := p.Endpoints
	if ep.AuthURL == "" {
		ep.AuthURL = p.defaults.AuthURL
	}
	if ep.TokenURL == "" {
		ep.TokenURL = p.defaults.TokenURL
	}
	if ep.RevokeURL == "" {
		ep.RevokeURL = p.defaults.RevokeURL
	}
	if ep.DeviceURL == "" {
		ep.DeviceURL = p.defaults.DeviceURL
	}
	return ep
}

// Revocable reports whether a sign-in can be revoked at the provider
// (Google's can; a public client's at Microsoft cannot: the user removes
// its access by hand, [Provider.RevokeByHand]).
func (p Provider) Revocable() bool { return p.endpoint().RevokeURL != "" }

// config is the OAuth configuration of client at p, redirecting to
// redirectURL ("" for a refresh).
func (p Provider) config(c Client, redirectURL string) *oauth2.Config {
	ep := p.endpoint()
	conf := &oauth2.Config{
		ClientID: c.ID,
		Endpoint: oauth2.Endpoint{
			AuthURL:       ep.AuthURL,
			TokenURL:      ep.TokenURL,
			DeviceAuthURL: ep.DeviceURL,
			// Microsoft refuses credentials in a header from a public
			// client (the auto-detection would try one first); Google
			// takes them either way.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: redirectURL,
		Scopes:      slices.Clone(p.Scopes),
	}
	if !p.PublicClient {
		conf.ClientSecret = c.Secret
	}
	return conf
}

// authOptions are the options of the authorization address, less the
// PKCE challenge.
func (p Provider) authOptions() []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	for _, k := range slices.Sorted(maps.Keys(p.AuthParams)) {
		opts = append(opts, oauth2.SetAuthURLParam(k, p.AuthParams.Get(k)))
	}
	return opts
}

// missingScopes are the scopes of p that the token does not grant, as far
// as its answer says (none when it lists no scope at all). The offline
// scope is granted when a refresh token came with it; a granted scope may
// carry the resource's prefix ("https://graph.microsoft.com/User.Read").
func (p Provider) missingScopes(granted []string, tok *oauth2.Token) []string {
	if len(granted) == 0 {
		return nil
	}
	var missing []string
	for _, s := range p.Scopes {
		if s == p.offlineScope && p.offlineScope != "" {
			if tok.RefreshToken == "" {
				missing = append(missing, s)
			}
			continue
		}
		if !slices.ContainsFunc(granted, func(g string) bool { return p.sameScope(g, s) }) {
			missing = append(missing, s)
		}
	}
	return missing
}

func (p Provider) sameScope(granted, asked string) bool {
	if p.scopePrefix == "" {
		return granted == asked
	}
	if len(granted) >= len(p.scopePrefix) && strings.EqualFold(granted[:len(p.scopePrefix)], p.scopePrefix) {
		granted = granted[len(p.scopePrefix):]
	}
	return strings.EqualFold(granted, asked)
}
