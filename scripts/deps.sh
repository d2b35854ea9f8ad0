#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package fdscope needs; idempotent, safe to rerun.
set -euo pipefail

log() { echo "deps: $*" >&2; }

[ "$(id -u)" = 0 ] || { log "must run as root (apt-get install)"; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# The newest plain 6.12 Debian kernel, chosen now rather than hard-coded.
newest_612() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -1 | sed 's/^linux-image-//'
}

base_pkgs="build-essential bc bison flex kmod cpio busybox-static
	qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-source-6.1 linux-source-6.12
	sparse libsmartcols-dev libncurses-dev pkg-config lsof psmisc iproute2 util-linux procps
	python3 xz-utils clang llvm jq strace dkms libelf-dev libssl-dev linux-perf graphviz
	dpkg-dev debhelper dh-dkms lintian bash-completion tmux bpftool"

want=""
missing() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' || want="$want $1"; }

stamp=/var/lib/apt/lists/partial/.fdscope-updated
if [ ! -e "$stamp" ] || [ -z "$(apt-cache search --names-only '^linux-image-6\.12' | head -1)" ]; then
	log "apt-get update"
	apt-get update -q >&2
	touch "$stamp"
fi

for p in $base_pkgs; do missing "$p"; done
v612=$(newest_612)
[ -n "$v612" ] || { log "no linux-image-6.12.*+deb12-amd64 in the package lists"; exit 1; }
missing "linux-image-$v612"
missing "linux-headers-$v612"

# --- 6.12 PREEMPT_RT (tests/vm/run 6.12-rt): the newest
# linux-image-6.12.*+deb12-rt-amd64 that also has its linux-headers-*
# package, chosen at install time like the plain 6.12 above.
newest_612rt() {
	apt-cache search --names-only '^linux-(image|headers)-6\.12\.[0-9]+\+deb12-rt-amd64$' |
		awk '{print $1}' | sed -E 's/^linux-(image|headers)-//' | sort -V | uniq -d | tail -1
}
v612rt=$(newest_612rt)
[ -n "$v612rt" ] || { log "no linux-image-6.12.*+deb12-rt-amd64 with headers in the package lists"; exit 1; }
missing "linux-image-$v612rt"
missing "linux-headers-$v612rt"
# --- end 6.12 PREEMPT_RT

if [ -n "$want" ]; then
	log "installing:$want"
	apt-get install -y -q --no-install-recommends $want >&2
else
	log "all packages present"
fi

# linux-source ships as a tarball; extract it once next to itself (KUnit
# builds 6.1 and 6.12 from them; checkpatch comes from 6.1's).
for v in 6.1 6.12; do
	src=/usr/src/linux-source-$v
	# The stamp is written last: an interrupted extraction is redone.
	if [ ! -e "$src/.fdscope-extracted" ]; then
		log "extracting linux-source-$v"
		tar -C /usr/src -xaf "/usr/src/linux-source-$v.tar.xz"
		touch "$src/.fdscope-extracted"
	fi
done
log "done"
