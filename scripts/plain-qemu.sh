#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
# (functions called through cached() and the EXIT trap are reachable)
# shellcheck disable=SC2317
# Boot one of Debian's kernels on emulated hardware, without Xen, and run a
# scenario script in a busybox initramfs: qemu-system-x86_64 -accel tcg
# -cpu qemu64, the kernel's ELF image (PVH entry: no decompression under
# TCG) from the Xen harness' cache (scripts/xen-qemu/kernels.sh).  A boot
# takes a few seconds.
#
#   scripts/plain-qemu.sh --kver 6.12 --scenario tests/domu/refusal.sh \
#       --files "$ko tests/domu/lib.sh" --bins insmod --out out/plain-6.12
#
# Outputs in --out: console.log (the serial console, each line prefixed with
# the host seconds since QEMU started) and result (the exit status).
# Exit status: the scenario's exit code; 124 timeout; 125 the scenario never
# started; 126 the kernel died (e.g. a panic) before the scenario finished.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: plain-qemu.sh --scenario FILE [options]
  --scenario FILE      busybox sh script, run as root as /scenario.sh
  --kver 6.1|6.12      kernel series (default 6.1): the newest Debian release
  --files "F1 F2 ..."  host files copied into / (e.g. a .ko for that kernel)
  --bins "B1 B2 ..."   host programs copied into /usr/bin with their shared
                       libraries (e.g. insmod: kmod's)
  --cmdline "..."      appended to the kernel command line
  --memory MiB         RAM (default 512)
  --out DIR            output directory (default out/plain)
  --timeout S          seconds QEMU may run (default 120)
Exit status: the scenario's exit code; 124 timeout; 125 the scenario never
started; 126 the kernel died before the scenario finished.
EOF
}

TOP=$(cd "$(dirname "$0")/.." && pwd)
HERE=$TOP/scripts/xen-qemu
# shellcheck source=lib/deps.sh
. "$TOP/scripts/lib/deps.sh"
# shellcheck source=xen-qemu/initramfs.sh
. "$HERE/initramfs.sh"
# shellcheck source=xen-qemu/kernels.sh
. "$HERE/kernels.sh"

KSERIES=6.1 SCENARIO='' FILES='' BINS='' CMDLINE='' MEMORY=512 OUT=out/plain TIMEOUT=120
while [ $# -gt 0 ]; do
	case $1 in -h|--help) usage; exit 0 ;; esac
	[ $# -ge 2 ] || { echo "missing value for $1" >&2; usage >&2; exit 2; }
	case $1 in
	--kver) KSERIES=$2 ;;
	--scenario) SCENARIO=$2 ;;
	--files) FILES=$2 ;;
	--bins) BINS=$2 ;;
	--cmdline) CMDLINE=$2 ;;
	--memory) MEMORY=$2 ;;
	--out) OUT=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift 2
done
die() { echo "plain-qemu: $*" >&2; exit 2; }
[ -f "$SCENARIO" ] || die "--scenario FILE is required"
case $KSERIES in 6.1|6.12) ;; *) die "--kver must be 6.1 or 6.12" ;; esac
for n in "$MEMORY" "$TIMEOUT"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
for f in $FILES; do
	[ -f "$f" ] || die "no such file: $f"
	case ${f##*/} in init|scenario.sh) die "--files: ${f##*/} is a reserved name" ;; esac
done

WORK='' PIDF=''
cleanup() {
	if [ -s "$PIDF" ]; then kill "$(cat "$PIDF")" 2>/dev/null || true; fi
	rm -rf "${CACHE_TMP[@]}" "$WORK"
}
trap cleanup EXIT

START=$SECONDS
deps_apt qemu-system-x86 busybox-static cpio xz-utils zstd
for b in $BINS; do command -v "$b" >/dev/null || deps_apt "$b"; done
KVER=$(deps_kver "$KSERIES")
KPKG=$(deps_kimage "$KVER")
KDEB=$(deps_download "$KPKG")
kernel_root KROOT "$KDEB"

mkdir -p "$XSB_CACHE"
WORK=$(mktemp -d "$XSB_CACHE/plain.XXXXXX")
PIDF=$WORK/qemu.pid
R=$WORK/root
initramfs_skeleton "$R"
# /init: mount, run the scenario, report, power off. The console only gets
# emergencies once /init runs, so kernel messages do not cut into the
# scenario's lines; dmesg has them all.
cat >"$R/init" <<'EOF'
#!/bin/busybox sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s 2>/dev/null
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
echo 1 >/proc/sys/kernel/printk
echo "XSB-PLAIN-INIT kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime) cmdline: $(cat /proc/cmdline)"
cd /
/bin/sh /scenario.sh </dev/null 2>&1
echo "SCENARIO-EXIT rc=$?"
poweroff -f
EOF
chmod 755 "$R/init"
install -m 755 "$SCENARIO" "$R/scenario.sh"
for f in $FILES; do cp "$f" "$R/"; done
for b in $BINS; do initramfs_copy_elf "$(command -v "$b")" "/usr/bin/${b##*/}" "$R"; done
initramfs_pack "$R" "$WORK/initrd.gz"
BUILD_S=$((SECONDS - START))

mkdir -p "$OUT"
rm -f "$OUT"/{console.log,result}
# The ELF vmlinux carries a PVH entry note: QEMU starts it directly, in
# 64-bit mode, without the bzImage decompressor.
QEMU=(qemu-system-x86_64 -machine q35 -accel tcg -cpu qemu64 -smp 1 -m "$MEMORY"
	-nodefaults -display none -serial stdio -monitor none -no-reboot -pidfile "$PIDF"
	-kernel "$KROOT/boot/vmlinux" -initrd "$WORK/initrd.gz"
	-append "console=ttyS0 rdinit=/init panic=-1 loglevel=4 $CMDLINE")
echo "QEMU: ${QEMU[*]}" >"$OUT/console.log"
echo "plain-qemu: kernel $KVER, no Xen; built in ${BUILD_S}s; booting (log: $OUT/console.log)"

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
stamp() { # stamp START: "<seconds since START> <line>" into console.log
	local line us t
	while IFS= read -r line; do
		line=${line//$'\r'/}
		us=$(($(now_us) - $1))
		printf -v t '%d.%02d' $((us / 1000000)) $((us / 10000 % 100))
		echo "$t $line" >>"$OUT/console.log"
		echo "plain| $line"
	done
}
set +e
timeout --kill-after=5 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | stamp "$(now_us)"
QEMU_RC=${PIPESTATUS[0]}
set -e
rm -f "$PIDF"

t_of() { sed -n "s/^\([0-9.]*\) $1.*/\1/p" "$OUT/console.log" | head -n 1; }
T_INIT=$(t_of XSB-PLAIN-INIT)
T_EXIT=$(t_of 'SCENARIO-EXIT rc=')
RC=$(sed -n 's/^[0-9.]* SCENARIO-EXIT rc=\([0-9]*\)$/\1/p' "$OUT/console.log" | head -n 1)
if [ -n "$RC" ]; then
	WHY="scenario exited"
elif [ "$QEMU_RC" = 124 ]; then
	RC=124 WHY="timeout"
elif [ -z "$T_INIT" ]; then
	RC=125 WHY="the scenario never started (QEMU rc=$QEMU_RC)"
else
	RC=126 WHY="the kernel died before the scenario finished"
fi
echo "$RC" >"$OUT/result"
echo "== plain-qemu: rc=$RC ($WHY); kernel $KVER"
echo "   build ${BUILD_S}s; QEMU start -> init ${T_INIT:--}s -> scenario exit ${T_EXIT:--}s; total $((SECONDS - START))s"
exit "$RC"
