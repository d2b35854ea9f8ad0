#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every test lane of fdscope. Each lane prints "PASS: name", "FAIL: name: why"
# or "SKIP: name: why" lines; a lane that fails without saying which test
# failed counts as one failure. Ends with "N passed, N failed[, N skipped]".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$(mktemp -d /tmp/fdscope-check.XXXXXX)
passed=0 failed=0 skipped=0
lanes_failed=""

# lane NAME COMMAND...: run one lane, echoing its output, and count it.
lane() {
	local name=$1 out=$log/$1.log rc p f s
	shift
	echo "=== lane $name: $*"
	local start=$SECONDS
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$out")
	f=$(grep -c '^FAIL: ' "$out")
	s=$(grep -c '^SKIP: ' "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL: lane-$name: exited $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" = 0 ] || lanes_failed="$lanes_failed $name"
	echo "=== lane $name: $p passed, $f failed, $s skipped in $((SECONDS - start)) s"
}

# build: everything the other lanes need, for both kernels.
build() {
	local k rc=0
	for k in 6.1 6.12 6.12-rt; do
		if scripts/build-module.sh "$k" >/dev/null; then
			echo "PASS: build-module-$k"
		else
			echo "FAIL: build-module-$k: see the kbuild output above"
			rc=1
		fi
	done
	if make -s userspace; then echo "PASS: build-reader"; else echo "FAIL: build-reader"; rc=1; fi
	if make -s fixtures; then echo "PASS: build-fixtures"; else echo "FAIL: build-fixtures"; rc=1; fi
	if make -s stress; then echo "PASS: build-stress"; else echo "FAIL: build-stress"; rc=1; fi
	return $rc
}

scripts/deps.sh || { echo "FAIL: deps: scripts/deps.sh failed"; echo "0 passed, 1 failed"; exit 1; }

lane build build
lane lint tests/lint.sh
lane reader tests/reader/run.sh
lane fuzz tests/fuzz/run.sh 60
lane kunit tests/kunit/run.sh 6.1
lane kunit-6.12-rt tests/kunit/run.sh 6.12-rt
lane install tests/install/run.sh
# The .debs that the VM lanes install (tests/vm/guest/test_deb.py).
lane deb tests/deb/run.sh
lane vm-6.1 tests/vm/run --timeout 1500 6.1 tests/vm/guest/run-all.sh
lane vm-6.12 tests/vm/run --timeout 1500 6.12 tests/vm/guest/run-all.sh
lane vm-6.12-rt tests/vm/run --timeout 1500 6.12-rt tests/vm/guest/run-all.sh
# The benchmark driver on a tiny workload: it runs, not how fast.
lane bench-smoke tests/bench/run.sh --smoke
# Lockdown cannot be lowered once raised: a boot of its own.
lane vm-6.12-lockdown tests/vm/run 6.12 tests/vm/guest/lockdown.py

[ -z "$lanes_failed" ] || echo "failed lanes:$lanes_failed (logs in $log)"
summary="$passed passed, $failed failed"
[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" = 0 ]
