# SPDX-License-Identifier: GPL-2.0
# domU scenario of `make overcommit` (scripts/overcommit.sh): one of several
# guests under one Xen whose maxmem add up to more than the host has.
#
# Runs as /scenario.sh in each guest (memory 384 MiB, maxmem 1024 MiB, a
# 320 MiB swap disk), with /xen_selfballoon.ko, /lib.sh, stress-ng and
# /overcommit.conf, which sets
#   MODE        off (no driver loaded, as without selfballooning) or on
#               (insmod xen_selfballoon.ko selfballooning, its defaults)
#   TOOLSTACK_MB  what the toolstack gives every guest once it is up
#               (xl mem-set, the same in both modes: 1024)
#   WL_<name>   "AT WHAT": at uptime AT s this guest runs WHAT, one of
#               vm400 (stress-ng --vm 1 --vm-bytes 400M --vm-keep, 45 s)
#               kbuild (this driver's module built against the 6.12
#               headers of the workload image, then vm400)
#   END_<name>  the uptime (s) at which it exits: the guests are started
#               apart, and each stays up (holding its memory) until about
#               the same host time
#
# Output, for the host (scripts/overcommit.sh):
#   OVERCOMMIT start <name> <what> uptime=..
#   OVERCOMMIT end <name> <what> rc=.. wall_s=.. oom_kills=.. majflt=..
#              pswpin=.. pswpout=.. mem_kb=.. target_kb=..
#   OVERCOMMIT idle <name> mem_kb=..    once it is idle again, 60 s later
#   TEST PASS|FAIL ..   (MODE on) the driver's target never above the
#                       toolstack's, and the workload completed
. /lib.sh
. /overcommit.conf

NAME=$(xs_req $XS_READ name)
KO=/xen_selfballoon.ko
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
now() { cut -d' ' -f1 /proc/uptime; }
upto() { while [ "$(cut -d. -f1 /proc/uptime)" -lt "$1" ]; do sleep 1; done; }
mem_kb() { cat $XM/info/current_kb; }

eval "wl=\${WL_$(echo "$NAME" | tr - _):-}"
eval "end=\${END_$(echo "$NAME" | tr - _):-300}"
set -- $wl
WL_AT=${1:-60} WHAT=${2:-vm400}
echo "OVERCOMMIT guest $NAME mode $MODE workload $WHAT at $WL_AT s, end at $end s, kernel $(uname -r), MemTotal $(meminfo_kb MemTotal) kB"

mkswap /dev/xvdb >/dev/null 2>&1 && swapon /dev/xvdb
if [ "$MODE" = on ]; then
	insmod $KO selfballooning || echo "OVERCOMMIT error: insmod failed"
fi
# the toolstack gives the guest all it may have, as an administrator would
# without selfballooning (and as the ceiling the driver keeps under with it)
echo "OVERCOMMIT toolstack $NAME $(dom0_req "mem-set $TOOLSTACK_MB")"

# with the driver: its target, every second, never above the toolstack's
over=0
if [ "$MODE" = on ]; then
	(
		n=0
		while [ ! -e /tmp/stop ]; do
			t=$(rd last_target_kb) ts=$(rd last_toolstack_target_kb)
			[ "$ts" -gt 0 ] && [ "$t" -gt "$ts" ] && n=$((n + 1)) &&
				echo "OVERCOMMIT over $NAME target_kb=$t toolstack_kb=$ts"
			echo $n >/tmp/over
			sleep 1
		done
	) &
fi

if [ "$WHAT" = kbuild ]; then
	workload_mount >/dev/null || echo "OVERCOMMIT error: no workload image"
	KHDR=$(cd /w && ls -d usr/src/linux-headers-*-amd64 | head -n 1)
	mkdir -p /w/work/src && tar -xf /src.tar -C /w/work/src
fi
# 400 MiB: a guest at its floor (about 210 MiB, MemTotal about 150 MiB)
# with its 320 MiB swap may map it at once (the kernel's heuristic
# overcommit refuses one mapping larger than MemTotal + SwapTotal)
vm400() { stress-ng --vm 1 --vm-bytes 400M --vm-keep --timeout 45s --quiet; }
kbuild() {
	chroot /w make -s -C "/$KHDR" M=/work/src modules >/dev/null && vm400
}

upto "$WL_AT"
m0=$(vmstat pgmajfault) si0=$(vmstat pswpin) so0=$(vmstat pswpout) o0=$(vmstat oom_kill)
t0=$(now)
echo "OVERCOMMIT start $NAME $WHAT uptime=$t0 mem_kb=$(mem_kb) xen_free_mib=$(dom0_val free)"
$WHAT
rc=$?
t1=$(now)
oom=$(( $(vmstat oom_kill) - o0 ))
echo "OVERCOMMIT end $NAME $WHAT rc=$rc wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') oom_kills=$oom majflt=$(( $(vmstat pgmajfault) - m0 )) pswpin=$(( $(vmstat pswpin) - si0 )) pswpout=$(( $(vmstat pswpout) - so0 )) mem_kb=$(mem_kb) target_kb=$(cat $XM/target_kb)"
(sleep 60; echo "OVERCOMMIT idle $NAME mem_kb=$(mem_kb) 60 s after") &

if [ "$MODE" = on ]; then
	expect_eq "$NAME.workload_completed" "$rc" 0
	expect_eq "$NAME.no_oom_kill" "$oom" 0
fi
upto "$end"
touch /tmp/stop
sleep 2
if [ "$MODE" = on ]; then
	expect_eq "$NAME.target_never_above_the_toolstack" "$(cat /tmp/over)" 0
	check "$NAME.driver_ticked" [ "$(rd ticks)" -gt 10 ]
	dmesg_clean "$NAME.dmesg_clean"
fi
echo "OVERCOMMIT done $NAME"
exit 0
