#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (tests/vm/run 6.1 scripts/leak-demo.sh): the
# README's "Finding an fd leak in one minute" with tests/fixtures/leak_fixture
# as the leaking program; prints each command and what it printed.
set -euo pipefail
cd "$(dirname "$0")/.."
PATH=$PWD/userspace:$PATH
export LC_ALL=C.UTF-8
make -s -C tests/fixtures >/dev/null

show() {
	echo "\$ $*"
	"$@"
	echo
}

rm -rf /tmp/leak /tmp/a /tmp/b /tmp/leak.out
# 25 log files, then TCP sockets left in CLOSE_WAIT, one every 100 ms.
tests/fixtures/leak_fixture /tmp/leak 25 600 >/tmp/leak.out &
leaker=$!
trap 'kill $leaker' EXIT
until grep -q '^ready' /tmp/leak.out; do
	sleep 0.1
done
show fdscope --save /tmp/a
sleep 2
show fdscope --save /tmp/b
show fdscope --diff /tmp/a /tmp/b
show fdscope --diff /tmp/a
echo "\$ fdscope --diff -J /tmp/a /tmp/b | jq -M -c '.processes[0]'"
fdscope --diff -J /tmp/a /tmp/b | jq -M -c '.processes[0]'
echo
show fdscope --watch -n 3
