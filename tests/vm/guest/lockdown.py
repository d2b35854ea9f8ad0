#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Kernel lockdown. Lockdown cannot be lifted once raised, so this runs in a
VM of its own, not from run-all.sh:

    tests/vm/run 6.12 tests/vm/guest/lockdown.py

Booting with lockdown=integrity would refuse the unsigned module, so the
module is loaded first and lockdown raised at run time through securityfs
(/sys/kernel/security/lockdown), first to integrity, then to
confidentiality. At each level:

- lockdown-LEVEL-reads: files, sockets and tasks open read-only and read
  well (tests/stress/reader, 2 passes each): debugfs lets 0400 files
  without ioctl/mmap be read under lockdown.
- lockdown-LEVEL-writes-refused: opening them O_RDWR or O_WRONLY fails with
  EPERM, so no pid filter can be written.
- lockdown-LEVEL-reader-pid: userspace/fdscope -p CHILD (which tries the
  kernel filter first) still works: exit 0 and the same rows as before
  lockdown, filtered in user space.
- lockdown-LEVEL-reader-holders: userspace/fdscope --holders FILE (which
  tries the kernel's ino filter first) names what it named before
  lockdown, from whole reads.
"""

import errno
import os
import subprocess

import hardening as h

SECFS = '/sys/kernel/security'


def reader_rows(pid):
    r = subprocess.run([h.FDSCOPE, '-r', '-p', str(pid), '-o', 'PID,FD,TYPE,MODE,PATH'],
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr.strip()


def reader_holders():
    r = subprocess.run([h.FDSCOPE, '-r', '--holders', '/run/lockdown-x', '/etc/hostname'],
                       capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr.strip()


def main():
    if not os.path.exists(f'{SECFS}/lockdown'):
        subprocess.run(['mount', '-t', 'securityfs', 'securityfs', SECFS])
    try:
        with open(f'{SECFS}/lockdown') as f:
            levels = f.read().strip()
    except OSError as e:
        h.skip('lockdown', f'no {SECFS}/lockdown: {e.strerror} (lockdown LSM not enabled)')
        h.finish()
    h.out(f'lockdown: levels {levels!r}; lsm {open(SECFS + "/lsm").read().strip()!r}')
    if h.build_stress():
        h.fail('lockdown-build', h.build_stress())
        h.finish()
    have_reader = os.access(h.FDSCOPE, os.X_OK)

    child = subprocess.Popen(['sh', '-c', 'exec 3</etc/hostname 4<>/run/lockdown-x; exec sleep 600'],
                             stdin=subprocess.DEVNULL)
    try:
        if not h.wait_until(lambda: h.in_sleep_syscall(child.pid), 120):
            h.fail('lockdown-baseline', f'child {child.pid} never reached sleep')
            have_reader = False
        if have_reader:
            rc, before, err = reader_rows(child.pid)
            if rc or len(before.splitlines()) < 4:
                h.fail('lockdown-baseline', f'fdscope -p {child.pid} before lockdown: exit {rc}: {err}')
                have_reader = False
            rc, held_before, err = reader_holders()
            if rc or str(child.pid) not in held_before:
                h.fail('lockdown-baseline', f'fdscope --holders before lockdown: exit {rc}: {err}')
                have_reader = False
        for level in ('integrity', 'confidentiality'):
            try:
                with open(f'{SECFS}/lockdown', 'w') as f:
                    f.write(level)
            except OSError as e:
                h.fail(f'lockdown-{level}', f'cannot raise lockdown: {e.strerror}')
                continue
            with open(f'{SECFS}/lockdown') as f:
                now = f.read().strip()
            if f'[{level}]' not in now:
                h.fail(f'lockdown-{level}', f'lockdown reads {now!r}')
                continue

            problems = []
            for k in h.KINDS:
                rc, output = h.run_reader(['-b', '4096', '-n', '2', k])
                if rc:
                    problems.append(f'{k}: {output.strip()[-300:]}')
            h.check(f'lockdown-{level}-reads', problems)

            problems = []
            for k in h.KINDS:
                for flags, name in ((os.O_RDWR, 'O_RDWR'), (os.O_WRONLY, 'O_WRONLY')):
                    try:
                        fd = os.open(f'{h.DEBUGFS}/{k}', flags)
                        problems.append(f'{k} opens {name} under lockdown')
                        try:
                            os.write(fd, b'pid 1')
                            problems.append(f'{k}: a filter write succeeded under lockdown')
                        except OSError:
                            pass
                        os.close(fd)
                    except OSError as e:
                        if e.errno != errno.EPERM:
                            problems.append(f'{k} {name}: {h.errname(e.errno)}, want EPERM')
            h.check(f'lockdown-{level}-writes-refused', problems, 'EPERM')

            if not have_reader:
                h.skip(f'lockdown-{level}-reader-pid', f'{h.FDSCOPE} not built')
                continue
            rc, after, err = reader_rows(child.pid)
            problems = []
            if rc:
                problems.append(f'fdscope -p {child.pid}: exit {rc}: {err}')
            elif after != before:
                problems.append(f'fdscope -p {child.pid} differs from before lockdown: '
                                f'{after[:300]!r} vs {before[:300]!r}')
            h.check(f'lockdown-{level}-reader-pid', problems,
                    f'{len(after.splitlines())} rows' + (f'; stderr: {err[:100]}' if err else ''))
            rc, held, err = reader_holders()
            problems = []
            if rc or err or held != held_before:
                problems.append(f'fdscope --holders: exit {rc}, stderr {err[:200]!r}, '
                                f'{held[:300]!r} vs before {held_before[:300]!r}')
            h.check(f'lockdown-{level}-reader-holders', problems,
                    f'{len(held.splitlines())} rows')
    finally:
        child.kill()
        child.wait()
    h.finish()


if __name__ == '__main__':
    main()
