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
#   kernel_modules VAR DEB KVER "NAME ..."
#                            set VAR to a directory with the named modules of
#                            DEB and all they need, decompressed, and their
#                            load order (run-domu.sh --modules; cached)

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

# Kernel modules for a domU (run-domu.sh --modules).  A linux-image .deb has
# no modules.dep (Debian's postinst runs depmod): module_index makes it, once
# per package, by running depmod over the package's unpacked modules, and
# keeps modules.dep, modules.softdep, modules.alias and modules.builtin.
module_index() { # module_index DEB KVER DIR
	local t=$3/tree
	mkdir -p "$t"
	dpkg-deb --fsys-tarfile "$1" | tar -x -C "$t" "./lib/modules/$2"
	depmod -b "$t" "$2"
	cp "$t/lib/modules/$2"/modules.{dep,softdep,alias,builtin} "$3/"
	rm -rf "$t"
}

# The load plan for a list of module names, from module_index's files: one
# line per module to load, dependencies first, "load NAME PATH" (NAME with
# '_' for '-', PATH relative to /lib/modules/KVER), plus "builtin NAME" for
# a name that is built into the kernel and "missing NAME" for one that is
# nowhere. A name that is no module may be an alias. Each module's "pre:"
# soft dependencies (ext4 and jbd2 want crypto-crc32c) are loaded before it,
# an alias with several modules by its *_generic one (crc32c-intel needs
# SSE4.2, which -cpu qemu64 does not have).
# shellcheck disable=SC2016
MODULE_PLAN_AWK='
function norm(p) { sub(/.*\//, "", p); sub(/\.ko(\.[a-z]+)?$/, "", p); gsub(/-/, "_", p); return p }
function resolve(s,   c, k, n, best, m) {
	m = norm(s)
	if ((m in P) || (m in B) || !(s in A)) return m
	n = split(A[s], c, " "); best = c[1]
	for (k = 1; k <= n; k++) if (c[k] ~ /_generic$/) best = c[k]
	return best
}
function visit(m, required,   k, n, parts) {
	if (m in seen) return
	seen[m] = 1
	if (!(m in P)) {
		if (m in B) print "builtin", m
		else if (required) print "missing", m
		return
	}
	n = split(S[m], parts, " ")
	for (k = 1; k <= n; k++) visit(resolve(parts[k]), 0)
	n = split(D[m], parts, " ")
	for (k = 1; k <= n; k++) visit(parts[k], 1)
	print "load", m, P[m]
}
FILENAME ~ /modules\.dep$/ {
	p = $1; sub(/:$/, "", p); m = norm(p); P[m] = p
	for (i = 2; i <= NF; i++) D[m] = D[m] " " norm($i)
}
FILENAME ~ /modules\.softdep$/ && $1 == "softdep" {
	m = norm($2); pre = 0
	for (i = 3; i <= NF; i++)
		if ($i == "pre:") pre = 1; else if ($i == "post:") pre = 0; else if (pre) S[m] = S[m] " " $i
}
FILENAME ~ /modules\.alias$/ && $1 == "alias" { A[$2] = A[$2] " " $3 }
FILENAME ~ /modules\.builtin$/ { B[norm($0)] = 1 }
END { n = split(names, L, " "); for (i = 1; i <= n; i++) visit(resolve(L[i]), 1) }'

# module_extract DEB KVER INDEX "NAME ..." DIR: the plan's modules out of
# DEB into DIR as NAME.ko, decompressed (6.12 ships .ko.xz, which busybox's
# insmod cannot read); DIR/order: their names in load order; DIR/builtin:
# the names that are built in
module_extract() {
	local deb=$1 kver=$2 idx=$3 names=$4 out=$5 plan what name path
	local -a paths=()
	plan=$(awk -v names="$names" "$MODULE_PLAN_AWK" "$idx"/modules.{dep,softdep,alias,builtin})
	if grep -q '^missing ' <<<"$plan"; then
		die "--modules: no module $(sed -n 's/^missing //p' <<<"$plan" | tr '\n' ' ')in $kver"
	fi
	while read -r what name path; do
		[ "$what" = load ] && paths+=("./lib/modules/$kver/$path")
	done <<<"$plan"
	mkdir -p "$out/tree"
	: >"$out/order"
	: >"$out/builtin"
	[ ${#paths[@]} -eq 0 ] || dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out/tree" "${paths[@]}"
	while read -r what name path; do
		case $what in
		builtin) echo "$name" >>"$out/builtin"; continue ;;
		load) ;;
		*) continue ;;
		esac
		path=$out/tree/lib/modules/$kver/$path
		case $path in
		*.xz) xz -dc "$path" ;;
		*.zst) zstd -dcq "$path" ;;
		*.gz) zcat "$path" ;;
		*) cat "$path" ;;
		esac >"$out/$name.ko"
		echo "$name" >>"$out/order"
	done <<<"$plan"
	rm -rf "$out/tree"
}

# kernel_modules VAR DEB KVER "NAME ...": set VAR to a directory with the
# named modules and all they need, decompressed, and their load order
# (module_extract); cached per package and module list
kernel_modules() {
	local idx dir
	idx=$XSB_CACHE/unpack/$(basename "$2" .deb)-modindex-$(declare -f module_index | key)
	cached "$idx" module_index "$2" "$3"
	dir=$XSB_CACHE/modules/$3-$( { echo "${2##*/} $4"; echo "$MODULE_PLAN_AWK"; declare -f module_extract; } | key)
	cached "$dir" module_extract "$2" "$3" "$idx" "$4"
	printf -v "$1" %s "$dir"
}
