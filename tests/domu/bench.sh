# SPDX-License-Identifier: GPL-2.0
# domU scenario for `make bench` (scripts/bench.sh): the driver's own cost
# and its reaction time in a real Xen PV domU, and a trace of every tick for
# the simulator's replay.
#
# Loads xen_selfballoon, sets a 2 s interval, records every
# selfballoon_tick event (trace clock "mono") from the first tick on,
# switches selfballooning on, lets the idle guest
# settle, then commits memory in steps with stress-ng (64 MiB each, three
# up, all released, twice) and runs on until at least 60 ticks are in.
# Prints, for the host:
#   BENCH params downhysteresis=.. uphysteresis=.. reserved_mb=.. ...
#   BENCH cost tick=N us=U           last_tick_us of every tick
#   TRACE <line>                     the trace buffer: the tick events and
#                                    the markers "xsb step N committed"
#                                    (Committed_AS has risen by 90% of the
#                                    step) and "xsb step N followed" (the
#                                    balloon reached the target raised for
#                                    that step)
#   BENCH done ticks=N

. /lib.sh

KO=/xen_selfballoon.ko
TR=/sys/kernel/debug/tracing
STEP_MB=64
INTERVAL=2
MIN_TICKS=60

# C: Committed_AS in KiB, read without a fork
committed_now() {
	while read -r k v _; do
		if [ "$k" = Committed_AS: ]; then C=$v; return; fi
	done </proc/meminfo
}

# B: balloon current and target in KiB, without a fork
balloon_now() {
	read -r BC <$XM/info/current_kb
	read -r BT <$XM/target_kb
}

marker() { echo "$*" >$TR/trace_marker; }

insmod $KO || { echo "BENCH error: insmod failed"; exit 1; }
try_write $SB/selfballoon_interval $INTERVAL >/dev/null
echo "BENCH params downhysteresis=$(rd selfballoon_downhysteresis) uphysteresis=$(rd selfballoon_uphysteresis) reserved_mb=$(rd selfballoon_reserved_mb) min_usable_mb=$(rd selfballoon_min_usable_mb) interval_s=$(rd selfballoon_interval)"
echo "BENCH kernel $(uname -r) MemTotal $(meminfo_kb MemTotal) kB"

echo mono >$TR/trace_clock
echo 4096 >$TR/buffer_size_kb
echo >$TR/trace
echo 1 >$TR/events/xen_selfballoon/selfballoon_tick/enable
# the first tick comes one interval after this: every tick is traced
try_write $SB/selfballooning 1 >/dev/null

# the cost of every tick, as the tick measured it itself
(
	last=$(rd ticks)
	while [ -d $SB ]; do
		t=$(rd ticks 2>/dev/null) || break
		if [ "$t" != "$last" ]; then
			us=$(rd last_tick_us)
			# a tick in between: that reading is not tick $t's
			[ "$(rd ticks)" = "$t" ] && echo "BENCH cost tick=$t us=$us"
			last=$t
		fi
		sleep 0.3
	done
) &
COSTW=$!

# idle: down to the floor
wait_ticks 1 10
settle_on_floor 40 10
wait_ticks 2 10

# step N: commit STEP_MB more; mark when Committed_AS shows it and when the
# balloon has reached the target the next tick set
step=0
commit_step() {
	step=$((step + 1))
	committed_now; c0=$C
	stress-ng --vm 1 --vm-bytes ${STEP_MB}M --vm-keep --timeout 600s --quiet &
	WLS="$WLS $!"
	n=0
	committed_now
	while [ $((C - c0)) -lt $((STEP_MB * 1024 * 9 / 10)) ] && [ $n -lt 400 ]; do
		sleep 0.02; n=$((n + 1)); committed_now
	done
	read -r t0 <$SB/ticks
	marker "xsb step $step committed kb=$C"
	# the tick after the commit raises the target; then the balloon follows
	n=0
	tk=$t0
	while [ "$tk" = "$t0" ] && [ $n -lt 1000 ]; do
		sleep 0.02; n=$((n + 1)); read -r tk <$SB/ticks
	done
	n=0
	balloon_now
	while [ "$BC" != "$BT" ] && [ $n -lt 1000 ]; do
		sleep 0.02; n=$((n + 1)); balloon_now
	done
	marker "xsb step $step followed current_kb=$BC target_kb=$BT ticks=$(( $(rd ticks) - t0 ))"
	wait_ticks 3 20
}

for round in 1 2; do
	WLS=
	commit_step
	commit_step
	commit_step
	kill $WLS 2>/dev/null
	wait $WLS 2>/dev/null
	marker "xsb round $round released"
	wait_ticks 12 60
done
while [ "$(rd ticks)" -lt $MIN_TICKS ]; do wait_ticks 1 10; done

echo 0 >$TR/events/xen_selfballoon/selfballoon_tick/enable
kill $COSTW 2>/dev/null
wait $COSTW 2>/dev/null
sed -n 's/^/TRACE /p' $TR/trace
echo "BENCH done ticks=$(rd ticks)"
rmmod xen_selfballoon
