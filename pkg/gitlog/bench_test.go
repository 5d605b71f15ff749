package gitlog

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Benchmarks of reading history, on repositories that git fast-import
// builds from a generated stream (far faster than go-git's API for this
// many commits). They need the git binary, only to build the fixtures;
// without it they are skipped. The tests do not need it.
//
//	go test ./pkg/gitlog -run '^$' -bench . -benchtime 3x
//	go test ./pkg/gitlog -run '^$' -bench Large -gitlog.large 1000000 -benchtime 1x -timeout 60m

var (
	largeCommits = flag.Int("gitlog.large", 200000, "commits in the large benchmark repository")
	fixtures     = flag.String("gitlog.fixtures", "", "keep the benchmark repositories in this folder and reuse them")
)

// fixtureDir is where a benchmark builds its repositories: a fresh
// temporary folder, or the -gitlog.fixtures folder, where a repository
// already built is reused (build reports whether to build).
func fixtureDir(b *testing.B, name string) (dir string, build bool) {
	if *fixtures == "" {
		return filepath.Join(b.TempDir(), name), true
	}
	dir = filepath.Join(*fixtures, name)
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir, false
	}
	os.RemoveAll(dir)
	return dir, true
}

// markBuilt records that a fixture folder is complete.
func markBuilt(b *testing.B, dir string) {
	if *fixtures != "" {
		if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuClock measures the processor time the benchmark's process spends
// (user and system), which a busy machine disturbs far less than the
// wall clock; for the git binary it adds the children's.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{cpuTime()} }

func (c cpuClock) report(b *testing.B, commits int) {
	b.ReportMetric(float64((cpuTime()-c.start).Nanoseconds())/float64(b.N)/float64(commits), "cpu-ns/commit")
}

// benchStart is the author time of the fixtures' first commit.
var benchStart = time.Date(2020, 1, 6, 9, 0, 0, 0, time.UTC)

// fastImport builds a repository of n commits on main at dir, one every
// ten minutes from benchStart, a third of them by me@example.com, each
// changing one of 50 files, then packs it as git gc would (with a
// commit-graph).
func fastImport(tb testing.TB, dir string, n int, bare bool) {
	fastImportStream(tb, dir, bare, func(w io.Writer) error { return writeStream(w, n, filepath.Base(dir)) })
	run(tb, dir, "git", "gc", "--quiet")
}

// fastImportStream builds a repository at dir from the stream write writes.
func fastImportStream(tb testing.TB, dir string, bare bool, write func(io.Writer) error) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("git is not installed: the benchmark fixtures are built with git fast-import")
	}
	args := []string{"init", "-q"}
	if bare {
		args = append(args, "--bare")
	}
	run(tb, "", "git", append(args, dir)...)
	cmd := exec.Command("git", "-C", dir, "fast-import", "--quiet")
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	if err := write(in); err != nil {
		tb.Fatal(err)
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		tb.Fatalf("git fast-import: %v", err)
	}
}

// writeStream writes n commits; name goes into every message, so two
// repositories of other names share no commit.
func writeStream(out io.Writer, n int, name string) error {
	w := bufio.NewWriterSize(out, 1<<20)
	emails := []string{"me@example.com", "other@example.com", "third@example.com"}
	t0 := benchStart.Unix()
	for i := 1; i <= n; i++ {
		ts := t0 + int64(i-1)*600
		msg := fmt.Sprintf("Change %d in %s\n\nA body for change number %d.\n", i, name, i)
		content := fmt.Sprintf("line %d\n", i)
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor A <%s> %d +0000\ncommitter C <c@example.com> %d +0000\ndata %d\n%s",
			i, emails[i%3], ts, ts, len(msg), msg)
		if i > 1 {
			fmt.Fprintf(w, "from :%d\n", i-1)
		}
		fmt.Fprintf(w, "M 644 inline f%d.txt\ndata %d\n%s\n", i%50, len(content), content)
	}
	return w.Flush()
}

func run(tb testing.TB, dir, name string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// BenchmarkRead20Repos reads 100,000 commits in 20 repositories of 5,000,
// the whole history of each (no window).
func BenchmarkRead20Repos(b *testing.B) {
	root, build := fixtureDir(b, "20repos")
	if build {
		for i := range 20 {
			fastImport(b, filepath.Join(root, "repo"+strconv.Itoa(i)), 5000, false)
		}
		markBuilt(b, root)
	}
	opts := Options{Paths: []string{root}, Authors: []string{"me@example.com"}}
	clock := startCPU()
	for b.Loop() {
		h, err := Read(context.Background(), opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(h.Repos) != 20 || len(h.Commits) < 33000 {
			b.Fatalf("read %d repositories, %d commits of mine", len(h.Repos), len(h.Commits))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/commit")
	clock.report(b, 100000)
}

// largeRepo builds the large fixture once per run of the benchmarks.
func largeRepo(b *testing.B) string {
	dir, build := fixtureDir(b, "large"+strconv.Itoa(*largeCommits)+".git")
	if build {
		fastImport(b, dir, *largeCommits, true)
		markBuilt(b, dir)
	}
	return dir
}

// BenchmarkLarge compares, on one large repository, reading every commit
// with Read, reading only a four-week window at its end, and the git
// binary's `git log --all --format=%ae%x09%at`.
func BenchmarkLarge(b *testing.B) {
	dir := largeRepo(b)
	n := *largeCommits
	end := benchStart.Add(time.Duration(n) * 10 * time.Minute)
	b.Run("gitlog-all", func(b *testing.B) {
		opts := Options{Paths: []string{dir}, Authors: []string{"me@example.com"}}
		clock := startCPU()
		for b.Loop() {
			h, err := Read(context.Background(), opts)
			if err != nil {
				b.Fatal(err)
			}
			if h.Repos[0].Read != n {
				b.Fatalf("read %d commits, want %d", h.Repos[0].Read, n)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/commit")
		clock.report(b, n)
	})
	b.Run("gitlog-4weeks", func(b *testing.B) {
		opts := Options{Paths: []string{dir}, Authors: []string{"me@example.com"}, From: end.Add(-28 * 24 * time.Hour), To: end}
		for b.Loop() {
			h, err := Read(context.Background(), opts)
			if err != nil {
				b.Fatal(err)
			}
			// Four weeks, the gap and the slack before them, one commit
			// every ten minutes, then Slop commits more.
			if most := int((28*24*time.Hour+DefaultGap+Slack)/(10*time.Minute)) + Slop + 2; h.Repos[0].Read > most {
				b.Fatalf("read %d commits for a four-week window, want at most %d", h.Repos[0].Read, most)
			}
		}
	})
	b.Run("git-log-all", func(b *testing.B) {
		clock := startCPU()
		for b.Loop() {
			cmd := exec.Command("git", "-C", dir, "log", "--all", "--format=%ae%x09%at")
			out, err := cmd.StdoutPipe()
			if err != nil {
				b.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			lines := 0
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines++
			}
			if err := cmd.Wait(); err != nil || lines != n {
				b.Fatalf("git log: %d lines, %v", lines, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/commit")
		clock.report(b, n)
	})
}
