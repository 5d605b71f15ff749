// Package pipeline loads what a command counts: it reads the calendars
// chosen for a run, settles the analysis zone and the range, merges the
// calendars, finds who "I" am and my domain when they were not given, and
// classifies every event. Every command that counts time (analyze,
// events, and the what-ifs that count the same events again another way)
// starts from one [Load]; a what-if changes the loaded events and runs the
// accounting again ([Loaded.Input], [analyze.Analyze]), never the loading.
//
// Load prints nothing and reads no clock: the plan carries "now" as a
// value, and what the loading took to be so or noticed comes back as
// [Notice]s, for the command to say.
//
// Where the next rooms go:
//
//   - A calendar source (Microsoft 365, say) is a [calendar.Source]: the
//     command opens it and hands it in as a [Calendar]; nothing here
//     changes. Its own settings (its working hours) are the command's.
//   - A layer of its own is a field of [Sources], read in [Load] once the
//     range and my addresses are settled, with its notices; its time
//     becomes a field of [analyze.Input] in [Loaded.Input], and
//     [Loaded.Judge] chooses how it is judged. Git history is one:
//     [Sources.History], read with my addresses and the git-only ones
//     ([GitPlan.Authors]) over the range, becomes [Loaded.Git], the
//     coding layer of [Loaded.Input], and the coding track of every
//     verdict ([Loaded.Measure]).
//
// Error contract: a calendar that cannot be read is an error naming it
// ("work.ics: …"), wrapping the source's error (an [ics.ErrBudget] among
// them); a git path that does not exist or holds no repository is the
// history's error naming the path (wrapping [gitlog.ErrNoRepository] for
// the latter); nothing is returned half-loaded. A repository read only in
// part is a warning notice, not an error.
//
// [gitlog.ErrNoRepository]: https://pkg.go.dev/github.com/emtime/emtime/pkg/gitlog#ErrNoRepository
// [ics.ErrBudget]: https://pkg.go.dev/github.com/emtime/emtime/pkg/ics#ErrBudget
package pipeline

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/textsafe"
	"github.com/emtime/emtime/pkg/verdict"
)

// Calendar is a calendar source chosen for a run, with the name the user
// knows it by: "work.ics", "stdin", "demo:em", "google:primary".
type Calendar struct {
	Name string
	calendar.Source
}

// Sources are what a run reads.
type Sources struct {
	// Calendars are read in order and merged; the first one's zone and
	// owner count first.
	Calendars []Calendar
	// History reads my commits; nil: no git history is read, and there is
	// no coding layer.
	History History
}

// Plan is how a run counts: the settings in force, the range asked for,
// and the clock.
type Plan struct {
	// Settings are how time is counted; Zone is set by [Load], and Domain,
	// when empty, is taken from my first address.
	Settings analyze.Settings
	// Rules classify the events; Me is set by Load.
	Rules classify.Rules
	Bands verdict.Bands
	// Me are my addresses given, in lower case; nil: inferred from the
	// calendars. A calendar that knows its owner (Google's primary
	// calendar) keeps them as me: the addresses given add to it.
	Me []string
	// Zone is the analysis zone given; nil: the first calendar's own zone
	// that loads, else MachineZone.
	Zone        *time.Location
	MachineZone *time.Location
	// From and To are the first and last days asked for, as dates
	// (midnight UTC); zero when not given. Weeks is how many weeks the
	// range holds when not both are given.
	From, To time.Time
	Weeks    int
	// Now places the current week.
	Now time.Time
	// Git is how the history of [Sources.History] is read and judged.
	Git GitPlan
}

// Loaded is the calendars read, classified and placed in their zone and
// range.
type Loaded struct {
	// Settings are the plan's, with the zone and the domain settled.
	Settings analyze.Settings
	// Rules are the plan's, with Me settled.
	Rules classify.Rules
	Bands verdict.Bands
	// From and To are midnights in the zone; To is excluded.
	From, To time.Time
	// Today is Now in the zone.
	Today time.Time
	// Events are every event read, classified, sorted by start; some
	// may lie outside the range (an event that crosses its edge).
	Events []classify.Event
	// Me are the addresses taken to be me, in lower case.
	Me []string
	// Sources name the calendars read, in order.
	Sources []string
	// Warnings are the calendars' own: entries skipped, repaired or read
	// in part, each naming its place. Reports list them all.
	Warnings []string
	// Notices are what the loading took to be so, or noticed, for the
	// command to say.
	Notices []Notice
	// Git is the git history read; nil when none was.
	Git *Git
}

// Notice is something the user should hear about the loading.
type Notice struct {
	Kind NoticeKind
	// Text says it in a sentence fragment with no terminal punctuation;
	// what came from a calendar in it has been made safe to print
	// ([textsafe.Line]).
	Text string
}

// NoticeKind is what a notice is about.
type NoticeKind int

const (
	// NoEvents: the calendars hold no event in the range, so every
	// working hour counts as free time. A warning: an export may not
	// reach this far.
	NoEvents NoticeKind = iota + 1
	// MeInferred: my addresses were inferred; Text says which and how.
	MeInferred
	// MeUnknown: who I am could not be told, so meetings I declined
	// cannot be told apart.
	MeUnknown
	// MeUnseen: none of the addresses given as mine is on any of the
	// events with guests, a typo most likely; Text names the addresses
	// that are most common. A warning: meetings I declined then count.
	MeUnseen
)

// Warning reports whether a notice of this kind may mean the numbers are
// not what the user expects.
func (k NoticeKind) Warning() bool { return k == NoEvents || k == GitWarning || k == MeUnseen }

// Load reads the calendars of src and classifies the events of the plan's
// range: first what each calendar says of itself (its zone, its owner),
// which settles the zone when the plan gives none; then the range, in that
// zone; then the events of every calendar, merged (an event on two of them
// counts once); then me, and my domain; then the classification; then,
// when src has a history, my commits over the range.
func Load(ctx context.Context, src Sources, p Plan) (*Loaded, error) {
	var info []calendar.Info
	for _, c := range src.Calendars {
		i, err := c.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		info = append(info, i)
	}
	zone := settleZone(p, info)
	l := &Loaded{Settings: p.Settings, Rules: p.Rules, Bands: p.Bands, Today: p.Now.In(zone)}
	l.Settings.Zone = zone
	l.From, l.To = p.Window(zone)

	q := calendar.Query{From: l.From, To: l.To, Zone: zone}
	var results []calendar.Result
	for _, c := range src.Calendars {
		r, err := c.Events(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		results = append(results, r)
		l.Sources = append(l.Sources, c.Name)
	}
	merged := calendar.Merge(results...)
	l.Warnings = merged.Warnings
	if !slices.ContainsFunc(merged.Events, func(e calendar.Event) bool { return e.Overlaps(l.From, l.To) }) {
		l.Notices = append(l.Notices, Notice{NoEvents, fmt.Sprintf("%s holds no events from %s to %s; every working hour counts as free time",
			textsafe.Line(strings.Join(l.Sources, ", ")), l.From.Format(time.DateOnly), l.To.AddDate(0, 0, -1).Format(time.DateOnly))})
	}

	var owner calendar.Info
	if len(info) > 0 {
		owner = info[0]
	}
	l.Me = p.Me
	switch {
	case len(l.Me) > 0 && len(owner.Owner) > 0:
		// The addresses given add to the owner the calendar knows.
		l.Me = union(lowerAll(owner.Owner), l.Me)
	case len(l.Me) > 0:
		if n, ok := meUnseen(l.Me, merged.Events); ok {
			l.Notices = append(l.Notices, n)
		}
	case len(l.Me) == 0:
		me, how := classify.InferMe(owner, merged.Events)
		if len(me) > 0 {
			l.Notices = append(l.Notices, Notice{MeInferred, fmt.Sprintf("taking you to be %s (%s)",
				textsafe.Line(strings.Join(me, ", ")), textsafe.Line(how))})
		} else {
			l.Notices = append(l.Notices, Notice{MeUnknown, "could not tell who you are, so meetings you declined cannot be told apart"})
		}
		l.Me = me
	}
	l.Rules.Me = l.Me
	if len(l.Me) > 0 && l.Settings.Domain == "" {
		if at := strings.LastIndexByte(l.Me[0], '@'); at >= 0 {
			l.Settings.Domain = l.Me[0][at+1:]
		}
	}
	l.Events = classify.Classify(merged.Events, l.Rules)
	if src.History != nil {
		if err := l.readGit(ctx, src.History, p.Git); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// meUnseenListed is how many of the most common addresses a MeUnseen
// notice names.
const meUnseenListed = 3

// meUnseen is the notice that none of my addresses is on any of the
// events with guests, naming the addresses that are on the most; false
// when one of mine is on one, or no event has guests.
func meUnseen(me []string, events []calendar.Event) (Notice, bool) {
	addrs, counts := classify.AddressCounts(events)
	if len(addrs) == 0 {
		return Notice{}, false
	}
	for _, m := range me {
		if counts[strings.ToLower(strings.TrimSpace(m))] > 0 {
			return Notice{}, false
		}
	}
	var common []string
	for _, a := range addrs[:min(len(addrs), meUnseenListed)] {
		n := fmt.Sprintf("%d events", counts[a])
		if counts[a] == 1 {
			n = "1 event"
		}
		common = append(common, a+" ("+n+")")
	}
	return Notice{MeUnseen, textsafe.Line(fmt.Sprintf("%s, given as yours (--me), on none of the calendar's events with guests: meetings you declined count as meetings; the addresses on the most events are %s",
		strings.Join(me, ", "), strings.Join(common, ", ")))}, true
}

// settleZone is the zone given, else the first calendar's own zone that
// loads, else the machine's.
func settleZone(p Plan, info []calendar.Info) *time.Location {
	if p.Zone != nil {
		return p.Zone
	}
	for _, i := range info {
		if i.Zone == "" {
			continue
		}
		if zone, err := time.LoadLocation(i.Zone); err == nil {
			return zone
		}
	}
	if p.MachineZone != nil {
		return p.MachineZone
	}
	return time.UTC
}

// Window is the range the plan asks for, as midnights in zone, to
// excluded: both dates when given; From alone starts Weeks weeks there;
// else Weeks whole weeks ending with the week holding To, or with the
// current week (the week holding Now).
func (p Plan) Window(zone *time.Location) (from, to time.Time) {
	s := p.Settings
	s.Zone = zone
	inZone := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone)
	}
	switch {
	case !p.From.IsZero() && !p.To.IsZero():
		return inZone(p.From), inZone(p.To).AddDate(0, 0, 1)
	case !p.From.IsZero():
		f := inZone(p.From)
		return f, s.WeekStartOf(f).AddDate(0, 0, 7*p.Weeks)
	}
	last := p.Now.In(zone)
	if !p.To.IsZero() {
		last = inZone(p.To)
	}
	end := s.WeekStartOf(last).AddDate(0, 0, 7)
	return end.AddDate(0, 0, -7*p.Weeks), end
}

// Input is the accounting's input for the loaded range: what
// [analyze.Analyze] counts. A what-if changes a copy of it (the events
// without a meeting series, say) and counts it again.
func (l *Loaded) Input() analyze.Input {
	in := analyze.Input{Events: l.Events, From: l.From, To: l.To, Settings: l.Settings}
	if l.Git != nil {
		in.Coding = l.Git.coding()
	}
	return in
}

// Judge gives the verdict of a stretch of the loaded range: a week, the
// range, or any run of weeks summed with [analyze.Sum]. It is the one
// place a stretch is judged, so that every stretch is judged alike: the
// calendar's focus time for the track, and with git history the coding
// measured from it for the coding track ([Loaded.Measure]).
func (l *Loaded) Judge(t analyze.Tally) verdict.Verdict {
	return verdict.Judge(l.Measure(t), l.Bands)
}

func lowerAll(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimSpace(s)))
	}
	return out
}

// union is a then the strings of b it lacks, each once.
func union(a, b []string) []string {
	var out []string
	for _, s := range append(slices.Clone(a), b...) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
