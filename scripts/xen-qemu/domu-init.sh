#!/bin/busybox sh
# domU /init (busybox sh): mount the usual file systems, load the modules of
# --modules, wait for the PV disks, run /scenario.sh as root, report its exit
# code as "SCENARIO-EXIT rc=N" (dom0 watches for that line and ends the run
# once every guest has printed it), then idle until dom0 powers the machine
# off. Everything printed here goes to hvc0, which dom0 streams to the host.
#
#   /etc/xsb/modules   module names in load order (run-domu.sh --modules), the
#                      modules in /lib/modules/xsb/NAME.ko; prints
#                      "XSB-DOMU modules loaded: A B C" or, if any failed,
#                      "XSB-DOMU modules failed: X (error) ...; loaded: A B"
#   /etc/xsb/disks     the vdevs of the guest's disks (xvdb xvdc xvdd); waits
#                      up to 20 s for them, prints "XSB-DOMU disks: xvdb xvdc"
#                      (plus "; missing: xvdd" for one that did not appear)
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

if [ -s /etc/xsb/modules ]; then
	ok='' bad='' mods=$(cat /etc/xsb/modules)
	for m in $mods; do
		if err=$(insmod "/lib/modules/xsb/$m.ko" 2>&1); then
			ok="$ok $m"
		else
			bad="$bad $m (${err##*: })"
		fi
	done
	if [ -z "$bad" ]; then
		echo "XSB-DOMU modules loaded:$ok"
	else
		echo "XSB-DOMU modules failed:$bad; loaded:${ok:- none}"
	fi
fi
if [ -s /etc/xsb/disks ]; then
	n=0 disks=$(cat /etc/xsb/disks)
	for d in $disks; do
		while [ ! -b "/dev/$d" ] && [ $n -lt 100 ]; do usleep 200000; n=$((n + 1)); done
	done
	ok='' bad=''
	for d in $disks; do
		if [ -b "/dev/$d" ]; then ok="$ok $d"; else bad="$bad $d"; fi
	done
	echo "XSB-DOMU disks:${ok:- none}${bad:+; missing:$bad}"
fi

cd /
/bin/sh /scenario.sh </dev/null
rc=$?
echo "SCENARIO-EXIT rc=$rc"
while :; do sleep 3600; done
