package cli

import (
	"context"
	"io"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"github.com/emtime/emtime/pkg/pipeline"
	"github.com/emtime/emtime/pkg/report"
	"github.com/spf13/cobra"
)

// EventsOptions are the flags of `emtime events`.
type EventsOptions struct {
	IO *IOStreams
	loading
	Output string
	// Out is the file the list goes to; empty (or -) is standard output.
	Out string
	// Redact replaces titles and people with pseudonyms.
	Redact bool
	// Wide adds each event's reason and people under it, on a terminal.
	Wide bool
	// ShowCommits lists each of my commits, with its subject line, under
	// the coding sessions.
	ShowCommits bool

	factory *Factory
}

// NewCmdEvents builds `emtime events`.
func NewCmdEvents(f *Factory, runF func(context.Context, *EventsOptions) error) *cobra.Command {
	opts := &EventsOptions{IO: f.IO, factory: f}
	cmd := &cobra.Command{
		Use:   "events",
		Short: "List every occurrence in the range, how it was classified, and why",
		Long: `Lists each occurrence that overlaps the range, ignored ones included, with its
kind (meeting, focus, solo, out_of_office, personal, ignored), its meeting
category and the reason — the evidence behind every number of 'analyze'.
With git history (--git, or --demo's own) each coding session is a row of
kind coding, with its repositories and commits, and what it adds up to;
--show-commits lists every commit too, with its subject line. The range
defaults to the current week.

On a terminal the list fits its width: the zone of the times once, then a
line per event, a meeting shown by its category; --wide adds a line under
each with the reason and the people. Through a pipe or to a file it is a
plain table with every column; -o json, ndjson and csv give every field.`,
		Example: `  emtime events --demo
  emtime events --ics work.ics --from 2026-03-02 --to 2026-03-08 --wide
  emtime events --ics work.ics -o ndjson | jq 'select(.kind == "meeting")'
  emtime events --ics work.ics --git ~/src --show-commits`,
		Args: noArgs,
		RunE: opts.runE(&opts.Output, eventsFormats, func(ctx context.Context) error {
			if runF != nil {
				return runF(ctx, opts)
			}
			return eventsRun(ctx, opts)
		}),
	}
	opts.addFlags(cmd, 1)
	addOutputFlag(cmd, &opts.Output, eventsFormats)
	cmd.Flags().StringVar(&opts.Out, "out", "", "write the list to this file instead of standard output")
	cmd.Flags().BoolVar(&opts.Redact, "redact", false, "replace titles, people, calendar and repository names with stable pseudonyms, for sharing")
	cmd.Flags().BoolVar(&opts.Wide, "wide", false, "on a terminal, add a line under each event with its reason and people")
	cmd.Flags().BoolVar(&opts.ShowCommits, "show-commits", false, "list each of my commits, with its subject line, beside the coding sessions")
	return cmd
}

// eventsFormats are the values of `events --output`.
var eventsFormats = []string{"table", "json", "ndjson", "csv", "markdown"}

func eventsRun(ctx context.Context, opts *EventsOptions) error {
	opts.plan.Git.Subjects = opts.ShowCommits
	l, err := opts.plan.load(ctx, opts.factory)
	if err != nil {
		return err
	}
	res := analyze.Analyze(l.Input())
	// The events in the range: as a rule all of them (the loading asked
	// for the range), listed where they are; else copied once, into room
	// made for them.
	in := 0
	for i := range l.Events {
		if l.Events[i].Overlaps(l.From, l.To) {
			in++
		}
	}
	inRange, tallies := l.Events, res.Events
	if in < len(l.Events) {
		inRange, tallies = make([]classify.Event, 0, in), make([]analyze.EventTally, 0, in)
		for i := range l.Events {
			if l.Events[i].Overlaps(l.From, l.To) {
				inRange = append(inRange, l.Events[i])
				tallies = append(tallies, res.Events[i])
			}
		}
	}
	rows := report.EventRows{Events: inRange, Tallies: tallies, Zone: l.Settings.Zone}
	if g := l.Git; g != nil {
		rows.Extra = codingEvents(l, g, res, opts.ShowCommits)
	}
	warn(opts.IO, l.Warnings)
	if opts.Redact {
		rows.Redact = report.NewRedactor(l.Me)
	}
	return output(opts.IO, opts.Out, func(w io.Writer, toFile bool) error {
		switch opts.Output {
		case "json":
			return report.WriteEventRowsJSON(w, rows)
		case "ndjson":
			return report.WriteEventRowsNDJSON(w, rows)
		}
		events := rows.List()
		switch opts.Output {
		case "csv":
			return report.WriteEventsCSV(w, events)
		case "markdown":
			return report.WriteEventsMarkdown(w, events)
		}
		st := textStyle(opts.IO, toFile)
		if st.Terminal {
			st.Wide = opts.Wide
			return report.WriteEventsList(w, events, l.Settings.Zone.String(), st)
		}
		return report.WriteEventsTable(w, events, l.Settings.Zone.String(), st)
	})
}

// codingEvents are the rows of the git history in the range: each coding
// session that overlaps it, with what it adds up to, and with showCommits
// each commit made in it.
func codingEvents(l *pipeline.Loaded, g *pipeline.Git, res analyze.Result, showCommits bool) []report.Event {
	var sessions []report.CodingSession
	for i, s := range g.Sessions {
		if s.Start.Before(l.To) && (s.End.After(l.From) || s.End.Equal(l.From) && s.Start.Equal(s.End)) {
			sessions = append(sessions, report.CodingSession{Start: s.Start, End: s.End, Commits: s.Commits, Repos: s.Repos, Tally: res.Sessions[i]})
		}
	}
	var commits []report.Commit
	if showCommits {
		for _, c := range g.Commits {
			if !c.When.Before(l.From) && c.When.Before(l.To) {
				commits = append(commits, report.Commit{Hash: c.Hash, When: c.When, Repos: c.Repos, Subject: c.Subject})
			}
		}
	}
	return report.NewCodingEvents(sessions, commits, g.Gap, g.Lead, l.Settings.Zone)
}
