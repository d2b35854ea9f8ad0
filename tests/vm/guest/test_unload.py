#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Unload while reading.

Held open: four readers keep files, sockets and tasks open (small reads,
one pid-filtered and open read-write, one with random pread()s) while
rmmod is tried again and again: every try is refused as "in use" (and the
raw delete_module() gets EWOULDBLOCK with and without O_NONBLOCK), the
module stays, the refcount counts the open files, the readers go on and
every line they got is well-formed. Once they close: rmmod succeeds, the
files are gone (ENOENT), insmod works again and the new files read well.

Racing: readers that open, read a pass and close in a loop (tolerating
errors) while the module is unloaded and loaded again and again: the
readers get whole, well-formed lines or an error (ENOENT, ENXIO, EIO),
never garbage, and nothing splats.

Leaves the module loaded for the rig's own rmmod."""

import errno
import os
import random
import time

import hardening as h


def in_use(err):
    """rmmod's refusal: kmod saw the refcount ("is in use"), or the kernel
    did (delete_module(): EWOULDBLOCK, "Resource temporarily unavailable")."""
    return 'in use' in err or 'temporarily unavailable' in err


def held_open():
    readers = [
        h.Reader(['-b', '1', '-m', 'seek', '-t', '600', 'files'], 'files-1byte'),
        h.Reader(['-b', '5', '-m', 'seek', '-t', '600', 'sockets'], 'sockets-5'),
        h.Reader(['-b', '2', '-m', 'filter', '-t', '600', '-p', '1', 'tasks'], 'tasks-filtered'),
        h.Reader(['-B', '-m', 'pread', '-t', '600', 'files'], 'files-pread'),
    ]
    problems = []
    for r in readers:
        if not r.wait_ready(60):
            problems.append(f'reader {r.name} never got data: {r.output[-300:]!r}')
    cnt = h.refcnt()
    if cnt is None or cnt < len(readers):
        problems.append(f'refcnt {cnt} with {len(readers)} files open')

    refused = 0
    for i in range(10):
        rc, err = h.rmmod()
        if rc == 0:
            problems.append(f'rmmod succeeded (try {i + 1}) while {len(readers)} readers held files open')
            h.insmod()
            break
        if not in_use(err):
            problems.append(f'rmmod failed, but not as "in use": {err!r}')
        refused += 1
        time.sleep(0.3)
    for flags, what in ((h.O_NONBLOCK, 'O_NONBLOCK'), (0, '0')):
        e = h.delete_module(flags)
        if e != errno.EWOULDBLOCK:
            problems.append(f'delete_module(flags={what}) with files open: {h.errname(e)}, '
                            f'want EWOULDBLOCK')
            if e == 0:
                h.insmod()
    if not h.loaded():
        problems.append('module gone while files were open')
    if not h.wait_until(lambda: all(r.proc.poll() is None for r in readers), 0):
        problems.append('a reader died during the rmmod attempts')
    time.sleep(1)  # the readers go on reading after the refusals

    for r in readers:
        rc, output = r.stop()
        if rc != 0:
            problems.append(f'reader {r.name} exited {rc}: {output[-600:]}')
        elif ' 0 bad lines' not in r.summary():
            problems.append(f'reader {r.name}: {r.summary()}')
    h.check('unload-refused-while-open', problems,
            f'{refused} rmmod tries refused; readers: '
            + '; '.join(r.summary().split(': ', 2)[-1].split(',')[0] + ' ' + r.name
                        for r in readers))

    problems = []
    cnt = h.refcnt()
    if cnt != 0:
        problems.append(f'refcnt {cnt} after every reader closed')
    rc, err = h.rmmod()
    if rc:
        problems.append(f'rmmod after the readers closed: {err}')
    else:
        for k in h.KINDS:
            try:
                os.close(os.open(f'{h.DEBUGFS}/{k}', os.O_RDONLY))
                problems.append(f'{k} still opens after rmmod')
            except OSError as e:
                if e.errno != errno.ENOENT:
                    problems.append(f'open {k} after rmmod: {h.errname(e.errno)}, want ENOENT')
    h.check('unload-after-close', problems)

    problems = []
    rc, err = h.insmod()
    if rc:
        problems.append(f'insmod again: {err}')
    else:
        for k in h.KINDS:
            rc, output = h.run_reader(['-b', '4096', '-n', '2', k])
            if rc != 0:
                problems.append(f'{k} after reload: {output[-400:]}')
    h.check('unload-reload-reads', problems)


def racing():
    readers = [
        h.Reader(['-E', '-b', '512', '-m', 'reopen', '-s', '50', '-t', '600', k], f'race-{k}')
        for k in h.KINDS
    ]
    readers.append(h.Reader(['-E', '-b', '3', '-m', 'reopen', '-s', '20', '-t', '600',
                             '-p', '1', 'tasks'], 'race-tasks-filtered'))
    for r in readers:
        r.wait_ready(60)
    problems = []
    unloaded = refused = 0
    t_rmmod = t_insmod = 0.0
    end = time.monotonic() + 10
    while time.monotonic() < end:
        t0 = time.monotonic()
        rc, err = h.rmmod()
        t_rmmod += time.monotonic() - t0
        if rc == 0:
            unloaded += 1
            time.sleep(random.random() * 0.05)
            t0 = time.monotonic()
            rc, err = h.insmod()
            t_insmod += time.monotonic() - t0
            if rc:
                problems.append(f'insmod after unload {unloaded}: {err}')
                break
        elif in_use(err):
            refused += 1
        else:
            problems.append(f'rmmod: {err}')
            break
        time.sleep(random.random() * 0.02)
    h.ensure_loaded()
    errors = []
    for r in readers:
        rc, output = r.stop()
        s = r.summary()
        if rc != 0 or ' 0 bad lines' not in s:
            problems.append(f'reader {r.name} exited {rc}: {output[-600:]}')
        errors.append(f'{r.name}: ' + ', '.join(s.split(', ')[6:]))
    if not problems and unloaded == 0:
        h.skip('unload-race-readers', f'rmmod never found the files closed ({refused} refusals)')
        return
    h.check('unload-race-readers', problems,
            f'{unloaded} unloads, {refused} refusals, {t_rmmod:.1f} s in rmmod, '
            f'{t_insmod:.1f} s in insmod; ' + '; '.join(errors))


def main():
    marker = h.mark('unload')
    why = h.build_stress()
    if why:
        h.fail('unload-build', why)
        h.finish()
    try:
        held_open()
        racing()
    finally:
        h.ensure_loaded()
    h.check_dmesg('unload-dmesg-clean', marker)
    h.finish()


if __name__ == '__main__':
    main()
