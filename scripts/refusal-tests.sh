#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
# The refusal tier: xen_selfballoon must refuse to load, with -ENODEV, one
# log line saying why and nothing left in sysfs,
#   dom0-6.1    in a real Xen 4.17 dom0 (Debian's 6.1, the harness' dom0
#               kernel; scripts/xen-qemu/run-domu.sh --dom0-scenario, no domU)
#   plain-6.1   on Debian's 6.1 and 6.12 kernels booted without Xen
#   plain-6.12  (scripts/plain-qemu.sh)
# The scenario is tests/domu/refusal.sh; it loads the module with kmod's
# insmod.  Prints "PASS refusal <run>.<name>" or "FAIL refusal <run>.<name>:
# <why>" per assertion; exits non-zero on any failure or if a run could not
# start or finish.
#
# usage: scripts/refusal-tests.sh [--ko SERIES=FILE]... [RUN...]
#   RUN          dom0-6.1, plain-6.1, plain-6.12 (default: all three)
#   --ko S=FILE  test FILE instead of the module built for series S (6.1 or
#                6.12): a module that loads fine must make the tier fail
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/deps.sh
. "$TOP/scripts/lib/deps.sh"
# shellcheck source=lib/build.sh
. "$TOP/scripts/lib/build.sh"

declare -A KO=()
RUNS=()
while [ $# -gt 0 ]; do
	case $1 in
	--ko)
		[[ ${2:-} =~ ^(6\.1|6\.12)=(.+)$ ]] || { echo "usage: --ko 6.1=FILE or --ko 6.12=FILE" >&2; exit 2; }
		KO[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		[ -f "${KO[${BASH_REMATCH[1]}]}" ] || { echo "no such file: $2" >&2; exit 2; }
		shift 2 ;;
	dom0-6.1|plain-6.1|plain-6.12) RUNS+=("$1"); shift ;;
	*) sed -n '/^# usage:/,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2 ;;
	esac
done
[ ${#RUNS[@]} -gt 0 ] || RUNS=(dom0-6.1 plain-6.1 plain-6.12)

OUT=$TOP/out/refusal
mkdir -p "$OUT"
. "$TOP/scripts/lib/report.sh"
report_init refusal

# the module for each series the runs need
declare -A NEED=()
for r in "${RUNS[@]}"; do NEED[${r#*-}]=1; done
for s in 6.1 6.12; do
	if [ -z "${NEED[$s]:-}" ] || [ -n "${KO[$s]:-}" ]; then continue; fi
	if ! KO[$s]=$(build_module "$s" 2>"$OUT/build-$s.log"); then
		fail "build-$s" "module build failed; see $OUT/build-$s.log"
		KO[$s]=''
	fi
done

# Start every run at once, then collect: alone, a dom0 run takes 20-30 s
# and a plain one ~10 s; together on two cores, about as long as the dom0
# run plus its share of the others' start-up.
declare -A PID=() LOG=()
# runs still going when this script ends (interrupted) are stopped; each
# stops its own QEMU on the way out
# shellcheck disable=SC2317 # (called by the EXIT trap)
stop_runs() {
	local p
	for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap stop_runs EXIT
for r in "${RUNS[@]}"; do
	s=${r#*-} o=$OUT/$r
	[ -n "${KO[$s]}" ] || continue
	files="${KO[$s]} $TOP/tests/domu/lib.sh"
	case $r in
	dom0-*) cmd=("$TOP/scripts/xen-qemu/run-domu.sh" --dom0-scenario "$TOP/tests/domu/refusal.sh"
		--dom0-files "$files" --dom0-bins insmod --out "$o" --timeout 240)
		LOG[$r]=$o/dom0.log ;;
	plain-*) cmd=("$TOP/scripts/plain-qemu.sh" --kver "$s" --scenario "$TOP/tests/domu/refusal.sh"
		--files "$files" --bins insmod --out "$o" --timeout 120)
		LOG[$r]=$o/console.log ;;
	esac
	rm -f "${LOG[$r]}"
	"${cmd[@]}" >"$o.run.log" 2>&1 &
	PID[$r]=$!
done

for r in "${RUNS[@]}"; do
	[ -n "${PID[$r]:-}" ] || continue
	set +e
	wait "${PID[$r]}"
	rc=$?
	set -e
	unset "PID[$r]"
	sed -n "/^== /,\$ s/^/$r: /p" "$OUT/$r.run.log"
	log=${LOG[$r]}
	[ -f "$log" ] || : >"$log"
	sed -n "s/^[0-9.]* TEST PASS \(.*\)$/PASS refusal $r.\1/p; s/^[0-9.]* TEST FAIL \(.*\)$/FAIL refusal $r.\1/p" "$log"
	nfail=$(grep -c '^[0-9.]* TEST FAIL ' "$log" || true)
	REPORT_FAILED=$((REPORT_FAILED + nfail))
	# the run is the one asked for: the scenario found dom0, or no Xen
	case $r in dom0-*) env=dom0 ;; plain-*) env=not_xen ;; esac
	grep -q "^[0-9.]* TEST PASS env\.$env$" "$log" ||
		fail "$r.env_is_$env" "the scenario did not find itself in $env; see $log"
	if ! grep -q '^[0-9.]* SCENARIO failures=' "$log"; then
		fail "$r.scenario_completed" "the scenario did not finish (rc=$rc); see $OUT/$r.run.log"
	elif [ "$rc" != 0 ] && [ "$nfail" = 0 ]; then
		fail "$r.scenario_completed" "the run ended with status $rc and no failed assertion; see $OUT/$r.run.log"
	else
		echo "PASS refusal $r.scenario_completed"
	fi
done
exit $((REPORT_FAILED > 0))
