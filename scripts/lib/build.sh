# shellcheck shell=bash
# Build the module out of tree for one Debian kernel series.  Source it after
# deps.sh:
#
#   build_module SERIES [KBUILD-ARGS...]   build xen_selfballoon.ko against
#       the newest Debian headers of SERIES (6.1 or 6.12) in
#       $XSB_CACHE/build/<kver>/, print the .ko path on stdout and leave the
#       build log in $XSB_CACHE/build/<kver>.log
#
#   build_burst_alloc OUT   build tests/domu/burst-alloc.c static (the
#       domU has no C library) as OUT
#
# The sources are copied with their content compared (cp only on change), so
# kbuild sees real edits and nothing lands in the work tree.

XSB_TOP=${XSB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# the module's sources: Makefile, Kconfig and every top-level .c and .h
xsb_sources() { (cd "$XSB_TOP" && echo Makefile Kconfig ./*.c ./*.h); }

# sync_sources DIR: copy the module's sources into DIR where they differ
sync_sources() {
	local dir=$1 f
	mkdir -p "$dir/tests"
	for f in $(xsb_sources) $(cd "$XSB_TOP" && ls tests/*-kunit.h 2>/dev/null); do
		cmp -s "$XSB_TOP/$f" "$dir/$f" || cp "$XSB_TOP/$f" "$dir/$f"
	done
}

build_module() {
	local series=$1 hdr kver dir
	shift
	hdr=$(deps_headers "$series") || return 1
	kver=${hdr##*/linux-headers-}
	dir=$XSB_CACHE/build/$kver
	sync_sources "$dir"
	deps_apt make gcc
	if ! make -C "$hdr" M="$dir" "$@" modules >"$dir.log" 2>&1; then
		cat "$dir.log" >&2
		return 1
	fi
	echo "$dir/xen_selfballoon.ko"
}

build_burst_alloc() {
	deps_apt gcc libc6-dev >&2 || return 1
	mkdir -p "$(dirname "$1")"
	gcc -O2 -Wall -Wextra -Werror -static -o "$1" "$XSB_TOP/tests/domu/burst-alloc.c"
}
