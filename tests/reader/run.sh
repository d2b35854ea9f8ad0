#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The reader's host-side tests on saved dumps: one "PASS: reader-NAME" or
# "FAIL: reader-NAME: why" line per test, non-zero exit if any failed.
# Needs userspace/fdscope built (make -C userspace). Names select tests.
exec python3 "$(dirname "$0")/tests.py" "$@"
