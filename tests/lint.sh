#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lint gate. Prints one line per check and exits non-zero if any fails:
#
#	PASS: lint-checkpatch		checkpatch.pl --strict on every C file
#					and header in module/, tests/, userspace/
#	PASS: lint-sparse-6.1		the module built with C=2 (sparse on
#	PASS: lint-sparse-6.12		every file) against 6.1 / 6.12 headers
#	PASS: lint-w1-6.1		the module built with W=1 against
#	PASS: lint-w1-6.12		6.1 / 6.12 headers
#
# or "FAIL: <check>: <findings>". Any finding fails its check: a checkpatch
# ERROR, WARNING or CHECK, any line sparse or the compiler prints, a build
# that fails. Each build is a fresh one in .build/lint/, so every file is
# compiled and checked again whatever was built before.
#
# Environment: FDSCOPE_KSRC (default /usr/src/linux-source-6.1), the tree
# whose scripts/checkpatch.pl is used; LINT_KERNELS (default "6.1 6.12").
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${FDSCOPE_KSRC:-/usr/src/linux-source-6.1}
kernels=${LINT_KERNELS:-6.1 6.12}
checkpatch=$ksrc/scripts/checkpatch.pl
fail=0

report() {	# CHECK FINDINGS: PASS if FINDINGS is empty, else FAIL with them
	if [ -z "$2" ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1: $(printf '%s\n' "$2" | head -n 20 | tr '\n' '|' | sed 's/|$//')"
		printf '%s\n' "$2" | sed "s/^/lint: $1: /" >&2
		fail=1
	fi
}

# --- checkpatch --------------------------------------------------------------
lint_checkpatch() {
	local files out root

	[ -f "$checkpatch" ] || { echo "no $checkpatch (run 'make deps')"; return; }
	# Tracked and new files alike; ignored build products are not sources.
	# Outside a git checkout (an export), every file that is there.
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		mapfile -t files < <(cd "$top" && git ls-files --cached --others \
			--exclude-standard -- 'module/*.[ch]' 'tests/*.[ch]' 'userspace/*.[ch]' |
			sort -u)
	else
		mapfile -t files < <(cd "$top" && find module tests userspace -name '*.[ch]' \
			-not -path 'tests/out/*' -not -name '*.mod.c' 2>/dev/null | sort)
	fi
	[ "${#files[@]}" -gt 0 ] || { echo "no C files found under $top"; return; }
	# One run over all of them; --terse: "path:line: LEVEL:TYPE: message".
	# --root: an empty tree, for the CamelCase check outside a git checkout.
	root=$(mktemp -d)
	mkdir "$root/include"
	out=$(cd "$top" && perl "$checkpatch" --strict --no-tree --root="$root" --terse \
		--show-types --no-summary --color=never -f "${files[@]}" 2>&1)
	rm -rf "$root"
	printf '%s\n' "$out" | grep -v '^$'
}

# --- module builds -------------------------------------------------------------
# Build the module for kernel $1 with make arguments $2... in a fresh
# directory of links to module/, as scripts/build-module.sh does; print
# whatever kbuild, sparse and the compiler had to say.
lint_build() {
	local alias=$1 ver kdir out f
	shift

	ver=$("$top/scripts/kver.sh" "$alias" 2>&1) || { echo "$ver"; return; }
	kdir=/lib/modules/$ver/build
	[ -d "$kdir" ] || { echo "no headers at $kdir (run 'make deps')"; return; }
	out=$top/.build/lint/$ver-$(echo "$*" | tr -c 'A-Za-z0-9\n' _)
	rm -rf "$out"
	mkdir -p "$out/module"
	ln -s "$top/Kbuild" "$out/Kbuild"
	for f in "$top"/module/*.[ch] "$top"/module/Kbuild "$top"/module/compat.mk; do
		ln -s "$f" "$out/module/$(basename "$f")"
	done
	# Findings name module/FILE, not the link in the build directory.
	make -s -C "$kdir" M="$out" "$@" modules 2>&1 |
		grep -v '^Skipping BTF generation for .* due to unavailability of vmlinux$' |
		sed "s|$out/module/|module/|g"
	[ "${PIPESTATUS[0]}" -eq 0 ] || echo "make $* failed for $ver"
}

report lint-checkpatch "$(lint_checkpatch)"
for k in $kernels; do
	report "lint-sparse-$k" "$(lint_build "$k" C=2)"
	report "lint-w1-$k" "$(lint_build "$k" W=1)"
done
exit "$fail"
