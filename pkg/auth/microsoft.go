package auth

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/emtime/emtime/pkg/microsoft"
)

// tokenProblem is a refusal of a sign-in endpoint, as [Provider]'s
// explain reads it.
type tokenProblem struct {
	// Code is the OAuth error ("invalid_grant", "access_denied").
	Code string
	// Number is Microsoft's AADSTS number, 0 when there is none.
	Number int
	// Description is the first line of error_description.
	Description string
	// ClientID and Tenant are the client and tenant signed in with.
	ClientID, Tenant string
}

var aadsts = regexp.MustCompile(`\bAADSTS(\d{1,9})\b`)

// newTokenProblem reads an OAuth refusal: code and description, and the
// body when the description is not at hand. Microsoft appends a trace id,
// a correlation id and a time to each description, on lines of their own:
// only the first line is kept.
func newTokenProblem(code, desc string, body []byte) tokenProblem {
	desc, _, _ = strings.Cut(desc, "\n")
	desc = strings.TrimSpace(desc)
	tp := tokenProblem{Code: code, Description: desc}
	if m := aadsts.FindStringSubmatch(desc); m != nil {
		tp.Number, _ = strconv.Atoi(m[1])
	} else if len(body) > 0 {
		var b struct {
			Codes []int `json:"error_codes"`
		}
		if json.Unmarshal(body, &b) == nil && len(b.Codes) > 0 {
			tp.Number = b.Codes[0]
		}
	}
	return tp
}

// graphPermissions names the permissions emtime asks for: "offline_access,
// User.Read, Calendars.ReadBasic and MailboxSettings.Read".
func graphPermissions() string {
	s := microsoft.Scopes()
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// explainMicrosoft says in plain words what the user (or their
// administrator) can do about the Microsoft identity platform's refusals
// that have a remedy, followed by Microsoft's number; "" for the others,
// which are told as Microsoft describes them.
func explainMicrosoft(tp tokenProblem) string {
	var msg string
	switch tp.Number {
	case 65004:
		msg = "you declined to give emtime access: sign in again and accept the permissions it asks for (all of them read-only)"
	case 65001:
		msg = fmt.Sprintf("emtime's permissions have not been consented to in this directory: sign in once in a browser (without --device) to consent, "+
			"or ask an administrator to grant %s to the application (client) ID %s", graphPermissions(), tp.ClientID)
	case 90094, 90095:
		msg = fmt.Sprintf("your organization lets only administrators consent to apps: ask an administrator to grant the Microsoft Graph "+
			"delegated permissions %s to the application (client) ID %s (Entra ID: App registrations, the app, API permissions, "+
			"Grant admin consent), then sign in again", graphPermissions(), tp.ClientID)
	case 7000218:
		msg = "the app registration does not allow public client flows: in Entra ID, App registrations, the app, Authentication, " +
			"turn on \"Allow public client flows\", then sign in again"
	case 700016:
		msg = fmt.Sprintf("there is no application with the client ID %s in the directory %s: check --client-id (the Application "+
			"(client) ID of your app registration) and --tenant (common or consumers for a personal Microsoft account)", tp.ClientID, tp.Tenant)
	case 50011:
		msg = "the redirect address is not registered for the application: in its app registration, under Authentication, " +
			"add the platform \"Mobile and desktop applications\" with the redirect URI http://localhost"
	case 90002:
		msg = fmt.Sprintf("there is no directory %q: check --tenant (common, organizations, consumers, or your directory's id or domain)", tp.Tenant)
	case 700082:
		msg = "the saved sign-in has expired or was revoked"
	case 70008:
		msg = "the sign-in or its code has expired"
	case 700025:
		msg = "a client secret was sent for a public client, which takes none"
	}
	if msg == "" {
		return ""
	}
	return fmt.Sprintf("%s (AADSTS%d)", msg, tp.Number)
}
