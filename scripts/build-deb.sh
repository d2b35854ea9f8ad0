#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the fdscope and fdscope-dkms packages into OUTDIR (default
# .build/deb): dpkg-buildpackage -us -uc -b on a copy of this tree's files
# (committed or not, minus what .gitignore ignores), so that the build
# leaves nothing in the tree and writes nothing next to it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-.build/deb}
mkdir -p "$top/$out" 2>/dev/null || mkdir -p "$out"
out=$(cd "$top" && cd "$out" && pwd)

for tool in dpkg-buildpackage dh dh_dkms; do
	command -v "$tool" >/dev/null ||
		{ echo "build-deb: $tool is missing: run 'make deps'" >&2; exit 1; }
done

version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/fdscope-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/fdscope-$version
mkdir "$src"

# The tree's own files only: no .build/, no built objects, no .git.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# shellcheck disable=SC2016 # $f is the inner sh's
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		cpio -0 -pdm --quiet "$src")
else
	tar -C "$top" --exclude=./.build --exclude=./tests/out -cf - . | tar -C "$src" -xf -
fi

# No stale packages survive a failed build, to be tested in their place.
rm -f "$out"/fdscope*.deb "$out"/fdscope_*.changes "$out"/fdscope_*.buildinfo
echo "build-deb: dpkg-buildpackage in $src" >&2
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -40 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (last 40 lines above)" >&2
	exit 1
}

mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
cp "$work/build.log" "$out/build.log"
ls "$out"/*.deb
