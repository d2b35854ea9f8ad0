# SPDX-License-Identifier: GPL-2.0
#
# fdscope: `make` builds module/fdscope.ko and userspace/fdscope;
# `make run` shows it working (in a guest when this kernel can't load it);
# `make check` runs every test lane. Kbuild reads ./Kbuild, not this file.

KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && echo $$d || \
	ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -1)
# The kernel release KDIR belongs to, for install paths and DKMS.
KVER ?= $(notdir $(patsubst %/build,%,$(KDIR)))
# The kbuild tree holding the built module: here, or a .build/<kver>/ one.
MODDIR ?= $(CURDIR)
VERSION := $(shell sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' module/main.c)
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all module userspace fixtures stress deps run check lint kunit bench fuzz \
	vm-6.1 vm-6.12 vm-6.12-rt install install-reader uninstall dkms-src dkms-install \
	dkms-remove deb clean

all: module userspace

module:
	@[ -n "$(KDIR)" ] || { echo "no kernel headers found: run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

fixtures:
	$(MAKE) -C tests/fixtures

stress:
	$(MAKE) -C tests/stress

deps:
	scripts/deps.sh

run:
	scripts/run.sh

check:
	tests/check.sh

lint:
	tests/lint.sh

kunit:
	tests/kunit/run.sh 6.1
	tests/kunit/run.sh 6.12-rt

bench:
	scripts/deps.sh
	tests/bench/run.sh $(BENCH_ARGS)

fuzz:
	tests/fuzz/run.sh $(or $(FUZZ_SECONDS),600)

# deb: the packages that test_deb.py installs in the guest.
vm-6.1 vm-6.12 vm-6.12-rt: fixtures stress userspace deb
	tests/vm/run $(@:vm-%=%) tests/vm/guest/run-all.sh

# Installs what `make` built (MODDIR= another tree built for KDIR) with
# kbuild's modules_install, compressed as the kernel's own modules are, then
# depmod (kbuild skips it: Debian's headers have no System.map). No signing:
# a distribution's key is not on the machine (README: signing with a MOK).
# Staged installs (DESTDIR=) leave depmod to the package's own install step.
MODDEST = $(DESTDIR)/lib/modules/$(KVER)/extra

install:
	@[ -f $(MODDIR)/module/fdscope.ko ] && [ -x userspace/fdscope ] || \
		{ echo "install: nothing built in $(MODDIR): run 'make' first" >&2; exit 1; }
	@# kbuild's modules.order names the tree by absolute path: from a copied
	@# or moved tree, modules_install would install nothing and succeed.
	@! grep -qv '^$(abspath $(MODDIR))/' $(MODDIR)/modules.order || \
		{ echo "install: $(MODDIR) was built as $$(head -1 $(MODDIR)/modules.order | sed 's|/module/.*||'): rebuild it where it is (make clean; make)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(MODDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		CONFIG_MODULE_SIG_ALL= modules_install
	@ls $(MODDEST)/module/fdscope.ko* >/dev/null 2>&1 || \
		{ echo "install: modules_install put no fdscope.ko in $(MODDEST)/module" >&2; exit 1; }
	$(if $(DESTDIR),,depmod $(KVER))
	$(MAKE) -s install-reader

# The reader's files; the fdscope package installs them through this too.
COMPLETIONS = $(PREFIX)/share/bash-completion/completions
READER_FILES = $(PREFIX)/bin/fdscope $(PREFIX)/share/man/man1/fdscope.1 $(COMPLETIONS)/fdscope

install-reader:
	@[ -x userspace/fdscope ] || { echo "install-reader: run 'make userspace' first" >&2; exit 1; }
	install -D -m 0755 userspace/fdscope $(DESTDIR)$(PREFIX)/bin/fdscope
	install -D -m 0644 userspace/fdscope.1 $(DESTDIR)$(PREFIX)/share/man/man1/fdscope.1
	install -D -m 0644 userspace/fdscope.bash-completion $(DESTDIR)$(COMPLETIONS)/fdscope

uninstall:
	rm -f $(MODDEST)/module/fdscope.ko $(MODDEST)/module/fdscope.ko.*
	-rmdir $(MODDEST)/module $(MODDEST) 2>/dev/null
	$(if $(DESTDIR),,depmod $(KVER))
	rm -f $(addprefix $(DESTDIR),$(READER_FILES))

# DKMS keeps a copy of the sources in /usr/src and rebuilds on kernel upgrades.
# dkms-src lays out that copy (under DESTDIR for the fdscope-dkms package);
# #MODULE_VERSION# is dh_dkms's placeholder, so both fill in the same file.
DKMS_SRC = /usr/src/fdscope-$(VERSION)

dkms-src:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	mkdir -p $(DESTDIR)$(DKMS_SRC)/module
	cp Kbuild $(DESTDIR)$(DKMS_SRC)/
	cp module/Kbuild module/compat.mk $(filter-out %.mod.c,$(wildcard module/*.[ch])) \
		$(DESTDIR)$(DKMS_SRC)/module/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	dkms add -m fdscope -v $(VERSION)
	dkms install -m fdscope -v $(VERSION) -k $(KVER)

dkms-remove:
	-dkms remove -m fdscope -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

# fdscope_<version>_<arch>.deb and fdscope-dkms_<version>_all.deb, built
# from a copy of this tree, land in .build/deb/.
deb:
	scripts/build-deb.sh .build/deb

clean:
	[ -z "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C userspace clean
	-$(MAKE) -C tests/fixtures clean
	-$(MAKE) -C tests/stress clean
	rm -rf .build
