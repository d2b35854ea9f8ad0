#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make run`: give the system some sockets and
# pipes to look at, then show what fdscope sees.
set -euo pipefail

fixtures=tests/fixtures
"$fixtures/sock_fixture" /tmp/sock.manifest </dev/zero >/tmp/sock.out 2>&1 &
demo=$!
trap 'kill $demo 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	grep -q ready /tmp/sock.out 2>/dev/null && break
	sleep 0.1
done

echo "### fdscope $*"
userspace/fdscope "$@"
echo
echo "### fdscope --summary"
userspace/fdscope --summary
