# SPDX-License-Identifier: GPL-2.0
# domU scenario of `make stress` (scripts/stress.sh): the reliability runs.
#
# Runs as /scenario.sh in a guest started with memory=512 MiB, maxmem=1024
# MiB, with /stress.conf (written by scripts/stress.sh), /lib.sh,
# /burst-alloc (tests/domu/burst-alloc.c, static) and, for a Debian kernel,
# /xen_selfballoon.ko.  /stress.conf sets
#   MODE       module (insmod the .ko) or builtin (CONFIG_XEN_SELFBALLOONING)
#   SOAK_S     seconds of the concurrency soak
#   CYCLES     insmod/rmmod cycles (module) or switch-off/on cycles (builtin)
#   WRITERS    writer processes
#   PARTS      which of soak, cycles, burst, unreachable to run
#   UNREACH_MB how far the host lets the guest grow in the unreachable part
#
# dom0's request service (scripts/xen-qemu/dom0-init.sh) carries out what
# the guest asks for through xenstore (dom0_req, tests/domu/lib.sh): first
# it raises the guest's toolstack target, and with it Xen's limit, from
# memory= to maxmem (xl mem-set: the driver keeps the guest at or below
# the toolstack's target), later it has a paused domain take Xen's free
# memory for the unreachable part (xl refuses an mem-max below the
# target, so the host running short is what leaves a target unreached).
# The dom0 scenario
# tests/domu/stress-dom0.sh watches the guest's heartbeat.
#
# soak: WRITERS processes write every writable file, valid and invalid
#   values at random, each write checked against the errno its value must
#   give; one toggles selfballooning and frontswap_selfshrinking; a reader
#   reads every file; a workload commits and frees memory; the worker ticks
#   every one or two seconds.  Afterwards the tick arithmetic is exact, the
#   switch hands the target back and dmesg is clean.
# cycles: the same writers and reader (no workload), now accepting "no such
#   file" while the group is gone, and CYCLES loads and unloads of the
#   module (built in: switch cycles); no kernfs node may leak
#   (slab_nomerge: kernfs_node_cache counts the group's nodes apart), /sys
#   lists the same entries, the target is handed back, and, built in,
#   kmemleak finds nothing of the driver.
# burst: from the floor, with the default tunables, burst-alloc maps and
#   touches 70 % of maxmem within a second or so; no OOM kill, no hang;
#   reports how long the balloon took to catch up.
# unreachable: dom0 leaves the host UNREACH_MB for the guest, the guest
#   commits more;
#   over a minute the balloon thread and the selfballoon ticks use little
#   CPU (a spinning thread would use all of it).
#
# Every assertion prints TEST PASS/FAIL (tests/domu/lib.sh); figures are
# "FIGURE <name> <value>" lines, which scripts/stress.sh collects.

. /lib.sh
. /stress.conf

KO=/xen_selfballoon.ko
TOOLSTACK_KB=524288	# memory = 512 in the xl config: xenstore memory/target
EINVAL="Invalid argument"
ERANGE="Numerical result out of range"
EOPNOTSUPP="Operation not supported"
MAXMEM_KB=$((1024 * 1024))
STOP=/tmp/stress.stop

figure() { echo "FIGURE $1 $2"; }

# Every assertion and every second of a long wait marks progress; a
# watchdog (below) reports the blocked tasks once nothing has progressed
# for 150 s.
PROGRESS=/tmp/stress.progress
progress() { : > $PROGRESS; }
pass() { echo "TEST PASS $1"; progress; }
fail() { echo "TEST FAIL $1: $2"; FAILS=$((FAILS + 1)); progress; }

# no_splat NAME: no oops, WARN, BUG, lockdep, debug-objects, RCU stall,
# lockup or hung task report since boot (kmemleak's own lines aside: its
# reports are judged by what they name, below)
no_splat() {
	bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace|possible circular locking|possible recursive locking|INFO: |ODEBUG|detected stall|soft lockup|hard LOCKUP|blocked for more than' | head -n 3)
	if [ -z "$bad" ]; then pass "$1"; else fail "$1" "$bad"; fi
}
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
has_part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

# kernfs_nodes: kernfs_node_cache objects in use (needs slab_nomerge).
# A removed node lives on while a cached dentry's inode holds it: dropping
# the dentry and inode caches lets it go, a directory's only once the pass
# before has dropped the (negative) dentries under it, hence three passes.
# It is freed an RCU grace period later (lazy RCU may take up to 10 s);
# the shrink puts the free objects of the per-CPU slabs back on the lists
# that /proc/slabinfo counts as free.
kernfs_nodes() {
	for kn_pass in 1 2 3; do
		echo 2 > /proc/sys/vm/drop_caches
		sleep 1
	done
	sleep 12
	echo 1 > /sys/kernel/slab/kernfs_node_cache/shrink 2>/dev/null
	awk '$1 == "kernfs_node_cache" { print $2 }' /proc/slabinfo
}

# --- writers ------------------------------------------------------------
# pick: a random file, value and the error text its write must give
# ("" for success).  Intervals stay at 1-2 s and only writer 0 switches
# selfballooning off, so that the worker keeps ticking however fast the
# writers go; the rest covers every range edge and every kind of bad input.
pick() {
	case $((RANDOM % 50)) in
	0|1|2) F=selfballoon_interval V=1 E= ;;
	3) F=selfballoon_interval V=2 E= ;;
	4) F=selfballoon_interval V=0 E=$ERANGE ;;
	5) F=selfballoon_interval V=3601 E=$ERANGE ;;
	6) F=selfballoon_interval V=1x E=$EINVAL ;;
	7) F=selfballoon_downhysteresis V=$((RANDOM % 1000 + 1)) E= ;;
	8) F=selfballoon_downhysteresis V=0 E=$ERANGE ;;
	9) F=selfballoon_downhysteresis V=-1 E=$EINVAL ;;
	10) F=selfballoon_uphysteresis V=$((RANDOM % 1000 + 1)) E= ;;
	11) F=selfballoon_uphysteresis V=1001 E=$ERANGE ;;
	12) F=selfballoon_uphysteresis V=0x10 E=$EINVAL ;;
	13) F=selfballoon_min_usable_mb V=0 E= ;;
	14) F=selfballoon_min_usable_mb V=$((RANDOM % 400)) E= ;;
	15) F=selfballoon_min_usable_mb V=16777216 E= ;;
	16) F=selfballoon_min_usable_mb V=16777217 E=$ERANGE ;;
	17) F=selfballoon_reserved_mb V=0 E= ;;
	18) F=selfballoon_reserved_mb V=$((RANDOM % 300)) E= ;;
	19) F=selfballoon_reserved_mb V=16777216 E= ;;
	20) F=selfballoon_reserved_mb V=4294967296 E=$ERANGE ;;
	21) F=frontswap_hysteresis V=$((RANDOM % 1000 + 1)) E= ;;
	22) F=frontswap_hysteresis V=" 5" E=$EINVAL ;;
	23) F=frontswap_inertia V=$((RANDOM % 1000 + 1)) E= ;;
	24) F=frontswap_inertia V=1e3 E=$EINVAL ;;
	25) F=frontswap_inertia V=18446744073709551616 E=$ERANGE ;;
	26|27|28|29) F=selfballooning V=1 E= ;;
	30) F=selfballooning V=0 E=; [ "$W_ID" = 0 ] || V=1 ;;
	31) F=selfballooning V=2 E=$EINVAL ;;
	32) F=selfballooning V=y E=$EINVAL ;;
	33) F=frontswap_selfshrinking V=0 E= ;;
	34) F=frontswap_selfshrinking V=1 E=$FS_ON_ERR ;;
	35) F=frontswap_selfshrinking V=4294967296 E=$ERANGE ;;
	36) F=selfballoon_interval V="1
" E= ;;
	37) F=selfballoon_interval V="
" E=$EINVAL ;;
	38) F=selfballoon_downhysteresis V=8 E= ;;
	39) F=selfballoon_policy V=pressure E= ;;
	40) F=selfballoon_policy V=committed E= ;;
	41) F=selfballoon_policy V=Pressure E=$EINVAL ;;
	42) F=selfballoon_early_ticks V=$((RANDOM % 2)) E= ;;
	43) F=selfballoon_early_ticks V=2 E=$EINVAL ;;
	44) F=selfballoon_grace_s V=0 E= ;;
	45) F=selfballoon_grace_s V=3601 E=$ERANGE ;;
	46) F=selfballoon_min_reserve_mb V=$((RANDOM % 200)) E= ;;
	47) F=selfballoon_min_reserve_mb V=16777217 E=$ERANGE ;;
	*) F=selfballoon_uphysteresis V=1 E= ;;
	esac
}

# writer ID GONE_OK: write until $STOP exists; count writes and the writes
# whose result was not the one their value must give (with GONE_OK=1 a
# missing group, or one removed under the write, is accepted too: ENOENT,
# ENODEV, and EACCES from the shell's O_CREAT open of a file not there yet
# or any more in a group being built or taken down); the counts go to
# /tmp/writer.ID
writer() {
	W_ID=$1 w_n=0 w_bad=0 w_gone=0
	while [ ! -e $STOP ]; do
		pick
		w_err=$( { echo -n "$V" > "$SB/$F"; } 2>&1 )
		w_err=${w_err##*: }
		w_n=$((w_n + 1))
		[ "$w_err" = "$E" ] && continue
		case $w_err in
		"nonexistent directory"|"No such file or directory"|"No such device"|"Permission denied")
			if [ "$2" = 1 ]; then w_gone=$((w_gone + 1)); continue; fi ;;
		esac
		w_bad=$((w_bad + 1))
		[ $w_bad -le 5 ] &&
			echo "STRESS writer $1: $F <- '$V' gave '$w_err', want '$E'"
	done
	echo "$w_n $w_bad $w_gone" > /tmp/writer.$1
}

# reader: read every file of the group until $STOP exists
reader() {
	while [ ! -e $STOP ]; do
		cat $SB/* >/dev/null 2>&1
		cat $XM/target_kb $XM/info/current_kb >/dev/null 2>&1
	done
}

# workload: commit and free memory in small steps until $STOP exists
workload() {
	while [ ! -e $STOP ]; do
		stress-ng --vm 1 --vm-bytes 24M --vm-keep --timeout 8s --quiet
		sleep 3
	done
}

# wait_settled [TIMEOUT_S]: wait until the balloon stopped moving (current
# the same over 3 s): at its target, or as far as Xen lets it go
wait_settled() {
	ws_prev=-1 ws_n=0
	while [ "$(cat $XM/info/current_kb)" != "$ws_prev" ] && [ $ws_n -lt $(( ${1:-60} / 3 )) ]; do
		ws_prev=$(cat $XM/info/current_kb); sleep 3; ws_n=$((ws_n + 1)); progress
	done
}

# start_writers GONE_OK [WORKLOAD]: the writers, the reader and, unless
# WORKLOAD is 0, the workload
PIDS=
start_writers() {
	rm -f $STOP /tmp/writer.*
	PIDS=
	i=0
	while [ $i -lt "$WRITERS" ]; do
		writer $i "$1" & PIDS="$PIDS $!"
		i=$((i + 1))
	done
	reader & PIDS="$PIDS $!"
	[ "${2:-1}" = 0 ] || { workload & PIDS="$PIDS $!"; }
}

# stop_writers NAME: stop them, check and report their counts
stop_writers() {
	touch $STOP
	for p in $PIDS; do wait $p; done
	s_n=0 s_bad=0 s_gone=0 i=0
	while [ $i -lt "$WRITERS" ]; do
		read -r n bad gone < /tmp/writer.$i
		s_n=$((s_n + n)) s_bad=$((s_bad + bad)) s_gone=$((s_gone + gone))
		i=$((i + 1))
	done
	figure $1.writes $s_n
	figure $1.writes_to_a_missing_group $s_gone
	check "$1.writers_wrote" [ $s_n -ge $WRITERS ]
	expect_eq "$1.every_write_gave_its_errno" $s_bad 0
}

# settle NAME: defaults back, then the next ticks compute the target the
# upstream way, and switching off hands the target back to the toolstack
settle() {
	restore_defaults
	# checked tick by tick: no early tick (which holds cuts) in between
	try_write $SB/selfballoon_early_ticks 0 >/dev/null
	for kv in selfballoon_interval=1 frontswap_selfshrinking=0 selfballooning=1; do
		try_write $SB/${kv%=*} ${kv#*=} >/dev/null
	done
	wait_ticks 1 10
	verify_ticks 3 $1
	try_write $SB/selfballooning 0 >/dev/null
	tk0=$(rd ticks); sleep 3
	expect_eq $1.off_ticks_stop "$(rd ticks)" "$tk0"
	expect_eq $1.off_target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
	try_write $SB/selfballoon_early_ticks 1 >/dev/null
}

# --- the driver ------------------------------------------------------------
# the heartbeat dom0 watches (tests/domu/stress-dom0.sh), and the watchdog:
# once the scenario has not progressed for 150 s, the stacks of the tasks
# in D state and sysrq's blocked-task report, once
progress
( dumped=
while [ ! -e /tmp/stress.end ]; do
	xs_req $XS_WRITE data/xsb-heartbeat "$(cut -d' ' -f1 /proc/uptime)" >/dev/null
	if [ -z "$dumped" ] && [ $(( $(date +%s) - $(stat -c %Y $PROGRESS) )) -ge 150 ]; then
		dumped=1
		echo "STRESS watchdog: no progress for 150 s"
		for p in /proc/[0-9]*; do
			st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' $p/status 2>/dev/null)
			[ "$st" = D ] || continue
			echo "STRESS blocked ${p#/proc/} $(cat $p/comm) wchan=$(cat $p/wchan 2>/dev/null)"
			sed 's/^/STRESS   /' $p/stack 2>/dev/null
		done
		ps | sed 's/^/STRESS ps /'
		echo w > /proc/sysrq-trigger
		echo l > /proc/sysrq-trigger
	fi
	sleep 20
done ) &
# xl gave the domain a target, and a Xen limit, of its memory= (512 MiB,
# the limit 1 MiB more): raise both to maxmem, so that the guest can grow
# as far as its max_pfn
expect_eq setup.dom0_raised_the_target_to_maxmem "$(dom0_req "mem-set $((MAXMEM_KB / 1024))")" \
	"mem-set $((MAXMEM_KB / 1024)) rc=0"
TOOLSTACK_KB=$MAXMEM_KB
if [ "$MODE" = module ]; then
	insmod $KO selfballooning
	check setup.insmod [ $? -eq 0 ]
else
	check setup.builtin_group [ -d $SB ]
	# scripts/stress.sh boots with "selfballooning=1e3": kstrtobool()
	# would have taken it for 1; the strict switch refuses it and stays off
	if grep -q 'selfballooning=1e3' /proc/cmdline; then
		dmesg | grep -qF "Booting kernel: \`1e3' invalid for parameter \`selfballooning'" &&
			pass setup.boot_word_1e3_refused ||
			fail setup.boot_word_1e3_refused "$(dmesg | grep -F '1e3' | head -n 2)"
		expect_eq setup.boot_word_1e3_leaves_switch_off \
			"$(cat /sys/module/kernel/parameters/selfballooning)$(rd selfballooning)" N0
	fi
	try_write $SB/selfballooning 1 >/dev/null
	KMEMLEAK=/sys/kernel/debug/kmemleak
	check setup.kmemleak_on [ -w $KMEMLEAK ]
	# what boot left behind is not ours to judge: clear it
	echo scan > $KMEMLEAK; echo clear > $KMEMLEAK
fi
[ -d $SB ] || { echo "SCENARIO failures=$((FAILS + 1)) (no $SB)"; exit 1; }
# no grace period: the writers switch selfballooning on and off, and each
# switch-on would hold the cuts the soak's checks compute
try_write $SB/selfballoon_grace_s 0 >/dev/null
# the documented defaults (Documentation/xen-selfballoon.rst; a reserve of
# 0 restores the automatic one, read here before any write): the built-in
# driver keeps what the writers leave behind, and the burst runs with these
DEFAULTS="selfballoon_interval=5 selfballoon_downhysteresis=8
	selfballoon_uphysteresis=1 selfballoon_min_usable_mb=0
	selfballoon_reserved_mb=0 frontswap_hysteresis=20 frontswap_inertia=3
	selfballoon_policy=committed selfballoon_early_ticks=1
	selfballoon_min_reserve_mb=0"
AUTO_RESERVED=$(rd selfballoon_reserved_mb)
AUTO_MIN_RESERVE=$(rd selfballoon_min_reserve_mb)
restore_defaults() {
	for kv in $DEFAULTS; do
		try_write $SB/${kv%=*} ${kv#*=} >/dev/null
	done
}
# default_of NAME: what NAME reads back after restore_defaults
default_of() {
	[ "$1" = selfballoon_reserved_mb ] && { echo "$AUTO_RESERVED"; return; }
	[ "$1" = selfballoon_min_reserve_mb ] && { echo "$AUTO_MIN_RESERVE"; return; }
	for kv in $DEFAULTS; do
		[ "${kv%=*}" = "$1" ] && echo "${kv#*=}"
	done
}
try_write $SB/selfballoon_interval 1 >/dev/null
# frontswap self-shrinking: EOPNOTSUPP where the kernel gives the driver no
# way to shrink zswap (the module; a built-in driver whose zswap is not
# enabled), on where it does (built in, zswap enabled)
FS_ON_ERR=$EOPNOTSUPP
[ "$MODE" = builtin ] &&
	[ "$(cat /sys/module/zswap/parameters/enabled 2>/dev/null)" = Y ] &&
	FS_ON_ERR=
expect_eq setup.frontswap_on_answer "$(try_write $SB/frontswap_selfshrinking 1)" "$FS_ON_ERR"
try_write $SB/frontswap_selfshrinking 0 >/dev/null

# --- soak --------------------------------------------------------------------
if has_part soak; then
	echo "PHASE soak ${SOAK_S}s, $WRITERS writers"
	t0=$(rd ticks)
	start_writers 0
	# SOAK_S seconds of guest time; the longest tick seen, sampled once a
	# second, and the longest stretch without a tick
	maxus=0 u0=$(uptime_ms) s=0 next=60 tk_prev=$t0 tk_at=0 maxgap=0
	while [ $s -lt "$SOAK_S" ]; do
		sleep 1; progress
		s=$(( ($(uptime_ms) - u0) / 1000 ))
		us=$(rd last_tick_us)
		[ "$us" -gt $maxus ] && maxus=$us
		tk=$(rd ticks)
		if [ "$tk" != "$tk_prev" ]; then
			tk_prev=$tk tk_at=$s
		elif [ $((s - tk_at)) -gt $maxgap ]; then
			maxgap=$((s - tk_at))
		fi
		if [ $s -ge $next ]; then
			echo "PHASE soak ${s}s ticks $(( $(rd ticks) - t0 ))"
			next=$((next + 60))
		fi
	done
	stop_writers soak
	t1=$(rd ticks)
	figure soak.seconds $(( ($(uptime_ms) - u0) / 1000 ))
	figure soak.ticks $((t1 - t0))
	figure soak.max_last_tick_us $maxus
	figure soak.longest_s_without_tick $maxgap
	# the interval is 1 or 2 s, but one write in 40 of writer 0 switches
	# selfballooning off and the next switch-on ticks one interval later:
	# how often the worker ticks depends on how fast the writers write.
	# What must hold whatever the speed: it keeps ticking.
	check soak.ticks_advanced [ $((t1 - t0)) -ge $((SOAK_S / 10)) ]
	check soak.never_30s_without_tick [ $maxgap -le 30 ]
	check soak.group_still_there [ -d $SB ]
	settle soak
	no_splat soak.dmesg_clean
fi

# --- cycles --------------------------------------------------------------------
if has_part cycles; then
	echo "PHASE cycles $CYCLES"
	ok=0 c=0
	if [ "$MODE" = module ]; then
		# memory hotplug adds memory blocks (kernfs nodes, never
		# removed) as the guest first grows past its boot size: grow it
		# to max_pfn once, so that the cycles start with every block
		try_write $SB/selfballooning 1 >/dev/null
		try_write $SB/selfballoon_min_usable_mb 16777216 >/dev/null
		wait_ticks 2 10
		wait_settled 180
		figure cycles.grown_to_kb "$(cat $XM/info/current_kb)"
		try_write $SB/selfballoon_min_usable_mb 0 >/dev/null
		rmmod xen_selfballoon
		# the same state before and after the cycles: unloaded, the
		# balloon at the toolstack's target; no workload in between
		wait_settled 180
		find /sys -xdev 2>/dev/null | sort > /tmp/sys.before
		N0=$(kernfs_nodes)
		start_writers 1 0
		while [ $c -lt "$CYCLES" ]; do
			c=$((c + 1))
			case $((RANDOM % 4)) in
			0) args= ;;
			1) args="selfballooning noselfballooning" ;;
			*) args=selfballooning ;;
			esac
			insmod $KO $args || { fail cycles.insmod_$c "rc $?"; break; }
			[ -d $SB ] || { fail cycles.group_$c "no group after insmod"; break; }
			usleep $((RANDOM % 1500 * 1000))
			rmmod xen_selfballoon || { fail cycles.rmmod_$c "rc $?"; break; }
			[ -d $SB ] && { fail cycles.group_gone_$c "group left"; break; }
			ok=$((ok + 1)); progress
		done
	else
		start_writers 1 0
		while [ $c -lt "$CYCLES" ]; do
			c=$((c + 1))
			try_write $SB/selfballooning 1 >/dev/null
			usleep $((RANDOM % 1500 * 1000))
			try_write $SB/selfballooning 0 >/dev/null
			ok=$((ok + 1)); progress
		done
	fi
	stop_writers cycles
	figure cycles.done $ok
	expect_eq cycles.all_done $ok "$CYCLES"
	if [ "$MODE" = module ]; then
		check cycles.module_gone [ ! -d $SB -a ! -e /sys/module/xen_selfballoon ]
		wait_settled 180
		# every load creates and every unload removes the group's 22
		# kernfs nodes and the module's own (/sys/module/...): with 100
		# cycles, a leak of one node a cycle shows as 100
		N1=$(kernfs_nodes)
		figure cycles.kernfs_node_delta $((N1 - N0))
		find /sys -xdev 2>/dev/null | sort > /tmp/sys.after
		expect_eq cycles.same_sysfs_entries_after \
			"$(diff /tmp/sys.before /tmp/sys.after | grep '^[-+]/' | head -n 5)" ""
		if [ -n "$N0" ] && [ -n "$N1" ]; then
			expect_near cycles.no_kernfs_node_leak "$N1" "$N0" 16
		else
			fail cycles.no_kernfs_node_leak "no kernfs_node_cache in /proc/slabinfo (slab_nomerge?)"
		fi
	else
		try_write $SB/selfballooning 0 >/dev/null
		echo scan > $KMEMLEAK
		sleep 5
		echo scan > $KMEMLEAK
		leaks=$(grep -c '^unreferenced object' $KMEMLEAK)
		ours=$(grep -ciE 'selfballoon|xen_memory' $KMEMLEAK)
		figure cycles.kmemleak_reports "$leaks"
		expect_eq cycles.kmemleak_none_of_ours "$ours" 0
		[ "$ours" = 0 ] || grep -B3 -A20 -iE 'selfballoon' $KMEMLEAK | head -n 40
	fi
	wait_balloon 60
	expect_eq cycles.target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
	no_splat cycles.dmesg_clean
	# the driver back for what follows
	if [ "$MODE" = module ]; then
		insmod $KO selfballooning
	else
		restore_defaults
		try_write $SB/selfballooning 1 >/dev/null
	fi
	check cycles.driver_back [ -d $SB -a "$(rd selfballooning)" = 1 ]
fi

# --- burst --------------------------------------------------------------------
# to_floor: down to the floor quickly (interval 1, down-hysteresis 1) until
# the target is as low as it goes (the floor, or the goal if a kernel that
# commits more at rest keeps it a few MiB above) and the balloon is there (giving back hundreds of
# MiB takes a while), then the tunables the driver started with back for
# one tick
to_floor() {
	restore_defaults
	try_write $SB/selfballoon_interval 1 >/dev/null
	try_write $SB/selfballoon_downhysteresis 1 >/dev/null
	try_write $SB/selfballooning 1 >/dev/null
	n=0
	while [ $n -lt 300 ]; do
		wait_ticks 1 10; snap; progress
		lowest=$(( T_GOAL > T_FLOOR ? T_GOAL : T_FLOOR ))
		[ "$T_TARGET" = "$lowest" ] &&
			[ "$(cat $XM/info/current_kb)" = "$T_TARGET" ] && break
		n=$((n + 1))
	done
	restore_defaults
	wait_ticks 1 10
	snap
}

if has_part burst; then
	BURST_MB=$((MAXMEM_KB * 7 / 10 / 1024))
	echo "PHASE burst $BURST_MB MiB"
	to_floor
	check burst.starts_within_16MiB_of_the_floor \
		[ $((T_TARGET - T_FLOOR)) -le 16384 ]
	for kv in $DEFAULTS; do
		expect_eq "burst.default.${kv%=*}" "$(rd ${kv%=*})" "$(default_of ${kv%=*})"
	done
	figure burst.start_current_kb "$(cat $XM/info/current_kb)"
	figure burst.mib $BURST_MB
	oom0=$(dmesg | grep -c 'Out of memory')
	raised0=$(dmesg | grep -c 'out of memory: balloon target raised')
	t0=$(uptime_ms)
	/burst-alloc $BURST_MB 16 1 600 > /tmp/burst.out &
	BP=$!
	# sample until the burst is done and the balloon caught up with it
	t_done= t_goal= t_follow= n=0
	while [ $n -lt 900 ]; do
		usleep 200000; n=$((n + 1)); progress
		now=$(( $(uptime_ms) - t0 ))
		if [ -z "$t_done" ]; then
			if grep -q '^BURST mib=' /tmp/burst.out; then
				t_done=$now
			elif ! kill -0 $BP 2>/dev/null; then
				break
			fi
			continue
		fi
		snap
		if [ -z "$t_goal" ] && [ "$T_COMMITTED" -ge $((BURST_MB * 1024)) ] &&
		   [ "$T_TARGET" -ge "$T_GOAL" ]; then
			t_goal=$now
		fi
		if [ -n "$t_goal" ] && [ "$(cat $XM/info/current_kb)" = "$(cat $XM/target_kb)" ]; then
			t_follow=$now
			break
		fi
	done
	cat /tmp/burst.out
	alive=0; kill -0 $BP 2>/dev/null && alive=1
	kill $BP 2>/dev/null; wait $BP; rc=$?
	ooms=$(( $(dmesg | grep -c 'Out of memory') - oom0 ))
	figure burst.oom_kills $ooms
	figure burst.touch_ms "$(sed -n 's/^BURST mib=.* ms=//p' /tmp/burst.out)"
	figure burst.target_reached_goal_ms "${t_goal:--}"
	figure burst.current_followed_ms "${t_follow:--}"
	# the driver's OOM notifier raised the target (ratelimited log lines)
	figure burst.oom_notifier_raises_logged \
		$(( $(dmesg | grep -c 'out of memory: balloon target raised') - raised0 ))
	# the same burst again while the guest still has the memory: what
	# touching it costs on this machine, for comparison
	/burst-alloc $BURST_MB 16 1 0 > /tmp/burst2.out
	figure burst.touch_ms_memory_present "$(sed -n 's/^BURST mib=.* ms=//p' /tmp/burst2.out)"
	expect_eq burst.no_oom_kill $ooms 0
	check burst.allocator_survived [ $alive = 1 ]
	check burst.done_no_hang [ -n "$t_done" ]
	check burst.balloon_caught_up [ -n "$t_follow" ]
	if [ $ooms != 0 ]; then
		dmesg | grep -E 'selfballoon|invoked oom-killer|Out of memory' | tail -n 12
		echo "STRESS balloon target_kb $(cat $XM/target_kb) current_kb $(cat $XM/info/current_kb) low $(cat $XM/info/low_kb) high $(cat $XM/info/high_kb)"
	fi
	echo "PHASE burst done rc=$rc"
fi

# --- unreachable --------------------------------------------------------------
# balloon_pid: the balloon driver's kthread
balloon_pid() {
	for p in /proc/[0-9]*; do
		[ "$(cat $p/comm 2>/dev/null)" = xen-balloon ] && { echo ${p#/proc/}; return; }
	done
}
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }

if has_part unreachable; then
	echo "PHASE unreachable: the host leaves the guest $UNREACH_MB MiB"
	to_floor
	# a paused domain takes Xen's free memory but what lets the guest
	# reach UNREACH_MB
	free_mb=$(dom0_val free)
	cur_mb=$(( $(cat $XM/info/current_kb) / 1024 ))
	hog_mb=$(( free_mb - (UNREACH_MB - cur_mb) ))
	figure unreachable.hog_mb "$hog_mb"
	case $(dom0_req "hog $hog_mb") in
	*" rc=0"*) pass unreachable.dom0_took_the_free_memory ;;
	*) fail unreachable.dom0_took_the_free_memory "hog $hog_mb refused" ;;
	esac
	try_write $SB/selfballoon_interval 1 >/dev/null
	# commit more than maxmem allows, without touching it
	/burst-alloc $((UNREACH_MB + 200)) 32 0 600 > /tmp/unreach.out &
	UP=$!
	# the balloon grows to what Xen allows, then stops
	wait_ticks 3 10
	wait_settled 180
	snap
	figure unreachable.target_kb "$T_TARGET"
	check unreachable.target_above_what_the_host_has [ "$T_TARGET" -gt $((UNREACH_MB * 1024 + 40960)) ]
	BPID=$(balloon_pid)
	check unreachable.balloon_thread_found [ -n "$BPID" ]
	c0=$(cpu_ticks $BPID); k0=$(rd ticks); sum=0 maxus=0 last=$k0
	w0=$(uptime_ms)
	s=0
	while [ $s -lt 60 ]; do
		sleep 1; s=$((s + 1)); progress
		k=$(rd ticks)
		if [ "$k" != "$last" ]; then
			us=$(rd last_tick_us); sum=$((sum + us)); last=$k
			[ "$us" -gt $maxus ] && maxus=$us
		fi
	done
	wall_ms=$(( $(uptime_ms) - w0 ))
	c1=$(cpu_ticks $BPID); k1=$(rd ticks)
	cur=$(cat $XM/info/current_kb)
	# USER_HZ is 100: one clock tick is 10 ms
	bal_ms=$(( (c1 - c0) * 10 ))
	figure unreachable.wall_ms $wall_ms
	figure unreachable.current_kb "$cur"
	figure unreachable.balloon_thread_cpu_ms $bal_ms
	figure unreachable.ticks $((k1 - k0))
	figure unreachable.sampled_tick_us_sum $sum
	figure unreachable.max_last_tick_us $maxus
	check unreachable.current_held_by_the_host [ "$cur" -le $((UNREACH_MB * 1024 + 32768)) ]
	check unreachable.target_still_unreached [ "$(cat $XM/target_kb)" -gt "$cur" ]
	check unreachable.ticks_went_on [ $((k1 - k0)) -ge 30 ]
	# a spinning thread would use the whole minute; allow a tenth
	check unreachable.balloon_thread_does_not_spin [ $bal_ms -le $((wall_ms / 10)) ]
	check unreachable.ticks_do_not_spin [ $((sum / 1000)) -le $((wall_ms / 10)) ]
	kill $UP 2>/dev/null; wait $UP
	case $(dom0_req "hog 0") in
	*" rc=0"*) pass unreachable.dom0_gave_the_memory_back ;;
	*) fail unreachable.dom0_gave_the_memory_back "hog 0 refused" ;;
	esac
	try_write $SB/selfballooning 0 >/dev/null
	expect_eq unreachable.target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
	wait_balloon 60 && pass unreachable.balloon_back ||
		fail unreachable.balloon_back "current $(cat $XM/info/current_kb) target $(cat $XM/target_kb)"
fi

# --- the end: the driver goes away cleanly -------------------------------------
if [ "$MODE" = module ]; then
	rmmod xen_selfballoon
	check end.rmmod_ok [ $? -eq 0 ]
	check end.module_gone [ ! -d $SB -a ! -e /sys/module/xen_selfballoon ]
else
	try_write $SB/selfballooning 0 >/dev/null
fi
expect_eq end.target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
no_splat end.dmesg_clean
touch /tmp/stress.end
echo "SCENARIO failures=$FAILS"
[ $FAILS -eq 0 ]
