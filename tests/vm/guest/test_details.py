#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-fd details against ground truth: a regular file's size and link count
(fstat, including a deleted file still open), and a TCP connection's
internals and socket memory (ss -tinm, read in the same instant as far as a
quiet loopback connection allows: cwnd, rto, rcvbuf and sndbuf)."""

import os
import re
import socket
import subprocess
import sys
import tempfile

from fdscope_lib import Reporter, Table, read_file, require_root


def files_check(rep):
    problems = []
    d = tempfile.mkdtemp(prefix='fdscope-details-')
    kept = os.open(os.path.join(d, 'kept'), os.O_RDWR | os.O_CREAT, 0o600)
    os.write(kept, b'x' * 12345)
    gone = os.open(os.path.join(d, 'gone'), os.O_RDWR | os.O_CREAT, 0o600)
    os.write(gone, b'y' * 777)
    os.unlink(os.path.join(d, 'gone'))
    r, w = os.pipe()
    try:
        t = Table('files', read_file('files', f'pid {os.getpid()}'.encode()))
        problems += t.problems
        rows = {int(x['fd']): x for x in t.rows}
        for fd in (kept, gone):
            st = os.fstat(fd)
            got = (rows[fd]['size'], rows[fd]['nlink'])
            if got != (str(st.st_size), str(st.st_nlink)):
                problems.append(f'fd {fd}: size/nlink {got}, fstat {st.st_size}/{st.st_nlink}')
        if (rows[r]['size'], rows[r]['nlink']) != ('-', '-'):
            problems.append(f'a pipe has size/nlink {rows[r]["size"]}/{rows[r]["nlink"]}')
    finally:
        for fd in (kept, gone, r, w):
            os.close(fd)
        subprocess.run(['rm', '-rf', d])
    rep.result('details-size-nlink', problems)


def ss_info(port):
    """ss -tinm's fields for the connection from local port @port."""
    out = subprocess.run(['ss', '-tinmH', 'sport', f'= :{port}'], capture_output=True,
                         text=True).stdout
    info = {}
    for key in ('cwnd', 'rto'):
        m = re.search(rf'\b{key}:([0-9.]+)', out)
        if m:
            info[key] = m.group(1)
    m = re.search(r'skmem:\(r(\d+),rb(\d+),t(\d+),tb(\d+),f(\d+),w(\d+),o(\d+),bl(\d+)', out)
    if m:
        info['rcvbuf'], info['sndbuf'] = m.group(2), m.group(4)
    return info, out


def tcp_check(rep):
    problems = []
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], capture_output=True)
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname())
    acc, _ = srv.accept()
    cli.sendall(b'hello')
    acc.recv(5)
    try:
        port = cli.getsockname()[1]
        info, text = ss_info(port)
        t = Table('sockstats', read_file('sockstats', f'pid {os.getpid()}'.encode()))
        problems += t.problems
        row = [x for x in t.rows if x['fd'] == str(cli.fileno())][0]
        if not info:
            problems.append(f'ss printed nothing usable: {text!r}')
        if 'cwnd' in info and row['cwnd'] != info['cwnd']:
            problems.append(f'cwnd {row["cwnd"]}, ss {info["cwnd"]}')
        if 'rto' in info and int(row['rto']) // 1000 != int(float(info['rto'])):
            problems.append(f'rto {row["rto"]} us, ss {info["rto"]} ms')
        for k in ('rcvbuf', 'sndbuf'):
            if k in info and row[k] != info[k]:
                problems.append(f'{k} {row[k]}, ss {info[k]}')
        if not row['rtt'].isdigit() or row['unacked'] != '0':
            problems.append(f'rtt {row["rtt"]}, unacked {row["unacked"]} on an idle connection')
        lrow = [x for x in t.rows if x['fd'] == str(srv.fileno())][0]
        if lrow['cwnd'] != '-' or not lrow['rcvbuf'].isdigit():
            problems.append(f'listener: cwnd {lrow["cwnd"]}, rcvbuf {lrow["rcvbuf"]}')
    finally:
        for s in (cli, acc, srv):
            s.close()
    rep.result('details-tcp-vs-ss', problems)


def main():
    rep = Reporter()
    if not require_root(rep, 'details'):
        return 1
    files_check(rep)
    tcp_check(rep)
    return 1 if rep.failed else 0


if __name__ == '__main__':
    sys.exit(main())
