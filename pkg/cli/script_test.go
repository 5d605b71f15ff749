package cli_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/emtime/emtime/pkg/cli"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden files of the testscript scripts")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"emtime": func() { os.Exit(cli.Main(os.Args[1:], cli.NewFactory())) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: the emtime
// binary as a user runs it, on real files.
func TestScripts(t *testing.T) {
	testdata, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join(testdata, "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", testdata)
			env.Setenv("TZ", "UTC")
			// Today, for every script: Wednesday 18 March 2026.
			env.Setenv("EMTIME_NOW", "2026-03-18T12:00:00Z")
			return nil
		},
	})
}
