package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/ics"
	"github.com/emtime/emtime/pkg/verdict"
)

// now is Wednesday 4 March 2026, noon UTC.
var now = time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)

// calendarOf is an iCalendar file, read as emtime reads one; name and zone
// go in X-WR-CALNAME and X-WR-TIMEZONE when not empty.
func calendarOf(t *testing.T, name, zone string, events ...string) *ics.Calendar {
	t.Helper()
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//emtime//test//EN\r\n")
	if name != "" {
		b.WriteString("X-WR-CALNAME:" + name + "\r\n")
	}
	if zone != "" {
		b.WriteString("X-WR-TIMEZONE:" + zone + "\r\n")
	}
	for _, e := range events {
		b.WriteString("BEGIN:VEVENT\r\n" + strings.ReplaceAll(strings.TrimSpace(e), "\n", "\r\n") + "\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	cal, err := ics.Parse("test.ics", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// A sync with Bob on Tuesday 3 March, 10:00–11:00 UTC, that I accepted.
const sync = `UID:sync@example.com
SUMMARY:Sync
DTSTART:20260303T100000Z
DTEND:20260303T110000Z
ORGANIZER:mailto:bob@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@corp.example.com`

func plan() Plan {
	return Plan{
		Settings: analyze.DefaultSettings(nil), Rules: classify.DefaultRules(), Bands: verdict.DefaultBands(),
		MachineZone: time.UTC, Weeks: 1, Now: now,
	}
}

// owned is a calendar that knows its owner, as Google's primary calendar
// does.
type owned struct {
	calendar.Source
	owner []string
}

func (o owned) Info(ctx context.Context) (calendar.Info, error) {
	i, err := o.Source.Info(ctx)
	i.Owner = o.owner
	return i, err
}

// broken fails where it is told to.
type broken struct {
	calendar.Source
	info, events error
}

func (b broken) Info(ctx context.Context) (calendar.Info, error) {
	if b.info != nil {
		return calendar.Info{}, b.info
	}
	return b.Source.Info(ctx)
}

func (b broken) Events(ctx context.Context, q calendar.Query) (calendar.Result, error) {
	if b.events != nil {
		return calendar.Result{}, b.events
	}
	return b.Source.Events(ctx, q)
}

func TestZone(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name  string
		given *time.Location
		zones []string // the calendars' own
		want  string
	}{
		{"the zone given wins", tokyo, []string{"Europe/Berlin"}, "Asia/Tokyo"},
		{"else the first calendar's", nil, []string{"Europe/Berlin", "Asia/Tokyo"}, "Europe/Berlin"},
		{"one that does not load is passed over", nil, []string{"Mars/Olympus", "Asia/Tokyo"}, "Asia/Tokyo"},
		{"one that names none is passed over", nil, []string{"", "Asia/Tokyo"}, "Asia/Tokyo"},
		{"else the machine's", nil, []string{""}, "Europe/Berlin"},
	}
	for _, tt := range tests {
		p := plan()
		p.Zone, p.MachineZone = tt.given, berlin
		var src Sources
		for i, z := range tt.zones {
			src.Calendars = append(src.Calendars, Calendar{Name: string(rune('a' + i)), Source: calendarOf(t, "", z, sync)})
		}
		l, err := Load(context.Background(), src, p)
		if err != nil {
			t.Fatal(err)
		}
		if l.Settings.Zone.String() != tt.want || l.Today.Location().String() != tt.want || l.From.Location().String() != tt.want {
			t.Errorf("%s: zone %s (today in %s, range from %s), want %s", tt.name, l.Settings.Zone, l.Today.Location(), l.From, tt.want)
		}
	}
}

func TestWindow(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name          string
		from, to      string // given; "" when not
		weeks         int
		weekStart     time.Weekday
		wantFrom, end string // end is the last day included
	}{
		{"weeks ending with the current week", "", "", 2, time.Monday, "2026-02-23", "2026-03-08"},
		{"weeks from Sunday", "", "", 1, time.Sunday, "2026-03-01", "2026-03-07"},
		{"weeks ending with the week holding --to", "", "2026-01-07", 2, time.Monday, "2025-12-29", "2026-01-11"},
		{"an exact range", "2026-03-04", "2026-03-10", 4, time.Monday, "2026-03-04", "2026-03-10"},
		{"from alone runs the weeks", "2026-03-04", "", 2, time.Monday, "2026-03-04", "2026-03-15"},
	}
	for _, tt := range tests {
		p := plan()
		p.Weeks, p.Settings.WeekStart = tt.weeks, tt.weekStart
		if tt.from != "" {
			p.From = day(tt.from)
		}
		if tt.to != "" {
			p.To = day(tt.to)
		}
		from, to := p.Window(berlin)
		if from.Format(time.DateOnly) != tt.wantFrom || to.AddDate(0, 0, -1).Format(time.DateOnly) != tt.end ||
			from.Location() != berlin || from.Hour() != 0 || to.Hour() != 0 {
			t.Errorf("%s: %s to %s, want midnights in Berlin %s to %s (included)", tt.name, from, to, tt.wantFrom, tt.end)
		}
	}
}

// TestNotices checks what the loading says, and that it says it rather
// than printing it.
func TestNotices(t *testing.T) {
	tests := []struct {
		name   string
		cal    calendar.Source
		me     []string
		kinds  []NoticeKind
		texts  []string
		wantMe []string
	}{
		{"me from the calendar's name", calendarOf(t, "me@corp.example.com", "", sync), nil,
			[]NoticeKind{MeInferred}, []string{"taking you to be me@corp.example.com (the calendar's name)"}, []string{"me@corp.example.com"}},
		{"me from the owner", owned{calendarOf(t, "", "", sync), []string{"Me@Corp.example.com"}}, nil,
			[]NoticeKind{MeInferred}, []string{"taking you to be me@corp.example.com (the calendar's owner)"}, []string{"me@corp.example.com"}},
		{"me given: nothing to infer", calendarOf(t, "", "", sync), []string{"me@corp.example.com"},
			nil, nil, []string{"me@corp.example.com"}},
		{"me given in another case", calendarOf(t, "", "", sync), []string{"Me@Corp.Example.com"},
			nil, nil, []string{"Me@Corp.Example.com"}},
		{"me given with a typo", calendarOf(t, "", "", sync), []string{"me@crop.example.com"},
			[]NoticeKind{MeUnseen}, []string{"me@crop.example.com, given as yours (--me), on none of the calendar's events with guests: " +
				"meetings you declined count as meetings; the addresses on the most events are bob@example.com (1 event), me@corp.example.com (1 event)"},
			[]string{"me@crop.example.com"}},
		{"me given, no event with guests to check it on", calendarOf(t, "", "", "UID:solo\nSUMMARY:Focus\nDTSTART:20260303T100000Z\nDTEND:20260303T110000Z"),
			[]string{"me@crop.example.com"}, nil, nil, []string{"me@crop.example.com"}},
		{"me given adds to the owner", owned{calendarOf(t, "", "", sync), []string{"boss@corp.example.com"}}, []string{"me@corp.example.com"},
			nil, nil, []string{"boss@corp.example.com", "me@corp.example.com"}},
		{"nobody to be", calendarOf(t, "", ""), nil,
			[]NoticeKind{NoEvents, MeUnknown}, []string{"x.ics holds no events from 2026-03-02 to 2026-03-08; every working hour counts as free time",
				"could not tell who you are, so meetings you declined cannot be told apart"}, nil},
	}
	for _, tt := range tests {
		p := plan()
		p.Me = tt.me
		l, err := Load(context.Background(), Sources{Calendars: []Calendar{{"x.ics", tt.cal}}}, p)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []NoticeKind
		var texts []string
		for _, n := range l.Notices {
			kinds, texts = append(kinds, n.Kind), append(texts, n.Text)
		}
		if !slices.Equal(kinds, tt.kinds) || !slices.Equal(texts, tt.texts) {
			t.Errorf("%s: notices %v %q, want %v %q", tt.name, kinds, texts, tt.kinds, tt.texts)
		}
		if !slices.Equal(l.Me, tt.wantMe) || !slices.Equal(l.Rules.Me, tt.wantMe) {
			t.Errorf("%s: me %v (rules %v), want %v", tt.name, l.Me, l.Rules.Me, tt.wantMe)
		}
	}
	if !NoEvents.Warning() || !MeUnseen.Warning() || MeInferred.Warning() || MeUnknown.Warning() {
		t.Error("only an empty range and an address of mine on no event are warnings")
	}
}

func TestNoticeTextIsSafe(t *testing.T) {
	l, err := Load(context.Background(), Sources{Calendars: []Calendar{{"evil\x1b[2J.ics", calendarOf(t, "", "")}}}, plan())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range l.Notices {
		if strings.ContainsAny(n.Text, "\x1b\x07") {
			t.Errorf("notice %q holds an escape sequence", n.Text)
		}
	}
}

func TestDomain(t *testing.T) {
	p := plan()
	p.Me = []string{"me@corp.example.com"}
	l, err := Load(context.Background(), Sources{Calendars: []Calendar{{"x.ics", calendarOf(t, "", "", sync)}}}, p)
	if err != nil || l.Settings.Domain != "corp.example.com" {
		t.Errorf("domain %q (%v), want my first address's", l.Settings.Domain, err)
	}
	p.Settings.Domain = "example.org"
	if l, err = Load(context.Background(), Sources{Calendars: []Calendar{{"x.ics", calendarOf(t, "", "", sync)}}}, p); err != nil || l.Settings.Domain != "example.org" {
		t.Errorf("domain %q (%v), want the one given", l.Settings.Domain, err)
	}
}

// TestMerge: an event on two calendars counts once; the calendars are
// named in order; the events are classified with me settled.
func TestMerge(t *testing.T) {
	lunch := "UID:lunch@example.com\nSUMMARY:Lunch\nDTSTART:20260304T120000Z\nDTEND:20260304T130000Z"
	p := plan()
	p.Me = []string{"me@corp.example.com"}
	src := Sources{Calendars: []Calendar{
		{"work.ics", calendarOf(t, "", "", sync)},
		{"team.ics", calendarOf(t, "", "", sync, lunch)},
	}}
	l, err := Load(context.Background(), src, p)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Sources, []string{"work.ics", "team.ics"}) || len(l.Events) != 2 {
		t.Fatalf("sources %v, %d events; want both calendars, the sync once and lunch", l.Sources, len(l.Events))
	}
	if l.Events[0].Title != "Sync" || l.Events[0].Kind != classify.KindMeeting || l.Events[1].Kind != classify.KindPersonal {
		t.Errorf("events %s (%s), %s (%s)", l.Events[0].Title, l.Events[0].Kind, l.Events[1].Title, l.Events[1].Kind)
	}
	res := analyze.Analyze(l.Input())
	if res.Total.MeetingMinutes != 60 || res.Total.PersonalMinutes != 60 {
		t.Errorf("meeting %d, personal %d minutes; want 60 and 60", res.Total.MeetingMinutes, res.Total.PersonalMinutes)
	}
	if got, want := l.Judge(res.Total), verdict.Judge(verdict.FromCalendar(res.Total), l.Bands); got.Track != want.Track || !slices.Equal(got.Reasons, want.Reasons) {
		t.Errorf("judged %v, want %v", got, want)
	}
}

func TestErrorsNameTheCalendar(t *testing.T) {
	refused := errors.New("access refused")
	for _, b := range []broken{{info: refused}, {events: refused}} {
		b.Source = calendarOf(t, "", "", sync)
		_, err := Load(context.Background(), Sources{Calendars: []Calendar{{"ok.ics", calendarOf(t, "", "")}, {"google:primary", b}}}, plan())
		if !errors.Is(err, refused) || !strings.HasPrefix(err.Error(), "google:primary: ") {
			t.Errorf("error %v, want one naming google:primary and wrapping the cause", err)
		}
	}
}
