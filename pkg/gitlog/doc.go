// Package gitlog reads my own commits from the git repositories on this
// machine and turns them into coding sessions: the git-history source of
// the coding signal, beside the calendar sources. It is named for what it
// reads, the log of commits, and like a calendar source it knows nothing
// of working hours, weeks or verdicts: it returns commits and sessions in
// absolute time, and prints nothing.
//
// # Repositories
//
// [Read] takes paths (--git). A path may be a work tree (with a .git
// folder, or the .git file of a linked worktree or a submodule), a git
// folder itself (a bare repository, or a .git folder named directly), or a
// folder searched for repositories [DefaultDepth] levels below it. The
// search skips hidden folders, vendor/ and node_modules/; it does not walk
// a repository's work tree, but takes the submodules its git folder keeps
// under modules/. Symbolic links to folders are followed, each real folder
// once, so a loop ends; at most [DefaultMaxDirs] folders are visited, and
// past that the search stops with a warning. A repository found through
// several paths (a work tree and its linked worktrees, a link) is read
// once. A path that does not exist or holds no repository is an error
// naming it.
//
// # Commits
//
// Every local branch, remote-tracking branch and tag (annotated tags
// followed to their commit) is read, and HEAD and the HEAD of every linked
// worktree (detached ones included); notes, the stash and other refs are
// not work and are not read. Replace refs (refs/replace/) and grafts are
// not honoured: history is read as its commits record it, so neither can
// make it loop. A commit counts once by hash however many refs and
// repositories hold it (clones and forks share hashes). A commit
// is mine when its author address, after the repository's .mailmap (the
// one at the top of the work tree; for a bare repository the one in HEAD's
// tree; the four line forms of gitmailmap(5)), is one of [Options.Authors],
// compared without regard to case. Its time is the author time: a rebase
// changes the committer time, not when the work was done. Merge commits
// (more than one parent) are not work and never count.
//
// Only the commits whose author time falls in [From − gap, To + max(gap,
// lead)) are kept: the coding time inside [From, To) depends on no other
// (a test checks this on random histories). An earlier commit cannot join
// a session reaching into the window without a commit of its own in the
// first gap before it; a later one reaches back into the window only by its
// gap or its lead.
//
// # How far back a walk goes
//
// A repository's history is walked newest committer time first, as git's
// date order walks. Committer time is at least the author time for almost
// every commit (git stamps it when the commit is written; a rebase, a
// cherry-pick or an amend keep the older author time), but clocks of
// different machines disagree and nothing enforces it. So the walk stops
// only after [Slop] commits in a row whose committer time is before
// From − gap − [Slack] (a day): a commit whose author time is in the window
// is missed only when it sits behind more than a hundred consecutive
// commits stamped more than a day before the window, which takes a clock
// wrong by more than a day. With no From the whole history is read.
//
// # Hostile repositories
//
// A repository is input from outside. Work is bounded: each commit is read
// once (a commit that names its own descendant as a parent, as a replaced
// or forged object can, ends the walk there), only a commit's header is
// read (at most 1 MiB; a gigabyte of message costs nothing, and objects
// over 1 MiB are streamed, not loaded), tag chains end after ten tags, a
// .mailmap is read up to 1 MiB. A corrupt or missing object, a packfile
// that will not open, a ref pointing nowhere or a panic inside go-git
// marks the repository corrupt and adds a warning; the rest is read as far
// as it goes. A commit whose header is malformed (a time out of range or
// missing, a parent line that is no hash, a header past 1 MiB) is skipped,
// not counted, with a warning naming it, and the parents it names on good
// lines are still walked, as git log walks past it: one bad commit does not
// hide the history behind it. Without a committer time it takes its place
// in the walk from the commit that led to it. A commit go-git refuses
// whole, its stored bytes damaged (a packfile or a loose object corrupt
// after the header, a checksum that fails), has its header read from the
// object as stored, at most 2 MiB of it, and is treated the same way:
// skipped, not counted (what was read of it may be damaged too), its
// parents walked. Before go-git reads an object from a pack, the chain of
// deltas it is stored as is followed to its end, at most 10,000 deep:
// go-git resolves a delta by recursion with no bound, and two deltas each
// the other's base ran it out of stack, which ends the program (a test
// holds this). One bad line of packed-refs makes go-git refuse every
// ref; then the refs are read by hand (HEAD, at most 100,000 loose refs,
// 64 MiB of packed-refs), each good one kept and the bad lines counted in
// one warning. A shallow clone is read to where it stops, with a warning.
// Every string that comes from a repository (paths, addresses, ref names,
// subjects) goes through [textsafe.Line] before it reaches a message:
// escape sequences are taken out whole, not just their ESC, and other
// control characters dropped. An author address is matched in that form,
// the one a terminal shows and a user can type, and a hint names an
// address only in that form.
//
// # Reading: go-git, measured
//
// History is read with github.com/go-git/go-git/v5, without a git binary.
// Two small layers under it were measured to matter on a walk of every
// commit, and are in pack.go: packfiles are read through a read-ahead
// window (go-git seeks, and its buffer starts over, before every object:
// two system calls a commit), and objects are asked of each packfile by
// hash (go-git's storage maps each object's offset back to its hash, and
// builds that map for the whole pack on first use: 0.6 s on a pack of three
// million objects, for a walk of a few thousand commits). Commits are not
// kept in go-git's object cache, which hashes everything put in it. Only
// the commit header is parsed, by a parser of our own (commit.go): go-git's
// commit decoder reads the whole message into memory. A commit over 1 MiB
// stored in a pack as a delta is streamed with its bases (stream.go):
// go-git loads a delta's base whole, so a 30 MB commit stored as a delta
// took 344 MB of allocations to read for its header and subject; streamed,
// under 8 MiB (a test holds it there). On a 50 MB one built by git: 0.28 s
// and 24 MB of memory, against 2.95 s and 178 MB before (git log: 3.5 s,
// 160 MB).
//
// Measured on this project's 2-core machine (go test ./pkg/gitlog -run '^$'
// -bench . -benchtime 3x -gitlog.large 1000000), on repositories built by
// git fast-import and packed by git gc, one commit every ten minutes, each
// changing a file:
//
//	100,000 commits in 20 repositories, whole history    0.76 s (target: 2 s)
//	1,000,000 commits, whole history                    12.6 s, 13 µs of CPU a commit, 565 MB
//	  git log --all --format=%ae%x09%at on the same     12.4 s (8.5 s on a quiet machine), 418 MB
//	1,000,000 commits, a four-week window               0.16 s (4,300 commits read)
//
// So go-git, with the layers above, reads a whole history about as fast as
// the git binary (1.0 to 1.5 times its time; the target was at most 3),
// and needs no git installed. Without them the same walk through go-git's
// storage and commit decoder took 28 to 31 s of CPU against git's 9.5 to
// 11 s, and the four-week window 0.82 s, most of it the reverse map.
//
// The commit-graph file is not used: it holds parents and committer times
// but not the author's address and time, so every commit kept must be read
// from the pack anyway, and the walk above already stops within [Slop]
// commits of the window. What remains of a window's cost is go-git loading
// the pack index whole (0.15 s for three million objects).
package gitlog
