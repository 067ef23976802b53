# SPDX-License-Identifier: GPL-2.0
# domU scenario: the selfballoon driver built into the guest's kernel
# (CONFIG_XEN_SELFBALLOONING=y, the series of scripts/patches.sh).
#
# Runs as /scenario.sh in a guest started with memory=512 MiB, maxmem=1024
# MiB.  The boot switches under test are on the kernel command line; the
# scenario reads them from /proc/cmdline, so one file covers every boot:
#   (none)                            selfballooning 0, no tick
#   selfballooning                    1, ticks advance
#   selfballooning noselfballooning   0 (noselfballooning wins)
#   noselfshrink                      frontswap_selfshrinking 0,
#                                     selfballooning as without it
# Xen 4.17 has no tmem, so nothing starts by default.
#
# Then a short balloon check (selfballooning switched on through sysfs if
# the boot left it off): the target steps down from the current size tick
# by tick as upstream's arithmetic says, settles on the floor, the balloon
# follows, and switching off hands the target back to the toolstack.  One
# "FIGURES" line reports the settled goal and floor, for comparing builds.
#
# With /xen_selfballoon.ko present (a kernel without the built-in driver)
# the module is loaded first, its switches taken from the same command
# line words, and everything else runs unchanged: that is the module side
# of the comparison (scripts/intree.sh compare).
# Every assertion prints TEST PASS/FAIL (tests/domu/lib.sh).

. /lib.sh

KO=/xen_selfballoon.ko
TOOLSTACK_KB=524288	# memory = 512 in the xl config: xenstore memory/target
CMDLINE=$(cat /proc/cmdline)

# boot_bool WORD: the value the driver's switch parser
# (selfballoon_parse_boot_switch()) gives the bool parameter WORD on this
# command line: 1 for the bare "WORD" or WORD=1/y/Y, 0 for WORD=0/n/N, the
# last valid one winning (the kernel refuses any other value and leaves the
# switch as it was); empty when absent
boot_bool() {
	v=
	for w in $CMDLINE; do
		case $w in
		"$1"|"$1="[1yY]) v=1 ;;
		"$1="[0nN]) v=0 ;;
		esac
	done
	echo "$v"
}
SB_ARG=$(boot_bool selfballooning)
NOSB_ARG=$(boot_bool noselfballooning)
NOSHRINK_ARG=$(boot_bool noselfshrink)
# Xen 4.17 has no tmem: only the switch starts selfballooning
WANT_SB=0
[ "${SB_ARG:-0}" = 1 ] && [ "${NOSB_ARG:-0}" != 1 ] && WANT_SB=1
echo "PHASE boot switches: selfballooning=${SB_ARG:--} noselfballooning=${NOSB_ARG:--} noselfshrink=${NOSHRINK_ARG:--}; expect selfballooning $WANT_SB"

# --- the group: there at boot (built in), or after insmod (module) ----------
if [ -e $KO ]; then
	MODE=module
	args=
	for p in selfballooning noselfballooning noselfshrink; do
		v=$(boot_bool $p)
		[ -n "$v" ] && args="$args $p=$v"
	done
	check module.insmod_ok insmod $KO $args
else
	MODE=builtin
	check builtin.group_exists_without_insmod [ -d $SB ]
	check builtin.no_module_loaded [ -z "$(cat /proc/modules 2>/dev/null)" ]
	# the words are core parameters: /sys/module/kernel/parameters/
	for p in selfballooning noselfballooning noselfshrink; do
		v=$(boot_bool $p)
		want=N; [ "$v" = 1 ] && want=Y
		expect_eq "builtin.param.$p" \
			"$(cat /sys/module/kernel/parameters/$p 2>&1)" $want
	done
fi
[ -d $SB ] || { echo "SCENARIO failures=$((FAILS + 1)) (no $SB)"; exit 1; }
memtotal_kb=$(meminfo_kb MemTotal)

check_modes

# --- defaults, and what the boot switches did -------------------------------
expect_eq boot.selfballooning "$(rd selfballooning)" $WANT_SB
expect_eq boot.frontswap_selfshrinking "$(rd frontswap_selfshrinking)" 0
expect_eq default.interval "$(rd selfballoon_interval)" 5
expect_eq default.downhysteresis "$(rd selfballoon_downhysteresis)" 8
expect_eq default.uphysteresis "$(rd selfballoon_uphysteresis)" 1
expect_eq default.min_usable_mb "$(rd selfballoon_min_usable_mb)" 0
expect_eq default.frontswap_hysteresis "$(rd frontswap_hysteresis)" 20
expect_eq default.frontswap_inertia "$(rd frontswap_inertia)" 3
# 10% of totalram_pages() when the driver started, in MiB.  Built in, that
# is at subsys_initcall, before the kernel's init memory and the initramfs
# are freed: MemTotal has grown since, by a few MiB at most.
AUTO_RESERVED=$(rd selfballoon_reserved_mb)
want=$(( memtotal_kb / 1024 / 10 ))
check default.reserved_mb_is_10pct_of_ram \
	[ "$AUTO_RESERVED" -le $want -a "$AUTO_RESERVED" -ge $((want - 1)) ]
onoff=off; [ $WANT_SB = 1 ] && onoff=on
dmesg | grep -q "xen:selfballoon: selfballooning $onoff, frontswap self-shrinking off (tmem absent, reserve [0-9]* MiB, policy committed)" &&
	pass boot.log_line ||
	fail boot.log_line "want 'selfballooning $onoff ... tmem absent': $(dmesg | grep 'xen:selfballoon')"
[ "$(dmesg | grep -c 'xen:selfballoon: selfballooning')" = 1 ] &&
	pass boot.one_log_line || fail boot.one_log_line "$(dmesg | grep 'xen:selfballoon')"

# ticks: they advance (interval 5 s) only when selfballooning is on
if [ $WANT_SB = 1 ]; then
	# the grace period (15 s) counts from the driver's start, early in
	# boot (or the insmod): ticks before its end cut nothing
	up=$(cut -d. -f1 /proc/uptime)
	cuts=$(rd target_cuts)
	if [ "$up" -lt 14 ]; then
		expect_eq boot.grace_no_cut_in_the_first_15_s "$cuts" 0
	fi
	wait_ticks 2 15 && pass boot.ticks_advance ||
		fail boot.ticks_advance "ticks $(rd ticks) after 15 s"
	check boot.target_set_by_ticks [ "$(rd last_target_kb)" -gt 0 ]
else
	expect_eq boot.no_ticks_while_off "$(rd ticks)" 0
	sleep 6
	expect_eq boot.still_no_ticks_after_an_interval "$(rd ticks)" 0
	expect_eq boot.target_untouched "$(cat $XM/target_kb)" $TOOLSTACK_KB
fi

# frontswap self-shrinking cannot start: no frontswap in this kernel
err=$(try_write $SB/frontswap_selfshrinking 1)
expect_eq frontswap.enable_is_eopnotsupp "$err" "Operation not supported"
expect_eq frontswap.still_off "$(rd frontswap_selfshrinking)" 0

# --- the KUnit suites of the policy, run at boot (CONFIG_KUNIT=y) -----------
if [ -d /sys/kernel/debug/kunit ]; then
	n=0
	for d in /sys/kernel/debug/kunit/*/; do
		s=$(basename "$d")
		n=$((n + 1))
		if grep -q '^ *not ok' "$d/results" || ! grep -q "^ok .* $s\$" "$d/results"; then
			fail "kunit.$s" "$(grep -E '^ *(not )?ok|# Totals' "$d/results" | tail -n 5)"
		else
			pass "kunit.$s ($(sed -n 's/.*# Totals: //p' "$d/results" | tail -n 1))"
		fi
	done
	check kunit.suites_ran [ $n -ge 1 ]
fi

# --- balloon check: the target decays with the tick arithmetic --------------
# (no grace period: the boot's may not be over yet)
try_write $SB/selfballoon_grace_s 0 >/dev/null
# checked tick by tick: no early tick (which holds cuts) in between
try_write $SB/selfballoon_early_ticks 0 >/dev/null
try_write $SB/selfballoon_interval 1 >/dev/null
try_write $SB/selfballooning 1 >/dev/null
expect_eq balloon.selfballooning_on "$(rd selfballooning)" 1
wait_ticks 1 3 || fail balloon.tick_within_interval "no tick within 3 s"
snap
check balloon.goal_below_current [ "$T_GOAL" -lt "$T_CURRENT" ]
expect_ge balloon.goal_covers_committed_plus_reserved "$T_GOAL" \
	$(( T_COMMITTED + AUTO_RESERVED * 1024 ))
cuts0=$(rd target_cuts)
verify_ticks 6 balloon.decay
check balloon.cuts_counted [ $(( $(rd target_cuts) - cuts0 )) -ge 1 ]
settle_on_floor 60 5
expect_eq balloon.settles_on_floor "$T_TARGET" "$T_FLOOR"
wait_balloon 30 && pass balloon.balloon_followed_target ||
	fail balloon.balloon_followed_target "current $(cat $XM/info/current_kb) target $(cat $XM/target_kb)"
verify_ticks 2 balloon.settled

# The floor the default curve gives (upstream's, in pages) for a max_pfn
# and the totalreserve_pages read from /proc/zoneinfo: per zone its high
# watermark plus its largest lowmem reserve, at most its managed pages
# (calculate_totalreserve_pages()).  Built in, the driver uses the real
# max_pfn (the end of RAM in /proc/iomem); the module uses
# get_num_physpages() (the present pages in /proc/zoneinfo).
totalreserve_pages() {
	awk 'function flush() { if (z) { r = h + p; if (r > m) r = m; t += r } }
	     /^Node .*, zone/ { flush(); z = 1; h = 0; p = 0; m = 0 }
	     $1 == "high" { h = $2 }
	     $1 == "managed" { m = $2 }
	     $1 == "protection:" { gsub(/[(),]/, " "); for (i = 2; i <= NF; i++) if ($i + 0 > p) p = $i + 0 }
	     END { flush(); print t + 0 }' /proc/zoneinfo
}
# curve_floor MAX_PFN RESERVE: pages
curve_floor() {
	u=$(( $1 > $2 ? $1 - $2 : 0 )); M=256
	if [ $u -lt $((16 * M)) ]; then f=$1
	elif [ $u -lt $((64 * M)) ]; then f=$(( $2 + 16 * M + (u - 16 * M) / 2 ))
	elif [ $u -lt $((512 * M)) ]; then f=$(( $2 + 40 * M + (u - 40 * M) / 8 ))
	else f=$(( $2 + 99 * M + (u - 99 * M) / 32 )); fi
	[ $f -gt $1 ] && f=$1
	echo $f
}

# what the comparison of the two builds needs (goal and floor in balloon
# terms; present pages and the end of RAM to explain max_pfn's share)
snap
present_kb=$(awk '$1 == "present" { s += $2 } END { print s * 4 }' /proc/zoneinfo)
reserve_pages=$(totalreserve_pages)
ram_end=$(sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\2/p' /proc/iomem | tail -n 1)
ram_end_kb=$(( (0x${ram_end:-0} + 1) / 1024 ))
memtotal_kb=$(meminfo_kb MemTotal)
# the floor in balloon terms, as the driver reports it, for either max_pfn
offset_kb=$(( T_CURRENT - memtotal_kb ))
floor_maxpfn_kb=$(( $(curve_floor $((ram_end_kb / 4)) $reserve_pages) * 4 + offset_kb ))
floor_present_kb=$(( $(curve_floor $((present_kb / 4)) $reserve_pages) * 4 + offset_kb ))
echo "FIGURES mode=$MODE kernel=$(uname -r) memtotal_kb=$memtotal_kb reserved_mb=$AUTO_RESERVED committed_kb=$T_COMMITTED current_kb=$T_CURRENT goal_kb=$T_GOAL floor_kb=$T_FLOOR target_kb=$T_TARGET totalreserve_kb=$((reserve_pages * 4)) present_kb=$present_kb ram_end_kb=$ram_end_kb curve_floor_max_pfn_kb=$floor_maxpfn_kb curve_floor_present_kb=$floor_present_kb"
if [ $MODE = builtin ]; then
	expect_near balloon.floor_is_curve_of_max_pfn "$T_FLOOR" $floor_maxpfn_kb 8
else
	expect_near balloon.floor_is_curve_of_present_pages "$T_FLOOR" $floor_present_kb 8
fi

# min_usable_mb moves the floor by exactly the MiB written
try_write $SB/selfballoon_min_usable_mb 300 >/dev/null
wait_ticks 2 8; snap; f300=$T_FLOOR
try_write $SB/selfballoon_min_usable_mb 200 >/dev/null
wait_ticks 2 8; snap; f200=$T_FLOOR
expect_eq balloon.min_usable_mb_moves_floor_by_100MiB $(( f300 - f200 )) 102400
try_write $SB/selfballoon_min_usable_mb 0 >/dev/null

# switching off: ticks stop, the toolstack's target is back
try_write $SB/selfballooning 0 >/dev/null
tk0=$(rd ticks); sleep 3
expect_eq balloon.off_ticks_stop "$(rd ticks)" "$tk0"
expect_eq balloon.off_target_back_to_toolstack "$(cat $XM/target_kb)" $TOOLSTACK_KB
wait_balloon 60 && pass balloon.off_balloon_back ||
	fail balloon.off_balloon_back "current $(cat $XM/info/current_kb) target $(cat $XM/target_kb)"

dmesg_clean end.no_warn_bug_oops
echo "SCENARIO failures=$FAILS"
[ $FAILS -eq 0 ]
