#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile input on the writable files, odd reads.

For every file, on an fd filtered to a quiet child process
("pid C"):

- hostile-writes-KIND: empty writes, NUL bytes, negative, zero and
  overflowing pids, non-numeric garbage, stray spaces/commas/newlines,
  too many pids, malformed dev and ino lines, a key twice, over-long
  writes (WRITE_MAX + 1 bytes .. 1 MiB), a bad buffer
  address, writes split in two (each parsed alone), writev() pieces (one write), writes
  on an O_RDONLY fd: each fails with the documented errno (EINVAL, E2BIG
  for > 64 items of a key or > WRITE_MAX bytes, EFAULT, EBADF) and the output afterwards is
  byte-identical to the filtered output before (the filter is unchanged).
- filter-writes-KIND: the valid forms: "pid C", with newline, duplicates,
  leading zeros, 64 pids (708 bytes), "pid" and "pid\\n" clearing, a pid
  that does not exist; a write rewinds; filters belong to the open file
  description (dup() shares, a second open does not).
- odd-reads-KIND: pread() and lseek()+read() at arbitrary offsets (0, end,
  past the end, 2^62, random) return exactly the matching bytes of a bulk
  read; reads of 1, 2, 3, 7, 4095, 4096, 4097 and 65536 bytes put together
  are identical to the bulk read; read(0) returns nothing; negative offsets
  and SEEK_END/SEEK_DATA/SEEK_HOLE fail with EINVAL; pwrite() fails
  (ESPIPE).
- hostile-concurrent: two threads writing filters (good and bad) and
  reading the same open file at once: only the documented errors.
"""

import ctypes
import errno
import fcntl
import os
import random
import select
import socket
import subprocess
import threading
import time

import hardening as h

CHILD = r'''
import fcntl, os, select, socket, sys
a, b = socket.socketpair()
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(3)
c = socket.create_connection(l.getsockname())
r, w = os.pipe()
f = open('/run/hostile odd\nname', 'w')
# Records in the locks, epoll and details files too.
fcntl.flock(f, fcntl.LOCK_EX)
ep = select.epoll()
ep.register(r, select.EPOLLIN)
ev = os.eventfd(5)
print('ready', flush=True)
sys.stdin.read()
'''

EINVAL, E2BIG = errno.EINVAL, errno.E2BIG
# The longest write the module reads (FDSCOPE_WRITE_MAX in module/debugfs.c):
# a full line of 64 items of each key, pid, dev and ino, "opt tun\n" and a
# "fields" line (FDSCOPE_FIELDS_LINE_MAX).
WRITE_MAX = 3 * 4 + 64 * ((10 + 1) + (13 + 1) + (33 + 1)) + len(b'opt tun\n') + 256
_libc = ctypes.CDLL(None, use_errno=True)


def bad_writes(c):
    """(name, bytes, errnos accepted)."""
    C = str(c).encode()
    many = lambda n: b'pid ' + b','.join(str(i + 2).encode() for i in range(n))
    rng = random.Random(1)
    cases = [
        ('empty', b'', {EINVAL}),
        ('newline', b'\n', {EINVAL}),
        ('two-newlines', b'pid ' + C + b'\n\n', {EINVAL}),
        ('crlf', b'pid ' + C + b'\r\n', {EINVAL}),
        ('leading-newline', b'\npid ' + C, {EINVAL}),
        ('leading-space', b' pid ' + C, {EINVAL}),
        ('pid-space', b'pid ', {EINVAL}),
        ('pid-space-newline', b'pid \n', {EINVAL}),
        ('double-space', b'pid  ' + C, {EINVAL}),
        ('trailing-space', b'pid ' + C + b' ', {EINVAL}),
        ('tab', b'pid\t' + C, {EINVAL}),
        ('no-space', b'pid' + C, {EINVAL}),
        ('uppercase', b'PID ' + C, {EINVAL}),
        ('pids', b'pids ' + C, {EINVAL}),
        ('p', b'p', {EINVAL}),
        ('pi', b'pi', {EINVAL}),
        ('nul', b'\0', {EINVAL}),
        ('nuls', b'\0' * 64, {EINVAL}),
        ('pid-nul', b'pid\0', {EINVAL}),
        ('trailing-nul', b'pid ' + C + b'\0', {EINVAL}),
        ('inner-nul', b'pid ' + C + b'\0,1', {EINVAL}),
        ('nul-in-pid', b'pid 1\0' + C, {EINVAL}),
        ('negative', b'pid -1', {EINVAL}),
        ('negative-second', b'pid ' + C + b',-1', {EINVAL}),
        ('minus-zero', b'pid -0', {EINVAL}),
        ('plus', b'pid +' + C, {EINVAL}),
        ('zero', b'pid 0', {EINVAL}),
        ('zeros', b'pid 000', {EINVAL}),
        ('zero-second', b'pid ' + C + b',0', {EINVAL}),
        ('int-max+1', b'pid 2147483648', {EINVAL}),
        ('uint-max', b'pid 4294967295', {EINVAL}),
        ('2^32+C', b'pid ' + str(2 ** 32 + c).encode(), {EINVAL}),
        ('2^63', b'pid 9223372036854775808', {EINVAL}),
        ('2^64+1', b'pid 18446744073709551617', {EINVAL}),
        ('20-digits', b'pid ' + b'9' * 20, {EINVAL}),
        ('100-digits', b'pid ' + b'1' * 100, {EINVAL}),
        ('hex', b'pid 0x10', {EINVAL}),
        ('exponent', b'pid 1e3', {EINVAL}),
        ('decimal', b'pid ' + C + b'.0', {EINVAL}),
        ('letters', b'pid abc', {EINVAL}),
        ('pid-letters', b'pid ' + C + b'a', {EINVAL}),
        ('trailing-comma', b'pid ' + C + b',', {EINVAL}),
        ('leading-comma', b'pid ,' + C, {EINVAL}),
        ('double-comma', b'pid ' + C + b',,' + C, {EINVAL}),
        ('comma-only', b'pid ,', {EINVAL}),
        ('comma-space', b'pid ' + C + b', ' + C, {EINVAL}),
        ('semicolon', b'pid ' + C + b';1', {EINVAL}),
        ('high-bytes', b'pid \xff\xfe', {EINVAL}),
        ('utf8-digit', b'pid \xd9\xa1', {EINVAL}),  # ARABIC-INDIC DIGIT ONE
        ('twice', b'pid ' + C + b' pid ' + C, {EINVAL}),
        ('other-word', b'clear', {EINVAL}),
        ('garbage', b'\x1b[2J\x07;rm -rf /', {EINVAL}),
        ('65-pids', many(65), {E2BIG}),
        ('65-same-pids', b'pid ' + b','.join([C] * 65), {E2BIG}),
        ('100-pids', many(100), {E2BIG}),
        ('64-pids-trailing-comma', many(64) + b',', {EINVAL}),
        ('max-bytes-garbage', b'x' * WRITE_MAX, {EINVAL}),
        ('max-bytes-digits', b'pid ' + b'1' * (WRITE_MAX - 4), {EINVAL}),
        ('max+1-bytes', b'pid ' + b'1' * (WRITE_MAX - 3), {E2BIG}),
        ('max+1-bytes-pids', (many(1000)[:WRITE_MAX] + b'\n')[:WRITE_MAX + 1], {E2BIG}),
        ('4096-bytes', b'pid ' + b'1,' * 2046, {E2BIG}),
        ('fields-unknown', b'fields nope', {EINVAL}),
        ('fields-trailing-comma', b'fields pid,', {EINVAL}),
        ('fields-twice', b'fields pid\nfields fd', {EINVAL}),
        ('dev-no-minor', b'dev 8', {EINVAL}),
        ('dev-empty-minor', b'dev 8:', {EINVAL}),
        ('dev-major-4096', b'dev 4096:0', {EINVAL}),
        ('dev-minor-2^20', b'dev 0:1048576', {EINVAL}),
        ('dev-with-inode', b'dev 0:1:2', {EINVAL}),
        ('dev-space', b'dev 0:1 ', {EINVAL}),
        ('ino-no-inode', b'ino 0:1', {EINVAL}),
        ('ino-2^64', b'ino 0:1:18446744073709551616', {EINVAL}),
        ('dev-twice', b'dev 0:1\ndev 0:2', {EINVAL}),
        ('pid-twice', b'pid ' + C + b'\npid ' + C, {EINVAL}),
        ('empty-line-between', b'pid ' + C + b'\n\ndev 0:1', {EINVAL}),
        ('bad-second-line', b'pid ' + C + b'\ndev x', {EINVAL}),
        ('65-devs', b'dev ' + b','.join(b'0:%d' % i for i in range(65)), {E2BIG}),
        ('1MiB', b'\0' * (1 << 20), {E2BIG}),
        ('1000-pids', many(1000), {E2BIG}),
    ]
    for n in (1, 2, 17, 300, 709):
        raw = bytes(rng.randrange(256) for _ in range(n))
        if raw[:3] in (b'pid', b'dev', b'ino'):
            raw = b'x' + raw[1:]
        cases.append((f'random-{n}', raw, {EINVAL}))
    return cases


def start_child():
    p = subprocess.Popen(['python3', '-c', CHILD], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    if p.stdout.readline().strip() != 'ready':
        raise RuntimeError('child fixture did not start')
    return p


def records(data):
    """pids of the records in data (the header dropped)."""
    return [ln.split(b' ', 1)[0] for ln in data.split(b'\n')[1:] if ln]


def read_from_start(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    return h.read_all(fd)


def hostile_writes(kind, c):
    problems = []
    path = f'{h.DEBUGFS}/{kind}'
    C = str(c).encode()
    fd = os.open(path, os.O_RDWR)
    try:
        os.write(fd, b'pid ' + C + b'\n')
        want = h.read_all(fd)
        pids = set(records(want))
        if pids != {C}:
            problems.append(f'"pid {c}" gives records of pids {sorted(pids)[:10]}')
            return problems

        def still(what):
            got = read_from_start(fd)
            if got != want:
                problems.append(f'{what}: output changed: {len(set(records(got)))} pids, '
                                f'{len(records(got))} records (was 1 pid, '
                                f'{len(records(want))} records)')

        for name, data, errs in bad_writes(c):
            try:
                n = os.write(fd, data)
                problems.append(f'{name}: write of {len(data)} bytes returned {n}, '
                                f'want {"/".join(h.errname(e) for e in errs)}')
            except OSError as e:
                if e.errno not in errs:
                    problems.append(f'{name}: {h.errname(e.errno)}, '
                                    f'want {"/".join(h.errname(x) for x in errs)}')
            still(name)

        # A bad buffer address: EFAULT, nothing changes.
        r = _libc.write(fd, ctypes.c_void_p(8), 5)
        e = ctypes.get_errno()
        if r != -1 or e != errno.EFAULT:
            problems.append(f'write from address 8: {r} {h.errname(e)}, want EFAULT')
        still('bad address')

        # Split writes: each piece is a write of its own.
        for pieces in ((b'pi', b'd ' + C), (b'pid ', C), (b'p', b'id ' + C + b'\n')):
            for p in pieces:
                try:
                    os.write(fd, p)
                    problems.append(f'piece {p!r} of {b"".join(pieces)!r} was accepted')
                except OSError as e:
                    if e.errno != EINVAL:
                        problems.append(f'piece {p!r}: {h.errname(e.errno)}, want EINVAL')
            still(f'split {pieces!r}')
        # writev() is one write (the files take iterator writes): its pieces
        # are parsed together.
        try:
            n = os.writev(fd, [b'pi', b'd ' + C])
            if n != len(b'pid ' + C):
                problems.append(f'writev(["pi", "d C"]) returned {n}')
        except OSError as e:
            problems.append(f'writev(["pi", "d C"]): {h.errname(e.errno)}')
        still('writev pieces, one write')

        # Reading half-way, then a bad write: the filter still holds.
        os.lseek(fd, 0, os.SEEK_SET)
        head = os.read(fd, 10)
        try:
            os.write(fd, b'pid 1,x')
            problems.append('"pid 1,x" mid-read accepted')
        except OSError:
            pass
        rest = h.read_all(fd)
        if head + rest != want and rest != want:
            problems.append(f'after a bad write mid-read: {len(head + rest)} bytes, '
                            f'neither continuing nor restarting the filtered output')
    finally:
        os.close(fd)

    # Writes on a read-only open never reach the filter.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.write(fd, b'pid 1')
        problems.append('write on an O_RDONLY fd succeeded')
    except OSError as e:
        if e.errno != errno.EBADF:
            problems.append(f'write on an O_RDONLY fd: {h.errname(e.errno)}, want EBADF')
    finally:
        os.close(fd)
    return problems


def filter_writes(kind, c):
    """This process and the child both have files, sockets and a table."""
    problems = []
    path = f'{h.DEBUGFS}/{kind}'
    C = str(c).encode()
    ME = str(os.getpid()).encode()
    nonexistent = b'4194305'  # above PID_MAX_LIMIT
    fd = os.open(path, os.O_RDWR)
    try:
        def expect(data, pids, what):
            try:
                n = os.write(fd, data)
            except OSError as e:
                problems.append(f'{what}: {h.errname(e.errno)}')
                return
            if n != len(data):
                problems.append(f'{what}: wrote {n} of {len(data)}')
            got = set(records(h.read_all(fd)))
            if pids == 'all':
                if not {C, ME} <= got:
                    problems.append(f'{what}: pids {sorted(got)[:10]} after clearing, '
                                    f'want at least {C} and {ME}')
            elif got != pids:
                problems.append(f'{what}: pids {sorted(got)[:10]}, want {sorted(pids)}')

        expect(b'pid ' + C, {C}, '"pid C"')
        expect(b'pid', 'all', '"pid"')
        expect(b'pid ' + C + b'\n', {C}, '"pid C\\n"')
        expect(b'pid\n', 'all', '"pid\\n"')
        expect(b'pid ' + C + b',' + C + b',' + C, {C}, 'duplicates')
        expect(b'pid 000' + C, {C}, 'leading zeros')
        expect(b'pid ' + ME + b',' + C, {ME, C}, '"pid ME,C"')
        expect(b'pid ' + C + b',' + ME, {ME, C}, '"pid C,ME"')
        sixty_four = b'pid ' + b','.join([b'%010d' % c] + [b'%010d' % (1999999999 - i)
                                                          for i in range(63)])
        if len(sixty_four) != 707:
            problems.append(f'test bug: 64-pid write is {len(sixty_four)} bytes')
        expect(sixty_four + b'\n', {C}, '64 pids, 708 bytes')
        expect(b'pid 2147483647', set(), 'INT_MAX')
        expect(b'pid ' + nonexistent, set(), 'a pid that does not exist')

        # A good write rewinds.
        os.write(fd, b'pid ' + C)
        want = h.read_all(fd)
        os.lseek(fd, 0, os.SEEK_SET)
        os.read(fd, 17)
        os.write(fd, b'pid ' + C)
        if h.read_all(fd) != want:
            problems.append('a write mid-read did not rewind to the header')

        # Per open file description.
        dup = os.dup(fd)
        other = os.open(path, os.O_RDONLY)
        try:
            os.lseek(dup, 0, os.SEEK_SET)
            if set(records(h.read_all(dup))) != {C}:
                problems.append('a dup()ed fd does not share the filter')
            if not {C, ME} <= set(records(h.read_all(other))):
                problems.append('a second open of the file is filtered too')
        finally:
            os.close(dup)
            os.close(other)
    finally:
        os.close(fd)
    return problems


def odd_reads(kind, c):
    problems = []
    fd = os.open(f'{h.DEBUGFS}/{kind}', os.O_RDWR)
    try:
        os.write(fd, b'pid %d' % c)
        full = h.read_all(fd, 1 << 20)
        again = read_from_start(fd)
        if again != full:
            problems.append(f'two bulk reads differ ({len(full)} and {len(again)} bytes): '
                            'is the child quiet?')
            return problems
        size = len(full)
        rng = random.Random(size)
        offsets = [0, 1, 2, size // 2, size - 1, size, size + 1, size + 4096, 2 ** 31, 2 ** 62]
        offsets += [rng.randrange(size + 10) for _ in range(40)]
        for off in offsets:
            for n in (1, 7, 100, 4096, 65536):
                got = os.pread(fd, n, off)
                if got != full[off:off + n]:
                    problems.append(f'pread({n}, {off}): {got[:40]!r}, want {full[off:off + n][:40]!r}')
            os.lseek(fd, off, os.SEEK_SET)
            got = os.read(fd, 50)
            if got != full[off:off + 50]:
                problems.append(f'lseek({off}) + read(50): {got[:40]!r}')
        os.lseek(fd, 5, os.SEEK_SET)
        os.lseek(fd, 10, os.SEEK_CUR)
        if os.read(fd, 20) != full[15:35]:
            problems.append('SEEK_CUR 5+10 read the wrong bytes')
        for n in (1, 2, 3, 7, 4095, 4096, 4097, 65536):
            os.lseek(fd, 0, os.SEEK_SET)
            if os.read(fd, 0) != b'':
                problems.append('read(0) returned bytes')
            got = h.read_all(fd, n)
            if got != full:
                problems.append(f'{n}-byte reads: {len(got)} bytes differ from the '
                                f'{len(full)}-byte bulk read')
        for what, call in (('lseek(-1)', lambda: os.lseek(fd, -1, os.SEEK_SET)),
                           ('SEEK_CUR to -1', lambda: os.lseek(fd, -(2 ** 40), os.SEEK_CUR)),
                           ('SEEK_END', lambda: os.lseek(fd, 0, os.SEEK_END)),
                           ('SEEK_DATA', lambda: os.lseek(fd, 0, os.SEEK_DATA)),
                           ('SEEK_HOLE', lambda: os.lseek(fd, 0, os.SEEK_HOLE)),
                           ('pread at -1', lambda: os.pread(fd, 10, -1))):
            try:
                r = call()
                problems.append(f'{what} returned {r!r}, want EINVAL')
            except OSError as e:
                if e.errno != EINVAL:
                    problems.append(f'{what}: {h.errname(e.errno)}, want EINVAL')
        try:
            os.pwrite(fd, b'pid 1', 0)
            problems.append('pwrite succeeded')
        except OSError as e:
            if e.errno != errno.ESPIPE:
                problems.append(f'pwrite: {h.errname(e.errno)}, want ESPIPE')
        if read_from_start(fd) != full:
            problems.append('after the odd reads the output changed (pwrite?)')
    finally:
        os.close(fd)
    return problems, size


def concurrent(c):
    """Two threads, one open file: filters and reads interleaved."""
    problems = []
    fd = os.open(f'{h.DEBUGFS}/files', os.O_RDWR)
    end = time.monotonic() + 4
    counts = {'writes': 0, 'reads': 0}
    writes = [b'pid %d' % c, b'pid 1', b'pid', b'pid 1,%d' % c, b'pid x', b'', b'pid ' + b'1,' * 80]

    def writer():
        i = 0
        while time.monotonic() < end:
            try:
                os.write(fd, writes[i % len(writes)])
            except OSError as e:
                if e.errno not in (EINVAL, E2BIG):
                    problems.append(f'concurrent write: {h.errname(e.errno)}')
            i += 1
            counts['writes'] += 1

    def reader():
        while time.monotonic() < end:
            try:
                data = os.read(fd, 333)
                if not data:
                    os.lseek(fd, 0, os.SEEK_SET)
            except OSError as e:
                problems.append(f'concurrent read: {h.errname(e.errno)}')
            counts['reads'] += 1

    threads = [threading.Thread(target=writer), threading.Thread(target=reader),
               threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    os.close(fd)
    return problems[:20], counts


def main():
    marker = h.mark('hostile')
    child = start_child()
    mine = socket.socketpair()  # so that this process shows in sockets too
    # ... and in locks and epoll.
    lockf = open('/run/hostile-mine', 'w')
    fcntl.flock(lockf, fcntl.LOCK_SH)
    ep = select.epoll()
    ep.register(mine[0], select.EPOLLIN)
    evfd = os.eventfd(7)  # ... and in details
    try:
        for kind in h.KINDS:
            h.check(f'hostile-writes-{kind}', hostile_writes(kind, child.pid),
                    f'{len(bad_writes(child.pid))} bad writes + bad address, split, writev')
            h.check(f'filter-writes-{kind}', filter_writes(kind, child.pid))
            problems, size = odd_reads(kind, child.pid)
            h.check(f'odd-reads-{kind}', problems, f'{size} bytes')
        problems, counts = concurrent(child.pid)
        h.check('hostile-concurrent', problems,
                f'{counts["writes"]} writes, {counts["reads"]} reads')
    finally:
        child.stdin.close()
        child.wait()
        for s in mine:
            s.close()
    h.check_dmesg('hostile-dmesg-clean', marker)
    h.finish()


if __name__ == '__main__':
    main()
