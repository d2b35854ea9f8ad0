#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the reader's libFuzzer target with ASan and UBSan and run it for
# SECONDS (default 60) from the seed corpus; prints "PASS: reader-fuzz" or
# "FAIL: reader-fuzz: why". New inputs go to tests/out/fuzz/corpus, crash
# inputs to tests/out/fuzz/ (replay one: tests/out/fuzz/fuzz_parse FILE).
set -uo pipefail

secs=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/out/fuzz
src=$top/userspace
mkdir -p "$out/corpus"

fail() { echo "FAIL: reader-fuzz: $*"; exit 1; }

command -v clang >/dev/null || fail "clang is not installed"
cflags=$(pkg-config --cflags smartcols) && libs=$(pkg-config --libs smartcols) ||
	fail "pkg-config smartcols failed"
# shellcheck disable=SC2086
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -D_GNU_SOURCE -Wall -Wextra $cflags \
	-Wl,--defsym=LLVMFuzzerTestOneInput=fuzz_one_input \
	-o "$out/fuzz_parse" "$top/tests/fuzz/fuzz_parse.c" \
	"$src"/parse.c "$src"/hash.c "$src"/util.c "$src"/model.c "$src"/columns.c \
	"$src"/users.c "$src"/output.c "$src"/select.c "$src"/filter.c "$src"/holders.c \
	"$src"/json.c "$src"/endpoint_kinds.c "$src"/loopback.c "$src"/locks.c "$src"/epoll.c \
	"$src"/xmode.c "$src"/proclocks.c "$src"/details.c "$src"/stream.c "$src"/readparse.c "$src"/halves.c "$src"/bigmem.c \
	$libs \
	>"$out/build.log" 2>&1 || fail "build failed: $(head -3 "$out/build.log" | tr '\n' ' ')"

rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*
"$out/fuzz_parse" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-dict="$top/tests/fuzz/fdscope.dict" -artifact_prefix="$out/" \
	-print_final_stats=1 "$out/corpus" "$top/tests/fuzz/corpus" >"$out/fuzz.log" 2>&1
rc=$?
stats=$(grep -E '^stat::(number_of_executed_units|new_units_added):' "$out/fuzz.log" |
	awk '{print $2}' | paste -sd/ -)
artifact=$(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* 2>/dev/null | head -1)
if [ "$rc" != 0 ] || [ -n "$artifact" ]; then
	why=$(grep -m1 -E 'ERROR: |runtime error|SUMMARY' "$out/fuzz.log")
	fail "exit $rc: ${why:-see $out/fuzz.log} ${artifact:+(input: $artifact)}"
fi
echo "PASS: reader-fuzz (${secs}s, executions/new inputs: ${stats:-?})"
