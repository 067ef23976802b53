#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: the long reliability runs in a real Xen PV domU
# (Documentation/xen-selfballoon-reliability.rst).
#
#   scripts/stress.sh [--kernels "6.1 6.12 intree"] [--soak S] [--cycles N]
#                     [--writers N] [--parts "soak cycles burst unreachable"]
#                     [--unreach-mb MiB]
#
#   --kernels   6.1 and 6.12: Debian's kernels with the module built for
#               them; intree: the debug kernel of `scripts/intree.sh build`
#               (lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS_WORK/TIMERS,
#               kmemleak, booted with kmemleak=on) with the driver built in
#               (default: all three, one after the other)
#   --soak S    seconds of the concurrency soak (default 600)
#   --cycles N  insmod/rmmod cycles with writers active; built in, switch
#               cycles (default 100)
#   --writers N writer processes (default 4)
#   --parts     the parts of tests/domu/stress.sh to run (default: all)
#   --unreach-mb  the memory the host leaves the guest in the unreachable
#               part (default 600)
#
# Each kernel is one boot (memory 512 MiB, maxmem 1024 MiB, 2 vCPUs,
# slab_nomerge so that kernfs nodes are counted apart) running
# tests/domu/stress.sh, with tests/domu/stress-dom0.sh (a watchdog) in
# dom0; dom0's request service carries out the guest's mem-max requests.
# Output: "PASS stress-<kernel> <name>" / "FAIL stress-<kernel> <name>: <why>",
# the figures of each run (out/stress/<kernel>/figures.txt, and a table at
# the end), and a last line "N passed, N failed".  Exit status 0 only if
# nothing failed.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$TOP/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/build.sh
. "$TOP/scripts/lib/build.sh"

KERNELS="6.1 6.12 intree" SOAK=600 CYCLES=100 WRITERS=4 UNREACH_MB=600
PARTS="soak cycles burst unreachable"
usage="usage: $0 [--kernels \"6.1 6.12 intree\"] [--soak S] [--cycles N] [--writers N] [--parts \"...\"] [--unreach-mb MiB]"
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
	case $1 in
	--kernels) KERNELS=$2 ;;
	--soak) SOAK=$2 ;;
	--cycles) CYCLES=$2 ;;
	--writers) WRITERS=$2 ;;
	--parts) PARTS=$2 ;;
	--unreach-mb) UNREACH_MB=$2 ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
	shift 2
done
for n in "$SOAK" "$CYCLES" "$WRITERS" "$UNREACH_MB"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
done

OUT=$TOP/out/stress
mkdir -p "$OUT"
passed=0 failed=0
pass() { echo "PASS $1 $2"; passed=$((passed + 1)); }
fail() { echo "FAIL $1 $2: $3"; failed=$((failed + 1)); }

# the allocator of the burst and unreachable parts
deps_apt stress-ng >&2
ALLOC=$OUT/burst-alloc
if ! build_burst_alloc "$ALLOC"; then
	fail stress build.burst_alloc "gcc failed"
	echo "$passed passed, $failed failed"
	exit 1
fi

# run_kernel NAME RUN-DOMU-ARGS...: one boot, its results and figures
run_kernel() {
	local name=$1 tier=stress-$1 dir=$OUT/$1 rc n mode=module
	shift
	case " $* " in *" --kernel "*) mode=builtin ;; esac
	mkdir -p "$dir"
	cat >"$dir/stress.conf" <<EOF
MODE=$mode
SOAK_S=$SOAK
CYCLES=$CYCLES
WRITERS=$WRITERS
PARTS="$PARTS"
UNREACH_MB=$UNREACH_MB
EOF
	echo "UNREACH_MB=$UNREACH_MB" >"$dir/stress-dom0.conf"
	echo "stress: $name ($mode): soak ${SOAK}s, $CYCLES cycles, parts: $PARTS" >&2
	"$TOP/scripts/xen-qemu/run-domu.sh" "$@" \
		--scenario "$TOP/tests/domu/stress.sh" \
		--files "${KO:-} $TOP/tests/domu/lib.sh $dir/stress.conf $ALLOC" \
		--bins stress-ng \
		--dom0-scenario "$TOP/tests/domu/stress-dom0.sh" \
		--dom0-files "$dir/stress-dom0.conf" \
		--memory 512 --maxmem 1024 --vcpus 2 \
		--out "$dir" --timeout $((1200 + SOAK + CYCLES * 12)) \
		>"$dir.run.log" 2>&1
	rc=$?
	tail -n 3 "$dir.run.log" | sed 's/^/  /' >&2
	sed -n "s/^[0-9.]* TEST PASS \(.*\)$/PASS $tier \1/p; s/^[0-9.]* TEST FAIL \(.*\)$/FAIL $tier \1/p" "$dir/guest.log"
	n=$(grep -c ' TEST PASS ' "$dir/guest.log")
	passed=$((passed + n))
	n=$(grep -c ' TEST FAIL ' "$dir/guest.log")
	failed=$((failed + n))
	grep -h ' STRESS' "$dir/guest.log" "$dir/dom0.log" 2>/dev/null | sed 's/^/  /'
	if grep -q ' SCENARIO failures=' "$dir/guest.log"; then
		pass "$tier" scenario.completed
	else
		fail "$tier" scenario.completed "run-domu rc=$rc; see $dir/serial.log"
	fi
	case " $PARTS " in *" unreachable "*)
		# the request service's log line (scripts/xen-qemu/dom0-init.sh)
		if grep -q " REQ guest seq=[0-9]* cmd=\"hog [0-9]*\" rc=0 " "$dir/dom0.log"; then
			pass "$tier" dom0.hog_done
		else
			fail "$tier" dom0.hog_done "no request 'hog N' with rc=0 in $dir/dom0.log"
		fi ;;
	esac
	sed -n 's/^[0-9.]* FIGURE //p' "$dir/guest.log" >"$dir/figures.txt"
	echo "guest_minutes $(awk '/XSB-DOMU-INIT/ { s = $1 } / SCENARIO-EXIT/ { e = $1 }
		END { printf "%.1f\n", (e - s) / 60 }' "$dir/guest.log")" >>"$dir/figures.txt"
}

for k in $KERNELS; do
	case $k in
	6.1|6.12)
		if ! KO=$(build_module "$k"); then
			fail "stress-$k" build "module build failed"
			continue
		fi
		run_kernel "$k" --kver "$k" --domu-cmdline "slab_nomerge"
		;;
	intree)
		KO=
		if ! "$TOP/scripts/intree.sh" build >"$OUT/intree-build.log" 2>&1; then
			fail stress-intree build "scripts/intree.sh build failed (see $OUT/intree-build.log)"
			continue
		fi
		for c in CONFIG_PROVE_LOCKING=y CONFIG_DEBUG_ATOMIC_SLEEP=y \
			 CONFIG_DEBUG_OBJECTS_WORK=y CONFIG_DEBUG_OBJECTS_TIMERS=y \
			 CONFIG_DEBUG_KMEMLEAK=y; do
			if grep -qx "$c" "$TOP/out/intree/config"; then
				pass stress-intree "config.$c"
			else
				fail stress-intree "config.$c" "not in out/intree/config"
			fi
		done
		run_kernel intree --kernel "$TOP/out/intree/bzImage" \
			--domu-cmdline "kmemleak=on slab_nomerge selfballooning=1e3"
		;;
	*)
		fail stress "kernel.$k" "unknown kernel (6.1, 6.12 or intree)"
		;;
	esac
done

# the figures side by side
names=$(cat "$OUT"/*/figures.txt 2>/dev/null | cut -d' ' -f1 | awk '!seen[$0]++')
if [ -n "$names" ]; then
	echo "== figures"
	printf '%-36s' ""
	for k in $KERNELS; do printf ' %12s' "$k"; done
	echo
	for f in $names; do
		printf '%-36s' "$f"
		for k in $KERNELS; do
			printf ' %12s' "$(sed -n "s/^$f //p" "$OUT/$k/figures.txt" 2>/dev/null | tail -n 1)"
		done
		echo
	done
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
