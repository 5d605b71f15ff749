package gitlog

import "testing"

func TestMailmap(t *testing.T) {
	const file = `# comments and blank lines are skipped

Proper Name <same@example.com>
<proper@example.com> <Commit@Example.com>
Proper Name <named@example.com> <alias@example.com>   # a comment after
Proper Name <only-as-sam@example.com> Sam <shared@example.com>
Proper Name <as-anyone@example.com> <shared@example.com>
<first@example.com> <twice@example.com>
<second@example.com> <twice@example.com>
a line that is no mapping
<broken@example.com <x@example.com>
`
	m := parseMailmap([]byte(file))
	tests := []struct {
		name, email, want string
	}{
		{"Anyone", "same@example.com", "same@example.com"},         // a name alone changes no address
		{"Anyone", "commit@example.com", "proper@example.com"},     // case does not matter
		{"Anyone", "COMMIT@EXAMPLE.COM", "proper@example.com"},     //
		{"Anyone", "alias@example.com", "named@example.com"},       // name and address
		{"Sam", "shared@example.com", "only-as-sam@example.com"},   // the commit's name picks the line
		{"SAM", "shared@example.com", "only-as-sam@example.com"},   //
		{"Alex", "shared@example.com", "as-anyone@example.com"},    // another name: the line for any name
		{"Anyone", "twice@example.com", "second@example.com"},      // the later line wins
		{"Anyone", "unmapped@example.com", "unmapped@example.com"}, //
		{"Anyone", "x@example.com", "x@example.com"},               // a broken line maps nothing
	}
	for _, tt := range tests {
		if got := m.email(tt.name, tt.email); got != tt.want {
			t.Errorf("email(%q, %q) = %q, want %q", tt.name, tt.email, got, tt.want)
		}
	}
	var none *mailmap
	if got := none.email("A", "a@example.com"); got != "a@example.com" {
		t.Errorf("no mailmap changed the address to %q", got)
	}
}

func TestClean(t *testing.T) {
	long := ""
	for range 300 {
		long += "é"
	}
	tests := []struct{ in, want string }{
		{"plain@example.com", "plain@example.com"},
		{"a\x1b[31mred\x1b[0m", "ared"},
		{"ansi subject \x1b[31mRED\x1b]8;;http://e\x07L\x1b]8;;\x07 \u009b2J\u202e", "ansi subject REDL "},
		{"title\x1b]0;PWN\x1b\\ ok", "title ok"},
		{"line\nbreak\r\ttab\u2028sep", "line break  tab sep"},
		{"bidi\u202eevil", "bidievil"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{long, long[:2*maxText] + "…"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
