package gitlog

import (
	"bufio"
	"bytes"
	"strings"
)

// maxMailmap is the most bytes of a .mailmap read; the rest is ignored with
// a warning.
const maxMailmap = 1 << 20

// mailmap maps the address a commit was written with to the person's proper
// address, as git-check-mailmap(1) does. Only addresses matter here: a line
// that gives a proper name alone leaves the address as it is.
type mailmap struct {
	// byEmail holds, per commit address (lower-cased), the proper address
	// for any name ("" key) and for given commit names (lower-cased).
	byEmail map[string]map[string]string
}

// parseMailmap reads the four line forms of gitmailmap(5):
//
//	Proper Name <commit@email>
//	<proper@email> <commit@email>
//	Proper Name <proper@email> <commit@email>
//	Proper Name <proper@email> Commit Name <commit@email>
//
// A '#' starts a comment; lines that are none of these are skipped, as git
// skips them. Addresses and names compare without regard to case.
func parseMailmap(data []byte) *mailmap {
	m := &mailmap{byEmail: map[string]map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxMailmap)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		var names, emails []string
		rest := line
		for len(emails) < 2 {
			lt := strings.IndexByte(rest, '<')
			if lt < 0 {
				break
			}
			gt := strings.IndexByte(rest[lt:], '>')
			if gt < 0 {
				break
			}
			names = append(names, strings.TrimSpace(rest[:lt]))
			emails = append(emails, strings.TrimSpace(rest[lt+1:lt+gt]))
			rest = rest[lt+gt+1:]
		}
		switch len(emails) {
		case 1:
			// Proper Name <commit@email>: the address stays; nothing to
			// record for addresses.
		case 2:
			proper, commit := emails[0], emails[1]
			if proper == "" || commit == "" {
				continue
			}
			key := strings.ToLower(commit)
			if m.byEmail[key] == nil {
				m.byEmail[key] = map[string]string{}
			}
			// Later lines win, as in git.
			m.byEmail[key][strings.ToLower(names[1])] = proper
		}
	}
	return m
}

// email returns the proper address for a commit's name and address.
func (m *mailmap) email(name, email string) string {
	if m == nil {
		return email
	}
	byName := m.byEmail[strings.ToLower(email)]
	if byName == nil {
		return email
	}
	if p, ok := byName[strings.ToLower(name)]; ok && name != "" {
		return p
	}
	if p, ok := byName[""]; ok {
		return p
	}
	return email
}
