# SPDX-License-Identifier: GPL-2.0
# dom0 scenario of `make stress` (scripts/stress.sh): the toolstack side of
# tests/domu/stress.sh.
#
# It runs before the domU exists and returns at once, leaving a watcher in
# the background that serves the guest's requests.  The guest (domid 1, the
# harness's only domU) writes a request to its xenstore key
# data/xsb-request; the watcher carries it out and answers in
# data/xsb-reply with "<request> rc=<exit status>".  One request so far:
#
#   mem-max N   xl mem-max guest N: Xen's limit on the guest's memory, in
#               MiB.  xl creates a domain with that limit at its memory=
#               (plus 1 MiB), not at maxmem=: a selfballooning guest can
#               grow past its toolstack target only once it is raised.
#
# The guest also writes its uptime to data/xsb-heartbeat every 20 s.  Once
# that has not changed for 120 s, the watcher asks the guest's kernel for
# its blocked tasks, its CPUs' backtraces and all tasks (xl sysrq w, l, t):
# sysrq prints to the guest's console whatever its loglevel, so that a
# guest that stopped making progress leaves its stacks in guest.log.
#
# The watcher's lines reach dom0.log ("DOM0| " on the serial console).

# dom0's xenstore-read is the multi-call xenstore binary: named
# xenstore-write, it writes
ln -sf /usr/bin/xenstore-read /tmp/xenstore-write

(
	dir=/local/domain/1/data
	last= beat= beat_t=0 dumped=
	while :; do
		b=$(xenstore-read $dir/xsb-heartbeat 2>/dev/null)
		now=$(cut -d. -f1 /proc/uptime)
		if [ "$b" != "$beat" ]; then
			beat=$b beat_t=$now
		elif [ -n "$beat" ] && [ -z "$dumped" ] && [ $((now - beat_t)) -ge 120 ]; then
			dumped=1
			echo "STRESS-DOM0 guest silent since uptime $beat_t: sysrq w l t"
			for k in w l t; do xl sysrq guest $k; sleep 5; done
		fi
		req=$(xenstore-read $dir/xsb-request 2>/dev/null)
		if [ -n "$req" ] && [ "$req" != "$last" ]; then
			last=$req
			case $req in
			"mem-max "[0-9]*)
				xl mem-max guest "${req#mem-max }"
				rc=$? ;;
			*)
				rc=22 ;;
			esac
			echo "STRESS-DOM0 $req rc=$rc at uptime $(cut -d' ' -f1 /proc/uptime)"
			/tmp/xenstore-write $dir/xsb-reply "$req rc=$rc"
		fi
		sleep 1
	done
) </dev/null &
echo "STRESS-DOM0 watcher started"
exit 0
