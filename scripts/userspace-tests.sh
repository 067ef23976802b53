#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The userspace tier: the policy's KUnit suites (tests/*-kunit.h) compiled
# unchanged in userspace, with the KUnit stand-in and the thin shim of
# tools/include/ (see tools/README), run under AddressSanitizer and UBSan;
# the policy lab's simulator (tools/sim/) on its fixed cases and on the
# kept traces, with the replay of the kept domU trace; then a short
# libFuzzer run (scripts/fuzz.sh --smoke).
#
# A FAST TIER ONLY, NEVER A REPLACEMENT FOR THE REAL KUNIT RUN
# (scripts/kunit.sh, under UML): the headers are a shim, not the kernel's;
# the compiler flags, the KUnit API and the runner are stand-ins; nothing
# runs in kernel context.  A case that passes here can still fail there.
#
#   scripts/userspace-tests.sh [--no-fuzz] [--fuzz-time S]
#
# Output, one line per result:
#   PASS userspace <suite>.<case>       the gcc build (ASan + UBSan)
#   FAIL userspace <suite>.<case>[: <why>]
#   PASS userspace clang                the clang build passed every case
#                                       too, with clang's unsigned-wrap and
#                                       implicit-conversion checks on top
#   PASS userspace sim.<case>           tools/sim/tests/<case>.expected, exactly
#                                       (the replay cases: tools/sim/tests/
#                                       replay.trace through selfballoon-tracecsv
#                                       and --replay, as hand-worked, and with
#                                       one early column changed, not)
#   PASS userspace sim.traces (N traces)  every tests/traces/*.csv simulated,
#                                       a driver and a pressure row each
#   PASS userspace sim.replay.<trace>   a kept domU trace (>= 50 ticks)
#                                       replayed through the policy the driver
#                                       ran: every tick as the driver decided
#   PASS userspace fuzz-smoke           scripts/fuzz.sh --smoke (20 s)
# and "FAIL userspace <stage>: <why>" when a stage cannot run.  Failed
# checks and sanitizer reports follow their line, indented.  Exit status 0
# only if every case ran and passed, in both builds, and the smoke run
# found nothing.  Builds go to out/userspace/, logs to out/userspace/*.log.

set -uo pipefail
XSB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$XSB_ROOT/scripts/lib/deps.sh"

OUT=$XSB_ROOT/out/userspace
fuzz=true
fuzz_time=20
while [ $# -gt 0 ]; do
	case $1 in
	--no-fuzz) fuzz=false; shift ;;
	--fuzz-time) fuzz_time=${2:-}; shift 2 || break ;;
	*) echo "usage: $0 [--no-fuzz] [--fuzz-time S]" >&2; exit 2 ;;
	esac
done
[[ $fuzz_time =~ ^[0-9]+$ ]] || { echo "usage: $0 [--no-fuzz] [--fuzz-time S]" >&2; exit 2; }

failures=0
fail() {
	echo "FAIL userspace $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'
	failures=$((failures + 1))
}

start=$SECONDS
mkdir -p "$OUT" || { fail "setup: cannot create $OUT"; exit 1; }

# The fuzz smoke runs in the background, beside the builds and the suites.
if $fuzz; then
	"$XSB_ROOT/scripts/fuzz.sh" --smoke --time "$fuzz_time" \
		>"$OUT/fuzz-smoke.log" 2>&1 &
	fuzz_pid=$!
fi

# one run at a time over out/userspace/kunit-* (flock, as scripts/kunit.sh)
exec 8>"$OUT/.kunit.lock"
flock 8

if ! deps_apt gcc make libc6-dev >&2; then
	fail "deps: cannot install gcc, make and libc6-dev"
	exit 1
fi
CLANG=
for cc in clang clang-14; do
	command -v "$cc" >/dev/null && { CLANG=$cc; break; }
done
if [ -z "$CLANG" ] && deps_apt clang-14 libclang-rt-14-dev >&2; then
	CLANG=clang-14
fi

# The suites the project declares (as scripts/kunit.sh finds them).
declared_suites() {
	sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$XSB_ROOT"/tests/*-kunit.h
}

# build CC: make -C tools kunit with that compiler; sets "bin".
build() {
	local cc=$1 out
	bin=
	if ! out=$(make -s -C "$XSB_ROOT/tools" kunit CC="$cc" O="$OUT" 2>&1); then
		fail "build-${cc##*/}: the suites do not compile" "$out"
		return 1
	fi
	bin=$OUT/kunit-${cc##*/}/kunit
}

# has_fail NAME LOG: LOG has a FAIL line for the case NAME
has_fail() {
	grep -qE "^FAIL ${1//./\\.}(:|\$)" "$2"
}

# run BIN LOG: run every case; a case with no result (the binary died in
# it or before it) is a failure, and so is a declared suite with no case.
# Sets "listed", "ran" and the failed case names in "failed_cases".
run() {
	local bin=$1 log=$2 suite
	failed_cases=()
	listed=$("$bin" --list 2>&1) || { fail "run: $bin --list failed" "$listed"; return 1; }
	"$bin" >"$log" 2>&1
	run_status=$?
	# the listed cases without a PASS line, in one pass
	mapfile -t failed_cases < <(awk '
		NR == FNR { order[++n] = $0; next }
		/^PASS / { passed[$2] = 1 }
		END { for (i = 1; i <= n; i++) if (!passed[order[i]]) print order[i] }' \
		<(printf '%s\n' "$listed") "$log")
	ran=$(grep -cE '^(PASS|FAIL) ' "$log")
	for suite in $(declared_suites); do
		[[ $'\n'$listed == *$'\n'"$suite."* ]] || failed_cases+=("$suite")
	done
	last=$(sed -n 's/^# //p' "$log" | tail -n 1)
	# every case passed, yet the run failed (e.g. LeakSanitizer at exit)
	if [ "$run_status" -ne 0 ] && [ ${#failed_cases[@]} -eq 0 ]; then
		failed_cases+=("<exit>")
	fi
}

# The gcc build: one line per case, its failed checks and any sanitizer
# report indented below it.
if build gcc; then
	log=$OUT/kunit-gcc.log
	run "$bin" "$log"
	# the runner prints a case's failed checks before its result: put
	# them after it; what follows the last result is a crash report
	awk '/^kunit: / { next }
	     /^# / { buf = ""; next }
	     /^(PASS|FAIL) / {
		print $1 " userspace " substr($0, 6)
		printf "%s", buf
		buf = ""
		next
	     }
	     { buf = buf "    " $0 "\n" }
	     END { printf "%s", buf }' "$log"
	p=$(grep -c '^PASS ' "$log")
	for name in "${failed_cases[@]}"; do
		if has_fail "$name" "$log"; then
			failures=$((failures + 1))
		elif [ "$name" = "<exit>" ]; then
			fail "run: exit status $run_status after every case passed (report above)"
		elif ! grep -qx "$name" <<<"$listed"; then
			fail "$name: suite declared in tests/ but not built (not registered)"
		elif [ "$name" = "$last" ]; then
			fail "$name: crashed (exit status $run_status, report above)"
		elif [ -n "$last" ]; then
			fail "$name: did not run (the run died in $last)"
		else
			fail "$name: did not run (exit status $run_status)"
		fi
	done
	[ "$p" -gt 0 ] || fail "run: zero test cases passed in the gcc build"
fi

# The clang build: one line for all its cases.
if [ -z "$CLANG" ]; then
	fail "clang: no clang, and clang-14 cannot be installed"
elif build "$CLANG"; then
	log=$OUT/kunit-clang.log
	run "$bin" "$log"
	if [ ${#failed_cases[@]} -eq 0 ] && [ "$ran" -gt 0 ]; then
		echo "PASS userspace clang"
	else
		fail "clang: ${#failed_cases[@]} of $ran case(s) failed: ${failed_cases[*]/#<exit>/(exit status $run_status after the last case)}" \
			"$(grep -v '^# \|^PASS ' "$log")"
	fi
fi

# The policy lab's simulator (tools/sim/, built from the same policy
# source, ASan + UBSan): its fixed cases, worked out by hand
# (tools/sim/tests/README), every kept trace, and the replay of each kept
# domU trace, which must match the driver tick for tick.
SIM_TESTS=$XSB_ROOT/tools/sim/tests
# sim_case NAME EXPECTED_STATUS CMD...: CMD's output (stdout and stderr)
# must be tools/sim/tests/NAME.expected and its exit status as given
sim_case() {
	local name=$1 want=$2 out d rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "sim.$name: exit status $rc, want $want" "$out"
	elif ! d=$(diff "$SIM_TESTS/$name.expected" - <<<"$out"); then
		fail "sim.$name: output differs from tools/sim/tests/$name.expected" "$d"
	else
		echo "PASS userspace sim.$name"
	fi
}
if ! out=$(make -s -C "$XSB_ROOT/tools" sim O="$OUT" 2>&1); then
	fail "sim: the simulator does not compile" "$out"
else
	sim=$OUT/sim/selfballoon-sim
	guest=(--guest-mb 1024 --offset-mb 24 --totalreserve-mb 4 --interval 4)
	# NAME TRACE OPTIONS...
	for c in "step step.csv --base-mb 100" \
		 "step-limit step.csv --base-mb 950" \
		 "step-up2 step.csv --base-mb 100 --uphysteresis 2" \
		 "step-pressure step.csv --base-mb 100 --reserved-mb 20 --min-reserve-mb 20 --policy driver,pressure" \
		 "step-pressure-noearly step.csv --base-mb 100 --reserved-mb 20 --min-reserve-mb 20 --policy pressure --no-early" \
		 "used used.csv --base-mb 100 --policy driver,pressure"; do
		read -r name trace opts <<<"$c"
		# shellcheck disable=SC2086 # the case's options, split on purpose
		sim_case "$name" 0 "$sim" "${guest[@]}" $opts "$SIM_TESTS/$trace"
	done
	# the hand-worked trace events: converted, then replayed; with an
	# early tick the driver did not have, the replay must differ
	mkdir -p "$OUT/sim"
	if ! out=$("$XSB_ROOT/tools/selfballoon-tracecsv" "$SIM_TESTS/replay.trace" 2>&1 >"$OUT/sim/replay.csv"); then
		fail "sim.replay: selfballoon-tracecsv failed on tools/sim/tests/replay.trace" "$out"
	else
		sim_case replay 0 "$sim" --replay "$OUT/sim/replay.csv"
	fi
	if ! out=$(sed '/ 125\.000000: selfballoon_tick: /s/ early=0 / early=1 /' "$SIM_TESTS/replay.trace" |
		   "$XSB_ROOT/tools/selfballoon-tracecsv" 2>&1 >"$OUT/sim/replay-early.csv"); then
		fail "sim.replay-early: selfballoon-tracecsv failed" "$out"
	else
		sim_case replay-early 1 "$sim" --replay "$OUT/sim/replay-early.csv"
	fi
	traces=("$XSB_ROOT"/tests/traces/*.csv)
	if ! out=$("$sim" "${traces[@]}" 2>&1); then
		fail "sim.traces: the simulator failed on tests/traces/" "$out"
	elif [ "$(grep -c ',driver,' <<<"$out")" -ne ${#traces[@]} ] ||
	     [ "$(grep -c ',pressure,' <<<"$out")" -ne ${#traces[@]} ]; then
		fail "sim.traces: not one driver and one pressure row per trace" "$out"
	else
		echo "PASS userspace sim.traces (${#traces[@]} traces)"
	fi
	n=0
	for t in "$XSB_ROOT"/tests/traces/domu-*.csv; do
		[ -e "$t" ] || break
		n=$((n + 1))
		ticks=$(grep -c '^[0-9]' "$t")
		out=$("$sim" --replay "$t" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && [ "$ticks" -ge 50 ] &&
		   grep -q ": $ticks ticks replayed, $ticks match the driver" <<<"$out"; then
			echo "PASS userspace sim.replay.${t##*/} ($ticks ticks)"
		else
			fail "sim.replay.${t##*/}: the replay does not match the driver at every one of $ticks ticks (>= 50)" "$out"
		fi
	done
	[ $n -gt 0 ] || fail "sim.replay: no domU trace in tests/traces/"
fi

if $fuzz; then
	wait "$fuzz_pid"
	fuzz_status=$?
	grep '^fuzz: [0-9]* executions' "$OUT/fuzz-smoke.log" >&2
	if [ "$fuzz_status" -eq 0 ] && grep -q '^PASS fuzz ' "$OUT/fuzz-smoke.log"; then
		echo "PASS userspace fuzz-smoke"
	else
		fail "fuzz-smoke: $(sed -n 's/^FAIL fuzz policy-fuzz: //p' "$OUT/fuzz-smoke.log" | tail -n 1)" \
			"$(grep -v '^fuzz: \|^FAIL fuzz ' "$OUT/fuzz-smoke.log")"
	fi
fi

echo "userspace: done in $((SECONDS - start)) s" >&2
[ "$failures" -eq 0 ]
