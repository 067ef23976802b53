// SPDX-License-Identifier: GPL-2.0
/*
 * Xen selfballoon policy: goal, step, floor and the sysfs value rules.
 *
 * The arithmetic follows upstream drivers/xen/xen-selfballoon.c as of its
 * last version (Linux 5.2), with every subtraction guarded so that no input
 * can wrap: committed memory of 0 or far above RAM, a current size below the
 * floor, a reserve larger than memory and tunables at their extremes all give
 * a target between the floor and the goal.
 *
 * No Xen header is used here: this file is built into the module, into the
 * KUnit suites under UML and into the userspace tools.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/page.h>

#include "selfballoon-policy.h"

/* 16 TiB in MiB: larger than any Xen guest, small enough for pages to fit. */
#define SELFBALLOON_MAX_MB	(16U << 20)

/*
 * The tunables, their defaults and ranges.  Defaults mirror upstream; the
 * ranges are this driver's (upstream accepted any non-zero value).
 */
const struct selfballoon_tunable_info selfballoon_tunables[SB_NR_TUNABLES] = {
	[SB_INTERVAL_S] = {
		.name = "selfballoon_interval", .def = 5, .min = 1, .max = 3600,
	},
	[SB_DOWNHYSTERESIS] = {
		.name = "selfballoon_downhysteresis",
		.def = 8, .min = 1, .max = 1000,
	},
	[SB_UPHYSTERESIS] = {
		.name = "selfballoon_uphysteresis",
		.def = 1, .min = 1, .max = 1000,
	},
	[SB_MIN_USABLE_MB] = {
		.name = "selfballoon_min_usable_mb",
		.def = 0, .min = 0, .max = SELFBALLOON_MAX_MB,
	},
	[SB_RESERVED_MB] = {
		.name = "selfballoon_reserved_mb",
		.def = 0, .min = 0, .max = SELFBALLOON_MAX_MB,
	},
	[SB_FRONTSWAP_HYSTERESIS] = {
		.name = "frontswap_hysteresis",
		.def = 20, .min = 1, .max = 1000,
	},
	[SB_FRONTSWAP_INERTIA] = {
		.name = "frontswap_inertia",
		.def = 3, .min = 1, .max = 1000,
	},
	[SB_GRACE_S] = {
		.name = "selfballoon_grace_s", .def = 15, .min = 0, .max = 3600,
	},
	[SB_MIN_RESERVE_MB] = {
		.name = "selfballoon_min_reserve_mb",
		.def = 0, .min = 0, .max = SELFBALLOON_MAX_MB,
	},
};

/* The values of selfballoon_policy, as sysfs shows and takes them. */
const char * const selfballoon_policy_names[SELFBALLOON_NR_POLICIES] = {
	[SELFBALLOON_POLICY_COMMITTED] = "committed",
	[SELFBALLOON_POLICY_PRESSURE] = "pressure",
};

static unsigned long sat_add(unsigned long a, unsigned long b)
{
	return a > ULONG_MAX - b ? ULONG_MAX : a + b;
}

static unsigned long sat_sub(unsigned long a, unsigned long b)
{
	return a > b ? a - b : 0;
}

/**
 * selfballoon_mb_to_pages() - convert MiB to pages, saturating
 * @mb: a size in MiB.
 *
 * Return: @mb MiB in pages, or ULONG_MAX if that does not fit.
 */
unsigned long selfballoon_mb_to_pages(unsigned long mb)
{
	const unsigned int shift = 20 - PAGE_SHIFT;

	if (mb > (ULONG_MAX >> shift))
		return ULONG_MAX;
	return mb << shift;
}

/**
 * selfballoon_goal_pages() - the memory the guest should have
 * @committed_pages: Committed_AS, from vm_memory_committed().
 * @totalreserve_pages: pages the allocator keeps back (totalreserve_pages).
 * @reserved_pages: selfballoon_reserved_mb in pages, a margin for memory
 *	that Committed_AS does not count (slab, page tables, driver pages).
 * @frontswap_pages: frontswap pages to leave room for (0 if none).
 *
 * Mirrors upstream: goal = vm_memory_committed() + totalreserve_pages +
 * MB2PAGES(selfballoon_reserved_mb) (+ frontswap_curr_pages()).
 *
 * Return: the goal in pages, saturated at ULONG_MAX.
 */
unsigned long selfballoon_goal_pages(unsigned long committed_pages,
				     unsigned long totalreserve_pages,
				     unsigned long reserved_pages,
				     unsigned long frontswap_pages)
{
	unsigned long goal = committed_pages;

	goal = sat_add(goal, totalreserve_pages);
	goal = sat_add(goal, reserved_pages);
	return sat_add(goal, frontswap_pages);
}

/**
 * selfballoon_step_pages() - one hysteresis step from current toward goal
 * @current_pages: the guest's memory now, in totalram_pages() terms.
 * @goal_pages: the goal from selfballoon_goal_pages().
 * @downhysteresis: divisor of the distance when moving down (0 acts as 1).
 * @uphysteresis: divisor of the distance when moving up (0 acts as 1).
 *
 * Above the goal the target moves down by (current - goal) / downhysteresis,
 * below it up by (goal - current) / uphysteresis, as upstream did.  The
 * result always lies between @current_pages and @goal_pages inclusive.
 *
 * Return: the new target in pages, before the floor.
 */
unsigned long selfballoon_step_pages(unsigned long current_pages,
				     unsigned long goal_pages,
				     unsigned int downhysteresis,
				     unsigned int uphysteresis)
{
	if (current_pages > goal_pages)
		return current_pages - (current_pages - goal_pages) /
				       max(downhysteresis, 1U);
	if (current_pages < goal_pages)
		return current_pages + (goal_pages - current_pages) /
				       max(uphysteresis, 1U);
	return current_pages;
}

/**
 * selfballoon_floor_pages() - the lowest target the policy allows
 * @max_pfn: the guest's pseudo-physical size in pages (max_pfn).
 * @totalreserve_pages: pages the allocator keeps back.
 * @min_usable_mb: selfballoon_min_usable_mb; 0 selects the default curve.
 *
 * With @min_usable_mb set, the floor is totalreserve_pages + min_usable_mb.
 * Otherwise it is upstream's piecewise linear function of the useful memory
 * u = max_pfn - totalreserve_pages, ending in a ~3% slope:
 *
 * - u < 16 MiB: max_pfn (the guest is too small to balloon);
 * - u < 64 MiB: reserve + 16 MiB + (u - 16 MiB) / 2;
 * - u < 512 MiB: reserve + 40 MiB + (u - 40 MiB) / 8;
 * - otherwise: reserve + 99 MiB + (u - 99 MiB) / 32.
 *
 * Unlike upstream, the floor is never above max_pfn: a guest cannot be asked
 * for more memory than it has room for.
 *
 * Return: the floor in pages, at most @max_pfn.
 */
unsigned long selfballoon_floor_pages(unsigned long max_pfn,
				      unsigned long totalreserve_pages,
				      unsigned int min_usable_mb)
{
	unsigned long useful = sat_sub(max_pfn, totalreserve_pages);
	unsigned long floor;

	if (min_usable_mb)
		floor = sat_add(totalreserve_pages,
				selfballoon_mb_to_pages(min_usable_mb));
	else if (useful < selfballoon_mb_to_pages(16))
		floor = max_pfn;
	else if (useful < selfballoon_mb_to_pages(64))
		floor = totalreserve_pages + selfballoon_mb_to_pages(16) +
			((useful - selfballoon_mb_to_pages(16)) >> 1);
	else if (useful < selfballoon_mb_to_pages(512))
		floor = totalreserve_pages + selfballoon_mb_to_pages(40) +
			((useful - selfballoon_mb_to_pages(40)) >> 3);
	else
		floor = totalreserve_pages + selfballoon_mb_to_pages(99) +
			((useful - selfballoon_mb_to_pages(99)) >> 5);

	return min(floor, max_pfn);
}

/**
 * selfballoon_to_balloon_pages() - convert a target to balloon_stats terms
 * @target_pages: a target in totalram_pages() terms.
 * @balloon_current_pages: balloon_stats.current_pages.
 * @totalram_pages: totalram_pages().
 *
 * The balloon driver counts every page the guest owns, totalram_pages() only
 * those the page allocator manages.  Upstream's final version therefore
 * passed tgt + balloon_stats.current_pages - totalram_pages() to
 * balloon_set_new_target(); this does the same without wrapping.
 *
 * Return: the target in balloon_stats.current_pages terms.
 */
unsigned long selfballoon_to_balloon_pages(unsigned long target_pages,
					   unsigned long balloon_current_pages,
					   unsigned long totalram_pages)
{
	if (balloon_current_pages >= totalram_pages)
		return sat_add(target_pages,
			       balloon_current_pages - totalram_pages);
	return sat_sub(target_pages, totalram_pages - balloon_current_pages);
}

/**
 * selfballoon_auto_reserved_mb() - the automatic selfballoon_reserved_mb
 * @totalram_pages: totalram_pages() when the driver starts.
 *
 * Upstream set selfballoon_reserved_mb to 10% of RAM when it was 0 at init.
 *
 * Return: 10% of @totalram_pages, in MiB, rounded down.
 */
unsigned int selfballoon_auto_reserved_mb(unsigned long totalram_pages)
{
	unsigned long mb = (totalram_pages >> (20 - PAGE_SHIFT)) / 10;

	return min_t(unsigned long, mb, selfballoon_tunables[SB_RESERVED_MB].max);
}

/**
 * selfballoon_auto_min_reserve_mb() - the automatic selfballoon_min_reserve_mb
 * @totalram_pages: totalram_pages() when the driver starts.
 *
 * This port's default least reserve of the pressure policy: 2% of RAM,
 * and at least 1 MiB.
 *
 * Return: 2% of @totalram_pages, in MiB, rounded down, at least 1.
 */
unsigned int selfballoon_auto_min_reserve_mb(unsigned long totalram_pages)
{
	unsigned long mb = (totalram_pages >> (20 - PAGE_SHIFT)) / 50;

	if (!mb)
		return 1;
	return min_t(unsigned long, mb,
		     selfballoon_tunables[SB_MIN_RESERVE_MB].max);
}

/*
 * The end of a tick, for both policies: @tgt, one step toward the goal, is
 * raised to the floor, held at current if cuts are held, and lowered to
 * the limits: max_pfn (a guest cannot be given more than its
 * pseudo-physical size, and a larger target only makes the balloon driver
 * hot-add memory that Xen will not populate) and the toolstack's target
 * (the toolstack decides how much the guest may have; the driver keeps it
 * at or below that).  In totalram_pages() terms each limit is its balloon
 * value less the pages outside totalram; the floor is held to them too:
 * the toolstack's word wins over the floor.
 */
static void selfballoon_finish(const struct selfballoon_sample *sample,
			       const struct selfballoon_params *params,
			       unsigned long tgt,
			       struct selfballoon_decision *decision)
{
	unsigned long cur = sample->totalram_pages;
	unsigned long outside = sat_sub(sample->balloon_current_pages, cur);
	unsigned long limit = sat_sub(sample->max_pfn, outside);

	if (sample->toolstack_target_pages)
		limit = min(limit, sat_sub(sample->toolstack_target_pages,
					   outside));
	decision->floor_pages =
		min(selfballoon_floor_pages(sample->max_pfn,
					    sample->totalreserve_pages,
					    params->min_usable_mb), limit);
	decision->floor_hit = tgt < decision->floor_pages;
	if (decision->floor_hit)
		tgt = decision->floor_pages;
	decision->cut_held = params->hold_cuts && tgt < cur;
	if (decision->cut_held)
		tgt = cur;
	decision->limit_hit = tgt > limit;
	tgt = min(tgt, limit);
	decision->target_pages = tgt;

	if (tgt > cur)
		decision->action = SELFBALLOON_RAISE;
	else if (tgt < cur)
		decision->action = SELFBALLOON_CUT;
	else
		decision->action = SELFBALLOON_HOLD;
	decision->balloon_target_pages =
		selfballoon_to_balloon_pages(tgt,
					     sample->balloon_current_pages,
					     sample->totalram_pages);
}

/**
 * selfballoon_decide() - compute one tick of the committed policy
 * @sample: the counters read this tick.
 * @params: the tunables in force.
 * @decision: filled with goal, floor and target.
 *
 * Linux 5.2's policy: current = totalram_pages(); goal = Committed_AS +
 * totalreserve_pages + reserved_mb; target = one hysteresis step from
 * current toward goal, raised to the floor; then converted to
 * balloon_stats terms.
 *
 * Unlike Linux 3.1 to 5.2, the goal leaves no room for the frontswap
 * pages (@sample->frontswap_pages, zswap's stored pages): a shrink writes
 * them back to swap rather than into RAM, and Committed_AS counts them at
 * full size already.
 *
 * Unlike upstream, the target is never above max_pfn nor above the
 * toolstack's target (@sample->toolstack_target_pages), and a cut can be
 * held (@params->hold_cuts, the grace period after the start).  With
 * neither limit reached and no cut held, every tick is Linux 5.2's.
 */
void selfballoon_decide(const struct selfballoon_sample *sample,
			const struct selfballoon_params *params,
			struct selfballoon_decision *decision)
{
	unsigned long cur = sample->totalram_pages;
	unsigned long tgt;

	decision->reserve_pages = selfballoon_mb_to_pages(params->reserved_mb);
	decision->used_pages = sat_sub(cur, min(sample->available_pages, cur));
	decision->pressure = 0;
	decision->goal_pages =
		selfballoon_goal_pages(sample->committed_pages,
				       sample->totalreserve_pages,
				       decision->reserve_pages, 0);
	tgt = selfballoon_step_pages(cur, decision->goal_pages,
				     params->downhysteresis,
				     params->uphysteresis);
	selfballoon_finish(sample, params, tgt, decision);
}

/* A growth of at least this many pages since the last tick is pressure. */
#define SELFBALLOON_PRESSURE_PAGES	(1UL << (20 - PAGE_SHIFT))

/**
 * selfballoon_pressure_reasons() - what in the counters is memory pressure
 * @now: the counters read this tick.
 * @last: the counters of the last tick.
 * @elapsed_us: microseconds between the two readings.
 *
 * Memory pressure, since the last tick, is any of: working-set refaults
 * of at least 1 MiB, 1 MiB read back from swap, 1 MiB written to swap,
 * reclaim that scanned at least 1 MiB and freed less than a quarter of it,
 * and tasks stalled on memory (PSI) for a tenth of @elapsed_us or more.
 * Reclaim alone, freeing what it scans (cold page cache), is not pressure:
 * it is how a guest held close to its needs makes room.  A counter that
 * went backwards counts as unchanged.
 *
 * Return: the enum selfballoon_pressure_reason bits, 0 for no pressure.
 */
unsigned int selfballoon_pressure_reasons(const struct selfballoon_pressure_counters *now,
					  const struct selfballoon_pressure_counters *last,
					  u64 elapsed_us)
{
	unsigned long scan = sat_sub(now->scan_pages, last->scan_pages);
	unsigned long steal = sat_sub(now->steal_pages, last->steal_pages);
	u64 stall = now->stall_us > last->stall_us ?
		    now->stall_us - last->stall_us : 0;
	unsigned int reasons = 0;

	if (sat_sub(now->refault_pages, last->refault_pages) >=
	    SELFBALLOON_PRESSURE_PAGES)
		reasons |= SELFBALLOON_PRESSURE_REFAULT;
	if (sat_sub(now->swapin_pages, last->swapin_pages) >=
	    SELFBALLOON_PRESSURE_PAGES)
		reasons |= SELFBALLOON_PRESSURE_SWAPIN;
	if (sat_sub(now->swapout_pages, last->swapout_pages) >=
	    SELFBALLOON_PRESSURE_PAGES)
		reasons |= SELFBALLOON_PRESSURE_SWAPOUT;
	if (scan >= SELFBALLOON_PRESSURE_PAGES && steal < scan / 4)
		reasons |= SELFBALLOON_PRESSURE_SCAN;
	if (stall && stall >= elapsed_us / 10)
		reasons |= SELFBALLOON_PRESSURE_STALL;
	return reasons;
}

/**
 * selfballoon_pressure_reset() - start the pressure policy afresh
 * @state: its state.
 * @reserved_mb: selfballoon_reserved_mb in force: the reserve to start at.
 *
 * The reserve starts at the committed policy's, and the first tick after
 * a reset only reads the counters (there is nothing to compare them with).
 */
void selfballoon_pressure_reset(struct selfballoon_pressure_state *state,
				unsigned int reserved_mb)
{
	*state = (struct selfballoon_pressure_state) {
		.reserve_pages = selfballoon_mb_to_pages(reserved_mb),
	};
}

/**
 * selfballoon_pressure_decide() - compute one tick of the pressure policy
 * @sample: the counters read this tick.
 * @params: the tunables in force.
 * @state: the policy's state, updated.
 * @decision: filled with goal, floor, target, reserve and pressure.
 *
 * goal = used + totalreserve_pages + reserve, where used is the memory the
 * guest cannot give up without swapping or losing its working set
 * (totalram_pages() less MemAvailable: anonymous memory, Shmem and tmpfs,
 * kernel memory; not the reclaimable page cache), and the reserve is
 * adaptive:
 *
 * - Memory pressure doubles it, to at least reserved_mb (the committed
 *   policy's reserve), and the target rises to the goal at once, whatever
 *   the up-hysteresis.  Pressure is what selfballoon_pressure_reasons()
 *   finds in the counters, or MemAvailable below half of
 *   totalreserve_pages plus the reserve (SELFBALLOON_PRESSURE_SHORT): at
 *   its goal the guest has all of that available, so a guest short of half
 *   of it is growing faster than the ticks, not being squeezed by them.
 * - After SELFBALLOON_PRESSURE_CALM_TICKS regular ticks without pressure,
 *   each further one shrinks it by 1/downhysteresis of its distance to
 *   min_reserve_mb.
 *
 * The target then takes one hysteresis step toward the goal, and the
 * floor and the limits apply as in selfballoon_decide().  An early tick
 * (@params->early, run because reclaim started) can raise the target but
 * holds cuts, and neither counts as calm nor shrinks the reserve.  The
 * first tick after selfballoon_pressure_reset() sees no pressure in the
 * counters (there is nothing to compare them with), only a shortage.
 */
void selfballoon_pressure_decide(const struct selfballoon_sample *sample,
				 const struct selfballoon_params *params,
				 struct selfballoon_pressure_state *state,
				 struct selfballoon_decision *decision)
{
	unsigned long cur = sample->totalram_pages;
	unsigned long min_reserve = selfballoon_mb_to_pages(params->min_reserve_mb);
	unsigned long full = selfballoon_mb_to_pages(params->reserved_mb);
	unsigned long reserve = state->reserve_pages;
	struct selfballoon_params p = *params;
	u64 elapsed_us = 0;
	unsigned long tgt;

	decision->pressure = 0;
	if (sample->time_us > state->last_time_us)
		elapsed_us = sample->time_us - state->last_time_us;
	if (state->primed)
		decision->pressure =
			selfballoon_pressure_reasons(&sample->counters,
						     &state->last, elapsed_us);
	if (sample->available_pages <
	    sat_add(sample->totalreserve_pages, reserve) / 2)
		decision->pressure |= SELFBALLOON_PRESSURE_SHORT;
	if (decision->pressure) {
		reserve = max(sat_add(reserve, reserve), full);
		state->calm_ticks = 0;
	} else if (state->primed && !params->early) {
		if (state->calm_ticks < SELFBALLOON_PRESSURE_CALM_TICKS)
			state->calm_ticks++;
		else if (reserve > min_reserve)
			reserve -= (reserve - min_reserve) /
				   max(params->downhysteresis, 1U);
	}
	/* at least min_reserve_mb, and no more than the guest's size */
	if (reserve > sample->max_pfn)
		reserve = sample->max_pfn;
	reserve = max(reserve, min_reserve);
	state->reserve_pages = reserve;
	state->last = sample->counters;
	state->last_time_us = sample->time_us;
	state->primed = true;

	decision->reserve_pages = reserve;
	decision->used_pages = sat_sub(cur, min(sample->available_pages, cur));
	decision->goal_pages = selfballoon_goal_pages(decision->used_pages,
						      sample->totalreserve_pages,
						      reserve, 0);
	if (decision->pressure)
		p.uphysteresis = 1;
	if (params->early)
		p.hold_cuts = true;
	tgt = selfballoon_step_pages(cur, decision->goal_pages,
				     p.downhysteresis, p.uphysteresis);
	selfballoon_finish(sample, &p, tgt, decision);
}

/**
 * selfballoon_parse_tunable() - parse and range-check a tunable's new value
 * @id: which tunable.
 * @buf: the text written to the sysfs file.
 * @val: where the value goes; untouched on error.
 *
 * The text must be a decimal unsigned integer, optionally with one trailing
 * newline (kstrtouint() rules: no sign other than '+', no spaces, no hex).
 *
 * Return: 0 on success; -EINVAL if @buf does not parse; -ERANGE if it does
 * not fit an unsigned int or lies outside the tunable's range.
 */
int selfballoon_parse_tunable(enum selfballoon_tunable id, const char *buf,
			      unsigned int *val)
{
	const struct selfballoon_tunable_info *info;
	unsigned int v;
	int err;

	if (id >= SB_NR_TUNABLES)
		return -EINVAL;
	info = &selfballoon_tunables[id];
	err = kstrtouint(buf, 10, &v);
	if (err)
		return err;
	if (v < info->min || v > info->max)
		return -ERANGE;
	*val = v;
	return 0;
}

/**
 * selfballoon_parse_bool() - parse a 0/1 switch
 * @buf: the text written to sysfs.
 * @val: where the value goes; untouched on error.
 *
 * Only "0" and "1" (with an optional trailing newline) are accepted, as
 * upstream did; "y", "on" and other kstrtobool() spellings are not.
 *
 * Return: 0 on success, -EINVAL or -ERANGE (from kstrtouint()) otherwise.
 */
int selfballoon_parse_bool(const char *buf, bool *val)
{
	unsigned int v;
	int err;

	err = kstrtouint(buf, 10, &v);
	if (err)
		return err;
	if (v > 1)
		return -EINVAL;
	*val = v;
	return 0;
}

/**
 * selfballoon_parse_boot_switch() - parse the value of a boot switch
 * @val: the text after "name=", or NULL for the bare word "name".
 * @on: where the value goes; untouched on error.
 *
 * The boot switches (selfballooning, noselfballooning, noselfshrink) take
 * exactly the spellings that param_get_bool() prints and the usual 0/1:
 * the bare word, "1", "y" or "Y" mean on, "0", "n" or "N" mean off.
 * Anything else, including an empty value, surrounding spaces and text
 * that kstrtobool() would accept by its first character alone ("1junk",
 * "yes", "0x10"), is rejected.
 *
 * Return: 0 on success, -EINVAL otherwise.
 */
int selfballoon_parse_boot_switch(const char *val, bool *on)
{
	if (!val) {
		*on = true;
		return 0;
	}
	if (!val[0] || val[1])
		return -EINVAL;
	switch (val[0]) {
	case '1':
	case 'y':
	case 'Y':
		*on = true;
		return 0;
	case '0':
	case 'n':
	case 'N':
		*on = false;
		return 0;
	}
	return -EINVAL;
}

/**
 * selfballoon_parse_policy() - parse a value of selfballoon_policy
 * @buf: the text written to sysfs.
 * @policy: where the value goes; untouched on error.
 *
 * Exactly one of the names in selfballoon_policy_names[] ("committed",
 * "pressure"), with an optional trailing newline; no other spelling, no
 * spaces, no prefix of a name.
 *
 * Return: 0 on success, -EINVAL otherwise.
 */
int selfballoon_parse_policy(const char *buf, enum selfballoon_policy *policy)
{
	int i;

	for (i = 0; i < SELFBALLOON_NR_POLICIES; i++) {
		size_t n = strlen(selfballoon_policy_names[i]);

		if (strncmp(buf, selfballoon_policy_names[i], n))
			continue;
		if (buf[n] && (buf[n] != '\n' || buf[n + 1]))
			continue;
		*policy = i;
		return 0;
	}
	return -EINVAL;
}

#if IS_ENABLED(CONFIG_XEN_SELFBALLOON_KUNIT_TEST)
#include "tests/selfballoon-policy-kunit.h"
#include "tests/selfballoon-pressure-kunit.h"
#endif
