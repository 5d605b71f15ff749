#!/usr/bin/env bash
# Times emtime against three other iCalendar expanders on the same file and
# the same window, side by side, in one run: node-ical and ical-expander
# (npm) and python-recurring-ical-events (Python, on icalendar). Each
# prints how many occurrences it found in the window, which must be
# emtime's, and how long it took; the last column says how many times
# faster `emtime events` is.
#
# emtime is timed as a whole process (`emtime events -o ndjson` to a file:
# starting, reading, expanding, classifying, counting and writing every
# occurrence), best of RUNS; each peer times only its reading, parsing and
# expanding, inside its own driver (scripts/peers/), best of PEER_RUNS. A
# peer that is missing is installed (the npm packages into a cache folder;
# Debian's python3-recurring-ical-events with apt-get when run as root, else
# pip into the cache folder), or skipped with a word on how to get it.
#
# Exit status: 0 when emtime found the same occurrences as every peer that
# ran and was at least MIN_RATIO (default 5) times faster than each; 1
# otherwise (a peer that failed counts as a failure; one skipped does not).
#
# Usage: scripts/bench-peers.sh [FILE [FROM TO [ZONE]]]
#   FILE      an .ics file (default: the ten-year busy calendar of the
#             benchmarks, 101,672 occurrences, written by a Go test)
#   FROM, TO  the first and last day of the window (default 2016-01-04
#             and 2025-12-31), read in ZONE (default Europe/Berlin)
# Environment: RUNS (default 5), PEER_RUNS (default 1), MIN_RATIO (default
#   5), PEERS_CACHE (where npm and pip put what they fetch; default
#   ~/.cache/emtime-bench-peers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=$root/scripts/peers
runs=${RUNS:-5}
peer_runs=${PEER_RUNS:-1}
min_ratio=${MIN_RATIO:-5}
failed=0
cache=${PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emtime-bench-peers}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

file=${1:-}
from=${2:-2016-01-04}
to=${3:-2025-12-31}
zone=${4:-Europe/Berlin}

echo "building emtime…" >&2
(cd "$root" && go build -o "$work/emtime" ./cmd/emtime)
if [ -z "$file" ]; then
	file=$work/busy.ics
	echo "writing the busy calendar…" >&2
	(cd "$root" && EMTIME_BUSY_ICS=$file go test ./pkg/cli -run '^TestWriteBusyCalendar$' -count=1 >/dev/null)
fi
[ -r "$file" ] || { echo "bench-peers: cannot read $file" >&2; exit 1; }

# The window as instants: from's midnight to the midnight after to, in zone.
start=$(date -u -d "@$(TZ=$zone date -d "$from" +%s)" +%Y-%m-%dT%H:%M:%SZ)
end=$(date -u -d "@$(TZ=$zone date -d "$to +1 day" +%s)" +%Y-%m-%dT%H:%M:%SZ)

now() { date +%s.%N; }
best() { sort -g | head -1; }

# emtime, as a whole process.
emtime_run() {
	local t0 t1
	t0=$(now)
	"$work/emtime" "$@" --ics "$file" --from "$from" --to "$to" --tz "$zone" >"$work/out" 2>"$work/err" ||
		{ cat "$work/err" >&2; exit 1; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
emtime_best() {
	for _ in $(seq "$runs"); do emtime_run "$@"; done | best
}
events_s=$(emtime_best events -o ndjson)
count=$(wc -l <"$work/out")
analyze_s=$(emtime_best analyze -o json)

size=$(du -h "$file" | cut -f1)
printf '%s (%s), %s to %s in %s (%s to %s); emtime best of %d runs, peers best of %d\n\n' \
	"$(basename "$file")" "$size" "$from" "$to" "$zone" "$start" "$end" "$runs" "$peer_runs"
row() { printf '%-30s %-10s %12s %10s  %s\n' "$@"; }
row "tool" "version" "occurrences" "seconds" "emtime events is"
row "emtime events -o ndjson" "$("$work/emtime" --version 2>/dev/null | awk '{print $NF; exit}')" "$count" "$events_s" ""
row "emtime analyze -o json" "" "" "$analyze_s" ""

# peer NAME VERSION COMMAND...: runs a driver PEER_RUNS times, keeps the
# best time, and prints its row.
peer() {
	local name=$1 version=$2 out n s bestn="" bests=""
	shift 2
	for _ in $(seq "$peer_runs"); do
		if ! out=$("$@" "$file" "$start" "$end" 2>"$work/err"); then
			row "$name" "$version" "-" "-" "failed: $(head -c 200 "$work/err" | tr '\n' ' ')"
			failed=1
			return
		fi
		read -r n s <<<"$out"
		if [ -z "$bests" ] || awk -v a="$s" -v b="$bests" 'BEGIN { exit !(a < b) }'; then
			bestn=$n bests=$s
		fi
	done
	local note
	note=$(awk -v p="$bests" -v e="$events_s" 'BEGIN { printf "%.1f× faster", p / e }')
	if ! awk -v p="$bests" -v e="$events_s" -v r="$min_ratio" 'BEGIN { exit !(p >= r * e) }'; then
		note="$note (less than ${min_ratio}×!)"
		failed=1
	fi
	if [ "$bestn" != "$count" ]; then
		note="$note (found $bestn, emtime $count: not the same!)"
		failed=1
	fi
	row "$name" "$version" "$bestn" "$bests" "$note"
}
skip() { row "$1" "" "-" "-" "skipped: $2"; }

# The npm peers, installed into the cache when missing.
if command -v node >/dev/null && command -v npm >/dev/null; then
	for pkg in node-ical ical-expander; do
		if [ ! -d "$cache/npm/node_modules/$pkg" ]; then
			echo "installing $pkg into $cache/npm…" >&2
			npm install --silent --no-audit --no-fund --prefix "$cache/npm" "$pkg" >&2 || true
		fi
	done
	for pkg in node-ical ical-expander; do
		if [ -d "$cache/npm/node_modules/$pkg" ]; then
			version=$(node -p "require('$cache/npm/node_modules/$pkg/package.json').version")
			peer "$pkg" "$version" env NODE_PATH="$cache/npm/node_modules" node "$peers/$pkg.js"
		else
			skip "$pkg" "npm could not install it"
		fi
	done
else
	skip node-ical "no node and npm on this machine"
	skip ical-expander "no node and npm on this machine"
fi

# python-recurring-ical-events: a Python that has it (Debian's package is
# /usr/bin/python3's), else Debian's package installed when run as root,
# else pip into the cache.
has_rie() { PYTHONPATH=${2:-} "$1" -c 'import recurring_ical_events' 2>/dev/null; }
find_python() {
	python="" pythonpath=""
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null && has_rie "$py"; then
			python=$py
			return
		fi
	done
	if command -v python3 >/dev/null && has_rie python3 "$cache/python"; then
		python=python3 pythonpath=$cache/python
	fi
}
find_python
if [ -z "$python" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing python3-recurring-ical-events with apt-get…" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-recurring-ical-events >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-recurring-ical-events >&2; } || true
	find_python
fi
if [ -z "$python" ] && command -v python3 >/dev/null; then
	echo "installing recurring-ical-events into $cache/python with pip…" >&2
	python3 -m pip install --quiet --timeout 10 --retries 0 --target "$cache/python" recurring-ical-events >&2 2>/dev/null || true
	find_python
fi
if [ -n "$python" ]; then
	version=$(PYTHONPATH=$pythonpath "$python" -c '
import importlib.metadata as m
try:
    print(m.version("recurring-ical-events"))
except Exception:
    print("?")')
	peer python-recurring-ical-events "$version" env PYTHONPATH="$pythonpath" "$python" "$peers/recurring-ical-events.py"
else
	skip python-recurring-ical-events "not installed, and neither apt-get nor pip could get it (Debian: apt-get install python3-recurring-ical-events)"
fi

echo
if [ "$failed" != 0 ]; then
	echo "bench-peers: emtime was not ${min_ratio}× faster than every peer with the same occurrences" >&2
	exit 1
fi
echo "emtime events is at least ${min_ratio}× faster than every peer that ran, with the same occurrences"
