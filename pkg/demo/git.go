package demo

import (
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/gitlog"
)

// A persona's coding habit: when, against its own calendar, it writes the
// commits of its built-in git history.
type habit struct {
	repos []string
	// minStretch is the shortest free stretch of a working day (09:00–
	// 17:00, Monday to Friday, between the calendar's busy entries) the
	// persona codes in; 0 codes in none.
	minStretch time.Duration
	// days limits the stretches coded in to these weekdays; nil is all.
	days []time.Weekday
	// evenings are stretches outside working hours coded every week, as
	// weekday and local clock times.
	evenings []evening
}

type evening struct {
	day        time.Weekday
	start, end time.Duration // clock times, as time past midnight
}

const hm = time.Hour

// habits, per persona: the engineer codes in most of its free time, the tech
// lead in its longer stretches, the manager on Thursday mornings
// only, the director in the evenings and on Saturday; the promoted persona
// as the engineer before its switch and as the manager from it on, in the
// same repositories as they do.
func habits(persona string) habit {
	switch persona {
	case "ic":
		return habit{repos: []string{"~/src/payments-api", "~/src/ledger"}, minStretch: 45 * time.Minute}
	case "hybrid":
		return habit{repos: []string{"~/src/search", "~/src/search-infra", "~/src/design-docs"}, minStretch: 75 * time.Minute}
	case "em":
		return habit{repos: []string{"~/src/team-tools"}, minStretch: 2 * time.Hour, days: []time.Weekday{time.Thursday}}
	case "overloaded":
		return habit{repos: []string{"~/src/platform", "~/src/prototypes"}, evenings: []evening{
			{time.Monday, 20*hm + 30*time.Minute, 22*hm + 30*time.Minute},
			{time.Tuesday, 21 * hm, 23 * hm},
			{time.Thursday, 20 * hm, 22 * hm},
			{time.Saturday, 9*hm + 30*time.Minute, 12 * hm},
		}}
	}
	return habit{}
}

// GitHistory returns the persona's built-in git history, as [gitlog.Read]
// would read it from disk for opts (only From, To, Gap and Lead are used):
// the persona's own commits, whose author times fall in the span Read keeps.
//
// The commits are made up from the persona's calendar, so the demo's coding
// sits between its meetings: within every free stretch of a working day
// long enough for the persona (busy is what the classifier, with the
// default rules, calls a meeting, out of office or personal time; an
// all-day absence frees the whole day), a commit 30 minutes in,
// one about every 40 minutes after, and one 5 minutes before the stretch
// ends; the director's come at fixed hours outside working hours. Times
// move by a few minutes from day to day, by a hash of the persona and the
// date, so the same day always gets the same commits, whatever the window.
//
// now is today, as for [Source]: the promoted persona codes as the
// engineer on the days before its switch and as the manager from it on.
func GitHistory(ctx context.Context, persona string, now time.Time, opts gitlog.Options) (*gitlog.History, error) {
	src, err := Source(persona, now)
	if err != nil {
		return nil, err
	}
	info, err := src.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo persona %s: %w", persona, err)
	}
	zone, err := time.LoadLocation(info.Zone)
	if err != nil {
		return nil, fmt.Errorf("demo persona %s: %w", persona, err)
	}
	gap := cmp.Or(opts.Gap, gitlog.DefaultGap)
	lead := cmp.Or(opts.Lead, gitlog.DefaultLead)
	h := &gitlog.History{}
	if opts.From.IsZero() || opts.To.IsZero() {
		return nil, fmt.Errorf("demo persona %s: the git history needs a window", persona)
	}
	h.From, h.To = opts.From.Add(-gap), opts.To.Add(max(gap, lead))

	// Whole days around the span, in the calendar's zone.
	first := midnight(h.From.In(zone))
	last := midnight(h.To.In(zone)).AddDate(0, 0, 1)
	res, err := src.Events(ctx, calendar.Query{From: first, To: last, Zone: zone})
	if err != nil {
		return nil, fmt.Errorf("demo persona %s: %w", persona, err)
	}
	hb, repos := habits(persona), habits(persona).repos
	var switchAt time.Time // the promoted persona's
	if persona == "promoted" {
		if switchAt, err = PromotedOn(now); err != nil {
			return nil, err
		}
		repos = append(habits("ic").repos, habits("em").repos...)
	}
	owner := info.Name
	rules := classify.DefaultRules()
	rules.Me = []string{strings.ToLower(owner)}
	events := classify.Classify(res.Events, rules)
	var commits []gitlog.Commit
	for d := first; d.Before(last); d = d.AddDate(0, 0, 1) {
		if persona == "promoted" {
			hb = habits("ic")
			if !d.Before(switchAt) {
				hb = habits("em")
			}
		}
		for _, when := range hb.day(persona, d, events) {
			if when.Before(h.From) || !when.Before(h.To) {
				continue
			}
			sum := sha1.Sum([]byte(persona + "\x00" + when.UTC().Format(time.RFC3339)))
			repo := hb.repos[int(binary.BigEndian.Uint16(sum[:2]))%len(hb.repos)]
			commits = append(commits, gitlog.Commit{Hash: hex.EncodeToString(sum[:]), Email: owner, When: when, Repos: []string{repo}})
		}
	}
	slices.SortFunc(commits, func(a, b gitlog.Commit) int { return a.When.Compare(b.When) })
	h.Commits = commits
	for _, r := range repos {
		repo := gitlog.Repo{Path: r}
		for _, c := range commits {
			if c.Repos[0] == r {
				repo.Mine++
			}
		}
		repo.Read = repo.Mine
		h.Repos = append(h.Repos, repo)
	}
	return h, nil
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// day returns the author times of one day's commits.
func (hb habit) day(persona string, d time.Time, events []classify.Event) []time.Time {
	var out []time.Time
	for _, e := range hb.evenings {
		if d.Weekday() == e.day {
			out = append(out, spread(persona, clock(d, e.start), clock(d, e.end))...)
		}
	}
	if hb.minStretch == 0 || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		return out
	}
	if hb.days != nil && !slices.Contains(hb.days, d.Weekday()) {
		return out
	}
	dayStart, dayEnd := clock(d, 9*hm), clock(d, 17*hm)
	var busy [][2]time.Time
	for _, e := range events {
		if !e.Start.Before(dayEnd) || !e.End.After(dayStart) || !isBusy(e) {
			continue
		}
		if e.AllDay {
			if e.Kind == classify.KindOutOfOffice {
				return out // a day off
			}
			continue
		}
		busy = append(busy, [2]time.Time{later(e.Start, dayStart), earlier(e.End, dayEnd)})
	}
	slices.SortFunc(busy, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	free := dayStart
	for _, b := range append(busy, [2]time.Time{dayEnd, dayEnd}) {
		if b[0].Sub(free) >= hb.minStretch {
			out = append(out, spread(persona, free, b[0])...)
		}
		free = later(free, b[1])
	}
	return out
}

// isBusy says whether an entry keeps the owner from coding.
func isBusy(e classify.Event) bool {
	switch e.Kind {
	case classify.KindMeeting, classify.KindOutOfOffice, classify.KindPersonal:
		return true
	}
	return false
}

// spread places commits across [start, end): 30 minutes in, then about
// every 40 minutes, and 5 minutes before the end; each moved by up to four
// minutes by a hash of the persona and the time.
func spread(persona string, start, end time.Time) []time.Time {
	var out []time.Time
	last := end.Add(-5 * time.Minute)
	for t := start.Add(30 * time.Minute); t.Before(last.Add(-10 * time.Minute)); t = t.Add(40 * time.Minute) {
		out = append(out, t.Add(jitter(persona, t)))
	}
	return append(out, last)
}

func jitter(persona string, t time.Time) time.Duration {
	sum := sha1.Sum([]byte(persona + t.UTC().Format(time.RFC3339)))
	return time.Duration(int(sum[0])%9-4) * time.Minute
}

// clock is the clock time c (time past midnight) on d's date, in d's zone,
// whatever the day's length.
func clock(d time.Time, c time.Duration) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), int(c/time.Hour), int(c%time.Hour/time.Minute), 0, 0, d.Location())
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
