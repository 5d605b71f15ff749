// Package demo holds the built-in demo calendars behind `emtime analyze
// --demo[=persona]`: four people's calendars, embedded in the binary as
// Google Calendar exports (ic.ics, hybrid.ics, em.ics, overloaded.ics) and
// read with the same iCalendar reader as --ics, so the demo shows exactly
// what a user's own export would; and a fifth person made of two of them,
// promoted (below), whose calendar turns into a manager's.
//
// Each calendar is a realistic week for its owner, repeated: every entry is a
// recurring series with no end, starting on Monday 24 March 1958 (monthly
// ones on their first matching day of that April), so any window from then
// on holds the same kind of weeks whatever today's date. (1958 is 3,432
// weeks before 1 January 2024, where the exceptions below sit: a multiple
// of every interval the series use, so the sprints keep their rhythm.) Between them the
// calendars show every rule of the accounting: stand-ups, 1:1s (some every
// other week), sprint planning and retros, interviews and debriefs, design
// reviews in a room (CUTYPE=ROOM), Google Meet links (X-GOOGLE-CONFERENCE),
// a meeting with only a video link and no guests (office hours), large
// meetings (ten people or more), meetings with another company's domain,
// booked focus blocks ("Focus: …", "Deep work", "Heads down"), a daily solo
// "Lunch", a declined meeting, a tentative one, meetings before 09:00 or
// after 17:00 with other time zones, an out-of-office day or afternoon every
// month, all-day entries that are not out of office (on-call, sprint, working
// from home), and exceptions: EXDATE (comma list), a RECURRENCE-ID that moves,
// shortens or cancels one occurrence, a one-off holiday.
//
// Each calendar's owner is its X-WR-CALNAME (an address at emtime.example);
// all times are America/New_York, the calendar's X-WR-TIMEZONE.
//
// # The arithmetic
//
// With the defaults (Monday–Friday 09:00–17:00, focus from 2 hours), every
// full week of every persona must keep the persona's verdict, including the
// weeks that hold a monthly entry. The tables below give each weekday as
// meeting / focus / fragmented minutes; capacity is 480 minus lunch (minus
// out of office). Sprints last two weeks: "A" weeks start on Monday 1
// January 2024 and every other Monday before and after it, "B" weeks are the
// others. The monthly entries of one persona never fall in the same week, so
// each adds to a plain A or B week on its own. The tests check every full week of 2024 and
// of stretches in 1958, 1999, 2019, 2026 and 2031 against these bands.
//
// # ic — Sam Okafor, backend engineer (sam@emtime.example)
//
// Lunch 12:00–13:00: capacity 420 a day, 2100 a week. Stand-up 09:30–09:45
// daily leaves 09:00–09:30 fragmented and 09:45–12:00 (135) as focus.
//
//	Mon A  stand-up, sprint planning 13–14                 75 / 315 /  30
//	Mon B  stand-up                                        15 / 375 /  30
//	Tue A  stand-up, refinement 13–14 (+ 08:00 Bengaluru)  75 / 315 /  30
//	Tue B  … + 1:1 with Lena 16:30–17                     105 / 285 /  30
//	Wed    stand-up, design review 16–17 (council
//	       11–12 declined)                                 75 / 315 /  30
//	Thu    stand-up, product sync 11–11:30, office hours
//	       16:30–17 (tentative)                            75 / 210 / 135
//	Fri A  stand-up                                        15 / 375 /  30
//	Fri B  stand-up, retro 13–13:45                        60 / 330 /  30
//
//	week A  meetings 315 (15.0%)  focus 1530 (72.9%)
//	week B  meetings 330 (15.7%)  focus 1515 (72.1%)
//	2nd Thursday: interview 10–11 + debrief 16–16:30    +90 meetings, −30 focus
//	1st Friday: all-hands 16–17                          +60 meetings, −60 focus
//	last Friday: "OOO – recharge Friday"                 Friday leaves the week
//	worst: A + OOO Friday  300/1680 = 17.9%, focus 1155/1680 = 68.8% (IC needs ≥ 60%)
//
// # hybrid — Jordan Lee, tech lead (jordan@emtime.example)
//
// Lunch 12:30–13:00: capacity 450 a day, 2250 a week. Stand-up 10:00–10:15
// leaves 09:00–10:00 fragmented every day; one focus stretch of 135–150 most
// days, the rest cut by meetings.
//
//	Mon A  stand-up, planning 13–14, mentoring 14–14:30,
//	       API review 15:30–16:30                         165 / 135 / 150
//	Mon B  stand-up, roadmap 13–13:45, API review         120 / 135 / 195
//	Tue    stand-up, relevance sync 11–12, 1:1 15:30–16,
//	       pairing 16:30–17                               135 / 150 / 165
//	Wed    stand-up, design review 10:30–11:30, interview
//	       13–14, debrief 16:30–17                        165 / 150 / 135
//	Thu    stand-up, partner sync 13–13:45, tech talk 16–17
//	       (tentative; forum 15–16 declined; + 18:00
//	       Sydney)                                        120 / 270 /  60
//	Fri A  stand-up, demo 11–11:45, office hours 15:30–16  90 / 150 / 210
//	Fri B  … + retro 13–14                                150 /   0 / 300
//
//	week A  meetings 675 (30.0%)  focus 855 (38.0%)
//	week B  meetings 690 (30.7%)  focus 705 (31.3%)
//	1st Tuesday: all-hands 16–17                         +30 meetings
//	3rd Wednesday: "OOO – dentist & errands"             Wednesday leaves the week
//	extremes: A + OOO focus 705/1800 = 39.2% (hybrid needs < 60%),
//	          B + all-hands meetings 720/2250 = 32.0% (needs < 50%)
//
// # em — Alex Rivera, engineering manager (alex@emtime.example)
//
// Lunch 12:00–12:30: capacity 450 a day, 2250 a week. Six weekly 1:1s,
// hiring, product and cross-team syncs; focus only on Tuesday afternoon and
// Thursday morning.
//
//	Mon A  stand-up, staff 10–11, 1:1s 11–12, planning 13–14,
//	       product 14–15, hiring sync 16–16:30            285 /   0 / 165
//	Mon B  … 1:1 with Dana 13–13:30 instead of planning   255 /   0 / 195
//	Tue    leads 9–9:30, stand-up, interview 10–11, 1:1s 11–12,
//	       design review 13–14, vendor 14–14:45           270 / 135 /  45
//	Wed    stand-up, 1:1s 10–11, cross-team 11–12, incidents
//	       13–13:45, debrief 14–15, planning 16–17 (tentative;
//	       forum 15–16 declined)                          300 /   0 / 150
//	Thu    stand-up, roadmap 13–14, 1:1 14–14:30, screen
//	       14:30–15, ops 15–16, security 16–16:30         225 / 135 /  90
//	Fri A  stand-up, demo 10–11, hiring committee 11–12,
//	       triage 13–13:45, 1:1 14–14:30, peers
//	       14:30–15:30                                    270 /   0 / 180
//	Fri B  … retro 13–14 instead of triage                285 /   0 / 165
//
//	week A  meetings 1350 (60.0%)  focus 270 (12.0%)
//	week B  meetings 1335 (59.3%)  focus 270 (12.0%)
//	last Thursday: all-hands 16–17                       +30 meetings
//	1st Monday: "PTO – long weekend"                     Monday leaves the week
//	extremes: A + all-hands 1380/2250 = 61.3%; A + PTO 1065/1800 = 59.2%;
//	          a skipped 1:1 (EXDATE in August 2024) 1305/2250 = 58.0%
//	          (EM needs 50–75%, focus ≤ 30%: the most is 270/1800 = 15.0%)
//
// # overloaded — Morgan Chen, director (morgan@emtime.example)
//
// Lunch 12:00–12:30: capacity 450 a day, 2250 a week, except Tuesday when the
// lunch & learn (a meeting) covers lunch: 480. Ten weekly 1:1s; the only free
// time is half-hours; three calls a week outside working hours (Monday 18:00
// Singapore, Tuesday 08:00 London, Wednesday 18:00–19:00 Sydney: 120 minutes).
//
//	Mon    back to back 09–12, 13–15:30, 16–17            390 /   0 /  60
//	Tue    back to back 09–14:30, 15–17                   450 /   0 /  30
//	Wed    09:30–12, 12:30–13:30, 14–17 (guild declined)  390 /   0 /  60
//	Thu    09–11:30, 13–16:30                             360 /   0 /  90
//	Fri    10–12, 13–17                                   360 /   0 /  90
//
//	every week  meetings 1950/2280 (85.5%)  focus 0
//	last Thursday: all-hands 16–17                       +30 meetings (86.8%)
//	2nd Friday: "OOO – parent-teacher conference" 13–17  −240 meetings, −240 capacity
//	worst: OOO week 1710/2040 = 83.8% (overloaded needs > 75%)
//
// # promoted — Casey Novak, engineer made manager (casey@emtime.example)
//
// The four calendars above are the same kind of week forever, so `emtime
// trend` finds no transition in them. The promoted persona is the one that
// has one: an engineer who became an engineering manager on a Monday
// [PromotedWeeks] (12) weeks before the Monday of the current week, in
// America/New_York ([PromotedOn]). Today is the caller's: [Source] and
// [GitHistory] take it (the CLI's clock, EMTIME_NOW in tests), and nothing
// here reads the clock itself. On Wednesday 18 March 2026 the switch is
// Monday 22 December 2025, and the 26 weeks of `emtime trend` are 13 of
// the engineer's and 13 of the manager's: the four-week track turns hybrid
// in the week of the switch and em three weeks later.
//
// Its calendar is ic.ics and em.ics as they are, each read by the
// iCalendar reader, behind a [calendar.Source] that keeps the engineer's
// occurrences that start before the switch and the manager's from it on (a
// timed entry by its start instant, an all-day one by its date), and
// renames each calendar's owner to Casey: address and name as organizer
// and as guest, and "Sam / …" or "Alex / …" in a 1:1's title. So the
// owner is inferred as one person across both halves, and the rules that
// turn on who I am (a meeting I declined, one I organize) hold as in
// the calendars it is made of; each occurrence's origin still names the
// file and line it comes from. Filtering occurrences is chosen over
// rewriting the files' DTSTART and UNTIL: the series, their exceptions and
// their arithmetic above stay exactly the ones tested, an UNTIL would have
// to be written in each rule's own form (a date, a UTC time) and the
// overrides and monthly series cut by hand, and a week either side of the
// switch is read exactly as the ic or em persona's week. Renaming the
// parsed entries rather than the text keeps the files' line numbers (names
// are folded across lines there) and the guest lists shared between a
// series' occurrences (each list renamed once).
//
// Its git history is the engineer's habit and repositories on the days
// before the switch, the manager's from it on: the coding track turns with
// the calendar.
package demo
