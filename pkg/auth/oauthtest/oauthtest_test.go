package oauthtest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPKCE(t *testing.T) {
	s := New()
	defer s.Close()
	verifier := "a-verifier-of-enough-length-for-the-test-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	authorize := s.AuthURL() + "?" + url.Values{
		"client_id": {s.ClientID}, "response_type": {"code"}, "state": {"st"},
		"redirect_uri": {"http://127.0.0.1:9/"}, "scope": {"x"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}.Encode()
	code := func() string {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(authorize)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc.Query().Get("state") != "st" || loc.Host != "127.0.0.1:9" {
			t.Fatalf("redirect = %v", loc)
		}
		return loc.Query().Get("code")
	}
	exchange := func(code, verifier string) (int, map[string]any) {
		res, err := http.PostForm(s.TokenURL(), url.Values{
			"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
			"redirect_uri": {"http://127.0.0.1:9/"}, "client_id": {s.ClientID}, "client_secret": {s.ClientSecret},
		})
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if st, body := exchange(code(), "wrong"+verifier); st != 400 || body["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %d %v", st, body)
	}
	c := code()
	st, body := exchange(c, verifier)
	if st != 200 || !strings.HasPrefix(body["access_token"].(string), "ya29.") || body["refresh_token"] == nil {
		t.Errorf("right verifier: %d %v", st, body)
	}
	if st, _ := exchange(c, verifier); st != 400 {
		t.Errorf("code used twice: %d", st)
	}
	if !s.ValidAccessToken(body["access_token"].(string)) {
		t.Error("issued token not valid")
	}
}
