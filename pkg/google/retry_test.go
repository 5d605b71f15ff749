package google

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"golang.org/x/net/http2"
)

// TestRetryableHTTP2: HTTP/2's dropped requests are transient, as a
// dropped connection is; its other stream errors are not.
func TestRetryableHTTP2(t *testing.T) {
	get := func(err error) error { return &url.Error{Op: "Get", URL: "https://www.googleapis.com/", Err: err} }
	tests := []struct {
		err  error
		want bool
	}{
		{get(http2.StreamError{StreamID: 1, Code: http2.ErrCodeInternal}), true},
		{get(http2.StreamError{StreamID: 3, Code: http2.ErrCodeRefusedStream}), true},
		{get(http2.StreamError{StreamID: 5, Code: http2.ErrCodeProtocol}), false},
		{get(errors.New("http2: client connection lost")), true},
		{get(errors.New(`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=""`)), true},
		{get(errors.New("tls: failed to verify certificate")), false},
		{fmt.Errorf("calendar primary: %w", errors.New("http2: client connection lost")), true},
	}
	for _, tt := range tests {
		if got, _ := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
