#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write tests/dumps/details/{files,tasks,details,sockets}: a small machine in
fdscope's debugfs format (docs/format.md, version 1) whose processes hold
one fd of every class the `details` file describes, as a 6.12 module shows
them. `holder` (pid 100) holds a pidfd of `sleep` (200, running) and of a
reaped child (300), BPF objects, an eventfd, a timerfd, a signalfd, an
inotify, a netns fd, a memfd, a perf event and a pty master whose slave is
sleep's stdin. Rerun after editing and commit its output:
python3 tests/dumps/gen-details.py
"""
import hashlib
import os

ANON = '0:15'
PIDFS = '0:16'


def fid(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:15]


# (pid, comm, fd, type, dev, ino, path, class, details)
FDS = [
    (100, 'holder', 0, 'CHR', '0:5', 4, '/dev/null', None, None),
    (100, 'holder', 3, 'pidfd', PIDFS, 2001, 'anon_inode:[pidfd]', 'pidfd',
     'pid=200,exited=0,thread=0'),
    (100, 'holder', 4, 'pidfd', PIDFS, 2002, 'anon_inode:[pidfd]', 'pidfd',
     'pid=300,exited=1,thread=0'),
    (100, 'holder', 5, 'bpf-map', ANON, 10, 'anon_inode:bpf-map', 'bpf-map',
     'map_type=1,map_id=17,name=my_map,key_size=4,value_size=8,max_entries=64,'
     'map_flags=0x0'),
    (100, 'holder', 6, 'bpf-prog', ANON, 10, 'anon_inode:bpf-prog', 'bpf-prog',
     'prog_type=1,prog_id=23,name=my_prog,prog_tag=a04f5eef06a7f555'),
    (100, 'holder', 7, 'bpf_link', ANON, 10, 'anon_inode:bpf_link', 'bpf-link',
     'link_type=1,link_id=4,prog_id=23'),
    (100, 'holder', 8, 'eventfd', ANON, 10, 'anon_inode:[eventfd]', 'eventfd',
     'count=42,id=7,semaphore=0'),
    (100, 'holder', 9, 'timerfd', ANON, 10, 'anon_inode:[timerfd]', 'timerfd',
     'clockid=1,ticks=0,settime_flags=0,remaining=99.500000000,interval=2.500000000'),
    (100, 'holder', 10, 'signalfd', ANON, 10, 'anon_inode:[signalfd]', 'signalfd',
     'sigmask=0x200000a00'),
    (100, 'holder', 11, 'inotify', ANON, 10, 'anon_inode:inotify', 'inotify',
     'inode=1234@8:1,inode=5678@8:1,inode=91011@0:25,watches=3'),
    (100, 'holder', 12, 'REG', '0:4', 4026531840, 'net:[4026531840]', 'nsfs',
     'ns_type=net,ns_ino=4026531840'),
    (100, 'holder', 13, 'CHR', '0:5', 87, '/dev/ptmx', 'ptmx', 'tty_index=5'),
    (100, 'holder', 14, 'REG', '0:1', 1033, '/memfd:buf (deleted)', 'memfd',
     'seals=0x6,hugetlb=0'),
    (100, 'holder', 15, 'perf_event', ANON, 10, 'anon_inode:[perf_event]', 'perf_event',
     'type=1,config=0x1,pid=100,tid=100,cpu=-1'),
    (100, 'holder', 16, 'REG', '8:1', 777, '/var/log/holder.log', None, None),
    (200, 'sleep', 0, 'CHR', '0:24', 8, '/dev/pts/5', 'pts', 'tty_index=5'),
    (200, 'sleep', 1, 'CHR', '0:5', 4, '/dev/null', None, None),
]

TASKS = [(100, 'holder'), (200, 'sleep')]
START = {100: 5000, 200: 5100}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'details')
    os.makedirs(out, exist_ok=True)
    files = ['# fdscope-files 1 pid tid comm fd table cloexec mode flags pos type dev ino '
             'fileid refs deleted path start epolls size nlink']
    details = ['# fdscope-details 1 pid tid comm fd fileid class details start']
    nfds = {}
    for pid, comm, fd, typ, dev, ino, path, cls, det in FDS:
        f = fid(pid, fd)
        deleted = 1 if path.endswith(' (deleted)') else 0
        size = '4096 0' if path.startswith('/memfd:') else \
            ('100 1' if typ == 'REG' and path.startswith('/') else '- -')
        files.append(f'{pid} - {comm} {fd} {fid("table", pid)} 0 rw - 0 {typ} {dev} {ino} '
                     f'{f} 1 {deleted} {path.replace(" ", chr(92) + "040")} {START[pid]} 0 '
                     f'{size}')
        nfds[pid] = nfds.get(pid, 0) + 1
        if cls:
            details.append(f'{pid} - {comm} {fd} {f} {cls} {det} {START[pid]}')
    tasks = ['# fdscope-tasks 1 pid tid comm uid table nfds maxfds pidns netns start']
    for pid, comm in TASKS:
        tasks.append(f'{pid} - {comm} 0 {fid("table", pid)} {nfds[pid]} 64 4026531836 '
                     f'4026531840 {START[pid]}')
    socks = ['# fdscope-sockets 1 pid tid comm fd fileid ino family type proto state local '
             'remote rxq txq drops uid netns peer inflight backlog groups start']
    for name, lines in (('files', files), ('tasks', tasks), ('details', details),
                        ('sockets', socks)):
        with open(os.path.join(out, name), 'w') as fh:
            fh.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
