package gitlog

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
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

// writePack stores pack, whose entries start at offsets and are named
// hashes, with an index: a pack go-git would not write (deltas that loop).
func writePack(t *testing.T, r *testRepo, pack []byte, hashes []plumbing.Hash, offsets []int) {
	t.Helper()
	sum := sha1.Sum(pack)
	pack = append(pack, sum[:]...)
	w := &idxfile.Writer{}
	w.OnHeader(uint32(len(hashes)))
	for i, h := range hashes {
		w.Add(h, uint64(offsets[i]), 0)
	}
	w.OnFooter(plumbing.Hash(sum))
	idx, err := w.Index()
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(r.gitDir, "objects", "pack", "pack-"+plumbing.Hash(sum).String())
	if err := os.WriteFile(name+".pack", pack, 0o644); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := idxfile.NewEncoder(&buf).Encode(idx); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name+".idx", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func packHeader(n int) []byte {
	var b bytes.Buffer
	b.WriteString("PACK")
	binary.Write(&b, binary.BigEndian, uint32(2))
	binary.Write(&b, binary.BigEndian, uint32(n))
	return b.Bytes()
}

// TestReadPastDeltasThatLoop: two deltas in a pack, each the other's base,
// end go-git's recursion only when the stack runs out, which ends the
// program. The chain is followed first, bounded: the ref to them is a
// warning, the rest of the repository is read.
func TestReadPastDeltasThatLoop(t *testing.T) {
	r := newTestRepo(t, t.TempDir(), false)
	h1 := plumbing.NewHash(strings.Repeat("1", 40))
	h2 := plumbing.NewHash(strings.Repeat("2", 40))
	delta := append(appendVarint(appendVarint(nil, 10), 10), 0x91, 0, 10) // copy 10 bytes from 0
	pack := packHeader(2)
	var offsets []int
	for _, base := range []plumbing.Hash{h2, h1} {
		offsets = append(offsets, len(pack))
		pack = append(pack, packEntryHeader(plumbing.REFDeltaObject, len(delta))...)
		pack = append(pack, base[:]...)
		pack = append(pack, deflate(delta)...)
	}
	writePack(t, r, pack, []plumbing.Hash{h1, h2}, offsets)
	r.ref("refs/heads/main", r.commit(c{email: "me@example.com", author: day(0, 10, 0)}))
	r.ref("refs/heads/loop", h1)
	h := read(t, Options{Paths: []string{r.dir}})
	if got := times(h.Commits); !slices.Equal(got, []string{"Mon 10:00"}) {
		t.Errorf("commits %v, want the good one", got)
	}
	want := []string{r.dir + ": ref refs/heads/loop points to " + h1.String() + ", which cannot be read: a chain of more than 10000 deltas, or one that loops"}
	if !slices.Equal(h.Repos[0].Warnings, want) || !h.Repos[0].Corrupt {
		t.Errorf("warnings %q, want %q", h.Repos[0].Warnings, want)
	}
}
