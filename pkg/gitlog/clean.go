package gitlog

import (
	"strings"
	"unicode"

	"github.com/emtime/emtime/pkg/textsafe"
)

// maxText is the most runes kept of any one string read from a repository
// (a path, an address, a ref name, a subject) before it goes into a
// message.
const maxText = 200

// clean makes a string read from a repository safe to print: escape
// sequences are removed whole and other control characters dropped, as
// [textsafe.Line] does (a line break or a tab becomes a space, invalid
// UTF-8 becomes U+FFFD), and anything past maxText runes is cut with an
// ellipsis.
func clean(s string) string {
	s = textsafe.Line(s)
	n := 0
	for i := range s {
		if n == maxText {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// address is the form of an author address that is matched against my
// addresses and named in a hint: what a terminal shows of it, which is what
// a user can type. It is cleaned as [clean] cleans, trimmed and
// lower-cased, but not cut.
func address(s string) string {
	return strings.ToLower(strings.TrimSpace(textsafe.Line(s)))
}

// maxAddress is the longest address --git-author takes (RFC 5321's
// limit, as the flag checks it).
const maxAddress = 254

// suggest returns addr as a hint can name it for --git-author: as it is, or
// quoted for a shell when it holds a space or a character a shell would
// take for its own. False when the flag would refuse it (no '@', or longer
// than maxAddress bytes): a hint names no address that cannot be given
// back.
func suggest(addr string) (string, bool) {
	if !strings.Contains(addr, "@") || len(addr) > maxAddress {
		return "", false
	}
	plain := strings.IndexFunc(addr, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("@._+-=%,:/", r)
	}) < 0
	if plain {
		return addr, true
	}
	return "'" + strings.ReplaceAll(addr, "'", `'\''`) + "'", true
}
