#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a synthetic dump of N files lines (plus matching sockets and tasks)
to DIR, for timing the reader:  gen-synthetic.py N DIR

Processes of 100 fds each: regular files, pipes joining neighbours, unix
socketpairs, TCP connections; every tenth process shares its parent's open
files as after fork().
"""
import os
import sys

n = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
fo = open(os.path.join(out, 'files'), 'w')
so = open(os.path.join(out, 'sockets'), 'w')
to = open(os.path.join(out, 'tasks'), 'w')
fo.write('# fdscope-files 1 pid tid comm fd table cloexec mode flags pos type '
         'dev ino fileid refs deleted path\n')
so.write('# fdscope-sockets 1 pid tid comm fd fileid ino family type proto '
         'state local remote rxq txq drops uid netns peer inflight backlog '
         'groups\n')
to.write('# fdscope-tasks 1 pid tid comm uid table nfds maxfds pidns netns\n')

PER = 100
written = 0
pid = 100
while written < n:
    pid += 1
    table = '%015x' % (0x100000000 + pid)
    nfds = min(PER, n - written)
    comm = 'worker\\040%d' % (pid % 7) if pid % 5 == 0 else 'proc%d' % (pid % 13)
    uid = (pid % 3) * 1000
    to.write('%d - %s %d %s %d 256 4026531836 4026531840\n'
             % (pid, comm, uid, table, nfds))
    parent = pid - 1 if pid % 10 == 0 else pid
    for fd in range(nfds):
        kind = fd % 10
        fileid = '%015x' % (parent * 1000 + fd)
        if kind < 6:
            fo.write('%d - %s %d %s %d r largefile %d REG 8:1 %d %s 1 0 '
                     '/srv/data/dir%d/file\\040%d.dat\n'
                     % (pid, comm, fd, table, fd & 1, fd * 4096,
                        pid * 1000 + fd, fileid, pid % 50, fd))
        elif kind == 6:
            ino = 500000 + pid * 10 + fd // 10
            mode = 'r' if pid % 2 else 'w'
            fo.write('%d - %s %d %s 0 %s - 0 FIFO 0:13 %d %s 1 0 pipe:[%d]\n'
                     % (pid, comm, fd, table, mode, ino, fileid, ino))
        else:
            ino = 10000000 + pid * 1000 + fd
            fo.write('%d - %s %d %s 1 rw nonblock 0 SOCK 0:8 %d %s 1 0 '
                     'socket:[%d]\n' % (pid, comm, fd, table, ino, fileid, ino))
            if kind == 7:
                peer = ino + 1 if fd % 2 else ino - 1
                so.write('%d - %s %d %s %d unix stream - connected '
                         '/run/app.sock - 0 0 0 %d 4026531840 %d 0 - -\n'
                         % (pid, comm, fd, fileid, ino, uid, peer))
            else:
                so.write('%d - %s %d %s %d inet stream tcp ESTABLISHED '
                         '10.0.%d.%d:%d 10.1.0.1:443 0 %d 0 %d 4026531840 - - '
                         '- -\n' % (pid, comm, fd, fileid, ino, pid % 250,
                                    fd, 30000 + fd, fd * 10, uid))
        written += 1
