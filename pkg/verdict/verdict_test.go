package verdict

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/calendar"
	"github.com/emtime/emtime/pkg/classify"
)

// tally is a stretch with 10,000 minutes of capacity, so that shares are
// exact: tally(5000, 3000, 2000) is 50% meetings, 30% focus, 20% fragmented.
func tally(meeting, focus, fragmented int) analyze.Tally {
	return analyze.Tally{TimeTally: analyze.TimeTally{
		WorkingMinutes: 10000, CapacityMinutes: 10000,
		MeetingMinutes: meeting, FocusMinutes: focus, FragmentedMinutes: fragmented,
	}}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name       string
		tally      analyze.Tally
		track      Track
		bottleneck bool
		// reasons holds a substring of each reason, in order.
		reasons []string
	}{
		// The edges of the bands. Judge reads the shares only, so some of
		// these tallies do not add up (49.99% meetings and 60% focus).
		{name: "meeting share 50% is em", tally: tally(5000, 3000, 2000), track: TrackEM,
			reasons: []string{"meetings take 50% of working time, inside an engineering manager's 50%–75%", "is 30%, within an EM's 0–30% coding time"}},
		{name: "meeting share 75% is em", tally: tally(7500, 0, 2500), track: TrackEM,
			reasons: []string{"meetings take 75% of working time, inside", "is 0%, within"}},
		{name: "meeting share 75.01% is overloaded", tally: tally(7501, 0, 2499), track: TrackOverloaded,
			reasons: []string{"meetings take 75.01% of working time, above even an engineering manager's 50%–75%", "almost no time is left"}},
		{name: "meeting share 49.99% with focus 60% is ic", tally: tally(4999, 6000, 0), track: TrackIC,
			reasons: []string{"is 60%, within an individual contributor's 60%–70% coding time", "meetings take 49.99% of working time, below an engineering manager's"}},
		{name: "focus 59.99% is hybrid", tally: tally(4000, 5999, 1), track: TrackHybrid,
			reasons: []string{"fragmented time is 0.01%", "meetings take 40%", "is 59.99%, short of an individual contributor's 60%–70%"}},
		{name: "meeting share 49.99% with focus 49.99% is hybrid", tally: tally(4999, 4999, 2), track: TrackHybrid,
			reasons: []string{"meetings take 49.99% of working time, below", "short of", "another 0.02% is fragmented"}},

		// Inside the bands.
		{name: "ic", tally: tally(2000, 6500, 1500), track: TrackIC, reasons: []string{"is 65%, within", "meetings take 20%"}},
		{name: "ic above the ic band", tally: tally(500, 9000, 500), track: TrackIC,
			reasons: []string{"is 90%, above even an individual contributor's 60%–70% coding time", "below"}},
		{name: "em with time to code: bottleneck", tally: tally(5500, 3001, 1499), track: TrackEM, bottleneck: true,
			reasons: []string{"meetings take 55%", "is 30.01%, above an EM's 0–30% coding time: an EM who still takes critical coding work risks becoming the team's bottleneck"}},
		{name: "em at the top of its coding band: no bottleneck", tally: tally(6000, 3000, 1000), track: TrackEM,
			reasons: []string{"meetings take 60%", "is 30%, within"}},
		{name: "overloaded, with meetings after hours", tally: func() analyze.Tally {
			t := tally(9000, 0, 1000)
			t.AfterHoursMeetingMinutes = 90
			return t
		}(), track: TrackOverloaded, reasons: []string{"meetings take 90%", "is 0%", "another 1h30 of meetings fall outside working hours"}},
		{name: "overloaded, with whole hours after hours", tally: func() analyze.Tally {
			t := tally(8000, 2000, 0)
			t.AfterHoursMeetingMinutes = 180
			return t
		}(), track: TrackOverloaded, reasons: []string{"80%", "20%", "another 3h of meetings"}},

		// What keeps a stretch hybrid.
		{name: "hybrid held by fragmented time", tally: tally(2000, 3000, 5000), track: TrackHybrid,
			reasons: []string{"fragmented time is 50%: meetings cut the free time into stretches too short to code in", "meetings take 20% of working time, below", "is 30%, short of"}},
		{name: "hybrid held by fragmented time, though focus is larger", tally: tally(1000, 5000, 4000), track: TrackHybrid,
			reasons: []string{"fragmented time is 40%", "meetings take 10%", "is 50%, short of"}},
		{name: "hybrid held by meetings", tally: tally(4500, 4000, 1500), track: TrackHybrid,
			reasons: []string{"meetings take 45% of working time, below", "is 40%, short of", "another 15% is fragmented between meetings"}},
		{name: "hybrid with nothing fragmented", tally: tally(4500, 5500, 0), track: TrackHybrid,
			reasons: []string{"meetings take 45%", "is 55%, short of"}},

		// No capacity.
		{name: "no working hours", tally: analyze.Tally{}, track: TrackNone, reasons: []string{"no working hours in this stretch"}},
		{name: "all out of office", tally: analyze.Tally{TimeTally: analyze.TimeTally{WorkingMinutes: 2400, OutOfOfficeMinutes: 2400}}, track: TrackNone,
			reasons: []string{"out of office for all working hours"}},
		{name: "out and personal", tally: analyze.Tally{TimeTally: analyze.TimeTally{WorkingMinutes: 480, OutOfOfficeMinutes: 420, PersonalMinutes: 60}}, track: TrackNone,
			reasons: []string{"no working time left after out of office and personal time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Judge(FromCalendar(tt.tally), DefaultBands())
			if v.Track != tt.track || v.BottleneckRisk != tt.bottleneck {
				t.Errorf("track %s (bottleneck %v), want %s (%v); reasons %q", v.Track, v.BottleneckRisk, tt.track, tt.bottleneck, v.Reasons)
			}
			if len(v.Reasons) != len(tt.reasons) {
				t.Fatalf("reasons %q, want %d", v.Reasons, len(tt.reasons))
			}
			for i, want := range tt.reasons {
				if !strings.Contains(v.Reasons[i], want) {
					t.Errorf("reason %d %q, want it to contain %q", i, v.Reasons[i], want)
				}
			}
		})
	}
}

func TestJudgeOtherBands(t *testing.T) {
	b := Bands{EMMeetingMin: 0.30, EMMeetingMax: 0.60, ICCodingMin: 0.50, ICCodingMax: 0.80, EMCodingMax: 0.20}
	tests := []struct {
		tally analyze.Tally
		track Track
	}{
		{tally(3000, 2000, 5000), TrackEM},
		{tally(6001, 2000, 1999), TrackOverloaded},
		{tally(2999, 5000, 2001), TrackIC},
		{tally(2999, 4999, 2002), TrackHybrid},
	}
	for _, tt := range tests {
		if v := Judge(FromCalendar(tt.tally), b); v.Track != tt.track {
			t.Errorf("%+v: %s, want %s (%q)", tt.tally, v.Track, tt.track, v.Reasons)
		}
	}
	v := Judge(FromCalendar(tally(3500, 2100, 4400)), b)
	if !v.BottleneckRisk || !strings.Contains(v.Reasons[1], "0–20%") || !strings.Contains(v.Reasons[0], "30%–60%") {
		t.Errorf("reasons do not quote the bands in use: %q", v.Reasons)
	}
}

// TestJudgeOutOfOfficeWeek judges a week spent out of office, as analysed.
func TestJudgeOutOfOfficeWeek(t *testing.T) {
	loc := time.UTC
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, loc)
	events := []classify.Event{
		{Event: &calendar.Event{Title: "Vacation", Start: monday, End: monday.AddDate(0, 0, 7), AllDay: true}, Kind: classify.KindOutOfOffice},
		{Event: &calendar.Event{Title: "Stand-up", Start: monday.Add(10 * time.Hour), End: monday.Add(11 * time.Hour)}, Kind: classify.KindMeeting, Category: classify.CategoryRecurring},
	}
	res := analyze.Analyze(analyze.Input{Events: events, From: monday, To: monday.AddDate(0, 0, 7), Settings: analyze.DefaultSettings(loc)})
	w := res.Weeks[0]
	if w.CapacityMinutes != 0 || w.OutOfOfficeMinutes != 2400 || w.MeetingMinutes != 0 {
		t.Fatalf("week %+v", w.Tally)
	}
	v := Judge(FromCalendar(w.Tally), DefaultBands())
	if v.Track != TrackNone || len(v.Reasons) != 1 || v.Reasons[0] != "out of office for all working hours" {
		t.Errorf("verdict %+v", v)
	}
}

// TestJudgeReadsTheCodingShare: the track's coding half is the coding
// share the caller gives, whatever the focus minutes; from the calendar,
// that is the focus share, and the reasons say so.
func TestJudgeReadsTheCodingShare(t *testing.T) {
	week := tally(2000, 3000, 5000) // 30% focus: hybrid from the calendar
	in := FromCalendar(week)
	if in.Coding != (Coding{Share: 0.3, Measure: CodingFromFocus}) {
		t.Errorf("from the calendar, coding is %+v, want the focus share", in.Coding)
	}
	if v := Judge(in, DefaultBands()); v.Track != TrackHybrid {
		t.Errorf("calendar verdict %s: %q", v.Track, v.Reasons)
	}
	in.Coding.Share = 0.65
	v := Judge(in, DefaultBands())
	if v.Track != TrackIC || v.Reasons[0] != "focus time (free stretches long enough to code in) is 65%, within an individual contributor's 60%–70% coding time" {
		t.Errorf("with 65%% coding: %s, %q", v.Track, v.Reasons)
	}
	em := FromCalendar(tally(6000, 1000, 3000))
	if v := Judge(em, DefaultBands()); v.BottleneckRisk {
		t.Errorf("an EM coding 10%% is at risk: %q", v.Reasons)
	}
	em.Coding.Share = 0.35
	if v := Judge(em, DefaultBands()); !v.BottleneckRisk || !strings.Contains(v.Reasons[1], "is 35%, above an EM's 0–30% coding time") {
		t.Errorf("an EM coding 35%% is not at risk: %q", v.Reasons)
	}
}

func TestBandsValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(*Bands)
		wantErr string
	}{
		{name: "defaults"},
		{name: "edges equal", change: func(b *Bands) { b.EMMeetingMin, b.EMMeetingMax, b.ICCodingMin, b.ICCodingMax = 0.6, 0.6, 0.65, 0.65 }},
		{name: "0 and 1", change: func(b *Bands) { b.EMMeetingMin, b.EMMeetingMax, b.EMCodingMax = 0, 1, 1 }},
		{name: "negative", change: func(b *Bands) { b.EMCodingMax = -0.1 }, wantErr: "band em-focus-max must be a share between 0% and 100%"},
		{name: "above 100%", change: func(b *Bands) { b.EMMeetingMax = 75 }, wantErr: "band em-meeting-max"},
		{name: "NaN", change: func(b *Bands) { b.ICCodingMin = math.NaN() }, wantErr: "band ic-focus-min"},
		{name: "infinite", change: func(b *Bands) { b.ICCodingMax = math.Inf(1) }, wantErr: "band ic-focus-max"},
		{name: "empty EM band", change: func(b *Bands) { b.EMMeetingMin = 0.8 }, wantErr: "the EM meeting band is empty: 80% is above 75%"},
		{name: "empty IC band", change: func(b *Bands) { b.ICCodingMax = 0.5 }, wantErr: "the IC focus band is empty: 60% is above 50%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := DefaultBands()
			if tt.change != nil {
				tt.change(&b)
			}
			err := b.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestDefaultBands(t *testing.T) {
	want := Bands{EMMeetingMin: 0.50, EMMeetingMax: 0.75, ICCodingMin: 0.60, ICCodingMax: 0.70, EMCodingMax: 0.30}
	if got := DefaultBands(); got != want {
		t.Errorf("DefaultBands() = %+v", got)
	}
}

func TestPctBeside(t *testing.T) {
	tests := []struct {
		f     float64
		edges []float64
		want  string
	}{
		{0.5, []float64{0.5, 0.75}, "50%"},
		{0.62, []float64{0.5, 0.75}, "62%"},
		{0.7501, []float64{0.5, 0.75}, "75.01%"},
		{0.752, []float64{0.5, 0.75}, "75.2%"},
		{0.4996, []float64{0.5, 0.75}, "49.96%"},
		{0.49999, []float64{0.5}, "50.00%"}, // no closer than two decimals
		{0.746, nil, "75%"},
	}
	for _, tt := range tests {
		if got := pctBeside(tt.f, tt.edges...); got != tt.want {
			t.Errorf("pctBeside(%v, %v) = %q, want %q", tt.f, tt.edges, got, tt.want)
		}
	}
}

// TestWords: every track is said in every way a report needs, and the
// words of a run of weeks read after "your calendar".
func TestWords(t *testing.T) {
	want := map[Track]string{
		TrackIC:         "your calendar has looked like an IC's",
		TrackHybrid:     "your calendar has sat between an IC's and an EM's",
		TrackEM:         "your calendar has looked like an EM's",
		TrackOverloaded: "your calendar has been overloaded, with more meetings than even an EM's",
		TrackNone:       "your calendar has had no working time to judge",
	}
	for track, says := range want {
		w := track.Words()
		if w.Label == "" || w.Abbrev == "" || w.Meaning == "" || w.Sentence == "" {
			t.Errorf("%s: %+v", track, w)
		}
		if got := "your calendar " + w.HasBeen; got != says {
			t.Errorf("%s: %q, want %q", track, got, says)
		}
	}
	if Track("unknown").Words() != TrackNone.Words() {
		t.Error("an unknown track is not said as none")
	}
}
