package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/synccache"
	bolt "go.etcd.io/bbolt"
)

// cachedFactory is a factory whose cache (in a temporary folder) holds a
// window of one calendar of each of accounts.
func cachedFactory(t *testing.T, accounts ...string) (*Factory, string) {
	t.Helper()
	return cachedFactoryOf(t, "google.db", accounts...)
}

// cachedFactoryOf is cachedFactory with the cache file of that name.
func cachedFactoryOf(t *testing.T, file string, accounts ...string) (*Factory, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, file)
	store, err := synccache.Open(path, synccache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, a := range accounts {
		if err := store.PutAccountInfo(a, []byte(`{"primary":"`+a+`"}`), testNow); err != nil {
			t.Fatal(err)
		}
		w := synccache.Window{From: from, To: from.AddDate(0, 5, 0), Token: "sync.1", Filled: testNow, Synced: testNow}
		rec := synccache.Record{ID: "e1", Start: from.AddDate(0, 1, 1), End: from.AddDate(0, 1, 1).Add(time.Hour), Data: []byte("{}")}
		if err := store.PutWindow(synccache.Key{Account: a, Calendar: a}, w, []synccache.Record{rec}); err != nil {
			t.Fatal(err)
		}
	}
	f := testFactory()
	f.Getenv = func(k string) string {
		if k == EnvCacheDir {
			return dir
		}
		return ""
	}
	return f, path
}

// TestLogoutAsksAboutTheCache checks the question auth logout asks on a
// terminal, and that the answer is done: yes (or just Enter) deletes the
// account's copy and no other, no keeps it.
func TestLogoutAsksAboutTheCache(t *testing.T) {
	tests := []struct {
		answer  string
		deleted bool
	}{
		{"\n", true},
		{"y\n", true},
		{"Yes\n", true},
		{"n\n", false},
		{"no\n", false},
		{"later\n", false},
	}
	for _, tt := range tests {
		f, path := cachedFactory(t, "me@example.com", "ann@example.com")
		ios, in, _, errOut := Test()
		ios.InTTY = true
		in.WriteString(tt.answer)
		f.IO = ios
		if err := f.offerCacheClear(&AuthLogoutOptions{IO: ios}, "me@example.com"); err != nil {
			t.Fatalf("%q: %v", tt.answer, err)
		}
		got := errOut.String()
		question := "Also delete the copy of me@example.com's calendars kept in " + path + " (1 event)? [Y/n] "
		if !strings.HasPrefix(got, question) {
			t.Errorf("%q: asked %q, want %q", tt.answer, got, question)
		}
		sum, found, err := cacheSummary(path, 0)
		if err != nil || !found {
			t.Fatalf("%q: the cache: %v, found %v", tt.answer, err, found)
		}
		if !holds(sum, "ann@example.com") {
			t.Errorf("%q: ann@example.com's copy went too", tt.answer)
		}
		if holds(sum, "me@example.com") == tt.deleted {
			t.Errorf("%q: me@example.com's copy kept: %v, want %v", tt.answer, !tt.deleted, !tt.deleted)
		}
		said := "Deleted the copy of me@example.com's calendars (1 calendar) from " + path + "."
		if !tt.deleted {
			said = "The copy of me@example.com's calendars stays in " + path + ": 'emtime cache clear' deletes it, or sign out with --clear-cache."
		}
		if !strings.Contains(got, "] "+said+"\n") {
			t.Errorf("%q: said %q, want %q", tt.answer, got, said)
		}
	}
}

// TestLogoutAsksAboutTheMicrosoftCache: signing out of Microsoft asks
// about the copy in microsoft.db, and the answer is done there.
func TestLogoutAsksAboutTheMicrosoftCache(t *testing.T) {
	for _, answer := range []string{"\n", "n\n"} {
		f, path := cachedFactoryOf(t, "microsoft.db", "me@example.com", "ann@example.com")
		ios, in, _, errOut := Test()
		ios.InTTY = true
		in.WriteString(answer)
		f.IO = ios
		if err := f.offerCacheClear(&AuthLogoutOptions{IO: ios, Provider: "microsoft"}, "me@example.com"); err != nil {
			t.Fatal(err)
		}
		question := "Also delete the copy of me@example.com's calendars kept in " + path + " (1 event)? [Y/n] "
		if got := errOut.String(); !strings.HasPrefix(got, question) {
			t.Errorf("%q: asked %q, want %q", answer, got, question)
		}
		sum, found, err := cacheSummary(path, 0)
		if err != nil || !found || !holds(sum, "ann@example.com") {
			t.Fatalf("%q: the cache: %v, found %v, %+v", answer, err, found, sum)
		}
		if deleted := answer == "\n"; holds(sum, "me@example.com") == deleted {
			t.Errorf("%q: me@example.com's copy deleted %v, want %v", answer, !deleted, deleted)
		}
	}
}

// TestLogoutAsksNothingWithoutACopy checks that a sign-out of an account
// with nothing cached says nothing of the cache, even on a terminal.
func TestLogoutAsksNothingWithoutACopy(t *testing.T) {
	f, _ := cachedFactory(t, "ann@example.com")
	ios, _, _, errOut := Test()
	ios.InTTY = true
	if err := f.offerCacheClear(&AuthLogoutOptions{IO: ios}, "me@example.com"); err != nil {
		t.Fatal(err)
	}
	if errOut.Len() > 0 {
		t.Errorf("said %q", errOut)
	}
}

func TestCacheWords(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		got, want string
	}{
		{ago(now, time.Time{}), "never"},
		{ago(now, now.Add(-30*time.Second)), "just now"},
		{ago(now, now.Add(-time.Minute)), "1 minute ago"},
		{ago(now, now.Add(-59*time.Minute)), "59 minutes ago"},
		{ago(now, now.Add(-47*time.Hour)), "47 hours ago"},
		{ago(now, now.Add(-72*time.Hour)), "3 days ago"},
		{count(1, "event"), "1 event"},
		{count(0, "event"), "0 events"},
		{count(1234567, "event"), "1,234,567 events"},
		{size(1), "1 KB"},
		{size(32 << 10), "32 KB"},
		{size(3 << 20), "3.0 MB"},
		{size(5 << 30), "5.0 GB"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}

// TestCacheBusy checks what a run says, and its exit code, when another
// holds the cache for longer than it waits: the error names the file and
// the wait, the hint what to do, and nothing is written.
func TestCacheBusy(t *testing.T) {
	f, path := cachedFactory(t, "me@example.com")
	dir := filepath.Dir(path)
	f.CacheLockWait = 200 * time.Millisecond
	f.Getenv = func(k string) string {
		switch k {
		case EnvCacheDir:
			return dir
		case "EMTIME_CONFIG_DIR":
			return filepath.Join(dir, "config")
		case "EMTIME_TOKEN_STORE":
			return "file"
		case "EMTIME_ACCESS_TOKEN":
			return "ya29.test"
		case "EMTIME_GOOGLE_API_URL":
			return "http://127.0.0.1:9/calendar/v3/" // never asked
		}
		return ""
	}
	// Another run in the middle of a write: it holds bbolt's lock.
	held, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	for _, args := range [][]string{
		{"cache", "status"},
		{"cache", "clear"},
		{"analyze", "--weeks", "4", "--offline", "--source", "google"},
		{"analyze", "--weeks", "4", "--source", "google"},
	} {
		ios, _, out, errOut := Test()
		f.IO = ios
		if code := Main(args, f); code != ExitError {
			t.Errorf("%q: exit %d, want %d; stderr %q", args, code, ExitError, errOut)
		}
		want := "emtime: error: the cache is in use by another emtime run: " + path + " was still locked after 200ms\n" +
			"emtime: hint: another emtime is reading your calendars into the cache: wait for it to finish, or run this one with --no-cache\n"
		if got := errOut.String(); got != want {
			t.Errorf("%q: stderr %q, want %q", args, got, want)
		}
		if out.Len() > 0 {
			t.Errorf("%q: printed %q", args, out)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the cache held by another run: %v", err)
	}
}
