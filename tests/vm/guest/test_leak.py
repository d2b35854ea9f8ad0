#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Leak hunting on the live module (issue 17), with tests/fixtures/leak_fixture
leaking a known number of fds and then pausing, so every count is exact:

- --save two snapshots about 2 s apart (12 files, then 8 TCP sockets left in
  CLOSE_WAIT, one every 100 ms); --diff OLD NEW names the leaker with its
  counts and groups (DIR/app-*.log x12, socket TCP CLOSE_WAIT x8), as a
  table and as JSON (python's json and jq);
- --diff OLD against the live system says the same;
- a process that exits and is replaced by another of the same name with the
  same pid (through ns_last_pid) is one process exited and one started;
- --watch -n 3 on the live system prints 3 samples, the leaker first and
  marked as the fastest grower after the first;
- --watch in tmux: the leaker at the top within 3 refreshes, q quits with
  status 0 back to the shell.

Runs in the guest as root with the module loaded. Other processes may come
and go meanwhile: only the leaker's rows are checked exactly.
"""
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdscope_lib as L  # noqa: E402

READER = os.path.join(L.REPO, 'userspace', 'fdscope')
LEAKER = os.path.join(L.FIXTURES, 'leak_fixture')
LEAKDIR = '/tmp/leak'
FILES, SOCKS = 12, 8
ENV = dict(os.environ, LC_ALL='C.UTF-8')
HANG = 300      # seconds: a guard against a hang, never a pass condition
TMUX = shutil.which('tmux') or '/usr/bin/tmux'
rep = L.Reporter()


def reader(*args):
    r = subprocess.run([READER, *args], capture_output=True, text=True, env=ENV,
                       timeout=HANG)
    return r.returncode, r.stdout, r.stderr


def log(title, text):
    """Output worth reading in the test's log (and the README's source)."""
    print(f'--- {title}')
    for ln in text.rstrip('\n').split('\n'):
        print(f'    {ln}')
    sys.stdout.flush()


class Leaker:
    """leak_fixture in command mode: leak(kind, n) waits for its 'done' line."""

    def __init__(self, workdir):
        self.proc = subprocess.Popen([LEAKER, workdir], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.pid = self.proc.pid
        self.buf = b''
        line = self.line()
        if not line.startswith('ready port='):
            self.stop()
            raise RuntimeError(f'leak_fixture did not get ready: {line!r}')

    def line(self):
        """The next line it printed ('' at its end), read from the pipe
        itself: a buffered reader would hide lines from select()."""
        fd = self.proc.stdout.fileno()
        while b'\n' not in self.buf:
            r, _, _ = select.select([fd], [], [], HANG)
            if not r:
                raise RuntimeError('leak_fixture printed nothing')
            chunk = os.read(fd, 4096)
            if not chunk:
                line, self.buf = self.buf, b''
                return line.decode()
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode()

    def send(self, cmd):
        self.proc.stdin.write(cmd.encode() + b'\n')
        self.proc.stdin.flush()

    def leak(self, kind, n):
        self.send(f'{kind} {n}')
        while True:
            line = self.line()
            if not line or line.startswith('done '):
                return line

    def start_time(self):
        return start_of(self.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


def start_of(pid):
    """/proc/PID/stat field 22: when the process started, in clock ticks."""
    txt = L.read_text(f'/proc/{pid}/stat', '')
    return int(txt[txt.rindex(')') + 2:].split()[19])


def save(path):
    rc, out, err = reader('--save', path)
    if rc:
        raise RuntimeError(f'fdscope --save {path}: exit {rc}: {err.strip()}')


def jq_check(text):
    """Problems jq has with @text (none without jq)."""
    jq = shutil.which('jq')
    if not jq:
        return []
    r = subprocess.run([jq, '.'], input=text, capture_output=True, text=True)
    return [] if r.returncode == 0 else [f'jq .: {r.stderr.strip()}']


def diff_json(name, *args):
    """The JSON of --diff ARGS, checked by json and jq; None on failure."""
    # Options after --diff, as one types it.
    rc, out, err = reader('--diff', '-J', *args)
    if rc:
        rep.fail(name, f'--diff -J exit {rc}: {err.strip()}')
        return None
    try:
        doc = json.loads(out)
    except ValueError as e:
        rep.fail(name, f'invalid JSON: {e}: {out[:200]!r}')
        return None
    bad = jq_check(out)
    if bad:
        rep.fail(name, bad)
        return None
    return doc


def leaker_problems(doc, pid, old, new):
    """What the JSON of a diff says wrong about the leaker."""
    p = []
    want_opened = [{'pattern': f'{LEAKDIR}/app-*.log', 'count': FILES},
                   {'pattern': 'socket TCP CLOSE_WAIT', 'count': SOCKS}]
    procs = doc.get('processes') or []
    mine = [r for r in procs if r['pid'] == pid]
    if not mine:
        return [f'leaker {pid} not among the processes: {procs[:5]}']
    r = mine[0]
    if procs[0]['pid'] != pid:
        p.append(f'leaker not first (largest growth): first is {procs[0]}')
    got = (r['command'], r['old'], r['new'], r['net'], r['opened'], r['closed'])
    want = ('leak_fixture', old, new, new - old, want_opened, [])
    if got != want:
        p.append(f'(command, old, new, net, opened, closed) {got} != {want}')
    for k in ('started', 'exited'):
        if any(x['pid'] == pid for x in doc.get(k) or []):
            p.append(f'the leaker is listed as {k}')
    if any(x['pid'] == pid for x in doc.get('states') or []):
        p.append('the leaker\'s new sockets listed as changing state')
    # The fdscope processes that took the snapshots (or read the live
    # system) are left out; no other fdscope ran meanwhile.
    readers = [(k, x['pid']) for k in ('started', 'exited') for x in doc.get(k) or []
               if x['command'] == 'fdscope']
    if readers:
        p.append(f'fdscope itself listed: {readers}')
    return p


def diff_snapshots(leaker, snaps):
    """Two snapshots about 2 s apart, around 12 files and 8 sockets."""
    a, b = os.path.join(snaps, 'a'), os.path.join(snaps, 'b')
    pid = leaker.pid
    save(a)
    old = len(os.listdir(f'/proc/{pid}/fd'))
    t0 = time.monotonic()
    done = leaker.leak('files', FILES)
    done2 = leaker.leak('sockets', SOCKS)
    secs = time.monotonic() - t0
    save(b)
    new = len(os.listdir(f'/proc/{pid}/fd'))
    if done2 != f'done files={FILES} sockets={SOCKS}' or new - old != FILES + SOCKS:
        rep.fail('leak-fixture', f'{done!r}, {done2!r}; fds {old} -> {new}')
        return a, b, old, new
    rep.ok('leak-fixture', f'{old} -> {new} fds in {secs:.1f} s')

    # The table: the leaker's row first, with its groups.
    rc, out, err = reader('--diff', a, b)
    log(f'fdscope --diff {a} {b}', out + err)
    lines = out.split('\n')
    p = []
    if rc or err:
        p.append(f'exit {rc}: {err.strip()}')
    try:
        first = lines[lines.index('Processes whose fds changed:') + 2]
    except (ValueError, IndexError):
        first = ''
        p.append('no "Processes whose fds changed:" table')
    want = (rf'^ *{pid} +leak_fixture +{old} +{new} +\+{new - old} +'
            + re.escape(f'{LEAKDIR}/app-*.log \u00d7{FILES}, '
                        f'socket TCP CLOSE_WAIT \u00d7{SOCKS}') + r' +- *$')
    if first and not re.match(want, first):
        p.append(f'first row {first!r} does not match {want!r}')
    rep.result('leak-diff-table', p, note=f'pid {pid}: {old} -> {new}')

    doc = diff_json('leak-diff-json', a, b)
    if doc is not None:
        p = leaker_problems(doc, pid, old, new)
        if doc.get('diff') != {'old': a, 'new': b, 'identity': 'pid+start'}:
            p.append(f'diff: {doc.get("diff")}')
        rep.result('leak-diff-json', p)

    # The leaker is paused: the live system is snapshot b for it.
    doc = diff_json('leak-diff-live', a)
    if doc is not None:
        p = leaker_problems(doc, pid, old, new)
        if (doc.get('diff') or {}).get('new') != 'live':
            p.append(f'diff: {doc.get("diff")}')
        started = [x['pid'] for x in doc.get('started') or []]
        rep.result('leak-diff-live', p, note=f'{len(started)} processes started since')
    rc, out, err = reader('--diff', a)
    log(f'fdscope --diff {a}', out + err)
    return a, b, old, new


def pid_reuse(snaps):
    """Same pid, same command, another process: exited and started."""
    c, d = os.path.join(snaps, 'c'), os.path.join(snaps, 'd')
    wd = os.path.join(snaps, 'reuse')
    old = Leaker(wd)
    new = None
    try:
        pid = old.pid
        old.leak('files', 2)
        old_start = old.start_time()
        save(c)
        old.stop()
        # A process started in the same clock tick would be the same one
        # (as for /proc): take the pid until the start time differs.
        for _ in range(20):
            new = L.spawn_at(pid, lambda: Leaker(wd), lambda k: k.stop())
            if not new or new.start_time() != old_start:
                break
            new.stop()
            new = None
        if not new:
            rep.skip('leak-pid-reuse', f'pid {pid} could not be had again')
            return
        new.leak('files', 3)
        new_start = new.start_time()
        save(d)
    finally:
        old.stop()
        if new:
            new.stop()
    doc = diff_json('leak-pid-reuse', c, d)
    if doc is None:
        return
    p = []
    exited = [(x['pid'], x['start'], x['command']) for x in doc['exited'] if x['pid'] == pid]
    started = [(x['pid'], x['start'], x['command']) for x in doc['started']
               if x['pid'] == pid]
    if exited != [(pid, old_start, 'leak_fixture')]:
        p.append(f'exited: {exited}, expected start {old_start}')
    if started != [(pid, new_start, 'leak_fixture')]:
        p.append(f'started: {started}, expected start {new_start}')
    same = [x for x in doc['processes'] if x['pid'] == pid]
    if same:
        p.append(f'reported as the same process: {same}')
    rc, out, err = reader('--diff', '-p', str(pid), c, d)
    log(f'fdscope --diff -p {pid} {c} {d}', out + err)
    if 'Processes whose fds changed:' in out:
        p.append('the table lists the pid as a process whose fds changed')
    rep.result('leak-pid-reuse', p, note=f'pid {pid}: start {old_start} -> {new_start}')


def samples(text):
    """Plain --watch output -> list of samples, each a list of lines."""
    out = []
    for ln in text.split('\n'):
        if ln.startswith('fdscope --watch: '):
            out.append([ln])
        elif ln and out:
            out[-1].append(ln)
    return out


def top_row(lines):
    """(marked, pid, growth) of the first process line of a sample or screen."""
    for ln in lines:
        m = re.match(r'^([> ]) +([0-9]+) +\S+ +[0-9]+ +([+-][0-9]+)', ln)
        if m:
            return m.group(1) == '>', int(m.group(2)), int(m.group(3))
    return None


def marked(top, pid):
    """The top row is @pid's, marked as the fastest grower, and it grew."""
    return bool(top) and top[:2] == (True, pid) and top[2] > 0


def watch_plain(leaker):
    rc, out, err = reader('--watch=1', '-n', '3')
    log('fdscope --watch=1 -n 3', out + err)
    got = samples(out)
    p = []
    if rc or err:
        p.append(f'exit {rc}: {err.strip()}')
    if len(got) != 3:
        p.append(f'{len(got)} samples, not 3')
    for i, s in enumerate(got[1:], 2):
        top = top_row(s)
        if not marked(top, leaker.pid):
            p.append(f'sample {i}: first row {top} (marked, pid, growth), '
                     f'expected the leaker {leaker.pid} marked and growing')
        if sum(ln.startswith('>') for ln in s) != 1:
            p.append(f'sample {i}: not one marker')
    rep.result('leak-watch-plain', p)


class Tmux:
    def __init__(self):
        self.sock = f'fdscope-leak-{os.getpid()}'

    def run(self, *args):
        return subprocess.run([TMUX, '-L', self.sock, '-f', '/dev/null', *args],
                              capture_output=True, text=True, env=ENV, timeout=HANG)

    def screen(self):
        return self.run('capture-pane', '-p', '-t', 'leak').stdout

    def wait(self, pred, what):
        """Poll the pane until pred(screen) is true; the hang guard fails."""
        end = time.monotonic() + HANG
        while time.monotonic() < end:
            s = self.screen()
            if pred(s):
                return s
            time.sleep(0.1)
        raise RuntimeError(f'tmux: no {what}; the pane: {self.screen()!r}')


def screen_sample(s):
    m = re.search(r'^fdscope --watch: sample ([0-9]+),', s, re.M)
    return int(m.group(1)) if m else None


def watch_tmux(leaker):
    if not os.access(TMUX, os.X_OK):
        rep.skip('leak-watch-tmux', 'no tmux')
        return
    t = Tmux()
    p = []
    try:
        r = t.run('new-session', '-d', '-x', '120', '-y', '40', '-s', 'leak',
                  'env', 'PS1=leak$ ', 'bash', '--norc', '--noprofile')
        if r.returncode:
            rep.fail('leak-watch-tmux', f'tmux new-session: {r.stderr.strip()}')
            return
        t.wait(lambda s: 'leak$' in s, 'prompt')
        t.run('send-keys', '-t', 'leak', f'{READER} --watch=1; echo "watch-exit=$?"', 'Enter')
        # Every screen up to the third refresh; the leaker must top one.
        seen = []
        while True:
            s = t.wait(lambda s: screen_sample(s) and
                       (not seen or screen_sample(s) != seen[-1][0]), 'next refresh')
            seen.append((screen_sample(s), top_row(s.split('\n')), s))
            if marked(seen[-1][1], leaker.pid) or seen[-1][0] >= 3:
                break
        n, top, s = seen[-1]
        log(f'tmux capture-pane, refresh {n}', s)
        if not marked(top, leaker.pid) or n > 3:
            p.append(f'refreshes {[x[0] for x in seen]}: the top row at refresh {n} '
                     f'is {top} (marked, pid, growth), not the leaker {leaker.pid} '
                     f'marked and growing')
        t.run('send-keys', '-t', 'leak', 'q')
        s = t.wait(lambda s: 'watch-exit=' in s, 'exit after q')
        cmd = t.run('display-message', '-p', '-t', 'leak', '#{pane_current_command}')
        if 'watch-exit=0' not in s:
            p.append(f'exit status after q: {re.findall(r"watch-exit=[0-9]+", s)}')
        if cmd.stdout.strip() != 'bash':
            p.append(f'the pane runs {cmd.stdout.strip()!r}, not the shell')
        log('tmux capture-pane after q', s)
        rep.result('leak-watch-tmux', p, note=f'leaker on top at refresh {n}')
    finally:
        t.run('kill-server')


def main():
    if not L.require_root(rep, 'leak'):
        return 1
    err = L.build_fixtures()
    if err or not os.access(LEAKER, os.X_OK):
        rep.fail('leak-setup', err or f'{LEAKER} is not built')
        return 1
    snaps = tempfile.mkdtemp(prefix='fdscope-leak-')
    shutil.rmtree(LEAKDIR, ignore_errors=True)
    leaker = Leaker(LEAKDIR)
    try:
        diff_snapshots(leaker, snaps)
        pid_reuse(snaps)
        # Leaking again, for the watches (stopped below, well before the
        # fd limit: 900 files is 90 s).
        leaker.send('files 900')
        if not leaker.line().startswith('file '):
            rep.fail('leak-watch', 'the leaker did not start again')
        else:
            watch_plain(leaker)
            watch_tmux(leaker)
    finally:
        leaker.stop()
        shutil.rmtree(snaps, ignore_errors=True)
        shutil.rmtree(LEAKDIR, ignore_errors=True)
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
