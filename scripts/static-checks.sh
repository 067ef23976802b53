#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks of the project, each one line:
#   PASS static <name>
#   FAIL static <name>: <detail>      (the findings follow, indented)
#
#   build-<series>-W1   W=1 module build against the newest Debian
#                       linux-headers-<series>.*-amd64 (6.1 and 6.12);
#                       any "warning:" or "error:" line fails
#   sparse-<series>     the same build with C=1 (sparse), no -Werror;
#                       any "warning:" or "error:" line fails
#   builtin-<series>-W1-sparse
#                       the same objects compiled as built-in code (no
#                       -DMODULE: the in-tree branches), W=1 and C=1
#   checkpatch/<file>   checkpatch.pl --strict --no-tree -f, every .c/.h
#   kernel-doc/<file>   scripts/kernel-doc -none -Wall, every .c/.h;
#                       any output fails
#   abi/<file>          Documentation/ABI/testing/*: get_abi.pl validate
#                       and every entry has What, Date, KernelVersion,
#                       Contact and Description; no ABI file is a failure
#   abi-coverage        every sysfs.c attribute has an ABI entry and back
#
# checkpatch.pl (with its spelling.txt and const_structs.checkpatch),
# kernel-doc and get_abi.pl come from linux-source-6.12, extracted once into
# the cache scripts/kunit.sh uses.  Builds run in temporary copies of the
# sources, outside the repository.  Exit status 0 only if every check passed.

XSB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/kunit.sh
. "$XSB_ROOT/scripts/kunit.sh"

tmpdirs=()
trap 'rm -rf "${tmpdirs[@]}"' EXIT

. "$XSB_ROOT/scripts/lib/report.sh"
report_init static

# The project's C sources and headers, relative to the repository.
project_c_files() {
	(cd "$XSB_ROOT" &&
	 find . \( -path ./.git -o -path ./out \) -prune -o \
		-type f \( -name '*.c' -o -name '*.h' \) -print |
	 sed 's|^\./||' | sort)
}

# A fresh copy of what the module build needs, in a temporary directory.
module_copy() {
	local dir f
	dir=$(mktemp -d "${TMPDIR:-/tmp}/xsb-static.XXXXXX") || return 1
	tmpdirs+=("$dir")
	for f in "$XSB_ROOT"/*.c "$XSB_ROOT"/*.h "$XSB_ROOT"/Makefile \
		 "$XSB_ROOT"/Kconfig; do
		[ -e "$f" ] && cp "$f" "$dir/"
	done
	[ -d "$XSB_ROOT/tests" ] && cp -r "$XSB_ROOT/tests" "$dir/"
	echo "$dir"
}

# check_build NAME KDIR MAKE-ARGS...: build the module, fail on any
# warning or error line (or a failed make).
check_build() {
	local name=$1 kdir=$2 dir out rc findings
	shift 2
	if ! dir=$(module_copy); then
		fail "$name" "cannot copy the sources"
		return
	fi
	out=$(make -C "$kdir" M="$dir" "$@" modules 2>&1)
	rc=$?
	findings=$(printf '%s\n' "$out" | grep -E 'warning:|error:')
	if [ $rc -ne 0 ]; then
		fail "$name" "make failed (status $rc)" "${findings:-$(printf '%s\n' "$out" | tail -n 20)}"
	elif [ -n "$findings" ]; then
		fail "$name" "$(printf '%s\n' "$findings" | wc -l) warning/error line(s)" "$findings"
	elif ! compgen -G "$dir/*.ko" >/dev/null; then
		fail "$name" "no module built" "$(printf '%s\n' "$out" | tail -n 20)"
	else
		pass "$name"
	fi
}

# check_builtin NAME KDIR: compile the objects as built-in code (no
# -DMODULE: the in-tree branches, with totalreserve_pages, max_pfn and
# register_xen_selfballooning()) with W=1 and sparse; nothing is linked.
check_builtin() {
	local name=$1 kdir=$2 dir out rc findings objs=() f
	if ! dir=$(module_copy); then
		fail "$name" "cannot copy the sources"
		return
	fi
	for f in "$dir"/*.c; do
		f=${f##*/}
		objs+=("${f%.c}.o")
	done
	# a Kbuild file takes precedence over the project's Makefile.  A
	# stock kernel lacks the series' mm patch (zswap_writeback_pages()),
	# so the zswap branch is left out here as on a kernel without zswap;
	# the intree tier compiles it, with W=1, in the patched tree.
	printf '#undef CONFIG_ZSWAP\n' >"$dir/stock-kernel.h"
	# the older shrinker API below 6.7 is chosen as ./Makefile does
	{
		printf 'obj-y := %s\nccflags-y := -I$(src) -include $(src)/stock-kernel.h\n' "${objs[*]}"
		grep -F -- '-DXSB_OLD_SHRINKER_API' "$XSB_ROOT/Makefile"
	} >"$dir/Kbuild"
	out=$(make -C "$kdir" M="$dir" W=1 C=1 "${objs[@]}" 2>&1)
	rc=$?
	findings=$(printf '%s\n' "$out" | grep -E 'warning:|error:')
	if [ $rc -ne 0 ]; then
		fail "$name" "make failed (status $rc)" "${findings:-$(printf '%s\n' "$out" | tail -n 20)}"
	elif [ -n "$findings" ]; then
		fail "$name" "$(printf '%s\n' "$findings" | wc -l) warning/error line(s)" "$findings"
	else
		pass "$name"
	fi
}

check_builds() {
	local series kdir
	for series in 6.1 6.12; do
		if ! kdir=$(deps_headers "$series") || [ ! -d "$kdir" ]; then
			fail "build-$series-W1" "cannot install linux-headers for $series"
			fail "sparse-$series" "cannot install linux-headers for $series"
			fail "builtin-$series-W1-sparse" "cannot install linux-headers for $series"
			continue
		fi
		echo "static: $series headers: $kdir" >&2
		check_build "build-$series-W1" "$kdir" W=1
		check_build "sparse-$series" "$kdir" C=1
		check_builtin "builtin-$series-W1-sparse" "$kdir"
	done
}

check_checkpatch() {
	local tree=$1 f out rc
	for f in spelling.txt const_structs.checkpatch; do
		if [ ! -s "$tree/scripts/$f" ]; then
			fail checkpatch "$tree/scripts/$f is missing: checkpatch would skip its checks"
			return
		fi
	done
	for f in $(project_c_files); do
		rc=0
		out=$(cd "$XSB_ROOT" &&
		      perl "$tree/scripts/checkpatch.pl" --strict --no-tree \
			--no-summary --terse --show-types -f "$f" 2>&1) || rc=$?
		if [ $rc -ne 0 ] || [ -n "$out" ]; then
			fail "checkpatch/$f" "$(printf '%s\n' "$out" | grep -cE 'ERROR|WARNING|CHECK') finding(s)" "$out"
		else
			pass "checkpatch/$f"
		fi
	done
}

check_kernel_doc() {
	local tree=$1 f out rc opts=(-none -Wall)
	# -Wall is in 6.12's perl kernel-doc; fall back if an older one lacks it
	if perl "$tree/scripts/kernel-doc" -none -Wall /dev/null 2>&1 |
			grep -qi 'unknown\|usage'; then
		opts=(-none)
	fi
	for f in $(project_c_files); do
		rc=0
		out=$(cd "$XSB_ROOT" &&
		      perl "$tree/scripts/kernel-doc" "${opts[@]}" "$f" 2>&1) || rc=$?
		if [ $rc -ne 0 ] || [ -n "$out" ]; then
			fail "kernel-doc/$f" "$(printf '%s\n' "$out" | wc -l) line(s) of output" "$out"
		else
			pass "kernel-doc/$f"
		fi
	done
}

# Every entry: What (first, may repeat), then Date, KernelVersion, Contact
# and Description, each once with a value (Users optional), as
# Documentation/ABI/README asks.  Prints one finding per line.
abi_fields() {
	python3 - "$1" <<'EOF'
import re, sys

path = sys.argv[1]
tags = ("what", "date", "kernelversion", "contact", "description", "users")
required = ("date", "kernelversion", "contact", "description")
spelled = {"date": "Date", "kernelversion": "KernelVersion",
           "contact": "Contact", "description": "Description"}
entries, cur, prev, in_desc = [], None, None, False

with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        m = re.match(r"^(\S+):\s*(.*)$", line.rstrip("\n"))
        tag = m.group(1).lower() if m else None
        if m and tag in tags:
            if tag == "what" and prev != "what":
                cur = {"line": n, "what": [], "fields": {}, "desc": ""}
                entries.append(cur)
            if cur is None:
                print("%s:%d: %s: before any What:" % (path, n, m.group(1)))
                continue
            if tag == "what":
                cur["what"].append(m.group(2).strip())
            elif tag in cur["fields"]:
                print("%s:%d: %s: repeated in the entry of line %d"
                      % (path, n, m.group(1), cur["line"]))
            else:
                cur["fields"][tag] = m.group(2).strip()
            in_desc = tag == "description"
            if in_desc:
                cur["desc"] += m.group(2).strip()
            prev = tag
            continue
        if line.strip() == "":
            continue
        if in_desc and line[0].isspace():
            cur["desc"] += line.strip()
            continue
        if cur is not None and prev != "what" and not in_desc and line[0].isspace():
            continue  # a continuation of a one-line field
        if cur is None:
            continue  # text about the file, before its first entry
        print("%s:%d: unexpected line: %s" % (path, n, line.rstrip()))

if not entries:
    print("%s: no What: entry" % path)
for e in entries:
    for t in required:
        if t not in e["fields"]:
            print("%s:%d: entry %s has no %s:" % (path, e["line"], e["what"][0], spelled[t]))
        elif t != "description" and not e["fields"][t]:
            print("%s:%d: entry %s has an empty %s:" % (path, e["line"], e["what"][0], spelled[t]))
    if "description" in e["fields"] and not e["desc"]:
        print("%s:%d: entry %s has an empty Description:" % (path, e["line"], e["what"][0]))
    for w in e["what"]:
        if not w.startswith("/"):
            print("%s:%d: What: %s is not an absolute path" % (path, e["line"], w))
EOF
}

check_abi() {
	local tree=$1 dir=$XSB_ROOT/Documentation/ABI/testing f out name files=()
	for f in "$dir"/*; do
		[ -f "$f" ] && files+=("$f")
	done
	if [ ${#files[@]} -eq 0 ]; then
		fail abi "no file in Documentation/ABI/testing/"
		return
	fi
	for f in "${files[@]}"; do
		name=abi/${f#"$XSB_ROOT"/}
		out=$(abi_fields "$f" 2>&1)
		# get_abi.pl validate parses a directory; give it this file alone
		if [ -f "$tree/scripts/get_abi.pl" ]; then
			local one
			one=$(mktemp -d "${TMPDIR:-/tmp}/xsb-abi.XXXXXX")
			tmpdirs+=("$one")
			mkdir -p "$one/Documentation/ABI/testing"
			cp "$f" "$one/Documentation/ABI/testing/"
			out=$(printf '%s\n' "$out" \
				"$(perl "$tree/scripts/get_abi.pl" validate \
					--dir "$one/Documentation/ABI" 2>&1)" |
			      sed '/^$/d')
		fi
		if [ -n "$out" ]; then
			fail "$name" "$(printf '%s\n' "$out" | grep -c .) finding(s)" "$out"
		else
			pass "$name"
		fi
	done
}

# check_abi_coverage: every attribute sysfs.c declares has its ABI entry,
# and every ABI entry names an attribute sysfs.c declares
check_abi_coverage() {
	local abi=$XSB_ROOT/Documentation/ABI/testing/sysfs-devices-system-xen_memory-selfballoon
	local declared documented missing extra
	declared=$(sed -n -e 's/^static DEVICE_ATTR_R[OW]\{1,2\}(\([a-z_]*\));$/\1/p' \
		-e 's/^SELFBALLOON_\(TUNABLE\|STAT\)_ATTR(\([a-z_]*\)[,)].*/\2/p' \
		"$XSB_ROOT/sysfs.c" | sort)
	documented=$(sed -n 's|^What:[[:space:]]*/sys/devices/system/xen_memory/xen_memory0/selfballoon/||p' \
		"$abi" | sort)
	missing=$(comm -23 <(echo "$declared") <(echo "$documented"))
	extra=$(comm -13 <(echo "$declared") <(echo "$documented"))
	if [ -z "$declared" ]; then
		fail abi-coverage "no attribute found in sysfs.c"
	elif [ -n "$missing$extra" ]; then
		fail abi-coverage "attributes without an ABI entry: ${missing:-none}; ABI entries without an attribute: ${extra:-none}"
	else
		pass abi-coverage
	fi
}

main() {
	local tree start
	start=$(date +%s)
	if ! deps_apt sparse make gcc perl python3 xz-utils; then
		fail deps "cannot install sparse, make, gcc, perl, python3"
		exit 1
	fi
	check_builds
	if ! tree=$(xsb_ksrc_tree); then
		fail source "cannot install or extract $XSB_KSRC_PKG (checkpatch.pl, kernel-doc, get_abi.pl)"
		exit 1
	fi
	check_checkpatch "$tree"
	check_kernel_doc "$tree"
	check_abi "$tree"
	check_abi_coverage
	echo "static: $REPORT_FAILED failure(s), $(( $(date +%s) - start )) s" >&2
	[ "$REPORT_FAILED" -eq 0 ]
}

main "$@"
