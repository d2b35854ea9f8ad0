#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Churn storm: tests/stress/churn (threads and processes opening, closing,
dup2()ing over live fds, passing fds, connecting sockets, forking, exec'ing,
unsharing their tables) runs for CHURN_SECONDS (default 45) while eleven
tests/stress/reader processes read files, sockets, tasks, holders, locks and epoll, whole and
pid-filtered, with read sizes from 1 byte to random, rewinding by lseek,
reopen, filter rewrite, and reading random ranges with pread().

Checks: the storm ends by itself in time with every child exiting normally;
every line every reader got has exactly the header's column count (and the
rest of what reader checks); after the readers close, the module's refcount
is 0, the storm's filesystem unmounts (no file left referenced), the socket
count is back where it was; no kernel splat since the test began. The rig
then checks that the module unloads cleanly."""

import os
import subprocess
import time

import hardening as h

SECONDS = int(os.environ.get('CHURN_SECONDS', '45'))
FS = '/run/churn-fs'
# How long the storm may take to wind down once its time is up: a bound for
# a hang, not a speed target (a loaded TCG host is slow to reap workers).
# Must match the watchdog in tests/stress/churn.c.
WIND_DOWN = 900


def sockets_used():
    with open('/proc/net/sockstat') as f:
        for line in f:
            if line.startswith('sockets:'):
                return int(line.split()[2])
    return -1


def where_stuck(root):
    """Every thread of @root's process tree: state, wchan, syscall, stack."""
    children = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open(f'/proc/{d}/stat') as f:
                    ppid = int(f.read().rsplit(')', 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    lines, todo = [], [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            tids = os.listdir(f'/proc/{pid}/task')
        except OSError:
            continue
        for tid in tids:
            base = f'/proc/{pid}/task/{tid}'
            info = []
            for name in ('comm', 'wchan', 'syscall', 'stack'):
                try:
                    with open(f'{base}/{name}') as f:
                        info.append(' '.join(f.read().split()[:12]))
                except OSError as e:
                    info.append(e.strerror)
            try:
                with open(f'{base}/stat') as f:
                    state = f.read().rsplit(')', 1)[1].split()[0]
            except (OSError, IndexError):
                state = '?'
            lines.append(f'{pid}/{tid} {state} ' + ' | '.join(info))
    return '\n'.join(lines)


def gc_unix():
    """Closing a unix socket runs the garbage collector if fds are in flight."""
    import socket
    a, b = socket.socketpair()
    a.close()
    b.close()


def main():
    marker = h.mark('churn')
    why = h.build_stress()
    if why:
        h.fail('churn-build', why)
        h.finish()

    os.makedirs(FS, exist_ok=True)
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=256m', 'churn', FS], check=True)
    socks_before = sockets_used()

    env = dict(os.environ, TMPDIR=FS)
    start = time.monotonic()
    churn = subprocess.Popen([h.CHURN, '-t', str(SECONDS), '-w', '2'], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors='replace')
    first = churn.stdout.readline()
    if not first.startswith('churn: pids '):
        churn.kill()
        h.fail('churn-storm', f'churn did not start: {first!r} {churn.communicate()[0][-300:]!r}')
        h.finish()
    pids = first.split()[2]

    # Each reads until SIGTERM (-t is only a backstop).
    t = ['-t', str(SECONDS + 300)]
    readers = [
        h.Reader(t + ['-b', '4096', '-m', 'mix', 'files'], 'files-4096-mix'),
        h.Reader(t + ['-b', '1', '-m', 'seek', 'files'], 'files-1byte'),
        h.Reader(t + ['-B', '-m', 'mix', '-p', pids, 'files'], 'files-random-filtered'),
        h.Reader(t + ['-B', '-m', 'mix', 'sockets'], 'sockets-random-mix'),
        h.Reader(t + ['-b', '1', '-m', 'filter', '-p', pids, 'sockets'], 'sockets-1byte-filtered'),
        h.Reader(t + ['-b', '7', '-m', 'reopen', 'tasks'], 'tasks-7-reopen'),
        h.Reader(t + ['-b', '64', '-m', 'seek', '-p', pids, 'tasks'], 'tasks-64-filtered'),
        h.Reader(t + ['-B', '-m', 'pread', 'files'], 'files-pread'),
        h.Reader(t + ['-b', '512', '-m', 'mix', 'holders'], 'holders-512-mix'),
        h.Reader(t + ['-B', '-m', 'filter', '-p', pids, 'locks'], 'locks-random-filtered'),
        h.Reader(t + ['-b', '333', '-m', 'seek', 'epoll'], 'epoll-333-seek'),
        h.Reader(t + ['-b', '700', '-m', 'mix', 'sockstats'], 'sockstats-700-mix'),
    ]

    # A storm still running 2 minutes past its time is likely stuck: note
    # where each of its threads waits, for the failure report.
    stuck = ''
    try:
        rest, _ = churn.communicate(timeout=SECONDS + 120)
    except subprocess.TimeoutExpired:
        stuck = where_stuck(churn.pid)
        h.out(f'churn: still running {SECONDS + 120} s after start:\n{stuck}')
    try:
        if stuck:
            rest, _ = churn.communicate(timeout=WIND_DOWN - 120)
    except subprocess.TimeoutExpired:
        churn.kill()
        rest, _ = churn.communicate()
        rest += '\n(killed after %d s)' % (SECONDS + WIND_DOWN)
    elapsed = time.monotonic() - start
    last = (first + rest).strip().splitlines()[-1]
    problems = []
    if churn.returncode != 0:
        problems.append(f'churn exited {churn.returncode}: {(first + rest)[-500:]}'
                        + (f'; stuck threads: {stuck}' if stuck else ''))
    if elapsed < SECONDS:
        problems.append(f'churn stopped after {elapsed:.0f} s of a {SECONDS} s storm')
    h.check('churn-storm', problems, f'{last}; {elapsed:.0f} s')

    for r in readers:
        rc, output = r.stop()
        bad = [ln for ln in output.splitlines()
               if ln.startswith('reader: ') and not ln.startswith('reader: ready')
               and ln != r.summary()]
        if rc != 0:
            h.fail(f'churn-reader-{r.name}', f'exit {rc}: {r.summary()}', bad)
        else:
            h.ok(f'churn-reader-{r.name}', r.summary().split(': ', 2)[-1])
            for ln in bad:
                h.out(f'    {ln}')  # notes, e.g. a record of a task that just exited

    leftovers = subprocess.run(['pgrep', '-f', h.CHURN], capture_output=True, text=True).stdout
    h.check('churn-no-leftover-processes', [f'still running: {leftovers.split()}']
            if leftovers.strip() else [])

    cnt = h.refcnt()
    h.check('churn-module-refcnt-zero', [] if cnt == 0 else [f'/sys/module/fdscope/refcnt is {cnt}'])

    # A struct file the module forgot to fput() keeps the mount busy.
    r = subprocess.run(['umount', FS], capture_output=True, text=True)
    h.check('churn-fs-unmounts', [f'umount {FS}: {r.stderr.strip()}'] if r.returncode else [])
    if r.returncode:
        subprocess.run(['umount', '-l', FS])

    used = -1
    for _ in range(50):
        gc_unix()
        used = sockets_used()
        if used <= socks_before:
            break
        time.sleep(0.2)
    h.check('churn-sockets-released',
            [] if used <= socks_before else [f'sockets in use: {socks_before} before, {used} after'],
            f'{socks_before} before, {used} after')

    h.check_dmesg('churn-dmesg-clean', marker)
    h.finish()


if __name__ == '__main__':
    main()
