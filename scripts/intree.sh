#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make intree: build a Xen PV guest kernel with the selfballoon driver built
# in (the series of scripts/patches.sh on Debian's linux-source-6.12) and
# boot it as the domU of the Xen-in-QEMU harness, running
# tests/domu/builtin.sh once per set of boot switches.
#
#   scripts/intree.sh [build|test|compare]     (default: test)
#     build    generate the series, build bzImage; print its path
#     test     build, then boot it five times: no switch, "selfballooning",
#              "selfballooning noselfballooning", "noselfshrink",
#              "selfballooning=0" (a bool core parameter: it means off);
#              then twice with a 256 MiB PV swap disk and zswap on, running
#              tests/domu/zswap.sh (frontswap self-shrinking):
#              "selfballooning zswap.enabled=1" and the same with
#              "noselfshrink"
#     compare  build, then run tests/domu/builtin.sh on this kernel and
#              on Debian's 6.12 with the module (same memory and maxmem)
#              and print floor_kb/goal_kb side by side
#
# Output: "PASS intree <name>" / "FAIL intree <name>: <why>" lines and a
# last line "N passed, N failed"; the exit status is non-zero on any
# failure.
#
# The kernel is x86_64_defconfig + xen.config + the fragment below (a PV
# guest with hvc0, no modules, no DRM/sound/USB/wireless), built with
# ccache in
#   ${XSB_CACHE:-~/.cache/xen-selfballoon}/intree/linux-source-<ver>/
#     build-src/        a git worktree checked out at the series' commit
#                       (git touches only the files that differ, so the
#                       next build recompiles only those)
#     build/<key>/      the O= directory, <key> the series' tree hash and
#                       the fragment's; a new key takes over the previous
#                       directory (renamed), so a one-file change stays an
#                       incremental build
#     ccache/           CCACHE_DIR
# The bzImage is copied to out/intree/bzImage.  drivers/xen/selfballoon/ is
# compiled once more with W=1 (to .s files, leaving the objects alone) and
# any warning there, or in the main build for the driver's files, fails.
#
# The harness takes the domU kernel from a Debian .deb; booting our image
# needs its --kernel option (and --swap for the zswap boots).
# XSB_RUN_DOMU=path overrides the harness script (e.g. a copy that has the
# option), XSB_BUILTIN_SCENARIO=path the scenario of the five boot-switch
# boots (tests/domu/builtin.sh).

set -uo pipefail
XSB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/patches.sh
. "$XSB_ROOT/scripts/patches.sh"

RUN_DOMU=${XSB_RUN_DOMU:-$XSB_ROOT/scripts/xen-qemu/run-domu.sh}
OUT=$XSB_ROOT/out/intree
JOBS=${JOBS:-$(nproc)}

# The config on top of x86_64_defconfig + xen.config.  The first block must
# end up exactly so in .config (checked); the rest only keeps it small.
# The in-tree kernel is also the project's debug kernel: zswap (frontswap
# self-shrinking's backend) with memory cgroups, as distribution kernels
# have them (zswap's writeback walks the memcgs; the zswap scenario uses
# memory.reclaim), lockdep, might_sleep() checks, work and timer object
# debugging, and kmemleak (off unless booted with "kmemleak=on").
FRAGMENT_REQUIRED='CONFIG_XEN=y
CONFIG_XEN_PV=y
CONFIG_XEN_BALLOON=y
CONFIG_XEN_SELFBALLOONING=y
CONFIG_HVC_XEN=y
CONFIG_XEN_BLKDEV_FRONTEND=y
CONFIG_XEN_NETDEV_FRONTEND=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_DEBUG_FS=y
CONFIG_KUNIT=y
CONFIG_KUNIT_DEBUGFS=y
CONFIG_XEN_SELFBALLOON_KUNIT_TEST=y
CONFIG_SWAP=y
CONFIG_ZSWAP=y
CONFIG_MEMCG=y
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_OBJECTS=y
CONFIG_DEBUG_OBJECTS_WORK=y
CONFIG_DEBUG_OBJECTS_TIMERS=y
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=y
# CONFIG_MODULES is not set'
FRAGMENT_SMALL='# CONFIG_DRM is not set
# CONFIG_SOUND is not set
# CONFIG_USB_SUPPORT is not set
# CONFIG_WLAN is not set
# CONFIG_WIRELESS is not set
# CONFIG_CFG80211 is not set
# CONFIG_NETFILTER is not set
# CONFIG_SECURITY_SELINUX is not set
# CONFIG_HID is not set
# CONFIG_AGP is not set
# CONFIG_NFS_FS is not set
# CONFIG_XEN_BLKDEV_BACKEND is not set
# CONFIG_XEN_NETDEV_BACKEND is not set
# CONFIG_XEN_SCSI_BACKEND is not set
# CONFIG_XEN_PCIDEV_BACKEND is not set
# CONFIG_XEN_FBDEV_FRONTEND is not set
# CONFIG_INPUT_XEN_KBDDEV_FRONTEND is not set
# CONFIG_XEN_SCSI_FRONTEND is not set
# CONFIG_XEN_PCIDEV_FRONTEND is not set
# CONFIG_XEN_WDT is not set
# CONFIG_XEN_ACPI_PROCESSOR is not set
CONFIG_DEBUG_INFO_NONE=y'

PASSED=0 FAILED=0
pass() { echo "PASS intree $1"; PASSED=$((PASSED + 1)); }
fail() {
	echo "FAIL intree $1: $2"
	[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/    /'
	FAILED=$((FAILED + 1))
}

# kmake O ARGS...: make in the build worktree with ccache
kmake() {
	local o=$1
	shift
	make -C "$SRC" O="$o" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_USER=xsb KBUILD_BUILD_HOST=intree \
		KBUILD_BUILD_TIMESTAMP="@${SOURCE_DATE_EPOCH:-0}" "$@"
}

# configure O: x86_64_defconfig + xen.config + the fragment, then check
# that every required line is in .config
configure() {
	local o=$1 frag=$1/xsb.config line missing=()
	printf '%s\n%s\n' "$FRAGMENT_REQUIRED" "$FRAGMENT_SMALL" >"$frag"
	kmake "$o" x86_64_defconfig >/dev/null &&
	kmake "$o" xen.config >/dev/null &&
	( cd "$SRC" && scripts/kconfig/merge_config.sh -m -O "$o" \
		"$o/.config" "$frag" >/dev/null ) &&
	kmake "$o" olddefconfig >/dev/null || return 1
	while IFS= read -r line; do
		grep -qxF "$line" "$o/.config" || missing+=("$line")
	done <<<"$FRAGMENT_REQUIRED"
	if [ ${#missing[@]} -gt 0 ]; then
		fail config "not in .config: ${missing[*]}"
		return 1
	fi
	pass config
}

xsb_intree_build() {
	local cache repo tree key prev o start t log wlog warn asm
	deps_apt gcc make bc flex bison libelf-dev libssl-dev cpio ccache \
		perl python3 >&2 || { fail deps "cannot install the build dependencies"; return 1; }
	mkdir -p "$XSB_CACHE"
	start=$SECONDS
	if ! repo=$(xsb_intree_repo); then
		fail series "cannot install or extract linux-source"
		return 1
	fi
	cache=$(dirname "$repo")
	# one build at a time: build-src/ (checked out below) and the build
	# directory; taken before intree.lock, which scripts/patches.sh takes
	# alone, so the two never wait on each other crosswise
	exec 6>"$cache/build.lock"
	flock 6
	# the series and the worktrees: shared with scripts/patches.sh
	exec 7>"$XSB_CACHE/intree.lock"
	flock 7
	if ! xsb_series_build >/dev/null; then
		fail series "cannot generate the series"
		return 1
	fi
	SRC=$cache/build-src
	if [ ! -e "$SRC/.git" ]; then
		rm -rf "$SRC"
		git -C "$cache/repo" worktree prune
		git -C "$cache/repo" worktree add -q --detach "$SRC" series ||
			{ fail worktree "cannot create $SRC"; return 1; }
	fi
	git -C "$SRC" checkout -q --detach -f series ||
		{ fail worktree "cannot check out the series in $SRC"; return 1; }
	echo "intree: series ready in $((SECONDS - start)) s" >&2
	flock -u 7

	tree=$(git -C "$SRC" rev-parse --short=12 'HEAD^{tree}')
	key=$tree-$(printf '%s\n%s\n' "$FRAGMENT_REQUIRED" "$FRAGMENT_SMALL" | sha256sum | cut -c1-8)
	o=$cache/build/$key
	if [ ! -d "$o" ]; then
		# take over the newest earlier build directory, if any
		prev=$(find "$cache/build" -mindepth 1 -maxdepth 1 -type d \
			-printf '%T@ %p/\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2-)
		mkdir -p "$cache/build"
		if [ -n "$prev" ]; then
			echo "intree: reusing ${prev%/} as $o" >&2
			mv -T "${prev%/}" "$o"
		else
			mkdir -p "$o"
		fi
	fi
	export CCACHE_DIR=$cache/ccache
	# one build directory at a time: drop the others (a full build each)
	for prev in "$cache"/build/*/; do
		[ "${prev%/}" = "$o" ] || rm -rf "${prev%/}"
	done

	configure "$o" || return 1
	log=$cache/build.log
	t=$SECONDS
	if ! kmake "$o" bzImage >"$log" 2>&1; then
		fail build "make bzImage failed" "$(grep -E 'error|Error' "$log" | head -n 20)"
		return 1
	fi
	BUILD_S=$((SECONDS - t))
	warn=$(grep -E '(drivers/xen/selfballoon/|drivers/xen/xen-balloon\.c|include/xen/balloon\.h).*warning:' "$log")
	if [ -z "$warn" ]; then pass build.no_warning_in_driver_files; else
		fail build.no_warning_in_driver_files "$(printf '%s\n' "$warn" | wc -l) warning(s)" "$warn"; fi
	pass "build.bzImage (${BUILD_S} s)"

	# W=1 for the driver's directory only, to .s files (the objects and
	# their flags stay as the kernel build left them)
	wlog=$cache/build-w1.log
	mapfile -t asm < <(cd "$SRC" && find drivers/xen/selfballoon -maxdepth 1 -name '*.c' | sed 's/\.c$/.s/' | sort)
	if kmake "$o" W=1 "${asm[@]}" >"$wlog" 2>&1; then
		warn=$(grep -E 'warning:|error:' "$wlog")
		if [ -z "$warn" ]; then pass build.w1_drivers_xen_selfballoon; else
			fail build.w1_drivers_xen_selfballoon "$(printf '%s\n' "$warn" | wc -l) warning(s)" "$warn"; fi
	else
		fail build.w1_drivers_xen_selfballoon "make W=1 failed" "$(tail -n 20 "$wlog")"
	fi

	mkdir -p "$OUT"
	cp "$o/arch/x86/boot/bzImage" "$OUT/bzImage"
	cp "$o/.config" "$OUT/config"
	git -C "$SRC" log -1 --format='%H %s' >"$OUT/series"
	KERNEL=$OUT/bzImage
	echo "intree: $KERNEL ($(du -k "$KERNEL" | cut -f1) KiB), O=$o, make bzImage ${BUILD_S} s, total $((SECONDS - start)) s" >&2
	flock -u 6
}

# The boots of "test": name and domU command line words.
BOOTS=(
	"none|"
	"selfballooning|selfballooning"
	"selfballooning_noselfballooning|selfballooning noselfballooning"
	"noselfshrink|noselfshrink"
	"selfballooning_eq_0|selfballooning=0"
)

# The boots of "test" with a swap disk and zswap: tests/domu/zswap.sh.
ZSWAP_BOOTS=(
	"zswap|selfballooning zswap.enabled=1"
	"zswap_noselfshrink|selfballooning noselfshrink zswap.enabled=1"
)
ZSWAP_SWAP_MB=256

# boot NAME CMDLINE RUN-DOMU-ARGS...: run the scenario $SCENARIO (default
# tests/domu/builtin.sh) in a domU and report its TEST lines as
# "PASS intree NAME.<test>"; the run's output is in out/intree/NAME/
boot() {
	local name=$1 cmdline=$2 dir=$OUT/$1 rc n
	local scenario=${SCENARIO:-${XSB_BUILTIN_SCENARIO:-$XSB_ROOT/tests/domu/builtin.sh}}
	shift 2
	mkdir -p "$dir"
	"$RUN_DOMU" "$@" --scenario "$scenario" \
		--files "${FILES:-} $XSB_ROOT/tests/domu/lib.sh" \
		--domu-cmdline "$cmdline" --memory 512 --maxmem 1024 \
		--out "$dir" --timeout 600 >"$dir.run.log" 2>&1
	rc=$?
	tail -n 3 "$dir.run.log" | sed 's/^/  /' >&2
	sed -n 's/^[0-9.]* TEST PASS \(.*\)$/\1/p' "$dir/guest.log" 2>/dev/null |
		while IFS= read -r t; do echo "PASS intree $name.$t"; done
	sed -n 's/^[0-9.]* TEST FAIL \(.*\)$/\1/p' "$dir/guest.log" 2>/dev/null |
		while IFS= read -r t; do echo "FAIL intree $name.$t"; done
	n=$(grep -c ' TEST PASS ' "$dir/guest.log" 2>/dev/null)
	PASSED=$((PASSED + ${n:-0}))
	n=$(grep -c ' TEST FAIL ' "$dir/guest.log" 2>/dev/null)
	FAILED=$((FAILED + ${n:-0}))
	n=$(grep -c ' TEST \(PASS\|FAIL\) ' "$dir/guest.log" 2>/dev/null)
	if grep -q ' SCENARIO failures=' "$dir/guest.log" 2>/dev/null; then
		pass "$name.scenario_completed"
	else
		fail "$name.scenario_completed" "run-domu rc=$rc after ${n:-0} assertions; see $dir/serial.log"
	fi
}

# figures DIR: the FIGURES line of a run, without its prefix
figures() {
	sed -n 's/^[0-9.]* FIGURES //p' "$1/guest.log" 2>/dev/null | tail -n 1
}

# need_kernel_option: the harness must take our image (and give the
# zswap boots a disk)
need_kernel_option() {
	if ! "$RUN_DOMU" --help | grep -q -- '--kernel PATH'; then
		fail harness "$RUN_DOMU has no --kernel option (set XSB_RUN_DOMU to a harness that has it)"
		return 1
	fi
	if ! "$RUN_DOMU" --help | grep -q -- '--swap MiB'; then
		fail harness "$RUN_DOMU has no --swap option (set XSB_RUN_DOMU to a harness that has it)"
		return 1
	fi
}

compare() {
	local ko m b k
	# shellcheck source=scripts/lib/build.sh
	. "$XSB_ROOT/scripts/lib/build.sh"
	if ! ko=$(build_module 6.12); then
		fail compare.module_build "the module does not build against Debian's 6.12 headers"
		return 1
	fi
	boot compare-builtin selfballooning --kernel "$KERNEL"
	FILES=$ko boot compare-module-6.12 selfballooning --kver 6.12
	m=$(figures "$OUT/compare-module-6.12")
	b=$(figures "$OUT/compare-builtin")
	if [ -z "$m" ] || [ -z "$b" ]; then
		fail compare.figures "a run reported no FIGURES line"
		return 1
	fi
	echo "== module (Debian 6.12) vs built in (this series), memory 512 MiB, maxmem 1024 MiB, boot word selfballooning"
	printf '%-14s %24s %24s\n' "" module built-in
	for k in kernel memtotal_kb reserved_mb committed_kb current_kb goal_kb \
		 floor_kb target_kb totalreserve_kb present_kb ram_end_kb \
		 curve_floor_max_pfn_kb curve_floor_present_kb; do
		printf '%-14s %24s %24s\n' "$k" \
			"$(tr ' ' '\n' <<<"$m" | sed -n "s/^$k=//p")" \
			"$(tr ' ' '\n' <<<"$b" | sed -n "s/^$k=//p")"
	done | tee "$OUT/compare.txt"
}

case ${1:-test} in
build)
	xsb_intree_build
	;;
test)
	if xsb_intree_build && need_kernel_option; then
		for b in "${BOOTS[@]}"; do
			boot "${b%%|*}" "${b#*|}" --kernel "$KERNEL"
		done
		for b in "${ZSWAP_BOOTS[@]}"; do
			SCENARIO=$XSB_ROOT/tests/domu/zswap.sh \
				boot "${b%%|*}" "${b#*|}" --kernel "$KERNEL" \
				--swap "$ZSWAP_SWAP_MB"
		done
	fi
	;;
compare)
	xsb_intree_build && need_kernel_option && compare
	;;
*)
	echo "usage: $0 [build|test|compare]" >&2
	exit 2
	;;
esac
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
