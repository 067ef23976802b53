#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# (functions called through cached() and the EXIT trap are reachable)
# shellcheck disable=SC2317
# Boot Xen 4.17 + a dom0 + up to four PV domUs under QEMU (TCG, no KVM) and
# run a scenario script inside each domU, and/or one in dom0 before (or
# instead of) creating them. See README.md beside this file.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: run-domu.sh --scenario FILE [options]
       run-domu.sh --dom0-scenario FILE [--scenario FILE] [options]
       run-domu.sh [options] --guest NAME --scenario FILE [guest options]
                   [--guest NAME --scenario FILE [guest options]] ...
Guest options: for the one guest (named "guest") of a run without --guest,
else for the --guest they follow; before the first --guest, the defaults of
every guest.
  --scenario FILE      busybox sh script, run as root in the domU as /scenario.sh
                       (without it no domU is created: a dom0 scenario only)
  --kver 6.1|6.12      domU kernel series (default 6.1; dom0 always runs 6.1)
  --kernel PATH        domU kernel image (bzImage or ELF vmlinux) to boot instead
                       of the --kver series' Debian kernel; it must have what
                       it needs built in (no --modules)
  --files "F1 F2 ..."  host files copied into the domU's / (e.g. a .ko)
  --bins "B1 B2 ..."   host programs copied into the domU's /usr/bin with their
                       shared libraries (the Debian package of the same name is
                       installed on the host if the program is missing)
  --modules "M1 ..."   modules of the Debian kernel and all they need, loaded
                       in dependency order before the scenario starts
  --domu-cmdline "..." appended to the domU kernel command line
  --swap MiB           a writable PV disk xvdb of MiB (for swap): a sparse file
                       in dom0's RAM behind a loop device and blkback (phy:)
                       (default 0: none)
  --disk FILE          a read-only PV disk xvdc with FILE's contents (e.g. a
                       squashfs image), copied into dom0's RAM
  --scratch MiB        a writable, empty PV disk xvdd of MiB, like --swap
                       (default 0: none)
                       With any disk, a Debian kernel gets xen-blkfront added
                       to --modules; a --kernel image needs it built in.
  --memory MiB         domU memory at start (default 512)
  --maxmem MiB         domU maximum memory (default 1024)
  --vcpus N            domU vCPUs (default 1)
  --start-delay S      xl create this guest S seconds after the first guest's
                       xl create (default 0)
  --guest NAME         start the section of guest NAME (up to 4; NAME: a-z,
                       0-9 and '-', starting with a letter)
Run options:
  --dom0-scenario FILE busybox sh script, run as root in dom0 as
                       /dom0-scenario.sh once the toolstack is up and before
                       the domUs are created
  --dom0-files "F ..." host files copied into dom0's / (e.g. a .ko for 6.1)
  --dom0-bins "B ..."  host programs copied into dom0's /usr/bin, as --bins
  --dom0-mb MiB        dom0's memory (dom0_mem; default 1024): the kernels,
                       initramfs images and disks of the run live in it
  --host-mb MiB        QEMU's memory (-m): Xen, dom0 and the domUs (default:
                       dom0 + the sum of maxmem + 1024, at least 3072)
  --out DIR            output directory (default out/domu)
  --timeout S          seconds QEMU may run (default 900)
Exit status: the dom0 scenario's exit code if it is not 0, else the first
guest's (in --guest order) that is not 0: its scenario's exit code; 124
timeout; 125 the domU never started; 126 the domU died (crash) before the
scenario finished; 123 the dom0 scenario did not finish. 0 only if every
scenario exited 0.
EOF
}

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/deps.sh
. "$HERE/../lib/deps.sh"
# shellcheck source=initramfs.sh
. "$HERE/initramfs.sh"
# shellcheck source=kernels.sh
. "$HERE/kernels.sh"

# GO[I,KEY]: guest option KEY of guest I (I=-1: before any --guest)
declare -A GO=()
NAMES=() CUR=-1
OUT=out/domu TIMEOUT=900 DOM0_SCENARIO='' DOM0_FILES='' DOM0_BINS='' DOM0_MB=1024 HOST_MB=''
while [ $# -gt 0 ]; do
	case $1 in -h|--help) usage; exit 0 ;; esac
	[ $# -ge 2 ] || { echo "missing value for $1" >&2; usage >&2; exit 2; }
	case $1 in
	--guest) NAMES+=("$2"); CUR=$((${#NAMES[@]} - 1)) ;;
	--scenario|--kver|--kernel|--files|--bins|--modules|--domu-cmdline|--swap|--disk|--scratch|--memory|--maxmem|--vcpus|--start-delay)
		GO[$CUR,${1#--}]=$2 ;;
	--dom0-scenario) DOM0_SCENARIO=$2 ;;
	--dom0-files) DOM0_FILES=$2 ;;
	--dom0-bins) DOM0_BINS=$2 ;;
	--dom0-mb) DOM0_MB=$2 ;;
	--host-mb) HOST_MB=$2 ;;
	--out) OUT=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift 2
done
die() { echo "run-domu: $*" >&2; exit 2; }
# gopt I KEY DEFAULT: guest I's KEY: its own, else the one before any
# --guest, else DEFAULT
gopt() {
	if [ -n "${GO[$1,$2]+set}" ]; then echo "${GO[$1,$2]}"
	elif [ -n "${GO[-1,$2]+set}" ]; then echo "${GO[-1,$2]}"
	else echo "$3"; fi
}
# Without --guest: one guest "guest" if there is a scenario, as always
MULTI=1
if [ ${#NAMES[@]} -eq 0 ]; then
	MULTI=0
	[ -z "$(gopt 0 scenario '')" ] || NAMES=(guest)
fi
NG=${#NAMES[@]}
[ "$NG" -gt 0 ] || [ -n "$DOM0_SCENARIO" ] || die "--scenario FILE (or --dom0-scenario FILE) is required"
[ "$NG" -le 4 ] || die "at most 4 guests (--guest)"
[ -z "$DOM0_SCENARIO" ] || [ -f "$DOM0_SCENARIO" ] || die "no such file: $DOM0_SCENARIO"
for n in "$TIMEOUT" "$DOM0_MB" ${HOST_MB:+"$HOST_MB"}; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || die "not a positive number: $n"
done
[ "$DOM0_MB" -ge 512 ] || die "--dom0-mb: at least 512"
for f in $DOM0_FILES; do [ -f "$f" ] || die "no such file: $f"; done
# the per-run files share dom0's / with its /init: none may replace it
for f in $DOM0_FILES; do
	case ${f##*/} in init|dom0-scenario.sh|guest|disks) die "--dom0-files: ${f##*/} is a reserved name" ;; esac
done

# the guests' options, checked: G_<KEY>[I]
G_SCEN=() G_KSER=() G_KERNEL=() G_FILES=() G_BINS=() G_MODULES=() G_CMDLINE=() G_SWAP=()
G_DISK=() G_SCRATCH=() G_MEM=() G_MAXMEM=() G_VCPUS=() G_DELAY=()
declare -A SEEN=()
for i in "${!NAMES[@]}"; do
	n=${NAMES[$i]}
	what=''
	[ $MULTI = 0 ] || what="guest $n: "
	[[ $n =~ ^[a-z][a-z0-9-]{0,15}$ ]] ||
		die "--guest $n: a name of a-z, 0-9 and '-', starting with a letter, at most 16"
	[ -z "${SEEN[$n]:-}" ] || die "--guest $n: given twice"
	SEEN[$n]=1
	G_SCEN[i]=$(gopt "$i" scenario '')
	G_KSER[i]=$(gopt "$i" kver 6.1)
	G_KERNEL[i]=$(gopt "$i" kernel '')
	G_FILES[i]=$(gopt "$i" files '')
	G_BINS[i]=$(gopt "$i" bins '')
	G_MODULES[i]=$(gopt "$i" modules '')
	G_CMDLINE[i]=$(gopt "$i" domu-cmdline '')
	G_SWAP[i]=$(gopt "$i" swap 0)
	G_DISK[i]=$(gopt "$i" disk '')
	G_SCRATCH[i]=$(gopt "$i" scratch 0)
	G_MEM[i]=$(gopt "$i" memory 512)
	G_MAXMEM[i]=$(gopt "$i" maxmem 1024)
	G_VCPUS[i]=$(gopt "$i" vcpus 1)
	G_DELAY[i]=$(gopt "$i" start-delay 0)
	[ -n "${G_SCEN[i]}" ] || die "${what}no --scenario"
	[ -f "${G_SCEN[i]}" ] || die "${what}no such file: ${G_SCEN[i]}"
	case ${G_KSER[i]} in 6.1|6.12) ;; *) die "${what}--kver must be 6.1 or 6.12" ;; esac
	for v in "${G_MEM[i]}" "${G_MAXMEM[i]}" "${G_VCPUS[i]}"; do
		[[ $v =~ ^[1-9][0-9]*$ ]] || die "${what}not a positive number: $v"
	done
	[ "${G_MAXMEM[i]}" -ge "${G_MEM[i]}" ] || die "${what}--maxmem is below --memory"
	[[ ${G_SWAP[i]} =~ ^(0|[1-9][0-9]*)$ ]] || die "${what}--swap: not a number of MiB: ${G_SWAP[i]}"
	[[ ${G_SCRATCH[i]} =~ ^(0|[1-9][0-9]*)$ ]] || die "${what}--scratch: not a number of MiB: ${G_SCRATCH[i]}"
	[[ ${G_DELAY[i]} =~ ^(0|[1-9][0-9]*)$ ]] || die "${what}--start-delay: not a number of seconds: ${G_DELAY[i]}"
	[[ ${G_CMDLINE[i]} != *'"'* ]] || die "${what}--domu-cmdline cannot contain double quotes"
	for f in ${G_FILES[i]} ${G_KERNEL[i]} ${G_DISK[i]}; do [ -f "$f" ] || die "${what}no such file: $f"; done
	if [ -n "${G_KERNEL[i]}" ] && [ -n "${G_MODULES[i]// /}" ]; then
		die "${what}--modules is for the Debian kernels (--kver): a --kernel image has what it needs built in"
	fi
done

XENV=4.17
# Xen's tools and libraries; their debs are unpacked, never installed on the
# host (libxen-dev: the headers xsb-memtop.c is built with)
XEN_PKGS=("xen-hypervisor-$XENV-amd64" "xen-utils-$XENV" xen-utils-common xenstore-utils
	libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 "libxenmisc$XENV"
	libxenstore4 libxentoollog1 libyajl2 libxendevicemodel1 libxenhypfs1 libxentoolcore1 libxen-dev)
# host libraries that those tools link against (copied into dom0 from the host)
XEN_HOST_LIBS=(libncurses6 libtinfo6 libgcc-s1 zlib1g liblzma5 libzstd1 libuuid1)

WORK='' PIDF=''
cleanup() {
	if [ -s "$PIDF" ]; then kill "$(cat "$PIDF")" 2>/dev/null || true; fi
	rm -rf "${CACHE_TMP[@]}" "$WORK"
}
trap cleanup EXIT

BUILD_START=$SECONDS
deps_apt qemu-system-x86 busybox-static cpio xz-utils zstd kmod gcc libc6-dev "${XEN_HOST_LIBS[@]}"
for i in "${!NAMES[@]}"; do
	for b in ${G_BINS[i]}; do command -v "$b" >/dev/null || deps_apt "$b"; done
done
for b in $DOM0_BINS; do command -v "$b" >/dev/null || deps_apt "$b"; done

# The kernel releases: dom0's, and each Debian series a guest boots
DOM0_KVER=$(deps_kver 6.1)
declare -A KVER_OF=([6.1]=$DOM0_KVER)
KVERS=("$DOM0_KVER") G_KVER=()
for i in "${!NAMES[@]}"; do
	G_KVER[i]=''
	[ -z "${G_KERNEL[i]}" ] || continue
	s=${G_KSER[i]}
	if [ -z "${KVER_OF[$s]:-}" ]; then
		KVER_OF[$s]=$(deps_kver "$s")
		KVERS+=("${KVER_OF[$s]}")
	fi
	G_KVER[i]=${KVER_OF[$s]}
done
mapfile -t KPKGS < <(deps_kimage "${KVERS[@]}")
[ ${#KPKGS[@]} -eq ${#KVERS[@]} ] || die "no kernel image package"
# one deps_download for all: every apt look-up costs most of a second
mapfile -t DEBS < <(deps_download "${XEN_PKGS[@]}" "${KPKGS[@]}")
[ ${#DEBS[@]} -eq $((${#XEN_PKGS[@]} + ${#KPKGS[@]})) ] || die "downloading the packages failed"
XEN_DEBS=("${DEBS[@]:0:${#XEN_PKGS[@]}}")
declare -A KDEB_OF=() KROOT_OF=()
kr='' md='' # set by kernel_root and kernel_modules
for k in "${!KVERS[@]}"; do
	KDEB_OF[${KVERS[$k]}]=${DEBS[${#XEN_PKGS[@]} + k]}
	kernel_root kr "${KDEB_OF[${KVERS[$k]}]}"
	KROOT_OF[${KVERS[$k]}]=$kr
done
DOM0_DEB=${KDEB_OF[$DOM0_KVER]}
DOM0_KROOT=${KROOT_OF[$DOM0_KVER]}

# cached, unpack_debs, unpack_kernel, kernel_root, kernel_modules and key:
# kernels.sh; cache keys: the package files and the code that unpacks them
XEN_ROOT=$XSB_CACHE/unpack/xen-$( { printf '%s\n' "${XEN_DEBS[@]##*/}"; declare -f unpack_debs; } | key)
cached "$XEN_ROOT" unpack_debs "${XEN_DEBS[@]}"

# --modules, and xen-blkfront for a Debian kernel with a disk: G_MODDIR[I]
# (kernel_modules: the .ko files and their load order)
G_MODDIR=()
for i in "${!NAMES[@]}"; do
	G_MODDIR[i]=''
	mods=${G_MODULES[i]}
	if [ -z "${G_KERNEL[i]}" ] && [ "${G_SWAP[i]}${G_DISK[i]}${G_SCRATCH[i]}" != 00 ]; then
		mods="$mods xen-blkfront"
	fi
	mods=$(tr ' ' '\n' <<<"$mods" | awk 'NF && !seen[$0]++' | tr '\n' ' ')
	[ -n "$mods" ] || continue
	kernel_modules md "${KDEB_OF[${G_KVER[i]}]}" "${G_KVER[i]}" "${mods% }"
	G_MODDIR[i]=$md
	[ ! -s "$md/builtin" ] ||
		echo "run-domu: ${NAMES[$i]}: built into ${G_KVER[i]}: $(tr '\n' ' ' <"$md/builtin")" >&2
done

# The dom0 image: Xen (as an ELF: QEMU's multiboot loader takes no .gz) and
# the dom0 initramfs with the toolstack; dom0's kernel is used straight from
# its unpack directory. The per-run part (domU kernels, initramfs images, xl
# configs, disks, dom0 scenario and files) is a second cpio archive appended
# to that initramfs at boot (the kernel unpacks concatenated archives).
build_dom0() { # build_dom0 DIR
	local out=$1 r=$1/root xb=$XEN_ROOT/usr/lib/xen-$XENV/bin b m
	local libs=$XEN_ROOT/usr/lib/x86_64-linux-gnu:$XEN_ROOT/usr/lib/xen-$XENV/lib/x86_64-linux-gnu
	zcat "$XEN_ROOT/boot/xen-$XENV-amd64.gz" >"$out/xen"
	initramfs_skeleton "$r"
	for b in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper xentop; do
		LD_LIBRARY_PATH=$libs initramfs_copy_elf "$xb/$b" "/usr/lib/xen-$XENV/bin/$b" "$r"
	done
	# the memory sampler (xsb-memtop.c: Xen's free memory and the domains')
	gcc -O2 -Wall -Wextra -Werror -o "$out/xsb-memtop" "$HERE/xsb-memtop.c" \
		-I"$XEN_ROOT/usr/include" -L"$XEN_ROOT/usr/lib/x86_64-linux-gnu" \
		-Wl,-rpath-link="$XEN_ROOT/usr/lib/x86_64-linux-gnu" -lxenstat -lxenstore
	LD_LIBRARY_PATH=$libs initramfs_copy_elf "$out/xsb-memtop" /usr/bin/xsb-memtop "$r"
	rm "$out/xsb-memtop"
	# the xenstore client is one program that does what its name says:
	# xenstore-write for the disks' hotplug script and the request service,
	# xenstore-watch for the request service (dom0-init.sh)
	LD_LIBRARY_PATH=$libs initramfs_copy_elf "$XEN_ROOT/usr/bin/xenstore-read" /usr/bin/xenstore-read "$r"
	ln -s xenstore-read "$r/usr/bin/xenstore-write"
	ln -s xenstore-read "$r/usr/bin/xenstore-watch"
	mkdir -p "$r/lib/modules" "$r/etc/xen"
	for m in xen-evtchn xenfs/xenfs xen-privcmd xen-gntdev xen-gntalloc; do
		cp "$DOM0_KROOT/lib/modules/$DOM0_KVER/kernel/drivers/xen/$m.ko" "$r/lib/modules/"
	done
	# the disks: the loop device and the block backend (loaded only then)
	mkdir "$out/deb"
	dpkg-deb --fsys-tarfile "$DOM0_DEB" | tar -x -C "$out/deb" \
		"./lib/modules/$DOM0_KVER/kernel/drivers/block/loop.ko" \
		"./lib/modules/$DOM0_KVER/kernel/drivers/block/xen-blkback/xen-blkback.ko"
	for m in loop xen-blkback/xen-blkback; do
		mv "$out/deb/lib/modules/$DOM0_KVER/kernel/drivers/block/$m.ko" "$r/lib/modules/"
	done
	rm -rf "$out/deb"
	# dom0 has a fixed memory (dom0_mem): xl must not balloon it to make room
	echo 'autoballoon="off"' >"$r/etc/xen/xl.conf"
	install -m 755 "$HERE/dom0-init.sh" "$r/init"
	initramfs_pack "$r" "$out/dom0.cpio.gz"
	rm -rf "$r"
}
DOM0_KEY=$( {
	printf '%s\n' "${XEN_DEBS[@]##*/}" "${DOM0_DEB##*/}"
	sha256sum "$HERE/dom0-init.sh" "$HERE/xsb-memtop.c" /bin/busybox
	declare -f build_dom0 initramfs_skeleton initramfs_copy_elf initramfs_pack
} | key)
DOM0_IMG=$XSB_CACHE/dom0/$DOM0_KEY
cached "$DOM0_IMG" build_dom0

WORK=$(mktemp -d "$XSB_CACHE/run.XXXXXX")
PIDF=$WORK/qemu.pid

# The per-run archive. It is unpacked over dom0's initramfs: what is in it
# lands in dom0's /.
P=$WORK/payload
mkdir -p "$P/etc/xsb" "$P/etc/xen" "$P/guest"
: >"$P/etc/xsb/disks"
declare -A KCOPY=() # kernel file -> its path in dom0
SPARSE_MB=0 SUM_MEM=0 SUM_MAXMEM=0
for i in "${!NAMES[@]}"; do
	n=${NAMES[$i]}
	SUM_MEM=$((SUM_MEM + G_MEM[i])) SUM_MAXMEM=$((SUM_MAXMEM + G_MAXMEM[i]))
	# The domU initramfs, rebuilt on every run (a second or two).
	D=$WORK/domu-$n
	initramfs_skeleton "$D"
	install -m 755 "$HERE/domu-init.sh" "$D/init"
	install -m 755 "${G_SCEN[i]}" "$D/scenario.sh"
	# root plus an unprivileged "user" (uid/gid 1000): scenarios run a command as
	# that user with `su user -c 'CMD'` (root needs no password).
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' >"$D/etc/passwd"
	printf '%s\n' 'root:x:0:' 'user:x:1000:' >"$D/etc/group"
	install -d -o 1000 -g 1000 "$D/home/user"
	for f in ${G_FILES[i]}; do cp "$f" "$D/"; done
	for b in ${G_BINS[i]}; do initramfs_copy_elf "$(command -v "$b")" "/usr/bin/${b##*/}" "$D"; done
	mkdir -p "$D/etc/xsb"
	# the modules and their load order, for domu-init.sh
	if [ -n "${G_MODDIR[i]}" ]; then
		mkdir -p "$D/lib/modules/xsb"
		cp "${G_MODDIR[i]}"/*.ko "$D/lib/modules/xsb/" 2>/dev/null || true
		cp "${G_MODDIR[i]}/order" "$D/etc/xsb/modules"
	fi

	mkdir -p "$P/guest/$n"
	src=${G_KERNEL[i]:-${KROOT_OF[${G_KVER[i]}]}/boot/vmlinux}
	if [ -z "${KCOPY[$src]:-}" ]; then
		KCOPY[$src]=/guest/vmlinux-${#KCOPY[@]}
		cp "$src" "$P${KCOPY[$src]}"
	fi
	cat >"$P/etc/xen/$n.cfg" <<EOF
name = "$n"
type = "pv"
kernel = "${KCOPY[$src]}"
ramdisk = "/guest/$n/initrd.gz"
extra = "console=hvc0 rdinit=/init loglevel=4 ${G_CMDLINE[i]}"
memory = ${G_MEM[i]}
maxmem = ${G_MAXMEM[i]}
vcpus = ${G_VCPUS[i]}
on_crash = "preserve"
on_reboot = "destroy"
EOF
	# The disks: loop devices in dom0 (3 per guest), set up by dom0-init.sh
	# from /etc/xsb/disks ("GUEST VDEV LOOP MODE FILE MiB"); the guest's
	# domu-init.sh waits for them (/etc/xsb/disks there: the vdevs)
	specs=() vdevs=()
	has_disk=$([ -n "${G_DISK[i]}" ] && echo 1 || echo 0)
	for d in "xvdb ${G_SWAP[i]} rw" "xvdc $has_disk ro" "xvdd ${G_SCRATCH[i]} rw"; do
		read -r vdev size mode <<<"$d"
		[ "$size" != 0 ] || continue
		loop=loop$((i * 3 + ${#vdevs[@]}))
		case $vdev in
		xvdc)
			mkdir -p "$P/disks"
			cp "${G_DISK[i]}" "$P/disks/$n-$vdev.img"
			echo "$n $vdev $loop ro /disks/$n-$vdev.img 0" >>"$P/etc/xsb/disks" ;;
		*)
			SPARSE_MB=$((SPARSE_MB + size))
			echo "$n $vdev $loop rw /run/xsb/$n-$vdev.img $size" >>"$P/etc/xsb/disks" ;;
		esac
		specs+=("\"format=raw,vdev=$vdev,access=$mode,backendtype=phy,script=/etc/xen/xsb-block,target=/dev/$loop\"")
		vdevs+=("$vdev")
	done
	if [ ${#vdevs[@]} -gt 0 ]; then
		(IFS=,; echo "disk = [ ${specs[*]} ]") >>"$P/etc/xen/$n.cfg"
		echo "${vdevs[*]}" >"$D/etc/xsb/disks"
	fi
	initramfs_pack "$D" "$P/guest/$n/initrd.gz"
	rm -rf "$D"
done
[ -z "$DOM0_SCENARIO" ] || install -m 755 "$DOM0_SCENARIO" "$P/dom0-scenario.sh"
for f in $DOM0_FILES; do cp "$f" "$P/"; done
for b in $DOM0_BINS; do initramfs_copy_elf "$(command -v "$b")" "/usr/bin/${b##*/}" "$P"; done
# dom0 gives up 30 s (of its uptime) before the host's timeout, so it can
# still report; it starts a few seconds after QEMU. XSB_GUESTS: NAME:DELAY
# in the order of their delays (none: a dom0 scenario only).
GUESTS=$(for i in "${!NAMES[@]}"; do echo "${NAMES[$i]}:${G_DELAY[i]} ${G_DELAY[i]}"; done |
	sort -s -n -k2 | cut -d' ' -f1 | tr '\n' ' ')
printf '%s\n' "XSB_DEADLINE=$((TIMEOUT > 60 ? TIMEOUT - 30 : 30))" \
	"XSB_GUESTS=\"${GUESTS% }\"" >"$P/etc/xsb/run.conf"
# Not compressed: the kernels, the domU initramfs images and the disk images
# already are. The kernel only takes an uncompressed archive at a 4-byte
# aligned offset (zero bytes before it are skipped), hence the padding.
initramfs_pack "$P" "$WORK/payload.cpio"
rm -rf "$P"
cp "$DOM0_IMG/dom0.cpio.gz" "$WORK/dom0-initrd"
truncate -s %4 "$WORK/dom0-initrd"
cat "$WORK/payload.cpio" >>"$WORK/dom0-initrd"
rm "$WORK/payload.cpio"

# dom0's memory: the run's files stay in it (unpacked from the initramfs,
# which is in it too until the kernel has unpacked it), the sparse disks
# grow as they are written; dom0 itself needs about 256 MiB
FILES_MB=$((($(stat -c %s "$WORK/dom0-initrd") + (1 << 20) - 1) >> 20))
DOM0_NEED=$((FILES_MB + SPARSE_MB + 256))
[ $((2 * FILES_MB + 256)) -le "$DOM0_NEED" ] || DOM0_NEED=$((2 * FILES_MB + 256))
[ "$DOM0_NEED" -le "$DOM0_MB" ] ||
	die "the disks do not fit in dom0's memory: it needs about $DOM0_NEED MiB (the run's files $FILES_MB MiB, twice while the kernel unpacks them; swap and scratch $SPARSE_MB MiB; 256 for itself) and has $DOM0_MB (--dom0-mb)"
# 1 GiB for dom0, the domUs' maxmem, and room for Xen itself
QEMU_MB=$((DOM0_MB + SUM_MAXMEM + 1024))
[ "$QEMU_MB" -ge 3072 ] || QEMU_MB=3072
if [ -n "$HOST_MB" ]; then
	[ "$HOST_MB" -ge $((DOM0_MB + 128)) ] || die "--host-mb $HOST_MB leaves no room beside dom0's $DOM0_MB MiB"
	QEMU_MB=$HOST_MB
fi
[ $((DOM0_MB + SUM_MEM + 64)) -le "$QEMU_MB" ] ||
	echo "run-domu: warning: the guests' memory at start ($SUM_MEM MiB) does not fit beside dom0 in $QEMU_MB MiB: an xl create may fail" >&2
BUILD_S=$((SECONDS - BUILD_START))

# output files: guest.log (one guest, no --guest) or guest-NAME.log and
# result-NAME per guest
declare -A GLOG_OF=()
for n in "${NAMES[@]}"; do GLOG_OF[$n]=$([ $MULTI = 1 ] && echo "guest-$n.log" || echo guest.log); done
mkdir -p "$OUT"
rm -f "$OUT"/{serial.log,guest.log,guest-*.log,dom0.log,dom0mem.csv,mem.csv,xl-dmesg.txt,result,result-*,dom0-result}
[ $MULTI = 1 ] || echo "host_t_s,guest_mem_kb,xenstore_target_kb" >"$OUT/dom0mem.csv"
{
	printf host_t_s,xen_free_kb
	for n in "${NAMES[@]}"; do printf ',%s_kb,%s_target_kb' "$n" "$n"; done
	echo
} >"$OUT/mem.csv"
[ $MULTI = 1 ] || : >"$OUT/guest.log"
for n in "${NAMES[@]}"; do : >"$OUT/${GLOG_OF[$n]}"; done
: >"$OUT/xl-dmesg.txt"
if [ -n "$DOM0_SCENARIO" ] || [ "$NG" -gt 0 ]; then : >"$OUT/dom0.log"; fi

XEN_ARGS="console=com1 com1=115200,8n1 dom0_mem=${DOM0_MB}M,max:${DOM0_MB}M dom0_max_vcpus=1 loglvl=all guest_loglvl=all noreboot"
DOM0_ARGS="console=hvc0 earlyprintk=xen rdinit=/init loglevel=6"
# -cpu max crashes dom0 under TCG (SMAP); qemu64 works
QEMU=(qemu-system-x86_64 -machine q35 -accel "tcg,thread=multi" -cpu qemu64 -smp 2 -m "$QEMU_MB"
	-display none -serial stdio -monitor none -no-reboot -pidfile "$PIDF"
	-kernel "$DOM0_IMG/xen" -append "$XEN_ARGS"
	-initrd "$DOM0_KROOT/boot/vmlinux $DOM0_ARGS,$WORK/dom0-initrd")
echo "QEMU: ${QEMU[*]}" >"$OUT/serial.log"
# what each guest boots: the Debian release, or the --kernel path
G_BOOT=()
for i in "${!NAMES[@]}"; do G_BOOT[i]=${G_KERNEL[i]:-${G_KVER[i]}}; done
if [ $MULTI = 1 ]; then
	DOMUS=$(for i in "${!NAMES[@]}"; do printf '%s (%s) ' "${NAMES[$i]}" "${G_BOOT[i]}"; done)
	DOMUS="domUs ${DOMUS% }"
else
	DOMUS="domU ${G_BOOT[0]:-none}"
fi
echo "run-domu: Xen $XENV, dom0 $DOM0_KVER${DOM0_SCENARIO:+ (dom0 scenario)}, $DOMUS; ${FILES_MB} MiB of files in dom0's $DOM0_MB, machine $QEMU_MB MiB; built in ${BUILD_S}s; booting (log: $OUT/serial.log)"

now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

# mem_row T "FREE NAME:ID:KB:TARGET:STATE ...": a row of mem.csv (and of
# dom0mem.csv, one guest and no --guest) from dom0's XSB-MEM line
mem_row() {
	local t=$1 free rest f name kb tkb row n
	local -A kb_of=() t_of=()
	read -r free rest <<<"$2"
	for f in $rest; do
		IFS=: read -r name _ kb tkb _ <<<"$f"
		kb_of[$name]=$kb t_of[$name]=$tkb
	done
	row="$t,$free"
	for n in "${NAMES[@]}"; do
		tkb=${t_of[$n]:-}
		row+=",${kb_of[$n]:-},${tkb#-}"
	done
	echo "$row" >>"$OUT/mem.csv"
	if [ $MULTI = 0 ] && [ -n "${kb_of[guest]:-}" ]; then
		tkb=${t_of[guest]}
		echo "$t,${kb_of[guest]},${tkb/#-/NA}" >>"$OUT/dom0mem.csv"
	fi
}

# Read QEMU's serial output, stamp each line with the seconds since QEMU
# started, and sort it into the output files. dom0's poweroff normally makes
# Xen switch the machine off (ACPI S5) and QEMU exits; QEMU is stopped here
# if that has not happened 10 s after dom0's last line, or 1 s after Xen
# reports that dom0 halted or crashed ("noreboot": Xen then just stops) or
# that Xen itself panicked.
filter_serial() {
	local start=$1 line chunk buf='' t us kill_at=0 g
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
			"DOMU-"*"| "*)
				g=${line%%| *} g=${g#DOMU-}
				if [ -n "${GLOG_OF[$g]:-}" ]; then
					echo "$t ${line#*| }" >>"$OUT/${GLOG_OF[$g]}"
					echo "$g| ${line#*| }"
				fi ;;
			"DOM0| "*)
				echo "$t ${line#DOM0| }" >>"$OUT/dom0.log"
				echo "dom0-scenario| ${line#DOM0| }" ;;
			"XSB-REQ "*)
				echo "$t REQ ${line#XSB-REQ }" >>"$OUT/dom0.log"
				echo "dom0| REQ ${line#XSB-REQ }" ;;
			"XSB-MEM "*)
				mem_row "$t" "${line#XSB-MEM }" ;;
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
# t_serial TEXT: host time of the first serial line with TEXT
t_serial() { grep -F -- "$1" "$OUT/serial.log" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | head -n 1; }
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
	[ "$NG" -gt 0 ] || RC=$RC0 WHY=$WHY0
fi
GUEST_LINES=()
for i in "${!NAMES[@]}"; do
	n=${NAMES[$i]} log=${GLOG_OF[${NAMES[$i]}]}
	T_CREATE=$(t_serial "XSB-DOM0 $n: domid=")
	T_INIT=$(t_of XSB-DOMU-INIT "$log")
	T_EXIT=$(t_of 'SCENARIO-EXIT rc=' "$log")
	DSTATUS=$(sed -n "s/.*XSB-DOM0 $n: status=\([a-z]*\).*/\1/p" "$OUT/serial.log" | tail -n 1)
	RCU=$(rc_of "$log")
	if [ -n "$RCU" ]; then
		WHYU="scenario exited"
	elif [ -z "$T_INIT" ]; then
		RCU=125 WHYU="the domU never started"
	elif timed_out; then
		RCU=124 WHYU="timeout after the domU started"
	else
		RCU=126 WHYU="the domU died before the scenario finished${DSTATUS:+ ($DSTATUS)}"
	fi
	[ $MULTI = 0 ] || echo "$RCU" >"$OUT/result-$n"
	if [ -z "$RC" ] || { [ "$RC" = 0 ] && [ "$RCU" != 0 ]; }; then
		RC=$RCU WHY=$WHYU
		[ $MULTI = 0 ] || WHY="$n: $WHY"
	elif [ $MULTI = 0 ]; then
		WHY="$WHY; domU: rc=$RCU, $WHYU"
	fi
	if [ $MULTI = 0 ]; then
		TIMES="${TIMES:+$TIMES -> }domU init ${T_INIT:--}s -> scenario exit ${T_EXIT:--}s"
	else
		GUEST_LINES+=("   $n: rc=$RCU ($WHYU); xl create done ${T_CREATE:--}s -> init ${T_INIT:--}s -> scenario exit ${T_EXIT:--}s")
	fi
done
if [ $MULTI = 1 ]; then
	TIMES="${TIMES:+$TIMES; }per guest below"
	[ "$RC" != 0 ] || WHY="every scenario exited 0"
fi
echo "$RC" >"$OUT/result"
echo "== run-domu: rc=$RC ($WHY); $([ "$NG" -gt 0 ] && echo "$DOMUS" || echo "no domU")"
echo "   build ${BUILD_S}s; QEMU start -> $TIMES; total $((SECONDS - BUILD_START))s"
for l in "${GUEST_LINES[@]}"; do echo "$l"; done
FREE=$(sed -n 's/.*XSB-DOM0 xl info free_memory: \([0-9]*\) MiB (\([a-z]*\)).*/\2 \1 MiB/p' "$OUT/serial.log" | tr '\n' ' ')
[ -z "$FREE" ] || echo "   Xen free memory (xl info): $FREE; mem.csv xen_free_kb first $(sed -n '2p' "$OUT/mem.csv" | cut -d, -f2), last $(tail -n 1 "$OUT/mem.csv" | cut -d, -f2)"
LOGS=$(for n in "${NAMES[@]}"; do printf '%s ' "${GLOG_OF[$n]}"; done)
echo "   $OUT: serial.log ${LOGS}$([ -f "$OUT/dom0.log" ] && echo "dom0.log ")$([ $MULTI = 0 ] && echo "dom0mem.csv ($(($(wc -l <"$OUT/dom0mem.csv") - 1)) samples) ")mem.csv ($(($(wc -l <"$OUT/mem.csv") - 1)) samples) xl-dmesg.txt result${DOM0_SCENARIO:+ dom0-result}$([ $MULTI = 1 ] && printf ' result-%s' "${NAMES[@]}")"
exit "$RC"
