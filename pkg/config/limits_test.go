package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// allocated is the number of bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// budget is the most a config file of up to MaxSize may cost to read, in
// bytes allocated. The YAML library alone allocates about 100 MB to read
// a megabyte of dense YAML (a mapping of 150,000 keys) into its tree.
const budget = 200 << 20

// TestAliasesCannotMultiplyTheWork reads files whose aliases would have
// the walk visit, and report, far more than they hold — a few kilobytes
// asking for a million mistakes, and the classic "billion laughs" — and
// checks that each is rejected with one clear mistake, a bounded number of
// lines and bounded memory.
func TestAliasesCannotMultiplyTheWork(t *testing.T) {
	fanOut := func(keys, aliases int) string {
		var b strings.Builder
		b.WriteString("rule: &r {" + strings.Repeat("k: 1, ", keys) + "name: x}\ncategories: [")
		b.WriteString(strings.TrimSuffix(strings.Repeat("*r,", aliases), ",") + "]\n")
		return b.String()
	}
	laughs := func(levels int) string {
		var b strings.Builder
		b.WriteString(`lol0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
		for i := 1; i < levels; i++ {
			fmt.Fprintf(&b, "lol%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10), ","))
		}
		fmt.Fprintf(&b, "keywords:\n  focus: *l%d\ncategories: [{name: x, title: *l%d}]\n", levels-1, levels-1)
		return b.String()
	}
	tests := []struct {
		name, data string
		want       string
	}{
		{"a list of aliases to a mapping of many keys", fanOut(1000, maxRules), "aliases (*name) repeat more values"},
		{"the same, nearly a megabyte of it", fanOut(150000, maxRules), "aliases (*name) repeat more values"},
		{"billion laughs", laughs(9), "want a list of strings, got a list in it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.data) > MaxSize {
				t.Fatalf("the file is %d bytes, over MaxSize", len(tt.data))
			}
			var err error
			n := allocated(func() { _, err = Parse("laughs.yaml", []byte(tt.data)) })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			// The mistakes told one by one, the stop, the count of the rest.
			if lines := strings.Count(err.Error(), "\n") + 1; lines > maxProblems+2 {
				t.Errorf("%d lines of mistakes, want at most %d", lines, maxProblems+2)
			}
			if n > budget {
				t.Errorf("reading %d bytes allocated %d MB, over the budget of %d MB", len(tt.data), n>>20, budget>>20)
			}
		})
	}
}

// TestAliasesStillWork checks that the ordinary use of an alias, the same
// hours on several days, reads as it did.
func TestAliasesStillWork(t *testing.T) {
	f, err := Parse("a.yaml", []byte("work_hours:\n  mon: &h \"08:00-16:00\"\n  tue: *h\n  wed: *h\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.WorkHours[2].String() != "08:00-16:00" || f.WorkHours[3].String() != "08:00-16:00" {
		t.Errorf("work hours %v", f.WorkHours)
	}
}

func TestManyMistakesAreCounted(t *testing.T) {
	var b strings.Builder
	for i := range maxProblems + 12 {
		fmt.Fprintf(&b, "colour%d: red\n", i)
	}
	_, err := Parse("many.yaml", []byte(b.String()))
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxProblems+1 || lines[len(lines)-1] != "many.yaml: and 12 more mistakes" {
		t.Errorf("%d lines, the last %q; want %d and the count of the rest", len(lines), lines[len(lines)-1], maxProblems+1)
	}
}

// TestLargeFileIsRefused checks the size cap: a file of MaxSize bytes is
// read, one byte more is a mistake of the file, and Load reads no more
// than that of anything it is pointed at.
func TestLargeFileIsRefused(t *testing.T) {
	comments := func(n int) []byte {
		line := "# " + strings.Repeat("x", 61) + "\n"
		s := strings.Repeat(line, n/len(line)+1)
		return []byte(s[:n-1] + "\n")
	}
	if _, err := Parse("big.yaml", comments(MaxSize)); err != nil {
		t.Errorf("a file of MaxSize bytes: %v", err)
	}
	_, err := Parse("big.yaml", comments(MaxSize+1))
	if !IsError(err) || err.Error() != "big.yaml: larger than a config file can be (1048576 bytes at most): is it the right file?" {
		t.Errorf("a file of MaxSize+1 bytes: %v", err)
	}

	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, comments(3*MaxSize), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); !IsError(err) || !strings.Contains(err.Error(), "larger than a config file can be") {
		t.Errorf("Load of a large file: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		// An endless file: Load must stop reading it.
		var err error
		if n := allocated(func() { _, err = Load("/dev/zero") }); n > budget {
			t.Errorf("Load(/dev/zero) allocated %d MB", n>>20)
		}
		if !IsError(err) {
			t.Errorf("Load(/dev/zero): %v", err)
		}
	}
	if _, err := Load(t.TempDir()); err == nil || errors.Is(err, os.ErrNotExist) || IsError(err) {
		t.Errorf("Load of a folder: %v", err)
	}
}

func TestLongListsAreRefused(t *testing.T) {
	list := func(n int, item string) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(item, i)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	rules := strings.Repeat("  - name: x\n    max_people: 2\n", maxRules+1)
	tests := []struct{ data, want string }{
		{"me: " + list(maxAddresses+1, "me%d@example.com"), "1: me: 101 addresses; at most 100"},
		{"calendars: " + list(maxCalendars+1, "c%d"), "1: calendars: 101 calendars; at most 100"},
		{"keywords:\n  focus: " + list(maxKeywords+1, "w%d"), "2: keywords.focus: 1001 keywords; at most 1000"},
		{"categories:\n" + rules, "2: categories: 201 rules; at most 200"},
		{"categories:\n  - name: x\n    title: " + strings.Repeat("a", maxPattern+1) + "\n", "3: categories[1].title: the pattern is 1001 bytes long; at most 1000"},
		{"me: " + strings.Repeat("a", 250) + "@example.com\n", `1: me: "` + strings.Repeat("a", 250) + `@example.com" is not an e-mail address`},
	}
	for _, tt := range tests {
		_, err := Parse("long.yaml", []byte(tt.data))
		if err == nil || err.Error() != "long.yaml:"+tt.want {
			t.Errorf("error %v, want long.yaml:%s", err, tt.want)
		}
	}
	// The longest lists allowed are read.
	ok := "me: " + list(maxAddresses, "me%d@example.com") + "\nkeywords:\n  focus: " + list(maxKeywords, "w%d") +
		"\ncategories:\n" + strings.Repeat("  - name: x\n    max_people: 2\n", maxRules)
	if _, err := Parse("long.yaml", []byte(ok)); err != nil {
		t.Errorf("the longest lists: %v", err)
	}
}
