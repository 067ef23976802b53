# SPDX-License-Identifier: GPL-2.0
# domU scenario: frontswap self-shrinking on zswap, with the driver built
# into the guest's kernel (the series of scripts/patches.sh, which adds
# zswap_writeback_pages()).
#
# Runs as /scenario.sh in a guest booted with "selfballooning
# zswap.enabled=1" (and, for the second boot, "noselfshrink"), with a PV
# disk xvdb (run-domu.sh --swap) for swap, memory=512 MiB, maxmem=1024 MiB.
#
# The workload: a 48 MiB tmpfs file of compressible text stands for an
# idle program's memory.  Proactive reclaim (memory.reclaim of the root
# cgroup) swaps it out into zswap, as memory pressure would; then nothing
# touches it.  Every tick's reading and decision come from the trace event
# xen_selfballoon:selfballoon_tick (frontswap=, shrink=, frontswap_target=),
# one line per tick, so the checks see every tick even at a 1 s interval.
#
# With self-shrinking (boot "selfballooning"):
#   - it is on at boot, because selfballooning is (the start-state rule);
#   - selfballooning is switched off: the worker keeps running for it;
#   - zswap fills (growth), then stays stable; the first shrink comes on
#     the 3rd stable tick (frontswap_inertia 3) to
#     cur - cur / 20 (frontswap_hysteresis 20), and zswap's stored pages
#     fall to exactly that target by the next tick; then every 3 ticks;
#   - frontswap_inertia 2 is written when the countdown is at 1: the next
#     shrink comes 2 ticks after the write (restarted), not 1;
#   - more pages go to zswap (growth): the next shrink comes 2 ticks after
#     the last growth tick;
#   - every tick of the trace matches the policy replayed here (awk) from
#     the readings, shrink or not, target for target;
#   - zswap's written_back_pages grew by exactly the pages the shrinks
#     took off, and Zswapped in /proc/meminfo and last_frontswap_kb agree;
#   - switching it off stops the worker (selfballooning is off).
# With "noselfshrink": it is off at boot, selfballooning runs, zswap holds
# pages for 10 ticks and nothing is written back.
# Every assertion prints TEST PASS/FAIL (tests/domu/lib.sh).

. /lib.sh

TR=/sys/kernel/debug/tracing
ZS=/sys/kernel/debug/zswap
CG=/sys/fs/cgroup
NOSHRINK=0
case " $(cat /proc/cmdline) " in *" noselfshrink "*) NOSHRINK=1 ;; esac
HYST=20
INERTIA=3
NEW_INERTIA=2
IDLE_MB=48
GROW_MB=8

zswapped_kb() { meminfo_kb Zswapped; }
written_back() { cat $ZS/written_back_pages; }
tick_lines() { grep -c 'selfballoon_tick: ' $TR/trace; }

# ticks_table: one line per tick since the trace was switched on:
# "<frontswap pages> <shrink 0/1> <target pages>"
ticks_table() {
	sed -n 's/.*selfballoon_tick: .* frontswap=\([0-9]*\) shrink=\([01]\) frontswap_target=\([0-9]*\).*/\1 \2 \3/p' $TR/trace
}

# text_file MIB FILE: MIB MiB of compressible text (not zeros: zero-filled
# pages never reach zswap) in a tmpfs file
text_file() {
	# yes writes a line at a time: slow under TCG, so 1 MiB once, copied
	yes "frontswap self-shrinking $2" | head -c 1048576 >/tmp/chunk
	i=0
	while [ $i -lt "$1" ]; do
		cat /tmp/chunk
		i=$((i + 1))
	done >"$2"
}

# push_to_zswap MIB FILE RECLAIM_MIB: text_file, then swap it out
push_to_zswap() {
	text_file "$1" "$2"
	reclaim_into_zswap "$3"
}

# reclaim_into_zswap MIB: the root cgroup reclaims MIB MiB, which swaps
# tmpfs and anonymous pages out into zswap (and drops clean swap cache pages
# first: ask for a margin)
reclaim_into_zswap() {
	echo "${1}M" >$CG/memory.reclaim 2>/dev/null
	# what runs while zswap is watched, back in RAM before: a first run
	# loads the shell's and busybox's pages that reclaim swapped out
	rd ticks >/dev/null
	zswap_now
	wait_lines 0 1
	wait_shrinks 0 1
	sleep 0.1
}

# zswap_now: N_Z, the tick lines so far, and Z_NOW, Zswapped (KiB) read
# with no tick in between
zswap_now() {
	while :; do
		N_Z=$(tick_lines)
		Z_NOW=$(zswapped_kb)
		[ "$(tick_lines)" = "$N_Z" ] && break
	done
}

# wait_lines N [TIMEOUT_S]: until the trace has N tick lines
has_lines() { [ "$(tick_lines)" -ge "$1" ]; }
wait_lines() { wait_until "${2:-30}" has_lines "$1"; }

# wait_shrinks N [TIMEOUT_S]: until frontswap_shrinks reads N
has_shrinks() { [ "$(rd frontswap_shrinks)" -ge "$1" ]; }
wait_shrinks() { wait_until "${2:-30}" has_shrinks "$1"; }

# shrink_lines: the tick numbers (trace lines, from 1) that shrank
shrink_lines() { ticks_table | awk '$2 == 1 { print NR }'; }

# --- the guest -----------------------------------------------------------
expect_eq zswap.enabled "$(cat /sys/module/zswap/parameters/enabled)" Y
mkswap /dev/xvdb >/dev/null || fail swap.mkswap "mkswap /dev/xvdb failed"
# tracing first, before any swap: the first traced tick sees zswap empty.
# T0: the ticks before the trace (none may fall between reading and
# enabling, or the trace and the counter would disagree by one)
echo 1 >$TR/tracing_on
while :; do
	T0=$(rd ticks)
	echo 1 >$TR/events/xen_selfballoon/selfballoon_tick/enable
	[ "$(rd ticks)" = "$T0" ] && break
	echo 0 >$TR/events/xen_selfballoon/selfballoon_tick/enable
	echo >$TR/trace
done
mount -t cgroup2 none $CG
check workload.memory_reclaim_file [ -e $CG/memory.reclaim ]

# --- the boot state --------------------------------------------------------
expect_eq boot.selfballooning "$(rd selfballooning)" 1
onoff=on
[ $NOSHRINK = 1 ] && onoff=off
expect_eq boot.frontswap_selfshrinking "$(rd frontswap_selfshrinking)" \
	$((1 - NOSHRINK))
dmesg | grep -q "xen:selfballoon: selfballooning on, frontswap self-shrinking $onoff (tmem absent" &&
	pass boot.log_line ||
	fail boot.log_line "want 'selfballooning on, frontswap self-shrinking $onoff': $(dmesg | grep 'xen:selfballoon')"
try_write $SB/selfballoon_interval 1 >/dev/null
wb0=$(written_back)

if [ $NOSHRINK = 1 ]; then
	# --- noselfshrink: ticks run, zswap holds pages, nothing shrinks ---
	swapon /dev/xvdb && pass swap.on_xvdb || fail swap.on_xvdb "swapon failed"
	push_to_zswap $IDLE_MB /dev/shm/idle $IDLE_MB
	z0=$(zswapped_kb)
	check workload.zswap_holds_pages [ "$z0" -ge $((IDLE_MB * 1024 / 2)) ]
	tk=$(rd ticks)
	wait_ticks 10 30 || fail noselfshrink.ticks "fewer than 10 ticks in 30 s"
	expect_eq noselfshrink.ticks_advance "$(( $(rd ticks) - tk >= 10 ))" 1
	expect_eq noselfshrink.no_shrinks "$(rd frontswap_shrinks)" 0
	expect_eq noselfshrink.nothing_written_back "$(written_back)" "$wb0"
	expect_eq noselfshrink.no_trace_line_shrinks \
		"$(ticks_table | awk '$2 != 0' | wc -l)" 0
	expect_eq noselfshrink.zswap_not_read "$(rd last_frontswap_kb)" 0
	check noselfshrink.zswap_still_holds_pages [ "$(zswapped_kb)" -gt 0 ]
	echo "ZSWAP-FIGURES boot=noselfshrink zswapped_kb_start=$z0 zswapped_kb_end=$(zswapped_kb) ticks=$(( $(rd ticks) - tk )) written_back=$(( $(written_back) - wb0 ))"
	try_write $SB/selfballooning 0 >/dev/null
	dmesg_clean end.no_warn_bug_oops_lockdep
	echo "SCENARIO failures=$FAILS"
	[ $FAILS -eq 0 ]
	exit
fi

# --- selfballooning off: the worker keeps ticking for self-shrinking -------
try_write $SB/selfballooning 0 >/dev/null
expect_eq off.selfballooning "$(rd selfballooning)" 0
wait_ticks 2 10 && pass off.ticks_go_on_for_frontswap ||
	fail off.ticks_go_on_for_frontswap "fewer than 2 ticks in 10 s"
swapon /dev/xvdb && pass swap.on_xvdb || fail swap.on_xvdb "swapon failed"

# --- fill, then idle: inertia 3, hysteresis 20 ------------------------------
push_to_zswap $IDLE_MB /dev/shm/idle $IDLE_MB
z0=$(zswapped_kb)
check workload.zswap_holds_pages [ "$z0" -ge $((IDLE_MB * 1024 / 2)) ]
# the duration of the first two shrink ticks, for the figures (read
# before the next tick, a second later)
wait_shrinks 1 60 && us1=$(rd last_tick_us)
wait_shrinks 2 60 || fail shrink.two_shrinks "$(rd frontswap_shrinks) shrinks in 60 s"
us2=$(rd last_tick_us)

# --- frontswap_inertia 2, written when the countdown is at 1 ----------------
# The ticks are 3 s apart meanwhile (a new selfballoon_interval applies at
# once and leaves the countdown alone): the write must land between the
# 2nd and the 3rd tick after the shrink, on a slow host too.
try_write $SB/selfballoon_interval 3 >/dev/null
s2=$(shrink_lines | sed -n 2p)
wait_lines $((s2 + INERTIA - 1)) 20
n_before=$(tick_lines)
try_write $SB/frontswap_inertia $NEW_INERTIA >/dev/null
n_write=$(tick_lines)
try_write $SB/selfballoon_interval 1 >/dev/null
expect_eq inertia.reads_new_value "$(rd frontswap_inertia)" $NEW_INERTIA
# the write fell between tick n_write and tick n_write + 1
check inertia.write_between_two_ticks [ "$n_before" = "$n_write" ]
expect_eq inertia.written_with_one_tick_left "$n_write" $((s2 + INERTIA - 1))
wait_shrinks 4 60 || fail inertia.two_more_shrinks "$(rd frontswap_shrinks) shrinks"

# --- growth: more pages into zswap ------------------------------------------
# Between the tick after the 4th shrink (which must read what it left) and
# the next, which would shrink again: the next tick is held off while the
# file is swapped out (a new selfballoon_interval applies at once and
# leaves the countdown alone), so that it sees all of the growth; that
# tick comes 3 s after the one before, to leave time to hold it off.
try_write $SB/selfballoon_interval 10 >/dev/null
text_file $GROW_MB /dev/shm/grow
try_write $SB/selfballoon_interval 3 >/dev/null
wait_lines $(( $(shrink_lines | sed -n 4p) + 1 )) 20
try_write $SB/selfballoon_interval 10 >/dev/null
check growth.between_two_ticks \
	[ "$(tick_lines)" = $(( $(shrink_lines | sed -n 4p) + 1 )) ]
reclaim_into_zswap $((GROW_MB * 3))
try_write $SB/selfballoon_interval 1 >/dev/null
wait_shrinks 6 60 || fail growth.two_more_shrinks "$(rd frontswap_shrinks) shrinks"
wait_lines $(( $(shrink_lines | sed -n 6p) + 1 )) 20
# Zswapped right after that tick, which read what the 6th shrink left
zswap_now
n_z=$N_Z z_end=$Z_NOW

# --- off: the worker stops ----------------------------------------------------
try_write $SB/frontswap_selfshrinking 0 >/dev/null
tk=$(rd ticks)
sleep 2.5
expect_eq stop.no_ticks_with_both_off "$(rd ticks)" "$tk"
wb=$(( $(written_back) - wb0 ))

# --- the timeline, from the trace -----------------------------------------------
ticks_table >/tmp/ticks
i=0
while read -r cur sh tgt; do
	i=$((i + 1))
	echo "ZTICK tick=$i frontswap_pages=$cur shrink=$sh target=$tgt"
done </tmp/ticks
expect_eq trace.one_line_per_tick "$(wc -l </tmp/ticks)" "$(( $(rd ticks) - T0 ))"
expect_eq trace.first_tick_sees_zswap_empty "$(sed -n '1{s/ .*//;p}' /tmp/ticks)" 0

# each shrink: its target is cur - cur / 20 of the pages it read, and the
# next tick reads exactly that many
nshrink=0 taken=0
for s in $(shrink_lines); do
	nshrink=$((nshrink + 1))
	line=$(sed -n "${s}p" /tmp/ticks)
	cur=${line%% *} tgt=${line##* }
	want=$(( cur <= HYST ? 0 : cur - cur / HYST ))
	expect_eq "shrink$nshrink.target_is_cur_minus_cur_div_$HYST ($cur -> $want)" "$tgt" "$want"
	next=$(sed -n "$((s + 1)){s/ .*//;p}" /tmp/ticks)
	[ -n "$next" ] &&
		expect_eq "shrink$nshrink.stored_pages_fell_to_target" "$next" "$tgt"
	taken=$((taken + cur - tgt))
done
expect_eq shrink.count_matches_stat "$nshrink" "$(rd frontswap_shrinks)"
check shrink.at_least_six [ $nshrink -ge 6 ]

# cadence: the last growth tick before each shrink, and the shrink before it
awk -v i0=$INERTIA -v i1=$NEW_INERTIA -v w=$n_write '
	{ cur[NR] = $1; sh[NR] = $2 }
	END {
		for (t = 1; t <= NR; t++) {
			if (!sh[t]) continue
			# r: the tick after which the countdown last restarted:
			# the inertia write (it fell between ticks w and w + 1),
			# a shrink, or growth (a reading of 0 or above the one
			# before)
			for (r = t - 1; r >= 1; r--) {
				if (r == w) { why = "inertia_write"; break }
				if (sh[r]) { why = "shrink"; break }
				if (cur[r] == 0 || cur[r] > cur[r - 1]) { why = "growth"; break }
			}
			printf "%d %d %s %d\n", t, t - r, why, (r >= w ? i1 : i0)
		}
	}' /tmp/ticks >/tmp/cadence
n=0
while read -r t d why want; do
	n=$((n + 1))
	expect_eq "cadence.shrink$n.tick$t.${d}_ticks_after_$why" "$d" "$want"
done </tmp/cadence
check cadence.first_after_growth [ "$(sed -n '1{s/^[0-9]* [0-9]* //;s/ .*//;p}' /tmp/cadence)" = growth ]
check cadence.after_inertia_write \
	grep -q " inertia_write $NEW_INERTIA\$" /tmp/cadence
check cadence.after_growth_with_new_inertia \
	awk -v i=$NEW_INERTIA '$3 == "growth" && $4 == i { f = 1 } END { exit !f }' /tmp/cadence

# the policy replayed from the readings: every tick, shrink or not
bad=$(awk -v inertia=$INERTIA -v ni=$NEW_INERTIA -v w=$n_write -v h=$HYST '
	{
		if (NR == w + 1) { inertia = ni; counter = ni }
		want = 0; tgt = 0
		if ($1 == 0 || $1 > last) {
			counter = inertia
		} else {
			if (counter)
				counter--
			if (!counter) {
				want = 1; tgt = $1 <= h ? 0 : $1 - int($1 / h)
				counter = inertia
			}
		}
		last = $1
		if (want != $2 || (want && tgt != $3))
			printf "tick %d: read %d, shrink %d target %d, want %d %d; ", NR, $1, $2, $3, want, tgt
	}' /tmp/ticks)
expect_eq replay.every_tick_as_the_policy_says "$bad" ""

# writeback: the pages the shrinks took off went to the swap device
expect_eq writeback.written_back_pages_is_sum_of_steps "$wb" "$taken"
# Zswapped just after tick n_z: its target if it shrank, else what it read
line=$(sed -n "${n_z}p" /tmp/ticks)
cur=${line%% *} tgt=${line##* } sh=${line#* }
want_kb=$((cur * 4))
[ "${sh%% *}" = 1 ] && want_kb=$((tgt * 4))
expect_eq writeback.meminfo_zswapped_is_tick${n_z}_result "$z_end" "$want_kb"
line=$(tail -n 1 /tmp/ticks)
expect_eq stats.last_frontswap_kb_is_last_reading "$(rd last_frontswap_kb)" \
	$(( ${line%% *} * 4 ))
echo "ZSWAP-FIGURES boot=selfshrink zswapped_kb_filled=$z0 zswapped_kb_end=$z_end shrinks=$nshrink written_back_pages=$wb ticks=$(wc -l </tmp/ticks) shrink1_tick_us=${us1:-} shrink2_tick_us=${us2:-}"

# --- the goal leaves no room for zswap's pages -------------------------------
# goal - Committed_AS (totalreserve + reserve) is the same on a tick with
# self-shrinking off (zswap not read) and on the next, which reads zswap
goal_minus_committed() {
	sed -n 's/.*selfballoon_tick: committed=\([0-9]*\) .* goal=\([0-9]*\) .*/\2 \1/p' $TR/trace |
		sed -n "${1}p" | awk '{ print $1 - $2 }'
}
try_write $SB/selfballooning 1 >/dev/null
n=$(tick_lines)
wait_lines $((n + 1)) 5
d0=$(goal_minus_committed $((n + 1)))
try_write $SB/frontswap_selfshrinking 1 >/dev/null
n=$(tick_lines)
wait_lines $((n + 1)) 5
d1=$(goal_minus_committed $((n + 1)))
cur=$(ticks_table | sed -n "$((n + 1)){s/ .*//;p}")
check goal.tick_read_zswap [ "${cur:-0}" -gt 0 ]
expect_eq "goal.no_room_for_${cur}_zswap_pages" "$d1" "$d0"
try_write $SB/frontswap_selfshrinking 0 >/dev/null
try_write $SB/selfballooning 0 >/dev/null

# what writeback from the tick must not cause (CONFIG_PROVE_LOCKING,
# CONFIG_DEBUG_ATOMIC_SLEEP)
bad=$(dmesg | grep -E 'BUG: sleeping function|possible (circular|recursive) locking|inconsistent lock state|WARNING:' | head -n 3)
expect_eq end.no_lockdep_or_might_sleep_report "$bad" ""
dmesg_clean end.no_warn_bug_oops_lockdep
echo "SCENARIO failures=$FAILS"
[ $FAILS -eq 0 ]
