package synccache

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// What every source that keeps its calendars here does alike: the range
// a new window reads, how old a copy is in words, the digest that names
// credentials, and starting a damaged file afresh once a run.

// NewWindow is the range a full read of [lo, hi) reads: from the first
// of lo's month to the end of hi's month and lookahead months more, in
// UTC, so that the weeks of the coming months need no new window.
func NewWindow(lo, hi time.Time, lookahead int) (time.Time, time.Time) {
	lo, hi = lo.UTC(), hi.UTC()
	from := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(hi.Year(), hi.Month()+1+time.Month(lookahead), 1, 0, 0, 0, 0, time.UTC)
	return from, to
}

// Age says how long ago, in a person's words: "just now", "5 minutes
// ago", "3 hours ago", "2 days ago".
func Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Fingerprint is the digest of a secret (a ready access token, a service
// account's key) that names it in the cache, salted by what the source
// calls its credentials: SHA-256, never reversible.
func Fingerprint(salt string, secret []byte) string {
	sum := sha256.Sum256(append([]byte(salt+"\x00"), secret...))
	return hex.EncodeToString(sum[:16])
}

// Afresh starts a damaged file afresh, once a run: the first [ErrCorrupt]
// of the run is told, the file wiped, and nil returned (the caller reads
// as if nothing were kept); a later one is returned, after prefix, as is
// any other error. The zero value is ready to use.
type Afresh struct {
	once sync.Once
}

// Handle handles err, an error of s, telling tell what was done.
func (a *Afresh) Handle(s *Store, err error, tell func(string), prefix string) error {
	if !errors.Is(err, ErrCorrupt) {
		return err
	}
	var wipeErr error
	done := false
	a.once.Do(func() {
		done = true
		tell(fmt.Sprintf("the cache %s was damaged (%s): started it afresh, and read your calendars in full",
			s.Path(), strings.TrimPrefix(err.Error(), ErrCorrupt.Error()+": ")))
		wipeErr = s.Wipe()
	})
	if !done {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	return wipeErr
}
