#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: fuzz the policy (selfballoon-policy.c, frontswap-shrink.c,
# compiled unchanged in userspace) with libFuzzer, ASan and UBSan.
#
#   scripts/fuzz.sh [--runs N] [--time S] [--jobs N] [--smoke]
#                   [-- LIBFUZZER-ARGS...]
#
#   --runs N   executions in all, split between the workers (default
#              10000000, or $XSB_FUZZ_RUNS; 0: no limit, only --time)
#   --time S   the most seconds each worker may take (default 300, or
#              $XSB_FUZZ_TIME); a run ends at whichever limit comes first.
#              This 2-core machine does 10^7 in 30 s (75 s when busy).
#   --jobs N   parallel workers (default: the number of CPUs)
#   --smoke    a short run for scripts/userspace-tests.sh: 1 worker, 20 s,
#              no execution limit (--time still applies)
#
# The target is tools/fuzz/policy-fuzz.c (what it checks is described
# there), built by tools/Makefile with clang (-fsanitize=fuzzer,address,
# undefined and clang's unsigned-wrap checks) into out/userspace/fuzz/.
# Workers share one corpus: the seeds in tests/fuzz/ (never written to) and
# out/fuzz/corpus/, which grows from run to run.  Logs are out/fuzz/*.log.
#
# Output: "fuzz: ..." progress on stderr, then the total number of
# executions and one line, "PASS fuzz policy-fuzz" or "FAIL fuzz
# policy-fuzz: <why>"; after a crash, the input is in out/fuzz/artifacts/
# and the line says how to replay it.  Exit status 0 only on PASS.

set -uo pipefail
XSB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
. "$XSB_ROOT/scripts/lib/deps.sh"

FUZZ_BIN=$XSB_ROOT/out/userspace/fuzz/policy-fuzz
FUZZ_OUT=$XSB_ROOT/out/fuzz
SEEDS=$XSB_ROOT/tests/fuzz

time_s=${XSB_FUZZ_TIME:-}
runs_total=${XSB_FUZZ_RUNS:-}
jobs=$(nproc 2>/dev/null || echo 1)
smoke=false
extra=()
usage="usage: $0 [--runs N] [--time S] [--jobs N] [--smoke] [-- LIBFUZZER-ARGS...]"
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs_total=${2:-}; shift 2 || break ;;
	--time) time_s=${2:-}; shift 2 || break ;;
	--jobs) jobs=${2:-}; shift 2 || break ;;
	--smoke) smoke=true; shift ;;
	--) shift; extra=("$@"); break ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
if $smoke; then
	time_s=${time_s:-20}
	runs_total=${runs_total:-0}
	jobs=1
fi
time_s=${time_s:-300}
runs_total=${runs_total:-10000000}
for n in "$time_s" "$runs_total" "$jobs"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
done
[ "$jobs" -ge 1 ] || jobs=1
# libFuzzer's -runs counts per worker; -1 is no limit
runs_each=-1
[ "$runs_total" -gt 0 ] && runs_each=$(( (runs_total + jobs - 1) / jobs ))

fail() {
	echo "FAIL fuzz policy-fuzz: $1"
	exit 1
}

# clang with libFuzzer: Debian bookworm's clang is clang-14, whose runtime
# (libclang_rt.fuzzer) is in libclang-rt-14-dev.
find_clang() {
	local cc
	for cc in clang clang-14; do
		command -v "$cc" >/dev/null || continue
		if echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
				"$cc" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
			echo "$cc"
			return 0
		fi
	done
	return 1
}

if ! CLANG=$(find_clang); then
	deps_apt clang-14 libclang-rt-14-dev make >&2 ||
		fail "cannot install clang-14 and libclang-rt-14-dev"
	CLANG=$(find_clang) || fail "clang cannot link -fsanitize=fuzzer"
fi

# one run at a time over the build and the corpus (flock, as scripts/kunit.sh)
mkdir -p "$FUZZ_OUT" || fail "cannot create $FUZZ_OUT"
exec 9>"$FUZZ_OUT/.lock"
flock 9

if ! out=$(make -s -C "$XSB_ROOT/tools" fuzz CLANG="$CLANG" 2>&1); then
	printf '%s\n' "$out" | sed 's/^/    /'
	fail "build failed"
fi

mkdir -p "$FUZZ_OUT/corpus" "$FUZZ_OUT/artifacts" || fail "cannot create $FUZZ_OUT"
rm -f "$FUZZ_OUT"/worker-*.log
limit="$time_s s"
[ "$runs_each" -gt 0 ] && limit="$limit or $runs_each executions, whichever comes first"
echo "fuzz: $jobs worker(s), each $limit; $CLANG; corpus $FUZZ_OUT/corpus + $SEEDS" >&2

start=$SECONDS
pids=()
for ((i = 0; i < jobs; i++)); do
	# -reload: each worker picks up what the others add to the corpus
	"$FUZZ_BIN" -max_total_time="$time_s" -runs="$runs_each" \
		-print_final_stats=1 \
		-max_len=4200 -timeout=10 -reload=1 \
		-dict="$XSB_ROOT/tools/fuzz/policy.dict" \
		-artifact_prefix="$FUZZ_OUT/artifacts/" \
		"${extra[@]}" "$FUZZ_OUT/corpus" "$SEEDS" \
		>"$FUZZ_OUT/worker-$i.log" 2>&1 &
	pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
	wait "$pid" || status=1
done

runs=0 crashes=()
for ((i = 0; i < jobs; i++)); do
	log=$FUZZ_OUT/worker-$i.log
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$n" ] || n=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	runs=$((runs + ${n:-0}))
	while read -r artifact; do
		crashes+=("$artifact")
	done < <(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
done
elapsed=$((SECONDS - start))
echo "fuzz: $runs executions in $elapsed s ($((runs / (elapsed ? elapsed : 1))) per second), corpus $(find "$FUZZ_OUT/corpus" -type f | wc -l) files" >&2

if [ ${#crashes[@]} -gt 0 ]; then
	for ((i = 0; i < jobs; i++)); do
		grep -E -A12 'invariant broken|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error' \
			"$FUZZ_OUT/worker-$i.log" | head -n 30 | sed 's/^/    /'
	done
	fail "crash; replay: $FUZZ_BIN ${crashes[0]}"
fi
[ "$status" -eq 0 ] || fail "a worker exited with an error (see $FUZZ_OUT/worker-*.log)"
[ "$runs" -gt 0 ] || fail "no execution counted (see $FUZZ_OUT/worker-*.log)"
echo "PASS fuzz policy-fuzz"
