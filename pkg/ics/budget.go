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
//
// A run's budget is a floor, for a calendar of any size, and grows with
// the calendars it reads (see [Budget.Cover]): its work and its memory are
// in proportion to the text read, whatever that text holds. A file of
// 1 MB may keep at most 275,000 occurrences; ten years of ten busy
// managers in one file (54 MB, a million occurrences) may keep 1.6
// million.
const (
	// maxRuleOccurrences is how many occurrences of one rule one query
	// keeps; the rest are left out with a warning.
	maxRuleOccurrences = 100_000
	// maxRuleSteps is how long one rule may search in one query; a rule
	// that finds nothing in that time is left out with a warning.
	maxRuleSteps = 5_000_000
	// DefaultOccurrences is how many occurrences a run may keep across
	// every file it reads, before the files add to it.
	DefaultOccurrences = 250_000
	// DefaultSteps is how many steps a run may spend across every rule of
	// every file it reads, before the files add to it.
	DefaultSteps = 50_000_000
	// DefaultAttendance is how many guests a run's occurrences may name
	// in all, each occurrence counting the guests of its entry, before the
	// files add to it: the work of classifying, counting and listing the
	// people of each occurrence. Ten years of a busy manager's calendar
	// name some 700,000; a 1 MB file of 20 series repeating every minute
	// with 1,000 guests each would name 200 million in one week.
	DefaultAttendance = 10_000_000

	// What each KiB of calendar text adds to a run's budget.
	occurrencesPerKiB = 25
	stepsPerKiB       = 10_000
	attendancePerKiB  = 2_500
	// The most a run's budget grows to, however much it reads: ten times
	// the floor.
	maxGrowth = 10
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
	maxSteps, maxOccurrences, maxAttendance int64

	mu                             sync.Mutex
	steps, occurrences, attendance int64
	// The series that cost most so far, to name in the error.
	topSteps, topOccurrences, topAttendance cost
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

// NewBudget returns a budget of [DefaultOccurrences], [DefaultSteps] and
// [DefaultAttendance], for the calendars [Budget.Cover] adds to it.
func NewBudget() *Budget {
	return &Budget{maxSteps: DefaultSteps, maxOccurrences: DefaultOccurrences, maxAttendance: DefaultAttendance}
}

// Cover widens b for one more calendar it is spent on: for each KiB of its
// text, 25 occurrences, 10,000 steps and 2,500 guests, up to ten times
// [NewBudget]'s in all. A run reads its files whole before it expands
// them, so what it may spend is in proportion to what it read.
func (b *Budget) Cover(c *Calendar) {
	kib := c.size >> 10
	b.mu.Lock()
	defer b.mu.Unlock()
	b.maxOccurrences = min(b.maxOccurrences+kib*occurrencesPerKiB, maxGrowth*DefaultOccurrences)
	b.maxSteps = min(b.maxSteps+kib*stepsPerKiB, maxGrowth*DefaultSteps)
	b.maxAttendance = min(b.maxAttendance+kib*attendancePerKiB, maxGrowth*DefaultAttendance)
}

type budgetKey struct{}

// WithBudget returns a context under which every [Calendar.Events] call
// spends from b: one budget for every file of one run, so that a run of
// several files is bounded as one file is. Without one, each Events call
// has a budget of its own.
func WithBudget(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// budgetOf returns the run's budget, or one of c's own.
func budgetOf(ctx context.Context, c *Calendar) *Budget {
	if b, ok := ctx.Value(budgetKey{}).(*Budget); ok && b != nil {
		return b
	}
	b := NewBudget()
	b.Cover(c)
	return b
}

// spend takes steps, occurrences and guests (an occurrence's guests are
// its attendance) for the series at who, whose cost in this query so far
// is in series (what is spent now included). It fails once a total passes
// its bound.
func (b *Budget) spend(steps, occurrences, attendance int64, who where, series spent) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.steps += steps
	b.occurrences += occurrences
	b.attendance += attendance
	if series.steps > b.topSteps.n {
		b.topSteps = cost{who, series.steps}
	}
	if series.occurrences > b.topOccurrences.n {
		b.topOccurrences = cost{who, series.occurrences}
	}
	if series.attendance > b.topAttendance.n {
		b.topAttendance = cost{who, series.attendance}
	}
	switch {
	case b.occurrences > b.maxOccurrences:
		return fmt.Errorf("%w: more than %s occurrences in the range, %s of them from %s",
			ErrBudget, thousands(b.maxOccurrences), thousands(b.topOccurrences.n), b.topOccurrences.who)
	case b.attendance > b.maxAttendance:
		return fmt.Errorf("%w: its occurrences in the range name more than %s guests in all, %s of them from %s",
			ErrBudget, thousands(b.maxAttendance), thousands(b.topAttendance.n), b.topAttendance.who)
	case b.steps > b.maxSteps:
		return fmt.Errorf("%w: its repeating events need more than %s steps to expand, %s of them for %s",
			ErrBudget, thousands(b.maxSteps), thousands(b.topSteps.n), b.topSteps.who)
	}
	return nil
}

// spent is what one series has cost in a query.
type spent struct{ steps, occurrences, attendance int64 }

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
