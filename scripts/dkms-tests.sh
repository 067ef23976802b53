#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
# The dkms tier: the package as DKMS installs it.  Copies the files the
# build needs to /usr/src/xen-selfballoon-<version> (the version is
# PACKAGE_VERSION in dkms.conf), then
#   dkms add; dkms build -k <6.12>; dkms build -k <6.1>; dkms install -k <6.12>
# against Debian's headers (newest 6.1 and 6.12 releases, as deps_kver), and
# checks the installed module with modinfo (name, description, GPL licence,
# author, every parameter described, vermagic, no alias: nothing autoloads
# it), then dkms remove --all and checks that nothing is left.  Installing
# into /lib/modules/<kver>/ of a kernel that is not running loads nothing.
#
# Everything the run creates on the host is removed again, also when it
# fails or is interrupted (an EXIT trap; a leftover of an interrupted run is
# cleared at the start): the source tree, the dkms tree, the installed
# module, files depmod created, and dkms' signing key pair if this run made
# it.  A /usr/src/xen-selfballoon-<version> this script did not create
# (no .xsb-dkms-test marker) is left alone and the tier fails.
#
# Prints "PASS dkms <name>" / "FAIL dkms <name>: <why>"; exits non-zero on
# any failure.
#
# usage: scripts/dkms-tests.sh
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/deps.sh
. "$TOP/scripts/lib/deps.sh"
# shellcheck source=lib/build.sh
. "$TOP/scripts/lib/build.sh"

NAME=xen-selfballoon
MOD=xen_selfballoon
PARAMS="selfballooning noselfballooning noselfshrink"
VER=$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$TOP/dkms.conf")
SRC=/usr/src/$NAME-$VER
MARK=.xsb-dkms-test
OUT=$TOP/out/dkms
LOG=$OUT/dkms.log
mkdir -p "$OUT" "$XSB_CACHE"
: >"$LOG"

. "$TOP/scripts/lib/report.sh"
report_init dkms
# check NAME WHY CMD...: pass if CMD succeeds
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
# run NAME CMD...: run a dkms step, its output in the log; pass if it succeeds.
# It runs in a process group of its own, so that an interrupt can stop it
# (and what it started) before the cleanup.
CHILD=''
run() {
	local name=$1 rc=0
	shift
	echo "== $*" >>"$LOG"
	setsid "$@" >>"$LOG" 2>&1 &
	CHILD=$!
	wait "$CHILD" || rc=$?
	CHILD=''
	if [ $rc = 0 ]; then pass "$name"; return 0; fi
	fail "$name" "'$*' failed; see $LOG"
	tail -n 15 "$LOG" | sed 's/^/    /'
	return 1
}

[[ $VER =~ ^[0-9][0-9A-Za-z.+~-]*$ ]] || { fail dkms_conf.version "no usable PACKAGE_VERSION in dkms.conf: '$VER'"; exit 1; }

# one run at a time: dkms state is host-wide
exec 9>"$XSB_CACHE/dkms.lock"
flock -w 900 9 || { fail lock "another dkms-tests.sh run holds $XSB_CACHE/dkms.lock"; exit 1; }

if ! { deps_apt dkms kmod openssl xz-utils && K612=$(deps_kver 6.12) && K61=$(deps_kver 6.1) &&
	deps_headers 6.12 >/dev/null && deps_headers 6.1 >/dev/null; } 2>>"$LOG"; then
	fail setup "installing dkms or the 6.1/6.12 headers failed; see $LOG"
	exit 1
fi
KVERS="$K612 $K61"

# --- host state before, and the cleanup ---------------------------------------
MOK_MADE=''
[ -e /var/lib/dkms/mok.key ] || [ -e /var/lib/dkms/mok.pub ] || MOK_MADE=maybe
# load_config: the boot-time load and option files that name the module
load_config() {
	{ grep -rlsw -e "$MOD" -e "$NAME" /etc/modules-load.d /etc/modules /run/modules-load.d \
		/usr/lib/modules-load.d /etc/modprobe.d /usr/lib/modprobe.d || true; } | sort | tr '\n' ' '
}
LOAD_CONFIG_BEFORE=$(load_config)
declare -A BEFORE=()
for k in $KVERS; do
	BEFORE[$k]=$(find "/lib/modules/$k" -maxdepth 1 2>/dev/null | sort)
done

dkms_has() { dkms status -m "$NAME" -v "$VER" 2>/dev/null | grep -q .; }
ours() { [ -f "$SRC/$MARK" ]; }
cleanup() {
	local k f
	set +e
	if ours || [ ! -e "$SRC" ]; then
		if dkms_has; then dkms remove -m "$NAME" -v "$VER" --all >>"$LOG" 2>&1; fi
		rm -rf "$SRC" "/var/lib/dkms/$NAME"
	fi
	for k in $KVERS; do
		# what depmod made in a /lib/modules/<kver> that had none
		for f in $(comm -13 <(echo "${BEFORE[$k]}") <(find "/lib/modules/$k" -maxdepth 1 2>/dev/null | sort)); do
			case ${f##*/} in modules.*|updates) rm -rf "$f" ;; esac
		done
		rmdir "/lib/modules/$k/updates/dkms" "/lib/modules/$k/updates" 2>/dev/null
	done
	# dkms makes a signing key pair for its modules when it has none
	[ -z "$MOK_MADE" ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
}

if [ -e "$SRC" ] && ! ours; then
	fail preflight "$SRC exists and is not this script's (no $MARK): not touching it"
	exit 1
fi
if ours; then
	echo "dkms-tests: clearing what an interrupted run left" >&2
	cleanup
fi
trap cleanup EXIT
# shellcheck disable=SC2317 # (called by the trap)
on_signal() {
	[ -z "$CHILD" ] || kill -TERM -- "-$CHILD" 2>/dev/null || true
	fail interrupted "stopped by a signal; cleaning up"
	wait
	exit 130
}
trap on_signal INT TERM HUP
if dkms_has; then
	fail preflight "dkms already knows $NAME/$VER (from a source tree not made here): $(dkms status -m "$NAME" -v "$VER" | tr '\n' ' ')"
	trap - EXIT
	exit 1
fi

# --- the source tree: only what the build needs ---------------------------------
# build.sh names the module's sources (xsb_sources; XSB_SOURCES before it);
# Kconfig is for in-tree builds only
if declare -F xsb_sources >/dev/null; then srcs=$(xsb_sources); else srcs=${XSB_SOURCES:-}; fi
files=(dkms.conf)
for f in $srcs; do f=${f#./}; [ "$f" = Kconfig ] || files+=("$f"); done
[ ${#files[@]} -gt 2 ] || { fail source.files "no module sources named by scripts/lib/build.sh"; exit 1; }
mkdir -p "$SRC"
touch "$SRC/$MARK"
(cd "$TOP" && cp "${files[@]}" "$SRC/")
expect_eq source.files "$(cd "$SRC" && find . -mindepth 1 ! -name "$MARK" -printf '%P\n' | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "${files[@]}" | sort | tr '\n' ' ')"

# --- add, build for both kernels, install for 6.12 -----------------------------
run add dkms add -m "$NAME" -v "$VER" || exit 1
built=0
run build-6.12 dkms build -m "$NAME" -v "$VER" -k "$K612" && built=1
run build-6.1 dkms build -m "$NAME" -v "$VER" -k "$K61" || true
for k in $KVERS; do
	ko=$(find "/var/lib/dkms/$NAME/$VER/$k" -name "$MOD.ko*" 2>/dev/null | head -n 1)
	if [ -n "$ko" ]; then
		expect_eq "built.vermagic-$k" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$k"
	else
		fail "built.vermagic-$k" "no $MOD.ko in /var/lib/dkms/$NAME/$VER/$k"
	fi
done
if [ $built = 1 ]; then run install-6.12 dkms install -m "$NAME" -v "$VER" -k "$K612" || true; fi

# dkms_state KVER: what dkms status says for that kernel
# ("xen-selfballoon/0.1.0, <kver>, x86_64: installed")
dkms_state() {
	dkms status -m "$NAME" -v "$VER" -k "$1" 2>/dev/null |
		awk -v k=", $1, " 'index($0, k) { sub(/^[^:]*: */, ""); print; exit }'
}
dkms status -m "$NAME" -v "$VER" >>"$LOG" 2>&1 || true
expect_eq status.installed-6.12 "$(dkms_state "$K612")" installed
expect_eq status.built-6.1 "$(dkms_state "$K61")" built

# --- the installed module -----------------------------------------------------
# depmod knows it, where dkms puts modules on Debian
path=$(modinfo -k "$K612" -n "$MOD" 2>/dev/null || true)
case $path in
"/lib/modules/$K612/updates/dkms/$MOD.ko"*) pass installed.path ;;
*) fail installed.path "modinfo -k $K612 -n $MOD: '$path', want /lib/modules/$K612/updates/dkms/$MOD.ko[.xz]" ;;
esac
if [ -f "$path" ]; then
	mi() { modinfo -F "$1" "$path"; }
	expect_eq installed.name "$(mi name)" "$MOD"
	desc=$(mi description)
	check installed.description "no description" [ -n "$desc" ]
	expect_eq installed.license "$(mi license)" GPL
	authors=$(mi author | tr '\n' ';')
	check installed.author "no author" [ -n "$authors" ]
	expect_eq installed.vermagic "$(mi vermagic | cut -d' ' -f1)" "$K612"
	# every parameter has a description, and the three switches are there
	parms=$(mi parm)
	for p in $PARAMS; do
		d=$(sed -n "s/^$p:\(.*\) (bool)$/\1/p" <<<"$parms")
		check "installed.parm.$p" "no described bool parameter $p in: $(tr '\n' ';' <<<"$parms")" [ -n "${d// /}" ]
	done
	undescribed=$(awk -F: '{ d = $0; sub(/^[^:]*:/, "", d); sub(/ \([a-z]*\)$/, "", d)
		if (d ~ /^ *$/) print $1 }' <<<"$parms" | tr '\n' ' ')
	expect_eq installed.every_parm_described "$undescribed" ""
	expect_eq installed.parm_names "$(cut -d: -f1 <<<"$parms" | sort | tr '\n' ' ')" \
		"$(tr ' ' '\n' <<<"$PARAMS" | sort | tr '\n' ' ')"
	# installing must not make it load: no alias for udev to match, no
	# new modules-load.d or modprobe.d entry
	expect_eq installed.no_alias "$(mi alias)" ""
	expect_eq installed.no_autoload_config_added "$(load_config)" "$LOAD_CONFIG_BEFORE"
	echo "installed: $path; $desc; authors: $authors" >>"$LOG"
else
	fail installed.modinfo "no installed module to check"
fi

# --- remove ---------------------------------------------------------------
run remove dkms remove -m "$NAME" -v "$VER" --all || true
left=$(find "/lib/modules/$K612" "/lib/modules/$K61" -name "$MOD.ko*" 2>/dev/null | tr '\n' ' ')
expect_eq removed.no_module_file "$left" ""
check removed.depmod_forgot_it "modinfo -k $K612 still finds $MOD" \
	bash -c "! modinfo -k '$K612' -n '$MOD' >/dev/null 2>&1"
expect_eq removed.dkms_status "$(dkms status -m "$NAME" -v "$VER" 2>&1)" ""

cleanup
trap - EXIT
check cleanup.source_tree_gone "$SRC is still there" [ ! -e "$SRC" ]
check cleanup.dkms_tree_gone "/var/lib/dkms/$NAME is still there" [ ! -e "/var/lib/dkms/$NAME" ]
for k in $KVERS; do
	expect_eq "cleanup.lib_modules_as_before-$k" \
		"$(find "/lib/modules/$k" -maxdepth 1 2>/dev/null | sort | tr '\n' ' ')" \
		"$(tr '\n' ' ' <<<"${BEFORE[$k]}")"
done
exit $((REPORT_FAILED > 0))
