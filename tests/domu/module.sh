# SPDX-License-Identifier: GPL-2.0
# domU scenario: the xen_selfballoon module in a real Xen PV guest.
#
# Runs as /scenario.sh in a guest started with memory=512 MiB, maxmem=1024
# MiB, with /xen_selfballoon.ko built for its kernel and stress-ng on PATH.
# Xen 4.17 has no tmem, so the module loads with selfballooning off.
# Every assertion prints TEST PASS/FAIL (tests/domu/lib.sh).

. /lib.sh

KO=/xen_selfballoon.ko
TOOLSTACK_KB=524288	# memory = 512 in the xl config: xenstore memory/target
WORKLOAD_MB=64

# --- load with defaults ------------------------------------------------
memtotal_kb=$(meminfo_kb MemTotal)
insmod $KO
check load.insmod_defaults_ok [ $? -eq 0 ]
check load.group_exists [ -d $SB ]
dmesg | grep -q 'xen:selfballoon: selfballooning off, frontswap self-shrinking off (tmem absent, reserve [0-9]* MiB, policy committed)' &&
	pass load.one_log_line_tmem_absent ||
	fail load.one_log_line_tmem_absent "$(dmesg | grep selfballoon)"

check_modes

expect_eq default.selfballooning "$(rd selfballooning)" 0
expect_eq default.interval "$(rd selfballoon_interval)" 5
expect_eq default.downhysteresis "$(rd selfballoon_downhysteresis)" 8
expect_eq default.uphysteresis "$(rd selfballoon_uphysteresis)" 1
expect_eq default.min_usable_mb "$(rd selfballoon_min_usable_mb)" 0
# 10% of RAM at load, in MiB: MemTotal is totalram_pages in KiB
AUTO_RESERVED=$(( memtotal_kb / 1024 / 10 ))
expect_eq default.reserved_mb_is_10pct_of_ram "$(rd selfballoon_reserved_mb)" $AUTO_RESERVED
expect_eq default.frontswap_selfshrinking "$(rd frontswap_selfshrinking)" 0
expect_eq default.frontswap_hysteresis "$(rd frontswap_hysteresis)" 20
expect_eq default.frontswap_inertia "$(rd frontswap_inertia)" 3
expect_eq default.grace_s "$(rd selfballoon_grace_s)" 15
expect_eq default.policy_is_committed "$(rd selfballoon_policy)" committed
expect_eq default.early_ticks_on "$(rd selfballoon_early_ticks)" 1
# 2% of RAM at load, in MiB, at least 1
AUTO_MIN_RESERVE=$(( memtotal_kb / 1024 / 50 ))
[ $AUTO_MIN_RESERVE -ge 1 ] || AUTO_MIN_RESERVE=1
expect_eq default.min_reserve_mb_is_2pct_of_ram "$(rd selfballoon_min_reserve_mb)" $AUTO_MIN_RESERVE
expect_eq default.no_ticks_while_off "$(rd ticks)" 0

# --- frontswap self-shrinking is unavailable on stock kernels ---------------
err=$(try_write $SB/frontswap_selfshrinking 1)
expect_eq frontswap.enable_is_eopnotsupp "$err" "Operation not supported"
expect_eq frontswap.still_off "$(rd frontswap_selfshrinking)" 0
dmesg | grep -q 'frontswap self-shrinking unavailable' &&
	pass frontswap.log_line_says_why || fail frontswap.log_line_says_why "no log line"

# --- bad input is rejected and changes nothing ----------------------------
EINVAL="Invalid argument"
ERANGE="Numerical result out of range"
LONG=$(printf '%4096s' '' | tr ' ' 1)
LONG_ALPHA=$(printf '%4096s' '' | tr ' ' a)
# bad_write FILE NAME VALUE ERRNO-TEXT: the write fails so, value kept
bad_write() {
	before=$(rd $1)
	err=$(try_write $SB/$1 "$3")
	expect_eq "badinput.$1.$2.errno" "$err" "$4"
	expect_eq "badinput.$1.$2.unchanged" "$(rd $1)" "$before"
}
# the malformed text every writable file rejects with EINVAL
common_bad_writes() {
	for spec in "nl|
" "space| " "space_5| 5" "5_space|5 " "tab|	5" "suffix|5x" \
		    "negative|-1" "hex|0x10" "exponent|1e3" "nl_nl|1

" "long_4096_letters|$LONG_ALPHA"; do
		bad_write $1 "${spec%%|*}" "${spec#*|}" "$EINVAL"
	done
	for spec in "uint_max_plus_1|4294967296" "2pow64|18446744073709551616" \
		    "long_4096|$LONG"; do
		bad_write $1 "${spec%%|*}" "${spec#*|}" "$ERANGE"
	done
}
# bad_writes FILE MIN MAX: every bad value fails with its errno, value kept
bad_writes() {
	f=$1; min=$2; max=$3; before=$(rd $f)
	common_bad_writes $f
	bad_write $f uint_max 4294967295 "$ERANGE"
	bad_write $f max_plus_1 $((max + 1)) "$ERANGE"
	[ "$min" -gt 0 ] && bad_write $f zero 0 "$ERANGE"
	# a valid value with a trailing newline is accepted, then restored
	err=$(try_write $SB/$f "$max
")
	expect_eq "input.$f.max_with_newline_accepted" "$err$(rd $f)" "$max"
	try_write $SB/$f "$before" >/dev/null
	expect_eq "input.$f.restored" "$(rd $f)" "$before"
}
bad_writes selfballoon_interval 1 3600
bad_writes selfballoon_downhysteresis 1 1000
bad_writes selfballoon_uphysteresis 1 1000
bad_writes selfballoon_min_usable_mb 0 16777216
bad_writes frontswap_hysteresis 1 1000
bad_writes frontswap_inertia 1 1000
bad_writes selfballoon_grace_s 0 3600
bad_writes selfballoon_min_reserve_mb 0 16777216
# min_reserve_mb: 0 is valid (automatic) and reads back the automatic value
try_write $SB/selfballoon_min_reserve_mb 77 >/dev/null
try_write $SB/selfballoon_min_reserve_mb 0 >/dev/null
expect_eq input.selfballoon_min_reserve_mb.0_restores_auto "$(rd selfballoon_min_reserve_mb)" $AUTO_MIN_RESERVE
# the policy: exactly "committed" or "pressure", one optional newline
for spec in "empty_nl|
" "space| " "space_pressure| pressure" "pressure_space|pressure " \
	    "pressure_nl_nl|pressure

" "capital|Pressure" "upper|PRESSURE" "prefix|press" "longer|pressures" \
	    "commit|commit" "number_0|0" "number_1|1" "both|committed pressure" \
	    "tab|pressure	" "long_4096_letters|$LONG_ALPHA"; do
	bad_write selfballoon_policy "${spec%%|*}" "${spec#*|}" "$EINVAL"
done
err=$(try_write $SB/selfballoon_policy "pressure
")
expect_eq input.selfballoon_policy.pressure_with_newline_accepted "$err$(rd selfballoon_policy)" pressure
err=$(try_write $SB/selfballoon_policy committed)
expect_eq input.selfballoon_policy.committed_accepted "$err$(rd selfballoon_policy)" committed
# reserved_mb: writing max then restoring would change nothing but is
# checked like the others; 0 is valid there (automatic)
bad_writes selfballoon_reserved_mb 0 16777216
# the switches: 0 and 1 only; other numbers that fit are EINVAL
for f in selfballooning frontswap_selfshrinking selfballoon_early_ticks; do
	common_bad_writes $f
	for v in 2 4294967295 y Y n on true; do
		bad_write $f "'$v'" "$v" "$EINVAL"
	done
	err=$(try_write $SB/$f "0
")
	expect_eq "input.$f.0_with_newline_accepted" "$err$(rd $f)" 0
done
err=$(try_write $SB/selfballoon_early_ticks "1
")
expect_eq input.selfballoon_early_ticks.1_with_newline_accepted "$err$(rd selfballoon_early_ticks)" 1
# 1 with a newline: on, then off again before a tick (interval 5 s)
err=$(try_write $SB/selfballooning "1
")
expect_eq "input.selfballooning.1_with_newline_accepted" "$err$(rd selfballooning)" 1
try_write $SB/selfballooning 0 >/dev/null
expect_eq input.selfballooning.back_off "$(rd selfballooning)" 0
err=$(try_write $SB/frontswap_selfshrinking "1
")
expect_eq "input.frontswap_selfshrinking.1_with_newline_is_eopnotsupp" "$err" "Operation not supported"
expect_eq "badinput.selfballooning.no_ticks" "$(rd ticks)" 0

# writes need root: uid 1000 is refused by the mode, values unchanged
for f in $SB_WRITABLE; do
	before=$(rd $f)
	err=$(as_user "printf 1 > $SB/$f" 2>&1 | sed 's/.*: //')
	expect_eq "perm.$f.nonroot_refused" "$err" "Permission denied"
	expect_eq "perm.$f.nonroot_unchanged" "$(rd $f)" "$before"
done

# --- tick watcher: one TICK row per tick for the timeline --------------------
start_tick_watcher

# --- enable: a grace period, then the target decays by 1/8 a tick ----------
# A 4 s grace period: the ticks inside it hold the target at current (the
# idle guest's goal is far below it); the first tick after it cuts.
try_write $SB/selfballoon_interval 1 >/dev/null
try_write $SB/selfballoon_grace_s 4 >/dev/null
# the tick arithmetic below is checked tick by tick: no early tick (which
# holds cuts) may come in between; they are on again after the OOM check
# (tests/domu/field.sh exercises them)
try_write $SB/selfballoon_early_ticks 0 >/dev/null
g0=$(cut -d' ' -f1 /proc/uptime)
try_write $SB/selfballooning 1 >/dev/null
expect_eq enable.reads_1 "$(rd selfballooning)" 1
wait_ticks 1 3 && pass enable.first_tick_within_interval ||
	fail enable.first_tick_within_interval "no tick within 3 s"
snap
check grace.first_tick_goal_below_current [ "$T_GOAL" -lt "$T_CURRENT" ]
expect_eq grace.first_tick_holds_at_current "$T_TARGET" "$T_CURRENT"
wait_ticks 1 3
g1=$(cut -d' ' -f1 /proc/uptime)
snap
# a tick still inside the grace period (uptime < g0 + 4) holds too
if awk -v a=$g0 -v b=$g1 'BEGIN { exit !(b - a < 3.5) }'; then
	expect_eq grace.second_tick_holds_at_current "$T_TARGET" "$T_CURRENT"
fi
expect_eq grace.no_cut_in_grace "$(rd target_cuts)" 0
# the first tick after the grace period cuts by the down-hysteresis step
while awk -v a=$g0 -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { exit !(b - a < 4.2) }'; do
	sleep 0.2
done
verify_ticks 1 grace_over
check grace.cut_after_grace [ "$(rd target_cuts)" -ge 1 ]
# (grace_s stays 4: a new value counts from the switch-on, so 15 would hold
# cuts again for the next 11 s)
wait_ticks 1 3
snap
check decay.goal_below_current [ "$T_GOAL" -lt "$T_CURRENT" ]
# goal = Committed_AS + totalreserve + reserved_mb, in balloon terms: at least
# Committed_AS + reserved_mb
expect_ge decay.goal_covers_committed_plus_reserved "$T_GOAL" $(( T_COMMITTED + AUTO_RESERVED * 1024 ))
verify_ticks 6 decay
check decay.cuts_counted [ "$(rd target_cuts)" -ge 6 ]
# the idle guest's goal is below the floor: the target settles on the floor
settle_on_floor 60 5
expect_eq decay.settles_on_floor "$T_TARGET" "$T_FLOOR"
check decay.floor_hits_counted [ "$(rd floor_hits)" -ge 1 ]
wait_balloon 30 && pass decay.balloon_followed_target ||
	fail decay.balloon_followed_target "current $(cat $XM/info/current_kb) target $(cat $XM/target_kb)"
echo "PHASE decayed"

# --- the trace event: one selfballoon_tick per tick, as the stats say ------
TR=/sys/kernel/debug/tracing
if [ -d $TR/events/xen_selfballoon/selfballoon_tick ]; then
	pass trace.event_registered
	echo > $TR/trace
	tk0=$(rd ticks)
	echo 1 > $TR/events/xen_selfballoon/selfballoon_tick/enable
	wait_ticks 3 10
	# no tick after this write: the last event and the stats are one tick
	try_write $SB/selfballoon_interval 3600 >/dev/null
	echo 0 > $TR/events/xen_selfballoon/selfballoon_tick/enable
	snap
	line=$(grep 'selfballoon_tick: ' $TR/trace | tail -n 1)
	ev=$(grep -c 'selfballoon_tick: ' $TR/trace)
	# every tick while enabled, less the one that may race the enable
	check trace.one_event_per_tick [ "$ev" -ge 2 -a "$ev" -le $((T_TICKS - tk0)) -a "$ev" -ge $((T_TICKS - tk0 - 1)) ]
	try_write $SB/selfballoon_interval 1 >/dev/null
	bt=$(echo "$line" | sed -n 's/.* balloon_target=\([0-9]*\) .*/\1/p')
	fl=$(echo "$line" | sed -n 's/.* floor=\([0-9]*\) .*/\1/p')
	cu=$(echo "$line" | sed -n 's/.* current=\([0-9]*\) .*/\1/p')
	bc=$(echo "$line" | sed -n 's/.* balloon_current=\([0-9]*\) .*/\1/p')
	expect_eq trace.balloon_target_pages_match_stats "$(( ${bt:-0} * 4 ))" "$T_TARGET"
	# the event has the floor in totalram terms, the stats in balloon terms
	expect_eq trace.floor_pages_match_stats "$(( (${fl:-0} + ${bc:-0} - ${cu:-0}) * 4 ))" "$T_FLOOR"
	echo "$line" | grep -q 'action=hold floor_hit=1' && pass trace.settled_tick_holds_on_floor ||
		fail trace.settled_tick_holds_on_floor "$line"
else
	fail trace.event_registered "no $TR/events/xen_selfballoon/selfballoon_tick"
fi

# --- a real workload commits memory in three steps: the target follows -----
# Each step is smaller than the memory the guest has free at the floor: with
# no swap, a guest ballooned down cannot absorb a bigger burst before the
# balloon grows (and heuristic overcommit refuses a mapping larger than RAM).
try_write $SB/selfballoon_interval 2 >/dev/null
WLS=
for step in 1 2 3; do
	c0=$(meminfo_kb Committed_AS)
	stress-ng --vm 1 --vm-bytes ${WORKLOAD_MB}M --vm-keep \
		--timeout $(( 30 - step * 6 ))s --quiet &
	WLS="$WLS $!"
	n=0
	while [ $(( $(meminfo_kb Committed_AS) - c0 )) -lt $(( WORKLOAD_MB * 1024 * 9 / 10 )) ]; do
		sleep 0.1; n=$((n + 1)); [ $n -ge 100 ] && break
	done
	echo "PHASE workload step $step committed $(( ($(meminfo_kb Committed_AS) - c0) / 1024 )) MiB"
	# within one interval (2 s), plus the tick's own latency
	wait_ticks 1 3; snap
	check workload.step$step.committed_seen_by_next_tick [ "$T_COMMITTED" -ge $(( c0 + WORKLOAD_MB * 1024 * 9 / 10 )) ]
	expect_ge workload.step$step.target_reaches_goal_in_one_interval "$T_TARGET" "$T_GOAL"
	wait_balloon 20 && pass workload.step$step.balloon_followed ||
		fail workload.step$step.balloon_followed "current $(cat $XM/info/current_kb) target $(cat $XM/target_kb)"
done
check workload.raises_counted [ "$(rd target_raises)" -ge 3 ]
verify_ticks 2 workload
for p in $WLS; do
	wait $p
	expect_eq workload.stress_ng_$p.exit_ok $? 0
done
echo "PHASE workload exited"

# --- workload gone: decay by the down-hysteresis step, never below floor ----
verify_ticks 8 release

# --- sysfs writes change behaviour ----------------------------------------
# down-hysteresis 1 jumps to max(goal, floor) in one tick
try_write $SB/selfballoon_downhysteresis 1 >/dev/null
wait_ticks 1 5; wait_ticks 1 5; snap
want=$T_GOAL; [ "$want" -lt "$T_FLOOR" ] && want=$T_FLOOR
expect_eq behaviour.downhysteresis_1_jumps_to_goal_or_floor "$T_TARGET" "$want"
try_write $SB/selfballoon_downhysteresis 8 >/dev/null

# min_usable_mb moves the floor by exactly the MiB written
try_write $SB/selfballoon_min_usable_mb 300 >/dev/null
wait_ticks 2 8; snap; f300=$T_FLOOR
try_write $SB/selfballoon_min_usable_mb 200 >/dev/null
wait_ticks 2 8; snap; f200=$T_FLOOR
expect_eq behaviour.min_usable_mb_moves_floor_by_100MiB $(( f300 - f200 )) 102400
try_write $SB/selfballoon_min_usable_mb 0 >/dev/null
expect_eq behaviour.min_usable_mb_0_reads_0 "$(rd selfballoon_min_usable_mb)" 0

# reserved_mb moves the goal by exactly the MiB added (Committed_AS aside)
wait_ticks 1 5; snap; g0=$((T_GOAL - T_COMMITTED))
try_write $SB/selfballoon_reserved_mb $((AUTO_RESERVED + 64)) >/dev/null
wait_ticks 2 8; snap; g1=$((T_GOAL - T_COMMITTED))
expect_near behaviour.reserved_mb_moves_goal_by_64MiB $(( g1 - g0 )) 65536 64
try_write $SB/selfballoon_reserved_mb 0 >/dev/null
expect_eq behaviour.reserved_mb_0_restores_auto "$(rd selfballoon_reserved_mb)" $AUTO_RESERVED

# a new interval applies at once, not after the pending tick
try_write $SB/selfballoon_interval 30 >/dev/null
wait_ticks 1 3 && fail behaviour.interval_30_no_tick_soon "ticked within 3 s" ||
	pass behaviour.interval_30_no_tick_soon
s0=$(cut -d' ' -f1 /proc/uptime)
try_write $SB/selfballoon_interval 1 >/dev/null
wait_ticks 1 5
s1=$(cut -d' ' -f1 /proc/uptime)
dt=$(awk -v a=$s0 -v b=$s1 'BEGIN { print int((b - a) * 10) }')
check behaviour.interval_1_applies_at_once [ "$dt" -le 25 ]
tk0=$(rd ticks); sleep 6; tk1=$(rd ticks)
check behaviour.interval_1_ticks_every_second [ $((tk1 - tk0)) -ge 4 -a $((tk1 - tk0)) -le 7 ]
# rewriting the interval in force leaves the pending tick alone: a write
# every half second must not hold 2 s ticks off (each write used to move
# the next tick 2 s away, so none came; make stress found it)
try_write $SB/selfballoon_interval 2 >/dev/null
tk0=$(rd ticks); n=0
while [ $n -lt 12 ]; do
	try_write $SB/selfballoon_interval 2 >/dev/null
	sleep 0.5; n=$((n + 1))
done
tk1=$(rd ticks)
check behaviour.rewriting_interval_does_not_hold_ticks_off [ $((tk1 - tk0)) -ge 2 ]
# changing it between 2 and 1 s every half second must not either: the
# tick runs one new interval after the last tick, not after the write
# (each write used to move it 1 or 2 s away, so none came; make stress
# found it: a 38 s gap on 6.1)
tk0=$(rd ticks); n=0
while [ $n -lt 12 ]; do
	try_write $SB/selfballoon_interval $((2 - n % 2)) >/dev/null
	sleep 0.5; n=$((n + 1))
done
tk1=$(rd ticks)
check behaviour.changing_interval_does_not_hold_ticks_off [ $((tk1 - tk0)) -ge 2 ]
try_write $SB/selfballoon_interval 1 >/dev/null

# --- the toolstack's target is watched and shown --------------------------
expect_eq toolstack.target_watched "$(rd last_toolstack_target_kb)" $TOOLSTACK_KB

# --- the pressure policy, switched to and from mid-run -----------------------
# The reserve starts at reserved_mb and shrinks after two calm ticks; the
# goal is used + totalreserve + reserve; the target never goes below the
# floor, across both switches.
try_write $SB/selfballoon_interval 1 >/dev/null
wait_ticks 1 5
try_write $SB/selfballoon_policy pressure >/dev/null
wait_ticks 1 5; wait_ticks 1 5; snap
expect_eq pressure.reserve_starts_at_reserved_mb "$(rd last_reserve_kb)" $((AUTO_RESERVED * 1024))
floor_ok=1 n=0 r_prev=$(rd last_reserve_kb) shrank=0
while [ $n -lt 8 ]; do
	wait_ticks 1 5; snap
	[ "$T_TARGET" -ge "$T_FLOOR" ] || floor_ok=0
	r=$(rd last_reserve_kb)
	[ "$r" -lt "$r_prev" ] && shrank=1
	r_prev=$r n=$((n + 1))
done
check pressure.reserve_shrinks_while_calm [ $shrank = 1 ]
check pressure.reserve_at_least_min_reserve [ "$(rd last_reserve_kb)" -ge $((AUTO_MIN_RESERVE * 1024)) ]
check pressure.target_never_below_floor [ $floor_ok = 1 ]
# goal (balloon terms) = used + totalreserve + reserve + the pages outside
# totalram (balloon current - MemTotal, the same however the balloon
# moves); totalreserve_pages is a few MiB, at most 16 here
snap; u=$(rd last_used_kb); r=$(rd last_reserve_kb)
outside=$(( $(cat $XM/info/current_kb) - $(meminfo_kb MemTotal) ))
check pressure.goal_is_used_plus_reserve_plus_totalreserve \
	[ "$T_GOAL" -gt $((u + r + outside)) -a "$T_GOAL" -le $((u + r + outside + 16384)) ]
try_write $SB/selfballoon_policy committed >/dev/null
floor_ok=1 n=0
while [ $n -lt 3 ]; do
	wait_ticks 1 5; snap
	[ "$T_TARGET" -ge "$T_FLOOR" ] || floor_ok=0
	n=$((n + 1))
done
check pressure.switch_back_never_below_floor [ $floor_ok = 1 ]
expect_eq pressure.switch_back_reserve_is_reserved_mb "$(rd last_reserve_kb)" $((AUTO_RESERVED * 1024))
expect_ge pressure.switch_back_goal_covers_committed_plus_reserved "$T_GOAL" $(( T_COMMITTED + AUTO_RESERVED * 1024 ))

# --- a burst bigger than the free memory, with no tick to help -------------
# From the floor, with the interval at 3600 s and early ticks off (no tick
# comes), burst-alloc
# maps and touches more than the guest has free.  Before the OOM killer
# picks a victim, the driver's OOM notifier raises the balloon target and
# waits for the pages: the allocator survives, no OOM kill.  Without the
# notifier this is an OOM kill every time.
try_write $SB/selfballoon_downhysteresis 1 >/dev/null
settle_on_floor 30 5
wait_balloon 60
try_write $SB/selfballoon_downhysteresis 8 >/dev/null
try_write $SB/selfballoon_interval 3600 >/dev/null
# and no early tick either: the notifier is what is under test
try_write $SB/selfballoon_early_ticks 0 >/dev/null
# what the hypervisor allows (memory= 512 MiB, plus 1 MiB) less what the
# guest has now, less 48 MiB of margin
burst_mb=$(( (TOOLSTACK_KB - $(cat $XM/info/current_kb)) / 1024 - 48 ))
avail_kb=$(meminfo_kb MemAvailable)
check oom.burst_exceeds_available_memory [ $((burst_mb * 1024)) -gt $avail_kb ]
oom0=$(dmesg | grep -c 'Out of memory')
raised0=$(dmesg | grep -c 'out of memory: balloon target raised')
/burst-alloc $burst_mb 16 1 0
expect_eq oom.burst_survives $? 0
expect_eq oom.no_oom_kill $(( $(dmesg | grep -c 'Out of memory') - oom0 )) 0
check oom.notifier_raised_the_target \
	[ "$(dmesg | grep -c 'out of memory: balloon target raised')" -gt "$raised0" ]
try_write $SB/selfballoon_interval 1 >/dev/null
try_write $SB/selfballoon_early_ticks 1 >/dev/null
echo "PHASE burst of $burst_mb MiB over $avail_kb KiB available done"

# --- disable: ticks stop, the toolstack's target is back ---------------------
try_write $SB/selfballooning 0 >/dev/null
tk0=$(rd ticks); sleep 3
expect_eq disable.ticks_stop "$(rd ticks)" "$tk0"
expect_eq disable.target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
echo "PHASE disabled"

# --- unload: group gone, target handed back, clean log ---------------------
try_write $SB/selfballooning 1 >/dev/null
wait_ticks 2 10
rmmod xen_selfballoon
check unload.rmmod_ok [ $? -eq 0 ]
check unload.group_removed [ ! -d $SB ]
expect_eq unload.target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
wait $WATCHER 2>/dev/null

# --- load switches -----------------------------------------------------------
insmod $KO selfballooning
expect_eq switch.selfballooning_param_enables "$(rd selfballooning)" 1
# loaded with the switch: the grace period holds the first ticks' cuts
try_write $SB/selfballoon_interval 1 >/dev/null
wait_ticks 3 10
expect_eq switch.grace_holds_cuts_after_load "$(rd target_cuts)" 0
check switch.grace_ticks_ran [ "$(rd ticks)" -ge 3 ]
dmesg | tail -n 3 | grep -q 'selfballooning on' && pass switch.log_says_on ||
	fail switch.log_says_on "$(dmesg | tail -n 3)"
rmmod xen_selfballoon
insmod $KO selfballooning noselfballooning
expect_eq switch.noselfballooning_wins "$(rd selfballooning)" 0
rmmod xen_selfballoon
insmod $KO noselfshrink
expect_eq switch.noselfshrink_keeps_shrink_off "$(rd frontswap_selfshrinking)" 0
rmmod xen_selfballoon
# every bad value of every parameter refused, the valid ones taken
. /params.sh
params_matrix $KO

# --- repeated load/unload while ticking ---------------------------------------
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	insmod $KO selfballooning || break
	try_write $SB/selfballoon_interval 1 >/dev/null
	sleep 1.2
	rmmod xen_selfballoon || break
	ok=$((ok + 1))
done
expect_eq unload.ten_load_unload_cycles $ok 10
check unload.cycles_group_removed [ ! -d $SB ]
wait_balloon 60
expect_eq unload.cycles_target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
dmesg_clean unload.no_warn_bug_oops

echo "SCENARIO failures=$FAILS"
[ $FAILS -eq 0 ]
