package gitlog

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

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

// peek returns up to n bytes at off from the window, refilling it at off
// when they are not all in it. The position Read reads from stays.
func (w *windowFile) peek(off int64, n int) ([]byte, error) {
	if off < w.bufPos || off+int64(n) > w.bufPos+int64(len(w.buf)) {
		m, err := w.File.ReadAt(w.buf[:cap(w.buf)], off)
		w.buf = w.buf[:max(m, 0)]
		w.bufPos = off
		if m == 0 {
			if err == nil {
				err = io.EOF
			}
			return nil, err
		}
	}
	b := w.buf[off-w.bufPos:]
	return b[:min(n, len(b))], nil
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
	packs []pack
	st    *filesystem.Storage
	fs    billy.Filesystem // the git folder
}

// pack is one packfile opened, with its index and file for [objects.raw].
type pack struct {
	*packfile.Packfile
	idx  *offsetIndex
	file billy.File
}

// openObjects opens every packfile with an index under the git folder fs.
// A pack that cannot be opened is skipped with the error returned.
func openObjects(fs billy.Filesystem, st *filesystem.Storage, c cache.Object) (*objects, []error) {
	o := &objects{st: st, fs: fs}
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

func openPack(fs billy.Filesystem, base string, c cache.Object) (pack, error) {
	f, err := fs.Open(base + ".idx")
	if err != nil {
		return pack{}, err
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		return pack{}, fmt.Errorf("index: %w", err)
	}
	file, err := fs.Open(base + ".pack")
	if err != nil {
		return pack{}, err
	}
	rev := func() ([]byte, error) { return readRev(fs, base+".rev") }
	oi := &offsetIndex{MemoryIndex: idx, rev: rev}
	return pack{packfile.NewPackfileWithCache(oi, fs, file, c, largeObject), oi, file}, nil
}

// readRev reads a pack's reverse index (git writes one beside the pack
// since 2.31, by default since 2.41): every object's place in the index, in
// the order of the pack. Bounded by the size it must have.
func readRev(fs billy.Filesystem, name string) ([]byte, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<32))
}

// offsetIndex is a pack index that maps an offset back to its object's
// hash without a map of every object. go-git asks for it when it resolves
// a delta against its base (the tree of a bare repository's HEAD, read for
// its .mailmap, often is one), and its own index then builds a map of every
// object in the pack: 0.25 to 0.8 s for the 849,000 objects of git.git's,
// as much as the rest of a four-week window's walk. Here the pack's
// reverse index (the .rev file), when git wrote one, is searched as it
// stands; without one, the offsets are sorted once.
type offsetIndex struct {
	*idxfile.MemoryIndex
	rev     func() ([]byte, error)
	once    sync.Once
	byPack  []byte // the .rev file's index positions, in pack order
	offsets []packOffset
	err     error
}

// packOffset is where an object starts in the pack, and where its name is
// in the index: Names[first][second*hashSize:].
type packOffset struct {
	off           uint64
	first, second uint32
}

const hashSize = len(plumbing.ZeroHash)

// FindHash returns the hash of the object at offset o.
func (x *offsetIndex) FindHash(o int64) (plumbing.Hash, error) {
	x.once.Do(x.prepare)
	if x.err != nil {
		return plumbing.ZeroHash, x.err
	}
	if o < 0 {
		return plumbing.ZeroHash, plumbing.ErrObjectNotFound
	}
	var e packOffset
	var ok bool
	if x.byPack != nil {
		e, ok = x.searchRev(uint64(o))
	} else {
		var i int
		i, ok = slices.BinarySearchFunc(x.offsets, uint64(o), func(e packOffset, o uint64) int { return cmp.Compare(e.off, o) })
		if ok {
			e = x.offsets[i]
		}
	}
	if !ok {
		return plumbing.ZeroHash, plumbing.ErrObjectNotFound
	}
	var h plumbing.Hash
	copy(h[:], x.Names[e.first][int(e.second)*hashSize:])
	return h, nil
}

// The reverse index's header: "RIDX", version 1, SHA-1.
var revHeader = []byte{'R', 'I', 'D', 'X', 0, 0, 0, 1, 0, 0, 0, 1}

// prepare reads the reverse index when it is there and fits the index
// (its size, its pack's checksum, its own), else sorts the offsets: a
// reverse index that lied would have deltas applied to the wrong bases.
func (x *offsetIndex) prepare() {
	n := uint64(x.Fanout[255])
	if x.rev != nil {
		data, err := x.rev()
		body := uint64(len(revHeader)) + 4*n
		if err == nil && uint64(len(data)) == body+2*uint64(hashSize) && bytes.HasPrefix(data, revHeader) &&
			bytes.Equal(data[body:body+uint64(hashSize)], x.PackfileChecksum[:]) {
			sum := sha1.Sum(data[:body+uint64(hashSize)])
			if bytes.Equal(sum[:], data[body+uint64(hashSize):]) {
				x.byPack = data[len(revHeader):body]
				return
			}
		}
	}
	x.sortOffsets()
}

// searchRev finds the object at offset o by binary search over the pack
// order the reverse index gives.
func (x *offsetIndex) searchRev(o uint64) (packOffset, bool) {
	n := len(x.byPack) / 4
	var found packOffset
	var bad bool
	i := sort.Search(n, func(p int) bool {
		e, ok := x.entry(binary.BigEndian.Uint32(x.byPack[4*p:]))
		bad = bad || !ok
		return !ok || e.off >= o
	})
	if bad || i == n {
		return found, false
	}
	found, ok := x.entry(binary.BigEndian.Uint32(x.byPack[4*i:]))
	return found, ok && found.off == o
}

// entry is the object at position pos of the index (in the order of
// names).
func (x *offsetIndex) entry(pos uint32) (packOffset, bool) {
	idx := x.MemoryIndex
	first := sort.Search(256, func(b int) bool { return idx.Fanout[b] > pos })
	if first == 256 {
		return packOffset{}, false
	}
	second := pos
	if first > 0 {
		second -= idx.Fanout[first-1]
	}
	k := idx.FanoutMapping[first]
	if k < 0 || k >= len(idx.Offset32) || k >= len(idx.Names) ||
		uint64(len(idx.Offset32[k])) < 4*uint64(second)+4 || uint64(len(idx.Names[k])) < uint64(hashSize)*(uint64(second)+1) {
		return packOffset{}, false
	}
	off, ok := x.offset(k, second)
	return packOffset{off: off, first: uint32(k), second: second}, ok
}

// offset reads the offset of the index's entry [k][second]: a 31-bit one,
// or one of 2 GiB or more in the table of 64-bit offsets.
func (x *offsetIndex) offset(k int, second uint32) (uint64, bool) {
	off := uint64(binary.BigEndian.Uint32(x.Offset32[k][second*4:]))
	if off&(1<<31) != 0 {
		at := 8 * (off &^ (1 << 31))
		if at+8 > uint64(len(x.Offset64)) {
			return 0, false
		}
		off = binary.BigEndian.Uint64(x.Offset64[at:])
	}
	return off, true
}

// sortOffsets lists every object's offset, as the index gives it (an
// offset of 2 GiB or more is in the index's table of 64-bit offsets), and
// sorts them.
func (x *offsetIndex) sortOffsets() {
	idx := x.MemoryIndex
	x.offsets = make([]packOffset, 0, idx.Fanout[255])
	prev := uint32(0)
	for first, upTo := range idx.Fanout {
		if upTo < prev {
			x.err = errors.New("pack index: fanout table out of order")
			return
		}
		n := upTo - prev
		prev = upTo
		if n == 0 {
			continue
		}
		k := idx.FanoutMapping[first]
		if k < 0 || k >= len(idx.Names) || k >= len(idx.Offset32) ||
			uint64(len(idx.Names[k])) < uint64(n)*uint64(hashSize) || uint64(len(idx.Offset32[k])) < uint64(n)*4 {
			x.err = errors.New("pack index: a fanout entry points past its tables")
			return
		}
		for second := range n {
			off, ok := x.offset(k, second)
			if !ok {
				x.err = errors.New("pack index: a 64-bit offset past its table")
				return
			}
			x.offsets = append(x.offsets, packOffset{off: off, first: uint32(k), second: second})
		}
	}
	slices.SortFunc(x.offsets, func(a, b packOffset) int { return cmp.Compare(a.off, b.off) })
}

// get returns the object named h, or an error wrapping
// plumbing.ErrObjectNotFound.
func (o *objects) get(h plumbing.Hash) (plumbing.EncodedObject, error) {
	for _, p := range o.packs {
		if off, err := p.idx.FindOffset(h); err == nil {
			if err := p.checkDeltas(off); err != nil {
				return nil, err
			}
		}
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

// maxRaw is the most bytes of a stored object [objects.raw] reads: enough
// for a header of maxHeader bytes however it was compressed.
const maxRaw = 2*maxHeader + 4096

// raw opens the content of the commit h as it is stored, as a stream of
// at most maxRaw stored bytes: for a commit go-git refused whole (a
// packfile or loose object corrupt half-way), so that the header lines
// before the damage can still be read. A commit stored as a delta has no
// content of its own and is not opened.
func (o *objects) raw(h plumbing.Hash) (io.ReadCloser, error) {
	for _, p := range o.packs {
		off, err := p.idx.FindOffset(h)
		if err != nil {
			continue
		}
		r := bufio.NewReader(io.NewSectionReader(p.file, off, maxRaw))
		// The object's header: its type in bits 4 to 6 of the first byte,
		// then its size, seven bits a byte, while the top bit is set.
		c, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		if typ := plumbing.ObjectType(c >> 4 & 7); typ != plumbing.CommitObject {
			return nil, fmt.Errorf("stored as a %s", typ)
		}
		for n := 0; c&0x80 != 0; n++ {
			if c, err = r.ReadByte(); err != nil || n == 9 {
				return nil, errors.New("object header too long")
			}
		}
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, err
		}
		return zr, nil
	}
	s := h.String()
	f, err := o.fs.Open(o.fs.Join("objects", s[:2], s[2:]))
	if err != nil {
		return nil, err
	}
	zr, err := zlib.NewReader(io.LimitReader(f, maxRaw))
	if err != nil {
		f.Close()
		return nil, err
	}
	// "commit SIZE\0" before the content.
	br := bufio.NewReader(zr)
	prefix, err := br.ReadSlice(0)
	if err != nil || !bytes.HasPrefix(prefix, []byte("commit ")) {
		f.Close()
		return nil, errors.New("not a loose commit")
	}
	return readCloser{br, f}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (o *objects) close() {
	for _, p := range o.packs {
		p.Close()
	}
}
