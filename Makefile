# SPDX-License-Identifier: GPL-2.0
#
# Xen selfballoon driver.
#
# Inside kbuild (in tree, or `make -C $(KDIR) M=$(PWD)`) this is a kbuild
# Makefile.  Run directly, it builds the module out of tree against the
# running kernel's headers (KDIR=... for others) and runs the project's
# commands: demo, check, check-fast, patches, intree, fuzz, stress,
# overcommit, bench.
#
# The module is xen_selfballoon.ko: kbuild cannot name a composite object
# after one of its parts, and xen-selfballoon.c is one of them.

ifneq ($(KERNELRELEASE),)

ifneq ($(KBUILD_EXTMOD),)
CONFIG_XEN_SELFBALLOONING := m
endif

# Before Linux 6.7 (Debian's 6.1) shrinkers are registered with
# register_shrinker(), not shrinker_alloc() (see xen-selfballoon.c)
ifneq ($(KBUILD_EXTMOD),)
ccflags-y += $(if $(shell grep -s shrinker_alloc $(srctree)/include/linux/shrinker.h),,-DXSB_OLD_SHRINKER_API)
endif

obj-$(CONFIG_XEN_SELFBALLOONING) += xen_selfballoon.o
xen_selfballoon-y := xen-selfballoon.o sysfs.o selfballoon-policy.o \
		     frontswap-shrink.o
# the trace event header (selfballoon_trace.h) is included from here
CFLAGS_xen-selfballoon.o := -I$(src)

else

KDIR ?= /lib/modules/$(shell uname -r)/build

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

demo:
	scripts/demo.sh

check:
	scripts/check.sh

check-fast:
	scripts/check.sh --fast

# the in-tree series (out/patches/) and its built-in driver booted in a domU
patches:
	scripts/patches.sh

intree:
	scripts/intree.sh

.PHONY: modules clean modules_install demo check check-fast patches intree

# libFuzzer over the policy, compiled unchanged in userspace (tools/README):
# 10^7 executions by default; FUZZ_ARGS="--runs N --time S --jobs N"
fuzz:
	scripts/fuzz.sh $(FUZZ_ARGS)

.PHONY: fuzz

# the long reliability runs (Documentation/xen-selfballoon-reliability.rst)
stress:
	scripts/stress.sh $(STRESS_ARGS)

# several guests under one Xen, selfballooning off then on
# (Documentation/xen-selfballoon-performance.rst, "Several guests on one host")
overcommit:
	scripts/overcommit.sh $(OVERCOMMIT_ARGS)

# the policy lab and the domU figures (Documentation/xen-selfballoon-performance.rst)
bench:
	scripts/bench.sh $(BENCH_ARGS)

.PHONY: stress overcommit bench

endif
