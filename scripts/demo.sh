#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: the selfballoon module in a real Xen 4.17 PV domU (Linux 6.12)
# under QEMU, following a real workload up and down.
#
# Writes out/demo/timeline.csv (one row per tick), out/demo/timeline.png
# (gnuplot), prints the table and ends with a one-line verdict.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib/deps.sh"
. "$TOP/scripts/lib/build.sh"

SERIES=${DEMO_KVER:-6.12}
OUT=$TOP/out/demo
mkdir -p "$OUT"
deps_apt gnuplot-nox gawk bsdextrautils

echo "== building xen_selfballoon.ko for Debian's $SERIES kernel"
KO=$(build_module "$SERIES")
echo "== booting Xen + dom0 + a PV domU ($SERIES, memory 512 MiB, maxmem 1024 MiB) under QEMU"
set +e
"$TOP/scripts/xen-qemu/run-domu.sh" --kver "$SERIES" --scenario "$TOP/tests/domu/demo.sh" \
	--files "$KO $TOP/tests/domu/lib.sh" --bins stress-ng \
	--memory 512 --maxmem 1024 --out "$OUT/run" --timeout 600 | grep -v '^guest| TICK'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || { echo "VERDICT: FAIL - the domU run failed (rc=$rc), see $OUT/run/serial.log"; exit 1; }

# One row per tick: the guest's TICK rows (host-timestamped) joined with the
# last dom0 sample of the guest's allocation taken before the row arrived.
gawk -v out="$OUT/timeline.csv" '
	BEGIN { FS = "[ ,=]+"; OFS = "," }
	FNR == 1 { file++ }
	file == 1 && FNR > 1 { dt[++nd] = $1; dk[nd] = $2; next }
	file == 2 && $2 == "TICK" {
		for (i = 3; i < NF; i += 2) v[$i] = $(i + 1)
		if (t0 == "") t0 = $1
		while (j < nd && dt[j + 1] <= $1) j++
		rows[++nr] = sprintf("%.1f,%d,%d,%d,%d,%d,%d", $1 - t0, v["committed_kb"],
			v["goal_kb"], v["target_kb"], v["current_kb"], v["floor_kb"], j ? dk[j] : 0)
	}
	END {
		print "t_s,committed_kb,goal_kb,target_kb,current_kb,floor_kb,dom0_mem_kb" > out
		for (i = 1; i <= nr; i++) print rows[i] > out
	}' "$OUT/run/dom0mem.csv" "$OUT/run/guest.log"

gnuplot <<GP
set terminal pngcairo size 1100,600 font ",10"
set output "$OUT/timeline.png"
set datafile separator ","
set title "xen-selfballoon in a Xen 4.17 PV domU (Linux $SERIES): balloon target follows Committed_AS"
set xlabel "time since first tick (s)"
set ylabel "MiB"
set key outside right
set grid
set termoption noenhanced
plot "$OUT/timeline.csv" using 1:(\$2/1024) skip 1 with linespoints lw 2 title "Committed_AS", \
     "" using 1:(\$3/1024) skip 1 with lines lw 2 dt 2 title "goal", \
     "" using 1:(\$4/1024) skip 1 with steps lw 2 title "target", \
     "" using 1:(\$5/1024) skip 1 with lines lw 2 title "current (guest)", \
     "" using 1:(\$6/1024) skip 1 with lines lw 2 dt 3 lc rgb "gray40" title "floor", \
     "" using 1:(\$7/1024) skip 1 with lines lw 2 title "dom0: guest memory"
GP

echo
column -s, -t "$OUT/timeline.csv"
echo
echo "files: $OUT/timeline.csv $OUT/timeline.png"

# The verdict, from the CSV alone: the target reached the goal at the tick
# after each commit step, came back down by the down-hysteresis step of 1/8
# (4 KiB pages) tick by tick, never went below the floor, and the hypervisor
# saw the guest's memory go down, up and down again.
gawk -F, '
	NR == 1 { next }
	{ t[++n] = $1; c[n] = $2; g[n] = $3; tg[n] = $4; cu[n] = $5; f[n] = $6; d[n] = $7 }
	END {
		bad = ""; ups = 0; downs = 0; below = 0
		for (i = 1; i <= n; i++) {
			if (tg[i] < f[i]) below++
			if (i > 1 && c[i] - c[i - 1] > 32768) {
				ups++
				if (tg[i] < g[i]) bad = bad sprintf(" target %d < goal %d at t=%s;", tg[i], g[i], t[i])
			}
			# upstream step, default hysteresis: down 8, up 1
			if (cu[i] > g[i]) want = cu[i] - int((cu[i] - g[i]) / 4 / 8) * 4
			else want = g[i]
			if (want < f[i]) want = f[i]
			if (tg[i] != want) bad = bad sprintf(" t=%s target %d, want %d;", t[i], tg[i], want)
			else if (cu[i] > g[i] && tg[i] > f[i]) downs++
		}
		# dom0 view: lowest before the workload, highest while it runs,
		# lowest after it ended (rows where Committed_AS is 32 MiB above
		# the first row are workload rows)
		first = last = 0
		for (i = 1; i <= n; i++) if (c[i] > c[1] + 32768) { if (!first) first = i; last = i }
		dmin1 = dmin2 = 1e12; dmax = 0
		for (i = 1; i <= n; i++) {
			if (!d[i] || !first) continue
			if (i < first && d[i] < dmin1) dmin1 = d[i]
			if (i >= first && i <= last && d[i] > dmax) dmax = d[i]
			if (i > last && d[i] < dmin2) dmin2 = d[i]
		}
		if (ups < 3) bad = bad sprintf(" %d commit steps seen, want 3;", ups)
		if (downs < 10) bad = bad sprintf(" only %d down-hysteresis ticks;", downs)
		if (below) bad = bad sprintf(" target below floor %d times;", below)
		if (!(dmin1 < dmax - 100 * 1024 && dmin2 < dmax - 100 * 1024))
			bad = bad sprintf(" dom0 did not see down/up/down (%d/%d/%d KiB);", dmin1, dmax, dmin2)
		if (bad != "") { print "VERDICT: FAIL -" bad; exit 1 }
		printf "VERDICT: PASS - %d ticks: target met the goal after each of %d commit steps, %d ticks stepped down by (current-goal)/8, never below the floor; dom0 saw the guest at %d -> %d -> %d MiB\n",
			n, ups, downs, dmin1 / 1024, dmax / 1024, dmin2 / 1024
	}' "$OUT/timeline.csv"
