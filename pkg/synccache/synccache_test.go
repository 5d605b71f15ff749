package synccache

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	march = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	july  = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	me    = Key{Account: "me@example.com", Calendar: "me@example.com"}
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "cache", "google.db"), Options{LockWait: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rec(id string, day int, series string) Record {
	start := time.Date(2026, 3, day, 9, 0, 0, 0, time.UTC)
	return Record{ID: id, Start: start, End: start.Add(time.Hour), Series: series, Data: []byte(`{"id":"` + id + `"}`)}
}

func idsOf(recs []Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func window(t *testing.T, s *Store, k Key) Window {
	t.Helper()
	ws, err := s.Windows(k)
	if err != nil || len(ws) != 1 {
		t.Fatalf("windows = %v, %v; want one", ws, err)
	}
	return ws[0]
}

func TestWindowRoundTrip(t *testing.T) {
	s := open(t)
	if !s.Created() || s.Reset() != "" {
		t.Errorf("a new file: Created %v, Reset %q", s.Created(), s.Reset())
	}
	untimed := Record{ID: "no-start", Untimed: true, Data: []byte(`{}`)}
	err := s.PutWindow(me, Window{From: march, To: july, Token: "t1", Zone: "Europe/Berlin", Synced: march},
		[]Record{rec("a", 2, ""), rec("b", 10, "s"), rec("c", 20, "s"), untimed, rec("a", 2, "")})
	if err != nil {
		t.Fatal(err)
	}
	w := window(t, s, me)
	if w.Token != "t1" || w.Zone != "Europe/Berlin" || w.Events != 4 || !w.Covers(march, july) || w.Covers(march.Add(-time.Second), july) {
		t.Errorf("window = %+v", w)
	}
	recs, _, err := s.Records(me, w, time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(recs); !slices.Equal(got, []string{"b", "no-start"}) {
		t.Errorf("records of the week = %v, want b and the untimed one", got)
	}
	if string(recs[0].Data) != `{"id":"b"}` && string(recs[1].Data) != `{"id":"b"}` {
		t.Errorf("data not kept: %+v", recs)
	}

	// Changes: a moved in place, b moved out of the window, the series s
	// deleted whole (c goes with it), d added.
	moved := rec("a", 3, "")
	out := rec("b", 1, "")
	out.Start, out.End = july.AddDate(0, 1, 0), july.AddDate(0, 1, 0).Add(time.Hour)
	ch := Changes{Upserts: []Record{moved, out, rec("d", 25, "")}, DeleteSeries: []string{"s"}, Deletes: []string{"s", "gone-already"}}
	recs, w2, err := s.Apply(me, w, Window{Token: "t2", Zone: "UTC", Synced: march.Add(time.Hour)}, ch, march, july, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := idsOf(recs); !slices.Equal(got, []string{"a", "d", "no-start"}) {
		t.Errorf("after the changes = %v", got)
	}
	if w2.Token != "t2" || w2.Zone != "UTC" || w2.Events != 3 || w2.Gen == w.Gen {
		t.Errorf("window after = %+v", w2)
	}
	if got := window(t, s, me); got != w2 {
		t.Errorf("stored %+v, returned %+v", got, w2)
	}

	// Applying against the window as it was before: nothing written, the
	// changes laid over what is kept.
	recs, w3, err := s.Apply(me, w, Window{Token: "t3", Synced: march}, Changes{Deletes: []string{"a"}}, march, july, true)
	if !errors.Is(err, ErrChanged) || w3.Token != "t2" {
		t.Errorf("stale apply: %v, window %+v", err, w3)
	}
	if got := idsOf(recs); !slices.Equal(got, []string{"d", "no-start"}) {
		t.Errorf("stale apply laid over = %v", got)
	}
	// write false: the same, with no error.
	recs, _, err = s.Apply(me, w2, Window{}, Changes{Upserts: []Record{rec("e", 4, "")}}, march, july, false)
	if err != nil || !slices.Equal(idsOf(recs), []string{"a", "d", "e", "no-start"}) {
		t.Errorf("unwritten apply: %v %v", idsOf(recs), err)
	}
	if got := window(t, s, me); got.Token != "t2" || got.Events != 3 {
		t.Errorf("an unwritten apply wrote: %+v", got)
	}
	// A window that is not there.
	if _, _, err := s.Apply(me, Window{From: march, To: march.AddDate(0, 1, 0)}, Window{}, Changes{}, march, july, true); !errors.Is(err, ErrChanged) {
		t.Errorf("missing window: %v", err)
	}
	if _, _, err := s.Records(Key{"other@example.com", "x"}, w, march, july); !errors.Is(err, ErrChanged) {
		t.Errorf("records of another key: %v", err)
	}
}

func TestWindowsCoveredAndBounded(t *testing.T) {
	s := open(t)
	put := func(from, to time.Time, synced int) {
		t.Helper()
		if err := s.PutWindow(me, Window{From: from, To: to, Token: "t", Synced: march.Add(time.Duration(synced) * time.Hour)}, []Record{rec("a", 2, "")}); err != nil {
			t.Fatal(err)
		}
	}
	month := func(m int) time.Time { return time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	for m := 1; m <= 5; m++ {
		put(month(m*2), month(m*2+1), m)
	}
	ws, err := s.Windows(me)
	if err != nil || len(ws) != MaxWindows {
		t.Fatalf("%d windows (%v), want %d", len(ws), err, MaxWindows)
	}
	for _, w := range ws {
		if w.From.Equal(month(2)) {
			t.Error("the window synced longest ago was kept")
		}
	}
	// A window covering two others takes their place.
	put(month(5), month(11), 9)
	ws, _ = s.Windows(me)
	var got []string
	for _, w := range ws {
		got = append(got, w.From.Format("01")+"-"+w.To.Format("01"))
	}
	slices.Sort(got)
	if want := []string{"04-05", "05-11"}; !slices.Equal(got, want) {
		t.Errorf("windows = %v, want %v", got, want)
	}
	// The smallest first.
	if !ws[0].From.Equal(month(4)) {
		t.Errorf("windows not smallest first: %v", ws)
	}
}

func TestModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("access is in ACLs on Windows")
	}
	dir := filepath.Join(t.TempDir(), "emtime")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	path := filepath.Join(dir, "google.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccountInfo("me@example.com", []byte("x"), march); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if _, err := Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Status()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Mode != 0o600 || sum.FolderMode != 0o700 || sum.Size == 0 {
		t.Errorf("file %04o, folder %04o, size %d; want 0600 in 0700", sum.Mode, sum.FolderMode, sum.Size)
	}
	// NoCreate opens nothing that is not there, and makes no folder.
	if _, err := Open(filepath.Join(t.TempDir(), "none", "google.db"), Options{NoCreate: true}); !errors.Is(err, ErrNotCached) {
		t.Errorf("NoCreate: %v", err)
	}
}

func TestDamagedFiles(t *testing.T) {
	good := func(t *testing.T) (*Store, string) {
		s := open(t)
		var recs []Record
		for i := range 300 {
			recs = append(recs, rec(fmt.Sprintf("event-%03d", i), 1+i%28, "series"))
		}
		if err := s.PutWindow(me, Window{From: march, To: july, Token: "t", Synced: march}, recs); err != nil {
			t.Fatal(err)
		}
		return s, s.Path()
	}
	t.Run("not a database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "google.db")
		os.WriteFile(path, []byte(strings.Repeat("not a database\n", 1000)), 0o600)
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.Reset() == "" || s.Created() {
			t.Errorf("Reset %q, Created %v: want it started afresh", s.Reset(), s.Created())
		}
		if ws, err := s.Windows(me); err != nil || len(ws) != 0 {
			t.Errorf("a fresh file holds %v, %v", ws, err)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "google.db")
		os.WriteFile(path, nil, 0o600)
		if _, err := Open(path, Options{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cut short", func(t *testing.T) {
		_, path := good(t)
		fi, _ := os.Stat(path)
		os.Truncate(path, fi.Size()/3)
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Windows(me); err != nil && !errors.Is(err, ErrCorrupt) {
			t.Errorf("windows of a file cut short: %v", err)
		}
	})
	t.Run("another version", func(t *testing.T) {
		s, path := good(t)
		s.update(func(tx *bolt.Tx) error { return tx.Bucket(rootBucket).Put(schemaKey, []byte("0")) })
		s, err := Open(path, Options{})
		if err != nil || !strings.Contains(s.Reset(), "another version") {
			t.Errorf("schema 0: %v, reset %q", err, s.Reset())
		}
	})
	t.Run("another program's database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "google.db")
		db, _ := bolt.Open(path, 0o600, nil)
		db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("theirs")); return err })
		db.Close()
		s, err := Open(path, Options{})
		if err != nil || s.Reset() == "" {
			t.Errorf("a foreign database: %v, reset %q", err, s.Reset())
		}
	})
	t.Run("a byte changed in a record", func(t *testing.T) {
		s, path := good(t)
		data, _ := os.ReadFile(path)
		i := strings.Index(string(data), `{"id":"event-150"}`)
		if i < 0 {
			t.Fatal("record not found in the file")
		}
		data[i+8] = 'X'
		os.WriteFile(path, data, 0o600)
		w := window(t, s, me)
		if _, _, err := s.Records(me, w, march, july); !errors.Is(err, ErrCorrupt) {
			t.Errorf("a changed record read as %v, want ErrCorrupt", err)
		}
	})
	t.Run("every byte of a page changed", func(t *testing.T) {
		// Whatever bbolt makes of a page of garbage, an error or a
		// panic, it comes back as ErrCorrupt, or as records that match
		// their checksums: never as made-up data.
		for _, page := range []int{2, 3, 4, 5, 6} {
			s, path := good(t)
			data, _ := os.ReadFile(path)
			ps := os.Getpagesize()
			if (page+1)*ps > len(data) {
				continue
			}
			for j := page * ps; j < (page+1)*ps; j++ {
				data[j] = byte(j * 7)
			}
			os.WriteFile(path, data, 0o600)
			ws, err := s.Windows(me)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Errorf("page %d: windows: %v", page, err)
				}
				continue
			}
			for _, w := range ws {
				recs, _, err := s.Records(me, w, march, july)
				if err != nil && !errors.Is(err, ErrCorrupt) {
					t.Errorf("page %d: records: %v", page, err)
				}
				for _, r := range recs {
					if string(r.Data) != `{"id":"`+r.ID+`"}` {
						t.Errorf("page %d: made-up record %q %q", page, r.ID, r.Data)
					}
				}
			}
		}
	})
}

func TestBusy(t *testing.T) {
	s := open(t)
	// Another run holding the file, as bbolt holds it for a write.
	db, err := bolt.Open(s.Path(), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = s.Windows(me)
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "still locked after 200ms") {
		t.Errorf("windows while held: %v", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("gave up after %s, before the wait", waited)
	}
	if err := Remove(s.Path(), 100*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Errorf("remove while held: %v", err)
	}
	db.Close()
	if _, err := s.Windows(me); err != nil {
		t.Errorf("once released: %v", err)
	}
}

func TestConcurrentStores(t *testing.T) {
	// Two handles on one file, as two runs: every write lands whole, and
	// a stale one is refused, not mixed in.
	path := open(t).Path()
	if err := func() error {
		s, _ := Open(path, Options{})
		return s.PutWindow(me, Window{From: march, To: july, Token: "t0", Synced: march}, []Record{rec("a", 2, "")})
	}(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for run := range 2 {
		wg.Go(func() {
			s, err := Open(path, Options{})
			if err != nil {
				errs <- err
				return
			}
			for i := range 40 {
				ws, err := s.Windows(me)
				if err != nil {
					errs <- err
					return
				}
				r := rec(fmt.Sprintf("run%d-%02d", run, i), 1+i%28, "")
				_, _, err = s.Apply(me, ws[0], Window{Token: fmt.Sprintf("t-%d-%d", run, i), Synced: march}, Changes{Upserts: []Record{r}}, march, july, true)
				if err != nil && !errors.Is(err, ErrChanged) {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s, _ := Open(path, Options{})
	w := window(t, s, me)
	recs, _, err := s.Records(me, w, march, july)
	if err != nil || len(recs) != w.Events {
		t.Errorf("%d records, the window says %d: %v", len(recs), w.Events, err)
	}
}

// TestKilledMidWrite kills a real process with SIGKILL while it rewrites
// a large window again and again, each generation's records all stamped
// alike: the file left behind always holds one whole generation, its
// count and its records agreeing.
func TestKilledMidWrite(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL on Windows")
	}
	path := filepath.Join(t.TempDir(), "google.db")
	kills := 0
	for round := range 6 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "SYNCCACHE_WRITER="+path, "SYNCCACHE_ROUND="+strconv.Itoa(round))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it write a few generations, then kill it wherever it is.
		time.Sleep(time.Duration(150+round*70) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		cmd.Wait()

		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if s.Reset() != "" {
			t.Fatalf("round %d: the file was left damaged: %s", round, s.Reset())
		}
		ws, err := s.Windows(me)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(ws) == 0 {
			continue // killed before its first commit
		}
		w := ws[0]
		t.Logf("round %d: killed after %s", round, w.Token)
		recs, _, err := s.Records(me, w, time.Time{}, maxTime)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(recs) != w.Events || len(recs) != writerEvents {
			t.Errorf("round %d: %d records, the window says %d, %d written", round, len(recs), w.Events, writerEvents)
		}
		for _, r := range recs {
			if !strings.HasSuffix(string(r.Data), " "+w.Token) {
				t.Fatalf("round %d: record %s is of another generation than %s: %q", round, r.ID, w.Token, r.Data)
			}
		}
	}
	if kills == 0 {
		t.Fatal("no writer was killed")
	}
}

const writerEvents = 5000

// TestMain runs the writer TestKilledMidWrite kills when the test binary
// is started as one (SYNCCACHE_WRITER names its file), the tests
// otherwise.
func TestMain(m *testing.M) {
	if path := os.Getenv("SYNCCACHE_WRITER"); path != "" {
		if err := writeGenerations(path, os.Getenv("SYNCCACHE_ROUND")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writeGenerations rewrites one window of writerEvents records in the
// file at path, generation after generation, until it is killed.
func writeGenerations(path, round string) error {
	s, err := Open(path, Options{})
	if err != nil {
		return err
	}
	pad := strings.Repeat("x", 300)
	for gen := 0; gen < 10_000; gen++ {
		token := fmt.Sprintf("gen-%s-%d", round, gen)
		recs := make([]Record, writerEvents)
		for i := range recs {
			r := rec(fmt.Sprintf("event-%05d", i), 1+i%28, "")
			r.Data = []byte(pad + " " + token)
			recs[i] = r
		}
		if err := s.PutWindow(me, Window{From: march, To: july, Token: token, Synced: march}, recs); err != nil {
			return err
		}
	}
	return nil
}

func TestAccountsAndCredentials(t *testing.T) {
	s := open(t)
	if _, _, err := s.AccountInfo("me@example.com"); !errors.Is(err, ErrNotCached) {
		t.Errorf("nothing kept: %v", err)
	}
	if err := s.PutAccountInfo("me@example.com", []byte(`{"zone":"Europe/Berlin"}`), march); err != nil {
		t.Fatal(err)
	}
	data, at, err := s.AccountInfo("me@example.com")
	if err != nil || string(data) != `{"zone":"Europe/Berlin"}` || !at.Equal(march) {
		t.Errorf("info = %q %v %v", data, at, err)
	}
	if err := s.Remember("fp1", "me@example.com", march); err != nil {
		t.Fatal(err)
	}
	s.Remember("fp2", "ann@example.com", march)
	if a, at, err := s.Recall("fp1"); a != "me@example.com" || !at.Equal(march) || err != nil {
		t.Errorf("recall = %q %v %v", a, at, err)
	}
	if _, _, err := s.Recall("nope"); !errors.Is(err, ErrNotCached) {
		t.Errorf("recall unknown: %v", err)
	}
	s.PutWindow(me, Window{From: march, To: july, Token: "t", Synced: march}, []Record{rec("a", 2, "")})
	ann := Key{"ann@example.com", "ann@example.com"}
	s.PutWindow(ann, Window{From: march, To: july, Token: "t", Synced: march}, []Record{rec("a", 2, "")})

	sum, err := s.Status()
	if err != nil || len(sum.Accounts) != 2 {
		t.Fatalf("status = %+v, %v", sum, err)
	}
	n, err := s.ClearAccount("me@example.com")
	if err != nil || n != 1 {
		t.Errorf("clear = %d, %v", n, err)
	}
	if ws, _ := s.Windows(me); len(ws) != 0 {
		t.Error("a cleared account's windows stay")
	}
	if _, _, err := s.Recall("fp1"); !errors.Is(err, ErrNotCached) {
		t.Error("a cleared account's credential stays")
	}
	if a, _, _ := s.Recall("fp2"); a != "ann@example.com" {
		t.Error("another account's credential went too")
	}
	if ws, _ := s.Windows(ann); len(ws) != 1 {
		t.Error("another account's windows went too")
	}
	if err := Remove(s.Path(), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file stays after Remove: %v", err)
	}
	if err := Remove(s.Path(), 0); err != nil {
		t.Errorf("removing nothing: %v", err)
	}
}

func TestRecordEncoding(t *testing.T) {
	for _, r := range []Record{
		rec("a", 2, "series-1"),
		{ID: "x", Untimed: true},
		{ID: "old", Start: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(1900, 1, 2, 0, 0, 0, 0, time.UTC), Data: []byte("é")},
	} {
		got, err := decodeRecord([]byte(r.ID), encodeRecord(r))
		if err != nil || got.ID != r.ID || !got.Start.Equal(r.Start) || !got.End.Equal(r.End) || got.Untimed != r.Untimed ||
			got.Series != r.Series || string(got.Data) != string(r.Data) {
			t.Errorf("round trip of %+v: %+v, %v", r, got, err)
		}
		// Under another id, or cut, it is damaged.
		if _, err := decodeRecord([]byte(r.ID+"?"), encodeRecord(r)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s under another id: %v", r.ID, err)
		}
		b := encodeRecord(r)
		if _, err := decodeRecord([]byte(r.ID), b[:len(b)-1]); len(r.Data) > 0 && !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s cut: %v", r.ID, err)
		}
	}
}
