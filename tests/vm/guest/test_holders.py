#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The holders file against ground truth.

A fixture process makes one holder of each kind, most of them on a tmpfs of
the test's own: an open fd, its cwd, a chrooted child's root, a mapping (and
one of a deleted file), files in flight over a unix stream pair, a datagram
pair, to a listener's connection not yet accepted and nested in a unix
socket that is itself in flight, and a file registered in an io_uring ring
whose own fd was closed. The checks:

- cwd, root and exe match /proc/PID/cwd, root and exe; every mapping of a
  file in /proc/PID/maps is a mem record, and nothing else is;
- each file in flight and the registered file are listed, with the
  receiving socket, the sender, the ring's fd and slot;
- the umount story: a process runs a binary copied onto the mount (exe);
  `fdscope --holders MOUNT` (the reader, live) names every holder with
  its chain, and so do --holders DEV:INO and --holders FILE for one file,
  and -J; the holders are released one at a time: while the reader names
  anything (exit 0), umount fails with EBUSY, and it succeeds once the
  reader names nothing (exit 1); live, the reader asks the module for the
  mount's files only (a dev filter, then an ino filter for the sockets the
  chains go through), and prints exactly what it prints from a --save'd
  dump of the same instant, which it reads whole; `fuser -m` and `lsof` run at each step,
  and what they miss is logged and checked: with only files in flight and
  a ring's fixed file left, both report nothing while the mount is busy;
- a unix stream reader stuck copying to user memory (a userfaultfd page)
  holds its iolock: the walk says busy instead of waiting, and does not hang.
"""

import ctypes
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from fdscope_lib import REPO, Reporter, Table, read_file, require_root, unescape

MOUNT = '/run/fdscope-holders'
READER = os.path.join(REPO, 'userspace', 'fdscope')
# Released in this order; the exe holder is a process running a binary on the mount.
RELEASES = ('fd', 'cwd', 'root', 'exe', 'mem', 'inflight', 'uring')
libc = ctypes.CDLL(None, use_errno=True)

FIXTURE = r'''
import ctypes, json, mmap, os, shutil, signal, socket, subprocess, sys
libc = ctypes.CDLL(None, use_errno=True)
M = sys.argv[1]
man, keep = {}, {}

# exe: a copy of sleep on the mount, run from there (its cwd elsewhere).
shutil.copy2(shutil.which('sleep'), os.path.join(M, 'sleeper'))
exe = subprocess.Popen([os.path.join(M, 'sleeper'), '3600'], cwd='/',
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
man['exe_pid'] = exe.pid
man['sleeper'] = os.stat(os.path.join(M, 'sleeper')).st_ino

def make(name, size=4096):
    fd = os.open(os.path.join(M, name), os.O_RDWR | os.O_CREAT, 0o600)
    os.write(fd, b'x' * size)
    man[name] = os.fstat(fd).st_ino
    return fd

keep['fd'] = make('plain')
man['fd'] = keep['fd']
fd = make('mapped', 8192)
keep['mem'] = mmap.mmap(fd, 8192, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
os.close(fd)
fd = make('gone')
keep['gone'] = mmap.mmap(fd, 4096, mmap.MAP_PRIVATE, mmap.PROT_READ)
os.close(fd)
os.unlink(os.path.join(M, 'gone'))
keep['anon'] = mmap.mmap(-1, 4096, mmap.MAP_SHARED)

def pass_fd(sock, name):
    fd = make(name)
    socket.send_fds(sock, [b'x'], [fd])
    os.close(fd)

# SO_PASSCRED on a receiver makes the kernel keep each message's sender.
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
pass_fd(a, 'stream')
c, d = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
pass_fd(c, 'dgram')
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind('\0fdscope-holders-%d' % os.getpid())
listener.listen(4)
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect('\0fdscope-holders-%d' % os.getpid())
pass_fd(client, 'embryo')
# A file in flight to q, and q itself in flight to f: nested.
p, q = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
pass_fd(p, 'nested')
e, f = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
socket.send_fds(e, [b'x'], [q.fileno()])
man['nested_via'] = os.fstat(q.fileno()).st_ino
q.close()
p.close()
keep['inflight'] = [a, b, c, d, listener, client, e, f]
man['recv'] = {'stream': [b.fileno(), os.fstat(b.fileno()).st_ino],
               'dgram': [d.fileno(), os.fstat(d.fileno()).st_ino],
               'embryo': [listener.fileno(), os.fstat(listener.fileno()).st_ino],
               'nested_outer': [f.fileno(), os.fstat(f.fileno()).st_ino]}

# io_uring_setup(4, params) = 425, io_uring_register(fd, REGISTER_FILES=2, fds, 1) = 427
params = ctypes.create_string_buffer(120)
ring = libc.syscall(425, 4, params)
if ring < 0:
    sys.exit('io_uring_setup: %d' % ctypes.get_errno())
fd = make('fixed')
arr = (ctypes.c_int * 1)(fd)
if libc.syscall(427, ring, 2, arr, 1) < 0:
    sys.exit('io_uring_register: %d' % ctypes.get_errno())
os.close(fd)
man['ring'] = ring
keep['uring'] = ring

os.chdir(M)
r, w = os.pipe()
ready_r, ready_w = os.pipe()
child = os.fork()
if child == 0:
    # The root and its cwd only: none of the parent's fds, rings or mappings.
    os.close(w)
    os.close(ready_r)
    keep['mem'].close()
    keep['gone'].close()
    lo, hi = sorted((r, ready_w))
    os.closerange(3, lo)
    os.closerange(lo + 1, hi)
    os.closerange(hi + 1, 65536)
    os.chroot(M)
    os.close(ready_w)
    os.read(r, 1)
    os._exit(0)
os.close(r)
os.close(ready_w)
os.read(ready_r, 1)
os.close(ready_r)
keep['root'] = w
man['root_pid'] = child
print(json.dumps(man), flush=True)

for line in sys.stdin:
    what = line.strip()
    if what == 'fd':
        os.close(keep['fd'])
    elif what == 'cwd':
        os.chdir('/')
    elif what == 'root':
        os.close(keep['root'])
        os.waitpid(child, 0)
    elif what == 'exe':
        exe.kill()
        exe.wait()
    elif what == 'mem':
        keep['mem'].close()
        keep['gone'].close()
    elif what == 'inflight':
        for s in keep['inflight']:
            s.close()
    elif what == 'uring':
        os.close(keep['uring'])
    print('ok', flush=True)
'''


def holders(pid=None):
    spec = f'pid {pid}'.encode() if pid else None
    return Table('holders', read_file('holders', spec))


def on_mount(dev):
    """What the files and holders records name on the filesystem @dev."""
    named = []
    for name in ('files', 'holders'):
        t = Table(name, read_file(name))
        named += [f'{name}: pid {r["pid"]} {r.get("assoc", "fd " + r["fd"])} '
                  f'{unescape(r["path"]).decode("latin-1", "replace")}'
                  for r in t.rows if r['dev'] == dev]
    return named


def dev_of(path):
    st = os.stat(path)
    return f'{os.major(st.st_dev)}:{os.minor(st.st_dev)}'


def maps_truth(pid):
    """(start, end, offset, ino) of every mapping of a file, as /proc/PID/maps shows it."""
    out = set()
    with open(f'/proc/{pid}/maps') as f:
        for line in f:
            parts = line.split()
            addr, perms, off, _dev, ino = parts[:5]
            path = ' '.join(parts[5:])
            if ino == '0' or path.startswith('/dev/zero'):
                continue
            start, end = addr.split('-')
            out.add((int(start, 16), int(end, 16), int(off, 16), ino, perms))
    return out


def check_task(rep, pid, t):
    rows = [r for r in t.rows if r['pid'] == str(pid) and r['tid'] == '-']
    problems = []
    for assoc in ('cwd', 'root', 'exe'):
        got = [unescape(r['path']) for r in rows if r['assoc'] == assoc]
        want = os.readlink(f'/proc/{pid}/{assoc}').encode()
        if got != [want]:
            problems.append(f'{assoc}: {got}, /proc says {want}')
    mem = {(int(r['map_start'], 16), int(r['map_end'], 16), int(r['map_offset'], 16),
            r['ino'], r['map_prot']) for r in rows if r['assoc'] == 'mem'}
    truth = maps_truth(pid)
    if mem != truth:
        problems.append(f'mem records not in maps: {sorted(mem - truth)[:4]}; '
                        f'maps not in records: {sorted(truth - mem)[:4]}')
    deleted = [r for r in rows if r['assoc'] == 'mem' and r['deleted'] == '1']
    if not deleted:
        problems.append('the mapping of a deleted file is not marked deleted')
    rep.result('holders-task-vs-proc', problems,
               note=f'{len(mem)} mappings, cwd, root, exe')


def check_held(rep, pid, man, t):
    rows = [r for r in t.rows if r['pid'] == str(pid)]
    problems = []

    def one(assoc, name):
        got = [r for r in rows if r['assoc'] == assoc and r['ino'] == str(man[name])]
        if len(got) != 1:
            problems.append(f'{assoc} {name}: {len(got)} records')
            return None
        return got[0]

    # The kernel keeps a sender where the receiver has SO_PASSCRED (stream) or
    # no socket yet (the embryo), not otherwise (dgram).
    for name, queue, sender in (('stream', 'recv', str(pid)), ('dgram', 'recv', '-'),
                                ('embryo', 'embryo', str(pid))):
        r = one('inflight', name)
        fd, ino = man['recv'][name]
        if r and (r['fd'], r['via'], r['queue'], r['sender'], r['status']) != \
                (str(fd), str(ino), queue, sender, '-'):
            problems.append(f'{name}: fd/via/queue/sender/status '
                            f'{r["fd"]} {r["via"]} {r["queue"]} {r["sender"]} {r["status"]}')
    r = one('inflight', 'nested')
    fd, ino = man['recv']['nested_outer']
    if r and (r['fd'], r['via']) != (str(fd), str(man['nested_via'])):
        problems.append(f'nested: fd {r["fd"]} via {r["via"]}, want fd {fd} via '
                        f'{man["nested_via"]}')
    r = one('uring', 'fixed')
    if r and (r['fd'], r['slot'], r['refs']) != (str(man['ring']), '0', '1'):
        problems.append(f'uring: fd {r["fd"]} slot {r["slot"]} refs {r["refs"]}')
    rep.result('holders-inflight-uring', problems)


def reader(*args):
    """`fdscope -J --holders ARGS...`, live: (exit status, holder rows, stderr)."""
    r = subprocess.run([READER, '-J', '--holders'] + list(args), capture_output=True,
                       text=True, errors='replace')
    try:
        rows = json.loads(r.stdout)['holders']
    except (ValueError, KeyError, TypeError):
        rows = None
    return r.returncode, rows, r.stderr.strip()


def peers():
    """What `fuser -m MOUNT` and `lsof MOUNT` report: (fuser pids and
    letters, lsof rows as "PID FD NAME")."""
    f = subprocess.run(['fuser', '-m', MOUNT], capture_output=True, text=True)
    # The pids on stdout, each one's access letters on stderr.
    fuser = f'{f.stdout.split()} {f.stderr.replace(MOUNT + ":", "").split()}' \
        if f.returncode == 0 else ''
    lf = subprocess.run(['lsof', MOUNT], capture_output=True, text=True)
    lsof = [' '.join((x.split()[1], x.split()[3], x.split()[-1]))
            for x in lf.stdout.splitlines()[1:]]
    return fuser, lsof


def kind(row):
    """The holder kind of a reader row: ASSOC, or "fd" for an fd number."""
    return 'fd' if row['assoc'].isdigit() else row['assoc']


def chains_problems(rows, fx, man):
    """Each holder the fixture made, named by the reader with its chain."""
    fxp = rf'pid {fx} \([^)]*\)'
    recv = man['recv']
    want = {
        'plain': (str(man['fd']), rf'^{fxp} fd {man["fd"]}$'),
        'mapped': ('mem', rf'^{fxp} mem [0-9a-f]+-[0-9a-f]+ rw-s$'),
        'gone': ('mem', rf'^{fxp} mem [0-9a-f]+-[0-9a-f]+ r--p$'),
        'sleeper': ('exe', rf'^pid {man["exe_pid"]} \([^)]*\) exe$'),
        'stream': ('inflight', rf'^in flight to unix socket {recv["stream"][1]} from pid {fx}, '
                   rf'whose fd {recv["stream"][0]} is held by {fxp}$'),
        'dgram': ('inflight', rf'^in flight to unix socket {recv["dgram"][1]}, '
                  rf'whose fd {recv["dgram"][0]} is held by {fxp}$'),
        'embryo': ('inflight', rf'^in flight to a connection waiting on unix socket '
                   rf'{recv["embryo"][1]}( from pid {fx})?, whose fd {recv["embryo"][0]} '
                   rf'is held by {fxp}$'),
        'nested': ('inflight', rf'^in flight to unix socket {man["nested_via"]}( from pid {fx})?, '
                   rf'which is itself in flight to unix socket {recv["nested_outer"][1]}'
                   rf'( from pid {fx})?, whose fd {recv["nested_outer"][0]} is held by {fxp}$'),
        'fixed': ('uring', rf'^io_uring fixed slot 0 of the ring that {fxp} holds as fd '
                  rf'{man["ring"]}$'),
    }
    problems = []
    for name, (assoc, chain) in want.items():
        got = [r for r in rows if r['name'].split(' (deleted)')[0] == f'{MOUNT}/{name}'
               and r['assoc'] == assoc]
        if len(got) != 1 or not re.match(chain, got[0]['holder']):
            problems.append(f'{name}: want one {assoc} row matching {chain!r}, got '
                            f'{[r["holder"] for r in got]}')
    for assoc, pid in (('cwd', fx), ('root', man['root_pid'])):
        got = [r['holder'] for r in rows if r['assoc'] == assoc and r['pid'] == pid]
        if len(got) != 1 or not re.match(rf'^pid {pid} \([^)]*\) {assoc}$', got[0]):
            problems.append(f'{assoc} of pid {pid}: {got}')
    return problems


def one_file_targets(rows, dev, man):
    """--holders DEV:INO, FILE and MAJ:MIN name what --holders MOUNT does."""
    problems = []
    plain = [r for r in rows if r['name'] == f'{MOUNT}/plain']
    for target in (f'{dev}:{man["plain"]}', f'{MOUNT}/plain'):
        rc, got, err = reader(target)
        if rc != 0 or got is None or [r['holder'] for r in got] != [r['holder'] for r in plain]:
            problems.append(f'--holders {target}: exit {rc}, {got}, stderr {err!r}')
    rc, got, err = reader(f'{MOUNT}/stream')
    if rc != 0 or got is None or [r['assoc'] for r in got] != ['inflight']:
        problems.append(f'--holders {MOUNT}/stream: exit {rc}, {got}, stderr {err!r}')
    rc, got, err = reader(dev)
    if rc != 0 or got is None or sorted(r['holder'] for r in got) != \
            sorted(r['holder'] for r in rows):
        problems.append(f'--holders {dev} (the filesystem) differs from --holders {MOUNT}')
    # The table too, not only -J.
    r = subprocess.run([READER, '--holders', MOUNT], capture_output=True, text=True,
                       errors='replace')
    if r.returncode != 0 or 'io_uring fixed slot 0' not in r.stdout or \
            'in flight to unix socket' not in r.stdout:
        problems.append(f'--holders {MOUNT} (table): exit {r.returncode}, {r.stdout[:300]!r}')
    return problems


def saved_problems(dev, what):
    """Live `--holders DEV` (the module lists only DEV's files, then the
    sockets of the chains) prints what `--dir SAVED --holders DEV` prints,
    SAVED a --save of the same instant (every file read whole), table and -J."""
    problems = []
    d = tempfile.mkdtemp(prefix='fdscope-holders-')
    try:
        # The walks are not one snapshot: a process of the test's own may
        # come or go in between; three tries.
        for _ in range(3):
            shutil.rmtree(d)
            save = subprocess.run([READER, '--save', d], capture_output=True, text=True)
            if save.returncode:
                problems = [f'--save: exit {save.returncode}, {save.stderr.strip()!r}']
                continue
            problems = []
            for opt in ([], ['-J']):
                live = subprocess.run([READER] + opt + ['--holders', dev], capture_output=True,
                                      text=True, errors='replace')
                saved = subprocess.run([READER, '--dir', d] + opt + ['--holders', dev],
                                       capture_output=True, text=True, errors='replace')
                if (live.returncode, live.stdout) != (saved.returncode, saved.stdout) or \
                        not live.stdout:
                    problems.append(f'before releasing {what}: --holders {dev} {opt}: live '
                                    f'exit {live.returncode} {live.stdout[:2000]!r} '
                                    f'{live.stderr!r}, saved exit {saved.returncode} '
                                    f'{saved.stdout[:2000]!r} {saved.stderr!r}')
            if not problems:
                break
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return problems


def umount_story(rep, fixture, dev, man):
    """Release the holders one at a time. Before each release the reader
    names what is left (exit 0) and umount fails; fuser and lsof are asked
    too. Then the reader names nothing (exit 1) and umount succeeds."""
    problems, steps, missed = [], [], []
    fx = fixture.pid
    for i, what in enumerate(RELEASES):
        rc, rows, err = reader(MOUNT)
        fuser, lsof = peers()
        busy = subprocess.run(['umount', MOUNT], capture_output=True).returncode != 0
        if rows is None:
            problems.append(f'before releasing {what}: --holders {MOUNT} exit {rc}, no JSON, '
                            f'stderr {err!r}')
            break
        kinds = {kind(r) for r in rows}
        steps.append(f'{what}: reader {len(rows)} ({",".join(sorted(kinds))}), '
                     f'fuser {"something" if fuser else "nothing"}, lsof {len(lsof)}')
        print(f'    before releasing {what}: fdscope --holders: exit {rc}, '
              + '; '.join(r['holder'] for r in rows), flush=True)
        print(f'    before releasing {what}: fuser -m: {fuser or "nothing"}; '
              f'lsof: {lsof or "nothing"}', flush=True)
        if i == 0:
            problems += chains_problems(rows, fx, man)
            problems += one_file_targets(rows, dev, man)
        if what in ('fd', 'inflight', 'uring'):
            problems += saved_problems(dev, what)
        # Left: this kind and the later ones; the chrooted child's cwd goes
        # with its root, and Python's mmap keeps a dup of the mapped fd.
        left = set(RELEASES[i:])
        extra = ({'cwd'} if what == 'root' else set()) | \
            ({'fd'} if i <= RELEASES.index('mem') else set())
        if rc != 0 or not left <= kinds or kinds - left - extra:
            problems.append(f'before releasing {what}: exit {rc}, kinds {sorted(kinds)}, '
                            f'want {sorted(left)}')
        if not busy:
            problems.append(f'umount succeeded while the reader named {len(rows)} holders')
            return rep.result('holders-umount-story', problems)
        if what in ('inflight', 'uring'):
            # What the peers miss: the mount is busy, and they name nothing.
            if fuser or lsof:
                problems.append(f'with only {"/".join(RELEASES[i:])} left, fuser -m says '
                                f'{fuser!r} and lsof {lsof}')
            else:
                missed.append(what)
        fixture.stdin.write(what + '\n')
        fixture.stdin.flush()
        fixture.stdout.readline()
    # io_uring drops its files from a worker after the ring's last close:
    # the reader no longer sees the ring, and the file may stay busy a moment.
    deadline = time.monotonic() + 20
    while True:
        rc, rows, err = reader(MOUNT)
        if rc == 0 and rows:
            # Named: umount must fail.
            if subprocess.run(['umount', MOUNT], capture_output=True).returncode == 0:
                problems.append(f'umount succeeded while the reader named {rows}')
                break
        elif subprocess.run(['umount', MOUNT], capture_output=True).returncode == 0:
            if rc != 1 or rows != []:
                problems.append(f'nothing held: --holders exit {rc} (want 1), rows {rows}, '
                                f'stderr {err!r}')
            break
        if time.monotonic() > deadline:
            problems.append(f'umount still fails; the reader says exit {rc}, {rows}')
            break
        time.sleep(0.2)
    steps.append('none: umount')
    named = on_mount(dev)
    if named:
        problems.append(f'the module still names after umount: {named[:4]}')
    if not missed:
        problems.append('no step showed what fuser and lsof miss')
    print('    fuser -m and lsof miss: ' + ', '.join(missed), flush=True)
    rep.result('holders-umount-story', problems,
               note=f'fuser -m and lsof miss {" and ".join(missed)}; ' + ' -> '.join(steps))


# userfaultfd(2) = 323; its ioctls (x86_64).
UFFDIO_API = 0xc018aa3f
UFFDIO_REGISTER = 0xc020aa00
UFFDIO_ZEROPAGE = 0xc020aa04


def busy_reader(rep):
    """A stream reader blocked copying into a userfaultfd page holds iolock."""
    import mmap
    import socket
    uffd = libc.syscall(323, os.O_CLOEXEC)
    if uffd < 0:
        return rep.skip('holders-busy-reader', f'userfaultfd: errno {ctypes.get_errno()}')
    api = (ctypes.c_uint64 * 3)(0xAA, 0, 0)
    if libc.ioctl(uffd, UFFDIO_API, api):
        return rep.skip('holders-busy-reader', 'UFFDIO_API failed')
    page = mmap.mmap(-1, 4096, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
    reg = (ctypes.c_uint64 * 4)(addr, 4096, 1, 0)     # range, MODE_MISSING
    if libc.ioctl(uffd, UFFDIO_REGISTER, reg):
        return rep.skip('holders-busy-reader', 'UFFDIO_REGISTER failed')
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    held = os.open('/etc/hostname', os.O_RDONLY)
    socket.send_fds(a, [b'y' * 64], [held])
    os.close(held)
    # recv() straight into the registered page: the copy faults and waits.
    reader = threading.Thread(target=libc.recv, args=(b.fileno(), ctypes.c_void_p(addr), 64, 0))
    reader.start()
    time.sleep(1)
    start = time.monotonic()
    t = holders(os.getpid())
    took = time.monotonic() - start
    rows = [r for r in t.rows if r['fd'] == str(b.fileno()) and r['assoc'] == 'inflight']
    problems = []
    if [(r['status'], r['count']) for r in rows] != [('busy', '1')]:
        problems.append(f'records for the busy socket: {rows}')
    zp = (ctypes.c_uint64 * 4)(addr, 4096, 0, 0)
    libc.ioctl(uffd, UFFDIO_ZEROPAGE, zp)
    reader.join(30)
    if reader.is_alive():
        problems.append('the reader never finished')
    os.close(uffd)
    a.close()
    b.close()
    rep.result('holders-busy-reader', problems, note=f'read in {took:.2f} s, no wait')


def main():
    rep = Reporter()
    if not require_root(rep, 'holders'):
        return 1
    os.makedirs(MOUNT, exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', 'fdscope-holders', MOUNT], check=True)
    fixture = subprocess.Popen([sys.executable, '-c', FIXTURE, MOUNT], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    man = None
    try:
        line = fixture.stdout.readline()
        if not line:
            rep.fail('holders-fixture', f'fixture exited {fixture.wait()}')
            return 1
        man = json.loads(line)
        t = holders(fixture.pid)
        rep.result('holders-format', t.problems)
        check_task(rep, fixture.pid, t)
        check_held(rep, fixture.pid, man, t)
        umount_story(rep, fixture, dev_of(MOUNT) if os.path.ismount(MOUNT) else '', man)
    finally:
        fixture.stdin.close()
        fixture.wait(30)
        if man:
            try:
                os.kill(man['exe_pid'], 9)
            except ProcessLookupError:
                pass
        subprocess.run(['umount', '-l', MOUNT], capture_output=True)
    busy_reader(rep)
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
