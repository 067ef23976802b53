#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# (functions called through cached() are reachable)
# shellcheck disable=SC2317
# Build the domU's workload image, once: a Debian bookworm tree (mmdebstrap,
# minbase) with a C toolchain, sqlite3, e2fsprogs and the headers of the
# newest Debian 6.12 kernel (so that building a kernel module is a
# realistic compile job in the guest), packed into a squashfs image.
# Prints the image's path. See "A workload image" in README.md beside this
# file.
#
#   scripts/xen-qemu/workload-image.sh [--comp zstd|xz]
#
# The image is cached as $XSB_CACHE/images/workload-<key>/workload.squashfs,
# keyed by the package list (with the kernel release), the compressor and
# this script.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/deps.sh
. "$HERE/../lib/deps.sh"
# shellcheck source=kernels.sh
. "$HERE/kernels.sh"
die() { echo "workload-image: $*" >&2; exit 2; }
trap 'rm -rf "${CACHE_TMP[@]}"' EXIT

COMP=zstd
while [ $# -gt 0 ]; do
	case $1 in
	--comp) [ $# -ge 2 ] || die "missing value for --comp"; COMP=$2; shift 2 ;;
	-h|--help) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option $1" ;;
	esac
done
case $COMP in
zstd) COMP_ARGS=(-comp zstd -Xcompression-level 19) ;;
xz) COMP_ARGS=(-comp xz -Xbcj x86) ;;
*) die "--comp must be zstd or xz (both are in Debian's squashfs.ko)" ;;
esac

KVER=$(deps_kver 6.12)
PKGS=(gcc make libc6-dev sqlite3 e2fsprogs "linux-headers-$KVER")
KPKG_VERSION=$(apt-cache show "linux-headers-$KVER" | sed -n 's/^Version: //p' | head -n 1)
[ -n "$KPKG_VERSION" ] || die "no linux-headers-$KVER in apt"
# The headers package depends on the kernel image (which would bring its
# modules, an initramfs and udev): a stand-in package of the same name is
# installed with them (apt prefers the real package to one that only
# provides it). The standalone LTO dumper of gcc goes as well. Documentation, man pages and locales are deleted
# afterwards (dpkg's path-exclude made the unpacking of passwd fail in
# mmdebstrap's setup).
DELETE=(usr/share/doc usr/share/man usr/share/info usr/share/locale usr/share/lintian
	usr/share/doc-base usr/share/bug var/cache/apt var/lib/apt/lists var/log)
RM_FILES=(usr/bin/x86_64-linux-gnu-lto-dump-12 usr/bin/lto-dump-12)

build_image() { # build_image DIR
	local out=$1 d
	local root=$out/root fake=$out/fake
	mkdir -p "$fake/DEBIAN"
	# the headers want the image of their own version
	printf '%s\n' "Package: linux-image-$KVER" "Version: $KPKG_VERSION" "Architecture: amd64" \
		"Maintainer: xen-selfballoon harness <root@localhost>" \
		"Description: stands in for the kernel image, so that its headers install alone" \
		>"$fake/DEBIAN/control"
	dpkg-deb --build "$fake" "$out/xsb-kernel-stand-in.deb" >&2
	# the host's own apt sources (deb822): the kernel headers come from
	# bookworm-security. apt hands dpkg in the chroot the host's path of the
	# local .deb: a copy waits there.
	mmdebstrap --variant=minbase --include="$(IFS=,; echo "${PKGS[*]}")" \
		--include="$out/xsb-kernel-stand-in.deb" \
		--setup-hook="mkdir -p \"\$1$out\" && cp '$out/xsb-kernel-stand-in.deb' \"\$1$out/\"" \
		bookworm "$root" /etc/apt/sources.list.d/debian.sources </dev/null >&2
	rm -rf "${root:?}/${out#/}"
	for d in "${RM_FILES[@]}"; do rm -f "${root:?}/$d"; done
	for d in "${DELETE[@]}"; do
		rm -rf "${root:?}/$d"
		mkdir -p "$root/$d"
	done
	# the mount point of the scratch disk (workload_mount in tests/domu/lib.sh)
	mkdir -p "$root/work"
	mksquashfs "$root" "$out/workload.squashfs" -noappend -quiet "${COMP_ARGS[@]}" >&2
	rm -rf "$root" "$fake" "$out/xsb-kernel-stand-in.deb"
}

KEY=$( { printf '%s\n' "${PKGS[@]}" "$KPKG_VERSION" "$COMP"; sha256sum "$0"; } | key)
DIR=$XSB_CACHE/images/workload-$KEY
if [ ! -d "$DIR" ]; then
	deps_apt mmdebstrap squashfs-tools
	t0=$SECONDS
	cached "$DIR" build_image
	echo "workload-image: built $DIR/workload.squashfs ($(du -m "$DIR/workload.squashfs" | cut -f1) MiB) in $((SECONDS - t0)) s" >&2
fi
echo "$DIR/workload.squashfs"
