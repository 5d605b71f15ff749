package microsoft_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/microsoft"
	"github.com/emtime/emtime/pkg/microsoft/graphtest"
)

func TestIANAZone(t *testing.T) {
	for name, want := range map[string]string{
		"W. Europe Standard Time":         "Europe/Berlin",
		"Pacific Standard Time":           "America/Los_Angeles",
		"GMT Standard Time":               "Europe/London",
		"India Standard Time":             "Asia/Kolkata",
		"fle standard time":               "Europe/Kyiv",
		"Mountain Standard Time (Mexico)": "America/Mazatlan",
		"UTC":                             "Etc/UTC",
		"tzone://Microsoft/Utc":           "Etc/UTC",
		"Europe/Berlin":                   "Europe/Berlin",
		"America/Argentina/Buenos_Aires":  "America/Argentina/Buenos_Aires",
		"Customized Time Zone":            "",
		"tzone://Microsoft/Custom":        "",
		"Local":                           "",
		"Mars/Olympus_Mons":               "",
		"":                                "",
	} {
		got, ok := microsoft.IANAZone(name)
		if got != want || ok != (want != "") {
			t.Errorf("IANAZone(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// TestWindowsZonesLoad: every zone the Windows table names loads.
func TestWindowsZonesLoad(t *testing.T) {
	for _, name := range []string{"Dateline Standard Time", "UTC-11", "Line Islands Standard Time", "Tonga Standard Time",
		"Nepal Standard Time", "Chatham Islands Standard Time", "Central Asia Standard Time", "Yukon Standard Time"} {
		iana, ok := microsoft.IANAZone(name)
		if !ok {
			t.Errorf("%q unknown", name)
			continue
		}
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%q → %q: %v", name, iana, err)
		}
	}
}

func TestMailbox(t *testing.T) {
	hours := func(days []string, start, end, zone string) *graphtest.WorkingHours {
		return &graphtest.WorkingHours{DaysOfWeek: days, StartTime: start, EndTime: end, TimeZone: &graphtest.ZoneName{Name: zone}}
	}
	weekdays := []string{"monday", "tuesday", "wednesday", "thursday", "friday"}
	mtof := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	tests := []struct {
		name string
		set  graphtest.MailboxSettings
		want microsoft.MailboxSettings
	}{
		{"a Windows zone, Outlook's hours",
			graphtest.MailboxSettings{TimeZone: "W. Europe Standard Time", WorkingHours: hours(weekdays, "08:30:00.0000000", "17:00:00.0000000", "W. Europe Standard Time")},
			microsoft.MailboxSettings{TimeZone: "W. Europe Standard Time", Zone: "Europe/Berlin", WorkingHours: &microsoft.WorkingHours{
				Days: mtof, Start: 8*time.Hour + 30*time.Minute, End: 17 * time.Hour, TimeZone: "W. Europe Standard Time", Zone: "Europe/Berlin"}}},
		{"an IANA zone, a Sunday-to-Thursday week given out of order, hours to midnight",
			graphtest.MailboxSettings{TimeZone: "Asia/Jerusalem", WorkingHours: hours([]string{"thursday", "Sunday", "monday", "tuesday", "wednesday", "monday"}, "10:00:00", "00:00:00", "Israel Standard Time")},
			microsoft.MailboxSettings{TimeZone: "Asia/Jerusalem", Zone: "Asia/Jerusalem", WorkingHours: &microsoft.WorkingHours{
				Days: []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, Start: 10 * time.Hour, End: 24 * time.Hour,
				TimeZone: "Israel Standard Time", Zone: "Asia/Jerusalem"}}},
		{"a custom zone, hours in it",
			graphtest.MailboxSettings{TimeZone: "Customized Time Zone", WorkingHours: hours(weekdays, "09:00:00.0000000", "17:00:00.0000000", "Customized Time Zone")},
			microsoft.MailboxSettings{TimeZone: "Customized Time Zone", WorkingHours: &microsoft.WorkingHours{
				Days: mtof, Start: 9 * time.Hour, End: 17 * time.Hour, TimeZone: "Customized Time Zone"},
				Warnings: []string{`mailbox time zone "Customized Time Zone" is not one emtime knows`}}},
		{"no working hours",
			graphtest.MailboxSettings{TimeZone: "UTC"},
			microsoft.MailboxSettings{TimeZone: "UTC", Zone: "Etc/UTC"}},
		{"hours that end before they start",
			graphtest.MailboxSettings{TimeZone: "UTC", WorkingHours: hours(weekdays, "17:00:00.0000000", "09:00:00.0000000", "UTC")},
			microsoft.MailboxSettings{TimeZone: "UTC", Zone: "Etc/UTC", Warnings: []string{`working hours end (09:00:00.0000000) before they start (17:00:00.0000000)`}}},
		{"a day that is none",
			graphtest.MailboxSettings{TimeZone: "UTC", WorkingHours: hours([]string{"monday", "funday"}, "09:00:00", "17:00:00", "UTC")},
			microsoft.MailboxSettings{TimeZone: "UTC", Zone: "Etc/UTC", Warnings: []string{`working hours: unknown day "funday"`}}},
		{"no day at all",
			graphtest.MailboxSettings{TimeZone: "UTC", WorkingHours: hours(nil, "09:00:00", "17:00:00", "UTC")},
			microsoft.MailboxSettings{TimeZone: "UTC", Zone: "Etc/UTC", Warnings: []string{"working hours name no working day"}}},
		{"a time that is none",
			graphtest.MailboxSettings{TimeZone: "UTC", WorkingHours: hours(weekdays, "25:00:00", "17:00:00", "UTC")},
			microsoft.MailboxSettings{TimeZone: "UTC", Zone: "Etc/UTC", Warnings: []string{`working hours: "25:00:00" is not a time of day`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := graphtest.New()
			defer api.Close()
			api.SetMailbox(tt.set)
			got, err := newSource(t, api, bearer("t")).Mailbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%+v %+v\nwant\n%+v %+v", got, got.WorkingHours, tt.want, tt.want.WorkingHours)
			}
			for _, r := range api.Requests() {
				if r.Path == "/v1.0/me/mailboxSettings" && r.Query.Get("$select") != "timeZone,workingHours" {
					t.Errorf("mailbox settings asked with $select %q", r.Query.Get("$select"))
				}
			}
		})
	}
}

func TestMeAddress(t *testing.T) {
	for _, tt := range []struct {
		user graphtest.User
		want []string
	}{
		{graphtest.User{Mail: "Ada.Lovelace@Example.com", UserPrincipalName: "ada@example.onmicrosoft.com"},
			[]string{"ada.lovelace@example.com", "alias@example.com"}},
		{graphtest.User{UserPrincipalName: "ada@example.com"}, []string{"ada@example.com", "alias@example.com", "ada.lovelace@example.com"}},
		{graphtest.User{UserPrincipalName: "ada_example.com#EXT#@host.onmicrosoft.com"}, []string{"alias@example.com", "ada.lovelace@example.com"}},
		{graphtest.User{Mail: "not an address", UserPrincipalName: "still not"}, []string{"alias@example.com", "ada.lovelace@example.com"}},
	} {
		api := graphtest.New()
		api.SetUser(tt.user)
		src := newSource(t, api, bearer("t"), func(o *microsoft.Options) { o.Me = []string{"Alias@Example.com", "ada.lovelace@example.com"} })
		info, err := src.Info(context.Background())
		api.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(info.Owner, tt.want) {
			t.Errorf("%+v: owner %q, want %q", tt.user, info.Owner, tt.want)
		}
	}
}

func twoCalendars(t *testing.T) *graphtest.Server {
	t.Helper()
	api := graphtest.New()
	api.SetPageSizes(1)
	api.AddCalendar(graphtest.Calendar{ID: "AAMk-team=", Name: "Team", Owner: &graphtest.EmailAddress{Name: "Team", Address: "Team@Example.com"}})
	api.AddCalendar(graphtest.Calendar{ID: "AAMk-holidays/x=", Name: "Holidays", CanEdit: true, Owner: &graphtest.EmailAddress{Address: graphtest.DefaultUser}})
	t.Cleanup(api.Close)
	return api
}

func TestListCalendars(t *testing.T) {
	api := twoCalendars(t)
	api.AddCalendar(graphtest.Calendar{ID: "AAMk-mine=", Name: "Mine", IsDefaultCalendar: true, Owner: &graphtest.EmailAddress{Address: graphtest.DefaultUser}})
	cals, err := newSource(t, api, bearer("t")).ListCalendars(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []microsoft.Calendar{
		{ID: "AAMk-mine=", Name: "Mine", Default: true, Owner: graphtest.DefaultUser},
		{ID: "AAMk-team=", Name: "Team", Owner: "team@example.com", OwnerName: "Team"},
		{ID: "AAMk-holidays/x=", Name: "Holidays", CanEdit: true, Owner: graphtest.DefaultUser},
	}
	if !reflect.DeepEqual(cals, want) {
		t.Errorf("got %+v\nwant %+v", cals, want)
	}
	pages := 0
	for _, r := range api.Requests() {
		if r.Path == "/v1.0/me/calendars" {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d pages of calendars, want 3 (one calendar a page)", pages)
	}
}

func TestChoosingCalendars(t *testing.T) {
	tests := []struct {
		name      string
		calendars []string
		views     []string
		infoName  string
		err       string
	}{
		{"none: the default", nil, []string{"/v1.0/me/calendarView"}, "Calendar", ""},
		{"by name, any case", []string{"team", "HOLIDAYS"},
			[]string{"/v1.0/me/calendars/AAMk-team=/calendarView", "/v1.0/me/calendars/AAMk-holidays/x=/calendarView"}, "Team, Holidays", ""},
		{"by id, and the default by its word", []string{"AAMk-team=", "default"},
			[]string{"/v1.0/me/calendars/AAMk-team=/calendarView", "/v1.0/me/calendarView"}, "Team, Calendar", ""},
		{"the same one twice is read once", []string{"Team", "AAMk-team="}, []string{"/v1.0/me/calendars/AAMk-team=/calendarView"}, "Team", ""},
		{"a calendar no one has", []string{"Tema"}, nil, "", `microsoft calendar "Tema": no calendar has that name or id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := twoCalendars(t)
			src := newSource(t, api, bearer("t"), func(o *microsoft.Options) { o.Calendars = tt.calendars })
			info, err := src.Info(context.Background())
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !errors.Is(err, microsoft.ErrNoSuchCalendar) {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Name != tt.infoName {
				t.Errorf("name %q, want %q", info.Name, tt.infoName)
			}
			if _, err := src.Events(context.Background(), week()); err != nil {
				t.Fatal(err)
			}
			var views []string
			for _, r := range api.Requests() {
				if strings.HasSuffix(r.Path, "/calendarView") && r.Status == 200 {
					views = append(views, r.Path)
				}
			}
			slices.Sort(views)
			want := slices.Clone(tt.views)
			slices.Sort(want)
			if !slices.Equal(views, want) {
				t.Errorf("views %q, want %q", views, want)
			}
		})
	}
	t.Run("two with one name", func(t *testing.T) {
		api := twoCalendars(t)
		api.AddCalendar(graphtest.Calendar{ID: "AAMk-team2=", Name: "Team"})
		_, err := newSource(t, api, bearer("t"), func(o *microsoft.Options) { o.Calendars = []string{"Team"} }).Info(context.Background())
		if err == nil || !strings.Contains(err.Error(), `microsoft calendar "Team": 2 calendars have that name; name one by its id`) {
			t.Errorf("error %v", err)
		}
	})
}

// TestSharedCalendarIsNotMine: on a calendar someone shared, the event's
// own answer is the owner's, not mine: I am found by my address among the
// attendees, with the answer there.
func TestSharedCalendarIsNotMine(t *testing.T) {
	api := twoCalendars(t)
	if err := api.AddEventsJSON("AAMk-team=", []byte(`[{"id": "x", "subject": "Offsite prep",
		"start": {"dateTime": "2026-03-11T14:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2026-03-11T15:00:00", "timeZone": "UTC"},
		"isOrganizer": true, "responseStatus": {"response": "organizer"},
		"organizer": {"emailAddress": {"address": "team@example.com"}},
		"attendees": [{"type": "required", "status": {"response": "declined"}, "emailAddress": {"address": "me@example.com"}}]}]`)); err != nil {
		t.Fatal(err)
	}
	res, err := newSource(t, api, bearer("t"), func(o *microsoft.Options) { o.Calendars = []string{"Team"} }).Events(context.Background(), week())
	if err != nil || len(res.Events) != 1 {
		t.Fatalf("events %+v, err %v", res.Events, err)
	}
	e := res.Events[0]
	if e.Organizer.Self || len(e.Attendees) != 2 || e.Attendees[1].Self || e.Attendees[1].Response != "declined" || e.Origin != "microsoft:Team" {
		t.Errorf("%+v", e)
	}
}
