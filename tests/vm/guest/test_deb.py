#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The Debian packages in the guest: apt-get install, DKMS, modprobe, purge.

The packages are the ones `make deb` put in .build/deb (check.sh's deb lane
builds them before the VM lanes). apt-get installs them from the local
files alone: the guest has no network. The rig's own module stays loaded
(and open) while they install, as a user's running fdscope would: the
install must leave it working. Then the rig's module makes way for the one
DKMS built, the installed reader reads pid 1 through it, and a purge must
leave no trace of either package. The rig's module is loaded again at the
end, for the rig's own final rmmod.
"""
import glob
import os
import re
import subprocess
import sys
import time

from fdscope_lib import DEBUGFS, REPO, OutOfTreeDepmod, Reporter, read_fd_all

DEB_DIR = os.path.join(REPO, '.build', 'deb')
KVER = os.uname().release
PACKAGES = ('fdscope', 'fdscope-dkms')
rep = Reporter()


def run(*cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=DEB_DIR,
                           env=dict(os.environ, **(env or {})))


def timed(what, *cmd, env=None):
    """Run cmd, echoing each line of its output with the seconds since it
    started: under TCG a package install is slow, and this shows where."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, cwd=DEB_DIR, env=dict(os.environ, **(env or {})))
    lines = []
    for line in p.stdout:
        if line.startswith('(Reading database ... ') and '%' in line:
            continue
        lines.append(line)
        print(f'    [{time.monotonic() - start:6.1f}] {line.rstrip()}', flush=True)
    p.wait()
    print(f'deb: {what} took {time.monotonic() - start:.1f} s', flush=True)
    return subprocess.CompletedProcess(cmd, p.returncode, ''.join(lines), '')


def tail(r, n=600):
    return (r.stdout + r.stderr).strip()[-n:]


def module_version():
    with open(os.path.join(REPO, 'module', 'main.c')) as f:
        return re.search(r'^MODULE_VERSION\("(.*)"\);', f.read(), re.M).group(1)


def leftovers(version):
    """Every file or record the two packages could leave behind."""
    paths = [f'/usr/src/fdscope-{version}', '/var/lib/dkms/fdscope',
             '/usr/bin/fdscope', '/usr/share/man/man1/fdscope.1.gz',
             '/usr/share/bash-completion/completions/fdscope',
             '/usr/share/doc/fdscope', '/usr/share/doc/fdscope-dkms']
    found = [p for p in paths if os.path.lexists(p)]
    for kver in os.listdir('/lib/modules'):
        updates = f'/lib/modules/{kver}/updates/dkms'
        if os.path.isdir(updates):
            found += [f'{updates}/{n}' for n in os.listdir(updates)
                      if n.startswith('fdscope.ko')]
    for pkg in PACKAGES:
        r = run('dpkg-query', '-W', '-f=${db:Status-Abbrev}', pkg)
        if r.returncode == 0 and r.stdout.strip() not in ('', 'un'):
            found.append(f'dpkg: {pkg} is {r.stdout.strip()!r}')
    return found


def pid1_rows(fd):
    """Rows of pid 1 in the files table read (again) from an open fd."""
    os.lseek(fd, 0, os.SEEK_SET)
    lines = read_fd_all(fd).decode('latin-1').splitlines()
    return [ln for ln in lines[1:] if ln.split(' ', 1)[0] == '1'], lines[:1]


class RunningKernelOnly:
    """Hide the other kernels' /boot/config-* while the packages install.
    DKMS's postinst builds for the running kernel and also for the newest
    one it finds there; under TCG each build takes minutes, and the running
    kernel's is the one this test loads."""

    def __enter__(self):
        self.hidden = [p for p in glob.glob('/boot/config-*') if p != f'/boot/config-{KVER}']
        for p in self.hidden:
            os.rename(p, self.away(p))
        return self

    def __exit__(self, *exc):
        for p in self.hidden:
            os.rename(self.away(p), p)
        return False

    @staticmethod
    def away(path):
        """Beside it (a rename stays in the overlay), out of config-*."""
        return os.path.join('/boot', 'fdscope-test-hidden-' + os.path.basename(path))


def complete(words):
    """What the installed bash completion offers for the last of words."""
    script = ('. /usr/share/bash-completion/completions/fdscope || exit 1\n'
              'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fdscope\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    r = run('bash', '-c', script, 'bash', *words)
    return r.stdout.split()


def main():
    if '-rt-' in KVER:
        # DKMS compiles the module in the guest: 6-7 minutes under TCG per
        # lane. The 6.1 and 6.12 lanes cover the packages within CI's time.
        rep.skip('deb', f'not in the {KVER} lane: the 6.1 and 6.12 lanes cover it')
        return
    version = module_version()
    debs = {}
    for pkg in PACKAGES:
        names = sorted(n for n in (os.listdir(DEB_DIR) if os.path.isdir(DEB_DIR) else [])
                       if n.startswith(f'{pkg}_') and n.endswith('.deb'))
        if names:
            debs[pkg] = os.path.join(DEB_DIR, names[-1])
    if len(debs) != len(PACKAGES):
        rep.skip('deb', f'no fdscope and fdscope-dkms .deb in {DEB_DIR}: run make deb')
        return
    stale = [d for d in debs.values()
             if run('dpkg-deb', '-f', d, 'Version').stdout.strip() != version]
    if stale:
        rep.fail('deb-version', f'{stale} are not version {version}: run make deb')
        return
    before = leftovers(version)
    if before:
        rep.fail('deb-clean-start', before, 'fdscope is already installed on this root')
        return

    # The running module, open, as a reader would hold it during the install.
    running = os.open(os.path.join(DEBUGFS, 'files'), os.O_RDONLY)
    rows, header = pid1_rows(running)
    rep.result('deb-running-module-before', [] if rows else [f'no pid 1 row; header {header}'])

    env = {'DEBIAN_FRONTEND': 'noninteractive'}
    # Local files only: no package lists, so apt stays off the network.
    no_sources = '/tmp/fdscope-deb-no-sources'
    os.makedirs(no_sources, exist_ok=True)
    open(f'{no_sources}/sources.list', 'w').close()
    # man-db's trigger would reindex every man page through 9p (minutes
    # under TCG); this overlay is thrown away at power-off.
    if os.path.exists('/var/lib/man-db/auto-update'):
        os.unlink('/var/lib/man-db/auto-update')
    with RunningKernelOnly():
        r = timed('apt-get install', 'apt-get', 'install', '-y', '-q',
                  '-o', f'Dir::Etc::SourceList={no_sources}/sources.list',
                  '-o', f'Dir::Etc::SourceParts={no_sources}',
                  debs['fdscope-dkms'], debs['fdscope'], env=env)
    rep.result('deb-apt-install', [] if r.returncode == 0 else [f'rc={r.returncode}: {tail(r)}'])

    status = run('dkms', 'status', '-m', 'fdscope', '-v', version, '-k', KVER).stdout
    kos = [p for p in leftovers(version) if '/updates/dkms/fdscope.ko' in p]
    ours = [p for p in kos if p.startswith(f'/lib/modules/{KVER}/')]
    vermagic = run('modinfo', '-F', 'vermagic', ours[0]).stdout if ours else ''
    rep.result('deb-dkms-built-for-running-kernel',
               [] if 'installed' in status and vermagic.startswith(KVER + ' ') else
               [f'dkms status {status.strip()!r}, modules {kos}, vermagic {vermagic.strip()!r}'],
               note=f'modules: {" ".join(kos)}')

    rows, header = pid1_rows(running)
    problems = [] if rows else [f'no pid 1 row through the fd opened before; header {header}']
    fresh = os.open(os.path.join(DEBUGFS, 'files'), os.O_RDONLY)
    if not pid1_rows(fresh)[0]:
        problems.append('no pid 1 row through a fresh open')
    os.close(fresh)
    rep.result('deb-running-module-after-install', problems)
    os.close(running)

    # Swap the rig's module for the one DKMS installed.
    rmmod = run('rmmod', 'fdscope')
    r = run('modprobe', 'fdscope')
    path = run('modinfo', '-n', 'fdscope').stdout.strip()
    rep.result('deb-modprobe', [] if rmmod.returncode == 0 and r.returncode == 0 and
               os.path.isdir('/sys/module/fdscope') and
               path.startswith(f'/lib/modules/{KVER}/updates/dkms/') else
               [f'rmmod {rmmod.stderr.strip()!r}, modprobe rc={r.returncode} '
                f'{r.stderr.strip()!r}, modprobe loads {path!r}'])

    r = run('fdscope', '-p', '1')
    listed = run('/usr/bin/fdscope', '-p', '1', '-r', '-n', '-o', 'PID')
    pids = set(listed.stdout.split())
    rep.result('deb-reader-pid-1', [] if r.returncode == 0 and pids == {'1'} else
               [f'rc={r.returncode}/{listed.returncode} pids {sorted(pids)[:5]} {tail(r, 300)!r}'])

    man = run('man', '-w', 'fdscope').stdout.strip()
    rep.result('deb-man-page', [] if man == '/usr/share/man/man1/fdscope.1.gz' else
               [f'man -w fdscope: {man!r}'])
    offered = complete(['fdscope', '-o', '+FD,PI'])
    rep.result('deb-bash-completion', [] if '+FD,PID' in offered else
               [f'fdscope -o +FD,PI<tab> offers {offered[:10]}'])

    r = run('modprobe', '-r', 'fdscope')
    rep.result('deb-modprobe-r', [] if r.returncode == 0 else [r.stderr.strip()])

    r = timed('dpkg --purge', 'dpkg', '--purge', *PACKAGES, env=env)
    left = leftovers(version)
    if run('dkms', 'status', '-m', 'fdscope').stdout.strip():
        left.append('dkms status still lists fdscope')
    if run('modinfo', 'fdscope').returncode == 0:
        left.append('modinfo still finds fdscope (depmod not rerun)')
    rep.result('deb-purge', [] if r.returncode == 0 and not left else
               [f'rc={r.returncode} {tail(r, 300)!r}'] + left, 'purge left fdscope behind')


try:
    with OutOfTreeDepmod():
        main()
finally:
    if not os.path.isdir('/sys/module/fdscope'):
        r = subprocess.run(['insmod', os.environ['FDSCOPE_KO']], capture_output=True, text=True)
        rep.result('deb-reload-rig-module', [] if r.returncode == 0 else [r.stderr.strip()])
sys.exit(1 if rep.failed else 0)
