/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for the frontswap self-shrinking policy.
 *
 * Included at the bottom of frontswap-shrink.c when
 * CONFIG_XEN_SELFBALLOON_KUNIT_TEST is enabled (the DAMON way, see
 * mm/damon/tests/core-kunit.h).  scripts/kunit.sh runs them under UML.
 *
 * Expected values follow upstream's frontswap_selfshrink() (Linux 5.2),
 * worked by hand: after frontswap_inertia stable ticks the target is
 * cur - cur / frontswap_hysteresis, or 0 once cur <= frontswap_hysteresis,
 * and the countdown restarts.  Linux 3.1 (the seed) did not restart it: once
 * the counter had reached 0 it shrank on every tick.
 */

#ifndef _XEN_SELFBALLOON_FRONTSWAP_KUNIT_H
#define _XEN_SELFBALLOON_FRONTSWAP_KUNIT_H

#include <kunit/test.h>

/* Upstream's defaults. */
#define FST_INERTIA		3U
#define FST_HYSTERESIS		20U
/* A target no tick that declines to shrink may write. */
#define FST_UNTOUCHED		0xdeadbeefUL
/* want_target of fst_tick() for a tick that must not shrink. */
#define FST_NONE		FST_UNTOUCHED

/*
 * One tick with @cur pages in frontswap: expect a shrink to @want_target
 * pages, or (@want_target == FST_UNTOUCHED) no shrink and the target left
 * alone.  @tick numbers the tick in the messages.
 */
static void fst_tick(struct kunit *test, struct frontswap_shrink_state *state,
		     int tick, unsigned long cur, unsigned int inertia,
		     unsigned int hysteresis, unsigned long want_target)
{
	bool want_shrink = want_target != FST_NONE;
	unsigned long target = FST_UNTOUCHED;
	bool shrink;

	shrink = frontswap_shrink_decide(state, cur, inertia, hysteresis,
					 &target);
	KUNIT_EXPECT_EQ_MSG(test, shrink, want_shrink,
			    "tick %d (%lu pages, inertia %u): shrink?",
			    tick, cur, inertia);
	KUNIT_EXPECT_EQ_MSG(test, target, want_target,
			    "tick %d (%lu pages, hysteresis %u): target (%lu = none)",
			    tick, cur, hysteresis, FST_UNTOUCHED);
	KUNIT_EXPECT_EQ_MSG(test, state->last_pages, cur,
			    "tick %d: last_pages remembers this tick", tick);
}

static void frontswap_shrinks_after_inertia_stable_ticks(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, FST_INERTIA);
	/* growth from 0 restarts the countdown at 3 */
	fst_tick(test, &s, 1, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 3U);
	/* stable: 3 -> 2, 2 -> 1 */
	fst_tick(test, &s, 2, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 2U);
	fst_tick(test, &s, 3, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 1U);
	/* 1 -> 0: shrink to 1000 - 1000 / 20 = 950, countdown back at 3 */
	fst_tick(test, &s, 4, 1000, FST_INERTIA, FST_HYSTERESIS, 950);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 3U);
}

static void frontswap_countdown_restarts_after_each_shrink(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, FST_INERTIA);
	fst_tick(test, &s, 1, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 4, 1000, FST_INERTIA, FST_HYSTERESIS, 950);
	/*
	 * Frontswap shrank to 950 (a fall, not growth).  Linux 3.1 left the
	 * counter at 0 and shrank again on ticks 5 and 6 (to 903, then 858);
	 * upstream's fix waits another 3 stable ticks.
	 */
	fst_tick(test, &s, 5, 950, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 6, 950, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 950 - 950 / 20 = 950 - 47 = 903 */
	fst_tick(test, &s, 7, 950, FST_INERTIA, FST_HYSTERESIS, 903);
	fst_tick(test, &s, 8, 903, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 9, 903, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 903 - 903 / 20 = 903 - 45 = 858 */
	fst_tick(test, &s, 10, 903, FST_INERTIA, FST_HYSTERESIS, 858);
}

static void frontswap_growth_restarts_the_countdown(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, FST_INERTIA);
	fst_tick(test, &s, 1, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* one page more, one tick before the shrink: back to 3 */
	fst_tick(test, &s, 4, 1001, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 3U);
	fst_tick(test, &s, 5, 1001, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 6, 1001, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 1001 - 1001 / 20 = 1001 - 50 = 951 */
	fst_tick(test, &s, 7, 1001, FST_INERTIA, FST_HYSTERESIS, 951);
}

static void frontswap_fall_counts_as_stable(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, FST_INERTIA);
	fst_tick(test, &s, 1, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 990, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 980, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 970 - 970 / 20 = 970 - 48 = 922 */
	fst_tick(test, &s, 4, 970, FST_INERTIA, FST_HYSTERESIS, 922);
}

static void frontswap_empty_restarts_the_countdown(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, FST_INERTIA);
	fst_tick(test, &s, 1, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* empty one tick before the shrink: no shrink, countdown back at 3 */
	fst_tick(test, &s, 4, 0, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 3U);
	/* an empty frontswap never shrinks, however long it stays empty */
	fst_tick(test, &s, 5, 0, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 6, 0, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 7, 0, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 8, 0, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 3U);
	/* refilled (growth from 0): 3 more stable ticks */
	fst_tick(test, &s, 9, 500, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 10, 500, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 11, 500, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 500 - 500 / 20 = 475 */
	fst_tick(test, &s, 12, 500, FST_INERTIA, FST_HYSTERESIS, 475);
}

static void frontswap_target_removes_one_hysteresis_th(struct kunit *test)
{
	struct frontswap_shrink_state s = { .last_pages = ULONG_MAX };

	/* inertia 1: every stable tick shrinks */
	/* 100000 - 100000 / 20 = 95000 */
	fst_tick(test, &s, 1, 100000, 1, 20, 95000);
	/* 100000 - 100000 / 7 = 100000 - 14285 = 85715 */
	fst_tick(test, &s, 2, 100000, 1, 7, 85715);
	/* 100000 - 100000 / 1000 = 99900 */
	fst_tick(test, &s, 3, 100000, 1, 1000, 99900);
	/* hysteresis 1 empties frontswap: 100000 - 100000 / 1 = 0 */
	fst_tick(test, &s, 4, 100000, 1, 1, 0);
	/* 0 is out of range for the tunable; the function treats it as 1 */
	fst_tick(test, &s, 5, 100000, 1, 0, 0);
	/*
	 * no wrap at the top: (2^64 - 1) - (2^64 - 1) / 20
	 * = 18446744073709551615 - 922337203685477580 = 17524406870024074035
	 */
	s.last_pages = ULONG_MAX;
	fst_tick(test, &s, 6, ULONG_MAX, 1, 20, 17524406870024074035UL);
}

static void frontswap_at_or_below_hysteresis_shrinks_to_zero(struct kunit *test)
{
	struct frontswap_shrink_state s = { .last_pages = ULONG_MAX };

	/* cur <= hysteresis: target 0 */
	fst_tick(test, &s, 1, 20, 1, 20, 0);
	fst_tick(test, &s, 2, 5, 1, 20, 0);
	fst_tick(test, &s, 3, 1, 1, 20, 0);
	/* one above: 21 - 21 / 20 = 21 - 1 = 20 */
	s.last_pages = ULONG_MAX;
	fst_tick(test, &s, 4, 21, 1, 20, 20);
	/* 40 - 40 / 20 = 38 */
	s.last_pages = ULONG_MAX;
	fst_tick(test, &s, 5, 40, 1, 20, 38);
}

static void frontswap_inertia_1_shrinks_every_stable_tick(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, 1);
	fst_tick(test, &s, 1, 1000, 1, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 1000, 1, FST_HYSTERESIS, 950);
	fst_tick(test, &s, 3, 950, 1, FST_HYSTERESIS, 903);
	fst_tick(test, &s, 4, 903, 1, FST_HYSTERESIS, 858);
	/* growth still restarts (and a 1-tick countdown ends at once) */
	fst_tick(test, &s, 5, 2000, 1, FST_HYSTERESIS, FST_NONE);
	/* 2000 - 100 = 1900 */
	fst_tick(test, &s, 6, 2000, 1, FST_HYSTERESIS, 1900);
}

static void frontswap_zeroed_state_first_fills_then_counts(struct kunit *test)
{
	/* never reset: counter 0, last 0; the first non-empty tick is growth */
	struct frontswap_shrink_state s = { };

	fst_tick(test, &s, 1, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, FST_INERTIA);
	fst_tick(test, &s, 2, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 1000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 4, 1000, FST_INERTIA, FST_HYSTERESIS, 950);
}

static void frontswap_reset_restarts_countdown_keeps_last_pages(struct kunit *test)
{
	struct frontswap_shrink_state s = {
		.last_pages = 1000,
		.inertia_counter = 1,
	};

	/* a new frontswap_inertia of 5: the countdown restarts at 5 */
	frontswap_shrink_reset(&s, 5);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 5U);
	KUNIT_EXPECT_EQ(test, s.last_pages, 1000UL);
	/* 1000 is not growth over the kept 1000: 5 -> 4 -> 3 -> 2 -> 1 -> 0 */
	fst_tick(test, &s, 1, 1000, 5, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 1000, 5, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 1000, 5, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 4, 1000, 5, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 5, 1000, 5, FST_HYSTERESIS, 950);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 5U);
}

/* The table in Documentation/xen-selfballoon.rst, "Frontswap self-shrinking". */
static void frontswap_admin_guide_example(struct kunit *test)
{
	struct frontswap_shrink_state s = { };

	frontswap_shrink_reset(&s, FST_INERTIA);
	fst_tick(test, &s, 1, 12000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 2, 12000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	fst_tick(test, &s, 3, 12000, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 12000 - 12000 / 20 = 12000 - 600 = 11400 */
	fst_tick(test, &s, 4, 12000, FST_INERTIA, FST_HYSTERESIS, 11400);
	/* writeback reached the target: a fall, counted as stable */
	fst_tick(test, &s, 5, 11400, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	KUNIT_EXPECT_EQ(test, s.inertia_counter, 2U);
	fst_tick(test, &s, 6, 11400, FST_INERTIA, FST_HYSTERESIS, FST_NONE);
	/* 11400 - 11400 / 20 = 11400 - 570 = 10830 */
	fst_tick(test, &s, 7, 11400, FST_INERTIA, FST_HYSTERESIS, 10830);
}

static struct kunit_case frontswap_shrink_test_cases[] = {
	KUNIT_CASE(frontswap_shrinks_after_inertia_stable_ticks),
	KUNIT_CASE(frontswap_countdown_restarts_after_each_shrink),
	KUNIT_CASE(frontswap_growth_restarts_the_countdown),
	KUNIT_CASE(frontswap_fall_counts_as_stable),
	KUNIT_CASE(frontswap_empty_restarts_the_countdown),
	KUNIT_CASE(frontswap_target_removes_one_hysteresis_th),
	KUNIT_CASE(frontswap_at_or_below_hysteresis_shrinks_to_zero),
	KUNIT_CASE(frontswap_inertia_1_shrinks_every_stable_tick),
	KUNIT_CASE(frontswap_zeroed_state_first_fills_then_counts),
	KUNIT_CASE(frontswap_reset_restarts_countdown_keeps_last_pages),
	KUNIT_CASE(frontswap_admin_guide_example),
	{}
};

static struct kunit_suite frontswap_shrink_test_suite = {
	.name = "xen_selfballoon_frontswap",
	.test_cases = frontswap_shrink_test_cases,
};

kunit_test_suite(frontswap_shrink_test_suite);

#endif /* _XEN_SELFBALLOON_FRONTSWAP_KUNIT_H */
