# SPDX-License-Identifier: GPL-2.0
#
# fdscope: `make` builds module/fdscope.ko and userspace/fdscope;
# `make run` shows it working (in a guest when this kernel can't load it);
# `make check` runs every test lane. Kbuild reads ./Kbuild, not this file.

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && echo $$d || \
	ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -1)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all module userspace fixtures deps run check lint kunit bench fuzz \
	vm-6.1 vm-6.12 clean

all: module userspace

module:
	@[ -n "$(KDIR)" ] || { echo "no kernel headers found: run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

fixtures:
	$(MAKE) -C tests/fixtures

deps:
	scripts/deps.sh

run:
	scripts/run.sh

check:
	tests/check.sh

lint:
	tests/lint.sh

kunit:
	tests/kunit/run.sh

bench:
	tests/bench/run.sh $(BENCH_ARGS)

fuzz:
	tests/fuzz/run.sh $(or $(FUZZ_SECONDS),600)

vm-6.1 vm-6.12: fixtures userspace
	tests/vm/run $(@:vm-%=%) tests/vm/guest/run-all.sh

clean:
	[ -z "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C userspace clean
	-$(MAKE) -C tests/fixtures clean
	rm -rf .build
