package analyze

// EventsByDay lists, for each day of in's range, earliest first (the days
// of [Result.Days]), the indexes in in.Events of the events that count on
// that day, in order, as [Analyze] counts them: the days [DaysOf] names for
// each event. An ignored or a solo event is on no day.
//
// A what-if that changes some events counts again only the days they are
// on, with [CountDays] given the events of those days: no other event can
// change what those days add up to.
func EventsByDay(in Input) [][]int {
	s := in.Settings
	from, to := midnight(in.From, s.Zone), midnight(in.To, s.Zone)
	n := dayCount(from, to)
	if n <= 0 {
		return nil
	}
	buckets := bucket(in.Events, from, n, s.Zone, nil)
	out := make([][]int, n)
	for i, b := range buckets {
		if len(b) == 0 {
			continue
		}
		out[i] = make([]int, len(b))
		for k, j := range b {
			out[i][k] = int(j)
		}
	}
	return out
}

// Lean returns t without the families that are not sums: its people and
// its categories. What a share or a verdict reads is all there (the coding
// family's handful of repositories is kept), and lean
// tallies sum quickly: a what-if that weighs many choices by their shares
// sums lean tallies, and the full ones only of the choice it keeps.
func (t Tally) Lean() Tally {
	t.Categories, t.People, t.people = nil, nil, nil
	return t
}
