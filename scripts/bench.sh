#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the policy lab and the driver's figures in a real domU
# (Documentation/xen-selfballoon-performance.rst).
#
#   scripts/bench.sh [--no-domu] [--closedloop] [--kver 6.1|6.12]
#                    [--from DIR] [-- SIM-OPTION...]
#
# 1. tools/selfballoon-sim (built by tools/Makefile from the policy source,
#    unchanged) replays every trace in tests/traces/ through the oracle,
#    Linux 3.1's, Linux 5.2's and this driver's two policies (committed:
#    the driver row; pressure, in an open-loop model guest) and prints the
#    table and the pressure row's own figures (--stats); SIM-OPTIONs (e.g.
#    --interval 10, --uphysteresis 2) go to it.  Writes out/bench/traces.csv,
#    out/bench/pressure-stats.txt and one PNG per trace (gnuplot).
# 2. The kept domU trace (tests/traces/domu-6.12.csv) is replayed through
#    the policy the driver ran at each tick: it must match the driver tick
#    for tick.
# 3. Unless --no-domu: xen_selfballoon.ko in a real Xen PV domU (Debian's
#    6.12 kernel by default; 512 MiB, maxmem 1024 MiB, 2 s interval) runs
#    tests/domu/bench.sh: at least 60 ticks, six 64 MiB commit steps.
#    Prints the tick's cost (median and max of last_tick_us), the reaction
#    latency of each step (commit -> the tick that set the target to the
#    goal -> the balloon at that target), replays the fresh recording (it
#    must match tick for tick) and runs it through the table too.  Writes
#    out/bench/domu/ (the run), out/bench/domu-<kver>.csv and its plot.
# 4. With --closedloop (not yet by default: it has not had a complete run
#    yet) and without --no-domu: the closed loop
#    (scripts/bench-closedloop.sh, about 45 minutes): the committed and the
#    pressure policy under the same real workloads in one 6.12 domU, and
#    the reaction to reclaim over 10 bursts per policy.
#
# Exit status 0 only if every step ran and every replay matched.

set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib/deps.sh"
. "$TOP/scripts/lib/build.sh"

OUT=$TOP/out/bench
SIM=$TOP/out/userspace/sim/selfballoon-sim
domu=true closedloop=false kver=6.12 sim_args=() from=
while [ $# -gt 0 ]; do
	case $1 in
	--no-domu) domu=false; shift ;;
	--closedloop) closedloop=true; shift ;;
	--kver) kver=${2:-}; shift 2 || break ;;
	--from) from=${2:-}; shift 2 || break ;;
	--) shift; sim_args=("$@"); break ;;
	*) echo "usage: $0 [--no-domu] [--closedloop] [--kver 6.1|6.12] [--from DIR] [-- SIM-OPTION...]" >&2; exit 2 ;;
	esac
done
failures=0
fail() { echo "FAIL bench: $*"; failures=$((failures + 1)); }

mkdir -p "$OUT/timeline"
deps_apt gcc make libc6-dev gnuplot-nox gawk bsdextrautils >&2 || { echo "FAIL bench: cannot install gcc, gnuplot"; exit 1; }
make -s -C "$TOP/tools" sim O="$TOP/out/userspace" >&2 || { echo "FAIL bench: the simulator does not build"; exit 1; }

# plot TIMELINE PNG TITLE: demand and what each policy held, over time
plot() {
	gnuplot <<GP
set terminal pngcairo size 1100,550 font ",10"
set output "$2"
set datafile separator ","
set title "$3"
set xlabel "time (s)"
set ylabel "MiB (totalram terms)"
set key outside right
set grid
set termoption noenhanced
set key autotitle columnhead
# the oracle thin, linux-5.2 wide under the driver, dashed, where they
# agree; the pressure row red, its model's used memory thin and dotted
set style line 3 lw 1 lc rgb "#1b9e77"
set style line 4 lw 2 lc rgb "#56b4e9"
set style line 5 lw 6 lc rgb "#e69f00"
set style line 6 lw 2 dt 2 lc rgb "#7b3294"
set style line 7 lw 2 lc rgb "#d7191c"
set style line 8 lw 1 dt 3 lc rgb "#636363"
plot "$1" using 1:2 with lines lw 3 lc rgb "black" title columnhead(2), \
     for [i=3:*] "" using 1:i with steps ls i title columnhead(i)
GP
}

# table CSV: print the simulator's CSV as a table
table() {
	column -s, -t "$1"
}

# the "# note:" line of a trace that says what ran
what_ran() {
	sed -n 's/^# note: //p' "$1" | head -n 1
}

# run_table OUTCSV TRACE...: the simulator over the traces, plots
# included; the pressure row's figures (--stats) in OUTCSV.stats
run_table() {
	local csv=$1 t name
	shift
	if ! "$SIM" --stats --timeline "$OUT/timeline" "${sim_args[@]}" "$@" \
			>"$csv" 2>"$csv.stats"; then
		cat "$csv.stats"
		fail "selfballoon-sim failed on $*"
		return 1
	fi
	for t in "$@"; do
		name=${t##*/}
		plot "$OUT/timeline/$name" "$OUT/${name%.csv}.png" \
			"${name%.csv}: $(what_ran "$t" | cut -c1-125)" ||
			fail "gnuplot failed for $name"
	done
}

echo "== the policy lab: every trace in tests/traces/ through five policies"
echo "   (model: Documentation/xen-selfballoon-performance.rst.  Host traces: a"
echo "   4096 MiB guest, a tick every 5 s, demand = 256 MiB + the rise of"
echo "   Committed_AS (less other QEMU guests' memory) over its least value in the"
echo "   first 10 s.  domU traces: the recorded guest, a tick where the driver ticked."
echo "   pressure: an open-loop model guest that refaults what it lacks of its used"
echo "   memory, with early ticks)"
traces=("$TOP"/tests/traces/*.csv)
if run_table "$OUT/traces.csv" "${traces[@]}"; then
	table "$OUT/traces.csv"
	echo
	echo "the pressure row (selfballoon-sim --stats):"
	sed 's/^/  /' "$OUT/traces.csv.stats"
fi
echo
for t in "${traces[@]}"; do
	printf '  %-14s %s\n' "${t##*/}" "$(what_ran "$t")"
done
echo

echo "== replay of the kept domU trace through the policy the driver ran"
for t in "$TOP"/tests/traces/domu-*.csv; do
	[ -e "$t" ] || { fail "no domU trace in tests/traces/"; break; }
	"$SIM" --replay "$t" || fail "the replay of ${t##*/} differs from the driver"
done

$domu || { echo "bench: the domU part skipped (--no-domu)"; echo "bench: $failures failure(s)"; exit $((failures > 0)); }

echo
echo "== the driver in a real Xen PV domU (Debian $kver, 512 MiB, maxmem 1024 MiB)"
run=$OUT/domu
if [ -n "$from" ]; then
	run=$from
	echo "(the run in $run)"
elif ! ko=$(build_module "$kver"); then
	fail "the module does not build for $kver"
	exit 1
else
	"$TOP/scripts/xen-qemu/run-domu.sh" --kver "$kver" --scenario "$TOP/tests/domu/bench.sh" \
		--files "$ko $TOP/tests/domu/lib.sh" --bins stress-ng \
		--memory 512 --maxmem 1024 --out "$run" --timeout 900 >"$OUT/domu.log" 2>&1
	rc=$?
	tail -n 3 "$OUT/domu.log"
fi
grep -q ' BENCH done ' "$run/guest.log" 2>/dev/null ||
	{ fail "the domU scenario did not finish (run-domu rc=${rc:-}; $run/serial.log)"; exit 1; }

fresh=$OUT/domu-$kver.csv
sed -n 's/^[0-9.]* TRACE //p; s/^[0-9.]* BENCH params /params /p' "$run/guest.log" |
	"$TOP/tools/selfballoon-tracecsv" >"$fresh.tmp" &&
	{ echo "# note: make bench's domU run: Xen 4.17 PV, Debian $(sed -n 's/^[0-9.]* BENCH kernel \([^ ]*\).*/\1/p' "$run/guest.log"), 512 MiB (maxmem 1024), busybox, interval 2 s, 2 x 3 stress-ng steps of 64 MiB, $(date -u +%Y-%m-%d)"; cat "$fresh.tmp"; } >"$fresh"
rm -f "$fresh.tmp"
[ -s "$fresh" ] || fail "no trace events in the domU run"

# the tick's cost, as last_tick_us reported it after each tick
gawk '/ BENCH cost / { sub(/.*us=/, ""); us[++n] = $0 + 0 }
	END {
		if (!n) { print "tick cost: no samples"; exit 1 }
		asort(us)
		med = n % 2 ? us[(n + 1) / 2] : (us[n / 2] + us[n / 2 + 1]) / 2
		printf "tick cost (last_tick_us, %d ticks): median %g us, max %d us\n", n, med, us[n]
		if (n < 50) { print "tick cost: fewer than 50 ticks measured"; exit 1 }
	}' "$run/guest.log" || fail "the tick cost was not measured over 50 ticks"

# the reaction to each commit step, from the trace: the marker written
# when Committed_AS had risen, the first tick after it, the marker written
# when the balloon had reached that tick's target
gawk -F, '
	/^# marker t=/ {
		t = $0; sub(/^# marker t=/, "", t); t = t + 0
		if ($0 ~ / committed /) { s = $0; sub(/.*xsb step /, "", s); s = s + 0; tc[s] = t }
		if ($0 ~ / followed /) { s = $0; sub(/.*xsb step /, "", s); s = s + 0; tf[s] = t }
		next
	}
	/^t_s,/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
	/^[0-9]/ { n++; tt[n] = $1; goal[n] = $col["goal_pages"]; tgt[n] = $col["target_pages"]; next }
	END {
		for (s = 1; s in tc; s++) {
			for (i = 1; i <= n && tt[i] <= tc[s]; i++)
				;
			if (i > n || !(s in tf)) { printf "step %d: incomplete\n", s; bad = 1; continue }
			a[s] = tt[i] - tc[s]; b[s] = tf[s] - tt[i]; c[s] = tf[s] - tc[s]
			printf "  step %d: commit -> tick %.3f s (target %s the goal), tick -> balloon at the target %.3f s, total %.3f s\n",
				s, a[s], tgt[i] >= goal[i] ? "at" : "BELOW", b[s], c[s]
			if (tgt[i] < goal[i]) bad = 1
			m++
		}
		if (!m) { print "reaction: no complete step"; exit 1 }
		printf "reaction latency over %d steps (median, max): commit -> target at the goal %.3f s, %.3f s; tick -> balloon followed %.3f s, %.3f s; commit -> balloon followed %.3f s, %.3f s\n",
			m, med(a, m), mx(a, m), med(b, m), mx(b, m), med(c, m), mx(c, m)
		exit bad
	}
	function med(x, k,   y, j) { for (j = 1; j <= k; j++) y[j] = x[j]; asort(y); return k % 2 ? y[(k + 1) / 2] : (y[k / 2] + y[k / 2 + 1]) / 2 }
	function mx(x, k,   j, v) { v = x[1]; for (j = 2; j <= k; j++) if (x[j] > v) v = x[j]; return v }
	' "$fresh" || fail "the reaction latency could not be measured"

echo "ticks recorded: $(grep -c '^[0-9]' "$fresh")"
"$SIM" --replay "$fresh" || fail "the replay of the fresh domU trace differs from the driver"
echo
echo "== the fresh domU trace through the five policies"
run_table "$OUT/domu-table.csv" "$fresh" && table "$OUT/domu-table.csv"

if $domu && $closedloop && [ -z "$from" ]; then
	echo
	echo "== the two policies closed loop in a real Xen PV domU (scripts/bench-closedloop.sh)"
	"$TOP/scripts/bench-closedloop.sh" || fail "the closed loop did not complete"
else
	echo "bench: the closed loop not run (it needs --closedloop, the domU and no --from)"
fi

echo
echo "files: $OUT/traces.csv $OUT/*.png $fresh $run/ $OUT/closedloop/"
echo "bench: $failures failure(s)"
exit $((failures > 0))
