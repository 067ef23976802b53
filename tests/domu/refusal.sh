# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
# Refusal scenario (busybox sh, as root): xen_selfballoon must refuse to load
# where it has no business, with -ENODEV, one log line saying why, and
# nothing left behind.  It runs
#   - in dom0, as scripts/xen-qemu/run-domu.sh --dom0-scenario: the module
#     must say "selfballooning is for guests; refusing to run in dom0";
#   - on bare (emulated) hardware, as scripts/plain-qemu.sh --scenario: it
#     must say "not running on Xen; refusing to load".
# Which of the two applies is read from the system (/proc/xen/capabilities,
# /sys/hypervisor/type) and reported as TEST PASS env.dom0 or env.not_xen,
# which the host (scripts/refusal-tests.sh) requires for the run it started;
# anything else (a domU) fails.
#
# Needs: /lib.sh (tests/domu/lib.sh), exactly one /*.ko (the module under
# test, normally /xen_selfballoon.ko), and kmod's insmod as /usr/bin/insmod:
# busybox's insmod retries a failed finit_module() with init_module(), which
# runs the module's init a second time (and logs its refusal twice).

# shellcheck source=lib.sh
. /lib.sh

INSMOD=/usr/bin/insmod
set -- /*.ko
KO=$1
MOD=$(basename "$KO" .ko)
selfballoon_lines() { grep 'xen:selfballoon:' || true; }

# --- where are we ---------------------------------------------------------
hv=$(cat /sys/hypervisor/type 2>/dev/null)
if grep -qw control_d /proc/xen/capabilities 2>/dev/null; then
	ENV=dom0
	WANT="xen:selfballoon: selfballooning is for guests; refusing to run in dom0"
	pass env.dom0
elif [ "$hv" != xen ]; then
	ENV=not_xen
	WANT="xen:selfballoon: not running on Xen; refusing to load"
	pass env.not_xen
else
	fail env.dom0_or_not_xen "a Xen guest (hypervisor type '$hv', no control_d): nothing to refuse"
	echo "SCENARIO failures=$FAILS"
	exit 1
fi
echo "REFUSAL env=$ENV kernel=$(uname -r) module=$KO hypervisor=${hv:-none}"

check env.one_module_to_test [ $# -eq 1 -a -f "$KO" ]
if "$INSMOD" --version 2>/dev/null | grep -q '^kmod version'; then
	pass env.kmod_insmod
else
	fail env.kmod_insmod "$INSMOD is not kmod's insmod"
fi
check env.module_not_loaded_before [ ! -e "/sys/module/$MOD" ]
if [ $ENV = dom0 ]; then
	# the balloon driver runs in dom0 too: the group would go in here
	check env.xen_memory0_present [ -d "$XM" ]
else
	check env.no_xen_memory0 [ ! -e "$XM" ]
fi

# --- the load is refused ------------------------------------------------------
# refuse ATTEMPT: one insmod, checked
# (the kernel log is cleared first: counting lines of a full ring buffer
# would not find the new ones)
refuse() {
	dmesg -c >/dev/null
	out=$("$INSMOD" "$KO" 2>&1)
	rc=$?
	echo "insmod rc=$rc: $out"
	log=$(dmesg)
	lines=$(echo "$log" | selfballoon_lines)
	echo "new kernel log lines:"
	echo "$log" | sed 's/^/  | /'

	check "$1.insmod_fails" [ $rc -ne 0 ]
	case $out in
	*"No such device"*) pass "$1.insmod_enodev" ;;
	*) fail "$1.insmod_enodev" "insmod said '$out' (rc $rc), want No such device (ENODEV)" ;;
	esac
	expect_eq "$1.one_log_line" "$(echo "$lines" | grep -c .)" 1
	case $lines in
	*"$WANT") pass "$1.log_line_says_why" ;;
	*) fail "$1.log_line_says_why" "got '$lines', want '... $WANT'" ;;
	esac
	bad=$(echo "$log" | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace' | head -n 3)
	if [ -z "$bad" ]; then pass "$1.no_warn_bug_oops"; else fail "$1.no_warn_bug_oops" "$bad"; fi

	check "$1.no_selfballoon_group" [ ! -e "$XM/selfballoon" ]
	found=$(find /sys/devices/system /sys/module -name '*selfballoon*' 2>/dev/null | head -n 3)
	expect_eq "$1.nothing_named_selfballoon_in_sysfs" "$found" ""
	check "$1.module_not_loaded" [ ! -e "/sys/module/$MOD" ]
	if grep -q "^$MOD " /proc/modules; then
		fail "$1.not_in_proc_modules" "$(grep "^$MOD " /proc/modules)"
	else
		pass "$1.not_in_proc_modules"
	fi
}

refuse first
# the refusal leaves nothing behind that would change a second attempt
refuse second

echo "SCENARIO failures=$FAILS"
[ "$FAILS" -eq 0 ]
