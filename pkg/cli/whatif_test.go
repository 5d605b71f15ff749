package cli

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/verdict"
	"github.com/emtime/emtime/pkg/whatif"
	"github.com/spf13/cobra"
)

// parse runs the flag parsing of a command built with a run function
// that keeps its options, and returns the error the command line gives.
func parse(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return cmd.Execute()
}

func TestTrendFlags(t *testing.T) {
	var got *TrendOptions
	keep := func(_ context.Context, o *TrendOptions) error { got = o; return nil }
	if err := parse(t, NewCmdTrend(testFactory(), keep), "--demo"); err != nil {
		t.Fatal(err)
	}
	if got.Range.Weeks != 26 || got.Window != whatif.DefaultWindow || got.Output != "table" || got.plan.Weeks != 26 {
		t.Errorf("a bare trend: %d weeks, window %d, output %q", got.Range.Weeks, got.Window, got.Output)
	}
	got = nil
	if err := parse(t, NewCmdTrend(testFactory(), keep), "--demo=ic", "--weeks", "52", "--window", "6", "-o", "csv", "--tz", "Europe/Berlin"); err != nil {
		t.Fatal(err)
	}
	if got.Range.Weeks != 52 || got.Window != 6 || got.Output != "csv" || got.Source.Demo != "ic" || got.plan.Zone.String() != "Europe/Berlin" {
		t.Errorf("options %+v", got)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--window", "0"}, "--window must be between 1 and 1040 weeks, got 0"},
		{[]string{"--demo", "--window", "2000"}, "--window must be between 1 and 1040 weeks"},
		{[]string{"--demo", "--weeks", "0"}, "--weeks must be between 1"},
		{[]string{"--demo", "-o", "ndjson"}, "--output must be table, json, csv, markdown or html"},
	} {
		err := parse(t, NewCmdTrend(testFactory(), keep), tt.args...)
		if err == nil || !isUsage(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want a usage error %q", tt.args, err, tt.want)
		}
	}
}

func TestMeetingsFlags(t *testing.T) {
	var got *MeetingsOptions
	keep := func(_ context.Context, o *MeetingsOptions) error { got = o; return nil }
	if err := parse(t, NewCmdMeetings(testFactory(), keep), "--demo"); err != nil {
		t.Fatal(err)
	}
	if got.Range.Weeks != 4 || got.order != whatif.ByFocusCost || got.Top != 15 || got.topGiven || got.goal != nil || got.SuggestMoves || got.Moves != 5 {
		t.Errorf("bare meetings: %+v", got)
	}
	got = nil
	if err := parse(t, NewCmdMeetings(testFactory(), keep), "--demo", "--sort", "occurrences", "--top", "0", "--target", "IC",
		"--target-meeting-share", "40%", "--target-focus-share", "55.5", "--suggest-moves", "--moves", "2"); err != nil {
		t.Fatal(err)
	}
	g := got.goal
	if got.order != whatif.ByOccurrences || got.Top != 0 || !got.topGiven || g == nil || g.Track != verdict.TrackIC ||
		*g.MeetingShare != 0.40 || *g.FocusShare != 0.555 || !got.SuggestMoves || got.Moves != 2 {
		t.Errorf("options %+v, goal %+v", got, g)
	}
	// A share alone is a target too.
	if err := parse(t, NewCmdMeetings(testFactory(), keep), "--demo", "--target-focus-share", "60%"); err != nil || got.goal == nil || got.goal.Track != "" {
		t.Errorf("a share alone: %v, %+v", err, got.goal)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sort", "title"}, `--sort "title" is not an order`},
		{[]string{"--top", "-2"}, "--top must be 0 (every series) or more"},
		{[]string{"--moves", "0"}, "--moves must be at least 1"},
		{[]string{"--target", "cto"}, `the target track must be ic, hybrid or em, got "cto"`},
		{[]string{"--target", "overloaded"}, "the target track must be ic, hybrid or em"},
		{[]string{"--target-meeting-share", "forty"}, `--target-meeting-share "forty" is not a share`},
		{[]string{"--target-focus-share", "101%"}, `--target-focus-share "101%" is not a share`},
		{[]string{"--target-focus-share", "-5%"}, "is not a share"},
	} {
		err := parse(t, NewCmdMeetings(testFactory(), keep), append([]string{"--demo"}, tt.args...)...)
		if err == nil || !isUsage(err) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want a usage error %q", tt.args, err, tt.want)
		}
	}
}

// TestWhatifsJudgeAsTheLoadingDoes: a what-if judges every stretch as the
// loading judges it, on the same input, so that a rolling track and a
// target's track mean what analyze's tracks mean.
func TestWhatifsJudgeAsTheLoadingDoes(t *testing.T) {
	l := &pipeline.Loaded{Bands: verdict.DefaultBands()}
	j := judging(l)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var tt analyze.Tally
		tt.CapacityMinutes = rng.IntN(3000)
		tt.WorkingMinutes = tt.CapacityMinutes + rng.IntN(500)
		tt.MeetingMinutes = rng.IntN(tt.CapacityMinutes + 1)
		tt.FocusMinutes = rng.IntN(tt.CapacityMinutes - tt.MeetingMinutes + 1)
		tt.FragmentedMinutes = tt.CapacityMinutes - tt.MeetingMinutes - tt.FocusMinutes
		if got, want := j.Judge(tt), l.Judge(tt); !reflect.DeepEqual(got, want) {
			t.Fatalf("tally %+v: the what-if judges %+v, the loading %+v", tt.TimeTally, got, want)
		}
		if in := l.Measure(tt); j.Shares(tt).Coding != in.Coding.Share || j.Shares(tt).CodingFrom != in.Coding.Measure {
			t.Fatalf("tally %+v: coding share %+v, the loading's %+v", tt.TimeTally, j.Shares(tt), in.Coding)
		}
	}
}

// TestTextWidth: a terminal's width, else COLUMNS, else 80; a file is laid
// out for COLUMNS or 80, not for the terminal it was asked from.
func TestTextWidth(t *testing.T) {
	f := testFactory()
	env := map[string]string{}
	f.Getenv = func(k string) string { return env[k] }
	ios := &IOStreams{Width: 132}
	if w := textWidth(ios, f, ""); w != 132 {
		t.Errorf("a terminal 132 wide: %d", w)
	}
	if w := textWidth(ios, f, "trend.txt"); w != 80 {
		t.Errorf("a file: %d", w)
	}
	env["COLUMNS"] = "100"
	if w := textWidth(&IOStreams{}, f, "-"); w != 100 {
		t.Errorf("COLUMNS=100, not a terminal: %d", w)
	}
	env["COLUMNS"] = "wide"
	if w := textWidth(&IOStreams{}, f, ""); w != 80 {
		t.Errorf("COLUMNS=wide: %d", w)
	}
}
