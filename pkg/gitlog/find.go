package gitlog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Limits of the search for repositories under a folder.
const (
	// DefaultDepth is how many folders below a given path are searched.
	DefaultDepth = 4
	// DefaultMaxDirs is how many folders one search visits at most.
	DefaultMaxDirs = 20000
	// maxGitFile is the most bytes read of a .git file, commondir or
	// gitdir file.
	maxGitFile = 4096
)

// ErrNoRepository is wrapped by the error for a path that holds no git
// repository.
var ErrNoRepository = errors.New("no git repository")

// location is one repository found on disk.
type location struct {
	// path is where it was found, for messages: the work tree, or the git
	// folder of a bare repository.
	path string
	// gitDir is the folder holding objects and refs (a linked worktree's
	// common folder).
	gitDir string
	// workTree is the top of the work tree, "" for a bare repository.
	workTree string
	bare     bool
}

// finder searches paths for repositories, within its limits.
type finder struct {
	depth, maxDirs int
	visited        int
	warnings       []string
	seen           map[string]bool // real git folders already found
	out            []location
}

// find returns the repositories at or under each path, each once (a work
// tree, its linked worktrees and a second path to the same folder all name
// one repository). A path that does not exist, or holds no repository at
// or under it, is an error naming it.
func find(ctx context.Context, paths []string, depth, maxDirs int) ([]location, []string, error) {
	f := &finder{depth: depth, maxDirs: maxDirs, seen: map[string]bool{}}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("git path %s: %w", clean(p), pathError(err))
		}
		if !info.IsDir() {
			return nil, nil, fmt.Errorf("git path %s: not a folder: %w", clean(p), ErrNoRepository)
		}
		before := len(f.out)
		found, err := f.add(p)
		if err != nil {
			return nil, nil, err
		}
		if !found {
			if err := f.search(ctx, p); err != nil {
				return nil, nil, err
			}
		}
		if len(f.out) == before && !found {
			if f.visited >= f.maxDirs {
				return nil, nil, fmt.Errorf("git path %s: %w in the first %d folders below it; name a folder closer to the repositories", clean(p), ErrNoRepository, f.maxDirs)
			}
			return nil, nil, fmt.Errorf("git path %s: %w at or below it (searched %d folders deep)", clean(p), ErrNoRepository, f.depth)
		}
	}
	return f.out, f.warnings, nil
}

// add records dir when it is a repository: a work tree with a .git folder
// or file, or a git folder itself (bare, or a .git folder named directly).
// It reports whether dir is one, even when the repository was already
// found through another path.
func (f *finder) add(dir string) (bool, error) {
	loc, ok, err := identify(dir)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, nil
	}
	real, err := filepath.EvalSymlinks(loc.gitDir)
	if err != nil {
		real = loc.gitDir
	}
	if !f.seen[real] {
		f.seen[real] = true
		f.out = append(f.out, loc)
		f.addModules(loc)
	}
	return true, nil
}

// addModules adds the submodules a repository keeps under its git folder
// (modules/NAME, nested as deep as they go within the depth), so a
// superproject brings its submodules without a walk of its work tree.
func (f *finder) addModules(loc location) {
	var walk func(dir string, level int)
	walk = func(dir string, level int) {
		if level > f.depth {
			return
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range entries {
			if !e.IsDir() || f.visited >= f.maxDirs {
				continue
			}
			f.visited++
			sub := filepath.Join(dir, e.Name())
			if isGitDir(sub) {
				real, err := filepath.EvalSymlinks(sub)
				if err != nil {
					real = sub
				}
				if !f.seen[real] {
					f.seen[real] = true
					f.out = append(f.out, location{path: sub, gitDir: sub, bare: true})
				}
				walk(filepath.Join(sub, "modules"), level+1)
				continue
			}
			// A submodule named a/b lives at modules/a/b.
			walk(sub, level+1)
		}
	}
	walk(filepath.Join(loc.gitDir, "modules"), 1)
}

// search walks the folders below root, breadth first, to the finder's
// depth. It does not enter hidden folders, vendor/ or node_modules/, nor
// the work tree of a repository it found (a submodule comes from its
// superproject's git folder instead). Symbolic links to folders are
// followed once each: a loop ends at a folder already seen. At most
// maxDirs folders are read; past that the search stops with a warning.
func (f *finder) search(ctx context.Context, root string) error {
	type item struct {
		dir   string
		level int
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	walked := map[string]bool{realRoot: true}
	queue := []item{{root, 0}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.visited >= f.maxDirs {
			f.warnings = append(f.warnings, fmt.Sprintf("git path %s: stopped searching after %d folders; name the repositories or a folder closer to them", clean(root), f.maxDirs))
			return nil
		}
		f.visited++
		entries, err := os.ReadDir(it.dir)
		if err != nil {
			if it.level > 0 {
				f.warnings = append(f.warnings, fmt.Sprintf("git path %s: skipped: %v", clean(it.dir), pathError(err)))
			}
			continue
		}
		if it.level >= f.depth {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") || name == "vendor" || name == "node_modules" {
				continue
			}
			sub := filepath.Join(it.dir, name)
			if e.Type()&fs.ModeSymlink != 0 {
				info, err := os.Stat(sub)
				if err != nil || !info.IsDir() {
					continue
				}
			} else if !e.IsDir() {
				continue
			}
			real, err := filepath.EvalSymlinks(sub)
			if err != nil || walked[real] {
				continue
			}
			walked[real] = true
			found, err := f.add(sub)
			if err != nil {
				f.warnings = append(f.warnings, err.Error())
				continue
			}
			if !found {
				queue = append(queue, item{sub, it.level + 1})
			}
		}
	}
	return nil
}

// identify tells whether dir is a repository and where its parts are.
func identify(dir string) (location, bool, error) {
	dotGit := filepath.Join(dir, ".git")
	info, err := os.Lstat(dotGit)
	switch {
	case err == nil && info.IsDir():
		if !isGitDir(dotGit) {
			return location{}, false, fmt.Errorf("git path %s: .git is not a git folder: %w", clean(dir), ErrNoRepository)
		}
		return location{path: dir, gitDir: dotGit, workTree: dir}, true, nil
	case err == nil && info.Mode().IsRegular():
		gitDir, err := readGitFile(dotGit)
		if err != nil {
			return location{}, false, fmt.Errorf("git path %s: %w", clean(dir), err)
		}
		common := commonDir(gitDir)
		if !isGitDir(common) {
			return location{}, false, fmt.Errorf("git path %s: .git names %s, which is not a git folder: %w", clean(dir), clean(gitDir), ErrNoRepository)
		}
		return location{path: dir, gitDir: common, workTree: dir}, true, nil
	}
	if isGitDir(dir) {
		common := commonDir(dir)
		loc := location{path: dir, gitDir: common, bare: true}
		// A .git folder named directly reads as its work tree.
		if filepath.Base(dir) == ".git" {
			loc.bare = false
			loc.workTree = filepath.Dir(dir)
		}
		return loc, true, nil
	}
	return location{}, false, nil
}

// readGitFile reads a .git file ("gitdir: PATH"), as a linked worktree or a
// submodule has; a relative PATH is relative to the file's folder.
func readGitFile(name string) (string, error) {
	data, err := readSmall(name)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return "", fmt.Errorf(".git file does not start with gitdir: %w", ErrNoRepository)
	}
	p := strings.TrimSpace(rest)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(name), p)
	}
	return filepath.Clean(p), nil
}

// commonDir follows a linked worktree's git folder to the repository's
// common one (its commondir file); any other folder is its own.
func commonDir(gitDir string) string {
	data, err := readSmall(filepath.Join(gitDir, "commondir"))
	if err != nil {
		return gitDir
	}
	p := strings.TrimSpace(string(data))
	if p == "" {
		return gitDir
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(gitDir, p)
	}
	return filepath.Clean(p)
}

// isGitDir reports whether dir looks like a git folder: a HEAD file and an
// objects folder (or a commondir pointing to them), as git checks.
func isGitDir(dir string) bool {
	head, err := os.Stat(filepath.Join(dir, "HEAD"))
	if err != nil || !head.Mode().IsRegular() {
		return false
	}
	objects, err := os.Stat(filepath.Join(commonDir(dir), "objects"))
	return err == nil && objects.IsDir()
}

// readSmall reads a file of at most maxGitFile bytes.
func readSmall(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, maxGitFile+1)
	n, err := f.Read(buf)
	if err != nil && n == 0 {
		return nil, err
	}
	if n > maxGitFile {
		return nil, fmt.Errorf("%s is longer than %d bytes", clean(name), maxGitFile)
	}
	return buf[:n], nil
}

// pathError is the reason inside a *fs.PathError ("no such file or
// directory"), whose path the message names already, cleaned.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
