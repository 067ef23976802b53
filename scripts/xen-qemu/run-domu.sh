#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# (functions called through cached() and the EXIT trap are reachable)
# shellcheck disable=SC2317
# Boot Xen 4.17 + a dom0 + one PV domU under QEMU (TCG, no KVM) and run a
# scenario script inside the domU, and/or one in dom0 before (or instead of)
# creating the domU. See README.md beside this file.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: run-domu.sh --scenario FILE [options]
       run-domu.sh --dom0-scenario FILE [--scenario FILE] [options]
  --scenario FILE      busybox sh script, run as root in the domU as /scenario.sh
                       (without it no domU is created: a dom0 scenario only)
  --kver 6.1|6.12      domU kernel series (default 6.1; dom0 always runs 6.1)
  --kernel PATH        domU kernel image (bzImage or ELF vmlinux) to boot instead
                       of the --kver series' Debian kernel
  --files "F1 F2 ..."  host files copied into the domU's / (e.g. a .ko)
  --bins "B1 B2 ..."   host programs copied into the domU's /usr/bin with their
                       shared libraries (the Debian package of the same name is
                       installed on the host if the program is missing)
  --dom0-scenario FILE busybox sh script, run as root in dom0 as
                       /dom0-scenario.sh once the toolstack is up and before
                       the domU is created
  --dom0-files "F ..." host files copied into dom0's / (e.g. a .ko for 6.1)
  --dom0-bins "B ..."  host programs copied into dom0's /usr/bin, as --bins
  --domu-cmdline "..." appended to the domU kernel command line
  --swap MiB           give the domU a PV disk xvdb of MiB (for swap): a sparse
                       file in dom0's RAM behind a loop device and blkback
                       (phy:); the domU kernel needs xen-blkfront built in
                       (default 0: no disk)
  --memory MiB         domU memory at start (default 512)
  --maxmem MiB         domU maximum memory (default 1024)
  --vcpus N            domU vCPUs (default 1)
  --out DIR            output directory (default out/domu)
  --timeout S          seconds QEMU may run (default 900)
Exit status: the dom0 scenario's exit code if it is not 0, else the domU
scenario's; 124 timeout; 125 the domU never started; 126 the domU died
(crash) before the scenario finished; 123 the dom0 scenario did not finish.
EOF
}

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/deps.sh
. "$HERE/../lib/deps.sh"
# shellcheck source=initramfs.sh
. "$HERE/initramfs.sh"
# shellcheck source=kernels.sh
. "$HERE/kernels.sh"

KSERIES=6.1 DOMU_KERNEL='' SCENARIO='' FILES='' BINS='' DOMU_CMDLINE='' MEMORY=512 MAXMEM=1024 VCPUS=1 SWAP_MB=0
OUT=out/domu TIMEOUT=900 DOM0_SCENARIO='' DOM0_FILES='' DOM0_BINS=''
while [ $# -gt 0 ]; do
	case $1 in -h|--help) usage; exit 0 ;; esac
	[ $# -ge 2 ] || { echo "missing value for $1" >&2; usage >&2; exit 2; }
	case $1 in
	--kver) KSERIES=$2 ;;
	--kernel) DOMU_KERNEL=$2 ;;
	--scenario) SCENARIO=$2 ;;
	--files) FILES=$2 ;;
	--bins) BINS=$2 ;;
	--dom0-scenario) DOM0_SCENARIO=$2 ;;
	--dom0-files) DOM0_FILES=$2 ;;
	--dom0-bins) DOM0_BINS=$2 ;;
	--domu-cmdline) DOMU_CMDLINE=$2 ;;
	--swap) SWAP_MB=$2 ;;
	--memory) MEMORY=$2 ;;
	--maxmem) MAXMEM=$2 ;;
	--vcpus) VCPUS=$2 ;;
	--out) OUT=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift 2
done
die() { echo "run-domu: $*" >&2; exit 2; }
[ -n "$SCENARIO$DOM0_SCENARIO" ] || die "--scenario FILE (or --dom0-scenario FILE) is required"
[ -z "$SCENARIO" ] || [ -f "$SCENARIO" ] || die "no such file: $SCENARIO"
[ -z "$DOM0_SCENARIO" ] || [ -f "$DOM0_SCENARIO" ] || die "no such file: $DOM0_SCENARIO"
case $KSERIES in 6.1|6.12) ;; *) die "--kver must be 6.1 or 6.12" ;; esac
for n in "$MEMORY" "$MAXMEM" "$VCPUS" "$TIMEOUT"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ "$MAXMEM" -ge "$MEMORY" ] || die "--maxmem is below --memory"
[[ $SWAP_MB =~ ^(0|[1-9][0-9]*)$ ]] || die "--swap: not a number of MiB: $SWAP_MB"
[ "$SWAP_MB" -le 512 ] || die "--swap: at most 512 MiB (the file is in dom0's 1 GiB)"
[[ $DOMU_CMDLINE != *'"'* ]] || die "--domu-cmdline cannot contain double quotes"
for f in $FILES $DOM0_FILES $DOMU_KERNEL; do [ -f "$f" ] || die "no such file: $f"; done
# the per-run files share dom0's / with its /init: none may replace it
for f in $DOM0_FILES; do
	case ${f##*/} in init|dom0-scenario.sh) die "--dom0-files: ${f##*/} is a reserved name" ;; esac
done

XENV=4.17
# Xen's tools and libraries; their debs are unpacked, never installed on the host
XEN_PKGS=("xen-hypervisor-$XENV-amd64" "xen-utils-$XENV" xen-utils-common xenstore-utils
	libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 "libxenmisc$XENV"
	libxenstore4 libxentoollog1 libyajl2 libxendevicemodel1 libxenhypfs1 libxentoolcore1)
# host libraries that those tools link against (copied into dom0 from the host)
XEN_HOST_LIBS=(libncurses6 libtinfo6 libgcc-s1 zlib1g liblzma5 libzstd1 libuuid1)

WORK='' PIDF=''
cleanup() {
	if [ -s "$PIDF" ]; then kill "$(cat "$PIDF")" 2>/dev/null || true; fi
	rm -rf "${CACHE_TMP[@]}" "$WORK"
}
trap cleanup EXIT

BUILD_START=$SECONDS
deps_apt qemu-system-x86 busybox-static cpio xz-utils zstd "${XEN_HOST_LIBS[@]}"
for b in $BINS $DOM0_BINS; do command -v "$b" >/dev/null || deps_apt "$b"; done

DOM0_KVER=$(deps_kver 6.1)
# without a domU scenario there is no domU kernel to fetch (--kver is moot)
if [ "$KSERIES" = 6.1 ] || [ -z "$SCENARIO" ]; then DOMU_KVER=$DOM0_KVER; else DOMU_KVER=$(deps_kver "$KSERIES"); fi
mapfile -t KPKGS < <(deps_kimage "$DOM0_KVER" "$DOMU_KVER")
[ ${#KPKGS[@]} -eq 2 ] || die "no kernel image package"
# one deps_download for all: every apt look-up costs most of a second
mapfile -t DEBS < <(deps_download "${XEN_PKGS[@]}" "${KPKGS[@]}")
[ ${#DEBS[@]} -eq $((${#XEN_PKGS[@]} + 2)) ] || die "downloading the packages failed"
XEN_DEBS=("${DEBS[@]:0:${#XEN_PKGS[@]}}")
DOM0_DEB=${DEBS[-2]}
DOMU_DEB=${DEBS[-1]}

# cached, unpack_debs, unpack_kernel, kernel_root and key: kernels.sh
# cache keys: the package files and the code that unpacks them
XEN_ROOT=$XSB_CACHE/unpack/xen-$( { printf '%s\n' "${XEN_DEBS[@]##*/}"; declare -f unpack_debs; } | key)
cached "$XEN_ROOT" unpack_debs "${XEN_DEBS[@]}"
kernel_root DOM0_KROOT "$DOM0_DEB"
kernel_root DOMU_KROOT "$DOMU_DEB"

# The dom0 image: Xen (as an ELF: QEMU's multiboot loader takes no .gz) and
# the dom0 initramfs with the toolstack; dom0's kernel is used straight from
# its unpack directory. The per-run part (domU kernel, initramfs, xl config,
# dom0 scenario and files) is a second cpio archive appended to that
# initramfs at boot (the kernel unpacks concatenated archives).
build_dom0() { # build_dom0 DIR
	local out=$1 r=$1/root xb=$XEN_ROOT/usr/lib/xen-$XENV/bin b m
	local libs=$XEN_ROOT/usr/lib/x86_64-linux-gnu:$XEN_ROOT/usr/lib/xen-$XENV/lib/x86_64-linux-gnu
	zcat "$XEN_ROOT/boot/xen-$XENV-amd64.gz" >"$out/xen"
	initramfs_skeleton "$r"
	for b in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper xentop; do
		LD_LIBRARY_PATH=$libs initramfs_copy_elf "$xb/$b" "/usr/lib/xen-$XENV/bin/$b" "$r"
	done
	LD_LIBRARY_PATH=$libs initramfs_copy_elf "$XEN_ROOT/usr/bin/xenstore-read" /usr/bin/xenstore-read "$r"
	mkdir -p "$r/lib/modules" "$r/etc/xen"
	for m in xen-evtchn xenfs/xenfs xen-privcmd xen-gntdev xen-gntalloc; do
		cp "$DOM0_KROOT/lib/modules/$DOM0_KVER/kernel/drivers/xen/$m.ko" "$r/lib/modules/"
	done
	# --swap: the loop device and the block backend (loaded only then), and
	# xenstore-write for the disk's hotplug script (dom0-init.sh)
	mkdir "$out/deb"
	dpkg-deb --fsys-tarfile "$DOM0_DEB" | tar -x -C "$out/deb" \
		"./lib/modules/$DOM0_KVER/kernel/drivers/block/loop.ko" \
		"./lib/modules/$DOM0_KVER/kernel/drivers/block/xen-blkback/xen-blkback.ko"
	for m in loop xen-blkback/xen-blkback; do
		mv "$out/deb/lib/modules/$DOM0_KVER/kernel/drivers/block/$m.ko" "$r/lib/modules/"
	done
	rm -rf "$out/deb"
	LD_LIBRARY_PATH=$libs initramfs_copy_elf "$XEN_ROOT/usr/bin/xenstore-write" /usr/bin/xenstore-write "$r"
	# dom0 has a fixed 1 GiB (dom0_mem): xl must not balloon it to make room
	echo 'autoballoon="off"' >"$r/etc/xen/xl.conf"
	install -m 755 "$HERE/dom0-init.sh" "$r/init"
	initramfs_pack "$r" "$out/dom0.cpio.gz"
	rm -rf "$r"
}
DOM0_KEY=$( {
	printf '%s\n' "${XEN_DEBS[@]##*/}" "${DOM0_DEB##*/}"
	sha256sum "$HERE/dom0-init.sh" /bin/busybox
	declare -f build_dom0 initramfs_skeleton initramfs_copy_elf initramfs_pack
} | key)
DOM0_IMG=$XSB_CACHE/dom0/$DOM0_KEY
cached "$DOM0_IMG" build_dom0

WORK=$(mktemp -d "$XSB_CACHE/run.XXXXXX")
PIDF=$WORK/qemu.pid

# The per-run archive. It is unpacked over dom0's initramfs: what is in it
# lands in dom0's /.
P=$WORK/payload
mkdir -p "$P/etc/xsb"
if [ -n "$SCENARIO" ]; then
	# The domU initramfs, rebuilt on every run (a second or two).
	D=$WORK/domu
	initramfs_skeleton "$D"
	install -m 755 "$HERE/domu-init.sh" "$D/init"
	install -m 755 "$SCENARIO" "$D/scenario.sh"
	# root plus an unprivileged "user" (uid/gid 1000): scenarios run a command as
	# that user with `su user -c 'CMD'` (root needs no password).
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' >"$D/etc/passwd"
	printf '%s\n' 'root:x:0:' 'user:x:1000:' >"$D/etc/group"
	install -d -o 1000 -g 1000 "$D/home/user"
	for f in $FILES; do cp "$f" "$D/"; done
	for b in $BINS; do initramfs_copy_elf "$(command -v "$b")" "/usr/bin/${b##*/}" "$D"; done
	initramfs_pack "$D" "$WORK/domu.cpio.gz"

	mkdir -p "$P/guest" "$P/etc/xen"
	cp "${DOMU_KERNEL:-$DOMU_KROOT/boot/vmlinux}" "$P/guest/vmlinux"
	[ -z "$DOMU_KERNEL" ] || DOMU_KVER=$DOMU_KERNEL
	cp "$WORK/domu.cpio.gz" "$P/guest/initrd.gz"
	cat >"$P/etc/xen/guest.cfg" <<EOF
name = "guest"
type = "pv"
kernel = "/guest/vmlinux"
ramdisk = "/guest/initrd.gz"
extra = "console=hvc0 rdinit=/init loglevel=4 $DOMU_CMDLINE"
memory = $MEMORY
maxmem = $MAXMEM
vcpus = $VCPUS
on_crash = "preserve"
EOF
	# the disk's backend: /dev/loop0 in dom0, set up by dom0-init.sh
	[ "$SWAP_MB" = 0 ] ||
		echo 'disk = [ "format=raw,vdev=xvdb,access=rw,backendtype=phy,script=/etc/xen/xsb-block,target=/dev/loop0" ]' \
			>>"$P/etc/xen/guest.cfg"
fi
[ -z "$DOM0_SCENARIO" ] || install -m 755 "$DOM0_SCENARIO" "$P/dom0-scenario.sh"
for f in $DOM0_FILES; do cp "$f" "$P/"; done
for b in $DOM0_BINS; do initramfs_copy_elf "$(command -v "$b")" "/usr/bin/${b##*/}" "$P"; done
# dom0 gives up 30 s (of its uptime) before the host's timeout, so it can
# still report; it starts a few seconds after QEMU. XSB_DOMU=0: no domU.
printf '%s\n' "XSB_DEADLINE=$((TIMEOUT > 60 ? TIMEOUT - 30 : 30))" \
	"XSB_DOMU=$([ -n "$SCENARIO" ] && echo 1 || echo 0)" \
	"XSB_SWAP_MB=$([ -n "$SCENARIO" ] && echo "$SWAP_MB" || echo 0)" >"$P/etc/xsb/run.conf"
# Not compressed: the kernel and the domU initramfs in it already are. The
# kernel only takes an uncompressed archive at a 4-byte aligned offset (zero
# bytes before it are skipped), hence the padding.
initramfs_pack "$P" "$WORK/payload.cpio"
cp "$DOM0_IMG/dom0.cpio.gz" "$WORK/dom0-initrd"
truncate -s %4 "$WORK/dom0-initrd"
cat "$WORK/payload.cpio" >>"$WORK/dom0-initrd"
BUILD_S=$((SECONDS - BUILD_START))

mkdir -p "$OUT"
rm -f "$OUT"/{serial.log,guest.log,dom0.log,dom0mem.csv,xl-dmesg.txt,result,dom0-result}
echo "host_t_s,guest_mem_kb,xenstore_target_kb" >"$OUT/dom0mem.csv"
: >"$OUT/guest.log"
: >"$OUT/xl-dmesg.txt"
[ -z "$DOM0_SCENARIO" ] || : >"$OUT/dom0.log"

# 1 GiB for dom0, the domU's maxmem, and room for Xen itself
QEMU_MB=$((MAXMEM + 2048 > 3072 ? MAXMEM + 2048 : 3072))
XEN_ARGS="console=com1 com1=115200,8n1 dom0_mem=1G,max:1G dom0_max_vcpus=1 loglvl=all guest_loglvl=all noreboot"
DOM0_ARGS="console=hvc0 earlyprintk=xen rdinit=/init loglevel=6"
# -cpu max crashes dom0 under TCG (SMAP); qemu64 works
QEMU=(qemu-system-x86_64 -machine q35 -accel "tcg,thread=multi" -cpu qemu64 -smp 2 -m "$QEMU_MB"
	-display none -serial stdio -monitor none -no-reboot -pidfile "$PIDF"
	-kernel "$DOM0_IMG/xen" -append "$XEN_ARGS"
	-initrd "$DOM0_KROOT/boot/vmlinux $DOM0_ARGS,$WORK/dom0-initrd")
echo "QEMU: ${QEMU[*]}" >"$OUT/serial.log"
echo "run-domu: Xen $XENV, dom0 $DOM0_KVER${DOM0_SCENARIO:+ (dom0 scenario)}, domU $([ -n "$SCENARIO" ] && echo "$DOMU_KVER" || echo none); built in ${BUILD_S}s; booting (log: $OUT/serial.log)"

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

# Read QEMU's serial output, stamp each line with the seconds since QEMU
# started, and sort it into the output files. dom0's poweroff normally makes
# Xen switch the machine off (ACPI S5) and QEMU exits; QEMU is stopped here
# if that has not happened 10 s after dom0's last line, or 1 s after Xen
# reports that dom0 halted or crashed ("noreboot": Xen then just stops) or
# that Xen itself panicked.
filter_serial() {
	local start=$1 line chunk buf='' t us kill_at=0 _ kb tkb
	while :; do
		if IFS= read -r -t 1 chunk; then
			line=${buf}${chunk//$'\r'/}
			buf=
		elif [ $? -gt 128 ]; then # read timed out: keep the partial line
			buf+=${chunk//$'\r'/}
			line=
		else # EOF
			[ -z "$buf$chunk" ] || echo "$buf$chunk" >>"$OUT/serial.log"
			return
		fi
		us=$(($(now_us) - start))
		if [ -n "$line" ]; then
			printf -v t '%d.%02d' $((us / 1000000)) $((us / 10000 % 100))
			printf '[%8s] %s\n' "$t" "$line" >>"$OUT/serial.log"
			case $line in
			"DOMU| "*)
				echo "$t ${line#DOMU| }" >>"$OUT/guest.log"
				echo "guest| ${line#DOMU| }" ;;
			"DOM0| "*)
				echo "$t ${line#DOM0| }" >>"$OUT/dom0.log"
				echo "dom0-scenario| ${line#DOM0| }" ;;
			"XSB-MEM "*)
				read -r _ kb tkb <<<"$line"
				echo "$t,$kb,$tkb" >>"$OUT/dom0mem.csv" ;;
			"XSB-XLDMESG "*)
				echo "${line#XSB-XLDMESG }" >>"$OUT/xl-dmesg.txt" ;;
			"XSB-DOM0-DONE"*)
				echo "dom0| $line"
				kill_at=$((us + 10000000)) ;;
			"XSB-DOM0 "*)
				echo "dom0| ${line#XSB-DOM0 }" ;;
			*"Hardware Dom0 "*|*"Panic on CPU"*)
				kill_at=$((us + 1000000)) ;;
			esac
		fi
		if [ $kill_at -gt 0 ] && [ $us -ge $kill_at ] && [ -s "$PIDF" ]; then
			kill "$(cat "$PIDF")" 2>/dev/null || true
		fi
	done
}

set +e
timeout --kill-after=10 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | filter_serial "$(now_us)"
QEMU_RC=${PIPESTATUS[0]}
set -e
rm -f "$PIDF"

# t_of PATTERN [LOG]: host time of the first line starting with PATTERN
t_of() { sed -n "s/^\([0-9.]*\) $1.*/\1/p" "$OUT/${2:-guest.log}" | head -n 1; }
rc_of() { sed -n 's/^[0-9.]* SCENARIO-EXIT rc=\([0-9]*\)$/\1/p' "$OUT/$1" | head -n 1; }
timed_out() { [ "$QEMU_RC" = 124 ] || grep -q 'XSB-DOM0-DONE status=timeout' "$OUT/serial.log"; }
RC='' WHY='' TIMES=''
if [ -n "$DOM0_SCENARIO" ]; then
	T0_EXIT=$(t_of 'SCENARIO-EXIT rc=' dom0.log)
	RC0=$(rc_of dom0.log)
	if [ -n "$RC0" ]; then
		WHY0="dom0 scenario exited"
	elif timed_out; then
		RC0=124 WHY0="timeout in the dom0 scenario"
	else
		RC0=123 WHY0="the dom0 scenario did not finish"
	fi
	echo "$RC0" >"$OUT/dom0-result"
	TIMES="dom0 scenario exit ${T0_EXIT:--}s"
	[ "$RC0" = 0 ] || RC=$RC0 WHY=$WHY0
	[ -n "$SCENARIO" ] || RC=$RC0 WHY=$WHY0
fi
if [ -n "$SCENARIO" ]; then
	T_INIT=$(t_of XSB-DOMU-INIT)
	T_EXIT=$(t_of 'SCENARIO-EXIT rc=')
	RCU=$(rc_of guest.log)
	if [ -n "$RCU" ]; then
		WHYU="scenario exited"
	elif [ -z "$T_INIT" ]; then
		RCU=125 WHYU="the domU never started"
	elif timed_out; then
		RCU=124 WHYU="timeout after the domU started"
	else
		RCU=126 WHYU="the domU died before the scenario finished"
	fi
	if [ -z "$RC" ]; then RC=$RCU WHY=$WHYU; else WHY="$WHY; domU: rc=$RCU, $WHYU"; fi
	TIMES="${TIMES:+$TIMES -> }domU init ${T_INIT:--}s -> scenario exit ${T_EXIT:--}s"
fi
echo "$RC" >"$OUT/result"
echo "== run-domu: rc=$RC ($WHY); $([ -n "$SCENARIO" ] && echo "domU $DOMU_KVER" || echo "no domU")"
echo "   build ${BUILD_S}s; QEMU start -> $TIMES; total $((SECONDS - BUILD_START))s"
echo "   $OUT: serial.log ${SCENARIO:+guest.log }${DOM0_SCENARIO:+dom0.log }dom0mem.csv ($(($(wc -l <"$OUT/dom0mem.csv") - 1)) samples) xl-dmesg.txt result${DOM0_SCENARIO:+ dom0-result}"
exit "$RC"
