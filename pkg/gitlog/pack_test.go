package gitlog

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// packedRepo is a bare repository of many versions of one tree, packed by
// go-git with deltas, whose HEAD's tree holds a .mailmap stored as a delta.
func packedRepo(t *testing.T) (*testRepo, string) {
	t.Helper()
	r := newTestRepo(t, filepath.Join(t.TempDir(), "project.git"), true)
	var parents []plumbing.Hash
	for i := range 40 {
		// The newest .mailmap is the smallest, so that the pack keeps it as
		// a delta of an older one, as real packs often do (a tree too; go-git
		// does not deltify trees).
		files := map[string]string{".mailmap": strings.Repeat("# the team's addresses\n", 60-i) + "Me <me@example.com> <me@old-job.example>\n"}
		for f := range 30 {
			files[fmt.Sprintf("file%02d.go", f)] = strings.Repeat(fmt.Sprintf("line %d of file %d\n", f, f), 50) + fmt.Sprint("version ", i, "\n")
		}
		h := r.commit(c{email: "me@old-job.example", author: day(i%5, 9+i%8, 0), parents: parents, tree: r.writeTree(files)})
		parents = []plumbing.Hash{h}
	}
	r.ref("refs/heads/main", parents[0])
	if err := r.repo.RepackObjects(&git.RepackConfig{}); err != nil {
		t.Fatal(err)
	}
	idx, _ := filepath.Glob(filepath.Join(r.gitDir, "objects", "pack", "*.idx"))
	if len(idx) != 1 {
		t.Fatalf("%d pack indexes", len(idx))
	}
	return r, idx[0]
}

func decodeIndex(t *testing.T, path string) *idxfile.MemoryIndex {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(f).Decode(idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// revOf writes the reverse index git would write for idx: the index
// positions of the objects in the order of the pack.
func revOf(t *testing.T, idx *idxfile.MemoryIndex) []byte {
	t.Helper()
	type entry struct {
		off uint64
		pos uint32
	}
	var all []entry
	iter, err := idx.Entries()
	if err != nil {
		t.Fatal(err)
	}
	for pos := uint32(0); ; pos++ {
		e, err := iter.Next()
		if err != nil {
			break
		}
		all = append(all, entry{e.Offset, pos})
	}
	slices.SortFunc(all, func(a, b entry) int { return int(a.off) - int(b.off) })
	out := slices.Clone(revHeader)
	for _, e := range all {
		out = binary.BigEndian.AppendUint32(out, e.pos)
	}
	return sealRev(out, idx)
}

// sealRev ends a reverse index as git does: the pack's checksum, then the
// file's own.
func sealRev(body []byte, idx *idxfile.MemoryIndex) []byte {
	out := append(slices.Clone(body), idx.PackfileChecksum[:]...)
	sum := sha1.Sum(out)
	return append(out, sum[:]...)
}

// TestOffsetIndex checks that the offset index finds the hash go-git's
// index finds at every object's offset, and nothing between them, from
// sorted offsets and from a reverse index, and that a reverse index that
// does not fit is not used.
func TestOffsetIndex(t *testing.T) {
	_, path := packedRepo(t)
	idx := decodeIndex(t, path)
	rev := revOf(t, idx)
	cases := map[string]func() ([]byte, error){
		"sorted":           nil,
		"reverse index":    func() ([]byte, error) { return rev, nil },
		"no reverse index": func() ([]byte, error) { return nil, os.ErrNotExist },
		"a short one":      func() ([]byte, error) { return rev[:len(rev)-4], nil },
		"another hash's one": func() ([]byte, error) {
			b := slices.Clone(rev[:len(rev)-2*hashSize])
			b[11] = 2
			return sealRev(b, idx), nil
		},
		"a damaged one": func() ([]byte, error) { b := slices.Clone(rev); b[len(revHeader)] ^= 1; return b, nil },
		"another pack's one": func() ([]byte, error) {
			other := idxfile.NewMemoryIndex()
			other.PackfileChecksum = idx.PackfileChecksum
			other.PackfileChecksum[0] ^= 1
			return sealRev(rev[:len(rev)-2*hashSize], other), nil
		},
	}
	for name, r := range cases {
		x := &offsetIndex{MemoryIndex: idx, rev: r}
		ref := decodeIndex(t, path) // go-git's own, untouched
		iter, err := ref.EntriesByOffset()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			e, err := iter.Next()
			if err != nil {
				break
			}
			n++
			got, err := x.FindHash(int64(e.Offset))
			if err != nil || got != e.Hash {
				t.Fatalf("%s: at %d: %v %v, want %v", name, e.Offset, got, err, e.Hash)
			}
			if _, err := x.FindHash(int64(e.Offset) + 1); err == nil {
				t.Fatalf("%s: an object found at %d, inside another", name, e.Offset+1)
			}
		}
		if _, err := x.FindHash(-1); err == nil {
			t.Errorf("%s: an object at offset -1", name)
		}
		if want := name == "reverse index"; (x.byPack != nil) != want {
			t.Errorf("%s: the reverse index used: %v, want %v", name, x.byPack != nil, want)
		}
		if n < 100 {
			t.Fatalf("%d objects in the pack", n)
		}
	}
}

// TestReadPackedBareMailmap reads a packed bare repository whose HEAD tree
// holds the .mailmap, a delta in the pack, with and without a reverse index
// beside the pack.
func TestReadPackedBareMailmap(t *testing.T) {
	r, path := packedRepo(t)
	check := func(what string) {
		h := read(t, Options{Paths: []string{r.dir}})
		if len(h.Commits) != 40 || !h.Repos[0].Mailmap || h.Commits[0].Email != "me@example.com" || h.Repos[0].Corrupt {
			t.Errorf("%s: %d commits, repo %+v, first by %q", what, len(h.Commits), h.Repos[0], h.Commits[0].Email)
		}
	}
	check("without a reverse index")
	rev := revOf(t, decodeIndex(t, path))
	if err := os.WriteFile(strings.TrimSuffix(path, ".idx")+".rev", rev, 0o644); err != nil {
		t.Fatal(err)
	}
	check("with one")
	// A reverse index whose order lies fails its checksum, and is not
	// used: the deltas are applied to the right bases.
	bad := bytes.Clone(rev)
	for i := len(revHeader); i+8 <= len(bad)-2*hashSize; i += 8 {
		copy(bad[i:i+4], rev[i+4:i+8])
		copy(bad[i+4:i+8], rev[i:i+4])
	}
	if err := os.WriteFile(strings.TrimSuffix(path, ".idx")+".rev", bad, 0o644); err != nil {
		t.Fatal(err)
	}
	check("with a damaged one")
}

// TestReadPastACorruptCommit: a commit in the middle of history whose
// stored bytes are damaged after its header (here the checksum that ends
// its compressed data) is refused by go-git whole; its header is read from
// the object as stored, the commit skipped with a warning, and the history
// behind it still read. Packed and loose.
func TestReadPastACorruptCommit(t *testing.T) {
	build := func(t *testing.T) (*testRepo, []plumbing.Hash) {
		r := newTestRepo(t, t.TempDir(), false)
		var hs, parents []plumbing.Hash
		for d := range 5 {
			h := r.commit(c{email: "me@example.com", author: day(d, 10, 0), parents: parents})
			hs = append(hs, h)
			parents = []plumbing.Hash{h}
		}
		r.ref("refs/heads/main", hs[4])
		return r, hs
	}
	check := func(t *testing.T, r *testRepo, bad, child plumbing.Hash) {
		t.Helper()
		h := read(t, Options{Paths: []string{r.dir}})
		if got, want := times(h.Commits), []string{"Mon 10:00", "Tue 10:00", "Thu 10:00", "Fri 10:00"}; !slices.Equal(got, want) {
			t.Errorf("commits %v, want %v: all but the damaged one", got, want)
		}
		repo := h.Repos[0]
		want := []string{r.dir + ": commit " + bad.String() + " (parent of " + child.String() + ") skipped, its parents read: zlib: invalid checksum"}
		if !repo.Corrupt || !slices.Equal(repo.Warnings, want) {
			t.Errorf("corrupt %v, warnings %q, want %q", repo.Corrupt, repo.Warnings, want)
		}
	}
	t.Run("packed", func(t *testing.T) {
		r, hs := build(t)
		if err := r.repo.RepackObjects(&git.RepackConfig{}); err != nil {
			t.Fatal(err)
		}
		idxs, _ := filepath.Glob(filepath.Join(r.gitDir, "objects", "pack", "*.idx"))
		if len(idxs) != 1 {
			t.Fatalf("%d pack indexes", len(idxs))
		}
		idx := decodeIndex(t, idxs[0])
		packName := strings.TrimSuffix(idxs[0], ".idx") + ".pack"
		data, err := os.ReadFile(packName)
		if err != nil {
			t.Fatal(err)
		}
		// The object ends where the next one starts, or at the pack's
		// own checksum.
		at, err := idx.FindOffset(hs[2])
		if err != nil {
			t.Fatal(err)
		}
		end := int64(len(data) - 20)
		entries, _ := idx.Entries()
		for {
			e, err := entries.Next()
			if err != nil {
				break
			}
			if o := int64(e.Offset); o > at && o < end {
				end = o
			}
		}
		data[end-1] ^= 0xff // the last byte of the zlib checksum
		os.Chmod(packName, 0o644)
		if err := os.WriteFile(packName, data, 0o644); err != nil {
			t.Fatal(err)
		}
		check(t, r, hs[2], hs[3])
	})
	t.Run("loose", func(t *testing.T) {
		r, hs := build(t)
		data, err := os.ReadFile(r.loosePath(hs[2]))
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)-1] ^= 0xff
		os.Chmod(r.loosePath(hs[2]), 0o644)
		if err := os.WriteFile(r.loosePath(hs[2]), data, 0o644); err != nil {
			t.Fatal(err)
		}
		check(t, r, hs[2], hs[3])
	})
}
