# shellcheck shell=bash
# The tiers' result lines, one copy.  Source it, then:
#
#   report_init TIER          start counting for TIER
#   pass NAME                 print "PASS <tier> NAME"
#   fail NAME WHY [DETAIL]    print "FAIL <tier> NAME: WHY", DETAIL indented
#                             below it
#   REPORT_FAILED             the number of failures so far
#
# scripts/check.sh counts the PASS and FAIL lines of every tier.

report_init() {
	REPORT_TIER=$1
	REPORT_FAILED=0
}

pass() {
	echo "PASS $REPORT_TIER $1"
}

fail() {
	echo "FAIL $REPORT_TIER $1: $2"
	[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/    /'
	REPORT_FAILED=$((REPORT_FAILED + 1))
}
