#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A/B of the `sockets` dump in one guest: sockbench.py BASE_KO [PAIRS] [RUNS].

Holds PAIRS unix socketpairs and PAIRS/10 TCP loopback connections, then
times RUNS full reads of /sys/kernel/debug/fdscope/sockets with the loaded
module (B, $FDSCOPE_KO), with BASE_KO (A), and with B again, alternating
rounds so that drift shows. Prints the median per module and the ratio.
Not a pass/fail test: a measurement for BENCHMARKS.md.
"""

import os
import socket
import statistics
import subprocess
import sys
import time

SOCKETS = '/sys/kernel/debug/fdscope/sockets'


def load(ko):
    subprocess.run(['rmmod', 'fdscope'], check=True)
    subprocess.run(['insmod', ko], check=True)


def read_once():
    t = time.perf_counter()
    n = 0
    with open(SOCKETS, 'rb', buffering=0) as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            n += len(b)
    return time.perf_counter() - t, n


def main():
    base = sys.argv[1]
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    mine = os.environ['FDSCOPE_KO']
    import resource
    resource.setrlimit(resource.RLIMIT_NOFILE, (1 << 20, 1 << 20))
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'])
    held = [socket.socketpair() for _ in range(pairs)]
    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen(1024)
    for _ in range(pairs // 10):
        c = socket.create_connection(srv.getsockname())
        held.append((c, srv.accept()[0]))
    times = {'A': [], 'B': []}
    size = {}
    for rnd in range(runs):
        for name, ko in (('A', base), ('B', mine)):
            load(ko)
            cold, _ = read_once()     # B's first read generates the cookies
            dt, n = read_once()
            times[name].append(dt)
            size[name] = n
            print(f'round {rnd} {name}: {dt * 1000:.1f} ms (first read {cold * 1000:.1f} ms), '
                  f'{n} bytes', flush=True)
    a, b = statistics.median(times['A']), statistics.median(times['B'])
    print(f'sockbench: {2 * pairs + 2 * (pairs // 10) + 1} sockets, median of {runs}: '
          f'A (base) {a * 1000:.1f} ms {size["A"]} bytes, B {b * 1000:.1f} ms '
          f'{size["B"]} bytes, B/A {b / a:.3f}')
    load(mine)
    return 0


if __name__ == '__main__':
    sys.exit(main())
