package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// ErrSignInAgain means Google no longer accepts the saved sign-in: the
// refresh token was revoked or expired, or a fresh access token was refused.
var ErrSignInAgain = errors.New(signInAgain(""))

// signInAgain is the message of ErrSignInAgain, with Google's reason when
// there is one.
func signInAgain(reason string) string {
	if reason != "" {
		reason = " (" + reason + ")"
	}
	return "google no longer accepts the saved sign-in" + reason + ": sign in again: emtime auth login"
}

// ErrAccessTokenRefused means Google refused the token in EMTIME_ACCESS_TOKEN.
var ErrAccessTokenRefused = errors.New("google refused the access token in " + EnvAccessToken + ": set a fresh one (for example from gcloud auth print-access-token)")

// ErrServiceAccountRefused means Google refused the service account's token.
var ErrServiceAccountRefused = errors.New("google refused the service account's token: check its domain-wide delegation for the calendar scopes and the user it impersonates")

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
func describeTokenErr(err error) string {
	var re *oauth2.RetrieveError
	var gu *tokenGaveUp
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
			code = clip(code, 60)
			if desc != "" {
				return code + ": " + clip(desc, 300)
			}
			return code
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
