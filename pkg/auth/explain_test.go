package auth

import (
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestExplainMicrosoft: each of the Microsoft identity platform's
// refusals that has a remedy is told in plain words, with its number;
// the others as Microsoft describes them, first line only.
func TestExplainMicrosoft(t *testing.T) {
	p := Microsoft("", "contoso.example")
	tests := []struct {
		code, desc string
		body       string
		want       string
	}{
		{"access_denied", "AADSTS65004: User declined to consent to access the app.", "", "you declined to give emtime access"},
		{"invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application.", "", "ask an administrator to grant offline_access, User.Read, Calendars.ReadBasic and MailboxSettings.Read to the application (client) ID cid"},
		{"invalid_grant", "AADSTS90094: The grant requires admin permission.", "", "your organization lets only administrators consent to apps: ask an administrator"},
		{"invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", "", `turn on "Allow public client flows"`},
		{"unauthorized_client", "AADSTS700016: Application with identifier 'cid' was not found in the directory 'x'.", "", "there is no application with the client ID cid in the directory contoso.example: check --client-id"},
		{"invalid_request", "AADSTS50011: The redirect URI does not match.", "", `add the platform "Mobile and desktop applications" with the redirect URI http://localhost`},
		{"invalid_request", "AADSTS90002: Tenant 'contoso.example' not found.", "", `there is no directory "contoso.example": check --tenant`},
		{"invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.", "", "the saved sign-in has expired or was revoked (AADSTS700082)"},
		{"invalid_grant", "AADSTS70008: The provided authorization code or refresh token has expired.", "", "the sign-in or its code has expired (AADSTS70008)"},
		// The number from error_codes when the description has none.
		{"invalid_grant", "The grant requires admin permission.", `{"error":"invalid_grant","error_codes":[90094]}`, "(AADSTS90094)"},
		// Not explained: Microsoft's words, without the trace lines.
		{"invalid_scope", "AADSTS70011: The provided value for scope is not valid.\r\nTrace ID: 1\r\nCorrelation ID: 2", "",
			"invalid_scope: AADSTS70011: The provided value for scope is not valid."},
	}
	for _, tt := range tests {
		err := &oauth2.RetrieveError{ErrorCode: tt.code, ErrorDescription: tt.desc, Body: []byte(tt.body)}
		got := p.describeTokenErr(err, "cid")
		if !strings.Contains(got, tt.want) || strings.Contains(got, "Trace ID") {
			t.Errorf("%s %q:\n%s\nwant it to hold %q", tt.code, tt.desc, got, tt.want)
		}
	}
	// Google's refusals are told as before, whatever their number.
	g := Google(Endpoints{})
	if got := g.describeTokenErr(&oauth2.RetrieveError{ErrorCode: "invalid_grant", ErrorDescription: "AADSTS90094: Bad Request"}, ""); got != "invalid_grant: AADSTS90094: Bad Request" {
		t.Errorf("google: %q", got)
	}
}
