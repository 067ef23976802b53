#!/bin/busybox sh
# dom0 /init (busybox sh). Brings up a minimal Xen toolstack, sets up the
# guests' disks, runs the dom0 scenario /dom0-scenario.sh if there is one
# (its output prefixed "DOM0| ", ending with "DOM0| SCENARIO-EXIT rc=N"),
# then, unless the run has no guest, starts the request service, starts the
# PV guests from /etc/xen/NAME.cfg (each at its delay), streams each one's
# console to our console with the prefix "DOMU-NAME| ", samples the memory
# once a second, and powers off once every guest has printed
# "SCENARIO-EXIT rc=N" (or died, or the deadline passed).
# It runs no xl command in the main loop while the guests run: each costs
# a fraction of a second to seconds of dom0's one vCPU under TCG.
#
# Lines for the host (run-domu.sh) all start with "XSB-", "DOM0| " or
# "DOMU-NAME| ":
#   XSB-DOM0 <text>                 progress; "NAME: domid=N ..." once a guest
#                                   is created, "NAME: status=S" at the end
#   XSB-MEM <xen_free_kb> <name>:<domid>:<kb>:<target_kb>:<state> ...
#                                   one memory sample (xsb-memtop.c)
#   XSB-REQ <name> seq=<n> cmd="<command>" rc=<n> uptime=<t0>..<t1> dt=<s> out=<output>
#                                   one request served (below)
#   XSB-XLDMESG <line>              hypervisor log tail, at the end
#   XSB-DOM0-DONE status=<exit|crashed|gone|timeout>
#
# /etc/xsb/run.conf (written per run by run-domu.sh) sets XSB_DEADLINE: dom0
# uptime in seconds after which the run is given up, a little before the host
# kills QEMU, so that the last samples and the hypervisor log still get out;
# XSB_GUESTS: "NAME:DELAY ..." in the order of the delays (seconds after the
# first guest's xl create; empty: a dom0 scenario only). /etc/xsb/disks:
# "GUEST VDEV LOOP ro|rw FILE MiB" per disk.
#
# The request service: a guest writes "<seq> <command>" to its xenstore key
# data/xsb-request (dom0_req in tests/domu/lib.sh); dom0 carries the command
# out on that guest and writes "<seq> rc=<exit status> <one line of output>"
# to its data/xsb-reply. Commands:
#   mem-set MiB    xl mem-set (the balloon target)
#   mem-max MiB    xl mem-max (Xen's limit on the guest's memory)
#   pause S        xl pause, S seconds, xl unpause; the reply comes after it
#   save-restore   xl save to a file in dom0's RAM, xl restore from it, the
#                  file deleted; the guest gets a new domid (the reply goes
#                  to the restored domain; output "domid A -> B, save X s,
#                  restore Y s")
#   free           Xen's free memory in MiB (xl info free_memory)
#   sysrq K        xl sysrq
#   hog MiB        create (paused, never run) a domain "hog" holding MiB of
#                  Xen's free memory, destroying the previous one; 0: none
#                  (makes the host short of memory for the guests)
# Each request is logged as one XSB-REQ line.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/xen-4.17/bin
say() { echo "XSB-DOM0 $*"; }
uptime_s() { cut -d. -f1 /proc/uptime; }
up() { cut -d' ' -f1 /proc/uptime; }
# uptime in hundredths of a second (/proc/uptime has two decimals)
up_cs() { u=$(up); echo "${u%.*}${u#*.}"; }

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
# the guests' sparse disks and save files, and the state of the run; as big
# as dom0's memory (run-domu.sh checks that the disks fit)
mkdir -p /run/xsb && mount -t tmpfs -o size=100% tmpfs /run/xsb
ln -sf /run /var/run
mkdir -p /var/lib/xen /var/lib/xenstored /var/log/xen /run/xen /run/xenstored /var/lock
# keep dom0's own kernel messages from interleaving with the streamed lines
echo 4 >/proc/sys/kernel/printk
# shellcheck disable=SC1091
. /etc/xsb/run.conf
say "up kernel=$(uname -r) uptime=$(cat /proc/uptime) $(grep MemAvailable /proc/meminfo | tr -s ' ')"

for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	/bin/busybox insmod /lib/modules/$m.ko || say "insmod $m failed"
done
mount -t xenfs xenfs /proc/xen || say "mount xenfs failed"
xenstored --pid-file=/run/xenstored.pid || say "xenstored failed rc=$?"
xen-init-dom0 || say "xen-init-dom0 failed rc=$?"
xenconsoled --pid-file=/run/xenconsoled.pid ||
	say "xenconsoled failed rc=$?"

# The guests' disks (--swap xvdb, --disk xvdc, --scratch xvdd): loop devices
# over files in dom0's RAM, sparse ones for swap and scratch. xl runs
# /etc/xen/xsb-block as the disks' hotplug script: Xen's own "block" script
# needs bash and udev's tools.
if [ -s /etc/xsb/disks ]; then
	/bin/busybox insmod /lib/modules/loop.ko max_loop=16 || say "insmod loop failed"
	/bin/busybox insmod /lib/modules/xen-blkback.ko || say "insmod xen-blkback failed"
	while read -r guest vdev loop mode file size; do
		ro=
		if [ "$mode" = rw ]; then truncate -s "${size}M" "$file"; else ro=-r; fi
		if losetup $ro "/dev/$loop" "$file"; then
			say "$guest $vdev: /dev/$loop over $file, $(($(stat -c %s "$file") >> 20)) MiB${ro:+, read-only}"
		else
			say "$guest $vdev: losetup /dev/$loop $file failed"
		fi
	done </etc/xsb/disks
	cat >/etc/xen/xsb-block <<'EOF'
#!/bin/sh
# libxl runs this with "add" or "remove"; XENBUS_PATH is the vbd's backend
[ "$1" = add ] || exit 0
dev=$(xenstore-read "$XENBUS_PATH/params") || exit 1
xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c %t:%T "$dev")" \
	"$XENBUS_PATH/hotplug-status" connected
EOF
	chmod 755 /etc/xen/xsb-block
fi

# The dom0 scenario: run as root from /, stdin /dev/null, with the
# toolstack up and no domU yet. Its output is prefixed in blocks by awk, like
# the domU consoles below; awk drops a flag file once the exit line is out.
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

# --- the request service ---------------------------------------------------
# dt T0 T1: seconds from T0 to T1, two decimals
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; }
# mem_of NAME: the guest's memory in KiB in the last sample
mem_of() {
	awk -v n="$1" '{ for (i = 3; i <= NF; i++) { split($i, f, ":"); if (f[1] == n) print f[3] } }' /run/xsb/mem 2>/dev/null
}

# save_restore: for serve(); sets sv_rc, sv_out and sv_newid
save_restore() {
	sr_file=/run/xsb/$sv_name.save
	sr_kb=$(mem_of "$sv_name")
	sr_avail=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)
	if [ -n "$sr_kb" ] && [ $((sr_kb + 65536)) -gt "$sr_avail" ]; then
		sv_rc=12 sv_out="dom0 has $sr_avail KiB available, the save file needs about $sr_kb"
		return
	fi
	# the main loop must not take the guest for gone meanwhile
	: >"/run/xsb/$sv_name.busy"
	sr_t0=$(up)
	sv_out=$(xl save "$sv_name" "$sr_file" 2>&1)
	sv_rc=$?
	sr_t1=$(up)
	if [ $sv_rc != 0 ]; then
		sv_out="save failed: $(echo "$sv_out" | tail -n 1)"
	else
		# the console stream of the saved domain ends (stream_console
		# follows the new domid)
		[ -f "/run/xsb/$sv_name.stream" ] && kill "$(cat "/run/xsb/$sv_name.stream")" 2>/dev/null
		sv_out=$(xl restore "$sr_file" 2>&1)
		sv_rc=$?
		sr_t2=$(up)
		sv_newid=$(xl domid "$sv_name" 2>/dev/null)
		if [ $sv_rc = 0 ] && [ -n "$sv_newid" ]; then
			echo "$sv_newid" >"/run/xsb/$sv_name.domid"
			sv_out="domid $sv_id -> $sv_newid, save $(dt "$sr_t0" "$sr_t1") s, restore $(dt "$sr_t1" "$sr_t2") s"
		else
			[ $sv_rc != 0 ] || sv_rc=1
			sv_out="restore failed: $(echo "$sv_out" | tail -n 1)"
			sv_newid=$sv_id
		fi
	fi
	rm -f "$sr_file" "/run/xsb/$sv_name.busy"
}

# hog MiB: a paused PV domain "hog" of MiB (0: none), from a guest kernel
hog() {
	xl destroy hog >/dev/null 2>&1
	sv_rc=0 sv_out="no hog"
	[ "$1" -gt 0 ] || return
	set -- "$1" /guest/vmlinux-*
	printf '%s\n' 'name = "hog"' 'type = "pv"' "kernel = \"$2\"" \
		"memory = $1" "maxmem = $1" >/run/xsb/hog.cfg
	sv_out=$(xl create -p /run/xsb/hog.cfg 2>&1); sv_rc=$?
	[ $sv_rc = 0 ] && sv_out="hog of $1 MiB; free $(xl info | sed -n 's/^free_memory *: *//p') MiB"
}

# serve NAME DOMID SEQ COMMAND: carry out one request, reply, log it
serve() {
	sv_name=$1 sv_id=$2 sv_newid=$2 sv_seq=$3 sv_cmd=$4 sv_rc=0 sv_out=
	sv_t0=$(up)
	sv_arg=${sv_cmd#* }
	case $sv_cmd in
	"mem-set "*|"mem-max "*|"pause "*|"hog "*)
		case $sv_arg in ''|*[!0-9]*) sv_rc=22 sv_out="not a number: $sv_arg" ;; esac ;;
	"sysrq "?) ;;
	free|save-restore) ;;
	*) sv_rc=22 sv_out="unknown request" ;;
	esac
	if [ $sv_rc = 0 ]; then
		case $sv_cmd in
		"mem-set "*) sv_out=$(xl mem-set "$sv_name" "$sv_arg" 2>&1); sv_rc=$? ;;
		"mem-max "*) sv_out=$(xl mem-max "$sv_name" "$sv_arg" 2>&1); sv_rc=$? ;;
		"pause "*)
			sv_out=$( { xl pause "$sv_name" && sleep "$sv_arg" && xl unpause "$sv_name"; } 2>&1)
			sv_rc=$? ;;
		"sysrq "*) sv_out=$(xl sysrq "$sv_name" "$sv_arg" 2>&1); sv_rc=$? ;;
		"hog "*) hog "$sv_arg" ;;
		free)
			sv_out=$(xl info 2>&1 | sed -n 's/^free_memory *: *//p')
			[ -n "$sv_out" ] || sv_rc=1 ;;
		save-restore) save_restore ;;
		esac
	fi
	sv_out=$(echo "$sv_out" | head -n 1)
	xenstore-write "/local/domain/$sv_newid/data/xsb-reply" "$sv_seq rc=$sv_rc${sv_out:+ $sv_out}"
	sv_t1=$(up)
	echo "XSB-REQ $sv_name seq=$sv_seq cmd=\"$sv_cmd\" rc=$sv_rc uptime=$sv_t0..$sv_t1 dt=$(dt "$sv_t0" "$sv_t1") out=$sv_out"
}

# One watch on every guest's xenstore tree (events, no polling); each request
# is served in the background, so that a long one (pause, save-restore) does
# not hold up the other guests'. A request whose seq is no number, or was
# served already (the same value written again), is ignored.
request_service() {
	xenstore-watch /local/domain 2>/dev/null | while read -r rs_path _; do
		case $rs_path in /local/domain/*/data/xsb-request) ;; *) continue ;; esac
		rs_id=${rs_path#/local/domain/} rs_id=${rs_id%%/*}
		rs_req=$(xenstore-read "$rs_path" 2>/dev/null) || continue
		rs_name=$(xenstore-read "/local/domain/$rs_id/name" 2>/dev/null) || continue
		rs_seq=${rs_req%% *}
		case $rs_seq in ''|*[!0-9]*) continue ;; esac
		[ "$rs_seq" != "$(cat "/run/xsb/$rs_name.seq" 2>/dev/null)" ] || continue
		echo "$rs_seq" >"/run/xsb/$rs_name.seq"
		serve "$rs_name" "$rs_id" "$rs_seq" "${rs_req#* }" </dev/null &
	done
}

# --- the guests --------------------------------------------------------------
# Live console: xenconsoled gives each guest console a pty (raw mode) and holds
# its slave end open without reading it, so reading the slave here gets the
# guest's output as it comes. VMIN=1 makes read() block instead of returning 0.
# awk reads in blocks (a shell read loop costs a syscall per byte, which is
# slow in a PV dom0 under TCG) and flushes every line. It drops a flag file
# once the line "SCENARIO-EXIT rc=N" is out, so dom0 never finishes before
# the guest's last lines have been streamed. The stream follows the guest to
# a new domid (save-restore) until it is over.
stream_console() { # stream_console NAME
	sc_name=$1 sc_id=
	while [ ! -f "/run/xsb/$sc_name.exit" ] && [ ! -f "/run/xsb/$sc_name.end" ]; do
		sc_new=$(cat "/run/xsb/$sc_name.domid" 2>/dev/null)
		if [ -z "$sc_new" ] || [ "$sc_new" = "$sc_id" ]; then
			usleep 200000
			continue
		fi
		sc_id=$sc_new sc_n=0 sc_tty=
		until sc_tty=$(xenstore-read "/local/domain/$sc_id/console/tty" 2>/dev/null); do
			sc_n=$((sc_n + 1)); [ $sc_n -lt 100 ] || break; usleep 100000
		done
		[ -n "$sc_tty" ] || continue
		stty -F "$sc_tty" min 1 time 0
		awk -v p="DOMU-$sc_name| " -v flag="/run/xsb/$sc_name.exit" '
			{ sub(/\r$/, ""); print p $0; fflush() }
			/^SCENARIO-EXIT rc=/ { print > flag; close(flag) }' <"$sc_tty" &
		echo $! >"/run/xsb/$sc_name.stream"
		wait $!
	done
}

# start_guests: xl create each guest at its delay (seconds after the first
# guest's xl create), then stream its console
start_guests() {
	sg_t0=
	for sg in $XSB_GUESTS; do
		sg_name=${sg%%:*} sg_delay=${sg#*:}
		if [ -n "$sg_t0" ]; then
			while [ "$(up_cs)" -lt $((sg_t0 + sg_delay * 100)) ]; do usleep 100000; done
		fi
		[ ! -f /run/xsb/over ] || return
		say "$sg_name: xl create at uptime=$(cat /proc/uptime)"
		[ -n "$sg_t0" ] || sg_t0=$(up_cs)
		if xl create "/etc/xen/$sg_name.cfg" >"/tmp/xl-create-$sg_name.log" 2>&1 &&
			sg_id=$(xl domid "$sg_name" 2>/dev/null); then
			echo "$sg_id" >"/run/xsb/$sg_name.domid"
			say "$sg_name: domid=$sg_id at uptime=$(cat /proc/uptime)"
			stream_console "$sg_name" &
		else
			say "$sg_name: xl create failed:"
			sed 's/^/XSB-DOM0 xl: /' "/tmp/xl-create-$sg_name.log"
			echo failed >"/run/xsb/$sg_name.end"
		fi
	done
}

# states: "NAME=STATE" for every guest in the last sample (xentop's STATE
# flags, or "gone"), one line
states() {
	awk -v names="$1" 'BEGIN { n = split(names, g, " ") }
	{ for (i = 3; i <= NF; i++) { split($i, f, ":"); s[f[1]] = f[5] } }
	END { for (k = 1; k <= n; k++) printf "%s=%s ", g[k], (g[k] in s) ? s[g[k]] : "gone"; print "" }' /run/xsb/mem
}

free_mib() { xl info 2>/dev/null | sed -n 's/^free_memory *: *//p'; }

NAMES=
for g in $XSB_GUESTS; do NAMES="$NAMES ${g%%:*}"; done
if [ -z "$status" ] && [ -n "$NAMES" ]; then
	request_service &
	say "xl info free_memory: $(free_mib) MiB (start)"
	# one long-running sampler: a process a second costs too much here
	xsb-memtop -f /run/xsb/mem &
	SAMPLER=$!
	start_guests &
	# The guests' ends, in /run/xsb/NAME.end: exit (the scenario's exit line
	# is out), crashed, gone (no such domain), failed (xl create failed).
	# "gone" only once xl agrees and no save-restore is under way.
	while :; do
		sleep 1
		left=0 st=
		[ ! -f /run/xsb/mem ] || st=" $(states "$NAMES")"
		for n in $NAMES; do
			[ ! -f "/run/xsb/$n.end" ] || continue
			left=$((left + 1))
			if [ -f "/run/xsb/$n.exit" ]; then
				echo exit >"/run/xsb/$n.end"
				continue
			fi
			if [ ! -f "/run/xsb/$n.domid" ] || [ -f "/run/xsb/$n.busy" ]; then continue; fi
			s=${st#*" $n="} s=${s%% *}
			case $s in
			*c*) echo crashed >"/run/xsb/$n.end" ;;
			gone)
				if ! xl domid "$n" >/dev/null 2>&1 && [ ! -f "/run/xsb/$n.busy" ]; then
					echo gone >"/run/xsb/$n.end"
				fi ;;
			esac
		done
		[ $left -gt 0 ] || break
		[ "$(uptime_s)" -lt "$XSB_DEADLINE" ] || { status=timeout; break; }
	done
	: >/run/xsb/over
	kill $SAMPLER
	# the last sample, taken after the end
	xsb-memtop -n 1
	say "xl info free_memory: $(free_mib) MiB (end)"
	if [ -z "$status" ]; then
		status="exit"
		for n in $NAMES; do
			case $(cat "/run/xsb/$n.end") in
			crashed) status=crashed ;;
			gone|failed) [ $status = crashed ] || status=gone ;;
			esac
		done
	fi
	for n in $NAMES; do say "$n: status=$(cat "/run/xsb/$n.end" 2>/dev/null || echo "$status")"; done
elif [ -z "$status" ]; then
	status="exit" # a dom0 scenario only, and it has finished
fi
[ $status = exit ] || { say "domains at end:"; xl list 2>&1 | sed 's/^/XSB-DOM0 /'; }
xl dmesg | tail -n 300 | sed 's/^/XSB-XLDMESG /'
say "uptime=$(cat /proc/uptime)"
echo "XSB-DOM0-DONE status=$status"
sleep 1
poweroff -f
