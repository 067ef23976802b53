/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for the limits every tick applies (the toolstack's target,
 * held cuts), the pressure policy and the selfballoon_policy value.
 *
 * Included at the bottom of selfballoon-policy.c after
 * selfballoon-policy-kunit.h, whose helpers (sbt_*) and fixtures
 * (sbt_idle_1g, sbt_defaults) it uses.  As there, every expected value is
 * worked out by hand for 4 KiB pages (1 MiB = 256 pages) and 64-bit longs,
 * the arithmetic in the comments; none is computed by the code under test.
 *
 * The fixture sbt_idle_1g is a 1 GiB guest: max_pfn 262144, 250000 pages
 * in totalram, 262144 in balloon terms (12144 pages outside totalram),
 * totalreserve 2000, Committed_AS 50000; its floor is 34681 pages.
 */

#ifndef _XEN_SELFBALLOON_PRESSURE_KUNIT_H
#define _XEN_SELFBALLOON_PRESSURE_KUNIT_H

#include <kunit/test.h>

/* ---- the toolstack's target and held cuts, committed policy ---- */

static void limits_toolstack_target_caps_a_raise(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.totalram_pages = 200000;
	s.balloon_current_pages = 212144;
	s.committed_pages = 240000;
	s.toolstack_target_pages = 230000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * goal = 240000 + 2000 + 26112 = 268112; the step reaches it, but
	 * the toolstack allows 230000 - 12144 = 217856 in totalram terms
	 * (max_pfn would allow 250000): a raise to 217856, balloon 230000
	 */
	sbt_expect_decision(test, &d, 268112, 34681, 217856, 230000,
			    SELFBALLOON_RAISE, false);
	KUNIT_EXPECT_TRUE(test, d.limit_hit);
}

static void limits_toolstack_target_below_current_cuts_to_it(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.toolstack_target_pages = 150000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * the step would cut to 228514 (decide_idle_guest_cuts_one_eighth_
	 * toward_goal); the toolstack allows 150000 - 12144 = 137856: the
	 * target goes there at once, balloon 150000
	 */
	sbt_expect_decision(test, &d, 78112, 34681, 137856, 150000,
			    SELFBALLOON_CUT, false);
	KUNIT_EXPECT_TRUE(test, d.limit_hit);
}

static void limits_toolstack_target_wins_over_the_floor(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.toolstack_target_pages = 40000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/*
	 * limit 40000 - 12144 = 27856 < floor 34681: the floor is held to
	 * the limit (27856) and the target goes to it; balloon 40000
	 */
	sbt_expect_decision(test, &d, 78112, 27856, 27856, 40000,
			    SELFBALLOON_CUT, false);
	KUNIT_EXPECT_TRUE(test, d.limit_hit);
}

static void limits_toolstack_target_0_is_no_limit(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.toolstack_target_pages = 0;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/* as decide_idle_guest_cuts_one_eighth_toward_goal */
	sbt_expect_decision(test, &d, 78112, 34681, 228514, 240658,
			    SELFBALLOON_CUT, false);
	KUNIT_EXPECT_FALSE(test, d.limit_hit);
}

static void limits_toolstack_target_above_max_pfn_leaves_max_pfn(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_decision d;

	s.totalram_pages = 200000;
	s.balloon_current_pages = 212144;
	s.committed_pages = 240000;
	s.toolstack_target_pages = 1000000;
	selfballoon_decide(&s, &sbt_defaults, &d);
	/* as decide_raise_stops_at_max_pfn_in_balloon_terms: 250000 */
	sbt_expect_decision(test, &d, 268112, 34681, 250000, 262144,
			    SELFBALLOON_RAISE, false);
	KUNIT_EXPECT_TRUE(test, d.limit_hit);
}

static void limits_hold_cuts_keeps_current(struct kunit *test)
{
	struct selfballoon_params p = sbt_defaults;
	struct selfballoon_decision d;

	p.hold_cuts = true;
	selfballoon_decide(&sbt_idle_1g, &p, &d);
	/* the cut to 228514 is held: target = current 250000, balloon 262144 */
	sbt_expect_decision(test, &d, 78112, 34681, 250000, 262144,
			    SELFBALLOON_HOLD, false);
	KUNIT_EXPECT_TRUE(test, d.cut_held);
}

static void limits_hold_cuts_lets_a_raise_through(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_params p = sbt_defaults;
	struct selfballoon_decision d;

	s.totalram_pages = 100000;
	s.balloon_current_pages = 112144;
	s.committed_pages = 150000;
	p.hold_cuts = true;
	selfballoon_decide(&s, &p, &d);
	/* goal = 150000 + 2000 + 26112 = 178112; raised to it, balloon 190256 */
	sbt_expect_decision(test, &d, 178112, 34681, 178112, 190256,
			    SELFBALLOON_RAISE, false);
	KUNIT_EXPECT_FALSE(test, d.cut_held);
}

static void limits_hold_cuts_yields_to_the_toolstack(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_params p = sbt_defaults;
	struct selfballoon_decision d;

	s.toolstack_target_pages = 150000;
	p.hold_cuts = true;
	selfballoon_decide(&s, &p, &d);
	/*
	 * held at current 250000, then lowered to the toolstack's 137856:
	 * the driver does not squeeze, the toolstack does; balloon 150000
	 */
	sbt_expect_decision(test, &d, 78112, 34681, 137856, 150000,
			    SELFBALLOON_CUT, false);
	KUNIT_EXPECT_TRUE(test, d.cut_held);
	KUNIT_EXPECT_TRUE(test, d.limit_hit);
}

static void limits_hold_cuts_keeps_the_floor_raise(struct kunit *test)
{
	struct selfballoon_sample s = sbt_idle_1g;
	struct selfballoon_params p = sbt_defaults;
	struct selfballoon_decision d;

	/* left below the floor by the toolstack, as in decide_floor_raises_a_guest_left_below_it */
	s.totalram_pages = 30000;
	s.balloon_current_pages = 42144;
	s.committed_pages = 1888;
	p.hold_cuts = true;
	selfballoon_decide(&s, &p, &d);
	sbt_expect_decision(test, &d, 30000, 34681, 34681, 46825,
			    SELFBALLOON_RAISE, true);
	KUNIT_EXPECT_FALSE(test, d.cut_held);
}

static struct kunit_case selfballoon_limits_test_cases[] = {
	KUNIT_CASE(limits_toolstack_target_caps_a_raise),
	KUNIT_CASE(limits_toolstack_target_below_current_cuts_to_it),
	KUNIT_CASE(limits_toolstack_target_wins_over_the_floor),
	KUNIT_CASE(limits_toolstack_target_0_is_no_limit),
	KUNIT_CASE(limits_toolstack_target_above_max_pfn_leaves_max_pfn),
	KUNIT_CASE(limits_hold_cuts_keeps_current),
	KUNIT_CASE(limits_hold_cuts_lets_a_raise_through),
	KUNIT_CASE(limits_hold_cuts_yields_to_the_toolstack),
	KUNIT_CASE(limits_hold_cuts_keeps_the_floor_raise),
	{}
};

static struct kunit_suite selfballoon_limits_test_suite = {
	.name = "xen_selfballoon_limits",
	.init = sbt_init_4k_pages,
	.test_cases = selfballoon_limits_test_cases,
};

/* ---- selfballoon_pressure_reasons() ---- */

static void reasons_refaults_of_1_mib_are_pressure(struct kunit *test)
{
	struct selfballoon_pressure_counters last = { .refault_pages = 1000 };
	struct selfballoon_pressure_counters now = last;

	now.refault_pages = 1255;	/* 255 pages: less than 1 MiB */
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 5000000), 0U);
	now.refault_pages = 1256;	/* 256 pages = 1 MiB */
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 5000000),
			(unsigned int)SELFBALLOON_PRESSURE_REFAULT);
}

static void reasons_swap_in_and_out_of_1_mib_are_pressure(struct kunit *test)
{
	struct selfballoon_pressure_counters last = { };
	struct selfballoon_pressure_counters now = { };

	now.swapin_pages = 255;
	now.swapout_pages = 255;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000), 0U);
	now.swapin_pages = 256;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000),
			(unsigned int)SELFBALLOON_PRESSURE_SWAPIN);
	now.swapin_pages = 0;
	now.swapout_pages = 256;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000),
			(unsigned int)SELFBALLOON_PRESSURE_SWAPOUT);
}

static void reasons_reclaim_that_frees_little_is_pressure(struct kunit *test)
{
	struct selfballoon_pressure_counters last = { .scan_pages = 500, .steal_pages = 400 };
	struct selfballoon_pressure_counters now = last;

	/* scanned 256, freed 63: less than a quarter (64) */
	now.scan_pages = 756;
	now.steal_pages = 463;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000),
			(unsigned int)SELFBALLOON_PRESSURE_SCAN);
	/* freed 64 of 256: a quarter is not pressure */
	now.steal_pages = 464;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000), 0U);
	/* scanned 255, freed nothing: less than 1 MiB scanned */
	now.scan_pages = 755;
	now.steal_pages = 400;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000), 0U);
}

static void reasons_reclaim_that_frees_what_it_scans_is_not(struct kunit *test)
{
	struct selfballoon_pressure_counters last = { };
	struct selfballoon_pressure_counters now = { };

	/* 100 MiB of cold page cache scanned and freed: no pressure */
	now.scan_pages = 25600;
	now.steal_pages = 25600;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 5000000), 0U);
}

static void reasons_stalls_of_a_tenth_of_the_time_are_pressure(struct kunit *test)
{
	struct selfballoon_pressure_counters last = { .stall_us = 7 };
	struct selfballoon_pressure_counters now = last;

	/* 99999 us stalled in 1 s: less than a tenth */
	now.stall_us = 7 + 99999;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000), 0U);
	now.stall_us = 7 + 100000;
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000),
			(unsigned int)SELFBALLOON_PRESSURE_STALL);
	/* no stall at all is never pressure, even with no time elapsed */
	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&last, &last, 0), 0U);
}

static void reasons_are_or_ed_together(struct kunit *test)
{
	struct selfballoon_pressure_counters last = { };
	struct selfballoon_pressure_counters now = {
		.refault_pages = 256, .swapin_pages = 256,
		.swapout_pages = 256, .scan_pages = 256,
		.stall_us = 500000,
	};

	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000),
			(unsigned int)(SELFBALLOON_PRESSURE_REFAULT |
				       SELFBALLOON_PRESSURE_SWAPIN |
				       SELFBALLOON_PRESSURE_SWAPOUT |
				       SELFBALLOON_PRESSURE_SCAN |
				       SELFBALLOON_PRESSURE_STALL));
}

static void reasons_counters_going_backwards_are_no_pressure(struct kunit *test)
{
	struct selfballoon_pressure_counters last = {
		.refault_pages = ULONG_MAX, .swapin_pages = ULONG_MAX,
		.swapout_pages = ULONG_MAX, .scan_pages = ULONG_MAX,
		.steal_pages = 0, .stall_us = ~0ULL,
	};
	struct selfballoon_pressure_counters now = { };

	KUNIT_EXPECT_EQ(test, selfballoon_pressure_reasons(&now, &last, 1000000), 0U);
}

/* ---- selfballoon_pressure_reset(), selfballoon_pressure_decide() ---- */

/*
 * A 1 GiB guest with 100000 pages in use: totalram 250000, MemAvailable
 * 150000.  Its least reserve is 20 MiB (5120 pages), its full reserve
 * sbt_defaults' 102 MiB (26112 pages).
 */
static const struct selfballoon_sample sbp_busy_1g = {
	.committed_pages = 50000,
	.totalram_pages = 250000,
	.balloon_current_pages = 262144,
	.totalreserve_pages = 2000,
	.max_pfn = 262144,
	.available_pages = 150000,
	.time_us = 1000000000,
};

static const struct selfballoon_params sbp_defaults = {
	.downhysteresis = 8,
	.uphysteresis = 1,
	.reserved_mb = 102,
	.min_usable_mb = 0,
	.min_reserve_mb = 20,
};

static void pressure_reset_starts_at_the_full_reserve(struct kunit *test)
{
	struct selfballoon_pressure_state st;

	memset(&st, 0x5a, sizeof(st));
	selfballoon_pressure_reset(&st, 102);
	KUNIT_EXPECT_EQ(test, st.reserve_pages, 26112UL);
	KUNIT_EXPECT_EQ(test, st.calm_ticks, 0U);
	KUNIT_EXPECT_FALSE(test, st.primed);
}

static void pressure_goal_is_used_plus_reserves(struct kunit *test)
{
	struct selfballoon_pressure_state st;
	struct selfballoon_decision d;

	selfballoon_pressure_reset(&st, 102);
	selfballoon_pressure_decide(&sbp_busy_1g, &sbp_defaults, &st, &d);
	/*
	 * used = 250000 - 150000 = 100000; goal = 100000 + 2000 + 26112 =
	 * 128112; target = 250000 - (250000 - 128112) / 8 = 250000 - 15236
	 * = 234764; balloon 234764 + 12144 = 246908
	 */
	sbt_expect_decision(test, &d, 128112, 34681, 234764, 246908,
			    SELFBALLOON_CUT, false);
	KUNIT_EXPECT_EQ(test, d.used_pages, 100000UL);
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 26112UL);
	KUNIT_EXPECT_EQ(test, d.pressure, 0U);
}

static void pressure_first_tick_after_reset_sees_none(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_pressure_state st;
	struct selfballoon_decision d;

	s.counters.refault_pages = 1000000;
	s.counters.swapin_pages = 1000000;
	selfballoon_pressure_reset(&st, 102);
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	/* nothing to compare with: no pressure, no calm tick counted */
	KUNIT_EXPECT_EQ(test, d.pressure, 0U);
	KUNIT_EXPECT_EQ(test, st.calm_ticks, 0U);
	KUNIT_EXPECT_EQ(test, st.reserve_pages, 26112UL);
	KUNIT_EXPECT_TRUE(test, st.primed);
	KUNIT_EXPECT_EQ(test, st.last.refault_pages, 1000000UL);
	KUNIT_EXPECT_EQ(test, st.last_time_us, 1000000000ULL);
}

static void pressure_reserve_shrinks_after_two_calm_ticks(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_pressure_state st;
	struct selfballoon_decision d;
	int i;

	selfballoon_pressure_reset(&st, 102);
	/* the priming tick, then two calm ticks: the reserve stays 26112 */
	for (i = 0; i < 3; i++) {
		selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
		s.time_us += 5000000;
		KUNIT_EXPECT_EQ(test, d.reserve_pages, 26112UL);
	}
	KUNIT_EXPECT_EQ(test, st.calm_ticks, 2U);
	/* third calm tick: 26112 - (26112 - 5120) / 8 = 26112 - 2624 */
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	s.time_us += 5000000;
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 23488UL);
	/* fourth: 23488 - (23488 - 5120) / 8 = 23488 - 2296 */
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 21192UL);
	/* goal = 100000 + 2000 + 21192 = 123192 */
	KUNIT_EXPECT_EQ(test, d.goal_pages, 123192UL);
}

static void pressure_reserve_shrinks_no_lower_than_min_reserve(struct kunit *test)
{
	struct selfballoon_pressure_state st = {
		.reserve_pages = 5127, .calm_ticks = 2, .primed = true,
	};
	struct selfballoon_decision d;

	/* 5127 - (5127 - 5120) / 8 = 5127 - 0: creeps no further */
	selfballoon_pressure_decide(&sbp_busy_1g, &sbp_defaults, &st, &d);
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 5127UL);
	/* a larger min_reserve_mb lifts it at once: 40 MiB = 10240 */
	{
		struct selfballoon_params p = sbp_defaults;

		p.min_reserve_mb = 40;
		selfballoon_pressure_decide(&sbp_busy_1g, &p, &st, &d);
		KUNIT_EXPECT_EQ(test, d.reserve_pages, 10240UL);
	}
}

static void pressure_doubles_the_reserve_and_raises_at_once(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_params p = sbp_defaults;
	struct selfballoon_pressure_state st = {
		.reserve_pages = 8000, .calm_ticks = 2, .primed = true,
		.last_time_us = 1000000000 - 5000000,
	};
	struct selfballoon_decision d;

	/* a guest held tight: 100000 pages, all in use; up-hysteresis 10 */
	s.totalram_pages = 100000;
	s.balloon_current_pages = 112144;
	s.available_pages = 0;
	s.counters.refault_pages = 256;
	p.uphysteresis = 10;
	selfballoon_pressure_decide(&s, &p, &st, &d);
	/*
	 * refaults, and nothing available (0 < (2000 + 8000) / 2): reserve =
	 * max(2 * 8000, 26112) = 26112; goal = 100000 + 2000 + 26112 =
	 * 128112; raised to it at once (not by 28112 / 10): balloon 128112 +
	 * 12144 = 140256
	 */
	KUNIT_EXPECT_EQ(test, d.pressure,
			(unsigned int)(SELFBALLOON_PRESSURE_REFAULT |
				       SELFBALLOON_PRESSURE_SHORT));
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 26112UL);
	KUNIT_EXPECT_EQ(test, st.calm_ticks, 0U);
	sbt_expect_decision(test, &d, 128112, 34681, 128112, 140256,
			    SELFBALLOON_RAISE, false);

	/* refaults again, with MemAvailable 20000 (above 28112 / 2): 52224 */
	s.counters.refault_pages = 512;
	s.available_pages = 20000;
	s.time_us += 5000000;
	selfballoon_pressure_decide(&s, &p, &st, &d);
	KUNIT_EXPECT_EQ(test, d.pressure, (unsigned int)SELFBALLOON_PRESSURE_REFAULT);
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 52224UL);
	/* used = 100000 - 20000 = 80000; goal = 80000 + 2000 + 52224 = 134224 */
	sbt_expect_decision(test, &d, 134224, 34681, 134224, 146368,
			    SELFBALLOON_RAISE, false);
}

static void pressure_reserve_is_at_most_the_guest(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_pressure_state st = {
		.reserve_pages = 200000, .primed = true,
	};
	struct selfballoon_decision d;

	s.counters.swapin_pages = 256;
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	/* 2 * 200000 = 400000 > max_pfn 262144: 262144 */
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 262144UL);
	/*
	 * goal = 100000 + 2000 + 262144 = 364144; the target stops at the
	 * max_pfn limit, 250000 = current: a hold
	 */
	sbt_expect_decision(test, &d, 364144, 34681, 250000, 262144,
			    SELFBALLOON_HOLD, false);
	KUNIT_EXPECT_TRUE(test, d.limit_hit);
}

static void pressure_early_tick_holds_cuts_and_counts_no_calm(struct kunit *test)
{
	struct selfballoon_params p = sbp_defaults;
	struct selfballoon_pressure_state st = {
		.reserve_pages = 26112, .calm_ticks = 2, .primed = true,
	};
	struct selfballoon_decision d;

	p.early = true;
	selfballoon_pressure_decide(&sbp_busy_1g, &p, &st, &d);
	/* no pressure: reserve kept, calm_ticks kept, the cut to 234764 held */
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 26112UL);
	KUNIT_EXPECT_EQ(test, st.calm_ticks, 2U);
	KUNIT_EXPECT_TRUE(test, d.cut_held);
	sbt_expect_decision(test, &d, 128112, 34681, 250000, 262144,
			    SELFBALLOON_HOLD, false);
}

static void pressure_early_tick_raises_on_demand(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_params p = sbp_defaults;
	struct selfballoon_pressure_state st = {
		.reserve_pages = 5120, .calm_ticks = 2, .primed = true,
	};
	struct selfballoon_decision d;

	/* a burst: 110000 pages held, 109000 of them in use */
	s.totalram_pages = 110000;
	s.balloon_current_pages = 122144;
	s.available_pages = 1000;
	p.early = true;
	selfballoon_pressure_decide(&s, &p, &st, &d);
	/*
	 * no counter shows pressure, but 1000 available < (2000 + 5120) / 2
	 * = 3560: short; reserve = max(2 * 5120, 26112) = 26112; used =
	 * 109000; goal = 109000 + 2000 + 26112 = 137112: a raise to it at
	 * once, balloon 149256
	 */
	KUNIT_EXPECT_EQ(test, d.pressure, (unsigned int)SELFBALLOON_PRESSURE_SHORT);
	KUNIT_EXPECT_EQ(test, st.calm_ticks, 0U);
	sbt_expect_decision(test, &d, 137112, 34681, 137112, 149256,
			    SELFBALLOON_RAISE, false);

	/* the next early tick, 200 ms on, still short: 2 * 26112 = 52224 */
	s.totalram_pages = 137112;
	s.balloon_current_pages = 149256;
	s.available_pages = 2000;
	s.time_us += 200000;
	selfballoon_pressure_decide(&s, &p, &st, &d);
	/* used = 135112; goal = 135112 + 2000 + 52224 = 189336 */
	KUNIT_EXPECT_EQ(test, d.reserve_pages, 52224UL);
	sbt_expect_decision(test, &d, 189336, 34681, 189336, 201480,
			    SELFBALLOON_RAISE, false);
}

static void pressure_short_is_half_the_margin(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_pressure_state st = {
		.reserve_pages = 6000, .calm_ticks = 2, .primed = true,
	};
	struct selfballoon_decision d;

	/* margin = 2000 + 6000 = 8000: 4000 available is not short */
	s.available_pages = 4000;
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	KUNIT_EXPECT_EQ(test, d.pressure, 0U);
	/* the calm tick shrank the reserve: 6000 - (6000 - 5120) / 8 = 5890 */
	KUNIT_EXPECT_EQ(test, st.reserve_pages, 5890UL);
	/* margin = 2000 + 5890 = 7890: 3944 is short, 3945 is not */
	s.available_pages = 3945;
	st.calm_ticks = 0;
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	KUNIT_EXPECT_EQ(test, d.pressure, 0U);
	s.available_pages = 3944;
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	KUNIT_EXPECT_EQ(test, d.pressure, (unsigned int)SELFBALLOON_PRESSURE_SHORT);
}

static void pressure_used_never_wraps(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_pressure_state st;
	struct selfballoon_decision d;

	/* MemAvailable above RAM (cannot happen; must not wrap): used 0 */
	s.available_pages = ULONG_MAX;
	selfballoon_pressure_reset(&st, 102);
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	KUNIT_EXPECT_EQ(test, d.used_pages, 0UL);
	/* goal = 0 + 2000 + 26112 = 28112, below the floor: floor 34681 */
	KUNIT_EXPECT_EQ(test, d.goal_pages, 28112UL);
	KUNIT_EXPECT_GE(test, d.target_pages, d.floor_pages);
}

static void pressure_toolstack_target_caps_it_too(struct kunit *test)
{
	struct selfballoon_sample s = sbp_busy_1g;
	struct selfballoon_pressure_state st;
	struct selfballoon_decision d;

	s.toolstack_target_pages = 100000;
	selfballoon_pressure_reset(&st, 102);
	selfballoon_pressure_decide(&s, &sbp_defaults, &st, &d);
	/* the step to 234764 is lowered to 100000 - 12144 = 87856 */
	sbt_expect_decision(test, &d, 128112, 34681, 87856, 100000,
			    SELFBALLOON_CUT, false);
}

static struct kunit_case selfballoon_pressure_test_cases[] = {
	KUNIT_CASE(reasons_refaults_of_1_mib_are_pressure),
	KUNIT_CASE(reasons_swap_in_and_out_of_1_mib_are_pressure),
	KUNIT_CASE(reasons_reclaim_that_frees_little_is_pressure),
	KUNIT_CASE(reasons_reclaim_that_frees_what_it_scans_is_not),
	KUNIT_CASE(reasons_stalls_of_a_tenth_of_the_time_are_pressure),
	KUNIT_CASE(reasons_are_or_ed_together),
	KUNIT_CASE(reasons_counters_going_backwards_are_no_pressure),
	KUNIT_CASE(pressure_reset_starts_at_the_full_reserve),
	KUNIT_CASE(pressure_goal_is_used_plus_reserves),
	KUNIT_CASE(pressure_first_tick_after_reset_sees_none),
	KUNIT_CASE(pressure_reserve_shrinks_after_two_calm_ticks),
	KUNIT_CASE(pressure_reserve_shrinks_no_lower_than_min_reserve),
	KUNIT_CASE(pressure_doubles_the_reserve_and_raises_at_once),
	KUNIT_CASE(pressure_reserve_is_at_most_the_guest),
	KUNIT_CASE(pressure_early_tick_holds_cuts_and_counts_no_calm),
	KUNIT_CASE(pressure_early_tick_raises_on_demand),
	KUNIT_CASE(pressure_short_is_half_the_margin),
	KUNIT_CASE(pressure_used_never_wraps),
	KUNIT_CASE(pressure_toolstack_target_caps_it_too),
	{}
};

static struct kunit_suite selfballoon_pressure_test_suite = {
	.name = "xen_selfballoon_pressure",
	.init = sbt_init_4k_pages,
	.test_cases = selfballoon_pressure_test_cases,
};

/* ---- selfballoon_parse_policy(), selfballoon_auto_min_reserve_mb() ---- */

static void sbp_expect_policy(struct kunit *test, const char *buf, int err,
			      enum selfballoon_policy expected)
{
	enum selfballoon_policy policy = (enum selfballoon_policy)SBT_UNTOUCHED;

	KUNIT_EXPECT_EQ_MSG(test, selfballoon_parse_policy(buf, &policy), err,
			    "errno for \"%s\"", buf);
	KUNIT_EXPECT_EQ_MSG(test, (unsigned int)policy,
			    err ? SBT_UNTOUCHED : (unsigned int)expected,
			    "value after \"%s\"", buf);
}

static void policy_names_are_committed_and_pressure(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, selfballoon_policy_names[SELFBALLOON_POLICY_COMMITTED],
			   "committed");
	KUNIT_EXPECT_STREQ(test, selfballoon_policy_names[SELFBALLOON_POLICY_PRESSURE],
			   "pressure");
}

static void parse_policy_accepts_the_two_names(struct kunit *test)
{
	sbp_expect_policy(test, "committed", 0, SELFBALLOON_POLICY_COMMITTED);
	sbp_expect_policy(test, "committed\n", 0, SELFBALLOON_POLICY_COMMITTED);
	sbp_expect_policy(test, "pressure", 0, SELFBALLOON_POLICY_PRESSURE);
	sbp_expect_policy(test, "pressure\n", 0, SELFBALLOON_POLICY_PRESSURE);
}

static void parse_policy_rejects_everything_else(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", " pressure", "pressure ", "pressure\n\n", "pressure\nx",
		"Pressure", "PRESSURE", "press", "pressures", "committedx",
		"commit", "0", "1", "committed pressure", "pressure\t",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		sbp_expect_policy(test, bad[i], -EINVAL, 0);
}

static void auto_min_reserve_mb_is_2_percent_of_ram(struct kunit *test)
{
	/* 1 GiB: 1024 / 50 = 20 MiB; 512 MiB: 10; 4 GiB: 81 */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_min_reserve_mb(262144), 20U);
	KUNIT_EXPECT_EQ(test, selfballoon_auto_min_reserve_mb(131072), 10U);
	KUNIT_EXPECT_EQ(test, selfballoon_auto_min_reserve_mb(1048576), 81U);
	/* 40 MiB: 0 rounded down, at least 1 */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_min_reserve_mb(10240), 1U);
	KUNIT_EXPECT_EQ(test, selfballoon_auto_min_reserve_mb(0), 1U);
	/* capped at the tunable's max, 16 TiB */
	KUNIT_EXPECT_EQ(test, selfballoon_auto_min_reserve_mb(ULONG_MAX),
			SBT_MAX_MB);
}

static struct kunit_case selfballoon_policy_values_test_cases[] = {
	KUNIT_CASE(policy_names_are_committed_and_pressure),
	KUNIT_CASE(parse_policy_accepts_the_two_names),
	KUNIT_CASE(parse_policy_rejects_everything_else),
	KUNIT_CASE(auto_min_reserve_mb_is_2_percent_of_ram),
	{}
};

static struct kunit_suite selfballoon_policy_values_test_suite = {
	.name = "xen_selfballoon_policy_values",
	.init = sbt_init_4k_pages,
	.test_cases = selfballoon_policy_values_test_cases,
};

kunit_test_suites(&selfballoon_limits_test_suite,
		  &selfballoon_pressure_test_suite,
		  &selfballoon_policy_values_test_suite);

#endif /* _XEN_SELFBALLOON_PRESSURE_KUNIT_H */
