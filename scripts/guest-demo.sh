#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make run`: give the system some sockets and
# pipes to look at, then show what fdscope sees.
set -euo pipefail

demo=/tmp/fdscope-demo
mkdir -p "$demo"
# The fixture holds its sockets until its stdin (a pipe) closes.
sleep 3600 | tests/fixtures/sock_fixture "$demo/manifest" "$demo" >"$demo/out" 2>&1 &
trap 'pkill -x sock_fixture || true; pkill -x sleep || true' EXIT
for _ in $(seq 300); do
	grep -q ready "$demo/out" 2>/dev/null && break
	sleep 0.1
done

echo "### fdscope $*"
userspace/fdscope "$@"
echo
echo "### fdscope --summary"
userspace/fdscope --summary
echo
echo "### fdscope --endpoints"
userspace/fdscope --endpoints
