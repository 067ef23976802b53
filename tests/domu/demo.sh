# SPDX-License-Identifier: GPL-2.0
# domU scenario for `make demo`: load xen_selfballoon with selfballooning on,
# let the idle guest balloon down to its floor, run a real workload
# (stress-ng) that commits memory in three steps, let it exit, and watch the
# target follow.  One TICK row per tick goes to the console; the host turns
# them into out/demo/timeline.csv.

. /lib.sh

WORKLOAD_MB=64

insmod /xen_selfballoon.ko selfballooning || exit 1
try_write $SB/selfballoon_interval 2 >/dev/null
echo "DEMO loaded: $(dmesg | grep 'xen:selfballoon' | tail -n 1)"

# tick watcher: one TICK row per tick
start_tick_watcher

# idle: down toward the floor (Committed_AS of a busybox guest is tiny)
wait_ticks 1 10
settle_on_floor 40 10
wait_ticks 2 10
echo "PHASE workload start"
WLS=
for step in 1 2 3; do
	stress-ng --vm 1 --vm-bytes ${WORKLOAD_MB}M --vm-keep \
		--timeout $(( 40 - step * 8 ))s --quiet &
	WLS="$WLS $!"
	wait_ticks 4 20
done
for p in $WLS; do wait $p; done
echo "PHASE workload exited"
# release: back down to the floor
settle_on_floor 40 10
wait_ticks 2 10
rmmod xen_selfballoon
kill $WATCHER 2>/dev/null
wait_balloon 60
echo "DEMO unloaded: target_kb=$(cat $XM/target_kb) current_kb=$(cat $XM/info/current_kb)"
