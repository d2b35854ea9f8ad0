#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build fdscope.ko for one installed kernel in .build/<version>/, from the
# same sources as module/ (symlinked, never copied). Extra args go to make
# (e.g. W=1 C=2). Prints the path of the built module.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ver=$("$top/scripts/kver.sh" "${1:?usage: build-module.sh KERNEL [make args]}")
shift
kdir=/lib/modules/$ver/build
[ -d "$kdir" ] || { echo "build-module: no headers at $kdir (run 'make deps')" >&2; exit 1; }

out=$top/.build/$ver
mkdir -p "$out/module"
ln -sfn "$top/Kbuild" "$out/Kbuild"
# modpost's fdscope.mod.c is generated per kernel: never share it, or one
# kernel's symbol CRCs end up in another's module.
rm -f "$out/module/fdscope.mod.c"
for f in "$top"/module/*.[ch] "$top"/module/Kbuild "$top"/module/compat.mk; do
	case $f in *.mod.c) continue ;; esac
	ln -sfn "$f" "$out/module/$(basename "$f")"
done
# Drop links to files that no longer exist in module/.
find "$out/module" -xtype l -delete
make -s -C "$kdir" M="$out" "$@" modules >&2
echo "$out/module/fdscope.ko"
