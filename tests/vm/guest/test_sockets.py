#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fdscope `sockets` against sock_fixture, sock_diag (what ss shows),
/proc/net and the text of ss itself.

Runs in the guest as root with the module loaded.  Prints one
PASS/FAIL/SKIP line per check; exits 1 if any check failed.
"""

import os
import re
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdscope_lib as L  # noqa: E402
import fdscope_net as N  # noqa: E402

PING_RANGE = '/proc/sys/net/ipv4/ping_group_range'
UNIX_FAMILIES = ('unix',)


class Truth:
    """One picture of every socket: /proc/net and sock_diag, by inode."""

    def __init__(self, pid):
        self.procnet = N.procnet(pid)
        self.diag, self.broken = N.diag()


def check_sock_format(t):
    p = []
    for i, r in enumerate(t.rows):
        w = f'record {i + 1} (pid {r["pid"]} fd {r["fd"]})'
        if not re.fullmatch(r'[a-z0-9]+', r['family']):
            p.append(f'{w}: family {r["family"]!r}')
        if not re.fullmatch(r'[a-z]+|[0-9]+', r['type']):
            p.append(f'{w}: type {r["type"]!r}')
        if r['backlog'] != '-' and not re.fullmatch(r'[0-9]+/[0-9]+',
                                                    r['backlog']):
            p.append(f'{w}: backlog {r["backlog"]!r}')
        if r['groups'] != '-' and not re.fullmatch(r'[0-9a-f]{8}', r['groups']):
            p.append(f'{w}: groups {r["groups"]!r}')
        for c in ('peer', 'inflight'):
            if r[c] != '-' and not L.NUM.fullmatch(r[c]):
                p.append(f'{w}: {c} {r[c]!r}')
        unix = r['family'] == 'unix'
        if unix != (r['inflight'] != '-'):
            p.append(f'{w}: inflight {r["inflight"]!r} for family '
                     f'{r["family"]}')
        if not unix and r['peer'] != '-':
            p.append(f'{w}: peer {r["peer"]!r} for family {r["family"]}')
        if (r['family'] == 'netlink') != (r['groups'] != '-'):
            p.append(f'{w}: groups {r["groups"]!r} for family {r["family"]}')
        if r['family'] in ('inet', 'inet6') and r['proto'] == '-':
            p.append(f'{w}: no proto for an inet socket')
        if unix and r['proto'] != '-':
            p.append(f'{w}: proto {r["proto"]!r} for a unix socket')
    return p


class Checker:
    """Collects mismatches per check name."""

    def __init__(self):
        self.problems = {}

    def add(self, check, msg):
        self.problems.setdefault(check, []).append(msg)

    def expect(self, check, what, got, sources):
        """sources: list of (name, values); values holds what that source
        saw in each snapshot (None: unknown).  got must match one of the
        values of every source that knows something."""
        for name, values in sources:
            vals = [v for v in values if v is not None]
            if vals and got not in vals:
                shown = vals[0] if len(set(vals)) == 1 else ' or '.join(vals)
                self.add(check, f'{what}: fdscope={got!r} {name}={shown!r}')


def fixture_checks(rep, P, man, t1, t2, socks, files, ss):
    ck = Checker()
    byname = {m['name']: m for m in man}
    rows = {int(r['fd']): r for r in socks.rows if r['pid'] == str(P)}
    frows = {int(r['fd']): r for r in files.rows if r['pid'] == str(P)
             and r['tid'] == '-'}
    inos = {}
    for m in man:
        try:
            inos[m['name']] = os.stat(f'/proc/{P}/fd/{m["fd"]}').st_ino
        except OSError as e:
            ck.add('sockets-fixture-fdset', f'{m["name"]}: {e}')

    # The set of socket fds.
    procfds = set()
    for fd in L.list_fds(f'/proc/{P}') or []:
        if L.sock_ino_of_link(L.readlink_b(f'/proc/{P}/fd/{fd}')) is not None:
            procfds.add(fd)
    manfds = {int(m['fd']) for m in man}
    if procfds != manfds:
        ck.add('sockets-fixture-fdset', f'/proc socket fds {sorted(procfds)} '
               f'!= manifest {sorted(manfds)} (fixture problem)')
    if set(rows) != procfds:
        ck.add('sockets-fixture-fdset',
               f'fdscope socket fds only in fdscope '
               f'{sorted(set(rows) - procfds)}, only in /proc '
               f'{sorted(procfds - set(rows))}')
    for fd, r in rows.items():
        if r['tid'] != '-' or r['comm'] != 'sockfix':
            ck.add('sockets-fixture-fdset', f'fd {fd}: tid {r["tid"]} comm '
                   f'{r["comm"]}')

    netns = L.ns_ino(P, '-', 'net')
    for m in man:
        fd = int(m['fd'])
        r = rows.get(fd)
        if r is None:
            continue
        name = m['name']
        ino = inos.get(name)
        w = f'{name} (fd {fd})'
        fam = m['family']
        pn = [t.procnet.get(ino) for t in (t1, t2)]
        dg = [t.diag.get(ino) for t in (t1, t2)]

        def src(field, d=pn):
            return [x.get(field) if x else None for x in d]

        # ino, and the join with files.
        ck.expect('sockets-fixture-ino', w, r['ino'], [('fstat', [str(ino)])])
        f = frows.get(fd)
        if f is None:
            ck.add('sockets-fixture-join', f'{w}: no files record')
        else:
            for c, v in (('fileid', r['fileid']), ('ino', r['ino']),
                         ('type', 'SOCK'), ('path', f'socket:[{r["ino"]}]')):
                if f[c] != v:
                    ck.add('sockets-fixture-join',
                           f'{w}: files {c}={f[c]!r}, expected {v!r}')

        def expect(check, field, *extra):
            srcs = [('fixture', [m.get(field)]), ('/proc/net', src(field)),
                    ('sock_diag', src(field, dg))] + list(extra)
            ck.expect(check, f'{w} {field}', r[field], srcs)

        for field in ('family', 'type', 'proto'):
            expect('sockets-fixture-kind', field)
        expect('sockets-fixture-state', 'state')
        expect('sockets-fixture-addresses', 'local')
        expect('sockets-fixture-addresses', 'remote')
        expect('sockets-fixture-queues', 'rxq')
        expect('sockets-fixture-queues', 'txq')

        # drops: what the kernel counted; the fixture knows a lower bound.
        expect('sockets-fixture-drops', 'drops')
        if 'drops_min' in m and L.NUM.fullmatch(r['drops']) and \
                int(r['drops']) < int(m['drops_min']):
            ck.add('sockets-fixture-drops', f'{w}: drops {r["drops"]} < '
                   f'{m["drops_min"]} (the fixture overflowed it)')

        # uid: the socket inode's owner.
        try:
            fuid = str(os.stat(f'/proc/{P}/fd/{fd}').st_uid)
        except OSError:
            fuid = None
        expect('sockets-fixture-uid', 'uid', ('fstat', [fuid]))

        ck.expect('sockets-fixture-netns', f'{w} netns', r['netns'],
                  [('fixture' if 'netns' in m else '/proc/PID/ns/net',
                    [m.get('netns', netns)])])

        # peer, inflight: unix only.
        if fam in UNIX_FAMILIES:
            peer = str(inos.get(m['peer'])) if 'peer' in m else None
            ck.expect('sockets-fixture-peer', f'{w} peer', r['peer'],
                      [('fixture', [peer]), ('sock_diag', src('peer', dg))])
            ck.expect('sockets-fixture-inflight', f'{w} inflight',
                      r['inflight'], [('fixture', [m.get('inflight', '0')])])
        else:
            ck.expect('sockets-fixture-peer', f'{w} peer', r['peer'],
                      [('contract', ['-'])])
            ck.expect('sockets-fixture-inflight', f'{w} inflight',
                      r['inflight'], [('contract', ['-'])])

        # backlog: listeners only.
        listening = m['state'] in ('LISTEN', 'listen')
        expect('sockets-fixture-backlog', 'backlog',
               ('contract', [None if listening else '-']))

        # groups: netlink only.
        expect('sockets-fixture-groups', 'groups',
               ('contract', [None if fam == 'netlink' else '-']))

        # The eventfd in flight: one fd plus the in-flight reference.
        if 'refs_fd' in m:
            f = frows.get(int(m['refs_fd']))
            got = f['refs'] if f else None
            if got != m['refs']:
                ck.add('sockets-fixture-inflight',
                       f'fd {m["refs_fd"]} (sent with SCM_RIGHTS and still '
                       f'in flight): refs {got}, expected {m["refs"]}')

        # The text ss prints.
        s = (ss or {}).get(fd)
        if s is not None:
            st = s['state']
            want = N.SS_STATES.get(st, st)
            if fam in UNIX_FAMILIES:
                want = {'ESTAB': 'connected', 'LISTEN': 'listen',
                        'UNCONN': 'unconnected'}.get(st, st)
            elif want is None:
                want = 'CLOSE'
            toks = s['tokens']
            ck.expect('sockets-vs-ss', f'{w} state', r['state'],
                      [('ss', [want])])
            ck.expect('sockets-vs-ss', f'{w} Recv-Q', r['rxq'],
                      [('ss', [s['rxq']])])
            ck.expect('sockets-vs-ss', f'{w} Send-Q', r['txq'],
                      [('ss', [s['txq']])])
            if fam in UNIX_FAMILIES:
                u = next((i for i, x in enumerate(toks)
                          if x.startswith('users:')), len(toks))
                if r['ino'] not in toks[4:u - 2]:
                    ck.add('sockets-vs-ss', f'{w}: ino {r["ino"]} not in ss '
                           f'line {" ".join(toks[:u])!r}')
                sp = toks[u - 1]
                ck.expect('sockets-vs-ss', f'{w} peer', r['peer'],
                          [('ss', ['-', '0'] if sp == '0' else [sp])])
            else:
                ext = dict(x.split(':', 1) for x in toks
                           if re.fullmatch(r'(ino|uid):[0-9]+', x))
                ck.expect('sockets-vs-ss', f'{w} ino', r['ino'],
                          [('ss', [ext.get('ino')])])
                ck.expect('sockets-vs-ss', f'{w} uid', r['uid'],
                          [('ss', [ext.get('uid', '0')])])

    for name in ('sockets-fixture-fdset', 'sockets-fixture-ino',
                 'sockets-fixture-join', 'sockets-fixture-kind',
                 'sockets-fixture-state', 'sockets-fixture-addresses',
                 'sockets-fixture-queues', 'sockets-fixture-drops',
                 'sockets-fixture-uid', 'sockets-fixture-netns',
                 'sockets-fixture-peer', 'sockets-fixture-inflight',
                 'sockets-fixture-backlog', 'sockets-fixture-groups'):
        rep.result(name, ck.problems.get(name, []))
    if ss is None:
        rep.skip('sockets-vs-ss', 'ss not runnable')
    else:
        rep.result('sockets-vs-ss', ck.problems.get('sockets-vs-ss', []))


def system_checks(rep, t1, t2, socks, files, s1, s2):
    """Every socket record of every process: joins files, and agrees with
    /proc/net and sock_diag wherever those did not change meanwhile."""
    stable = {str(p) for p in L.stable_pids(s1, s2, exclude={os.getpid()})}
    fr = {(r['pid'], r['tid'], r['fd']): r for r in files.rows}
    sr = {(r['pid'], r['tid'], r['fd']): r for r in socks.rows}
    p = []
    for key, r in sr.items():
        if key[0] not in stable:
            continue
        f = fr.get(key)
        if f is None:
            p.append(f'sockets record pid {key[0]} tid {key[1]} fd {key[2]} '
                     'has no files record')
        elif (f['fileid'], f['ino'], f['type']) != (r['fileid'], r['ino'],
                                                    'SOCK'):
            p.append(f'pid {key[0]} fd {key[2]}: files fileid/ino/type '
                     f'{f["fileid"]}/{f["ino"]}/{f["type"]} != sockets '
                     f'{r["fileid"]}/{r["ino"]}/SOCK')
    for key, f in fr.items():
        if key[0] in stable and f['type'] == 'SOCK' and key not in sr:
            p.append(f'files says pid {key[0]} fd {key[2]} is a socket; '
                     'no sockets record')
    rep.result('sockets-system-join', p,
               note=f'{sum(1 for k in sr if k[0] in stable)} records')

    p = []
    n = 0
    for r in socks.rows:
        ino = int(r['ino']) if L.NUM.fullmatch(r['ino']) else None
        for name, a, b in (('/proc/net', t1.procnet.get(ino),
                            t2.procnet.get(ino)),
                           ('sock_diag', t1.diag.get(ino), t2.diag.get(ino))):
            if not a or not b:
                continue
            n += 1
            for c in ('family', 'type', 'proto', 'state', 'local', 'remote',
                      'uid', 'groups', 'peer', 'backlog'):
                if a.get(c) is None or a.get(c) != b.get(c):
                    continue
                if r[c] != a[c]:
                    p.append(f'pid {r["pid"]} ({r["comm"]}) fd {r["fd"]} ino '
                             f'{ino}: {c} fdscope={r[c]!r} {name}={a[c]!r}')
    if n == 0:
        p.append('no socket record matched /proc/net or sock_diag by inode')
    rep.result('sockets-system-truth', p, note=f'{n} record/source pairs')


def run(rep, fixture):
    man = [d for k, d in fixture.records if k == 'sock']
    skips = [d for k, d in fixture.records if k == 'skip']
    P = int(next(d for k, d in fixture.records if k == 'proc')['pid'])
    for s in skips:
        rep.skip(f'sockets-fixture-{s["name"]}',
                 'fixture could not create it: '
                 + L.unescape(s['why']).decode('latin-1'))

    s1 = L.snapshot()
    t1 = Truth(P)
    socks = L.Table('sockets', L.read_file('sockets'))
    files = L.Table('files', L.read_file('files'))
    t2 = Truth(P)
    s2 = L.snapshot()
    ss = N.ss_text(P)

    rep.result('sockets-header', L.check_header(socks))
    rep.result('sockets-format', L.check_format(socks) +
               check_sock_format(socks))
    rep.result('sockets-order', L.check_order(socks))
    if socks.header is None or not set(L.COLUMNS['sockets']) <= set(socks.cols):
        rep.fail('sockets-setup', 'header unusable; skipping record checks')
        return
    if t1.broken or t2.broken:
        rep.fail('sockets-diag', sorted(set(t1.broken + t2.broken)),
                 'sock_diag dumps failed (ss would fail too)')
    fixture_checks(rep, P, man, t1, t2, socks, files, ss)
    system_checks(rep, t1, t2, socks, files, s1, s2)


def main():
    rep = L.Reporter()
    if not L.require_root(rep, 'sockets'):
        return 1
    missing = L.have_debugfs_files()
    if missing:
        rep.fail('sockets-setup', f'{L.DEBUGFS}: missing {missing}')
        return 1
    err = L.build_fixtures()
    if err:
        rep.fail('sockets-setup', err)
        return 1
    N.load_diag_modules()
    old_ping = L.read_text(PING_RANGE)
    wd = L.Workdir('sockets')
    fixture = None
    try:
        if old_ping is not None:
            with open(PING_RANGE, 'w') as f:
                f.write('0 2147483647\n')
        fixture = L.Fixture('sock_fixture', wd.path)
        run(rep, fixture)
    except Exception:
        rep.fail('sockets-setup', traceback.format_exc().strip().split('\n'),
                 'test crashed')
    finally:
        if fixture is not None:
            fixture.stop()
        if old_ping is not None:
            with open(PING_RANGE, 'w') as f:
                f.write(old_ping)
        wd.cleanup()
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
