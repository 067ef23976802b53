#!/bin/sh
# Smoke scenario of the disks, the modules, the workload image and the
# request service (runs as root inside the domU, busybox sh):
#   img=$(scripts/xen-qemu/workload-image.sh)
#   scripts/xen-qemu/run-domu.sh --kver 6.12 --scenario scripts/xen-qemu/workload-scenario.sh \
#       --files tests/domu/lib.sh --modules "squashfs ext4" \
#       --swap 128 --disk "$img" --scratch 256 --out out/workload
# Checks: the modules loaded, swap on xvdb, the workload image on xvdc with
# a writable ext4 scratch disk xvdd: gcc compiles and runs a C program,
# sqlite3 runs, a kernel module builds against the image's 6.12 headers;
# dom0_req "mem-set 400" moves the balloon target to 409600 KiB,
# dom0_req free answers. Prints "WORKLOAD PASS/FAIL <what>" lines and
# "FIGURE <name> <value>" timings; exits 0 when all checks pass.
. /lib.sh
XM=/sys/devices/system/xen_memory/xen_memory0
failed=0
ok() { echo "WORKLOAD PASS $1"; }
bad() { echo "WORKLOAD FAIL $1"; failed=1; }
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

echo "== kernel $(uname -r); modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
for m in squashfs ext4 xen_blkfront; do
	grep -q "^$m " /proc/modules && ok "module.$m" || bad "module.$m not loaded"
done

echo "== swap on /dev/xvdb"
if mkswap /dev/xvdb >/dev/null && swapon /dev/xvdb; then
	grep -q '^/dev/xvdb ' /proc/swaps && ok swapon || bad "swapon: not in /proc/swaps"
	cat /proc/swaps
else
	bad "mkswap/swapon /dev/xvdb"
fi

echo "== the workload image"
t=$(ms)
if workload_mount; then
	echo "FIGURE mount_and_mkfs_ms $(( $(ms) - t ))"
	df -k /w /w/work
	chroot /w gcc --version | head -n 1
	cat >/w/work/hello.c <<'EOF'
#include <stdio.h>
int main(void) { long s = 0; for (long i = 1; i <= 1000000; i++) s += i; printf("hello from gcc: %ld\n", s); return 0; }
EOF
	t=$(ms)
	if chroot /w gcc -O2 -o /work/hello /work/hello.c; then
		echo "FIGURE gcc_hello_ms $(( $(ms) - t ))"
		out=$(chroot /w /work/hello)
		echo "$out"
		[ "$out" = "hello from gcc: 500000500000" ] && ok gcc_compiles_and_runs || bad "hello printed '$out'"
	else
		bad "gcc failed"
	fi
	t=$(ms)
	out=$(chroot /w sqlite3 /work/t.db "create table t(x integer); with recursive c(i) as (select 1 union all select i + 1 from c where i < 10000) insert into t select i from c; select count(*), sum(x) from t;")
	echo "FIGURE sqlite_ms $(( $(ms) - t ))"
	[ "$out" = "10000|50005000" ] && ok sqlite3 || bad "sqlite3 printed '$out'"
	# a kernel module, built against the image's headers: a compile job
	hdr=$(ls -d /w/usr/src/linux-headers-*-amd64 2>/dev/null | head -n 1)
	mkdir -p /w/work/mod
	cat >/w/work/mod/hello_mod.c <<'EOF'
#include <linux/module.h>
static int __init hello_init(void) { return 0; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
EOF
	echo "obj-m := hello_mod.o" >/w/work/mod/Makefile
	t=$(ms)
	if [ -n "$hdr" ] && chroot /w make -s -C "${hdr#/w}" M=/work/mod modules >/tmp/kbuild.log 2>&1 &&
		[ -f /w/work/mod/hello_mod.ko ]; then
		echo "FIGURE kbuild_module_ms $(( $(ms) - t ))"
		ok kbuild_module
	else
		tail -n 5 /tmp/kbuild.log
		bad "the module did not build against ${hdr:-no headers}"
	fi
else
	bad workload_mount
fi

echo "== dom0's request service"
t=$(ms)
r=$(dom0_req "mem-set 400")
echo "FIGURE mem_set_reply_ms $(( $(ms) - t ))"
echo "$r"
[ "$r" = "mem-set 400 rc=0" ] && ok mem_set_reply || bad "mem-set replied '$r'"
wait_until 30 [ "$(cat $XM/target_kb)" = 409600 ] && ok target_kb_409600 ||
	bad "target_kb is $(cat $XM/target_kb), want 409600"
t=$(ms)
free=$(dom0_val free)
echo "FIGURE free_reply_ms $(( $(ms) - t ))"
echo "Xen free memory: $free MiB"
case $free in [1-9]*) ok free_answers ;; *) bad "free answered '$free'" ;; esac
r=$(dom0_req "no-such-request")
[ "$r" = "no-such-request rc=22 unknown request" ] && ok unknown_request_refused || bad "unknown request: '$r'"

echo "SCENARIO failed=$failed"
exit $failed
