//go:build unix

package ics

import (
	"syscall"
	"time"
)

// cpuTime is the processor time the process has used, all its threads
// together: on a shared machine it moves less with the load than the
// wall clock does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
