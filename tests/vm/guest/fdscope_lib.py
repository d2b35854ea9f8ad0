# SPDX-License-Identifier: GPL-2.0
"""Shared helpers for the fdscope guest tests (python3 stdlib only).

Runs inside the test VM as root.  Everything the module prints is handled as
latin-1 text so that every byte maps to one character and nothing is lost.
"""

import ctypes
import errno
import glob
import os
import re
import select
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

DEBUGFS = '/sys/kernel/debug/fdscope'
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
FIXTURES = os.path.join(REPO, 'tests', 'fixtures')

# Documented columns (docs/format.md, version 1).
COLUMNS = {
    'files': ['pid', 'tid', 'comm', 'fd', 'table', 'cloexec', 'mode', 'flags',
              'pos', 'type', 'dev', 'ino', 'fileid', 'refs', 'deleted', 'path',
              'start', 'epolls', 'size', 'nlink'],
    'tasks': ['pid', 'tid', 'comm', 'uid', 'table', 'nfds', 'maxfds', 'pidns',
              'netns', 'start'],
    'sockets': ['pid', 'tid', 'comm', 'fd', 'fileid', 'ino', 'family', 'type',
                'proto', 'state', 'local', 'remote', 'rxq', 'txq', 'drops',
                'uid', 'netns', 'peer', 'inflight', 'backlog', 'groups', 'start',
                'cookie', 'shutdown'],
    'sockstats': ['pid', 'tid', 'comm', 'fd', 'fileid', 'ino', 'rtt', 'rttvar',
                  'rto', 'cwnd', 'ssthresh', 'unacked', 'retrans',
                  'total_retrans', 'rcv_space', 'snd_wnd', 'rmem', 'rcvbuf',
                  'wmem', 'sndbuf', 'fwd_alloc', 'wmem_queued', 'optmem',
                  'sk_backlog'],
    'holders': ['pid', 'tid', 'comm', 'assoc', 'fd', 'via', 'queue', 'sender',
                'slot', 'map_start', 'map_end', 'map_offset', 'map_prot',
                'status', 'count', 'type', 'dev', 'ino', 'fileid', 'refs',
                'deleted', 'path', 'start'],
}

# open flag bits (x86_64), in the documented output order.
FLAG_BITS = [
    ('append', 0o2000), ('async', 0o20000), ('direct', 0o40000),
    ('directory', 0o200000), ('dsync', 0o10000), ('largefile', 0o100000),
    ('noatime', 0o1000000), ('nofollow', 0o400000), ('nonblock', 0o4000),
    ('path', 0o10000000), ('sync', 0o4000000), ('tmpfile', 0o20000000),
]
O_CLOEXEC_BIT = 0o2000000
O_PATH_BIT = 0o10000000

KERNEL_PTR = re.compile(r'ffff[0-9a-f]{12}')
IDENTITY = re.compile(r'[0-9a-f]{15}')
MAX_DETAIL = 20


# ---------------------------------------------------------------- reporting

class Reporter:
    """Prints one PASS/FAIL/SKIP line per named check."""

    def __init__(self):
        self.failed = 0
        self.results = {}

    def result(self, name, problems, what=None, note=None):
        """problems: list of strings; empty means pass.  note: what a pass
        covered, shown after the name."""
        if problems:
            self.fail(name, problems, what)
        else:
            self.ok(name, note)

    def ok(self, name, note=None):
        self.results[name] = 'PASS'
        print(f'PASS: {name}' + (f' ({note})' if note else ''), flush=True)

    def fail(self, name, problems, what=None):
        """One FAIL line; with several problems (or a summary) the details
        follow, indented, at most MAX_DETAIL of them."""
        self.failed += 1
        self.results[name] = 'FAIL'
        if isinstance(problems, str):
            problems = [problems]
        if len(problems) == 1 and not what:
            print(f'FAIL: {name}: {oneline(problems[0])}', flush=True)
            return
        print(f'FAIL: {name}: {what or f"{len(problems)} mismatch(es)"}')
        for p in problems[:MAX_DETAIL]:
            print(f'    {oneline(p)}')
        if len(problems) > MAX_DETAIL:
            print(f'    ... and {len(problems) - MAX_DETAIL} more')
        sys.stdout.flush()

    def skip(self, name, why):
        self.results[name] = 'SKIP'
        print(f'SKIP: {name}: {oneline(why)}', flush=True)


def oneline(s):
    return str(s).replace('\n', '\\n')


# ------------------------------------------------------------ escaping

def escape(raw):
    """Escape bytes (or str, taken as UTF-8) as docs/format.md specifies;
    returns the field as latin-1 text."""
    if isinstance(raw, str):
        raw = raw.encode('utf-8', 'surrogateescape')
    if raw == b'':
        return '\\000'
    if raw == b'-':
        return '\\055'
    out = []
    for b in raw:
        if b <= 0x20 or b == 0x7f or b == 0x5c:
            out.append('\\%03o' % b)
        else:
            out.append(chr(b))
    return ''.join(out)


_ESC = re.compile(r'\\([0-7]{3})')


def unescape(field):
    """Field text -> bytes."""
    raw = _ESC.sub(lambda m: chr(int(m.group(1), 8)), field)
    return raw.encode('latin-1')


# ------------------------------------------------------------ reading debugfs

def read_fd_all(fd, chunk=1 << 16):
    parts = []
    while True:
        b = os.read(fd, chunk)
        if not b:
            break
        parts.append(b)
    return b''.join(parts)


def read_file(name, spec=None):
    """Read /sys/kernel/debug/fdscope/<name>; with spec (bytes) the file is
    opened read-write and the filter written first."""
    path = os.path.join(DEBUGFS, name)
    fd = os.open(path, os.O_RDWR if spec is not None else os.O_RDONLY)
    try:
        if spec is not None:
            n = os.write(fd, spec)
            if n != len(spec):
                raise OSError(errno.EIO, f'short filter write {n}/{len(spec)}')
        return read_fd_all(fd)
    finally:
        os.close(fd)


class Table:
    """One parsed fdscope file."""

    def __init__(self, name, raw):
        self.name = name
        self.raw = raw
        self.text = raw.decode('latin-1')
        self.problems = []      # format problems
        self.header = None
        self.version = None
        self.cols = []
        self.rows = []          # list of dicts (column -> field text)
        self.lines = []         # record lines without '\n'
        self._parse()

    def _parse(self):
        text = self.text
        if not text:
            self.problems.append('file is empty')
            return
        if not text.endswith('\n'):
            self.problems.append('output does not end with a newline')
        lines = text.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        self.header = lines[0]
        toks = self.header.split(' ')
        if len(toks) < 3 or toks[0] != '#' or toks[1] != f'fdscope-{self.name}':
            self.problems.append(f'bad header {self.header[:120]!r}')
            return
        self.version = toks[2]
        self.cols = toks[3:]
        ncol = len(self.cols)
        for ln, line in enumerate(lines[1:], 2):
            f = line.split(' ')
            if len(f) != ncol:
                self.problems.append(f'line {ln}: {len(f)} fields, header has '
                                     f'{ncol}: {line[:160]!r}')
                continue
            self.lines.append(line)
            self.rows.append(dict(zip(self.cols, f)))

    def col_index(self):
        return {c: i for i, c in enumerate(self.cols)}


def check_header(t, extra_problems=None):
    """Problems with the header of a parsed Table."""
    p = []
    if t.header is None:
        return ['no header']
    if t.version != '1':
        p.append(f'version {t.version!r}, expected 1: {t.header[:120]!r}')
    missing = [c for c in COLUMNS[t.name] if c not in t.cols]
    if missing:
        p.append(f'missing columns {missing} in {t.header!r}')
    dups = sorted({c for c in t.cols if t.cols.count(c) > 1})
    if dups:
        p.append(f'duplicate columns {dups}')
    bad = [c for c in t.cols if not re.fullmatch(r'[a-z0-9_]+', c)]
    if bad:
        p.append(f'odd column names {bad}')
    return p + (extra_problems or [])


_VALID_FIELD = re.compile(r'(?:[\x21-\x5b\x5d-\x7e\x80-\xff]|\\[0-7]{3})+')

NUM = re.compile(r'[0-9]+')


def check_format(t):
    """Problems with the record lines of a parsed Table (any file)."""
    p = list(t.problems)
    ids = [c for c in ('table', 'fileid') if c in t.cols]
    nums = {'files': ['pid', 'fd', 'pos', 'ino', 'refs'],
            'tasks': ['pid', 'uid', 'pidns'],
            'sockets': ['pid', 'fd', 'ino', 'rxq', 'txq', 'drops', 'uid',
                        'netns'],
            'sockstats': ['pid', 'fd', 'ino', 'rcvbuf', 'sndbuf']}.get(t.name, ['pid'])
    for i, r in enumerate(t.rows):
        line = t.lines[i]
        where = f'{t.name} record {i + 1} (pid {r.get("pid")} fd {r.get("fd")})'
        for c, v in r.items():
            if not _VALID_FIELD.fullmatch(v):
                p.append(f'{where}: column {c}: badly escaped or empty '
                         f'field {v[:80]!r}')
            if KERNEL_PTR.search(v):
                p.append(f'{where}: column {c}: looks like a kernel pointer '
                         f'{v[:80]!r}')
        for c in ids:
            v = r[c]
            if not (IDENTITY.fullmatch(v) or (t.name == 'tasks' and v == '-')):
                p.append(f'{where}: {c} {v!r} is not 15 lowercase hex digits')
        for c in nums:
            if c in r and not NUM.fullmatch(r[c]):
                p.append(f'{where}: {c} {r[c]!r} is not a number')
        if 'tid' in r and r['tid'] != '-' and not NUM.fullmatch(r['tid']):
            p.append(f'{where}: tid {r["tid"]!r}')
        if t.name == 'files':
            if r['cloexec'] not in ('0', '1'):
                p.append(f'{where}: cloexec {r["cloexec"]!r}')
            if r['deleted'] not in ('0', '1'):
                p.append(f'{where}: deleted {r["deleted"]!r}')
            if r['mode'] not in ('r', 'w', 'rw', '-'):
                p.append(f'{where}: mode {r["mode"]!r}')
            if r['flags'] != '-':
                names = r['flags'].split(',')
                order = [n for n, _ in FLAG_BITS]
                if any(n not in order for n in names) or \
                        [order.index(n) for n in names] != \
                        sorted(order.index(n) for n in names if n in order) or \
                        len(set(names)) != len(names):
                    p.append(f'{where}: flags {r["flags"]!r}')
            if not re.fullmatch(r'[0-9]+:[0-9]+', r['dev']):
                p.append(f'{where}: dev {r["dev"]!r}')
            if NUM.fullmatch(r['refs']) and int(r['refs']) < 1:
                p.append(f'{where}: refs {r["refs"]} < 1')
            if not re.fullmatch(r'[A-Za-z0-9_.:\-\[\]]+', r['type']):
                p.append(f'{where}: type {r["type"]!r}')
        if t.name == 'tasks':
            # no table (exiting): nfds and maxfds may be "-" too
            for c in ('nfds', 'maxfds'):
                if not NUM.fullmatch(r[c]) and not (r['table'] == '-' and
                                                    r[c] == '-'):
                    p.append(f'{where}: {c} {r[c]!r} is not a number')
            if r['netns'] != '-' and not NUM.fullmatch(r['netns']):
                p.append(f'{where}: netns {r["netns"]!r}')
            if NUM.fullmatch(r['nfds']) and NUM.fullmatch(r['maxfds']) and \
                    int(r['maxfds']) < int(r['nfds']):
                p.append(f'{where}: maxfds {r["maxfds"]} < nfds {r["nfds"]}')
        if len(line) > 1 << 16:
            p.append(f'{where}: line of {len(line)} bytes')
    return p


def check_order(t):
    """docs/format.md: records come in order of the owning thread's id (the
    leader's for a process), then of fd; each (owner, fd) once."""
    p = []
    last = None
    for i, r in enumerate(t.rows):
        try:
            owner = int(r['pid'] if r['tid'] == '-' else r['tid'])
            key = (owner, int(r['fd'])) if 'fd' in r else (owner,)
        except ValueError:
            continue
        if last is not None and key <= last:
            p.append(f'{t.name} record {i + 1}: (owner, fd) {key} after {last}')
        last = key
    return p


def rows_by(t, *keys):
    out = {}
    for r in t.rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


# ------------------------------------------------------------ kcmp

KCMP_FILE = 0
KCMP_FILES = 2
_SYS_KCMP = 312           # x86_64
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def kcmp(pid1, pid2, typ, idx1=0, idx2=0):
    """0 equal, 1 less, 2 greater; raises OSError."""
    r = _libc.syscall(ctypes.c_long(_SYS_KCMP), ctypes.c_long(pid1),
                      ctypes.c_long(pid2), ctypes.c_long(typ),
                      ctypes.c_ulong(idx1), ctypes.c_ulong(idx2))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, f'kcmp({pid1}, {pid2}, {typ}, {idx1}, {idx2}): '
                         f'{os.strerror(e)}')
    return r


def kcmp_classes(items, typ, key):
    """Partition items (list) into equivalence classes of the kernel object
    kcmp compares.  key(item) -> (pid, idx).  Items kcmp fails on are
    returned separately.  Returns (list of lists, failed list)."""
    import functools
    ok, failed = [], []
    for it in items:
        pid, idx = key(it)
        try:
            kcmp(pid, pid, typ, idx, idx)
            ok.append(it)
        except OSError:
            failed.append(it)

    def cmp(a, b):
        pa, ia = key(a)
        pb, ib = key(b)
        r = kcmp(pa, pb, typ, ia, ib)
        if r == 0:
            return 0
        if r == 1:
            return -1
        if r == 2:
            return 1
        raise OSError(errno.EINVAL, f'kcmp returned {r}')
    try:
        ok.sort(key=functools.cmp_to_key(cmp))
    except OSError:
        # Something vanished mid-sort: fall back to pairwise grouping.
        classes = []
        for it in ok:
            for c in classes:
                try:
                    if cmp(c[0], it) == 0:
                        c.append(it)
                        break
                except OSError:
                    failed.append(it)
                    break
            else:
                classes.append([it])
        return classes, failed
    classes = []
    for it in ok:
        if classes:
            try:
                if cmp(classes[-1][0], it) == 0:
                    classes[-1].append(it)
                    continue
            except OSError:
                failed.append(it)
                continue
        classes.append([it])
    return classes, failed


def partition_problems(classes, label, value, describe):
    """classes: the true partition (list of lists of items).  value(item) is
    what fdscope printed for the identity.  Returns mismatch strings: items in
    one true class with different values, and one value spanning classes."""
    p = []
    seen = {}
    for ci, c in enumerate(classes):
        vals = {value(it) for it in c}
        if len(vals) > 1:
            p.append(f'{label} differs although the kernel object is the same: '
                     + ', '.join(f'{describe(it)}={value(it)}' for it in c[:6]))
        for v in vals:
            if v in seen and seen[v] != ci:
                other = classes[seen[v]][0]
                p.append(f'{label} {v} shared by different objects: '
                         f'{describe(other)} and {describe(c[0])}')
            seen.setdefault(v, ci)
    return p


# ------------------------------------------------------------ /proc

def task_dir(pid, tid):
    """tid is '-' (or None) for the group leader's table."""
    if tid in (None, '-'):
        return f'/proc/{pid}'
    return f'/proc/{pid}/task/{tid}'


def read_text(path, default=None):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('latin-1')
    except OSError:
        return default


def list_fds(tdir):
    try:
        return sorted(int(x) for x in os.listdir(f'{tdir}/fd'))
    except OSError:
        return None


def readlink_b(path):
    try:
        return os.readlink(path.encode())
    except OSError:
        return None


def fdinfo(tdir, fd):
    txt = read_text(f'{tdir}/fdinfo/{fd}')
    if txt is None:
        return None
    d = {}
    for line in txt.split('\n'):
        k, _, v = line.partition(':')
        if k in ('pos', 'flags', 'mnt_id', 'ino'):
            d[k] = v.strip()
    return d


def status_field(tdir, key):
    txt = read_text(f'{tdir}/status', '')
    for line in txt.split('\n'):
        if line.startswith(key + ':'):
            return line.split(':', 1)[1].split()
    return None


def mountinfo(pid):
    """mnt_id -> 'major:minor' (the superblock's s_dev)."""
    out = {}
    for line in read_text(f'/proc/{pid}/mountinfo', '').split('\n'):
        f = line.split(' ')
        if len(f) > 3:
            out[f[0]] = f[2]
    return out


def flags_symbolic(flags):
    names = [n for n, b in FLAG_BITS if flags & b]
    return ','.join(names) if names else '-'


def mode_of(flags):
    if flags & O_PATH_BIT:
        return '-'
    return {0: 'r', 1: 'w', 2: 'rw'}.get(flags & 3, '-')


def type_of(link, st_mode):
    if link is not None and link.startswith(b'anon_inode:'):
        name = link[len(b'anon_inode:'):]
        if name.startswith(b'[') and name.endswith(b']'):
            name = name[1:-1]
        return name.decode('latin-1')
    if st_mode is None:
        return None
    for test, name in ((stat.S_ISREG, 'REG'), (stat.S_ISDIR, 'DIR'),
                       (stat.S_ISCHR, 'CHR'), (stat.S_ISBLK, 'BLK'),
                       (stat.S_ISFIFO, 'FIFO'), (stat.S_ISSOCK, 'SOCK'),
                       (stat.S_ISLNK, 'LNK')):
        if test(st_mode):
            return name
    return 'UNKN'


def proc_fd_truth(pid, tid, fd, mnt=None):
    """What /proc says about one fd: a dict with the files columns that can be
    derived (values formatted as fdscope formats them), or None if gone."""
    tdir = task_dir(pid, tid)
    link = readlink_b(f'{tdir}/fd/{fd}')
    info = fdinfo(tdir, fd)
    if link is None or info is None:
        return None
    try:
        st = os.stat(f'{tdir}/fd/{fd}')
    except OSError:
        st = None
    flags = int(info['flags'], 8)
    d = {
        'fd': str(fd),
        'cloexec': '1' if flags & O_CLOEXEC_BIT else '0',
        'mode': mode_of(flags),
        'flags': flags_symbolic(flags & ~O_CLOEXEC_BIT),
        'pos': info['pos'],
        'type': type_of(link, st.st_mode if st else None),
        'ino': info.get('ino') or (str(st.st_ino) if st else None),
        'deleted': '1' if link.endswith(b' (deleted)') and
        not link.startswith(b'anon_inode:') else '0',
        'path': escape(link),
        '_link': link,
        '_flags': flags,
    }
    dev = None
    if mnt is not None and info.get('mnt_id') in mnt:
        dev = mnt[info['mnt_id']]
    elif st is not None:
        dev = f'{os.major(st.st_dev)}:{os.minor(st.st_dev)}'
    d['dev'] = dev
    if st is not None:
        d['_st'] = st
    return d


def comm_of(pid, tid):
    c = read_text(f'{task_dir(pid, tid)}/comm')
    if c is None:
        return None
    return escape(c[:-1] if c.endswith('\n') else c)


def ns_ino(pid, tid, ns):
    try:
        return str(os.stat(f'{task_dir(pid, tid)}/ns/{ns}').st_ino)
    except OSError:
        return None


def snapshot():
    """A picture of every process: pid -> dict with comm, euid, state and
    owners: {tid_or_'-': {fd: link}} for the leader's table and every thread
    with a table of its own (found with kcmp)."""
    snap = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        pid = int(name)
        tdir = f'/proc/{pid}'
        st = status_field(tdir, 'State')
        if st is None:
            continue
        uid = status_field(tdir, 'Uid')
        owners = {'-': _links(tdir)}
        try:
            tids = sorted(int(t) for t in os.listdir(f'{tdir}/task'))
        except OSError:
            tids = []
        for t in tids:
            if t == pid:
                continue
            try:
                if kcmp(pid, t, KCMP_FILES) != 0:
                    owners[str(t)] = _links(f'{tdir}/task/{t}')
            except OSError:
                owners[str(t)] = None
        stat_txt = read_text(f'{tdir}/stat', '')
        try:
            pflags = int(stat_txt[stat_txt.rindex(')') + 2:].split()[6])
        except (ValueError, IndexError):
            pflags = 0
        snap[pid] = {
            'comm': comm_of(pid, None),
            'kthread': bool(pflags & 0x00200000),     # PF_KTHREAD
            'euid': uid[1] if uid else None,
            'state': st[0],
            'threads': tuple(tids),
            'owners': owners,
        }
    return snap


def _links(tdir):
    fds = list_fds(tdir)
    if fds is None:
        return None
    return {fd: readlink_b(f'{tdir}/fd/{fd}') for fd in fds}


def stable_pids(s1, s2, exclude=()):
    return sorted(p for p in s1 if p in s2 and s1[p] == s2[p]
                  and p not in exclude and s1[p]['state'] not in ('Z', 'X')
                  and all(v is not None for v in s1[p]['owners'].values()))


# ------------------------------------------------------------ fixtures

def build_fixtures():
    exe = [os.path.join(FIXTURES, n) for n in ('fd_fixture', 'sock_fixture', 'leak_fixture')]
    srcs = [e + '.c' for e in exe]
    if all(os.path.exists(e) and os.path.getmtime(e) >= os.path.getmtime(s)
           for e, s in zip(exe, srcs)):
        return None
    r = subprocess.run(['make', '-s', '-C', FIXTURES], capture_output=True,
                       text=True)
    if r.returncode != 0:
        return f'make -C tests/fixtures failed: {r.stderr.strip()[-400:]}'
    return None


class Workdir:
    """A fresh directory on a tmpfs of its own (falls back to a plain
    temporary directory if mounting is not possible)."""

    def __init__(self, tag):
        self.path = tempfile.mkdtemp(prefix=f'fdscope-{tag}-')
        self.mounted = subprocess.run(
            ['mount', '-t', 'tmpfs', '-o', 'size=16m,mode=0755',
             f'fdscope-{tag}', self.path],
            capture_output=True).returncode == 0

    def cleanup(self):
        if self.mounted:
            subprocess.run(['umount', '-l', self.path], capture_output=True)
        shutil.rmtree(self.path, ignore_errors=True)


class Fixture:
    """Runs a fixture binary; it prints 'ready' once its manifest is
    written and exits when its stdin is closed."""

    def __init__(self, binary, workdir, timeout=120):
        self.manifest_path = os.path.join(tempfile.mkdtemp(prefix='fdscope-m-'),
                                          'manifest')
        self.work = os.path.join(workdir, 'w')
        os.mkdir(self.work)
        self.errpath = self.manifest_path + '.err'
        err = open(self.errpath, 'wb')
        try:
            self.proc = subprocess.Popen(
                [os.path.join(FIXTURES, binary), self.manifest_path,
                 self.work],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                close_fds=True)
        finally:
            err.close()
        deadline = time.monotonic() + timeout
        line = b''
        while not line.endswith(b'\n'):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                break
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                continue
            b = os.read(self.proc.stdout.fileno(), 1)
            if not b:
                break
            line += b
        if line != b'ready\n':
            why = read_text(self.errpath, '').strip()[-500:]
            self.stop()
            raise RuntimeError(f'{binary} did not get ready '
                               f'(got {line!r}): {why}')
        self.records = parse_manifest(self.manifest_path)

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(os.path.dirname(self.manifest_path), ignore_errors=True)


def parse_manifest(path):
    """-> list of (kind, dict); values stay escaped (format.md rules)."""
    out = []
    with open(path, 'rb') as f:
        for line in f.read().decode('latin-1').split('\n'):
            if not line or line.startswith('#'):
                continue
            toks = line.split(' ')
            d = {}
            for t in toks[1:]:
                k, _, v = t.partition('=')
                d[k] = v
            out.append((toks[0], d))
    return out


# ------------------------------------------------------------ misc

def lockdown_blocks_writes():
    txt = read_text('/sys/kernel/security/lockdown', '')
    return '[none]' not in txt and '[' in txt


def have_debugfs_files():
    missing = [n for n in COLUMNS if not os.path.exists(os.path.join(DEBUGFS, n))]
    return missing


def require_root(rep, prefix):
    if os.geteuid() != 0:
        rep.fail(f'{prefix}-setup', 'must run as root')
        return False
    return True


def sock_ino_of_link(link):
    m = re.fullmatch(rb'socket:\[([0-9]+)\]', link or b'')
    return int(m.group(1)) if m else None


def inet_ntop6(b):
    return socket.inet_ntop(socket.AF_INET6, b)


# ------------------------------------------------------------ installing

class OutOfTreeDepmod:
    """While active, depmod indexes only out-of-tree modules (extra/,
    updates/): a full depmod reads every module of a kernel through 9p,
    minutes under TCG for 6.1 and over 20 for 6.12's xz-compressed ones.
    fdscope needs no other module.  On exit every kernel's own index files
    are put back, for the tests that run after this one in the same boot.
    Use as a context manager; nothing of it outlives the throwaway overlay.
    """

    INDEX = '/lib/modules/*/modules.*'
    CONF = '/etc/depmod.d/zz-fdscope-vm-test.conf'

    def __enter__(self):
        self.saved = {p: open(p, 'rb').read() for p in glob.glob(self.INDEX)}
        os.makedirs(os.path.dirname(self.CONF), exist_ok=True)
        with open(self.CONF, 'w') as f:
            f.write('exclude kernel\n')
        return self

    def __exit__(self, *exc):
        os.unlink(self.CONF)
        for p in glob.glob(self.INDEX):
            if p not in self.saved:
                os.unlink(p)
        for p, data in self.saved.items():
            with open(p, 'wb') as f:
                f.write(data)
        return False


def spawn_at(pid, start, stop, tries=20):
    """start() a process whose pid is @pid, through ns_last_pid; stop() the
    ones that got another pid. None if others kept taking it."""
    for _ in range(tries):
        with open('/proc/sys/kernel/ns_last_pid', 'w') as f:
            f.write(str(pid - 1))
        p = start()
        if p.pid == pid:
            return p
        stop(p)
    return None
