#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host-side tests of the fdscope reader on saved dumps (no kernel needed).

Prints one line per test, "PASS: reader-NAME", "FAIL: reader-NAME: why" or
"SKIP: reader-NAME: why", and exits non-zero if any test failed. Expects
userspace/fdscope to be built (make -C userspace); builds nothing itself.
Run a subset with: tests.py NAME...
"""
import hashlib
import json
import os
import pwd
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FDSCOPE = os.environ.get('FDSCOPE', os.path.join(TOP, 'userspace', 'fdscope'))
DUMPS = os.path.join(TOP, 'tests', 'dumps')
SYSTEM = os.path.join(DUMPS, 'system')
HOLDERS = os.path.join(DUMPS, 'holders')
MAN = os.path.join(TOP, 'userspace', 'fdscope.1')
TMP = tempfile.mkdtemp(prefix='fdscope-reader.')
ENV = dict(os.environ, LC_ALL='C.UTF-8')


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def eq(got, want, what):
    if got != want:
        raise Fail('%s: expected %r, got %r' % (what, want, got))


# --- an independent reading of the dump format ------------------------------

def unescape(field):
    if field == '-':
        return None
    if field == '\\000':
        return ''
    raw = re.sub(rb'\\([0-7]{3})',
                 lambda m: bytes([int(m.group(1), 8) or ord('@')]),
                 field.encode())
    return raw.decode('utf-8', 'surrogateescape')


def load(path):
    with open(path) as f:
        lines = f.read().split('\n')
    head = lines[0].split(' ')
    cols = head[3:]
    recs = []
    for ln in lines[1:-1]:
        recs.append(dict(zip(cols, (unescape(x) for x in ln.split(' ')))))
    return cols, recs


def dump(d=SYSTEM):
    return {k: load(os.path.join(d, k))[1] for k in ('files', 'sockets', 'tasks')}


SYS = dump()


def username(uid):
    try:
        return pwd.getpwuid(int(uid)).pw_name
    except KeyError:
        return str(uid)


# --- running fdscope ------------------------------------------------------------

def run(*args, d=SYSTEM, env=None, timeout=60, prefix=()):
    cmd = list(prefix) + [FDSCOPE] + (['--dir', d] if d else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, env=env or ENV, timeout=timeout)
    if p.returncode < 0:
        raise Fail('%s: killed by signal %d' % (' '.join(args), -p.returncode))
    return p.returncode, p.stdout.decode('utf-8', 'surrogateescape'), \
        p.stderr.decode('utf-8', 'surrogateescape')


def ok(*args, **kw):
    rc, out, err = run(*args, **kw)
    if rc != 0 or err:
        raise Fail('%s: exit %d, stderr %r' % (' '.join(args), rc, err.strip()))
    return out


def jq_valid(text):
    if shutil.which('jq'):
        p = subprocess.run(['jq', '-e', '.'], input=text.encode(),
                           capture_output=True)
        check(p.returncode == 0, 'jq rejects the JSON: %s' % p.stderr.decode().strip())


def js(*args, key='fdscope', **kw):
    """Run with -J, check the output with two JSON parsers, return rows."""
    text = ok('-J', *args, **kw)
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise Fail('%s: invalid JSON: %s' % (' '.join(args), e))
    jq_valid(text)
    return doc[key] if key else doc


def err1(args, want_re, d=SYSTEM, **kw):
    """The run fails with status 1 and exactly one stderr line matching."""
    rc, out, err = run(*args, d=d, **kw)
    eq(rc, 1, '%s: exit status' % ' '.join(args))
    eq(out, '', '%s: stdout' % ' '.join(args))
    lines = err.splitlines()
    eq(len(lines), 1, '%s: stderr lines (%r)' % (' '.join(args), err))
    check(re.search(want_re, lines[0]),
          '%s: stderr %r does not match %r' % (' '.join(args), lines[0], want_re))
    check(lines[0].startswith('fdscope: '), 'stderr not prefixed: %r' % lines[0])
    return lines[0]


def table(text):
    """Rows of a raw table: lists of fields, header first."""
    return [ln.split(' ') for ln in text.splitlines()]


def rows_by(rows, *keys):
    return {tuple(r[k] for k in keys): r for r in rows}


def visible(recs):
    return [r for r in recs if r['tid'] is None]


ALL_COLUMNS = None


def all_columns():
    global ALL_COLUMNS
    if ALL_COLUMNS is None:
        ALL_COLUMNS = [c['column'] for c in js('--list-columns', key='columns', d=None)]
    return ALL_COLUMNS


def txt(entries):
    """JSON list entries (objects) written as the table writes them."""
    out = []
    for e in entries:
        check(set(e) >= {'pid', 'command', 'assoc', 'mode'}, 'list entry keys %r' % e)
        if e['pid'] is None:
            out.append('socket:[%d]' % e['inode'])
        elif isinstance(e['assoc'], str):
            out.append('%d,%s,%s' % (e['pid'], e['command'] or '-', e['assoc']))
        elif e['assoc'] is None:
            out.append('%d%s,%s' % (e['pid'], '/%d' % e['tid'] if 'tid' in e else '',
                                    e['command'] or '-'))
        else:
            out.append('%d,%s,%d%s' % (e['pid'], e['command'] or '-', e['assoc'],
                                       (e['mode'] or '')[:2]))
    return out


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


# --- basics -----------------------------------------------------------------------

@test
def t_version():
    out = ok('--version', d=None)
    check(re.fullmatch(r'fdscope \d+\.\d+ \(debugfs format version 1\)\n', out),
          'version line %r' % out)


@test
def t_help():
    out = ok('--help', d=None)
    for opt in ('--json', '--raw', '--noheadings', '--output', '--list-columns',
                '--threads', '--pid', '--user', '--type', '--inet', '--unix',
                '--filter', '--summary', '--tasks', '--endpoints', '--shared',
                '--dir', '--help', '--version', '-i4', '--inet6', '--holders', '--diff', '--watch'):
        check(opt in out, '--help does not mention %s' % opt)


@test
def t_man_page():
    check(os.path.exists(MAN), 'no %s' % MAN)
    text = open(MAN).read()
    for opt in ('json', 'raw', 'noheadings', 'output', 'list-columns', 'threads',
                'pid', 'user', 'type', 'inet', 'unix', 'filter', 'summary',
                'tasks', 'endpoints', 'shared', 'top', 'dir', 'help', 'version',
                'holders', 'diff', 'watch'):
        check(re.search(r'\\-\\-%s\b' % opt.replace('-', r'\\-'), text),
              'man page does not document --%s' % opt)
    for col in all_columns():
        check(re.search(r'\.B %s\b' % re.escape(col), text),
              'man page does not describe column %s' % col)
    if shutil.which('groff'):
        p = subprocess.run(['groff', '-man', '-Tutf8', '-ww', '-z', MAN],
                           capture_output=True)
        eq(p.stderr.decode().strip(), '', 'groff warnings')


@test
def t_default_list():
    rows = table(ok('-r'))
    eq(rows[0], 'COMMAND PID USER ASSOC MODE TYPE DEV INODE NAME'.split(), 'header')
    want = visible(SYS['files'])
    eq(len(rows) - 1, len(want), 'rows (one per fd of the processes)')
    got = [(int(r[1]), int(r[3])) for r in rows[1:]]
    eq(got, [(int(f['pid']), int(f['fd'])) for f in want], 'PID,FD in dump order')


@test
def t_rows_match_dump():
    """Every column of every row against an independent reading of the dump."""
    cols = all_columns()
    rows = js('-o', ','.join(cols))
    files = visible(SYS['files'])
    socks = {s['fileid']: s for s in SYS['sockets']}
    tasks = {(t['pid'], t['tid']): t for t in SYS['tasks']}
    eq(len(rows), len(files), 'rows')

    def num(v):
        return None if v is None else int(v)

    for r, f in zip(rows, files):
        where = 'pid %s fd %s' % (f['pid'], f['fd'])
        t = tasks[(f['pid'], f['tid'])]
        s = socks.get(f['fileid'])
        want = {
            'command': f['comm'] or None, 'pid': int(f['pid']),
            'tid': int(f['pid']), 'user': username(t['uid']),
            'uid': int(t['uid']), 'fd': int(f['fd']), 'mode': LSFD_MODE.get(f['mode']),
            'type': f['type'], 'dev': f['dev'], 'inode': num(f['ino']),
            'pos': num(f['pos']), 'flags': f['flags'], 'path': f['path'],
            'fileid': f['fileid'], 'refs': num(f['refs']), 'table': f['table'],
            'cloexec': f['cloexec'] == '1', 'deleted': f['deleted'] == '1',
        }
        if s:
            want.update({
                'family': s['family'], 'socktype': s['type'],
                'proto': s['proto'], 'state': STATE.get(s['state'], s['state']),
                'local': s['local'], 'remote': s['remote'],
                'rxq': num(s['rxq']), 'txq': num(s['txq']),
                'drops': num(s['drops']), 'peer': num(s['peer']),
                'inflight': num(s['inflight']), 'backlog': backlog(s['backlog']),
                'groups': s['groups'], 'netns': num(s['netns']),
            })
        else:
            want['name'] = f['path']
            for c in ('family', 'socktype', 'proto', 'state', 'local', 'remote',
                      'rxq', 'txq', 'drops', 'peer', 'inflight', 'backlog',
                      'groups', 'netns'):
                want[c] = None
        for k, v in want.items():
            eq(r[k], v, '%s: %s' % (where, k))
        eq(sorted(r), sorted(c.lower() for c in cols), '%s: JSON keys' % where)


LSFD_MODE = {'r': 'r--', 'w': '-w-', 'rw': 'rw-', '-': '---'}
STATE = {'listen': 'LISTEN', 'connected': 'ESTABLISHED', 'unconnected': 'CLOSE'}


def backlog(text):
    if text is None:
        return None
    q, m = text.split('/')
    return {'queued': int(q), 'max': int(m)}


def row(rows, pid, fd):
    for r in rows:
        if r['pid'] == pid and r['fd'] == fd:
            return r
    raise Fail('no row for pid %d fd %d' % (pid, fd))


@test
def t_escapes():
    rows = js('-o', 'PID,FD,COMMAND,PATH,LOCAL')
    eq(row(rows, 1300, 3)['path'], '/home/u/My Documents/notes\ttab.txt', '\\040 and \\011')
    eq(row(rows, 1301, 3)['path'], '/tmp/evil\nname', '\\012')
    eq(row(rows, 1301, 4)['path'], '/tmp/back\\slash', '\\134')
    eq(row(rows, 3201, 0)['command'], '-', '\\055 is a real "-", not "does not apply"')
    eq(row(rows, 3200, 0)['command'], None, '\\000 (an empty name, null in JSON)')
    eq(row(rows, 3200, 3)['local'], '-', 'a unix socket bound to the path "-"')
    eq(row(rows, 3200, 4)['local'], '@sd@pad@', 'NULs inside an abstract name')
    eq(row(rows, 3201, 3)['path'], 'socket:[17011]', 'path')
    # Raw output keeps one line per row and one field per column.
    raw = table(ok('-r', '-n', '-o', 'PID,FD,PATH,COMMAND', '-p', '1300,1301,3200'))
    for r in raw:
        eq(len(r), 4, 'raw fields in %r' % r)
    got = {(r[0], r[1]): r[2] for r in raw}
    eq(got[('1300', '3')], '/home/u/My\\x20Documents/notes\\x09tab.txt', 'raw path')
    eq(got[('1301', '3')], '/tmp/evil\\x0aname', 'raw path with a newline')
    eq(got[('1301', '4')], '/tmp/back\\x5cslash', 'raw path with a backslash')


@test
def t_deleted():
    rows = js('-Q', 'DELETED == 1', '-o', 'PID,FD,PATH,DELETED')
    eq(sorted((r['pid'], r['fd']) for r in rows), [(1, 10), (1500, 11)], 'deleted files')
    for r in rows:
        check(r['path'].endswith(' (deleted)'), 'path %r' % r['path'])
        eq(r['deleted'], True, 'DELETED')


@test
def t_lean_fields():
    """The plain list asks the module for a few fields only (columns_want())
    and reads a saved dump as if it had only those: each column it does it
    for shows what it shows when every field is read (with POS, which is
    not one of them)."""
    lean = 'COMMAND,PID,TID,USER,UID,FD,ASSOC,MODE,TYPE,DEV,INODE,NAME,PATH,DELETED'
    for d in (SYSTEM, HOLDERS):
        for more in ((), ('-l',)):
            some = ok('-r', '-o', lean, *more, d=d).splitlines()
            whole = [ln.rsplit(' ', 1)[0]
                     for ln in ok('-r', '-o', lean + ',POS', *more, d=d).splitlines()]
            eq(len(some), len(whole), '%s %s: rows' % (os.path.basename(d), ' '.join(more)))
            for a, b in zip(some, whole):
                eq(a, b, '%s %s: a row' % (os.path.basename(d), ' '.join(more)))
            check(any(ln.endswith(' 1') for ln in some[1:]) or d != SYSTEM,
                  'a deleted file among the rows')


LOCKS = load(os.path.join(SYSTEM, 'locks'))[1]


@test
def t_xmode():
    """lsfd's XMODE: MODE's rwx, D deleted, L/l a write/read lock held
    through the fd, m watched by an eventpoll; - where the dump cannot tell."""
    rows = js('-o', 'PID,FD,MODE,XMODE,DELETED')
    got = {(r['pid'], r['fd']): r['xmode'] for r in rows}
    for k, v in (((7000, 3), 'rw--L-'), ((7001, 4), 'rw--L-'), ((7001, 3), 'r-----'),
                 ((7020, 3), 'r---l-'), ((7021, 3), 'r---l-'), ((7030, 3), 'rw--L-'),
                 ((7040, 3), 'r---l-'), ((1, 10), 'rw-D--'), ((1, 5), 'rw---m'),
                 ((800, 6), 'rw---m'), ((6001, 12), 'r----m'), ((6000, 8), '-w----'),
                 ((1, 11), '------')):
        eq(got[k], v, 'XMODE of pid %d fd %d' % k)
    held = {(int(lk['pid']), int(lk['fd'])) for lk in LOCKS}
    files = {(int(f['pid']), int(f['fd'])): f for f in visible(SYS['files'])}
    for r in rows:
        f = files[(r['pid'], r['fd'])]
        x = r['xmode']
        eq(x[:3], r['mode'], 'XMODE starts with MODE')
        eq(x[3] == 'D', r['deleted'], 'D is DELETED')
        eq(x[4] != '-', (r['pid'], r['fd']) in held, 'L/l where a lock is held')
        eq(x[5] == 'm', f['epolls'] != '0', 'm where epolls > 0')
    eq(len(js('-Q', 'XMODE =~ "m$"', '-o', 'PID')),
       sum(1 for f in files.values() if f['epolls'] != '0'), '-Q on XMODE')
    # A dump from a module without locks, epoll or epolls: no L, l or m.
    out = ok('-J', '-o', 'PID,FD,XMODE', d=os.path.join(DUMPS, 'live-6.1'))
    check(all(re.fullmatch(r'[r-][w-]-[D-]--', r['xmode'])
              for r in json.loads(out)['fdscope']), 'old dump: XMODE')
    check(re.search(r'^\.B XMODE', open(MAN).read(), re.M), 'man page')


@test
def t_locks_column():
    """LOCKS: every lock held through an fd, POSIX under its table's fd,
    flock, OFD and leases under every fd of the description; JSON objects."""
    rows = js('-o', 'PID,FD,LOCKS')
    got = {(r['pid'], r['fd']): r['locks'] for r in rows}
    eq(ok('-r', '-n', '-o', 'LOCKS', '-p', '7000', '-Q', 'FD == 3'),
       'posix:W:0-99,posix:R:100-EOF\n', 'text')
    eq(got[(7000, 3)], [{'class': 'posix', 'type': 'W', 'start': 0, 'end': 99, 'breaking': False},
                        {'class': 'posix', 'type': 'R', 'start': 100, 'end': None,
                         'breaking': False}], 'JSON of a POSIX range to EOF')
    for k in ((7020, 3), (7021, 3)):
        eq(got[k], [{'class': 'flock', 'type': 'R', 'start': None, 'end': None,
                     'breaking': False}], 'a flock on a shared description, pid %d' % k[0])
    eq(got[(7030, 3)][0]['class'], 'ofdlck', 'OFD lock')
    eq(got[(7040, 3)][0]['class'], 'lease', 'lease')
    eq(got[(1, 0)], [], 'an fd without locks: []')
    want = {}
    for lk in LOCKS:
        want.setdefault((int(lk['pid']), int(lk['fd'])), []).append(lk['class'].lower())
    eq({k: [x['class'] for x in v] for k, v in got.items() if v}, want, 'every lock, once')
    # A garbled locks file is an error naming the line and field.
    d = os.path.join(TMP, 'badlocks')
    shutil.copytree(SYSTEM, d)
    with open(os.path.join(d, 'locks'), 'a') as f:
        f.write('7000 - db-writer 3 f6d5cc3df72fa0e POSIX WRITE 0 EOX 7000 1 - - - 8:1 1310721\n')
    err1(['-o', 'PID,LOCKS'], r"locks:%d: field 'lock_end': not a number or EOF: 'EOX'$"
         % (len(LOCKS) + 2), d=d)
    eq(ok('-o', 'PID,PATH', d=d), ok('-o', 'PID,PATH'), 'read only when a column needs it')


EPOLL = load(os.path.join(SYSTEM, 'epoll'))[1]


@test
def t_epoll_columns():
    """EVENTPOLL.TFDS as lsfd has it, and WATCHED-BY built from the
    interest lists: by open file description, or by inode for a target
    closed since it was added."""
    rows = js('-o', 'PID,FD,EVENTPOLL.TFDS,WATCHED-BY')
    got = {(r['pid'], r['fd']): r for r in rows}
    eq(got[(1, 4)]['eventpoll.tfds'], [5, 6, 7, 14], 'JSON numbers')
    eq(ok('-r', '-n', '-o', 'EVENTPOLL.TFDS', '-p', '1500', '-Q', 'FD == 8'), '7,9,12\n',
       'text, a closed target included')
    eq(got[(1, 5)]['eventpoll.tfds'], [], 'no eventpoll: []')
    watched = {k: txt(r['watched-by']) for k, r in got.items() if r['watched-by']}
    both = ['801,nginx,8', '802,nginx,8']
    eq(watched[(800, 6)], both, 'a listener shared after fork: each worker watches it')
    eq(watched[(801, 6)], both, 'the same description in a worker')
    eq(watched[(801, 11)], ['801,nginx,8'], 'a socket one worker watches')
    eq(watched[(6001, 12)], ['6000,vhost-backend,6'], 'a target found by its inode')
    check((6000, 8) not in watched, 'the pipe\'s write end is not watched')
    check((1500, 12) not in got, 'a closed target open nowhere')
    # Every watched fd has an epolls count, and only those.
    files = {(int(f['pid']), int(f['fd'])): f for f in visible(SYS['files'])}
    eq(sorted(watched), sorted(k for k, f in files.items() if f['epolls'] != '0'),
       'WATCHED-BY where epolls > 0')
    eq(sum(len(r['eventpoll.tfds']) for r in rows),
       sum(1 for e in EPOLL if e['tid'] is None), 'every interest line')
    man = open(MAN).read()
    check(re.search(r'^\.B EVENTPOLL.TFDS', man, re.M) and 'inode' in man, 'man page')


def locks_dump(name, edit=None, drop=()):
    """A copy of the system dump, its proc-locks edited, files dropped."""
    d = os.path.join(TMP, 'locks-' + name)
    shutil.copytree(SYSTEM, d)
    for k in drop:
        os.unlink(os.path.join(d, k))
    if edit:
        p = os.path.join(d, 'proc-locks')
        text = edit(open(p).read())
        open(p, 'w').write(text)
    return d


def deadlock_cross(text):
    """proc-locks with job-a and job-b each waiting for the other's flock."""
    out = []
    for ln in text.splitlines(True):
        out.append(ln)
        if ' 7010 00:19:1000201 ' in ln:
            out.append(ln.split(':')[0] + ':  -> FLOCK  ADVISORY  WRITE 7011 00:19:1000201 0 EOF\n')
        if ' 7011 00:19:1000202 ' in ln:
            out.append(ln.split(':')[0] + ': -> FLOCK  ADVISORY  WRITE 7010 00:19:1000202 0 EOF\n')
    return ''.join(out)


@test
def t_locks_view():
    """--locks: one row per lock with its holder, the waiters /proc/locks
    lists (joined on dev:ino, class, type, pid and range), the BLOCKED-BY
    chain of its holder; a cycle is a deadlock, reported, status 2."""
    rows = js('--locks', key='locks')
    eq(len(rows), len({(lk['class'], lk['type'], lk['lock_start'], lk['lock_end'],
                        lk['lock_pid'], lk['ino']) for lk in LOCKS}), 'one row per lock')
    by = {(r['pid'], r['fd'], r['type']): r for r in rows}
    w = by[(7000, 3, 'WRITE')]
    eq((w['class'], w['range'], w['path']), ('POSIX', '0-99', '/var/lib/app/app.db'), 'holder')
    eq(txt(w['waiters']), ['7001,db-reader'], 'the waiter F_SETLKW blocks')
    eq(txt(by[(7000, 3, 'READ')]['waiters']), [], 'a lock nobody waits for')
    j = by[(7001, 4, 'WRITE')]
    eq((txt(j['waiters']), txt(j['blocked-by']), j['deadlock']),
       (['7002,db-migrate'], ['7000,db-writer'], False),
       'a chain: db-migrate waits for db-reader, which waits for db-writer')
    eq(by[(7020, 3, 'READ')]['range'], None, 'a flock has no range')
    eq(len([r for r in rows if r['path'] == '/srv/backup/state']), 1,
       'a flock two processes share is one lock')
    text = ok('--locks', '-p', '7001')
    check(re.search(r'^ *7001 db-reader +4 POSIX +WRITE 0-EOF .*7002,db-migrate +7000,db-writer',
                    text, re.M), 'text %r' % text)
    # Two jobs waiting for each other's flock: a deadlock.
    d = locks_dump('deadlock', deadlock_cross)
    rc, out, err = run('-J', '--locks', d=d)
    eq(rc, 2, 'a deadlock: exit status')
    eq(err, 'fdscope: warning: deadlock: 7010,job-a -> 7011,job-b -> 7010,job-a\n', 'stderr')
    doc = json.loads(out)
    eq([txt(c['cycle']) for c in doc['deadlocks']], [['7010,job-a', '7011,job-b']], 'the cycle')
    a = [r for r in doc['locks'] if r['pid'] == 7010][0]
    eq((txt(a['waiters']), txt(a['blocked-by']), a['deadlock']),
       (['7011,job-b'], ['7011,job-b', '7010,job-a'], True), 'the chain comes back')
    rc, out, err = run('--locks', d=d)
    eq(rc, 2, 'table: exit status')
    check('CYCLE' in out and '7010,job-a 7011,job-b' in out, 'table %r' % out)
    # No proc-locks in the dump: the waiters are unknown, not none.
    rows = js('--locks', key='locks', d=locks_dump('noproc', drop=('proc-locks',)))
    check(all(r['waiters'] is None for r in rows), 'waiters without proc-locks')
    err1(['--locks'], r'locks-nolocks/locks: No such file or directory$',
         d=locks_dump('nolocks', drop=('locks',)))
    err1(['--locks'], r'locks-bad/proc-locks:2: not a /proc/locks line$',
         d=locks_dump('bad', lambda t: t.replace('LEASE  ACTIVE    READ 7040', 'LEASE 7040')))
    check(re.search(r'\\-\\-locks', open(MAN).read()), 'man page')


@test
def t_locks_select():
    """--locks selects as the list does: a lock is shown when one of the fds
    it is held through is a row -p, -u, -t, -i, -U and -Q select; the
    waits and the deadlock are still followed system-wide."""
    def held(*args, d=SYSTEM):
        return sorted((r['pid'], r['fd'], r['class'], r['type'])
                      for r in js('--locks', *args, key='locks', d=d))
    everything = held()
    tasks = {int(t['pid']): t['uid'] for t in SYS['tasks'] if t['tid'] is None}
    for uid in ('1000', '0'):
        got = held('-u', uid)
        eq(got, [k for k in everything if tasks[k[0]] == uid], '-u %s' % uid)
        check(got, '-u %s selects something' % uid)
    eq(held('-u', '0', '-p', '7010,7000'), [k for k in everything if k[0] == 7010],
       '-u and -p both hold')
    eq(held('-Q', 'PATH == "/var/lib/app/app.db"'),
       [k for k in everything if k[:2] == (7000, 3)], '-Q on the path of the fd')
    eq(held('-Q', 'FD == 4'), [k for k in everything if k[1] == 4], '-Q on the fd')
    eq(held('-t', 'REG'), everything, '-t REG: every lock is on a regular file')
    eq(held('-t', 'FIFO'), [], '-t FIFO: none')
    eq(held('-U'), [], '-U: no lock on a unix socket')
    # A flock two processes share: shown when either fd is selected.
    eq(held('-Q', 'COMMAND == "backup-worker"'), [(7020, 3, 'FLOCK', 'READ')],
       'a shared flock through its other holder')
    # Selection leaves the waits whole: a deadlock outside it still counts.
    d = locks_dump('select-deadlock', deadlock_cross)
    rc, out, err = run('-J', '--locks', '-u', '1000', d=d)
    eq(rc, 2, 'a deadlock among unselected processes: exit status')
    eq(sorted(r['pid'] for r in json.loads(out)['locks']), [7000, 7000, 7001, 7030],
       '-u 1000 with the deadlock')
    check(re.search(r'\-u', open(MAN).read()[open(MAN).read().index('.B \\-\\-locks'):][:4000]),
          'man page: --locks names -u')


@test
def t_json_types():
    rows = js('-o', 'PID,FD,INODE,CLOEXEC,RXQ,NAME,ENDPOINTS', '-p', '1300,1500')
    r = row(rows, 1500, 6)
    check(type(r['pid']) is int and type(r['inode']) is int, 'numbers are JSON numbers')
    eq(r['cloexec'], True, 'boolean')
    eq(r['rxq'], 0, 'RXQ of a listener')
    eq(row(rows, 1500, 0)['rxq'], None, 'RXQ of a non-socket is null')
    eq(txt(row(rows, 1300, 1)['endpoints']), ['1301,grep,0r-'], 'ENDPOINTS is an array')
    # Every view is one valid JSON document.
    for view, key in (('--summary', None), ('--tasks', 'tasks'),
                      ('--endpoints', 'endpoints'), ('--shared', 'shared')):
        js(view, key=key)


JQ_EXAMPLES = (
    (['-J', '-o', 'PID,FD,ENDPOINTS'],
     '.fdscope[] | select(.endpoints != []) | [.pid, .fd, .endpoints[].pid]'),
    (['-J', '--summary'], '.types.REG'),
    (['-J', '-o', 'PID,FD,BACKLOG'],
     '[.fdscope[] | select(.backlog != null and .backlog.queued >= .backlog.max)] | length'),
)


@test
def t_json_jq():
    """JSON for jq: lists are arrays of objects, whole; [] when empty; the
    summary's counts are objects, BACKLOG two numbers; one document that jq
    accepts in every view; the man page documents the schema with examples."""
    if not shutil.which('jq'):
        raise Skip('no jq')
    rows = js('-o', 'PID,FD,TYPE,ENDPOINTS,BACKLOG')
    eps = row(rows, 1300, 1)['endpoints']
    eq(eps, [{'pid': 1301, 'command': 'grep', 'assoc': 0, 'mode': eps[0]['mode']}],
       'an ENDPOINTS entry is an object')
    eq(row(rows, 1, 0)['endpoints'], [], 'an empty list is []')
    eq(txt(row(rows, 1630, 3)['endpoints']), ['socket:[15021]'], 'a peer no fd holds')
    eq(row(rows, 1, 13)['backlog'], {'queued': 0, 'max': 4096}, 'BACKLOG as two numbers')
    eq(row(rows, 1, 0)['backlog'], None, 'BACKLOG of a non-listener')
    doc = js('--summary', key=None)
    check(isinstance(doc['types'], dict) and doc['types']['REG'] > 0, 'summary types %r'
          % doc['types'])
    check(all(isinstance(p['types'], dict) for p in doc['processes']), 'process types')
    # One document per invocation, in every view and form.
    for args in ([], ['--summary'], ['--tasks', '-l'], ['--endpoints'], ['--shared'],
                 ['--list-columns'], ['-o', ','.join(all_columns())], ['-p', '99999'],
                 ['--endpoints', '-p', '99999'], ['--summary', '-p', '99999']):
        text = ok('-J', *args)
        p = subprocess.run(['jq', '-s', 'length'], input=text.encode(), capture_output=True)
        eq((p.returncode, p.stdout.strip()), (0, b'1'), 'jq -s length of -J %s' % ' '.join(args))
    # The man page's jq examples, on the system dump.
    man = open(MAN).read()
    check(re.search(r'^\.SH JSON', man, re.M), 'man page has no JSON section')
    for args, expr in JQ_EXAMPLES:
        shown = expr.replace('\\', '\\e').replace('-', '\\-')
        check(shown in man, 'man page lacks the jq example %r' % expr)
        p = subprocess.run(['jq', '-e', expr], input=ok(*args).encode(), capture_output=True)
        eq(p.returncode, 0, 'jq %r: %s' % (expr, p.stderr.decode().strip()))


@test
def t_conventions():
    """lsfd's and ss's conventions: one STATE vocabulary, MODE as rw-, -H,
    --summary[=WHEN], --notruncate, -o for views, -t and -o typos named."""
    rows = js('-Q', 'STATE == "LISTEN"', '-o', 'PID,FD,FAMILY')
    eq({r['family'] for r in rows}, {'unix', 'inet', 'inet6'}, 'one LISTEN for unix and TCP')
    eq(len(rows), sum(1 for s in visible(SYS['sockets'])
                      if s['state'] in ('LISTEN', 'listen')), 'every listener')
    eq({r['state'] for r in js('-U', '-o', 'STATE')}, {'LISTEN', 'ESTABLISHED', 'CLOSE'},
       'unix states in TCP words')
    eq({r['mode'] for r in js('-p', '1300', '-o', 'MODE')}, {'rw-', '-w-', 'r--'}, 'MODE as lsfd')
    eq(ok('-H', d=None), ok('--list-columns', d=None), '-H is --list-columns')
    eq(ok('--summary=only'), ok('--summary'), '--summary=only')
    eq(ok('--summary=never', '-r'), ok('-r'), '--summary=never')
    doc = js('--summary=append', '-p', '1300', key=None)
    eq(sorted(doc), ['fdscope', 'processes', 'sockets', 'totals', 'types'], 'append: one document')
    eq(len(doc['fdscope']), 4, 'append: the list')
    text = ok('--summary=append', '-p', '1300', '-o', 'PID,FD')
    check(text.startswith(' PID FD\n1300  0\n') and 'Totals:' in text, 'append text %r' % text)
    err1(['--summary=sometimes'], r'--summary=sometimes: expected only, append or never')
    eq(ok('--notruncate', '-r'), ok('-r'), '--notruncate')
    # -o for views, in its order
    eq(ok('--tasks', '-r', '-o', 'COMMAND,PID', '-p', '1').splitlines(),
       ['COMMAND PID', 'systemd 1'], '--tasks -o')
    rows = js('--endpoints', '-o', 'FD,ENDPOINTS', '-p', '1300', key='endpoints')
    eq(rows, [{'fd': 1, 'endpoints': rows[0]['endpoints']}], '--endpoints -o')
    eq(ok('--shared', '-r', '-o', '+FDS').splitlines()[0],
       'FILEID TYPE REFS FDS PROCS NAME HOLDERS', '--shared -o +LIST')
    eq(ok('--tasks', '-r', '-o', 'PID,TID', '-p', '1').splitlines(), ['PID TID', '1 1'],
       'a column a view hides by default')
    err1(['--tasks', '-o', 'PID,NOPE'], r'unknown column for this view: NOPE')
    err1(['--summary', '-o', 'PID'], r'--output does not apply to --summary')
    # typos are errors, not empty lists
    err1(['-t', 'FOO'], r'^fdscope: -t FOO: unknown type')
    eq(len(js('-t', 'blk')), 0, 'a known type no fd has')
    err1(['-o', 'pid,fd,'], r'^fdscope: -o pid,fd,: column name 3 is empty$')
    # a view prints its header when no row is selected
    eq(ok('--endpoints', '-p', '99999'),
       'PID COMMAND FD MODE TYPE INODE NAME ENDPOINTS TARGETS WATCHED-BY\n',
       '--endpoints header with no rows')
    eq(ok('--shared', '-r', '-p', '99999'), 'FILEID TYPE REFS FDS PROCS NAME HOLDERS\n',
       '--shared header with no rows')


@test
def t_raw_noheadings():
    out = ok('-r', '-o', 'PID,FD,TYPE')
    lines = out.splitlines()
    eq(lines[0], 'PID FD TYPE', 'raw header')
    check(all('  ' not in ln for ln in lines), 'raw output is not aligned')
    eq(lines[1], '1 0 CHR', 'first raw row')
    out = ok('-n', '-o', 'PID,FD')
    check('PID' not in out.splitlines()[0], '-n keeps the header')
    eq(len(out.splitlines()), len(visible(SYS['files'])), '-n rows')
    # Aligned table: numbers right-aligned under their header.
    lines = ok('-o', 'PID,COMMAND', '-p', '1,1201').splitlines()
    eq(lines[0], ' PID COMMAND', 'aligned header')
    eq(lines[1], '   1 systemd', 'aligned row')


@test
def t_output():
    eq(ok('-r', '-o', 'PID,FD,NAME').splitlines()[0], 'PID FD NAME', '-o LIST')
    eq(ok('-r', '-o', 'pid,Fd').splitlines()[0], 'PID FD', 'column names ignore case')
    eq(ok('-r', '-o', '+STATE,LOCAL').splitlines()[0],
       'COMMAND PID USER ASSOC MODE TYPE DEV INODE NAME STATE LOCAL', '-o +LIST')
    eq(ok('-r', '-l', '-o', '+REFS').splitlines()[0],
       'COMMAND PID TID USER ASSOC MODE TYPE DEV INODE NAME REFS', '-l -o +LIST')
    eq(ok('-r', '-o', '+REFS', '-l').splitlines()[0],
       'COMMAND PID TID USER ASSOC MODE TYPE DEV INODE NAME REFS', '-o +LIST -l')
    eq(ok('-r', '-o', 'PID', '-o', '+FD,TYPE').splitlines()[0], 'PID FD TYPE', '-o twice')
    err1(['-o', 'PID,BOGUS'], r'^fdscope: unknown column: BOGUS$')
    err1(['-o', 'PID,,FD'], r'^fdscope: -o PID,,FD: column name 2 is empty$')


@test
def t_list_columns():
    cols = js('--list-columns', key='columns', d=None)
    names = [c['column'] for c in cols]
    for c in ('COMMAND', 'PID', 'TID', 'USER', 'FD', 'MODE', 'TYPE', 'DEV', 'INODE',
              'POS', 'FLAGS', 'NAME', 'FILEID', 'REFS', 'TABLE', 'CLOEXEC', 'STATE',
              'LOCAL', 'REMOTE', 'RXQ', 'TXQ', 'PEER', 'INFLIGHT', 'ENDPOINTS'):
        check(c in names, 'column %s missing' % c)
    for c in cols:
        check(c['description'] and c['type'] in ('string', 'number', 'boolean', 'array', 'object'),
              'column %r' % c)
    eq(dict((c['column'], c['type']) for c in cols)['PID'], 'number', 'PID type')
    text = ok('--list-columns', d=None)
    check(re.search(r'^RXQ +number +bytes queued to receive', text, re.M), 'text form')


@test
def t_threads():
    rows = js('-o', 'PID,TID,COMMAND,FD,PATH')
    check(not [r for r in rows if r['tid'] != r['pid']], 'thread tables without -l')
    check('/srv/data/output.bin' not in [r['path'] for r in rows], 'thread fd without -l')
    rows = js('-l', '-o', 'PID,TID,COMMAND,FD,PATH')
    th = [r for r in rows if r['tid'] == 3005]
    eq([(r['pid'], r['fd'], r['command']) for r in th],
       [(3000, 0, 'io-thread'), (3000, 1, 'io-thread'), (3000, 2, 'io-thread'),
        (3000, 3, 'io-thread'), (3000, 6, 'io-thread')], 'the thread\'s own table')
    eq(len(rows), len(SYS['files']), 'rows with -l')
    eq(table(ok('-r', '-l'))[0][:3], ['COMMAND', 'PID', 'TID'], '-l header')


@test
def t_user_column():
    rows = js('-o', 'PID,FD,USER,UID')
    eq(row(rows, 1, 0)['user'], 'root', 'USER of pid 1')
    eq(row(rows, 801, 0)['user'], 'www-data', 'USER of an nginx worker')
    eq(row(rows, 1210, 0)['uid'], 1000, 'UID of bash')
    eq(row(rows, 1210, 0)['user'], username(1000), 'USER of bash')


# --- selection --------------------------------------------------------------------

def pids(rows):
    return sorted({r['pid'] for r in rows})


@test
def t_pid():
    rows = js('-p', '1300,1301', '-o', 'PID,FD')
    eq(pids(rows), [1300, 1301], '-p pids')
    eq(len(rows), 9, '-p rows')
    eq(pids(js('-p', '1300', '-p', '1', '-o', 'PID')), [1, 1300], '-p twice')
    eq(js('-p', '99999'), [], 'a pid that does not exist')
    err1(['-p', 'abc'], r'^fdscope: invalid pid: abc$')
    err1(['-p', '1,-2'], r'invalid pid: -2')


@test
def t_pid_keeps_dump():
    """-p on a saved dump must not write the filter into the files."""
    d = os.path.join(TMP, 'copy')
    shutil.copytree(SYSTEM, d)
    before = {k: hashlib.sha256(open(os.path.join(d, k), 'rb').read()).hexdigest()
              for k in os.listdir(d)}
    eq(pids(js('-p', '801', '-o', 'PID', d=d)), [801], '-p on a copy')
    after = {k: hashlib.sha256(open(os.path.join(d, k), 'rb').read()).hexdigest()
             for k in os.listdir(d)}
    eq(after, before, 'dump files after -p')


@test
def t_user():
    eq(pids(js('-u', 'www-data', '-o', 'PID')), [801, 802, 901, 902, 4000], '-u www-data')
    want = sorted({int(t['pid']) for t in SYS['tasks'] if t['uid'] == '1000'} &
                  {int(f['pid']) for f in SYS['files']})
    eq(pids(js('-u', '1000', '-o', 'PID')), want, '-u 1000')
    eq(pids(js('-u', 'root,33', '-p', '1,801,1210', '-o', 'PID')), [1, 801], '-u LIST with -p')
    err1(['-u', 'no-such-user-x'], r'^fdscope: unknown user: no-such-user-x$')


@test
def t_type():
    rows = js('-t', 'FIFO', '-o', 'PID,FD,TYPE')
    eq(len(rows), sum(1 for f in visible(SYS['files']) if f['type'] == 'FIFO'), '-t FIFO')
    rows = js('-t', 'tcp', '-o', 'NAME,PROTO')
    check(rows and all(r['proto'] == 'tcp' and r['name'].startswith('TCP ') for r in rows),
          '-t tcp')
    eq(len(rows), sum(1 for s in visible(SYS['sockets']) if s['proto'] == 'tcp'), '-t tcp rows')
    rows = js('-t', 'unix', '-o', 'FAMILY')
    eq({r['family'] for r in rows}, {'unix'}, '-t unix')
    rows = js('-t', 'REG,dir', '-o', 'TYPE')
    eq({r['type'] for r in rows}, {'REG', 'DIR'}, '-t REG,dir')
    rows = js('-t', 'eventfd', '-o', 'PID,FD')
    eq([(r['pid'], r['fd']) for r in rows], [(3000, 3), (6000, 5), (6001, 9), (6001, 10)], '-t eventfd')
    rows = js('-t', 'NETLINK_ROUTE', '-o', 'PID,FD')
    eq([(r['pid'], r['fd']) for r in rows], [(455, 3), (470, 13)], '-t NETLINK_ROUTE')


def inet(*args, d=SYSTEM):
    return sorted((r['pid'], r['fd']) for r in js(*args, '-o', 'PID,FD', d=d))


@test
def t_inet():
    socks = visible(SYS['sockets'])
    want = sorted((int(s['pid']), int(s['fd'])) for s in socks
                  if s['family'] in ('inet', 'inet6'))
    eq(inet('-i'), want, '-i')
    want4 = sorted((int(s['pid']), int(s['fd'])) for s in socks if s['family'] == 'inet')
    eq(inet('-i4'), want4, '-i4')
    eq(inet('--inet4'), want4, '--inet4')
    want6 = sorted((int(s['pid']), int(s['fd'])) for s in socks if s['family'] == 'inet6')
    eq(inet('-i6'), want6, '-i6')
    eq(inet('-i', ':6379'), [(1500, 6), (1500, 7), (1500, 9), (1510, 3)], '-i :6379')
    eq(inet('-i', 'tcp@127.0.0.1:6379'), [(1500, 6), (1500, 9), (1510, 3)],
       '-i tcp@127.0.0.1:6379 (with a space)')
    eq(inet('-itcp@127.0.0.1:6379'), [(1500, 6), (1500, 9), (1510, 3)], '-iSPEC')
    eq(inet('--inet=tcp@127.0.0.1:6379'), [(1500, 6), (1500, 9), (1510, 3)], '--inet=SPEC')
    # A v4-mapped socket matches an IPv4 host.
    eq(inet('-i', '@127.0.0.1:8080'), [(2000, 41), (2010, 3)], 'v4-mapped')
    eq(inet('-i', 'udp@[::1]'), [(510, 6), (1600, 9)], 'udp@[::1]')
    eq(inet('-i', 'udp@::1'), [(510, 6), (1600, 9)], 'udp@::1')
    eq(inet('-i', '6tcp:5432'), [(1600, 6), (1610, 3), (1620, 9)], '6tcp:5432')
    eq(inet('--inet6=tcp:5432'), [(1600, 6), (1610, 3), (1620, 9)], '--inet6=tcp:5432')
    eq(inet('-i', 'tcp:ssh'), [(600, 3), (600, 4), (1201, 3)], 'a service name')
    eq(inet('-i', 'udp'), sorted((int(s['pid']), int(s['fd'])) for s in socks
                                 if s['proto'] == 'udp'), '-i udp')
    eq(inet('-i', ':80', '-i', ':22'), sorted(
        [(600, 3), (600, 4), (1201, 3), (800, 6), (800, 7), (801, 6), (801, 7),
         (801, 13), (802, 6), (802, 7), (802, 13), (4000, 3)]), 'two -i select either')
    err1(['-i', 'tcp@no-such-host.invalid'], r'unknown host')
    err1(['-i', 'tcp:99999'], r'invalid port')
    err1(['-i', 'tcp:no-such-service-x'], r'unknown service')
    err1(['-i', 'tcp#x'], r'expected \[4\|6\]\[proto\]\[@host\]\[:port\]')
    err1(['-i', 'tpc:22'], r"^fdscope: -i tpc:22: unknown protocol 'tpc'$")
    eq(inet('-i', 'IPPROTO132'), [], 'ipprotoN')


@test
def t_unix():
    rows = js('-U', '-o', 'PID,FD,FAMILY')
    eq({r['family'] for r in rows}, {'unix'}, '-U families')
    eq(len(rows), sum(1 for s in visible(SYS['sockets']) if s['family'] == 'unix'), '-U rows')
    rows = js('-U', '-i4', '-o', 'FAMILY')
    eq({r['family'] for r in rows}, {'unix', 'inet'}, '-U -i4 select either')


@test
def t_filter_expr():
    def sel(expr, *extra):
        return sorted((r['pid'], r['fd']) for r in js('-Q', expr, *extra, '-o', 'PID,FD'))

    eq(sel('PID == 1 and FD < 3'), [(1, 0), (1, 1), (1, 2)], 'and, ==, <')
    eq(sel('PID == 1510 or PID == 1610 && FD >= 3'),
       [(1510, 0), (1510, 1), (1510, 2), (1510, 3), (1610, 3)], 'and binds tighter than or')
    eq(sel('(PID == 1510 or PID == 1610) and FD >= 3'), [(1510, 3), (1610, 3)], 'parentheses')
    # Numeric, not string, comparison: "12" > "100" as strings.
    eq(sel('RXQ > 100'), [(470, 12), (2000, 41)], 'numeric >')
    eq(sel('RXQ >= 12 and RXQ <= 12'), [(1510, 3)], 'numeric <=, >=')
    eq(sel('NAME =~ "^TCP .*ESTABLISHED$" and PID < 1000'), [(801, 13), (802, 13)], '=~')
    eq(sel('TYPE == "SOCK" and STATE == "LISTEN" and LOCAL =~ ":80$"'),
       [(800, 6), (800, 7), (801, 6), (801, 7), (802, 6), (802, 7), (4000, 3)], 'strings')
    eq(sel("COMMAND == 'redis-cli'"), [(1510, 0), (1510, 1), (1510, 2), (1510, 3)], "'string'")
    eq(sel('not (TYPE != "FIFO") and PID == 1300'), [(1300, 1)], 'not, !=')
    eq(sel('! CLOEXEC == true and PID == 1'), [(1, 0), (1, 1), (1, 2)], '! and booleans')
    eq(len(sel('STATE != "LISTEN"')), len(visible(SYS['files'])) -
       sum(1 for s in visible(SYS['sockets']) if s['state'] in ('LISTEN', 'listen')),
       'a value that does not apply satisfies !=')
    eq(sel('STATE == "LISTEN" and PID eq 600'), [(600, 3), (600, 4)], 'eq')
    eq(sel('PATH !~ "^/" and PID == 1 and FD lt 10'),
       [(1, 4), (1, 5), (1, 6), (1, 7)], '!~ and lt')
    eq(sel('FD > 250', '-p', '1210'), [(1210, 255)], '-Q with -p')


@test
def t_filter_errors():
    err1(['-Q', 'BOGUS == 1'], r"^fdscope: -Q: unknown column 'BOGUS'$")
    err1(['-Q', 'PID 1'], r"expected an operator after 'PID'")
    err1(['-Q', 'PID =='], r"expected a value after 'PID =='")
    err1(['-Q', '(PID == 1'], r"missing '\)'")
    err1(['-Q', 'PID == 1)'], r"unexpected '\)'")
    err1(['-Q', 'NAME =~ "("'], r'bad regular expression')
    err1(['-Q', 'PID < abc'], r'abc is not a column, and PID column is a number')
    err1(['-Q', 'NAME == "x'], r'unterminated string')
    err1(['-Q', ''], r'empty expression')
    err1(['-Q', 'PID == 1 and'], r'expected a column name')
    err1(['-Q', '(' * 100 + 'PID == 1' + ')' * 100], r'nested too deeply')

@test
def t_filter_scols():
    """-Q speaks scols-filter(5): columns are bare words, strings are quoted,
    types are checked, and lsfd(1)'s FILTER EXAMPLES run unchanged."""
    def sel(*exprs, extra=()):
        args = []
        for e in exprs:
            args += ['-Q', e]
        return sorted((r['pid'], r['fd']) for r in js(*args, *extra, '-o', 'PID,FD'))

    files = visible(SYS['files'])

    def want(fn):
        return sorted((int(f['pid']), int(f['fd'])) for f in files if fn(f))

    # lsfd(1) FILTER EXAMPLES with the columns fdscope has
    pid12 = want(lambda f: f['pid'] in ('1', '2'))
    eq(sel('(PID == 1) or (PID == 2)'), pid12, 'lsfd: or')
    eq(sel('(PID == 1) || (PID == 2)'), pid12, 'lsfd: ||')
    eq(sel('(PID == 1) and (FD == 1)'), [(1, 1)], 'lsfd: and')
    eq(sel('(PID == 1) && (FD == 1)'), [(1, 1)], 'lsfd: &&')
    eq(sel('DELETED'), [(1, 10), (1500, 11)], 'lsfd: a boolean column alone')
    eq(sel('TYPE != "REG"'), want(lambda f: f['type'] != 'REG'), 'lsfd: TYPE != "REG"')
    eq(sel('TYPE == "BLK"'), want(lambda f: f['type'] == 'BLK'), 'lsfd: TYPE == "BLK"')
    eq(sel('NAME =~ ".*/nginx/.*"'), want(lambda f: '/nginx/' in (f['path'] or '')),
       'lsfd: NAME =~')
    eq(sel('(COMMAND =~ ".*redis.*") and (FD >= 0)'),
       want(lambda f: 'redis' in (f['comm'] or '')), 'lsfd: COMMAND =~ and FD >= 0')
    eq(sel('!DELETED and PID == 1500'),
       want(lambda f: f['pid'] == '1500' and f['fd'] != '11'), '!BOOLEAN')
    # columns compare with columns
    rx = {(int(s['pid']), int(s['fd'])) for s in visible(SYS['sockets'])
          if s['rxq'] and s['txq'] and int(s['rxq']) > int(s['txq'])}
    eq(set(sel('RXQ > TXQ')), rx, 'column > column')
    eq(sel('TID != PID'), [], 'TID != PID without -l')
    eq(sorted({p for p, f in sel('TID != PID', extra=('-l',))}), [3000], 'TID != PID with -l')
    # a second -Q is ANDed
    eq(sel('PID == 1', 'FD < 2'), [(1, 0), (1, 1)], 'two -Q')
    eq(sel('PID == 1 or PID == 2', 'FD == 0'), [(1, 0)], 'two -Q, each its own group')
    # type errors name both sides; nothing is silently empty
    err1(['-Q', 'PID == abc'], r'abc is not a column, and PID column is a number')
    err1(['-Q', 'DELETED == maybe'], r'maybe is not a column, and DELETED column is a boolean')
    err1(['-Q', 'TYPE == sock'], r'sock is not a column, and TYPE column is a string')
    err1(['-Q', 'BACKLOG > 0'], r'BACKLOG > 0: BACKLOG column is a string and 0 is a number')
    err1(['-Q', 'PID == "1"'], r'PID == "1": PID column is a number and "1" is a string')
    err1(['-Q', 'PID > COMMAND'], r'PID column is a number and COMMAND column is a string')
    err1(['-Q', 'PID'], r'PID column is a number, not a condition')
    err1(['-Q', 'DELETED > 0'], r'booleans only compare with == and !=')
    err1(['-Q', 'NAME =~ PATH'], r"=~ PATH: the right side must be a quoted regex")
    err1(['-Q', 'FD == 99999999999999999999'], r'number out of range: 99999999999999999999$')
    err1(['-Q', 'FD == 18446744073709551616'], r'number out of range')
    eq(sel('INODE < 18446744073709551615 and PID == 1300'),
       want(lambda f: f['pid'] == '1300' and f['ino'] is not None), 'the largest number')


@test
def t_combined():
    rows = js('-p', '800,801', '-t', 'SOCK', '-Q', 'FD > 6', '-o', 'PID,FD,NAME')
    eq([(r['pid'], r['fd'], r['name']) for r in rows], [
        (800, 7, 'TCP [::]:80 LISTEN'),
        (800, 10, 'UNIX -> 801,nginx,11'),
        (800, 11, 'UNIX -> 802,nginx,11'),
        (801, 7, 'TCP [::]:80 LISTEN'),
        (801, 11, 'UNIX -> 800,nginx,10'),
        (801, 12, 'UNIX -> /run/php/php-fpm.sock 901,php-fpm8.2,5'),
        (801, 13, 'TCP 192.168.1.10:80->203.0.113.7:50000 ESTABLISHED')], 'rows')


@test
def t_socket_names():
    rows = js('-o', 'PID,FD,NAME')
    want = {
        (1500, 9): 'TCP 127.0.0.1:6379->127.0.0.1:43210 ESTABLISHED',
        (1510, 3): 'TCP 127.0.0.1:43210->127.0.0.1:6379 ESTABLISHED',
        (600, 3): 'TCP 0.0.0.0:22 LISTEN',
        (600, 4): 'TCP [::]:22 LISTEN',
        (1610, 3): 'TCP [::1]:51000->[::1]:5432 ESTABLISHED',
        (1620, 9): 'TCP [::1]:5432->[::1]:51000 ESTABLISHED',
        (2000, 41): 'TCP [::ffff:127.0.0.1]:8080->[::ffff:127.0.0.1]:50000 ESTABLISHED',
        (2000, 43): 'TCP 10.0.2.15:38830->151.101.1.1:443 SYN_SENT',
        (470, 10): 'UDP 127.0.0.53:53',
        (470, 12): 'UDP 10.0.2.15:40112->10.0.2.3:53',
        (510, 6): 'UDP [::1]:323',
        (455, 3): 'NETLINK ROUTE 455',
        (1, 14): 'NETLINK KOBJECT_UEVENT 1',
        (455, 5): 'PACKET ETH_P_ALL eth0',
        (1, 12): 'UNIX-DGRAM /run/systemd/notify',
        (1, 13): 'UNIX /run/systemd/private LISTEN',
        (401, 4): 'UNIX-SEQPACKET /run/udev/control LISTEN',
        (901, 5): 'UNIX /run/php/php-fpm.sock -> 801,nginx,12',
        (801, 12): 'UNIX -> /run/php/php-fpm.sock 901,php-fpm8.2,5',
        (312, 20): 'UNIX /run/systemd/journal/stdout -> 401,systemd-udevd,1 401,systemd-udevd,2',
        (3201, 3): 'UNIX-DGRAM @/tmp/.abstract -> 3201,-,4',
        (1630, 3): 'UNIX -> /run/postgresql/.s.PGSQL.5432 socket:[15021]',
        (4000, 4): 'VSOCK 3:1024',
        (4000, 5): 'AF40 DGRAM',
        (5000, 400): 'socket:[19999]',
        (1, 0): '/dev/null',
    }
    got = {(r['pid'], r['fd']): r['name'] for r in rows}
    for k, v in want.items():
        eq(got[k], v, 'NAME of pid %d fd %d' % k)


# --- views --------------------------------------------------------------------------

@test
def t_summary():
    doc = js('--summary', key=None)
    eq(sorted(doc), ['processes', 'sockets', 'totals', 'types'], 'tables')
    files = visible(SYS['files'])
    socks = {s['fileid'] for s in SYS['sockets']}
    eq(doc['totals'], [{
        'processes': len({f['pid'] for f in files}),
        'tables': len({f['table'] for f in files}),
        'fds': len(files),
        'files': len({f['fileid'] for f in files}),
        'sockets': sum(1 for f in files if f['fileid'] in socks)}], 'totals')
    types = {}
    for f in files:
        types[f['type']] = types.get(f['type'], 0) + 1
    eq(doc['types'], types, 'fds per type')
    counts = list(doc['types'].values())
    eq(counts, sorted(counts, reverse=True), 'types sorted by count')
    eq(len(doc['processes']), 10, 'top 10 processes')
    eq(doc['processes'][0], {'pid': 5000, 'command': 'fd-hog', 'user': username(1000),
                             'fds': 220, 'types': {'CHR': 3, 'FIFO': 16, 'REG': 200, 'SOCK': 1}},
       'top process')
    eq(doc['processes'][1]['pid'], 1, 'second process')
    st = {(s['proto'], s['state']): s['fds'] for s in doc['sockets']}
    vs = [s for s in visible(SYS['sockets'])]
    eq(st[('TCP', 'LISTEN')], sum(1 for s in vs if s['proto'] == 'tcp' and
                                  s['state'] == 'LISTEN'), 'TCP LISTEN')
    eq(st[('UNIX', 'ESTABLISHED')], sum(1 for s in vs if s['family'] == 'unix' and
                                      s['type'] == 'stream' and
                                      s['state'] == 'connected'), 'UNIX connected')
    eq(st[('VSOCK', None)], 1, 'vsock, labelled as ss labels it')
    eq(len(js('--summary', '--top', '3', key='processes')), 3, '--top 3')
    eq(len(js('--summary', '--top', '0', key='processes')), len({f['pid'] for f in files}),
       '--top 0')
    eq(js('--summary', '-p', '1300', key='totals'),
       [{'processes': 1, 'tables': 1, 'fds': 4, 'files': 3, 'sockets': 0}], 'with -p (fds 0 and 2 share one file)')
    text = ok('--summary')
    for title in ('Totals:', 'By type:', 'Top processes:', 'Sockets:'):
        check(title in text, 'text summary lacks %r' % title)
    err1(['--top', '3'], r'--top only applies to --summary')


@test
def t_tasks():
    rows = js('--tasks', key='tasks')
    procs = [t for t in SYS['tasks'] if t['tid'] is None]
    eq([r['pid'] for r in rows], [int(t['pid']) for t in procs], 'one row per process')
    r = rows_by(rows, 'pid')
    eq((r[(1,)]['fds'], r[(1,)]['maxfds']), (23, 256), 'pid 1 FDS, MAXFDS')
    eq((r[(1300,)]['stdin'], r[(1300,)]['stdout'], r[(1300,)]['stderr']),
       ('/dev/pts/0', 'pipe:[40001]', '/dev/pts/0'), 'where cat\'s 0, 1, 2 point')
    eq(r[(401,)]['stdout'], 'UNIX -> 312,systemd-journal,20', 'a socket on stdout')
    eq(r[(2,)]['stdin'], None, 'a kernel thread has no fd 0')
    eq(txt(r[(3100,)]['shared']), ['3101,supervise-log'], 'tasks sharing a table')
    eq(txt(r[(3101,)]['shared']), ['3100,supervise'], 'the other one')
    eq(r[(2,)]['shared'], [], 'kernel threads share an empty table: not listed')
    eq(r[(2,)]['table'], r[(3,)]['table'], 'kernel threads share one table')
    eq(r[(3100,)]['table'], r[(3101,)]['table'], 'same TABLE')
    eq(r[(1,)]['user'], 'root', 'USER')
    rows = js('--tasks', '-l', key='tasks')
    eq([(x['pid'], x['tid'], x['command']) for x in rows if x['pid'] == 3000],
       [(3000, 3000, 'worker-pool'), (3000, 3005, 'io-thread')], '-l: the thread table')
    eq([x['pid'] for x in js('--tasks', '-u', 'www-data', key='tasks')],
       [801, 802, 901, 902, 4000], '--tasks -u')
    eq([x['pid'] for x in js('--tasks', '-t', 'PACKET', key='tasks')], [455],
       '--tasks with an fd filter')
    err1(['--tasks', '-o', 'PID,BOGUS'], r'^fdscope: unknown column for this view: BOGUS$')


@test
def t_endpoints():
    rows = js('--endpoints', key='endpoints')
    got = {(r['pid'], r['fd']): txt(r['endpoints']) for r in rows}
    pairs = {
        (1300, 1): ['1301,grep,0r-'], (1301, 0): ['1300,cat,1-w'],         # pipe
        (1201, 6): ['1205,sshd,5-w'], (1205, 5): ['1201,sshd,6r-'],        # pipe
        (1320, 3): ['1321,tail,3r-'], (1321, 3): ['1320,logger,3-w'],      # FIFO
        (801, 12): ['901,php-fpm8.2,5'], (901, 5): ['801,nginx,12'],     # connect/accept
        (800, 10): ['801,nginx,11'], (801, 11): ['800,nginx,10'],        # socketpair
        (3201, 3): ['3201,-,4'], (3201, 4): ['3201,-,3'],                # in one process
        (312, 20): ['401,systemd-udevd,1', '401,systemd-udevd,2'],       # dup'd peer
        (401, 1): ['312,systemd-journal,20'],
        (1, 40): ['520,dbus-daemon,10'], (520, 10): ['1,systemd,40'],
        (1630, 3): ['socket:[15021]'],                                   # not accepted
        (5000, 300): ['5000,fd-hog,301-w'],
    }
    for k, v in pairs.items():
        eq(got.get(k), v, 'endpoints of pid %d fd %d' % k)
    for k in ((600, 3), (1, 13), (1, 17), (1, 12)):
        check(k not in got, 'pid %d fd %d has no other end' % k)
    # Every unix socket with a peer or with clients, every pipe or FIFO open
    # the other way (the other kinds: reader-more-endpoints).
    files = SYS['files']
    socks = SYS['sockets']
    want = sum(1 for s in visible(socks) if s['family'] == 'unix' and (
        s['peer'] or any(o['peer'] == s['ino'] for o in socks)))
    for f in visible(files):
        if f['type'] == 'FIFO' and any(
                g is not f and g['ino'] == f['ino'] and g['dev'] == f['dev'] and
                (f['mode'] == 'rw' or g['mode'] == 'rw' or g['mode'] != f['mode'])
                for g in files):
            want += 1
    eq(len([r for r in rows if r['type'] == 'FIFO' or r['name'].startswith('UNIX')]), want,
       'rows')
    eq(rows_by(rows, 'pid', 'fd')[(801, 12)]['name'], 'UNIX -> /run/php/php-fpm.sock', 'NAME')
    # -p selects rows but the other ends are still found system-wide.
    rows = js('--endpoints', '-p', '1300', key='endpoints')
    eq([(r['pid'], r['fd'], txt(r['endpoints'])) for r in rows], [(1300, 1, ['1301,grep,0r-'])],
       '--endpoints -p')
    text = ok('--endpoints', '-p', '312', '-Q', 'FD == 20')
    check('401,systemd-udevd,1 401,systemd-udevd,2' in text, 'text form %r' % text)


@test
def t_more_endpoints():
    """lsfd's other kinds: loopback TCP and UDP, eventfds, POSIX message
    queues, the clients of a unix datagram server; never a pty master."""
    rows = js('--endpoints', key='endpoints')
    got = {(r['pid'], r['fd']): txt(r['endpoints']) for r in rows}
    devlog = ['700,cron,3', '1250,sudo,3']
    pairs = {
        (1500, 9): ['1510,redis-cli,3'], (1510, 3): ['1500,redis-server,9'],   # TCP 127.0.0.1
        (1620, 9): ['1610,psql,3'], (1610, 3): ['1620,postgres,9'],            # TCP ::1
        (2000, 41): ['2010,curl,3'], (2010, 3): ['2000,java,41'],              # v4-mapped
        (6020, 3): ['6021,udp-echo,3'], (6021, 3): ['6020,udp-ping,3'],        # UDP
        (6000, 5): ['6001,qemu-system,9rw'], (6001, 9): ['6000,vhost-backend,5rw'],
        (6010, 3): ['6011,mq-client,3-w'], (6011, 3): ['6010,mq-server,3r-'],  # mqueue
        (1, 31): devlog, (312, 4): devlog,                                     # /dev/log
        (700, 3): ['1,systemd,31', '312,systemd-journal,4'],
    }
    for k, v in pairs.items():
        eq(got.get(k), v, 'endpoints of pid %d fd %d' % k)
    for k, why in (((1600, 9), 'UDP connected to itself'),
                   ((4000, 6), 'the same addresses in another network namespace'),
                   ((6001, 10), 'an eventfd no other fd holds'),
                   ((1500, 6), 'a listener'), ((1, 10), 'a memfd'),
                   ((1201, 9), 'a pty master: the dump has no tty index'),
                   ((1210, 0), 'a pty slave')):
        check(k not in got, 'pid %d fd %d: %s has no other end' % (k + (why,)))
    rows = js('-p', '6010', '-o', 'FD,ENDPOINTS')
    eq([(r['fd'], txt(r['endpoints'])) for r in rows],
       [(0, []), (1, []), (2, []), (3, ['6011,mq-client,3-w'])], 'the ENDPOINTS column')
    rows = js('-p', '3000', '-l', '-t', 'eventfd', '-o', 'TID,FD,ENDPOINTS')
    eq([(r['tid'], r['fd'], txt(r['endpoints'])) for r in rows],
       [(3000, 3, ['3000,io-thread,3rw']), (3005, 3, ['3000,worker-pool,3rw'])],
       'an eventfd a thread-owned table shares')
    check(re.search(r'tty index', open(MAN).read()), 'the man page tells why ptys are not paired')


@test
def t_endpoints_epoll():
    """--endpoints shows epoll relations both ways: what an eventpoll
    watches (TARGETS) and the eventpolls watching an fd (WATCHED-BY)."""
    rows = js('--endpoints', key='endpoints')
    got = {(r['pid'], r['fd']): (txt(r['targets']), txt(r['watched-by'])) for r in rows}
    eq(got[(1, 4)], (['1,systemd,5', '1,systemd,6', '1,systemd,7', '1,systemd,14'], []),
       'an eventpoll: its targets')
    eq(got[(1, 5)], ([], ['1,systemd,4']), 'a signalfd: the eventpoll watching it')
    eq(got[(1500, 8)][0], ['1500,redis-server,7', '1500,redis-server,9'],
       'a target closed since it was added and open nowhere is left out')
    eq(got[(6000, 6)][0], ['6001,qemu-system,12'], 'a target passed on, found by its inode')
    eq(got[(6001, 12)][1], ['6000,vhost-backend,6'], 'and the other way')
    eq(got[(800, 6)], ([], ['801,nginx,8', '802,nginx,8']), 'a shared listener')
    eq(txt(rows_by(rows, 'pid', 'fd')[(801, 12)]['endpoints']), ['901,php-fpm8.2,5'],
       'ENDPOINTS as before')
    text = ok('--endpoints', '-p', '1500', '-Q', 'FD == 8')
    check('1500,redis-server,7 1500,redis-server,9' in text, 'text form %r' % text)
    # A dump without the epoll file: the columns are empty, silently.
    out = ok('-J', '--endpoints', d=os.path.join(DUMPS, 'live-6.1'))
    check(all(r['targets'] == [] and r['watched-by'] == []
              for r in json.loads(out)['endpoints']), 'old dump: no epoll relations')


@test
def t_endpoints_pairs_dump():
    """A dump made of known pairs only: every fd must find exactly its partner."""
    d = os.path.join(TMP, 'pairs')
    os.makedirs(d)
    files = ['# fdscope-files 1 pid tid comm fd table cloexec mode flags pos type dev '
             'ino fileid refs deleted path']
    socks = ['# fdscope-sockets 1 pid tid comm fd fileid ino family type proto state '
             'local remote rxq txq drops uid netns peer inflight backlog groups']
    want = {}
    for i in range(40):
        a, b = 100 + 2 * i, 101 + 2 * i
        tab = '%015x' % (0xa000 + i)
        if i % 2:
            ino = 7000 + i
            files.append('%d - w%d 3 %s 0 w - 0 FIFO 0:13 %d %015x 1 0 pipe:[%d]'
                         % (a, a, tab, ino, 0x100 + i, ino))
            files.append('%d - r%d 4 %s 0 r - 0 FIFO 0:13 %d %015x 1 0 pipe:[%d]'
                         % (b, b, tab, ino, 0x200 + i, ino))
            want[(a, 3)] = ['%d,r%d,4r-' % (b, b)]
            want[(b, 4)] = ['%d,w%d,3-w' % (a, a)]
        else:
            ia, ib = 8000 + 2 * i, 8001 + 2 * i
            for p, fd, ino, peer, fid in ((a, 3, ia, ib, 0x300 + i), (b, 4, ib, ia, 0x400 + i)):
                files.append('%d - u%d %d %s 0 rw - 0 SOCK 0:8 %d %015x 1 0 socket:[%d]'
                             % (p, p, fd, tab, ino, fid, ino))
                socks.append('%d - u%d %d %015x %d unix stream - connected - - 0 0 0 0 1 '
                             '%d 0 - -' % (p, p, fd, fid, ino, peer))
            want[(a, 3)] = ['%d,u%d,4' % (b, b)]
            want[(b, 4)] = ['%d,u%d,3' % (a, a)]
    open(os.path.join(d, 'files'), 'w').write('\n'.join(files) + '\n')
    open(os.path.join(d, 'sockets'), 'w').write('\n'.join(socks) + '\n')
    rc, out, err = run('-J', '--endpoints', d=d)
    eq((rc, err), (0, ''), 'exit status and stderr (the tasks file is not needed)')
    got = {(r['pid'], r['fd']): txt(r['endpoints']) for r in json.loads(out)['endpoints']}
    eq(got, want, 'endpoints')


def svg_graph(*args, d=SYSTEM):
    """Render --graph with dot -Tsvg: {node: label lines}, {(tail, head): [label lines]}."""
    import xml.etree.ElementTree as ET
    if not shutil.which('dot'):
        raise Skip('graphviz is not installed (scripts/deps.sh)')
    text = ok('--graph', *args, d=d)
    p = subprocess.run(['dot', '-Tsvg'], input=text.encode(), capture_output=True)
    eq((p.returncode, p.stderr.decode()), (0, ''), 'dot -Tsvg: exit status and stderr')
    ns = '{http://www.w3.org/2000/svg}'
    nodes, edges = {}, {}
    for g in ET.fromstring(p.stdout).iter(ns + 'g'):
        title = g.find(ns + 'title').text if g.find(ns + 'title') is not None else None
        lines = [t.text or '' for t in g.iter(ns + 'text')]
        if g.get('class') == 'node':
            nodes[title] = lines
        elif g.get('class') == 'edge':
            tail, head = title.split('->')
            edges.setdefault((tail, head), []).append(lines)
    return nodes, edges


@test
def t_graph():
    nodes, edges = svg_graph()
    boxes = {n: v for n, v in nodes.items() if n.startswith('l')}
    devlog = [n for n, v in boxes.items() if v[0] == 'unix' and 'dev-log' in v[1]]
    eq(len(devlog), 1, 'one box for the /dev/log server %r' % boxes)
    want = {
        ('p1300', 'p1301'): ['pipe', '1300:1 1301:0'],          # writer -> reader
        ('p1205', 'p1201'): ['pipe', '1205:5 1201:6'],
        ('p1320', 'p1321'): ['FIFO', '1320:3 1321:3'],
        ('p800', 'p801'): ['unix', '800:10 801:11'],            # socketpair
        ('p801', 'p901'): ['unix', '801:12 901:5'],             # connect/accept
        ('p312', 'p401'): ['unix', '312:20 401:1,2'],
        ('p1500', 'p1510'): ['TCP', '1500:9 1510:3'],           # 127.0.0.1
        ('p1610', 'p1620'): ['TCP', '1610:3 1620:9'],           # ::1
        ('p2000', 'p2010'): ['TCP', '2000:41 2010:3'],          # v4-mapped
        ('p6020', 'p6021'): ['UDP', '6020:3 6021:3'],
        ('p6011', 'p6010'): ['mqueue', '6011:3 6010:3'],
        ('p6000', 'p6001'): ['eventfd', '6000:5 6001:9'],
        ('p3100', 'p3101'): ['shared', '3100:1,2 3101:1,2'],    # one description
        ('p700', devlog[0]): ['3'], ('p1250', devlog[0]): ['3'],
        (devlog[0], 'p1'): ['31'], (devlog[0], 'p312'): ['4'],
    }
    for k, v in want.items():
        check(v in edges.get(k, []), 'edge %s -> %s %r: got %r' % (k + (v, edges.get(k))))
    eq(nodes['p1300'], ['cat', '1300'], 'a node is a process')
    eq(nodes['p3200'], ['3200'], 'an empty command (dot draws no empty line)')
    pts = [n for n, v in boxes.items() if v == ['shared', '/dev/pts/0']]
    eq(len(pts), 1, 'a description held by more than two processes is one box')
    eq(sum(1 for (t, h) in edges if h == pts[0]), 12, 'an edge per process holding /dev/pts/0')
    check(not any(k for k, v in edges.items() if k == ('p1', 'p520') and ['unix', '1:33 520:3'] in v),
          'a listener two processes share is no unix connection')
    for pid in (4000, 5000, 1600):
        check('p%d' % pid not in nodes, 'pid %d has no link to another process' % pid)

    nodes, edges = svg_graph('-p', '6010')
    eq((sorted(nodes), list(edges)), (['p6010', 'p6011'], [('p6011', 'p6010')]), '-p')
    nodes, edges = svg_graph('-Q', 'TYPE == "FIFO"')
    eq(sorted(v[0] for lines in edges.values() for v in lines),
       ['FIFO', 'pipe', 'pipe', 'pipe'], '-Q selects the links drawn')
    # The workers' unix fds: the channels to their master, the connections to
    # php-fpm, the php-fpm listener its workers share (one box).
    nodes, edges = svg_graph('-u', 'www-data', '-t', 'unix')
    eq(sorted(edges), [('p800', 'p801'), ('p800', 'p802'), ('p801', 'p901'), ('p802', 'p902'),
                       ('p900', 'l0'), ('p901', 'l0'), ('p902', 'l0')], '-u and -t')
    eq(nodes['l0'], ['shared', 'UNIX /run/php/php-fpm.sock LISTEN'], 'the box')
    err1(['--graph', '-J'], r'--graph prints DOT')
    check('--graph' in ok('--help', d=None), '--help mentions --graph')
    check('.B \\-\\-graph\n' in open(MAN).read(), 'the man page describes --graph')
    err1(['--graph', '--shared'], r'--graph and --shared cannot be used together|'
         r'--shared and --graph cannot be used together')


@test
def t_graph_odd_names():
    """Command names with quotes, backslashes, '&', control bytes, broken UTF-8."""
    d = os.path.join(TMP, 'graph-names')
    os.makedirs(d)
    comm = {100: 'a"b\\134c&d', 101: '\\377\\033<\xc3\xa9>'}
    files = ['# fdscope-files 1 pid tid comm fd table cloexec mode flags pos type dev '
             'ino fileid refs deleted path',
             '100 - %s 3 %015x 0 w - 0 FIFO 0:13 77 %015x 1 0 pipe:[77]' % (comm[100], 1, 2),
             '101 - %s 4 %015x 0 r - 0 FIFO 0:13 77 %015x 1 0 pipe:[77]' % (comm[101], 3, 4)]
    with open(os.path.join(d, 'files'), 'wb') as f:
        f.write(('\n'.join(files) + '\n').encode('latin-1'))
    open(os.path.join(d, 'sockets'), 'w').write(
        '# fdscope-sockets 1 pid tid comm fd fileid ino family type proto state local '
        'remote rxq txq drops uid netns peer inflight backlog groups\n')
    nodes, edges = svg_graph(d=d)
    eq(nodes['p100'], ['a"b\\c&d', '100'], 'quote, backslash and ampersand')
    eq(nodes['p101'], ['\\xff\\x1b<\u00e9>', '101'], 'bytes that are not UTF-8 text')
    eq(edges, {('p100', 'p101'): [['pipe', '100:3 101:4']]}, 'edges')


@test
def t_shared():
    rows = js('--shared', key='shared')
    files = visible(SYS['files'])
    by_name = {}
    for r in rows:
        by_name.setdefault(r['name'], []).append(r)
    pts = [r for r in rows if r['name'] == '/dev/pts/0']
    eq(len(pts), 1, '/dev/pts/0 rows')
    n = sum(1 for f in files if f['path'] == '/dev/pts/0')
    eq((pts[0]['fds'], pts[0]['procs'], pts[0]['refs']), (n, 12, 38), '/dev/pts/0 counts')
    eq(len(pts[0]['holders']), n, 'HOLDERS in JSON is whole')
    text = ok('--shared', '-r', '-o', 'NAME,HOLDERS')
    check('\\x20+%d\\x20more\n' % (n - 32) in text,
          'a table\'s HOLDERS is capped (32 and "+N more")')
    l80 = by_name['TCP 0.0.0.0:80 LISTEN'][0]
    eq((l80['fds'], l80['procs'], l80['refs'], l80['type']), (3, 3, 3, 'SOCK'), 'listener')
    eq(txt(l80['holders']), ['800,nginx,6rw', '801,nginx,6rw', '802,nginx,6rw'], 'holders')
    log = by_name['/var/log/supervise.log'][0]
    eq((log['fds'], log['procs'], log['refs']), (2, 2, 3),
       'CLONE_FILES: one table, two processes; REFS counts an fd in flight')
    err = by_name['/var/log/nginx/error.log'][0]
    eq((err['fds'], err['procs']), (6, 3), 'dup and fork')
    check('/dev/kmsg' not in by_name, 'a file held by one fd is not shared')
    fds = [r['fds'] for r in rows]
    eq(fds, sorted(fds, reverse=True), 'sorted by FDS')
    pts = [r for r in js('--shared', '-l', key='shared') if r['name'] == '/dev/pts/0'][0]
    eq(pts['fds'], n + 3, 'with -l the thread table\'s fds count')


@test
def t_live_dump():
    """A dump the module itself wrote (tests/dumps/live-6.1)."""
    d = os.path.join(DUMPS, 'live-6.1')
    rows = js('-o', ','.join(all_columns()), d=d)
    eq(len(rows), len(visible(dump(d)['files'])), 'rows')
    r = rows_by(rows, 'pid', 'fd')
    eq(txt(r[(124, 3)]['endpoints']), ['124,python3,4'], 'socketpair')
    eq(r[(124, 4)]['name'], 'UNIX -> 124,python3,3', 'socketpair NAME')
    eq(r[(124, 6)]['name'], 'TCP 127.0.0.1:41602->127.0.0.1:5000 ESTABLISHED', 'TCP client')
    eq(r[(124, 7)]['name'], 'TCP 127.0.0.1:5000->127.0.0.1:41602 ESTABLISHED', 'TCP server')
    eq(r[(124, 5)]['backlog'], {'queued': 0, 'max': 128}, 'BACKLOG')
    eq(r[(124, 8)]['name'], 'TCP [::1]:5001 LISTEN', 'v6 listener')
    eq(txt(r[(122, 1)]['endpoints']), ['123,sleep,0r-'], 'pipe cat -> sleep')
    eq(txt(r[(123, 0)]['endpoints']), ['122,cat,1-w'], 'pipe sleep <- cat')
    for view, key in (('--summary', None), ('--tasks', 'tasks'),
                      ('--endpoints', 'endpoints'), ('--shared', 'shared')):
        js(view, key=key, d=d)
    eq(inet('-i', 'tcp:5000', d=d), [(124, 5), (124, 6), (124, 7)], '-i tcp:5000')


@test
def t_many_holders():
    """One pipe, one unix peer and one fd table shared by thousands: capped lists, no n^2."""
    n = 20000
    d = os.path.join(TMP, 'many')
    os.makedirs(d)
    files = ['# fdscope-files 1 pid tid comm fd table cloexec mode flags pos type dev '
             'ino fileid refs deleted path']
    socks = ['# fdscope-sockets 1 pid tid comm fd fileid ino family type proto state '
             'local remote rxq txq drops uid netns peer inflight backlog groups']
    tasks = ['# fdscope-tasks 1 pid tid comm uid table nfds maxfds pidns netns']
    for pid in range(100, 100 + n):
        # A jobserver pipe: every process holds both ends, inherited.
        tab = '%015x' % (7 if pid % 2 else pid)
        files.append('%d - make 3 %s 0 r - 0 FIFO 0:13 5000 %015x %d 0 pipe:[5000]'
                     % (pid, tab, 1, n))
        files.append('%d - make 4 %s 0 w - 0 FIFO 0:13 5000 %015x %d 0 pipe:[5000]'
                     % (pid, tab, 2, n))
        # Everyone holds the server side of one unix connection.
        files.append('%d - make 5 %s 0 rw - 0 SOCK 0:8 9001 %015x %d 0 socket:[9001]'
                     % (pid, tab, 3, n))
        socks.append('%d - make 5 %015x 9001 unix stream - connected /s - 0 0 0 0 1 9000 0 - -'
                     % (pid, 3))
        tasks.append('%d - make 0 %s 3 64 1 1' % (pid, tab))
    files.append('99 - client 3 %015x 0 rw - 0 SOCK 0:8 9000 %015x 1 0 socket:[9000]' % (9, 4))
    socks.append('99 - client 3 %015x 9000 unix stream - connected - /s 0 0 0 0 1 9001 0 - -' % 4)
    tasks.append('99 - client 0 %015x 1 64 1 1' % 9)
    for k, v in (('files', files), ('sockets', socks), ('tasks', tasks)):
        open(os.path.join(d, k), 'w').write('\n'.join(v) + '\n')
    t = time.monotonic()
    rows = js('--endpoints', '-p', '99,100,101', key='endpoints', d=d)
    r = rows_by(rows, 'pid', 'fd')
    eq(txt(r[(99, 3)]['endpoints'][:2]), ['100,make,5', '101,make,5'], 'unix peer holders')
    eq(len(r[(99, 3)]['endpoints']), n, 'unix: JSON lists every one')
    eq(len(r[(100, 3)]['endpoints']), n, 'pipe: JSON lists every one')
    eq(txt(r[(100, 3)]['endpoints'][:2]), ['100,make,4-w', '101,make,4-w'], 'pipe: the write ends')
    eq(txt(r[(101, 5)]['endpoints']), ['99,client,3'], 'the other way')
    text = ok('--endpoints', '-r', '-n', '-p', '99,100', '-o', 'ENDPOINTS', d=d)
    eq([ln.split('\\x20')[-2:] for ln in text.splitlines() if '+' in ln],
       [['+%d' % (n - 32), 'more']] * 3, 'a table\'s lists are capped')
    rows = js('--tasks', '-p', '101', key='tasks', d=d)
    eq(len(rows[0]['shared']), n // 2 - 1, 'SHARED whole')
    js('--shared', key='shared', d=d)
    rc, out, err = run('-r', '-o', 'PID,FD,ENDPOINTS,NAME', d=d, timeout=120)
    eq((rc, err), (0, ''), 'full list')
    took = time.monotonic() - t
    check(took < 30, 'took %.1f s' % took)
    return '%d fds in %.1f s' % (3 * n + 1, took)


@test
def t_shared_reused_fileid():
    """A fileid repeated by a closed-and-reopened file (refs 1 each) is not sharing."""
    d = os.path.join(TMP, 'reused')
    os.makedirs(d)
    head = ('# fdscope-files 1 pid tid comm fd table cloexec mode flags pos type dev '
            'ino fileid refs deleted path')
    rec = '%d - %s %d %015x 0 r - 0 REG 8:1 77 %015x %d 0 /var/log/app.log'
    files = [head,
             # Two opens of one file, the first closed during the walk and its
             # struct file reused for the second: one fileid, refs 1 each.
             rec % (10, 'a', 3, 1, 5, 1), rec % (20, 'b', 4, 2, 5, 1),
             # A real share after fork(): refs 2.
             rec % (30, 'c', 5, 3, 6, 2), rec % (31, 'c', 5, 4, 6, 2)]
    open(os.path.join(d, 'files'), 'w').write('\n'.join(files) + '\n')
    open(os.path.join(d, 'tasks'), 'w').write(
        '# fdscope-tasks 1 pid tid comm uid table nfds maxfds pidns netns\n')
    open(os.path.join(d, 'sockets'), 'w').write(
        '# fdscope-sockets 1 pid tid comm fd fileid ino family type proto state '
        'local remote rxq txq drops uid netns peer inflight backlog groups\n')
    ids = sorted(r['fileid'] for r in js('--shared', key='shared', d=d))
    eq(ids, ['%015x' % 6], 'only the description refs confirm is shared')


# --- the format contract --------------------------------------------------------------

def rewrite(src, dst, fn):
    """Copy a dump, passing each file's (columns, rows of fields) through fn."""
    os.makedirs(dst, exist_ok=True)
    for k in os.listdir(src):
        with open(os.path.join(src, k)) as f:
            lines = f.read().split('\n')[:-1]
        head = lines[0].split(' ')
        cols, rows = fn(k, head[3:], [ln.split(' ') for ln in lines[1:]])
        with open(os.path.join(dst, k), 'w') as f:
            f.write(' '.join(head[:3] + cols) + '\n')
            for r in rows:
                f.write(' '.join(r) + '\n')


SOCK_DETAIL_COLS = ['rtt', 'rttvar', 'rto', 'cwnd', 'ssthresh', 'unacked', 'retrans',
                    'total_retrans', 'rcv_space', 'snd_wnd', 'rmem', 'rcvbuf', 'wmem',
                    'sndbuf', 'fwd_alloc', 'wmem_queued', 'optmem', 'sk_backlog', 'cookie',
                    'shutdown']
TCP_GROUP = ['TCP.RTT', 'TCP.RTTVAR', 'TCP.RTO', 'TCP.CWND', 'TCP.SSTHRESH', 'TCP.UNACKED',
             'TCP.RETRANS', 'TCP.TOTAL-RETRANS', 'TCP.RCV-SPACE', 'TCP.SND-WND']
SKMEM_GROUP = ['SOCK.RMEM', 'SOCK.RCVBUF', 'SOCK.WMEM', 'SOCK.SNDBUF', 'SOCK.FWD-ALLOC',
               'SOCK.WMEM-QUEUED', 'SOCK.OPTMEM', 'SOCK.BACKLOG', 'SOCK.DROPS']
# live-6.1's sockets (pid 124) with the details a newer module appends, by fd:
# the TCP fields (or None for '-' ten times), memory, cookie, shutdown.
SOCK_DETAILS = {
    3: (None, '0 212992 0 212992 0 0 0 0', '4097', '-->'),
    4: (None, '0 212992 0 212992 0 0 0 0', '4098', '<--'),
    5: (None, '0 131072 0 16384 0 0 0 0', '4099', '<->'),
    6: ('42 21 201000 10 2147483647 0 0 0 65495 65483', '0 131072 0 2626560 0 0 0 0',
        '4100', '<->'),
    7: ('1500 750 204000 10 7 2 1 3 65495 65483', '5 131072 1280 2626560 -4096 2304 0 0',
        '18446744073709551615', '---'),
    8: (None, '0 131072 0 16384 0 0 0 0', '4101', '<->'),
}


def sock_details_dump(d, extra=None):
    """live-6.1 as a module with the socket details writes it; @extra(fd
    row) may change a sockets row's fields (a list) before it is written."""
    def edit(kind, cols, rows):
        if kind != 'sockets':
            return cols, rows
        for r in rows:
            tcp, mem, cookie, shut = SOCK_DETAILS[int(r[3])]
            r += (tcp or ' '.join(['-'] * 10)).split(' ') + mem.split(' ') + [cookie, shut]
            if extra:
                extra(dict(zip(cols + SOCK_DETAIL_COLS, r)), r)
        return cols + SOCK_DETAIL_COLS, rows
    rewrite(os.path.join(DUMPS, 'live-6.1'), d, edit)
    return d


def sockstats_dump(d, fileid_of=None):
    """live-6.1 as the module writes it now: the counters in a sockstats file
    of their own; @fileid_of(fd, fileid) may change a sockstats fileid."""
    tcp_cols = SOCK_DETAIL_COLS[:18]

    def edit(kind, cols, rows):
        if kind != 'sockets':
            return cols, rows
        for r in rows:
            tcp, mem, cookie, shut = SOCK_DETAILS[int(r[3])]
            r += [cookie, shut]
        return cols + ['cookie', 'shutdown'], rows
    rewrite(os.path.join(DUMPS, 'live-6.1'), d, edit)
    with open(os.path.join(d, 'sockets')) as f:
        lines = f.read().split('\n')[:-1]
    socks = [dict(zip(lines[0].split(' ')[3:], ln.split(' '))) for ln in lines[1:]]
    with open(os.path.join(d, 'sockstats'), 'w') as f:
        f.write('# fdscope-sockstats 1 pid tid comm fd fileid ino ' + ' '.join(tcp_cols) + '\n')
        for r in socks:
            tcp, mem, cookie, shut = SOCK_DETAILS[int(r['fd'])]
            fid = fileid_of(int(r['fd']), r['fileid']) if fileid_of else r['fileid']
            f.write(' '.join([r['pid'], r['tid'], r['comm'], r['fd'], fid, r['ino']] +
                             (tcp or ' '.join(['-'] * 10)).split(' ') + mem.split(' ')) + '\n')
    return d


@test
def t_sockstats_file():
    """The ss -i/-m counters come from sockstats, joined on pid+tid+fd and
    checked on fileid, and are read only when a column asks for them."""
    cols = 'PID,FD,TCP.CWND,TCP.RTT,TCP.SSTHRESH,SOCK.RCVBUF,SOCK.FWD-ALLOC,SOCK.COOKIE,SOCK.SHUTDOWN'
    old = sock_details_dump(os.path.join(TMP, 'stats-appended'))
    new = sockstats_dump(os.path.join(TMP, 'stats-file'))
    want = ok('-r', '-t', 'SOCK', '-o', cols, d=old)
    eq(ok('-r', '-t', 'SOCK', '-o', cols, d=new), want, 'sockstats file vs appended columns')
    check(' 1500 ' in want and ' -4096 ' in want, 'the counters are shown: %r' % want)
    eq(js('-o', 'FD,TCP.CWND,SOCK.RMEM', '-t', 'SOCK', d=new),
       js('-o', 'FD,TCP.CWND,SOCK.RMEM', '-t', 'SOCK', d=old), 'JSON the same')
    # An fd reused between the two reads: its counters are unknown, not another file's.
    moved = sockstats_dump(os.path.join(TMP, 'stats-moved'),
                           lambda fd, fid: '0123456789abcde' if fd == 7 else fid)
    got = {r[0]: r[1:] for r in table(ok('-r', '-n', '-o', 'FD,TCP.CWND,SOCK.RCVBUF', '-t', 'SOCK',
                                         d=moved))}
    eq(got['7'], ['-', '-'], 'fd 7 with another fileid')
    eq(got['6'][0], '10', 'fd 6 keeps its counters')
    # Not read unless asked for: a broken sockstats does not touch the list.
    bad = os.path.join(TMP, 'stats-broken')
    shutil.copytree(new, bad)
    with open(os.path.join(bad, 'sockstats'), 'w') as f:
        f.write('garbage\n')
    eq(ok('-r', d=bad), ok('-r', d=new), 'default list without sockstats')
    err1(['-o', '+TCP'], r'/stats-broken/sockstats:1: not an fdscope header$', d=bad)


@test
def t_sock_details():
    """TCP.*, SOCK.* memory, SOCK.COOKIE and SOCK.SHUTDOWN from the sockets file."""
    d = sock_details_dump(os.path.join(TMP, 'sockdetails'))
    cols = TCP_GROUP + SKMEM_GROUP + ['SOCK.COOKIE', 'SOCK.SHUTDOWN', 'DROPS']
    r = rows_by(js('-o', 'PID,FD,' + ','.join(cols), d=d), 'pid', 'fd')
    eq([r[(124, 7)][c.lower()] for c in TCP_GROUP],
       [1500, 750, 204000, 10, 7, 2, 1, 3, 65495, 65483], 'TCP columns of fd 7')
    eq([r[(124, 7)][c.lower()] for c in SKMEM_GROUP],
       [5, 131072, 1280, 2626560, -4096, 2304, 0, 0, 0], 'SKMEM columns, a negative fwd_alloc')
    eq(r[(124, 7)]['sock.cookie'], 18446744073709551615, 'a cookie of 64 bits, exact')
    eq(r[(124, 6)]['sock.cookie'], 4100, 'cookie')
    eq({fd: r[(124, fd)]['sock.shutdown'] for fd in range(3, 9)},
       {3: '-->', 4: '<--', 5: '<->', 6: '<->', 7: '---', 8: '<->'}, 'SOCK.SHUTDOWN')
    for fd in (3, 4, 5, 8):
        eq({c: r[(124, fd)][c.lower()] for c in TCP_GROUP}, dict.fromkeys(TCP_GROUP),
           'TCP columns of fd %d (no TCP connection)' % fd)
    eq(r[(124, 5)]['sock.rcvbuf'], 131072, 'memory of a listener')
    for fd in range(3, 9):
        eq(r[(124, fd)]['sock.drops'], r[(124, fd)]['drops'], 'SOCK.DROPS is DROPS')
    eq({c: r[(124, 0)][c.lower()] for c in cols}, dict.fromkeys(cols), 'a tty has none')
    # A dump from before these columns: every one of them is empty.
    old = rows_by(js('-o', 'PID,FD,' + ','.join(cols), d=os.path.join(DUMPS, 'live-6.1')),
                  'pid', 'fd')
    new = [c for c in cols if 'DROPS' not in c]
    eq({c: old[(124, 7)][c.lower()] for c in new}, dict.fromkeys(new), 'an older dump')
    eq(old[(124, 7)]['sock.drops'], 0, 'an older dump has drops')
    types = {c['column']: c['type'] for c in js('--list-columns', key='columns', d=None)}
    eq({types[c] for c in TCP_GROUP + SKMEM_GROUP + ['SOCK.COOKIE']}, {'number'}, 'JSON types')
    eq(types['SOCK.SHUTDOWN'], 'string', 'SOCK.SHUTDOWN type')
    # The text table shows the same numbers.
    t = table(ok('-r', '-o', 'FD,TCP.RTT,SOCK.FWD-ALLOC,SOCK.COOKIE,SOCK.SHUTDOWN', '-p', '124',
                 d=d))
    eq(t[0], ['FD', 'TCP.RTT', 'SOCK.FWD-ALLOC', 'SOCK.COOKIE', 'SOCK.SHUTDOWN'], 'header')
    eq([x for x in t if x[0] == '7'], [['7', '1500', '-4096', '18446744073709551615', '---']],
       'raw row of fd 7')


@test
def t_sock_groups():
    """-o +TCP and -o SKMEM: column groups; +TCP puts ss -i's terms in NAME."""
    d = sock_details_dump(os.path.join(TMP, 'sockgroups'))
    default = ['COMMAND', 'PID', 'USER', 'ASSOC', 'MODE', 'TYPE', 'DEV', 'INODE', 'NAME']
    eq(ok('-r', '-o', '+TCP', d=d).splitlines()[0].split(' '), default + TCP_GROUP, '-o +TCP')
    eq(ok('-r', '-o', 'FD,skmem', d=d).splitlines()[0].split(' '), ['FD'] + SKMEM_GROUP,
       '-o FD,skmem (any case)')
    r = rows_by(js('-o', 'PID,FD,NAME,TCP', d=d), 'pid', 'fd')
    eq(r[(124, 7)]['name'], 'TCP 127.0.0.1:5000->127.0.0.1:41602 ESTABLISHED rtt=1.5ms '
       'rto=204ms cwnd=10 ssthresh=7 unacked=2 retrans=3', 'NAME with TCP, after a loss')
    eq(r[(124, 6)]['name'], 'TCP 127.0.0.1:41602->127.0.0.1:5000 ESTABLISHED rtt=0.042ms '
       'rto=201ms cwnd=10', 'NAME with TCP, a quiet connection')
    eq(r[(124, 5)]['name'], 'TCP 127.0.0.1:5000 LISTEN', 'a listener has no TCP internals')
    eq(r[(124, 4)]['name'], 'UNIX -> 124,python3,3', 'unix NAME unchanged')
    plain = rows_by(js('-o', 'PID,FD,NAME,TCP.RTT', d=d), 'pid', 'fd')
    eq(plain[(124, 7)]['name'], 'TCP 127.0.0.1:5000->127.0.0.1:41602 ESTABLISHED',
       'NAME without the group')
    eq(plain[(124, 7)]['tcp.rtt'], 1500, 'one TCP column alone')
    err1(['-o', 'PID,TCP.BOGUS'], r'^fdscope: unknown column: TCP\.BOGUS$', d=d)

    def sel(expr):
        return [(x['pid'], x['fd']) for x in js('-o', 'PID,FD', '-Q', expr, d=d)]
    eq(sel('TCP.RTT > 1000'), [(124, 7)], "-Q 'TCP.RTT > 1000'")
    eq(sel('TCP.CWND == 10'), [(124, 6), (124, 7)], "-Q 'TCP.CWND == 10'")
    eq(sel('SOCK.SHUTDOWN == "-->"'), [(124, 3)], '-Q on SOCK.SHUTDOWN')
    eq(sel('SOCK.COOKIE == 4099'), [(124, 5)], '-Q on SOCK.COOKIE')


@test
def t_sock_details_vsock():
    """vsock sockets: cid:port in LOCAL and REMOTE, NAME as ss names them."""
    def edit(kind, cols, rows):
        if kind == 'files':
            for fd, fid, ino in ((9, 'a00000000000001', 20001), (10, 'a00000000000002', 20002),
                                 (11, 'a00000000000003', 20003)):
                rows.append(['124', '-', 'python3', str(fd), '67fb6449868a53c', '1', 'rw', '-',
                             '0', 'SOCK', '0:8', str(ino), fid, '1', '0',
                             'socket:[%d]' % ino])
            return cols, rows
        if kind != 'sockets':
            return cols, rows
        tail = ['0', '0', '4026531840', '-', '-']
        rows.append(['124', '-', 'python3', '9', 'a00000000000001', '20001', 'vsock', 'stream',
                     '-', 'LISTEN', '*:5000', '*:*', '1', '8'] + tail + ['1/8', '-'])
        rows.append(['124', '-', 'python3', '10', 'a00000000000002', '20002', 'vsock',
                     'stream', '-', 'ESTABLISHED', '1:5000', '1:1025', '0', '0'] + tail +
                    ['-', '-'])
        rows.append(['124', '-', 'python3', '11', 'a00000000000003', '20003', 'vsock', 'dgram',
                     '-', 'CLOSE', '*:*', '*:*', '0', '0'] + tail + ['-', '-'])
        return cols, rows
    d = os.path.join(TMP, 'vsock')
    rewrite(os.path.join(DUMPS, 'live-6.1'), d, edit)
    r = rows_by(js('-o', 'PID,FD,NAME,LOCAL,REMOTE,STATE,BACKLOG,RXQ', d=d), 'pid', 'fd')
    eq(r[(124, 9)]['name'], 'VSOCK *:5000 LISTEN', 'listener NAME')
    eq(r[(124, 9)]['backlog'], {'queued': 1, 'max': 8}, 'listener BACKLOG')
    eq(r[(124, 10)]['name'], 'VSOCK 1:5000->1:1025 ESTABLISHED', 'connected NAME')
    eq((r[(124, 10)]['local'], r[(124, 10)]['remote']), ('1:5000', '1:1025'), 'LOCAL, REMOTE')
    eq(r[(124, 11)]['name'], 'VSOCK-DGRAM *:*', 'unbound datagram NAME')
    eq(sorted(x['fd'] for x in js('-o', 'FD', '-Q', 'FAMILY == "vsock"', d=d)), [9, 10, 11],
       '-Q FAMILY == "vsock"')


@test
def t_live_sock_dump():
    """A dump the module wrote (tests/dumps/live-sock-6.1) against the ss text
    its README keeps from the same instant: cookies, TCP internals, skmem,
    unix shutdown arrows, vsock addresses and states."""
    d = os.path.join(DUMPS, 'live-sock-6.1')
    cols = ['PID', 'FD', 'INODE', 'NAME', 'STATE', 'LOCAL', 'REMOTE', 'BACKLOG', 'TCP',
            'SKMEM', 'SOCK.COOKIE', 'SOCK.SHUTDOWN']
    rows = js('-o', ','.join(cols), d=d)
    by_ino = {r['inode']: r for r in rows}
    readme = open(os.path.join(d, 'README')).read()
    tcp_text = readme.split('$ ss -H -tiemae\n')[1].split('$ ss')[0]
    checked = 0
    for m in re.finditer(r'(\S+) +\d+ +\d+ +(\S+) +(\S+) +ino:(\d+) sk:([0-9a-f]+) .*(<->)\n'
                         r'\t(.*)', tcp_text):
        r = by_ino[int(m.group(4))]
        eq(r['sock.cookie'], int(m.group(5), 16), 'cookie of %s (ss sk:%s)' % (r['fd'], m.group(5)))
        eq(r['sock.shutdown'], m.group(6), 'shutdown of fd %d' % r['fd'])
        sk = re.search(r'skmem:\(r(\d+),rb(\d+),t(\d+),tb(\d+),f(\d+),w(\d+),o(\d+),bl(\d+),'
                       r'd(\d+)\)', m.group(7))
        eq([r[c.lower()] for c in SKMEM_GROUP], [int(x) for x in sk.groups()],
           'skmem of fd %d' % r['fd'])
        info = m.group(7)
        if m.group(1) == 'LISTEN':
            eq(r['tcp.rtt'], None, 'listener rtt')
            eq(r['name'], 'TCP %s LISTEN' % m.group(2), 'listener NAME')
        else:
            rtt = re.search(r' rtt:([0-9.]+)/([0-9.]+)', info)
            eq((r['tcp.rtt'], r['tcp.rttvar']),
               (round(float(rtt.group(1)) * 1000), round(float(rtt.group(2)) * 1000)),
               'rtt of fd %d' % r['fd'])
            for key, col in (('cwnd', 'tcp.cwnd'), ('rcv_space', 'tcp.rcv-space'),
                             ('snd_wnd', 'tcp.snd-wnd')):
                eq(r[col], int(re.search(r' %s:(\d+)' % key, info).group(1)),
                   '%s of fd %d' % (key, r['fd']))
            eq(r['tcp.rto'], int(re.search(r' rto:(\d+)', info).group(1)) * 1000, 'rto')
            eq(r['name'], 'TCP %s->%s ESTABLISHED rtt=%sms rto=%sms cwnd=%s' %
               (m.group(2), m.group(3), rtt.group(1),
                re.search(r' rto:(\d+)', info).group(1), r['tcp.cwnd']), 'NAME with TCP')
        checked += 1
    eq(checked, 3, 'TCP sockets checked against ss')
    unix_text = readme.split('$ ss -H -xae\n')[1].split('$ ss')[0]
    arrows = re.findall(r'u_str ESTAB +\d+ +\d+ +\* (\d+) \* \d+ (\S+)', unix_text)
    eq(len(arrows), 8, 'unix lines in ss -xe')
    for ino, arrow in arrows:
        eq(by_ino[int(ino)]['sock.shutdown'], arrow, 'shutdown of unix socket %s' % ino)
    eq(sorted({a for _, a in arrows}), ['---', '-->', '<--', '<->'], 'all four arrows')
    ss_states = {'ESTAB': 'ESTABLISHED', 'LISTEN': 'LISTEN'}
    vsock_text = readme.split('$ ss -H --vsock -ae\n')[1]
    want = sorted((ss_states[t[1]], t[4], t[5]) for t in
                  (ln.split() for ln in vsock_text.splitlines() if ln.strip()))
    got = sorted((r['state'], r['local'], r['remote']) for r in rows
                 if r['name'] and r['name'].startswith('VSOCK'))
    # ss also lists the server end of the connection waiting in the
    # listener's accept queue, which no fd holds yet.
    eq([x for x in want if x not in got], [('ESTABLISHED', '1:5000', '1:1379196849')],
       'vsock sockets ss lists and fdscope does not')
    eq([x for x in got if x not in want], [], 'vsock sockets against ss --vsock')
    lsn = [r for r in rows if r['name'] == 'VSOCK *:5000 LISTEN']
    eq([r['backlog'] for r in lsn], [{'queued': 1, 'max': 8}], 'vsock listener BACKLOG')


@test
def t_sock_details_parse():
    """Signed fwd_alloc; a sign anywhere else is a parse error that names the field."""
    def neg_cookie(row, fields):
        if row['fd'] == '6':
            fields[-2] = '-5'
    d = sock_details_dump(os.path.join(TMP, 'negcookie'), neg_cookie)
    err1(['-o', 'PID,FAMILY'], r"field 'cookie': not a number: '-5'", d=d)

    def bad_fwd(row, fields):
        if row['fd'] == '7':
            fields[-6] = '--4096'
    d = sock_details_dump(os.path.join(TMP, 'badfwd'), bad_fwd)
    err1(['-o', 'PID,FAMILY'], r"field 'fwd_alloc': not a number: '--4096'", d=d)

    def min_fwd(row, fields):
        if row['fd'] == '7':
            fields[-6] = '-9223372036854775808'
    d = sock_details_dump(os.path.join(TMP, 'minfwd'), min_fwd)
    r = rows_by(js('-o', 'PID,FD,SOCK.FWD-ALLOC', d=d), 'pid', 'fd')
    eq(r[(124, 7)]['sock.fwd-alloc'], -9223372036854775808, 'the smallest fwd_alloc')

    def over_fwd(row, fields):
        if row['fd'] == '7':
            fields[-6] = '-9223372036854775809'
    d = sock_details_dump(os.path.join(TMP, 'overfwd'), over_fwd)
    err1(['-o', 'PID,FAMILY'], r"field 'fwd_alloc': not a number", d=d)


@test
def t_unknown_columns():
    """Columns found by name: reordered, with new ones, the output is the same."""
    rnd = random.Random(5)

    def shuffle(kind, cols, rows):
        order = list(range(len(cols)))
        rnd.shuffle(order)
        cols = [cols[i] for i in order] + ['future', 'x2']
        rows = [[r[i] for i in order] + ['a\\040b', '-'] for r in rows]
        return cols, rows

    d = os.path.join(TMP, 'shuffled')
    rewrite(SYSTEM, d, shuffle)
    cols = ','.join(all_columns())
    eq(ok('-J', '-l', '-o', cols, d=d), ok('-J', '-l', '-o', cols), 'list')
    for view in ('--summary', '--tasks', '--endpoints', '--shared'):
        eq(ok('-J', view, d=d), ok('-J', view), view)


@test
def t_missing_optional_files():
    d = os.path.join(TMP, 'filesonly')
    os.makedirs(d)
    shutil.copy(os.path.join(SYSTEM, 'files'), d)
    rc, out, err = run('-J', '-o', 'PID,FD,USER,NAME,STATE', d=d)
    eq(rc, 0, 'exit status')
    lines = err.splitlines()
    eq(len(lines), 2, 'warnings')
    check('sockets: No such file or directory' in lines[0] and 'tasks' in lines[1],
          'warnings %r' % lines)
    rows = json.loads(out)['fdscope']
    eq(row(rows, 1, 0)['user'], None, 'USER without tasks')
    eq(row(rows, 600, 3)['name'], 'socket:[12501]', 'NAME without sockets')
    eq(row(rows, 600, 3)['state'], None, 'STATE without sockets')
    rc, out, err = run('-J', '--tasks', d=d)
    eq(rc, 0, '--tasks without the tasks file')
    r = rows_by(json.loads(out)['tasks'], 'pid')
    eq((r[(1,)]['fds'], r[(1,)]['maxfds']), (23, None), 'FDS counted from files')
    # Only the files the columns need are read.
    rc, out, err = run('-o', 'PID,FD,PATH', d=d)
    eq((rc, err), (0, ''), 'no warning when no column needs them')


@test
def t_save_dir():
    """--save writes every file, the uid names, kernel, host and time; --dir
    then shows the dump's names. A missing final newline is a warning, CRLF
    an error, and a view says which column it needs."""
    d = os.path.join(TMP, 'saved')
    eq(ok('--save', d), '', '--save prints nothing')
    eq(sorted(os.listdir(d)), ['epoll', 'files', 'locks', 'meta', 'proc-locks', 'sockets',
                               'tasks', 'users'], 'saved files')
    for k in ('files', 'sockets', 'tasks', 'locks', 'epoll', 'proc-locks'):
        eq(open(os.path.join(d, k)).read(), sysfile(k), 'saved %s' % k)
    meta = dict(ln.split(' ', 1) for ln in open(os.path.join(d, 'meta')).read().splitlines()[1:])
    eq(sorted(meta), ['hostname', 'release', 'time'], 'meta keys')
    check(re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', meta['time']), 'time %r' % meta['time'])
    users = open(os.path.join(d, 'users')).read().splitlines()
    eq(users[0], '# fdscope-users 1 uid name', 'users header')
    check('33 www-data' in users and '0 root' in users, 'users %r' % users)
    # The dump's names, not this machine's.
    with open(os.path.join(d, 'users'), 'w') as f:
        f.write('# fdscope-users 1 uid name\n0 root\n1000 dump\\040user\n')
    eq(row(js('-o', 'PID,FD,USER', d=d), 1210, 0)['user'], 'dump user', 'USER from the dump')
    eq(row(js('-o', 'PID,FD,USER', d=d), 801, 0)['user'], '33', 'a uid the dump does not name')
    eq(pids(js('-u', 'dump user', '-o', 'PID', d=d)), pids(js('-u', '1000', '-o', 'PID')),
       '-u with a dump\'s name')
    err1(['-u', 'www-data'], r'unknown user: www-data', d=d)
    # A dump that lost its final newline is read, with a warning.
    nd = bad_dump('nonl', files=sysfile('files').rstrip('\n'))
    rc, out, err = run('-r', '-n', '-o', 'PID,FD', '-l', d=nd)
    eq(rc, 0, 'no final newline: exit status')
    check(re.fullmatch(r'fdscope: warning: .*/bad-nonl/files: no newline at end of file; '
                       r'its last line was read\n', err), 'warning %r' % err)
    eq(len(out.splitlines()), len(SYS['files']), 'every line read')
    # CRLF is an error, never silently "-".
    cd = bad_dump('crlf', files=sysfile('files').replace('\n', '\r\n'))
    err1(['-o', 'PID,PATH'], r'files:1: CRLF line ends', d=cd)
    # A view that needs a column the dump lacks says so.
    def nofileid(kind, cols, rows):
        if kind != 'files':
            return cols, rows
        i = cols.index('fileid')
        return cols[:i] + cols[i + 1:], [r[:i] + r[i + 1:] for r in rows]
    nf = os.path.join(TMP, 'nofileid')
    rewrite(SYSTEM, nf, nofileid)
    err1(['--shared'], r"^fdscope: --shared needs the 'fileid' column, which .*/nofileid/files lacks$",
         d=nf)
    os.makedirs(os.path.join(TMP, 'empty-d'))
    err1(['--save', os.path.join(TMP, 'x')], r'no files to save', d=os.path.join(TMP, 'empty-d'))


# --- errors --------------------------------------------------------------------------

def bad_dump(name, files=None, sockets=None, tasks=None):
    d = os.path.join(TMP, 'bad-' + name)
    shutil.copytree(SYSTEM, d)
    for k, v in (('files', files), ('sockets', sockets), ('tasks', tasks)):
        if v is not None:
            with open(os.path.join(d, k), 'wb') as f:
                f.write(v if isinstance(v, bytes) else v.encode())
    return d


def sysfile(k):
    return open(os.path.join(SYSTEM, k)).read()


def lines_of(k):
    return sysfile(k).split('\n')[:-1]


def with_line(k, n, text):
    ls = lines_of(k)
    ls[n - 1] = text
    return '\n'.join(ls) + '\n'


@test
def t_utf8_names():
    """A UTF-8 name is text in a UTF-8 locale (the locale is loaded when a
    cell needs it, not at every start) and escaped bytes in C's, in the
    table as in a regular expression."""
    d = bad_dump('utf8', files=sysfile('files').replace('/var/log/nginx/access.log',
                                                        '/var/log/nginx/acc\u00e8s\u2713.log'))
    line = [ln for ln in ok('-p', '800', '-o', 'FD,NAME', d=d).splitlines()
            if ln.split()[0] == '5']
    eq(line, [' 5 /var/log/nginx/acc\u00e8s\u2713.log'], 'UTF-8 locale: the name as text')
    rows = js('-Q', 'NAME =~ "acc.s"', '-o', 'PID,FD', d=d)
    eq(sorted((r['pid'], r['fd']) for r in rows), [(800, 5), (801, 5), (802, 5)],
       'a regular expression: one character')
    env = dict(os.environ, LC_ALL='C')
    line = [ln for ln in ok('-p', '800', '-o', 'FD,NAME', d=d, env=env).splitlines()
            if ln.split()[0] == '5']
    eq(line, [' 5 /var/log/nginx/acc\\xc3\\xa8s\\xe2\\x9c\\x93.log'], 'C locale: escaped bytes')


@test
def t_err_version():
    d = bad_dump('v2', files=sysfile('files').replace('# fdscope-files 1 ', '# fdscope-files 2 ', 1))
    err1([], r'^fdscope: .*/bad-v2/files:1: format version 2 is not supported '
             r'\(this fdscope reads version 1\)$', d=d)
    d = bad_dump('v0', tasks=sysfile('tasks').replace(' 1 ', ' 0 ', 1))
    err1(['--tasks'], r'/tasks:1: format version 0 is not supported', d=d)


@test
def t_err_first_file_only():
    """The files are read in parallel, yet only the first broken one speaks."""
    bad = '# fdscope-sockets 9 pid fd\n'
    d = bad_dump('two', sockets=bad, tasks=sysfile('tasks').replace(' 1 ', ' 0 ', 1))
    err1(['--tasks'], r'/bad-two/sockets:1: format version 9 is not supported', d=d)
    d = bad_dump('three', files=sysfile('files')[:40], sockets=bad,
                 tasks=sysfile('tasks')[:20])
    err1(['--tasks'], r'/bad-three/files:1: truncated header', d=d)
    # A warning of an earlier file still comes before a later file's error.
    d = bad_dump('warn', tasks=bad.replace('sockets', 'tasks'))
    os.unlink(os.path.join(d, 'sockets'))
    rc, out, err = run('--tasks', d=d)
    eq(rc, 1, 'warning then error: exit status')
    lines = err.splitlines()
    eq(len(lines), 2, 'warning then error: stderr lines (%r)' % err)
    check('warning: ' in lines[0] and '/sockets: ' in lines[0],
          'first line is the sockets warning: %r' % lines[0])
    check('/tasks:1: format version 9' in lines[1], 'second line is the tasks error: %r' % lines[1])


@test
def t_err_truncated():
    text = sysfile('files')
    cut = text.index('\n', 3000) + 40
    d = bad_dump('trunc', files=text[:cut])
    n = text[:cut].count('\n') + 1
    err1([], r'/bad-trunc/files:%d: truncated line \(no newline at end of file\)$' % n, d=d)
    d = bad_dump('trunc-hdr', sockets=sysfile('sockets')[:30])
    err1([], r'/bad-trunc-hdr/sockets:1: truncated header', d=d)


@test
def t_err_garbled():
    ls = lines_of('files')
    nf = len(ls[0].split(' ')) - 3
    mi = [i for i, ln in enumerate(ls) if '/proc/1/mountinfo' in ln][0]
    m = mi + 1
    check(m > 5, 'the line of /proc/1/mountinfo')
    cases = [
        ('fields', with_line('files', 5, ls[4] + ' extra'), r'files:5: expected %d fields, found %d$' % (nf, nf + 1)),
        ('fewer', with_line('files', 7, ' '.join(ls[6].split(' ')[:-1])),
         r'files:7: expected %d fields, found %d$' % (nf, nf - 1)),
        ('escape', with_line('files', m, ls[mi].replace('/proc', '/pr\\9oc')),
         r"files:%d: field 'path': bad escape" % m),
        ('escape-range', with_line('files', m, ls[mi].replace('/proc', '/pr\\777oc')),
         r"files:%d: field 'path': bad escape" % m),
        ('escape-short', with_line('files', m, ls[mi].replace('mountinfo', 'mountinfo\\01')),
         r"files:%d: field 'path': bad escape" % m),
        ('control', with_line('files', m, ls[mi].replace('/proc', '/pr\toc')),
         r"files:%d: field 'path': bad escape or control character" % m),
        ('number', with_line('files', 3, ls[2].replace('1 - systemd', 'x1 - systemd', 1)),
         r"files:3: field 'pid': not a number: 'x1'$"),
        ('bool', with_line('files', 4, ls[3].replace(' 0 rw ', ' 7 rw ', 1)),
         r"files:4: field 'cloexec': not 0 or 1: '7'$"),
        ('hex', with_line('files', 4, re.sub(r' [0-9a-f]{15} ', ' nothex ', ls[3], count=1)),
         r"files:4: field 'table': not an identity: 'nothex'$"),
        ('required', with_line('files', 6, re.sub(r'^1 ', '- ', ls[5])),
         r"files:6: field 'pid' is -$"),
        ('empty-field', with_line('files', 6, ls[5].replace(' ', '  ', 1)),
         r'files:6: expected %d fields, found %d$' % (nf, nf + 1)),
        ('empty-line', with_line('files', 6, ''), r'files:6: empty line$'),
        ('header', 'hello world\n' + '\n'.join(ls[1:]) + '\n', r'files:1: not an fdscope header$'),
        ('kind', sysfile('sockets'), r'files:1: header is for fdscope-sockets, expected fdscope-files$'),
        ('no-version', '# fdscope-files\n', r'files:1: header has no format version$'),
        ('bad-version', '# fdscope-files one pid fd\n', r"files:1: bad format version 'one'$"),
        ('missing-col', '# fdscope-files 1 pid tid comm\n1 - x\n', r"files:1: no 'fd' column$"),
        ('dup-col', '# fdscope-files 1 pid fd pid\n', r"files:1: duplicate column 'pid'$"),
        ('empty', '', r'/files: empty file \(no header line\)$'),
        ('binary', b'\x00\xff\x7f\n\n', r'files:1: not an fdscope header$'),
    ]
    for name, text, want in cases:
        d = bad_dump(name, files=text)
        try:
            err1([], want, d=d)
        except Fail as e:
            raise Fail('%s: %s' % (name, e))
    sl = lines_of('sockets')
    d = bad_dump('sockets', sockets=with_line('sockets', 11, sl[10].replace(' unix ', ' ', 1)))
    err1([], r'/bad-sockets/sockets:11: expected 21 fields, found 20$', d=d)
    tl = lines_of('tasks')
    d = bad_dump('tasks', tasks=with_line('tasks', 2, tl[1].replace(' 256 ', ' 25x6 ', 1)))
    err1(['--tasks'], r"/bad-tasks/tasks:2: field 'maxfds': not a number: '25x6'$", d=d)


@test
def t_err_dir():
    err1([], r'^fdscope: /nonexistent-dir/files: No such file or directory$', d='/nonexistent-dir')
    d = os.path.join(TMP, 'isdir')
    os.makedirs(os.path.join(d, 'files'))
    err1([], r'/isdir/files: read error: Is a directory$', d=d)


def need_root():
    if os.geteuid() != 0 or not shutil.which('unshare'):
        raise Skip('needs root and unshare(1) for a private mount namespace')


def in_mountns(script):
    """Run a shell script in a private mount namespace; return rc, out, err."""
    p = subprocess.run(['unshare', '-m', 'sh', '-c', script], capture_output=True,
                       env=dict(ENV, FDSCOPE=FDSCOPE), timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def live_err(script, want_re):
    rc, out, err = in_mountns(script)
    if rc == 99:
        raise Skip('cannot mount in a private mount namespace here: %s' % err.strip())
    eq(rc, 1, 'exit status')
    eq(out, '', 'stdout')
    lines = err.splitlines()
    eq(len(lines), 1, 'stderr lines (%r)' % err)
    check(re.search(want_re, lines[0]), 'stderr %r does not match %r' % (lines[0], want_re))


@test
def t_err_no_debugfs():
    need_root()
    live_err('mount -t tmpfs none /sys/kernel/debug || exit 99; "$FDSCOPE"',
             r'^fdscope: debugfs is not mounted on /sys/kernel/debug')


@test
def t_err_no_module():
    need_root()
    rc, out, err = in_mountns('mount -t debugfs none /sys/kernel/debug || exit 99; '
                              'test -e /sys/kernel/debug/fdscope && exit 98; exit 0')
    if rc == 98:
        raise Skip('the fdscope module is loaded')
    live_err('mount -t debugfs none /sys/kernel/debug || exit 99; "$FDSCOPE"',
             r'^fdscope: the fdscope module is not loaded \(no /sys/kernel/debug/fdscope')


@test
def t_err_not_root():
    need_root()
    if not shutil.which('setpriv'):
        raise Skip('no setpriv(1)')
    live_err('mount -t debugfs none /sys/kernel/debug || exit 99; '
             'exec setpriv --reuid=65534 --regid=65534 --clear-groups "$FDSCOPE" -p 1',
             r'^fdscope: /sys/kernel/debug/fdscope/files: Permission denied '
             r'\(fdscope must run as root\)$')


@test
def t_err_options():
    err1(['-x'], r"^fdscope: unknown option '-x' \(see --help\)$")
    err1(['--bogus'], r"^fdscope: unknown option '--bogus' \(see --help\)$")
    err1(['-o'], r"^fdscope: option '-o' needs an argument \(see --help\)$")
    err1(['--dir'], r"option '--dir' needs an argument", d=None)
    err1(['stray'], r"^fdscope: unexpected argument 'stray' \(see --help\)$")
    err1(['--summary', '--tasks'], r'^fdscope: --summary and --tasks cannot be used together$')
    err1(['--endpoints', '--shared'], r'--endpoints and --shared cannot be used together')
    err1(['-J', '-r'], r'^fdscope: --json and --raw cannot be used together$')
    err1(['--summary', '--top', 'x'], r'--top: not a number: x')


@test
def t_never_crashes():
    """Mangled dumps: always exit 0 or 1, and 1 only with one stderr line."""
    rnd = random.Random(1234)
    base = {k: open(os.path.join(SYSTEM, k), 'rb').read() for k in ('files', 'sockets', 'tasks')}
    d = os.path.join(TMP, 'mangled')
    os.makedirs(d)
    views = ([], ['--summary'], ['--tasks', '-l'], ['--endpoints'], ['--shared'],
             ['-J', '-o', ','.join(all_columns())])
    for i in range(150):
        for k, data in base.items():
            data = bytearray(data)
            if rnd.random() < 0.6:
                for _ in range(rnd.randint(1, 4)):
                    op = rnd.randrange(4)
                    pos = rnd.randrange(len(data))
                    if op == 0:
                        data[pos] = rnd.choice(b' \\-\n\x00 0123456789abcdef')
                    elif op == 1:
                        del data[pos:pos + rnd.randint(1, 60)]
                    elif op == 2:
                        data[pos:pos] = rnd.choice([b'\\000', b'\\055', b' -', b'\\', b'\n'])
                    else:
                        data = data[:pos]
            with open(os.path.join(d, k), 'wb') as f:
                f.write(data)
        args = views[i % len(views)]
        rc, out, err = run(*args, d=d)
        check(rc in (0, 1), 'case %d: exit status %d' % (i, rc))
        if rc:
            eq(len(err.splitlines()), 1, 'case %d: stderr lines (%r)' % (i, err))
            eq(out, '', 'case %d: stdout on error' % i)


# --- speed ---------------------------------------------------------------------------

STREAM_ARGS = ([], ['-r'], ['-n'], ['-r', '-n'], ['-l'], ['-o', 'PID'], ['-o', 'NAME'],
               ['-o', '+POS,FLAGS,FILEID,STATE,LOCAL,REMOTE,RXQ,ENDPOINTS'],
               ['-r', '-o', 'ENDPOINTS,NAME,PID,TABLE,CLOEXEC'], ['-t', 'SOCK', '-n'],
               ['-Q', 'FD > 2', '-o', 'FD,INODE,COMMAND'])


BACKSLASH_PATHS = ('/tmp/a\\134xb', '/tmp/x\\134X', '/run/system-systemd\\134x2dfsck.slice',
                   'end\\134', '\\134', '/a\\134\\134xb', '/b\\134\\134b', 'c\\134')


def backslash_dump():
    """live-6.1 with backslashes (and nothing else odd) in paths and names."""
    d = os.path.join(TMP, 'backslash')
    if os.path.isdir(d):
        return d
    paths = iter(BACKSLASH_PATHS * 4)

    def edit(kind, cols, rows):
        if kind == 'files':
            p, c = cols.index('path'), cols.index('comm')
            for r in rows:
                if r[cols.index('pid')] in ('122', '123'):
                    r[p] = next(paths)
                    r[c] = 'c\\134x' if r[c] != '-' else r[c]
        return cols, rows

    rewrite(os.path.join(DUMPS, 'live-6.1'), d, edit)
    return d


def scols_printed(args, d, env):
    """Did this run print through libsmartcols? The dynamic linker binds
    scols_print_table lazily, on its first call, and LD_DEBUG shows it."""
    p = subprocess.run([FDSCOPE, '--dir', d] + args, capture_output=True,
                       env=dict(env, LD_DEBUG='bindings'))
    return re.search(rb'fdscope \[0\] to \S*libsmartcols\S* \[0\]: normal symbol '
                     rb'`scols_print_table', p.stderr) is not None


@test
def t_stream_same_bytes():
    """The streamed list (output not a terminal, printable ASCII) is byte for
    byte what libsmartcols prints, and is what is used when it can be."""
    scols = dict(ENV, FDSCOPE_NO_STREAM='1')
    streamed = 0
    for d in (os.path.join(DUMPS, 'live-6.1'), SYSTEM):
        for args in STREAM_ARGS:
            what = '%s %s' % (os.path.basename(d), ' '.join(args))
            eq(ok(*args, d=d), ok(*args, d=d, env=scols), what)
            if scols_printed(args, d, ENV):
                continue
            streamed += 1
            check(scols_printed(args, d, scols), '%s: FDSCOPE_NO_STREAM=1 not honoured' % what)
    # live-6.1 is all printable ASCII: every list of it is streamed.
    check(streamed >= len(STREAM_ARGS), 'only %d of the runs streamed' % streamed)
    # Backslashes and nothing else odd: streamed, and escaped as libsmartcols
    # does (every one in raw form, one before 'x' in a table).
    d = backslash_dump()
    for args in STREAM_ARGS + (['-o', 'PATH,COMMAND'], ['-r', '-o', 'COMMAND,PATH']):
        what = 'backslashes %s' % ' '.join(args)
        eq(ok(*args, d=d), ok(*args, d=d, env=scols), what)
        check(not scols_printed(args, d, ENV), '%s: not streamed' % what)
    eq(ok('-r', '-n', '-o', 'PATH', '-p', '122', d=d).splitlines()[:2],
       ['/tmp/a\\x5cxb', '/tmp/x\\x5cX'], 'raw: every backslash')
    eq(ok('-n', '-o', 'PATH', '-p', '122', d=d).splitlines()[:2],
       ['/tmp/a\\x5cxb', '/tmp/x\\X   '.rstrip()], 'table: a backslash before x')
    # A newline in a path needs libsmartcols' encoding.
    check(scols_printed(['-o', 'PATH'], SYSTEM, ENV), 'a path with a newline was streamed')
    return '%d of %d runs streamed' % (streamed, 2 * len(STREAM_ARGS))

# --- holders: cwd, root, exe, mappings, in flight, io_uring (issue 13) ------

def hdump():
    d = {k: load(os.path.join(HOLDERS, k))[1] for k in ('files', 'sockets', 'tasks', 'holders')}
    return d


@test
def t_holders_dump_consistent():
    """The generated dump: refs = fd slots + holders records (+1 for a.log)."""
    d = hdump()
    refs, seen = {}, {}
    for f in d['files']:
        refs.setdefault(f['fileid'], set()).add(int(f['refs']))
        seen.setdefault(f['fileid'], set()).add((f['table'], f['fd']))
    extra = {}
    for h in d['holders']:
        if h['fileid']:
            refs.setdefault(h['fileid'], set()).add(int(h['refs']))
            extra[h['fileid']] = extra.get(h['fileid'], 0) + 1
    # (The hand-written fd tables overwrite some fds: only the files with
    # holders records are checked here.)
    for fid, r in refs.items():
        if fid not in extra:
            continue
        eq(len(r), 1, 'one refs value for %s' % fid)
        n = len(seen.get(fid, ())) + extra.get(fid, 0)
        path = [f['path'] for f in d['files'] + d['holders'] if f['fileid'] == fid][0]
        eq(r.pop(), n, 'refs of %s' % path)
    for k in ('files', 'sockets', 'tasks', 'holders'):
        check(all(r['start'] for r in d[k]), '%s: every record has a start' % k)


@test
def t_holders_rows():
    d = hdump()
    rows = js('-o', 'PID,FD,ASSOC,TYPE,PATH,MODE', d=HOLDERS)
    files = visible(d['files'])
    hold = visible(d['holders'])
    eq(len(rows), len(files) + len(hold), 'one row per fd and per holder')
    got = [(r['pid'], r['assoc'], r['path']) for r in rows if r['fd'] is None]
    eq(sorted(got, key=repr), sorted(((int(h['pid']), h['assoc'], h['path']) for h in hold),
                                     key=repr), 'every holder is a row')
    eq([r['assoc'] for r in rows if r['fd'] is not None], [f['fd'] for f in files],
       'ASSOC of fds, in order')
    # As lsof and lsfd: cwd, root, exe, mappings, the fds, then what the
    # process's sockets and rings hold.
    eq([r['assoc'] for r in rows if r['pid'] == 3000],
       ['cwd', 'root', 'exe', '0', '1', '2', '3', '4', '5', 'uring'], 'order of pid 3000')
    eq([r['assoc'] for r in rows if r['pid'] == 801][:6],
       ['cwd', 'root', 'exe', 'mem', 'mem', '0'], 'order of pid 801')
    mem = [r for r in rows if r['assoc'] == 'mem' and r['pid'] == 801]
    eq([r['mode'] for r in mem], ['r--', 'r-x'], 'MODE of mappings')
    text = table(ok('-r', d=HOLDERS))
    eq(text[0], 'COMMAND PID USER ASSOC MODE TYPE DEV INODE NAME'.split(), 'default header')
    eq(len(text) - 1, len(rows), 'default list shows holder rows')
    exe = js('-Q', 'ASSOC == "exe"', '-o', 'PID,ASSOC,PATH', d=HOLDERS)
    eq([(r['pid'], r['path']) for r in exe],
       [(int(h['pid']), h['path']) for h in hold if h['assoc'] == 'exe'], '-Q ASSOC == "exe"')
    eq(js('-p', '1210', '-Q', 'ASSOC == "cwd"', '-o', 'PATH', d=HOLDERS),
       [{'path': '/mnt/scratch'}], 'cwd of bash')
    # Old dumps have no holders file: fd rows only, ASSOC is the fd.
    eq(len(js('-o', 'ASSOC', d=SYSTEM)), len(visible(SYS['files'])), 'no holders file')


@test
def t_holders_column():
    rows = js('-p', '3100', '-o', 'FD,PATH,HOLDERS', d=HOLDERS)
    got = {r['fd']: txt(r['holders']) for r in rows if r['fd'] is not None}
    eq(got[1], ['6202,receiver,inflight'], 'supervise.log is also in flight')
    eq(got[0], [], 'no holders beyond fds')
    text = ok('-r', '-p', '3100', '-o', 'FD,HOLDERS', d=HOLDERS).splitlines()
    check('1 6202,receiver,inflight' in text, 'table cell: %r' % text)
    eq(ok('-r', '-n', '-p', '3000', '-o', 'FD,HOLDERS', '-Q', 'FD == 5', d=HOLDERS), '5 -\n',
       'a file held by an fd only')


@test
def t_holders_shared_endpoints():
    rows = rows_by(js('--shared', key='shared', d=HOLDERS), 'name')
    ssl = rows[('/usr/lib/x86_64-linux-gnu/libssl.so.3',)]
    eq((ssl['fds'], ssl['others'], ssl['procs'], ssl['refs']), (0, 6, 3, 6), 'libssl')
    log = rows[('/var/log/supervise.log',)]
    eq((log['fds'], log['others'], log['procs']), (2, 1, 3), 'supervise.log')
    check('6202,receiver,inflight' in txt(log['holders']), 'HOLDERS names the message')
    check(('/mnt/scratch/map.bin (deleted)',) not in rows, 'one mapping is not shared')
    check('OTHERS' not in ok('--shared', '-r').splitlines()[0], 'no OTHERS without holders')
    # A pipe end in flight is the other end of the pipe.
    ep = rows_by(js('--endpoints', key='endpoints', d=HOLDERS), 'pid', 'fd')
    eq(txt(ep[(6200, 4)]['endpoints']), ['6202,receiver,5'], 'unix peer by fd')


@test
def t_holders_view():
    def hv(*args, rc=0):
        r, out, err = run('--holders', *args, d=HOLDERS)
        eq(r, rc, '--holders %s: exit status (stderr %r)' % (' '.join(args), err))
        return out, err

    doc = json.loads(hv('-J', '0:40')[0])
    jq_valid(hv('-J', '0:40')[0])
    want = {
        ('pid 6200 (scratch-user) fd 3'), ('pid 1210 (bash) cwd'),
        ('io_uring fixed slot 3 of the ring that pid 3000 (worker-pool) holds as fd 4'),
        ('pid 6200 (scratch-user) mem 7f0000000000-7f0000004000 rw-s'),
        ('pid 6201 (scratch-tool) exe'),
        ('in flight to unix socket 6101 from pid 6200, whose fd 5 is held by pid 6202 '
         '(receiver)'),
        ('in flight to unix socket 6110 from pid 6200, which is itself in flight to unix '
         'socket 6101 from pid 6200, whose fd 5 is held by pid 6202 (receiver)'),
    }
    eq(set(h['holder'] for h in doc['holders']), want, 'every holder of the tmpfs')
    eq(len(doc['holders']), 7, 'holders')
    eq([(k['name'], k['refs'], k['seen'], k['kernel']) for k in doc['kernel']],
       [('/mnt/scratch/a.log', 2, 1, 1)], 'references internal to the kernel')
    eq([(u['pid'], u['status'], u['files']) for u in doc['unread']], [(6203, 'busy', 2)],
       'busy list')
    out, _ = hv('0:40')
    check('References no holder above accounts for (internal to the kernel):' in out,
          'plain words for kernel references')
    # The holders table is written without libsmartcols, byte for byte as it.
    for args in (['0:40'], ['-r', '0:40'], ['-n', '8:1'], ['8:1', '0:40']):
        eq(hv(*args)[0], run('--holders', *args, d=HOLDERS,
                             env=dict(ENV, FDSCOPE_NO_STREAM='1'))[1],
           '--holders %s: streamed and libsmartcols tables' % ' '.join(args))
    exe = [h for h in hdump()['holders'] if h['comm'] == 'nginx' and h['assoc'] == 'exe'][0]
    nginx = '%s:%s' % (exe['dev'], exe['ino'])
    out, _ = hv('-J', '/var/log/supervise.log', nginx)
    lines = [(h['target'], h['holder']) for h in json.loads(out)['holders']]
    eq(len(lines), 4 + 1 + 3, 'four fds, one message in flight, three exe')
    check(('/var/log/supervise.log', 'in flight to unix socket 6101 from pid 3100, whose '
           'fd 5 is held by pid 6202 (receiver)') in lines, 'the chain of supervise.log')
    check((nginx, 'pid 801 (nginx) exe') in lines, 'DEV:INO')
    hv('8:1:999999999', rc=1)
    out, err = hv('/no/such/file', rc=1)
    check('no record in' in err, 'an unknown path says so: %r' % err)
    eq(json.loads(hv('-J', '8:1:999999999', rc=1)[0])['holders'], [], 'JSON when nothing')
    # -p selects holders; the reference count still uses them all.
    doc = json.loads(hv('-J', '-p', '6202', '/var/log/supervise.log')[0])
    eq([h['assoc'] for h in doc['holders']], ['inflight'], '-p')
    eq(doc['kernel'], [], 'unselected holders still count')
    for args, msg in ((['--holders'], 'needs a TARGET'),
                      (['--holders', '-o', 'PID', '0:40'], 'does not apply'),
                      (['--holders', '--shared', 'x'], 'cannot be used together')):
        r, out, err = run(*args, d=HOLDERS)
        eq(r, 2, '%s: usage error status' % ' '.join(args))
        check(msg in err, '%s: %r' % (' '.join(args), err))


@test
def t_holders_filesystem():
    """MAJ:MIN names every file on a filesystem."""
    if not os.path.ismount('/proc'):
        raise Skip('/proc is not mounted')
    st = os.stat('/proc')
    d = os.path.join(TMP, 'live-holders')
    shutil.copytree(HOLDERS, d)
    dev = '%d:%d' % (os.major(st.st_dev), os.minor(st.st_dev))
    with open(os.path.join(d, 'holders'), 'a') as f:
        f.write('7 - x cwd - - - - - - - - - - - DIR %s %d - - 0 /proc 1\n' % (dev, st.st_ino))
        f.write('7 - x root - - - - - - - - - - - DIR %s 999 - - 0 /proc/1 1\n' % dev)
    # --dir reads paths from the dump; MAJ:MIN is the filesystem.
    r, out, err = run('--holders', '-J', dev, d=d)
    eq(r, 0, 'MAJ:MIN')
    eq(len(json.loads(out)['holders']), 2, 'every file on the filesystem')


# --- leak hunting: --diff (issue 17) ------------------------------------------

def leak_dumps():
    """Two snapshots of tests/dumps/holders, the second after a leak:
    java (2000) opened 12 TCP sockets now in CLOSE_WAIT and 5 logs, and its
    fd 41 went from ESTABLISHED to CLOSE_WAIT; cat (1300) closed fd 3 and
    opened two session files without digits in their names; curl
    (2010) exited and a new curl got its pid; leaker (7500) started; the
    terminal's open file gained two references."""
    old = os.path.join(TMP, 'leak-old')
    new = os.path.join(TMP, 'leak-new')
    if os.path.isdir(new):
        return old, new
    shutil.copytree(HOLDERS, old)
    pts = [f for f in load(os.path.join(HOLDERS, 'files'))[1] if f['path'] == '/dev/pts/0'][0]

    def edit(kind, cols, rows):
        c = {n: i for i, n in enumerate(cols)}

        if kind in ('locks', 'epoll', 'proc-locks'):
            return cols, rows       # no leak there

        def mk(**kw):
            return ['-' if kw.get(n) is None else str(kw[n]) for n in cols]
        java = [r for r in rows if r[c['pid']] == '2000' and r[c['tid']] == '-']
        out = []
        for r in rows:
            if r[c['pid']] == '1300' and kind in ('files', 'sockets') and r[c['fd']] == '3':
                continue
            if r[c['pid']] == '2010':
                r = list(r)
                r[c['start']] = '99999'
            if kind == 'files' and r[c['fileid']] == pts['fileid']:
                r = list(r)
                r[c['refs']] = str(int(r[c['refs']]) + 2)
            if kind == 'sockets' and r[c['pid']] == '2000' and r[c['fd']] == '41':
                r = list(r)
                r[c['state']] = 'CLOSE_WAIT'
            if kind == 'tasks' and r[c['pid']] in ('2000', '1300') and r[c['tid']] == '-':
                r = list(r)
                r[c['nfds']] = str(int(r[c['nfds']]) + (17 if r[c['pid']] == '2000' else 1))
            out.append(r)
        if kind == 'files':
            base = dict(zip(cols, java[0]))
            for i in range(12):
                out.append(mk(**dict(base, fd=50 + i, type='SOCK', dev='0:8', ino=30000 + i,
                                     fileid='%015x' % (0xa000 + i), refs=1,
                                     path='socket:[%d]' % (30000 + i))))
            for i in range(5):
                out.append(mk(**dict(base, fd=70 + i, type='REG', dev='8:1', ino=31000 + i,
                                     fileid='%015x' % (0xb000 + i), refs=1,
                                     path='/var/log/app/%d.log' % (100 + i))))
            cat = [r for r in rows if r[c['pid']] == '1300'][0]
            for i, name in enumerate(('ab', 'cd')):
                out.append(mk(**dict(zip(cols, cat), fd=10 + i, ino=32000 + i, type='REG',
                                     fileid='%015x' % (0xd000 + i), refs=1,
                                     path='/tmp/sess-%s.tmp' % name)))
            out.append(mk(pid=7500, comm='leaker', fd=0, table='%015x' % 7, cloexec=0,
                          mode='r', pos=0, type='CHR', dev='0:5', ino=4,
                          fileid='%015x' % 0xc000, refs=1, deleted=0, path='/dev/null',
                          start=123456))
        if kind == 'sockets':
            base = dict(zip(cols, java[0]))
            for i in range(12):
                out.append(mk(**dict(base, fd=50 + i, fileid='%015x' % (0xa000 + i),
                                     ino=30000 + i, family='inet', type='stream', proto='tcp',
                                     state='CLOSE_WAIT', local='10.0.2.15:%d' % (40000 + i),
                                     remote='151.101.1.1:443', peer=None, inflight=None,
                                     backlog=None, groups=None)))
        if kind == 'tasks':
            out.append(mk(pid=7500, comm='leaker', uid=0, table='%015x' % 7, nfds=1,
                          maxfds=64, pidns=1, netns=1, start=123456))
        return cols, out
    rewrite(HOLDERS, new, edit)
    return old, new


def diff_doc(*args, d=None):
    text = ok('-J', *args[:-2], '--diff', *args[-2:], d=d)
    jq_valid(text)
    return json.loads(text)


@test
def t_diff():
    old, new = leak_dumps()
    doc = diff_doc(old, new)
    eq(sorted(doc), ['diff', 'exited', 'processes', 'refs', 'started', 'states'], 'members')
    eq(doc['diff'], {'old': old, 'new': new, 'identity': 'pid+start'}, 'about')
    procs = doc['processes']
    eq([(p['pid'], p['net']) for p in procs], [(2000, 17), (1300, 1)], 'sorted by growth')
    eq(procs[0]['opened'], [{'pattern': 'socket TCP CLOSE_WAIT', 'count': 12},
                            {'pattern': '/var/log/app/*.log', 'count': 5}], 'grouped')
    eq(procs[0]['closed'], [], 'java closed nothing')
    eq((procs[1]['old'], procs[1]['new'], procs[1]['opened'], procs[1]['closed']),
       (4, 5, [{'pattern': '/tmp/*.tmp', 'count': 2}],
        [{'pattern': '/home/u/My Documents/notes\ttab.txt', 'count': 1}]), 'cat')
    eq([(p['pid'], p['command']) for p in doc['started']], [(2010, 'curl'), (7500, 'leaker')],
       'started (a reused pid is a new process)')
    eq([(p['pid'], p['command']) for p in doc['exited']], [(2010, 'curl')], 'exited')
    eq([(s['pid'], s['fd'], s['old'], s['new']) for s in doc['states']],
       [(2000, 41, 'ESTABLISHED', 'CLOSE_WAIT')], 'socket states')
    eq([(r['name'], r['old'], r['new']) for r in doc['refs']], [('/dev/pts/0', 38, 40)], 'refs')
    # -p and -Q select as elsewhere.
    eq([p['pid'] for p in diff_doc('-p', '1300', old, new)['processes']], [1300], '-p')
    sel = diff_doc('-Q', 'TYPE == "REG"', old, new)['processes']
    eq([(p['pid'], p['opened']) for p in sel][0],
       (2000, [{'pattern': '/var/log/app/*.log', 'count': 5}]), '-Q')
    text = ok('--diff', old, new, d=None)
    check('socket TCP CLOSE_WAIT \u00d712, /var/log/app/*.log \u00d75' in text,
          'table cell: %r' % text[:400])
    check(re.search(r'^ *2000 java +8 +25 +\+17 ', text, re.M), 'a row: %r' % text[:300])
    for title in ('Processes whose fds changed:', 'Processes started:', 'Processes exited:',
                  'Sockets whose state changed:', 'Open files whose references grew:'):
        check(title in text, 'table %s' % title)
    eq(ok('--diff', old, old, d=None), 'No change.\n', 'the same snapshot twice')


@test
def t_diff_without_start():
    """Old dumps lack the start column: processes match on pid and command."""
    old, new = leak_dumps()
    bare = {}
    for name, d in (('old', old), ('new', new)):
        bare[name] = os.path.join(TMP, 'nostart-' + name)

        def strip(kind, cols, rows):
            if 'start' not in cols:
                return cols, rows
            i = cols.index('start')
            return cols[:i] + cols[i + 1:], [r[:i] + r[i + 1:] for r in rows]
        if not os.path.isdir(bare[name]):
            rewrite(d, bare[name], strip)
    doc = diff_doc(bare['old'], bare['new'])
    eq(doc['diff']['identity'], 'pid+command', 'identity')
    eq(doc['started'][0]['pid'], 7500, 'curl (same pid, same command) reads as the same')
    eq(doc['started'][0]['start'], None, 'no START')


@test
def t_diff_leaves_out_savers():
    """The fdscope that saved a snapshot is in it (meta's saver): --diff
    leaves it out, or every diff would list one fdscope exited and another
    started."""
    old, new = leak_dumps()
    sv = {}
    for name, d, pid in (('old', old, 2010), ('new', new, 7500)):
        sv[name] = os.path.join(TMP, 'saver-' + name)
        if not os.path.isdir(sv[name]):
            shutil.copytree(d, sv[name])
            with open(os.path.join(sv[name], 'meta'), 'w') as f:
                f.write('# fdscope-meta 1 key value\nrelease 6.1.0\nsaver %d\n' % pid)
    doc = diff_doc(sv['old'], sv['new'])
    eq([p['pid'] for p in doc['exited']], [], 'the old saver (2010) is not exited')
    eq([(p['pid'], p['command']) for p in doc['started']], [(2010, 'curl')],
       'the new saver (7500) is not started')
    eq([p['pid'] for p in doc['processes']], [2000, 1300], 'the others as before')
    # Saving a saved dump keeps its saver.
    again = os.path.join(TMP, 'saver-again')
    eq(ok('--save', again, d=sv['new']), '', '--save --dir')
    check('saver 7500\n' in open(os.path.join(again, 'meta')).read(), 'saver kept')


@test
def t_diff_options_after():
    """Options may follow --diff, as in "fdscope --diff -J OLD NEW": the word
    after --diff is then an option, not OLD (it was taken as OLD)."""
    old, new = leak_dumps()
    want = ok('-J', '--diff', old, new, d=None)
    eq(ok('--diff', '-J', old, new, d=None), want, '--diff -J OLD NEW')
    eq(ok('--diff', old, '-J', new, d=None), want, '--diff OLD -J NEW')
    eq(ok('--diff', '--json', old, new, d=None), want, '--diff --json OLD NEW')
    only = json.loads(ok('--diff', '-p', '1300', '-J', old, new, d=None))
    eq([p['pid'] for p in only['processes']], [1300], '--diff -p PID -J OLD NEW')
    err1(['--diff', '-J'], r"option '--diff' needs an argument", d=None)


@test
def t_diff_errors():
    old, new = leak_dumps()
    err1(['--diff'], r"option '--diff' needs an argument", d=None)
    err1(['--diff', old, new, 'x'], r"unexpected argument 'x'", d=None)
    err1(['--diff', '/nonexistent', new], r'/nonexistent/files: No such file', d=None)
    err1(['--diff', old, '--dir', new], r'--diff reads OLD and NEW, not --dir', d=None)
    err1(['--diff', old, '-o', 'PID', new], r'--output does not apply to --diff', d=None)


# --- leak hunting: --watch (issue 17) ------------------------------------------

def samples(text):
    """The samples of plain --watch output: lists of lines."""
    out = []
    for ln in text.splitlines():
        if ln.startswith('fdscope --watch: '):
            out.append([ln])
        elif ln and out:
            out[-1].append(ln)
    return out


@test
def t_watch_samples():
    old, new = leak_dumps()
    text = ok('--watch', '-n', '2', old, new, d=None)
    got = samples(text)
    eq(len(got), 2, 'two samples')
    eq(got[0][0], 'fdscope --watch: sample 1 of 2, 62 processes, 544 fds', 'summary 1')
    eq(got[1][0], 'fdscope --watch: sample 2 of 2, 63 processes, 563 fds', 'summary 2')
    eq(got[0][1].split(), ['PID', 'COMMAND', 'FDS', 'GROWTH', 'TYPES'], 'header')
    check(not any(ln.startswith('>') for ln in got[0]), 'no grower in the first sample')
    first = got[1][2]
    check(re.match(r'^> +2000 java +25 +\+17  SOCK:16 REG:6 CHR:3$', first),
          'the leaker on top, marked, with its types: %r' % first)
    eq(sum(ln.startswith('>') for ln in got[1]), 1, 'one marker')
    eq(len(got[1]), 2 + 20, 'twenty processes per sample')
    eq([ln for s in got for ln in s if ln.endswith(' ')], [],
       'lines ending in blanks (the processes without TYPES)')
    eq(ok('--watch', old, new, d=None), text, 'every snapshot once without -n')
    # -p: the module's pid filter (here the dump's rows) selects processes.
    only = samples(ok('--watch', '-n', '1', '-p', '1300,2000', new, d=None))
    eq([ln.split()[0] for ln in only[0][2:]], ['2000', '1300'], '-p')
    # --dir: the same dump each interval; nothing grows.
    same = samples(ok('--watch=0.01', '-n', '3', d=HOLDERS))
    eq(len(same), 3, '-n 3 samples')
    check(all('+0' in ln for ln in same[2][2:]), 'no growth')
    # Older dumps (no start column) still work.
    eq(len(samples(ok('--watch', '-n', '1', d=SYSTEM))), 1, 'dump without start')


@test
def t_watch_errors():
    old, new = leak_dumps()
    err1(['--watch=abc', '-n', '1'], r'--watch=abc: not a number of seconds')
    err1(['--watch', '-n', '0'], r'-n: not a positive number of samples: 0')
    err1(['--watch', '-n', '3', old, new], r'--watch -n 3: only 2 snapshots to replay', d=None)
    err1(['--watch', '-J', '-n', '1'], r'no --output or --json')
    err1(['--watch', old], r'replays DIR... or reads --dir, not both')
    err1(['--watch'], r'--watch needs a terminal; -n COUNT prints plain samples')
    eq(ok('-n', '-r', '-o', 'PID', '-p', '1').splitlines()[0], '1', '-n is --noheadings')


@test
def t_watch_terminal():
    """The ncurses view in a pseudo-terminal: drawn, redrawn on a resize, q quits."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios
    pid, fd = pty.fork()
    if pid == 0:
        os.environ['TERM'] = 'xterm'
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
        os.execv(FDSCOPE, [FDSCOPE, '--watch=3600', '--dir', HOLDERS])
    out = b''

    def read_until(pred):
        """Read until pred(out); a hang guard (not a timing test) ends it."""
        nonlocal out
        while not pred(out):
            if not select.select([fd], [], [], 60)[0]:
                os.kill(pid, signal.SIGKILL)
                raise Fail('no progress; the screen so far: %r' % out[-400:])
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
    try:
        read_until(lambda o: b'fd-hog' in o)
        check(b'fdscope --watch: sample 1, 62 processes' in out, 'the view is drawn')
        mark = len(out)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 100, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        # Processes below row 24 are drawn only on the bigger screen.
        tasks = sorted((t for t in visible(hdump()['tasks'])),
                       key=lambda t: (-int(t['nfds']), int(t['pid'])))
        top = {t['comm'] for t in tasks[:22]}
        below = [t['comm'].encode() for t in tasks[22:38] if t['comm'] and t['comm'] not in top]
        check(below, 'processes below the first screen')
        read_until(lambda o: any(c in o[mark:] for c in below))
        os.write(fd, b'q')
        read_until(lambda o: False)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    eq(os.WIFEXITED(status) and os.WEXITSTATUS(status), 0, 'q quits with status 0')


@test
def t_100k():
    """A synthetic dump of 100k fds: every view completes, the table's bytes
    match libsmartcols'. Times are reported, never judged (BENCHMARKS.md)."""
    d = os.path.join(TMP, 'syn100k')
    subprocess.run([sys.executable, os.path.join(DUMPS, 'gen-synthetic.py'), '100000', d],
                   check=True)
    times = {}
    outs = {}
    for name, args, env in (('parse+join', ['-Q', 'PID == 0'], None), ('raw', ['-r'], None),
                            ('table', [], None), ('json', ['-J'], None),
                            ('table-libsmartcols', [], dict(ENV, FDSCOPE_NO_STREAM='1'))):
        t = time.monotonic()
        rc, outs[name], err = run(*args, d=d, env=env, timeout=600)
        times[name] = time.monotonic() - t
        eq((rc, err), (0, ''), name)
    eq(outs['raw'].count('\n'), 100001, 'raw rows')
    eq(len(js(d=d, timeout=600)), 100000, 'JSON rows')
    check(outs['table'] == outs['table-libsmartcols'], 'the streamed table differs')
    return ', '.join('%s %.2f s' % kv for kv in times.items())


# --- details: what each pidfd, bpf object, eventfd, ... is ---------------------------

DETAILS = os.path.join(DUMPS, 'details')
DETAIL_COLS = ('PID,FD,PIDFD.PID,PIDFD.COMM,PIDFD.EXITED,PIDFD.THREAD,EVENTFD.ID,'
               'EVENTFD.COUNT,TIMERFD.CLOCKID,TIMERFD.INTERVAL,TIMERFD.REMAINING,'
               'SIGNALFD.MASK,INOTIFY.INODES,BPF-MAP.TYPE,BPF-MAP.ID,BPF-PROG.TYPE,'
               'BPF-PROG.ID,BPF-PROG.TAG,BPF.NAME,BPF-LINK.ID,NS.TYPE,PTMX.TTY-INDEX')


def details_copy(name, edit=None, drop=()):
    """A copy of the details dump, with @edit(text) applied to its details file."""
    d = os.path.join(TMP, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(DETAILS, d)
    for f in drop:
        os.unlink(os.path.join(d, f))
    if edit:
        path = os.path.join(d, 'details')
        with open(path) as f:
            text = f.read()
        with open(path, 'w') as f:
            f.write(edit(text))
    return d


@test
def t_details_columns():
    """lsfd's per-class columns, from the details file and the tasks file."""
    rows = {(r['pid'], r['fd']): r for r in js('-o', DETAIL_COLS, d=DETAILS)}
    cols = [c.lower() for c in DETAIL_COLS.split(',')[2:]]
    want = {
        (100, 3): {'pidfd.pid': 200, 'pidfd.comm': 'sleep', 'pidfd.exited': False,
                   'pidfd.thread': False},
        (100, 4): {'pidfd.pid': 300, 'pidfd.exited': True, 'pidfd.thread': False},
        (100, 5): {'bpf-map.type': 'hash', 'bpf-map.id': 17, 'bpf.name': 'my_map'},
        (100, 6): {'bpf-prog.type': 'socket_filter', 'bpf-prog.id': 23,
                   'bpf-prog.tag': 'a04f5eef06a7f555', 'bpf.name': 'my_prog'},
        (100, 7): {'bpf-link.id': 4, 'bpf-prog.id': 23},
        (100, 8): {'eventfd.id': 7, 'eventfd.count': 42},
        (100, 9): {'timerfd.clockid': 'monotonic', 'timerfd.interval': '2.500000000',
                   'timerfd.remaining': '99.500000000'},
        (100, 10): {'signalfd.mask': 'USR1,USR2,RTMIN+0'},
        (100, 11): {'inotify.inodes': [1234, 5678, 91011]},
        (100, 12): {'ns.type': 'net'},
        (100, 13): {'ptmx.tty-index': 5},
    }
    eq(len(rows), 17, 'rows')
    for key, r in sorted(rows.items()):
        w = want.get(key, {})
        for c in cols:
            # Lists are [] in JSON when empty, as EVENTPOLL.TFDS.
            eq(r[c], w.get(c, [] if c == 'inotify.inodes' else None),
               'pid %d fd %d: %s' % (key[0], key[1], c))


@test
def t_details_name():
    """NAME describes each class as lsfd does, once details are read (-p)."""
    rows = {(r['pid'], r['fd']): r['name']
            for r in js('-p', '100,200', '-o', 'PID,FD,NAME', d=DETAILS)}
    want = {
        (100, 3): 'pid=200 comm=sleep', (100, 4): 'pid=300 exited',
        (100, 5): 'type=hash id=17 name=my_map',
        (100, 6): 'type=socket_filter id=23 tag=a04f5eef06a7f555 name=my_prog',
        (100, 7): 'id=4 prog-id=23', (100, 8): 'id=7 count=42',
        (100, 9): 'clockid=monotonic remaining=99.500000000 interval=2.500000000',
        (100, 10): 'mask=USR1,USR2,RTMIN+0', (100, 11): 'inodes=1234,5678,91011',
        (100, 12): 'net:[4026531840]', (100, 13): 'tty-index=5',
        (100, 14): '/memfd:buf (deleted) seals=0x6,hugetlb=0',
        (100, 16): '/var/log/holder.log', (200, 0): '/dev/pts/5',
    }
    for key, name in want.items():
        eq(rows[key], name, 'pid %d fd %d: NAME' % key)
    # Without -p nor a details column, NAME is the path: details are not read.
    plain = {(r['pid'], r['fd']): r['name'] for r in js('-o', 'PID,FD,NAME', d=DETAILS)}
    eq(plain[(100, 3)], 'anon_inode:[pidfd]', 'NAME without details')


@test
def t_details_read_on_demand():
    """The default view never reads details (a broken file goes unnoticed);
    a details column does (and reports it); a dump without it still works."""
    d = details_copy('details-broken', edit=lambda t: t + 'not a record\n')
    out = ok('-r', d=d)
    check('anon_inode:[pidfd]' in out, 'default view: %r' % out[:200])
    rc, out, err = run('-o', 'PID,FD,PIDFD.PID', d=d)
    check(rc != 0 and 'details' in err, 'a broken details file read: rc %d, %r' % (rc, err))
    d = details_copy('details-none', drop=('details',))
    rows = js('-o', DETAIL_COLS, d=d)
    eq(len(rows), 17, 'rows without a details file')
    for r in rows:
        eq([r[c.lower()] for c in DETAIL_COLS.split(',')[2:] if c != 'INOTIFY.INODES'],
           [None] * (len(DETAIL_COLS.split(',')) - 3), 'pid %d fd %d' % (r['pid'], r['fd']))
    rows = js('-p', '100', '-o', 'FD,NAME', d=d)
    eq(rows[1]['name'], 'anon_inode:[pidfd]', 'NAME without a details file')


@test
def t_details_endpoints():
    """--endpoints and ENDPOINTS: a pidfd's process, a pty's other side."""
    rows = {(r['pid'], r['fd']): r['endpoints']
            for r in js('-o', 'PID,FD,ENDPOINTS', d=DETAILS)}
    eq(txt(rows[(100, 3)]), ['200,sleep'], 'pidfd of a running process')
    eq(rows[(100, 4)], [], 'pidfd of a reaped process')
    eq(txt(rows[(100, 13)]), ['200,sleep,0rw'], 'pty master -> slave')
    eq(txt(rows[(200, 0)]), ['100,holder,13rw'], 'pty slave -> master')
    out = ok('--endpoints', '-r', d=DETAILS)
    check(re.search(r'^holder 100 3 .*200,sleep', out, re.M) or '200,sleep' in out,
          '--endpoints does not link the pidfd: %r' % out[:400])
    check('100,holder,13' in out, '--endpoints does not pair the pty: %r' % out[:400])


@test
def t_details_save():
    """--save keeps the details file as it is."""
    d = os.path.join(TMP, 'details-saved')
    shutil.rmtree(d, ignore_errors=True)
    eq(ok('--save', d, d=DETAILS), '', '--save prints nothing')
    with open(os.path.join(DETAILS, 'details')) as a, open(os.path.join(d, 'details')) as b:
        eq(b.read(), a.read(), 'saved details')
    eq(js('-o', 'PID,FD,PIDFD.PID', d=d)[1]['pidfd.pid'], 200, 'PIDFD.PID from the copy')


def tun_dump(name):
    """The details dump plus holder's tun/tap fds: 20 attached to tap0, 21 to
    "a,b=c" (',' and '=' escaped inside the value, then the field's '\\'),
    22 with no interface (the module was not asked, or it is detached)."""
    d = details_copy(name)
    tuns = ((20, 'iface=tap0'), (21, 'iface=a\\134054b\\134075c'), (22, '-'))
    with open(os.path.join(d, 'files'), 'a') as f:
        for fd, _ in tuns:
            f.write('100 - holder %d f69912d6ae170c1 0 rw - 0 CHR 0:5 200 %015x 1 0 '
                    '/dev/net/tun 5000 0 - -\n' % (fd, fd))
    with open(os.path.join(d, 'details'), 'a') as f:
        for fd, det in tuns:
            f.write('100 - holder %d %015x tun %s 5000\n' % (fd, fd, det))
    return d


@test
def t_details_tun():
    """TUN.IFACE and NAME of tun/tap fds: the interface, decoded; none when
    the record has none (NAME is then the path)."""
    d = tun_dump('details-tun')
    rows = {r['fd']: r for r in js('-p', '100', '-o', 'FD,TUN.IFACE,NAME', d=d)}
    eq(rows[20]['tun.iface'], 'tap0', 'fd 20 TUN.IFACE')
    eq(rows[20]['name'], 'iface=tap0', 'fd 20 NAME')
    eq(rows[21]['tun.iface'], 'a,b=c', 'fd 21 TUN.IFACE (escaped in the value)')
    eq(rows[21]['name'], 'iface=a,b=c', 'fd 21 NAME')
    eq(rows[22]['tun.iface'], None, 'fd 22 TUN.IFACE without an interface')
    eq(rows[22]['name'], '/dev/net/tun', 'fd 22 NAME without an interface')
    eq(rows[3]['tun.iface'], None, 'a pidfd has no TUN.IFACE')
    out = ok('-Q', 'TUN.IFACE == "a,b=c"', '-n', '-o', 'FD', d=d)
    eq(out.split(), ['21'], '-Q on TUN.IFACE')


def main():
    if not os.access(FDSCOPE, os.X_OK):
        print('FAIL: reader-build: %s is not built (make -C userspace)' % FDSCOPE)
        return 1
    only = sys.argv[1:]
    failed = 0
    start = time.monotonic()
    for fn in TESTS:
        name = 'reader-' + fn.__name__[2:].replace('_', '-')
        if only and name not in only and name[7:] not in only:
            continue
        try:
            note = fn()
            print('PASS: %s%s' % (name, ' (%s)' % note if note else ''), flush=True)
        except Skip as e:
            print('SKIP: %s: %s' % (name, e), flush=True)
        except Fail as e:
            failed += 1
            print('FAIL: %s: %s' % (name, str(e).replace('\n', '\\n')), flush=True)
        except Exception as e:  # a bug in the test itself
            failed += 1
            print('FAIL: %s: %s: %s' % (name, type(e).__name__, e), flush=True)
    shutil.rmtree(TMP, ignore_errors=True)
    print('reader tests: %d failed, %.1f s' % (failed, time.monotonic() - start))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
