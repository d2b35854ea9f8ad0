#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Corner cases a line-by-line review found, each once wrong or worse:

- packet sockets bound to ip6tnl and ip6gre devices (16-byte hardware
  addresses: getsockname() once overflowed a stack buffer and panicked 6.1);
- SOCK_PACKET sockets (their getsockname() is a device name, not a
  sockaddr_ll);
- a table shared by threads that are not the leader listed once, for both
  ways of getting there with unshare(CLONE_FILES);
- a filter write, then pread() at the offset the last read stopped at;
- unix listen() racing reads (rxq once printed -EINVAL);
- a pid reused between two reads (the new process's low fds once skipped).
"""

import ctypes
import os
import socket
import struct
import subprocess
import sys

from fdscope_lib import (DEBUGFS, Reporter, Table, read_fd_all, read_file,
                         require_root, spawn_at, unescape)

ETH_P_ALL = 3
SOCK_PACKET = 10
CLONE_FILES = 0x400
libc = ctypes.CDLL(None, use_errno=True)


def sockets_of(pid):
    t = Table('sockets', read_file('sockets', f'pid {pid}'.encode()))
    return t


def by_ino(t, ino):
    return [r for r in t.rows if r['ino'] == str(ino)]


def packet_on_tunnels(rep):
    """A packet socket bound to each 16-byte-address tunnel: named, not a panic."""
    made, problems = [], []
    for name, kind in (('fds6tnl', 'ip6tnl'), ('fds6gre', 'ip6gre')):
        subprocess.run(['modprobe', {'ip6tnl': 'ip6_tunnel', 'ip6gre': 'ip6_gre'}[kind]],
                       capture_output=True)
        r = subprocess.run(['ip', 'link', 'add', name, 'type', kind,
                            'local', '::1', 'remote', '::2'], capture_output=True, text=True)
        if r.returncode:
            problems.append(f'ip link add {name} type {kind}: {r.stderr.strip()}')
            continue
        made.append(name)
    socks = []
    try:
        for name in made:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((name, ETH_P_ALL))
            socks.append((name, s))
        t = sockets_of(os.getpid())
        problems += t.problems
        for name, s in socks:
            rows = by_ino(t, os.fstat(s.fileno()).st_ino)
            if len(rows) != 1:
                problems.append(f'{name}: {len(rows)} records')
                continue
            got = (rows[0]['family'], rows[0]['proto'], rows[0]['local'], rows[0]['remote'])
            if got != ('packet', 'ETH_P_ALL', name, '-'):
                problems.append(f'{name}: family/proto/local/remote {got}')
    finally:
        for _, s in socks:
            s.close()
        for name in made:
            subprocess.run(['ip', 'link', 'del', name], capture_output=True)
    rep.result('corners-packet-ip6-tunnels', problems, note=', '.join(made))


def sock_packet(rep):
    """SOCK_PACKET: the device from bind(); the protocol, private to af_packet, unknown."""
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], capture_output=True)
    s = socket.socket(socket.AF_PACKET, SOCK_PACKET, socket.htons(ETH_P_ALL))
    u = socket.socket(socket.AF_PACKET, SOCK_PACKET, socket.htons(0x0800))
    problems = []
    try:
        # struct sockaddr { sa_family; sa_data[14] = device name }
        addr = struct.pack('=H14s', socket.AF_PACKET, b'lo')
        if libc.bind(s.fileno(), ctypes.c_char_p(addr), len(addr)):
            problems.append(f'bind: {os.strerror(ctypes.get_errno())}')
        t = sockets_of(os.getpid())
        problems += t.problems
        for sk, want in ((s, ('packet', '-', 'lo')), (u, ('packet', '-', '*'))):
            rows = by_ino(t, os.fstat(sk.fileno()).st_ino)
            got = [(r['type'], r['proto'], r['local']) for r in rows]
            if got != [want]:
                problems.append(f'want {[want]}, got {got}')
    finally:
        s.close()
        u.close()
    rep.result('corners-sock-packet', problems)


# The children for the thread topologies: print their tids, then wait for stdin.
TOPOLOGY = r'''
import ctypes, os, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
tids, ready, done = {}, threading.Barrier(%(n)d), threading.Event()
def sleeper(name, then=None):
    tids[name] = threading.get_native_id()
    if then:
        then()
    ready.wait()
    done.wait()
def unshare(who):
    if libc.unshare(0x400):
        sys.exit('unshare: %%d' %% ctypes.get_errno())
    os.dup(0)   # a table of its own, with an fd the leader's lacks
%(body)s
'''

# A thread unshares, then starts a thread: the two share a table.
THREAD_FIRST = TOPOLOGY % {'n': 3, 'body': r'''
def first():
    unshare('t1')
    threading.Thread(target=sleeper, args=('t2',)).start()
threading.Thread(target=sleeper, args=('t1', first)).start()
ready.wait()
print(os.getpid(), tids['t1'], tids['t2'], flush=True)
sys.stdin.read()
done.set()
'''}

# The leader unshares while two threads share the old table.
LEADER_FIRST = TOPOLOGY % {'n': 3, 'body': r'''
for name in ('t1', 't2'):
    threading.Thread(target=sleeper, args=(name,)).start()
while len(tids) < 2:
    pass
unshare('leader')
ready.wait()
print(os.getpid(), tids['t1'], tids['t2'], flush=True)
sys.stdin.read()
done.set()
'''}


def tables_once(rep, name, script):
    """Every table of the child listed once, with each fd once, under its first thread."""
    p = subprocess.Popen([sys.executable, '-c', script], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    problems = []
    try:
        line = p.stdout.readline().split()
        if len(line) != 3:
            rep.fail(f'corners-{name}', f'child did not start: {line}')
            return
        pid, t1, t2 = line
        tasks = Table('tasks', read_file('tasks', f'pid {pid}'.encode()))
        files = Table('files', read_file('files', f'pid {pid}'.encode()))
        problems += tasks.problems + files.problems
        ids = [r['table'] for r in tasks.rows]
        owners = sorted(r['tid'] for r in tasks.rows)
        if len(ids) != 2 or len(set(ids)) != 2:
            problems.append(f'tasks lists tables {ids} under tids {owners}, want 2 tables once each')
        if owners != sorted(['-', t1]):
            problems.append(f'owners {owners}, want the leader and its first thread {t1}')
        seen = {}
        for r in files.rows:
            key = (r['table'], r['fd'])
            if key in seen:
                problems.append(f'fd {r["fd"]} of table {r["table"]} listed under tid '
                                f'{seen[key]} and {r["tid"]}')
            seen[key] = r['tid']
    finally:
        p.stdin.close()
        p.wait(30)
    rep.result(f'corners-{name}', problems)


def filter_write_pread(rep):
    """After a filter write, pread() at any offset reads the new stream."""
    child = subprocess.Popen([sys.executable, '-c',
                              'import os,sys\n'
                              'fds=[os.open("/etc/hostname", os.O_RDONLY) for _ in range(300)]\n'
                              'print("ready", flush=True); sys.stdin.read()'],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    problems = []
    try:
        child.stdout.readline()
        spec = f'pid {child.pid}'.encode()
        want = read_file('files', spec)
        if len(want) < 3 * 4096:
            problems.append(f'the filtered stream is only {len(want)} bytes')
        fd = os.open(os.path.join(DEBUGFS, 'files'), os.O_RDWR)
        try:
            first = os.read(fd, 4096)
            if len(first) != 4096:
                problems.append(f'first read: {len(first)} bytes')
            os.write(fd, spec)
            for off in (4096, 0, 100, 8000):
                got = os.pread(fd, 4096, off)
                if got != want[off:off + 4096]:
                    problems.append(f'pread at {off} after the write: {got[:60]!r}, '
                                    f'want {want[off:off + 60]!r}')
            rest = read_fd_all(fd)
            if rest != want:
                problems.append(f'read() after the write: {len(rest)} bytes differ from the '
                                f'{len(want)} of the filtered stream')
        finally:
            os.close(fd)
    finally:
        child.stdin.close()
        child.wait(30)
    rep.result('corners-filter-write-pread', problems)


LISTEN_RACE = r'''
import os, socket, sys, time
end = time.monotonic() + float(sys.argv[1])
socks = [None] * 32
n = 0
while time.monotonic() < end:
    i = n % len(socks)
    if socks[i]:
        socks[i].close()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind('\0fdscope-listen-%d-%d' % (os.getpid(), n))
    socks[i] = s
    s.listen(4)
    n += 1
print(n)
'''


def listen_race(rep, seconds=8):
    """Sockets becoming listeners while they are read: rxq never negative."""
    child = subprocess.Popen([sys.executable, '-c', LISTEN_RACE, str(seconds)],
                             stdout=subprocess.PIPE, text=True)
    problems, reads, records = [], 0, 0
    spec = f'pid {child.pid}'.encode()
    while child.poll() is None:
        try:
            t = Table('sockets', read_file('sockets', spec))
        except OSError:
            continue
        reads += 1
        problems += t.problems
        for r in t.rows:
            records += 1
            for c in ('rxq', 'txq'):
                if r[c].startswith('-') and r[c] != '-':
                    problems.append(f'{c} {r[c]} in {r}')
    cycles = child.stdout.read().strip()
    child.wait()
    rep.result('corners-unix-listen-race', problems[:20],
               note=f'{reads} reads, {records} records, {cycles} listen() calls')


HOLDER = r'''
import os, sys
path = sys.argv[1]
fds = [os.open(path, os.O_RDONLY) for _ in range(120)]
print("ready", flush=True)
sys.stdin.read()
'''


def spawn_holder(path):
    p = subprocess.Popen([sys.executable, '-c', HOLDER, path], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    p.stdout.readline()
    return p


def stop_holder(p):
    p.stdin.close()
    p.wait()


def pid_reuse(rep):
    """A pid reused between two reads: the new process is listed from fd 0."""
    old = spawn_holder('/dev/null')
    pid = old.pid
    fd = os.open(os.path.join(DEBUGFS, 'files'), os.O_RDWR)
    problems, new = [], None
    try:
        os.write(fd, f'pid {pid}'.encode())
        # About 12 KiB in all: the cursor stops in the middle of the table.
        head = b''
        while len(head) < 3000:
            head += os.read(fd, 3000 - len(head))
        old.stdin.close()
        old.wait()
        new = spawn_at(pid, lambda: spawn_holder('/etc/hostname'), stop_holder)
        if not new:
            rep.skip('corners-pid-reuse', f'pid {pid} could not be had again')
            return
        rest = read_fd_all(fd)
        want = sorted(int(n) for n in os.listdir(f'/proc/{pid}/fd'))
        # Records that start after the first read are the new process's;
        # one cut by it is the old one's.
        cut = head[head.rfind(b'\n') + 1:]
        tail = (cut + rest).decode('latin-1').split('\n')[1 if cut else 0:]
        got = sorted(int(ln.split(' ')[3]) for ln in tail if ln)
        missing = sorted(set(want) - set(got))
        if missing:
            problems.append(f'fds {missing} of the new process {pid} were skipped '
                            f'(listed: {got[:12]}...)')
        path_col = head.split(b'\n', 1)[0].decode().split(' ')[3:].index('path')
        paths = [unescape(ln.split(' ')[path_col]) for ln in tail if ln]
        if b'/etc/hostname' not in paths:
            problems.append('none of the new process\'s files were listed')
    finally:
        os.close(fd)
        if new:
            new.stdin.close()
            new.wait()
    rep.result('corners-pid-reuse', problems)


def main():
    rep = Reporter()
    if not require_root(rep, 'corners'):
        return 1
    packet_on_tunnels(rep)
    sock_packet(rep)
    tables_once(rep, 'table-once-thread-unshares', THREAD_FIRST)
    tables_once(rep, 'table-once-leader-unshares', LEADER_FIRST)
    filter_write_pread(rep)
    listen_race(rep)
    pid_reuse(rep)
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
