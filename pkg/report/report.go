// Package report turns an analysis into what people and tools read: the
// [Report] document (the JSON schema, documented in the README) and its
// renderings as a table or JSON, and the list of classified events behind
// it; and the documents of the what-ifs, [TrendReport] and
// [MeetingsReport], in the same formats (trend*.go, meetings*.go).
//
// Report code formats; it does not count or judge. Every number comes from
// [analyze.Result] and every verdict from [Input.Verdicts], judged by the
// caller with [verdict.Judge].
//
// A [Tally] is written once, as the families of [analyze.Tally] and the
// [verdict.Verdict] embedded in the order of the document: each carries its
// JSON keys. The coding family ([Coding]) is there only when git history
// was read ([Input.Git]): without it no format shows a coding figure, and
// the document is what it was before emtime read git. A new family of counters shows in the JSON by being embedded
// in Tally, and in the CSV by a table of its columns (weekColumns); the
// other renderings pick the figures they show by name, from lists of their
// own: the Markdown table's columns (mdWeekColumns), the terminal table and
// its facts (WriteTable), and the HTML page's figures (newHTMLPage).
package report

import (
	"math"
	"slices"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/verdict"
)

// SchemaVersion is the version of the JSON document; it changes when a key
// changes meaning or goes away (adding a key does not change it).
const SchemaVersion = 1

// Head is what every document of a range starts with: `analyze`'s,
// `trend`'s and `meetings`'s.
type Head struct {
	SchemaVersion int      `json:"schema_version"`
	Timezone      string   `json:"timezone"`
	Today         string   `json:"today"`
	Range         Range    `json:"range"`
	Me            []string `json:"me"`
	Sources       []string `json:"sources"`
	Settings      Settings `json:"settings"`
}

// newHead makes the head of a document of res's range, counted with s,
// rules and bands.
func newHead(res analyze.Result, s analyze.Settings, rules classify.Rules, b verdict.Bands, git *Git, today time.Time, me, sources []string) Head {
	return Head{
		SchemaVersion: SchemaVersion,
		Timezone:      s.Zone.String(),
		Today:         today.In(s.Zone).Format(day),
		Range: Range{
			From:  res.From.Format(day),
			To:    res.To.AddDate(0, 0, -1).Format(day),
			Days:  res.Total.Days,
			Weeks: len(res.Weeks),
		},
		Me:       nonNil(me),
		Sources:  nonNil(sources),
		Settings: settings(s, rules, b, git),
	}
}

// Report is the document `emtime analyze -o json` prints.
type Report struct {
	Head
	Weeks   []Week  `json:"weeks"`
	Summary Summary `json:"summary"`
	// Heat is where in the week the meetings and the focus stretches sit,
	// one row per weekday from the week start.
	Heat     []HeatDay `json:"heat"`
	Warnings []string  `json:"warnings"`

	// FocusCosts are the range's meeting series, and Trend its trend when
	// the range is longer than the trend's window: only the HTML page
	// draws them ([WhatifsOf]); `emtime meetings` and `emtime trend` give
	// them in every format.
	FocusCosts []MeetingSeries `json:"-"`
	Trend      *TrendReport    `json:"-"`
}

// HeatDay is one weekday of the heat map: the meeting and focus minutes
// that fell in each wall-clock hour (00:00–01:00 first) on every such day
// of the range, summed, and with git history the coding minutes. Dividing
// by Days gives the average day.
type HeatDay struct {
	Weekday        string  `json:"weekday"`
	Days           int     `json:"days"`
	MeetingMinutes [24]int `json:"meeting_minutes"`
	FocusMinutes   [24]int `json:"focus_minutes"`
	// CodingMinutes are the minutes the coding figures count, in working
	// hours and after them; nil without git history.
	CodingMinutes *[24]int `json:"coding_minutes,omitempty"`
}

// Range is the stretch of days analyzed; both dates are included.
type Range struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Days  int    `json:"days"`
	Weeks int    `json:"weeks"`
}

// Settings are the thresholds the numbers were counted with.
type Settings struct {
	WorkHours            map[string]string `json:"work_hours"`
	WeekStart            string            `json:"week_start"`
	FocusMinMinutes      int               `json:"focus_min_minutes"`
	BackToBackGapMinutes int               `json:"back_to_back_gap_minutes"`
	LargeMeetingPeople   int               `json:"large_meeting_people"`
	OnlyAccepted         bool              `json:"only_accepted"`
	Domain               string            `json:"domain"`
	Bands                Bands             `json:"bands"`
	// Categories are the meeting categories in the order they are tried:
	// the custom rules of the config file, then the built-in ones. Every
	// one of them is a key of each tally's categories.
	Categories []string `json:"categories"`
	// GitSettings say how the coding figures were counted; nil (and no
	// key) without git history.
	*GitSettings
}

// GitSettings are the settings of the coding figures, and the repositories
// they were read from.
type GitSettings struct {
	CodingGapMinutes        int `json:"coding_gap_minutes"`
	CodingLeadMinutes       int `json:"coding_lead_minutes"`
	AfterHoursCodingMinutes int `json:"after_hours_coding_minutes"`
	// GitAuthors are the addresses my commits were matched with.
	GitAuthors []string `json:"git_authors"`
	// Git are the repositories read, in the order found.
	Git []GitRepo `json:"git"`
}

// GitRepo is one repository read, and how many commits of mine in the
// range it holds (a commit found in two clones counts in each).
type GitRepo struct {
	Repository string `json:"repository"`
	Commits    int    `json:"commits"`
	// Shallow and Corrupt say it was read only as far as it goes.
	Shallow bool `json:"shallow"`
	Corrupt bool `json:"corrupt"`
}

// Bands are the article's bands the verdicts were judged against.
type Bands struct {
	EMMeetingMin float64 `json:"em_meeting_min"`
	EMMeetingMax float64 `json:"em_meeting_max"`
	ICFocusMin   float64 `json:"ic_focus_min"`
	ICFocusMax   float64 `json:"ic_focus_max"`
	EMFocusMax   float64 `json:"em_focus_max"`
}

// Tally is the accounting of a week or of the range, with its verdict: the
// families of [analyze.Tally], each embedded where its keys sit in the
// document, the shares of capacity, and the verdict.
type Tally struct {
	analyze.TimeTally // days, work_days, working_minutes … external_meeting_minutes

	// The time family's minutes as shares of capacity, rounded to four
	// decimals (0.6125 is 61.25%); nil when there is no capacity.
	MeetingShare    *float64 `json:"meeting_share"`
	FocusShare      *float64 `json:"focus_share"`
	FragmentedShare *float64 `json:"fragmented_share"`

	analyze.MeetingTally // meeting_count … longest_focus_minutes

	// Categories holds every category the rules can give, used or not, so
	// that tools find the same keys in every week.
	Categories map[string]Category `json:"categories"`
	TopPeople  []Person            `json:"top_people"`

	// Coding is the coding family and its shares; nil (and no key)
	// without git history.
	*Coding // coding_minutes … focus_used_for_coding

	verdict.Verdict // track, coding_track, reasons, bottleneck_risk
}

// Coding is the coding family of a tally, measured from my commits, and
// its shares.
type Coding struct {
	analyze.CodingTally // coding_minutes … repos
	// CodingShare is coding_minutes over capacity, FocusUsedForCoding
	// coding_in_focus_minutes over focus_minutes, rounded to four
	// decimals; nil when there is no capacity, or no focus.
	CodingShare        *float64 `json:"coding_share"`
	FocusUsedForCoding *float64 `json:"focus_used_for_coding"`
}

// Category counts the meetings of one category.
type Category struct {
	Count   int `json:"count"`
	Minutes int `json:"minutes"`
}

// Person is someone I spend meeting time with.
type Person struct {
	Person  string `json:"person"`
	Minutes int    `json:"minutes"`
}

// Week is one week of the range.
type Week struct {
	WeekStart string `json:"week_start"`
	WeekEnd   string `json:"week_end"`
	Full      bool   `json:"full"`
	Current   bool   `json:"current"`
	Tally
}

// Summary is the whole range, and the current week picked out.
type Summary struct {
	From string `json:"from"`
	To   string `json:"to"`
	Tally
	// CurrentWeek is the week holding today, counted as scheduled, or nil
	// when today is outside the range.
	CurrentWeek *Week `json:"current_week"`
}

// Input is everything a report is made of.
type Input struct {
	Result analyze.Result
	// Verdicts are the judged weeks and range of Result.
	Verdicts Verdicts
	Settings analyze.Settings
	Rules    classify.Rules
	// Bands are those the verdicts were judged against.
	Bands verdict.Bands
	// Today places the current week.
	Today    time.Time
	Me       []string
	Sources  []string
	Warnings []string
	// Git is what was read of git history; nil when none was, and the
	// report then shows no coding figure.
	Git *Git
}

// Git is what a run read of git history.
type Git struct {
	// Authors are the addresses my commits were matched with.
	Authors []string
	// Gap, Lead and AfterHours are the settings the coding was counted
	// and judged with.
	Gap, Lead, AfterHours time.Duration
	Repos                 []GitRepo
}

// Verdicts are the verdicts of an analysis, judged before it is reported.
type Verdicts struct {
	// Weeks holds the verdict of each week of the result, in order.
	Weeks []verdict.Verdict
	// Total is the verdict of the whole range.
	Total verdict.Verdict
}

const day = "2006-01-02"

// New builds the report of an analysis and its verdicts.
func New(in Input) Report {
	res, s := in.Result, in.Settings
	r := Report{
		Head:     newHead(res, s, in.Rules, in.Bands, in.Git, in.Today, in.Me, in.Sources),
		Weeks:    []Week{},
		Warnings: nonNil(in.Warnings),
	}
	current := res.WeekOf(in.Today)
	for i, w := range res.Weeks {
		first, last := w.Start, w.Start.AddDate(0, 0, 6)
		if first.Before(res.From) {
			first = res.From
		}
		if end := res.To.AddDate(0, 0, -1); last.After(end) {
			last = end
		}
		r.Weeks = append(r.Weeks, Week{
			WeekStart: first.Format(day),
			WeekEnd:   last.Format(day),
			Full:      w.Full,
			Current:   i == current,
			Tally:     tally(w.Tally, weekVerdict(in.Verdicts, i), in.Rules, in.Git != nil),
		})
	}
	r.Summary = Summary{From: r.Range.From, To: r.Range.To, Tally: tally(res.Total, in.Verdicts.Total, in.Rules, in.Git != nil)}
	r.Heat = heat(res.Heat, s.WeekStart, in.Git != nil)
	if current >= 0 {
		cw := r.Weeks[current]
		r.Summary.CurrentWeek = &cw
	}
	return r
}

// HasGit reports whether the report holds coding figures from git
// history.
func (r Report) HasGit() bool { return r.Settings.GitSettings != nil }

func settings(s analyze.Settings, rules classify.Rules, b verdict.Bands, git *Git) Settings {
	hours := make(map[string]string)
	for d := time.Sunday; d <= time.Saturday; d++ {
		if span := s.Hours[d]; !span.IsZero() {
			hours[weekdayKey(d)] = span.String()
		}
	}
	var cats []string
	for _, rule := range rules.Custom {
		if !slices.Contains(cats, string(rule.Name)) {
			cats = append(cats, string(rule.Name))
		}
	}
	for _, c := range classify.Categories() {
		if !slices.Contains(cats, string(c)) {
			cats = append(cats, string(c))
		}
	}
	var gs *GitSettings
	if git != nil {
		gs = &GitSettings{
			CodingGapMinutes:        int(git.Gap / time.Minute),
			CodingLeadMinutes:       int(git.Lead / time.Minute),
			AfterHoursCodingMinutes: int(git.AfterHours / time.Minute),
			GitAuthors:              nonNil(git.Authors),
			Git:                     slices.Clone(git.Repos),
		}
		if gs.Git == nil {
			gs.Git = []GitRepo{}
		}
	}
	return Settings{
		GitSettings:          gs,
		Categories:           cats,
		WorkHours:            hours,
		WeekStart:            weekdayKey(s.WeekStart),
		FocusMinMinutes:      int(s.FocusMin / time.Minute),
		BackToBackGapMinutes: int(s.BackToBackGap / time.Minute),
		LargeMeetingPeople:   rules.LargeMeeting,
		OnlyAccepted:         rules.OnlyAccepted,
		Domain:               s.Domain,
		Bands: Bands{
			EMMeetingMin: b.EMMeetingMin, EMMeetingMax: b.EMMeetingMax,
			ICFocusMin: b.ICCodingMin, ICFocusMax: b.ICCodingMax, EMFocusMax: b.EMCodingMax,
		},
	}
}

// heat lists the weekdays of h in the order of a week starting on start.
func heat(h analyze.Heat, start time.Weekday, git bool) []HeatDay {
	out := make([]HeatDay, 0, 7)
	for i := range 7 {
		d := (start + time.Weekday(i)) % 7
		hd := HeatDay{
			Weekday:        weekdayKey(d),
			Days:           h.Days[d],
			MeetingMinutes: h.Meeting[d],
			FocusMinutes:   h.Focus[d],
		}
		if git {
			coding := h.Coding[d]
			hd.CodingMinutes = &coding
		}
		out = append(out, hd)
	}
	return out
}

func weekdayKey(d time.Weekday) string {
	return [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d]
}

// weekVerdict is the verdict of week i; a week left unjudged has none.
func weekVerdict(v Verdicts, i int) verdict.Verdict {
	if i < len(v.Weeks) {
		return v.Weeks[i]
	}
	return verdict.Verdict{}
}

func tally(t analyze.Tally, v verdict.Verdict, rules classify.Rules, git bool) Tally {
	out := Tally{
		TimeTally:       t.TimeTally,
		MeetingShare:    share(t.MeetingShare()),
		FocusShare:      share(t.FocusShare()),
		FragmentedShare: share(t.FragmentedShare()),
		MeetingTally:    t.MeetingTally,
		Categories:      make(map[string]Category),
		TopPeople:       []Person{},
		Verdict:         v,
	}
	// Every category the rules can give has a key, used or not, so that
	// tools find the same keys in every week.
	for _, rule := range rules.Custom {
		out.Categories[string(rule.Name)] = Category{}
	}
	for c, ct := range t.Categories {
		out.Categories[string(c)] = Category{Count: ct.Count, Minutes: ct.Minutes}
	}
	for _, p := range t.People {
		out.TopPeople = append(out.TopPeople, Person{p.Person, p.Minutes})
	}
	if git {
		out.Coding = &Coding{
			CodingTally:        t.CodingTally.Figures(),
			CodingShare:        share(t.CodingShare()),
			FocusUsedForCoding: share(t.FocusUsedForCoding()),
		}
	}
	return out
}

// share rounds a share to four decimals (0.6125 is 61.25%); nil when there
// is no capacity.
func share(f float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	r := math.Round(f*10000) / 10000
	return &r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
