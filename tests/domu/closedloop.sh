# SPDX-License-Identifier: GPL-2.0
# domU scenario for `make bench` (scripts/bench.sh): the two policies in a
# closed loop, the same real workloads under each, in one boot.
#
# Runs as /scenario.sh in a guest started with memory = maxmem = MEMORY_MB
# (from /closedloop.conf), a swap disk (xvdb), the workload image
# (xvdc, scripts/xen-qemu/workload-image.sh: gcc, make, sqlite3 and Debian's
# 6.12 headers) and an ext4 scratch disk (xvdd), with /xen_selfballoon.ko,
# /lib.sh, /burst-alloc, /src.tar (the module's sources: the compile job)
# and /closedloop.conf, which sets
#   WORKLOADS  which of kbuild sqlite tmpfs burst to run, in that order
#   POLICIES   the order of the policies for each workload
#   ROUNDS     how many times the whole sequence runs
#   REACTION   bursts for the reaction figure (0: none)
#
# The driver runs with its defaults (interval 5 s, down-hysteresis 8, ...)
# and the grace period off.  Before every run the guest is brought to the
# same state: the policy switched, the page cache dropped, the target as
# low as it goes (down-hysteresis 1 and 1 s ticks for the descent, until
# two ticks in a row moved it less than 1 MiB), then six ticks idle at the
# defaults.
#
# Workloads (each a real program from the workload image, in chroot /w):
#   kbuild  make modules of this driver against the 6.12 headers, twice
#           (make clean in between)
#   sqlite  a 200000-row table (about 70 MB) on ext4, an index, scans,
#           a grouped query and a self-join, with a 2 MB sqlite cache so
#           that the page cache holds the database
#   tmpfs   tar of the image's /usr/include and gcc's libraries into
#           /dev/shm (page cache in, tmpfs out), md5sum of it three times,
#           every file of /usr read, the tar deleted
#   burst   60 s idle, then burst-alloc 400 MiB (8 MiB chunks, touched),
#           held 20 s, then 30 s idle; wall time is the burst's own
#
# Output, for the host:
#   CLOSEDLOOP start <workload> <policy> <round>
#   CLOSEDLOOP end <workload> <policy> <round> wall_s=.. rc=.. majflt=..
#              pswpin=.. pswpout=.. oom_kills=.. early_ticks=..
#              pressure_ticks=..
#   TRACE <line>                the tick events and markers, at the end
#   CLOSEDLOOP done

. /lib.sh
. /closedloop.conf

KO=/xen_selfballoon.ko
TR=/sys/kernel/debug/tracing
KHDR=

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
now() { cut -d' ' -f1 /proc/uptime; }
marker() { echo "$*" >$TR/trace_marker; }

# --- setup ---------------------------------------------------------------
mkswap /dev/xvdb >/dev/null 2>&1 && swapon /dev/xvdb
workload_mount || { echo "CLOSEDLOOP error: no workload image"; exit 1; }
KHDR=$(cd /w && ls -d usr/src/linux-headers-*-amd64 | head -n 1)
mkdir -p /w/work/src
tar -xf /src.tar -C /w/work/src
cat >/w/work/sqlite.sql <<'EOF'
PRAGMA cache_size = -2000;
PRAGMA journal_mode = DELETE;
DROP TABLE IF EXISTS t;
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT);
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000)
INSERT INTO t SELECT i, (i * 7919) % 100000, printf('%0300d', (i * 104729) % 1000003) FROM c;
COMMIT;
CREATE INDEX tk ON t(k);
SELECT count(*), sum(length(v)) FROM t;
SELECT k % 100, count(*), max(v) FROM t GROUP BY k % 100 ORDER BY 2 DESC LIMIT 3;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k WHERE a.id <= 30000;
SELECT count(*), sum(length(v)) FROM t WHERE v LIKE '%7%';
SELECT count(*), sum(length(v)) FROM t WHERE v LIKE '%8%';
SELECT count(*) FROM t a JOIN t b ON a.k = b.k WHERE a.id > 170000;
EOF

insmod $KO
try_write $SB/selfballoon_grace_s 0 >/dev/null
echo mono >$TR/trace_clock
echo 8192 >$TR/buffer_size_kb
echo >$TR/trace
echo 1 >$TR/events/xen_selfballoon/selfballoon_tick/enable
echo 1 >$TR/events/vmscan/mm_vmscan_kswapd_wake/enable
echo 1 >$TR/events/vmscan/mm_vmscan_direct_reclaim_begin/enable
try_write $SB/selfballooning 1 >/dev/null
echo "CLOSEDLOOP params downhysteresis=$(rd selfballoon_downhysteresis) uphysteresis=$(rd selfballoon_uphysteresis) reserved_mb=$(rd selfballoon_reserved_mb) min_usable_mb=$(rd selfballoon_min_usable_mb) interval_s=$(rd selfballoon_interval) min_reserve_mb=$(rd selfballoon_min_reserve_mb) early_ticks=$(rd selfballoon_early_ticks)"
echo "CLOSEDLOOP kernel $(uname -r) MemTotal $(meminfo_kb MemTotal) kB"

# prepare POLICY: the same start for every run
prepare() {
	try_write $SB/selfballoon_policy "$1" >/dev/null
	sync
	echo 3 >/proc/sys/vm/drop_caches
	# the descent at 1 s ticks and down-hysteresis 1, until two ticks in a
	# row moved the target less than 1 MiB (on the floor, or on a goal at
	# rest above it)
	try_write $SB/selfballoon_interval 1 >/dev/null
	try_write $SB/selfballoon_downhysteresis 1 >/dev/null
	pr_n=0 pr_ok=0 pr_prev=0
	while [ $pr_ok -lt 2 ] && [ $pr_n -lt 60 ]; do
		wait_ticks 1 10; pr_n=$((pr_n + 1))
		snap
		pr_d=$((T_TARGET - pr_prev)); pr_d=${pr_d#-}
		if [ $pr_d -lt 1024 ]; then pr_ok=$((pr_ok + 1)); else pr_ok=0; fi
		pr_prev=$T_TARGET
	done
	wait_balloon 60
	try_write $SB/selfballoon_downhysteresis 8 >/dev/null
	try_write $SB/selfballoon_interval 5 >/dev/null
	wait_ticks 6 60
	echo "CLOSEDLOOP prepared $1 target_kb=$(rd last_target_kb) floor_kb=$(rd last_floor_kb) after $pr_n ticks"
}

wl_kbuild() {
	chroot /w sh -c "make -s -C /$KHDR M=/work/src clean >/dev/null &&
		make -s -C /$KHDR M=/work/src modules >/dev/null &&
		make -s -C /$KHDR M=/work/src clean >/dev/null &&
		make -s -C /$KHDR M=/work/src modules >/dev/null"
}
wl_sqlite() {
	rm -f /w/work/t.db
	chroot /w sqlite3 /work/t.db </w/work/sqlite.sql >/dev/null
}
wl_tmpfs() {
	tar -cf /dev/shm/usr.tar -C /w usr/include usr/lib/gcc &&
		md5sum /dev/shm/usr.tar /dev/shm/usr.tar /dev/shm/usr.tar >/dev/null &&
		find /w/usr -type f -exec cat {} + >/dev/null 2>&1
	r=$?
	rm -f /dev/shm/usr.tar
	return $r
}
wl_burst() {
	sleep 60
	BURST_LINE=$(/burst-alloc 400 8 1 20)
	r=$?
	sleep 30
	return $r
}

# run WORKLOAD POLICY ROUND
run() {
	prepare "$2"
	m0=$(vmstat pgmajfault) si0=$(vmstat pswpin) so0=$(vmstat pswpout)
	o0=$(vmstat oom_kill) e0=$(rd early_ticks) p0=$(rd pressure_ticks)
	marker "xsb start $1 $2 $3"
	echo "CLOSEDLOOP start $1 $2 $3"
	t0=$(now)
	BURST_LINE=
	wl_$1
	rc=$?
	t1=$(now)
	echo "CLOSEDLOOP end $1 $2 $3 wall_s=$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }') rc=$rc majflt=$(( $(vmstat pgmajfault) - m0 )) pswpin=$(( $(vmstat pswpin) - si0 )) pswpout=$(( $(vmstat pswpout) - so0 )) oom_kills=$(( $(vmstat oom_kill) - o0 )) early_ticks=$(( $(rd early_ticks) - e0 )) pressure_ticks=$(( $(rd pressure_ticks) - p0 )) ${BURST_LINE:+burst_ms=${BURST_LINE##*ms=}}"
	marker "xsb end $1 $2 $3"
}

r=1
while [ $r -le "$ROUNDS" ]; do
	for w in $WORKLOADS; do
		for p in $POLICIES; do
			run $w $p $r
		done
	done
	r=$((r + 1))
done

# --- the reaction to reclaim: bursts from a settled guest ------------------
# Each burst maps and touches, in 8 MiB chunks, 48 MiB more than the guest
# has available, from a guest settled on its goal; the trace has the first
# reclaim event after the burst's marker and the first tick after that one
# that raised the target.
if [ "${REACTION:-0}" -gt 0 ]; then
	for p in $POLICIES; do
		prepare "$p"
		i=1
		while [ $i -le "$REACTION" ]; do
			wait_ticks 3 30
			mb=$(( $(meminfo_kb MemAvailable) / 1024 + 48 ))
			marker "xsb burst $i $p mib=$mb"
			/burst-alloc $mb 8 1 2 >/dev/null
			wait_ticks 2 30
			i=$((i + 1))
		done
	done
fi

echo 0 >$TR/tracing_on
sed -n 's/^/TRACE /p' $TR/trace
echo "CLOSEDLOOP done"
