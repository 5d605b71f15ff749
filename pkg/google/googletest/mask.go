package googletest

import (
	"fmt"
	"strings"
)

// mask is a parsed partial-response fields mask: each named member maps to
// the mask of its own members, nil meaning the whole member.
type mask map[string]mask

// parseMask reads a fields mask: "a,b(c,d/e),f/g".
func parseMask(s string) (mask, error) {
	p := &maskParser{s: s}
	m, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("invalid fields mask %q at %d", s, p.i)
	}
	return m, nil
}

type maskParser struct {
	s string
	i int
}

func (p *maskParser) list() (mask, error) {
	m := mask{}
	for {
		if err := p.elem(m); err != nil {
			return nil, err
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return m, nil
	}
}

func (p *maskParser) elem(m mask) error {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",()/", rune(p.s[p.i])) {
		p.i++
	}
	name := strings.TrimSpace(p.s[start:p.i])
	if name == "" {
		return fmt.Errorf("invalid fields mask %q at %d", p.s, start)
	}
	if p.i < len(p.s) && p.s[p.i] == '/' {
		p.i++
		sub := mask{}
		if err := p.elem(sub); err != nil {
			return err
		}
		merge(m, name, sub)
		return nil
	}
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		sub, err := p.list()
		if err != nil {
			return err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return fmt.Errorf("invalid fields mask %q: missing )", p.s)
		}
		p.i++
		merge(m, name, sub)
		return nil
	}
	m[name] = nil
	return nil
}

func merge(m mask, name string, sub mask) {
	old, ok := m[name]
	switch {
	case !ok:
		m[name] = sub
	case old == nil:
		// already whole
	default:
		for k, v := range sub {
			merge(old, k, v)
		}
	}
}

// apply keeps only what m names of a decoded JSON value.
func (m mask) apply(v any) any {
	if m == nil {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range m {
			if x, ok := v[k]; ok {
				out[k] = sub.apply(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = m.apply(x)
		}
		return out
	}
	return v
}
