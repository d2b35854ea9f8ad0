#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The fdscope benchmark, run inside one guest boot (tests/bench/run.sh).

Phases, each on a workload from tests/bench/workload (PROCS processes x
FDS fds mixing regular files on /tmp, pipes, TCP pairs and a listener,
UDP and unix sockets):

  peers    PROCS x FDS (100k) fds: every tool, interleaved round by round,
           stdout to /dev/null; medians, lines produced, ratios.
  profile  perf record (cpu-clock) of a full files and sockets dump.
  latency  an open()/close() loop's latency at idle and during full dumps.
  ab       (--ab A.ko,B.ko) two module builds alternated on that workload.
  scale    SCALE_PROCS x SCALE_FDS more fds (1M in all): raw dumps, the
           ratio to 100k dumps right before and after, slab before/after,
           the pid filter on one process.
  holders  on the PROCS x FDS workload, whose files are on a tmpfs mount of
           their own: `fdscope --holders MOUNT` against `lsof MOUNT` and
           `fuser -m MOUNT`, interleaved.
  maps     MAPS_PROCS processes with MAPS_PER_PROC one-page file mappings:
           the holders file (pid-filtered to them) against their
           /proc/PID/maps, per line, in-process reads.
  locks    LOCKS_PROCS processes with LOCKS_PER_PROC locks each (POSIX and
           OFD ranges, flocks) and an epoll each watching WATCH_PER_PROC
           pipes and sockets: the locks file against /proc/locks, the epoll
           file against /proc/PID/fdinfo of the epoll fds, per line.
  threads  a smaller workload, raw dumps and fdscope in rounds alternating
           without and with THREADS threads in process 0 sharing its table.

Writes results.json and results.txt to --out (default $FDSCOPE_OUT).
--smoke runs tiny workloads once per tool and only checks that every tool
produced output and that the results parse.
"""
import argparse
import json
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEBUGFS = '/sys/kernel/debug/fdscope'
FDSCOPE = os.path.join(REPO, 'userspace', 'fdscope')
WORKLOAD = os.path.join(HERE, 'workload')
LATENCY = os.path.join(HERE, 'latency')
RAW = [f'{DEBUGFS}/{f}' for f in ('files', 'sockets', 'tasks')]
HOLDERS, LOCKS, EPOLL = (f'{DEBUGFS}/{f}' for f in ('holders', 'locks', 'epoll'))
# The PROCS x FDS workload's directory: a tmpfs mount of its own, so that
# the holders phase can ask who holds that filesystem.
BENCH_MOUNT = '/tmp/fdscope-bench'
PHASES = ('peers', 'profile', 'latency', 'holders', 'scale', 'maps', 'locks', 'threads')

# The kernel log lines tests/vm/run fails a run on.
BAD_KLOG = re.compile(r'WARNING:|BUG:|Oops|KASAN|UBSAN|possible circular locking|'
                      r'inconsistent lock state|suspicious RCU usage|RCU stall|'
                      r'rcu: INFO|self-detected stall|soft lockup|hung task|'
                      r'blocked for more than|refcount_t:|general protection fault')

# name -> argv, in the order of each round. ['read', PATH] is an in-process
# read() loop (128 KiB reads, no exec): the per-line comparisons use those.
TOOLS = {
    'cat-floor': ['cat', '/dev/null'],
    'raw-files': ['cat', RAW[0]],
    'raw-sockets': ['cat', RAW[1]],
    'raw-tasks': ['cat', RAW[2]],
    'raw-all': ['cat'] + RAW,
    'read-files': ['read', RAW[0]],
    'read-sockets': ['read', RAW[1]],
    'read-tasks': ['read', RAW[2]],
    'fdscope': [FDSCOPE],
    'fdscope-J': [FDSCOPE, '-J'],
    'fdscope-r': [FDSCOPE, '-r'],
    'proc-unix': ['cat', '/proc/net/unix'],
    'read-unix': ['read', '/proc/net/unix'],
    'proc-net': ['cat', '/proc/net/tcp', '/proc/net/udp', '/proc/net/unix'],
    'ss': ['ss', '-tuxanp'],
    'lsof': ['lsof', '-n', '-P'],
    'lsfd': ['lsfd'],
    'lsfd-J': ['lsfd', '-J'],
}
# Minutes per run at 100k fds under TCG: no separate warm-up run; their
# first timed run also counts the lines (stdout through a pipe).
PEERS = ('ss', 'lsof', 'lsfd', 'lsfd-J')


def log(msg):
    print(f'bench: {msg}', flush=True)


def now():
    return time.perf_counter()


def read_many(paths):
    """In-process reads of several files, one after another; (seconds, lines)."""
    t = now()
    lines = 0
    for path in paths:
        lines += read_file(path)[1]
    return now() - t, lines


def read_file(path, pids=None):
    """In-process read of a file (pid-filtered if @pids); (seconds, lines)."""
    t = now()
    fd = os.open(path, os.O_RDWR if pids else os.O_RDONLY)
    try:
        if pids:
            os.write(fd, ('pid ' + ','.join(map(str, pids)) + '\n').encode())
        lines = 0
        while True:
            b = os.read(fd, 1 << 17)
            if not b:
                break
            lines += b.count(b'\n')
    finally:
        os.close(fd)
    return now() - t, lines


def run(argv, count=False):
    """One timed run: (seconds, exit status, lines or None, stderr head).

    stdout goes to /dev/null, or through a pipe when @count asks for lines.
    """
    if argv[0] == 'read':
        dt, lines = read_file(*argv[1:])
        return dt, 0, lines, []
    if argv[0] == 'readmany':
        dt, lines = read_many(argv[1])
        return dt, 0, lines, []
    if not count:
        t = now()
        rc = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return now() - t, rc, None, []
    t = now()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = 0
    while True:
        chunk = p.stdout.read(1 << 20)
        if not chunk:
            break
        lines += chunk.count(b'\n')
    err = p.stderr.read().decode(errors='replace')
    rc = p.wait()
    return now() - t, rc, lines, err.strip().splitlines()[:3]


def describe(argv):
    """A command line for the report; in-process reads of many files abridged."""
    if argv[0] == 'readmany':
        return f'read {len(argv[1])} files: {argv[1][0] if argv[1] else ""} ...'
    if argv[0] == 'read' and len(argv) > 2:
        return f'read {argv[1]}, pid filter of {len(argv[2])}'
    return ' '.join(argv)


def measure(names, runs, peer_runs, label, warmup=True, tools=None, peers=PEERS):
    """Interleaved rounds, every tool once per round (peers peer_runs times).

    Each of our tools first gets one untimed warm-up run that counts its
    lines; peers count them in their first timed run instead. @tools maps
    names to argv (default TOOLS).
    """
    tools = tools or TOOLS
    res = {}
    for n in names:
        res[n] = {'cmd': describe(tools[n]), 'lines': None, 'rc': 0, 'stderr': [],
                  'times': []}
        if warmup and n not in peers:
            dt, rc, lines, err = run(tools[n], count=True)
            res[n].update(lines=lines, rc=rc, stderr=err)
            log(f'{label}: {n}: {lines} lines (warm-up {dt:.2f} s, exit {rc})')
    for r in range(max(runs, peer_runs)):
        done = []
        for n in names:
            m = res[n]
            if r >= (peer_runs if n in peers else runs):
                continue
            dt, rc, lines, err = run(tools[n], count=m['lines'] is None)
            if m['lines'] is None:
                m.update(lines=lines, stderr=err)
            m['rc'] = m['rc'] or rc
            m['times'].append(dt)
            done.append(f'{n}={dt:.2f}')
        log(f'{label}: round {r + 1}: ' + ' '.join(done))
    for n in names:
        summarize(res[n])
    return res


def summarize(m):
    t = m['times']
    m['runs'] = len(t)
    m['median_s'] = statistics.median(t) if t else None
    m['min_s'] = min(t) if t else None
    m['max_s'] = max(t) if t else None
    m['us_per_line'] = m['median_s'] / m['lines'] * 1e6 if t and m['lines'] else None
    return m


def ratio(a, b):
    """How many times faster a is than b (b / a)."""
    try:
        return b['median_s'] / a['median_s']
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def paired_ratio(a, b):
    """How many times faster a is than b, round by round: the median of b / a
    over the rounds both ran in. Both run in every round, minutes apart at
    most, so a drift of the machine's speed between rounds cancels out."""
    try:
        pairs = [tb / ta for ta, tb in zip(a['times'], b['times']) if ta > 0]
    except (KeyError, TypeError):
        return None
    return statistics.median(pairs) if pairs else None


def per_line_ratio(a, b):
    """a's per-line cost over b's."""
    try:
        return a['us_per_line'] / b['us_per_line']
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def meminfo():
    out = {}
    with open('/proc/meminfo') as f:
        for line in f:
            k, v = line.split(':', 1)
            out[k] = int(v.split()[0])
    return out


def slab():
    """Slab totals (kB) and the object counts of caches a dump could leak into."""
    mi = meminfo()
    caches = {}
    watch = ('filp', 'dentry', 'kmalloc-4k', 'kmalloc-256', 'kmalloc-128', 'kmalloc-64',
             'pid', 'task_struct', 'seq_file')
    with open('/proc/slabinfo') as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] in watch:
                caches[fields[0]] = int(fields[1])
    return {'slab_kb': mi['Slab'], 'sunreclaim_kb': mi['SUnreclaim'],
            'sreclaimable_kb': mi['SReclaimable'], 'memfree_kb': mi['MemFree'],
            'objects': caches}


def sysctl(name, value):
    with open('/proc/sys/' + name.replace('.', '/'), 'w') as f:
        f.write(str(value))


def drop_caches():
    """Reclaim dentries and inodes left by earlier tools, so slab readings compare."""
    subprocess.call(['sync'])
    with open('/proc/sys/vm/drop_caches', 'w') as f:
        f.write('2')


class Workload:
    """tests/bench/workload; @mount puts @directory on a tmpfs of its own,
    @extra are more workload options (-m, -M, -L, -E)."""

    def __init__(self, procs, fds, threads, directory, udp_first=0, mount=False, extra=()):
        self.spec = f'{procs} x {fds}' + (' ' + ' '.join(extra) if extra else '')
        self.mounted = False
        subprocess.call(['rm', '-rf', directory])
        if mount:
            os.makedirs(directory, exist_ok=True)
            subprocess.run(['mount', '-t', 'tmpfs', 'fdscope-bench', directory], check=True)
            self.mounted = True
        t = now()
        self.p = subprocess.Popen([WORKLOAD, '-p', str(procs), '-f', str(fds),
                                   '-t', str(threads), '-d', directory,
                                   '-u', str(udp_first)] + list(extra),
                                  stdout=subprocess.PIPE, bufsize=0)
        self.buf = b''
        self.pids = []
        self.total = 0
        self.dir = directory
        while True:
            line = self.readline(3600)
            if line.startswith('pid '):
                self.pids.append(int(line.split()[1]))
            elif line.startswith('ready '):
                self.total = int(line.split()[1])
                break
        self.setup_s = now() - t
        log(f'workload {self.spec}: {self.total} fds in {len(self.pids)} processes, '
            f'set up in {self.setup_s:.1f} s')

    def info(self):
        return {'procs': len(self.pids), 'fds': self.total // max(len(self.pids), 1),
                'total': self.total, 'setup_s': self.setup_s}

    def readline(self, timeout):
        """The next line the workload prints; unbuffered, so select() sees it all."""
        end = now() + timeout
        while b'\n' not in self.buf:
            r, _, _ = select.select([self.p.stdout], [], [], max(end - now(), 0))
            chunk = os.read(self.p.stdout.fileno(), 4096) if r else b''
            if not chunk:
                self.p.kill()
                self.unmount()
                raise RuntimeError(f'workload {self.spec} exited or timed out '
                                   f'(status {self.p.poll()})')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode()

    def threads(self, on):
        """Start or stop process 0's threads; (threads running, tasks in process 0)."""
        self.p.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)
        n = int(self.readline(600).split()[1])
        with open(f'/proc/{self.pids[0]}/status') as f:
            tasks = int(re.search(r'^Threads:\s+(\d+)', f.read(), re.M).group(1))
        return n, tasks

    def stop(self):
        t = now()
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=3600)
        self.unmount()
        subprocess.call(['rm', '-rf', self.dir])
        log(f'workload {self.spec}: torn down in {now() - t:.1f} s')

    def unmount(self):
        if self.mounted:
            # Lazily if something still holds it: the next boot starts clean.
            if subprocess.call(['umount', self.dir]):
                subprocess.call(['umount', '-l', self.dir])
            self.mounted = False


def phase_peers(args, res):
    res['peers'] = measure(list(TOOLS), args.runs, args.peer_runs, 'peers')


def phase_profile(args, res, tag=''):
    """perf record of full dumps; the flat profile goes to perf-TAGNAME.txt."""
    perf = '/usr/bin/perf'
    if not os.access(perf, os.X_OK):
        res['profile' + tag] = {'error': 'no /usr/bin/perf (Debian package linux-perf)'}
        return
    prof = {}
    for name in ('files', 'sockets'):
        data = f'/tmp/perf-{name}.data'
        rc = subprocess.call([perf, 'record', '-q', '-e', 'cpu-clock', '-F', '2000', '-g',
                              '-o', data, '--', 'cat', f'{DEBUGFS}/{name}'],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if rc:
            prof[name] = {'error': f'perf record exited {rc}'}
            continue
        base = f'perf{tag and "-" + tag}-{name}'
        flat = subprocess.run([perf, 'report', '-i', data, '--stdio', '--no-children',
                               '--sort', 'sym', '-g', 'none', '--percent-limit', '0.3'],
                              capture_output=True, text=True).stdout
        tree = subprocess.run([perf, 'report', '-i', data, '--stdio', '--children',
                               '--sort', 'sym', '-g', 'none', '--percent-limit', '1'],
                              capture_output=True, text=True).stdout
        with open(os.path.join(args.out, base + '.txt'), 'w') as f:
            f.write(flat)
        with open(os.path.join(args.out, base + '-children.txt'), 'w') as f:
            f.write(tree)
        top = [(float(m.group(1)), m.group(2)) for m in
               re.finditer(r'^\s+([\d.]+)%\s+\[[k.]\]\s+(\S+)', flat, re.M)]
        prof[name] = {'top': top[:30], 'report': base + '.txt'}
        log(f'profile{tag and " " + tag} {name}: ' +
            ', '.join(f'{s} {p:.1f}%' for p, s in top[:8]))
        os.unlink(data)
    res['profile' + tag] = prof


def phase_latency(args, res):
    probe = [LATENCY, '-s', str(args.latency_seconds), '-n', str(args.latency_filler),
             '-f', '/tmp/latency-probe']
    open('/tmp/latency-probe', 'w').close()

    def run_probe():
        out = subprocess.check_output(probe, text=True).split()
        return {k: float(v) for k, v in zip(out[::2], out[1::2])}

    idle = run_probe()
    # Full dumps back to back for as long as the probe runs.
    # A session of its own, so that its last cat dies with it and no file
    # stays open to keep the module from unloading.
    dumper = subprocess.Popen(['sh', '-c', 'while :; do cat "$@" >/dev/null; done', 'dump'] + RAW,
                              start_new_session=True)
    try:
        time.sleep(0.2)
        busy = run_probe()
    finally:
        os.killpg(dumper.pid, signal.SIGKILL)
        dumper.wait()
    res['latency'] = {'seconds': args.latency_seconds, 'filler_fds': args.latency_filler,
                      'idle': idle, 'during_dump': busy}
    log(f'latency: idle max {idle["max_us"]:.0f} us p99 {idle["p99_us"]:.0f} us; '
        f'during dumps max {busy["max_us"]:.0f} us p99 {busy["p99_us"]:.0f} us')


def load_module(ko):
    """Replace the loaded fdscope with @ko; a reader still exiting may hold
    a file open for a moment, so rmmod is retried for up to a minute."""
    end = now() + 60
    while os.path.exists('/sys/module/fdscope'):
        r = subprocess.run(['rmmod', 'fdscope'], capture_output=True, text=True)
        if r.returncode and now() > end:
            raise RuntimeError(f'rmmod fdscope: {r.stderr.strip()}')
        if r.returncode:
            time.sleep(0.2)
    subprocess.check_call(['insmod', ko])


def read_dump(path):
    """A dump's columns (its header's) and records (their fields)."""
    with open(path) as f:
        head = f.readline().split()[3:]
        return head, [line.split() for line in f]


def common_records(a, b):
    """The columns two dumps of one file share, less the per-load identities
    (keyed at module load), and each dump's records in those columns: a
    newer module appends columns, which says nothing about the others."""
    cols = [c for c in a[0] if c in b[0] and c not in ('table', 'fileid')]

    def pick(dump):
        at = [dump[0].index(c) for c in cols]
        return [' '.join(r[i] if i < len(r) else '' for i in at) for r in dump[1]]
    return cols, pick(a), pick(b)


def phase_ab(args, res):
    """Two builds of the module alternated in one boot on the same workload.

    The rig's own module (FDSCOPE_KO) is loaded again afterwards, so the
    later phases measure it.
    """
    kos = args.ab.split(',')
    names = ['files', 'sockets', 'tasks']
    lines = {}
    times = {ko: {n: [] for n in names + ['unix']} for ko in kos}
    dumps = {}
    for r in range(args.ab_rounds):
        for ko in kos if r % 2 == 0 else kos[::-1]:
            load_module(ko)
            if r == 0:
                dumps[ko] = {n: read_dump(f'{DEBUGFS}/{n}') for n in names}
                if args.ab_profile:
                    phase_profile(args, res, 'AB'[kos.index(ko)])
            for n in names + ['unix']:
                # /proc/net/unix: the per-line floor, measured under the same load.
                dt, lines[n] = read_file('/proc/net/unix' if n == 'unix' else f'{DEBUGFS}/{n}')
                times[ko][n].append(dt)
        log(f'ab: round {r + 1}: ' + '  '.join(
            'AB'[i] + ': ' + ' '.join(f'{n}={times[ko][n][-1]:.2f}' for n in names)
            for i, ko in enumerate(kos)))
    load_module(os.environ.get('FDSCOPE_KO', kos[-1]))
    a, b = kos
    out = {'modules': kos, 'rounds': args.ab_rounds, 'median_s': {}, 'times': times,
           'lines': lines, 'same_output': {}}
    for ko in kos:
        out['median_s'][ko] = {n: statistics.median(v) for n, v in times[ko].items()}
    for n in names:
        cols, ra, rb = common_records(dumps[a][n], dumps[b][n])
        new = [c for c in dumps[b][n][0] if c not in dumps[a][n][0]]
        # The driver's own fds move between the two dumps: compare as sets.
        da, db = set(ra), set(rb)
        out['same_output'][n] = {'lines_a': len(ra), 'lines_b': len(rb), 'columns': cols,
                                 'only_in_b': new,
                                 'differing': len(da ^ db), 'only_a': sorted(da - db)[:5],
                                 'only_b': sorted(db - da)[:5]}
        ta, tb = out['median_s'][a][n], out['median_s'][b][n]
        log(f'ab: {n}: A {ta:.3f} s, B {tb:.3f} s ({ta / tb:.2f}x); '
            f'{len(da ^ db)} records differ')
    res['ab'] = out


def phase_threads(args, res):
    """Rounds alternate: every tool without the threads, then with them."""
    wl = Workload(args.threads_procs, args.threads_fds, args.threads, '/tmp/fdscope-bench-threads')
    names = ['read-files', 'read-tasks', 'raw-all', 'fdscope']
    out = {'workload': wl.info(), 'without': {}, 'with': {}}
    try:
        for r in range(args.runs + 1):
            for state in ('without', 'with'):
                n, tasks = wl.threads(state == 'with')
                if state == 'with':
                    out.update(threads=n, tasks=tasks)
                for name in names:
                    m = out[state].setdefault(name, {'cmd': ' '.join(TOOLS[name]), 'rc': 0,
                                                      'times': []})
                    dt, rc, lines, err = run(TOOLS[name], count=r == 0)
                    m['rc'] = m['rc'] or rc
                    if r == 0:
                        m.update(lines=lines, stderr=err)  # warm-up
                    else:
                        m['times'].append(dt)
                if r:
                    log(f'threads: round {r}: {state} ({tasks} tasks in process 0): ' +
                        ' '.join(f'{name}={out[state][name]["times"][-1]:.2f}'
                                 for name in names))
        wl.threads(False)
        for state in ('without', 'with'):
            for m in out[state].values():
                summarize(m)
        res['threads'] = out
    finally:
        wl.stop()


HOLDERS_PEERS = ('lsof-mount', 'fuser-m')


def holders_found(wl):
    """One untimed run of each tool: which workload processes each names."""
    found = {}
    r = subprocess.run([FDSCOPE, '-J', '--holders', BENCH_MOUNT], capture_output=True, text=True)
    try:
        rows = json.loads(r.stdout)['holders']
    except (ValueError, KeyError):
        rows = []
    found['fdscope-holders'] = {'rc': r.returncode, 'rows': len(rows),
                                'pids': sorted({x['pid'] for x in rows})}
    r = subprocess.run(['lsof', BENCH_MOUNT], capture_output=True, text=True)
    rows = r.stdout.splitlines()[1:]
    pids = (re.match(r'\S+\s+(\d+)', x) for x in rows)
    found['lsof-mount'] = {'rc': r.returncode, 'rows': len(rows),
                           'pids': sorted({int(p.group(1)) for p in pids if p})}
    # fuser: the pids on stdout, the mount and access letters on stderr.
    r = subprocess.run(['fuser', '-m', BENCH_MOUNT], capture_output=True, text=True)
    pids = sorted({int(x) for x in re.findall(r'\d+', r.stdout)})
    found['fuser-m'] = {'rc': r.returncode, 'rows': len(pids), 'pids': pids}
    want = set(wl.pids)
    for n, f in found.items():
        f['missing_workload_pids'] = len(want - set(f['pids']))
        f['pids'] = len(f['pids'])
        log(f'holders: {n}: {f["rows"]} rows, {f["pids"]} processes, '
            f'{f["missing_workload_pids"]} of the workload\'s missing (exit {f["rc"]})')
    return found


def phase_holders(args, res, wl):
    """Who holds the workload's tmpfs: fdscope --holders vs lsof and fuser -m."""
    tools = {
        'raw-holders': ['cat', HOLDERS],
        'fdscope-holders': [FDSCOPE, '--holders', BENCH_MOUNT],
        'lsof-mount': ['lsof', BENCH_MOUNT],
        'fuser-m': ['fuser', '-m', BENCH_MOUNT],
    }
    h = res['holders'] = {'mount': BENCH_MOUNT, 'found': holders_found(wl)}
    h['tools'] = measure(list(tools), args.runs, args.peer_runs, 'holders', tools=tools,
                         peers=HOLDERS_PEERS)


def fd_of(pid, target):
    """The fds of @pid whose link reads @target."""
    d = f'/proc/{pid}/fd'
    return [int(fd) for fd in os.listdir(d) if os.readlink(f'{d}/{fd}') == target]


def phase_maps(args, res):
    """The holders file's mem records against /proc/PID/maps, per line."""
    wl = Workload(args.maps_procs, 64, 0, '/tmp/fdscope-bench-maps',
                  extra=['-m', '100,0,0,0,0', '-M', str(args.maps_per_proc)])
    mp = res['maps'] = {'workload': wl.info(), 'maps_per_proc': args.maps_per_proc}
    try:
        pids = wl.pids[:64]
        tools = {
            'read-holders': ['read', HOLDERS, pids],
            'read-maps': ['readmany', [f'/proc/{pid}/maps' for pid in pids]],
        }
        # What the lines are: how many are mem records, how many maps lines name a file.
        mem = 0
        fd = os.open(HOLDERS, os.O_RDWR)
        try:
            os.write(fd, ('pid ' + ','.join(map(str, pids)) + '\n').encode())
            text = b''
            while True:
                b = os.read(fd, 1 << 17)
                if not b:
                    break
                text += b
        finally:
            os.close(fd)
        lines = text.decode(errors='replace').splitlines()
        cols = lines[0].split()[3:] if lines else []
        if 'assoc' in cols:
            i = cols.index('assoc')
            mem = sum(1 for ln in lines[1:] if ln.split()[i] == 'mem')
        file_maps = 0
        for pid in pids:
            with open(f'/proc/{pid}/maps') as f:
                file_maps += sum(1 for ln in f if len(ln.split()) > 5 and ln.split()[4] != '0')
        mp.update(pids=len(pids), mem_records=mem, file_maps=file_maps)
        log(f'maps: {len(pids)} processes, {mem} mem records, {file_maps} file mappings '
            'in their maps')
        mp['tools'] = measure(list(tools), args.runs, 0, 'maps', tools=tools)
    finally:
        wl.stop()


def phase_locks(args, res):
    """The locks file against /proc/locks, the epoll file against fdinfo, per line."""
    wl = Workload(args.locks_procs, args.locks_fds, 0, '/tmp/fdscope-bench-locks',
                  extra=['-m', '20,40,0,0,40', '-L', str(args.locks_per_proc),
                         '-E', str(args.watch_per_proc)])
    lk = res['locks'] = {'workload': wl.info(), 'locks_per_proc': args.locks_per_proc,
                         'watch_per_proc': args.watch_per_proc}
    try:
        fdinfo = [f'/proc/{pid}/fdinfo/{fd}' for pid in wl.pids
                  for fd in fd_of(pid, 'anon_inode:[eventpoll]')]
        tools = {
            'cat-locks': ['cat', LOCKS],
            'cat-proc-locks': ['cat', '/proc/locks'],
            'read-locks': ['read', LOCKS],
            'read-proc-locks': ['read', '/proc/locks'],
            'read-epoll': ['read', EPOLL],
            'read-fdinfo': ['readmany', fdinfo],
            'fdscope-locks': [FDSCOPE, '--locks'],
        }
        lk['epolls'] = len(fdinfo)
        lk['tfd_lines'] = 0
        for path in fdinfo:
            with open(path) as f:
                lk['tfd_lines'] += sum(1 for ln in f if ln.startswith('tfd:'))
        log(f'locks: {lk["epolls"]} epolls watching {lk["tfd_lines"]} fds')
        lk['tools'] = measure(list(tools), args.runs, 0, 'locks', tools=tools)
    finally:
        wl.stop()


def phase_scale(args, res, base):
    """1M fds: the 100k workload @base plus SCALE_PROCS x SCALE_FDS more.

    The 1M measurement is bracketed by 100k measurements (before the extra
    processes start, after they exit) so that the ratio does not depend on
    how busy the host was earlier in the boot.
    """
    names = ['read-files', 'read-sockets', 'read-tasks', 'raw-all']
    sc = res['scale'] = {'base_workload': base.info()}
    sc['before'] = measure(names, args.runs, 0, 'scale: 100k before', warmup=False)
    drop_caches()
    sc['slab_base'] = slab()
    # UDP slots after the base workload's: both run at once.
    wl = Workload(args.scale_procs, args.scale_fds, 0, '/tmp/fdscope-bench-scale',
                  udp_first=base.total)
    sc['workload'] = wl.info()
    sc['total_fds'] = base.total + wl.total
    try:
        drop_caches()
        sc['slab_before'] = slab()
        sc['peers'] = measure(names, args.scale_runs, 0, 'scale: 1M', warmup=False)
        # The pid filter on one process of the 1M-fd system, in-process reads.
        pid = wl.pids[len(wl.pids) // 2]
        filt, cli = [], []
        for _ in range(args.runs):
            filt.append(read_file(RAW[0], [pid]))
            cli.append(run([FDSCOPE, '-p', str(pid)])[0])
        full = sc['peers']['read-files']
        pf = sc['pid_filter'] = {
            'pid': pid,
            'fds_of_pid': len(os.listdir(f'/proc/{pid}/fd')),
            'full_read_s': full['median_s'],
            'full_lines': full['lines'],
            'filtered_read_s': statistics.median(t for t, _ in filt),
            'filtered_lines': filt[0][1],
            'fdscope_p_s': statistics.median(cli),
            'fdscope_p_lines': run([FDSCOPE, '-p', str(pid)], count=True)[2],
        }
        pf['line_fraction'] = pf['filtered_lines'] / max(pf['full_lines'], 1)
        pf['time_fraction'] = pf['filtered_read_s'] / pf['full_read_s']
        log(f'scale: pid filter: {pf["filtered_read_s"] * 1e3:.1f} ms for '
            f'{pf["filtered_lines"]} lines vs {pf["full_read_s"]:.2f} s for '
            f'{pf["full_lines"]}; fdscope -p {pf["fdscope_p_s"]:.3f} s')
        # Completeness: the files dump has a record for every fd the tasks file counts.
        nfds = 0
        with open(RAW[2]) as f:
            for line in f:
                if not line.startswith('#'):
                    v = line.split()[5]
                    nfds += int(v) if v != '-' else 0
        sc['complete'] = {'tasks_nfds': nfds, 'files_records': read_file(RAW[0])[1] - 1,
                          'workload_fds': sc['total_fds']}
        drop_caches()
        sc['slab_after'] = slab()
    finally:
        wl.stop()
    sc['after'] = measure(names, args.runs, 0, 'scale: 100k after', warmup=False)
    # The 100k reference: the median of every bracketing run.
    sc['base'] = {}
    for n in names:
        m = {'cmd': sc['before'][n]['cmd'], 'lines': sc['before'][n]['lines'],
             'times': sc['before'][n]['times'] + sc['after'][n]['times']}
        sc['base'][n] = summarize(m)


def klog_problems(skip_lines):
    out = subprocess.run(['dmesg'], capture_output=True, text=True).stdout.splitlines()
    return [line for line in out[skip_lines:] if BAD_KLOG.search(line)][:5]


def environment():
    def first(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return None

    lsof = subprocess.run(['lsof', '-v'], capture_output=True, text=True).stderr
    m = re.search(r'revision: (\S+)', lsof)
    with open('/proc/cpuinfo') as f:
        cpu = re.search(r'model name\s*:\s*(.*)', f.read())
    return {
        'kernel': platform.release(),
        'cpus': os.cpu_count(),
        'cpu_model': cpu.group(1) if cpu else None,
        'mem_total_kb': meminfo()['MemTotal'],
        'virt': 'QEMU TCG, no KVM',
        'lsof': m.group(1) if m else None,
        'lsfd': first(['lsfd', '--version']),
        'ss': first(['ss', '-V']),
        'locale': os.environ.get('LANG'),
        'date': time.strftime('%Y-%m-%d %H:%M:%S %Z'),
    }


def verdicts(res):
    """The issue's targets: (target, value, goal, kind, verdict)."""
    p = res.get('peers') or {}
    th = res.get('threads')
    sc = res.get('scale')
    rows = []

    def add(label, kind, goal, val, paired=None):
        """@paired, when given, is the round-by-round ratio and decides."""
        judged = val if paired is None else paired
        if judged is None:
            v = 'n/a'
        elif kind == 'x':
            v = 'met' if judged >= goal else 'NOT met'
        elif kind == 'le':
            v = 'met' if judged <= goal else 'NOT met'
        else:
            v = 'info'
        rows.append({'target': label, 'value': val, 'paired': paired, 'goal': goal,
                     'kind': kind, 'verdict': v})

    def faster(label, goal, tools, ours, peer):
        a, b = tools.get(ours), tools.get(peer)
        add(label, 'x', goal, ratio(a, b), paired_ratio(a, b))

    faster('raw dump (cat files sockets tasks) vs lsof -n -P', 20, p, 'raw-all', 'lsof')
    faster('raw dump (cat files sockets tasks) vs lsfd', 10, p, 'raw-all', 'lsfd')
    faster('fdscope (default table) vs lsof -n -P', 20, p, 'fdscope', 'lsof')
    faster('fdscope -r vs lsof -n -P', 20, p, 'fdscope-r', 'lsof')
    faster('fdscope -J vs lsof -n -P', 20, p, 'fdscope-J', 'lsof')
    faster('fdscope -J vs lsfd -J', 20, p, 'fdscope-J', 'lsfd-J')
    faster('sockets dump (cat sockets) vs ss -tuxanp', 3, p, 'raw-sockets', 'ss')
    add('files per-line cost / /proc/net/unix per-line', 'le', 2,
        per_line_ratio(p.get('read-files'), p.get('read-unix')))
    add('sockets per-line cost / /proc/net/unix per-line', 'le', 2,
        per_line_ratio(p.get('read-sockets'), p.get('read-unix')))
    for n in ('fdscope', 'read-files'):
        v = None
        if th:
            v = th['with'][n]['median_s'] / th['without'][n]['median_s']
        add(f'threads: {n} with / without {th["threads"] if th else ""} threads', 'le', 1.5, v)
    v = None
    if th:
        v = int(th['with']['read-files']['lines'] == th['without']['read-files']['lines'])
    add('threads: shared table listed once (1 = same records)', 'x', 1, v)
    lin = growth = pidf = None
    if sc and sc.get('slab_after') and sc.get('base'):
        a, b = sc['base']['read-files'], sc['peers']['read-files']
        sc['time_ratio'] = b['median_s'] / a['median_s']
        sc['line_ratio'] = b['lines'] / a['lines']
        lin = sc['time_ratio'] / sc['line_ratio']
        growth = sc['slab_after']['sunreclaim_kb'] - sc['slab_before']['sunreclaim_kb']
        pf = sc['pid_filter']
        pidf = pf['time_fraction'] / max(pf['line_fraction'], 1e-9)
    add('scale: (1M/100k time ratio) / (line ratio); 1 = linear', 'le', 1.25, lin)
    add('scale: SUnreclaim growth over the 1M dumps, kB', 'info', None, growth)
    add('scale: pid filter time share / its line share', 'le', 2, pidf)
    ht = (res.get('holders') or {}).get('tools') or {}
    faster('holders: fdscope --holders MOUNT vs lsof MOUNT', 10, ht, 'fdscope-holders',
           'lsof-mount')
    faster('holders: fdscope --holders MOUNT vs fuser -m MOUNT', 10, ht, 'fdscope-holders',
           'fuser-m')
    mt = (res.get('maps') or {}).get('tools') or {}
    add('maps: holders per-line cost / /proc/PID/maps per-line', 'le', 2,
        per_line_ratio(mt.get('read-holders'), mt.get('read-maps')))
    lt = (res.get('locks') or {}).get('tools') or {}
    add('locks: locks per-line cost / /proc/locks per-line', 'le', 2,
        per_line_ratio(lt.get('read-locks'), lt.get('read-proc-locks')))
    add('locks: epoll per-line cost / /proc/PID/fdinfo per-line', 'info', None,
        per_line_ratio(lt.get('read-epoll'), lt.get('read-fdinfo')))
    return rows


def fmt(v, spec='.3f'):
    return '-' if v is None else format(v, spec)


def tool_lines(tools, vs=()):
    """One line per tool of a phase, with how many times faster than each of @vs."""
    out = []
    for n, m in tools.items():
        line = (f'  {n:<16} {m["cmd"][:46]:<46} {fmt(m["median_s"]):>8} s {fmt(m["lines"], "d"):>8} '
                f'lines {fmt(m["us_per_line"], ".1f"):>7} us/line')
        if m['rc']:
            line += f'  exit {m["rc"]}'
        for peer in vs:
            r = ratio(m, tools.get(peer))
            if r is not None and n not in vs:
                line += f'  {r:.1f}x vs {peer}'
        out.append(line)
    return out


def report_relations(res):
    """The holders, maps and locks phases."""
    out = []
    h = res.get('holders')
    if h and h.get('tools'):
        w = res['workload']
        out.append('')
        out.append(f'Holders: who holds {h["mount"]}, the tmpfs of the {w["total"]}-fd workload; '
                   f'medians of {res["args"]["runs"]} ({res["args"]["peer_runs"]} for lsof, '
                   'fuser):')
        out += tool_lines(h['tools'], HOLDERS_PEERS)
        for n, f in h['found'].items():
            out.append(f'  {n} names {f["rows"]} holders in {f["pids"]} processes, '
                       f'{f["missing_workload_pids"]} of the workload\'s missing (exit {f["rc"]})')
    mp = res.get('maps')
    if mp and mp.get('tools'):
        w = mp['workload']
        out.append('')
        out.append(f'Maps: {w["procs"]} processes x {mp["maps_per_proc"]} one-page file mappings '
                   f'({mp["mem_records"]} mem records, {mp["file_maps"]} file lines in their '
                   f'maps); in-process reads, medians of {res["args"]["runs"]}:')
        out += tool_lines(mp['tools'])
        r = per_line_ratio(mp['tools'].get('read-holders'), mp['tools'].get('read-maps'))
        out.append(f'  per-line cost, holders / maps: {fmt(r, ".2f")}')
    lk = res.get('locks')
    if lk and lk.get('tools'):
        w = lk['workload']
        out.append('')
        out.append(f'Locks: {w["procs"]} processes x {lk["locks_per_proc"]} locks, '
                   f'{lk["epolls"]} epolls watching {lk["tfd_lines"]} fds; medians of '
                   f'{res["args"]["runs"]}:')
        out += tool_lines(lk['tools'])
        t = lk['tools']
        out.append('  per-line cost, locks / /proc/locks: '
                   f'{fmt(per_line_ratio(t.get("read-locks"), t.get("read-proc-locks")), ".2f")}; '
                   'epoll / fdinfo: '
                   f'{fmt(per_line_ratio(t.get("read-epoll"), t.get("read-fdinfo")), ".2f")}')
    return out


def report(res):
    out = []
    e = res['env']
    out.append(f'fdscope benchmark {e["date"]}: kernel {e["kernel"]}, {e["cpus"]} vCPUs, '
               f'{e["mem_total_kb"] // 1024} MiB, {e["virt"]}, LANG={e["locale"]}')
    out.append(f'peers: lsof {e["lsof"]}, {e["lsfd"]}, {e["ss"]}')
    p = res.get('peers')
    if p:
        w = res['workload']
        a = res['args']
        out.append('')
        out.append(f'{w["procs"]} processes x {w["fds"]} fds = {w["total"]} fds (set up in '
                   f'{w["setup_s"]:.0f} s). Medians of {a["runs"]} runs ({a["peer_runs"]} for '
                   f'ss, lsof, lsfd), stdout to /dev/null; "read-" rows are in-process reads.')
        out.append(f'{"tool":<12} {"command":<40} {"median s":>9} {"min":>8} {"max":>8} '
                   f'{"lines":>8} {"us/line":>8} {"vs lsof":>8} {"vs lsfd":>8} {"vs ss":>7}')
        for n, m in p.items():
            def vs(peer):
                r = ratio(m, p.get(peer))
                ours = n.startswith(('raw-', 'read-', 'fdscope'))
                return f'{r:.1f}x' if r is not None and ours else '-'
            out.append(f'{n:<12} {m["cmd"][:40]:<40} {fmt(m["median_s"]):>9} '
                       f'{fmt(m["min_s"]):>8} {fmt(m["max_s"]):>8} {fmt(m["lines"], "d"):>8} '
                       f'{fmt(m["us_per_line"], ".1f"):>8} {vs("lsof"):>8} {vs("lsfd"):>8} '
                       f'{vs("ss"):>7}')
    for tag in ('', 'A', 'B'):
        prof = res.get('profile' + tag)
        if not prof:
            continue
        out.append('')
        out.append(f'Profile{tag and " of module " + tag} (perf cpu-clock, self time, '
                   'full dump):')
        for name, v in prof.items():
            if 'top' in v:
                out.append(f'  {name}: ' + ', '.join(f'{s} {q:.1f}%' for q, s in v['top'][:12]))
            else:
                out.append(f'  {name}: {v.get("error", prof.get("error"))}')
    lat = res.get('latency')
    if lat:
        out.append('')
        out.append(f'Latency of open()+close() in a process holding {lat["filler_fds"]} fds, '
                   f'{lat["seconds"]:g} s each, microseconds:')
        for k in ('idle', 'during_dump'):
            v = lat[k]
            out.append(f'  {k:<12} {v["iterations"]:>8.0f} loops  mean {v["mean_us"]:.1f}  '
                       f'p50 {v["p50_us"]:.1f}  p99 {v["p99_us"]:.1f}  p99.9 {v["p999_us"]:.1f}  '
                       f'max {v["max_us"]:.1f}')
    ab = res.get('ab')
    if ab:
        a, b = ab['modules']
        out.append('')
        out.append(f'A/B: two module builds alternated {ab["rounds"]} rounds in this boot, '
                   'in-process reads, medians:')
        out.append(f'  A = {a}')
        out.append(f'  B = {b}')
        ma, mb, nl = ab['median_s'][a], ab['median_s'][b], ab['lines']
        for n, ta in ma.items():
            tb = mb[n]
            d = ab['same_output'].get(n)
            line = f'  {n:<8} A {ta:.3f} s  B {tb:.3f} s  A/B {ta / tb:.2f}x'
            if d:
                line += (f'  ({d["lines_a"]} vs {d["lines_b"]} records, {d["differing"]} '
                         f'differ in the {len(d.get("columns", []))} columns both have, '
                         'identities masked)')
            else:
                line += f'  (/proc/net/unix, {nl[n]} lines: the control)'
            out.append(line)
        for n in ('files', 'sockets'):
            pa = (ma[n] / nl[n]) / (ma['unix'] / nl['unix'])
            pb = (mb[n] / nl[n]) / (mb['unix'] / nl['unix'])
            out.append(f'  {n} per-line cost / /proc/net/unix per-line: A {pa:.2f}, B {pb:.2f}')
    th = res.get('threads')
    if th:
        w = th['workload']
        out.append('')
        out.append(f'Threads: {w["procs"]} x {w["fds"]} = {w["total"]} fds; rounds alternate '
                   f'without and with {th["threads"]} threads in process 0 sharing its table '
                   f'({th["tasks"]} tasks); medians of {res["args"]["runs"]}:')
        for n in th['with']:
            a, b = th['without'][n], th['with'][n]
            out.append(f'  {n:<11} without {a["median_s"]:.3f} s ({a["lines"]} lines)  '
                       f'with {b["median_s"]:.3f} s ({b["lines"]} lines)  '
                       f'ratio {b["median_s"] / a["median_s"]:.2f}')
    sc = res.get('scale')
    if sc and sc.get('slab_after') and sc.get('base'):
        w, b = sc['workload'], sc['base_workload']
        out.append('')
        out.append(f'Scale: the {b["total"]} fds above plus {w["procs"]} x {w["fds"]} = '
                   f'{sc["total_fds"]} fds (the extra set up in {w["setup_s"]:.0f} s); medians of '
                   f'{res["args"]["scale_runs"]} runs at 1M, of {2 * res["args"]["runs"]} at '
                   '100k (half right before the extra processes start, half after they exit):')
        for n, m in sc['peers'].items():
            base = sc['base'][n]
            out.append(f'  {n:<12} 1M {fmt(m["median_s"]):>8} s {m["lines"]:>8} lines '
                       f'{fmt(m["us_per_line"], ".1f"):>5} us/line;  100k '
                       f'{fmt(base["median_s"]):>6} s {base["lines"]:>7} lines '
                       f'{fmt(base["us_per_line"], ".1f"):>5} us/line;  time x'
                       f'{m["median_s"] / base["median_s"]:.2f} for lines x'
                       f'{m["lines"] / base["lines"]:.2f}')
        pf = sc['pid_filter']
        out.append(f'  pid filter, pid {pf["pid"]} ({pf["fds_of_pid"]} fds): '
                   f'{pf["filtered_read_s"] * 1e3:.1f} ms for {pf["filtered_lines"]} lines '
                   f'vs {pf["full_read_s"] * 1e3:.0f} ms for {pf["full_lines"]}: '
                   f'{pf["time_fraction"] * 100:.2f}% of the time for '
                   f'{pf["line_fraction"] * 100:.2f}% of the lines; `fdscope -p` '
                   f'{pf["fdscope_p_s"] * 1e3:.0f} ms ({pf["fdscope_p_lines"]} lines)')
        c = sc['complete']
        out.append(f'  complete: {c["files_records"]} files records, tasks count '
                   f'{c["tasks_nfds"]} fds (workload {c["workload_fds"]})')
        for k, what in (('slab_base', '100k fds'), ('slab_before', '1M fds, before the dumps'),
                        ('slab_after', '1M fds, after the dumps')):
            s = sc[k]
            out.append(f'  slab at {what}: Slab {s["slab_kb"]} kB, SUnreclaim {s["sunreclaim_kb"]} kB, '
                       + ', '.join(f'{c} {v}' for c, v in sorted(s['objects'].items())))
    out += report_relations(res)
    if 'klog' in res:
        out.append('')
        out.append('Kernel log after the start: ' +
                   ('no soft lockup, RCU stall, hung task or WARNING' if not res['klog']
                    else 'PROBLEMS: ' + ' | '.join(res['klog'])))
    if res.get('targets'):
        out.append('')
        out.append('"x faster" targets: "medians" is the ratio of the two medians, "paired" '
                   'the median of the ratios round by round, which decides')
        out.append(f'{"target":<58} {"medians":>8} {"paired":>8} {"goal":>7}  verdict')
        for t in res['targets']:
            v, g = t['value'], t['goal']
            goal = '-' if g is None else (f'>={g}x' if t['kind'] == 'x' else f'<={g}')
            val = 'n/a' if v is None else (f'{v:.1f}x' if t['kind'] == 'x' else f'{v:.2f}')
            pv = t.get('paired')
            paired = '-' if pv is None else f'{pv:.1f}x'
            out.append(f'{t["target"]:<58} {val:>8} {paired:>8} {goal:>7}  {t["verdict"]}')
    if 'elapsed_s' in res:
        out.append(f'\nbenchmark time in the guest: {res["elapsed_s"] / 60:.1f} min')
    for f in res.get('failures', []):
        out.append(f'FAILURE: {f}')
    return '\n'.join(out) + '\n'


def smoke_checks(res):
    p = res.get('peers') or {}
    f = res['failures']
    for n in TOOLS:
        m = p.get(n)
        if not m:
            f.append(f'{n}: not measured')
            continue
        if n != 'cat-floor' and (m['lines'] or 0) < 2:
            f.append(f'{n}: produced {m["lines"]} lines (stderr: {m["stderr"]})')
        if m['rc']:
            f.append(f'{n}: exited {m["rc"]} (stderr: {m["stderr"]})')
        if m['median_s'] is None:
            f.append(f'{n}: no timing')
    w = res.get('workload')
    if p.get('raw-files') and w and (p['raw-files']['lines'] or 0) < w['total']:
        f.append(f'raw-files: {p["raw-files"]["lines"]} lines for {w["total"]} workload fds')
    th = res.get('threads')
    if not th or th['tasks'] != res['args']['threads'] + 1:
        f.append(f'threads: expected {res["args"]["threads"] + 1} tasks in process 0, '
                 f'got {th and th["tasks"]}')
    elif th['with']['read-files']['lines'] != th['without']['read-files']['lines']:
        f.append('threads: the shared table was not listed exactly once')
    if not res.get('latency'):
        f.append('latency: no result')
    if res['args']['ab'] and not res.get('ab'):
        f.append('ab: no result')
    smoke_relations(res, f)
    res['smoke_ok'] = not f


def smoke_relations(res, f):
    """The holders, maps and locks phases ran, and each tool saw the workload."""
    skip = set(filter(None, res['args']['skip'].split(',')))
    for phase, names in (('holders', ('raw-holders', 'fdscope-holders', 'lsof-mount',
                                      'fuser-m')),
                         ('maps', ('read-holders', 'read-maps')),
                         ('locks', ('read-locks', 'read-proc-locks', 'read-epoll',
                                    'read-fdinfo', 'fdscope-locks'))):
        if phase in skip:
            continue
        tools = (res.get(phase) or {}).get('tools') or {}
        for n in names:
            m = tools.get(n)
            if not m or m['median_s'] is None:
                f.append(f'{phase}: {n}: not measured')
            elif m['rc'] or (n != 'fuser-m' and (m['lines'] or 0) < 2):
                f.append(f'{phase}: {n}: exit {m["rc"]}, {m["lines"]} lines '
                         f'(stderr: {m["stderr"]})')
    h = res.get('holders')
    if 'holders' not in skip and h:
        for n, x in h['found'].items():
            if x['rc'] or x['missing_workload_pids']:
                f.append(f'holders: {n} exited {x["rc"]}, missing '
                         f'{x["missing_workload_pids"]} workload processes')
    mp = res.get('maps')
    if 'maps' not in skip and mp:
        want = mp['pids'] * mp['maps_per_proc']
        if mp['mem_records'] < want:
            f.append(f'maps: {mp["mem_records"]} mem records for {want} mappings')
    lk = res.get('locks')
    if 'locks' not in skip and lk and lk.get('tools'):
        want = lk['workload']['procs'] * lk['locks_per_proc']
        for n in ('read-locks', 'read-proc-locks'):
            if (lk['tools'][n]['lines'] or 0) < want:
                f.append(f'locks: {n}: {lk["tools"][n]["lines"]} lines for {want} locks')
        want = lk['workload']['procs'] * lk['watch_per_proc']
        if lk['tfd_lines'] < want or (lk['tools']['read-epoll']['lines'] or 0) < want:
            f.append(f'locks: {lk["tfd_lines"]} tfd lines, {lk["tools"]["read-epoll"]["lines"]} '
                     f'epoll lines for {want} watched fds')


def run_phases(args, skip, res):
    if not {'peers', 'profile', 'latency', 'holders', 'scale'} <= skip or args.ab:
        wl = Workload(args.procs, args.fds, 0, BENCH_MOUNT, mount=True)
        res['workload'] = wl.info()
        try:
            if 'peers' not in skip:
                phase_peers(args, res)
            if 'profile' not in skip:
                phase_profile(args, res)
            if 'latency' not in skip:
                phase_latency(args, res)
            if args.ab:
                phase_ab(args, res)
            if 'holders' not in skip:
                phase_holders(args, res, wl)
            if 'scale' not in skip:
                phase_scale(args, res, wl)
        finally:
            wl.stop()
    if 'maps' not in skip:
        phase_maps(args, res)
    if 'locks' not in skip:
        phase_locks(args, res)
    if 'threads' not in skip:
        phase_threads(args, res)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--smoke', action='store_true')
    ap.add_argument('--procs', type=int, default=100)
    ap.add_argument('--fds', type=int, default=1000)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--peer-runs', type=int, default=5)
    ap.add_argument('--threads', type=int, default=500)
    ap.add_argument('--threads-procs', type=int, default=10)
    ap.add_argument('--threads-fds', type=int, default=1000)
    ap.add_argument('--scale-procs', type=int, default=90)
    ap.add_argument('--scale-fds', type=int, default=10000)
    ap.add_argument('--scale-runs', type=int, default=5)
    ap.add_argument('--maps-procs', type=int, default=10)
    ap.add_argument('--maps-per-proc', type=int, default=10000)
    ap.add_argument('--locks-procs', type=int, default=10)
    ap.add_argument('--locks-fds', type=int, default=1500,
                    help='fds per process of the locks workload (80%% pipes and sockets)')
    ap.add_argument('--locks-per-proc', type=int, default=1000)
    ap.add_argument('--watch-per-proc', type=int, default=1000)
    ap.add_argument('--latency-seconds', type=float, default=10)
    ap.add_argument('--latency-filler', type=int, default=1000)
    ap.add_argument('--ab', default='', help='A.ko,B.ko: alternate two module builds '
                    'on the peers workload')
    ap.add_argument('--ab-rounds', type=int, default=6)
    ap.add_argument('--ab-profile', action='store_true', help='perf profile each of A and B')
    ap.add_argument('--skip', default='', help='comma-separated phases to skip: '
                    + ','.join(PHASES))
    ap.add_argument('--out', default=os.environ.get('FDSCOPE_OUT', '/tmp/bench-out'))
    args = ap.parse_args()
    if args.smoke:
        args.procs, args.fds, args.runs, args.peer_runs = 4, 100, 1, 1
        args.threads, args.threads_procs, args.threads_fds = 20, 2, 100
        args.latency_seconds, args.latency_filler = 1, 100
        args.ab_rounds = 2
        args.maps_procs, args.maps_per_proc = 2, 100
        args.locks_procs, args.locks_fds, args.locks_per_proc, args.watch_per_proc = \
            2, 200, 100, 50
        args.skip += ',profile,scale'
    skip = set(filter(None, args.skip.split(',')))
    unknown = skip - set(PHASES)
    if unknown:
        ap.error(f'unknown phases in --skip: {",".join(sorted(unknown))} '
                 f'(phases: {",".join(PHASES)})')
    if args.ab and len(args.ab.split(',')) != 2:
        ap.error('--ab takes two modules, A.ko,B.ko')
    os.makedirs(args.out, exist_ok=True)

    klog_start = len(subprocess.run(['dmesg'], capture_output=True, text=True)
                     .stdout.splitlines())
    res = {'args': vars(args), 'env': environment(), 'failures': []}
    log(f'{res["env"]["kernel"]}, {res["env"]["cpus"]} vCPUs, '
        f'{res["env"]["mem_total_kb"] // 1024} MiB')
    missing = [f for f in RAW if not os.path.exists(f)]
    if missing:
        res['failures'].append(f'{missing[0]} missing: is the module loaded?')
    else:
        # Room for the scale run: in one table and in the whole system.
        sysctl('fs.nr_open', max(1 << 20, args.scale_fds + 1024))
        sysctl('fs.file-max', 4 << 20)
        t0 = now()
        try:
            run_phases(args, skip, res)
        except Exception as exc:  # pylint: disable=broad-except
            res['failures'].append(f'{type(exc).__name__}: {exc}')
        res['elapsed_s'] = now() - t0
        res['klog'] = klog_problems(klog_start)
        if res['klog']:
            res['failures'].append('kernel log: ' + res['klog'][0])
    if args.smoke:
        smoke_checks(res)
    else:
        res['targets'] = verdicts(res)
    text = report(res)
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump(res, f, indent=1, default=str)
    with open(os.path.join(args.out, 'results.txt'), 'w') as f:
        f.write(text)
    print(text, end='', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
