# SPDX-License-Identifier: GPL-2.0
# dom0 scenario of `make stress` (scripts/stress.sh): the toolstack side of
# tests/domu/stress.sh.
#
# dom0's request service (scripts/xen-qemu/dom0-init.sh) carries out the
# guest's requests (its mem-max requests: dom0_req in tests/domu/lib.sh);
# what this scenario adds is a watchdog. It runs before the domU exists and
# returns at once, leaving the watchdog in the background.
#
# The guest writes its uptime to data/xsb-heartbeat every 20 s. Once that
# has not changed for 120 s, the watchdog asks the guest's kernel for its
# blocked tasks, its CPUs' backtraces and all tasks (xl sysrq w, l, t):
# sysrq prints to the guest's console whatever its loglevel, so that a
# guest that stopped making progress leaves its stacks in guest.log.
#
# The watchdog's lines reach dom0.log ("DOM0| " on the serial console).

(
	beat='' beat_t=0 dumped=''
	while :; do
		sleep 1
		# the guest's domid, once dom0-init.sh has created it
		id=$(cat /run/xsb/guest.domid 2>/dev/null) || continue
		b=$(xenstore-read "/local/domain/$id/data/xsb-heartbeat" 2>/dev/null)
		now=$(cut -d. -f1 /proc/uptime)
		if [ "$b" != "$beat" ]; then
			beat=$b beat_t=$now
		elif [ -n "$beat" ] && [ -z "$dumped" ] && [ $((now - beat_t)) -ge 120 ]; then
			dumped=1
			echo "STRESS-DOM0 guest silent since uptime $beat_t: sysrq w l t"
			for k in w l t; do xl sysrq guest $k; sleep 5; done
		fi
	done
) </dev/null &
echo "STRESS-DOM0 watchdog started"
exit 0
