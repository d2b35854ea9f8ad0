#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Exploratory, not part of make check: what `rmmod -f` (the kernels have
CONFIG_MODULE_FORCE_UNLOAD=y) does to readers holding the files open.

    tests/vm/run 6.12 tests/vm/guest/force_unload.py

Opens files, sockets and tasks and reads a little of each (mid-file), plus
a reader process reading 1 byte at a time; forces the module out; reads
again (debugfs should answer EIO once its files are removed); closes the
files (debugfs's proxy then calls the module's release(), in a module that
is gone); loads the module again. Each step is printed before it is taken,
and the kernel log decides: see tests/vm/run's verdict.

Seen on 6.12.117 (and expected on every kernel whose debugfs uses the full
proxy): rmmod -f succeeds (taint R), reads after it fail with EIO, and the
first close() oopses in full_proxy_release() on the freed fdscope_fops
("BUG: unable to handle page fault"); the guest then hangs until the
timeout. Forced unload is unsafe by design; never use it on fdscope.
"""

import os
import subprocess
import sys
import time

import hardening as h


def say(s):
    print(f'force-unload: {s}', flush=True)
    with open('/dev/kmsg', 'w') as f:
        f.write(f'force-unload: {s}\n')


def main():
    marker = h.mark('force-unload')
    if h.build_stress():
        h.fail('force-unload-build', h.build_stress())
        h.finish()
    fds = {k: os.open(f'{h.DEBUGFS}/{k}', os.O_RDONLY) for k in h.KINDS}
    for k, fd in fds.items():
        say(f'{k}: read {len(os.read(fd, 100))} bytes')
    r = h.Reader(['-b', '1', '-m', 'seek', '-E', '-t', '600', 'files'], 'files-1byte')
    r.wait_ready(60)
    say(f'refcnt {h.refcnt()}; rmmod -f')
    rc, err = h.rmmod('-f')
    say(f'rmmod -f: exit {rc} {err!r}; loaded: {h.loaded()}; '
        f'taint {open("/proc/sys/kernel/tainted").read().strip()}')
    if rc:
        h.skip('force-unload', f'rmmod -f refused: {err}')
        for fd in fds.values():
            os.close(fd)
        r.stop()
        h.finish()
    for k, fd in fds.items():
        try:
            say(f'{k}: read after removal: {len(os.read(fd, 100))} bytes (!)')
        except OSError as e:
            say(f'{k}: read after removal: {h.errname(e.errno)}')
    time.sleep(1)
    say('stopping the 1-byte reader (it closes its file)')
    rc, output = r.stop()
    say(f'reader exit {rc}: {r.summary()}')
    for k, fd in fds.items():
        say(f'closing {k}')
        os.close(fd)
        say(f'closed {k}')
    rc, err = h.insmod()
    say(f'insmod again: exit {rc} {err!r}')
    rc, output = h.run_reader(['-n', '1', 'files'])
    say(f'read after reload: exit {rc}: {output.strip()[-200:]}')
    found = h.splats(marker)
    h.check('force-unload-dmesg-clean', found)
    h.finish()


if __name__ == '__main__':
    sys.exit(main())
