# shellcheck shell=bash
# Cache and kernel-unpacking helpers shared by run-domu.sh and
# ../plain-qemu.sh.  Source it after ../lib/deps.sh; the caller defines
# die() and removes "${CACHE_TMP[@]}" on exit.
#
#   cached DIR CMD...        unless DIR exists, run CMD... with a new
#                            temporary directory as its last argument and
#                            move that to DIR (atomic)
#   unpack_debs DEB... DIR   dpkg -x every DEB into DIR
#   unpack_kernel DEB DIR    /boot and the Xen modules of a linux-image .deb,
#                            plus boot/vmlinux, the decompressed ELF kernel
#   kernel_root VAR DEB      unpack DEB (cached) and set VAR to the directory,
#                            $XSB_CACHE/unpack/<deb name>-<key of unpack_kernel>
#   key                      a short hash of stdin (cache keys)

CACHE_TMP=()

# cached DIR CMD...: unless DIR exists, run CMD... with a new temporary
# directory as its last argument and move that to DIR (atomic: a concurrent
# run that got there first wins, and ours is dropped).
cached() {
	local dir=$1 tmp
	shift
	[ -d "$dir" ] && return
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$dir.tmp.XXXXXX")
	CACHE_TMP+=("$tmp") # removed on exit if left behind by a failure
	"$@" "$tmp"
	mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
}
unpack_debs() { # unpack_debs DEB... DIR
	local d
	for d in "${@:1:$#-1}"; do dpkg -x "$d" "${!#}"; done
}
# Only what the harness uses from a kernel image: /boot and the Xen modules,
# plus boot/vmlinux: the ELF kernel inside the bzImage, decompressed here.
# Given a bzImage, Xen (for dom0) and xl (for the domU) decompress it, which
# under TCG costs seconds on every boot (7 s for Debian's xz-packed 6.1).
unpack_kernel() { # unpack_kernel DEB DIR
	local bz setup off len payload=$2/boot/payload
	dpkg-deb --fsys-tarfile "$1" |
		tar -x -C "$2" --wildcards './boot/*' './lib/modules/*/kernel/drivers/xen/*'
	bz=$(echo "$2"/boot/vmlinuz-*)
	# x86 boot protocol: setup_sects at 0x1f1 (512-byte sectors after the
	# boot sector), payload_offset and payload_length at 0x248; the payload
	# ends with 4 bytes that are not part of the compressed stream (the
	# decompressed size, for the kernel's own decompressor)
	setup=$(od -An -tu1 -j $((0x1f1)) -N 1 "$bz")
	read -r off len < <(od -An -tu4 -j $((0x248)) -N 8 "$bz")
	dd if="$bz" of="$payload" iflag=skip_bytes,count_bytes bs=1M \
		skip=$(((setup + 1) * 512 + off)) count=$((len - 4)) status=none
	case $(od -An -tx1 -N 4 "$payload" | tr -d ' ') in
	fd377a58) xz -dc "$payload" ;;
	28b52ffd) zstd -dcq "$payload" ;;
	*) die "$bz: unknown payload compression" ;;
	esac >"$2/boot/vmlinux"
	rm "$payload"
}
key() { sha256sum | cut -c1-16; }

# kernel_root VAR DEB: set VAR to the (cached) unpack directory of a
# linux-image .deb; the key covers the code that unpacks it, so a change to
# unpack_kernel unpacks again.  (Not in a $(...) subshell: cached() records
# its temporary directory for the caller's cleanup.)
kernel_root() {
	local dir
	dir=$XSB_CACHE/unpack/$(basename "$2" .deb)-$(declare -f unpack_kernel | key)
	cached "$dir" unpack_kernel "$2"
	[ -f "$dir/boot/vmlinux" ] || die "$2: unpacking failed"
	printf -v "$1" %s "$dir"
}
