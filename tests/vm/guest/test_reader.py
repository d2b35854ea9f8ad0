#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The fdscope reader against the live module, with sock_fixture running:
the default table, -J, -p PID and --endpoints must show what the module's
files say the fixture holds.

Runs in the guest as root with the module loaded.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdscope_lib as L  # noqa: E402

READER = os.path.join(L.REPO, 'userspace', 'fdscope')
rep = L.Reporter()


def reader(*args):
    r = subprocess.run([READER, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def json_rows(name, key, *args):
    rc, out, err = reader('-J', *args)
    if rc != 0:
        rep.fail(name, f'exit {rc}: {err.strip()}')
        return None
    try:
        return json.loads(out)[key]
    except (ValueError, KeyError) as e:
        rep.fail(name, f'not the JSON expected: {e}: {out[:200]!r}')
        return None


def fd_numbers(rows):
    """The fds among list rows: ASSOC is the fd number, or cwd, root, mem, ..."""
    return sorted(int(r['assoc']) for r in rows if r['assoc'].isdigit())


def main():
    wd = L.Workdir('reader')
    fixture = L.Fixture('sock_fixture', wd.path)
    try:
        pid = fixture.proc.pid
        files = L.Table('files', L.read_file('files'))
        socks = L.Table('sockets', L.read_file('sockets'))
        want_fds = sorted(int(r['fd']) for r in files.rows
                          if r['pid'] == str(pid) and r['tid'] == '-')

        rc, out, err = reader()
        mine = [line.split() for line in out.splitlines()[1:]]
        # COMMAND PID ... ASSOC: fd rows have a number there; holder rows
        # (cwd, root, exe, mem, ...) a name.
        assoc = out.splitlines()[0].split().index('ASSOC')
        mine = [f for f in mine if len(f) > assoc and f[1] == str(pid) and f[assoc].isdigit()]
        rep.result('reader-live-table',
                   [] if rc == 0 and len(mine) == len(want_fds) else
                   [f'exit {rc} {err.strip()!r}: {len(mine)} rows for the '
                    f'fixture, the module lists {len(want_fds)} fds'])

        rows = json_rows('reader-live-json', 'fdscope')
        if rows is not None:
            got = fd_numbers(r for r in rows if r['pid'] == pid)
            rep.result('reader-live-json', [] if got == want_fds else
                       [f'fixture fds {got} != module {want_fds}'])

        rows = json_rows('reader-live-pid', 'fdscope', '-p', str(pid))
        if rows is not None:
            others = {r['pid'] for r in rows} - {pid}
            got = fd_numbers(rows)
            rep.result('reader-live-pid',
                       [] if not others and got == want_fds else
                       [f'other pids {sorted(others)}; fds {got} != {want_fds}'])

        # Every unix socket of the fixture whose peer is alive: the reader
        # must name the process and fd holding the peer's inode.
        holders = {}
        for r in socks.rows:
            holders.setdefault(r['ino'], []).append(
                f'{r["pid"]},{L.unescape(r["comm"]).decode(errors="replace")},{r["fd"]}')
        want = {}
        for r in socks.rows:
            if (r['pid'] == str(pid) and r['family'] == 'unix' and
                    r['peer'] in holders):
                want[int(r['fd'])] = set(holders[r['peer']])
        rows = json_rows('reader-live-endpoints', 'endpoints', '--endpoints')
        if rows is not None:
            # Each end is {"pid", "command", "assoc" (the fd), "mode"}.
            got = {r['fd']: {f'{e["pid"]},{e["command"]},{e["assoc"]}'
                             for e in r['endpoints'] or []}
                   for r in rows if r['pid'] == pid}
            bad = [f'fd {fd}: endpoints {sorted(got.get(fd, []))} lack '
                   f'{sorted(ends)}' for fd, ends in sorted(want.items())
                   if not ends <= got.get(fd, set())]
            if not want:
                bad.append('the fixture has no connected unix sockets')
            rep.result('reader-live-endpoints', bad,
                       note=f'{len(want)} unix sockets resolved')
    finally:
        fixture.stop()
        wd.cleanup()
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
