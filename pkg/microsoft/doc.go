// Package microsoft reads Microsoft 365 and Outlook.com calendars through
// Microsoft Graph (v1.0) as a [calendar.Source], so that the analysis
// cannot tell an Outlook week from a Google one or an .ics file.
//
// It is a small client over net/http and encoding/json, not the Graph SDK
// (whose generated code is hundreds of megabytes and minutes of build for
// the five calls used here). [New] takes an HTTP client that already
// carries the user's credentials (an oauth2 transport) and a base URL
// ([DefaultBaseURL], or [EnvAPIURL] in tests). It makes only GET requests:
//
//	GET /me?$select=displayName,mail,userPrincipalName            who "me" is
//	GET /me/mailboxSettings?$select=timeZone,workingHours         zone, working hours
//	GET /me/calendars?$select=id,name,isDefaultCalendar,canEdit,owner&$top=100
//	GET /me/calendarView?startDateTime=…&endDateTime=…&$select=…&$top=250
//	GET /me/calendars/{id}/calendarView?…                         a calendar by id
//	GET /me/calendarView/delta?startDateTime=…&endDateTime=…      with a [Cache]: a window in full,
//	GET /me/calendars/{id}/calendarView/delta?…                   then its @odata.deltaLink
//
// every one with Prefer: outlook.timezone="UTC" (the delta query also with
// odata.maxpagesize, as it takes no $top or $select; see [Cache]). [Source.Info] reads the
// first three: Owner is the user's mail address (else their user principal
// name, when it is an address), with [Options.Me]; Zone is the mailbox's
// zone as an IANA name (mailboxes name Windows zones, "W. Europe Standard
// Time", or IANA ones; see [IANAZone]); Name the chosen calendars' names.
// [Source.Mailbox] also gives the working hours set in Outlook, for the
// caller to use when the user set none. [Source.Events] reads the calendar
// view of each chosen calendar (by name or id, see [Options.Calendars]) over
// the window widened by two days, which Graph returns with recurring series
// already expanded, following @odata.nextLink page by page.
//
// # Permissions
//
// A sign-in asks for [Scopes], all delegated and read-only:
// Calendars.ReadBasic (the calendar list and the events), MailboxSettings.Read
// (zone and working hours), User.Read (the address that is "me") and
// offline_access (a refresh token, so the user signs in once).
//
// Calendars.ReadBasic rather than Calendars.Read: Microsoft lists
// Calendars.ReadBasic as the least privileged permission for the calendar
// view (https://learn.microsoft.com/en-us/graph/api/calendar-list-calendarview)
// and describes it as reading events "except for properties such as body,
// attachments, and extensions"
// (https://learn.microsoft.com/en-us/graph/permissions-reference). What it
// leaves out is the content of a meeting — its text and files — which
// emtime never reads ([EventSelect] names no body, bodyPreview or
// attachment); attendees, their answers, the organizer, the user's own
// answer (responseStatus), showAs and the online-meeting link are event
// metadata, not among the exclusions. A user with only Calendars.ReadBasic
// cannot be shown anything emtime would need Calendars.Read for. Were Graph
// ever to answer a permission error for this $select, [Error.Permission]
// names what was missing, and the provider's scope list is the one line to
// change. (This reasoning rests on Microsoft's documentation; it was not
// checked against a live tenant.)
//
// # From Graph's event to calendar.Event
//
//	Graph                                  calendar.Event
//	iCalUId (id when missing)              UID: the same on every calendar the occurrence is on, which is
//	                                       what merging needs; unlike Google's iCalUID it differs per
//	                                       occurrence of a series (Graph's documentation says so)
//	subject                                Title
//	start, end (dateTime in UTC, asked)    Start, End, shown in the query's zone; no start or no end:
//	                                       skipped with a warning naming the event's id, never a
//	                                       0-minute meeting; an end before the start likewise
//	isAllDay, start/end dates              AllDay; Start, End are the midnights of those dates in the
//	                                       query's zone (else the mailbox's), like Google's "date":
//	                                       Graph sends all-day entries as midnight-to-midnight whatever
//	                                       zone is asked for (microsoftgraph/microsoft-graph-docs#1802)
//	isCancelled                            left out, as Google's list leaves cancelled events out
//	showAs free                            Transparent
//	showAs oof                             Type out_of_office
//	showAs workingElsewhere                Type working_location on an entry with no one else on it;
//	                                       on a meeting with others it is only how the time shows
//	showAs busy, tentative, unknown, other Type default (tentative is how a tentative answer shows:
//	                                       the answer itself is below)
//	type occurrence, exception, or
//	  a seriesMasterId                     Recurring; a seriesMaster in a view is left out
//	seriesMasterId                         SeriesID: the series an occurrence is of, which its
//	                                       iCalUId (one per occurrence) does not say
//	organizer                              Organizer (address lower case); Self when isOrganizer on one
//	                                       of the user's own calendars
//	attendees: emailAddress, type          Attendees: Email (lower case), Name; type optional →
//	                                       Optional, resource → Resource; required → neither
//	attendees: status.response             Response: accepted, organizer → accepted; tentativelyAccepted
//	                                       → tentative; declined → declined; notResponded, none and any
//	                                       other → needs_action
//	responseStatus.response, on the
//	  user's own calendars                 the user's own answer, on their attendee (Self); Graph's copy
//	                                       of an invitation says "none" for every attendee's status,
//	                                       the user's included (microsoftgraph/microsoft-graph-docs#2214,
//	                                       #5281), so this is the answer that counts. Invited through a
//	                                       list and not named: the user is added, with that answer
//	the organizer, missing from attendees  added first, accepted, Organizer: iCalendar and Google list
//	                                       the organizer among the attendees and Graph does not
//	                                       (microsoftgraph/microsoft-graph-docs#4579)
//	hideAttendees (not my own meeting)     AttendeesOmitted
//	onlineMeeting.joinUrl, else
//	  onlineMeetingUrl                     ConferenceURL
//	categories                             Categories, as given
//	                                       Origin: "microsoft:" and the calendar's name
//
// On a calendar someone else owns (shared with the user), responseStatus
// and isOrganizer speak for its owner: nothing there is marked Self, and
// the user is found among the attendees by address, as on Google's shared
// calendars. Graph cannot tell a mailing list from a person among the
// attendees: Group is never set.
//
// # The cache
//
// With [Options.Cache], each calendar is read through a local copy kept
// current with Graph's delta query of its calendar view, as package
// google keeps Google's with sync tokens: [Cache] says what is kept,
// when it is read in full again and how a delta link Graph no longer
// takes is told. The events it serves are mapped by the same code as a
// page of calendarView, so the analysis cannot tell a cached run from a
// full read.
//
// # Errors, budgets and retries
//
// Graph's error answers ({"error": {"code", "message"}}) become an
// [*Error] naming the request and Graph's code, which errors.Is tells
// apart: [ErrUnauthorized] (401), [ErrAccessDenied] (403, with the
// permission the request needs), [ErrNotFound] (404, a calendar gone),
// [ErrThrottled] (429, 503, 504, with Retry-After). [Error.Hint] says what
// the user can do. Any calendar failing fails [Source.Events]: a result is
// never partial; an event that cannot be read is skipped with a warning,
// and the good ones around it kept.
//
// What a server sends is bounded: an answer past [MaxAnswerBytes] fails,
// read no further; a list is followed for at most [MaxPages] pages, and a
// delta read takes at most [MaxEntries] entries; a next
// link seen before is an error (the list would never end), and one to
// another origin or outside the base URL is refused, so the bearer token
// goes nowhere but Graph; so is a delta link, as Graph sends it and as
// the cache keeps it. Server text in errors and warnings is stripped of
// control characters and clipped.
//
// The package has no retry loop: the caller's HTTP client carries a
// retrying http.RoundTripper ([RetryTransport], package httpretry's,
// shared with the Google source) that tries a GET again on 429, 503, 504,
// other 5xx, dropped connections and reset streams, waiting as
// Retry-After asks, each try within a deadline. Every request here, a
// next link included, is a plain GET with no body that such a transport
// can repeat as it is; when it gives up it returns the last answer, which
// becomes the [*Error], saying "(gave up after N tries)".
package microsoft
