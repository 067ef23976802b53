// SPDX-License-Identifier: GPL-2.0
/*
 * Frontswap self-shrinking policy: inertia and hysteresis.
 *
 * When the pages held by frontswap have been stable (not growing, not zero)
 * for frontswap_inertia ticks, ask for a shrink toward
 * cur - cur / frontswap_hysteresis (toward 0 once cur <= hysteresis), then
 * count down again.  This is upstream's frontswap_selfshrink() from
 * drivers/xen/xen-selfballoon.c, including its later fix that restarts the
 * countdown after each shrink (Linux 3.1 shrank on every tick once the
 * counter had reached zero).
 *
 * What "frontswap pages" and "shrink" mean on a modern kernel is the caller's
 * business (see Documentation/xen-selfballoon.rst); this file only decides.
 * No Xen header is used: KUnit and the userspace tools build this file too.
 */

#include <linux/kernel.h>

#include "selfballoon-policy.h"

/**
 * frontswap_shrink_reset() - restart the inertia countdown
 * @state: the self-shrinking state.
 * @inertia: frontswap_inertia, in ticks.
 *
 * Called when self-shrinking is enabled and when frontswap_inertia is
 * written, so that a new inertia applies at once.
 */
void frontswap_shrink_reset(struct frontswap_shrink_state *state,
			    unsigned int inertia)
{
	state->inertia_counter = inertia;
}

/**
 * frontswap_shrink_decide() - decide whether this tick shrinks frontswap
 * @state: the self-shrinking state, updated.
 * @cur_pages: pages in frontswap now.
 * @inertia: frontswap_inertia, stable ticks needed before a shrink.
 * @hysteresis: frontswap_hysteresis; each shrink removes 1/hysteresis of
 *	the pages (0 acts as 1).
 * @target_pages: set to the size to shrink to when this returns true.
 *
 * Growth or an empty frontswap restarts the countdown.  Otherwise the
 * countdown is decremented; when it reaches zero the target is
 * cur - cur / hysteresis, or 0 when cur <= hysteresis, and the countdown
 * restarts.
 *
 * Return: true if frontswap should be shrunk to *@target_pages.
 */
bool frontswap_shrink_decide(struct frontswap_shrink_state *state,
			     unsigned long cur_pages, unsigned int inertia,
			     unsigned int hysteresis,
			     unsigned long *target_pages)
{
	unsigned long last_pages = state->last_pages;

	hysteresis = max(hysteresis, 1U);
	state->last_pages = cur_pages;
	if (!cur_pages || cur_pages > last_pages) {
		state->inertia_counter = inertia;
		return false;
	}
	if (state->inertia_counter && --state->inertia_counter)
		return false;

	if (cur_pages <= hysteresis)
		*target_pages = 0;
	else
		*target_pages = cur_pages - cur_pages / hysteresis;
	state->inertia_counter = inertia;
	return true;
}

#if IS_ENABLED(CONFIG_XEN_SELFBALLOON_KUNIT_TEST)
#include "tests/frontswap-shrink-kunit.h"
#endif
