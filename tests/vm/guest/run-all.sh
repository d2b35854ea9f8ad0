#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run every tests/vm/guest/test_*.py in the guest (as root, module loaded),
# or only the named ones: run-all.sh [test_files] [test_sockets.py] ...
# Their PASS/FAIL/SKIP lines go to stdout; each test's full output is also
# kept in $FDSCOPE_OUT/<test>.log when FDSCOPE_OUT is set. Exits non-zero
# if any check failed or any test did not finish cleanly.
set -u
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
fixtures=$(cd "$here/../../fixtures" && pwd)
py=/usr/bin/python3
[ -x "$py" ] || py=python3

if ! make -s -C "$fixtures" >/dev/null 2>&1; then
	echo "FAIL: guest-fixtures-build: make -C tests/fixtures failed"
	make -C "$fixtures" 2>&1 | tail -20 | sed 's/^/    /'
	exit 1
fi

rc=0
pass=0
fail=0
skip=0
logdir=${FDSCOPE_OUT:-}
tests=()
for a in "$@"; do
	tests+=("$here/$(basename "$a" .py).py")
done
[ ${#tests[@]} -gt 0 ] || tests=("$here"/test_*.py)
for t in "${tests[@]}"; do
	name=$(basename "$t" .py)
	if [ ! -f "$t" ]; then
		echo "FAIL: $name: no such test"
		rc=1
		continue
	fi
	log=$(mktemp)
	start=$SECONDS
	"$py" "$t" 2>&1 | tee "$log"
	trc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	s=$(grep -c '^SKIP: ' "$log")
	if [ "$trc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: $name: exited with status $trc and no FAIL line"
		f=1
	fi
	if [ "$((p + f + s))" = 0 ]; then
		echo "FAIL: $name: printed no PASS/FAIL/SKIP line"
		f=1
	fi
	[ "$f" = 0 ] || rc=1
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	echo "run-all: $name: $p passed, $f failed, $s skipped in $((SECONDS - start)) s"
	[ -z "$logdir" ] || cp "$log" "$logdir/$name.log" 2>/dev/null || true
	rm -f "$log"
done
echo "run-all: total $pass passed, $fail failed, $skip skipped"
exit $rc
