#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The locks and epoll files, and the files epolls column, against ground truth.

A fixture takes flock locks (shared, by two processes, and exclusive),
POSIX read and write locks on ranges, an OFD lock and a lease; a child
waits in F_SETLKW behind one of them; two more children deadlock on two
flock locks. An epoll watches a pipe, a socket and an eventfd, and one
more target whose fd is closed after it was added.

- every lock the fixture's processes hold on its files, as /proc/locks
  lists it (class, type, pid, dev:ino, range), is in the locks file, and
  nothing else is; each record's fd holds that file; the lock a request
  waits on says blocking;
- every tfd line of /proc/PID/fdinfo of the epoll fd is in the epoll file,
  with match 0 exactly for the closed target;
- files' epolls is 1 for each watched file and 0 for the others;
- the reader's `fdscope --locks`, live: the F_SETLKW waiter is named under
  the lock it waits for, whose holder is the fixture; the two flock
  processes are reported as a deadlock cycle (each waits for the other's
  lock, BLOCKED-BY comes back round) with exit status 2; -Q and -u select
  locks; once one of them is killed, the cycle is gone and the exit
  status is 0.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

from fdscope_lib import REPO, Reporter, Table, read_file, require_root

READER = os.path.join(REPO, 'userspace', 'fdscope')

FIXTURE = r'''
import fcntl, json, os, select, socket, struct, sys, time
W = sys.argv[1]
F_OFD_SETLK, F_SETLEASE = 37, 1024

def opened(name, flags=os.O_RDWR):
    return os.open(os.path.join(W, name), flags | os.O_CREAT, 0o600)

def ofd(fd, typ, start, length):
    fcntl.fcntl(fd, F_OFD_SETLK, struct.pack('hhqqixxxx', typ, 0, start, length, 0))

man = {'fds': {}}
def keep(name, fd):
    man['fds'][name] = fd

keep('flock_sh', opened('flock-sh')); fcntl.flock(man['fds']['flock_sh'], fcntl.LOCK_SH)
keep('flock_ex', opened('flock-ex')); fcntl.flock(man['fds']['flock_ex'], fcntl.LOCK_EX)
keep('posix', opened('posix'))
fcntl.lockf(man['fds']['posix'], fcntl.LOCK_SH, 100, 0)
fcntl.lockf(man['fds']['posix'], fcntl.LOCK_EX, 0, 200)
keep('ofd', opened('ofd')); ofd(man['fds']['ofd'], fcntl.F_WRLCK, 10, 10)
# A description shared by two fds: its OFD and flock locks are under both.
keep('ofd_dup', os.dup(man['fds']['ofd']))
keep('lease', os.open(os.path.join(W, 'lease'), os.O_RDONLY | os.O_CREAT, 0o600))
try:
    fcntl.fcntl(man['fds']['lease'], F_SETLEASE, fcntl.F_RDLCK)
    man['lease'] = True
except OSError as e:
    man['lease'] = str(e)
keep('wait', opened('wait')); fcntl.lockf(man['fds']['wait'], fcntl.LOCK_EX, 0, 0)

# epoll: a pipe, a socket, an eventfd, and one target closed after EPOLL_CTL_ADD
ep = select.epoll()
r, w = os.pipe()
a, b = socket.socketpair()
efd = os.eventfd(0)
# Regular files cannot be watched: a second pipe, its read end dup()ed.
gone, gone_w = os.pipe()
alive = os.dup(gone)
for fd, ev in ((r, select.EPOLLIN), (a.fileno(), select.EPOLLIN | select.EPOLLOUT),
               (efd, select.EPOLLIN), (gone, select.EPOLLIN)):
    ep.register(fd, ev)
os.close(gone)
man['epoll'] = ep.fileno()
man['watched'] = [r, a.fileno(), efd, alive]
man['gone'] = gone
man['unwatched'] = [w, b.fileno(), gone_w]
print(json.dumps(man), flush=True)
sys.stdin.read()
'''

# A child that takes flock or POSIX locks in order, the last one blocking.
LOCKER = r'''
import fcntl, os, sys, time
kind, paths = sys.argv[1], sys.argv[2:]
fds = [os.open(p, os.O_RDWR) for p in paths]
for i, fd in enumerate(fds):
    if i == len(fds) - 1:
        print('waiting', flush=True)
        time.sleep(0.3)
    if kind == 'flock':
        fcntl.flock(fd, fcntl.LOCK_EX)
    else:
        fcntl.lockf(fd, fcntl.LOCK_EX, 0, 0)
    if i == 0 and len(fds) > 1:
        print('holding', flush=True)
        sys.stdin.readline()
time.sleep(3600)
'''


def proc_locks(devinos):
    """/proc/locks' held locks on @devinos: (class, type, pid, dev:ino, start, end), and waiters."""
    held, waiting = [], []
    with open('/proc/locks') as f:
        for line in f:
            parts = line.split()
            waiter = parts[1] == '->'
            if waiter:
                parts = parts[:1] + parts[2:]
            # "1: POSIX  ADVISORY  WRITE 123 08:01:456 0 EOF" ("LEASE  ACTIVE ..." alike)
            cls, typ, pid, key, start, end = parts[1], parts[3], parts[4], parts[5], parts[6], parts[7]
            maj, mnr, ino = key.split(':')
            key = f'{int(maj, 16)}:{int(mnr, 16)}:{ino}'
            if key not in devinos:
                continue
            if cls in ('FLOCK', 'LEASE', 'DELEG'):
                start = end = '-'
            rec = (cls, typ, '-' if pid == '-1' else pid, key, start, end)
            (waiting if waiter else held).append(rec)
    return held, waiting


def check_locks(rep, pids, devinos, wait_key):
    t = Table('locks', read_file('locks'))
    problems = list(t.problems)
    files = Table('files', read_file('files'))
    fd_ino = {(r['pid'], r['fd']): f'{r["dev"]}:{r["ino"]}' for r in files.rows}
    ours = [r for r in t.rows if f'{r["dev"]}:{r["ino"]}' in devinos]
    got = {(r['class'], r['type'], r['lock_pid'], f'{r["dev"]}:{r["ino"]}', r['lock_start'],
            r['lock_end']) for r in ours}
    held, waiting = proc_locks(devinos)
    if got != set(held):
        problems.append(f'locks not in /proc/locks: {sorted(got - set(held))}; '
                        f'/proc/locks not in locks: {sorted(set(held) - got)}')
    for r in ours:
        if fd_ino.get((r['pid'], r['fd'])) != f'{r["dev"]}:{r["ino"]}':
            problems.append(f'pid {r["pid"]} fd {r["fd"]} is not that file: {r}')
        if r['pid'] not in pids:
            problems.append(f'a record under a process that holds nothing: {r}')
    blocking = {f'{r["dev"]}:{r["ino"]}' for r in ours if r['blocking'] == '1'}
    if wait_key not in blocking:
        problems.append(f'the lock a request waits on is not blocking (blocking: {blocking})')
    ofd = [r for r in ours if r['class'] == 'OFDLCK']
    if len(ofd) != 2:
        problems.append(f'the OFD lock of a description two fds share: {len(ofd)} records')
    rep.result('locks-vs-proc-locks', problems,
               note=f'{len(held)} held, {len(waiting)} waiting, {len(ours)} records')


def fdinfo_tfds(pid, fd):
    out = set()
    with open(f'/proc/{pid}/fdinfo/{fd}') as f:
        for line in f:
            if line.startswith('tfd:'):
                p = line.split()
                out.add((p[1], p[3], p[5]))
    return out


def check_epoll(rep, pid, man):
    t = Table('epoll', read_file('epoll', f'pid {pid}'.encode()))
    problems = list(t.problems)
    rows = [r for r in t.rows if r['fd'] == str(man['epoll'])]
    got = {(r['tfd'], r['events'], r['data']) for r in rows}
    want = {(tfd, ev, data) for tfd, ev, data in fdinfo_tfds(pid, man['epoll'])}
    if {g[:2] for g in got} != {w[:2] for w in want}:
        problems.append(f'epoll {sorted(got)} vs fdinfo {sorted(want)}')
    for r in rows:
        want_match = '0' if r['tfd'] == str(man['gone']) else '1'
        if r['match'] != want_match:
            problems.append(f'tfd {r["tfd"]}: match {r["match"]}, want {want_match}')
    files = Table('files', read_file('files', f'pid {pid}'.encode()))
    epolls = {int(r['fd']): r.get('epolls') for r in files.rows}
    for fd in man['watched']:
        if epolls.get(fd) != '1':
            problems.append(f'fd {fd} is watched, epolls {epolls.get(fd)}')
    for fd in man['unwatched']:
        if epolls.get(fd) != '0':
            problems.append(f'fd {fd} is not watched, epolls {epolls.get(fd)}')
    rep.result('locks-epoll-vs-fdinfo', problems, note=f'{len(rows)} targets')


def reader_locks(*args):
    """`fdscope -J --locks ARGS...`, live: (exit status, document, stderr)."""
    r = subprocess.run([READER, '-J', '--locks'] + list(args), capture_output=True, text=True,
                       errors='replace')
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        doc = None
    return r.returncode, doc, r.stderr.strip()


def check_reader(rep, work, fx, waiter, da, db):
    """--locks names the holder for each waiter and reports the deadlock."""
    problems = []
    rc, doc, err = reader_locks()
    if doc is None or 'locks' not in doc:
        return rep.fail('locks-reader-waiters', f'exit {rc}, no JSON, stderr {err!r}')
    rows = doc['locks']

    def held(name, pid):
        got = [r for r in rows if r['path'] == os.path.join(work, name) and r['pid'] == pid]
        if len(got) != 1:
            problems.append(f'{name}: {len(got)} rows held by pid {pid}: {got}')
            return None
        return got[0]

    def pids(entries):
        return sorted(e['pid'] for e in entries or [])

    w = held('wait', fx.pid)
    if w and (w['class'], w['type'], pids(w['waiters'])) != ('POSIX', 'WRITE', [waiter.pid]):
        problems.append(f'the F_SETLKW waiter {waiter.pid} under the lock it waits for: {w}')
    for name, holder, other in (('x', da, db), ('y', db, da)):
        r = held(name, holder.pid)
        if not r:
            continue
        if (r['class'], pids(r['waiters']), r['deadlock']) != ('FLOCK', [other.pid], True):
            problems.append(f'{name}: class, waiters, deadlock: {r}')
        if pids(r['blocked-by']) != sorted((holder.pid, other.pid)):
            problems.append(f'{name}: BLOCKED-BY {r["blocked-by"]}, want '
                            f'{other.pid} then {holder.pid}')
    # Nobody else waits: every other row has no waiters.
    for r in rows:
        if r['waiters'] and r['path'] not in [os.path.join(work, n) for n in ('wait', 'x', 'y')]:
            problems.append(f'unexpected waiters: {r}')
    rep.result('locks-reader-waiters', problems,
               note=f'{len(rows)} locks, waiter {waiter.pid} under pid {fx.pid}')

    problems = []
    cycles = [sorted(e['pid'] for e in c['cycle']) for c in doc.get('deadlocks', [])]
    if rc != 2 or cycles != [sorted((da.pid, db.pid))]:
        problems.append(f'exit {rc} (want 2), cycles {cycles} (want {[da.pid, db.pid]})')
    if not re.search(rf'deadlock: ({da.pid}|{db.pid}),\S+ -> ({da.pid}|{db.pid}),', err):
        problems.append(f'stderr {err!r}')
    t = subprocess.run([READER, '--locks'], capture_output=True, text=True, errors='replace')
    if t.returncode != 2 or 'CYCLE' not in t.stdout:
        problems.append(f'table: exit {t.returncode}, {t.stdout[-300:]!r}')
    # The selectors: -Q on the path, -u root; the cycle is still reported.
    rc, doc, err = reader_locks('-Q', f'PATH == "{os.path.join(work, "wait")}"')
    got = [(r['pid'], pids(r['waiters'])) for r in (doc or {}).get('locks', [])]
    if rc != 2 or got != [(fx.pid, [waiter.pid])]:
        problems.append(f'-Q on the wait file: exit {rc}, {got}')
    rc, doc, err = reader_locks('-u', 'root', '-p', str(da.pid))
    got = [r['path'] for r in (doc or {}).get('locks', [])]
    if rc != 2 or got != [os.path.join(work, 'x')]:
        problems.append(f'-u root -p {da.pid}: exit {rc}, {got}')
    # Break the cycle: B gets x, nobody waits in a circle any more.
    da.kill()
    da.wait()
    deadline = time.monotonic() + 30
    while True:
        rc, doc, err = reader_locks()
        if rc == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if rc != 0 or (doc or {}).get('deadlocks'):
        problems.append(f'after killing {da.pid}: exit {rc}, stderr {err!r}')
    rep.result('locks-reader-deadlock', problems, note=f'cycle {da.pid} <-> {db.pid}, exit 2')


def main():
    rep = Reporter()
    if not require_root(rep, 'locks'):
        return 1
    work = tempfile.mkdtemp(prefix='fdscope-locks-')
    # A tmpfs of the test's own: leases and every lock kind work there.
    subprocess.run(['mount', '-t', 'tmpfs', 'fdscope-locks', work], check=True)
    procs = []
    try:
        fx = subprocess.Popen([sys.executable, '-c', FIXTURE, work], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
        procs.append(fx)
        man = json.loads(fx.stdout.readline())
        # A second holder of the shared flock, and a waiter behind the POSIX lock.
        sh = subprocess.Popen([sys.executable, '-c',
                               'import fcntl,os,sys,time\n'
                               'fd=os.open(sys.argv[1],os.O_RDWR)\n'
                               'fcntl.flock(fd,fcntl.LOCK_SH)\nprint("ok",flush=True)\n'
                               'time.sleep(3600)', os.path.join(work, 'flock-sh')],
                              stdout=subprocess.PIPE, text=True)
        procs.append(sh)
        sh.stdout.readline()
        waiter = subprocess.Popen([sys.executable, '-c', LOCKER, 'posix',
                                   os.path.join(work, 'wait')], stdout=subprocess.PIPE,
                                  stdin=subprocess.PIPE, text=True)
        procs.append(waiter)
        waiter.stdout.readline()
        # The deadlock: A holds x, wants y; B holds y, wants x.
        for name in ('x', 'y'):
            open(os.path.join(work, name), 'w').close()
        da = subprocess.Popen([sys.executable, '-c', LOCKER, 'flock', os.path.join(work, 'x'),
                               os.path.join(work, 'y')], stdout=subprocess.PIPE,
                              stdin=subprocess.PIPE, text=True)
        db = subprocess.Popen([sys.executable, '-c', LOCKER, 'flock', os.path.join(work, 'y'),
                               os.path.join(work, 'x')], stdout=subprocess.PIPE,
                              stdin=subprocess.PIPE, text=True)
        procs += [da, db]
        for p in (da, db):
            p.stdout.readline()
        for p in (da, db):
            p.stdin.write('\n')
            p.stdin.flush()
        for p in (da, db):
            p.stdout.readline()
        time.sleep(1)

        names = ['flock-sh', 'flock-ex', 'posix', 'ofd', 'lease', 'wait', 'x', 'y']
        devinos = set()
        for n in names:
            st = os.stat(os.path.join(work, n))
            devinos.add(f'{os.major(st.st_dev)}:{os.minor(st.st_dev)}:{st.st_ino}')
        st = os.stat(os.path.join(work, 'wait'))
        wait_key = f'{os.major(st.st_dev)}:{os.minor(st.st_dev)}:{st.st_ino}'
        pids = {str(p.pid) for p in procs}
        check_locks(rep, pids, devinos, wait_key)
        check_epoll(rep, fx.pid, man)
        check_reader(rep, work, fx, waiter, da, db)
        if man['lease'] is not True:
            rep.skip('locks-lease', f'F_SETLEASE: {man["lease"]}')
    finally:
        for p in procs:
            p.kill()
            p.wait()
        subprocess.run(['umount', '-l', work])
        subprocess.run(['rm', '-rf', work])
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
