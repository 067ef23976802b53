#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make overcommit: three guests under one Xen whose maxmem (3 x 1024 MiB)
# add up to twice what the host has for them, with the same staggered real
# workloads and the same toolstack actions, first without selfballooning,
# then with it (Documentation/xen-selfballoon-performance.rst, "Several
# guests on one host").
#
#   scripts/overcommit.sh [--modes "off on"] [--check] [--host-mb MiB]
#
#   --modes   which runs, in that order (default "off on")
#   --check   the check tier: the "on" run only, as PASS/FAIL lines (every
#             guest created, every workload completed, no OOM kill, the
#             driver's target never above the toolstack's, the guests'
#             memory within the host's at every sample)
#   --host-mb QEMU's memory (default 3136: Xen, a 1600 MiB dom0, which
#             holds the guests' sparse swap disks, and about 1.5 GiB for
#             the guests)
#
# Each run: Debian 6.12 guests "web", "db" and "build" (memory 384 MiB,
# maxmem 1024 MiB, 320 MiB swap, 1 vCPU) created 30 s apart by xl; each
# asks dom0 for `xl mem-set NAME 1024` once up (the toolstack giving it all
# it may have), runs its workload at a set uptime (web, db: stress-ng with a
# 400 MiB working set for 45 s; build: this driver's module built
# against the 6.12 headers, then the same stress-ng) and stays up until
# about the same host time as the others (tests/domu/overcommit.sh).  With
# selfballooning off no driver is loaded; on, xen_selfballoon.ko
# selfballooning with its defaults.  dom0 samples every guest's memory
# (xentop) and Xen's free memory once a second (mem.csv).
#
# Prints per guest and run: whether it was created (and xl's answer if
# not), the workload's result, wall time, OOM kills, swap-ins, the peak
# and mean memory dom0 saw; per run: the guests' total peak and mean, Xen's
# least free memory; and draws out/overcommit/overcommit.png (gnuplot).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib/deps.sh"
. "$TOP/scripts/lib/build.sh"

MODES="off on" CHECK=0 HOST_MB=3136
while [ $# -gt 0 ]; do
	case $1 in
	--modes) MODES=$2; shift 2 ;;
	--check) CHECK=1 MODES=on; shift ;;
	--host-mb) HOST_MB=$2; shift 2 ;;
	*) echo "usage: $0 [--modes \"off on\"] [--check] [--host-mb MiB]" >&2; exit 2 ;;
	esac
done
OUT=$TOP/out/overcommit
mkdir -p "$OUT"
failures=0
TIER=overcommit
pass() { [ $CHECK = 0 ] || echo "PASS $TIER $1"; }
fail() { echo "FAIL $TIER $1: $2"; failures=$((failures + 1)); }
GUESTS="web db build"
deps_apt gawk gnuplot-nox >&2 || { fail setup "cannot install gawk, gnuplot"; exit 1; }
img=$("$TOP/scripts/xen-qemu/workload-image.sh") || { fail setup "no workload image"; exit 1; }
ko=$(build_module 6.12) || { fail setup "the module does not build for 6.12"; exit 1; }
(cd "$TOP" && tar -cf "$OUT/src.tar" Makefile Kconfig ./*.c ./*.h tests/*-kunit.h)

# run MODE: one run of the three guests
run() {
	local mode=$1 dir=$OUT/$1
	rm -rf "$dir" "$dir.run.log"
	printf '%s\n' "MODE=$mode" TOOLSTACK_MB=1024 \
		'WL_web="40 vm400"' 'END_web=420' \
		'WL_db="130 vm400"' 'END_db=390' \
		'WL_build="200 kbuild"' 'END_build=360' >"$OUT/overcommit.conf"
	echo "== overcommit, selfballooning $mode: web, db, build (memory 384, maxmem 1024 MiB each) on a ${HOST_MB} MiB host"
	"$TOP/scripts/xen-qemu/run-domu.sh" --host-mb "$HOST_MB" --dom0-mb 1600 --timeout 900 \
		--files "$ko $TOP/tests/domu/lib.sh $OUT/overcommit.conf $OUT/src.tar" \
		--bins stress-ng --swap 320 --memory 384 --maxmem 1024 --vcpus 1 \
		--kver 6.12 --scenario "$TOP/tests/domu/overcommit.sh" --out "$dir" \
		--guest web \
		--guest db --start-delay 30 \
		--guest build --start-delay 60 --disk "$img" --scratch 128 \
			--modules "squashfs ext4" >"$dir.run.log" 2>&1
	sed -n '/^== run-domu/,$p' "$dir.run.log" | head -n 6
}

# report MODE: the table of one run, figures.txt, and its check lines
report() {
	local mode=$1 dir=$OUT/$1 n log why
	if [ ! -s "$dir/mem.csv" ]; then
		fail "$mode.run" "no samples: $(tail -n 1 "$dir.run.log")"
		return
	fi
	: >"$dir/figures.txt"
	# the memory from mem.csv, between the first and the last sample a
	# guest existed; the total over the samples where any did
	gawk -F, -v mode="$mode" '
		NR == 1 { for (i = 3; i <= NF; i += 2) { nm[i] = substr($i, 1, length($i) - 3); ng++ }; next }
		{
			tot = 0; any = 0
			if ($2 != "" && (minfree == "" || $2 < minfree)) minfree = $2
			if (NR == 2) free0 = $2
			for (i = 3; i <= NF; i += 2) if ($i != "") {
				k = nm[i]; s[k] += $i; c[k]++; if ($i > pk[k]) pk[k] = $i; tot += $i; any = 1
			}
			if (any) { ts += tot; tc++; if (tot > tpk) tpk = tot }
		}
		END {
			for (i in nm) { k = nm[i]; if (c[k]) printf "%s %s peak_mib %.0f mean_mib %.0f\n", mode, k, pk[k] / 1024, s[k] / c[k] / 1024 }
			printf "%s total peak_mib %.0f mean_mib %.0f\n", mode, tpk / 1024, tc ? ts / tc / 1024 : 0
			printf "%s xen free_at_start_mib %.0f least_free_mib %.0f\n", mode, free0 / 1024, minfree / 1024
		}' "$dir/mem.csv" >"$dir/mem-figures.txt"
	printf '%-6s %-7s %-8s %-6s %8s %5s %8s %9s %9s  %s\n' run guest created result wall_s oom pswpin peak_MiB mean_MiB note
	for n in $GUESTS; do
		log=$dir/guest-$n.log
		local created=yes end="" rc=- wall=- oom=- si=- pk mn note=""
		if grep -q "XSB-DOM0 $n: xl create failed" "$dir/serial.log"; then
			created=no
			why=$(sed -n 's/.*XSB-DOM0 xl: //p' "$dir/serial.log" | grep -iE 'fail|error|memory|insufficient' | head -n 2 | tr '\n' ' ')
			note="xl create: ${why:-see serial.log}"
		fi
		end=$(sed -n "s/^[0-9.]* OVERCOMMIT end $n [a-z0-9]* //p" "$log" 2>/dev/null | tail -n 1)
		if [ -n "$end" ]; then
			rc=$(sed -n 's/.*rc=\([0-9]*\).*/\1/p' <<<"$end")
			wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' <<<"$end")
			oom=$(sed -n 's/.*oom_kills=\([0-9]*\).*/\1/p' <<<"$end")
			si=$(sed -n 's/.*pswpin=\([0-9]*\).*/\1/p' <<<"$end")
		fi
		pk=$(awk -v k="$n" '$2 == k { print $4 }' "$dir/mem-figures.txt")
		mn=$(awk -v k="$n" '$2 == k { print $6 }' "$dir/mem-figures.txt")
		local result=-
		if [ "$rc" = 0 ] && [ "$oom" = 0 ]; then result=done
		elif [ "$rc" != - ]; then result="rc=$rc"; [ "$oom" = 0 ] || result=oom
		elif [ $created = yes ]; then result="no end"
		fi
		start=$(sed -n "s/^[0-9.]* OVERCOMMIT start $n [a-z0-9]* //p" "$log" 2>/dev/null | tail -n 1)
		[ -z "$start" ] || [ -n "$note" ] || note="at start: ${start#uptime=* }"
		printf '%-6s %-7s %-8s %-6s %8s %5s %8s %9s %9s  %s\n' "$mode" "$n" "$created" "$result" "$wall" "$oom" "$si" "${pk:--}" "${mn:--}" "$note"
		echo "$mode $n created=$created result=$result wall_s=$wall oom_kills=$oom pswpin=$si peak_mib=${pk:--} mean_mib=${mn:--}" >>"$dir/figures.txt"
		if [ $CHECK = 1 ]; then
			[ $created = yes ] && pass "$n.created" || fail "$n.created" "$note"
			grep -q "TEST PASS $n.workload_completed" "$log" && pass "$n.workload_completed" ||
				fail "$n.workload_completed" "${end:-no end line in $log}"
			grep -q "TEST PASS $n.no_oom_kill" "$log" && pass "$n.no_oom_kill" ||
				fail "$n.no_oom_kill" "oom_kills=$oom"
			grep -q "TEST PASS $n.target_never_above_the_toolstack" "$log" &&
				pass "$n.target_never_above_the_toolstack" ||
				fail "$n.target_never_above_the_toolstack" "$(grep -m1 'OVERCOMMIT over' "$log")"
			grep -q "TEST PASS $n.dmesg_clean" "$log" && pass "$n.dmesg_clean" ||
				fail "$n.dmesg_clean" "$(grep -m1 'TEST FAIL' "$log")"
		fi
	done
	sed 's/^/  /' "$dir/mem-figures.txt"
	cat "$dir/mem-figures.txt" >>"$dir/figures.txt"
	if [ $CHECK = 1 ]; then
		local tpk free0
		tpk=$(awk '$2 == "total" { print $4 }' "$dir/mem-figures.txt")
		free0=$(awk '$2 == "xen" { print $4 }' "$dir/mem-figures.txt")
		[ -n "$tpk" ] && [ -n "$free0" ] && [ "$tpk" -le "$free0" ] &&
			pass guests_within_the_host || fail guests_within_the_host "peak ${tpk:-?} MiB, Xen had ${free0:-?} MiB free"
		[ "$(cat "$dir/result" 2>/dev/null)" = 0 ] && pass run || fail run "$(sed -n 's/^== run-domu: //p' "$dir.run.log")"
	fi
}

for m in $MODES; do
	run "$m"
	report "$m"
done

# one picture: every guest's memory and Xen's free memory, per run
if [ $CHECK = 0 ]; then
	plots=
	for m in $MODES; do
		[ -s "$OUT/$m/mem.csv" ] || continue
		plots="$plots $m"
	done
	[ -n "$plots" ] || { fail plot "no run to draw"; exit 1; }
	{
		echo "set terminal pngcairo size 1100,$((380 * $(wc -w <<<"$plots"))) font ',10'"
		echo "set output '$OUT/overcommit.png'"
		echo "set datafile separator ','"
		echo "set multiplot layout $(wc -w <<<"$plots"),1"
		echo "set xlabel 'host time (s)'; set ylabel 'MiB'; set key outside right; set grid"
		for m in $plots; do
			# the columns with samples (not a guest that was never created)
			cols=$(head -n 1 "$OUT/$m/mem.csv" | tr ',' '\n' | grep -n '_kb$' | grep -v target | cut -d: -f1 |
				while read -r c; do
					awk -F, -v c="$c" 'NR > 1 && $c != "" { f = 1; exit } END { exit !f }' "$OUT/$m/mem.csv" && echo "$c"
				done | tr '\n' ' ')
			printf "set title 'selfballooning %s'\nplot" "$m"
			sep=
			for c in $cols; do
				name=$(head -n 1 "$OUT/$m/mem.csv" | cut -d, -f"$c")
				printf "%s '%s' using 1:(\$%s/1024) with lines title '%s'" "$sep" "$OUT/$m/mem.csv" "$c" "${name%_kb}"
				sep=,
			done
			echo
		done
		echo "unset multiplot"
	} >"$OUT/overcommit.gp"
	if gnuplot "$OUT/overcommit.gp"; then
		echo "picture: $OUT/overcommit.png"
	else
		fail plot "gnuplot failed ($OUT/overcommit.gp)"
	fi
fi
[ $CHECK = 1 ] || echo "figures: $OUT/{off,on}/figures.txt; runs: $OUT/{off,on}/"
exit $((failures > 0))
