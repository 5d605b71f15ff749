package ics

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// The budgets. A step is one unit of a rule's search, some 10 ns of work:
// a day tried against one of the rule's BY values, a time of day tried; a
// start found costs more steps (see libraryStart). Ten years of 85 busy
// series (122,485 occurrences, more than a busy manager has) take some
// 5,000,000 steps.
const (
	// maxRuleOccurrences is how many occurrences of one rule one query
	// keeps; the rest are left out with a warning.
	maxRuleOccurrences = 100_000
	// maxRuleSteps is how long one rule may search in one query; a rule
	// that finds nothing in that time is left out with a warning.
	maxRuleSteps = 5_000_000
	// DefaultOccurrences is how many occurrences a run may keep across
	// every file it reads.
	DefaultOccurrences = 250_000
	// DefaultSteps is how many steps a run may spend across every rule of
	// every file it reads.
	DefaultSteps = 50_000_000
)

// ErrBudget is wrapped by the error [Calendar.Events] returns when a run
// needs more occurrences or more work than its [Budget] allows.
var ErrBudget = errors.New("the calendar needs more than emtime allows for one run")

// Budget is what one run may spend expanding recurring events: occurrences
// kept and steps of search, across every calendar that shares it (see
// [WithBudget]). Once it is spent, Events fails with an error wrapping
// [ErrBudget] rather than return a part of the calendar. A Budget is safe
// for use by several goroutines.
type Budget struct {
	maxSteps, maxOccurrences int64

	mu                 sync.Mutex
	steps, occurrences int64
	// The series that cost most so far, to name in the error.
	topSteps, topOccurrences cost
}

type cost struct {
	who where
	n   int64
}

// where names a series in a message, as [place] does, once there is a
// message to write: most series never need their name.
type where struct {
	file string
	line int
	uid  string
}

func (w where) String() string { return place(w.file, w.line, w.uid) }

// NewBudget returns a budget of [DefaultOccurrences] and [DefaultSteps].
func NewBudget() *Budget {
	return &Budget{maxSteps: DefaultSteps, maxOccurrences: DefaultOccurrences}
}

type budgetKey struct{}

// WithBudget returns a context under which every [Calendar.Events] call
// spends from b: one budget for every file of one run, so that a run of
// several files is bounded as one file is. Without one, each Events call
// has a budget of its own.
func WithBudget(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

func budgetOf(ctx context.Context) *Budget {
	if b, ok := ctx.Value(budgetKey{}).(*Budget); ok && b != nil {
		return b
	}
	return NewBudget()
}

// spend takes steps and occurrences for the series at who, whose cost
// in this query so far is seriesSteps and seriesOccurrences (what is spent
// now included). It fails once either total passes its bound.
func (b *Budget) spend(steps, occurrences int64, who where, seriesSteps, seriesOccurrences int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.steps += steps
	b.occurrences += occurrences
	if seriesSteps > b.topSteps.n {
		b.topSteps = cost{who, seriesSteps}
	}
	if seriesOccurrences > b.topOccurrences.n {
		b.topOccurrences = cost{who, seriesOccurrences}
	}
	switch {
	case b.occurrences > b.maxOccurrences:
		return fmt.Errorf("%w: more than %s occurrences in the range, %s of them from %s",
			ErrBudget, thousands(b.maxOccurrences), thousands(b.topOccurrences.n), b.topOccurrences.who)
	case b.steps > b.maxSteps:
		return fmt.Errorf("%w: its repeating events need more than %s steps to expand, %s of them for %s",
			ErrBudget, thousands(b.maxSteps), thousands(b.topSteps.n), b.topSteps.who)
	}
	return nil
}

// thousands writes n with commas: 1,000,000.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
