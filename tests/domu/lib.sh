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
	selfballoon_grace_s selfballoon_policy selfballoon_early_ticks
	selfballoon_min_reserve_mb
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

# --- xenstore and dom0's request service ---------------------------------------
# xs_req TYPE PATH [VALUE]: one xenstore request through /dev/xen/xenbus
# (struct xsd_sockmsg: type, req_id, tx_id, len, little endian; relative
# paths are under /local/domain/<our domid>); prints the reply's payload
# (for a read: the value, or the error's name, e.g. ENOENT)
xs_req() {
	if [ $# -ge 3 ]; then xs_p="$2\\000$3"; xs_l=$((${#2} + 1 + ${#3})); else
		xs_p="$2\\000"; xs_l=$((${#2} + 1)); fi
	exec 3<>/dev/xen/xenbus
	printf "\\$(printf %03o $1)\\000\\000\\000\\001\\000\\000\\000\\000\\000\\000\\000\\$(printf %03o $xs_l)\\000\\000\\000$xs_p" >&3
	timeout 5 dd bs=4096 count=1 <&3 2>/dev/null | tail -c +17 | tr -d '\000'
	exec 3<&-
}
XS_READ=2
XS_WRITE=11

# dom0_req "COMMAND": have dom0's request service (scripts/xen-qemu/dom0-init.sh)
# carry COMMAND out on this guest: mem-set MiB, mem-max MiB, pause S,
# save-restore, free, sysrq K. Writes "<seq> COMMAND" to data/xsb-request
# (seq: a fresh number), waits for "<seq> rc=N[ OUTPUT]" in data/xsb-reply
# (polled every 0.5 s) and prints "COMMAND rc=N[ OUTPUT]"; returns N. After
# DOM0_REQ_TIMEOUT seconds (300) without a reply: prints "COMMAND
# rc=timeout", returns 124. One request at a time.
dom0_req() {
	dr_seq=$(( $(cat /tmp/.xsb-req-seq 2>/dev/null || echo 0) + 1 ))
	echo $dr_seq > /tmp/.xsb-req-seq
	xs_req $XS_WRITE data/xsb-request "$dr_seq $1" >/dev/null
	dr_n=0
	while [ $dr_n -lt $(( ${DOM0_REQ_TIMEOUT:-300} * 2 )) ]; do
		dr_r=$(xs_req $XS_READ data/xsb-reply)
		case $dr_r in
		"$dr_seq rc="*)
			dr_r=${dr_r#"$dr_seq rc="}
			dr_rc=${dr_r%% *}
			echo "$1 rc=$dr_rc${dr_r#"$dr_rc"}"
			return "$dr_rc" ;;
		esac
		sleep 0.5; dr_n=$((dr_n + 1))
	done
	echo "$1 rc=timeout"
	return 124
}

# dom0_val "COMMAND": dom0_req, printing only the reply's output (e.g.
# `dom0_val free`: Xen's free memory in MiB); returns the request's status
dom0_val() {
	dv_r=$(dom0_req "$1")
	dv_rc=$?
	dv_r=${dv_r#"$1 rc="}
	case $dv_r in *" "*) echo "${dv_r#* }" ;; esac
	return $dv_rc
}

# --- the workload image ----------------------------------------------------------
# workload_mount: mount the workload image (run-domu.sh --disk, built by
# scripts/xen-qemu/workload-image.sh) from /dev/xvdc read-only at /w, bind
# /proc, /sys, /dev and /tmp into it so that `chroot /w CMD` works, and, if
# there is a scratch disk /dev/xvdd (--scratch), format it ext4 with the
# image's mkfs.ext4 and mount it writable at /w/work. Loads nothing: it
# needs the squashfs and ext4 modules (--modules "squashfs ext4"). Prints
# "WORKLOAD mounted /w[ and /w/work]" or "WORKLOAD FAIL <what>"; returns 1
# on a failure.
workload_mount() {
	mkdir -p /w
	mount -t squashfs -o ro /dev/xvdc /w || { echo "WORKLOAD FAIL mount /dev/xvdc"; return 1; }
	for wm_d in proc sys tmp; do
		mount -o bind /$wm_d /w/$wm_d || { echo "WORKLOAD FAIL bind /$wm_d"; return 1; }
	done
	mount -o rbind /dev /w/dev || { echo "WORKLOAD FAIL bind /dev"; return 1; }
	if [ -b /dev/xvdd ]; then
		chroot /w mkfs.ext4 -q -F /dev/xvdd || { echo "WORKLOAD FAIL mkfs.ext4 /dev/xvdd"; return 1; }
		mount -t ext4 /dev/xvdd /w/work || { echo "WORKLOAD FAIL mount /dev/xvdd"; return 1; }
		chmod 1777 /w/work
		echo "WORKLOAD mounted /w and /w/work"
	else
		echo "WORKLOAD mounted /w"
	fi
}
