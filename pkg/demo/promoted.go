package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

// PromotedWeeks is how many weeks before the current week the promoted
// persona became a manager.
const PromotedWeeks = 12

// The promoted persona: one person, whose calendar is the engineer's before
// the switch and the manager's from it on.
const (
	promotedEmail = "casey@emtime.example"
	promotedName  = "Casey Novak"
	promotedFirst = "Casey"
)

// demoZone is the zone every demo calendar is written in.
const demoZone = "America/New_York"

// PromotedOn returns the Monday, at midnight in America/New_York (the demo
// calendars' zone), on which the promoted persona became an engineering
// manager, when today is now: the Monday [PromotedWeeks] weeks before the
// Monday of now's week.
func PromotedOn(now time.Time) (time.Time, error) {
	ny, err := time.LoadLocation(demoZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("demo persona promoted: %w", err)
	}
	if now.IsZero() {
		return time.Time{}, fmt.Errorf("demo persona promoted: the switch is placed from today, and no date was given")
	}
	d := midnight(now.In(ny))
	d = d.AddDate(0, 0, -((int(d.Weekday())+6)%7)-7*PromotedWeeks)
	return d, nil
}

// owner is who a demo calendar is of, as its entries name them.
type owner struct{ email, name, first string }

// The owners of the two calendars the promoted persona is made of, and the
// promoted person.
func icOwner() owner       { return owner{"sam@emtime.example", "Sam Okafor", "Sam"} }
func emOwner() owner       { return owner{"alex@emtime.example", "Alex Rivera", "Alex"} }
func promotedOwner() owner { return owner{promotedEmail, promotedName, promotedFirst} }

// promoted is the promoted persona's calendar: the occurrences of before
// that start before at, those of after that start from at on (an all-day
// entry by its date), each with its owner renamed to the promoted person.
type promoted struct {
	before, after calendar.Source
	from, to      owner // before's owner, after's owner
	at            time.Time
}

var _ calendar.Source = (*promoted)(nil)

// Info is the manager's calendar's, renamed: the same name and zone as the
// engineer's once both are renamed.
func (p *promoted) Info(ctx context.Context) (calendar.Info, error) {
	info, err := p.after.Info(ctx)
	if err != nil {
		return calendar.Info{}, err
	}
	if strings.EqualFold(info.Name, p.to.email) {
		info.Name = promotedEmail
	}
	return info, nil
}

// Events reads each half over the part of q it covers (a day wider, for
// all-day entries read in another zone), keeps the occurrences on its side
// of the switch and renames its owner.
func (p *promoted) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	if q.To.Before(q.From) {
		return calendar.Result{}, fmt.Errorf("demo/promoted: query window ends (%s) before it starts (%s)", q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	var parts []calendar.Result
	for _, h := range []struct {
		src        calendar.Source
		who        owner
		start, end time.Time
		after      bool
	}{
		{p.before, p.from, q.From, earlier(q.To, p.at.AddDate(0, 0, 1)), false},
		{p.after, p.to, later(q.From, p.at.AddDate(0, 0, -1)), q.To, true},
	} {
		if !h.start.Before(h.end) {
			continue
		}
		res, err := h.src.Events(ctx, calendar.Query{From: h.start, To: h.end, Zone: q.Zone})
		if err != nil {
			return calendar.Result{}, err
		}
		kept := res.Events[:0:0]
		lists := map[guestList][]calendar.Attendee{}
		for _, e := range res.Events {
			if p.afterSwitch(e) != h.after || !e.Overlaps(q.From, q.To) {
				continue
			}
			kept = append(kept, rename(e, h.who, promotedOwner(), lists))
		}
		parts = append(parts, calendar.Result{Events: kept, Warnings: res.Warnings})
	}
	return calendar.Merge(parts...), nil
}

// afterSwitch says whether e is on the manager's side of the switch: a
// timed entry by its start, an all-day one by its date.
func (p *promoted) afterSwitch(e calendar.Event) bool {
	if e.AllDay {
		y, m, d := e.Start.Date()
		ay, am, ad := p.at.Date()
		return !time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC))
	}
	return !e.Start.Before(p.at)
}

// guestList names a list of guests shared by occurrences.
type guestList struct {
	first *calendar.Attendee
	n     int
}

// rename gives e's owner the promoted person's address and name, as
// organizer, as guest and in a 1:1's title ("Sam / Lena 1:1"). The
// occurrences of a series share their guest list: lists keeps each list
// renamed, so that they still do, and the source's own is left as it is.
func rename(e calendar.Event, from, to owner, lists map[guestList][]calendar.Attendee) calendar.Event {
	if strings.EqualFold(e.Organizer.Email, from.email) {
		e.Organizer.Email, e.Organizer.Name = to.email, renamed(e.Organizer.Name, from, to)
	}
	if len(e.Attendees) > 0 {
		key := guestList{&e.Attendees[0], len(e.Attendees)}
		list, ok := lists[key]
		if !ok {
			list = e.Attendees
			for i, a := range e.Attendees {
				if !strings.EqualFold(a.Email, from.email) {
					continue
				}
				if &list[0] == key.first {
					list = slices.Clone(e.Attendees)
				}
				list[i].Email, list[i].Name = to.email, renamed(a.Name, from, to)
			}
			lists[key] = list
		}
		e.Attendees = list
	}
	if rest, ok := strings.CutPrefix(e.Title, from.first+" / "); ok {
		e.Title = to.first + " / " + rest
	}
	return e
}

// renamed is name with from's name replaced by to's; another name is kept.
func renamed(name string, from, to owner) string {
	if name == from.name {
		return to.name
	}
	return name
}
