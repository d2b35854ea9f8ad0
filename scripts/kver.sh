#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Map a kernel alias (6.1, 6.12, 6.12-rt) or a full version to the full
# version of an installed Debian kernel; exit 1 naming what is missing.
set -euo pipefail

alias=${1:?usage: kver.sh 6.1|6.12|6.12-rt|FULL-VERSION}
case "$alias" in
6.1)     pat='6.1.*-amd64' ;;
6.12)    pat='6.12.*+deb12-amd64' ;;
6.12-rt) pat='6.12.*+deb12-rt-amd64' ;;
*)       pat="$alias" ;;
esac
ver=$(cd /lib/modules 2>/dev/null && ls -d $pat 2>/dev/null | grep -v -- '-rt-amd64$' | sort -V | tail -1 || true)
[ "$alias" = 6.12-rt ] && ver=$(cd /lib/modules 2>/dev/null && ls -d $pat 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$ver" ] || [ ! -e "/boot/vmlinuz-$ver" ]; then
	echo "kver: no installed Debian kernel matches '$alias' (run 'make deps')" >&2
	exit 1
fi
echo "$ver"
