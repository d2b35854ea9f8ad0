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

# A build tree copied elsewhere (kbuild's modules.order names the old path):
# make install either installs the module or fails saying why, never
# reports success with no module installed.
copy=$(mktemp -d /tmp/fdscope-copy.XXXXXX)
cp -a "$top/.build/$ver" "$copy/tree"
if make -s install DESTDIR="$copy/stage" PREFIX=/opt/fds KDIR="$kdir" \
	MODDIR="$copy/tree" >"$copy/log" 2>&1; then
	ls "$copy/stage/lib/modules/$ver/extra/module/fdscope.ko"* >/dev/null 2>&1 &&
		pass install-copied-tree ||
		fail install-copied-tree "make install from a copied tree exited 0 and installed no module"
elif grep -q '^install: .*was built as' "$copy/log" && [ ! -e "$copy/stage" ]; then
	pass install-copied-tree
else
	fail install-copied-tree "failed without saying why, or after installing part: $(tail -2 "$copy/log")"
fi
rm -rf "$copy"

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
