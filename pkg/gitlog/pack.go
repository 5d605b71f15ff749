package gitlog

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Two small layers under go-git's object storage, each measured to matter
// on a walk of every commit (see the package documentation for numbers).

// packWindow is the size of the read-ahead window over a packfile.
const packWindow = 256 << 10

// packFS opens packfiles through a read-ahead window and passes everything
// else to the folder below. go-git seeks before every object it reads and
// its buffered reader starts over after each seek: two system calls per
// commit. A walk reads commits in close to the order git packed them (newest
// first, commits together), so one read of the window serves hundreds.
type packFS struct{ billy.Filesystem }

func (f packFS) Open(name string) (billy.File, error) {
	file, err := f.Filesystem.Open(name)
	if err != nil || !strings.HasSuffix(name, ".pack") {
		return file, err
	}
	return &windowFile{File: file, buf: make([]byte, 0, packWindow)}, nil
}

func (f packFS) OpenFile(name string, flag int, perm os.FileMode) (billy.File, error) {
	if flag != os.O_RDONLY {
		return f.Filesystem.OpenFile(name, flag, perm)
	}
	return f.Open(name)
}

// windowFile reads a file through one window of bytes: a seek only moves
// the position, a read inside the window copies from memory, a read
// outside it refills the window at the position with one ReadAt.
type windowFile struct {
	billy.File
	pos    int64
	bufPos int64 // file offset of buf[0]
	buf    []byte
}

func (w *windowFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		w.pos = offset
	case io.SeekCurrent:
		w.pos += offset
	default:
		end, err := w.File.Seek(offset, whence)
		if err != nil {
			return 0, err
		}
		w.pos = end
	}
	return w.pos, nil
}

func (w *windowFile) Read(p []byte) (int, error) {
	if w.pos < w.bufPos || w.pos >= w.bufPos+int64(len(w.buf)) {
		n, err := w.File.ReadAt(w.buf[:cap(w.buf)], w.pos)
		w.buf = w.buf[:max(n, 0)]
		w.bufPos = w.pos
		if n == 0 {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
	}
	n := copy(p, w.buf[w.pos-w.bufPos:])
	w.pos += int64(n)
	return n, nil
}

func (w *windowFile) ReadAt(p []byte, off int64) (int, error) {
	return w.File.ReadAt(p, off)
}

// objectCache keeps the objects go-git resolves deltas against, but not
// commits: a walk reads each commit once, and go-git's cache hashes every
// object it stores (a SHA-1 of every commit, for nothing).
type objectCache struct{ lru *cache.ObjectLRU }

func newObjectCache() objectCache {
	return objectCache{cache.NewObjectLRU(4 * cache.MiByte)}
}

func (c objectCache) Put(o plumbing.EncodedObject) {
	if o.Type() != plumbing.CommitObject {
		c.lru.Put(o)
	}
}

func (c objectCache) Get(h plumbing.Hash) (plumbing.EncodedObject, bool) { return c.lru.Get(h) }

func (c objectCache) Clear() { c.lru.Clear() }

// objects reads objects from a repository's packfiles directly, and from
// go-git's storage for the rest (loose objects, alternates). go-git's own
// lookup of a packed object first maps its offset back to its hash, and
// builds that reverse map for the whole pack on the first call: most of a
// second on a pack of three million objects, for a walk of a few thousand
// commits. Asking the packfile by hash skips it.
type objects struct {
	packs []*packfile.Packfile
	st    *filesystem.Storage
}

// openObjects opens every packfile with an index under the git folder fs.
// A pack that cannot be opened is skipped with the error returned.
func openObjects(fs billy.Filesystem, st *filesystem.Storage, c cache.Object) (*objects, []error) {
	o := &objects{st: st}
	dir := fs.Join("objects", "pack")
	entries, err := fs.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return o, nil
		}
		return o, []error{err}
	}
	var errs []error
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".idx")
		if !ok || !strings.HasPrefix(base, "pack-") {
			continue
		}
		p, err := openPack(fs, fs.Join(dir, base), c)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", base, err))
			continue
		}
		o.packs = append(o.packs, p)
	}
	return o, errs
}

func openPack(fs billy.Filesystem, base string, c cache.Object) (*packfile.Packfile, error) {
	f, err := fs.Open(base + ".idx")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	pack, err := fs.Open(base + ".pack")
	if err != nil {
		return nil, err
	}
	return packfile.NewPackfileWithCache(idx, fs, pack, c, largeObject), nil
}

// get returns the object named h, or an error wrapping
// plumbing.ErrObjectNotFound.
func (o *objects) get(h plumbing.Hash) (plumbing.EncodedObject, error) {
	for _, p := range o.packs {
		obj, err := p.Get(h)
		if err == nil {
			return obj, nil
		}
		if !errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil, err
		}
	}
	return o.st.EncodedObject(plumbing.AnyObject, h)
}

func (o *objects) close() {
	for _, p := range o.packs {
		p.Close()
	}
}
