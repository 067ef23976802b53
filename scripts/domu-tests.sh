#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The domU tier: build the module for a Debian kernel series, boot it in a
# real Xen PV domU (scripts/xen-qemu/run-domu.sh) and run the scenario
# tests/domu/module.sh there (with tests/domu/params.sh, the module
# parameters' bad-input matrix).  Prints "PASS domu-<series> <name>" or
# "FAIL domu-<series> <name>: <why>" per assertion; exits non-zero on any
# failure.
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

for s in $SERIES; do
	tier=domu-$s
	out=$TOP/out/domu-$s
	if ! ko=$(build_module "$s"); then
		echo "FAIL $tier build: module build failed"; fails=$((fails + 1)); continue
	fi
	set +e
	"$TOP/scripts/xen-qemu/run-domu.sh" --kver "$s" --scenario "$TOP/tests/domu/module.sh" \
		--files "$ko $TOP/tests/domu/lib.sh $TOP/tests/domu/params.sh $ALLOC" --bins stress-ng \
		--memory 512 --maxmem 1024 --out "$out" --timeout 900 > "$out.run.log" 2>&1
	rc=$?
	set -e
	tail -n 4 "$out.run.log"
	n=$(grep -c ' TEST \(PASS\|FAIL\) ' "$out/guest.log" || true)
	sed -n 's/^[0-9.]* TEST PASS \(.*\)$/PASS '"$tier"' \1/p; s/^[0-9.]* TEST FAIL \(.*\)$/FAIL '"$tier"' \1/p' "$out/guest.log"
	fails=$((fails + $(grep -c ' TEST FAIL ' "$out/guest.log" || true)))
	report "$tier" scenario.completed \
		"$(grep -q ' SCENARIO failures=' "$out/guest.log" && echo ok)" \
		"the scenario did not finish (run-domu rc=$rc after $n assertions); see $out/serial.log"
	host_checks "$tier" "$out"
done
exit $((fails > 0))
