//go:build !unix

package atomicfile

// noFollow is nothing where the platform has no O_NOFOLLOW (Windows):
// [OpenPrivate] checks before opening and after instead.
const noFollow = 0
