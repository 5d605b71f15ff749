package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/auth"
	"github.com/emtime/emtime/pkg/google"
	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/synccache"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/spf13/cobra"
)

// EnvCacheDir is the folder the cache is kept in, instead of the user's
// cache folder's emtime folder.
const EnvCacheDir = "EMTIME_CACHE_DIR"

// cacheFiles are the names of the caches in the cache folder, one file
// per provider (an address may be an account of both, and their copies
// are kept apart), in the order `cache status` shows them.
var cacheFiles = []struct{ provider, file string }{
	{auth.ProviderGoogle, "google.db"},
	{auth.ProviderMicrosoft, "microsoft.db"},
}

// cachePath is where the Google cache is kept.
func (f *Factory) cachePath() string { return f.cachePathOf(auth.ProviderGoogle) }

// cachePathOf is where the cache of a provider's calendars is kept ("" is
// Google's): in EMTIME_CACHE_DIR, else in the emtime folder of the user's
// cache folder; "" when there is neither (a factory with no UserCacheDir,
// or a system without one).
func (f *Factory) cachePathOf(provider string) string {
	file := cacheFiles[0].file
	for _, c := range cacheFiles {
		if c.provider == provider {
			file = c.file
		}
	}
	if dir := f.Getenv(EnvCacheDir); dir != "" {
		return filepath.Join(dir, file)
	}
	if f.UserCacheDir == nil {
		return ""
	}
	base, err := f.UserCacheDir()
	if err != nil || base == "" {
		return ""
	}
	return filepath.Join(base, "emtime", file)
}

// cachePaths are the caches of every provider, in cacheFiles' order;
// nil when there is no cache folder.
func (f *Factory) cachePaths() []string {
	var out []string
	for _, c := range cacheFiles {
		if p := f.cachePathOf(c.provider); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// cacheBusy is a cache another run holds, with what to do.
func cacheBusy(err error) error {
	return withHint(err, "another emtime is reading your calendars into the cache: wait for it to finish, or run this one with --no-cache")
}

// openCache opens the cache at path for a run, as the flags of g say
// (what of service names the provider in the note a new file gets). It
// is nil with --no-cache, or with no cache folder.
func (f *Factory) openCache(g googleSourceOptions, path, service, api string, line *progressLine) (*synccache.Store, error) {
	if g.NoCache {
		return nil, nil
	}
	if path == "" {
		if g.Offline {
			return nil, withHint(errors.New("--offline reads the cache, and there is no cache folder here"), "set "+EnvCacheDir+" to a folder for it")
		}
		return nil, nil
	}
	store, err := synccache.Open(path, synccache.Options{NoCreate: g.Offline, LockWait: f.CacheLockWait})
	switch {
	case errors.Is(err, synccache.ErrNotCached):
		return nil, withHint(fmt.Errorf("--offline: nothing is cached in %s yet", path), "run once without --offline")
	case errors.Is(err, synccache.ErrBusy):
		return nil, cacheBusy(err)
	case err != nil:
		return nil, err
	}
	if store.Created() {
		f.note(line, fmt.Sprintf("keeping a copy of the %s calendars read in %s, so that the next runs ask %s only for what changed; 'emtime cache clear' deletes it", service, path, api))
	}
	if r := store.Reset(); r != "" {
		f.note(line, fmt.Sprintf("the cache %s was damaged (%s): started it afresh, and read your calendars in full", path, r))
	}
	return store, nil
}

// microsoftCache opens the cache for a run that reads Microsoft 365 with
// creds, as the flags of g say; nil with --no-cache, or with no cache
// folder.
func (f *Factory) microsoftCache(g googleSourceOptions, creds *auth.Credentials, line *progressLine) (*microsoft.Cache, error) {
	store, err := f.openCache(g, f.cachePathOf(auth.ProviderMicrosoft), "Microsoft 365", "Microsoft Graph", line)
	if err != nil || store == nil {
		return nil, err
	}
	c := &microsoft.Cache{Store: store, Account: creds.Account, Refresh: g.Refresh, Offline: g.Offline, Now: f.Now,
		Notice: func(n string) { f.note(line, n) }}
	if token := f.Getenv(auth.EnvMicrosoftAccessToken); creds.Via == auth.EnvMicrosoftAccessToken && token != "" {
		c.Account = ""
		c.Fingerprint = microsoft.Fingerprint([]byte(token))
	}
	return c, nil
}

// googleCache opens the cache for a run that reads Google Calendar with
// creds, as the flags of g say, telling its notes on stderr (under line,
// when one is drawn). It is nil with --no-cache, or with no cache folder.
func (f *Factory) googleCache(g googleSourceOptions, creds *auth.Credentials, line *progressLine) (*google.Cache, error) {
	store, err := f.openCache(g, f.cachePath(), "Google", "Google", line)
	if err != nil || store == nil {
		return nil, err
	}
	c := &google.Cache{Store: store, Account: creds.Account, Refresh: g.Refresh, Offline: g.Offline, Now: f.Now,
		Notice: func(n string) { f.note(line, n) }}
	switch {
	case creds.Via == auth.EnvAccessToken:
		c.Fingerprint = google.Fingerprint([]byte(f.Getenv(auth.EnvAccessToken)))
	case g.ServiceAccount != "" && creds.Account == "":
		// The service account's own calendars: remembered by its key.
		if key, err := os.ReadFile(g.ServiceAccount); err == nil {
			c.Fingerprint = google.Fingerprint(key)
		}
	}
	return c, nil
}

// NewCmdCache builds `emtime cache` and its subcommands.
func NewCmdCache(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or delete the copy of your calendars kept here",
		Long: `emtime keeps a copy of the Google and Microsoft 365 calendar events it reads,
so that the next run asks only for what changed since (Google's incremental
sync, Microsoft Graph's delta query). It is kept in one file per provider,
google.db and microsoft.db, mode 0600 in a folder only you can read: the
emtime folder of your user cache folder, or EMTIME_CACHE_DIR. 'emtime cache
status' says what they hold; 'emtime cache clear' deletes them. --no-cache
reads the calendars without them; --refresh reads everything again;
--offline reads only them.`,
		Args: groupArgs,
		RunE: groupHelp,
	}
	cmd.AddCommand(NewCmdCacheStatus(f, nil))
	cmd.AddCommand(NewCmdCacheClear(f, nil))
	return cmd
}

// CacheStatusOptions are the flags of `emtime cache status`.
type CacheStatusOptions struct {
	IO      *IOStreams
	factory *Factory
}

// NewCmdCacheStatus builds `emtime cache status`.
func NewCmdCacheStatus(f *Factory, runF func(*CacheStatusOptions) error) *cobra.Command {
	opts := &CacheStatusOptions{IO: f.IO, factory: f}
	return &cobra.Command{
		Use:   "status",
		Short: "Say what the cache holds, for whom, how old and how large",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return cacheStatusRun(opts)
		},
	}
}

func cacheStatusRun(opts *CacheStatusOptions) error {
	f := opts.factory
	paths := f.cachePaths()
	out := opts.IO.Out
	if len(paths) == 0 {
		fmt.Fprintf(out, "No cache: there is no cache folder here (set %s to keep one).\n", EnvCacheDir)
		return nil
	}
	shown := 0
	for _, path := range paths {
		if _, err := os.Lstat(path); err != nil { // a link is refused, not passed over
			continue
		}
		if shown > 0 {
			fmt.Fprintln(out)
		}
		shown++
		if err := cacheStatusOf(opts, path); err != nil {
			return err
		}
	}
	if shown == 0 {
		fmt.Fprintf(out, "Nothing cached: %s.\n", noneExist(paths))
	}
	return nil
}

// noneExist says that the files of paths do not exist.
func noneExist(paths []string) string {
	if len(paths) == 1 {
		return paths[0] + " does not exist"
	}
	return andOf(paths) + " do not exist"
}

// cacheStatusOf says what the cache at path holds.
func cacheStatusOf(opts *CacheStatusOptions, path string) error {
	f := opts.factory
	out := opts.IO.Out
	store, err := synccache.Open(path, synccache.Options{NoCreate: true, LockWait: f.CacheLockWait})
	switch {
	case errors.Is(err, synccache.ErrNotCached):
		fmt.Fprintf(out, "Nothing cached: %s does not exist.\n", path)
		return nil
	case errors.Is(err, synccache.ErrBusy):
		return cacheBusy(err)
	case err != nil:
		return err
	}
	if r := store.Reset(); r != "" {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: the cache %s was damaged (%s): started it afresh\n", path, textsafe.Line(r))
	}
	sum, err := store.Status()
	if errors.Is(err, synccache.ErrBusy) {
		return cacheBusy(err)
	}
	if err != nil {
		return err
	}
	modes := ""
	if runtime.GOOS != "windows" {
		modes = fmt.Sprintf(", mode %04o in a folder of mode %04o", sum.Mode, sum.FolderMode)
	}
	fmt.Fprintf(out, "Cache: %s (%s%s)\n", path, size(sum.Size), modes)
	if len(sum.Accounts) == 0 {
		fmt.Fprintln(out, "It holds nothing.")
	}
	now := f.Now()
	for _, a := range sum.Accounts {
		fmt.Fprintf(out, "\n%s", textsafe.Line(a.Account))
		if !a.InfoRead.IsZero() {
			fmt.Fprintf(out, ": settings read %s", ago(now, a.InfoRead))
		}
		fmt.Fprintln(out)
		for _, c := range a.Calendars {
			for _, w := range c.Windows {
				fmt.Fprintf(out, "  %s  %s to %s  %s  synced %s, read in full %s\n", textsafe.Line(c.Calendar),
					w.From.Format(time.DateOnly), w.To.AddDate(0, 0, -1).Format(time.DateOnly), count(w.Events, "event"),
					ago(now, w.Synced), ago(now, w.Filled))
			}
		}
	}
	if runtime.GOOS != "windows" {
		if sum.Mode&^0o600 != 0 {
			fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: the cache %s has mode %04o, wider than 0600: chmod 600 %s\n", path, sum.Mode, path)
		}
		if dir := filepath.Dir(path); sum.FolderMode&^0o700 != 0 {
			fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: the folder %s has mode %04o, wider than 0700: chmod 700 %s\n", dir, sum.FolderMode, dir)
		}
	}
	return nil
}

// CacheClearOptions are the flags of `emtime cache clear`.
type CacheClearOptions struct {
	IO *IOStreams
	// Account, when set, clears only what is kept of that account.
	Account string
	factory *Factory
}

// NewCmdCacheClear builds `emtime cache clear`.
func NewCmdCacheClear(f *Factory, runF func(*CacheClearOptions) error) *cobra.Command {
	opts := &CacheClearOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "clear",
		Short: "Delete the copy of every calendar kept, or of one account's",
		Example: `  emtime cache clear
  emtime cache clear --account me@example.com`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return cacheClearRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "account", "", "delete only what is kept of this account, e.g. me@example.com")
	completeWith(cmd, "account")
	return cmd
}

func cacheClearRun(opts *CacheClearOptions) error {
	f := opts.factory
	paths := f.cachePaths()
	if len(paths) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "Nothing cached: there is no cache folder here.\n")
		return nil
	}
	account := strings.ToLower(strings.TrimSpace(opts.Account))
	var said []string
	nothing := ""
	for _, path := range paths {
		if _, err := os.Lstat(path); err != nil { // a link is refused, not passed over
			continue
		}
		what, err := clearCache(path, account, f.CacheLockWait)
		if errors.Is(err, synccache.ErrBusy) {
			return cacheBusy(err)
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(what, "Nothing ") {
			nothing = what
			continue
		}
		said = append(said, what)
	}
	switch {
	case len(said) == 0 && nothing != "" && account != "":
		fmt.Fprintf(opts.IO.ErrOut, "Nothing of %s is cached in %s.\n", textsafe.Line(account), filepath.Dir(paths[0]))
	case len(said) == 0:
		fmt.Fprintf(opts.IO.ErrOut, "Nothing cached: %s.\n", noneExist(paths))
	}
	for _, what := range said {
		fmt.Fprintln(opts.IO.ErrOut, what)
	}
	return nil
}

// clearCache deletes what the cache at path holds of account (all of it
// when account is ""), and says what it deleted, in a sentence; it waits
// up to wait for another run holding the file.
func clearCache(path, account string, wait time.Duration) (string, error) {
	sum, found, err := cacheSummary(path, wait)
	if err != nil {
		return "", err
	}
	if !found {
		return fmt.Sprintf("Nothing cached: %s does not exist.", path), nil
	}
	if account == "" {
		if err := synccache.Remove(path, wait); err != nil {
			return "", err
		}
		var who []string
		for _, a := range sum.Accounts {
			who = append(who, textsafe.Line(a.Account))
		}
		if len(who) == 0 {
			return fmt.Sprintf("Deleted the cache %s (%s), which held nothing.", path, size(sum.Size)), nil
		}
		return fmt.Sprintf("Deleted the cache %s (%s): the copy of %s's calendars.", path, size(sum.Size), andOf(who)), nil
	}
	store, err := synccache.Open(path, synccache.Options{NoCreate: true, LockWait: wait})
	if err != nil {
		return "", err
	}
	n, err := store.ClearAccount(account)
	if err != nil {
		return "", err
	}
	if n == 0 && !holds(sum, account) {
		return fmt.Sprintf("Nothing of %s is cached in %s.", textsafe.Line(account), path), nil
	}
	return fmt.Sprintf("Deleted the copy of %s's calendars (%s) from %s.", textsafe.Line(account), count(n, "calendar"), path), nil
}

// cacheSummary is what the cache at path holds; found is false when there
// is no file. A damaged file reads as one holding nothing.
func cacheSummary(path string, wait time.Duration) (sum synccache.Summary, found bool, err error) {
	store, err := synccache.Open(path, synccache.Options{NoCreate: true, LockWait: wait})
	if errors.Is(err, synccache.ErrNotCached) {
		return sum, false, nil
	}
	if err != nil {
		return sum, false, err
	}
	sum, err = store.Status()
	return sum, true, err
}

// holds reports whether sum holds anything of account.
func holds(sum synccache.Summary, account string) bool {
	for _, a := range sum.Accounts {
		if a.Account == account {
			return true
		}
	}
	return false
}

// offerCacheClear is what `emtime auth logout` does with the copy of the
// calendars of account (every account's when it is ""): deletes it with
// --clear-cache, keeps it with --keep-cache, asks on a terminal, and
// otherwise keeps it and says how to delete it. It says what it did,
// whatever it did; it says nothing when nothing is kept.
func (f *Factory) offerCacheClear(opts *AuthLogoutOptions, account string) error {
	path := f.cachePathOf(opts.Provider)
	if path == "" {
		return nil
	}
	sum, found, err := cacheSummary(path, f.CacheLockWait)
	if errors.Is(err, synccache.ErrBusy) {
		return cacheBusy(err)
	}
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "emtime: warning: could not look into the cache %s: %v\n", path, err)
		return nil
	}
	if !found || (account != "" && !holds(sum, account)) || (account == "" && len(sum.Accounts) == 0) {
		return nil
	}
	whose := "every account's"
	if account != "" {
		whose = textsafe.Line(account) + "'s"
	}
	events := 0
	for _, a := range sum.Accounts {
		if account == "" || a.Account == account {
			for _, c := range a.Calendars {
				for _, w := range c.Windows {
					events += w.Events
				}
			}
		}
	}
	errOut := opts.IO.ErrOut
	clear := opts.ClearCache
	if !opts.ClearCache && !opts.KeepCache && opts.IO.InTTY {
		fmt.Fprintf(errOut, "Also delete the copy of %s calendars kept in %s (%s)? [Y/n] ", whose, path, count(events, "event"))
		clear = yes(opts.IO.In)
	}
	if !clear {
		hint := ""
		if !opts.KeepCache {
			hint = ", or sign out with --clear-cache"
		}
		fmt.Fprintf(errOut, "The copy of %s calendars stays in %s: 'emtime cache clear' deletes it%s.\n", whose, path, hint)
		return nil
	}
	what, err := clearCache(path, account, f.CacheLockWait)
	if errors.Is(err, synccache.ErrBusy) {
		return cacheBusy(err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(errOut, what)
	return nil
}

// yes reads an answer to a question whose default is yes.
func yes(in io.Reader) bool {
	line, _ := bufio.NewReader(in).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "", "y", "yes":
		return true
	}
	return false
}

// ago says how long before now t was: "5 minutes ago".
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case t.IsZero():
		return "never"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return count(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return count(int(d/time.Hour), "hour") + " ago"
	}
	return count(int(d/(24*time.Hour)), "day") + " ago"
}

// count says n things: "1 event", "1,234 events".
func count(n int, thing string) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if n != 1 {
		thing += "s"
	}
	return s + " " + thing
}

// size says a file's size: "812 KB", "3.2 MB".
func size(n int64) string {
	switch {
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
}
