/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen selfballoon policy: the arithmetic of the controller, with no Xen,
 * device or workqueue dependency.
 *
 * This header and selfballoon-policy.c / frontswap-shrink.c are the one copy
 * of the policy.  The kernel module, the KUnit suites (under UML, where
 * CONFIG_XEN cannot be set) and the userspace tools all build these same
 * files.  Every quantity is an unsigned long page count unless its name says
 * otherwise (_mb: MiB, _s: seconds); no function can wrap for any input.
 */
#ifndef _XEN_SELFBALLOON_POLICY_H
#define _XEN_SELFBALLOON_POLICY_H

#include <linux/types.h>

/**
 * struct selfballoon_sample - the counters one tick reads, in pages
 * @committed_pages: vm_memory_committed(), i.e. Committed_AS.
 * @totalram_pages: totalram_pages(), the RAM the page allocator manages.
 * @balloon_current_pages: balloon_stats.current_pages, the guest's memory
 *	as the balloon driver counts it (includes pages outside totalram).
 * @totalreserve_pages: totalreserve_pages (in-tree) or the module's
 *	equivalent, the pages the allocator keeps back from user space.
 * @max_pfn: max_pfn (in-tree) or the module's equivalent, the size of the
 *	guest's pseudo-physical memory.
 * @frontswap_pages: pages held by frontswap (zswap's stored pages); 0 when
 *	frontswap self-shrinking is off.  Reported, not part of the goal
 *	(see selfballoon_decide()).
 */
struct selfballoon_sample {
	unsigned long committed_pages;
	unsigned long totalram_pages;
	unsigned long balloon_current_pages;
	unsigned long totalreserve_pages;
	unsigned long max_pfn;
	unsigned long frontswap_pages;
};

/**
 * struct selfballoon_params - the tunables one tick uses
 * @downhysteresis: divisor of the step down; 1 jumps to the goal.
 * @uphysteresis: divisor of the step up; 1 jumps to the goal.
 * @reserved_mb: MiB added to the goal, in force (never 0 for "automatic":
 *	the caller resolves that with selfballoon_auto_reserved_mb()).
 * @min_usable_mb: MiB of usable memory the target never goes below, on top
 *	of the reserve; 0 selects upstream's piecewise default floor.
 */
struct selfballoon_params {
	unsigned int downhysteresis;
	unsigned int uphysteresis;
	unsigned int reserved_mb;
	unsigned int min_usable_mb;
};

/**
 * enum selfballoon_action - what a tick decided
 * @SELFBALLOON_HOLD: the target stays where it is.
 * @SELFBALLOON_RAISE: the new target is above current (toward the goal,
 *	or lifted by the floor).
 * @SELFBALLOON_CUT: the new target is below current.
 */
enum selfballoon_action {
	SELFBALLOON_HOLD,
	SELFBALLOON_RAISE,
	SELFBALLOON_CUT,
};

/**
 * struct selfballoon_decision - the result of one tick, in pages
 * @goal_pages: Committed_AS + reserve + reserved_mb, in totalram_pages()
 *	terms (no frontswap term: selfballoon_decide() passes 0).
 * @floor_pages: the lowest target allowed, in totalram_pages() terms
 *	(never above the max_pfn limit, see selfballoon_decide()).
 * @target_pages: the new target in totalram_pages() terms, floor applied.
 * @balloon_target_pages: @target_pages in balloon_stats.current_pages
 *	terms, the value handed to balloon_set_new_target().
 * @action: whether the final target is above, below or at current.
 * @floor_hit: the floor raised the target.
 */
struct selfballoon_decision {
	unsigned long goal_pages;
	unsigned long floor_pages;
	unsigned long target_pages;
	unsigned long balloon_target_pages;
	enum selfballoon_action action;
	bool floor_hit;
};

unsigned long selfballoon_mb_to_pages(unsigned long mb);
unsigned long selfballoon_goal_pages(unsigned long committed_pages,
				     unsigned long totalreserve_pages,
				     unsigned long reserved_pages,
				     unsigned long frontswap_pages);
unsigned long selfballoon_step_pages(unsigned long current_pages,
				     unsigned long goal_pages,
				     unsigned int downhysteresis,
				     unsigned int uphysteresis);
unsigned long selfballoon_floor_pages(unsigned long max_pfn,
				      unsigned long totalreserve_pages,
				      unsigned int min_usable_mb);
unsigned long selfballoon_to_balloon_pages(unsigned long target_pages,
					   unsigned long balloon_current_pages,
					   unsigned long totalram_pages);
unsigned int selfballoon_auto_reserved_mb(unsigned long totalram_pages);
void selfballoon_decide(const struct selfballoon_sample *sample,
			const struct selfballoon_params *params,
			struct selfballoon_decision *decision);

/**
 * struct frontswap_shrink_state - frontswap self-shrinking memory
 * @last_pages: frontswap pages seen at the previous tick.
 * @inertia_counter: ticks left before a shrink is allowed.
 */
struct frontswap_shrink_state {
	unsigned long last_pages;
	unsigned int inertia_counter;
};

void frontswap_shrink_reset(struct frontswap_shrink_state *state,
			    unsigned int inertia);
bool frontswap_shrink_decide(struct frontswap_shrink_state *state,
			     unsigned long cur_pages, unsigned int inertia,
			     unsigned int hysteresis,
			     unsigned long *target_pages);

/**
 * enum selfballoon_tunable - the numeric sysfs tunables
 * @SB_INTERVAL_S: selfballoon_interval: seconds between two ticks.
 *	Default 5, range 1..3600; a new value applies at once.
 * @SB_DOWNHYSTERESIS: selfballoon_downhysteresis: divisor of the distance
 *	the target moves down a tick.  Default 8, range 1..1000.
 * @SB_UPHYSTERESIS: selfballoon_uphysteresis: divisor of the distance the
 *	target moves up a tick.  Default 1, range 1..1000.
 * @SB_MIN_USABLE_MB: selfballoon_min_usable_mb: MiB the floor keeps usable
 *	above totalreserve_pages; 0 selects upstream's default curve.
 *	Default 0, range 0..16777216 (16 TiB).
 * @SB_RESERVED_MB: selfballoon_reserved_mb: MiB added to the goal for
 *	memory Committed_AS does not count; 0 selects 10% of RAM at load.
 *	Default 0 (automatic), range 0..16777216.
 * @SB_FRONTSWAP_HYSTERESIS: frontswap_hysteresis: each shrink removes
 *	1/hysteresis of the frontswap pages.  Default 20, range 1..1000.
 * @SB_FRONTSWAP_INERTIA: frontswap_inertia: stable ticks before a shrink.
 *	Default 3, range 1..1000; a write restarts the countdown.
 * @SB_NR_TUNABLES: number of tunables.
 *
 * The names, defaults and meanings mirror upstream drivers/xen's selfballoon
 * driver (Linux 3.1 to 5.2); the ranges are this port's.  A write outside
 * the range fails with -ERANGE, one that does not parse with -EINVAL (see
 * selfballoon_parse_tunable()), and the value in force stays.
 */
enum selfballoon_tunable {
	SB_INTERVAL_S,
	SB_DOWNHYSTERESIS,
	SB_UPHYSTERESIS,
	SB_MIN_USABLE_MB,
	SB_RESERVED_MB,
	SB_FRONTSWAP_HYSTERESIS,
	SB_FRONTSWAP_INERTIA,
	SB_NR_TUNABLES,
};

/**
 * struct selfballoon_tunable_info - name, default and range of a tunable
 * @name: the sysfs attribute name.
 * @def: the default value.
 * @min: the smallest value accepted.
 * @max: the largest value accepted.
 */
struct selfballoon_tunable_info {
	const char *name;
	unsigned int def;
	unsigned int min;
	unsigned int max;
};

extern const struct selfballoon_tunable_info
	selfballoon_tunables[SB_NR_TUNABLES];

int selfballoon_parse_tunable(enum selfballoon_tunable id, const char *buf,
			      unsigned int *val);
int selfballoon_parse_bool(const char *buf, bool *val);
int selfballoon_parse_boot_switch(const char *val, bool *on);

#endif /* _XEN_SELFBALLOON_POLICY_H */
