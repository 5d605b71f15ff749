package whatif

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/verdict"
)

// day formats a day as the reports do.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// pct formats a share as a whole percentage.
func pct(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(f*100))) }

// pctPair formats two shares like pct, with as many decimals as it takes
// (up to two) for them not to read as equal to each other, or to one of
// edges, when they are not.
func pctPair(a, b float64, edges ...float64) (string, string) {
	format := func(x float64, prec int) string {
		if prec == 0 {
			return pct(x)
		}
		return strconv.FormatFloat(x*100, 'f', prec, 64) + "%"
	}
	prec := 0
	for ; prec < 2; prec++ {
		clash := a != b && format(a, prec) == format(b, prec)
		for _, e := range edges {
			for _, x := range []float64{a, b} {
				clash = clash || (x != e && format(x, prec) == format(e, prec))
			}
		}
		if !clash {
			break
		}
	}
	return format(a, prec), format(b, prec)
}

// hours formats minutes as 3h or 3h20.
func hours(min int) string {
	sign := ""
	if min < 0 {
		sign, min = "-", -min
	}
	if min%60 == 0 {
		return fmt.Sprintf("%s%dh", sign, min/60)
	}
	return fmt.Sprintf("%s%dh%02d", sign, min/60, min%60)
}

// count says "1 week", "6 weeks", "2 series".
func count(n int, noun string) string {
	if n != 1 && !strings.HasSuffix(noun, "series") {
		noun += "s"
	}
	return strconv.Itoa(n) + " " + noun
}

// average names a rolling figure over n weeks: "four-week average".
func average(n int) string {
	if n <= 1 {
		return "week by week"
	}
	words := []string{"", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
	if n < len(words) {
		return words[n] + "-week average"
	}
	return strconv.Itoa(n) + "-week average"
}

// codingWords names what a coding share was measured from.
func codingWords(src verdict.CodingMeasure) string {
	if src == verdict.CodingFromFocus {
		return "focus time"
	}
	return "coding time"
}

// weekdays names days of the week: "Tuesdays", "Mondays and Thursdays".
func weekdays(days []time.Weekday) string {
	var s string
	for i, d := range days {
		switch {
		case i == 0:
		case i == len(days)-1:
			s += " and "
		default:
			s += ", "
		}
		s += d.String() + "s"
	}
	return s
}

// clock formats a wall-clock offset from midnight as 09:30.
func clock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
