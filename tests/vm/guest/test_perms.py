#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Permissions and leaks.

- perms-modes: /sys/kernel/debug/fdscope is 0500 and its files 0400, all
  owned by root.
- perms-nonroot-*: uid/gid 65534 with no groups (setpriv) gets EACCES on
  opening every file read-only and read-write, and on listing the
  directory: as debugfs is mounted (-mount), with debugfs's root opened up
  to 0755 (-dir: the module's 0500 directory refuses), with the fdscope
  directory opened up too (-file: the 0400 files refuse), and as mapped
  root of a new user namespace (-userns). Modes are restored afterwards.
- perms-nonroot-reader: userspace/fdscope run by that user fails with a
  message and a non-zero status, printing no records.
- no-kernel-addresses: no kernel address (ffff and 12 more hex digits) in
  files, sockets or tasks, whole or filtered, nor in any view of the
  userspace reader (default, -J, --summary, --tasks, --endpoints, --shared).
"""

import json
import os
import stat
import subprocess

import hardening as h

DEBUG = '/sys/kernel/debug'
NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']

PROBE = r'''
import errno, json, os, sys
d = sys.argv[1]
res = {}
def note(what, f):
    try:
        f()
        res[what] = 'ok'
    except OSError as e:
        res[what] = errno.errorcode.get(e.errno, str(e.errno))
note('listdir', lambda: os.listdir(d))
for k in ('files', 'sockets', 'tasks', 'holders', 'locks', 'epoll', 'sockstats', 'details'):
    for name, fl in (('r', os.O_RDONLY), ('rw', os.O_RDWR), ('w', os.O_WRONLY)):
        note(k + '-' + name, lambda: os.close(os.open(d + '/' + k, fl)))
print(json.dumps(res))
'''


def probe(prefix):
    """Run PROBE as nobody (with prefix before python3): dict or error text."""
    r = subprocess.run(NOBODY + prefix + ['python3', '-c', PROBE, h.DEBUGFS],
                       capture_output=True, text=True)
    if r.returncode:
        return (r.stderr or r.stdout).strip()[-300:]
    return json.loads(r.stdout)


def modes():
    problems = []
    st = os.stat(h.DEBUGFS)
    if stat.S_IMODE(st.st_mode) != 0o500 or st.st_uid or st.st_gid:
        problems.append(f'{h.DEBUGFS}: mode {stat.S_IMODE(st.st_mode):o} owner {st.st_uid}:{st.st_gid}')
    for k in h.KINDS:
        st = os.stat(f'{h.DEBUGFS}/{k}')
        if stat.S_IMODE(st.st_mode) != 0o400 or st.st_uid or st.st_gid:
            problems.append(f'{k}: mode {stat.S_IMODE(st.st_mode):o} owner {st.st_uid}:{st.st_gid}')
    h.check('perms-modes', problems)


def nonroot():
    dmode = stat.S_IMODE(os.stat(DEBUG).st_mode)
    fmode = stat.S_IMODE(os.stat(h.DEBUGFS).st_mode)
    setups = [('mount', None, None, []), ('dir', 0o755, None, []),
              ('file', 0o755, 0o755, []), ('userns', 0o755, 0o755, ['unshare', '-U', '-r'])]
    try:
        for name, dm, fm, prefix in setups:
            if dm is not None:
                os.chmod(DEBUG, dm)
            if fm is not None:
                os.chmod(h.DEBUGFS, fm)
            res = probe(prefix)
            if isinstance(res, str):
                if prefix:
                    # In the rig's chroot, unshare(CLONE_NEWUSER) is EPERM.
                    h.skip(f'perms-nonroot-{name}', f'{" ".join(prefix)} failed (in a chroot?): {res}')
                else:
                    h.fail(f'perms-nonroot-{name}', f'probe failed: {res}')
                continue
            if fm is not None:
                res.pop('listdir')  # opened up on purpose
            bad = [f'{what}: {got}' for what, got in sorted(res.items()) if got != 'EACCES']
            h.check(f'perms-nonroot-{name}', bad,
                    f'debugfs {oct(dm or dmode)}, fdscope dir {oct(fm or fmode)}: '
                    f'{len(res)} opens, all EACCES')
    finally:
        os.chmod(DEBUG, dmode)
        os.chmod(h.DEBUGFS, fmode)

    if not os.access(h.FDSCOPE, os.X_OK):
        h.skip('perms-nonroot-reader', f'{h.FDSCOPE} is not built')
        return
    r = subprocess.run(NOBODY + [h.FDSCOPE], capture_output=True, text=True)
    problems = []
    if r.returncode == 0:
        problems.append(f'exit 0 as nobody: {r.stdout[:200]!r}')
    if len(r.stdout.splitlines()) > 0:
        problems.append(f'printed {len(r.stdout.splitlines())} lines to stdout')
    if not r.stderr.strip():
        problems.append('no error message')
    h.check('perms-nonroot-reader', problems, f'exit {r.returncode}: {r.stderr.strip()[:120]}')


def leaks():
    problems = []
    outputs = {}
    for k in h.KINDS:
        with open(f'{h.DEBUGFS}/{k}', 'rb') as f:
            outputs[k] = f.read()
        fd = os.open(f'{h.DEBUGFS}/{k}', os.O_RDWR)
        try:
            os.write(fd, b'pid 1,%d' % os.getpid())
            outputs[f'{k} filtered'] = h.read_all(fd)
        finally:
            os.close(fd)
    if os.access(h.FDSCOPE, os.X_OK):
        for args in ([], ['-J'], ['--summary'], ['--tasks'], ['--endpoints'], ['--shared'],
                     ['-l', '-o', '+PATH,FILEID,TABLE,PEER,REFS'], ['-p', '1']):
            r = subprocess.run([h.FDSCOPE, *args], capture_output=True)
            outputs['fdscope ' + ' '.join(args)] = r.stdout + r.stderr
            if r.returncode:
                problems.append(f'fdscope {" ".join(args)} exited {r.returncode}: '
                                f'{r.stderr[:200]!r}')
    nbytes = 0
    for what, data in outputs.items():
        nbytes += len(data)
        for m in h.KERNEL_PTR.finditer(data):
            line = data[data.rfind(b'\n', 0, m.start()) + 1:data.find(b'\n', m.end())]
            problems.append(f'{what}: {m.group().decode()} in {line[:200]!r}')
    h.check('no-kernel-addresses', problems, f'{len(outputs)} outputs, {nbytes} bytes scanned')


def main():
    modes()
    nonroot()
    leaks()
    h.finish()


if __name__ == '__main__':
    main()
