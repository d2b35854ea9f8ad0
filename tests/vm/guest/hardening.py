# SPDX-License-Identifier: GPL-2.0
"""Helpers for the hardening tests (test_churn, test_unload, test_hostile,
test_perms, lockdown.py): lane lines, kernel-log checks, the module, the
stress programs. Runs in the guest as root, python3 stdlib only."""

import ctypes
import errno
import os
import re
import subprocess
import sys
import time
import uuid

DEBUGFS = '/sys/kernel/debug/fdscope'
KINDS = ('files', 'sockets', 'tasks', 'holders', 'locks', 'epoll', 'sockstats',
         'details')
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
STRESS = os.path.join(REPO, 'tests', 'stress')
READER = os.path.join(STRESS, 'reader')
CHURN = os.path.join(STRESS, 'churn')
FDSCOPE = os.path.join(REPO, 'userspace', 'fdscope')
KERNEL_PTR = re.compile(rb'ffff[0-9a-f]{12}')
# As tests/vm/run judges the kernel log.
SPLAT = re.compile(
    r'WARNING:|BUG:|Oops|KASAN|UBSAN|possible circular locking|'
    r'inconsistent lock state|possible recursive locking|suspicious RCU usage|'
    r'lockdep|rcu_sched self-detected stall|RCU stall|rcu: INFO|soft lockup|'
    r'hung task|blocked for more than|refcount_t:|general protection fault|'
    r'Kernel panic')

failures = 0


def out(line):
    print(line, flush=True)


def ok(name, detail=''):
    out(f'PASS: {name}' + (f' ({detail})' if detail else ''))


def fail(name, why, details=()):
    global failures
    failures += 1
    out(f'FAIL: {name}: {oneline(why)}')
    for d in list(details)[:20]:
        out(f'    {oneline(d)}')


def skip(name, why):
    out(f'SKIP: {name}: {oneline(why)}')


def check(name, problems, detail=''):
    """PASS when problems (a list) is empty, else FAIL with the first as the
    reason and the rest as details."""
    if problems:
        fail(name, problems[0], problems[1:])
    else:
        ok(name, detail)


def oneline(s):
    return str(s).replace('\n', '\\n')


def finish():
    sys.exit(1 if failures else 0)


# ------------------------------------------------------------ kernel log

def mark(test):
    """Write a marker to the kernel log; returns it for splats()."""
    m = f'fdscope-test: {test} start {uuid.uuid4()}'
    with open('/dev/kmsg', 'w') as f:
        f.write(m + '\n')
    return m


def splats(marker):
    """Kernel log lines after marker that tests/vm/run would fail on."""
    log = subprocess.run(['dmesg'], capture_output=True, text=True,
                         errors='replace').stdout.splitlines()
    for i, line in enumerate(log):
        if marker in line:
            return [ln for ln in log[i + 1:] if SPLAT.search(ln)]
    return ['marker not found in the kernel log']


def check_dmesg(name, marker):
    check(name, splats(marker))


# ------------------------------------------------------------ the module

def loaded():
    with open('/proc/modules') as f:
        return any(line.split()[0] == 'fdscope' for line in f)


def refcnt():
    try:
        with open('/sys/module/fdscope/refcnt') as f:
            return int(f.read())
    except OSError:
        return None


def rmmod(*extra):
    """(exit status, stderr) of rmmod fdscope."""
    r = subprocess.run(['rmmod', *extra, 'fdscope'], capture_output=True, text=True)
    return r.returncode, r.stderr.strip()


def insmod():
    """(exit status, stderr) of insmod $FDSCOPE_KO."""
    r = subprocess.run(['insmod', os.environ['FDSCOPE_KO']], capture_output=True, text=True)
    return r.returncode, r.stderr.strip()


O_NONBLOCK = 0o4000
O_TRUNC = 0o1000
_libc = ctypes.CDLL(None, use_errno=True)
_SYS_delete_module = 176  # x86_64


def delete_module(flags):
    """The raw syscall: 0, or the errno."""
    r = _libc.syscall(_SYS_delete_module, b'fdscope', flags)
    return 0 if r == 0 else ctypes.get_errno()


def ensure_loaded():
    """The rig rmmods after the command: leave the module loaded."""
    if not loaded():
        rc, err = insmod()
        if rc:
            fail('reload-module', f'insmod {os.environ.get("FDSCOPE_KO")}: {err}')


# ------------------------------------------------------------ programs

def build_stress():
    """make tests/stress (a no-op when the host built it); None or why not."""
    r = subprocess.run(['make', '-s', '-C', STRESS], capture_output=True, text=True)
    if r.returncode:
        return 'make -C tests/stress failed: ' + (r.stderr or r.stdout)[-300:]
    return None


class Reader:
    """tests/stress/reader running in the background."""

    def __init__(self, args, name=None):
        self.args = [READER, *args]
        self.name = name or ' '.join(args)
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     errors='replace')
        self.output = ''

    def wait_ready(self, timeout):
        """True once it printed 'reader: ready' (its first read returned)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            line = self.proc.stdout.readline()
            if not line:
                return False
            self.output += line
            if line.startswith('reader: ready'):
                return True
        return False

    def stop(self, timeout=60):
        """SIGTERM, wait; returns (exit status, output)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            rest, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
            rest += '\n(killed: did not stop within %d s of SIGTERM)' % timeout
        self.output += rest
        return self.proc.returncode, self.output

    def summary(self):
        lines = [ln for ln in self.output.splitlines() if ln.startswith('reader: /')]
        return lines[-1] if lines else self.output.strip()[-300:]


def run_reader(args, timeout=300):
    """Run tests/stress/reader to the end: (exit status, output)."""
    try:
        r = subprocess.run([READER, *args], capture_output=True, text=True,
                           errors='replace', timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return -1, f'timed out after {timeout} s: {e.stdout!r}'
    return r.returncode, r.stdout + r.stderr


def wait_until(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


# x86_64 syscall numbers of nanosleep and clock_nanosleep.
SLEEP_SYSCALLS = ('35', '230')


def in_sleep_syscall(pid):
    """True once PID sits in nanosleep: its dynamic loader has closed every
    library it opened, so its fd table no longer changes."""
    try:
        with open(f'/proc/{pid}/syscall') as f:
            return f.read().split()[0] in SLEEP_SYSCALLS
    except (OSError, IndexError):
        return False


def read_all(fd, size=1 << 16):
    parts = []
    while True:
        b = os.read(fd, size)
        if not b:
            return b''.join(parts)
        parts.append(b)


def errname(e):
    return errno.errorcode.get(e, str(e))
