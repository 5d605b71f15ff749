package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/emtime/emtime/pkg/whatif"
)

// TrendReport is the document `emtime trend -o json` prints: each week's
// shares and track, the same rolled over the window of weeks that ends
// with it, the weeks where the rolling track changes, and how long the
// current one has held. Every figure is the trend's ([whatif.NewTrend]):
// a rolling figure is the sum of the window's minutes judged as one
// stretch, not a mean of shares.
type TrendReport struct {
	Head
	// Window is the number of weeks each rolling figure is summed over.
	Window      int               `json:"window"`
	Weeks       []TrendWeek       `json:"weeks"`
	Transitions []TrendTransition `json:"transitions"`
	Summary     TrendSummary      `json:"summary"`
	Warnings    []string          `json:"warnings"`

	// Columns are the weeks as the terminal chart draws them: one a
	// column, or runs of weeks summed when there are more than fit.
	Columns []TrendColumn `json:"-"`
}

// TrendWeek is one week of a trend: its own figures, then those of the
// window of weeks that ends with it.
type TrendWeek struct {
	WeekStart       string   `json:"week_start"`
	WeekEnd         string   `json:"week_end"`
	Full            bool     `json:"full"`
	Current         bool     `json:"current"`
	CapacityMinutes int      `json:"capacity_minutes"`
	MeetingMinutes  int      `json:"meeting_minutes"`
	FocusMinutes    int      `json:"focus_minutes"`
	MeetingShare    *float64 `json:"meeting_share"`
	FocusShare      *float64 `json:"focus_share"`
	// CodingShare is the share of working time coded, measured from my
	// commits, and CodingTrack its track; both absent when no git history
	// was read.
	CodingShare *float64      `json:"coding_share,omitempty"`
	CodingTrack verdict.Track `json:"coding_track,omitempty"`
	Track       verdict.Track `json:"track"`

	// RollingWeeks is how many weeks the rolling figures hold (the
	// window, or fewer at the start of the range) and RollingFrom the
	// first one's start.
	RollingWeeks           int           `json:"rolling_weeks"`
	RollingFrom            string        `json:"rolling_from"`
	RollingCapacityMinutes int           `json:"rolling_capacity_minutes"`
	RollingMeetingMinutes  int           `json:"rolling_meeting_minutes"`
	RollingFocusMinutes    int           `json:"rolling_focus_minutes"`
	RollingMeetingShare    *float64      `json:"rolling_meeting_share"`
	RollingFocusShare      *float64      `json:"rolling_focus_share"`
	RollingCodingShare     *float64      `json:"rolling_coding_share,omitempty"`
	RollingCodingTrack     verdict.Track `json:"rolling_coding_track,omitempty"`
	RollingTrack           verdict.Track `json:"rolling_track"`
	RollingReasons         []string      `json:"rolling_reasons"`
}

// TrendTransition is a week where the rolling track changes: the rolling
// shares of the week before and of this one.
type TrendTransition struct {
	WeekStart          string        `json:"week_start"`
	From               verdict.Track `json:"from"`
	To                 verdict.Track `json:"to"`
	MeetingShareBefore *float64      `json:"meeting_share_before"`
	MeetingShareAfter  *float64      `json:"meeting_share_after"`
	FocusShareBefore   *float64      `json:"focus_share_before"`
	FocusShareAfter    *float64      `json:"focus_share_after"`
	CodingShareBefore  *float64      `json:"coding_share_before,omitempty"`
	CodingShareAfter   *float64      `json:"coding_share_after,omitempty"`
	RollingWeeks       int           `json:"rolling_weeks"`
	Says               string        `json:"says"`

	// week is the week's index in [TrendReport.Weeks].
	week int
}

// TrendSummary is the rolling track of the last week and how long it has
// held.
type TrendSummary struct {
	RollingTrack verdict.Track `json:"rolling_track"`
	// Since is the first week of the run of weeks with that rolling
	// track that ends with the last week; Weeks the run's length.
	Since string `json:"since"`
	Weeks int    `json:"weeks"`
	// FromStart is true when the run starts with the range: the track may
	// have held for longer.
	FromStart bool   `json:"from_start"`
	Says      string `json:"says"`
}

// TrendColumn is a column of the terminal chart: a week, or a run of
// weeks summed as one stretch.
type TrendColumn struct {
	// First and Last index the weeks it holds in [TrendReport.Weeks].
	First, Last                           int
	MeetingShare, FocusShare, CodingShare *float64
}

// TrendInput is everything a trend's report is made of.
type TrendInput struct {
	Trend whatif.Trend
	// Result is the range's accounting the trend was made of.
	Result   analyze.Result
	Settings analyze.Settings
	Rules    classify.Rules
	Bands    verdict.Bands
	Today    time.Time
	Me       []string
	Sources  []string
	Warnings []string
	// Git is what was read of git history; nil when none was.
	Git *Git
	// Columns are the runs of weeks the terminal chart draws
	// ([whatif.Trend.Buckets]); nil draws a column a week.
	Columns []whatif.Bucket
}

// NewTrend builds the report of a trend.
func NewTrend(in TrendInput) TrendReport {
	res, s, tr := in.Result, in.Settings, in.Trend
	r := TrendReport{
		Head:        newHead(res, s, in.Rules, in.Bands, in.Git, in.Today, in.Me, in.Sources),
		Window:      tr.Window,
		Weeks:       make([]TrendWeek, 0, len(tr.Weeks)),
		Transitions: make([]TrendTransition, 0, len(tr.Transitions)),
		Warnings:    nonNil(in.Warnings),
	}
	current := res.WeekOf(in.Today)
	for i, w := range tr.Weeks {
		first, last := w.Start, w.Start.AddDate(0, 0, 6)
		if first.Before(res.From) {
			first = res.From
		}
		if end := res.To.AddDate(0, 0, -1); last.After(end) {
			last = end
		}
		ro := w.Rolling
		r.Weeks = append(r.Weeks, TrendWeek{
			WeekStart: first.Format(day), WeekEnd: last.Format(day), Full: w.Full, Current: i == current,
			CapacityMinutes: w.CapacityMinutes, MeetingMinutes: w.MeetingMinutes, FocusMinutes: w.FocusMinutes,
			MeetingShare: share(w.Tally.MeetingShare()), FocusShare: share(w.Tally.FocusShare()),
			CodingShare: codingShare(w.Shares), CodingTrack: w.Verdict.CodingTrack, Track: w.Verdict.Track,

			RollingWeeks: ro.Weeks, RollingFrom: ro.Start.Format(day),
			RollingCapacityMinutes: ro.Tally.CapacityMinutes, RollingMeetingMinutes: ro.Tally.MeetingMinutes,
			RollingFocusMinutes: ro.Tally.FocusMinutes,
			RollingMeetingShare: share(ro.Tally.MeetingShare()), RollingFocusShare: share(ro.Tally.FocusShare()),
			RollingCodingShare: codingShare(ro.Shares), RollingCodingTrack: ro.Verdict.CodingTrack, RollingTrack: ro.Verdict.Track,
			RollingReasons: nonNil(ro.Verdict.Reasons),
		})
	}
	for _, t := range tr.Transitions {
		r.Transitions = append(r.Transitions, TrendTransition{
			WeekStart: r.Weeks[t.Week].WeekStart, From: t.From, To: t.To,
			MeetingShareBefore: shareOf(t.Before, t.Before.Meeting), MeetingShareAfter: shareOf(t.After, t.After.Meeting),
			FocusShareBefore: shareOf(t.Before, t.Before.Focus), FocusShareAfter: shareOf(t.After, t.After.Focus),
			CodingShareBefore: codingShare(t.Before), CodingShareAfter: codingShare(t.After),
			RollingWeeks: t.Weeks, Says: t.Says, week: t.Week,
		})
	}
	h := tr.Current
	r.Summary = TrendSummary{RollingTrack: h.Track, Weeks: h.Weeks, FromStart: h.FromStart, Says: h.Says}
	if h.Weeks > 0 {
		r.Summary.Since = r.Weeks[h.SinceWeek].WeekStart
	}
	buckets := in.Columns
	if buckets == nil {
		for i, w := range tr.Weeks {
			buckets = append(buckets, whatif.Bucket{First: i, Last: i, Tally: w.Tally, Shares: w.Shares})
		}
	}
	for _, b := range buckets {
		r.Columns = append(r.Columns, TrendColumn{
			First: b.First, Last: b.Last,
			MeetingShare: shareOf(b.Shares, b.Shares.Meeting), FocusShare: shareOf(b.Shares, b.Shares.Focus),
			CodingShare: codingShare(b.Shares),
		})
	}
	return r
}

// shareOf is one of a stretch's shares as the documents give it: rounded
// to four decimals, nil when the stretch has no capacity.
func shareOf(sh whatif.Shares, f float64) *float64 { return share(f, sh.Capacity) }

// codingShare is the coding share of a stretch measured from my commits;
// nil when no git history was read.
func codingShare(sh whatif.Shares) *float64 {
	if !sh.FromGit {
		return nil
	}
	return shareOf(sh, sh.Commits)
}

// hasCoding reports whether the trend's weeks carry a coding share of
// their own: the tables then show it.
func (r TrendReport) hasCoding() bool {
	for _, w := range r.Weeks {
		if w.CodingShare != nil || w.RollingCodingShare != nil {
			return true
		}
	}
	return false
}

// WriteTrendJSON writes the trend as one indented JSON document, escaped
// as in [WriteJSON].
func WriteTrendJSON(w io.Writer, r TrendReport) error {
	return writeJSON(w, r, "  ")
}

// trendColumns are the trend CSV's columns; the coding shares join them
// when the weeks carry one.
func trendColumns(r TrendReport) []column[TrendWeek] {
	num := intColumn[TrendWeek]
	shr := shareColumn[TrendWeek]
	text := textColumn[TrendWeek]
	coding := r.hasCoding()
	// The transition, if any, of each week.
	moved := make(map[string]TrendTransition)
	for _, t := range r.Transitions {
		moved[t.WeekStart] = t
	}
	cols := []column[TrendWeek]{
		text("week_start", func(w TrendWeek) string { return w.WeekStart }),
		text("week_end", func(w TrendWeek) string { return w.WeekEnd }),
		boolColumn("full", func(w TrendWeek) bool { return w.Full }),
		boolColumn("current", func(w TrendWeek) bool { return w.Current }),
		num("capacity_minutes", func(w TrendWeek) int { return w.CapacityMinutes }),
		num("meeting_minutes", func(w TrendWeek) int { return w.MeetingMinutes }),
		num("focus_minutes", func(w TrendWeek) int { return w.FocusMinutes }),
		shr("meeting_share", func(w TrendWeek) *float64 { return w.MeetingShare }),
		shr("focus_share", func(w TrendWeek) *float64 { return w.FocusShare }),
	}
	if coding {
		cols = append(cols, shr("coding_share", func(w TrendWeek) *float64 { return w.CodingShare }))
	}
	cols = append(cols,
		text("track", func(w TrendWeek) string { return string(w.Track) }),
		num("rolling_weeks", func(w TrendWeek) int { return w.RollingWeeks }),
		text("rolling_from", func(w TrendWeek) string { return w.RollingFrom }),
		num("rolling_capacity_minutes", func(w TrendWeek) int { return w.RollingCapacityMinutes }),
		num("rolling_meeting_minutes", func(w TrendWeek) int { return w.RollingMeetingMinutes }),
		num("rolling_focus_minutes", func(w TrendWeek) int { return w.RollingFocusMinutes }),
		shr("rolling_meeting_share", func(w TrendWeek) *float64 { return w.RollingMeetingShare }),
		shr("rolling_focus_share", func(w TrendWeek) *float64 { return w.RollingFocusShare }),
	)
	if coding {
		cols = append(cols, shr("rolling_coding_share", func(w TrendWeek) *float64 { return w.RollingCodingShare }))
	}
	return append(cols,
		text("rolling_track", func(w TrendWeek) string { return string(w.RollingTrack) }),
		text("transition_from", func(w TrendWeek) string { return string(moved[w.WeekStart].From) }),
		text("transition_to", func(w TrendWeek) string { return string(moved[w.WeekStart].To) }),
	)
}

// WriteTrendCSV writes the trend's weeks as CSV: a header row, then one
// row per week with its own figures, the rolling ones, and, on a week
// where the rolling track changes, the tracks it changed from and to.
// Minutes are whole numbers and shares fractions, as in the JSON
// document; a share is empty when there is no capacity. Text cells are
// guarded as in [WriteCSV].
func WriteTrendCSV(w io.Writer, r TrendReport) error {
	return writeColumns(w, trendColumns(r), r.Weeks)
}

// WriteTrendMarkdown writes the trend as GitHub-flavoured Markdown: a
// heading, how long the current rolling track has held, a table of the
// weeks with their own and their rolling shares and tracks, and the
// transitions as a list.
func WriteTrendMarkdown(w io.Writer, r TrendReport) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Trend, %s to %s (%s)\n\n", mdText(r.Range.From), mdText(r.Range.To), mdText(r.Timezone))
	bands := r.Settings.Bands
	fmt.Fprintf(&b, "%s, working hours %s; %s. "+
		"Meetings taking %s–%s of working time are an engineering manager's; focus time of %s–%s is an individual contributor's coding time.\n\n",
		plural(r.Range.Weeks, "week"), mdText(hoursSummary(r.Settings.WorkHours)), rollingWords(r.Window),
		pct(bands.EMMeetingMin), pct(bands.EMMeetingMax), pct(bands.ICFocusMin), pct(bands.ICFocusMax))
	fmt.Fprintf(&b, "**Now:** %s.\n\n", mdText(r.Summary.Says))

	roll := rollingLabel(r.Window)
	coding := r.hasCoding()
	type col struct {
		head  string
		right bool
	}
	cols := []col{{"Week", false}, {"Meetings", true}, {"Focus", true}}
	if coding {
		cols = append(cols, col{"Coding", true})
	}
	cols = append(cols, col{"Track", false}, col{roll + " meetings", true}, col{roll + " focus", true})
	if coding {
		cols = append(cols, col{roll + " coding", true})
	}
	cols = append(cols, col{roll + " track", false})
	heads, right := make([]string, len(cols)), make([]bool, len(cols))
	for i, c := range cols {
		heads[i], right[i] = c.head, c.right
	}
	mdTableHead(&b, heads, right)
	changes := make(map[string]TrendTransition)
	for _, t := range r.Transitions {
		changes[t.WeekStart] = t
	}
	for _, wk := range r.Weeks {
		label := mdText(wk.WeekStart)
		if wk.Current {
			label += " (this week)"
		} else if !wk.Full {
			label += " (part)"
		}
		row := []string{label, pctOf(wk.MeetingShare), pctOf(wk.FocusShare)}
		if coding {
			row = append(row, pctOf(wk.CodingShare))
		}
		track := mdText(string(wk.RollingTrack))
		if t, ok := changes[wk.WeekStart]; ok {
			track = "**" + mdText(string(t.To)) + "** (from " + mdText(string(t.From)) + ")"
		}
		row = append(row, mdText(string(wk.Track)), pctOf(wk.RollingMeetingShare), pctOf(wk.RollingFocusShare))
		if coding {
			row = append(row, pctOf(wk.RollingCodingShare))
		}
		row = append(row, track)
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n## Transitions\n\n")
	if len(r.Transitions) == 0 {
		fmt.Fprintf(&b, "None: the %s track held over the whole range.\n", mdText(trackLabel(r.Summary.RollingTrack)))
	}
	for _, t := range r.Transitions {
		b.WriteString("- " + mdItem(capitalize(t.Says)) + ".\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// rollingLabel names the rolling figures in a heading: "4-week".
func rollingLabel(window int) string { return strconv.Itoa(window) + "-week" }

// trackLabel is a track's short name: "IC", "EM", "hybrid".
func trackLabel(t verdict.Track) string { return t.Words().Label }
