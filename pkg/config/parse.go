package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emtime/emtime/pkg/analyze"
	"github.com/emtime/emtime/pkg/classify"
	"go.yaml.in/yaml/v3"
)

// The file is read into a yaml.Node tree and walked key by key rather than
// decoded into a struct with KnownFields: the walk knows the path of every
// key, so that each mistake — an unknown key as much as a bad value — is
// told as FILE:LINE: key: what is wrong, and all of them at once.

// The walk is bounded: an alias (*name) makes the walk visit its anchor's
// value again, and a list of aliases to a mapping of many keys would have
// it visit (and report) keys × aliases of them — a few kilobytes asking for
// millions. Past [maxVisits] values more than the file holds, the walk
// stops with one mistake; past [maxProblems] mistakes, the rest are only
// counted.
type parser struct {
	name     string
	f        *File
	problems []Problem
	// more counts the mistakes past maxProblems.
	more int
	// visits is how many more values the walk may visit.
	visits  int
	stopped bool
}

// maxProblems is how many mistakes are told one by one.
const maxProblems = 50

// maxVisits is how many values the walk may visit beyond those the file
// holds, when aliases make it visit some again.
const maxVisits = 10000

// The longest lists the file may give: each keyword is looked for in every
// title, each category rule tried on every meeting, each calendar fetched.
const (
	maxAddresses = 100
	maxKeywords  = 1000
	maxCalendars = 100
	maxRules     = 200
	maxPattern   = 1000 // bytes of a rule's title pattern
	maxGitPaths  = 100
	maxGitPath   = 4096 // bytes of a git path
)

func (p *parser) fail(n *yaml.Node, key, format string, a ...any) {
	if p.stopped {
		return // what follows the stop reads as absent: no mistake of its own
	}
	if len(p.problems) == maxProblems {
		p.more++
		return
	}
	p.problems = append(p.problems, Problem{Line: n.Line, Key: key, Message: fmt.Sprintf(format, a...)})
}

// deref follows an alias (*name) to the value it stands for, and counts
// the visit. Once the walk has visited too many, it reports it once and
// every value reads as absent: the walk stops.
func (p *parser) deref(n *yaml.Node) *yaml.Node {
	if p.stopped {
		return null()
	}
	if p.visits--; p.visits < 0 {
		// Told whatever came before: it is why the rest was not read.
		p.problems = append(p.problems, Problem{Line: n.Line,
			Message: fmt.Sprintf("aliases (*name) repeat more values than a config file needs (over %d): write the values out", maxVisits)})
		p.stopped = true
		return null()
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// null is what a value reads as once the walk has stopped.
func null() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"} }

// size is the number of values under n, aliases counted once, as written.
func size(n *yaml.Node) int {
	s := 1
	for _, c := range n.Content {
		s += size(c)
	}
	return s
}

// yamlLine finds the line in the YAML library's syntax errors, which say
// "yaml: line 3: …".
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) file(data []byte) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return // an empty file: the defaults
		}
		pr := Problem{Message: strings.TrimPrefix(err.Error(), "yaml: ")}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			pr.Line, _ = strconv.Atoi(m[1])
			pr.Message = m[2]
		}
		p.problems = append(p.problems, pr)
		return
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line = 0
		}
		p.problems = append(p.problems, Problem{Line: line, Message: "a config file holds one YAML document; remove the ---"})
		return
	}
	if len(doc.Content) == 0 {
		return
	}
	p.visits = size(&doc) + maxVisits
	root := p.deref(doc.Content[0])
	if isNull(root) {
		return
	}
	p.mapping(root, "", map[string]func(string, *yaml.Node){
		"me":            p.me,
		"domain":        p.domain,
		"timezone":      p.timezone,
		"work_hours":    p.workHours,
		"week_start":    p.weekStart,
		"focus_min":     p.focusMin,
		"bands":         p.bands,
		"keywords":      p.keywords,
		"calendars":     p.calendars,
		"only_accepted": func(k string, n *yaml.Node) { p.boolean(k, n, &p.f.OnlyAccepted) },
		"large_meeting": p.largeMeeting,
		"categories":    p.categories,
		"git":           p.git,
		"git_authors":   p.gitAuthors,
		"coding_gap": func(k string, n *yaml.Node) {
			p.duration(k, n, &p.f.CodingGap, MinCodingGap, MaxCodingGap)
		},
		"coding_lead": func(k string, n *yaml.Node) {
			p.duration(k, n, &p.f.CodingLead, 0, MaxCodingLead)
		},
		"after_hours_coding": func(k string, n *yaml.Node) {
			p.duration(k, n, &p.f.AfterHoursCoding, 0, MaxAfterHoursCoding)
		},
	})
}

// mapping walks a mapping, calling the field named by each key with the key
// path and the value. Unknown and repeated keys are mistakes; a key with no
// value is as good as absent.
func (p *parser) mapping(n *yaml.Node, path string, fields map[string]func(key string, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, orTop(path), "want keys and values, got %s", describe(n))
		return
	}
	seen := map[string]int{}
	known := ""
	for i := 0; i+1 < len(n.Content); i += 2 {
		if p.stopped {
			return
		}
		k, v := n.Content[i], p.deref(n.Content[i+1])
		key := join(path, k.Value)
		field, ok := fields[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode:
			p.fail(k, orTop(path), "a key must be a plain word, got %s", describe(k))
			continue
		case !ok:
			if known == "" {
				known = strings.Join(sortedKeys(fields), ", ")
			}
			p.fail(k, key, "unknown key (known keys%s: %s)", inPath(path), known)
			continue
		case seen[k.Value] > 0:
			p.fail(k, key, "given twice (first on line %d)", seen[k.Value])
			continue
		}
		seen[k.Value] = k.Line
		if isNull(v) {
			continue
		}
		p.f.lines[key] = k.Line
		field(key, v)
	}
}

func (p *parser) me(key string, n *yaml.Node) {
	list, nodes, ok := p.strings(key, n)
	if !ok || !p.atMost(n, key, len(list), maxAddresses, "addresses") {
		return
	}
	var me []string
	for i, s := range list {
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || len(s) > maxAddress {
			p.fail(nodes[i], key, "%q is not an e-mail address", s)
			return
		}
		me = append(me, strings.ToLower(s))
	}
	p.f.Me = me
}

func (p *parser) domain(key string, n *yaml.Node) {
	if d, ok := p.domainName(key, n); ok {
		p.f.Domain = d
	}
}

func (p *parser) domainName(key string, n *yaml.Node) (string, bool) {
	s, ok := p.str(key, n)
	if !ok {
		return "", false
	}
	if s == "" || strings.ContainsAny(s, "@ \t/") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		p.fail(n, key, "%q is not a domain like example.com", s)
		return "", false
	}
	return strings.ToLower(s), true
}

func (p *parser) timezone(key string, n *yaml.Node) {
	s, ok := p.str(key, n)
	if !ok {
		return
	}
	if _, err := time.LoadLocation(s); err != nil || s == "" || s == "Local" {
		p.fail(n, key, "%s", unknownZone(s))
		return
	}
	p.f.Timezone = s
}

// workHours reads one entry per weekday; a weekday absent, or given as off,
// is not worked.
func (p *parser) workHours(key string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, key, `want one entry per working day, such as mon: "09:00-17:00", got %s`, describe(n))
		return
	}
	var week [7]analyze.Span
	seen := map[time.Weekday]int{}
	bad := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if p.stopped {
			return
		}
		k, v := n.Content[i], p.deref(n.Content[i+1])
		dayKey := join(key, k.Value)
		d, err := analyze.ParseWeekday(k.Value)
		if k.Kind != yaml.ScalarNode || err != nil {
			p.fail(k, dayKey, "%q is not a day of the week (use mon, tue, wed, thu, fri, sat, sun)", k.Value)
			bad = true
			continue
		}
		if first, ok := seen[d]; ok {
			p.fail(k, dayKey, "%s given twice (first on line %d)", d, first)
			bad = true
			continue
		}
		seen[d] = k.Line
		if off(v) {
			continue
		}
		s, ok := p.str(dayKey, v)
		if !ok {
			bad = true
			continue
		}
		span, err := analyze.ParseSpan(s)
		if err != nil {
			p.fail(v, dayKey, "%v; want hours like 09:00-17:00, or off", err)
			bad = true
			continue
		}
		week[d] = span
	}
	if bad {
		return
	}
	if week == [7]analyze.Span{} {
		p.fail(n, key, "no working day: give the hours of at least one day")
		return
	}
	p.f.WorkHours = week
}

// off reports whether a day's value says the day is not worked.
func off(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!str" && strings.EqualFold(n.Value, "off") ||
		n.ShortTag() == "!!bool" && n.Value == "false")
}

func (p *parser) weekStart(key string, n *yaml.Node) {
	s, ok := p.str(key, n)
	if !ok {
		return
	}
	d, err := analyze.ParseWeekday(s)
	if err != nil {
		p.fail(n, key, "%q is not a day of the week (use mon, tue, wed, thu, fri, sat, sun)", s)
		return
	}
	p.f.WeekStart = d
}

func (p *parser) focusMin(key string, n *yaml.Node) {
	d, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || err != nil {
		p.fail(n, key, "want a duration like 2h or 90m, got %s", describe(n))
		return
	}
	if d < time.Minute || d > 24*time.Hour {
		p.fail(n, key, "must be between 1m and 24h, got %s", n.Value)
		return
	}
	p.f.FocusMin = d.Round(time.Minute)
}

// git reads the repositories, or folders searched for them, to read my
// commits from.
func (p *parser) git(key string, n *yaml.Node) {
	paths, nodes, ok := p.strings(key, n)
	if !ok || !p.atMost(n, key, len(paths), maxGitPaths, "paths") {
		return
	}
	for i, path := range paths {
		if err := checkGitPath(path); err != nil {
			p.fail(nodes[i], key, "%v", err)
			return
		}
	}
	p.f.Git = paths
}

// checkGitPath refuses a git path no folder can have.
func checkGitPath(path string) error {
	switch {
	case strings.TrimSpace(path) == "":
		return errors.New("a git path cannot be empty")
	case len(path) > maxGitPath:
		return fmt.Errorf("a git path of %d bytes; at most %d", len(path), maxGitPath)
	case strings.ContainsRune(path, 0):
		return errors.New("a git path cannot hold a NUL character")
	}
	return nil
}

func (p *parser) gitAuthors(key string, n *yaml.Node) {
	list, nodes, ok := p.strings(key, n)
	if !ok || !p.atMost(n, key, len(list), maxAddresses, "addresses") {
		return
	}
	var out []string
	for i, s := range list {
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || len(s) > maxAddress {
			p.fail(nodes[i], key, "%q is not an e-mail address", s)
			return
		}
		out = append(out, strings.ToLower(s))
	}
	p.f.GitAuthors = out
}

// duration reads a duration like 2h or 90m, between lo and hi; 0 may be
// written as a plain number.
func (p *parser) duration(key string, n *yaml.Node, dst *time.Duration, lo, hi time.Duration) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" && n.Value == "0" && lo == 0 {
		*dst = 0
		return
	}
	d, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" || err != nil {
		p.fail(n, key, "want a duration like 2h or 90m, got %s", describe(n))
		return
	}
	if d < lo || d > hi {
		p.fail(n, key, "must be between %s and %s, got %s", duration(lo), duration(hi), n.Value)
		return
	}
	*dst = d.Round(time.Minute)
}

func (p *parser) largeMeeting(key string, n *yaml.Node) {
	v, ok := p.integer(key, n)
	if !ok {
		return
	}
	if v < 3 {
		p.fail(n, key, "must be at least 3, got %d", v)
		return
	}
	p.f.LargeMeeting = v
}

func (p *parser) bands(key string, n *yaml.Node) {
	b := &p.f.Bands
	percent := func(dst *float64) func(string, *yaml.Node) {
		return func(k string, v *yaml.Node) {
			x, ok := p.number(k, v)
			if !ok {
				return
			}
			if x < 0 || x > 100 {
				p.fail(v, k, "must be a percentage between 0 and 100, got %s", v.Value)
				return
			}
			*dst = x / 100
		}
	}
	before := len(p.problems)
	p.mapping(n, key, map[string]func(string, *yaml.Node){
		"em_meeting_min": percent(&b.EMMeetingMin),
		"em_meeting_max": percent(&b.EMMeetingMax),
		"ic_focus_min":   percent(&b.ICCodingMin),
		"ic_focus_max":   percent(&b.ICCodingMax),
		"em_focus_max":   percent(&b.EMCodingMax),
	})
	if len(p.problems) == before {
		if err := b.Validate(); err != nil {
			p.fail(n, key, "%v", err)
		}
	}
}

func (p *parser) keywords(key string, n *yaml.Node) {
	k := &p.f.Keywords
	list := func(dst *[]string) func(string, *yaml.Node) {
		return func(key string, v *yaml.Node) {
			words, nodes, ok := p.strings(key, v)
			if !ok || !p.atMost(v, key, len(words), maxKeywords, "keywords") {
				return
			}
			for i, w := range words {
				if strings.TrimSpace(w) == "" {
					p.fail(nodes[i], key, "an empty keyword matches nothing")
					return
				}
			}
			*dst = words
		}
	}
	p.mapping(n, key, map[string]func(string, *yaml.Node){
		"out_of_office": list(&k.OutOfOffice),
		"personal":      list(&k.Personal),
		"focus":         list(&k.Focus),
		"interview":     list(&k.Interview),
	})
}

// calendars reads the calendars to read by provider ("calendars: {google:
// [primary], microsoft: [Team]}"); a plain list is Google's, as the file
// said it before there was another provider.
func (p *parser) calendars(key string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.f.lines[join(key, ProviderGoogle)] = p.f.lines[key]
		p.calendarList(key, n, ProviderGoogle)
		return
	}
	p.mapping(n, key, map[string]func(string, *yaml.Node){
		ProviderGoogle:    func(k string, v *yaml.Node) { p.calendarList(k, v, ProviderGoogle) },
		ProviderMicrosoft: func(k string, v *yaml.Node) { p.calendarList(k, v, ProviderMicrosoft) },
	})
}

func (p *parser) calendarList(key string, n *yaml.Node, provider string) {
	ids, nodes, ok := p.strings(key, n)
	if !ok || !p.atMost(n, key, len(ids), maxCalendars, "calendars") {
		return
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			if provider == ProviderGoogle {
				p.fail(nodes[i], key, "a calendar id cannot be empty (primary is your main calendar)")
			} else {
				p.fail(nodes[i], key, "a calendar name cannot be empty (leave the list out for your default calendar)")
			}
			return
		}
	}
	if p.f.Calendars == nil {
		p.f.Calendars = map[string][]string{}
	}
	p.f.Calendars[provider] = ids
}

// categories reads the custom category rules; they are numbered from 1, as
// `emtime events` names them in its reasons.
func (p *parser) categories(key string, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, key, "want a list of rules, each starting with - name: …, got %s", describe(n))
		return
	}
	if !p.atMost(n, key, len(n.Content), maxRules, "rules") {
		return
	}
	var rules []classify.CategoryRule
	for i, item := range n.Content {
		if p.stopped {
			return
		}
		item = p.deref(item)
		path := fmt.Sprintf("%s[%d]", key, i+1)
		before := len(p.problems)
		var r classify.CategoryRule
		given := map[string]bool{}
		p.mapping(item, path, map[string]func(string, *yaml.Node){
			"name": func(k string, v *yaml.Node) {
				if s, ok := p.str(k, v); ok {
					if strings.TrimSpace(s) == "" || strings.TrimSpace(s) != s {
						p.fail(v, k, "a category name must be a word or phrase with no space around it, got %q", s)
						return
					}
					r.Name = classify.Category(s)
				}
			},
			"title": func(k string, v *yaml.Node) {
				s, ok := p.str(k, v)
				if !ok {
					return
				}
				if len(s) > maxPattern {
					p.fail(v, k, "the pattern is %d bytes long; at most %d", len(s), maxPattern)
					return
				}
				re, err := regexp.Compile("(?i)" + s)
				if err != nil {
					var se *syntax.Error
					switch {
					case errors.As(err, &se) && strings.TrimPrefix(se.Expr, "(?i)") == s:
						p.fail(v, k, "the pattern %q does not compile: %s", s, se.Code)
					case errors.As(err, &se):
						p.fail(v, k, "the pattern %q does not compile: %s at %q", s, se.Code, strings.TrimPrefix(se.Expr, "(?i)"))
					default:
						p.fail(v, k, "the pattern %q does not compile: %v", s, err)
					}
					return
				}
				r.Title, given["title"] = re, true
			},
			"min_people": func(k string, v *yaml.Node) {
				if x, ok := p.people(k, v); ok {
					r.MinPeople, given["min_people"] = x, true
				}
			},
			"max_people": func(k string, v *yaml.Node) {
				if x, ok := p.people(k, v); ok {
					r.MaxPeople, given["max_people"] = x, true
				}
			},
			"recurring": func(k string, v *yaml.Node) {
				var b bool
				if p.boolean(k, v, &b) {
					r.Recurring, given["recurring"] = &b, true
				}
			},
			"organizer_domain": func(k string, v *yaml.Node) {
				if d, ok := p.domainName(k, v); ok {
					r.OrganizerDomain, given["organizer_domain"] = d, true
				}
			},
			"attendee_domain": func(k string, v *yaml.Node) {
				if d, ok := p.domainName(k, v); ok {
					r.AttendeeDomain, given["attendee_domain"] = d, true
				}
			},
		})
		if len(p.problems) > before || item.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case r.Name == "":
			p.fail(item, path, "a rule needs a name: the category its meetings go to")
		case len(given) == 0:
			p.fail(item, path, "a rule needs at least one condition (title, min_people, max_people, recurring, organizer_domain or attendee_domain), or it takes every meeting")
		case r.MinPeople > 0 && r.MaxPeople > 0 && r.MinPeople > r.MaxPeople:
			p.fail(item, path, "min_people %d is above max_people %d: no meeting can match", r.MinPeople, r.MaxPeople)
		default:
			rules = append(rules, r)
		}
	}
	p.f.Categories = rules
}

// atMost reports whether a list of n things is short enough, and says it
// is not when it is not.
func (p *parser) atMost(node *yaml.Node, key string, n, max int, things string) bool {
	if n > max {
		p.fail(node, key, "%d %s; at most %d", n, things, max)
		return false
	}
	return true
}

func (p *parser) people(key string, n *yaml.Node) (int, bool) {
	v, ok := p.integer(key, n)
	if ok && v < 1 {
		p.fail(n, key, "must be at least 1 (me), got %d", v)
		return 0, false
	}
	return v, ok
}

// The leaves: each checks the YAML type and reports a mistake with the key.

func (p *parser) str(key string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		p.fail(n, key, "want a string, got %s", describe(n))
		return "", false
	}
	return n.Value, true
}

// strings reads a list of strings, and the node of each for messages; a
// single string is a list of one.
func (p *parser) strings(key string, n *yaml.Node) ([]string, []*yaml.Node, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		return []string{n.Value}, []*yaml.Node{n}, true
	}
	if n.Kind != yaml.SequenceNode {
		p.fail(n, key, "want a list of strings, got %s", describe(n))
		return nil, nil, false
	}
	out := make([]string, 0, len(n.Content))
	nodes := make([]*yaml.Node, 0, len(n.Content))
	for _, item := range n.Content {
		if p.stopped {
			return nil, nil, false
		}
		item = p.deref(item)
		if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
			p.fail(item, key, "want a list of strings, got %s in it", describe(item))
			return nil, nil, false
		}
		out = append(out, item.Value)
		nodes = append(nodes, item)
	}
	return out, nodes, true
}

func (p *parser) integer(key string, n *yaml.Node) (int, bool) {
	var v int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		p.fail(n, key, "want a whole number, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (p *parser) number(key string, n *yaml.Node) (float64, bool) {
	var v float64
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(&v) != nil {
		p.fail(n, key, "want a number, got %s", describe(n))
		return 0, false
	}
	return v, true
}

func (p *parser) boolean(key string, n *yaml.Node, dst *bool) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(dst) != nil {
		p.fail(n, key, "want true or false, got %s", describe(n))
		return false
	}
	return true
}

// describe names a value in a message: its text when it is a scalar,
// else what it is.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys and values"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// join is the path of key inside path, for messages and [File.Line]. A key
// that is not a plain word (a known key always is) is quoted, so that what
// a message quotes of the file cannot pass for more of the message.
func join(path, key string) string {
	if !plainWord(key) {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func plainWord(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

func orTop(path string) string {
	if path == "" {
		return "(top level)"
	}
	return path
}

func inPath(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
