# SPDX-License-Identifier: GPL-2.0
"""Socket ground truth for the fdscope guest tests, stdlib only.

Two independent sources, both keyed by socket inode number and both
normalised to the text docs/format.md prescribes:

  procnet()  /proc/net/{tcp,tcp6,udp,udp6,raw,raw6,icmp,icmp6,unix,netlink,
             packet}
  diag()     NETLINK_SOCK_DIAG dumps (what ss prints): inet_diag (tcp, udp,
             raw over v4 and v6), unix_diag, netlink_diag, packet_diag

A value of None means "this source does not know".
"""

import os
import socket
import struct
import subprocess

from fdscope_lib import escape

TCP_STATES = {
    1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1',
    5: 'FIN_WAIT2', 6: 'TIME_WAIT', 7: 'CLOSE', 8: 'CLOSE_WAIT',
    9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'NEW_SYN_RECV',
}
SOCK_TYPES = {1: 'stream', 2: 'dgram', 3: 'raw', 4: 'rdm', 5: 'seqpacket',
              6: 'dccp', 10: 'packet'}
IPPROTOS = {0: 'ip', 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6',
            132: 'sctp', 136: 'udplite', 255: 'raw', 262: 'mptcp'}
NETLINKS = {0: 'NETLINK_ROUTE', 2: 'NETLINK_USERSOCK', 4: 'NETLINK_SOCK_DIAG',
            9: 'NETLINK_AUDIT', 15: 'NETLINK_KOBJECT_UEVENT',
            16: 'NETLINK_GENERIC'}
ETH_PS = {0x0003: 'ETH_P_ALL', 0x0800: 'ETH_P_IP', 0x0806: 'ETH_P_ARP',
          0x86DD: 'ETH_P_IPV6'}
TCP_LISTEN = 10
TCP_ESTABLISHED = 1
SO_ACCEPTCON = 0x10000


def unix_state(sk_state):
    if sk_state == TCP_LISTEN:
        return 'listen'
    if sk_state == TCP_ESTABLISHED:
        return 'connected'
    return 'unconnected'


def fmt_inet(family, addr, port):
    if family == socket.AF_INET:
        return f'{socket.inet_ntop(socket.AF_INET, addr)}:{port}'
    return f'[{socket.inet_ntop(socket.AF_INET6, addr)}]:{port}'


def unix_name(raw):
    """sun_path bytes (as the kernel keeps them) -> field text."""
    if raw is None or raw == b'':
        return '-'
    if raw[:1] == b'\0':
        return '@' + (escape(raw[1:]) if len(raw) > 1 else '')
    return escape(raw.split(b'\0', 1)[0])


def ifname(index):
    if index == 0:
        return '*'
    try:
        return socket.if_indextoname(index)
    except OSError:
        return str(index)


# ------------------------------------------------------------ /proc/net

def _hex_addr(family, text):
    a, p = text.split(':')
    raw = bytes.fromhex(a)
    if family == socket.AF_INET:
        raw = raw[::-1]
    else:
        raw = b''.join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return fmt_inet(family, raw, int(p, 16))


def _read_lines(path):
    try:
        with open(path, 'rb') as f:
            data = f.read().decode('latin-1')
    except OSError:
        return None
    return data.split('\n')


def procnet(pid):
    """ino -> dict of fields, from /proc/PID/net/*."""
    out = {}
    base = f'/proc/{pid}/net'
    for fname, fam, stype, proto in (
            ('tcp', socket.AF_INET, 'stream', 'tcp'),
            ('tcp6', socket.AF_INET6, 'stream', 'tcp'),
            ('udp', socket.AF_INET, 'dgram', 'udp'),
            ('udp6', socket.AF_INET6, 'dgram', 'udp'),
            ('raw', socket.AF_INET, 'raw', None),
            ('raw6', socket.AF_INET6, 'raw', None),
            ('icmp', socket.AF_INET, 'dgram', 'icmp'),
            ('icmp6', socket.AF_INET6, 'dgram', 'icmpv6')):
        lines = _read_lines(f'{base}/{fname}')
        if lines is None:
            continue
        for line in lines[1:]:
            f = line.split()
            if len(f) < 10:
                continue
            ino = int(f[9])
            if ino == 0:
                continue
            st = int(f[3], 16)
            tx, rx = (int(x, 16) for x in f[4].split(':'))
            local = _hex_addr(fam, f[1])
            d = {
                'src': f'/proc/net/{fname}',
                'family': 'inet' if fam == socket.AF_INET else 'inet6',
                'type': stype,
                'proto': proto or IPPROTOS.get(int(f[1].split(':')[1], 16)),
                'state': TCP_STATES.get(st, str(st)),
                'local': local,
                'remote': _hex_addr(fam, f[2]),
                'rxq': str(rx),
                'txq': None if (proto == 'tcp' and st == TCP_LISTEN) else str(tx),
                'uid': f[7],
            }
            if fname.startswith('tcp'):
                d['drops'] = None
            elif len(f) >= 13:
                d['drops'] = f[12]
            out[ino] = d
    lines = _read_lines(f'{base}/unix')
    for line in (lines or [])[1:]:
        f = line.split(None, 7)
        if len(f) < 7:
            continue
        flags, typ, st, ino = int(f[3], 16), int(f[4], 16), int(f[5], 16), int(f[6])
        path = f[7] if len(f) == 8 else None
        if path is not None:
            # /proc shows abstract names with '@' for every NUL
            path = path.encode('latin-1')
        if not path:
            local = '-'
        elif not path.startswith(b'@'):
            local = escape(path)
        elif b'@' in path[1:]:
            local = None        # '@' here may stand for a NUL: ambiguous
        else:
            local = '@' + escape(path[1:])
        out[ino] = {
            'src': '/proc/net/unix',
            'family': 'unix', 'type': SOCK_TYPES.get(typ, str(typ)),
            'proto': '-',
            'state': 'listen' if flags & SO_ACCEPTCON else
                     ('connected' if st == 3 else 'unconnected'),
            'local': local,
        }
    lines = _read_lines(f'{base}/netlink')
    if lines:
        hdr = lines[0].split()
        for line in lines[1:]:
            f = line.split()
            if len(f) != len(hdr):
                continue
            r = dict(zip(hdr, f))
            ino = int(r['Inode'])
            proto = int(r['Eth'])
            out[ino] = {
                'src': '/proc/net/netlink',
                'family': 'netlink', 'proto': NETLINKS.get(proto),
                'state': '-', 'local': r['Pid'], 'groups': r['Groups'],
                'rxq': r['Rmem'], 'txq': r['Wmem'], 'drops': r['Drops'],
            }
    lines = _read_lines(f'{base}/packet')
    if lines:
        hdr = lines[0].split()
        for line in lines[1:]:
            f = line.split()
            if len(f) != len(hdr):
                continue
            r = dict(zip(hdr, f))
            num = int(r['Proto'], 16)
            out[int(r['Inode'])] = {
                'src': '/proc/net/packet',
                'family': 'packet',
                'type': SOCK_TYPES.get(int(r['Type'])),
                'proto': ETH_PS.get(num),
                'state': '-', 'local': ifname(int(r['Iface'])), 'remote': '-',
                'rxq': r['Rmem'], 'uid': r['User'],
            }
    return out


# ------------------------------------------------------------ sock_diag

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST = 1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3


def _attrs(buf, off):
    out = {}
    while off + 4 <= len(buf):
        ln, typ = struct.unpack_from('=HH', buf, off)
        if ln < 4:
            break
        out[typ & 0x3fff] = buf[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def _dump(req, ns_pid=None):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
    try:
        s.settimeout(10)
        msg = struct.pack('=IHHII', 16 + len(req), SOCK_DIAG_BY_FAMILY,
                          NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + req
        s.send(msg)
        out = []
        while True:
            data = s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ, _flags, _seq, _pid = struct.unpack_from('=IHHII',
                                                                 data, off)
                if typ == NLMSG_DONE:
                    return out
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from('=i', data, off + 16)[0]
                    raise OSError(-err, os.strerror(-err))
                out.append(data[off + 16:off + ln])
                off += (ln + 3) & ~3
    finally:
        s.close()


INET_DIAG_SKMEMINFO = 7
SK_MEMINFO_RMEM_ALLOC, SK_MEMINFO_WMEM_ALLOC, SK_MEMINFO_DROPS = 0, 2, 8


def _meminfo(raw):
    if raw is None:
        return None
    return struct.unpack_from(f'={len(raw) // 4}I', raw, 0)


def diag_inet():
    out = {}
    for fam in (socket.AF_INET, socket.AF_INET6):
        for proto in (6, 17, 255):
            # struct inet_diag_req_v2 (raw: pad = sdiag_raw_protocol)
            req = struct.pack('=BBBBI', fam, proto, 1 << (INET_DIAG_SKMEMINFO - 1),
                              255 if proto == 255 else 0, 0xffffffff) + bytes(48)
            for m in _dump(req):
                (family, state, _t, _r) = struct.unpack_from('=BBBB', m, 0)
                sport, dport = struct.unpack_from('>HH', m, 4)
                src, dst = m[8:24], m[24:40]
                rq, wq, uid, ino = struct.unpack_from('=IIII', m, 56)
                if ino == 0:
                    continue
                alen = 4 if family == socket.AF_INET else 16
                at = _attrs(m, 72)
                mem = _meminfo(at.get(INET_DIAG_SKMEMINFO))
                pname = {6: 'tcp', 17: 'udp'}.get(proto)
                if proto == 255:
                    # raw sockets: the local "port" is the protocol
                    pname = IPPROTOS.get(sport, f'ipproto{sport}')
                d = {
                    'src': f'inet_diag/{family}/{proto}',
                    'family': 'inet' if family == socket.AF_INET else 'inet6',
                    'type': {6: 'stream', 17: 'dgram', 255: 'raw'}[proto],
                    'proto': pname,
                    'state': TCP_STATES.get(state, str(state)),
                    'local': fmt_inet(family, src[:alen], sport),
                    'remote': fmt_inet(family, dst[:alen], dport),
                    'rxq': str(rq), 'txq': str(wq), 'uid': str(uid),
                    'drops': str(mem[SK_MEMINFO_DROPS]) if mem and
                    len(mem) > SK_MEMINFO_DROPS else None,
                }
                if proto == 6 and state == TCP_LISTEN:
                    d['backlog'] = f'{rq}/{wq}'
                out[ino] = d
    return out


def diag_unix():
    UDIAG_SHOW_ALL = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40
    req = struct.pack('=BBHIII', socket.AF_UNIX, 0, 0, 0xffffffff, 0,
                      UDIAG_SHOW_ALL) + bytes(8)
    out, names = {}, {}
    for m in _dump(req):
        _fam, typ, state, _pad, ino = struct.unpack_from('=BBBBI', m, 0)
        at = _attrs(m, 16)
        rql = struct.unpack_from('=II', at[4]) if 4 in at else (None, None)
        mem = _meminfo(at.get(5))
        d = {
            'src': 'unix_diag',
            'family': 'unix', 'type': SOCK_TYPES.get(typ, str(typ)),
            'proto': '-', 'state': unix_state(state),
            'local': unix_name(at.get(0)),
            'rxq': None if rql[0] is None else str(rql[0]),
            'txq': None if rql[1] is None else str(rql[1]),
            'drops': str(mem[SK_MEMINFO_DROPS]) if mem and
            len(mem) > SK_MEMINFO_DROPS else None,
            'uid': str(struct.unpack_from('=I', at[7])[0]) if 7 in at else None,
            '_peer': struct.unpack_from('=I', at[2])[0] if 2 in at else None,
        }
        d['peer'] = '-' if d['_peer'] is None else str(d['_peer'])
        if state == TCP_LISTEN:
            d['backlog'] = f'{rql[0]}/{rql[1]}'
        if ino:
            out[ino] = d
            names[ino] = d['local']
    for ino, d in out.items():
        p = d['_peer']
        if p is None:
            d['remote'] = '-'
        elif p in names:
            d['remote'] = names[p]
        else:
            d['remote'] = None      # peer without an inode: unknown here
    return out


def diag_netlink():
    req = struct.pack('=BBHII', socket.AF_NETLINK, 255, 0, 0, 0x1 | 0x2) + \
        bytes(8)
    out = {}
    for m in _dump(req):
        _fam, typ, proto, _st, portid, dport, _dgroup, ino = \
            struct.unpack_from('=BBBBIIII', m, 0)
        at = _attrs(m, 28)
        mem = _meminfo(at.get(0))
        g = at.get(1)
        out[ino] = {
            'src': 'netlink_diag',
            'family': 'netlink', 'type': SOCK_TYPES.get(typ, str(typ)),
            'proto': NETLINKS.get(proto), 'state': '-',
            'local': str(portid), 'remote': str(dport),
            'groups': '%08x' % struct.unpack_from('=I', g)[0] if g else
            '00000000',
            'rxq': str(mem[SK_MEMINFO_RMEM_ALLOC]) if mem else None,
            'txq': str(mem[SK_MEMINFO_WMEM_ALLOC]) if mem else None,
            'drops': str(mem[SK_MEMINFO_DROPS]) if mem and
            len(mem) > SK_MEMINFO_DROPS else None,
        }
    return out


def diag_packet():
    req = struct.pack('=BBHII', socket.AF_PACKET, 0, 0, 0, 0x1 | 0x10) + \
        bytes(8)
    out = {}
    for m in _dump(req):
        _fam, typ, num, ino = struct.unpack_from('=BBHI', m, 0)
        at = _attrs(m, 16)
        info = at.get(0)
        mem = _meminfo(at.get(6))
        out[ino] = {
            'src': 'packet_diag',
            'family': 'packet', 'type': SOCK_TYPES.get(typ, str(typ)),
            'proto': ETH_PS.get(num), 'state': '-',
            'local': ifname(struct.unpack_from('=I', info)[0]) if info else None,
            'remote': '-',
            'uid': str(struct.unpack_from('=I', at[5])[0]) if 5 in at else None,
            'rxq': str(mem[SK_MEMINFO_RMEM_ALLOC]) if mem else None,
            'drops': str(mem[SK_MEMINFO_DROPS]) if mem and
            len(mem) > SK_MEMINFO_DROPS else None,
        }
    return out


DIAG_MODULES = ['inet_diag', 'tcp_diag', 'udp_diag', 'raw_diag', 'unix_diag',
                'netlink_diag', 'af_packet_diag']


def load_diag_modules():
    for m in DIAG_MODULES:
        subprocess.run(['modprobe', '-q', m], capture_output=True)


def diag():
    """ino -> dict, and a list of families whose dump failed."""
    out, broken = {}, []
    for name, fn in (('inet', diag_inet), ('unix', diag_unix),
                     ('netlink', diag_netlink), ('packet', diag_packet)):
        try:
            out.update(fn())
        except OSError as e:
            broken.append(f'{name}: {e}')
    return out, broken


# ------------------------------------------------------------ ss text

SS_STATES = {'ESTAB': 'ESTABLISHED', 'LISTEN': 'LISTEN', 'UNCONN': None,
             'CLOSE-WAIT': 'CLOSE_WAIT', 'FIN-WAIT-2': 'FIN_WAIT2',
             'FIN-WAIT-1': 'FIN_WAIT1', 'SYN-SENT': 'SYN_SENT',
             'TIME-WAIT': 'TIME_WAIT', 'LAST-ACK': 'LAST_ACK',
             'CLOSING': 'CLOSING', 'SYN-RECV': 'SYN_RECV'}


def ss_text(pid):
    """(pid, fd) -> dict(netid, state, rxq, txq, tokens) from the text of
    `ss -tuwxanpeO`; None if ss is missing."""
    try:
        r = subprocess.run(['ss', '-H', '-O', '-tuwxanpe'], capture_output=True,
                           timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = {}
    needle = f',pid={pid},fd='
    for line in r.stdout.decode('latin-1').split('\n'):
        if needle not in line:
            continue
        toks = line.split()
        for t in toks:
            i = t.find(needle)
            while i >= 0:
                j = i + len(needle)
                k = j
                while k < len(t) and t[k].isdigit():
                    k += 1
                out[int(t[j:k])] = {'netid': toks[0], 'state': toks[1],
                                    'rxq': toks[2], 'txq': toks[3],
                                    'tokens': toks}
                i = t.find(needle, k)
    return out
