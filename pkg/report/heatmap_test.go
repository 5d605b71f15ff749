package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
)

// heatLines returns the lines of the heat map under the table: the header
// of hours, then one line per weekday, then the legend.
func heatLines(t *testing.T, r Report, st Style) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, st); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	i := strings.Index(out, "Where the meetings sit")
	if i < 0 {
		t.Fatalf("no heat map under the table:\n%s", out)
	}
	lines := strings.Split(strings.TrimRight(out[i:], "\n"), "\n")
	return lines[2:] // the title and a blank line
}

// cell returns the characters of a weekday's hour in the heat map.
func cell(t *testing.T, lines []string, weekday string, hour int) string {
	t.Helper()
	header := lines[0]
	col := strings.Index(header, " "+twoDigits(hour)+" ")
	if col < 0 && strings.HasSuffix(header, " "+twoDigits(hour)) {
		col = len(header) - 3
	}
	if col < 0 {
		t.Fatalf("no column for %02d:00 in %q", hour, header)
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, weekday+" ") {
			r := []rune(l)
			return string(r[col+1 : col+1+heatCellWidth])
		}
	}
	t.Fatalf("no row for %s in\n%s", weekday, strings.Join(lines, "\n"))
	return ""
}

func twoDigits(h int) string { return string([]byte{byte('0' + h/10), byte('0' + h%10)}) }

func TestTableDrawsTheHeatMap(t *testing.T) {
	r := sampleReport(t)
	plain := heatLines(t, r, Style{Chart: true})
	for _, l := range plain {
		if strings.ContainsAny(l, "░▒▓█\x1b") {
			t.Errorf("plain heat map has block characters or escapes: %q", l)
		}
	}
	// Columns run from two hours before the working day (07:00) to two
	// after (18:00), widened to the evening all-hands at 18:00.
	if got := strings.TrimSpace(plain[0]); got != "07 08 09 10 11 12 13 14 15 16 17 18" {
		t.Errorf("hours %q, want 07 to 18", got)
	}
	// Rows are Monday to Friday: the weekend has no working hours and no
	// meetings.
	var days []string
	for _, l := range plain[1:6] {
		days = append(days, strings.Fields(l)[0])
	}
	if strings.Join(days, " ") != "Mon Tue Wed Thu Fri" {
		t.Errorf("rows %v, want Mon to Fri", days)
	}
	tests := []struct {
		day        string
		hour       int
		plain, uni string
	}{
		{"Mon", 10, "###", "███"}, // the 1:1, every Monday: 60 minutes
		{"Mon", 14, "   ", "   "}, // free every Monday
		{"Tue", 9, "***", "▓▓▓"},  // planning (60) and a stand-up (30) over three Tuesdays
		{"Wed", 18, ":::", "▒▒▒"}, // the all-hands, one evening in three
		{"Tue", 17, "   ", "   "},
	}
	uni := heatLines(t, r, Style{Unicode: true, Chart: true})
	for _, tt := range tests {
		if got := cell(t, plain, tt.day, tt.hour); got != tt.plain {
			t.Errorf("plain %s %02d:00 = %q, want %q", tt.day, tt.hour, got, tt.plain)
		}
		if got := cell(t, uni, tt.day, tt.hour); got != tt.uni {
			t.Errorf("terminal %s %02d:00 = %q, want %q", tt.day, tt.hour, got, tt.uni)
		}
	}
	if legend := plain[len(plain)-1]; !strings.Contains(legend, "## 45-60 min") || !strings.Contains(legend, ".. under 15 min") {
		t.Errorf("legend %q", legend)
	}
	if legend := uni[len(uni)-1]; !strings.Contains(legend, "██ 45–60 min") || !strings.Contains(legend, "░░ under 15 min") {
		t.Errorf("terminal legend %q", legend)
	}
}

func TestTableWithoutChart(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sampleReport(t), Style{Unicode: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Where the meetings sit") {
		t.Errorf("heat map drawn without Style.Chart:\n%s", buf.String())
	}
}

func TestHeatFollowsTheWeekStart(t *testing.T) {
	r := sampleReport(t)
	var order []string
	for _, d := range r.Heat {
		order = append(order, d.Weekday)
	}
	if strings.Join(order, " ") != "mon tue wed thu fri sat sun" {
		t.Errorf("heat rows %v, want Monday first", order)
	}
	// Sunday 22 March has no working hours: the row is there, with its day.
	if sun := r.Heat[6]; sun.Days != 2 || sun.MeetingMinutes != [24]int{} {
		t.Errorf("Sunday row %+v, want two empty Sundays", sun)
	}
	h := heat(analyzeHeat(), time.Sunday, false)
	if h[0].Weekday != "sun" || h[1].Weekday != "mon" || h[1].MeetingMinutes[10] != 60 || h[1].Days != 1 {
		t.Errorf("with weeks from Sunday: %+v", h[:2])
	}
}

func analyzeHeat() analyze.Heat {
	var h analyze.Heat
	h.Meeting[time.Monday][10] = 60
	h.Days[time.Monday] = 1
	return h
}

// TestHeatmapLegendWraps checks that on a narrow terminal the legend's
// keys go on as many lines as the width needs, none cut in two.
func TestHeatmapLegendWraps(t *testing.T) {
	r := sampleReport(t)
	var b bytes.Buffer
	writeHeatmap(&b, r, Style{Unicode: true, Chart: true, Width: 60})
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	legend := lines[len(lines)-2:]
	if legend[0] != "     ░░ under 15 min  ▒▒ 15–30 min  ▓▓ 30–45 min" || legend[1] != "     ██ 45–60 min" {
		t.Errorf("legend at 60 columns:\n%s", strings.Join(legend, "\n"))
	}
}
