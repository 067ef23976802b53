/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for the selfballoon policy and the sysfs value rules.
 *
 * Included at the bottom of selfballoon-policy.c when
 * CONFIG_XEN_SELFBALLOON_KUNIT_TEST is enabled, so that the file's static
 * helpers are in reach (the DAMON way, see mm/damon/tests/core-kunit.h).
 * scripts/kunit.sh runs them under UML.
 *
 * Every expected value is worked out by hand from upstream's formulas
 * (drivers/xen/xen-selfballoon.c as of Linux 5.2) for 4 KiB pages, where
 * 1 MiB is 256 pages, and 64-bit unsigned longs; the arithmetic is in the
 * comments.  None is computed by calling the code under test.
 */

#ifndef _XEN_SELFBALLOON_POLICY_KUNIT_H
#define _XEN_SELFBALLOON_POLICY_KUNIT_H

#include <kunit/test.h>
#include <linux/string.h>

/* Pages per MiB with 4 KiB pages. */
#define SBT_MIB			256UL
/* selfballoon_tunables[].max of the _mb tunables: 16 TiB in MiB. */
#define SBT_MAX_MB		16777216U
/* A value no function may leave in an output it must not touch. */
#define SBT_UNTOUCHED		0xdeadbeefU

/* The arithmetic expectations below are for 4 KiB pages, 64-bit longs. */
static int sbt_init_4k_pages(struct kunit *test)
{
	if (PAGE_SHIFT != 12 || BITS_PER_LONG != 64)
		kunit_skip(test, "needs 4 KiB pages, 64-bit: PAGE_SHIFT %d, %d-bit",
			   PAGE_SHIFT, BITS_PER_LONG);
	return 0;
}

/* ---- selfballoon_mb_to_pages() ---- */

static void mb_to_pages_is_256_pages_per_mib(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(0), 0UL);
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(1), 256UL);
	/* 16 MiB = 16 * 256 = 4096 pages */
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(16), 4096UL);
	/* 1 GiB = 1024 * 256 = 262144 pages */
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(1024), 262144UL);
	/* 16 TiB = 16777216 * 256 = 4294967296 pages (more than 32 bits) */
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(SBT_MAX_MB),
			4294967296UL);
}

static void mb_to_pages_saturates_instead_of_wrapping(struct kunit *test)
{
	/*
	 * The largest MiB count that fits: (2^64 - 1) >> 8 = 2^56 - 1
	 * = 0x00ffffffffffffff MiB, i.e. (2^56 - 1) * 256 = 2^64 - 256 pages.
	 */
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(0x00ffffffffffffffUL),
			0xffffffffffffff00UL);
	/* 2^56 MiB would be 2^64 pages: saturates, does not wrap to 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(0x0100000000000000UL),
			ULONG_MAX);
	KUNIT_EXPECT_EQ(test, selfballoon_mb_to_pages(ULONG_MAX), ULONG_MAX);
}

/* ---- selfballoon_goal_pages() ---- */

static void goal_is_committed_plus_reserve_plus_reserved_mb(struct kunit *test)
{
	/* 50000 committed + 2000 reserve + 102 MiB (26112) = 78112 */
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(50000, 2000, 26112, 0),
			78112UL);
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(0, 0, 0, 0), 0UL);
}

static void goal_leaves_room_for_frontswap_pages(struct kunit *test)
{
	/* 50000 + 2000 + 26112 + 5000 frontswap = 83112 */
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(50000, 2000, 26112, 5000),
			83112UL);
}

static void goal_saturates_at_ulong_max(struct kunit *test)
{
	/* (2^64 - 11) + 5 + 4 = 2^64 - 2: still exact */
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(ULONG_MAX - 10, 5, 4, 0),
			ULONG_MAX - 1);
	/* (2^64 - 11) + 5 + 5 + 1 = 2^64: one past, saturates */
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(ULONG_MAX - 10, 5, 5, 1),
			ULONG_MAX);
	/* each term alone can overflow the sum */
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(1, ULONG_MAX, 0, 0),
			ULONG_MAX);
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(1, 0, ULONG_MAX, 0),
			ULONG_MAX);
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(1, 0, 0, ULONG_MAX),
			ULONG_MAX);
	KUNIT_EXPECT_EQ(test, selfballoon_goal_pages(ULONG_MAX, ULONG_MAX,
						     ULONG_MAX, ULONG_MAX),
			ULONG_MAX);
}

/* ---- selfballoon_step_pages() ---- */

static void step_down_moves_distance_over_downhysteresis(struct kunit *test)
{
	/* 10000 - (10000 - 2000) / 8 = 10000 - 1000 = 9000 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, 8, 1), 9000UL);
	/* 10000 - (10000 - 2003) / 8 = 10000 - 999 (7997 / 8 rounded down) */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2003, 8, 1), 9001UL);
	/* 10000 - 8000 / 3 = 10000 - 2666 = 7334 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, 3, 1), 7334UL);
}

static void step_down_with_downhysteresis_1_jumps_to_goal(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, 1, 1), 2000UL);
	/* 0 is out of range for the tunable; the function treats it as 1 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, 0, 1), 2000UL);
}

static void step_down_with_large_downhysteresis_creeps(struct kunit *test)
{
	/* 10000 - 8000 / 1000 = 10000 - 8 = 9992 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, 1000, 1),
			9992UL);
	/* a distance below the divisor rounds to no step: 1 / 8 = 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 9999, 8, 1),
			10000UL);
	/* 8000 / (2^32 - 1) = 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, UINT_MAX, 1),
			10000UL);
}

static void step_up_moves_distance_over_uphysteresis(struct kunit *test)
{
	/* 2000 + (10000 - 2000) / 4 = 2000 + 2000 = 4000 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 8, 4), 4000UL);
	/* 2000 + 8000 / 3 = 2000 + 2666 = 4666 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 8, 3), 4666UL);
}

static void step_up_with_uphysteresis_1_jumps_to_goal(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 8, 1),
			10000UL);
	/* 0 is out of range for the tunable; the function treats it as 1 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 8, 0),
			10000UL);
}

static void step_up_with_large_uphysteresis_creeps(struct kunit *test)
{
	/* 2000 + 8000 / 1000 = 2008 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 8, 1000),
			2008UL);
	/* 8000 / (2^32 - 1) = 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 8, UINT_MAX),
			2000UL);
}

static void step_uses_each_hysteresis_only_in_its_direction(struct kunit *test)
{
	/* down: 10000 - 8000 / 2 = 6000, whatever uphysteresis is */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 2000, 2, 1000),
			6000UL);
	/* up: 2000 + 8000 / 2 = 6000, whatever downhysteresis is */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(2000, 10000, 1000, 2),
			6000UL);
}

static void step_at_goal_stays(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(5000, 5000, 8, 1), 5000UL);
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(5000, 5000, 0, 0), 5000UL);
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(0, 0, 1, 1), 0UL);
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(ULONG_MAX, ULONG_MAX, 1, 1),
			ULONG_MAX);
}

static void step_toward_goal_0_does_not_wrap(struct kunit *test)
{
	/* 10000 - (10000 - 0) / 8 = 10000 - 1250 = 8750 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 0, 8, 1), 8750UL);
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, 0, 1, 1), 0UL);
	/* (2^64 - 1) - (2^64 - 1) / 2 = (2^64 - 1) - (2^63 - 1) = 2^63 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(ULONG_MAX, 0, 2, 1),
			0x8000000000000000UL);
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(ULONG_MAX, 0, 1, 1), 0UL);
}

static void step_toward_goal_ulong_max_does_not_wrap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, ULONG_MAX, 8, 1),
			ULONG_MAX);
	/*
	 * 10000 + (2^64 - 1 - 10000) / 2 = 10000 + (2^63 - 5001)
	 * = 2^63 + 4999 = 0x8000000000001387
	 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(10000, ULONG_MAX, 8, 2),
			0x8000000000001387UL);
	/* 0 + (2^64 - 1) / (2^32 - 1) = 2^32 + 1 */
	KUNIT_EXPECT_EQ(test, selfballoon_step_pages(0, ULONG_MAX, 8, UINT_MAX),
			0x100000001UL);
}

/* ---- selfballoon_to_balloon_pages() ---- */

static void to_balloon_adds_pages_outside_totalram(struct kunit *test)
{
	/* 100000 + (262144 - 250000) = 100000 + 12144 = 112144 */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(100000, 262144,
							   250000),
			112144UL);
	/* balloon and totalram agree: the target is unchanged */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(100000, 250000,
							   250000),
			100000UL);
}

static void to_balloon_subtracts_when_balloon_counts_less(struct kunit *test)
{
	/* 100000 + 250000 - 250100 = 100000 - 100 = 99900 */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(100000, 250000,
							   250100),
			99900UL);
}

static void to_balloon_saturates_both_ways(struct kunit *test)
{
	/* (2^64 - 11) + (20 - 10) = 2^64 - 1: exact */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(ULONG_MAX - 10, 20,
							   10),
			ULONG_MAX);
	/* (2^64 - 6) + 10 would wrap to 4: saturates */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(ULONG_MAX - 5, 20,
							   10),
			ULONG_MAX);
	/* 100 + 0 - 100 = 0: exact */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(100, 0, 100), 0UL);
	/* 50 + 0 - 100 would wrap: 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(50, 0, 100), 0UL);
	KUNIT_EXPECT_EQ(test, selfballoon_to_balloon_pages(0, 0, ULONG_MAX),
			0UL);
}

/* ---- selfballoon_auto_reserved_mb() ---- */

static void auto_reserved_mb_is_10_percent_of_ram(struct kunit *test)
{
	/* 1 GiB = 262144 pages = 1024 MiB; 1024 / 10 = 102 */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(262144), 102U);
	/* 4 GiB = 1048576 pages = 4096 MiB; 4096 / 10 = 409 */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(1048576), 409U);
	/* 2560 pages = 10 MiB: 1 MiB */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(2560), 1U);
}

static void auto_reserved_mb_rounds_down(struct kunit *test)
{
	/* 2559 pages = 9 MiB (2559 >> 8 = 9); 9 / 10 = 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(2559), 0U);
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(0), 0U);
	/* 1 GiB - 1 page = 1023 MiB; 1023 / 10 = 102 */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(262143), 102U);
}

static void auto_reserved_mb_is_capped_at_the_tunable_max(struct kunit *test)
{
	/* 167772160 MiB = 42949672960 pages; / 10 = 16777216, the max */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(42949672960UL),
			SBT_MAX_MB);
	/* 167772170 MiB = 42949675520 pages; / 10 = 16777217: capped */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(42949675520UL),
			SBT_MAX_MB);
	/* (2^64 - 1) >> 8 = 2^56 - 1 MiB; / 10 does not fit: capped */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_reserved_mb(ULONG_MAX),
			SBT_MAX_MB);
}

static struct kunit_case selfballoon_arith_test_cases[] = {
	KUNIT_CASE(mb_to_pages_is_256_pages_per_mib),
	KUNIT_CASE(mb_to_pages_saturates_instead_of_wrapping),
	KUNIT_CASE(goal_is_committed_plus_reserve_plus_reserved_mb),
	KUNIT_CASE(goal_leaves_room_for_frontswap_pages),
	KUNIT_CASE(goal_saturates_at_ulong_max),
	KUNIT_CASE(step_down_moves_distance_over_downhysteresis),
	KUNIT_CASE(step_down_with_downhysteresis_1_jumps_to_goal),
	KUNIT_CASE(step_down_with_large_downhysteresis_creeps),
	KUNIT_CASE(step_up_moves_distance_over_uphysteresis),
	KUNIT_CASE(step_up_with_uphysteresis_1_jumps_to_goal),
	KUNIT_CASE(step_up_with_large_uphysteresis_creeps),
	KUNIT_CASE(step_uses_each_hysteresis_only_in_its_direction),
	KUNIT_CASE(step_at_goal_stays),
	KUNIT_CASE(step_toward_goal_0_does_not_wrap),
	KUNIT_CASE(step_toward_goal_ulong_max_does_not_wrap),
	KUNIT_CASE(to_balloon_adds_pages_outside_totalram),
	KUNIT_CASE(to_balloon_subtracts_when_balloon_counts_less),
	KUNIT_CASE(to_balloon_saturates_both_ways),
	KUNIT_CASE(auto_reserved_mb_is_10_percent_of_ram),
	KUNIT_CASE(auto_reserved_mb_rounds_down),
	KUNIT_CASE(auto_reserved_mb_is_capped_at_the_tunable_max),
	{}
};

static struct kunit_suite selfballoon_arith_test_suite = {
	.name = "xen_selfballoon_arith",
	.init = sbt_init_4k_pages,
	.test_cases = selfballoon_arith_test_cases,
};

/* ---- selfballoon_floor_pages() ---- */

/*
 * The default floor as a function of the useful memory u = max_pfn - reserve,
 * with a reserve of 1000 pages (max_pfn = 1000 + u).  In pages, 16 MiB is
 * 4096, 40 MiB 10240, 64 MiB 16384, 99 MiB 25344 and 512 MiB 131072.
 */
#define SBT_RESERVE	1000UL

static void sbt_expect_floor(struct kunit *test, unsigned long useful,
			     unsigned long expected)
{
	unsigned long max_pfn = SBT_RESERVE + useful;

	KUNIT_EXPECT_EQ_MSG(test,
			    selfballoon_floor_pages(max_pfn, SBT_RESERVE, 0),
			    expected,
			    "default floor for %lu useful pages (%lu MiB + %lu pages), reserve %lu",
			    useful, useful / SBT_MIB, useful % SBT_MIB,
			    SBT_RESERVE);
}

static void floor_below_16_mib_useful_is_max_pfn(struct kunit *test)
{
	/* u = 8 MiB = 2048: no ballooning, floor = max_pfn = 3048 */
	sbt_expect_floor(test, 2048, 3048);
	/* u = 16 MiB - 1 page = 4095: floor = max_pfn = 5095 */
	sbt_expect_floor(test, 4095, 5095);
	/* u = 0 */
	sbt_expect_floor(test, 0, 1000);
}

static void floor_from_16_mib_useful_is_16_mib_plus_half(struct kunit *test)
{
	/* u = 16 MiB = 4096: 1000 + 4096 + (4096 - 4096) / 2 = 5096 */
	sbt_expect_floor(test, 4096, 5096);
	/*
	 * u = 16 MiB + 1 page = 4097: 1000 + 4096 + 1 / 2 = 5096, one page
	 * below max_pfn 5097 (the < 16 MiB piece would give 5097)
	 */
	sbt_expect_floor(test, 4097, 5096);
	/* u = 32 MiB = 8192: 1000 + 4096 + (8192 - 4096) / 2 = 7144 */
	sbt_expect_floor(test, 8192, 7144);
	/*
	 * u = 64 MiB - 1 page = 16383:
	 * 1000 + 4096 + (16383 - 4096) / 2 = 1000 + 4096 + 6143 = 11239
	 */
	sbt_expect_floor(test, 16383, 11239);
}

static void floor_from_64_mib_useful_is_40_mib_plus_eighth(struct kunit *test)
{
	/*
	 * u = 64 MiB = 16384:
	 * 1000 + 10240 + (16384 - 10240) / 8 = 1000 + 10240 + 768 = 12008
	 * (the 16-64 MiB piece would give 1000 + 4096 + 6144 = 11240)
	 */
	sbt_expect_floor(test, 16384, 12008);
	/*
	 * u = 256 MiB = 65536:
	 * 1000 + 10240 + (65536 - 10240) / 8 = 1000 + 10240 + 6912 = 18152
	 */
	sbt_expect_floor(test, 65536, 18152);
	/*
	 * u = 512 MiB - 1 page = 131071:
	 * 1000 + 10240 + (131071 - 10240) / 8 = 1000 + 10240 + 15103 = 26343
	 */
	sbt_expect_floor(test, 131071, 26343);
}

static void floor_from_512_mib_useful_is_99_mib_plus_32nd(struct kunit *test)
{
	/*
	 * u = 512 MiB = 131072:
	 * 1000 + 25344 + (131072 - 25344) / 32 = 1000 + 25344 + 3304 = 29648
	 * (the 64-512 MiB piece would give 40 MiB + 472 MiB / 8 = 99 MiB,
	 * 1000 + 25344 = 26344)
	 */
	sbt_expect_floor(test, 131072, 29648);
	/*
	 * u = 1 GiB = 262144:
	 * 1000 + 25344 + (262144 - 25344) / 32 = 1000 + 25344 + 7400 = 33744
	 */
	sbt_expect_floor(test, 262144, 33744);
	/*
	 * u = 16 GiB = 4194304:
	 * 1000 + 25344 + (4194304 - 25344) / 32 = 1000 + 25344 + 130280
	 * = 156624
	 */
	sbt_expect_floor(test, 4194304, 156624);
}

static void floor_default_curve_without_reserve(struct kunit *test)
{
	/* reserve 0, u = max_pfn = 1 GiB: 25344 + 236800 / 32 = 32744 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(262144, 0, 0), 32744UL);
	/* max_pfn 0: nothing to balloon, floor 0 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(0, 0, 0), 0UL);
}

static void floor_with_min_usable_mb_is_reserve_plus_that(struct kunit *test)
{
	/* 1 GiB guest, reserve 1000, 100 MiB: 1000 + 25600 = 26600 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(262144, 1000, 100),
			26600UL);
	/* 1 MiB: 1000 + 256 = 1256, far below the default curve's 33744 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(262144, 1000, 1),
			1256UL);
}

static void floor_min_usable_mb_overrides_the_small_guest_rule(struct kunit *test)
{
	/*
	 * u = 8 MiB would not balloon at all (floor = max_pfn = 2148);
	 * min_usable_mb 4: 100 + 1024 = 1124
	 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(2148, 100, 4), 1124UL);
}

static void floor_is_clamped_to_max_pfn(struct kunit *test)
{
	/* 1000 + 2048 MiB (524288) = 525288 > max_pfn 262144: 262144 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(262144, 1000, 2048),
			262144UL);
	/* 16 TiB: 1000 + 4294967296 > max_pfn */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(262144, 1000, SBT_MAX_MB),
			262144UL);
	/* reserve + min_usable_mb saturates at ULONG_MAX = max_pfn */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(ULONG_MAX, ULONG_MAX - 100,
						      1),
			ULONG_MAX);
}

static void floor_with_reserve_above_max_pfn_is_max_pfn(struct kunit *test)
{
	/*
	 * reserve 5000 > max_pfn 1000: useful memory is 0, not
	 * 1000 - 5000 wrapped to 2^64 - 4000: floor = max_pfn
	 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(1000, 5000, 0), 1000UL);
	/* reserve == max_pfn: useful 0, floor = max_pfn */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(1000, 1000, 0), 1000UL);
	/* with min_usable_mb: 5000 + 256 = 5256, clamped to 1000 */
	KUNIT_EXPECT_EQ(test, selfballoon_floor_pages(1000, 5000, 1), 1000UL);
}

static struct kunit_case selfballoon_floor_test_cases[] = {
	KUNIT_CASE(floor_below_16_mib_useful_is_max_pfn),
	KUNIT_CASE(floor_from_16_mib_useful_is_16_mib_plus_half),
	KUNIT_CASE(floor_from_64_mib_useful_is_40_mib_plus_eighth),
	KUNIT_CASE(floor_from_512_mib_useful_is_99_mib_plus_32nd),
	KUNIT_CASE(floor_default_curve_without_reserve),
	KUNIT_CASE(floor_with_min_usable_mb_is_reserve_plus_that),
	KUNIT_CASE(floor_min_usable_mb_overrides_the_small_guest_rule),
	KUNIT_CASE(floor_is_clamped_to_max_pfn),
	KUNIT_CASE(floor_with_reserve_above_max_pfn_is_max_pfn),
	{}
};

static struct kunit_suite selfballoon_floor_test_suite = {
	.name = "xen_selfballoon_floor",
	.init = sbt_init_4k_pages,
	.test_cases = selfballoon_floor_test_cases,
};

/* ---- selfballoon_decide() ---- */

/*
 * A 1 GiB guest (max_pfn 262144) with 2000 reserved pages, of which the
 * page allocator manages 250000 pages while the balloon driver counts
 * 262144: balloon targets are 12144 pages above totalram targets.  Its
 * default floor: u = 262144 - 2000 = 260144 (>= 512 MiB),
 * 2000 + 25344 + (260144 - 25344) / 32 = 2000 + 25344 + 7337 = 34681.
 */
static const struct selfballoon_sample sbt_idle_1g = {
	.committed_pages = 50000,
	.totalram_pages = 250000,
	.balloon_current_pages = 262144,
	.totalreserve_pages = 2000,
	.max_pfn = 262144,
	.frontswap_pages = 0,
};

/* Upstream's defaults with the automatic reserve of a 1 GiB guest. */
static const struct selfballoon_params sbt_defaults = {
	.downhysteresis = 8,
	.uphysteresis = 1,
	.reserved_mb = 102,
	.min_usable_mb = 0,
};

static void sbt_expect_decision(struct kunit *test,
				const struct selfballoon_decision *d,
				unsigned long goal, unsigned long floor,
				unsigned long target, unsigned long balloon,
				enum selfballoon_action action, bool floor_hit)
{
	KUNIT_EXPECT_EQ_MSG(test, d->goal_pages, goal, "goal_pages");
	KUNIT_EXPECT_EQ_MSG(test, d->floor_pages, floor, "floor_pages");
	KUNIT_EXPECT_EQ_MSG(test, d->target_pages, target, "target_pages");
	KUNIT_EXPECT_EQ_MSG(test, d->balloon_target_pages, balloon,
			    "balloon_target_pages");
	KUNIT_EXPECT_EQ_MSG(test, d->action, action,
			    "action (0 hold, 1 raise, 2 cut)");
	KUNIT_EXPECT_EQ_MSG(test, d->floor_hit, floor_hit, "floor_hit");
}

static void decide_idle_guest_cuts_one_eighth_toward_goal(struct kunit *test)
{
	struct selfballoon_decision d;

	selfballoon_decide(&sbt_idle_1g, &sbt_defaults, &d);
	/*
	 * goal = 50000 + 2000 + 102 * 256 (26112) = 78112
	 * target = 250000 - (250000 - 78112) / 8 = 250000 - 21486 = 228514
	 * balloon = 228514 + 12144 = 240658
	 */
	sbt_expect_decision(test, &d, 78112, 34681, 228514, 240658,
			    SELFBALLOON_CUT, false);
}

static void decide_floor_raises_a_target_cut_below_it(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_params p = sbt_defaults;
	struct selfballoon_decision d;

	s.committed_pages = 1000;
	p.reserved_mb = 10;
	p.downhysteresis = 1;
	selfballoon_decide(&s, &p, &d);
	/*
	 * goal = 1000 + 2000 + 10 * 256 = 5560; one step with hysteresis 1
	 * lands on it, below the floor 34681: target 34681, balloon
	 * 34681 + 12144 = 46825; still a cut (250000 -> 34681)
	 */
	sbt_expect_decision(test, &d, 5560, 34681, 34681, 46825,
			    SELFBALLOON_CUT, true);
}

static void decide_floor_from_min_usable_mb(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_params p = sbt_defaults;
	struct selfballoon_decision d;

	s.committed_pages = 1000;
	p.reserved_mb = 10;
	p.downhysteresis = 1;
	p.min_usable_mb = 200;
	selfballoon_decide(&s, &p, &d);
	/*
	 * floor = 2000 + 200 * 256 = 53200 (not the default 34681);
	 * goal 5560 is below it: target 53200, balloon 53200 + 12144 = 65344
	 */
	sbt_expect_decision(test, &d, 5560, 53200, 53200, 65344,
			    SELFBALLOON_CUT, true);
}

static void decide_busy_guest_raises_straight_to_goal(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.totalram_pages = 100000;
	s.balloon_current_pages = 112144;
	s.committed_pages = 150000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal = 150000 + 2000 + 26112 = 178112; uphysteresis 1: target
	 * 178112; balloon = 178112 + (112144 - 100000) = 190256
	 */
	sbt_expect_decision(test, &d, 178112, 34681, 178112, 190256,
			    SELFBALLOON_RAISE, false);
}

static void decide_goal_ignores_frontswap_pages(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.frontswap_pages = 5000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * the 5000 zswap pages are written back, not brought in: no room
	 * goal = 50000 + 2000 + 26112 = 78112
	 * target = 250000 - (250000 - 78112) / 8 = 250000 - 21486 = 228514
	 * (171888 / 8 = 21486); balloon = 228514 + 12144 = 240658
	 */
	sbt_expect_decision(test, &d, 78112, 34681, 228514, 240658,
			    SELFBALLOON_CUT, false);
}

static void decide_at_goal_holds(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.totalram_pages = 78112;
	s.balloon_current_pages = 90256;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/* goal = 78112 = current: hold; balloon 78112 + 12144 = 90256 */
	sbt_expect_decision(test, &d, 78112, 34681, 78112, 90256,
			    SELFBALLOON_HOLD, false);
}

static void decide_step_rounding_to_zero_holds(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.totalram_pages = 78119;
	s.balloon_current_pages = 90263;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/* 78119 - (78119 - 78112) / 8 = 78119 - 0: hold */
	sbt_expect_decision(test, &d, 78112, 34681, 78119, 90263,
			    SELFBALLOON_HOLD, false);
}

static void decide_floor_raises_a_guest_left_below_it(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	/* the toolstack left the guest at 30000 pages, goal 30000 */
	s.totalram_pages = 30000;
	s.balloon_current_pages = 42144;
	s.committed_pages = 1888;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal = 1888 + 2000 + 26112 = 30000 = current: the step holds,
	 * then the floor raises the target to 34681 > current 30000, so
	 * the tick's action is a raise; balloon = 34681 + 12144 = 46825
	 */
	sbt_expect_decision(test, &d, 30000, 34681, 34681, 46825,
			    SELFBALLOON_RAISE, true);
}

static void decide_empty_guest_target_capped_at_max_pfn(struct kunit *test)
{
	const struct selfballoon_sample s = { };
	struct selfballoon_decision d;

	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal = 0 + 0 + 26112; the step would raise to 26112, but the
	 * target stops at max_pfn = 0 = current: a hold; floor = max_pfn =
	 * 0, not hit
	 */
	sbt_expect_decision(test, &d, 26112, 0, 0, 0,
			    SELFBALLOON_HOLD, false);
}

static void decide_extreme_counters_do_not_wrap(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.committed_pages = ULONG_MAX;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal saturates; the step up would reach it, but the target stops
	 * at the max_pfn limit, 262144 - (262144 - 250000) = 250000 pages in
	 * totalram terms, which is current: a hold; balloon = 250000 + 12144
	 * = 262144 = max_pfn
	 */
	sbt_expect_decision(test, &d, ULONG_MAX, 34681, 250000, 262144,
			    SELFBALLOON_HOLD, false);

	/* reserve above max_pfn: floor = max_pfn, held to the limit */
	s = sbt_idle_1g;
	s.totalreserve_pages = 300000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal = 50000 + 300000 + 26112 = 376112 > current 250000; the
	 * floor curve gives max_pfn = 262144 (no useful memory), held to the
	 * limit 250000; the step to 376112 is not below it; the target stops
	 * at the limit 250000 = current: a hold; balloon = 262144
	 */
	sbt_expect_decision(test, &d, 376112, 250000, 250000, 262144,
			    SELFBALLOON_HOLD, false);
}

static void decide_raise_stops_at_max_pfn_in_balloon_terms(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	/* a guest ballooned down to 200000 + 12144 pages */
	s.totalram_pages = 200000;
	s.balloon_current_pages = 212144;
	s.committed_pages = 240000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal = 240000 + 2000 + 26112 = 268112; uphysteresis 1 steps to
	 * it, but the balloon target may not pass max_pfn = 262144, i.e.
	 * 262144 - 12144 = 250000 in totalram terms: a raise from 200000 to
	 * 250000, balloon 262144
	 */
	sbt_expect_decision(test, &d, 268112, 34681, 250000, 262144,
			    SELFBALLOON_RAISE, false);
}

static struct kunit_case selfballoon_decide_test_cases[] = {
	KUNIT_CASE(decide_idle_guest_cuts_one_eighth_toward_goal),
	KUNIT_CASE(decide_floor_raises_a_target_cut_below_it),
	KUNIT_CASE(decide_floor_from_min_usable_mb),
	KUNIT_CASE(decide_busy_guest_raises_straight_to_goal),
	KUNIT_CASE(decide_goal_ignores_frontswap_pages),
	KUNIT_CASE(decide_at_goal_holds),
	KUNIT_CASE(decide_step_rounding_to_zero_holds),
	KUNIT_CASE(decide_floor_raises_a_guest_left_below_it),
	KUNIT_CASE(decide_empty_guest_target_capped_at_max_pfn),
	KUNIT_CASE(decide_extreme_counters_do_not_wrap),
	KUNIT_CASE(decide_raise_stops_at_max_pfn_in_balloon_terms),
	{}
};

static struct kunit_suite selfballoon_decide_test_suite = {
	.name = "xen_selfballoon_decide",
	.init = sbt_init_4k_pages,
	.test_cases = selfballoon_decide_test_cases,
};

/* ---- selfballoon_tunables[], selfballoon_parse_tunable() ---- */

static void tunables_have_upstream_names_and_defaults(struct kunit *test)
{
	/* upstream's seven, then this port's two */
	static const struct {
		enum selfballoon_tunable id;
		const char *name;
		unsigned int def;
	} upstream[] = {
		{ SB_INTERVAL_S, "selfballoon_interval", 5 },
		{ SB_DOWNHYSTERESIS, "selfballoon_downhysteresis", 8 },
		{ SB_UPHYSTERESIS, "selfballoon_uphysteresis", 1 },
		{ SB_MIN_USABLE_MB, "selfballoon_min_usable_mb", 0 },
		{ SB_RESERVED_MB, "selfballoon_reserved_mb", 0 },
		{ SB_FRONTSWAP_HYSTERESIS, "frontswap_hysteresis", 20 },
		{ SB_FRONTSWAP_INERTIA, "frontswap_inertia", 3 },
		{ SB_GRACE_S, "selfballoon_grace_s", 15 },
		{ SB_MIN_RESERVE_MB, "selfballoon_min_reserve_mb", 0 },
	};
	size_t i;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(upstream), (size_t)SB_NR_TUNABLES);
	for (i = 0; i < ARRAY_SIZE(upstream); i++) {
		const struct selfballoon_tunable_info *info =
			&selfballoon_tunables[upstream[i].id];

		KUNIT_EXPECT_STREQ(test, info->name, upstream[i].name);
		KUNIT_EXPECT_EQ_MSG(test, info->def, upstream[i].def,
				    "default of %s", upstream[i].name);
		KUNIT_EXPECT_GE_MSG(test, info->def, info->min,
				    "default of %s below its min",
				    upstream[i].name);
		KUNIT_EXPECT_LE_MSG(test, info->def, info->max,
				    "default of %s above its max",
				    upstream[i].name);
	}
}

static void sbt_expect_parse(struct kunit *test, enum selfballoon_tunable id,
			     const char *buf, int err, unsigned int expected)
{
	const char *name = selfballoon_tunables[id].name;
	unsigned int val = SBT_UNTOUCHED;

	KUNIT_EXPECT_EQ_MSG(test, selfballoon_parse_tunable(id, buf, &val), err,
			    "%s: errno for \"%.40s\"", name, buf);
	KUNIT_EXPECT_EQ_MSG(test, val, err ? SBT_UNTOUCHED : expected,
			    "%s: value after \"%.40s\"%s", name, buf,
			    err ? " (must be left untouched)" : "");
}

/*
 * The rules every numeric tunable shares (kstrtouint(), base 10), then its
 * own range [@min, @max]: min and max are accepted, one outside is -ERANGE.
 */
static void sbt_expect_tunable_rules(struct kunit *test,
				     enum selfballoon_tunable id,
				     unsigned int min, unsigned int max)
{
	char num[16];
	char *big;

	/* malformed text: -EINVAL */
	sbt_expect_parse(test, id, "", -EINVAL, 0);
	sbt_expect_parse(test, id, "\n", -EINVAL, 0);
	sbt_expect_parse(test, id, " 5", -EINVAL, 0);
	sbt_expect_parse(test, id, "5 ", -EINVAL, 0);
	sbt_expect_parse(test, id, "5x", -EINVAL, 0);
	sbt_expect_parse(test, id, "-1", -EINVAL, 0);
	sbt_expect_parse(test, id, "-0", -EINVAL, 0);
	sbt_expect_parse(test, id, "0x10", -EINVAL, 0);
	sbt_expect_parse(test, id, "1e3", -EINVAL, 0);
	sbt_expect_parse(test, id, "5\n\n", -EINVAL, 0);
	sbt_expect_parse(test, id, "++5", -EINVAL, 0);
	/* kstrtouint() takes one leading '+' and one trailing newline */
	sbt_expect_parse(test, id, "+5", 0, 5);
	sbt_expect_parse(test, id, "5\n", 0, 5);
	sbt_expect_parse(test, id, "+5\n", 0, 5);
	/* leading zeros are decimal, not octal: "010" is 10 */
	sbt_expect_parse(test, id, "010", 0, 10);

	/* the range */
	snprintf(num, sizeof(num), "%u", min);
	sbt_expect_parse(test, id, num, 0, min);
	snprintf(num, sizeof(num), "%u\n", max);
	sbt_expect_parse(test, id, num, 0, max);
	snprintf(num, sizeof(num), "%u", max + 1);
	sbt_expect_parse(test, id, num, -ERANGE, 0);
	if (min) {
		snprintf(num, sizeof(num), "%u", min - 1);
		sbt_expect_parse(test, id, num, -ERANGE, 0);
	}
	/* 2^32 - 1 fits an unsigned int but every range */
	sbt_expect_parse(test, id, "4294967295", -ERANGE, 0);
	/* 2^32 does not fit an unsigned int (kstrtouint) */
	sbt_expect_parse(test, id, "4294967296", -ERANGE, 0);
	/* 2^64 does not fit an unsigned long long (kstrtoull) */
	sbt_expect_parse(test, id, "18446744073709551616", -ERANGE, 0);

	/* a whole sysfs page: 4095 characters and the NUL */
	big = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, '9', 4095);
	sbt_expect_parse(test, id, big, -ERANGE, 0);
	memset(big, '0', 4095);
	big[4094] = '7';
	sbt_expect_parse(test, id, big, 0, 7);
	big[4094] = '\n';
	sbt_expect_parse(test, id, big, min ? -ERANGE : 0, 0);
	memset(big, 'a', 4095);
	sbt_expect_parse(test, id, big, -EINVAL, 0);
}

static void parse_interval_accepts_1_to_3600_s(struct kunit *test)
{
	/* 0 s would spin the worker: -ERANGE */
	sbt_expect_parse(test, SB_INTERVAL_S, "0", -ERANGE, 0);
	sbt_expect_tunable_rules(test, SB_INTERVAL_S, 1, 3600);
}

static void parse_downhysteresis_accepts_1_to_1000(struct kunit *test)
{
	/* 0 would divide by zero upstream: -ERANGE */
	sbt_expect_parse(test, SB_DOWNHYSTERESIS, "0", -ERANGE, 0);
	sbt_expect_tunable_rules(test, SB_DOWNHYSTERESIS, 1, 1000);
}

static void parse_uphysteresis_accepts_1_to_1000(struct kunit *test)
{
	sbt_expect_parse(test, SB_UPHYSTERESIS, "0", -ERANGE, 0);
	sbt_expect_tunable_rules(test, SB_UPHYSTERESIS, 1, 1000);
}

static void parse_min_usable_mb_accepts_0_to_16_tib(struct kunit *test)
{
	/* 0 restores the default floor (upstream rejected it) */
	sbt_expect_parse(test, SB_MIN_USABLE_MB, "0", 0, 0);
	sbt_expect_parse(test, SB_MIN_USABLE_MB, "0\n", 0, 0);
	sbt_expect_tunable_rules(test, SB_MIN_USABLE_MB, 0, SBT_MAX_MB);
}

static void parse_reserved_mb_accepts_0_to_16_tib(struct kunit *test)
{
	/* 0 restores the automatic reserve (upstream rejected it) */
	sbt_expect_parse(test, SB_RESERVED_MB, "0", 0, 0);
	sbt_expect_tunable_rules(test, SB_RESERVED_MB, 0, SBT_MAX_MB);
}

static void parse_frontswap_hysteresis_accepts_1_to_1000(struct kunit *test)
{
	sbt_expect_parse(test, SB_FRONTSWAP_HYSTERESIS, "0", -ERANGE, 0);
	sbt_expect_tunable_rules(test, SB_FRONTSWAP_HYSTERESIS, 1, 1000);
}

static void parse_frontswap_inertia_accepts_1_to_1000(struct kunit *test)
{
	sbt_expect_parse(test, SB_FRONTSWAP_INERTIA, "0", -ERANGE, 0);
	sbt_expect_tunable_rules(test, SB_FRONTSWAP_INERTIA, 1, 1000);
}

static void parse_grace_s_accepts_0_to_3600(struct kunit *test)
{
	/* 0: no grace period */
	sbt_expect_parse(test, SB_GRACE_S, "0", 0, 0);
	sbt_expect_tunable_rules(test, SB_GRACE_S, 0, 3600);
}

static void parse_min_reserve_mb_accepts_0_to_16_tib(struct kunit *test)
{
	/* 0 selects the automatic least reserve */
	sbt_expect_parse(test, SB_MIN_RESERVE_MB, "0", 0, 0);
	sbt_expect_tunable_rules(test, SB_MIN_RESERVE_MB, 0, SBT_MAX_MB);
}

static void parse_tunable_rejects_an_unknown_id(struct kunit *test)
{
	unsigned int val = SBT_UNTOUCHED;

	KUNIT_EXPECT_EQ(test, selfballoon_parse_tunable(SB_NR_TUNABLES, "5",
							&val),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, val, SBT_UNTOUCHED);
}

/* ---- selfballoon_parse_bool() ---- */

static void sbt_expect_bool(struct kunit *test, const char *buf, int err,
			    bool expected)
{
	bool val;

	/* run twice, so that an error must leave either value in place */
	val = false;
	KUNIT_EXPECT_EQ_MSG(test, selfballoon_parse_bool(buf, &val), err,
			    "errno for \"%.40s\"", buf);
	KUNIT_EXPECT_EQ_MSG(test, val, err ? false : expected,
			    "value after \"%.40s\" over false", buf);
	val = true;
	KUNIT_EXPECT_EQ_MSG(test, selfballoon_parse_bool(buf, &val), err,
			    "errno for \"%.40s\"", buf);
	KUNIT_EXPECT_EQ_MSG(test, val, err ? true : expected,
			    "value after \"%.40s\" over true", buf);
}

static void parse_bool_accepts_only_0_and_1(struct kunit *test)
{
	sbt_expect_bool(test, "0", 0, false);
	sbt_expect_bool(test, "1", 0, true);
	sbt_expect_bool(test, "0\n", 0, false);
	sbt_expect_bool(test, "1\n", 0, true);
	/* kstrtouint() rules: one '+', leading zeros */
	sbt_expect_bool(test, "+1", 0, true);
	sbt_expect_bool(test, "001", 0, true);
	/* numbers above 1: -EINVAL, as upstream */
	sbt_expect_bool(test, "2", -EINVAL, false);
	sbt_expect_bool(test, "+5", -EINVAL, false);
	sbt_expect_bool(test, "10", -EINVAL, false);
	sbt_expect_bool(test, "4294967295", -EINVAL, false);
}

static void parse_bool_rejects_kstrtobool_spellings(struct kunit *test)
{
	sbt_expect_bool(test, "y", -EINVAL, false);
	sbt_expect_bool(test, "n", -EINVAL, false);
	sbt_expect_bool(test, "Y", -EINVAL, false);
	sbt_expect_bool(test, "on", -EINVAL, false);
	sbt_expect_bool(test, "off", -EINVAL, false);
	sbt_expect_bool(test, "true", -EINVAL, false);
}

static void parse_bool_rejects_malformed_text(struct kunit *test)
{
	char *big;

	sbt_expect_bool(test, "", -EINVAL, false);
	sbt_expect_bool(test, "\n", -EINVAL, false);
	sbt_expect_bool(test, " 1", -EINVAL, false);
	sbt_expect_bool(test, "1 ", -EINVAL, false);
	sbt_expect_bool(test, "1x", -EINVAL, false);
	sbt_expect_bool(test, "-1", -EINVAL, false);
	sbt_expect_bool(test, "0x1", -EINVAL, false);
	sbt_expect_bool(test, "1e0", -EINVAL, false);
	sbt_expect_bool(test, "1\n\n", -EINVAL, false);
	/* too large for kstrtouint(): -ERANGE */
	sbt_expect_bool(test, "4294967296", -ERANGE, false);
	sbt_expect_bool(test, "18446744073709551616", -ERANGE, false);

	/* a whole sysfs page: 4095 characters and the NUL */
	big = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, '1', 4095);
	sbt_expect_bool(test, big, -ERANGE, false);
	memset(big, '0', 4095);
	big[4094] = '1';
	sbt_expect_bool(test, big, 0, true);
}

/* ---- selfballoon_parse_boot_switch() ---- */

static void sbt_expect_switch(struct kunit *test, const char *val, int err,
			      bool expected)
{
	bool on;

	/* run twice, so that an error must leave either value in place */
	on = false;
	KUNIT_EXPECT_EQ_MSG(test, selfballoon_parse_boot_switch(val, &on), err,
			    "errno for \"%.40s\"", val ?: "(bare word)");
	KUNIT_EXPECT_EQ_MSG(test, on, err ? false : expected,
			    "value after \"%.40s\" over false",
			    val ?: "(bare word)");
	on = true;
	KUNIT_EXPECT_EQ_MSG(test, selfballoon_parse_boot_switch(val, &on), err,
			    "errno for \"%.40s\"", val ?: "(bare word)");
	KUNIT_EXPECT_EQ_MSG(test, on, err ? true : expected,
			    "value after \"%.40s\" over true",
			    val ?: "(bare word)");
}

static void parse_boot_switch_accepts_the_seven_spellings(struct kunit *test)
{
	/* the bare word ("selfballooning", no '=') means on */
	sbt_expect_switch(test, NULL, 0, true);
	sbt_expect_switch(test, "1", 0, true);
	sbt_expect_switch(test, "y", 0, true);
	sbt_expect_switch(test, "Y", 0, true);
	sbt_expect_switch(test, "0", 0, false);
	sbt_expect_switch(test, "n", 0, false);
	sbt_expect_switch(test, "N", 0, false);
}

static void parse_boot_switch_rejects_kstrtobool_prefixes(struct kunit *test)
{
	/* kstrtobool() decides these by their first character or two */
	sbt_expect_switch(test, "1e3", -EINVAL, false);
	sbt_expect_switch(test, "0x10", -EINVAL, false);
	sbt_expect_switch(test, "1junk", -EINVAL, false);
	sbt_expect_switch(test, "yes", -EINVAL, false);
	sbt_expect_switch(test, "no", -EINVAL, false);
	sbt_expect_switch(test, "Yes", -EINVAL, false);
	sbt_expect_switch(test, "on", -EINVAL, false);
	sbt_expect_switch(test, "off", -EINVAL, false);
	sbt_expect_switch(test, "true", -EINVAL, false);
	sbt_expect_switch(test, "t", -EINVAL, false);
	sbt_expect_switch(test, "f", -EINVAL, false);
	sbt_expect_switch(test, "10", -EINVAL, false);
	sbt_expect_switch(test, "01", -EINVAL, false);
	sbt_expect_switch(test, "00", -EINVAL, false);
}

static void parse_boot_switch_rejects_malformed_text(struct kunit *test)
{
	char *big;

	/* "selfballooning=" gives an empty value, not the bare word */
	sbt_expect_switch(test, "", -EINVAL, false);
	sbt_expect_switch(test, " ", -EINVAL, false);
	sbt_expect_switch(test, " 1", -EINVAL, false);
	sbt_expect_switch(test, "1 ", -EINVAL, false);
	sbt_expect_switch(test, "1\n", -EINVAL, false);
	sbt_expect_switch(test, "\n", -EINVAL, false);
	sbt_expect_switch(test, "+1", -EINVAL, false);
	sbt_expect_switch(test, "-1", -EINVAL, false);
	sbt_expect_switch(test, "2", -EINVAL, false);
	sbt_expect_switch(test, "5x", -EINVAL, false);
	sbt_expect_switch(test, "4294967295", -EINVAL, false);
	sbt_expect_switch(test, "4294967296", -EINVAL, false);
	sbt_expect_switch(test, "18446744073709551616", -EINVAL, false);

	/* 4095 characters: the first one valid, the rest too */
	big = kunit_kzalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	memset(big, '1', 4095);
	sbt_expect_switch(test, big, -EINVAL, false);
	memset(big, 'y', 4095);
	sbt_expect_switch(test, big, -EINVAL, false);
}

static struct kunit_case selfballoon_sysfs_values_test_cases[] = {
	KUNIT_CASE(tunables_have_upstream_names_and_defaults),
	KUNIT_CASE(parse_interval_accepts_1_to_3600_s),
	KUNIT_CASE(parse_downhysteresis_accepts_1_to_1000),
	KUNIT_CASE(parse_uphysteresis_accepts_1_to_1000),
	KUNIT_CASE(parse_min_usable_mb_accepts_0_to_16_tib),
	KUNIT_CASE(parse_reserved_mb_accepts_0_to_16_tib),
	KUNIT_CASE(parse_frontswap_hysteresis_accepts_1_to_1000),
	KUNIT_CASE(parse_frontswap_inertia_accepts_1_to_1000),
	KUNIT_CASE(parse_grace_s_accepts_0_to_3600),
	KUNIT_CASE(parse_min_reserve_mb_accepts_0_to_16_tib),
	KUNIT_CASE(parse_tunable_rejects_an_unknown_id),
	KUNIT_CASE(parse_bool_accepts_only_0_and_1),
	KUNIT_CASE(parse_bool_rejects_kstrtobool_spellings),
	KUNIT_CASE(parse_bool_rejects_malformed_text),
	KUNIT_CASE(parse_boot_switch_accepts_the_seven_spellings),
	KUNIT_CASE(parse_boot_switch_rejects_kstrtobool_prefixes),
	KUNIT_CASE(parse_boot_switch_rejects_malformed_text),
	{}
};

static struct kunit_suite selfballoon_sysfs_values_test_suite = {
	.name = "xen_selfballoon_sysfs_values",
	.test_cases = selfballoon_sysfs_values_test_cases,
};

kunit_test_suites(&selfballoon_arith_test_suite,
		  &selfballoon_floor_test_suite,
		  &selfballoon_decide_test_suite,
		  &selfballoon_sysfs_values_test_suite);

#endif /* _XEN_SELFBALLOON_POLICY_KUNIT_H */
