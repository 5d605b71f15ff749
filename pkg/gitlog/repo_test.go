package gitlog

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
)

// testRepo builds a repository on disk with go-git, commit by commit, at
// exact author and committer times. No git binary is needed.
type testRepo struct {
	t      *testing.T
	dir    string // the work tree, or the folder of a bare repository
	gitDir string
	repo   *git.Repository
	st     storage.Storer
	tree   plumbing.Hash // the tree every commit points to
}

func newTestRepo(t *testing.T, dir string, bare bool) *testRepo {
	t.Helper()
	repo, err := git.PlainInit(dir, bare)
	if err != nil {
		t.Fatal(err)
	}
	r := &testRepo{t: t, dir: dir, gitDir: filepath.Join(dir, ".git"), repo: repo, st: repo.Storer}
	if bare {
		r.gitDir = dir
	}
	if err := r.st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		t.Fatal(err)
	}
	r.tree = r.writeTree(nil)
	return r
}

// writeTree stores a tree of regular files and returns its hash.
func (r *testRepo) writeTree(files map[string]string) plumbing.Hash {
	r.t.Helper()
	tree := &object.Tree{}
	for name, content := range files {
		blob := r.st.NewEncodedObject()
		blob.SetType(plumbing.BlobObject)
		w, _ := blob.Writer()
		w.Write([]byte(content))
		w.Close()
		h, err := r.st.SetEncodedObject(blob)
		if err != nil {
			r.t.Fatal(err)
		}
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	// Git keeps a tree's entries sorted by name, and go-git refuses a tree
	// that is not: the map's order is random.
	slices.SortFunc(tree.Entries, func(a, b object.TreeEntry) int { return strings.Compare(a.Name, b.Name) })
	obj := r.st.NewEncodedObject()
	if err := tree.Encode(obj); err != nil {
		r.t.Fatal(err)
	}
	h, err := r.st.SetEncodedObject(obj)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// c is a commit to write.
type c struct {
	email     string
	author    time.Time
	committer time.Time // zero: the author time
	parents   []plumbing.Hash
	msg       string
	tree      plumbing.Hash // zero: the repository's empty tree
}

func (r *testRepo) commit(spec c) plumbing.Hash {
	r.t.Helper()
	if spec.committer.IsZero() {
		spec.committer = spec.author
	}
	if spec.tree.IsZero() {
		spec.tree = r.tree
	}
	if spec.msg == "" {
		spec.msg = fmt.Sprintf("change at %s by %s\n", spec.author.Format(time.RFC3339), spec.email)
	}
	cm := &object.Commit{
		Author:       object.Signature{Name: "Person", Email: spec.email, When: spec.author},
		Committer:    object.Signature{Name: "Committer", Email: "ci@example.com", When: spec.committer},
		Message:      spec.msg,
		TreeHash:     spec.tree,
		ParentHashes: spec.parents,
	}
	obj := r.st.NewEncodedObject()
	if err := cm.Encode(obj); err != nil {
		r.t.Fatal(err)
	}
	h, err := r.st.SetEncodedObject(obj)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// ref points a ref ("refs/heads/main", "HEAD") at a hash.
func (r *testRepo) ref(name string, h plumbing.Hash) {
	r.t.Helper()
	if err := r.st.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		r.t.Fatal(err)
	}
}

// tag writes an annotated tag of target and a ref to it.
func (r *testRepo) tag(name string, target plumbing.Hash, typ plumbing.ObjectType) plumbing.Hash {
	r.t.Helper()
	tag := &object.Tag{Name: name, Tagger: object.Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0)},
		Message: "release\n", TargetType: typ, Target: target}
	obj := r.st.NewEncodedObject()
	if err := tag.Encode(obj); err != nil {
		r.t.Fatal(err)
	}
	h, err := r.st.SetEncodedObject(obj)
	if err != nil {
		r.t.Fatal(err)
	}
	r.ref("refs/tags/"+name, h)
	return h
}

// loosePath is where a loose object of hash h lives.
func (r *testRepo) loosePath(h plumbing.Hash) string {
	s := h.String()
	return filepath.Join(r.gitDir, "objects", s[:2], s[2:])
}

// writeLoose writes raw content as the loose object named h, whatever its
// real hash: the way to build what hashes cannot (a cycle) or a lie.
func (r *testRepo) writeLoose(h plumbing.Hash, typ string, content []byte) {
	r.t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	fmt.Fprintf(zw, "%s %d\x00", typ, len(content))
	zw.Write(content)
	zw.Close()
	p := r.loosePath(h)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	os.Chmod(p, 0o644)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// rawCommit stores content as a commit object under its real hash: a
// commit go-git would not write (a time out of range, a broken line).
func (r *testRepo) rawCommit(content string) plumbing.Hash {
	r.t.Helper()
	obj := r.st.NewEncodedObject()
	obj.SetType(plumbing.CommitObject)
	w, err := obj.Writer()
	if err != nil {
		r.t.Fatal(err)
	}
	w.Write([]byte(content))
	w.Close()
	h, err := r.st.SetEncodedObject(obj)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}
