//go:build unix

package gitlog

import (
	"syscall"
	"time"
)

// cpuTime is the user and system time of this process and its finished
// children.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	total := time.Duration(0)
	for _, r := range []syscall.Rusage{self, kids} {
		total += time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return total
}
