package analyze

import (
	"slices"
	"time"
)

// An interval is [a, b) in whole minutes since the Unix epoch. All
// accounting is done in whole minutes, so that the parts of a day always
// add up to the day exactly.
type interval struct{ a, b int64 }

func (iv interval) len() int64 { return iv.b - iv.a }

// minuteOf rounds t to the nearest minute.
func minuteOf(t time.Time) int64 { return t.Round(time.Minute).Unix() / 60 }

// timeOf is the inverse of minuteOf.
func timeOf(m int64, loc *time.Location) time.Time { return time.Unix(m*60, 0).In(loc) }

// A set is a sorted list of disjoint, non-adjacent, non-empty intervals.
type set []interval

// union builds a set from intervals in any order; empty ones are dropped.
// It reorders ivs.
func union(ivs []interval) set {
	slices.SortFunc(ivs, func(x, y interval) int {
		switch {
		case x.a < y.a:
			return -1
		case x.a > y.a:
			return 1
		}
		return 0
	})
	var s set
	for _, iv := range ivs {
		if iv.len() <= 0 {
			continue
		}
		if n := len(s); n > 0 && iv.a <= s[n-1].b {
			s[n-1].b = max(s[n-1].b, iv.b)
			continue
		}
		s = append(s, iv)
	}
	return s
}

func (s set) len() int64 {
	var n int64
	for _, iv := range s {
		n += iv.len()
	}
	return n
}

// meet is the part of iv inside w, maybe empty.
func (iv interval) meet(w interval) interval {
	a, b := max(iv.a, w.a), min(iv.b, w.b)
	if a >= b {
		return interval{}
	}
	return interval{a, b}
}

// overlap is the length of the part of iv inside s.
func (iv interval) overlap(s set) int64 {
	var n int64
	for _, x := range s {
		if x.a >= iv.b {
			break
		}
		n += iv.meet(x).len()
	}
	return n
}

// clip returns the part of s inside w.
func (s set) clip(w interval) set { return appendClip(nil, s, w) }

// appendClip appends the part of s inside w to out.
func appendClip(out, s set, w interval) set {
	for _, iv := range s {
		a, b := max(iv.a, w.a), min(iv.b, w.b)
		if a < b {
			out = append(out, interval{a, b})
		}
	}
	return out
}

// minus returns the part of s outside t.
func (s set) minus(t set) set {
	if len(t) == 0 {
		return s
	}
	return appendMinus(nil, s, t)
}

// appendMinus appends the part of s outside t to out.
func appendMinus(out, s, t set) set {
	j := 0
	for _, iv := range s {
		a := iv.a
		for j < len(t) && t[j].b <= a {
			j++
		}
		k := j
		for k < len(t) && t[k].a < iv.b {
			if t[k].a > a {
				out = append(out, interval{a, t[k].a})
			}
			a = max(a, t[k].b)
			k++
		}
		if a < iv.b {
			out = append(out, interval{a, iv.b})
		}
	}
	return out
}

// or returns the union of two sets.
func (s set) or(t set) set {
	all := make([]interval, 0, len(s)+len(t))
	all = append(all, s...)
	all = append(all, t...)
	return union(all)
}

// and returns the part of s inside t.
func (s set) and(t set) set {
	if len(s) == 0 || len(t) == 0 {
		return nil
	}
	return s.minus(s.minus(t))
}

// appendOr appends the union of two sets to out, which must share no
// memory with either.
func appendOr(out, s, t set) set {
	i, j := 0, 0
	for i < len(s) || j < len(t) {
		var iv interval
		if j == len(t) || i < len(s) && s[i].a <= t[j].a {
			iv, i = s[i], i+1
		} else {
			iv, j = t[j], j+1
		}
		if n := len(out); n > 0 && iv.a <= out[n-1].b {
			out[n-1].b = max(out[n-1].b, iv.b)
			continue
		}
		out = append(out, iv)
	}
	return out
}
