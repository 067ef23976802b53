# shellcheck shell=bash
# Helpers to assemble busybox initramfs trees; sourced by run-domu.sh.
#
#   initramfs_skeleton ROOT        fresh tree with a static /bin/busybox; the
#                                  /init must run `/bin/busybox --install -s`
#                                  (with /proc mounted) to create the applet
#                                  links: one process, instead of ~270 `ln`s here
#   initramfs_copy_elf SRC DST ROOT
#                                  copy an ELF to ROOT/DST with every shared
#                                  library it needs (resolved by ldd, so callers
#                                  set LD_LIBRARY_PATH for unpacked libraries)
#   initramfs_pack ROOT OUT        write ROOT as a newc cpio archive, gzip'd
#                                  (fast level) if OUT ends in .gz

initramfs_skeleton() {
	local root=$1
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,etc,var,root,lib64,lib/x86_64-linux-gnu}
	cp /bin/busybox "$root/bin/busybox"
	ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
}

initramfs_copy_elf() {
	local src=$1 dst=$2 root=$3 libs lib
	mkdir -p "$root/$(dirname "$dst")" "$root/lib/x86_64-linux-gnu"
	cp -L "$src" "$root/$dst"
	# ldd exits 1 on a static binary: nothing more to copy then
	libs=$(ldd "$src" 2>&1) || return 0
	if grep -q 'not found' <<<"$libs"; then
		echo "initramfs: $src needs libraries missing here:" >&2
		grep 'not found' <<<"$libs" >&2
		return 1
	fi
	# "name => /path (addr)" lines and the loader's own "/lib64/ld-... (addr)"
	# line. libgcc_s is dlopen()ed by glibc's pthread_cancel/pthread_exit
	# (xl's daemonised child needs it), and ldd does not list it.
	for lib in $(awk '/=> \// {print $3} /^\t\// {print $1}' <<<"$libs") \
		/lib/x86_64-linux-gnu/libgcc_s.so.1; do
		[ -e "$root/lib/x86_64-linux-gnu/${lib##*/}" ] ||
			cp -L "$lib" "$root/lib/x86_64-linux-gnu/"
	done
}

initramfs_pack() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) |
		if [[ $2 == *.gz ]]; then gzip -1; else cat; fi >"$2"
}
