package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestMeetingsReportAddsUp: the series listed add up to the range's
// meetings, and --top cuts the list, not the count.
func TestMeetingsReportAddsUp(t *testing.T) {
	r := promotionMeetings(t)
	minutes, occurrences := 0, 0
	for _, x := range r.Series {
		minutes += x.Minutes
		occurrences += x.Occurrences
	}
	if s := r.Summary; minutes != s.MeetingMinutes || occurrences != s.MeetingCount || s.MeetingMinutes != 5700 || s.Series != len(r.Series) || s.Listed != s.Series {
		t.Errorf("series add up to %d minutes in %d occurrences; the summary %+v", minutes, occurrences, s)
	}
	if x := r.Series[0]; x.Title != "Cross-team sync" || x.FocusCostMinutes != 3600 || x.WeeklyMinutes != 300 || x.People != 4 ||
		x.OrganizerIsMe || x.MyResponse != "accepted" || len(x.Weekdays) != 5 || x.Weekdays[0] != "mon" {
		t.Errorf("the costliest series %+v", x)
	}
	tg := r.Target
	if tg == nil || !tg.Reached || tg.TrackAfter != "ic" || len(tg.Drop) != 3 || len(tg.Steps) != 3 || tg.Steps[2].Track != "ic" ||
		tg.Drop[0] != "Cross-team sync" || tg.DropKeys[0] != "series:cross-team@example.com" {
		t.Errorf("target %+v", tg)
	}
	if len(r.Moves) != 3 || !r.Moves[0].Found || r.Moves[0].To != "12:00" || r.Moves[0].From != "13:00" || r.AttendeesNotKnown == "" {
		t.Errorf("moves %+v", r.Moves)
	}
}

// TestMeetingsTableFitsTheWidth: a long title is cut to the room the
// figures leave, no line is wider than the terminal, and the meetings I
// organise are starred.
func TestMeetingsTableFitsTheWidth(t *testing.T) {
	r := promotionMeetings(t)
	r.Series[1].Title = "Interview: backend engineer, second round, with the platform team and a take-home review"
	for _, width := range []int{60, 80, 120} {
		for _, st := range []Style{{}, {Unicode: true}} {
			var b bytes.Buffer
			if err := WriteMeetingsTable(&b, r, st, width); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, l := range strings.Split(out, "\n") {
				if n := textWidth(l); n > width {
					t.Errorf("width %d: a line of %d: %q", width, n, l)
				}
			}
			star := "*"
			if st.Unicode {
				star = "★"
			}
			if !strings.Contains(out, star+"  Ops review") || !strings.Contains(out, "   Cross-team sync") {
				t.Errorf("width %d: marks:\n%s", width, out)
			}
			if !strings.Contains(out, "Interview: backend") || strings.Contains(out, "take-home review ") {
				t.Errorf("width %d: the long title is not cut:\n%s", width, out)
			}
		}
	}
}

// TestMeetingsMarkdownAndCSV list the same series.
func TestMeetingsMarkdownAndCSV(t *testing.T) {
	r := promotionMeetings(t)
	var md, cv bytes.Buffer
	if err := WriteMeetingsMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteMeetingsCSV(&cv, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| Cross-team sync | recurring | 4 | 20 | 20h00 | 5h00 | 60h00 |") ||
		!strings.Contains(md.String(), "## What to drop to look like an IC") || !strings.Contains(md.String(), "## Better times") {
		t.Errorf("Markdown:\n%s", md.String())
	}
	rows := strings.Split(strings.TrimSpace(cv.String()), "\n")
	if len(rows) != len(r.Series)+1 || !strings.HasPrefix(rows[1], "series:cross-team@example.com,true,Cross-team sync,recurring,4,") ||
		!strings.HasSuffix(rows[1], ",mon tue wed thu fri,20,1200,300,3600") {
		t.Errorf("CSV:\n%s", cv.String())
	}
}
