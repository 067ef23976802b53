#!/bin/busybox sh
# domU /init (busybox sh): mount the usual file systems, run /scenario.sh as
# root, report its exit code as "SCENARIO-EXIT rc=N" (dom0 watches for that
# line and ends the run), then idle until dom0 powers the machine off.
# Everything printed here goes to hvc0, which dom0 streams to the host.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
echo "XSB-DOMU-INIT kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime) cmdline: $(cat /proc/cmdline)"

cd /
/bin/sh /scenario.sh </dev/null
rc=$?
echo "SCENARIO-EXIT rc=$rc"
while :; do sleep 3600; done
