#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check / make check-fast: run every test tier and count the results.
#
# Tiers (each prints "PASS <tier> <name>" / "FAIL <tier> <name>: <why>"):
#   static   W=1 and sparse builds on Debian's 6.1 and 6.12 headers,
#            checkpatch --strict, kernel-doc, Documentation/ABI
#   userspace the same KUnit suites and the policy built in userspace with
#            ASan/UBSan (tools/), plus a 20 s libFuzzer smoke: seconds,
#            never a replacement for the kunit tier
#   kunit    the policy KUnit suites under UML (kunit.py, linux-source-6.12)
#   dkms     dkms add/build/install for 6.1 and 6.12, modinfo
#   domu     the module in a real Xen 4.17 PV domU on 6.1 and 6.12 (QEMU)
#   refusal  insmod fails with ENODEV in dom0 and outside Xen (QEMU)
#   patches  the in-tree series for linux-source-6.12: format-patch,
#            checkpatch --strict in tree mode, git am on a clean tree
#   intree   a Xen PV guest kernel with the series built in, booted as the
#            domU with each boot switch (cached O= build and ccache)
# --fast skips the QEMU and kernel-build tiers (domu, refusal, patches,
# intree).  A tier that cannot run counts as a failure.
# The last line is "N passed, N failed"; the exit status is non-zero on any
# failure.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
TIERS="static userspace kunit dkms domu refusal patches intree"
[ "${1:-}" = --fast ] && TIERS="static userspace kunit dkms"
LOG=$TOP/out/check
mkdir -p "$LOG"
rm -f "$LOG"/*.log

passed=0 failed=0
summary=()
for tier in $TIERS; do
	echo "==== tier $tier"
	start=$SECONDS
	case $tier in
	static) cmd=("$TOP/scripts/static-checks.sh") ;;
	userspace) cmd=("$TOP/scripts/userspace-tests.sh") ;;
	kunit) cmd=("$TOP/scripts/kunit.sh") ;;
	dkms) cmd=("$TOP/scripts/dkms-tests.sh") ;;
	domu) cmd=("$TOP/scripts/domu-tests.sh" 6.1 6.12) ;;
	refusal) cmd=("$TOP/scripts/refusal-tests.sh") ;;
	patches) cmd=("$TOP/scripts/patches.sh") ;;
	intree) cmd=("$TOP/scripts/intree.sh") ;;
	esac
	"${cmd[@]}" 2>&1 | tee "$LOG/$tier.log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS ' "$LOG/$tier.log")
	f=$(grep -c '^FAIL ' "$LOG/$tier.log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $tier tier: exited with status $rc without naming a failure" | tee -a "$LOG/$tier.log"
		f=1
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "FAIL $tier tier: ran no test" | tee -a "$LOG/$tier.log"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f))
	summary+=("$(printf '%-8s %5d passed, %3d failed  (%ds)' "$tier" "$p" "$f" $((SECONDS - start)))")
done

echo "==== summary"
printf '%s\n' "${summary[@]}"
grep -h '^FAIL ' "$LOG"/*.log 2>/dev/null | sed 's/^/  /'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
