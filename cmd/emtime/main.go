// Command emtime reads a calendar and says whether its weeks look like an
// engineer's or a manager's. See the README, or run emtime --help.
package main

import (
	"os"
	// Zones load on machines with no zone database (Windows, small
	// containers).
	_ "time/tzdata"

	"github.com/emtime/emtime/pkg/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], cli.NewFactory())) }
