package gitlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// Bounds on one commit's header, the part before the message: the message
// itself is never read, so a commit with a gigabyte of message costs what
// one without does.
const (
	maxHeader     = 1 << 20 // bytes of header read before the commit is rejected
	maxHeaderLine = 8 << 10 // bytes of one tree, parent, author or committer line
	maxParents    = 1 << 10 // parents kept of an octopus merge
)

var errHeader = errors.New("malformed commit header")

// ident is an author or committer line: name, address and time.
type ident struct {
	name, email string
	when        time.Time
}

// header is what the walk needs from a commit.
type header struct {
	parents   []plumbing.Hash
	tree      plumbing.Hash
	author    ident
	committer ident
	// parentCount counts every parent line, kept or not.
	parentCount int
}

// headerReader parses commit headers, reusing its buffers.
type headerReader struct {
	br   *bufio.Reader
	line []byte
}

func newHeaderReader() *headerReader {
	return &headerReader{br: bufio.NewReaderSize(nil, 4096)}
}

// read parses the header of the commit r holds. It reads up to the blank
// line that ends the header and no further.
//
// A header that is malformed (a time out of range, a line that is not what
// its key says, no author, a header past maxHeader) is an error wrapping
// errHeader; a read that fails half-way is that read's error. Either way the
// header comes back with the parents read on good lines before the end:
// the commit cannot be counted, but the history behind it can still be
// walked. The committer time is zero when it could not be read.
func (hr *headerReader) read(r io.Reader) (header, error) {
	hr.br.Reset(r)
	var h header
	var bad error // the first thing wrong; parsing goes on past it
	fail := func(err error) {
		if bad == nil {
			bad = err
		}
	}
	total := 0
	seenAuthor, seenCommitter := false, false
	for {
		line, n, err := hr.readLine()
		total += n
		if total > maxHeader {
			fail(fmt.Errorf("%w: header longer than %d bytes", errHeader, maxHeader))
			break
		}
		if err != nil {
			if err == io.EOF && seenCommitter {
				// A commit with no message at all.
				break
			}
			if err == io.EOF {
				err = fmt.Errorf("%w: ends before its committer line", errHeader)
			}
			// Any other error is the object's, not its header's (a stream
			// cut short, a checksum that fails): returned as it is.
			fail(err)
			break
		}
		if len(line) == 0 {
			break
		}
		key, value, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree":
			if hash, ok := parseHash(value); ok {
				h.tree = hash
			}
		case "parent":
			h.parentCount++
			hash, ok := parseHash(value)
			if !ok {
				fail(fmt.Errorf("%w: parent %q is not a hash", errHeader, clean(string(value))))
				continue
			}
			if len(h.parents) < maxParents {
				h.parents = append(h.parents, hash)
			}
		case "author":
			if !seenAuthor {
				seenAuthor = true
				if h.author, err = parseIdent(value); err != nil {
					fail(fmt.Errorf("%w: author: %w", errHeader, err))
				}
			}
		case "committer":
			if !seenCommitter {
				seenCommitter = true
				if h.committer, err = parseIdent(value); err != nil {
					fail(fmt.Errorf("%w: committer: %w", errHeader, err))
				}
			}
		}
	}
	if bad == nil && (!seenAuthor || !seenCommitter) {
		bad = fmt.Errorf("%w: no author or committer line", errHeader)
	}
	return h, bad
}

// MaxSubject is the most bytes of a commit's subject line read.
const MaxSubject = 1024

// subject reads, after [headerReader.read], the first line of the message:
// at most MaxSubject bytes of it, however long the line is.
func (hr *headerReader) subject() string {
	var line []byte
	for len(line) < MaxSubject {
		chunk, err := hr.br.ReadSlice('\n')
		line = append(line, chunk[:min(len(chunk), MaxSubject-len(line))]...)
		if err != bufio.ErrBufferFull {
			break
		}
	}
	return string(bytes.TrimRight(line, "\r\n"))
}

// readLine returns the next line without its newline, keeping at most
// maxHeaderLine bytes of it, and the bytes consumed.
func (hr *headerReader) readLine() ([]byte, int, error) {
	hr.line = hr.line[:0]
	n := 0
	for {
		chunk, err := hr.br.ReadSlice('\n')
		n += len(chunk)
		if room := maxHeaderLine - len(hr.line); room > 0 {
			hr.line = append(hr.line, chunk[:min(len(chunk), room)]...)
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(hr.line, []byte{'\n'}), n, nil
		case errors.Is(err, bufio.ErrBufferFull):
			if n > maxHeader {
				return nil, n, fmt.Errorf("%w: header longer than %d bytes", errHeader, maxHeader)
			}
			continue
		case err == io.EOF && len(hr.line) > 0:
			return hr.line, n, nil
		default:
			return nil, n, err
		}
	}
}

func parseHash(b []byte) (plumbing.Hash, bool) {
	if len(b) != 40 {
		return plumbing.ZeroHash, false
	}
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return plumbing.ZeroHash, false
		}
	}
	return plumbing.NewHash(string(b)), true
}

// Bounds of a believable commit time: a time outside them is an error, not
// a date in the year 292277026596.
var (
	minUnix = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxUnix = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix()
)

// parseIdent reads "Name <email> 1700000000 +0100". The address is what is
// between the first '<' and the last '>', as git reads it.
func parseIdent(b []byte) (ident, error) {
	lt := bytes.IndexByte(b, '<')
	gt := bytes.LastIndexByte(b, '>')
	if lt < 0 || gt < lt {
		return ident{}, errors.New("no <address>")
	}
	id := ident{
		name:  string(bytes.TrimSpace(b[:lt])),
		email: string(bytes.TrimSpace(b[lt+1 : gt])),
	}
	fields := bytes.Fields(b[gt+1:])
	if len(fields) < 1 {
		return ident{}, errors.New("no time")
	}
	secs, err := strconv.ParseInt(string(fields[0]), 10, 64)
	if err != nil || secs < minUnix || secs > maxUnix {
		return ident{}, fmt.Errorf("time %q out of range", clean(string(fields[0])))
	}
	zone := time.UTC
	if len(fields) > 1 {
		zone = parseZone(fields[1])
	}
	id.when = time.Unix(secs, 0).In(zone)
	return id, nil
}

// parseZone reads "+0530"; anything else is UTC, as git shows it.
func parseZone(b []byte) *time.Location {
	if len(b) != 5 || (b[0] != '+' && b[0] != '-') {
		return time.UTC
	}
	hh, err1 := strconv.Atoi(string(b[1:3]))
	mm, err2 := strconv.Atoi(string(b[3:5]))
	if err1 != nil || err2 != nil || hh > 23 || mm > 59 {
		return time.UTC
	}
	off := (hh*60 + mm) * 60
	if b[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC
	}
	return time.FixedZone(string(b), off)
}
