// Package synccache keeps, on the user's machine, the events a calendar
// source has read, so that the next run asks only for what changed since:
// a local copy kept current with the provider's incremental sync (Google's
// sync tokens). It knows nothing of any provider: an event is a [Record],
// an id with the times it covers, the series it belongs to and the bytes
// the source will read it back from; the source decides what goes in and
// how to read it.
//
// What it keeps, per account and calendar ([Key]), are windows: a range of
// time read in full once, with the sync token that continues it and every
// event that overlaps it ([Window]). A window is brought up to date by
// [Store.Apply], replaced by [Store.PutWindow]; a calendar keeps at most
// [MaxWindows], a new one dropping those it covers, then the ones synced
// longest ago. Per account, one blob of what the source says of it
// ([Store.AccountInfo]); per credential that names no account, the account
// it was found to be ([Store.Recall]).
//
// The store is one bbolt file (go.etcd.io/bbolt: a single-file B+tree with
// copy-on-write pages, whose transactions are atomic and durable): a run
// killed at any point, even in the middle of a write, leaves the previous
// state whole. The file is opened for each transaction and closed after,
// never while a source waits for the network, so two runs at once take
// turns: a write holds bbolt's exclusive lock for the time of one
// transaction, a read a shared one, and a run waits for the lock at most
// [Options.LockWait] before it fails with [ErrBusy]. The file is mode 0600
// in a folder of mode 0700.
//
// The file is emtime's own: a symbolic link (or a folder, a pipe, a
// device) where it belongs is refused with an error that wraps
// [atomicfile.ErrNotFile] and names it, and is never opened, changed or
// deleted, nor what it points to; on Unix every open is O_NOFOLLOW. The
// folder may be a link the user made: it is used, but its mode is only
// tightened when it is a folder itself.
//
// Error contract: a file that bbolt cannot open as a database, a schema of
// another version, a record whose checksum does not match, a meta that
// cannot be read or names another account or calendar than its place, and
// a panic of bbolt's on a damaged page are all [ErrCorrupt]: the caller
// starts the file afresh with [Store.Wipe] and reads everything again;
// nothing damaged is ever returned as data. A window rewritten by another
// run since it was read is [ErrChanged] to [Store.Apply], which then writes
// nothing.
package synccache

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emtime/emtime/pkg/atomicfile"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// schemaVersion is the layout of the file. A file of another version is
// started afresh.
const schemaVersion = "1"

// MaxWindows bounds the windows kept of one calendar.
const MaxWindows = 4

// DefaultLockWait is how long a run waits for another one holding the
// file.
const DefaultLockWait = 10 * time.Second

var (
	// ErrBusy is a file another emtime held for longer than the wait.
	ErrBusy = errors.New("the cache is in use by another emtime run")
	// ErrCorrupt is a damaged file: see the package's error contract.
	ErrCorrupt = errors.New("the cache is damaged")
	// ErrChanged is a window another run rewrote since it was read.
	ErrChanged = errors.New("the cached window changed meanwhile")
	// ErrNotCached is nothing kept for what was asked.
	ErrNotCached = errors.New("nothing cached")
)

// Options configure [Open].
type Options struct {
	// LockWait bounds the wait for another run holding the file; zero
	// means [DefaultLockWait].
	LockWait time.Duration
	// NoCreate opens only a file that exists: [ErrNotCached] otherwise.
	NoCreate bool
}

// Store is the cache file.
type Store struct {
	path    string
	opts    Options
	mu      sync.Mutex // one transaction at a time in this process
	created bool
	reset   string
}

// Key names what is kept of one calendar: the account it was read as (its
// address) and the calendar's id.
type Key struct {
	Account  string
	Calendar string
}

// Window is a range of one calendar read in full once and kept current.
type Window struct {
	// From and To bound the range read: every event that overlaps [From,
	// To) is kept.
	From, To time.Time
	// Token continues the sync: the provider's next sync token. Never
	// empty in a stored window.
	Token string
	// Zone is the calendar's own zone, as the provider last said.
	Zone string
	// Filled is when the range was last read in full; Synced when it was
	// last brought up to date.
	Filled, Synced time.Time
	// Events is how many events it holds.
	Events int
	// Gen changes with every write of the window.
	Gen uint64
}

// Covers reports whether w holds all of [from, to).
func (w Window) Covers(from, to time.Time) bool {
	return !w.From.After(from) && !w.To.Before(to)
}

// Record is one event as a source keeps it.
type Record struct {
	// ID is the source's id of the event, unique in its calendar.
	ID string
	// Start and End are the times it covers, as far as the source could
	// place them before knowing the analysis zone (all-day dates as UTC
	// midnights, say); Untimed marks one it could not place, which every
	// read returns.
	Start, End time.Time
	Untimed    bool
	// Series is the id of the series it is an occurrence of, or "".
	Series string
	// Data is what the source reads the event back from.
	Data []byte
}

// Overlaps reports whether r may touch [from, to): an untimed record
// always may.
func (r Record) Overlaps(from, to time.Time) bool {
	if r.Untimed {
		return true
	}
	if !r.End.After(r.Start) {
		return !r.Start.Before(from) && r.Start.Before(to)
	}
	return r.Start.Before(to) && r.End.After(from)
}

// Open opens the cache file at path, creating it (mode 0600) and its
// folder (mode 0700) unless [Options.NoCreate]. A folder or a file open to
// others is tightened. A file that is damaged, or of another version, is
// started afresh: [Store.Reset] says why. A link or anything but a
// regular file at path is refused, and left alone.
func Open(path string, opts Options) (*Store, error) {
	if opts.LockWait <= 0 {
		opts.LockWait = DefaultLockWait
	}
	s := &Store{path: path, opts: opts}
	_, err := atomicfile.CheckPrivate(path)
	switch {
	case errors.Is(err, atomicfile.ErrNotFile):
		return nil, refuse(err)
	case errors.Is(err, fs.ErrNotExist) && opts.NoCreate:
		return nil, ErrNotCached
	case errors.Is(err, fs.ErrNotExist):
		s.created = true
	case err != nil:
		return nil, fmt.Errorf("cache %s: %w", path, err)
	}
	if !opts.NoCreate {
		if err := makeFolder(filepath.Dir(path)); err != nil {
			return nil, err
		}
	}
	if !s.created {
		f, err := atomicfile.OpenPrivate(path, os.O_RDONLY, 0)
		if errors.Is(err, atomicfile.ErrNotFile) {
			return nil, refuse(err)
		}
		if err == nil {
			atomicfile.TightenPrivate(f, 0o600)
			f.Close()
		}
	}
	err = s.update(func(tx *bolt.Tx) error { return initSchema(tx) })
	if errors.Is(err, ErrCorrupt) {
		s.reset = strings.TrimPrefix(err.Error(), ErrCorrupt.Error()+": ")
		if err = s.Wipe(); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Path is the file's path.
func (s *Store) Path() string { return s.path }

// Created reports whether [Open] made the file.
func (s *Store) Created() bool { return s.created }

// Reset says why [Open] started a damaged file afresh, or "".
func (s *Store) Reset() string { return s.reset }

// Wipe starts the file afresh, empty. It takes no lock: a damaged file
// is of no use to another run either (and bbolt, panicking on one as it
// opened it, may have left its lock taken).
func (s *Store) Wipe() error {
	s.mu.Lock()
	_, err := atomicfile.CheckPrivate(s.path)
	if err == nil {
		err = os.Remove(s.path)
	}
	s.mu.Unlock()
	if errors.Is(err, atomicfile.ErrNotFile) {
		return refuse(err)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the damaged cache %s: %w", s.path, err)
	}
	if err := makeFolder(filepath.Dir(s.path)); err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error { return initSchema(tx) })
}

// Remove deletes the cache file at path, waiting up to wait for a run
// that holds it. Nothing there is not an error; a link or anything but a
// regular file is refused, and left alone.
func Remove(path string, wait time.Duration) error {
	if wait <= 0 {
		wait = DefaultLockWait
	}
	switch _, err := atomicfile.CheckPrivate(path); {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case errors.Is(err, atomicfile.ErrNotFile):
		return refuse(err)
	}
	// Take the lock, so that no run is in the middle of a write; a file
	// bbolt cannot open (or panics on) is removed all the same.
	db, err := lockForRemove(path, wait)
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return busy(path, wait)
	case errors.Is(err, atomicfile.ErrNotFile):
		return refuse(err)
	}
	if db != nil {
		defer db.Close()
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the cache %s: %w", path, err)
	}
	return nil
}

func lockForRemove(path string, wait time.Duration) (db *bolt.DB, err error) {
	defer func() {
		if recover() != nil {
			db, err = nil, ErrCorrupt
		}
	}()
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: wait, OpenFile: atomicfile.OpenPrivate})
}

func busy(path string, wait time.Duration) error {
	return fmt.Errorf("%w: %s was still locked after %s", ErrBusy, path, wait.Round(time.Millisecond))
}

// refuse is the error of a cache path that holds a link or anything
// but a regular file (err, from atomicfile).
func refuse(err error) error {
	return &notFileError{err: err}
}

type notFileError struct{ err error }

func (e *notFileError) Error() string {
	var nf *atomicfile.NotFileError
	if !errors.As(e.err, &nf) {
		return "the cache: " + e.err.Error()
	}
	return fmt.Sprintf("the cache %s is %s, not a file: emtime keeps its cache in a file of its own, "+
		"and has left this and anything it points to alone; remove it, and the next run makes a new cache", nf.Path, nf.What)
}

func (e *notFileError) Unwrap() error { return e.err }

// makeFolder makes dir with mode 0700, or tightens it to that (unless it
// is a link the user made, or a shared folder).
func makeFolder(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("make the cache folder: %w", err)
	}
	if err := atomicfile.TightenFolder(dir, 0o700); err != nil {
		return fmt.Errorf("the cache folder: %w", err)
	}
	return nil
}

// Buckets and keys of the file.
var (
	rootBucket     = []byte("emtime")
	schemaKey      = []byte("schema")
	accountsBucket = []byte("accounts")
	credsBucket    = []byte("credentials")
	infoKey        = []byte("info")
	calendarsKey   = []byte("calendars")
	metaKey        = []byte("meta")
	eventsBucket   = []byte("events")
	seriesBucket   = []byte("series")
)

func initSchema(tx *bolt.Tx) error {
	root := tx.Bucket(rootBucket)
	if root == nil {
		others := 0
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { others++; return nil })
		if others > 0 {
			return fmt.Errorf("%w: the file is a database of something else", ErrCorrupt)
		}
		var err error
		if root, err = tx.CreateBucket(rootBucket); err != nil {
			return err
		}
		if err := root.Put(schemaKey, []byte(schemaVersion)); err != nil {
			return err
		}
	}
	if v := root.Get(schemaKey); string(v) != schemaVersion {
		return fmt.Errorf("%w: it was written by another version of emtime (schema %q)", ErrCorrupt, clip(string(v), 20))
	}
	for _, name := range [][]byte{accountsBucket, credsBucket} {
		if _, err := root.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// open opens the file for one transaction.
func (s *Store) open(readOnly bool) (*bolt.DB, error) {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.opts.LockWait, ReadOnly: readOnly, OpenFile: atomicfile.OpenPrivate})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, atomicfile.ErrNotFile):
		return nil, refuse(err)
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, busy(s.path, s.opts.LockWait)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, ErrNotCached
	}
	// Other errors of bbolt's Open on a file that exists (a page size it
	// cannot read, a file too short) are a damaged file too.
	if _, serr := atomicfile.CheckPrivate(s.path); serr == nil && !errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return nil, fmt.Errorf("open the cache %s: %w", s.path, err)
}

// view and update run fn in a transaction of their own; a panic of
// bbolt's on a damaged page is [ErrCorrupt].
func (s *Store) view(fn func(tx *bolt.Tx) error) error   { return s.tx(true, fn) }
func (s *Store) update(fn func(tx *bolt.Tx) error) error { return s.tx(false, fn) }

func (s *Store) tx(readOnly bool, fn func(tx *bolt.Tx) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// bbolt panics on some damaged pages, opening the file (its freelist)
	// or reading it.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %s", ErrCorrupt, clip(fmt.Sprint(p), 200))
		}
	}()
	db, err := s.open(readOnly)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close the cache: %w", cerr)
		}
	}()
	if readOnly {
		return db.View(fn)
	}
	return db.Update(fn)
}

func root(tx *bolt.Tx) (*bolt.Bucket, error) {
	b := tx.Bucket(rootBucket)
	if b == nil || string(b.Get(schemaKey)) != schemaVersion {
		return nil, fmt.Errorf("%w: no schema", ErrCorrupt)
	}
	return b, nil
}

// calendarBucket finds (or, with create, makes) the bucket of k.
func calendarBucket(tx *bolt.Tx, k Key, create bool) (*bolt.Bucket, error) {
	r, err := root(tx)
	if err != nil {
		return nil, err
	}
	path := [][]byte{accountsBucket, []byte(k.Account), calendarsKey, []byte(k.Calendar)}
	b := r
	for _, name := range path {
		next := b.Bucket(name)
		if next == nil {
			if !create {
				return nil, nil
			}
			if next, err = b.CreateBucket(name); err != nil {
				return nil, err
			}
		}
		b = next
	}
	return b, nil
}

// windowMeta is a window as stored, with the key it belongs to, checked
// on every read.
type windowMeta struct {
	Account  string    `json:"account"`
	Calendar string    `json:"calendar"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Token    string    `json:"token"`
	Zone     string    `json:"zone,omitempty"`
	Filled   time.Time `json:"filled"`
	Synced   time.Time `json:"synced"`
	Events   int       `json:"events"`
	Gen      uint64    `json:"gen"`
}

func windowName(from, to time.Time) []byte {
	return fmt.Appendf(nil, "%016x-%016x", uint64(from.Unix()), uint64(to.Unix()))
}

func readMeta(wb *bolt.Bucket, k Key) (Window, error) {
	var m windowMeta
	if err := json.Unmarshal(wb.Get(metaKey), &m); err != nil {
		return Window{}, fmt.Errorf("%w: a window of %s cannot be read", ErrCorrupt, k.Calendar)
	}
	switch {
	case m.Account != k.Account || m.Calendar != k.Calendar:
		return Window{}, fmt.Errorf("%w: a window kept under %s was filled for another account or calendar", ErrCorrupt, k.Account)
	case !m.To.After(m.From), m.Token == "", m.Events < 0:
		return Window{}, fmt.Errorf("%w: a window of %s holds no range or no sync token", ErrCorrupt, k.Calendar)
	}
	return Window{From: m.From, To: m.To, Token: m.Token, Zone: m.Zone, Filled: m.Filled, Synced: m.Synced, Events: m.Events, Gen: m.Gen}, nil
}

func writeMeta(wb *bolt.Bucket, k Key, w Window) error {
	data, err := json.Marshal(windowMeta{Account: k.Account, Calendar: k.Calendar, From: w.From.UTC(), To: w.To.UTC(), Token: w.Token,
		Zone: w.Zone, Filled: w.Filled.UTC(), Synced: w.Synced.UTC(), Events: w.Events, Gen: w.Gen})
	if err != nil {
		return err
	}
	return wb.Put(metaKey, data)
}

// Windows are the windows kept of k, the smallest first.
func (s *Store) Windows(k Key) ([]Window, error) {
	var out []Window
	err := s.view(func(tx *bolt.Tx) error {
		cb, err := calendarBucket(tx, k, false)
		if err != nil || cb == nil {
			return err
		}
		return cb.ForEachBucket(func(name []byte) error {
			w, err := readMeta(cb.Bucket(name), k)
			if err != nil {
				return err
			}
			if !bytes.Equal(name, windowName(w.From, w.To)) {
				return fmt.Errorf("%w: a window of %s is kept under another range", ErrCorrupt, k.Calendar)
			}
			out = append(out, w)
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b Window) int { return cmp.Compare(a.To.Sub(a.From), b.To.Sub(b.From)) })
	return out, err
}

// Records are the records of window w of k that overlap [from, to)
// ([Record.Overlaps]), with w as it is now; [ErrChanged] when the window
// is no longer there.
func (s *Store) Records(k Key, w Window, from, to time.Time) ([]Record, Window, error) {
	var recs []Record
	var now Window
	err := s.view(func(tx *bolt.Tx) error {
		wb, err := windowBucket(tx, k, w)
		if err != nil {
			return err
		}
		if now, err = readMeta(wb, k); err != nil {
			return err
		}
		recs, err = readRecords(wb, from, to)
		return err
	})
	return recs, now, err
}

func windowBucket(tx *bolt.Tx, k Key, w Window) (*bolt.Bucket, error) {
	cb, err := calendarBucket(tx, k, false)
	if err != nil {
		return nil, err
	}
	if cb == nil {
		return nil, ErrChanged
	}
	wb := cb.Bucket(windowName(w.From, w.To))
	if wb == nil {
		return nil, ErrChanged
	}
	return wb, nil
}

func readRecords(wb *bolt.Bucket, from, to time.Time) ([]Record, error) {
	eb := wb.Bucket(eventsBucket)
	if eb == nil {
		return nil, fmt.Errorf("%w: a window holds no events bucket", ErrCorrupt)
	}
	var recs []Record
	err := eb.ForEach(func(id, v []byte) error {
		r, err := decodeRecord(id, v)
		if err != nil {
			return err
		}
		if r.Overlaps(from, to) {
			r.Data = bytes.Clone(r.Data) // the page is gone once the file is closed
			recs = append(recs, r)
		}
		return nil
	})
	return recs, err
}

// PutWindow keeps w of k, holding recs, in place of any window of the same
// range, and drops the windows it covers, then the ones synced longest ago
// beyond [MaxWindows]. Records without an id are left out.
func (s *Store) PutWindow(k Key, w Window, recs []Record) error {
	if w.Token == "" || !w.To.After(w.From) {
		return errors.New("cache: a window needs a range and a sync token")
	}
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(a, b Record) int { return strings.Compare(a.ID, b.ID) })
	recs = slices.CompactFunc(recs, func(a, b Record) bool { return a.ID == b.ID })
	if len(recs) > 0 && recs[0].ID == "" {
		recs = recs[1:]
	}
	return s.update(func(tx *bolt.Tx) error {
		cb, err := calendarBucket(tx, k, true)
		if err != nil {
			return err
		}
		name := windowName(w.From, w.To)
		var kept []Window
		err = cb.ForEachBucket(func(other []byte) error {
			if bytes.Equal(other, name) {
				return nil
			}
			ow, err := readMeta(cb.Bucket(other), k)
			if err != nil {
				return err
			}
			if !w.Covers(ow.From, ow.To) {
				kept = append(kept, ow)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Drop what the new window covers, then the oldest beyond the
		// bound.
		var drop [][]byte
		_ = cb.ForEachBucket(func(other []byte) error {
			if bytes.Equal(other, name) || !slices.ContainsFunc(kept, func(o Window) bool { return bytes.Equal(other, windowName(o.From, o.To)) }) {
				drop = append(drop, bytes.Clone(other))
			}
			return nil
		})
		slices.SortFunc(kept, func(a, b Window) int { return b.Synced.Compare(a.Synced) })
		for _, o := range kept[min(len(kept), MaxWindows-1):] {
			drop = append(drop, windowName(o.From, o.To))
		}
		for _, d := range drop {
			if err := cb.DeleteBucket(d); err != nil {
				return err
			}
		}
		wb, err := cb.CreateBucket(name)
		if err != nil {
			return err
		}
		eb, err := wb.CreateBucket(eventsBucket)
		if err != nil {
			return err
		}
		eb.FillPercent = 0.9 // written in key order, never split again
		sb, err := wb.CreateBucket(seriesBucket)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := putRecord(eb, sb, r); err != nil {
				return err
			}
		}
		w.Events = len(recs)
		w.Gen++
		return writeMeta(wb, k, w)
	})
}

// Changes are what an incremental sync read: events to keep (a new
// version replaces the old one, an event outside the window only removes
// it), ids to delete, and series whose every occurrence is deleted.
type Changes struct {
	Upserts      []Record
	Deletes      []string
	DeleteSeries []string
}

// Apply brings window w of k up to date with ch and the sync token and
// zone of next (its Synced too), and returns the records that overlap
// [from, to) once applied, with the window as written. When the window
// was rewritten by another run since w was read (its Gen differs) nothing
// is written: the records are those kept now with ch laid over them, and
// the error is [ErrChanged]; when it is gone, [ErrChanged] and no
// records. With write false nothing is written either (the sync gave no
// token to go on from): the records are those kept with ch laid over
// them.
func (s *Store) Apply(k Key, w Window, next Window, ch Changes, from, to time.Time, write bool) ([]Record, Window, error) {
	var recs []Record
	var out Window
	var changed bool
	fn := func(tx *bolt.Tx) error {
		wb, err := windowBucket(tx, k, w)
		if err != nil {
			return err
		}
		cur, err := readMeta(wb, k)
		if err != nil {
			return err
		}
		out = cur
		if !write || cur.Gen != w.Gen {
			changed = write
			base, err := readRecords(wb, time.Time{}, maxTime)
			if err != nil {
				return err
			}
			recs = lay(base, ch, cur, from, to)
			return nil
		}
		eb, sb := wb.Bucket(eventsBucket), wb.Bucket(seriesBucket)
		if eb == nil || sb == nil {
			return fmt.Errorf("%w: a window holds no events bucket", ErrCorrupt)
		}
		count := cur.Events
		del := func(id []byte) error {
			v := eb.Get(id)
			if v == nil {
				return nil
			}
			r, err := decodeRecord(id, v)
			if err != nil {
				return err
			}
			if r.Series != "" {
				if err := sb.Delete(seriesKey(r.Series, r.ID)); err != nil {
					return err
				}
			}
			count--
			return eb.Delete(id)
		}
		for _, series := range ch.DeleteSeries {
			prefix := append([]byte(series), 0)
			var ids [][]byte
			c := sb.Cursor()
			for key, _ := c.Seek(prefix); key != nil && bytes.HasPrefix(key, prefix); key, _ = c.Next() {
				ids = append(ids, bytes.Clone(key[len(prefix):]))
			}
			for _, id := range ids {
				if err := del(id); err != nil {
					return err
				}
			}
		}
		for _, id := range ch.Deletes {
			if id == "" {
				continue
			}
			if err := del([]byte(id)); err != nil {
				return err
			}
		}
		for _, r := range ch.Upserts {
			if r.ID == "" {
				continue
			}
			if err := del([]byte(r.ID)); err != nil {
				return err
			}
			if !r.Overlaps(cur.From, cur.To) {
				continue // moved out of the window
			}
			if err := putRecord(eb, sb, r); err != nil {
				return err
			}
			count++
		}
		cur.Token, cur.Zone, cur.Synced = next.Token, next.Zone, next.Synced
		cur.Events = count
		cur.Gen++
		if err := writeMeta(wb, k, cur); err != nil {
			return err
		}
		out = cur
		recs, err = readRecords(wb, from, to)
		return err
	}
	var err error
	if write {
		err = s.update(fn)
	} else {
		err = s.view(fn)
	}
	if err == nil && changed {
		err = ErrChanged
	}
	return recs, out, err
}

var maxTime = time.Unix(1<<62, 0)

// lay lays ch over base, as [Store.Apply] would write it, and keeps what
// overlaps [from, to).
func lay(base []Record, ch Changes, w Window, from, to time.Time) []Record {
	gone := map[string]bool{}
	for _, id := range ch.Deletes {
		gone[id] = true
	}
	series := map[string]bool{}
	for _, id := range ch.DeleteSeries {
		series[id] = true
	}
	for _, r := range ch.Upserts {
		gone[r.ID] = true
	}
	var out []Record
	for _, r := range base {
		if !gone[r.ID] && !(r.Series != "" && series[r.Series]) && r.Overlaps(from, to) {
			out = append(out, r)
		}
	}
	for _, r := range ch.Upserts {
		if r.ID != "" && r.Overlaps(w.From, w.To) && r.Overlaps(from, to) {
			out = append(out, r)
		}
	}
	return out
}

func seriesKey(series, id string) []byte {
	return append(append([]byte(series), 0), id...)
}

func putRecord(eb, sb *bolt.Bucket, r Record) error {
	if err := eb.Put([]byte(r.ID), encodeRecord(r)); err != nil {
		return err
	}
	if r.Series != "" {
		return sb.Put(seriesKey(r.Series, r.ID), nil)
	}
	return nil
}

// A record is stored as a CRC-32C (of the id and what follows), a flags
// byte, the start and end in Unix seconds, the series (a uvarint length,
// then its bytes) and the data.
const (
	flagUntimed = 1 << 0
	headerLen   = 4 + 1 + 8 + 8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func encodeRecord(r Record) []byte {
	b := make([]byte, headerLen, headerLen+binary.MaxVarintLen64+len(r.Series)+len(r.Data))
	if r.Untimed {
		b[4] = flagUntimed
	}
	binary.BigEndian.PutUint64(b[5:], uint64(r.Start.Unix()))
	binary.BigEndian.PutUint64(b[13:], uint64(r.End.Unix()))
	b = binary.AppendUvarint(b, uint64(len(r.Series)))
	b = append(b, r.Series...)
	b = append(b, r.Data...)
	crc := crc32.Update(crc32.Checksum([]byte(r.ID), castagnoli), castagnoli, b[4:])
	binary.BigEndian.PutUint32(b, crc)
	return b
}

func decodeRecord(id, v []byte) (Record, error) {
	bad := fmt.Errorf("%w: an event's record does not match its checksum", ErrCorrupt)
	if len(v) < headerLen {
		return Record{}, bad
	}
	if crc32.Update(crc32.Checksum(id, castagnoli), castagnoli, v[4:]) != binary.BigEndian.Uint32(v) {
		return Record{}, bad
	}
	n, size := binary.Uvarint(v[headerLen:])
	rest := v[headerLen:]
	if size <= 0 || n > uint64(len(rest)-size) {
		return Record{}, bad
	}
	rest = rest[size:]
	return Record{
		ID:      string(id),
		Untimed: v[4]&flagUntimed != 0,
		Start:   time.Unix(int64(binary.BigEndian.Uint64(v[5:])), 0).UTC(),
		End:     time.Unix(int64(binary.BigEndian.Uint64(v[13:])), 0).UTC(),
		Series:  string(rest[:n]),
		Data:    rest[n:],
	}, nil
}

// accountBucket finds (or makes) the bucket of an account.
func accountBucket(tx *bolt.Tx, account string, create bool) (*bolt.Bucket, error) {
	r, err := root(tx)
	if err != nil {
		return nil, err
	}
	ab := r.Bucket(accountsBucket)
	if ab == nil {
		return nil, fmt.Errorf("%w: no accounts", ErrCorrupt)
	}
	b := ab.Bucket([]byte(account))
	if b == nil && create {
		return ab.CreateBucket([]byte(account))
	}
	return b, nil
}

// AccountInfo is what the source keeps of an account (its settings, its
// calendars' names), with when it was read; [ErrNotCached] when nothing
// is.
func (s *Store) AccountInfo(account string) ([]byte, time.Time, error) {
	var data []byte
	var at time.Time
	err := s.view(func(tx *bolt.Tx) error {
		b, err := accountBucket(tx, account, false)
		if err != nil {
			return err
		}
		var v []byte
		if b != nil {
			v = b.Get(infoKey)
		}
		if v == nil {
			return ErrNotCached
		}
		if len(v) < 12 || crc32.Checksum(v[4:], castagnoli) != binary.BigEndian.Uint32(v) {
			return fmt.Errorf("%w: what is kept of %s does not match its checksum", ErrCorrupt, account)
		}
		at = time.Unix(0, int64(binary.BigEndian.Uint64(v[4:12])))
		data = bytes.Clone(v[12:])
		return nil
	})
	return data, at, err
}

// PutAccountInfo keeps data for account, read at at.
func (s *Store) PutAccountInfo(account string, data []byte, at time.Time) error {
	v := make([]byte, 12, 12+len(data))
	binary.BigEndian.PutUint64(v[4:], uint64(at.UnixNano()))
	v = append(v, data...)
	binary.BigEndian.PutUint32(v, crc32.Checksum(v[4:], castagnoli))
	return s.update(func(tx *bolt.Tx) error {
		b, err := accountBucket(tx, account, true)
		if err != nil {
			return err
		}
		return b.Put(infoKey, v)
	})
}

type remembered struct {
	Account string    `json:"account"`
	At      time.Time `json:"at"`
}

// Remember notes that the credential named by fingerprint (a digest, never
// a secret) is account's.
func (s *Store) Remember(fingerprint, account string, at time.Time) error {
	data, err := json.Marshal(remembered{account, at.UTC()})
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		r, err := root(tx)
		if err != nil {
			return err
		}
		return r.Bucket(credsBucket).Put([]byte(fingerprint), data)
	})
}

// Recall is the account a credential was found to be, and when;
// [ErrNotCached] when it was never.
func (s *Store) Recall(fingerprint string) (string, time.Time, error) {
	var m remembered
	err := s.view(func(tx *bolt.Tx) error {
		r, err := root(tx)
		if err != nil {
			return err
		}
		cb := r.Bucket(credsBucket)
		if cb == nil {
			return fmt.Errorf("%w: no credentials bucket", ErrCorrupt)
		}
		v := cb.Get([]byte(fingerprint))
		if v == nil {
			return ErrNotCached
		}
		if err := json.Unmarshal(v, &m); err != nil || m.Account == "" {
			return fmt.Errorf("%w: a credential's account cannot be read", ErrCorrupt)
		}
		return nil
	})
	return m.Account, m.At, err
}

// ClearAccount drops all that is kept of account: its settings, its
// calendars, and the credentials found to be it. It reports how many
// calendars it dropped.
func (s *Store) ClearAccount(account string) (int, error) {
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		r, err := root(tx)
		if err != nil {
			return err
		}
		ab := r.Bucket(accountsBucket)
		if b := ab.Bucket([]byte(account)); b != nil {
			if cals := b.Bucket(calendarsKey); cals != nil {
				_ = cals.ForEachBucket(func([]byte) error { n++; return nil })
			}
			if err := ab.DeleteBucket([]byte(account)); err != nil {
				return err
			}
		}
		cb := r.Bucket(credsBucket)
		var drop [][]byte
		err = cb.ForEach(func(k, v []byte) error {
			var m remembered
			if json.Unmarshal(v, &m) != nil || m.Account == account {
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range drop {
			if err := cb.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// Summary is what `emtime cache status` shows.
type Summary struct {
	Path string
	// Size is the file's size in bytes; Mode its permissions, and
	// FolderMode its folder's.
	Size             int64
	Mode, FolderMode fs.FileMode
	Accounts         []AccountSummary
}

// AccountSummary is what is kept of one account.
type AccountSummary struct {
	Account string
	// InfoRead is when its settings were read, zero when they are not kept.
	InfoRead  time.Time
	Calendars []CalendarSummary
}

// CalendarSummary is what is kept of one calendar.
type CalendarSummary struct {
	Calendar string
	Windows  []Window
}

// Status summarizes what the file holds.
func (s *Store) Status() (Summary, error) {
	sum := Summary{Path: s.path}
	err := s.view(func(tx *bolt.Tx) error {
		r, err := root(tx)
		if err != nil {
			return err
		}
		return r.Bucket(accountsBucket).ForEachBucket(func(name []byte) error {
			acct := AccountSummary{Account: string(name)}
			ab := r.Bucket(accountsBucket).Bucket(name)
			if v := ab.Get(infoKey); len(v) >= 12 {
				acct.InfoRead = time.Unix(0, int64(binary.BigEndian.Uint64(v[4:12])))
			}
			if cals := ab.Bucket(calendarsKey); cals != nil {
				err := cals.ForEachBucket(func(cal []byte) error {
					k := Key{Account: string(name), Calendar: string(cal)}
					cs := CalendarSummary{Calendar: k.Calendar}
					cb := cals.Bucket(cal)
					err := cb.ForEachBucket(func(wn []byte) error {
						w, err := readMeta(cb.Bucket(wn), k)
						if err != nil {
							return err
						}
						cs.Windows = append(cs.Windows, w)
						return nil
					})
					if err != nil {
						return err
					}
					slices.SortFunc(cs.Windows, func(a, b Window) int { return a.From.Compare(b.From) })
					acct.Calendars = append(acct.Calendars, cs)
					return nil
				})
				if err != nil {
					return err
				}
			}
			sum.Accounts = append(sum.Accounts, acct)
			return nil
		})
	})
	if fi, serr := atomicfile.CheckPrivate(s.path); serr == nil {
		sum.Size, sum.Mode = fi.Size(), fi.Mode().Perm()
	}
	if fi, serr := os.Stat(filepath.Dir(s.path)); serr == nil {
		sum.FolderMode = fi.Mode().Perm()
	}
	return sum, err
}

// clip cuts text to n bytes for a message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
