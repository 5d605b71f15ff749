package gitlog

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// commitBytes is the content of a commit, as stored.
func commitBytes(t *testing.T, cm *object.Commit) []byte {
	t.Helper()
	obj := &plumbing.MemoryObject{}
	if err := cm.Encode(obj); err != nil {
		t.Fatal(err)
	}
	rd, _ := obj.Reader()
	data, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// packEntryHeader is an entry's type and size, as a pack writes them.
func packEntryHeader(typ plumbing.ObjectType, size int) []byte {
	c := byte(typ)<<4 | byte(size&15)
	size >>= 4
	var out []byte
	for size > 0 {
		out = append(out, c|0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	return append(out, c)
}

func deflate(data []byte) []byte {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

func appendVarint(b []byte, v int) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// TestReadLargeDeltaCommit: a commit of 30 MB stored in a pack as a delta
// of another (its header written out, its message copied from the other's)
// is read for its header and subject within a fixed memory budget: go-git
// alone loads the delta's base whole.
func TestReadLargeDeltaCommit(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	msg := "huge\n\n" + strings.Repeat("a line of the message\n", 30<<20/22)
	sig := func(h int) object.Signature {
		return object.Signature{Name: "Me", Email: "me@example.com", When: day(0, h, 0)}
	}
	base := &object.Commit{Author: sig(10), Committer: sig(10), Message: msg, TreeHash: r.tree}
	baseData := commitBytes(t, base)
	baseHash := plumbing.ComputeHash(plumbing.CommitObject, baseData)
	target := &object.Commit{Author: sig(11), Committer: sig(11), Message: msg + "more\n", TreeHash: r.tree, ParentHashes: []plumbing.Hash{baseHash}}
	targetData := commitBytes(t, target)
	baseHeader := bytes.Index(baseData, []byte("\n\n")) + 1
	targetHeader := bytes.Index(targetData, []byte("\n\n")) + 1

	// The delta: the target's header inserted, the base's message copied,
	// "more\n" inserted.
	delta := appendVarint(appendVarint(nil, len(baseData)), len(targetData))
	insert := func(b []byte) {
		for len(b) > 0 {
			n := min(len(b), 127)
			delta = append(append(delta, byte(n)), b[:n]...)
			b = b[n:]
		}
	}
	insert(targetData[:targetHeader])
	for off := baseHeader; off < len(baseData); {
		n := min(len(baseData)-off, 0xffffff)
		delta = append(delta, 0xff, byte(off), byte(off>>8), byte(off>>16), byte(off>>24), byte(n), byte(n>>8), byte(n>>16))
		off += n
	}
	insert([]byte("more\n"))

	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, uint32(2))
	binary.Write(&pack, binary.BigEndian, uint32(2))
	baseAt := pack.Len()
	pack.Write(packEntryHeader(plumbing.CommitObject, len(baseData)))
	pack.Write(deflate(baseData))
	targetAt := pack.Len()
	pack.Write(packEntryHeader(plumbing.OFSDeltaObject, len(delta)))
	// The distance back to the base, as git writes it.
	rel := targetAt - baseAt
	ofs := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		ofs = append([]byte{byte(0x80 | rel&0x7f)}, ofs...)
	}
	pack.Write(ofs)
	pack.Write(deflate(delta))
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])
	w, err := r.st.(storer.PackfileWriter).PackfileWriter()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pack.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	targetHash := plumbing.ComputeHash(plumbing.CommitObject, targetData)
	r.ref("refs/heads/main", targetHash)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h := read(t, Options{Paths: []string{r.dir}, Subjects: true})
	runtime.ReadMemStats(&after)
	if len(h.Commits) != 2 || h.Repos[0].Corrupt || h.Commits[0].Subject != "huge" || h.Commits[1].Subject != "huge" ||
		h.Commits[1].Hash != targetHash.String() {
		t.Fatalf("commits %+v, repo %+v: want both, the delta the second, each with the subject huge", h.Commits, h.Repos[0])
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 8<<20 {
		t.Errorf("reading a commit of 30 MB stored as a delta allocated %d bytes, want at most 8 MiB", got)
	}
}
