//go:build !unix

package gitlog

import "time"

// cpuTime is not measured here: the cpu-ns/commit metric reads zero.
func cpuTime() time.Duration { return 0 }
