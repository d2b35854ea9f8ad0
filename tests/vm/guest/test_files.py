#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fdscope `files` and `tasks` against /proc, kcmp() and fd_fixture.

Runs in the guest as root with the module loaded.  Prints one
PASS/FAIL/SKIP line per check; exits 1 if any check failed.
"""

import errno
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdscope_lib as L  # noqa: E402


class Fix:
    """What fd_fixture reported about itself."""

    def __init__(self, records):
        self.procs = {}
        self.threads = {}      # role -> [manifest dict]
        self.fds = {}          # role -> {fd: manifest dict}
        for kind, d in records:
            if kind == 'proc':
                self.procs[d['role']] = d
            elif kind == 'thread':
                self.threads.setdefault(d['role'], []).append(d)
            elif kind == 'fd':
                self.fds.setdefault(d['owner'], {})[int(d['fd'])] = d
        self.P = int(self.procs['main']['pid'])
        self.F = int(self.procs['fork']['pid'])
        self.C = int(self.procs['clone']['pid'])
        self.T = int(self.procs['unshare']['tid'])
        self.Z = int(self.procs['zleader']['pid'])
        self.ztids = [int(d['tid']) for d in self.threads['zthread']]
        self.zombie = int(self.procs['zombie']['pid'])
        self.plain = self.threads['plain'][0]
        # role -> (pid, tid text as printed, task id for kcmp/proc, fds role)
        self.owners = {
            'main': (self.P, '-', self.P, 'main'),
            'fork': (self.F, '-', self.F, 'fork'),
            'clone': (self.C, '-', self.C, 'main'),
            'unshare': (self.P, str(self.T), self.T, 'unshare'),
        }
        self.pids = {self.P, self.F, self.C}
        # desc -> number of table slots holding it (the clone shares main's)
        self.slots = {}
        for role in ('main', 'fork', 'unshare', 'zleader'):
            for d in self.fds.get(role, {}).values():
                self.slots[d['desc']] = self.slots.get(d['desc'], 0) + 1

    def role_of(self, row):
        for role, (pid, tid, _, _) in self.owners.items():
            if int(row['pid']) == pid and row['tid'] == tid:
                return role
        return None


def check_perms(rep):
    p = []
    st = os.stat(L.DEBUGFS)
    if (st.st_mode & 0o7777, st.st_uid, st.st_gid) != (0o500, 0, 0):
        p.append(f'{L.DEBUGFS}: mode {oct(st.st_mode & 0o7777)} uid {st.st_uid}'
                 f' gid {st.st_gid}, expected 0500 root root')
    for n in L.COLUMNS:
        st = os.stat(os.path.join(L.DEBUGFS, n))
        if (st.st_mode & 0o7777, st.st_uid, st.st_gid) != (0o400, 0, 0):
            p.append(f'{n}: mode {oct(st.st_mode & 0o7777)} uid {st.st_uid} '
                     f'gid {st.st_gid}, expected 0400 root root')
    rep.result('debugfs-perms', p)


def fixture_checks(rep, fx, files, tasks):
    """Every fd of every fixture table against /proc, kcmp and the
    manifest."""
    mnt = L.mountinfo(fx.P)
    rows = {}                 # (role, fd) -> row
    stray = []
    for r in files.rows:
        if int(r['pid']) not in fx.pids:
            continue
        role = fx.role_of(r)
        if role is None:
            stray.append(f'unexpected table owner pid {r["pid"]} tid {r["tid"]}'
                         f' comm {r["comm"]} fd {r["fd"]}')
            continue
        key = (role, int(r['fd']))
        if key in rows:
            stray.append(f'{role} fd {r["fd"]} listed twice')
        rows[key] = r

    # The fd sets: module == /proc == manifest.
    p = list(stray)
    truth = {}
    for role, (pid, tid, task, frole) in fx.owners.items():
        tdir = L.task_dir(pid, tid)
        procfds = L.list_fds(tdir)
        mod = sorted(fd for (ro, fd) in rows if ro == role)
        man = sorted(fx.fds.get(frole, {}))
        if procfds != man:
            p.append(f'{role}: /proc fds {procfds} != manifest {man} '
                     '(fixture problem)')
        if mod != procfds:
            p.append(f'{role} (pid {pid} tid {tid}): fdscope fds '
                     f'{sorted(set(mod) - set(procfds or []))} not in /proc, '
                     f'/proc fds {sorted(set(procfds or []) - set(mod))} '
                     'missing from fdscope')
        for fd in procfds or []:
            t = L.proc_fd_truth(pid, tid, fd, mnt)
            if t is not None:
                t['comm'] = L.comm_of(pid, tid)
                truth[(role, fd)] = t
    rep.result('files-fixture-fdset', p)

    def compare(name, cols):
        p = []
        for key in sorted(rows):
            t = truth.get(key)
            if t is None:
                continue
            for c in cols:
                if rows[key][c] != t[c]:
                    p.append(f'{key[0]} fd {key[1]} ({t["path"][:60]}): {c} '
                             f'fdscope={rows[key][c]!r} /proc={t[c]!r}')
        rep.result(name, p)

    compare('files-fixture-paths', ['path'])
    compare('files-fixture-comm', ['comm'])
    compare('files-fixture-flags', ['cloexec', 'mode', 'flags'])
    compare('files-fixture-pos', ['pos'])
    compare('files-fixture-type', ['type'])
    compare('files-fixture-dev-ino', ['dev', 'ino'])

    # deleted: the manifest knows (a live file may be named "x (deleted)").
    p = []
    for key, r in sorted(rows.items()):
        m = fx.fds.get(fx.owners[key[0]][3], {}).get(key[1], {})
        exp = m.get('deleted') or (truth[key]['deleted'] if key in truth else None)
        if exp is not None and r['deleted'] != exp:
            p.append(f'{key[0]} fd {key[1]} ({r["path"][:60]}): deleted '
                     f'fdscope={r["deleted"]} expected={exp}')
    rep.result('files-fixture-deleted', p)

    # fdscope against what the fixture itself knows.
    p, selfp = [], []
    for key, r in sorted(rows.items()):
        m = fx.fds.get(fx.owners[key[0]][3], {}).get(key[1])
        if m is None:
            continue
        t = truth.get(key, {})
        for c in ('type', 'mode', 'cloexec', 'pos', 'path'):
            if c in m:
                if r[c] != m[c]:
                    p.append(f'{key[0]} fd {key[1]} ({m["kind"]}): {c} '
                             f'fdscope={r[c]!r} fixture={m[c]!r}')
                if t and t.get(c) != m[c]:
                    selfp.append(f'{key[0]} fd {key[1]} ({m["kind"]}): {c} '
                                 f'/proc={t.get(c)!r} fixture={m[c]!r}')
        if 'flags' in m:
            want = set(m['flags'].split(','))
            have = set(r['flags'].split(','))
            if not want <= have:
                p.append(f'{key[0]} fd {key[1]} ({m["kind"]}): flags '
                         f'{r["flags"]!r} lacks {sorted(want - have)}')
    rep.result('files-fixture-manifest', p)
    rep.result('files-fixture-selfcheck', selfp)

    # fileid: equal exactly where kcmp says the struct file is the same.
    items = sorted(rows)
    classes, failed = L.kcmp_classes(
        items, L.KCMP_FILE, lambda k: (fx.owners[k[0]][2], k[1]))
    p = [f'kcmp failed for {k}' for k in failed]
    p += L.partition_problems(classes, 'fileid', lambda k: rows[k]['fileid'],
                              lambda k: f'{k[0]}:{k[1]}')
    # ... and where the manifest says the description is shared.
    mclasses = {}
    for k in items:
        m = fx.fds.get(fx.owners[k[0]][3], {}).get(k[1])
        if m:
            mclasses.setdefault(m['desc'], []).append(k)
    p += L.partition_problems(list(mclasses.values()), 'fileid (manifest)',
                              lambda k: rows[k]['fileid'],
                              lambda k: f'{k[0]}:{k[1]}')
    rep.result('files-fileid', p)

    # table: main and clone share one; fork and the unsharing thread not.
    p = []
    tables = {}
    for (role, fd), r in rows.items():
        tables.setdefault(role, set()).add(r['table'])
    for role, ts in tables.items():
        if len(ts) != 1:
            p.append(f'{role}: rows disagree on table: {sorted(ts)}')
    tv = {role: next(iter(ts)) for role, ts in tables.items() if ts}
    if len(tv) == 4:
        if tv['main'] != tv['clone']:
            p.append(f'CLONE_FILES child table {tv["clone"]} != parent '
                     f'{tv["main"]}')
        if tv['fork'] == tv['main']:
            p.append('fork child has the parent\'s table id')
        if tv['unshare'] in (tv['main'], tv['fork']):
            p.append('unshare(CLONE_FILES) thread has a shared table id')
        roles = sorted(tv)
        tcls, tfailed = L.kcmp_classes(
            roles, L.KCMP_FILES, lambda ro: (fx.owners[ro][2], 0))
        p += [f'kcmp failed for {ro}' for ro in tfailed]
        p += L.partition_problems(tcls, 'table', lambda ro: tv[ro],
                                  lambda ro: ro)
    else:
        p.append(f'table owners found: {sorted(tv)}')
    rep.result('files-table', p)

    # refs: number of table slots holding the description.
    p = []
    for key, r in sorted(rows.items()):
        m = fx.fds.get(fx.owners[key[0]][3], {}).get(key[1])
        if not m:
            continue
        exp = fx.slots[m['desc']]
        if r['refs'] != str(exp):
            p.append(f'{key[0]} fd {key[1]} ({m["kind"]}): refs '
                     f'fdscope={r["refs"]} expected={exp}')
    shared = rows.get(('main', int(next(
        fd for fd, d in fx.fds['fork'].items() if d['kind'] == 'fork-shared'))))
    if shared is not None and int(shared['refs']) < 2:
        p.append(f'description shared with the fork child has refs '
                 f'{shared["refs"]}')
    rep.result('files-refs', p)

    # Threads: only table owners are listed.
    p = []
    plain = fx.plain['tid']
    for r in files.rows + tasks.rows:
        if int(r['pid']) == fx.P and r['tid'] not in ('-', str(fx.T)):
            p.append(f'pid {fx.P} listed with tid {r["tid"]} (only the '
                     f'unsharing thread {fx.T} owns a table; {plain} shares)')
    if not any(int(r['pid']) == fx.P and r['tid'] == str(fx.T)
               for r in tasks.rows):
        p.append(f'tasks: no row for the unsharing thread pid {fx.P} tid {fx.T}')
    rep.result('files-threads', p)

    # tasks rows of the fixture.
    p = []
    trows = L.rows_by(tasks, 'pid', 'tid')
    for role, (pid, tid, task, frole) in fx.owners.items():
        got = trows.get((str(pid), tid), [])
        if len(got) != 1:
            p.append(f'tasks: {len(got)} rows for {role} pid {pid} tid {tid}')
            continue
        r = got[0]
        tdir = L.task_dir(pid, tid)
        fds = L.list_fds(tdir) or []
        euid = L.status_field(tdir, 'Uid')[1]
        exp = {
            'comm': L.comm_of(pid, tid),
            'uid': euid,
            'nfds': str(len(fds)),
            'pidns': L.ns_ino(pid, tid, 'pid'),
            'netns': L.ns_ino(pid, tid, 'net'),
            'table': tv.get(role),
        }
        if role == 'fork' and euid != fx.procs['fork']['euid']:
            p.append(f'fork child euid {euid} (fixture problem)')
        for c, v in exp.items():
            if r[c] != v:
                p.append(f'tasks {role}: {c} fdscope={r[c]!r} expected={v!r}')
        mx = int(r['maxfds']) if L.NUM.fullmatch(r['maxfds']) else -1
        if fds and mx <= max(fds):
            p.append(f'tasks {role}: maxfds {mx} <= highest fd {max(fds)}')
        if mx < 64 or mx % 64:
            p.append(f'tasks {role}: maxfds {mx} is not a multiple of 64')
    if fx.procs['fork']['euid'] != (trows.get((str(fx.F), '-')) or
                                    [{}])[0].get('uid'):
        p.append('tasks: the fork child must show its effective uid '
                 f'{fx.procs["fork"]["euid"]}')
    rep.result('tasks-fixture', p)
    return rows


def comm_matches(mod, proc, kthread):
    """/proc/PID/comm shows a kernel thread's full name, and a workqueue
    worker's current work after a '+' or '-'; fdscope shows the task's comm
    (at most 15 bytes), as /proc does for every other task."""
    if mod == proc:
        return True
    if not kthread or proc is None:
        return False
    m, p = L.unescape(mod), L.unescape(proc)
    if not p.startswith(m):
        return False
    return len(m) == 15 or p[len(m):len(m) + 1] in (b'+', b'-')


def exiting_checks(rep, fx, files, tasks):
    """docs/format.md, "Who is listed": when the leader has exited while its
    threads run on, their one table is listed once, under the first of
    those threads (with its tid); the process itself keeps its tasks row
    (a zombie leader: no table).  An unreaped zombie: a tasks row, no
    table, no files."""
    p = []
    mnt = L.mountinfo(fx.P)
    first = str(min(fx.ztids))
    rows = [r for r in files.rows if int(r['pid']) == fx.Z]
    owners = sorted({r['tid'] for r in rows})
    if owners != [first]:
        p.append(f'pid {fx.Z} (leader exited, threads {sorted(fx.ztids)} share'
                 f' one table): files lists it under tids {owners}, expected '
                 f'once under {first}')
    want = sorted(fx.fds['zleader'])
    procfds = L.list_fds(L.task_dir(fx.Z, first))
    if procfds != want:
        p.append(f'/proc/{fx.Z}/task/{first}/fd {procfds} != manifest '
                 f'{want} (fixture problem)')
    for tid in owners:
        got = sorted(int(r['fd']) for r in rows if r['tid'] == tid)
        if got != want:
            p.append(f'pid {fx.Z} tid {tid}: fds {got}, expected {want}')
    for r in rows:
        t = L.proc_fd_truth(fx.Z, first, int(r['fd']), mnt)
        if t is None:
            continue
        for c in ('path', 'pos', 'flags', 'mode', 'cloexec', 'type', 'ino',
                  'dev'):
            if r[c] != t[c]:
                p.append(f'pid {fx.Z} tid {r["tid"]} fd {r["fd"]}: {c} '
                         f'fdscope={r[c]!r} /proc={t[c]!r}')
    trows = {r['tid']: r for r in tasks.rows if int(r['pid']) == fx.Z}
    if sorted(trows) != sorted(['-', first]):
        p.append(f'tasks: rows for pid {fx.Z} with tids {sorted(trows)}, '
                 f'expected the process (-) and the table owner {first}')
    lead = trows.get('-')
    if lead is not None:
        if lead['table'] != '-' or lead['nfds'] not in ('-', '0'):
            p.append(f'tasks pid {fx.Z} tid -: the exited leader shows table '
                     f'{lead["table"]} nfds {lead["nfds"]}, expected none')
        if lead['comm'] != 'fdfix-zleader':
            p.append(f'tasks pid {fx.Z} tid -: comm {lead["comm"]!r}')
    own = trows.get(first)
    if own is not None:
        if own['nfds'] != str(len(want)):
            p.append(f'tasks pid {fx.Z} tid {first}: nfds {own["nfds"]}, '
                     f'expected {len(want)}')
        if rows and own['table'] != rows[0]['table']:
            p.append(f'tasks pid {fx.Z} tid {first}: table {own["table"]} != '
                     f'files table {rows[0]["table"]}')
        exp = L.comm_of(fx.Z, first)
        if own['comm'] != exp:
            p.append(f'tasks pid {fx.Z} tid {first}: comm {own["comm"]!r}, '
                     f'expected {exp!r}')
    rep.result('files-exited-leader', p)

    p = []
    zr = [r for r in tasks.rows if int(r['pid']) == fx.zombie]
    if len(zr) != 1:
        p.append(f'tasks: {len(zr)} rows for the zombie {fx.zombie}')
    for r in zr:
        exp = {'tid': '-', 'comm': 'fdfix-zombie', 'table': '-',
               'netns': '-', 'pidns': L.ns_ino(fx.P, '-', 'pid')}
        for c, v in exp.items():
            if r[c] != v:
                p.append(f'tasks zombie {fx.zombie}: {c} {r[c]!r}, expected '
                         f'{v!r}')
        for c in ('nfds', 'maxfds'):
            if r[c] not in ('-', '0'):
                p.append(f'tasks zombie {fx.zombie}: {c} {r[c]!r} without a '
                         'table')
    fr = [r for r in files.rows if int(r['pid']) == fx.zombie]
    if fr:
        p.append(f'files: {len(fr)} records for the zombie {fx.zombie}')
    rep.result('tasks-zombie', p)


PIDNS_READER = r"""
import json, os
out = {'self': os.getpid(),
       'pidns': os.stat('/proc/self/ns/pid').st_ino}
for name in ('files', 'tasks', 'sockets'):
    fd = os.open('/sys/kernel/debug/fdscope/' + name, os.O_RDONLY)
    data = b''
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        data += b
    os.close(fd)
    out[name] = [l.split(' ')[:4] for l in
                 data.decode('latin-1').split(chr(10))[1:] if l]
print(json.dumps(out))
"""


def pidns_checks(rep):
    """Read from inside a new pid namespace: only its processes, with its
    pid numbers."""
    import json
    import subprocess
    try:
        r = subprocess.run(['unshare', '--pid', '--fork', '/usr/bin/python3',
                            '-c', PIDNS_READER], capture_output=True,
                           timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        rep.skip('files-pidns', f'unshare --pid: {e}')
        return
    if r.returncode != 0:
        rep.skip('files-pidns', 'unshare --pid failed: '
                 + r.stderr.decode('latin-1').strip()[-200:])
        return
    out = json.loads(r.stdout)
    p = []
    if out['self'] != 1:
        p.append(f'reader is pid {out["self"]} in its namespace, not 1 '
                 '(harness problem)')
    for name in ('files', 'tasks', 'sockets'):
        pids = sorted({row[0] for row in out[name]})
        if pids != (['1'] if name != 'sockets' else pids and ['1']):
            p.append(f'{name}: pids {pids[:10]} seen from a pid namespace '
                     'holding only pid 1')
    trow = [row for row in out['tasks'] if row[0] == '1']
    if not trow:
        p.append('tasks: no row for pid 1 of the namespace')
    rep.result('files-pidns', p)


def system_checks(rep, files, tasks, s1, s2):
    """Whole-system consistency for processes that did not change between
    the /proc snapshots taken before and after the reads."""
    me = os.getpid()
    stable = L.stable_pids(s1, s2, exclude={me})
    fr = L.rows_by(files, 'pid', 'tid')
    tr = L.rows_by(tasks, 'pid', 'tid')
    p_sets, p_paths, p_tasks = [], [], []
    owners = []
    for pid in stable:
        snap = s1[pid]
        spid = str(pid)
        for tid, links in snap['owners'].items():
            owners.append((pid, tid))
            mod = {int(r['fd']): r for r in fr.get((spid, tid), [])}
            if set(mod) != set(links):
                p_sets.append(
                    f'pid {pid} tid {tid} ({snap["comm"]}): only in fdscope '
                    f'{sorted(set(mod) - set(links))}, only in /proc '
                    f'{sorted(set(links) - set(mod))}')
            for fd, r in mod.items():
                if fd in links and links[fd] is not None and \
                        r['path'] != L.escape(links[fd]):
                    p_paths.append(f'pid {pid} tid {tid} fd {fd}: path '
                                   f'{r["path"][:70]!r} != '
                                   f'{L.escape(links[fd])[:70]!r}')
            t = tr.get((spid, tid), [])
            if len(t) != 1:
                p_tasks.append(f'tasks: {len(t)} rows for pid {pid} tid {tid} '
                               f'({snap["comm"]})')
                continue
            t = t[0]
            comm = snap['comm'] if tid == '-' else L.comm_of(pid, tid)
            if not comm_matches(t['comm'], comm, snap['kthread']):
                p_tasks.append(f'tasks pid {pid} tid {tid}: comm fdscope='
                               f'{t["comm"]!r} /proc={comm!r}')
            exp = {'uid': snap['euid'],
                   'nfds': str(len(links)),
                   'pidns': L.ns_ino(pid, tid, 'pid'),
                   'netns': L.ns_ino(pid, tid, 'net')}
            for c, v in exp.items():
                if v is not None and t[c] != v:
                    p_tasks.append(f'tasks pid {pid} tid {tid} '
                                   f'({snap["comm"]}): {c} fdscope={t[c]!r} '
                                   f'/proc={v!r}')
        # Rows for threads that do not own a table.
        for key in list(fr) + list(tr):
            if key[0] == spid and key[1] not in snap['owners']:
                p_sets.append(f'pid {pid}: listed with tid {key[1]}, which '
                              'does not own a table')
    # Every live process has a tasks row (stable ones checked above); no row
    # for a pid that existed in neither snapshot.
    for (spid, tid) in tr:
        pid = int(spid)
        if pid not in s1 and pid not in s2 and pid != me:
            p_tasks.append(f'tasks: pid {pid} in neither /proc snapshot')
    nfds = sum(len(s1[pid]['owners'][t]) for pid in stable
               for t in s1[pid]['owners'])
    rep.result('files-system-fdsets', p_sets,
               f'{len(p_sets)} process(es) differ from /proc '
               f'({len(stable)} stable processes compared)' if p_sets else None,
               f'{len(stable)} processes, {len(owners)} tables, {nfds} fds')
    rep.result('files-system-paths', p_paths, note=f'{nfds} fds')
    rep.result('tasks-system', p_tasks, note=f'{len(owners)} rows')

    # table identities against kcmp(KCMP_FILES).
    tval = {}
    for (pid, tid) in owners:
        t = tr.get((str(pid), tid))
        if t:
            tval[(pid, tid)] = t[0]['table']
    p = []
    for (pid, tid), rows in fr.items():
        if (int(pid), tid) in tval:
            vals = {r['table'] for r in rows}
            if vals != {tval[(int(pid), tid)]}:
                p.append(f'pid {pid} tid {tid}: files table {sorted(vals)} != '
                         f'tasks table {tval[(int(pid), tid)]}')
    items = sorted(tval)
    classes, failed = L.kcmp_classes(
        items, L.KCMP_FILES, lambda o: (o[0] if o[1] == '-' else int(o[1]), 0))
    p += L.partition_problems(classes, 'table', lambda o: tval[o],
                              lambda o: f'{o[0]}/{o[1]}')
    rep.result('files-system-tables', p,
               note=f'{len(items)} owners, {len(classes)} distinct tables, '
               f'{len(failed)} not comparable')

    # fileid identities against kcmp(KCMP_FILE), within each (dev, ino).
    stable_set = {str(x) for x in stable}
    groups = {}
    for r in files.rows:
        if r['pid'] in stable_set:
            groups.setdefault((r['dev'], r['ino']), []).append(r)
    classes, failed = [], []
    for g in groups.values():
        if len(g) == 1:
            classes.append(g)
            continue
        c, f = L.kcmp_classes(
            g, L.KCMP_FILE,
            lambda r: (int(r['pid']) if r['tid'] == '-' else int(r['tid']),
                       int(r['fd'])))
        classes += c
        failed += f
    desc = lambda r: f'{r["pid"]}/{r["tid"]}:{r["fd"]}'  # noqa: E731
    p = L.partition_problems(classes, 'fileid', lambda r: r['fileid'], desc)
    rep.result('files-system-fileids', p,
               note=f'{sum(map(len, classes))} fds, {len(classes)} '
               f'descriptions, {len(failed)} not comparable')

    # refs >= number of table slots seen holding the description.
    slots = {}
    for r in files.rows:
        if r['pid'] in stable_set:
            slots.setdefault(r['fileid'], set()).add((r['table'], r['fd']))
    p = []
    for r in files.rows:
        if r['pid'] in stable_set and L.NUM.fullmatch(r['refs']) and \
                int(r['refs']) < len(slots[r['fileid']]):
            p.append(f'{desc(r)} ({r["path"][:50]}): refs {r["refs"]} < '
                     f'{len(slots[r["fileid"]])} table slots')
    rep.result('files-system-refs', p)


def lines_of(raw):
    """(header, record lines in the order read)."""
    t = raw.decode('latin-1').split('\n')
    return t[0], [x for x in t[1:] if x]


def expected_subset(table, pids):
    """What a filtered read must give: the unfiltered records of those
    processes, in the same (walk) order."""
    pids = {str(p) for p in pids}
    return table.header, [table.lines[i] for i, r in enumerate(table.rows)
                          if r['pid'] in pids]


def filter_checks(rep, fx, tables):
    if L.lockdown_blocks_writes():
        rep.skip('filter', 'kernel lockdown active: debugfs refuses writes')
        return
    spec = f'pid {fx.P}'.encode()

    # Single pid, all three files.
    p = []
    for name, t in tables.items():
        try:
            got = lines_of(L.read_file(name, spec))
        except OSError as e:
            p.append(f'{name}: {e}')
            continue
        exp = expected_subset(t, [fx.P])
        if got != exp:
            p.append(describe_diff(name, spec, exp, got))
        elif not exp[1]:
            p.append(f'{name}: no records for the fixture at all')
    rep.result('filter-pid', p)

    # Several pids, with and without a trailing newline.
    p = []
    for pids, sp in (([fx.P, fx.F], f'pid {fx.P},{fx.F}'),
                     ([fx.C, fx.F, fx.P], f'pid {fx.C},{fx.F},{fx.P}\n'),
                     ([fx.F], f'pid {fx.F}\n')):
        for name in ('files', 'tasks'):
            try:
                got = lines_of(L.read_file(name, sp.encode()))
            except OSError as e:
                p.append(f'{name} {sp!r}: {e}')
                continue
            exp = expected_subset(tables[name], pids)
            if got != exp:
                p.append(describe_diff(name, sp.encode(), exp, got))
    rep.result('filter-multi', p)

    # A pid that does not exist: just the header.
    p = []
    unused = next(n for n in range(3000000, 3100000)
                  if not os.path.exists(f'/proc/{n}'))
    for name, t in tables.items():
        got = lines_of(L.read_file(name, f'pid {unused}'.encode()))
        if got != (t.header, []):
            p.append(f'{name}: pid {unused} (no such process) gave '
                     f'{len(got[1])} records')
    rep.result('filter-nonexistent', p)

    # "pid" alone clears; the filter belongs to one open file only.
    p = []
    path = os.path.join(L.DEBUGFS, 'files')
    a = os.open(path, os.O_RDWR)
    b = os.open(path, os.O_RDWR)
    c = os.open(path, os.O_RDONLY)
    try:
        os.write(a, spec)
        os.write(b, f'pid {fx.F}'.encode())
        ra, rb, rc = (L.read_fd_all(x) for x in (a, b, c))
        pa = {r.split(' ', 1)[0] for r in lines_of(ra)[1]}
        pb = {r.split(' ', 1)[0] for r in lines_of(rb)[1]}
        pc = {r.split(' ', 1)[0] for r in lines_of(rc)[1]}
        if pa != {str(fx.P)}:
            p.append(f'open #1 filtered to {fx.P} shows pids {sorted(pa)[:10]}')
        if pb != {str(fx.F)}:
            p.append(f'open #2 filtered to {fx.F} shows pids {sorted(pb)[:10]}')
        if len(pc) < 3 or not {str(fx.P), str(fx.F), str(fx.C)} <= pc:
            p.append(f'unfiltered open #3 shows only pids {sorted(pc)[:10]}')
        n = os.write(a, b'pid')
        if n != 3:
            p.append(f'write "pid" returned {n}')
        os.lseek(a, 0, os.SEEK_SET)
        pa = {r.split(' ', 1)[0] for r in lines_of(L.read_fd_all(a))[1]}
        full = {str(fx.P), str(fx.F), str(fx.C), str(os.getpid())}
        if not full <= pa:
            p.append(f'after "pid" (clear) only pids {sorted(pa)[:10]} shown')
        os.write(a, spec)
        os.write(a, b'pid\n')
        os.lseek(a, 0, os.SEEK_SET)
        pa = {r.split(' ', 1)[0] for r in lines_of(L.read_fd_all(a))[1]}
        if not full <= pa:
            p.append('after "pid\\n" (clear) the output is still filtered')
        try:
            os.write(c, spec)
            p.append('write to a read-only open succeeded')
        except OSError as e:
            if e.errno != errno.EBADF:
                p.append(f'write to a read-only open: {e}, expected EBADF')
    finally:
        for x in (a, b, c):
            os.close(x)
    rep.result('filter-clear-and-per-open', p)

    # The read after a write starts from the beginning.
    p = []
    exp = expected_subset(tables['files'], [fx.P])
    fd = os.open(path, os.O_RDWR)
    try:
        os.read(fd, 100)
        os.write(fd, spec)
        got = L.read_fd_all(fd)
        if lines_of(got) != exp:
            p.append('after reading 100 bytes then writing the filter, the '
                     f'next reads gave {got[:80]!r}...')
    finally:
        os.close(fd)
    rep.result('filter-write-restarts', p)

    # Garbage writes: the right errno, and the filter stays as it was.
    garbage = [
        (b'foo', errno.EINVAL), (b'pid abc', errno.EINVAL),
        (b'pid -1', errno.EINVAL), (b'pid 99999999999999999999', errno.EINVAL),
        (b'', errno.EINVAL), (b'x' * (1 << 20), errno.E2BIG),
        (('pid ' + ','.join(str(4000000 + i) for i in range(65))).encode(),
         errno.E2BIG),
    ]
    extra = [
        (b'pid 1,', errno.EINVAL), (b'pid ,1', errno.EINVAL),
        (b'pid 1 2', errno.EINVAL), (b'pid 1,,2', errno.EINVAL),
        (b' pid 1', errno.EINVAL), (b'pid 1\n\n', errno.EINVAL),
        (b'pid 1\x00', errno.EINVAL), (b'pidd 1', errno.EINVAL),
        (b'pid 0x10', errno.EINVAL), (b'pid 1x', errno.EINVAL),
        (b'pid\t1', errno.EINVAL), (b'\n', errno.EINVAL),
    ]
    for name, cases in (('filter-garbage', garbage),
                        ('filter-garbage-extra', extra)):
        p = []
        fd = os.open(path, os.O_RDWR)
        try:
            os.write(fd, spec)
            for data, want in cases:
                shown = data if len(data) < 40 else data[:20] + \
                    f'...({len(data)} bytes)'.encode()
                try:
                    n = os.write(fd, data)
                    p.append(f'write {shown!r} accepted (returned {n}), '
                             f'expected {errno.errorcode[want]}')
                except OSError as e:
                    if e.errno != want:
                        p.append(f'write {shown!r}: {errno.errorcode.get(e.errno)}'
                                 f', expected {errno.errorcode[want]}')
                os.lseek(fd, 0, os.SEEK_SET)
                got = lines_of(L.read_fd_all(fd))
                if got != exp:
                    p.append(f'after write {shown!r} the filter changed: '
                             f'{len(got[1])} records, expected {len(exp[1])}')
        finally:
            os.close(fd)
        rep.result(name, p)

    # Up to 64 pids are fine.
    p = []
    pids = [fx.P, fx.F, fx.C] + [n for n in range(3000000, 3001000)
                                 if not os.path.exists(f'/proc/{n}')][:61]
    try:
        got = lines_of(L.read_file('files', ('pid ' + ','.join(
            map(str, pids))).encode()))
        want = expected_subset(tables['files'], [fx.P, fx.F, fx.C])
        if got != want:
            p.append(describe_diff('files', b'pid <64 pids>', want, got))
    except OSError as e:
        p.append(f'64 pids: {e}')
    rep.result('filter-64-pids', p)


def describe_diff(name, spec, exp, got):
    if exp[0] != got[0]:
        return f'{name} {spec!r}: header {got[0]!r} != {exp[0]!r}'
    miss = [x for x in exp[1] if x not in got[1]]
    more = [x for x in got[1] if x not in exp[1]]
    s = f'{name} {spec!r}: {len(got[1])} records, expected {len(exp[1])}'
    if miss:
        s += f'; missing e.g. {miss[0][:100]!r}'
    if more:
        s += f'; unexpected e.g. {more[0][:100]!r}'
    if not miss and not more:
        s += '; same records in another order'
    return s


def read_checks(rep, fx):
    """Byte-wise and chunked reads, rewinding, pread, seeking."""
    can_filter = not L.lockdown_blocks_writes()
    spec = f'pid {fx.P}'.encode()
    p1, p2 = [], []
    for name in L.COLUMNS:
        path = os.path.join(L.DEBUGFS, name)
        fd = os.open(path, os.O_RDWR if can_filter else os.O_RDONLY)
        try:
            if can_filter:
                os.write(fd, spec)
            bulk = L.read_fd_all(fd)
            for size in (1, 7, 4095, 4096, 4097):
                os.lseek(fd, 0, os.SEEK_SET)
                parts = []
                while True:
                    b = os.read(fd, size)
                    if not b:
                        break
                    if len(b) > size:
                        p1.append(f'{name}: read({size}) returned {len(b)}')
                        break
                    parts.append(b)
                got = b''.join(parts)
                if got != bulk:
                    p1.append(f'{name}: {size}-byte reads give {len(got)} bytes'
                              f', one read {len(bulk)}; first difference at '
                              f'{first_diff(got, bulk)}')
            # rewind
            os.lseek(fd, 0, os.SEEK_SET)
            again = L.read_fd_all(fd)
            if again != bulk:
                p2.append(f'{name}: second read after lseek(0) differs at '
                          f'{first_diff(again, bulk)}')
            os.lseek(fd, 0, os.SEEK_SET)
            os.read(fd, 37)
            os.lseek(fd, 0, os.SEEK_SET)
            again = L.read_fd_all(fd)
            if again != bulk:
                p2.append(f'{name}: partial read, lseek(0), read differs at '
                          f'{first_diff(again, bulk)}')
            # pread may return less than asked (seq_file stops at a record
            # that does not fit its buffer), never anything else.
            pr = os.pread(fd, 4096, 0)
            if not pr or not bulk.startswith(pr):
                p2.append(f'{name}: pread(4096, 0) gave {len(pr)} bytes, not '
                          f'a prefix: {first_diff(pr, bulk[:len(pr)])}')
            off, parts = 0, []
            while True:
                b = os.pread(fd, 4096, off)
                if not b:
                    break
                parts.append(b)
                off += len(b)
            if b''.join(parts) != bulk:
                p2.append(f'{name}: pread loop differs from one read at '
                          f'{first_diff(b"".join(parts), bulk)}')
            if can_filter and len(bulk) > 2:
                mid = len(bulk) // 2
                os.lseek(fd, mid, os.SEEK_SET)
                tail = L.read_fd_all(fd)
                if tail != bulk[mid:]:
                    p2.append(f'{name}: lseek({mid}) then read differs at '
                              f'{first_diff(tail, bulk[mid:])}')
                pr = os.pread(fd, 100, mid)
                if not pr or pr != bulk[mid:mid + len(pr)]:
                    p2.append(f'{name}: pread(100, {mid}) gave {pr[:40]!r}, '
                              f'expected {bulk[mid:mid + 40]!r}...')
            eof = os.read(fd, 10)
            if eof:
                p2.append(f'{name}: read at end gave {eof!r}')
        finally:
            os.close(fd)
    rep.result('read-small-chunks', p1)
    rep.result('read-rewind', p2)


def first_diff(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return f'byte {i} ({a[max(0, i - 20):i + 20]!r} vs ' \
                   f'{b[max(0, i - 20):i + 20]!r})'
    return f'byte {n} (lengths {len(a)} vs {len(b)})'


def run(rep, fx):
    check_perms(rep)
    s1 = L.snapshot()
    tables = {n: L.Table(n, L.read_file(n)) for n in ('files', 'tasks',
                                                       'sockets')}
    s2 = L.snapshot()
    for n in ('files', 'tasks'):     # sockets: test_sockets.py
        rep.result(f'{n}-header', L.check_header(tables[n]))
        rep.result(f'{n}-format', L.check_format(tables[n]))
        rep.result(f'{n}-order', L.check_order(tables[n]))
    if any(t.header is None or not set(L.COLUMNS[n]) <= set(t.cols)
           for n, t in tables.items()):
        rep.fail('files-setup', 'headers unusable; skipping record checks')
        return
    fixture_checks(rep, fx, tables['files'], tables['tasks'])
    exiting_checks(rep, fx, tables['files'], tables['tasks'])
    system_checks(rep, tables['files'], tables['tasks'], s1, s2)
    filter_checks(rep, fx, tables)
    read_checks(rep, fx)
    pidns_checks(rep)


def main():
    rep = L.Reporter()
    if not L.require_root(rep, 'files'):
        return 1
    missing = L.have_debugfs_files()
    if missing:
        rep.fail('files-setup', f'{L.DEBUGFS}: missing {missing}')
        return 1
    err = L.build_fixtures()
    if err:
        rep.fail('files-setup', err)
        return 1
    wd = L.Workdir('files')
    fixture = None
    try:
        fixture = L.Fixture('fd_fixture', wd.path)
        run(rep, Fix(fixture.records))
    except Exception:
        rep.fail('files-setup', traceback.format_exc().strip().split('\n'),
                 'test crashed')
    finally:
        if fixture is not None:
            fixture.stop()
        wd.cleanup()
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
