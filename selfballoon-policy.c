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
 * selfballoon_decide() - compute one tick of the selfballoon controller
 * @sample: the counters read this tick.
 * @params: the tunables in force.
 * @decision: filled with goal, floor and target.
 *
 * current = totalram_pages(); goal = Committed_AS + reserve + reserved_mb;
 * target = one hysteresis step from current toward goal, raised to the
 * floor; then converted to balloon_stats terms.
 *
 * Unlike Linux 3.1 to 5.2, the goal leaves no room for the frontswap
 * pages (@sample->frontswap_pages, zswap's stored pages): a shrink writes
 * them back to swap rather than into RAM, and Committed_AS counts them at
 * full size already.
 *
 * Unlike upstream, the target handed to the balloon driver is never above
 * max_pfn: a guest cannot be given more than its pseudo-physical size, and
 * a larger target only makes the balloon driver hot-add memory that Xen
 * will not populate.  In totalram_pages() terms that limit is max_pfn less
 * the pages outside totalram; the floor is held to it too.
 */
void selfballoon_decide(const struct selfballoon_sample *sample,
			const struct selfballoon_params *params,
			struct selfballoon_decision *decision)
{
	unsigned long cur = sample->totalram_pages;
	unsigned long tgt, limit;

	decision->goal_pages =
		selfballoon_goal_pages(sample->committed_pages,
				       sample->totalreserve_pages,
				       selfballoon_mb_to_pages(params->reserved_mb),
				       0);
	tgt = selfballoon_step_pages(cur, decision->goal_pages,
				     params->downhysteresis,
				     params->uphysteresis);
	limit = sat_sub(sample->max_pfn,
			sat_sub(sample->balloon_current_pages, cur));
	decision->floor_pages =
		min(selfballoon_floor_pages(sample->max_pfn,
					    sample->totalreserve_pages,
					    params->min_usable_mb), limit);
	decision->floor_hit = tgt < decision->floor_pages;
	if (decision->floor_hit)
		tgt = decision->floor_pages;
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

#if IS_ENABLED(CONFIG_XEN_SELFBALLOON_KUNIT_TEST)
#include "tests/selfballoon-policy-kunit.h"
#endif
