package report

import (
	"bytes"
	"strings"
	"testing"
)

// tableRows returns the lines of the first Markdown table in s, header and
// delimiter row included.
func mdTableRows(s string) []string {
	var rows []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "|") {
			rows = append(rows, line)
		} else if len(rows) > 0 {
			break
		}
	}
	return rows
}

// cells splits a table row the way GitHub does: on every pipe that is not
// escaped with a backslash.
func mdCells(row string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row) && row[i+1] == '|':
			cur.WriteString(`\|`)
			i++
		case row[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	// A row starts and ends with a pipe: drop the empty ends.
	if len(out) > 0 {
		out = out[1:]
	}
	return out
}

// unescaped reports whether s holds c without a backslash before it (a
// backslash itself escaped does not count).
func mdUnescaped(s, c string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if strings.HasPrefix(s[i:], c) {
			return true
		}
	}
	return false
}

func TestMarkdownHasATableRowPerWeekAndTheVerdicts(t *testing.T) {
	one := fxReport()
	one.Weeks = one.Weeks[:1]
	one.Range.Weeks = 1
	one.Summary.CurrentWeek = nil
	tests := []struct {
		name string
		r    Report
	}{
		{"three weeks with a current one", fxReport()},
		{"one week, today outside", one},
		{"no weeks", Report{Head: Head{Range: Range{From: "2026-03-02", To: "2026-03-01"}, Timezone: "UTC"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteMarkdown(&buf, tt.r); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			first, _, _ := strings.Cut(out, "\n")
			if want := "# Calendar weeks " + tt.r.Range.From + " to " + tt.r.Range.To + " (" + tt.r.Timezone + ")"; first != want {
				t.Errorf("heading = %q, want %q", first, want)
			}
			rows := mdTableRows(out)
			if len(rows) != len(tt.r.Weeks)+2 {
				t.Fatalf("table has %d lines, want a header, a delimiter and %d weeks:\n%s", len(rows), len(tt.r.Weeks), out)
			}
			for i, wk := range tt.r.Weeks {
				c := mdCells(rows[i+2])
				if len(c) != 6 {
					t.Fatalf("week %d row has %d cells, want 6: %q", i+1, len(c), rows[i+2])
				}
				if !strings.HasPrefix(c[0], wk.WeekStart) || c[1] != hm(wk.CapacityMinutes) ||
					c[2] != pctOf(wk.MeetingShare) || c[3] != pctOf(wk.FocusShare) || c[4] != pctOf(wk.FragmentedShare) ||
					c[5] != string(wk.Track) {
					t.Errorf("week %d row = %q, want %s, %s, %s, %s, %s, %s", i+1, c, wk.WeekStart, hm(wk.CapacityMinutes),
						pctOf(wk.MeetingShare), pctOf(wk.FocusShare), pctOf(wk.FragmentedShare), wk.Track)
				}
				if wk.Current != strings.Contains(c[0], "(this week)") {
					t.Errorf("week %d label %q, current=%v", i+1, c[0], wk.Current)
				}
			}
			if !strings.Contains(out, "\n## Over "+plural(tt.r.Range.Weeks, "week")+": "+trackName(tt.r.Summary.Track)+"\n") {
				t.Errorf("no range verdict heading:\n%s", out)
			}
			for _, reason := range tt.r.Summary.Reasons {
				if !strings.Contains(out, "\n- "+mdText(reason)+"\n") {
					t.Errorf("range reason %q is not a bullet:\n%s", reason, out)
				}
			}
			cw := tt.r.Summary.CurrentWeek
			if got := strings.Contains(out, "## This week ("); got != (cw != nil) {
				t.Errorf("current week section present=%v, want %v:\n%s", got, cw != nil, out)
			}
			if cw != nil {
				for _, reason := range cw.Reasons {
					if !strings.Contains(out, "\n- "+mdText(reason)+"\n") {
						t.Errorf("current week reason %q is not a bullet:\n%s", reason, out)
					}
				}
			}
		})
	}
}

func TestMarkdownEscapesUserText(t *testing.T) {
	titles := []string{
		"Plan | Q3 | budget",
		"two\nlines\r\nand a third",
		"`code` *bold* _em_ ~~gone~~",
		"[click](https://evil.example) ![img](x.png)",
		"<script>alert(1)</script> &amp;",
		`ends with a backslash \`,
		`\| already escaped`,
		"$x^2$ maths",
	}
	var events []Event
	for _, title := range titles {
		events = append(events, Event{Start: "2026-03-02T10:00:00+01:00", End: "2026-03-02T11:00:00+01:00",
			Title: title, Kind: "meeting", Reason: "a | reason", People: []string{"Eve | Mallory", "eve@corp.example"}})
	}
	var buf bytes.Buffer
	if err := WriteEventsMarkdown(&buf, events); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	rows := mdTableRows(out)
	if len(rows) != len(events)+2 {
		t.Fatalf("table has %d lines, want %d events plus header and delimiter:\n%s", len(rows), len(events), out)
	}
	for i, row := range rows {
		if c := mdCells(row); len(c) != 7 {
			t.Errorf("line %d has %d cells, want 7: %q", i+1, len(c), row)
		}
	}
	for _, raw := range []string{"<", ">", "[", "]", "`", "*", "_", "~", "&", "$"} {
		if mdUnescaped(out, raw) {
			t.Errorf("output holds %q unescaped:\n%s", raw, out)
		}
	}
	if !strings.Contains(out, "\n"+plural(len(events), "event")+"\n") {
		t.Errorf("no event count:\n%s", out)
	}
}

func TestMarkdownReasonsAndPeopleStayPlainText(t *testing.T) {
	r := fxReport()
	r.Summary.Reasons = []string{"# not a heading", "- not a nested list", "12. not a numbered list", "> not a quote", "  ==="}
	r.Summary.TopPeople = []Person{{"Eve | Mallory <eve@corp.example>", 60}, {"*star*", 30}}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"\n- \\# not a heading\n", "\n- \\- not a nested list\n", "\n- 12\\. not a numbered list\n",
		"\n- \\> not a quote\n", "\n- \\===\n",
		"Most meeting time with: Eve \\| Mallory \\<eve@corp.example\\> 1h00, \\*star\\* 0h30.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := len(mdTableRows(out)); n != len(r.Weeks)+2 {
		t.Errorf("table has %d lines, want %d", n, len(r.Weeks)+2)
	}
}
