package verdict

// The two roles of the article, as the verdict's sentences name them.
const (
	icWhose = "an individual contributor's"
	emWhose = "an engineering manager's"
)

// Words are how a track is said, in every report: the one place its
// phrases are written.
type Words struct {
	// Label is the track's short name: "IC", "EM", "hybrid".
	Label string
	// Abbrev fits under a narrow bar: "IC", "EM", "H".
	Abbrev string
	// Meaning says what the track is, after its label: "an engineering
	// manager's calendar".
	Meaning string
	// Sentence says it of the reader's calendar, as a whole sentence in
	// lower case: "your calendar looks like an engineering manager's."
	Sentence string
	// HasBeen says it of a run of weeks that has lasted, after "your
	// calendar": "has looked like an EM's".
	HasBeen string
}

// Headline is the label and the meaning: "EM — an engineering manager's
// calendar".
func (w Words) Headline() string { return w.Label + " — " + w.Meaning }

// Words returns how the track is said; an unknown track is said as
// [TrackNone].
func (t Track) Words() Words {
	switch t {
	case TrackIC:
		return Words{"IC", "IC", icWhose + " calendar", "your calendar looks like " + icWhose + ".",
			"has looked like an IC's"}
	case TrackHybrid:
		return Words{"hybrid", "H", "between the two tracks", "your calendar sits between " + icWhose + " and " + emWhose + ".",
			"has sat between an IC's and an EM's"}
	case TrackEM:
		return Words{"EM", "EM", emWhose + " calendar", "your calendar looks like " + emWhose + ".",
			"has looked like an EM's"}
	case TrackOverloaded:
		return Words{"overloaded", "O", "more meetings than even " + emWhose, "your calendar is overloaded: more meetings than even " + emWhose + ".",
			"has been overloaded, with more meetings than even an EM's"}
	default:
		return Words{"none", "–", "no working time to judge", "there is no working time to judge.",
			"has had no working time to judge"}
	}
}
