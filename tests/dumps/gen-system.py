#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write tests/dumps/system/{files,sockets,tasks,locks,epoll}: a hand-described
machine in fdscope's debugfs format (docs/format.md, version 1), and the
/proc/locks of that machine as `proc-locks`, as fdscope --save keeps it; and
tests/dumps/holders/: the same machine as a newer module shows it, with the
`start` column, the `holders` file (cwd, root, exe, mappings, files in flight,
io_uring fixed files) and the processes that exist only to hold files on a
tmpfs.

The machine is written down below as processes, open file descriptions and
sockets; this script only keeps the three files consistent with each other
(fileids, refcounts, nfds, peer inodes, who holds each lock, what each eventpoll
watches and how many watch each file) and escapes the fields. Rerun it after
editing and commit its output:  python3 tests/dumps/gen-system.py
"""
import hashlib
import os
import sys

PIDNS = 4026531836
NETNS = 4026531840
NETNS_CT = 4026532611       # a container's network namespace
SOCKFS = '0:8'
PIPEFS = '0:13'
ANON = '0:14'


def esc(v):
    """A field: '-' for None, every space/control/backslash as \\ooo."""
    if v is None:
        return '-'
    v = str(v)
    if v == '-':
        return '\\055'
    if v == '':
        return '\\000'
    out = []
    for b in v.encode():
        if b <= 0x20 or b == 0x7f or b == 0x5c:
            out.append('\\%03o' % b)
        else:
            out.append(chr(b))
    return ''.join(out)


def ident(label):
    return hashlib.sha1(label.encode()).hexdigest()[:15]


class File:
    """An open file description (struct file)."""
    n = 0

    def __init__(self, type, path, dev, ino, mode='r', flags=None, pos=0,
                 deleted=0, sock=None, extra_refs=0):
        File.n += 1
        self.fileid = ident('file%d:%s' % (File.n, path))
        self.type, self.path, self.dev, self.ino = type, path, dev, ino
        self.mode, self.flags, self.pos = mode, flags, pos
        self.deleted, self.sock = deleted, sock
        self.extra_refs = extra_refs
        self.holders = []
        self.locks = []         # Lock, held through every fd of this file
        self.epolls = set()     # the eventpoll Files watching this one
        self.held = 0           # references from the holders file's records


class Sock:
    def __init__(self, ino, family, type, proto, state, local, remote,
                 rxq=0, txq=0, drops=0, peer=None, inflight=None,
                 backlog=None, groups=None, netns=NETNS):
        self.__dict__.update(locals())
        del self.__dict__['self']


class Task:
    def __init__(self, pid, comm, uid, tid=None, table=None, maxfds=64,
                 netns=NETNS, holders_only=False):
        self.pid, self.comm, self.uid, self.tid = pid, comm, uid, tid
        self.table = table or ident('table:%d:%s' % (pid, tid))
        self.maxfds, self.netns = maxfds, netns
        self.fds = {}
        self.holders_only = holders_only
        # clock ticks since boot: later pids started later
        self.start = 500 + 3 * pid + (tid or 0) % 7


tasks = []


def task(*a, **kw):
    t = Task(*a, **kw)
    tasks.append(t)
    return t


def put(t, fd, f, cloexec=0):
    t.fds[fd] = (f, cloexec)
    f.holders.append((t, fd))
    return f


def devnull(mode='rw'):
    return File('CHR', '/dev/null', '0:5', 4, mode)


def anon(cls, flags=None):
    return File(cls, 'anon_inode:[%s]' % cls, ANON, 1057, 'rw', flags)


def sockf(s, flags=None):
    return File('SOCK', 'socket:[%d]' % s.ino, SOCKFS, s.ino, 'rw', flags,
                sock=s)


def pipe(ino):
    """Both ends of an anonymous pipe."""
    return (File('FIFO', 'pipe:[%d]' % ino, PIPEFS, ino, 'r'),
            File('FIFO', 'pipe:[%d]' % ino, PIPEFS, ino, 'w'))


def unix_pair(a, b, type='stream', la=None, ra=None, lb=None, rb=None):
    """Two connected unix sockets, inodes a and b."""
    return (Sock(a, 'unix', type, None, 'connected', la, ra, peer=b),
            Sock(b, 'unix', type, None, 'connected', lb, rb, peer=a))


def tcp(ino, local, remote, state, v6=False, **kw):
    return Sock(ino, 'inet6' if v6 else 'inet', 'stream', 'tcp', state,
                local, remote, **kw)


def udp(ino, local, remote=None, v6=False, **kw):
    if remote is None:
        remote = '[::]:0' if v6 else '0.0.0.0:0'
        state = 'CLOSE'
    else:
        state = 'ESTABLISHED'
    return Sock(ino, 'inet6' if v6 else 'inet', 'dgram', 'udp', state,
                local, remote, **kw)


class Lock:
    """A lock, lease or delegation; POSIX ones belong to a table (owner)."""
    def __init__(self, cls, type, start=None, end=None, pid=None, owner=None,
                 breaking=None):
        self.__dict__.update(locals())
        del self.__dict__['self']
        self.waiters = []       # (pid, type, start, end) as /proc/locks has them


def lock(f, *a, **kw):
    lk = Lock(*a, **kw)
    f.locks.append(lk)
    return lk


# Eventpoll File -> [(tfd, events, target File, still at tfd in the owner's table)]
interest = {}


def watch(t, epfd, tfd, events=0x19, target=None, match=True):
    """t's eventpoll at epfd watches target, added as tfd."""
    ep = t.fds[epfd][0]
    target = target or t.fds[tfd][0]
    interest.setdefault(ep, []).append((tfd, events, target, match))
    target.epolls.add(ep)


def std(t, f0, f1=None, f2=None):
    put(t, 0, f0)
    put(t, 1, f1 or f0)
    put(t, 2, f2 or f1 or f0)


# --- kernel threads: no fds, one shared table --------------------------------
KTABLE = ident('init_files')
for pid, comm in ((2, 'kthreadd'), (3, 'rcu_gp'), (12, 'ksoftirqd/0'),
                  (15, 'migration/0'), (40, 'kworker/0:1H')):
    task(pid, comm, 0, table=KTABLE)

# --- pid 1: systemd -----------------------------------------------------------
init = task(1, 'systemd', 0, maxfds=256)
null1 = devnull()
std(init, null1)
put(init, 3, File('CHR', '/dev/kmsg', '0:5', 11, 'w'), 1)
put(init, 4, anon('eventpoll'), 1)
put(init, 5, anon('signalfd', 'nonblock'), 1)
put(init, 6, anon('inotify', 'nonblock'), 1)
put(init, 7, anon('timerfd', 'nonblock'), 1)
put(init, 8, File('REG', '/proc/1/mountinfo', '0:22', 4026532100, 'r'), 1)
put(init, 9, File('DIR', '/sys/fs/cgroup', '0:27', 1, 'r', 'directory'), 1)
put(init, 10, File('REG', '/memfd:systemd-state (deleted)', '0:1', 2048,
                   'rw', 'largefile', 4096, deleted=1), 1)
put(init, 11, File('DIR', '/', '8:1', 2, '-', 'path'), 1)
s_notify = Sock(11001, 'unix', 'dgram', None, 'unconnected',
                '/run/systemd/notify', None, rxq=0)
put(init, 12, sockf(s_notify, 'nonblock'), 1)
s_private = Sock(11002, 'unix', 'stream', None, 'listen',
                 '/run/systemd/private', None, backlog='0/4096')
put(init, 13, sockf(s_private, 'nonblock'), 1)
s_uevent = Sock(11003, 'netlink', 'raw', 'NETLINK_KOBJECT_UEVENT', None, '1',
                '0', groups='00000002')
put(init, 14, sockf(s_uevent, 'nonblock'), 1)
put(init, 15, anon('pidfd'), 1)
put(init, 16, anon('bpf-map'), 1)
initctl = File('FIFO', '/run/initctl', '0:25', 903, 'rw', 'nonblock')
put(init, 17, initctl, 1)
# Sockets systemd listens on for other services (socket activation), passed
# to them as fds: same open file description in both processes.
s_jsock = Sock(11010, 'unix', 'dgram', None, 'unconnected',
               '/run/systemd/journal/socket', None, rxq=0, drops=3)
s_devlog = Sock(11011, 'unix', 'dgram', None, 'unconnected',
                '/run/systemd/journal/dev-log', None)
s_jstdout = Sock(11012, 'unix', 'stream', None, 'listen',
                 '/run/systemd/journal/stdout', None, backlog='0/4096')
s_dbus = Sock(11013, 'unix', 'stream', None, 'listen',
              '/run/dbus/system_bus_socket', None, backlog='0/4096')
f_jsock = put(init, 30, sockf(s_jsock, 'nonblock'), 1)
f_devlog = put(init, 31, sockf(s_devlog, 'nonblock'), 1)
f_jstdout = put(init, 32, sockf(s_jstdout, 'nonblock'), 1)
f_dbus = put(init, 33, sockf(s_dbus, 'nonblock'), 1)

# --- systemd-journald ---------------------------------------------------------
jd = task(312, 'systemd-journal', 0, maxfds=128)
std(jd, devnull('r'))
put(jd, 3, f_jsock, 1)
put(jd, 4, f_devlog, 1)
put(jd, 5, f_jstdout, 1)
put(jd, 6, anon('eventpoll'), 1)
put(jd, 7, File('REG', '/var/log/journal/9f3c/system.journal', '8:1', 393222,
                'rw', 'largefile,noatime', 8388608), 1)
put(jd, 8, File('CHR', '/dev/kmsg', '0:5', 11, 'rw', 'nonblock'), 1)
# journald's end of each service's stdout stream, numbered below.
journal_streams = []


def journal_stream(t, ino_service, ino_journal, jfd):
    """Service t's stdout/stderr go to journald over a unix stream."""
    svc, jnl = unix_pair(ino_service, ino_journal,
                         lb='/run/systemd/journal/stdout')
    f = sockf(svc)
    put(t, 1, f)
    put(t, 2, f)
    put(jd, jfd, sockf(jnl, 'nonblock'), 1)
    return f


# --- systemd-udevd ------------------------------------------------------------
udev = task(401, 'systemd-udevd', 0)
std(udev, devnull())
put(udev, 3, sockf(Sock(12001, 'netlink', 'raw', 'NETLINK_KOBJECT_UEVENT',
                        None, '401', '0', groups='00000001')), 1)
put(udev, 4, sockf(Sock(12002, 'unix', 'seqpacket', None, 'listen',
                        '/run/udev/control', None, backlog='0/4096')), 1)
put(udev, 5, anon('inotify'), 1)
put(udev, 6, anon('eventpoll'), 1)
journal_stream(udev, 12010, 12011, 20)

# --- systemd-networkd: netlink, packet socket --------------------------------
nd = task(455, 'systemd-network', 998)
std(nd, devnull())
put(nd, 3, sockf(Sock(12101, 'netlink', 'raw', 'NETLINK_ROUTE', None, '455',
                      '0', groups='000405d1', drops=0)), 1)
put(nd, 4, sockf(Sock(12102, 'netlink', 'raw', 'NETLINK_GENERIC', None,
                      '-1055', '0', groups='00000000')), 1)
put(nd, 5, sockf(Sock(12103, 'packet', 'raw', 'ETH_P_ALL', None, 'eth0',
                      None)), 1)
put(nd, 6, anon('eventpoll'), 1)
journal_stream(nd, 12110, 12111, 21)

# --- systemd-resolved: UDP and TCP on 127.0.0.53, a connected UDP ------------
rs = task(470, 'systemd-resolve', 997)
std(rs, devnull())
put(rs, 3, anon('eventpoll'), 1)
put(rs, 10, sockf(udp(12201, '127.0.0.53:53')), 1)
put(rs, 11, sockf(tcp(12202, '127.0.0.53:53', '0.0.0.0:0', 'LISTEN',
                      backlog='0/4096', txq=4096)), 1)
put(rs, 12, sockf(udp(12203, '10.0.2.15:40112', '10.0.2.3:53', rxq=768),
                  'nonblock'), 1)
put(rs, 13, sockf(Sock(12204, 'netlink', 'raw', 'NETLINK_ROUTE', None, '470',
                       '0', groups='00000551')), 1)
journal_stream(rs, 12210, 12211, 22)

# --- chronyd: UDP over v4 and v6 loopback ------------------------------------
ch = task(510, 'chronyd', 0)
std(ch, devnull())
put(ch, 5, sockf(udp(12301, '127.0.0.1:323')), 1)
put(ch, 6, sockf(udp(12302, '[::1]:323', v6=True)), 1)
put(ch, 7, sockf(udp(12303, '0.0.0.0:123', drops=2)), 1)
journal_stream(ch, 12310, 12311, 23)

# --- dbus-daemon: accepted connections, an fd in flight ----------------------
db = task(520, 'dbus-daemon', 100)
std(db, devnull())
put(db, 3, f_dbus, 1)
put(db, 4, anon('eventpoll'), 1)
dbus_conns = []


def dbus_client(t, fd, ino_client, ino_bus, busfd, inflight=0):
    cl, bus = unix_pair(ino_client, ino_bus, ra='/run/dbus/system_bus_socket',
                        lb='/run/dbus/system_bus_socket')
    bus.inflight = inflight
    put(t, fd, sockf(cl), 1)
    put(db, busfd, sockf(bus, 'nonblock'), 1)


dbus_client(init, 40, 12401, 12402, 10)
dbus_client(nd, 9, 12403, 12404, 11)
dbus_client(rs, 14, 12405, 12406, 12, inflight=1)
journal_stream(db, 12410, 12411, 24)

# --- sshd: listeners v4 and v6, a session with pipes --------------------------
sshd = task(600, 'sshd', 0)
std(sshd, devnull())
put(sshd, 3, sockf(tcp(12501, '0.0.0.0:22', '0.0.0.0:0', 'LISTEN',
                       backlog='0/128', txq=128)), 1)
put(sshd, 4, sockf(tcp(12502, '[::]:22', '[::]:0', 'LISTEN', v6=True,
                       backlog='0/128', txq=128)), 1)
journal_stream(sshd, 12510, 12511, 25)
sess = task(1201, 'sshd', 0)
std(sess, devnull())
put(sess, 3, sockf(tcp(12520, '192.168.1.10:22', '192.168.1.50:51234',
                       'ESTABLISHED', txq=36)), 1)
put(sess, 5, anon('eventpoll'), 1)
ptmx = put(sess, 9, File('CHR', '/dev/ptmx', '0:24', 2, 'rw', 'nonblock'), 1)
sessuser = task(1205, 'sshd', 1000)
std(sessuser, devnull())
put(sessuser, 4, sockf(tcp(12520 + 100, '[::1]:6010', '[::]:0', 'LISTEN',
                           v6=True, backlog='0/128', txq=128)), 1)
# privsep pipe between the two sshd processes
pr, pw = pipe(40100)
put(sess, 6, pr, 1)
put(sessuser, 5, pw, 1)

# --- an interactive shell and a pipeline: cat file | grep x -------------------
pts = File('CHR', '/dev/pts/0', '0:24', 3, 'rw')
bash = task(1210, 'bash', 1000)
std(bash, pts)
put(bash, 255, pts, 1)          # dup of the same open file description
bash.maxfds = 256
pr, pw = pipe(40001)
cat = task(1300, 'cat', 1000)
put(cat, 0, pts)
put(cat, 1, pw)
put(cat, 2, pts)
put(cat, 3, File('REG', '/home/u/My Documents/notes\ttab.txt', '8:1',
                 524301, 'r', 'largefile', 65536), 1)
grep = task(1301, 'grep', 1000)
put(grep, 0, pr)
put(grep, 1, pts)
put(grep, 2, pts)
put(grep, 3, File('REG', '/tmp/evil\nname', '0:30', 77, 'r'), 1)
put(grep, 4, File('REG', '/tmp/back\\slash', '0:30', 78, 'w', 'append', 12), 1)

# A named FIFO between two processes, writer and reader.
logger = task(1320, 'logger', 1000)
std(logger, pts)
fifo = '/tmp/my fifo'
put(logger, 3, File('FIFO', fifo, '0:30', 90, 'w'), 1)
reader = task(1321, 'tail', 1000)
std(reader, pts)
put(reader, 3, File('FIFO', fifo, '0:30', 90, 'r', 'nonblock'), 1)

# --- nginx: listeners shared after fork, socketpair channels, php-fpm ---------
ngx = task(800, 'nginx', 0, maxfds=128)
ngx_null = devnull()
put(ngx, 0, ngx_null)
put(ngx, 1, ngx_null)
l80 = put(ngx, 6, sockf(tcp(13001, '0.0.0.0:80', '0.0.0.0:0', 'LISTEN',
                            backlog='3/511', rxq=3, txq=511), 'nonblock'), 1)
l80v6 = put(ngx, 7, sockf(tcp(13002, '[::]:80', '[::]:0', 'LISTEN', v6=True,
                              backlog='0/511', txq=511), 'nonblock'), 1)
ngx_log = File('REG', '/var/log/nginx/error.log', '8:1', 655370, 'w',
               'append', 20480)
put(ngx, 2, ngx_log)
put(ngx, 4, ngx_log, 1)
acc = File('REG', '/var/log/nginx/access.log', '8:1', 655371, 'w', 'append',
           1048576)
put(ngx, 5, acc, 1)
fpm = task(900, 'php-fpm8.2', 0)
std(fpm, devnull())
fpm_l = put(fpm, 7, sockf(Sock(13101, 'unix', 'stream', None, 'listen',
                               '/run/php/php-fpm.sock', None,
                               backlog='0/511')), 1)
journal_stream(fpm, 13110, 13111, 26)
for i, wpid in enumerate((801, 802)):
    w = task(wpid, 'nginx', 33, maxfds=128)
    put(w, 0, ngx_null)
    put(w, 1, ngx_null)
    put(w, 2, ngx_log)
    put(w, 4, ngx_log, 1)
    put(w, 5, acc, 1)
    put(w, 6, l80, 1)
    put(w, 7, l80v6, 1)
    # The master keeps one end of each worker's channel, the worker the other.
    m_end, w_end = unix_pair(13010 + 2 * i, 13011 + 2 * i)
    put(ngx, 10 + i, sockf(m_end, 'nonblock'), 1)
    put(w, 11, sockf(w_end, 'nonblock'), 1)
    put(w, 8, anon('eventpoll'), 1)
    # A request proxied to php-fpm: the worker connected to the socket,
    # a php-fpm worker accepted it.
    fw = task(901 + i, 'php-fpm8.2', 33)
    std(fw, devnull())
    put(fw, 7, fpm_l)
    cl, sv = unix_pair(13201 + 2 * i, 13202 + 2 * i,
                       ra='/run/php/php-fpm.sock',
                       lb='/run/php/php-fpm.sock')
    put(w, 12, sockf(cl, 'nonblock'), 1)
    put(fw, 5, sockf(sv), 1)
    put(w, 13, sockf(tcp(13301 + i, '192.168.1.10:80',
                         '203.0.113.%d:5%d000' % (7 + i, i), 'ESTABLISHED',
                         rxq=0, txq=1448 * i), 'nonblock'), 1)

# --- redis: TCP listener and an established pair over 127.0.0.1 ---------------
rd = task(1500, 'redis-server', 101)
std(rd, devnull())
put(rd, 6, sockf(tcp(14001, '127.0.0.1:6379', '0.0.0.0:0', 'LISTEN',
                     backlog='0/511', txq=511), 'nonblock'), 1)
put(rd, 7, sockf(tcp(14002, '[::1]:6379', '[::]:0', 'LISTEN', v6=True,
                     backlog='0/511', txq=511), 'nonblock'), 1)
put(rd, 8, anon('eventpoll'), 1)
put(rd, 9, sockf(tcp(14004, '127.0.0.1:6379', '127.0.0.1:43210',
                     'ESTABLISHED'), 'nonblock'), 1)
put(rd, 10, File('REG', '/var/lib/redis/dump.rdb', '8:1', 786433, 'r',
                 'largefile', 0, deleted=0), 1)
put(rd, 11, File('REG', '/var/lib/redis/temp-1500.rdb (deleted)', '8:1',
                 786434, 'w', 'largefile', 5242880, deleted=1), 1)
cli = task(1510, 'redis-cli', 1000)
std(cli, pts)
put(cli, 3, sockf(tcp(14003, '127.0.0.1:43210', '127.0.0.1:6379',
                      'ESTABLISHED', rxq=12)), 1)

# --- postgres: listener and an established pair over ::1 ----------------------
pg = task(1600, 'postgres', 101, maxfds=1024)
std(pg, devnull())
put(pg, 6, sockf(tcp(15001, '[::1]:5432', '[::]:0', 'LISTEN', v6=True,
                     backlog='0/244', txq=244)), 1)
put(pg, 7, sockf(tcp(15002, '127.0.0.1:5432', '0.0.0.0:0', 'LISTEN',
                     backlog='0/244', txq=244)), 1)
put(pg, 8, sockf(Sock(15003, 'unix', 'stream', None, 'listen',
                      '/run/postgresql/.s.PGSQL.5432', None,
                      backlog='1/244', rxq=1)), 1)
put(pg, 9, sockf(udp(15004, '[::1]:46321', '[::1]:46321', v6=True)), 1)
pgb = task(1620, 'postgres', 101, maxfds=1024)
std(pgb, devnull())
put(pgb, 9, sockf(tcp(15011, '[::1]:5432', '[::1]:51000', 'ESTABLISHED',
                      v6=True, txq=0)), 1)
psql = task(1610, 'psql', 1000)
std(psql, pts)
put(psql, 3, sockf(tcp(15010, '[::1]:51000', '[::1]:5432', 'ESTABLISHED',
                       v6=True)), 1)
# A client whose unix connection is still in the accept queue: its peer is
# held by no fd.
pgc = task(1630, 'pg_isready', 1000)
std(pgc, pts)
put(pgc, 3, sockf(Sock(15020, 'unix', 'stream', None, 'connected', None,
                       '/run/postgresql/.s.PGSQL.5432', peer=15021)), 1)

# --- a java server on [::]:8080 with a v4-mapped connection -------------------
jv = task(2000, 'java', 1000, maxfds=1024)
std(jv, devnull())
put(jv, 40, sockf(tcp(16001, '[::]:8080', '[::]:0', 'LISTEN', v6=True,
                      backlog='0/50', txq=50)), 1)
put(jv, 41, sockf(tcp(16002, '[::ffff:127.0.0.1]:8080',
                      '[::ffff:127.0.0.1]:50000', 'ESTABLISHED', v6=True,
                      rxq=517)), 1)
put(jv, 42, sockf(tcp(16003, '10.0.2.15:38822', '151.101.1.1:443',
                      'CLOSE_WAIT', rxq=1)), 1)
put(jv, 43, sockf(tcp(16004, '10.0.2.15:38830', '151.101.1.1:443',
                      'SYN_SENT', txq=1)), 1)
put(jv, 44, File('REG', '/opt/app/lib/app.jar', '8:1', 917505, 'r',
                 'largefile', 1048576), 1)
curl = task(2010, 'curl', 1000)
std(curl, pts)
put(curl, 3, sockf(tcp(16010, '127.0.0.1:50000', '127.0.0.1:8080',
                       'ESTABLISHED')), 1)

# --- a thread pool: one thread unshared its fd table -------------------------
tp = task(3000, 'worker-pool', 1000)
std(tp, pts)
put(tp, 3, anon('eventfd', 'nonblock'), 1)
put(tp, 4, anon('io_uring'), 1)
put(tp, 5, File('REG', '/srv/data/input.bin', '8:1', 1048577, 'r',
                'direct', 4194304), 1)
tpt = task(3000, 'io-thread', 1000, tid=3005)
# After unshare(CLONE_FILES) the thread has a copy: same open files, new table.
for fd in (0, 1, 2):
    put(tpt, fd, pts)
put(tpt, 3, tp.fds[3][0], 1)
put(tpt, 6, File('REG', '/srv/data/output.bin', '8:1', 1048578, 'w',
                 'sync', 1024), 1)

# --- two processes sharing one fd table (clone with CLONE_FILES) -------------
sup = task(3100, 'supervise', 0, maxfds=64)
sup2 = task(3101, 'supervise-log', 0, table=sup.table)
sup_files = [devnull(), File('REG', '/var/log/supervise.log', '8:1', 1179649,
                             'w', 'append', 333)]
for t in (sup, sup2):
    put(t, 0, sup_files[0])
    put(t, 1, sup_files[1])
    put(t, 2, sup_files[1])
# An fd passed over SCM_RIGHTS and still in flight adds a reference that no
# fd shows.
sup_files[1].extra_refs = 1

# --- odd names: an empty command and a command named "-" ----------------------
e = task(3200, '', 1000)
std(e, pts)
put(e, 3, sockf(Sock(17001, 'unix', 'stream', None, 'listen', '-', None,
                     backlog='0/5')), 1)
# An abstract name padded with NUL bytes, as some programs bind them.
put(e, 4, sockf(Sock(17002, 'unix', 'dgram', None, 'unconnected',
                     '@sd\0pad\0', None)), 1)
d = task(3201, '-', 1000)
std(d, pts)
a, b = unix_pair(17011, 17012, type='dgram', la='@/tmp/.abstract', rb='@/tmp/.abstract')
put(d, 3, sockf(a), 1)
put(d, 4, sockf(b), 1)

# --- a container's process in its own network namespace ----------------------
ct = task(4000, 'httpd', 33, netns=NETNS_CT)
std(ct, devnull())
put(ct, 3, sockf(tcp(18001, '0.0.0.0:80', '0.0.0.0:0', 'LISTEN',
                     backlog='0/511', txq=511, netns=NETNS_CT)), 1)
put(ct, 4, sockf(Sock(18002, 'vsock', 'stream', None, None, '3:1024', None,
                      netns=NETNS_CT)), 1)
put(ct, 5, sockf(Sock(18003, 'af40', 'dgram', None, None, None, None,
                      netns=NETNS_CT)), 1)

# --- many fds in one process, for --summary's ordering -----------------------
big = task(5000, 'fd-hog', 1000, maxfds=512)
std(big, devnull())
for fd in range(3, 203):
    put(big, fd, File('REG', '/var/cache/hog/%03d' % fd, '8:1', 2000000 + fd,
                      'r'), 1)
bp = []
for i in range(8):
    r, w = pipe(41000 + i)
    put(big, 300 + 2 * i, r, 1)
    put(big, 301 + 2 * i, w, 1)

# A socket fd that the sockets file does not list (it was closed between the
# two reads): NAME falls back to the path.
put(big, 400, File('SOCK', 'socket:[19999]', SOCKFS, 19999, 'rw'), 1)

# --- more endpoints: eventfd, POSIX mqueue, /dev/log clients, loopback UDP --
# An eventfd passed from a vhost-user backend to its client (SCM_RIGHTS):
# one open file description in two processes.
vh = task(6000, 'vhost-backend', 0)
std(vh, devnull())
kick = put(vh, 5, anon('eventfd', 'nonblock'), 1)
vc = task(6001, 'qemu-system', 0)
std(vc, devnull())
put(vc, 9, kick, 1)
put(vc, 10, anon('eventfd', 'nonblock'), 1)     # its own, not shared
# A POSIX message queue opened by name in two processes: two open file
# descriptions on one inode of the mqueue filesystem.
MQUEUE = '0:19'
mqs = task(6010, 'mq-server', 0)
std(mqs, devnull())
put(mqs, 3, File('REG', '/jobs', MQUEUE, 5001, 'r'), 1)
mqc = task(6011, 'mq-client', 1000)
std(mqc, devnull())
put(mqc, 3, File('REG', '/jobs', MQUEUE, 5001, 'w'), 1)
# Two clients of the /dev/log datagram server that journald was handed.
for pid, comm in ((700, 'cron'), (1250, 'sudo')):
    c = task(pid, comm, 0)
    std(c, devnull())
    put(c, 3, sockf(Sock(13500 + pid, 'unix', 'dgram', None, 'connected', None,
                         '/run/systemd/journal/dev-log', peer=s_devlog.ino)), 1)
# Two UDP sockets connected to each other over 127.0.0.1.
up = task(6020, 'udp-ping', 1000)
std(up, devnull())
put(up, 3, sockf(udp(19101, '127.0.0.1:9001', '127.0.0.1:9000')), 1)
ue = task(6021, 'udp-echo', 1000)
std(ue, devnull())
put(ue, 3, sockf(udp(19102, '127.0.0.1:9000', '127.0.0.1:9001')), 1)
# The same socket in the container's network namespace: not the other end
# of udp-echo's.
put(ct, 6, sockf(udp(18004, '127.0.0.1:9001', '127.0.0.1:9000',
                     netns=NETNS_CT)), 1)

# --- locks: a writer and its waiters, a chain, shared and OFD locks ----------
APPDB = File('REG', '/var/lib/app/app.db', '8:1', 1310721, 'rw')
dbw = task(7000, 'db-writer', 1000)
std(dbw, devnull())
put(dbw, 3, APPDB, 1)
w_lock = lock(APPDB, 'POSIX', 'WRITE', 0, 99, pid=7000, owner=dbw)
lock(APPDB, 'POSIX', 'READ', 100, 'EOF', pid=7000, owner=dbw)
# Another open of the database, by a reader blocked in F_SETLKW behind the
# writer; it holds the journal that a migration waits for.
dbr = task(7001, 'db-reader', 1000)
std(dbr, devnull())
put(dbr, 3, File('REG', '/var/lib/app/app.db', '8:1', 1310721, 'r'), 1)
journal = put(dbr, 4, File('REG', '/var/lib/app/app.db-journal', '8:1', 1310722,
                           'rw'), 1)
j_lock = lock(journal, 'POSIX', 'WRITE', 0, 'EOF', pid=7001, owner=dbr)
w_lock.waiters.append((7001, 'READ', 0, 99))
dbm = task(7002, 'db-migrate', 1000)
std(dbm, devnull())
put(dbm, 3, File('REG', '/var/lib/app/app.db-journal', '8:1', 1310722, 'rw'), 1)
j_lock.waiters.append((7002, 'WRITE', 0, 'EOF'))
# flock: exclusive in one process, shared through a description two
# processes share after fork(). Each job also opened the other's lock file
# (a test makes them wait for each other).
LOCK_A, LOCK_B = ('/run/lock/a.lock', 1000201), ('/run/lock/b.lock', 1000202)
for pid, comm, mine, other in ((7010, 'job-a', LOCK_A, LOCK_B),
                               (7011, 'job-b', LOCK_B, LOCK_A)):
    t = task(pid, comm, 0)
    std(t, devnull())
    lock(put(t, 4, File('REG', mine[0], '0:25', mine[1], 'w'), 1), 'FLOCK',
         'WRITE', pid=pid)
    put(t, 5, File('REG', other[0], '0:25', other[1], 'w'), 1)
shp = task(7020, 'backup', 0)
std(shp, devnull())
sh = put(shp, 3, File('REG', '/srv/backup/state', '8:1', 1310801, 'r'), 1)
lock(sh, 'FLOCK', 'READ', pid=7020)
shc = task(7021, 'backup-worker', 0)
std(shc, devnull())
put(shc, 3, sh, 1)
# An OFD lock (no pid) and a read lease.
ofd = task(7030, 'ofd-user', 1000)
std(ofd, devnull())
lock(put(ofd, 3, File('REG', '/srv/data/index', '8:1', 1310901, 'rw'), 1),
     'OFDLCK', 'WRITE', 0, 4095)
smb = task(7040, 'smbd', 0)
std(smb, devnull())
lock(put(smb, 3, File('REG', '/srv/share/report.odt', '8:1', 1311001, 'r'), 1),
     'LEASE', 'READ', pid=7040, breaking=0)

# --- epoll interest lists -------------------------------------------------------
for fd in (5, 6, 7, 14):
    watch(init, 4, fd)
for wpid in (801, 802):
    w = next(t for t in tasks if t.pid == wpid)
    for fd in (6, 11, 12, 13):
        watch(w, 8, fd, 0x2019 if fd == 6 else 0x80002019)
watch(rd, 8, 7)
watch(rd, 8, 9)
# A target closed since it was added, and open nowhere else.
gone = sockf(tcp(14005, '127.0.0.1:6379', '127.0.0.1:43300', 'CLOSE_WAIT'))
watch(rd, 8, 12, target=gone, match=False)
# A pipe's read end added to vhost-backend's epoll, passed to qemu and closed
# in vhost-backend: the eventpoll still watches it, found by its inode.
put(vh, 6, anon('eventpoll'), 1)
vr, vw = pipe(41500)
put(vh, 8, vw, 1)
put(vc, 12, vr, 1)
watch(vh, 6, 7, target=vr, match=False)


# --- holders: what keeps files alive besides fds (tests/dumps/holders only) ---
HOLD_ORDER = {'cwd': 0, 'root': 1, 'exe': 2, 'mem': 3, 'inflight': 4, 'uring': 4}
holders = []


def hold(t, assoc, f=None, **kw):
    """A holders record of task t; every one but cwd and root is a reference."""
    if f is not None and assoc not in ('cwd', 'root'):
        f.held += 1
    holders.append((t, assoc, f, kw))


ROOTDIR = File('DIR', '/', '8:1', 2, None)
SCRATCH = '0:40'                # a tmpfs mounted on /mnt/scratch
scratch = File('DIR', '/mnt/scratch', SCRATCH, 1, None)
exes = {}
for t in sorted(tasks, key=lambda t: t.pid):
    if t.tid:
        continue
    if t.table == KTABLE:
        if t.pid == 2:          # kernel threads share init's fs_struct
            hold(t, 'cwd', ROOTDIR)
            hold(t, 'root', ROOTDIR)
        continue
    hold(t, 'cwd', scratch if t.comm == 'bash' else ROOTDIR)
    hold(t, 'root', ROOTDIR)
    # Forked processes share their parent's exe file.
    name = t.comm or 'unnamed'
    if name not in exes:
        exes[name] = File('REG', '/usr/bin/' + name.replace('/', '_'), '8:1',
                          3000000 + len(exes))
    hold(t, 'exe', exes[name])

# A library mapped by nginx before it forked: one file, three processes.
libssl = File('REG', '/usr/lib/x86_64-linux-gnu/libssl.so.3', '8:1', 3100001)
for t in [t for t in tasks if t.comm == 'nginx']:
    hold(t, 'mem', libssl, map_start='7f3a10000000', map_end='7f3a10060000',
         map_offset='0', map_prot='r--p')
    hold(t, 'mem', libssl, map_start='7f3a10060000', map_end='7f3a10100000',
         map_offset='60000', map_prot='r-xp')

# The supervise log is in flight to a socket of `receiver` below.
sup_files[1].extra_refs = 0

# One holder of each kind on the tmpfs /mnt/scratch (0:40).
pts1 = File('CHR', '/dev/pts/1', '0:24', 4, 'rw')
su = task(6200, 'scratch-user', 1000, holders_only=True)
std(su, pts1)
a_log = put(su, 3, File('REG', '/mnt/scratch/a.log', SCRATCH, 11, 'w',
                        'append', 100, extra_refs=1), 1)
hold(su, 'mem', File('REG', '/mnt/scratch/map.bin (deleted)', SCRATCH, 12,
                     deleted=1),
     map_start='7f0000000000', map_end='7f0000004000', map_offset='0',
     map_prot='rw-s')
tool = task(6201, 'scratch-tool', 1000, holders_only=True)
std(tool, pts1)
rcv = task(6202, 'receiver', 1000, holders_only=True)
std(rcv, pts1)
s_rcv = Sock(6101, 'unix', 'stream', None, 'connected', None, None, peer=6102,
             inflight=3)
s_snd = Sock(6102, 'unix', 'stream', None, 'connected', None, None, peer=6101)
put(rcv, 5, sockf(s_rcv), 1)
put(su, 4, sockf(s_snd), 1)
nested = sockf(Sock(6110, 'unix', 'dgram', None, 'unconnected', None, None))
busy = task(6203, 'busy-reader', 1000, holders_only=True)
std(busy, pts1)
put(busy, 4, sockf(Sock(6120, 'unix', 'stream', None, 'connected', None,
                        None, peer=0)), 1)
for t in (su, tool, rcv, busy):
    hold(t, 'cwd', ROOTDIR)
    hold(t, 'root', ROOTDIR)
    hold(t, 'exe', File('REG', '/mnt/scratch/tool', SCRATCH, 10)
         if t is tool else exes['bash'])
hold(rcv, 'inflight', File('REG', '/mnt/scratch/passed.txt', SCRATCH, 13),
     fd=5, via=6101, queue='recv', sender=su.pid)
hold(rcv, 'inflight', nested, fd=5, via=6101, queue='recv', sender=su.pid)
hold(rcv, 'inflight', sup_files[1], fd=5, via=6101, queue='recv', sender=3100)
# Held only inside the socket that is itself in flight (GC-style nesting):
# the walk finds it from no fd, so the module shows it under no owner's
# fd; fdscope's record names the receiving socket by its inode.
hold(rcv, 'inflight', File('REG', '/mnt/scratch/nested.txt', SCRATCH, 14),
     via=6110, queue='recv', sender=su.pid)
hold(tp, 'uring', File('REG', '/mnt/scratch/fixed.dat', SCRATCH, 15, 'rw'),
     fd=4, slot=3)
hold(busy, 'inflight', None, fd=4, via=6120, status='busy', count=2)

# --- write the files ------------------------------------------------------------
FILES_COLS = ('pid tid comm fd table cloexec mode flags pos type dev ino '
              'fileid refs deleted path epolls')
LOCK_COLS = ('pid tid comm fd fileid class type lock_start lock_end lock_pid '
             'blocking breaking status count dev ino')
EPOLL_COLS = 'pid tid comm fd fileid tfd events data tdev tino match status'
SOCK_COLS = ('pid tid comm fd fileid ino family type proto state local '
             'remote rxq txq drops uid netns peer inflight backlog groups')
TASK_COLS = 'pid tid comm uid table nfds maxfds pidns netns'
HOLD_COLS = ('pid tid comm assoc fd via queue sender slot map_start map_end '
             'map_offset map_prot status count type dev ino fileid refs '
             'deleted path')


def proc_dev(dev):
    """A dev as /proc/locks prints it: %02x:%02x."""
    ma, mi = (int(x) for x in dev.split(':'))
    return '%02x:%02x' % (ma, mi)


def proc_locks():
    """/proc/locks: each lock once, its waiters under it."""
    out = []
    seen = []
    for f in sorted({f for t in tasks for f, _ in t.fds.values()},
                    key=lambda f: f.fileid):
        for lk in f.locks:
            if lk in seen:
                continue
            seen.append(lk)
    for n, lk in enumerate(seen, 1):
        f = next(f for t in tasks for f, _ in t.fds.values() if lk in f.locks)
        word = {'POSIX': 'POSIX  ADVISORY ', 'OFDLCK': 'OFDLCK ADVISORY ',
                'FLOCK': 'FLOCK  ADVISORY ', 'LEASE': 'LEASE  ACTIVE   '}[lk.cls]
        rng = '%s %s' % (lk.start, lk.end) if lk.start is not None else '0 EOF'
        pid = lk.pid if lk.pid is not None else -1
        out.append('%d: %s WRITE %d %s:%d %s\n'.replace('WRITE', lk.type)
                   % (n, word, pid, proc_dev(f.dev), f.ino, rng))
        for wpid, wtype, ws, we in lk.waiters:
            out.append('%d: -> %s %s %d %s:%d %s %s\n'
                       % (n, word, wtype, wpid, proc_dev(f.dev), f.ino, ws, we))
    return ''.join(out)


def line(fields):
    return ' '.join(esc(f) for f in fields) + '\n'


def refs_of(f):
    # Tasks sharing one table hold one reference per fd slot.
    slots = {(h.table, hfd) for h, hfd in f.holders}
    return len(slots) + f.extra_refs + f.held


def hold_line(t, assoc, f, kw):
    g = kw.get
    ff = f or File(None, None, None, None, None)
    nofile = f is None or assoc in ('cwd', 'root')
    return line((t.pid, t.tid, t.comm, assoc, g('fd'), g('via'), g('queue'),
                 g('sender'), g('slot'), g('map_start'), g('map_end'),
                 g('map_offset'), g('map_prot'), g('status'), g('count'),
                 ff.type, ff.dev, ff.ino, None if nofile else ff.fileid,
                 None if nofile else refs_of(ff),
                 None if f is None else ff.deleted, ff.path))


def write(outdir, new_module=False):
    """new_module: the start column, the holders file, holders_only tasks."""
    os.makedirs(outdir, exist_ok=True)
    order = sorted((t for t in tasks if new_module or not t.holders_only),
                   key=lambda t: (t.pid, t.tid or 0))
    start = (lambda t: (t.start,)) if new_module else (lambda t: ())
    scol = ' start' if new_module else ''
    with open(os.path.join(outdir, 'files'), 'w') as fo, \
         open(os.path.join(outdir, 'sockets'), 'w') as so, \
         open(os.path.join(outdir, 'tasks'), 'w') as to, \
         open(os.path.join(outdir, 'locks'), 'w') as lo, \
         open(os.path.join(outdir, 'epoll'), 'w') as eo:
        fo.write('# fdscope-files 1 %s%s\n' % (FILES_COLS, scol))
        so.write('# fdscope-sockets 1 %s%s\n' % (SOCK_COLS, scol))
        to.write('# fdscope-tasks 1 %s%s\n' % (TASK_COLS, scol))
        lo.write('# fdscope-locks 1 %s\n' % LOCK_COLS)
        eo.write('# fdscope-epoll 1 %s\n' % EPOLL_COLS)
        for t in order:
            to.write(line((t.pid, t.tid, t.comm, t.uid, t.table, len(t.fds),
                           t.maxfds, PIDNS, t.netns) + start(t)))
            for fd in sorted(t.fds):
                f, cloexec = t.fds[fd]
                fo.write(line((t.pid, t.tid, t.comm, fd, t.table, cloexec,
                               f.mode, f.flags, f.pos, f.type, f.dev, f.ino,
                               f.fileid, refs_of(f), f.deleted, f.path,
                               len(f.epolls)) + start(t)))
                # POSIX locks under the fds of their table, others under
                # every fd of their description.
                for lk in f.locks:
                    if lk.owner and lk.owner is not t:
                        continue
                    ranged = lk.cls in ('POSIX', 'OFDLCK')
                    lo.write(line((t.pid, t.tid, t.comm, fd, f.fileid, lk.cls,
                                   lk.type, lk.start if ranged else None,
                                   lk.end if ranged else None, lk.pid,
                                   int(bool(lk.waiters)), lk.breaking, None,
                                   None, f.dev, f.ino)))
                for tfd, events, tf, match in interest.get(f, ()):
                    eo.write(line((t.pid, t.tid, t.comm, fd, f.fileid, tfd,
                                   '%x' % events, '%x' % (tfd << 32 | 1),
                                   tf.dev, tf.ino, int(match), None)))
                s = f.sock
                if not s:
                    continue
                so.write(line((t.pid, t.tid, t.comm, fd, f.fileid, s.ino,
                               s.family, s.type, s.proto, s.state, s.local,
                               s.remote, s.rxq, s.txq, s.drops,
                               f.holders[0][0].uid,
                               s.netns, s.peer, s.inflight if s.family ==
                               'unix' and s.inflight is not None else
                               (0 if s.family == 'unix' else None),
                               s.backlog, s.groups) + start(t)))

    with open(os.path.join(outdir, 'proc-locks'), 'w') as po:
        po.write(proc_locks())
    if not new_module:
        return
    with open(os.path.join(outdir, 'holders'), 'w') as ho:
        ho.write('# fdscope-holders 1 %s start\n' % HOLD_COLS)
        for t, assoc, f, kw in sorted(
                holders, key=lambda h: (h[0].pid, h[0].tid or 0,
                                        HOLD_ORDER[h[1]], h[3].get('map_start', ''),
                                        h[3].get('fd') or 0)):
            ho.write(hold_line(t, assoc, f, kw)[:-1] + ' %d\n' % t.start)


HERE = os.path.dirname(os.path.abspath(__file__))
write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'system'))
write(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'holders'),
      new_module=True)
