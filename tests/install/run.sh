#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side packaging tests: a staged `make install`/`make uninstall` that
# leaves nothing behind, and a DKMS build + install + remove for the stock
# 6.1 kernel. (modprobe of the installed module runs in the VM lane.)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
ver=$(scripts/kver.sh 6.1) || exit 1
kdir=/lib/modules/$ver/build
fails=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }

scripts/build-module.sh 6.1 >/dev/null 2>&1 || { fail install-build "module does not build"; exit 1; }
make -s userspace || { fail install-build "reader does not build"; exit 1; }

stage=$(mktemp -d /tmp/fdscope-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT
if make -s install DESTDIR="$stage" PREFIX=/opt/fds KDIR="$kdir" \
	MODDIR="$top/.build/$ver" >"$stage.log" 2>&1; then
	want="lib/modules/$ver/extra/module/fdscope.ko opt/fds/bin/fdscope opt/fds/share/man/man1/fdscope.1"
	want="$want opt/fds/share/bash-completion/completions/fdscope"
	got=$(cd "$stage" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
	if [ "$got" = "$(echo "$want" | tr ' ' '\n' | sort | tr '\n' ' ')" ]; then
		pass install-staged-files
	else
		fail install-staged-files "installed [$got], expected [$want]"
	fi
	modinfo -F vermagic "$stage/lib/modules/$ver/extra/module/fdscope.ko" | grep -q "^$ver " &&
		pass install-staged-vermagic ||
		fail install-staged-vermagic "installed module is not built for $ver"
	make -s uninstall DESTDIR="$stage" PREFIX=/opt/fds KDIR="$kdir" >>"$stage.log" 2>&1
	left=$(cd "$stage" && { find . -type f; find "lib/modules/$ver/extra" 2>/dev/null; })
	[ -z "$left" ] && pass install-staged-uninstall ||
		fail install-staged-uninstall "left behind: $left"
else
	fail install-staged-files "make install failed: $(tail -3 "$stage.log")"
fi
rm -f "$stage.log"

# DKMS builds from its own copy of the sources, as it will on a kernel upgrade.
version=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' module/main.c)
make -s dkms-remove >/dev/null 2>&1
if make -s dkms-install KVER="$ver" >/tmp/fdscope-dkms.log 2>&1 &&
	dkms status -m fdscope -v "$version" -k "$ver" | grep -q installed; then
	ko=$(ls /lib/modules/"$ver"/updates/dkms/fdscope.ko* 2>/dev/null | head -1)
	[ -n "$ko" ] && modinfo -F version "$ko" | grep -qx "$version" &&
		pass install-dkms ||
		fail install-dkms "no fdscope $version module under /lib/modules/$ver/updates/dkms"
else
	fail install-dkms "$(tail -5 /tmp/fdscope-dkms.log)"
fi
make -s dkms-remove >/dev/null 2>&1
if dkms status -m fdscope | grep -q . || ls /lib/modules/"$ver"/updates/dkms/fdscope.ko* \
	>/dev/null 2>&1 || [ -e "/usr/src/fdscope-$version" ]; then
	fail install-dkms-remove "dkms-remove left fdscope behind"
else
	pass install-dkms-remove
fi
rm -f /tmp/fdscope-dkms.log
[ "$fails" = 0 ]
