#!/bin/sh
# Smoke scenario of several guests under one Xen and of the request service
# (runs as root inside each domU, busybox sh), e.g. three guests whose maxmem
# adds up to more than Xen has free:
#   scripts/xen-qemu/run-domu.sh --host-mb 2560 --files tests/domu/lib.sh \
#       --memory 256 --maxmem 1024 --out out/multi \
#       --guest plain --scenario scripts/xen-qemu/multi-scenario.sh --kver 6.12 \
#       --guest pauser --scenario scripts/xen-qemu/multi-scenario.sh \
#           --start-delay 8 --domu-cmdline xsb_role=pause \
#       --guest saver --scenario scripts/xen-qemu/multi-scenario.sh --kver 6.12 \
#           --start-delay 16 --domu-cmdline xsb_role=save-restore
# Every guest prints "MULTI tick N uptime U" once a second for about 40 s.
# xsb_role=pause: dom0_req "pause 10" in the middle; the guest's clock
# (/proc/uptime) must have moved 10 s or more across the request.
# xsb_role=save-restore: dom0_req save-restore in the middle; the guest must
# come back under a new domid and go on ticking. Prints "MULTI PASS/FAIL
# <what>"; exits 0 when all checks pass.
. /lib.sh
failed=0
ok() { echo "MULTI PASS $1"; }
bad() { echo "MULTI FAIL $1"; failed=1; }
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
role=$(sed -n 's/.*xsb_role=\([a-z-]*\).*/\1/p' /proc/cmdline)
name=$(xs_req $XS_READ name)
domid=$(xs_req $XS_READ domid)
echo "MULTI $name: role ${role:-none}, domid $domid, kernel $(uname -r), $(awk '/^MemTotal:/ { print $2 " kB" }' /proc/meminfo)"

# the ticker: one line a second, with the largest gap between two ticks
(
	n=0 last=$(ms) gap=0
	while [ ! -e /tmp/stop ]; do
		n=$((n + 1)) now=$(ms)
		[ $((now - last)) -le $gap ] || gap=$((now - last))
		last=$now
		echo "MULTI tick $n uptime $(cut -d' ' -f1 /proc/uptime)"
		echo "$n $gap" >/tmp/ticks
		sleep 1
	done
) &
sleep 15

case $role in
pause)
	t0=$(ms)
	r=$(dom0_req "pause 10")
	t1=$(ms)
	echo "MULTI $r; uptime moved $((t1 - t0)) ms across the request"
	[ "$r" = "pause 10 rc=0" ] && ok pause_reply || bad "pause replied '$r'"
	[ $((t1 - t0)) -ge 10000 ] && ok pause_clock_jump || bad "the clock moved $((t1 - t0)) ms only"
	;;
save-restore)
	t0=$(ms)
	r=$(dom0_req save-restore)
	t1=$(ms)
	new=$(xs_req $XS_READ domid)
	echo "MULTI $r; now domid $new; uptime moved $((t1 - t0)) ms across the request"
	case $r in "save-restore rc=0 domid $domid -> $new,"*) ok save_restore_reply ;; *) bad "save-restore replied '$r'" ;; esac
	[ -n "$new" ] && [ "$new" != "$domid" ] && ok new_domid || bad "domid $domid before, '$new' after"
	read -r n0 _ </tmp/ticks
	sleep 5
	read -r n1 _ </tmp/ticks
	[ "$n1" -ge $((n0 + 3)) ] && ok ticking_after_restore || bad "ticks $n0 -> $n1 in 5 s after the restore"
	;;
esac
sleep 20
touch /tmp/stop
sleep 1
read -r n gap </tmp/ticks
echo "MULTI $name: $n ticks, the longest gap $gap ms"
[ "$n" -ge 30 ] && ok ticks || bad "only $n ticks"
echo "SCENARIO failed=$failed"
exit $failed
