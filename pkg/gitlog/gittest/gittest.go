// Package gittest builds git repositories on disk from a small text
// description, commit by commit at exact author and committer times, with
// go-git: no git binary is needed. Tests of the coding signal and the
// end-to-end scripts build the histories they read with it.
//
// A description has one instruction a line; blank lines and lines starting
// with # are skipped:
//
//	bare                                   the repository has no work tree (first line only)
//	commit NAME EMAIL TIME [key=value…] [: subject]
//	ref REF NAME                           points REF at commit NAME
//	tag TAG NAME                           an annotated tag of commit NAME
//	shallow NAME                           the clone is shallow at NAME
//	drop NAME                              deletes commit NAME's object: a corrupt repository
//
// TIME is RFC 3339 ("2026-03-02T09:30:00+01:00"): the author time. The keys
// of a commit are committer=TIME (the committer time; default: the author
// time, so a rebase is a committer time later than the author time),
// parents=A,B (default: the commit on the line before; "none" for a root),
// and author=NAME (the author's name; default: the address before the @).
// A REF is refs/heads/REF unless it starts with refs/ or is HEAD. With no
// ref line, refs/heads/main points at the last commit. HEAD names
// refs/heads/main.
//
// The same description built twice gives the same hashes: two clones of
// one project.
package gittest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
)

// Build writes the repository desc describes at dir, creating the folder
// when it is absent (a file already there, such as a .mailmap, is kept),
// and returns the hash of each named commit.
func Build(dir, desc string) (map[string]string, error) {
	lines := strings.Split(desc, "\n")
	bare := false
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if l == "bare" {
			bare = true
			lines[i] = ""
		}
		break
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	repo, err := git.PlainInit(dir, bare)
	if err != nil {
		return nil, fmt.Errorf("git init %s: %w", dir, err)
	}
	gitDir := filepath.Join(dir, ".git")
	if bare {
		gitDir = dir
	}
	b := &builder{st: repo.Storer, gitDir: gitDir, hashes: map[string]plumbing.Hash{}}
	if err := b.st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		return nil, err
	}
	if b.tree, err = b.emptyTree(); err != nil {
		return nil, err
	}
	refs := 0
	var last plumbing.Hash
	var shallow []string
	for n, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, a ...any) error {
			return fmt.Errorf("line %d: %s: %s", n+1, line, fmt.Sprintf(format, a...))
		}
		word, rest, _ := strings.Cut(line, " ")
		args := strings.Fields(rest)
		switch word {
		case "commit":
			h, err := b.commit(rest, last)
			if err != nil {
				return nil, fail("%v", err)
			}
			last = h
		case "ref", "tag":
			if len(args) != 2 {
				return nil, fail("want %s NAME COMMIT", word)
			}
			h, ok := b.hashes[args[1]]
			if !ok {
				return nil, fail("no commit %s before this line", args[1])
			}
			if word == "tag" {
				if h, err = b.tag(args[0], h); err != nil {
					return nil, fail("%v", err)
				}
			}
			if err := b.st.SetReference(plumbing.NewHashReference(refName(word, args[0]), h)); err != nil {
				return nil, fail("%v", err)
			}
			refs++
		case "shallow", "drop":
			if len(args) != 1 {
				return nil, fail("want %s COMMIT", word)
			}
			h, ok := b.hashes[args[0]]
			if !ok {
				return nil, fail("no commit %s before this line", args[0])
			}
			if word == "shallow" {
				shallow = append(shallow, h.String())
				continue
			}
			s := h.String()
			if err := os.Remove(filepath.Join(gitDir, "objects", s[:2], s[2:])); err != nil {
				return nil, fail("%v", err)
			}
		default:
			return nil, fail("unknown instruction %q", word)
		}
	}
	if refs == 0 && !last.IsZero() {
		if err := b.st.SetReference(plumbing.NewHashReference("refs/heads/main", last)); err != nil {
			return nil, err
		}
	}
	if len(shallow) > 0 {
		if err := os.WriteFile(filepath.Join(gitDir, "shallow"), []byte(strings.Join(shallow, "\n")+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	out := make(map[string]string, len(b.hashes))
	for name, h := range b.hashes {
		out[name] = h.String()
	}
	return out, nil
}

func refName(word, name string) plumbing.ReferenceName {
	switch {
	case word == "tag":
		return plumbing.ReferenceName("refs/tags/" + name)
	case name == "HEAD" || strings.HasPrefix(name, "refs/"):
		return plumbing.ReferenceName(name)
	}
	return plumbing.ReferenceName("refs/heads/" + name)
}

type builder struct {
	st     storage.Storer
	gitDir string
	tree   plumbing.Hash
	hashes map[string]plumbing.Hash
}

func (b *builder) emptyTree() (plumbing.Hash, error) {
	obj := b.st.NewEncodedObject()
	if err := (&object.Tree{}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.st.SetEncodedObject(obj)
}

// commit writes "NAME EMAIL TIME [key=value…] [: subject]"; prev is the
// parent by default.
func (b *builder) commit(spec string, prev plumbing.Hash) (plumbing.Hash, error) {
	fields, subject := splitSubject(spec)
	if len(fields) < 3 {
		return plumbing.ZeroHash, fmt.Errorf("want commit NAME EMAIL TIME")
	}
	name, email := fields[0], fields[1]
	if _, ok := b.hashes[name]; ok {
		return plumbing.ZeroHash, fmt.Errorf("commit %s is named twice", name)
	}
	author, err := time.Parse(time.RFC3339, fields[2])
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("author time: %w", err)
	}
	committer := author
	parents := []plumbing.Hash{}
	if !prev.IsZero() {
		parents = []plumbing.Hash{prev}
	}
	person, _, _ := strings.Cut(email, "@")
	for _, kv := range fields[3:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return plumbing.ZeroHash, fmt.Errorf("%q is not key=value", kv)
		}
		switch k {
		case "committer":
			if committer, err = time.Parse(time.RFC3339, v); err != nil {
				return plumbing.ZeroHash, fmt.Errorf("committer time: %w", err)
			}
		case "parents":
			parents = nil
			if v != "none" {
				for _, p := range strings.Split(v, ",") {
					h, ok := b.hashes[p]
					if !ok {
						return plumbing.ZeroHash, fmt.Errorf("no commit %s before this line", p)
					}
					parents = append(parents, h)
				}
			}
		case "author":
			person = v
		default:
			return plumbing.ZeroHash, fmt.Errorf("unknown key %q", k)
		}
	}
	if subject == "" {
		subject = "change by " + email
	}
	c := &object.Commit{
		Author:       object.Signature{Name: person, Email: email, When: author},
		Committer:    object.Signature{Name: "Committer", Email: "committer@example.com", When: committer},
		Message:      subject + "\n",
		TreeHash:     b.tree,
		ParentHashes: parents,
	}
	obj := b.st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	h, err := b.st.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	b.hashes[name] = h
	return h, nil
}

// splitSubject splits "a b c : subject" into its fields and the subject:
// the subject follows the first field that is a lone colon.
func splitSubject(s string) ([]string, string) {
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Split(bufio.ScanWords)
	var fields []string
	rest := s
	for sc.Scan() {
		w := sc.Text()
		i := strings.Index(rest, w)
		rest = rest[i+len(w):]
		if w == ":" {
			return fields, strings.TrimSpace(rest)
		}
		fields = append(fields, w)
	}
	return fields, ""
}

func (b *builder) tag(name string, target plumbing.Hash) (plumbing.Hash, error) {
	t := &object.Tag{Name: name, Tagger: object.Signature{Name: "T", Email: "t@example.com", When: time.Unix(1700000000, 0).UTC()},
		Message: "release\n", TargetType: plumbing.CommitObject, Target: target}
	obj := b.st.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.st.SetEncodedObject(obj)
}
