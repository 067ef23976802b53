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
 * struct selfballoon_pressure_counters - cumulative memory-pressure counters
 * @refault_pages: working-set refaults since boot, anonymous and file
 *	(node stats WORKINGSET_REFAULT_ANON + WORKINGSET_REFAULT_FILE, as
 *	workingset_refault_anon/_file in /proc/vmstat).
 * @swapin_pages: pages read from swap (PSWPIN, pswpin).
 * @swapout_pages: pages written to swap (PSWPOUT, pswpout).
 * @scan_pages: pages reclaim scanned (PGSCAN_KSWAPD + PGSCAN_DIRECT).
 * @steal_pages: pages reclaim freed (PGSTEAL_KSWAPD + PGSTEAL_DIRECT).
 * @stall_us: time some task stalled on memory, microseconds (PSI's
 *	memory "some" total); 0 where PSI is not available to the driver.
 *
 * The pressure policy looks at how much each grew since the last tick.
 */
struct selfballoon_pressure_counters {
	unsigned long refault_pages;
	unsigned long swapin_pages;
	unsigned long swapout_pages;
	unsigned long scan_pages;
	unsigned long steal_pages;
	u64 stall_us;
};

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
 * @toolstack_target_pages: the toolstack's target for the guest (xenstore
 *	memory/target), in balloon_stats.current_pages terms; the target
 *	never goes above it.  0: not known, no such limit.
 * @available_pages: si_mem_available(), MemAvailable: free memory plus
 *	what reclaim can free without swapping.
 * @shmem_pages: shared memory and tmpfs pages (NR_SHMEM); reported.
 * @time_us: when the tick read the counters, microseconds of a monotonic
 *	clock.
 * @counters: the cumulative pressure counters.
 */
struct selfballoon_sample {
	unsigned long committed_pages;
	unsigned long totalram_pages;
	unsigned long balloon_current_pages;
	unsigned long totalreserve_pages;
	unsigned long max_pfn;
	unsigned long frontswap_pages;
	unsigned long toolstack_target_pages;
	unsigned long available_pages;
	unsigned long shmem_pages;
	u64 time_us;
	struct selfballoon_pressure_counters counters;
};

/**
 * enum selfballoon_policy - how a tick computes the goal
 * @SELFBALLOON_POLICY_COMMITTED: Linux 5.2's: Committed_AS plus
 *	totalreserve_pages plus selfballoon_reserved_mb (selfballoon_decide()).
 * @SELFBALLOON_POLICY_PRESSURE: the memory in use (RAM less MemAvailable)
 *	plus totalreserve_pages plus a reserve that shrinks while the guest
 *	shows no memory pressure and doubles when it does
 *	(selfballoon_pressure_decide()).
 * @SELFBALLOON_NR_POLICIES: number of policies.
 */
enum selfballoon_policy {
	SELFBALLOON_POLICY_COMMITTED,
	SELFBALLOON_POLICY_PRESSURE,
	SELFBALLOON_NR_POLICIES,
};

/**
 * struct selfballoon_params - the tunables one tick uses
 * @downhysteresis: divisor of the step down; 1 jumps to the goal.
 * @uphysteresis: divisor of the step up; 1 jumps to the goal.
 * @reserved_mb: MiB added to the goal, in force (never 0 for "automatic":
 *	the caller resolves that with selfballoon_auto_reserved_mb()).  The
 *	pressure policy's reserve starts there and returns there, or above,
 *	at the first sign of pressure.
 * @min_usable_mb: MiB of usable memory the target never goes below, on top
 *	of the reserve; 0 selects upstream's piecewise default floor.
 * @min_reserve_mb: the least reserve of the pressure policy, MiB, in
 *	force (never 0 for "automatic": see
 *	selfballoon_auto_min_reserve_mb()).
 * @hold_cuts: the target may not go below current this tick (the grace
 *	period after the start, and early ticks), but for the max_pfn and
 *	toolstack limits.
 * @early: an early tick, run because reclaim started: the pressure policy
 *	then holds cuts and counts no calm tick (see
 *	selfballoon_pressure_decide()); the committed policy's caller sets
 *	@hold_cuts instead.
 */
struct selfballoon_params {
	unsigned int downhysteresis;
	unsigned int uphysteresis;
	unsigned int reserved_mb;
	unsigned int min_usable_mb;
	unsigned int min_reserve_mb;
	bool hold_cuts;
	bool early;
};

/**
 * enum selfballoon_pressure_reason - what the pressure policy took for
 *	memory pressure, as bits; each counts what grew since the last tick
 * @SELFBALLOON_PRESSURE_REFAULT: at least 1 MiB of working-set refaults:
 *	reclaim took pages the guest needed again.
 * @SELFBALLOON_PRESSURE_SWAPIN: at least 1 MiB read back from swap.
 * @SELFBALLOON_PRESSURE_SWAPOUT: at least 1 MiB written to swap: reclaim
 *	has reached anonymous memory.
 * @SELFBALLOON_PRESSURE_SCAN: reclaim scanned at least 1 MiB and freed
 *	less than a quarter of it.
 * @SELFBALLOON_PRESSURE_STALL: tasks stalled on memory for at least a
 *	tenth of the time (PSI, where available).
 * @SELFBALLOON_PRESSURE_SHORT: MemAvailable is below half of
 *	totalreserve_pages plus the reserve: demand is eating the margin
 *	the goal left (a target at its goal leaves all of it available).
 */
enum selfballoon_pressure_reason {
	SELFBALLOON_PRESSURE_REFAULT = 1 << 0,
	SELFBALLOON_PRESSURE_SWAPIN = 1 << 1,
	SELFBALLOON_PRESSURE_SWAPOUT = 1 << 2,
	SELFBALLOON_PRESSURE_SCAN = 1 << 3,
	SELFBALLOON_PRESSURE_STALL = 1 << 4,
	SELFBALLOON_PRESSURE_SHORT = 1 << 5,
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
 * @goal_pages: committed policy: Committed_AS + reserve + reserved_mb;
 *	pressure policy: @used_pages + reserve + @reserve_pages; in
 *	totalram_pages() terms (no frontswap term: selfballoon_decide()
 *	passes 0).
 * @floor_pages: the lowest target allowed, in totalram_pages() terms
 *	(never above the max_pfn and toolstack limits, see
 *	selfballoon_decide()).
 * @target_pages: the new target in totalram_pages() terms, floor applied.
 * @balloon_target_pages: @target_pages in balloon_stats.current_pages
 *	terms, the value handed to balloon_set_new_target().
 * @used_pages: the memory in use, totalram_pages() less MemAvailable.
 * @reserve_pages: the margin in the goal above Committed_AS (committed
 *	policy: reserved_mb) or above @used_pages (pressure policy: its
 *	adaptive reserve), not counting totalreserve_pages.
 * @pressure: the enum selfballoon_pressure_reason bits seen (pressure
 *	policy), 0 for none.
 * @action: whether the final target is above, below or at current.
 * @floor_hit: the floor raised the target.
 * @limit_hit: the max_pfn or the toolstack limit lowered the target.
 * @cut_held: a cut was held back (&selfballoon_params.hold_cuts).
 */
struct selfballoon_decision {
	unsigned long goal_pages;
	unsigned long floor_pages;
	unsigned long target_pages;
	unsigned long balloon_target_pages;
	unsigned long used_pages;
	unsigned long reserve_pages;
	unsigned int pressure;
	enum selfballoon_action action;
	bool floor_hit;
	bool limit_hit;
	bool cut_held;
};

/**
 * struct selfballoon_pressure_state - what the pressure policy remembers
 * @last: the counters of the last tick.
 * @last_time_us: when the last tick read them.
 * @reserve_pages: the reserve in force, in pages.
 * @calm_ticks: regular ticks without pressure since the last pressure,
 *	counted up to SELFBALLOON_PRESSURE_CALM_TICKS.
 * @primed: @last holds a reading (false after selfballoon_pressure_reset()).
 */
struct selfballoon_pressure_state {
	struct selfballoon_pressure_counters last;
	u64 last_time_us;
	unsigned long reserve_pages;
	unsigned int calm_ticks;
	bool primed;
};

/* Regular ticks without pressure before the pressure policy's reserve shrinks. */
#define SELFBALLOON_PRESSURE_CALM_TICKS	2

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
unsigned int selfballoon_auto_min_reserve_mb(unsigned long totalram_pages);
void selfballoon_decide(const struct selfballoon_sample *sample,
			const struct selfballoon_params *params,
			struct selfballoon_decision *decision);
unsigned int selfballoon_pressure_reasons(const struct selfballoon_pressure_counters *now,
					  const struct selfballoon_pressure_counters *last,
					  u64 elapsed_us);
void selfballoon_pressure_reset(struct selfballoon_pressure_state *state,
				unsigned int reserved_mb);
void selfballoon_pressure_decide(const struct selfballoon_sample *sample,
				 const struct selfballoon_params *params,
				 struct selfballoon_pressure_state *state,
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
 * @SB_GRACE_S: selfballoon_grace_s: seconds after selfballooning starts
 *	(at load, at boot or by a write of 1) during which no tick cuts the
 *	target, so that a guest still starting up is not squeezed.
 *	Default 15 (three default intervals), range 0..3600; 0: none.
 * @SB_MIN_RESERVE_MB: selfballoon_min_reserve_mb: the least reserve, MiB,
 *	the pressure policy shrinks its reserve to while the guest shows no
 *	memory pressure; 0 selects 2% of RAM at load.  Default 0
 *	(automatic), range 0..16777216.
 * @SB_NR_TUNABLES: number of tunables.
 *
 * The names, defaults and meanings of the first seven mirror upstream
 * drivers/xen's selfballoon driver (Linux 3.1 to 5.2); the ranges, and
 * the last two tunables, are this port's.  A write outside
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
	SB_GRACE_S,
	SB_MIN_RESERVE_MB,
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

extern const char * const selfballoon_policy_names[SELFBALLOON_NR_POLICIES];

int selfballoon_parse_policy(const char *buf, enum selfballoon_policy *policy);

#endif /* _XEN_SELFBALLOON_POLICY_H */
