# SPDX-License-Identifier: GPL-2.0
# Helpers for the domU scenarios (busybox sh).  Sourced by the scenario
# scripts, which run as /scenario.sh inside the Xen PV domU.  Every check
# prints one line "TEST PASS <name>" or "TEST FAIL <name>: <why>"; the host
# (scripts/domu-tests.sh) counts them.

SB=/sys/devices/system/xen_memory/xen_memory0/selfballoon
XM=/sys/devices/system/xen_memory/xen_memory0
FAILS=0

# every file of the group: the writable ones (mode 0644), the statistics (0444)
SB_WRITABLE="selfballooning selfballoon_interval selfballoon_downhysteresis
	selfballoon_uphysteresis selfballoon_min_usable_mb selfballoon_reserved_mb
	selfballoon_grace_s selfballoon_policy selfballoon_min_reserve_mb
	frontswap_selfshrinking frontswap_hysteresis frontswap_inertia"
SB_STATS="ticks target_raises target_cuts floor_hits frontswap_shrinks
	last_tick_us last_committed_kb last_current_kb last_goal_kb last_floor_kb
	last_target_kb last_frontswap_kb pressure_ticks early_ticks last_used_kb
	last_reserve_kb last_toolstack_target_kb"

pass() { echo "TEST PASS $1"; }
fail() { echo "TEST FAIL $1: $2"; FAILS=$((FAILS + 1)); }

# check NAME CONDITION-COMMAND... : pass if the command succeeds
check() {
	name=$1; shift
	if "$@"; then pass "$name"; else fail "$name" "'$*' is false"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# expect_near NAME GOT WANT TOLERANCE (integers)
expect_near() {
	d=$(($2 - $3)); [ $d -lt 0 ] && d=$((-d))
	if [ $d -le $4 ]; then pass "$1"; else
		fail "$1" "got $2, want $3 +- $4"; fi
}

# expect_ge NAME GOT MIN
expect_ge() {
	if [ "$2" -ge "$3" ]; then pass "$1"; else fail "$1" "got $2, want >= $3"; fi
}

rd() { cat "$SB/$1"; }
meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# wait_until TIMEOUT_S COMMAND...: run COMMAND every 0.2 s until it
# succeeds (return 0) or TIMEOUT_S seconds have passed (return 1)
wait_until() {
	wu_max=$(( $1 * 5 )) wu_n=0
	shift
	until "$@"; do
		sleep 0.2; wu_n=$((wu_n + 1))
		[ $wu_n -ge $wu_max ] && return 1
	done
	return 0
}

ticks_since_at_least() { [ $(( $(rd ticks) - $1 )) -ge "$2" ]; }
balloon_at_target() { [ "$(cat $XM/info/current_kb)" = "$(cat $XM/target_kb)" ]; }

# wait_ticks N [TIMEOUT_S]: wait until the tick counter has advanced by N
wait_ticks() {
	w_start=$(rd ticks)
	wait_until "${2:-60}" ticks_since_at_least "$w_start" "$1"
}

# wait_balloon [TIMEOUT_S]: wait until the balloon reached its target
wait_balloon() { wait_until "${1:-60}" balloon_at_target; }

# try_write FILE VALUE: write VALUE (no newline added) to FILE in one
# write(2); prints the error text (strerror) of a failed write, nothing on
# success
try_write() {
	printf '%s' "$2" | dd of="$1" bs=8192 iflag=fullblock 2>&1 |
		sed -n "s/^dd: .*: \([^:]*\)$/\1/p"
}

# dmesg_clean NAME: no WARN, BUG, oops, lockdep splat or kmemleak report
# since boot ("kmemleak: Kernel memory leak detector disabled", printed by a
# kernel built with kmemleak off by default, is not a report)
dmesg_clean() {
	bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|possible circular locking|kmemleak: [0-9]+ new suspected' | head -n 3)
	if [ -z "$bad" ]; then pass "$1"; else fail "$1" "$bad"; fi
}

# snap: read what the last tick did into T_* variables, consistently (the
# tick counter is read before and after; a tick in between forces a retry)
snap() {
	while :; do
		T_TICKS=$(rd ticks)
		T_COMMITTED=$(rd last_committed_kb)
		T_CURRENT=$(rd last_current_kb)
		T_GOAL=$(rd last_goal_kb)
		T_TARGET=$(rd last_target_kb)
		T_FLOOR=$(rd last_floor_kb)
		[ "$(rd ticks)" = "$T_TICKS" ] && break
	done
}

# settle_on_floor MAX_TICKS TICK_TIMEOUT_S: wait tick by tick, at most
# MAX_TICKS ticks, until the target is the floor; T_* hold the last tick
settle_on_floor() {
	sf_n=0
	while snap && [ "$T_TARGET" != "$T_FLOOR" ] && [ $sf_n -lt "$1" ]; do
		wait_ticks 1 "$2"; sf_n=$((sf_n + 1))
	done
}

# tick_row: one timeline row of what the last tick did
tick_row() {
	snap
	echo "TICK t=$(cut -d' ' -f1 /proc/uptime) ticks=$T_TICKS committed_kb=$T_COMMITTED goal_kb=$T_GOAL target_kb=$T_TARGET current_kb=$T_CURRENT floor_kb=$T_FLOOR"
}

# expected_target CUR GOAL FLOOR DOWN UP: the upstream step, worked in KiB
# from pages (4 KiB): cur -/+ (distance in pages / hysteresis) pages, then
# raised to the floor
expected_target() {
	if [ "$1" -gt "$2" ]; then
		e=$(( $1 - ( ($1 - $2) / 4 / $4 ) * 4 ))
	elif [ "$1" -lt "$2" ]; then
		e=$(( $1 + ( ($2 - $1) / 4 / $5 ) * 4 ))
	else
		e=$1
	fi
	[ "$e" -lt "$3" ] && e=$3
	echo "$e"
}

# as_user CMD: run CMD as the unprivileged "user" (uid 1000) of the domU
as_user() { su user -c "$1"; }

# verify_ticks N NAME: the next N ticks each computed the target the
# upstream way from the goal, current and floor it reported
verify_ticks() {
	i=0
	while [ $i -lt "$1" ]; do
		wait_ticks 1 20 || { fail "$2.tick_came" "no tick"; return; }
		snap
		want=$(expected_target $T_CURRENT $T_GOAL $T_FLOOR \
			$(rd selfballoon_downhysteresis) $(rd selfballoon_uphysteresis))
		expect_eq "$2.tick$i.target" "$T_TARGET" "$want"
		check "$2.tick$i.target_not_below_floor" [ "$T_TARGET" -ge "$T_FLOOR" ]
		i=$((i + 1))
	done
}

# check_modes: writable files 0644, statistics 0444, and nothing else in
# the group
check_modes() {
	expect_eq sysfs.files_are_the_documented_ones \
		"$(ls $SB | sort | tr '\n' ' ')" \
		"$(for f in $SB_WRITABLE $SB_STATS; do echo $f; done | sort | tr '\n' ' ')"
	for f in $SB_WRITABLE; do
		expect_eq "sysfs.mode.$f" "$(stat -c %a $SB/$f)" 644
	done
	for f in $SB_STATS; do
		expect_eq "sysfs.mode.$f" "$(stat -c %a $SB/$f)" 444
	done
}

# start_tick_watcher: print a TICK row (tick_row) for every tick, in the
# background, until the group goes away; its pid is left in WATCHER
start_tick_watcher() {
	(
		last=0
		while [ -d $SB ]; do
			t=$(rd ticks 2>/dev/null) || break
			if [ -n "$t" ] && [ "$t" != "$last" ]; then
				tick_row
				last=$t
			fi
			sleep 0.25
		done
	) &
	WATCHER=$!
}
