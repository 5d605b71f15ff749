package httpretry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emtime/emtime/pkg/httpretry"
	"golang.org/x/net/http2"
)

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"20", 20 * time.Second},
		{" 20 ", 20 * time.Second},
		{"-5", 0},
		{"soon", 0},
		{"99999999999999999999", httpretry.MaxRetryAfter},
		{"9999999999", httpretry.MaxRetryAfter},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		h.Set("Retry-After", tt.v)
		if got := httpretry.RetryAfter(h); got != tt.want {
			t.Errorf("Retry-After %q = %v, want %v", tt.v, got, tt.want)
		}
	}
	h := http.Header{}
	h.Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
	if got := httpretry.RetryAfter(h); got < 59*time.Minute || got > time.Hour {
		t.Errorf("an hour from now = %v", got)
	}
}

func TestBackoff(t *testing.T) {
	p := httpretry.Policy{BaseDelay: time.Second, MaxDelay: 4 * time.Second}.WithDefaults()
	for attempt, full := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 4 * time.Second, 80: 4 * time.Second} {
		for range 50 {
			if d := p.Backoff(attempt); d < full/2 || d > full {
				t.Fatalf("backoff after try %d = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

// TestTransient: dropped connections, reset HTTP/2 streams and timeouts
// within a try are failures in passing; other errors are not.
func TestTransient(t *testing.T) {
	get := func(err error) error { return &url.Error{Op: "Get", URL: "https://graph.microsoft.com/", Err: err} }
	tests := []struct {
		err  error
		want bool
	}{
		{get(io.EOF), true},
		{get(io.ErrUnexpectedEOF), true},
		{get(syscall.ECONNRESET), true},
		{get(syscall.EPIPE), true},
		{get(http2.StreamError{StreamID: 1, Code: http2.ErrCodeInternal}), true},
		{get(http2.StreamError{StreamID: 3, Code: http2.ErrCodeRefusedStream}), true},
		{get(http2.StreamError{StreamID: 5, Code: http2.ErrCodeProtocol}), false},
		{get(errors.New("http2: client connection lost")), true},
		{get(errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=""`)), true},
		{get(context.DeadlineExceeded), true},
		{get(errors.New("tls: failed to verify certificate")), false},
		{get(syscall.ECONNREFUSED), false},
		{fmt.Errorf("calendar primary: %w", errors.New("http2: client connection lost")), true},
		{nil, false},
	}
	for _, tt := range tests {
		if got := httpretry.Transient(tt.err); got != tt.want {
			t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestHumanWait(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Millisecond: "300 ms", 20 * time.Second: "20 s", 1500 * time.Millisecond: "2 s",
		3 * time.Minute: "3 minutes", time.Hour: "60 minutes", 5 * time.Hour: "5 hours",
	} {
		if got := httpretry.HumanWait(d); got != want {
			t.Errorf("HumanWait(%v) = %q, want %q", d, got, want)
		}
	}
}

// errBusy is a failure in passing, as a client library reports one.
type errBusy struct{ after time.Duration }

func (e *errBusy) Error() string { return "busy" }

func judge(err error) httpretry.Verdict {
	var b *errBusy
	if errors.As(err, &b) {
		return httpretry.Verdict{Retry: true, After: b.after, Reason: "busy"}
	}
	return httpretry.Verdict{Retry: httpretry.Transient(err), Reason: httpretry.Reason(err)}
}

// TestDo: the call helper tries again what the judge calls in passing,
// tells each retry, and says how the retries ended.
func TestDo(t *testing.T) {
	tests := []struct {
		name   string
		fails  []error // the tries' errors, in order; then success
		ctx    func() (context.Context, context.CancelFunc)
		tries  int
		want   string // Explain of the error; "" for success
		notice []string
	}{
		{name: "busy twice", fails: []error{&errBusy{}, &errBusy{after: 3 * time.Second}}, tries: 3,
			notice: []string{"busy; retrying 2/5 in", "the fake asked to wait 3 s (busy); retrying 3/5…"}},
		{name: "not in passing", fails: []error{errors.New("refused")}, tries: 1, want: "refused"},
		{name: "busy for good", fails: []error{&errBusy{}, &errBusy{}, &errBusy{}, &errBusy{}, &errBusy{}}, tries: 5,
			want: "busy (gave up after 5 tries)"},
		{name: "asked too long", fails: []error{&errBusy{}, &errBusy{after: time.Hour}}, tries: 2,
			want: "busy; the fake asked to wait 60 minutes before trying again, more than the 2 minutes emtime waits: try again later"},
		{name: "the next try after the deadline", fails: []error{&errBusy{}, &errBusy{after: 10 * time.Second}}, tries: 2,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 5*time.Second)
			},
			want: "busy; the fake asked to wait 10 s before trying again, more than the 5 s emtime waits: try again later"},
		{name: "the next backoff after the deadline", fails: []error{&errBusy{}, &errBusy{}}, tries: 1,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 400*time.Millisecond)
			},
			want: "busy (gave up after 1 try: the next would come after the run's time limit)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			tries := 0
			var notices []string
			slept := time.Duration(0)
			p := httpretry.Policy{BaseDelay: time.Second, Service: "the fake", Sleep: func(_ context.Context, d time.Duration) error { slept += d; return nil }}
			_, err := httpretry.Do(ctx, p, "the call", judge, func(n httpretry.Notice) { notices = append(notices, n.String()) },
				func(context.Context) (int, error) {
					tries++
					if tries <= len(tt.fails) {
						return 0, tt.fails[tries-1]
					}
					return 42, nil
				})
			if tries != tt.tries {
				t.Errorf("%d tries, want %d", tries, tt.tries)
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.want != "" && (err == nil || httpretry.Explain(err, func(e error) string { return e.Error() }) != tt.want):
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
			for i, n := range tt.notice {
				if i >= len(notices) || !strings.HasPrefix(notices[i], n) {
					t.Errorf("notices %q, want %q", notices, tt.notice)
					break
				}
			}
		})
	}
}

// TestDoTimeout: a try that outlasts the policy's Timeout is abandoned and
// tried again; its error says how long it had.
func TestDoTimeout(t *testing.T) {
	tries := 0
	p := httpretry.Policy{Timeout: 20 * time.Millisecond, MaxAttempts: 2, Service: "the fake", Sleep: func(context.Context, time.Duration) error { return nil }}
	_, err := httpretry.Do(context.Background(), p, "", judge, nil, func(ctx context.Context) (int, error) {
		tries++
		<-ctx.Done()
		return 0, ctx.Err()
	})
	var te *httpretry.TimeoutError
	if tries != 2 || !errors.As(err, &te) || httpretry.Attempts(err) != 2 {
		t.Fatalf("%d tries, error %v", tries, err)
	}
	if got := httpretry.Explain(err, func(e error) string { return e.Error() }); got != "timed out: no answer from the fake within 20ms (gave up after 2 tries)" {
		t.Errorf("error %q", got)
	}
}
