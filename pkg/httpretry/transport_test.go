package httpretry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/httpretry"
)

// answer is what the scripted server does with one request.
type answer struct {
	status     int
	retryAfter string
	body       string
	drop       bool          // close the connection without an answer
	stallBody  time.Duration // send the headers, then stall this long before the body
}

// scripted is a server that plays its answers in order, then answers 200
// "ok" for ever, and records what it was sent.
type scripted struct {
	*httptest.Server
	mu      sync.Mutex
	answers []answer
	bodies  []string
}

func serve(t *testing.T, answers ...answer) *scripted {
	t.Helper()
	s := &scripted{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		a := answer{status: 200, body: "ok"}
		if len(s.answers) > 0 {
			a, s.answers = s.answers[0], s.answers[1:]
		}
		s.mu.Unlock()
		if a.drop {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		if a.retryAfter != "" {
			w.Header().Set("Retry-After", a.retryAfter)
		}
		if a.status == 0 {
			a.status = 200
		}
		w.WriteHeader(a.status)
		if a.stallBody > 0 {
			w.(http.Flusher).Flush()
			select {
			case <-time.After(a.stallBody):
			case <-r.Context().Done():
				return
			}
		}
		io.WriteString(w, a.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scripted) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// waits records the waits of a policy instead of sleeping them.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) got() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

func get(t *testing.T, rt http.RoundTripper, url string) (*http.Response, string, error) {
	t.Helper()
	res, err := (&http.Client{Transport: rt}).Get(url)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading a buffered answer: %v", err)
	}
	return res, string(b), nil
}

func TestTransportRetries(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name    string
		answers []answer
		status  int
		body    string
		tries   int
		waits   func([]time.Duration) bool
	}{
		{name: "503 then ok", answers: []answer{{status: 503}}, status: 200, body: "ok", tries: 2,
			waits: func(w []time.Duration) bool {
				return len(w) == 1 && w[0] >= 5*time.Millisecond && w[0] <= 10*time.Millisecond
			}},
		{name: "Retry-After in seconds", answers: []answer{{status: 429, retryAfter: "7"}, {status: 503, retryAfter: "1"}}, status: 200, tries: 3,
			waits: func(w []time.Duration) bool { return slices.Equal(w, []time.Duration{7 * time.Second, time.Second}) }},
		{name: "Retry-After as an HTTP date", answers: []answer{{status: 503, retryAfter: date}}, status: 200, tries: 2,
			waits: func(w []time.Duration) bool { return len(w) == 1 && w[0] > 85*time.Second && w[0] <= 90*time.Second }},
		{name: "502, 500, 504", answers: []answer{{status: 502}, {status: 500}, {status: 504}}, status: 200, tries: 4},
		{name: "5 tries of 503: the last answer as it came", answers: slices.Repeat([]answer{{status: 503, body: `{"error":"busy"}`}}, 9),
			status: 503, body: `{"error":"busy"}`, tries: 5},
		{name: "Retry-After beyond MaxWait: at once", answers: []answer{{status: 429, retryAfter: "3600", body: "slow down"}},
			status: 429, body: "slow down", tries: 1, waits: func(w []time.Duration) bool { return len(w) == 0 }},
	}
	for _, code := range []int{400, 401, 403, 404} {
		tests = append(tests, struct {
			name    string
			answers []answer
			status  int
			body    string
			tries   int
			waits   func([]time.Duration) bool
		}{name: fmt.Sprintf("%d is not tried again", code), answers: []answer{{status: code, body: "no"}}, status: code, body: "no", tries: 1})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.answers...)
			w := &waits{}
			rt := &httpretry.Transport{Policy: httpretry.Policy{BaseDelay: 10 * time.Millisecond, Sleep: w.sleep, Service: "the fake"}}
			ctx, count := httpretry.Track(context.Background())
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			res, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || (tt.body != "" && string(b) != tt.body) {
				t.Errorf("answer %d %q, want %d %q", res.StatusCode, b, tt.status, tt.body)
			}
			if srv.requests() != tt.tries || count.N() != tt.tries {
				t.Errorf("%d requests, counted %d, want %d", srv.requests(), count.N(), tt.tries)
			}
			if tt.waits != nil && !tt.waits(w.got()) {
				t.Errorf("waits %v", w.got())
			}
		})
	}
}

// TestTransportDropped: a connection dropped before the answer is tried
// again. (net/http may itself send a request again once on a connection
// it reused: the server can see more requests than the tries counted.)
func TestTransportDropped(t *testing.T) {
	srv := serve(t, answer{drop: true}, answer{drop: true})
	w := &waits{}
	rt := &httpretry.Transport{Policy: httpretry.Policy{Sleep: w.sleep}}
	ctx, count := httpretry.Track(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	res, err := rt.RoundTrip(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	if count.N() < 2 || count.N() > 3 || len(w.got()) != count.N()-1 {
		t.Errorf("%d tries, waits %v", count.N(), w.got())
	}
}

// TestTransportStatusErrors: with StatusErrors, the retries that end on a
// status fail with an error that says so, in the service's words.
func TestTransportStatusErrors(t *testing.T) {
	tests := []struct {
		answers []answer
		want    string
	}{
		{slices.Repeat([]answer{{status: 500}}, 9), "the fake answered 500 Internal Server Error (gave up after 5 tries)"},
		{[]answer{{status: 503, retryAfter: "3600"}}, "the fake asked to wait 60 minutes before trying again: try again later"},
		{slices.Repeat([]answer{{drop: true}}, 9), "the connection to the fake was dropped (gave up after 5 tries)"},
	}
	for _, tt := range tests {
		srv := serve(t, tt.answers...)
		w := &waits{}
		rt := &httpretry.Transport{StatusErrors: true, Policy: httpretry.Policy{Sleep: w.sleep, Service: "the fake"}}
		_, _, err := get(t, rt, srv.URL)
		var ge *httpretry.GaveUpError
		if !errors.As(err, &ge) || ge.Error() != tt.want {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}

// TestTransportDeadlineCoversTheBody: a try whose answer stalls after its
// headers times out like one that never answered, and is tried again; the
// answer that came in time is read whole.
func TestTransportDeadlineCoversTheBody(t *testing.T) {
	srv := serve(t, answer{status: 200, body: "late", stallBody: time.Minute})
	w := &waits{}
	rt := &httpretry.Transport{Policy: httpretry.Policy{Timeout: 100 * time.Millisecond, Sleep: w.sleep, Service: "the fake"}}
	res, body, err := get(t, rt, srv.URL)
	if err != nil || res.StatusCode != 200 || body != "ok" || srv.requests() != 2 {
		t.Fatalf("answer %v %q, error %v, %d requests", res, body, err, srv.requests())
	}

	// Stalled for good: given up, saying how long each try had.
	srv = serve(t, slices.Repeat([]answer{{stallBody: time.Minute}}, 3)...)
	rt.Policy.MaxAttempts = 3
	_, _, err = get(t, rt, srv.URL)
	if want := "no answer from the fake within 100ms (gave up after 3 tries)"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %v, want it to end %q", err, want)
	}

	// StopOnTimeout: the first try that times out ends the call.
	srv = serve(t, answer{stallBody: time.Minute})
	rt.StopOnTimeout = true
	_, _, err = get(t, rt, srv.URL)
	var te *httpretry.TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) || srv.requests() != 1 {
		t.Errorf("error %v after %d requests, want a timeout after 1", err, srv.requests())
	}
}

// TestTransportBody: a body that can be sent again is, the same each try;
// one that cannot is not tried again.
func TestTransportBody(t *testing.T) {
	srv := serve(t, answer{status: 503}, answer{drop: true})
	w := &waits{}
	rt := &httpretry.Transport{Policy: httpretry.Policy{Sleep: w.sleep}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("grant_type=refresh_token"))
	res, err := rt.RoundTrip(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%v %v", res, err)
	}
	srv.mu.Lock()
	if want := slices.Repeat([]string{"grant_type=refresh_token"}, 3); !slices.Equal(srv.bodies, want) {
		t.Errorf("bodies %q, want %q", srv.bodies, want)
	}
	srv.mu.Unlock()

	srv = serve(t, answer{status: 503})
	req, _ = http.NewRequest(http.MethodPost, srv.URL, io.MultiReader(strings.NewReader("once")))
	res, err = rt.RoundTrip(req)
	if err != nil || res.StatusCode != 503 || srv.requests() != 1 {
		t.Errorf("a body that cannot be sent twice: %v %v after %d requests", res, err, srv.requests())
	}
}

// TestTransportTooLarge: an answer past MaxBody is refused, not tried
// again and not read on.
func TestTransportTooLarge(t *testing.T) {
	srv := serve(t, answer{body: strings.Repeat("x", 5000)}, answer{body: strings.Repeat("x", 5000)})
	rt := &httpretry.Transport{MaxBody: 4096}
	_, _, err := get(t, rt, srv.URL)
	if !errors.Is(err, httpretry.ErrTooLarge) || srv.requests() != 1 {
		t.Errorf("error %v after %d requests", err, srv.requests())
	}
	if err != nil && !strings.Contains(err.Error(), "the answer is too large: more than the 4096 bytes emtime reads") {
		t.Errorf("error %q", err)
	}
}

// TestTransportStops: the caller's context ending stops a try or a wait,
// and the error says what the call was waiting for, with the context's
// cause.
func TestTransportStops(t *testing.T) {
	// The run's limit comes in the middle of a try.
	srv := serve(t, answer{stallBody: time.Minute})
	ctx, cancel := httpretry.NewRunLimit(200 * time.Millisecond).Within(context.Background())
	defer cancel()
	rt := &httpretry.Transport{Policy: httpretry.Policy{Service: "the fake"}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := rt.RoundTrip(req)
	var limit *httpretry.RunTimeout
	var se *httpretry.StoppedError
	if !errors.As(err, &se) || !errors.As(err, &limit) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v (%T)", err, err)
	}
	if want := "stopped at the --timeout of 200ms, waiting for the fake to answer try 1 of 5"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}

	// The caller gives up during a wait.
	srv = serve(t, slices.Repeat([]answer{{status: 503}}, 9)...)
	cctx, stop := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { stop(errors.New("interrupted")) })
	rt.Policy.BaseDelay = 10 * time.Second
	req, _ = http.NewRequestWithContext(cctx, http.MethodGet, srv.URL, nil)
	_, err = rt.RoundTrip(req)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "interrupted, waiting for the ") ||
		!strings.HasSuffix(err.Error(), " before try 2 of 5 (before that: the fake answered 503)") {
		t.Errorf("error %q", err)
	}
}

// TestTransportConcurrent: one Transport serves requests at once, each
// with its own tries.
func TestTransportConcurrent(t *testing.T) {
	srv := serve(t, slices.Repeat([]answer{{status: 503}}, 8)...)
	w := &waits{}
	rt := &httpretry.Transport{Policy: httpretry.Policy{Sleep: w.sleep, MaxAttempts: 10}}
	var notices sync.Map
	rt.Retrying = func(n httpretry.Notice) { notices.Store(n.Attempt, true) }
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			res, _, err := get(t, rt, srv.URL)
			if err != nil || res.StatusCode != 200 {
				t.Errorf("%v %v", res, err)
			}
		})
	}
	wg.Wait()
	if n := srv.requests(); n != 12 {
		t.Errorf("%d requests, want 12 (8 refused, 4 answered)", n)
	}
	if _, ok := notices.Load(2); !ok {
		t.Error("no retry notice")
	}
}

// TestTransportResetStream: an HTTP/2 stream the server resets
// (INTERNAL_ERROR, as when its handler aborts) is tried again on the same
// connection.
func TestTransportResetStream(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			panic(http.ErrAbortHandler) // resets the stream
		}
		io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	w := &waits{}
	rt := &httpretry.Transport{Base: srv.Client().Transport, Policy: httpretry.Policy{Sleep: w.sleep}}
	res, body, err := get(t, rt, srv.URL)
	if err != nil || res.StatusCode != 200 || body != "HTTP/2.0" {
		t.Fatalf("answer %v %q, error %v", res, body, err)
	}
	if len(w.got()) != 1 {
		t.Errorf("waits %v, want one retry", w.got())
	}
}
