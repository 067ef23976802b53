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

TRACE_DEFINE_ENUM(SELFBALLOON_POLICY_COMMITTED);
TRACE_DEFINE_ENUM(SELFBALLOON_POLICY_PRESSURE);

/*
 * selfballoon_tick - what one tick read and decided, in pages.  With
 * selfballooning off (frontswap self-shrinking alone) the decision fields
 * are 0.  balloon_target is the value handed to balloon_set_new_target().
 * The event carries every input of selfballoon_decide() and of
 * selfballoon_pressure_decide() except the tunables, so that
 * tools/selfballoon-sim can replay a run tick by tick: toolstack_target
 * (balloon terms, 0: none), hold (cuts held: the grace period), early
 * (an early tick of the pressure policy), MemAvailable, the cumulative
 * pressure counters (refault, swapin, swapout, scan, steal: pages;
 * stall_us and time_us: microseconds), and the pressure policy's used,
 * reserve and pressure (the enum selfballoon_pressure_reason bits).
 */
TRACE_EVENT(selfballoon_tick,
	    TP_PROTO(const struct selfballoon_sample *s,
		     const struct selfballoon_decision *d,
		     enum selfballoon_policy policy, bool early,
		     bool frontswap_shrink, unsigned long frontswap_target),
	    TP_ARGS(s, d, policy, early, frontswap_shrink, frontswap_target),
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
			     __field(unsigned long, toolstack_target)
			     __field(unsigned long, available)
			     __field(unsigned long, shmem)
			     __field(unsigned long, refault)
			     __field(unsigned long, swapin)
			     __field(unsigned long, swapout)
			     __field(unsigned long, scan)
			     __field(unsigned long, steal)
			     __field(u64, stall_us)
			     __field(u64, time_us)
			     __field(unsigned long, used)
			     __field(unsigned long, reserve)
			     __field(unsigned int, pressure)
			     __field(int, action)
			     __field(int, policy)
			     __field(bool, floor_hit)
			     __field(bool, hold)
			     __field(bool, early)
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
			   __entry->toolstack_target = s->toolstack_target_pages;
			   __entry->available = s->available_pages;
			   __entry->shmem = s->shmem_pages;
			   __entry->refault = s->counters.refault_pages;
			   __entry->swapin = s->counters.swapin_pages;
			   __entry->swapout = s->counters.swapout_pages;
			   __entry->scan = s->counters.scan_pages;
			   __entry->steal = s->counters.steal_pages;
			   __entry->stall_us = s->counters.stall_us;
			   __entry->time_us = s->time_us;
			   __entry->used = d->used_pages;
			   __entry->reserve = d->reserve_pages;
			   __entry->pressure = d->pressure;
			   __entry->action = d->action;
			   __entry->policy = policy;
			   __entry->floor_hit = d->floor_hit;
			   __entry->hold = d->cut_held;
			   __entry->early = early;
			   __entry->frontswap_shrink = frontswap_shrink;),
	    TP_printk("committed=%lu current=%lu balloon_current=%lu totalreserve=%lu max_pfn=%lu goal=%lu floor=%lu target=%lu balloon_target=%lu action=%s floor_hit=%d frontswap=%lu shrink=%d frontswap_target=%lu policy=%s early=%d hold=%d toolstack_target=%lu available=%lu shmem=%lu refault=%lu swapin=%lu swapout=%lu scan=%lu steal=%lu stall_us=%llu time_us=%llu used=%lu reserve=%lu pressure=%u",
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
		      __entry->frontswap_shrink, __entry->frontswap_target,
		      __print_symbolic(__entry->policy,
				       { SELFBALLOON_POLICY_COMMITTED, "committed" },
				       { SELFBALLOON_POLICY_PRESSURE, "pressure" }),
		      __entry->early, __entry->hold,
		      __entry->toolstack_target, __entry->available,
		      __entry->shmem, __entry->refault, __entry->swapin,
		      __entry->swapout, __entry->scan, __entry->steal,
		      (unsigned long long)__entry->stall_us,
		      (unsigned long long)__entry->time_us,
		      __entry->used, __entry->reserve, __entry->pressure)
);

#endif /* _XEN_SELFBALLOON_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE selfballoon_trace
#include <trace/define_trace.h>
