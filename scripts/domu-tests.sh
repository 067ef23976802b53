#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The domU tier: build the module for a Debian kernel series, boot it in a
# real Xen PV domU (scripts/xen-qemu/run-domu.sh) and run the scenario
# tests/domu/module.sh there (with tests/domu/params.sh, the module
# parameters' bad-input matrix), then tests/domu/field.sh (swap, toolstack
# requests: the field cases), on 6.12 tests/domu/toolstack.sh (xl mem-set,
# mem-max, save + restore and a 60 s pause of a selfballooned guest), and
# tests/domu/shutdown.sh twice (poweroff -f and reboot -f under load,
# checked here from the console log).  Prints "PASS domu-<series> <name>"
# or "FAIL domu-<series> <name>: <why>" per assertion; exits non-zero on
# any failure.
#
# usage: scripts/domu-tests.sh [6.1] [6.12]     (default: both)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib/deps.sh"
. "$TOP/scripts/lib/build.sh"

SERIES=${*:-6.1 6.12}
fails=0
mkdir -p "$TOP/out"

# host_checks TIER OUT: what the hypervisor saw, from dom0's samples
host_checks() {
	local tier=$1 out=$2 min max last
	read -r min max last < <(awk -F, 'NR > 1 && $2 > 0 {
		if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2; last = $2 }
		END { print min + 0, max + 0, last + 0 }' "$out/dom0mem.csv")
	report "$tier" host.hypervisor_saw_guest_shrink_below_400MiB \
		"$([ "$min" -gt 0 ] && [ "$min" -lt 409600 ] && echo ok)" \
		"smallest guest allocation seen by dom0: $min KiB"
	report "$tier" host.hypervisor_saw_guest_back_to_512MiB \
		"$([ "$last" -ge 520192 ] && [ "$last" -le 528384 ] && echo ok)" \
		"last guest allocation seen by dom0: $last KiB (want 524288 +- 4096)"
}

# report TIER NAME OK WHY
report() {
	if [ "$3" = ok ]; then echo "PASS $1 $2"; else
		echo "FAIL $1 $2: $4"; fails=$((fails + 1)); fi
}

# the allocator of the OOM check
ALLOC=$TOP/out/bin/burst-alloc
if ! build_burst_alloc "$ALLOC"; then
	echo "FAIL domu build.burst_alloc: gcc failed"
	exit 1
fi

# guest_results TIER OUT RC: the scenario's TEST lines as PASS/FAIL lines,
# and whether it got to its end ("SCENARIO failures=")
guest_results() {
	local tier=$1 out=$2 rc=$3 n
	n=$(grep -c ' TEST \(PASS\|FAIL\) ' "$out/guest.log" || true)
	sed -n 's/^[0-9.]* TEST PASS \(.*\)$/PASS '"$tier"' \1/p; s/^[0-9.]* TEST FAIL \(.*\)$/FAIL '"$tier"' \1/p' "$out/guest.log"
	fails=$((fails + $(grep -c ' TEST FAIL ' "$out/guest.log" || true)))
	report "$tier" scenario.completed \
		"$(grep -q ' SCENARIO failures=' "$out/guest.log" && echo ok)" \
		"the scenario did not finish (run-domu rc=$rc after $n assertions); see $out/serial.log"
}

# run TIER OUT ARGS...: run-domu.sh ARGS into OUT; RC is its status
run() {
	local tier=$1 out=$2
	shift 2
	set +e
	"$TOP/scripts/xen-qemu/run-domu.sh" "$@" --out "$out" > "$out.run.log" 2>&1
	RC=$?
	set -e
	tail -n 4 "$out.run.log"
}

# shutdown_checks TIER OUT HOW: the guest went down under load
# (tests/domu/shutdown.sh): the reboot notifier stopped the driver, no
# tick came after it, and the domain went away
shutdown_checks() {
	local tier=$1 out=$2 how=$3 log=$2/guest.log what t_sd t_stop t_gone before after
	# a PV guest's kernel has no power-off handler registered (6.12): the
	# reboot system call halts instead, and Xen's halt ends the domain
	what="(power off|halt)"; [ "$how" = reboot ] && what=restart
	t_sd=$(sed -n "s/^\([0-9.]*\) SHUTDOWN $how at .*/\1/p" "$log" | head -n 1)
	t_stop=$(grep -E "xen:selfballoon: stopped for $what: no more ticks" "$log" | head -n 1 | cut -d' ' -f1)
	before=$(awk -v t="${t_stop:-0}" '/selfballoon_tick: / && $1 + 0 <= t + 0' "$log" | wc -l)
	after=$(grep -E -A1000 "stopped for $what" "$log" | grep -c 'selfballoon_tick: ' || true)
	t_gone=$(sed -n 's/^\[ *\([0-9.]*\)\] XSB-DOM0 guest: status=gone.*/\1/p' "$out/serial.log" | head -n 1)
	report "$tier" "$how.shutdown_started" "$([ -n "$t_sd" ] && echo ok)" "no SHUTDOWN line in $log"
	report "$tier" "$how.notifier_stopped_the_driver" "$([ -n "$t_stop" ] && echo ok)" \
		"no 'stopped for $what' line in $log"
	report "$tier" "$how.ticks_printed_before_it" "$([ "$before" -ge 1 ] && echo ok)" \
		"no selfballoon_tick event on the console before the notifier"
	report "$tier" "$how.no_tick_after_the_notifier" "$([ -n "$t_stop" ] && [ "$after" = 0 ] && echo ok)" \
		"$after selfballoon_tick event(s) after 'stopped for $what'"
	report "$tier" "$how.domain_went_away" "$([ -n "$t_gone" ] && [ "$RC" = 126 ] && echo ok)" \
		"run-domu rc=$RC, no 'status=gone' from dom0 (the guest hung?)"
	if [ -n "$t_sd" ] && [ -n "$t_stop" ] && [ -n "$t_gone" ]; then
		echo "FIGURE $tier $how.s_to_notifier $(awk -v a="$t_sd" -v b="$t_stop" 'BEGIN { printf "%.2f", b - a }')"
		echo "FIGURE $tier $how.s_to_domain_gone $(awk -v a="$t_sd" -v b="$t_gone" 'BEGIN { printf "%.2f", b - a }')"
	fi
}

for s in $SERIES; do
	tier=domu-$s
	out=$TOP/out/domu-$s
	if ! ko=$(build_module "$s"); then
		echo "FAIL $tier build: module build failed"; fails=$((fails + 1)); continue
	fi
	run "$tier" "$out" --kver "$s" --scenario "$TOP/tests/domu/module.sh" \
		--files "$ko $TOP/tests/domu/lib.sh $TOP/tests/domu/params.sh $ALLOC" --bins stress-ng \
		--memory 512 --maxmem 1024 --timeout 900
	guest_results "$tier" "$out" "$RC"
	host_checks "$tier" "$out"

	# the field cases, with a swap disk and toolstack requests
	run "$tier" "$out-field" --kver "$s" --scenario "$TOP/tests/domu/field.sh" \
		--files "$ko $TOP/tests/domu/lib.sh $ALLOC" --bins stress-ng \
		--memory 512 --maxmem 1024 --swap 512 --timeout 1200
	guest_results "$tier" "$out-field" "$RC"
	sed -n 's/^[0-9.]* FIGURE \(.*\)$/FIGURE '"$tier"' \1/p' "$out-field/guest.log"

	# what the toolstack does in production (6.12: the kernel the
	# overcommit runs use; the driver code is the same on 6.1)
	if [ "$s" = 6.12 ]; then
		run "$tier" "$out-toolstack" --kver "$s" --scenario "$TOP/tests/domu/toolstack.sh" \
			--files "$ko $TOP/tests/domu/lib.sh" --bins stress-ng \
			--memory 512 --maxmem 1024 --swap 256 --timeout 900
		guest_results "$tier" "$out-toolstack" "$RC"
		sed -n 's/^[0-9.]* FIGURE \(.*\)$/FIGURE '"$tier"' toolstack.\1/p' "$out-toolstack/guest.log"
	fi

	# going down under load
	for how in poweroff reboot; do
		echo "HOW=$how" > "$out.shutdown.conf"
		cp "$out.shutdown.conf" "$TOP/out/shutdown.conf"
		run "$tier" "$out-$how" --kver "$s" --scenario "$TOP/tests/domu/shutdown.sh" \
			--files "$ko $TOP/tests/domu/lib.sh $TOP/out/shutdown.conf" --bins stress-ng \
			--memory 512 --maxmem 1024 --domu-cmdline tp_printk --timeout 300
		guest_results "$tier" "$out-$how" "$RC"
		shutdown_checks "$tier" "$out-$how" "$how"
	done
done
exit $((fails > 0))
