#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make install, modprobe, run, uninstall: in the guest, on its own kernel.

The rig has already loaded the module it built; this test unloads it,
installs the same build the way a user would, loads it with modprobe, runs
the installed reader, uninstalls, checks nothing is left, and loads the
rig's module again so the rig's final rmmod still has one to remove.
"""
import glob
import os
import subprocess
import sys

from fdscope_lib import OutOfTreeDepmod

REPO = os.environ.get("FDSCOPE_REPO", os.getcwd())
VER = os.uname().release
KDIR = f"/lib/modules/{VER}/build"
failed = 0


def check(name, ok, why=""):
    global failed
    print(f"PASS: {name}" if ok else f"FAIL: {name}: {why}")
    failed += not ok


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, **kw)


def installed():
    return glob.glob(f"/lib/modules/{VER}/extra/**/fdscope.ko*", recursive=True) + [
        p for p in ("/usr/local/bin/fdscope", "/usr/local/share/man/man1/fdscope.1",
                  "/usr/local/share/bash-completion/completions/fdscope")
        if os.path.exists(p)]


# depmod indexes only extra/ meanwhile: a full one takes minutes to tens of
# minutes through 9p under TCG (fdscope_lib.OutOfTreeDepmod).
had_extra = os.path.exists(f"/lib/modules/{VER}/extra")
with OutOfTreeDepmod():
    make = ["make", "-s", f"KDIR={KDIR}", f"MODDIR={REPO}/.build/{VER}"]
    r = run(*make, "install")
    check("install-make-install", r.returncode == 0 and len(installed()) == 4,
          f"rc={r.returncode} installed={installed()} {r.stderr.strip()[-300:]}")

    run("rmmod", "fdscope")
    r = run("modprobe", "fdscope")
    check("install-modprobe", r.returncode == 0 and os.path.isdir("/sys/module/fdscope"),
          f"rc={r.returncode} {r.stderr.strip()}")
    r = run("modinfo", "-n", "fdscope")
    check("install-modinfo-path", r.stdout.strip().startswith(f"/lib/modules/{VER}/extra/"),
          f"modprobe would load {r.stdout.strip()!r}")

    me = str(os.getpid())
    r = run("/usr/local/bin/fdscope", "-p", me, "-r", "-n", "-o", "PID,FD,NAME")
    rows = [line.split(" ", 2) for line in r.stdout.splitlines()]
    check("install-reader-runs", r.returncode == 0 and rows and all(row[0] == me for row in rows),
          f"rc={r.returncode} stderr={r.stderr.strip()!r} rows={rows[:3]}")
    r = run("man", "-w", "fdscope")
    check("install-man-page", os.path.realpath(r.stdout.strip()) ==
          os.path.realpath("/usr/local/share/man/man1/fdscope.1"),
          f"man -w: {r.stdout.strip()!r} {r.stderr.strip()!r}")

    r = run("modprobe", "-r", "fdscope")
    check("install-modprobe-r", r.returncode == 0 and not os.path.exists("/sys/module/fdscope"),
          r.stderr.strip())
    r = run(*make, "uninstall")
    left = installed()
    if not had_extra and os.path.exists(f"/lib/modules/{VER}/extra"):
        left.append(f"/lib/modules/{VER}/extra/")
    check("install-uninstall", r.returncode == 0 and not left, f"rc={r.returncode} left={left}")
    r = run("modinfo", "fdscope")
    check("install-uninstall-depmod", r.returncode != 0, "modinfo still finds fdscope")

r = run("insmod", os.environ["FDSCOPE_KO"])
check("install-reload-rig-module", r.returncode == 0, r.stderr.strip())
sys.exit(1 if failed else 0)
