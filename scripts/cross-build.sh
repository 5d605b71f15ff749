#!/usr/bin/env bash
# Cross-builds emtime for every target of the release matrix — linux,
# darwin and windows on amd64 and arm64 — with the release build's flags
# (CGO_ENABLED=0, -trimpath, -s -w and the version ldflags), into a
# temporary folder that is removed afterwards. Fails on the first target
# that does not build. The matrix and the flags are those of
# .goreleaser.yaml, written out here rather than read from it: keep the two
# in step.
#
# Then runs the binary built for this machine, when there is one, to check
# that the ldflags reached the version: a renamed variable would otherwise
# leave every release saying "dev".
#
# Usage: scripts/cross-build.sh            (from anywhere in the repo)
#        KEEP=dir scripts/cross-build.sh   (keep the binaries in dir)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(
	linux/amd64 linux/arm64
	darwin/amd64 darwin/arm64
	windows/amd64 windows/arm64
)

pkg=github.com/emtime/emtime/pkg/buildinfo
version=0.0.0-crossbuild
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ldflags="-s -w -X $pkg.version=$version -X $pkg.commit=$commit -X $pkg.date=$date"

if [ -n "${KEEP:-}" ]; then
	out=$KEEP
	mkdir -p "$out"
else
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi

for target in "${targets[@]}"; do
	goos=${target%/*}
	goarch=${target#*/}
	bin="$out/emtime_${goos}_${goarch}/emtime"
	[ "$goos" = windows ] && bin="$bin.exe"
	echo "cross-build: $goos/$goarch"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch \
		go build -trimpath -ldflags "$ldflags" -o "$bin" ./cmd/emtime
done

host="$(go env GOOS)/$(go env GOARCH)"
for target in "${targets[@]}"; do
	if [ "$target" = "$host" ]; then
		bin="$out/emtime_${host/\//_}/emtime"
		[ "${host%/*}" = windows ] && bin="$bin.exe"
		got=$("$bin" version) || { echo "cross-build: $bin version failed" >&2; exit 1; }
		if ! grep -qx "emtime version $version" <<<"$got" || ! grep -qx "commit: $commit" <<<"$got"; then
			echo "cross-build: the version ldflags did not reach the binary; it says:" >&2
			echo "$got" >&2
			exit 1
		fi
		echo "cross-build: $host binary says $(head -1 <<<"$got")"
	fi
done
echo "cross-build: ${#targets[@]} targets built"
