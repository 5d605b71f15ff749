package oauthtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Browse plays the user's browser on a sign-in address: it opens the fake
// consent page, which approves at once, and follows the redirect to the
// loopback address of the waiting `emtime auth login`.
func Browse(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("browser: %s at %s", res.Status, res.Request.URL.Redacted())
	}
	return nil
}

// BrowserMain is a fake browser command for testscript: register it with
// testscript.Main (say as "fakebrowser") and set BROWSER=fakebrowser, so
// that `emtime auth login` (using auth.BrowserOpener) signs in unattended.
func BrowserMain() int {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fakebrowser URL")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := Browse(ctx, os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
