# SPDX-License-Identifier: GPL-2.0
# domU scenario: what the toolstack (xl, run by dom0's request service,
# dom0_req in tests/domu/lib.sh) does to a selfballooned guest in
# production, and that none of it breaks the driver or the guest.
#
# Runs as /scenario.sh in a guest started with memory=512 MiB, maxmem=1024
# MiB, a 256 MiB swap disk (/dev/xvdb), /xen_selfballoon.ko, /lib.sh and
# stress-ng.  The driver runs with interval 2 s, no grace period, the rest
# its defaults; the toolstack's target is raised to maxmem first (xl
# mem-set 1024).
#
# memset     under a 400 MiB working set, xl mem-set 300: within two
#            intervals the driver's target and the balloon are at or under
#            300 MiB and stay there for 5 ticks; memory/target stays what
#            xl wrote (the driver never writes it: no fight); then xl
#            mem-set 1024 and the guest grows back to cover the load.
# memmax     xl mem-set 500 then xl mem-max 501 (Xen's limit down to just
#            above the toolstack's target, as low as xl allows) under a
#            600 MiB working set: the driver asks for no more than 500 MiB,
#            and over 20 s the balloon thread uses little CPU and the
#            kworkers (the driver's work, and the swap I/O the load causes)
#            under a quarter of a CPU (no spinning on a limit).
# saverestore a ballooned-down guest under a 200 MiB working set is saved
#            and restored (xl save, xl restore, new domid): the workload
#            survives, ticks go on, the target covers the load again, no
#            OOM kill.  (dom0, 1 GiB, holds the save file in RAM: the
#            guest must be under about 450 MiB.)
# pause      xl pause for 60 s, then unpause: no burst of ticks to catch up
#            (at most 2 within 2 s), and the first tick after is one
#            ordinary hysteresis step (expected_target), no huge step.
#            The kernel's soft lockup watchdog reports the 60 s it lost
#            (it does with no driver loaded too): counted, checked to name
#            no frame of the driver, and left out of end.dmesg_clean.
#
# TEST PASS/FAIL lines; figures as "FIGURE <name> <value>".
. /lib.sh

KO=/xen_selfballoon.ko
INTERVAL=2
MAXMEM_MB=1024

figure() { echo "FIGURE $1 $2"; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
cur_kb() { cat $XM/info/current_kb; }
toolstack() {
	reply=$(dom0_req "$2")
	case $reply in
	*" rc=0"*) pass "$1" ;;
	*) fail "$1" "dom0 answered '$reply' to '$2'" ;;
	esac
}
# cpu_ticks PATTERN: the CPU time (clock ticks, utime + stime) of every
# thread whose name matches PATTERN
cpu_ticks() {
	for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null; echo; done |
		awk -v p="$1" '{ n = $2; gsub(/[()]/, "", n); if (n ~ p) s += $14 + $15 } END { print s + 0 }'
}
target_at_most() { snap; [ "$T_TARGET" -le "$1" ] && [ "$(cur_kb)" -le "$1" ]; }
target_covers() { snap; [ "$T_TARGET" -ge "$1" ]; }

# --- setup ---------------------------------------------------------------
mkswap /dev/xvdb >/dev/null 2>&1 && swapon /dev/xvdb
toolstack setup.toolstack_target_raised_to_maxmem "mem-set $MAXMEM_MB"
insmod $KO selfballooning
check setup.insmod [ $? -eq 0 ]
try_write $SB/selfballoon_interval $INTERVAL >/dev/null
try_write $SB/selfballoon_grace_s 0 >/dev/null
wait_ticks 2 10
oom0=$(vmstat oom_kill)

# --- memset: xl mem-set below what the driver wants ------------------------
stress-ng --vm 1 --vm-bytes 400M --vm-keep --timeout 600s --quiet &
WS=$!
wait_until 60 target_covers $((400 * 1024)) && pass memset.target_covers_the_load ||
	fail memset.target_covers_the_load "target $(rd last_target_kb) KiB"
wait_balloon 60
t0=$(now)
toolstack memset.mem_set_300 "mem-set 300"
if wait_until 30 target_at_most $((300 * 1024)); then
	pass memset.driver_under_the_toolstack_target
else
	fail memset.driver_under_the_toolstack_target "target $T_TARGET KiB, current $(cur_kb) KiB"
fi
figure memset.s_to_comply "$(elapsed "$t0")"
worst=0 n=0
while [ $n -lt 5 ]; do
	wait_ticks 1 10
	snap
	[ "$T_TARGET" -le "$worst" ] || worst=$T_TARGET
	n=$((n + 1))
done
check memset.stays_under_it_for_5_ticks [ "$worst" -le $((300 * 1024)) ]
expect_eq memset.driver_sees_it "$(rd last_toolstack_target_kb)" $((300 * 1024))
expect_eq memset.memory_target_left_as_xl_wrote_it "$(xs_req $XS_READ memory/target)" $((300 * 1024))
toolstack memset.mem_set_lifted "mem-set $MAXMEM_MB"
t0=$(now)
wait_until 60 target_covers $((400 * 1024)) && pass memset.grows_back_after_the_lift ||
	fail memset.grows_back_after_the_lift "target $(rd last_target_kb) KiB"
figure memset.s_to_grow_back "$(elapsed "$t0")"
kill $WS; wait $WS 2>/dev/null
echo "PHASE memset done"

# --- memmax: Xen's limit down to the toolstack's target, under load --------
toolstack memmax.mem_set_500 "mem-set 500"
toolstack memmax.mem_max_501 "mem-max 501"
stress-ng --vm 1 --vm-bytes 600M --vm-keep --timeout 600s --quiet &
WS=$!
sleep $((3 * INTERVAL))
hz=100
b0=$(cpu_ticks '^xen-balloon$') k0=$(cpu_ticks '^kworker') t0=$(now) e0=$(rd early_ticks) n0=$(rd ticks)
sleep 20
b1=$(cpu_ticks '^xen-balloon$') k1=$(cpu_ticks '^kworker') dt=$(elapsed "$t0")
snap
check memmax.target_at_most_500MiB [ "$T_TARGET" -le $((500 * 1024)) ]
check memmax.balloon_at_most_501MiB [ "$(cur_kb)" -le $((501 * 1024)) ]
bal_pct=$(awk -v d=$((b1 - b0)) -v hz=$hz -v t="$dt" 'BEGIN { printf "%.1f", 100 * d / hz / t }')
kw_pct=$(awk -v d=$((k1 - k0)) -v hz=$hz -v t="$dt" 'BEGIN { printf "%.1f", 100 * d / hz / t }')
figure memmax.balloon_thread_cpu_pct "$bal_pct"
figure memmax.kworkers_cpu_pct "$kw_pct"
figure memmax.ticks_in_20s $(( $(rd ticks) - n0 ))
figure memmax.early_ticks_in_20s $(( $(rd early_ticks) - e0 ))
check memmax.balloon_thread_under_2pct_cpu awk -v v="$bal_pct" 'BEGIN { exit !(v < 2) }'
check memmax.kworkers_under_25pct_cpu awk -v v="$kw_pct" 'BEGIN { exit !(v < 25) }'
# early ticks come at most every 200 ms, regular ones every interval
check memmax.no_tick_storm [ $(( $(rd ticks) - n0 )) -le $((20 * 5 + 20 / INTERVAL + 2)) ]
kill $WS; wait $WS 2>/dev/null
toolstack memmax.mem_max_back "mem-max $MAXMEM_MB"
toolstack memmax.mem_set_back "mem-set $MAXMEM_MB"
echo "PHASE memmax done"

# --- saverestore: a ballooned-down guest under load -----------------------
try_write $SB/selfballoon_downhysteresis 1 >/dev/null
settle_on_floor 30 10
wait_balloon 60
try_write $SB/selfballoon_downhysteresis 8 >/dev/null
stress-ng --vm 1 --vm-bytes 200M --vm-keep --timeout 120s --quiet &
WS=$!
# the target on the load's goal (up-hysteresis 1: the next tick), the
# balloon there
wait_ticks 3 $((4 * INTERVAL))
wait_balloon 60
snap
before_kb=$(cur_kb) before_target=$T_TARGET id0=$(xs_req $XS_READ domid)
figure saverestore.before_kb "$before_kb"
reply=$(dom0_req save-restore)
case $reply in
*" rc=0"*) pass saverestore.done ;;
*) fail saverestore.done "dom0 answered '$reply'" ;;
esac
figure saverestore.reply "\"${reply#save-restore rc=0 }\""
check saverestore.new_domid [ "$(xs_req $XS_READ domid)" != "$id0" ]
check saverestore.workload_survived kill -0 $WS
n0=$(rd ticks)
wait_ticks 2 $((4 * INTERVAL)) && pass saverestore.ticks_go_on ||
	fail saverestore.ticks_go_on "ticks $n0 -> $(rd ticks)"
wait_until 60 target_covers $((200 * 1024)) && pass saverestore.target_covers_the_load ||
	fail saverestore.target_covers_the_load "target $(rd last_target_kb) KiB"
# back where it was before the save (within 16 MiB: the goal moves)
wait_until 60 target_covers $((before_target - 16384)) &&
	pass saverestore.target_back_where_it_was ||
	fail saverestore.target_back_where_it_was "target $(rd last_target_kb) KiB, $before_target before"
expect_eq saverestore.toolstack_target_kept "$(rd last_toolstack_target_kb)" $((MAXMEM_MB * 1024))
wait_balloon 60 && pass saverestore.balloon_follows ||
	fail saverestore.balloon_follows "current $(cur_kb), target $(cat $XM/target_kb) KiB"
figure saverestore.after_kb "$(cur_kb)"
wait $WS
expect_eq saverestore.workload_completed $? 0
echo "PHASE saverestore done"

# --- pause: 60 s paused, then the first tick -------------------------------
wait_ticks 2 10
snap
p_ticks=$T_TICKS
echo "toolstack.sh: xl pause 60 from here" >/dev/kmsg
toolstack pause.pause_60s "pause 60"
t0=$(now)
sleep 2
figure pause.ticks_in_2s_after $(( $(rd ticks) - p_ticks ))
check pause.no_burst_of_ticks [ $(( $(rd ticks) - p_ticks )) -le 2 ]
wait_ticks 1 $((2 * INTERVAL))
# the first tick after the pause: its own counters, its ordinary step
snap
# the tick read current and goal as they were; the step from them
want=$(expected_target "$T_CURRENT" "$T_GOAL" "$T_FLOOR" 8 1)
expect_near pause.first_tick_is_one_hysteresis_step "$T_TARGET" "$want" 4
step=$((T_TARGET - T_CURRENT)); step=${step#-}
figure pause.first_step_kb "$step"
# the guest's clock ran on while it was paused: the kernel's soft lockup
# watchdog reports the task that was running as stuck for about 60 s, with
# or without this driver loaded (the same report comes with no module at
# all).  Count it, check that the driver is in none of its frames, and
# leave the report out of end.dmesg_clean.
echo "toolstack.sh: xl pause 60 to here" >/dev/kmsg
# lockup_reports in|out: the kernel log's soft lockup reports between the
# two marks (from the "stuck for 5Xs/6Xs" line to "</TASK>", or to its
# last line within 1 s of it when it has no call trace), or all but them
lockup_reports() {
	dmesg | awk -v want="$1" '
		{ t = $0; sub(/^\[ */, "", t); t += 0 }
		/toolstack.sh: xl pause 60 from here/ { win = 1 }
		/toolstack.sh: xl pause 60 to here/ { win = 0; in_report = 0 }
		in_report && t > t_report + 1 { in_report = 0 }
		win && /soft lockup - CPU#[0-9]+ stuck for [56][0-9]s/ { in_report = 1; t_report = t }
		(in_report && want == "in") || (!in_report && want == "out") { print }
		in_report && /<\/TASK>/ { in_report = 0 }'
}
lockup_reports in >/tmp/pause.dmesg
figure pause.soft_lockup_reports "$(grep -c 'soft lockup - CPU#[0-9]* stuck for [56][0-9]s' /tmp/pause.dmesg)"
if grep -v 'Modules linked in' /tmp/pause.dmesg | grep -q selfballoon; then
	fail pause.driver_in_no_report "$(grep -v 'Modules linked in' /tmp/pause.dmesg | grep -m1 selfballoon)"
else
	pass pause.driver_in_no_report
fi
echo "PHASE pause done"

expect_eq end.no_oom_kill $(( $(vmstat oom_kill) - oom0 )) 0
lockup_reports out | grep -B8 -A24 'Call Trace' | head -n 80 | sed 's/^/DMESG /'
bad=$(lockup_reports out | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|possible circular locking' | head -n 3)
if [ -z "$bad" ]; then pass end.dmesg_clean; else fail end.dmesg_clean "$bad"; fi
echo "SCENARIO failures=$FAILS"
[ $FAILS -eq 0 ]
