package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/emtime/emtime/pkg/httpretry"
	"golang.org/x/oauth2"
)

// ErrSignInAgain means the provider no longer accepts the saved sign-in:
// the refresh token was revoked or expired, or a fresh access token was
// refused. Its message is Google's; other providers' errors that match it
// say their own words.
var ErrSignInAgain = errors.New("google no longer accepts the saved sign-in: sign in again: emtime auth login")

// signInAgainText is the message of a refused sign-in, with the
// provider's reason when there is one.
func (p Provider) signInAgainText(reason string) string {
	if reason != "" {
		reason = " (" + reason + ")"
	}
	return p.Name + " no longer accepts the saved sign-in" + reason + ": sign in again: " + p.Login
}

// signInAgain is [ErrSignInAgain] in p's words, keeping errs reachable.
func (p Provider) signInAgain(reason string, errs ...error) error {
	if reason == "" && len(errs) == 0 && p.Name == ProviderGoogle {
		return ErrSignInAgain // the same words
	}
	return newSafe(p.signInAgainText(reason), append([]error{ErrSignInAgain}, errs...)...)
}

// ErrAccessTokenRefused means the provider refused the ready access token
// of the environment (EMTIME_ACCESS_TOKEN for Google, whose words its
// message has).
var ErrAccessTokenRefused = errors.New("google refused the access token in " + EnvAccessToken + ": set a fresh one (for example from gcloud auth print-access-token)")

// accessTokenRefused is [ErrAccessTokenRefused] in p's words.
func (p Provider) accessTokenRefused() error {
	if p.Name == ProviderGoogle {
		return ErrAccessTokenRefused
	}
	return newSafe(p.Name+" refused the access token in "+p.AccessTokenEnv+": set a fresh one", ErrAccessTokenRefused)
}

// ErrServiceAccountRefused means Google refused the service account's token.
var ErrServiceAccountRefused = errors.New("google refused the service account's token: check its domain-wide delegation for the calendar scopes and the user it impersonates")

// notSignedIn is [ErrNotSignedIn] in p's words.
func (p Provider) notSignedIn() error {
	if p.Name == ProviderGoogle {
		return ErrNotSignedIn
	}
	return newSafe("not signed in to "+strings.ToLower(p.Service), ErrNotSignedIn)
}

// safeError shows a message known to hold no token while keeping the errors
// it stands for reachable through errors.Is and errors.As.
type safeError struct {
	msg  string
	errs []error
}

func (e *safeError) Error() string   { return e.msg }
func (e *safeError) Unwrap() []error { return e.errs }

func newSafe(msg string, errs ...error) error {
	return &safeError{msg: msg, errs: errs}
}

// describeTokenErr names what went wrong at a token endpoint without
// repeating the response body or anything else that may carry a token.
// A refusal the provider explains in plain words ([Provider]'s explain,
// Microsoft's) is told in them; the others by the error code and the
// first line of its description.
func (p Provider) describeTokenErr(err error, clientID string) string {
	var re *oauth2.RetrieveError
	var gu *httpretry.GaveUpError
	var rd *redirectError
	switch {
	case errors.As(err, &gu):
		return gu.Error()
	case errors.As(err, &rd):
		return rd.Error()
	}
	if errors.As(err, &re) {
		code, desc := re.ErrorCode, re.ErrorDescription
		if code == "" {
			// Some flows (the JWT one) leave the body unparsed.
			var body struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if json.Unmarshal(re.Body, &body) == nil {
				code, desc = body.Error, body.Description
			}
		}
		if code != "" {
			return p.describeRefusal(code, desc, re.Body, clientID)
		}
		if re.Response != nil {
			return fmt.Sprintf("status %d %s", re.Response.StatusCode, http.StatusText(re.Response.StatusCode))
		}
		return "refused"
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// Token requests are POSTs: the address holds no token, the
		// transport error none either.
		return ue.Op + " " + ue.URL + ": " + ue.Err.Error()
	}
	return "unexpected answer from the token endpoint"
}

// describeRefusal tells an OAuth error code and its description (of a
// token endpoint's answer, or of the redirect back from the consent page):
// in the provider's plain words when it has them, else as the code and
// the description's first line, clipped.
func (p Provider) describeRefusal(code, desc string, body []byte, clientID string) string {
	tp := p.problem(code, desc, body, clientID)
	if p.explain != nil {
		if msg := p.explain(tp); msg != "" {
			return msg
		}
	}
	code = clip(code, 60)
	if tp.Description != "" {
		return code + ": " + clip(tp.Description, 300)
	}
	return code
}

// problem is a refusal for p's explain: code, the first line of desc (or
// the numbers of body), and who was signing in.
func (p Provider) problem(code, desc string, body []byte, clientID string) tokenProblem {
	tp := newTokenProblem(code, desc, body)
	tp.ClientID, tp.Tenant = clientID, p.Tenant
	return tp
}

// isInvalidGrant reports whether the token endpoint refused the grant
// itself: a revoked or expired refresh token, a used code.
func isInvalidGrant(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return false
	}
	if re.ErrorCode == "invalid_grant" {
		return true
	}
	return re.ErrorCode == "" && strings.Contains(string(re.Body), `"invalid_grant"`)
}
