/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen selfballoon driver: state shared by the controller (xen-selfballoon.c)
 * and its sysfs interface (sysfs.c).  The policy arithmetic itself is in
 * selfballoon-policy.h, free of Xen headers.
 */
#ifndef _XEN_SELFBALLOON_H
#define _XEN_SELFBALLOON_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>

#include "selfballoon-policy.h"

/**
 * struct selfballoon_stats - what the controller did, read-only in sysfs
 * @ticks: ticks run since load.
 * @target_raises: ticks that raised the target.
 * @target_cuts: ticks that cut the target.
 * @floor_hits: ticks whose target the floor raised.
 * @frontswap_shrinks: frontswap shrink steps taken (zswap writebacks asked).
 * @last_tick_us: the last tick's duration, microseconds.
 * @last_committed_kb: Committed_AS at the last tick, KiB.
 * @last_current_kb: balloon_stats.current_pages at the last tick, KiB.
 * @last_goal_kb: the last goal, KiB, in balloon_stats terms.
 * @last_floor_kb: the last floor, KiB, in balloon_stats terms.
 * @last_target_kb: the last target handed to balloon_set_new_target(), KiB.
 * @last_frontswap_kb: zswap's stored pages read by the last tick, before
 *	its shrink, KiB; 0 if it ran with frontswap self-shrinking off.
 * @pressure_ticks: ticks of the pressure policy that saw memory pressure.
 * @early_ticks: ticks run early, because reclaim started.
 * @last_used_kb: memory in use at the last tick, totalram_pages() less
 *	MemAvailable, KiB.
 * @last_reserve_kb: the reserve in the last goal, KiB: reserved_mb
 *	(committed policy) or the pressure policy's adaptive reserve.
 * @last_toolstack_target_kb: the toolstack's target (memory/target) the
 *	last tick kept the target under, KiB; 0 if none was known.
 *
 * Goal, floor and target are shown in balloon_stats terms (as target_kb and
 * info/current_kb of xen_memory0 are) so that the four can be compared.
 */
struct selfballoon_stats {
	unsigned long ticks;
	unsigned long target_raises;
	unsigned long target_cuts;
	unsigned long floor_hits;
	unsigned long frontswap_shrinks;
	unsigned long last_tick_us;
	unsigned long last_committed_kb;
	unsigned long last_current_kb;
	unsigned long last_goal_kb;
	unsigned long last_floor_kb;
	unsigned long last_target_kb;
	unsigned long last_frontswap_kb;
	unsigned long pressure_ticks;
	unsigned long early_ticks;
	unsigned long last_used_kb;
	unsigned long last_reserve_kb;
	unsigned long last_toolstack_target_kb;
};

/**
 * struct selfballoon - the driver's one state
 * @dev: the xen_memory0 device the sysfs group hangs from.
 * @work: the delayed work that runs one tick every selfballoon_interval s.
 * @tick_base: the time (jiffies) the pending tick's delay counts from: the
 *	end of the last tick, or the switch-on; WRITE_ONCE()/READ_ONCE().
 * @lock: serialises writers of the switches and tunables, and the starting
 *	and stopping of @work.  The worker never takes it.
 * @selfballooning: the selfballooning switch; read with READ_ONCE().
 * @frontswap_selfshrinking: the frontswap self-shrinking switch.
 * @policy: the policy in force (selfballoon_policy); READ_ONCE().
 * @stopped: the system is going down (reboot notifier): nothing starts
 *	the worker again.
 * @started: when selfballooning was last switched on (jiffies); the grace
 *	period (selfballoon_grace_s) counts from here.
 * @tunables: the values in force, indexed by enum selfballoon_tunable;
 *	written under @lock with WRITE_ONCE(), read with READ_ONCE().
 * @auto_reserved_mb: the automatic selfballoon_reserved_mb (10% of RAM at
 *	load), used when 0 is written.
 * @auto_min_reserve_mb: the automatic selfballoon_min_reserve_mb (2% of
 *	RAM at load), used when 0 is written.
 * @frontswap_reset: set by a frontswap_inertia write and by switching
 *	self-shrinking on, consumed by the worker to restart the countdown.
 * @frontswap: the self-shrinking countdown; the worker's alone.
 * @pressure_reset: set by a switch to the pressure policy, consumed by the
 *	worker to restart it.
 * @pressure: the pressure policy's state; the worker's alone.
 * @early_ticks: the selfballoon_early_ticks switch; READ_ONCE().
 * @early_pending: the next tick is an early one (set by the shrinker).
 * @early_kicked: when the shrinker last asked for an early tick (jiffies).
 * @toolstack_target_pages: the toolstack's target, xenstore memory/target,
 *	in balloon_stats terms, from the watch @target_watch; 0 until read.
 * @target_watch: the xenbus watch on memory/target.
 * @touched_balloon: the worker has set a balloon target since the last
 *	hand-back to the toolstack.
 * @shrinker: the early-tick hook into reclaim.
 * @stats_lock: protects @stats.
 * @stats: what the controller did.
 */
struct selfballoon {
	struct device *dev;
	struct delayed_work work;
	unsigned long tick_base;
	struct mutex lock;		/* see @lock above */
	bool selfballooning;
	bool frontswap_selfshrinking;
	enum selfballoon_policy policy;
	bool stopped;
	unsigned long started;
	unsigned int tunables[SB_NR_TUNABLES];
	unsigned int auto_reserved_mb;
	unsigned int auto_min_reserve_mb;
	bool frontswap_reset;
	struct frontswap_shrink_state frontswap;
	bool pressure_reset;
	struct selfballoon_pressure_state pressure;
	bool early_ticks;
	bool early_pending;
	unsigned long early_kicked;
	unsigned long toolstack_target_pages;
	struct xenbus_watch target_watch;
	bool touched_balloon;
#ifdef XSB_OLD_SHRINKER_API
	struct shrinker shrinker;
#else
	struct shrinker *shrinker;
#endif
	spinlock_t stats_lock;		/* protects @stats */
	struct selfballoon_stats stats;
};

extern struct selfballoon selfballoon;
extern const struct attribute_group selfballoon_group;

int selfballoon_set_selfballooning(struct selfballoon *sb, bool on);
int selfballoon_set_frontswap_selfshrinking(struct selfballoon *sb, bool on);
int selfballoon_set_policy(struct selfballoon *sb, enum selfballoon_policy policy);
int selfballoon_set_early_ticks(struct selfballoon *sb, bool on);
int register_xen_selfballooning(struct device *dev);
int selfballoon_set_tunable(struct selfballoon *sb,
			    enum selfballoon_tunable id, unsigned int val);

#endif /* _XEN_SELFBALLOON_H */
