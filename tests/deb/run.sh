#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host-side Debian packaging tests: one version everywhere, `make deb` builds
# both packages, lintian passes them (errors and warnings fail), each holds
# what it should, and the bash completion completes. Installing, modprobe
# and purge run in the guests (tests/vm/guest/test_deb.py), on these .debs.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=.build/deb
fails=0
# The completion tests ask the reader for its options and columns.
make -s userspace || { echo "FAIL: deb-reader-build: make userspace failed"; exit 1; }

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
oneline() { tr '\n' ' ' <<<"$1"; }

# One source of truth: MODULE_VERSION; the changelog and man page follow it.
version=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' module/main.c)
changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
manpage=$(sed -n 's/^\.TH FDSCOPE 1 "[^"]*" "fdscope \([^"]*\)".*/\1/p' userspace/fdscope.1)
if [ -n "$version" ] && [ "$changelog" = "$version" ] && [ "$manpage" = "$version" ]; then
	pass deb-version-agrees
else
	fail deb-version-agrees "module/main.c '$version', debian/changelog '$changelog', fdscope.1 '$manpage'"
fi

if scripts/build-deb.sh "$out" >/dev/null 2>"$out.log"; then
	pass deb-build
else
	why=$(grep -m3 -E '\*\*\*|error' "$out.log" || tail -5 "$out.log")
	fail deb-build "$(oneline "$why") (log: $out.log)"
	echo "$fails failed"
	exit 1
fi
reader_deb=$(ls "$out"/fdscope_"$version"_*.deb)
dkms_deb=$out/fdscope-dkms_${version}_all.deb

# Warnings fail too: fix them, or override them in debian/*.lintian-overrides
# with a comment saying why.
if lintian --fail-on error,warning --info "$reader_deb" "$dkms_deb" >"$out/lintian.log" 2>&1; then
	pass deb-lintian
else
	fail deb-lintian "$(grep -E '^[EW]: ' "$out/lintian.log" | head -10 | tr '\n' ';')"
fi

# files_in DEB: the regular files a package installs, one per line.
files_in() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub("^\\./", "/", $6); print $6 }' | sort; }
want_reader="/usr/bin/fdscope
/usr/share/bash-completion/completions/fdscope
/usr/share/doc/fdscope/changelog.gz
/usr/share/doc/fdscope/copyright
/usr/share/man/man1/fdscope.1.gz"
got=$(files_in "$reader_deb")
if [ "$got" = "$want_reader" ]; then
	pass deb-contents-reader
else
	fail deb-contents-reader "has [$(oneline "$got")], expected [$(oneline "$want_reader")]"
fi

src=/usr/src/fdscope-$version
want_dkms=$( (echo "$src/Kbuild"; echo "$src/dkms.conf"; echo "$src/module/Kbuild"; echo "$src/module/compat.mk"
	for f in module/*.[ch]; do [[ $f == *.mod.c ]] || echo "$src/$f"; done
	echo /usr/share/doc/fdscope-dkms/changelog.gz; echo /usr/share/doc/fdscope-dkms/copyright) | sort)
got=$(files_in "$dkms_deb")
conf=$(dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xOf - ".$src/dkms.conf")
postinst=$(dpkg-deb --ctrl-tarfile "$dkms_deb" | tar -xOf - ./postinst)
if [ "$got" != "$want_dkms" ]; then
	fail deb-contents-dkms "has [$(oneline "$got")], expected [$(oneline "$want_dkms")]"
elif ! grep -qx "PACKAGE_VERSION=\"$version\"" <<<"$conf"; then
	fail deb-contents-dkms "dkms.conf has no PACKAGE_VERSION=\"$version\""
elif ! grep -q "^DKMS_VERSION=$version$" <<<"$postinst"; then
	fail deb-contents-dkms "postinst does not register fdscope $version with DKMS"
else
	pass deb-contents-dkms
fi

# Bash completion, against the reader just built (make userspace).
script=$top/userspace/fdscope.bash-completion
export PATH="$top/userspace:$PATH"
if bash -c '. "$1" && complete -p fdscope' bash "$script" | grep -qx 'complete -F _fdscope fdscope'; then
	pass completion-registered
else
	fail completion-registered "sourcing $script does not register a completion for fdscope"
fi

# completes NAME WANT WORD...: completing the last WORD offers WANT.
completes() {
	local name=$1 want=$2 got
	shift 2
	got=$(bash -c '. "$1" || exit 1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fdscope
		printf "%s\n" "${COMPREPLY[@]}"' bash "$script" "$@")
	if grep -qxF -- "$want" <<<"$got"; then
		pass "completion-$name"
	else
		fail "completion-$name" "'$*<tab>' offers [$(oneline "$got" | cut -c1-200)], not '$want'"
	fi
}
completes column PID fdscope -o PI
completes column-lower-case SOCKTYPE fdscope -o sockt
completes column-plus +FD,NAME fdscope -o +FD,NA
completes column-long-option SOCKTYPE fdscope --output = SOCKT
completes pid "$$" fdscope -p "$$"
completes pid-list "1,$$" fdscope -p "1,$$"
completes user root fdscope -u roo
completes option --list-columns fdscope --list-c

[ "$fails" = 0 ]
