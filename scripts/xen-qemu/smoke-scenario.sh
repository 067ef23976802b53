#!/bin/sh
# Smoke scenario for run-domu.sh (runs as root inside the domU, busybox sh):
#   scripts/xen-qemu/run-domu.sh --scenario scripts/xen-qemu/smoke-scenario.sh --bins stress-ng
# Prints what a balloon driver sees, checks that uid 1000 cannot write the
# balloon target, and checks that a 200 MiB stress-ng worker raises
# Committed_AS. Exits 0 when all checks pass, 1 otherwise.
B=/sys/devices/system/xen_memory/xen_memory0
failed=0
fail() { echo "SMOKE FAIL: $*"; failed=1; }
committed_kb() { awk '/^Committed_AS:/ {print $2}' /proc/meminfo; }

echo "== kernel $(uname -r)"
echo "== /proc/meminfo"
cat /proc/meminfo

echo "== $B"
if [ -d $B ]; then
	ls -l $B $B/info
	for f in "$B"/* "$B"/info/*; do
		[ -f "$f" ] && [ -r "$f" ] && echo "${f#"$B"/} = $(tr '\n' ' ' <"$f")"
	done
else
	fail "$B is missing"
fi

echo "== debugfs"
if [ -d /sys/kernel/debug ] && grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	echo "/sys/kernel/debug exists and is mounted:" $(cd /sys/kernel/debug && echo *)
else
	fail "/sys/kernel/debug is not a mounted debugfs"
fi

echo "== unprivileged user"
su user -c id
# writing back the current value would be harmless, but uid 1000 must be refused
if su user -c "echo $(cat $B/target_kb) > $B/target_kb" 2>/dev/null; then
	fail "uid 1000 could write $B/target_kb"
else
	echo "uid 1000 cannot write target_kb (as expected)"
fi

echo "== stress-ng --vm 1 --vm-bytes 200M --vm-keep --timeout 5s"
before=$(committed_kb)
stress-ng --vm 1 --vm-bytes 200M --vm-keep --timeout 5s &
pid=$!
peak=$before
while kill -0 $pid 2>/dev/null; do
	now=$(committed_kb)
	echo "Committed_AS=${now} kB MemFree=$(awk '/^MemFree:/ {print $2}' /proc/meminfo) kB"
	[ "$now" -gt "$peak" ] && peak=$now
	sleep 1
done
wait $pid || fail "stress-ng exited with $?"
after=$(committed_kb)
echo "Committed_AS before=${before} kB peak=${peak} kB after=${after} kB"
# 200 MiB = 204800 kB; allow for what was not yet mapped when sampled
[ $((peak - before)) -ge 150000 ] || fail "Committed_AS rose by only $((peak - before)) kB"

[ $failed = 0 ] && echo "SMOKE OK"
exit $failed
