package gitlog

import (
	"bufio"
	"compress/zlib"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// A third small layer under go-git: a large commit stored as a delta is
// streamed, its bases too. go-git streams an object above its threshold,
// but resolves a delta by loading the delta's base whole: a commit of
// 50 MB stored as a delta of another took 180 MB and 3 s to read (git log
// took 160 MB and 3.5 s), and a larger one would take as much more. Here
// only the bytes before the end of the header are produced, and each base
// is read as a stream as far as the delta needs it.

// Bounds of a chain of deltas: the longest streamed (git packs at most 50
// deep by default, 250 with --aggressive in old versions; a longer one is
// left to go-git), and the longest read at all (git's own limit of
// pack.depth is 4095).
const (
	maxStreamDepth = 256
	maxDeltaChain  = 10000
)

// stream opens the object named h in a packfile as a stream whose memory
// does not grow with its size; ok is false when no packfile holds it.
func (o *objects) stream(h plumbing.Hash) (r io.ReadCloser, ok bool, err error) {
	for _, p := range o.packs {
		off, err := p.idx.FindOffset(h)
		if err != nil {
			continue
		}
		obj, err := p.open(off, 0)
		if err != nil {
			return nil, true, err
		}
		r, err := obj.Reader()
		return r, true, err
	}
	return nil, false, nil
}

// streamed is an object in a packfile, read when its Reader is: a whole
// object, or a delta over a base that is itself streamed.
type streamed struct {
	p    pack
	data int64 // offset of the compressed data in the pack
	typ  plumbing.ObjectType
	size int64 // the object's size, a delta's once applied
	base *streamed
}

// entry is the header of one entry of a pack.
type entry struct {
	typ  plumbing.ObjectType
	size int64 // of the entry's own data: a delta's, for a delta
	base int64 // a delta's base's offset; -1 for a REF delta whose base is in no other entry of this pack
	data int64 // offset of the compressed data
}

// entry reads the header of the entry at offset off: its type, its size
// and, for a delta, where its base is.
func (p pack) entry(off int64) (entry, error) {
	b, err := p.peek(off, 64)
	if err != nil {
		return entry{}, err
	}
	i := 0
	next := func() (byte, bool) {
		if i >= len(b) {
			return 0, false
		}
		i++
		return b[i-1], true
	}
	c, _ := next()
	e := entry{typ: plumbing.ObjectType(c >> 4 & 7), size: int64(c & 15)}
	for shift := 4; c&0x80 != 0; shift += 7 {
		var ok bool
		if c, ok = next(); !ok || shift > 56 {
			return entry{}, errors.New("bad object header in the pack")
		}
		e.size |= int64(c&0x7f) << shift
	}
	switch e.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		c, ok := next()
		rel := int64(c & 0x7f)
		for ok && c&0x80 != 0 {
			if c, ok = next(); rel > 1<<55 {
				ok = false
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if !ok || rel <= 0 || rel > off {
			return entry{}, errors.New("bad delta base offset in the pack")
		}
		e.base = off - rel
	case plumbing.REFDeltaObject:
		if i+len(plumbing.ZeroHash) > len(b) {
			return entry{}, errors.New("bad delta base in the pack")
		}
		var h plumbing.Hash
		i += copy(h[:], b[i:])
		if e.base, err = p.idx.FindOffset(h); err != nil {
			e.base = -1
		}
	default:
		return entry{}, fmt.Errorf("object of type %d in the pack", e.typ)
	}
	e.data = off + int64(i)
	return e, nil
}

// peek returns up to n bytes of the pack at off: from the read-ahead
// window when the pack has one, which leaves the position go-git reads
// from where it is.
func (p pack) peek(off int64, n int) ([]byte, error) {
	if w, ok := p.file.(*windowFile); ok {
		return w.peek(off, n)
	}
	buf := make([]byte, n)
	m, err := p.file.ReadAt(buf, off)
	if m == 0 {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf[:m], nil
}

// checkDeltas follows the chain of deltas from the entry at off to its
// end, and returns an error when it is longer than maxDeltaChain: go-git
// resolves a delta by recursion, with no bound, and a chain that loops
// (two REF deltas, each the other's base) or runs deep exhausts the stack,
// which ends the program, not a walk.
func (p pack) checkDeltas(off int64) error {
	for range maxDeltaChain + 1 {
		e, err := p.entry(off)
		if err != nil || e.typ != plumbing.OFSDeltaObject && e.typ != plumbing.REFDeltaObject || e.base < 0 {
			return nil // go-git says what is wrong, if anything
		}
		off = e.base
	}
	return fmt.Errorf("a chain of more than %d deltas, or one that loops", maxDeltaChain)
}

// open reads the entry at offset off of the pack for streaming: its
// header, and for a delta its base's, as deep as maxStreamDepth.
func (p pack) open(off int64, depth int) (*streamed, error) {
	if depth > maxStreamDepth {
		return nil, fmt.Errorf("a chain of more than %d deltas", maxStreamDepth)
	}
	e, err := p.entry(off)
	if err != nil {
		return nil, err
	}
	s := &streamed{p: p, typ: e.typ, size: e.size, data: e.data}
	if e.typ != plumbing.OFSDeltaObject && e.typ != plumbing.REFDeltaObject {
		return s, nil
	}
	if e.base < 0 {
		return nil, errors.New("delta base not in the same pack")
	}
	if s.base, err = p.open(e.base, depth+1); err != nil {
		return nil, err
	}
	s.typ = s.base.typ
	// The delta's data starts with the base's size and its own.
	r, err := s.inflate()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 32)
	src, err1 := readVarint(br)
	dst, err2 := readVarint(br)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("delta header: %w", err)
	}
	if src != s.base.size {
		return nil, errors.New("delta of a base of another size")
	}
	s.size = dst
	return s, nil
}

// inflate opens the entry's own compressed data.
func (s *streamed) inflate() (io.ReadCloser, error) {
	return zlib.NewReader(bufio.NewReader(io.NewSectionReader(s.p.file, s.data, 1<<62)))
}

// readVarint reads a delta header's size: seven bits a byte, least
// significant first.
func readVarint(r io.ByteReader) (int64, error) {
	var v int64
	for shift := 0; shift < 63; shift += 7 {
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("size too large")
}

func (s *streamed) Reader() (io.ReadCloser, error) {
	r, err := s.inflate()
	if err != nil || s.base == nil {
		return r, err
	}
	// go-git's delta reader streams the delta over its base's Reader,
	// opening it again to go back.
	return packfile.ReaderFromDelta(s.base, r)
}

func (s *streamed) Hash() plumbing.Hash             { return plumbing.ZeroHash }
func (s *streamed) Type() plumbing.ObjectType       { return s.typ }
func (s *streamed) SetType(plumbing.ObjectType)     {}
func (s *streamed) Size() int64                     { return s.size }
func (s *streamed) SetSize(int64)                   {}
func (s *streamed) Writer() (io.WriteCloser, error) { return nil, errors.New("read only") }
