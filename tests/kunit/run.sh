#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit lanes: build a KASAN + lockdep + DEBUG_ATOMIC_SLEEP x86_64
# kernel from one of Debian's linux-source trees with fdscope built in,
# boot it under QEMU (TCG, two vCPUs) with kunit.py, and print one line per
# test case:
#
#	tests/kunit/run.sh [6.1]	linux-source-6.1		PASS: kunit-<suite>.<case>
#	tests/kunit/run.sh 6.12-rt	linux-source-6.12, PREEMPT_RT	PASS: kunit-6.12-rt-<suite>.<case>
#
# (FAIL: ...: <why> for a failure.) 6.12 runs the walk on 6.7+'s file
# lookups and RT's sleeping spinlocks, under the same checkers.
#
# A parameterised case is one line, failing if any of its parameters fails.
# Two more lines cover what KUnit cannot see by itself: kunit-suites (every
# suite in tests/kunit/ ran) and kunit-kernel-log (no KASAN, lockdep, BUG or
# WARNING report anywhere in the guest's log, whichever thread caused it).
# Exits non-zero if any line is a FAIL or kunit.py itself failed.
#
# The kernel tree gets fdscope grafted in, idempotently, on every run:
#	drivers/fdscope       -> <this checkout>/module       (symlink)
#	drivers/fdscope-kunit -> <this checkout>/tests/kunit  (symlink)
# plus one "source" line in drivers/Kconfig and two obj- lines in
# drivers/Makefile, added once. The build directory is a cache outside the
# checkout, so reruns are incremental.
#
# Environment: FDSCOPE_KSRC (default /usr/src/linux-source-<version>),
# XDG_CACHE_HOME, KUNIT_TIMEOUT (seconds for boot + tests, default 1200),
# KUNIT_FILTER (a kunit.py filter_glob, e.g. 'fdscope_walk*').
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fdscope
case "${1:-6.1}" in
6.1)
	ksrc=${FDSCOPE_KSRC:-/usr/src/linux-source-6.1}
	build=$cache/kunit
	prefix=kunit
	extra=()
	;;
6.12-rt)
	ksrc=${FDSCOPE_KSRC:-/usr/src/linux-source-6.12}
	build=$cache/kunit-6.12-rt
	prefix=kunit-6.12-rt
	extra=(--kconfig_add CONFIG_EXPERT=y --kconfig_add CONFIG_PREEMPT_RT=y)
	;;
*)
	echo "usage: tests/kunit/run.sh [6.1|6.12-rt]" >&2
	exit 2
	;;
esac
timeout=${KUNIT_TIMEOUT:-1200}
filter=${KUNIT_FILTER:-}

log() { echo "kunit: $*" >&2; }

kunit_py=$ksrc/tools/testing/kunit/kunit.py
if [ ! -x "$kunit_py" ] && [ ! -f "$kunit_py" ]; then
	echo "FAIL: $prefix-setup: no $kunit_py (run 'make deps')"
	exit 1
fi

mkdir -p "$cache"
# One KUnit build at a time per cache directory (and per kernel tree graft).
exec 9>"$cache/kunit.lock"
if ! flock -n 9; then
	log "waiting for another KUnit run to finish"
	flock 9
fi

# --- graft fdscope into the kernel tree ------------------------------------
graft_line() {	# FILE LINE: append LINE to FILE unless already there
	grep -qxF -- "$2" "$1" || printf '%s\n' "$2" >>"$1"
}

ln -sfn "$top/module" "$ksrc/drivers/fdscope"
ln -sfn "$top/tests/kunit" "$ksrc/drivers/fdscope-kunit"
graft_line "$ksrc/drivers/Makefile" 'obj-$(CONFIG_FDSCOPE)		+= fdscope/'
graft_line "$ksrc/drivers/Makefile" 'obj-$(CONFIG_FDSCOPE_KUNIT_TEST)	+= fdscope-kunit/'
kconfig_line='source "drivers/fdscope/Kconfig"'
if ! grep -qxF -- "$kconfig_line" "$ksrc/drivers/Kconfig"; then
	# drivers/Kconfig is one menu: the entry goes before its endmenu.
	[ "$(tail -n 1 "$ksrc/drivers/Kconfig")" = endmenu ] || {
		echo "FAIL: $prefix-setup: $ksrc/drivers/Kconfig does not end in endmenu"
		exit 1
	}
	sed -i '$d' "$ksrc/drivers/Kconfig"
	printf '%s\n\nendmenu\n' "$kconfig_line" >>"$ksrc/drivers/Kconfig"
fi

# Objects built from another checkout can be newer than this checkout's
# sources: drop them when the graft moves, so make cannot keep them.
mkdir -p "$build"
stamp=$build/.fdscope-graft
if [ "$(cat "$stamp" 2>/dev/null)" != "$top" ]; then
	rm -rf "$build/drivers/fdscope" "$build/drivers/fdscope-kunit"
	echo "$top" >"$stamp"
fi

# --- build and run ----------------------------------------------------------
# kunit.py: stdout is its own summary; all of it goes to stderr here.
start=$(date +%s)
set +e
python3 "$kunit_py" run --arch=x86_64 \
	--kunitconfig="$top/tests" \
	--qemu_config="$top/tests/kunit/qemu_x86_64.py" \
	--build_dir="$build" \
	--timeout="$timeout" \
	"${extra[@]}" \
	${filter:+"$filter"} >&2
rc=$?
set -e
log "kunit.py exited $rc after $(($(date +%s) - start))s; kernel log: $build/test.log"

testlog=$build/test.log
if [ ! -s "$testlog" ] || [ "$(stat -c %Y "$testlog")" -lt "$start" ]; then
	echo "FAIL: $prefix-build: kunit.py exited $rc before booting the kernel (see above)"
	exit 1
fi

# --- one line per case ------------------------------------------------------
suites=$(sed -n 's/^[[:space:]]*\.name = "\(fdscope_[a-z0-9_]*\)",$/\1/p' "$top"/tests/kunit/*.c | sort -u)
fail=0
python3 - "$ksrc/tools/testing/kunit" "$testlog" "$filter" "$prefix" $suites <<'EOF' || fail=1
import fnmatch, os, sys

# kunit_parser prints its own summary to stdout: send that to stderr and
# keep stdout for the PASS/FAIL lines.
out = os.fdopen(os.dup(1), 'w', buffering=1)
os.dup2(2, 1)
sys.path.insert(0, sys.argv[1])
import kunit_parser
from kunit_parser import TestStatus

log, glob, prefix, want = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
with open(log, errors='backslashreplace') as f:
    root = kunit_parser.parse_run_tests(f.readlines())

ok = (TestStatus.SUCCESS,)
bad = 0

def why(t):
    # What KUnit printed for this case, in one line.
    msgs = []
    for l in t.log:
        l = l.strip()
        if not l.strip('=') or l.startswith(('ok ', 'not ok ', 'KTAP', '1..')):
            continue
        msgs.append(l.split(': ', 1)[1] if l.startswith('# ') and ': ' in l else l)
    text = ' | '.join(msgs)
    return (text[:700] + ' ...' if len(text) > 700 else text) or t.status.name

def report(name, t):
    global bad
    failed = [s for s in t.subtests if s.status not in ok]
    if t.status in ok and not failed:
        print(f'PASS: {prefix}-{name}', file=out)
        return
    bad += 1
    if t.subtests:
        detail = '; '.join(f'[{s.name}] {why(s)}' for s in failed[:5])
        print(f'FAIL: {prefix}-{name}: {len(failed)} of {len(t.subtests)} '
              f'parameters failed: {detail}', file=out)
    else:
        print(f'FAIL: {prefix}-{name}: {why(t)}', file=out)

seen = set()
for suite in root.subtests:
    seen.add(suite.name)
    if not suite.name.startswith('fdscope_'):
        continue
    if not suite.subtests:
        report(suite.name + '.suite', suite)
    for case in suite.subtests:
        report(f'{suite.name}.{case.name}', case)

suite_glob = glob.split('.')[0] if glob else '*'
missing = [s for s in want if fnmatch.fnmatch(s, suite_glob) and s not in seen]
if missing:
    bad += 1
    print(f'FAIL: {prefix}-suites: did not run: {" ".join(missing)}', file=out)
else:
    print(f'PASS: {prefix}-suites', file=out)
sys.exit(1 if bad else 0)
EOF

# Reports KUnit does not attribute to a case: KASAN in another thread,
# lockdep, sleeping in atomic context, BUG/WARNING/oops anywhere.
splat='BUG:|WARNING:|INFO: possible|INFO: task .* blocked|Oops|general protection|Kernel panic|kernel BUG|UBSAN|circular locking|lock held when returning|suspicious RCU usage|rcu_sched self-detected|stack-protector'
if grep -Eq "$splat" "$testlog"; then
	fail=1
	echo "FAIL: $prefix-kernel-log: $(grep -Em 3 "$splat" "$testlog" | sed 's/^\[ *[0-9.]*\] //' | tr '\n' '|')"
else
	echo "PASS: $prefix-kernel-log"
fi

if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	echo "FAIL: $prefix-run: kunit.py exited $rc"
	fail=1
fi
exit "$fail"
