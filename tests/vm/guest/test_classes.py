#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The "details" file against ground truth: class_fixture holds one fd of
every class (pidfds of an exited and of a running child, a BPF array map
and a socket-filter program, a software perf event, a sealed memfd, two
eventfds, an inotify with three watches, a timerfd, a signalfd, a netns fd,
a pty pair, and three tun/tap files: on a tap, on a tun whose name holds
',' and '=', on no interface). Each details record is compared with what
the fixture set up (its manifest) and, field by field, with
/proc/PID/fdinfo/FD.

A tun file's interface costs rtnl_lock: it is listed only through an open
file that wrote "opt tun". A kprobe on rtnl_lock() counts this process's
calls: none in a default read, one per tun fd with the opt-in."""

import errno
import json
import os
import re
import shutil
import subprocess
import sys

import fdscope_lib as L
from fdscope_lib import Reporter, Table, read_file, require_root

HEADER = ['pid', 'tid', 'comm', 'fd', 'fileid', 'class', 'details', 'start']
READER = os.path.join(L.REPO, 'userspace', 'fdscope')
TRACING = '/sys/kernel/tracing'
PROBE = 'fdscope_rtnl'


def fdinfo(pid, fd):
    """/proc/PID/fdinfo/FD as a dict (a repeated key keeps a list)."""
    out = {}
    with open(f'/proc/{pid}/fdinfo/{fd}') as f:
        for line in f:
            key, sep, val = line.partition(':')
            if not sep:
                continue
            val = val.strip()
            if key in out:
                if not isinstance(out[key], list):
                    out[key] = [out[key]]
                out[key].append(val)
            else:
                out[key] = val
    return out


def inotify_watches(pid, fd):
    """The (ino, 'major:minor') of each inotify watch in fdinfo."""
    out = set()
    with open(f'/proc/{pid}/fdinfo/{fd}') as f:
        for line in f:
            m = re.match(r'inotify wd:\S+ ino:([0-9a-f]+) sdev:([0-9a-f]+)', line)
            if m:
                sdev = int(m.group(2), 16)
                out.add((int(m.group(1), 16), f'{sdev >> 20}:{sdev & 0xfffff}'))
    return out


def parse_details(field):
    """'k=v,k=v,inode=...' -> dict; repeated keys (inode) as lists."""
    d = {}
    if field == '-':
        return d
    for kv in field.split(','):
        k, sep, v = kv.partition('=')
        if not sep:
            raise ValueError(f'no "=" in {kv!r}')
        if k == 'inode':
            d.setdefault(k, []).append(v)
        elif k in d:
            raise ValueError(f'key {k} twice')
        else:
            d[k] = v
    return d


def num(s):
    return int(s, 0)


def check_pidfd(want, got, info, problems, pidfs):
    if num(got.get('pid', '-1')) != num(want['pid']):
        problems.append(f'pid {got.get("pid")}, the child is {want["pid"]}')
    if got.get('exited') != want['exited']:
        problems.append(f'exited {got.get("exited")}, expected {want["exited"]}')
    # fdinfo: "Pid: -1" once the process is gone (both kernels).
    fpid = num(info['Pid'])
    if (fpid == -1) != (got.get('exited') == '1'):
        problems.append(f'exited {got.get("exited")} but fdinfo Pid {fpid}')
    if fpid != -1 and fpid != num(got['pid']):
        problems.append(f'pid {got["pid"]}, fdinfo Pid {fpid}')
    if pidfs and got.get('thread') != '0':
        problems.append(f'thread {got.get("thread")}, expected 0 (a process pidfd)')
    if not pidfs and 'thread' in got:
        problems.append('a thread flag on a kernel without thread pidfds')


def check_keys(got, info, keys, problems, conv=num):
    """got[k] == fdinfo[fk] for each (k, fk)."""
    for k, fk in keys:
        if k not in got or fk not in info:
            problems.append(f'{k}: details {got.get(k)}, fdinfo {fk} {info.get(fk)}')
        elif conv(got[k]) != conv(info[fk]):
            problems.append(f'{k}={got[k]}, fdinfo {fk}: {info[fk]}')


def check_want(want, got, keys, problems):
    for k in keys:
        if k in want and got.get(k) != want[k]:
            problems.append(f'{k}={got.get(k)}, the fixture set {want[k]}')


def check_record(cls, want, got, info, pid, fd, pidfs):
    p = []
    if cls == 'pidfd':
        check_pidfd(want, got, info, p, pidfs)
    elif cls == 'bpf-map':
        check_want(want, got, ('name',), p)
        check_keys(got, info, [('map_type', 'map_type'), ('key_size', 'key_size'),
                               ('value_size', 'value_size'),
                               ('max_entries', 'max_entries'),
                               ('map_flags', 'map_flags'), ('map_id', 'map_id')], p)
        for k in ('map_type', 'key_size', 'value_size', 'max_entries'):
            if num(got.get(k, '-1')) != num(want[k]):
                p.append(f'{k}={got.get(k)}, the fixture set {want[k]}')
    elif cls == 'bpf-prog':
        check_want(want, got, ('name', 'prog_type'), p)
        check_keys(got, info, [('prog_type', 'prog_type'), ('prog_id', 'prog_id')], p)
        check_keys(got, info, [('prog_tag', 'prog_tag')], p, conv=str)
    elif cls == 'perf_event':
        check_want(want, got, ('type', 'config', 'pid', 'tid', 'cpu'), p)
    elif cls == 'memfd':
        check_want(want, got, ('seals', 'hugetlb'), p)
    elif cls == 'eventfd':
        check_keys(got, info, [('id', 'eventfd-id')], p)
        if num(got.get('count', '-1')) != int(info.get('eventfd-count', '-1'), 16):
            p.append(f'count {got.get("count")}, fdinfo {info.get("eventfd-count")}')
        if num(got.get('count', '-1')) != num(want['count']):
            p.append(f'count {got.get("count")}, the fixture wrote {want["count"]}')
        if 'eventfd-semaphore' in info:
            check_keys(got, info, [('semaphore', 'eventfd-semaphore')], p)
            if got.get('semaphore') != want.get('semaphore', '0'):
                p.append(f'semaphore {got.get("semaphore")}, expected '
                         f'{want.get("semaphore", "0")}')
        elif 'semaphore' in got:
            p.append('a semaphore flag that fdinfo does not have')
    elif cls == 'inotify':
        inodes = got.get('inode', [])
        mine = set()
        for i in inodes:
            ino, _, dev = i.partition('@')
            mine.add((int(ino), dev))
        theirs = inotify_watches(pid, fd)
        fixture = {(int(v.partition('@')[0]), v.partition('@')[2])
                   for k, v in want.items() if k.startswith('inode')}
        if got.get('watches') != want['watches']:
            p.append(f'watches {got.get("watches")}, expected {want["watches"]}')
        if mine != theirs:
            p.append(f'inodes {sorted(mine)}, fdinfo {sorted(theirs)}')
        if mine != fixture:
            p.append(f'inodes {sorted(mine)}, the fixture watches {sorted(fixture)}')
    elif cls == 'timerfd':
        check_want(want, got, ('clockid', 'interval'), p)
        check_keys(got, info, [('clockid', 'clockid'), ('ticks', 'ticks')], p)
        iv = re.fullmatch(r'\((\d+), (\d+)\)', info.get('it_interval', ''))
        if not iv or got.get('interval') != f'{iv.group(1)}.{int(iv.group(2)):09d}':
            p.append(f'interval {got.get("interval")}, fdinfo {info.get("it_interval")}')
        v = re.fullmatch(r'\((\d+), (\d+)\)', info.get('it_value', ''))
        rem = float(got.get('remaining', '-1'))
        if not v or not 0 < rem <= float(want['remaining_max']):
            p.append(f'remaining {got.get("remaining")}, armed for {want["remaining_max"]} s')
        elif abs(rem - (int(v.group(1)) + int(v.group(2)) / 1e9)) > 30:
            p.append(f'remaining {rem}, fdinfo {info["it_value"]} (read moments apart)')
    elif cls == 'signalfd':
        check_want(want, got, ('sigmask',), p)
        check_keys(got, info, [('sigmask', 'sigmask')], p,
                   conv=lambda s: int(s, 16))
    elif cls == 'nsfs':
        check_want(want, got, ('ns_type', 'ns_ino'), p)
        st = os.stat(f'/proc/{pid}/fd/{fd}')
        if num(got.get('ns_ino', '-1')) != st.st_ino:
            p.append(f'ns_ino {got.get("ns_ino")}, stat says {st.st_ino}')
    elif cls == 'ptmx':
        check_want(want, got, ('tty_index',), p)
        check_keys(got, info, [('tty_index', 'tty-index')], p)
    elif cls == 'pts':
        check_want(want, got, ('tty_index',), p)
        link = os.readlink(f'/proc/{pid}/fd/{fd}')
        if link != f'/dev/pts/{got.get("tty_index")}':
            p.append(f'tty_index {got.get("tty_index")}, the fd is {link}')
    elif cls == 'tun':
        # Not asked for: no interface, whatever the file is attached to.
        if got:
            p.append(f'details {got} without "opt tun"')
    return p


def value(s):
    """A details value as the module escapes it inside the field: \\ooo."""
    return re.sub(r'\\([0-3][0-7][0-7])', lambda m: chr(int(m.group(1), 8)), s)


def put(path, text, append=False):
    """One write(2) of @text, as echo does (Python's append mode seeks,
    which tracefs refuses)."""
    fd = os.open(path, os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC))
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def have_kprobes():
    events = os.path.join(TRACING, 'kprobe_events')
    if not os.path.exists(events):
        subprocess.run(['mount', '-t', 'tracefs', 'nodev', TRACING], capture_output=True)
    return os.path.exists(events)


class RtnlProbe:
    """A kprobe on rtnl_lock() that counts this process's calls."""

    def __init__(self):
        self.ev = os.path.join(TRACING, 'events', 'kprobes', PROBE)
        put(os.path.join(TRACING, 'kprobe_events'), f'p:{PROBE} rtnl_lock\n', append=True)
        try:
            put(os.path.join(self.ev, 'filter'), f'common_pid == {os.getpid()}\n')
            put(os.path.join(self.ev, 'enable'), '1\n')
        except OSError:
            self.close()
            raise

    def count(self, fn):
        """fn()'s result and how many times it called rtnl_lock()."""
        put(os.path.join(TRACING, 'trace'), '')
        out = fn()
        with open(os.path.join(TRACING, 'trace')) as f:
            return out, sum(f'{PROBE}:' in line for line in f)

    def close(self):
        try:
            put(os.path.join(self.ev, 'enable'), '0\n')
        finally:
            put(os.path.join(TRACING, 'kprobe_events'), f'-:{PROBE}\n', append=True)


def tun_rows(raw, pid):
    """fd -> details dict of the tun records of @pid in a details read."""
    out = {}
    for r in Table('details', raw).rows:
        if r['pid'] == str(pid) and r['class'] == 'tun':
            out[int(r['fd'])] = parse_details(L.unescape(r['details']).decode('latin-1'))
    return out


def write_errno(fd, text):
    """0, or the errno of writing @text to @fd."""
    try:
        os.write(fd, text)
        return 0
    except OSError as e:
        return e.errno


def tun_check(rep, pid, want):
    """The interfaces of the fixture's tun files with "opt tun", against the
    fixture and /proc/PID/fdinfo; the opt-in per open file; rtnl_lock taken
    only with it."""
    tuns = {fd: w for fd, w in want.items() if w['class'] == 'tun'}
    spec = f'pid {pid}\nopt tun\n'.encode()
    got = tun_rows(read_file('details', spec), pid)
    p = []
    for fd, w in sorted(tuns.items()):
        iff = fdinfo(pid, fd).get('iff') or None
        mine = value(got[fd]['iface']) if 'iface' in got.get(fd, {}) else None
        if fd not in got:
            p.append(f'fd {fd}: no record')
        elif mine != w.get('iface') or mine != iff:
            p.append(f'fd {fd}: iface {mine!r}, the fixture set {w.get("iface")!r}, '
                     f'fdinfo iff {iff!r}')
        elif set(got[fd]) - {'iface'}:
            p.append(f'fd {fd}: details {got[fd]}')
    rep.result('classes-tun-iface', p, note=str({fd: d.get('iface') for fd, d in got.items()}))

    # Per open file: garbage changes nothing, a new write replaces the opt-in.
    p = []
    fd = os.open(os.path.join(L.DEBUGFS, 'details'), os.O_RDWR)
    try:
        os.write(fd, spec)
        for bad in (b'opt bogus\n', b'opt tun,\n', b'opt\x00tun', b'opt TUN', b'opt tun\nopt tun'):
            e = write_errno(fd, bad)
            if e != errno.EINVAL:
                p.append(f'write {bad!r}: errno {e}, expected EINVAL')
        after = tun_rows(L.read_fd_all(fd), pid)
        if after != got:
            p.append(f'after refused writes: {after}, before {got}')
        os.write(fd, f'pid {pid}\n'.encode())
        plain = tun_rows(L.read_fd_all(fd), pid)
        if set(plain) != set(tuns) or any(plain.values()):
            p.append(f'after "pid {pid}" alone: {plain}, expected no interface')
    finally:
        os.close(fd)
    for name in ('files', 'sockets', 'tasks', 'holders', 'locks', 'epoll', 'sockstats'):
        fd = os.open(os.path.join(L.DEBUGFS, name), os.O_RDWR)
        try:
            e = write_errno(fd, b'opt tun\n')
        finally:
            os.close(fd)
        if e != errno.EINVAL:
            p.append(f'"opt tun" to {name}: errno {e}, expected EINVAL')
    rep.result('classes-tun-opt-in', p)

    if not have_kprobes():
        rep.skip('classes-tun-rtnl', f'no {TRACING}/kprobe_events')
        return
    try:
        probe = RtnlProbe()
    except OSError as e:
        rep.fail('classes-tun-rtnl', f'a kprobe on rtnl_lock: {e}')
        return
    try:
        _, plain = probe.count(lambda: read_file('details', f'pid {pid}'.encode()))
        _, every = probe.count(lambda: read_file('details'))
        _, opted = probe.count(lambda: read_file('details', spec))
    finally:
        probe.close()
    p = []
    if plain or every:
        p.append(f'default reads took rtnl_lock: {plain} times (pid filter), {every} (all)')
    if opted < len(tuns):
        p.append(f'"opt tun" took rtnl_lock {opted} times for {len(tuns)} tun fds: '
                 'the probe does not see it')
    rep.result('classes-tun-rtnl', p, note=f'{plain}/{every}/{opted} rtnl_lock calls')


def reader_check(rep, pid, want, rows):
    """The live reader's lsfd columns, NAME and ENDPOINTS for the fixture."""
    if not os.access(READER, os.X_OK):
        rep.skip('classes-reader', f'{READER} is not built')
        return
    cols = 'FD,NAME,PIDFD.PID,PIDFD.EXITED,EVENTFD.ID,BPF-MAP.ID,BPF.NAME,NS.TYPE,' \
        'PTMX.TTY-INDEX,TIMERFD.CLOCKID,SIGNALFD.MASK,ENDPOINTS'
    r = subprocess.run([READER, '-p', str(pid), '-J', '-o', cols], capture_output=True,
                       text=True)
    if r.returncode or r.stderr:
        rep.fail('classes-reader', f'exit {r.returncode}: {r.stderr.strip()[:300]}')
        return
    got = {x['fd']: x for x in json.loads(r.stdout)['fdscope'] if x['fd'] is not None}
    p = []
    by_class = {}
    for fd, w in want.items():
        by_class.setdefault(w['class'], []).append(fd)

    def expect(fd, col, value):
        if got.get(fd, {}).get(col) != value:
            p.append(f'fd {fd} {col}: {got.get(fd, {}).get(col)!r}, expected {value!r}')

    for fd in by_class['pidfd']:
        w = want[fd]
        expect(fd, 'pidfd.pid', int(w['pid']))
        expect(fd, 'pidfd.exited', w['exited'] == '1')
        if w['exited'] == '0':
            expect(fd, 'name', f'pid={w["pid"]} comm=classfix')
            eps = got.get(fd, {}).get('endpoints') or []
            if [e.get('pid') for e in eps] != [int(w['pid'])]:
                p.append(f'pidfd {fd} endpoints {eps}, expected its process {w["pid"]}')
    for fd in by_class['eventfd']:
        d = parse_details(L.unescape(rows[fd]['details']).decode())
        expect(fd, 'eventfd.id', int(d['id']))
    for fd in by_class.get('bpf-map', []):
        d = parse_details(L.unescape(rows[fd]['details']).decode())
        expect(fd, 'bpf-map.id', int(d['map_id']))
        expect(fd, 'bpf.name', 'fdscope_map')
    expect(by_class['nsfs'][0], 'ns.type', 'net')
    expect(by_class['timerfd'][0], 'timerfd.clockid', 'monotonic')
    expect(by_class['signalfd'][0], 'signalfd.mask', 'USR1,USR2')
    master, slave = by_class['ptmx'][0], by_class['pts'][0]
    expect(master, 'ptmx.tty-index', int(want[master]['tty_index']))
    for a, b in ((master, slave), (slave, master)):
        eps = got.get(a, {}).get('endpoints') or []
        if not any(e.get('pid') == pid and e.get('assoc') == b for e in eps):
            p.append(f'pty fd {a}: endpoints {eps}, expected fd {b} of the fixture')
    # Without TUN.IFACE, the module is not asked: NAME is the path.
    for fd in by_class.get('tun', []):
        expect(fd, 'name', '/dev/net/tun')
    rep.result('classes-reader', p, note=f'{len(got)} rows')
    if not by_class.get('tun'):
        return
    r = subprocess.run([READER, '-p', str(pid), '-J', '-o', 'FD,TUN.IFACE,NAME'],
                       capture_output=True, text=True)
    if r.returncode or r.stderr:
        rep.fail('classes-reader-tun', f'exit {r.returncode}: {r.stderr.strip()[:300]}')
        return
    got = {x['fd']: x for x in json.loads(r.stdout)['fdscope'] if x['fd'] is not None}
    p = []
    for fd in by_class['tun']:
        name = want[fd].get('iface')
        expect(fd, 'tun.iface', name)
        expect(fd, 'name', f'iface={name}' if name else '/dev/net/tun')
    r = subprocess.run([READER, '-p', str(pid), '-n', '-o', 'FD', '-Q', 'TUN.IFACE == "fds,t=1"'],
                       capture_output=True, text=True)
    fds = [fd for fd in by_class['tun'] if want[fd].get('iface') == 'fds,t=1']
    if r.stdout.split() != [str(fd) for fd in fds]:
        p.append(f'-Q TUN.IFACE: {r.stdout.split()} {r.stderr.strip()[:200]}, expected {fds}')
    rep.result('classes-reader-tun', p)


# bpftool's JSON keys for the details keys, per class.
BPFTOOL_KEYS = {
    'bpf-map': ('map', 'map_id', [('map_id', 'id'), ('name', 'name'), ('key_size', 'bytes_key'),
                                  ('value_size', 'bytes_value'),
                                  ('max_entries', 'max_entries'), ('map_flags', 'flags')]),
    'bpf-prog': ('prog', 'prog_id', [('prog_id', 'id'), ('name', 'name'), ('prog_tag', 'tag')]),
}


def bpftool_check(rep, pid, want, rows):
    """Each bpf map and program against bpftool's view of the same id."""
    tool = shutil.which('bpftool')
    if not tool:
        rep.skip('classes-bpftool', 'no bpftool (make deps installs it)')
        return
    fds = [fd for fd, w in want.items() if w['class'] in BPFTOOL_KEYS]
    if not fds:
        rep.skip('classes-bpftool', 'the kernel made no bpf objects')
        return
    r = subprocess.run([READER, '-p', str(pid), '-J', '-o', 'FD,BPF-MAP.TYPE,BPF-PROG.TYPE'],
                       capture_output=True, text=True)
    types = {x['fd']: x for x in json.loads(r.stdout)['fdscope']} if not r.returncode else {}
    p = []
    for fd in fds:
        cls = want[fd]['class']
        kind, idkey, keys = BPFTOOL_KEYS[cls]
        got = parse_details(L.unescape(rows[fd]['details']).decode('latin-1'))
        b = subprocess.run([tool, '-j', kind, 'show', 'id', str(got.get(idkey))],
                           capture_output=True, text=True)
        if b.returncode:
            p.append(f'fd {fd}: bpftool {kind} show id {got.get(idkey)}: {b.stderr.strip()}')
            continue
        theirs = json.loads(b.stdout)
        for k, bk in keys:
            mine, other = got.get(k), theirs.get(bk)
            if isinstance(other, int) and mine is not None:
                mine = num(mine)
            if mine != other:
                p.append(f'fd {fd} {k}={got.get(k)}, bpftool {bk}={other}')
        col = 'bpf-map.type' if cls == 'bpf-map' else 'bpf-prog.type'
        if types.get(fd, {}).get(col) != theirs.get('type'):
            p.append(f'fd {fd} {col.upper()} {types.get(fd, {}).get(col)!r}, '
                     f'bpftool type {theirs.get("type")!r}')
    rep.result('classes-bpftool', p, note=f'{len(fds)} objects')


def main():
    rep = Reporter()
    if not require_root(rep, 'classes'):
        return 1
    if not os.path.exists(os.path.join(L.DEBUGFS, 'details')):
        rep.fail('classes-file', 'no details file')
        return 1
    # /dev/net/tun: Debian builds tun as a module.
    subprocess.run(['modprobe', '-q', 'tun'], capture_output=True)
    work = L.Workdir('classes')
    fix = None
    try:
        fix = L.Fixture('class_fixture', work.path)
        pid = int(fix.records[0][1]['pid'])
        want = {int(d['fd']): d for kind, d in fix.records if kind == 'fd'}
        skips = [d for kind, d in fix.records if kind == 'skip']
        raw = read_file('details', f'pid {pid}'.encode())
        t = Table('details', raw)
        problems = list(t.problems)
        if t.cols != HEADER or t.version != '1':
            problems.append(f'header {t.header!r}')
        rep.result('classes-header', problems)
        rows = {}
        for r in t.rows:
            if r['pid'] != str(pid):
                rep.fail('classes-filter', f'a record of pid {r["pid"]}')
                continue
            rows[int(r['fd'])] = r
        # Every fd of the fixture with a class has a record, and no other fd.
        extra = sorted(set(rows) - set(want))
        missing = sorted(set(want) - set(rows))
        rep.result('classes-which-fds',
                   [f'fd {fd} ({rows[fd]["class"]}) has details it should not'
                    for fd in extra] +
                   [f'fd {fd} ({want[fd]["class"]}) has no details record' for fd in missing])
        # Thread pidfds came with pidfs (6.9): a pidfd's own superblock,
        # where it was on the anonymous-inode one with the eventfds before.
        files = Table('files', read_file('files', f'pid {pid}'.encode()))
        frow = {int(r['fd']): r for r in files.rows}
        dev = {w['class']: frow[fd]['dev'] for fd, w in want.items()}
        pidfs = dev['pidfd'] != dev['eventfd']
        for fd, w in sorted(want.items()):
            cls = w['class']
            name = f'classes-{cls}-fd{fd}'
            r = rows.get(fd)
            if r is None:
                rep.fail(name, 'no record')
                continue
            if r['class'] != cls:
                rep.fail(name, f'class {r["class"]}, expected {cls}')
                continue
            if r['fileid'] != frow[fd]['fileid']:
                rep.fail(name, f'fileid {r["fileid"]}, files has {frow[fd]["fileid"]}')
                continue
            try:
                got = parse_details(L.unescape(r['details']).decode('latin-1'))
            except ValueError as e:
                rep.fail(name, f'details {r["details"]!r}: {e}')
                continue
            info = fdinfo(pid, fd)
            rep.result(name, check_record(cls, w, got, info, pid, fd, pidfs),
                       note=r['details'][:100])
        if any(w['class'] == 'tun' for w in want.values()):
            tun_check(rep, pid, want)
        reader_check(rep, pid, want, rows)
        bpftool_check(rep, pid, want, rows)
        for s in skips:
            rep.skip(f'classes-{s["class"]}', f'the kernel refused: errno {s["errno"]}')
        for line in t.lines:
            if L.KERNEL_PTR.search(line):
                rep.fail('classes-no-pointers', line)
                break
        else:
            rep.ok('classes-no-pointers')
    except RuntimeError as e:
        rep.fail('classes-fixture', str(e))
    finally:
        if fix:
            fix.stop()
        work.cleanup()
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
