#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The socket details of `sockets` against what ss and sock_diag show:

- cookie: exactly ss -tie / ss -uae's sk:<hex> for TCP and UDP, and
  unix_diag's and vsock_diag's udiag_cookie / vdiag_cookie for unix and
  vsock sockets (ss prints no sk: for those);
- TCP internals of a live loopback connection against ss -tin (cwnd, rto,
  rcv_space, snd_wnd exactly, rtt and rttvar within 1 ms, no unacked or
  retransmits where ss shows none);
- shutdown: unix stream and seqpacket pairs after SHUT_RD, SHUT_WR and
  SHUT_RDWR against ss -xe's <->, -->, <--, ---;
- vsock (vsock_loopback): a listener with one connection waiting and one
  accepted pair, local and remote cid:port, state and backlog against
  vsock_diag and ss --vsock; SKIP when the vsock modules cannot load.

Runs in the guest as root with the module loaded.  Prints one
PASS/FAIL/SKIP line per check; exits 1 if any check failed.
"""

import os
import re
import socket
import struct
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdscope_lib as L  # noqa: E402
import fdscope_net as N  # noqa: E402

ARROWS = {0: '<->', 1: '-->', 2: '<--', 3: '---'}  # sk_shutdown bits


def own_sockets(name='sockets'):
    t = L.Table(name, L.read_file(name, f'pid {os.getpid()}'.encode()))
    if t.problems:
        raise RuntimeError(f'{name}: {t.problems[:3]}')
    return {int(r['fd']): r for r in t.rows}


def own_sockstats():
    """The ss -i/-m counters: a file of their own, so that sockets stays cheap."""
    return own_sockets('sockstats')


def ss(*args):
    r = subprocess.run(['ss', '-H'] + list(args), capture_output=True, text=True,
                       timeout=60)
    return r.stdout


def ss_cookies(*args):
    """ino -> cookie from ss -e's 'ino:N sk:HEX' (ss prints sk:%llx)."""
    out = {}
    for m in re.finditer(r'\bino:(\d+) sk:([0-9a-f]+)', ss(*args)):
        out[int(m.group(1))] = int(m.group(2), 16)
    return out


def diag_cookies(family, fmt, ino_at, state_mask=0xffffffff):
    """ino -> (cookie, message) from a sock_diag dump of @family whose
    messages start with struct @fmt, ino at index @ino_at, cookie last."""
    req = struct.pack('=BBHIII', family, 0, 0, state_mask, 0, 0) + bytes(8)
    out = {}
    for m in N._dump(req):
        v = struct.unpack_from(fmt, m, 0)
        out[v[ino_at]] = (v[-2] | v[-1] << 32, v)
    return out


def ino_of(s):
    return os.fstat(s.fileno()).st_ino


def tcp_pair():
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(4)
    cli = socket.create_connection(srv.getsockname())
    acc, _ = srv.accept()
    return srv, cli, acc


def check_cookies(rep):
    problems = []
    srv, cli, acc = tcp_pair()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(('127.0.0.1', 0))
    ua, ub = socket.socketpair()
    socks = [srv, cli, acc, udp, ua, ub]
    try:
        # fdscope first: it generates the cookies of these fresh sockets.
        rows = own_sockets()
        again = own_sockets()
        truth = ss_cookies('-tiea')
        truth.update(ss_cookies('-uea'))
        udiag = diag_cookies(socket.AF_UNIX, '=BBBBIII', 4)
        for s in socks:
            r = rows[s.fileno()]
            ino = ino_of(s)
            if not r['cookie'].isdigit():
                problems.append(f'fd {s.fileno()}: cookie {r["cookie"]!r}')
                continue
            mine = int(r['cookie'])
            if again[s.fileno()]['cookie'] != r['cookie']:
                problems.append(f'fd {s.fileno()}: cookie {r["cookie"]} then '
                                f'{again[s.fileno()]["cookie"]}')
            want = truth.get(ino) if s.family == socket.AF_INET else \
                udiag.get(ino, (None,))[0]
            if want is None:
                problems.append(f'fd {s.fileno()} (ino {ino}): not in ss/unix_diag')
            elif mine != want:
                problems.append(f'fd {s.fileno()} (ino {ino}): cookie {mine} '
                                f'(sk:{mine:x}), ss/diag sk:{want:x}')
        cookies = [rows[s.fileno()]['cookie'] for s in socks]
        if len(set(cookies)) != len(cookies):
            problems.append(f'cookies not unique: {cookies}')
    finally:
        for s in socks:
            s.close()
    rep.result('sockdetails-cookie-vs-ss', problems,
               note='tcp and udp vs ss -e sk:, unix vs unix_diag')


def ss_tcp_info(port):
    """The ss -tin fields of the connection from local port @port."""
    text = ss('-tin', 'sport', f'= :{port}')
    info = {'_text': text}
    for key in ('cwnd', 'ssthresh', 'rcv_space', 'snd_wnd', 'unacked'):
        m = re.search(rf'\b{key}:(\d+)', text)
        if m:
            info[key] = int(m.group(1))
    m = re.search(r'\brto:([0-9.]+)', text)
    if m:
        info['rto'] = float(m.group(1))
    m = re.search(r'\brtt:([0-9.]+)/([0-9.]+)', text)
    if m:
        info['rtt'], info['rttvar'] = float(m.group(1)), float(m.group(2))
    m = re.search(r'\bretrans:(\d+)/(\d+)', text)
    if m:
        info['retrans'], info['total_retrans'] = int(m.group(1)), int(m.group(2))
    return info


def check_tcp_internals(rep):
    problems = []
    srv, cli, acc = tcp_pair()
    try:
        # Traffic both ways, all of it read: a live, now quiet connection.
        blob = b'x' * (1 << 20)
        for a, b in ((cli, acc), (acc, cli)):
            a.sendall(blob)
            got = 0
            while got < len(blob):
                got += len(b.recv(1 << 16))
        time.sleep(0.3)
        for s in (cli, acc):
            port = s.getsockname()[1]
            info = ss_tcp_info(port)
            r = own_sockstats()[s.fileno()]
            w = f'fd {s.fileno()} (port {port})'
            if 'cwnd' not in info or 'rtt' not in info:
                problems.append(f'{w}: ss printed nothing usable: {info["_text"]!r}')
                continue
            for k in ('cwnd', 'rcv_space', 'snd_wnd'):
                if k in info and r[k] != str(info[k]):
                    problems.append(f'{w}: {k} {r[k]}, ss {info[k]}')
            if 'snd_wnd' not in info:
                problems.append(f'{w}: ss shows no snd_wnd to compare')
            if abs(int(r['rto']) / 1000 - info['rto']) > 1:
                problems.append(f'{w}: rto {r["rto"]} us, ss {info["rto"]} ms')
            for k in ('rtt', 'rttvar'):
                if abs(int(r[k]) / 1000 - info[k]) > 1:
                    problems.append(f'{w}: {k} {r[k]} us, ss {info[k]} ms')
            ss_ssthresh = info.get('ssthresh', 2147483647)
            if int(r['ssthresh']) != ss_ssthresh and \
                    not (ss_ssthresh == 2147483647 and int(r['ssthresh']) >= ss_ssthresh):
                problems.append(f'{w}: ssthresh {r["ssthresh"]}, ss {info.get("ssthresh")}')
            # ss's retrans:X/Y is retrans_out/total_retrans; fdscope's
            # retrans is the timeout count /proc/net/tcp shows, 0 here.
            for k in ('unacked', 'total_retrans'):
                if r[k] != str(info.get(k, 0)):
                    problems.append(f'{w}: {k} {r[k]}, ss {info.get(k, 0)}')
            if r['retrans'] != '0':
                problems.append(f'{w}: retrans {r["retrans"]} on a quiet loopback')
        lrow = own_sockstats()[srv.fileno()]
        if 'rtt' in L.Table('sockets', L.read_file('sockets', b'pid 1')).cols:
            problems.append('sockets carries the ss -i counters: they belong in sockstats')
        if lrow['rtt'] != '-' or lrow['cwnd'] != '-':
            problems.append(f'listener: rtt {lrow["rtt"]}, cwnd {lrow["cwnd"]}')
    finally:
        for s in (srv, cli, acc):
            s.close()
    rep.result('sockdetails-tcp-vs-ss-tin', problems,
               note='cwnd rto rcv_space snd_wnd ssthresh unacked retrans; rtt within 1 ms')


def ss_unix_shutdown():
    """ino -> arrow from ss -xae: '... * INO * PEER ARROW'."""
    out = {}
    for line in ss('-xae').splitlines():
        m = re.search(r'\s(\d+)\s+\S+\s+\d+\s+(<->|-->|<--|---)\s*$', line)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out


def check_unix_shutdown(rep):
    problems = []
    pairs = []
    for typ in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET):
        for how in (None, socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR):
            a, b = socket.socketpair(socket.AF_UNIX, typ)
            if how is not None:
                a.shutdown(how)
            pairs.append((typ, how, a, b))
    try:
        rows = own_sockets()
        truth = ss_unix_shutdown()
        seen = set()
        for typ, how, a, b in pairs:
            for s, side in ((a, 'self'), (b, 'peer')):
                ino = ino_of(s)
                mine = rows[s.fileno()]['shutdown']
                want = truth.get(ino)
                seen.add(mine)
                if want is None:
                    problems.append(f'{typ.name} {how} {side}: ino {ino} not in ss -xe')
                elif mine != want:
                    problems.append(f'{typ.name} shutdown({how}) {side}: {mine}, ss {want}')
        if seen != set(ARROWS.values()):
            problems.append(f'states seen {sorted(seen)}: not all four')
    finally:
        for _t, _h, a, b in pairs:
            a.close()
            b.close()
    rep.result('sockdetails-unix-shutdown-vs-ss', problems,
               note='stream and seqpacket: none, SHUT_RD, SHUT_WR, SHUT_RDWR, both ends')


VSOCK_MODULES = ('vsock', 'vsock_loopback', 'vsock_diag')
SS_VSOCK_STATES = {'ESTAB': 'ESTABLISHED', 'LISTEN': 'LISTEN', 'UNCONN': 'CLOSE',
                   'SYN-SENT': 'SYN_SENT', 'CLOSING': 'CLOSING'}
TCP_STATE_NAMES = {1: 'ESTABLISHED', 2: 'SYN_SENT', 7: 'CLOSE', 10: 'LISTEN',
                   11: 'CLOSING'}


def vsock_addr(cid, port):
    return ('*' if cid == 0xffffffff else str(cid)) + ':' + \
        ('*' if port == 0xffffffff else str(port))


def check_no_vsock_dependency(rep):
    """fdscope must load without vsock.ko: it only casts to vsock_sock."""
    ko = os.environ.get('FDSCOPE_KO')
    if not ko:
        rep.skip('sockdetails-no-vsock-dependency', 'FDSCOPE_KO is not set')
        return
    r = subprocess.run(['modinfo', '-F', 'depends', ko], capture_output=True, text=True)
    nm = subprocess.run(['nm', '-u', ko], capture_output=True, text=True)
    problems = []
    if r.returncode or r.stdout.strip():
        problems.append(f'modinfo depends: {r.stdout.strip()!r} {r.stderr.strip()}')
    if nm.returncode == 0:
        problems += [f'undefined symbol {ln.split()[-1]}' for ln in nm.stdout.splitlines()
                     if 'vsock' in ln]
    loaded = os.path.exists('/sys/module/vsock')
    rep.result('sockdetails-no-vsock-dependency', problems,
               note='no depends; vsock %s loaded before this test' %
                    ('was' if loaded else 'was not'))


def check_vsock(rep):
    name = 'sockdetails-vsock-vs-diag-and-ss'
    if not hasattr(socket, 'AF_VSOCK'):
        rep.skip(name, 'python has no AF_VSOCK')
        return
    for mod in VSOCK_MODULES:
        r = subprocess.run(['modprobe', mod], capture_output=True, text=True)
        if r.returncode:
            rep.skip(name, f'modprobe {mod}: {r.stderr.strip()}')
            return
    problems = []
    socks = []
    try:
        lsn = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(lsn)
        lsn.bind((socket.VMADDR_CID_ANY, socket.VMADDR_PORT_ANY))
        lsn.listen(5)
        port = lsn.getsockname()[1]
        cli = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(cli)
        cli.connect((1, port))          # VMADDR_CID_LOCAL, vsock_loopback
        acc, _ = lsn.accept()
        socks.append(acc)
        waiting = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(waiting)
        waiting.connect((1, port))      # stays in the accept queue
        unbound = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(unbound)
        acc.sendall(b'hello')
        deadline = time.time() + 5
        while True:
            rows = own_sockets()
            if rows[lsn.fileno()]['backlog'].startswith('1/') or time.time() > deadline:
                break
            time.sleep(0.1)
        diag = diag_cookies(socket.AF_VSOCK, '=BBBBIIIIIII', 8)
        sstext = ss('--vsock', '-a')
        sslines = set()
        for line in sstext.splitlines():
            t = line.split()
            if len(t) >= 6:
                sslines.add((SS_VSOCK_STATES.get(t[1], t[1]), t[4], t[5]))
        for s, what in ((lsn, 'listener'), (cli, 'client'), (acc, 'accepted'),
                        (waiting, 'waiting'), (unbound, 'unbound')):
            r = rows[s.fileno()]
            ino = ino_of(s)
            w = f'{what} fd {s.fileno()}'
            if r['family'] != 'vsock':
                problems.append(f'{w}: family {r["family"]}')
            if ino not in diag:
                problems.append(f'{w}: ino {ino} not in vsock_diag')
                continue
            cookie, v = diag[ino]
            (_f, _t, state, shut, scid, sport, dcid, dport) = v[:8]
            want = {'local': vsock_addr(scid, sport), 'remote': vsock_addr(dcid, dport),
                    'state': TCP_STATE_NAMES.get(state, str(state)),
                    'cookie': str(cookie), 'shutdown': ARROWS[shut & 3]}
            for k, val in want.items():
                if r[k] != val:
                    problems.append(f'{w}: {k} {r[k]}, vsock_diag {val}')
            if (r['state'], r['local'], r['remote']) not in sslines:
                problems.append(f'{w}: ({r["state"]} {r["local"]} {r["remote"]}) '
                                f'not in ss --vsock -a: {sorted(sslines)}')
        lr = rows[lsn.fileno()]
        if lr['backlog'] != '1/5' or lr['rxq'] != '1' or lr['txq'] != '5':
            problems.append(f'listener: backlog {lr["backlog"]} rxq {lr["rxq"]} '
                            f'txq {lr["txq"]}, want 1/5 1 5')
        for s in (cli, acc, unbound):
            if rows[s.fileno()]['backlog'] != '-':
                problems.append(f'fd {s.fileno()}: backlog {rows[s.fileno()]["backlog"]}')
        if not rows[acc.fileno()]['local'].endswith(f':{port}'):
            problems.append(f'accepted: local {rows[acc.fileno()]["local"]}, want port {port}')
        if rows[unbound.fileno()]['local'] != '*:*':
            problems.append(f'unbound: local {rows[unbound.fileno()]["local"]}')
    finally:
        for s in socks:
            s.close()
    rep.result(name, problems,
               note='listener with one waiting, accepted pair, unbound: '
                    'cid:port, state, cookie, shutdown, backlog')


def capture_dump(rep):
    """With FDSCOPE_OUT set: this process's files, sockets and tasks while
    it holds one socket of each kind above, for tests/dumps/live-sock."""
    out = os.environ.get('FDSCOPE_OUT')
    if not out:
        return
    d = os.path.join(out, 'sockdetails-dump')
    os.makedirs(d, exist_ok=True)
    socks = list(tcp_pair())
    socks[1].sendall(b'x' * 4096)
    socks[2].recv(4096)
    socks[1].sendall(b'unread')
    for how in (None, socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR):
        a, b = socket.socketpair()
        if how is not None:
            a.shutdown(how)
        socks += [a, b]
    try:
        lsn = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(lsn)
        lsn.bind((socket.VMADDR_CID_ANY, 5000))
        lsn.listen(8)
        cli = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(cli)
        cli.connect((1, 5000))
        socks.append(lsn.accept()[0])
        waiting = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
        socks.append(waiting)
        waiting.connect((1, 5000))
    except (OSError, AttributeError) as e:
        print(f'capture: no vsock: {e}')
    time.sleep(0.5)
    spec = f'pid {os.getpid()}'.encode()
    for name in ('files', 'sockets', 'tasks'):
        with open(os.path.join(d, name), 'wb') as f:
            f.write(L.read_file(name, spec))
    with open(os.path.join(d, 'README'), 'w') as f:
        f.write(f'kernel {os.uname().release}, pid {os.getpid()}\n')
        for args in (('-tiemae',), ('-xae',), ('--vsock', '-ae')):
            f.write(f'$ ss -H {" ".join(args)}\n{ss(*args)}')
    for s in socks:
        s.close()
    rep.ok('sockdetails-capture', note=d)


def main():
    rep = L.Reporter()
    if not L.require_root(rep, 'sockdetails'):
        return 1
    N.load_diag_modules()
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], capture_output=True)
    for fn in (check_cookies, check_tcp_internals, check_unix_shutdown,
               check_no_vsock_dependency, check_vsock, capture_dump):
        try:
            fn(rep)
        except Exception:
            rep.fail(f'sockdetails-{fn.__name__}', traceback.format_exc().splitlines(),
                     what='raised')
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
