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
	interruptWhileWaiting(t, []string{"analyze", "--weeks", "1"}, func(url string) []string {
		return []string{"EMTIME_ACCESS_TOKEN=ya29.test", "EMTIME_GOOGLE_API_URL=" + url + "/calendar/v3/"}
	})
}

// TestCtrlCStopsAMicrosoftRead: the same with Microsoft 365, the provider
// signed in to (here by a ready token), which has stopped answering.
func TestCtrlCStopsAMicrosoftRead(t *testing.T) {
	interruptWhileWaiting(t, []string{"analyze", "--weeks", "1"}, func(url string) []string {
		return []string{"EMTIME_MICROSOFT_ACCESS_TOKEN=eyJ0.test", "EMTIME_GRAPH_API_URL=" + url + "/v1.0/"}
	})
}

// interruptWhileWaiting runs emtime with args against a server that takes
// every request and never answers, its address given to env, and
// interrupts it once a request has arrived.
func interruptWhileWaiting(t *testing.T, args []string, env func(url string) []string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("an interrupt cannot be sent to a process on Windows")
	}
	arrived := make(chan struct{}, 1)
	cancelled := make(chan struct{}, 1)
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-r.Context().Done() // a provider that has stopped answering
		select {
		case cancelled <- struct{}{}:
		default:
		}
	}))
	defer provider.Close()

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The test binary is emtime when called by that name (TestMain).
	cmd := &exec.Cmd{Path: exe, Args: append([]string{"emtime"}, args...)}
	dir := t.TempDir()
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "EMTIME_") { // none of the runner's own
			environ = append(environ, kv)
		}
	}
	cmd.Env = append(environ,
		"EMTIME_CONFIG_DIR="+filepath.Join(dir, "config"),
		"EMTIME_CACHE_DIR="+filepath.Join(dir, "cache"),
		"EMTIME_TOKEN_STORE=file",
		"EMTIME_NOW=2026-03-18T12:00:00Z",
		"TZ=UTC",
	)
	cmd.Env = append(cmd.Env, env(provider.URL)...)
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
		t.Fatalf("emtime ended before it reached the provider: %v\n%s", err, stderr.String())
	case <-wait:
		cmd.Process.Kill()
		t.Fatal("emtime never reached the provider")
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
	// The cache's first note aside: it is made before the provider is
	// asked.
	got := stderr.String()
	if note, rest, ok := strings.Cut(got, "\n"); ok && strings.HasPrefix(note, "emtime: note: keeping a copy of the ") &&
		strings.Contains(note, " calendars read in "+filepath.Join(dir, "cache")) {
		got = rest
	}
	if got != "emtime: interrupted\n" {
		t.Errorf("stderr %q, want only that it was interrupted", got)
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
	select {
	case <-cancelled:
	case <-wait:
		t.Error("the provider's request was never cancelled")
	}
	if strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("a stack dump: %s", stderr.String())
	}
}
