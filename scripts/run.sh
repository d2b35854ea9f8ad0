#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: build fdscope and show it. Loads the module into this kernel
# when it can (root, module support, headers); otherwise boots a throwaway
# Debian 6.1 guest, loads it there and prints the reader's output.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
make -s userspace fixtures

if [ -e /proc/modules ] && [ "$(id -u)" = 0 ] && [ -d "/lib/modules/$(uname -r)/build" ]; then
	make -s module
	grep -q '^fdscope ' /proc/modules || insmod module/fdscope.ko
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	exec userspace/fdscope "$@"
fi

echo "run: this kernel cannot load modules; showing fdscope in a Debian 6.1 guest" >&2
exec tests/vm/run 6.1 scripts/guest-demo.sh "$@"
