#!/bin/busybox sh
# dom0 /init (busybox sh). Brings up a minimal Xen toolstack, runs the dom0
# scenario /dom0-scenario.sh if there is one (its output prefixed "DOM0| ",
# ending with "DOM0| SCENARIO-EXIT rc=N"), then, unless the run has no domU,
# starts the PV domU "guest" from /etc/xen/guest.cfg, streams its console to
# our console with the prefix "DOMU| ", samples its memory once a second, and
# powers off once the domU prints "SCENARIO-EXIT rc=N" (or dies, or the
# deadline passes).
# It runs no xl command while the guest runs: each costs seconds under TCG.
#
# Lines for the host (run-domu.sh) all start with "XSB-", "DOM0| " or "DOMU| ":
#   XSB-DOM0 <text>                 progress
#   XSB-MEM <guest_kb> <target_kb>  one memory sample
#   XSB-XLDMESG <line>              hypervisor log tail, at the end
#   XSB-DOM0-DONE status=<exit|crashed|gone|timeout>
#
# /etc/xsb/run.conf (written per run by run-domu.sh) sets XSB_DEADLINE: dom0
# uptime in seconds after which the run is given up, a little before the host
# kills QEMU, so that the last samples and the hypervisor log still get out;
# XSB_DOMU: 1 to create the domU, 0 for a run with a dom0 scenario only; and
# XSB_SWAP_MB: the size of the domU's disk xvdb (0: none).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
say() { echo "XSB-DOM0 $*"; }
uptime_s() { cut -d. -f1 /proc/uptime; }

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ln -sf /run /var/run
mkdir -p /var/lib/xen /var/lib/xenstored /var/log/xen /run/xen /run/xenstored /var/lock
# keep dom0's own kernel messages from interleaving with the streamed lines
echo 4 >/proc/sys/kernel/printk
# shellcheck disable=SC1091
. /etc/xsb/run.conf
say "up kernel=$(uname -r) uptime=$(cat /proc/uptime)"

for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	/bin/busybox insmod /lib/modules/$m.ko || say "insmod $m failed"
done
mount -t xenfs xenfs /proc/xen || say "mount xenfs failed"
xenstored --pid-file=/run/xenstored.pid || say "xenstored failed rc=$?"
xen-init-dom0 || say "xen-init-dom0 failed rc=$?"
xenconsoled --pid-file=/run/xenconsoled.pid ||
	say "xenconsoled failed rc=$?"

# --swap (XSB_SWAP_MB): the domU's disk xvdb is /dev/loop0 here, over a
# sparse file in dom0's RAM.  xl runs /etc/xen/xsb-block as the disk's
# hotplug script: Xen's own "block" script needs bash and udev's tools.
if [ "${XSB_SWAP_MB:-0}" -gt 0 ]; then
	for m in loop xen-blkback; do
		/bin/busybox insmod /lib/modules/$m.ko || say "insmod $m failed"
	done
	truncate -s "${XSB_SWAP_MB}M" /run/xsb-disk.img &&
		losetup /dev/loop0 /run/xsb-disk.img || say "losetup failed"
	cat >/etc/xen/xsb-block <<'EOF'
#!/bin/sh
# libxl runs this with "add" or "remove"; XENBUS_PATH is the vbd's backend
[ "$1" = add ] || exit 0
dev=$(xenstore-read "$XENBUS_PATH/params") || exit 1
xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c %t:%T "$dev")" \
	"$XENBUS_PATH/hotplug-status" connected
EOF
	chmod 755 /etc/xen/xsb-block
	say "xvdb: /dev/loop0 over /run/xsb-disk.img, ${XSB_SWAP_MB} MiB"
fi

# The dom0 scenario: run as root from /, stdin /dev/null, with the
# toolstack up and no domU yet. Its output is prefixed in blocks by awk, like
# the domU console below; awk drops a flag file once the exit line is out.
status=
if [ -f /dom0-scenario.sh ]; then
	say "dom0 scenario at uptime=$(cat /proc/uptime)"
	( cd / && /bin/sh /dom0-scenario.sh </dev/null 2>&1; echo "SCENARIO-EXIT rc=$?" ) |
		awk '{ print "DOM0| " $0; fflush() }
			/^SCENARIO-EXIT rc=/ { print > "/run/dom0-scenario-exit"; close("/run/dom0-scenario-exit") }' &
	until [ -f /run/dom0-scenario-exit ]; do
		[ "$(uptime_s)" -lt "$XSB_DEADLINE" ] || { status=timeout; break; }
		usleep 200000
	done
	say "dom0 scenario done at uptime=$(cat /proc/uptime)"
fi

DOMID=
if [ -z "$status" ] && [ "${XSB_DOMU:-1}" = 1 ]; then
	say "xl create at uptime=$(cat /proc/uptime)"
	xl create /etc/xen/guest.cfg >/tmp/xl-create.log 2>&1 ||
		{ say "xl create failed:"; sed 's/^/XSB-DOM0 xl: /' /tmp/xl-create.log; }
	DOMID=$(xl domid guest 2>/dev/null)
	say "guest domid=${DOMID:-none}"
elif [ -z "$status" ]; then
	status="exit" # a dom0 scenario only, and it has finished
fi

# Live console: xenconsoled gives each guest console a pty (raw mode) and holds
# its slave end open without reading it, so reading the slave here gets the
# guest's output as it comes. VMIN=1 makes read() block instead of returning 0.
# awk reads in blocks (a shell read loop costs a syscall per byte, which is
# slow in a PV dom0 under TCG) and flushes every line. It drops a flag file
# once the line "SCENARIO-EXIT rc=N" is out, so dom0 never finishes before
# the guest's last lines have been streamed.
stream_console() {
	n=0
	until tty=$(xenstore-read /local/domain/"$DOMID"/console/tty 2>/dev/null); do
		n=$((n + 1)); [ $n -lt 100 ] || return; usleep 100000
	done
	stty -F "$tty" min 1 time 0
	awk '{ sub(/\r$/, ""); print "DOMU| " $0; fflush() }
		/^SCENARIO-EXIT rc=/ { print > "/run/scenario-exit"; close("/run/scenario-exit") }' <"$tty"
}

# Memory as the hypervisor sees it. `xl list` reports MiB only
# ((tot_pages + outstanding) >> 10); xentop's MEM(k) column is tot_pages * 4
# KiB, i.e. the pages the guest actually holds, at KiB resolution. The balloon
# target (xenstore memory/target) is in KiB as well. For each xentop
# iteration this prints "XSB-MEM <mem_kb> <target_kb>" and leaves the guest's
# state flags (xentop's STATE: d s b c p r, or "gone") in /run/guest-state.
# shellcheck disable=SC2016
XENTOP_AWK='
$1 == "NAME" {
	if (header && !seen) { print "gone" > "/run/guest-state"; close("/run/guest-state") }
	header = 1; seen = 0; next
}
$1 == "guest" {
	seen = 1; target = "NA"
	cmd = "xenstore-read /local/domain/" domid "/memory/target"
	cmd | getline target; close(cmd)
	print "XSB-MEM " $5 " " target; fflush()
	print $2 > "/run/guest-state"; close("/run/guest-state")
}'

[ -n "$status" ] || status=gone
if [ -n "$DOMID" ]; then
	stream_console &
	# one long-running xentop: starting one every second costs too much here
	xentop -b -d 1 2>/dev/null | awk -v domid="$DOMID" "$XENTOP_AWK" &
	SAMPLER=$!
	status=
	while [ -z "$status" ]; do
		sleep 1
		if [ -f /run/scenario-exit ]; then
			status="exit"
		else
			case $(cat /run/guest-state 2>/dev/null) in
			gone) status=gone ;;
			*c*) status=crashed ;;
			esac
		fi
		[ -n "$status" ] || [ "$(uptime_s)" -lt "$XSB_DEADLINE" ] || status=timeout
	done
	kill $SAMPLER
	# the last sample, taken after the end
	xentop -b -i 1 2>/dev/null | awk -v domid="$DOMID" "$XENTOP_AWK"
fi
[ $status = exit ] || { say "domains at end:"; xl list 2>&1 | sed 's/^/XSB-DOM0 /'; }
xl dmesg | tail -n 300 | sed 's/^/XSB-XLDMESG /'
say "uptime=$(cat /proc/uptime)"
echo "XSB-DOM0-DONE status=$status"
sleep 1
poweroff -f
