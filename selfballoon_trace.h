/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen selfballoon driver: one trace event per tick.
 *
 *   echo 1 > /sys/kernel/tracing/events/xen_selfballoon/enable
 *   trace-cmd record -e xen_selfballoon; perf record -e xen_selfballoon:*
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xen_selfballoon

#if !defined(_XEN_SELFBALLOON_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _XEN_SELFBALLOON_TRACE_H

#include <linux/tracepoint.h>

#include "selfballoon-policy.h"

TRACE_DEFINE_ENUM(SELFBALLOON_HOLD);
TRACE_DEFINE_ENUM(SELFBALLOON_RAISE);
TRACE_DEFINE_ENUM(SELFBALLOON_CUT);

/*
 * selfballoon_tick - what one tick read and decided, in pages.  With
 * selfballooning off (frontswap self-shrinking alone) the decision fields
 * are 0.  balloon_target is the value handed to balloon_set_new_target().
 * The event carries every input of selfballoon_decide() except the
 * tunables, so that tools/selfballoon-sim can replay a run tick by tick.
 */
TRACE_EVENT(selfballoon_tick,
	    TP_PROTO(const struct selfballoon_sample *s,
		     const struct selfballoon_decision *d,
		     bool frontswap_shrink, unsigned long frontswap_target),
	    TP_ARGS(s, d, frontswap_shrink, frontswap_target),
	    TP_STRUCT__entry(__field(unsigned long, committed)
			     __field(unsigned long, current_pages)
			     __field(unsigned long, balloon_current)
			     __field(unsigned long, totalreserve)
			     __field(unsigned long, max_pfn)
			     __field(unsigned long, goal)
			     __field(unsigned long, floor)
			     __field(unsigned long, target)
			     __field(unsigned long, balloon_target)
			     __field(unsigned long, frontswap)
			     __field(unsigned long, frontswap_target)
			     __field(int, action)
			     __field(bool, floor_hit)
			     __field(bool, frontswap_shrink)),
	    TP_fast_assign(__entry->committed = s->committed_pages;
			   __entry->current_pages = s->totalram_pages;
			   __entry->balloon_current = s->balloon_current_pages;
			   __entry->totalreserve = s->totalreserve_pages;
			   __entry->max_pfn = s->max_pfn;
			   __entry->goal = d->goal_pages;
			   __entry->floor = d->floor_pages;
			   __entry->target = d->target_pages;
			   __entry->balloon_target = d->balloon_target_pages;
			   __entry->frontswap = s->frontswap_pages;
			   __entry->frontswap_target = frontswap_target;
			   __entry->action = d->action;
			   __entry->floor_hit = d->floor_hit;
			   __entry->frontswap_shrink = frontswap_shrink;),
	    TP_printk("committed=%lu current=%lu balloon_current=%lu totalreserve=%lu max_pfn=%lu goal=%lu floor=%lu target=%lu balloon_target=%lu action=%s floor_hit=%d frontswap=%lu shrink=%d frontswap_target=%lu",
		      __entry->committed, __entry->current_pages,
		      __entry->balloon_current, __entry->totalreserve,
		      __entry->max_pfn, __entry->goal,
		      __entry->floor, __entry->target,
		      __entry->balloon_target,
		      __print_symbolic(__entry->action,
				       { SELFBALLOON_HOLD, "hold" },
				       { SELFBALLOON_RAISE, "raise" },
				       { SELFBALLOON_CUT, "cut" }),
		      __entry->floor_hit, __entry->frontswap,
		      __entry->frontswap_shrink, __entry->frontswap_target)
);

#endif /* _XEN_SELFBALLOON_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE selfballoon_trace
#include <trace/define_trace.h>
