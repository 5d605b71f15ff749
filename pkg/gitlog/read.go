package gitlog

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// The walk's stopping rule: see the package documentation.
const (
	// Slack is how far before the window a commit's committer time may
	// fall and its history still be walked: clocks of the machines that
	// made the commits may disagree by this much.
	Slack = 24 * time.Hour
	// Slop is how many commits in a row, all committed before the window
	// less the slack, end the walk of a repository.
	Slop = 100
	// maxWarnings is how many warnings one repository gives before the
	// rest are counted in one line.
	maxWarnings = 20
	// largeObject is the size above which go-git streams an object instead
	// of reading it whole.
	largeObject = 1 << 20
	// maxTagDepth is how many annotated tags in a chain are followed to
	// reach a commit.
	maxTagDepth = 10
)

// Options says what to read.
type Options struct {
	// Paths are repositories, or folders searched for them (--git).
	Paths []string
	// Authors are my addresses: a commit is mine when its author address,
	// after the repository's .mailmap, is one of them, compared without
	// regard to case and as a terminal shows it: with escape sequences and
	// control characters taken out, which is what a user can type.
	Authors []string
	// From and To are the window of the analysis, [From, To). A zero From
	// or To leaves that side open.
	From, To time.Time
	// Gap and Lead are the coding-session rule (see [Sessions]); zero means
	// [DefaultGap] and [DefaultLead]. They widen the commits kept to
	// [From − Gap, To + max(Gap, Lead)), all that the sessions inside the
	// window depend on.
	Gap, Lead time.Duration
	// Depth and MaxDirs bound the search of folders; zero means
	// [DefaultDepth] and [DefaultMaxDirs].
	Depth, MaxDirs int
	// Subjects asks for the subject line of each of my commits
	// ([Commit.Subject]); without it no part of a message is read.
	Subjects bool
}

// Commit is one of my commits.
type Commit struct {
	// Hash is the commit's hash in hex.
	Hash string
	// Email is the author address after the .mailmap, as written there,
	// with escape sequences and control characters taken out.
	Email string
	// When is the author time, in the author's own offset.
	When time.Time
	// Repos are the repositories the commit was found in (their paths as
	// [Repo.Path] gives them).
	Repos []string
	// Subject is the first line of the message, with [Options.Subjects]:
	// at most [MaxSubject] bytes of it read, escape sequences and control
	// characters taken out ([textsafe.Line]), cut at 200 characters. Empty
	// otherwise.
	Subject string
}

// Repo says what was read of one repository.
type Repo struct {
	// Path is where the repository was found: its work tree, or the git
	// folder of a bare one. Safe to print.
	Path string
	Bare bool
	// Read counts the commits read; Mine the ones of mine, not merges, in
	// the window; Others the ones by others in the window.
	Read, Mine, Others int
	// Shallow is true for a shallow clone: history stops where the clone
	// does.
	Shallow bool
	// Corrupt is true when some object could not be read: what could be
	// read was.
	Corrupt bool
	// Mailmap is true when a .mailmap was applied.
	Mailmap bool
	// Warnings say what went wrong, each naming the repository. Safe to
	// print.
	Warnings []string
	// Hint is set when the repository has commits in the window but none
	// of them mine.
	Hint string
}

// History is what [Read] found.
type History struct {
	// Repos are the repositories read, in the order found.
	Repos []Repo
	// Commits are mine, not merges, with author time in the span kept,
	// each once however many refs and repositories hold it, sorted by
	// author time.
	Commits []Commit
	// From and To are the span of author times kept, [From, To); zero
	// where open.
	From, To time.Time
	// Warnings come from the search for repositories; each repository's
	// own are in its Repo. Safe to print.
	Warnings []string
	// Hint is set when none of the commits read is mine: it names the most
	// frequent author address, which may be mine under another name, as
	// --git-author would take it back and match it (quoted for a shell
	// when it must be); an address the flag would refuse (no '@' left in
	// it, too long) is not named.
	Hint string
}

// Read finds the repositories at or under opts.Paths and reads my commits
// from every ref of each. A path that does not exist or holds no
// repository is an error naming it (wrapping [ErrNoRepository] for the
// latter); a repository that is shallow or partly unreadable is read as
// far as it goes, with warnings in its [Repo]. Nothing is printed.
func Read(ctx context.Context, opts Options) (*History, error) {
	if len(opts.Paths) == 0 {
		return nil, errors.New("no git path given")
	}
	gap := cmp.Or(opts.Gap, DefaultGap)
	lead := cmp.Or(opts.Lead, DefaultLead)
	locs, warnings, err := find(ctx, opts.Paths, cmp.Or(opts.Depth, DefaultDepth), cmp.Or(opts.MaxDirs, DefaultMaxDirs))
	if err != nil {
		return nil, err
	}
	h := &History{Warnings: warnings}
	if !opts.From.IsZero() {
		h.From = opts.From.Add(-gap)
	}
	if !opts.To.IsZero() {
		h.To = opts.To.Add(max(gap, lead))
	}
	mine := map[string]bool{}
	for _, a := range opts.Authors {
		if a = address(a); a != "" {
			mine[a] = true
		}
	}
	w := window{from: h.From, to: h.To, mine: mine, subjects: opts.Subjects}

	results := make([]repoResult, len(locs))
	workers := min(runtime.GOMAXPROCS(0), len(locs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = readRepo(ctx, locs[i], w)
			}
		}()
	}
	for i := range locs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	byHash := map[plumbing.Hash]int{}
	others := map[string]int{}
	for _, r := range results {
		h.Repos = append(h.Repos, r.repo)
		for _, c := range r.mine {
			i, ok := byHash[c.hash]
			if !ok {
				i = len(h.Commits)
				byHash[c.hash] = i
				h.Commits = append(h.Commits, Commit{Hash: c.hash.String(), Email: clean(c.email), When: c.when, Subject: c.subject})
			}
			h.Commits[i].Repos = append(h.Commits[i].Repos, r.repo.Path)
		}
		for e, n := range r.others {
			others[e] += n
		}
	}
	slices.SortStableFunc(h.Commits, func(a, b Commit) int {
		return cmp.Or(a.When.Compare(b.When), strings.Compare(a.Hash, b.Hash))
	})
	if len(h.Commits) == 0 {
		// Only an address the user can give back, one that would then
		// match, is named.
		top, n := "", 0
		for e, c := range others {
			if _, ok := suggest(e); ok && (c > n || c == n && e < top) {
				top, n = e, c
			}
		}
		if n > 0 {
			commits := fmt.Sprintf("%d commits", n)
			if n == 1 {
				commits = "1 commit"
			}
			flag, _ := suggest(top)
			h.Hint = fmt.Sprintf("none of the commits read is by %s; the most frequent author is %s (%s): if that is you, add --git-author %s",
				clean(strings.Join(opts.Authors, ", ")), top, commits, flag)
		}
	}
	for i := range h.Repos {
		if r := &h.Repos[i]; r.Mine == 0 && r.Others > 0 {
			r.Hint = fmt.Sprintf("no commits by %s in %s; add --git-author with the address you commit with",
				clean(strings.Join(opts.Authors, ", ")), r.Path)
		}
	}
	return h, nil
}

// window is what a walk keeps.
type window struct {
	from, to time.Time // author times kept, [from, to); zero is open
	mine     map[string]bool
	subjects bool // read the subject lines of my commits
}

func (w window) holds(t time.Time) bool {
	return (w.from.IsZero() || !t.Before(w.from)) && (w.to.IsZero() || t.Before(w.to))
}

// cutoff is the committer time below which the walk counts towards Slop.
func (w window) cutoff() (time.Time, bool) {
	if w.from.IsZero() {
		return time.Time{}, false
	}
	return w.from.Add(-Slack), true
}

type found struct {
	hash    plumbing.Hash
	email   string
	when    time.Time
	subject string
}

type repoResult struct {
	repo   Repo
	mine   []found
	others map[string]int
}

// walker reads one repository.
type walker struct {
	ctx     context.Context
	loc     location
	st      *filesystem.Storage
	objs    *objects
	w       window
	res     *repoResult
	hr      *headerReader
	mailmap *mailmap
	shallow map[plumbing.Hash]bool
	seen    map[plumbing.Hash]bool
	queue   commitQueue
	dropped int // warnings past maxWarnings
}

func readRepo(ctx context.Context, loc location, w window) (res repoResult) {
	res = repoResult{repo: Repo{Path: clean(loc.path), Bare: loc.bare}, others: map[string]int{}}
	wk := &walker{ctx: ctx, loc: loc, w: w, res: &res, hr: newHeaderReader(), seen: map[plumbing.Hash]bool{}}
	defer func() {
		// go-git is not written for hostile repositories everywhere: a
		// panic inside it ends this repository's walk, not the program.
		if p := recover(); p != nil {
			res.repo.Corrupt = true
			wk.warn("reading stopped: the git reader failed: %v", p)
		}
		if wk.dropped > 0 {
			res.repo.Warnings = append(res.repo.Warnings, fmt.Sprintf("%s: %d more warnings", res.repo.Path, wk.dropped))
		}
	}()
	fs := packFS{osfs.New(loc.gitDir)}
	oc := newObjectCache()
	wk.st = filesystem.NewStorageWithOptions(fs, oc, filesystem.Options{
		KeepDescriptors:      true,
		LargeObjectThreshold: largeObject,
		AlternatesFS:         osfs.New(string(filepath.Separator)),
	})
	defer wk.st.Close()
	var errs []error
	wk.objs, errs = openObjects(fs, wk.st, oc)
	defer wk.objs.close()
	for _, err := range errs {
		wk.corrupt("packfile %s", clean(err.Error()))
	}
	wk.walk()
	return res
}

func (wk *walker) warn(format string, args ...any) {
	if len(wk.res.repo.Warnings) >= maxWarnings {
		wk.dropped++
		return
	}
	wk.res.repo.Warnings = append(wk.res.repo.Warnings, wk.res.repo.Path+": "+fmt.Sprintf(format, args...))
}

// corrupt records an object that could not be read.
func (wk *walker) corrupt(format string, args ...any) {
	wk.res.repo.Corrupt = true
	wk.warn(format, args...)
}

func (wk *walker) walk() {
	if hashes, err := wk.st.Shallow(); err != nil {
		wk.corrupt("cannot read the shallow list: %s", clean(err.Error()))
	} else if len(hashes) > 0 {
		wk.res.repo.Shallow = true
		wk.shallow = map[plumbing.Hash]bool{}
		for _, h := range hashes {
			wk.shallow[h] = true
		}
		wk.warn("shallow clone: history stops where the clone does (git fetch --unshallow reads the rest)")
	}
	wk.readMailmap()
	for _, tip := range wk.tips() {
		wk.push(tip, nil)
	}
	cutoff, bounded := wk.w.cutoff()
	old := 0
	for popped := 0; wk.queue.Len() > 0; popped++ {
		if popped%1024 == 0 && wk.ctx.Err() != nil {
			return
		}
		c := heap.Pop(&wk.queue).(*queued)
		if bounded && c.order.Before(cutoff) {
			old++
			if old > Slop {
				return
			}
		} else {
			old = 0
		}
		wk.keep(c)
		if wk.shallow[c.hash] {
			continue
		}
		for _, p := range c.h.parents {
			wk.push(p, c)
		}
	}
}

// keep counts a commit when it is not a merge and its author time is in
// the window.
func (wk *walker) keep(c *queued) {
	if c.skip || c.h.parentCount > 1 || !wk.w.holds(c.h.author.when) {
		return
	}
	email := wk.mailmap.email(c.h.author.name, c.h.author.email)
	key := address(email)
	if wk.w.mine[key] {
		wk.res.repo.Mine++
		f := found{hash: c.hash, email: email, when: c.h.author.when}
		if wk.w.subjects {
			f.subject = wk.readSubject(c.hash)
		}
		wk.res.mine = append(wk.res.mine, f)
		return
	}
	wk.res.repo.Others++
	if len(wk.res.others) < 10000 {
		wk.res.others[key]++
	}
}

// push reads a commit and queues it, once. child is the commit that led
// to it, nil for a ref: its place in the walk when its own committer time
// cannot be read, and its name in a warning. A commit whose header is
// malformed is skipped, not counted, with a warning, and its parents that
// could be read are still walked: the history behind it is not lost.
func (wk *walker) push(hash plumbing.Hash, child *queued) {
	if wk.seen[hash] {
		return
	}
	wk.seen[hash] = true
	of := ""
	if child != nil {
		of = fmt.Sprintf(" (parent of %s)", child.hash)
	}
	h, err := wk.readCommit(hash)
	skip := false
	if err != nil {
		if len(h.parents) == 0 && !errors.Is(err, errHeader) {
			wk.corrupt("commit %s%s: %s", hash, of, clean(err.Error()))
			return
		}
		skip = true
		if len(h.parents) > 0 {
			wk.corrupt("commit %s%s skipped, its parents read: %s", hash, of, clean(err.Error()))
		} else {
			wk.corrupt("commit %s%s skipped: %s", hash, of, clean(err.Error()))
		}
	}
	wk.res.repo.Read++
	order := h.committer.when
	if order.IsZero() {
		// No committer time to place it by: where the commit that led to
		// it stands, or before everything for a ref.
		order = time.Unix(maxUnix, 0)
		if child != nil {
			order = child.order
		}
	}
	heap.Push(&wk.queue, &queued{hash: hash, h: h, order: order, skip: skip})
}

// readCommit reads a commit's header. With an error, the header holds
// the parents that could still be read (see [headerReader.read] and
// [walker.salvage]), if any.
func (wk *walker) readCommit(hash plumbing.Hash) (header, error) {
	obj, err := wk.objs.get(hash)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return header{}, errors.New("missing")
		}
		return wk.salvage(hash, err)
	}
	if obj.Type() != plumbing.CommitObject {
		return header{}, fmt.Errorf("a %s, not a commit", obj.Type())
	}
	r, err := wk.reader(hash, obj)
	if err != nil {
		return wk.salvage(hash, err)
	}
	defer r.Close()
	return wk.hr.read(r)
}

// reader opens a commit's content: a large one in a packfile through
// [objects.stream], so that one stored as a delta costs no more memory
// than one stored whole.
func (wk *walker) reader(hash plumbing.Hash, obj plumbing.EncodedObject) (io.ReadCloser, error) {
	if obj.Size() > largeObject {
		if r, ok, err := wk.objs.stream(hash); ok && err == nil {
			return r, nil
		}
	}
	return obj.Reader()
}

// salvage reads what it can of the header of the commit hash, which
// go-git could not read (cause), from the object as stored (see
// [objects.raw]): it returns cause, with the parents read before the
// damage. The commit is not counted (what was read of it may be damaged
// too); its parents are walked.
func (wk *walker) salvage(hash plumbing.Hash, cause error) (header, error) {
	r, err := wk.objs.raw(hash)
	if err != nil {
		return header{}, cause
	}
	defer r.Close()
	h, _ := wk.hr.read(r)
	return header{parents: h.parents, parentCount: h.parentCount}, cause
}

// readSubject reads the subject line of a commit already read once; ""
// when it cannot be read again.
func (wk *walker) readSubject(hash plumbing.Hash) string {
	obj, err := wk.objs.get(hash)
	if err != nil {
		return ""
	}
	r, err := wk.reader(hash, obj)
	if err != nil {
		return ""
	}
	defer r.Close()
	if _, err := wk.hr.read(r); err != nil {
		return ""
	}
	return clean(wk.hr.subject())
}

// tips are the commits every ref points to: local branches, remote-tracking
// branches, tags (annotated ones followed to their commit), HEAD and the
// HEAD of every linked worktree. Other refs (notes, stash, pull requests)
// are not work of the kind counted.
func (wk *walker) tips() []plumbing.Hash {
	var tips []plumbing.Hash
	add := func(name string, hash plumbing.Hash) {
		if c, ok := wk.peel(name, hash); ok {
			tips = append(tips, c)
		}
	}
	take := func(n plumbing.ReferenceName, hash plumbing.Hash) {
		if !(n.IsBranch() || n.IsRemote() || n.IsTag() || n == plumbing.HEAD) {
			return
		}
		if hash.IsZero() {
			// go-git reads a ref file that holds no hash as zeros.
			wk.corrupt("ref %s does not hold a hash", clean(n.String()))
			return
		}
		add(n.String(), hash)
	}
	// go-git refuses every ref when one line of packed-refs is bad: then
	// they are read by hand, the bad lines skipped.
	refs, err := wk.st.IterReferences()
	if err == nil {
		var all []*plumbing.Reference
		err = refs.ForEach(func(ref *plumbing.Reference) error {
			all = append(all, ref)
			return nil
		})
		if err == nil {
			for _, ref := range all {
				if ref.Type() == plumbing.HashReference {
					take(ref.Name(), ref.Hash())
				}
			}
		}
	}
	if err != nil {
		wk.refsByHand(err, take)
	}
	// The detached HEADs of linked worktrees live beside the common folder.
	entries, _ := os.ReadDir(filepath.Join(wk.loc.gitDir, "worktrees"))
	for _, e := range entries {
		data, err := readSmall(filepath.Join(wk.loc.gitDir, "worktrees", e.Name(), "HEAD"))
		if err != nil {
			continue
		}
		if hash, ok := parseHash([]byte(strings.TrimSpace(string(data)))); ok {
			add("worktree "+e.Name()+" HEAD", hash)
		}
	}
	return tips
}

// Bounds of reading refs by hand.
const (
	maxRefs       = 100000   // loose ref files read
	maxRefDepth   = 10       // folders below refs/
	maxPackedRefs = 64 << 20 // bytes of packed-refs read
)

// refsByHand reads the refs go-git could not (cause): HEAD, the loose refs
// under refs/ and each line of packed-refs that is a hash and a name, a
// loose ref winning over a packed one of the same name, as git reads them.
// A line that is neither is skipped and counted in a warning.
func (wk *walker) refsByHand(cause error, take func(plumbing.ReferenceName, plumbing.Hash)) {
	seen := map[string]bool{}
	count := 0
	var walk func(rel string, depth int)
	walk = func(rel string, depth int) {
		entries, _ := os.ReadDir(filepath.Join(wk.loc.gitDir, filepath.FromSlash(rel)))
		for _, e := range entries {
			if count >= maxRefs {
				return
			}
			name := rel + "/" + e.Name()
			if e.IsDir() {
				if depth < maxRefDepth {
					walk(name, depth+1)
				}
				continue
			}
			if !e.Type().IsRegular() {
				continue
			}
			count++
			seen[name] = true
			data, err := readSmall(filepath.Join(wk.loc.gitDir, filepath.FromSlash(name)))
			if err != nil {
				continue
			}
			line := strings.TrimSpace(string(data))
			if strings.HasPrefix(line, "ref:") {
				continue // a symbolic ref: its target is read for itself
			}
			hash, _ := parseHash([]byte(line))
			take(plumbing.ReferenceName(name), hash)
		}
	}
	if data, err := readSmall(filepath.Join(wk.loc.gitDir, "HEAD")); err == nil {
		if hash, ok := parseHash([]byte(strings.TrimSpace(string(data)))); ok {
			take(plumbing.HEAD, hash)
		}
	}
	walk("refs", 0)
	bad := 0
	if f, err := os.Open(filepath.Join(wk.loc.gitDir, "packed-refs")); err == nil {
		defer f.Close()
		br := bufio.NewReaderSize(io.LimitReader(f, maxPackedRefs), 4096)
		for {
			chunk, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				// A line too long to be a ref: skipped to its end.
				bad++
				for err == bufio.ErrBufferFull {
					_, err = br.ReadSlice('\n')
				}
				if err != nil {
					break
				}
				continue
			}
			if err != nil && len(chunk) == 0 {
				break
			}
			line := strings.TrimSuffix(string(chunk), "\n")
			if line == "" || line[0] == '#' || line[0] == '^' {
				continue
			}
			h, name, _ := strings.Cut(line, " ")
			hash, ok := parseHash([]byte(h))
			if !ok || !strings.HasPrefix(name, "refs/") || strings.ContainsAny(name, " \t") {
				bad++
				continue
			}
			if !seen[name] {
				seen[name] = true
				take(plumbing.ReferenceName(name), hash)
			}
		}
	}
	if bad > 0 {
		wk.corrupt("packed-refs: %d lines that are not a ref skipped", bad)
	} else {
		wk.corrupt("cannot read every ref: %s", clean(cause.Error()))
	}
}

// peel follows annotated tags to the commit they name; a ref to a tree or
// blob has no commit and is skipped.
func (wk *walker) peel(name string, hash plumbing.Hash) (plumbing.Hash, bool) {
	for range maxTagDepth {
		obj, err := wk.objs.get(hash)
		if err != nil {
			wk.corrupt("ref %s points to %s, which cannot be read: %s", clean(name), hash, clean(missing(err)))
			return plumbing.ZeroHash, false
		}
		switch obj.Type() {
		case plumbing.CommitObject:
			return hash, true
		case plumbing.TagObject:
			if obj.Size() > largeObject {
				wk.corrupt("ref %s: tag %s is larger than %d bytes", clean(name), hash, largeObject)
				return plumbing.ZeroHash, false
			}
			var tag object.Tag
			if err := tag.Decode(obj); err != nil {
				wk.corrupt("ref %s: tag %s: %s", clean(name), hash, clean(err.Error()))
				return plumbing.ZeroHash, false
			}
			hash = tag.Target
		default:
			return plumbing.ZeroHash, false
		}
	}
	wk.corrupt("ref %s: more than %d tags in a chain", clean(name), maxTagDepth)
	return plumbing.ZeroHash, false
}

func missing(err error) string {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return "missing"
	}
	return err.Error()
}

// readMailmap reads the .mailmap at the top of the work tree, or for a
// bare repository the one in HEAD's tree. A .mailmap that is a symbolic
// link is not followed, as git does not follow it.
func (wk *walker) readMailmap() {
	var data []byte
	if wk.loc.workTree != "" {
		name := filepath.Join(wk.loc.workTree, ".mailmap")
		info, err := os.Lstat(name)
		if err != nil || !info.Mode().IsRegular() {
			return
		}
		f, err := os.Open(name)
		if err != nil {
			wk.warn(".mailmap: %s", clean(err.Error()))
			return
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, maxMailmap))
		if err != nil {
			wk.warn(".mailmap: %s", clean(err.Error()))
			return
		}
	} else {
		data = wk.headMailmap()
		if data == nil {
			return
		}
	}
	wk.mailmap = parseMailmap(data)
	wk.res.repo.Mailmap = true
}

func (wk *walker) headMailmap() []byte {
	ref, err := storer.ResolveReference(wk.st, plumbing.HEAD)
	if err != nil {
		return nil
	}
	head, err := wk.readCommit(ref.Hash())
	if err != nil || head.tree.IsZero() {
		return nil
	}
	treeObj, err := wk.objs.get(head.tree)
	if err != nil || treeObj.Type() != plumbing.TreeObject || treeObj.Size() > largeObject {
		return nil
	}
	var tree object.Tree
	if err := tree.Decode(treeObj); err != nil {
		return nil
	}
	entry, err := tree.FindEntry(".mailmap")
	if err != nil || entry.Mode != filemode.Regular && entry.Mode != filemode.Executable {
		return nil
	}
	blob, err := wk.objs.get(entry.Hash)
	if err != nil || blob.Type() != plumbing.BlobObject {
		return nil
	}
	r, err := blob.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxMailmap))
	if err != nil {
		wk.warn(".mailmap in HEAD: %s", clean(err.Error()))
		return nil
	}
	return data
}

// queued is a commit read and waiting in the walk's queue.
type queued struct {
	hash plumbing.Hash
	h    header
	// order is the committer time, or for a commit without one, the
	// order of the commit that led to it.
	order time.Time
	// skip is set for a commit whose header is malformed: walked, not
	// counted.
	skip bool
}

// commitQueue pops the newest committer time first, as git's date-order
// walk does.
type commitQueue []*queued

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].order.After(q[j].order)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	n := len(old)
	x := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return x
}
