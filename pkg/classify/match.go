package classify

import (
	"strings"
	"unicode"
)

// A matcher finds keywords in a title as whole words or phrases, so "PTO"
// matches "PTO (Fri)" but "leave" does not match "cleaver".
type matcher struct {
	// phrases are normalized: lower case, words separated by one space;
	// padded are the same between spaces, as they are looked for.
	phrases, padded []string
}

func newMatcher(keywords []string) matcher {
	m := matcher{}
	for _, k := range keywords {
		if n := normalize(k); n != "" {
			m.phrases = append(m.phrases, n)
			m.padded = append(m.padded, " "+n+" ")
		}
	}
	return m
}

// find reports the first keyword found in words, which must be normalized.
func (m matcher) find(words string) (string, bool) {
	if words == "" {
		return "", false
	}
	padded := " " + words + " "
	for i, p := range m.padded {
		if strings.Contains(padded, p) {
			return m.phrases[i], true
		}
	}
	return "", false
}

// normalize lower-cases s and turns every run of non-letters and non-digits
// into a single space.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
