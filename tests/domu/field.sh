# SPDX-License-Identifier: GPL-2.0
# domU scenario: field cases (issue reports from people who run balloon
# drivers in production), with swap, and the pressure policy's safety.
#
# Runs as /scenario.sh in a guest started with memory=512 MiB, maxmem=1024
# MiB, a 512 MiB PV swap disk (/dev/xvdb; run-domu.sh --swap 512 loads
# xen-blkfront), /xen_selfballoon.ko built for its kernel, /lib.sh,
# /burst-alloc and stress-ng.  dom0 carries out toolstack requests
# (dom0_req, tests/domu/lib.sh).
#
# Like an administrator who wants the guest to use up to its maxmem, the
# scenario first has the toolstack's target raised to maxmem
# (xl mem-set 1024: the driver never passes the toolstack's target), then:
#
# tmpfs      in a guest on its floor, under the committed policy, dd writes
#            450 MiB into /dev/shm: tmpfs pages are in Committed_AS, so the
#            goal follows, and early ticks raise it while reclaim runs; no
#            OOM kill, and swap use stays bounded.  Once more with early
#            ticks off (Linux 5.2's timing), for the figures.
# grow       floor 128 MiB, the guest shrinks to it, then a 600 MiB working
#            set (stress-ng --vm-keep): the target covers it within 3
#            intervals and swap-ins stop.
# blocked    the same after the toolstack held the guest at 300 MiB for a
#            while (xl mem-set 300; xl refuses an mem-max below the target)
#            and then let it go: it grows within 3 intervals.
# hotadd     the guest grows past its start size (512 -> more than 900 MiB)
#            for an 850 MiB working set: MemTotal and the zones' managed
#            pages rise, no OOM kill; afterwards it gives the memory back.
# burst      under the pressure policy, from its floor, a burst of 70 % of
#            maxmem (burst-alloc, chunks of 16 MiB): no OOM kill.
#
# Every assertion prints TEST PASS/FAIL (tests/domu/lib.sh); figures are
# "FIGURE <name> <value>" lines.

. /lib.sh

KO=/xen_selfballoon.ko
INTERVAL=2
MAXMEM_MB=1024

figure() { echo "FIGURE $1 $2"; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
oom_kills() { vmstat oom_kill; }
swap_used_kb() { echo $(( $(meminfo_kb SwapTotal) - $(meminfo_kb SwapFree) )); }
now() { cut -d' ' -f1 /proc/uptime; }
# elapsed T0: seconds since T0 (uptime), to 0.1 s
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# toolstack NAME REQUEST: have dom0 carry out REQUEST; the reply must say rc=0
toolstack() {
	reply=$(dom0_req "$2")
	case $reply in
	*" rc=0"*) pass "$1" ;;
	*) fail "$1" "dom0 answered '$reply' to '$2'" ;;
	esac
}

# to_floor MAX_TICKS: down-hysteresis 1 until the target is as low as it
# goes, the floor or the goal if that is higher (a kernel that commits more
# at rest, 6.1 here, keeps the goal a few MiB above the floor), and the
# balloon has followed, then the default again; LOWEST: that low point
to_floor() {
	try_write $SB/selfballoon_downhysteresis 1 >/dev/null
	# from a tick after the change, until two ticks in a row are there and
	# moved less than 1 MiB (the last tick before it may still see the
	# workload's goal, and a goal still falling is not the low point)
	tf_n=0 tf_ok=0 tf_prev=0
	while [ $tf_ok -lt 2 ] && [ $tf_n -lt "$1" ]; do
		wait_ticks 1 10; tf_n=$((tf_n + 1))
		snap
		LOWEST=$(( T_GOAL > T_FLOOR ? T_GOAL : T_FLOOR ))
		tf_d=$((T_TARGET - tf_prev)); tf_prev=$T_TARGET
		if [ "$T_TARGET" = "$LOWEST" ] &&
		   [ "${tf_d#-}" -le 1024 ]; then
			tf_ok=$((tf_ok + 1))
		else
			tf_ok=0
		fi
	done
	wait_balloon 60
	try_write $SB/selfballoon_downhysteresis 8 >/dev/null
	snap
	LOWEST=$(( T_GOAL > T_FLOOR ? T_GOAL : T_FLOOR ))
}

# starts_low NAME: the target is at that low point (within 1 MiB: the goal
# moves by a few pages from tick to tick), within 16 MiB of the floor
starts_low() {
	sl_d=$((T_TARGET - LOWEST))
	check "$1.starts_low" [ "${sl_d#-}" -le 1024 ]
	check "$1.starts_within_16MiB_of_the_floor" \
		[ $((T_TARGET - T_FLOOR)) -le 16384 ]
}

# --- setup ---------------------------------------------------------------
mkswap /dev/xvdb >/dev/null 2>&1 && swapon /dev/xvdb
check setup.swap_on [ "$(meminfo_kb SwapTotal)" -ge 500000 ]
toolstack setup.toolstack_target_raised_to_maxmem "mem-set $MAXMEM_MB"
insmod $KO selfballooning
check setup.insmod [ $? -eq 0 ]
try_write $SB/selfballoon_interval $INTERVAL >/dev/null
try_write $SB/selfballoon_grace_s 0 >/dev/null
wait_ticks 2 10
expect_eq setup.driver_sees_the_toolstack_target "$(rd last_toolstack_target_kb)" $((MAXMEM_MB * 1024))
start_tick_watcher

# --- tmpfs: 450 MiB into /dev/shm from the floor (committed policy) ----------
# tmpfs is sized at mount (half the RAM then, here of 512 MiB): make room
mount -o remount,size=640M /dev/shm
# tmpfs_fill NAME: from the floor, dd 450 MiB into /dev/shm, then wait for
# the ticks to settle; SU: the swap used once settled (KiB)
tmpfs_fill() {
	to_floor 40
	starts_low "$1"
	swapoff /dev/xvdb && swapon /dev/xvdb
	oom0=$(oom_kills) c0=$(meminfo_kb Committed_AS) t0=$(now) e0=$(rd early_ticks)
	dd if=/dev/zero of=/dev/shm/fill bs=1M count=450 2>/dev/null
	expect_eq "$1.dd_completed" $? 0
	figure "$1.dd_s" "$(elapsed $t0)"
	figure "$1.early_ticks" $(( $(rd early_ticks) - e0 ))
	figure "$1.swap_used_after_dd_kb" "$(swap_used_kb)"
	# Committed_AS counts tmpfs pages (shmem_acct_blocks()): +450 MiB
	expect_ge "$1.committed_counts_the_tmpfs_pages" $(( $(meminfo_kb Committed_AS) - c0 )) $((440 * 1024))
	# the next ticks raise the target over the goal that includes them
	wait_ticks 2 10; snap
	expect_ge "$1.target_covers_the_shmem" "$T_TARGET" \
		$(( $(meminfo_kb Shmem) + T_CURRENT - $(meminfo_kb MemTotal) ))
	wait_balloon 60
	wait_ticks 2 10
	expect_eq "$1.no_oom_kill" "$(( $(oom_kills) - oom0 ))" 0
	SU=$(swap_used_kb)
	figure "$1.swap_used_settled_kb" "$SU"
	rm -f /dev/shm/fill
}
# Linux 5.2's timing first: reclaim writes tmpfs pages to swap until the
# next regular tick; figures only, and no OOM kill
try_write $SB/selfballoon_early_ticks 0 >/dev/null
tmpfs_fill tmpfs_5_2
try_write $SB/selfballoon_early_ticks 1 >/dev/null
tmpfs_fill tmpfs
# bounded: a fraction of the 450 MiB
check tmpfs.swap_use_bounded_below_128MiB [ "$SU" -lt $((128 * 1024)) ]
echo "PHASE tmpfs done"

# --- grow: floor 128 MiB, then a 600 MiB working set ------------------------
# swap-ins of the tmpfs episode are over; start clean
swapoff /dev/xvdb && swapon /dev/xvdb
try_write $SB/selfballoon_min_usable_mb 128 >/dev/null
to_floor 60
starts_low grow
check grow.floor_is_128MiB_plus_reserve [ "$T_FLOOR" -lt $((200 * 1024)) ]
figure grow.floor_kb "$T_FLOOR"

# working_set NAME: start a 600 MiB --vm-keep working set and wait for the
# target to cover it (at most 3 intervals after stress-ng has committed
# it) and for swap-ins to stop; leaves its pid in WS
working_set() {
	oom0=$(oom_kills)
	stress-ng --vm 1 --vm-bytes 600M --vm-keep --timeout 600s --quiet &
	WS=$!
	n=0
	while [ $(( $(meminfo_kb Committed_AS) )) -lt $((600 * 1024)) ] && [ $n -lt 100 ]; do
		sleep 0.1; n=$((n + 1))
	done
	t0=$(now)
	tk0=$(rd ticks)
	wait_until $((3 * INTERVAL + 2)) target_covers 600 &&
		pass "$1.target_covers_600MiB_within_3_intervals" ||
		fail "$1.target_covers_600MiB_within_3_intervals" \
			"target $(rd last_target_kb) KiB after $(( $(rd ticks) - tk0 )) ticks"
	figure "$1.target_covered_s" "$(elapsed $t0)"
	wait_balloon 60
	figure "$1.balloon_followed_s" "$(elapsed $t0)"
	# the pages stress-ng touched while the guest was small come back in;
	# then nothing more is read from swap
	sleep $((2 * INTERVAL))
	si0=$(vmstat pswpin)
	sleep $((3 * INTERVAL))
	si=$(( $(vmstat pswpin) - si0 ))
	figure "$1.swapins_over_3_intervals_after" "$si"
	check "$1.swapins_stopped" [ "$si" -lt 256 ]
	expect_eq "$1.no_oom_kill" "$(( $(oom_kills) - oom0 ))" 0
}
# target_covers MiB: the last target leaves MiB free above the memory in use
target_covers() {
	snap
	[ "$T_TARGET" -ge $(( $1 * 1024 )) ]
}

working_set grow
kill $WS; wait $WS 2>/dev/null
echo "PHASE grow done"

# --- blocked: the toolstack holds the guest, then lets it go ---------------
to_floor 60
# xl keeps Xen's limit at or above the toolstack's target: a mem-max
# below it is refused, so it is the target that holds the guest
reply=$(dom0_req "mem-max 300")
case $reply in *" rc=0"*) fail blocked.xl_refuses_mem_max_below_target "$reply" ;;
*) pass blocked.xl_refuses_mem_max_below_target ;; esac
toolstack blocked.mem_set_300 "mem-set 300"
stress-ng --vm 1 --vm-bytes 600M --vm-keep --timeout 600s --quiet &
BL=$!
sleep $((4 * INTERVAL))
cur=$(cat $XM/info/current_kb)
check blocked.held_at_the_toolstack_target [ "$cur" -le $((300 * 1024)) ]
figure blocked.held_kb "$cur"
check blocked.driver_target_under_it [ "$(rd last_target_kb)" -le $((300 * 1024)) ]
sleep $((4 * INTERVAL))
kill $BL; wait $BL 2>/dev/null
to_floor 60
toolstack blocked.mem_set_lifted "mem-set $MAXMEM_MB"
working_set blocked
kill $WS; wait $WS 2>/dev/null
try_write $SB/selfballoon_min_usable_mb 0 >/dev/null
echo "PHASE blocked done"

# --- hotadd: past the start size, 512 -> more than 900 MiB -----------------
to_floor 60
zone_managed() { awk '/^Node .* zone/ { z = $4 } $1 == "managed" { s += $2 } END { print s }' /proc/zoneinfo; }
mt0=$(meminfo_kb MemTotal) zm0=$(zone_managed) oom0=$(oom_kills)
figure hotadd.start_memtotal_kb "$mt0"
# two workers of 425 MiB (stress-ng shares --vm-bytes among them):
# heuristic overcommit checks each mapping against RAM + swap, and the
# guest starts small
stress-ng --vm 2 --vm-bytes 850M --vm-keep --timeout 600s &
HA=$!
wait_until 120 target_covers 900 && pass hotadd.target_above_900MiB ||
	fail hotadd.target_above_900MiB "target $(rd last_target_kb) KiB"
wait_balloon 120
sleep $((2 * INTERVAL))
mt1=$(meminfo_kb MemTotal) zm1=$(zone_managed)
figure hotadd.memtotal_kb "$mt1"
figure hotadd.zone_managed_pages "$zm1"
check hotadd.memtotal_above_900MiB [ "$mt1" -gt $((900 * 1024 - 65536)) ]
check hotadd.memtotal_past_the_start_size [ "$mt1" -gt $((512 * 1024)) ]
check hotadd.zone_managed_pages_rose [ "$zm1" -gt $(( zm0 + (mt1 - mt0) / 4 - 1024 )) ]
kill -0 $HA 2>/dev/null && pass hotadd.workload_running || fail hotadd.workload_running "stress-ng gone"
kill $HA; wait $HA 2>/dev/null
expect_eq hotadd.no_oom_kill "$(( $(oom_kills) - oom0 ))" 0
# and gives it back
to_floor 60
mt2=$(meminfo_kb MemTotal)
figure hotadd.memtotal_after_kb "$mt2"
check hotadd.memory_given_back [ "$mt2" -lt $((300 * 1024)) ]
echo "PHASE hotadd done"

# --- burst: 70 % of maxmem under the pressure policy, from its floor --------
try_write $SB/selfballoon_policy pressure >/dev/null
# the pressure policy's reserve shrinks after calm ticks; let it settle
to_floor 60
wait_ticks 6 30
snap
expect_eq burst.pressure_policy "$(rd selfballoon_policy)" pressure
figure burst.start_current_kb "$(cat $XM/info/current_kb)"
figure burst.start_reserve_kb "$(rd last_reserve_kb)"
oom0=$(oom_kills) early0=$(rd early_ticks) raised0=$(dmesg | grep -c 'out of memory: balloon target raised')
BURST_MB=$((MAXMEM_MB * 7 / 10))
t0=$(now)
/burst-alloc $BURST_MB 16 1 0
expect_eq burst.completed $? 0
figure burst.mib $BURST_MB
figure burst.s "$(elapsed $t0)"
expect_eq burst.no_oom_kill "$(( $(oom_kills) - oom0 ))" 0
figure burst.early_ticks "$(( $(rd early_ticks) - early0 ))"
figure burst.oom_notifier_raises "$(( $(dmesg | grep -c 'out of memory: balloon target raised') - raised0 ))"
check burst.early_ticks_ran [ $(( $(rd early_ticks) - early0 )) -ge 1 ]
figure burst.swap_used_kb "$(swap_used_kb)"
try_write $SB/selfballoon_policy committed >/dev/null
echo "PHASE burst done"

try_write $SB/selfballooning 0 >/dev/null
expect_eq end.target_back_to_toolstack "$(cat $XM/target_kb)" $((MAXMEM_MB * 1024))
rmmod xen_selfballoon
check end.rmmod [ $? -eq 0 ]
wait $WATCHER 2>/dev/null
dmesg_clean end.no_warn_bug_oops
echo "SCENARIO failures=$FAILS"
[ $FAILS -eq 0 ]
