package ics

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/calendar"
)

// busyCalendar writes ten years (2016–2025) of a busy engineering
// manager's calendar in Europe/Berlin, the shape of the end-to-end
// benchmark in pkg/cli: a daily stand-up and lunch, 160 weekly series and
// 25 one-off meetings a week, with attendees. It is about 5 MB and 100,000
// occurrences, most of its lines in the 13,000 one-off events.
func busyCalendar() []byte {
	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//emtime//bench//EN\r\nX-WR-CALNAME:me@example.com\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
	event := func(uid, title, start, end, rrule string, people int) {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s\r\nSUMMARY:%s\r\nDTSTART;TZID=Europe/Berlin:%s\r\nDTEND;TZID=Europe/Berlin:%s\r\n", uid, title, start, end)
		if rrule != "" {
			fmt.Fprintf(&b, "RRULE:%s\r\n", rrule)
		}
		if people > 0 {
			b.WriteString("ORGANIZER:mailto:me@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com\r\n")
			for p := range people {
				fmt.Fprintf(&b, "ATTENDEE;PARTSTAT=ACCEPTED:mailto:p%d@example.com\r\n", p)
			}
		}
		b.WriteString("END:VEVENT\r\n")
	}
	first := time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC) // a Monday
	stamp := func(d time.Time, h, m int) string {
		return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).Format("20060102T150405")
	}
	until := "UNTIL=20251231T235959Z"
	event("standup", "Stand-up", stamp(first, 9, 30), stamp(first, 9, 45), "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;"+until, 7)
	event("lunch", "Lunch", stamp(first, 12, 0), stamp(first, 12, 30), "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;"+until, 0)
	for i := range 160 {
		d := first.AddDate(0, 0, i%5)
		h, m := 10+(i/5)%7, 30*(i%2)
		event(fmt.Sprintf("series-%d", i), fmt.Sprintf("Sync %d", i), stamp(d, h, m), stamp(d, h, m+30), "FREQ=WEEKLY;"+until, 1+i%12)
	}
	for w := range 520 {
		for i := range 25 {
			d := first.AddDate(0, 0, 7*w+i%5)
			h := 9 + i%8
			event(fmt.Sprintf("oneoff-%d-%d", w, i), "Review", stamp(d, h, 15), stamp(d, h+1, 0), "", 2+i%4)
		}
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.Bytes()
}

// BenchmarkParse measures reading the busy calendar: the text into entries,
// before any expansion.
func BenchmarkParse(b *testing.B) {
	data := busyCalendar()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	cpu := cpuTime()
	for b.Loop() {
		c, err := Parse("busy.ics", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n = len(c.masters)
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(n), "entries")
}

// BenchmarkRead measures reading the busy calendar and expanding its ten
// years, what every command does before it classifies.
func BenchmarkRead(b *testing.B) {
	data := busyCalendar()
	berlin := zone(b, "Europe/Berlin")
	q := calendar.Query{From: time.Date(2016, 1, 1, 0, 0, 0, 0, berlin), To: time.Date(2026, 1, 1, 0, 0, 0, 0, berlin), Zone: berlin}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	cpu := cpuTime()
	for b.Loop() {
		c, err := Parse("busy.ics", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		r, err := c.Events(context.Background(), q)
		if err != nil {
			b.Fatal(err)
		}
		n = len(r.Events)
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(n), "occurrences")
}
