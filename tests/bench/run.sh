#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fdscope benchmark (host side): build the module, the reader and the
# workload, boot one guest (tests/vm/run) that runs tests/bench/guest-bench.py,
# and print its results table. `make bench BENCH_ARGS='--kernel 6.12'`.
#
#   tests/bench/run.sh [--kernel 6.1|6.12] [--smoke] [--ko PATH] [--mem SIZE]
#                      [--out DIR] [--timeout S] [--ab-rev REV] [-- GUEST-BENCH ARGS...]
#
# --ab-rev REV: also alternate the module of git revision REV (A) with this
# one (B) on the 100k workload, for a before/after of an optimisation.
#
# GUEST-BENCH ARGS are tests/bench/guest-bench.py's: for a quicker full run,
# --skip PHASE,... leaves phases out (peers, profile, latency, holders,
# scale, maps, locks, threads), --runs N and --peer-runs N set the rounds.
#
# --smoke: tiny workload, one run per tool; prints "PASS: bench-smoke" or
# "FAIL: bench-smoke: why" (for make check). Results (results.txt,
# results.json, perf reports, the guest log) land in --out, default
# tests/out/bench-KERNEL-DATE (tests/out/bench-smoke for --smoke).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.1
smoke=
ko=
mem=8G
out=
timeout=
ab_rev=
extra=()

usage() {
	sed -n 's/^#   //p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel)  [ $# -ge 2 ] || usage; kernel=$2; shift 2 ;;
	--smoke)   smoke=1; shift ;;
	--ko)      [ $# -ge 2 ] || usage; ko=$(realpath "$2"); shift 2 ;;
	--mem)     [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--out)     [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--ab-rev)  [ $# -ge 2 ] || usage; ab_rev=$2; shift 2 ;;
	--)        shift; extra=("$@"); break ;;
	*)         usage ;;
	esac
done

# fail WHY: the smoke verdict, or a plain error for a full run.
fail() {
	if [ -n "$smoke" ]; then
		echo "FAIL: bench-smoke: $*"
	else
		echo "bench: $*" >&2
	fi
	exit 1
}

cd "$top" || exit 1
if [ -n "$smoke" ]; then
	out=${out:-tests/out/bench-smoke}
	timeout=${timeout:-900}
	mem=2G
	extra=(--smoke "${extra[@]}")
else
	out=${out:-tests/out/bench-$kernel-$(date +%Y%m%d-%H%M%S)}
	timeout=${timeout:-7200}
fi

[ -n "$ko" ] || ko=$(scripts/build-module.sh "$kernel") || fail "module build failed"
# Smoke: the same module twice, so that the A/B swap is exercised.
[ -z "$smoke" ] || extra+=(--ab "$ko,$ko")
make -s -C userspace >&2 || fail "reader build failed (make -C userspace)"
if [ -n "$ab_rev" ]; then
	# The module sources of REV, built in a scratch tree for the same kernel.
	abdir=$top/.build/bench-ab-$(git rev-parse --short "$ab_rev") || fail "no revision $ab_rev"
	rm -rf "$abdir"
	mkdir -p "$abdir"
	git archive "$ab_rev" Kbuild module | tar -x -C "$abdir" || fail "git archive $ab_rev failed"
	make -s -C "/lib/modules/$(scripts/kver.sh "$kernel")/build" M="$abdir" modules >&2 ||
		fail "module build of $ab_rev failed"
	extra+=(--ab "$abdir/module/fdscope.ko,$ko")
fi
make -s -C tests/bench >&2 || fail "workload build failed (make -C tests/bench)"

rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/guest.log
echo "bench: $kernel, module $ko, results in $out" >&2

# The guest's output is kept in guest.log (and streamed for a full run);
# the rig's own PASS/FAIL lines stay out of this lane's verdict.
rc=0
if [ -n "$smoke" ]; then
	FDSCOPE_OUT=$out tests/vm/run --timeout "$timeout" --mem "$mem" --ko "$ko" "$kernel" \
		/usr/bin/python3 tests/bench/guest-bench.py "${extra[@]}" >"$log" 2>&1 || rc=$?
else
	FDSCOPE_OUT=$out tests/vm/run --timeout "$timeout" --mem "$mem" --ko "$ko" "$kernel" \
		/usr/bin/python3 tests/bench/guest-bench.py "${extra[@]}" 2>&1 | tee "$log" >&2
	rc=${PIPESTATUS[0]}
fi

if [ ! -s "$out/results.json" ]; then
	sed 's/^/    /' "$log" | tail -40 >&2
	fail "the guest wrote no results (tests/vm/run exited $rc; log $log)"
fi
[ -n "$smoke" ] || cat "$out/results.txt"

# Verdict from the guest's results, and the rig's own checks (dmesg, rmmod).
why=$(python3 - "$out/results.json" "$smoke" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
fails = res.get('failures', [])
if sys.argv[2] and not res.get('smoke_ok'):
    fails = fails or ['the smoke checks did not pass']
print('; '.join(fails))
EOF
) || fail "results.json does not parse"
[ -z "$why" ] || fail "$why"
[ "$rc" = 0 ] || fail "tests/vm/run exited $rc: $(grep '^vm: ' "$log" | tail -3 | tr '\n' ' ')"
if [ -n "$smoke" ]; then
	echo "PASS: bench-smoke"
else
	echo "bench: results in $out/results.txt" >&2
fi
