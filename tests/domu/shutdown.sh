# SPDX-License-Identifier: GPL-2.0
# domU scenario: the guest goes down under load while the driver ticks.
#
# Runs as /scenario.sh, booted with "tp_printk" on the command line (trace
# events may go to the kernel log), with /xen_selfballoon.ko, /lib.sh,
# stress-ng and /shutdown.conf, which sets HOW to poweroff or reboot.
#
# Loads the module with selfballooning, 1 s ticks, no grace period, starts
# a memory and CPU load, has every selfballoon_tick event printed to the
# console (kernel.tracepoint_printk, console loglevel 8), prints
#   SHUTDOWN <how> at <uptime> ticks=<n>
# and runs "<how> -f": the reboot system call at once, no init scripts.
# The host (scripts/domu-tests.sh) then checks guest.log: the driver's
# reboot notifier logged "stopped for ...", no tick event came after that
# line, and the domain went away (no SCENARIO-EXIT line: the guest is gone).
# Lines before the shutdown print TEST PASS/FAIL as usual.

. /lib.sh
. /shutdown.conf

KO=/xen_selfballoon.ko
TR=/sys/kernel/debug/tracing

insmod $KO selfballooning
check setup.insmod [ $? -eq 0 ]
try_write $SB/selfballoon_grace_s 0 >/dev/null
try_write $SB/selfballoon_interval 1 >/dev/null
stress-ng --vm 1 --vm-bytes 64M --vm-keep --cpu 1 --timeout 300s --quiet &
wait_ticks 3 10 && pass setup.ticking || fail setup.ticking "ticks $(rd ticks)"
check setup.tp_printk_on_cmdline grep -qw tp_printk /proc/cmdline
echo 1 >/proc/sys/kernel/tracepoint_printk
check setup.tracepoint_printk_on [ "$(cat /proc/sys/kernel/tracepoint_printk)" = 1 ]
echo 1 >$TR/events/xen_selfballoon/selfballoon_tick/enable
echo 8 >/proc/sys/kernel/printk
wait_ticks 2 10
echo "SCENARIO failures=$FAILS"
echo "SHUTDOWN $HOW at $(cut -d' ' -f1 /proc/uptime) ticks=$(rd ticks)"
$HOW -f
sleep 60
echo "SHUTDOWN $HOW did not happen within 60 s"
