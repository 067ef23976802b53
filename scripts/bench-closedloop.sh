#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The closed-loop part of `make bench` (Documentation/xen-selfballoon-performance.rst,
# "Closed loop"): the committed and the pressure policy under the same real
# workloads, in one real Xen PV domU, and the reaction to reclaim.
#
#   scripts/bench-closedloop.sh [--rounds N] [--reaction N] [--workloads "..."]
#                               [--memory MiB] [--from DIR]
#
#   --rounds N      how many times every workload runs under each policy (1)
#   --reaction N    reclaim bursts per policy for the reaction figure (10)
#   --workloads     of kbuild sqlite tmpfs burst (all)
#   --memory MiB    the guest's memory and maxmem (1024)
#   --from DIR      report on an earlier run's output instead of running
#
# The guest (Debian 6.12, xen_selfballoon.ko, a 512 MiB swap disk, the
# workload image of scripts/xen-qemu/workload-image.sh, a 256 MiB ext4
# scratch disk) runs tests/domu/closedloop.sh.  For every run this prints
# the memory dom0 saw for the guest while the workload ran (xentop, mean and
# peak, MiB), the workload's wall time, major faults, swap-ins, swap-outs,
# OOM kills and the driver's early and pressure ticks, and per workload the
# pressure policy's mean memory and wall time against the committed
# policy's.  Then the reaction: for each burst, the time from the first
# reclaim event (vmscan:mm_vmscan_kswapd_wake or direct_reclaim_begin) to
# the first tick after it that raised the target; median and max.
# Output files in out/bench/closedloop/: runs.csv, reaction.csv, the run.
# Exit status 0 if every run completed (whatever the figures say).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib/deps.sh"
. "$TOP/scripts/lib/build.sh"

ROUNDS=1 REACTION=10 WORKLOADS="kbuild sqlite tmpfs burst" MEMORY=1024 FROM=
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift 2 ;;
	--reaction) REACTION=$2; shift 2 ;;
	--workloads) WORKLOADS=$2; shift 2 ;;
	--memory) MEMORY=$2; shift 2 ;;
	--from) FROM=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds N] [--reaction N] [--workloads \"...\"] [--memory MiB] [--from DIR]" >&2; exit 2 ;;
	esac
done
OUT=$TOP/out/bench/closedloop
RUN=${FROM:-$OUT/run}
mkdir -p "$OUT"
failures=0
fail() { echo "FAIL bench: $*"; failures=$((failures + 1)); }
deps_apt gawk >&2 || { fail "cannot install gawk"; exit 1; }

if [ -z "$FROM" ]; then
	img=$("$TOP/scripts/xen-qemu/workload-image.sh") || { fail "no workload image"; exit 1; }
	ko=$(build_module 6.12) || { fail "the module does not build for 6.12"; exit 1; }
	alloc=$OUT/burst-alloc
	build_burst_alloc "$alloc" || { fail "burst-alloc does not build"; exit 1; }
	(cd "$TOP" && tar -cf "$OUT/src.tar" Makefile Kconfig ./*.c ./*.h tests/*-kunit.h)
	printf '%s\n' "WORKLOADS=\"$WORKLOADS\"" 'POLICIES="committed pressure"' \
		"ROUNDS=$ROUNDS" "REACTION=$REACTION" >"$OUT/closedloop.conf"
	echo "== closed loop: $WORKLOADS x committed, pressure x $ROUNDS round(s); $REACTION reaction bursts per policy"
	echo "   (Xen 4.17 PV domU, Debian 6.12, memory = maxmem = $MEMORY MiB, 512 MiB swap, QEMU TCG)"
	"$TOP/scripts/xen-qemu/run-domu.sh" --kver 6.12 --scenario "$TOP/tests/domu/closedloop.sh" \
		--files "$ko $TOP/tests/domu/lib.sh $alloc $OUT/src.tar $OUT/closedloop.conf" \
		--modules "squashfs ext4" --swap 512 --disk "$img" --scratch 256 \
		--memory "$MEMORY" --maxmem "$MEMORY" --out "$RUN" --timeout 7200 >"$OUT/run.log" 2>&1
	tail -n 3 "$OUT/run.log"
fi
grep -q ' CLOSEDLOOP done' "$RUN/guest.log" 2>/dev/null ||
	fail "the closed-loop scenario did not finish; see $RUN/serial.log"

# runs.csv: one row per run, the guest's memory from dom0's samples
# (dom0mem.csv: host_t_s,guest_mem_kb,...) between the run's start and end
gawk -v memcsv="$RUN/dom0mem.csv" '
	BEGIN {
		FS = ","
		while ((getline l < memcsv) > 0) {
			split(l, f, ",")
			if (f[1] ~ /^[0-9.]+$/ && f[2] > 0) { n++; mt[n] = f[1]; mk[n] = f[2] }
		}
		FS = " "
		print "workload,policy,round,wall_s,mem_mean_mib,mem_peak_mib,samples,majflt,pswpin,pswpout,oom_kills,early_ticks,pressure_ticks,rc"
	}
	$2 == "CLOSEDLOOP" && $3 == "start" { t0[$4 " " $5 " " $6] = $1 }
	$2 == "CLOSEDLOOP" && $3 == "end" {
		k = $4 " " $5 " " $6
		delete v
		for (i = 7; i <= NF; i++) if (split($i, kv, "=") == 2) v[kv[1]] = kv[2]
		s = 0; c = 0; pk = 0
		for (i = 1; i <= n; i++) if (mt[i] >= t0[k] && mt[i] <= $1) { s += mk[i]; c++; if (mk[i] > pk) pk = mk[i] }
		wall = v["wall_s"]
		if ($4 == "burst" && v["burst_ms"] != "") wall = v["burst_ms"] / 1000
		printf "%s,%s,%s,%.2f,%.1f,%.1f,%d,%s,%s,%s,%s,%s,%s,%s\n", $4, $5, $6, wall,
			c ? s / c / 1024 : 0, pk / 1024, c, v["majflt"], v["pswpin"], v["pswpout"],
			v["oom_kills"], v["early_ticks"], v["pressure_ticks"], v["rc"]
	}' "$RUN/guest.log" >"$OUT/runs.csv"

echo
echo "-- every run (memory as dom0 saw it while the workload ran; burst: the allocation's own time)"
column -s, -t "$OUT/runs.csv"
echo
echo "-- pressure against committed, per workload (means over the rounds)"
gawk -F, 'NR > 1 {
		k = $1; p = $2; n[k, p]++; w[k, p] += $4; m[k, p] += $5; pk[k, p] += $6
		o[k, p] += $11; r[k, p] += ($14 != 0)
		if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
	}
	END {
		printf "%-8s %12s %12s %9s %9s %9s %9s %s\n", "workload", "committed", "pressure", "memory", "wall c", "wall p", "wall", "oom_kills, failed runs"
		for (i = 1; i <= nk; i++) {
			k = order[i]
			if (!n[k, "committed"] || !n[k, "pressure"]) continue
			mc = m[k, "committed"] / n[k, "committed"]; mp = m[k, "pressure"] / n[k, "pressure"]
			wc = w[k, "committed"] / n[k, "committed"]; wp = w[k, "pressure"] / n[k, "pressure"]
			printf "%-8s %8.1f MiB %8.1f MiB %+8.1f%% %8.1fs %8.1fs %+8.1f%% %d, %d\n", k, mc, mp,
				mc ? 100 * (mp - mc) / mc : 0, wc, wp, wc ? 100 * (wp - wc) / wc : 0,
				o[k, "committed"] + o[k, "pressure"], r[k, "committed"] + r[k, "pressure"]
		}
	}' "$OUT/runs.csv"
awk -F, 'NR > 1 && $14 != 0 { bad = 1 } END { exit !bad }' "$OUT/runs.csv" &&
	fail "a workload run exited non-zero (runs.csv, column rc)"

# reaction.csv: per burst, reclaim start -> the first raising tick after it
sed -n 's/^[0-9.]* TRACE //p' "$RUN/guest.log" | gawk '
	function ts(   i) { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) return substr($i, 1, length($i) - 1) + 0; return -1 }
	BEGIN { print "policy,burst,mib,reclaim_t_s,raise_t_s,latency_ms,early" }
	/tracing_mark_write: xsb burst / {
		flush()
		for (i = 1; i <= NF; i++) if ($i == "burst") { b = $(i + 1); p = $(i + 2); mib = $(i + 3); sub(/mib=/, "", mib) }
		open = 1; tr = -1; next
	}
	/tracing_mark_write: xsb (start|end) / { flush(); open = 0; next }
	open && tr < 0 && /mm_vmscan_(kswapd_wake|direct_reclaim_begin):/ { tr = ts(); next }
	open && tr >= 0 && / selfballoon_tick: / && / action=raise / {
		t = ts(); e = ($0 ~ / early=1 /)
		printf "%s,%s,%s,%.6f,%.6f,%.1f,%d\n", p, b, mib, tr, t, (t - tr) * 1000, e
		open = 0; done = 1
	}
	function flush() { if (open && tr < 0) printf "%s,%s,%s,,,no reclaim,\n", p, b, mib; else if (open) printf "%s,%s,%s,%.6f,,no raise,\n", p, b, mib, tr; open = 0 }
	END { flush() }' >"$OUT/reaction.csv"
echo
echo "-- reaction: reclaim starting -> the target rising (median, max over the bursts)"
gawk -F, 'NR > 1 {
		if ($6 ~ /^[0-9.]+$/) { n[$1]++; v[$1, n[$1]] = $6 + 0; e[$1] += $7 } else miss[$1]++
		if (!($1 in seen)) { seen[$1] = 1; order[++np] = $1 }
	}
	END {
		for (i = 1; i <= np; i++) {
			p = order[i]; k = n[p]
			if (!k) { printf "%-10s no burst raised the target after reclaim (%d bursts)\n", p, miss[p]; continue }
			for (j = 1; j <= k; j++) a[j] = v[p, j]
			asort(a)
			med = k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
			printf "%-10s %d bursts: median %.1f ms, max %.1f ms (%d by an early tick); %d without reclaim or raise\n", p, k, med, a[k], e[p], miss[p] + 0
			delete a
		}
	}' "$OUT/reaction.csv"
echo
echo "files: $OUT/runs.csv $OUT/reaction.csv $RUN/"
exit $((failures > 0))
