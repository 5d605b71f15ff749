package cli_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCtrlCStopsAGoogleRead runs emtime as a process, as a user does,
// against a Google that takes the request and never answers, and sends it
// an interrupt, as Ctrl-C does: the request is cancelled (Google sees the
// connection go), emtime says it was interrupted and exits 130, with no
// error of the cancelled call and nothing on standard output.
func TestCtrlCStopsAGoogleRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an interrupt cannot be sent to a process on Windows")
	}
	arrived := make(chan struct{}, 1)
	cancelled := make(chan struct{}, 1)
	google := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-r.Context().Done() // a Google that has stopped answering
		select {
		case cancelled <- struct{}{}:
		default:
		}
	}))
	defer google.Close()

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is emtime when called by that name (TestMain).
	cmd := &exec.Cmd{Path: exe, Args: []string{"emtime", "analyze", "--weeks", "1"}}
	dir := t.TempDir()
	cmd.Env = append(os.Environ(),
		"EMTIME_CONFIG_DIR="+filepath.Join(dir, "config"),
		"EMTIME_TOKEN_STORE=file",
		"EMTIME_ACCESS_TOKEN=ya29.test",
		"EMTIME_GOOGLE_API_URL="+google.URL+"/calendar/v3/",
		"EMTIME_NOW=2026-03-18T12:00:00Z",
		"TZ=UTC",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// The deadline keeps a broken build from hanging the test: it is not
	// a measure of speed.
	wait := time.After(time.Minute)
	select {
	case <-arrived:
	case err := <-done:
		t.Fatalf("emtime ended before it reached Google: %v\n%s", err, stderr.String())
	case <-wait:
		cmd.Process.Kill()
		t.Fatal("emtime never reached Google")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-wait:
		cmd.Process.Kill()
		t.Fatalf("emtime did not stop when interrupted\n%s", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit code %d, want 130", code)
	}
	if got := stderr.String(); got != "emtime: interrupted\n" {
		t.Errorf("stderr %q, want only that it was interrupted", got)
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
	select {
	case <-cancelled:
	case <-wait:
		t.Error("Google's request was never cancelled")
	}
	if strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("a stack dump: %s", stderr.String())
	}
}
