// Command emtime reads a calendar and says whether its weeks look like an
// engineer's or a manager's. See the README, or run emtime --help.
package main

import (
	"os"
	"runtime/debug"
	// Zones load on machines with no zone database (Windows, small
	// containers).
	_ "time/tzdata"

	"github.com/emtime/emtime/pkg/cli"
)

func main() {
	// A run holds a whole calendar in memory for a moment. Collecting
	// garbage twice as often keeps the peak near 110 MB instead of up to
	// 127 MB for 100,000 occurrences (840 MB instead of 900 MB for a
	// million), at no time worth measuring (README, Speed). GOGC, when
	// set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
	os.Exit(cli.Main(os.Args[1:], cli.NewFactory()))
}
