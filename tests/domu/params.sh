# SPDX-License-Identifier: GPL-2.0
# The module parameters' bad-input matrix (busybox sh), sourced by
# tests/domu/module.sh with the module unloaded: params_matrix KO.
#
# The switches selfballooning, noselfballooning and noselfshrink take only
# the bare word, 0/1, y/n and Y/N (selfballoon_parse_boot_switch()).  For
# every other value insmod must fail with EINVAL, the kernel must log
# "`VALUE' invalid for parameter `NAME'", and nothing may stay behind: no
# module, no /sys/module/xen_selfballoon, no selfballoon group.  The valid
# values must load with the switch in the state they say, readable as Y/N in
# /sys/module/xen_selfballoon/parameters/.  Those files are 0444: writing
# them fails with EACCES for root and for uid 1000 alike.
#
# insmod is busybox's: it hands the kernel its arguments joined by spaces,
# so a value with spaces must be quoted for the kernel's own parser
# (kernel/params.c next_arg()); it prints strerror() of a failed load.

PARAMS_DIR=/sys/module/xen_selfballoon/parameters

# module_gone: no trace of the module is left
module_gone() {
	! grep -q '^xen_selfballoon ' /proc/modules &&
		[ ! -e /sys/module/xen_selfballoon ] && [ ! -e $SB ]
}

# bad_param KO PARAM NAME VALUE: insmod with PARAM=VALUE must fail with
# EINVAL and leave nothing behind; VALUE goes to the kernel in double quotes
bad_param() {
	bp_t="param.$2.$3"
	# the line the kernel logs (parse_args()); printk cuts a long one,
	# so a long value is matched by its first 64 bytes
	if [ ${#4} -le 64 ]; then
		bp_line="\`$4' invalid for parameter \`$2'"
	else
		bp_line="\`$(printf '%.64s' "$4")"
	fi
	bp_n0=$(dmesg | grep -cF "$bp_line")
	bp_err=$(insmod "$1" "$2=\"$4\"" 2>&1)
	bp_rc=$?
	check "$bp_t.insmod_fails" [ $bp_rc -ne 0 ]
	expect_eq "$bp_t.einval" "${bp_err##*: }" "Invalid argument"
	check "$bp_t.not_loaded" module_gone
	check "$bp_t.logged" [ "$(dmesg | grep -cF "$bp_line")" -gt "$bp_n0" ]
	# a failed load must not leave the module half there
	if ! module_gone; then rmmod xen_selfballoon 2>/dev/null; fi
}

# good_param KO ARG NAME WANT_SB WANT_PARAM PARAM: insmod with ARG loads;
# selfballooning reads WANT_SB and parameters/PARAM reads WANT_PARAM
good_param() {
	gp_t="param.valid.$3"
	insmod "$1" $2
	check "$gp_t.insmod_ok" [ $? -eq 0 ]
	expect_eq "$gp_t.selfballooning" "$(rd selfballooning 2>&1)" "$4"
	expect_eq "$gp_t.param_reads" "$(cat $PARAMS_DIR/$6 2>&1)" "$5"
	rmmod xen_selfballoon
	check "$gp_t.unloaded" module_gone
}

params_matrix() {
	pm_ko=$1
	pm_long=$(printf '%4096s' '' | tr ' ' 1)
	check param.start_unloaded module_gone
	# every kind on selfballooning; the three share one parser
	# (param_ops_selfballoon_switch), so a few on the other two
	for spec in "empty|" "space| " "space_1| 1" "1_space|1 " \
		    "suffix|5x" "negative|-1" "hex|0x10" "exponent|1e3" \
		    "two|2" "yes|yes" "on|on" "01|01" \
		    "uint_max|4294967295" "uint_max_plus_1|4294967296" \
		    "2pow64|18446744073709551616" "long_4096|$pm_long"; do
		bad_param "$pm_ko" selfballooning "${spec%%|*}" "${spec#*|}"
	done
	for p in noselfballooning noselfshrink; do
		for spec in "empty|" "exponent|1e3" "yes|yes" "long_4096|$pm_long"; do
			bad_param "$pm_ko" $p "${spec%%|*}" "${spec#*|}"
		done
	done

	# the valid spellings, each on selfballooning (Xen 4.17: no tmem,
	# so only the switch turns it on)
	good_param "$pm_ko" selfballooning bare 1 Y selfballooning
	good_param "$pm_ko" selfballooning=1 1 1 Y selfballooning
	good_param "$pm_ko" selfballooning=y y 1 Y selfballooning
	good_param "$pm_ko" selfballooning=Y Y 1 Y selfballooning
	good_param "$pm_ko" selfballooning=0 0 0 N selfballooning
	good_param "$pm_ko" selfballooning=n n 0 N selfballooning
	good_param "$pm_ko" selfballooning=N N 0 N selfballooning
	good_param "$pm_ko" "selfballooning noselfballooning=y" noselfballooning_y_wins 0 Y noselfballooning
	good_param "$pm_ko" "selfballooning noselfballooning=0" noselfballooning_0 1 N noselfballooning
	good_param "$pm_ko" "noselfshrink=Y" noselfshrink_Y 0 Y noselfshrink
	good_param "$pm_ko" "selfballooning=1 selfballooning=0" last_one_wins 0 N selfballooning

	# the parameter files are read-only, for root as for anyone
	insmod "$pm_ko" selfballooning
	for p in selfballooning noselfballooning noselfshrink; do
		expect_eq "param.file.$p.mode" "$(stat -c %a $PARAMS_DIR/$p)" 444
		pm_before=$(cat $PARAMS_DIR/$p)
		pm_err=$(try_write $PARAMS_DIR/$p 0)
		expect_eq "param.file.$p.root_write_refused" "$pm_err" "Permission denied"
		pm_err=$(as_user "printf 0 > $PARAMS_DIR/$p" 2>&1 | sed 's/.*: //')
		expect_eq "param.file.$p.nonroot_write_refused" "$pm_err" "Permission denied"
		expect_eq "param.file.$p.unchanged" "$(cat $PARAMS_DIR/$p)" "$pm_before"
	done
	expect_eq param.file.switch_unchanged "$(rd selfballooning)" 1
	rmmod xen_selfballoon
	check param.end_unloaded module_gone
}
