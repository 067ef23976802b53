// SPDX-License-Identifier: GPL-2.0
/*
 * Xen selfballoon driver: balloon a domU toward its own memory demand.
 *
 * Every selfballoon_interval seconds a delayed work reads Committed_AS
 * (vm_memory_committed()) and the balloon driver's balloon_stats, computes a
 * goal and moves the balloon target one hysteresis step toward it, never
 * below a floor nor above the toolstack's target (selfballoon-policy.c).
 * The goal is Linux 5.2's (the "committed" policy) or, by choice, the
 * memory in use plus a reserve that adapts to memory pressure (the
 * "pressure" policy).  A shrinker runs a tick early, one that may only
 * raise the target, when reclaim starts (selfballoon_early_ticks).
 * Frontswap self-shrinking shares the tick (frontswap-shrink.c).  The
 * tunables live in the sysfs group "selfballoon" of
 * /sys/devices/system/xen_memory/xen_memory0 (sysfs.c).
 *
 * A port of upstream's drivers/xen selfballoon driver (Linux 3.1 to 5.2,
 * Dan Magenheimer, Oracle), removed with tmem in Linux 5.3.
 *
 * Built into the kernel, xen-balloon.c hands us its device through
 * register_xen_selfballooning() and the real totalreserve_pages and max_pfn
 * are used.  As a module for a stock kernel, which exports neither, we find
 * the device and compute equivalents through exported interfaces only (see
 * Documentation/xen-selfballoon.rst, "Module and in-tree builds").
 */

#define pr_fmt(fmt) "xen:selfballoon: " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/memblock.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/oom.h>
#include <linux/reboot.h>
#include <linux/string_helpers.h>
#include <linux/swap.h>
#include <linux/vmstat.h>
#if !defined(MODULE) && IS_ENABLED(CONFIG_PSI)
#include <linux/psi.h>
#endif
#if !defined(MODULE) && IS_ENABLED(CONFIG_ZSWAP)
#include <linux/zswap.h>
#endif

#include <xen/balloon.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <asm/xen/hypercall.h>

#include "xen-selfballoon.h"

#define CREATE_TRACE_POINTS
#include "selfballoon_trace.h"

struct selfballoon selfballoon = {
	.lock = __MUTEX_INITIALIZER(selfballoon.lock),
	.stats_lock = __SPIN_LOCK_UNLOCKED(selfballoon.stats_lock),
};

/*
 * The boot switches.  Built in, they are the kernel command line words
 * "selfballooning", "noselfballooning" and "noselfshrink", as in Linux 3.1.
 * As a module they are boolean parameters of the same names, so the same
 * words follow the module name: "modprobe xen_selfballoon selfballooning".
 * "noselfballooning" wins over "selfballooning".
 *
 * param_set_bool() would take any text by its first character (kstrtobool():
 * "1e3", "yes", "0x10"); these take only the bare word, 0/1, y/n and Y/N
 * (selfballoon_parse_boot_switch()), and a load with any other value fails
 * with -EINVAL.  They read back as Y or N (param_get_bool()).
 */
static bool selfballooning;
static bool noselfballooning;
static bool noselfshrink;

static int selfballoon_set_boot_switch(const char *val,
				       const struct kernel_param *kp)
{
	return selfballoon_parse_boot_switch(val, kp->arg);
}

static const struct kernel_param_ops param_ops_selfballoon_switch = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = selfballoon_set_boot_switch,
	.get = param_get_bool,
};

#ifdef MODULE
module_param_cb(selfballooning, &param_ops_selfballoon_switch,
		&selfballooning, 0444);
__MODULE_PARM_TYPE(selfballooning, "bool");
MODULE_PARM_DESC(selfballooning,
		 "Start selfballooning at load even where the hypervisor has no tmem (default: off)");
module_param_cb(noselfballooning, &param_ops_selfballoon_switch,
		&noselfballooning, 0444);
__MODULE_PARM_TYPE(noselfballooning, "bool");
MODULE_PARM_DESC(noselfballooning,
		 "Do not start selfballooning at load, even where the hypervisor has tmem (default: off)");
module_param_cb(noselfshrink, &param_ops_selfballoon_switch,
		&noselfshrink, 0444);
__MODULE_PARM_TYPE(noselfshrink, "bool");
MODULE_PARM_DESC(noselfshrink,
		 "Do not start frontswap self-shrinking at load (default: off)");
#else
/* core_param() with our ops: no "xen_selfballoon." prefix, as in 3.1 */
#define param_check_selfballoon_switch param_check_bool
core_param(selfballooning, selfballooning, selfballoon_switch, 0444);
core_param(noselfballooning, noselfballooning, selfballoon_switch, 0444);
core_param(noselfshrink, noselfshrink, selfballoon_switch, 0444);
#endif

#ifdef MODULE
/*
 * totalreserve_pages is not exported.  calculate_totalreserve_pages() keeps
 * the same sum per node in pglist_data.totalreserve_pages, and NODE_DATA()
 * reaches every node through the exported node_data (or contig_page_data).
 */
static unsigned long selfballoon_totalreserve_pages(void)
{
	unsigned long pages = 0;
	int nid;

	for_each_online_node(nid)
		pages += READ_ONCE(NODE_DATA(nid)->totalreserve_pages);
	return pages;
}

/*
 * max_pfn is not exported.  get_num_physpages() (the present pages of all
 * online nodes) is the closest exported measure of the guest's
 * pseudo-physical size; it leaves out the holes below max_pfn.
 */
static unsigned long selfballoon_max_pfn(void)
{
	return get_num_physpages();
}
#else
static unsigned long selfballoon_totalreserve_pages(void)
{
	return totalreserve_pages;
}

static unsigned long selfballoon_max_pfn(void)
{
	return max_pfn;
}
#endif

/*
 * Frontswap is gone from modern kernels.  Its successor is zswap: the
 * frontswap pages are zswap's stored pages, and a shrink from @cur_pages to
 * @target_pages writes the difference back to the swap device, least
 * recently stored first, freeing the pool's RAM for the balloon
 * (Documentation/xen-selfballoon.rst, "Frontswap self-shrinking").  Only a
 * built-in driver can: zswap exports nothing.
 */
#if !defined(MODULE) && IS_ENABLED(CONFIG_ZSWAP)
static unsigned long selfballoon_frontswap_pages(void)
{
	return atomic_read(&zswap_stored_pages);
}

static void selfballoon_frontswap_shrink(unsigned long cur_pages,
					 unsigned long target_pages)
{
	zswap_writeback_pages(cur_pages - target_pages);
}
#else
static unsigned long selfballoon_frontswap_pages(void)
{
	return 0;
}

static void selfballoon_frontswap_shrink(unsigned long cur_pages,
					 unsigned long target_pages)
{
}
#endif

/* Why frontswap self-shrinking cannot run here; NULL where it can. */
static const char *selfballoon_frontswap_missing(void)
{
#ifdef MODULE
	return "this kernel exports no way to read or shrink zswap";
#elif !IS_ENABLED(CONFIG_ZSWAP)
	return "this kernel is built without zswap (CONFIG_ZSWAP)";
#else
	if (!zswap_is_enabled())
		return "zswap is not enabled (zswap.enabled=0)";
	return NULL;
#endif
}

static bool selfballoon_frontswap_supported(void)
{
	return !selfballoon_frontswap_missing();
}

static unsigned long pages_to_kb(unsigned long pages)
{
	return pages << (PAGE_SHIFT - 10);
}

/* Express a totalram_pages() quantity in balloon_stats.current_pages terms. */
static unsigned long balloon_kb(const struct selfballoon_sample *s,
				unsigned long pages)
{
	return pages_to_kb(selfballoon_to_balloon_pages(pages,
							s->balloon_current_pages,
							s->totalram_pages));
}

/* a vm event summed over every CPU, as /proc/vmstat shows it */
static unsigned long selfballoon_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;
	int cpu;

	/* an offline CPU's events are folded into an online one's and zeroed */
	for_each_possible_cpu(cpu)
		sum += per_cpu(vm_event_states, cpu).event[item];
	return sum;
}

/*
 * Time tasks stalled on memory, microseconds: PSI's memory "some" total.
 * Only a built-in driver can read it: a module is given no PSI interface
 * (Documentation/xen-selfballoon.rst, "Module and in-tree builds").
 */
static u64 selfballoon_stall_us(void)
{
#if !defined(MODULE) && IS_ENABLED(CONFIG_PSI)
	if (static_branch_likely(&psi_disabled))
		return 0;
	return div_u64(READ_ONCE(psi_system.total[PSI_AVGS][PSI_MEM_SOME]),
		       NSEC_PER_USEC);
#else
	return 0;
#endif
}

static void selfballoon_read_sample(struct selfballoon *sb,
				    struct selfballoon_sample *s,
				    bool frontswap_on)
{
	struct selfballoon_pressure_counters *c = &s->counters;
	long available = si_mem_available();

	s->committed_pages = vm_memory_committed();
	s->totalram_pages = totalram_pages();
	s->balloon_current_pages = READ_ONCE(balloon_stats.current_pages);
	s->totalreserve_pages = selfballoon_totalreserve_pages();
	s->max_pfn = selfballoon_max_pfn();
	s->frontswap_pages = frontswap_on ? selfballoon_frontswap_pages() : 0;
	s->toolstack_target_pages = READ_ONCE(sb->toolstack_target_pages);
	s->available_pages = available > 0 ? available : 0;
	s->shmem_pages = global_node_page_state(NR_SHMEM);
	s->time_us = div_u64(ktime_get_ns(), NSEC_PER_USEC);
	c->refault_pages = global_node_page_state(WORKINGSET_REFAULT_ANON) +
			   global_node_page_state(WORKINGSET_REFAULT_FILE);
	c->swapin_pages = selfballoon_vm_event(PSWPIN);
	c->swapout_pages = selfballoon_vm_event(PSWPOUT);
	c->scan_pages = selfballoon_vm_event(PGSCAN_KSWAPD) +
			selfballoon_vm_event(PGSCAN_DIRECT);
	c->steal_pages = selfballoon_vm_event(PGSTEAL_KSWAPD) +
			 selfballoon_vm_event(PGSTEAL_DIRECT);
	c->stall_us = selfballoon_stall_us();
}

/* In the grace period after the switch-on, no tick cuts the target. */
static bool selfballoon_in_grace(struct selfballoon *sb)
{
	unsigned long grace = READ_ONCE(sb->tunables[SB_GRACE_S]) * HZ;

	return time_before(jiffies, READ_ONCE(sb->started) + grace);
}

static void selfballoon_tick(struct work_struct *work)
{
	struct selfballoon *sb = container_of(to_delayed_work(work),
					      struct selfballoon, work);
	bool balloon_on = READ_ONCE(sb->selfballooning);
	bool frontswap_on = READ_ONCE(sb->frontswap_selfshrinking);
	bool early = xchg(&sb->early_pending, false);
	enum selfballoon_policy policy = READ_ONCE(sb->policy);
	struct selfballoon_decision d = { };
	struct selfballoon_sample s;
	bool shrink = false;
	unsigned long frontswap_target = 0;
	u64 start = ktime_get_ns();

	/* a kick (early tick, toolstack watch) that raced a switch-off */
	if (!balloon_on && !frontswap_on)
		return;
	selfballoon_read_sample(sb, &s, frontswap_on);
	if (balloon_on) {
		struct selfballoon_params p = {
			.downhysteresis = READ_ONCE(sb->tunables[SB_DOWNHYSTERESIS]),
			.uphysteresis = READ_ONCE(sb->tunables[SB_UPHYSTERESIS]),
			.reserved_mb = READ_ONCE(sb->tunables[SB_RESERVED_MB]),
			.min_usable_mb = READ_ONCE(sb->tunables[SB_MIN_USABLE_MB]),
			.min_reserve_mb = READ_ONCE(sb->tunables[SB_MIN_RESERVE_MB]),
			.hold_cuts = selfballoon_in_grace(sb),
		};

		if (policy == SELFBALLOON_POLICY_PRESSURE) {
			if (xchg(&sb->pressure_reset, false))
				selfballoon_pressure_reset(&sb->pressure,
							   p.reserved_mb);
			p.early = early;
			selfballoon_pressure_decide(&s, &p, &sb->pressure, &d);
		} else {
			/* Linux 5.2's arithmetic; early, it may only raise */
			p.hold_cuts |= early;
			selfballoon_decide(&s, &p, &d);
		}
		balloon_set_new_target(d.balloon_target_pages);
		sb->touched_balloon = true;
	}
	if (frontswap_on && !early) {
		unsigned int inertia = READ_ONCE(sb->tunables[SB_FRONTSWAP_INERTIA]);

		if (xchg(&sb->frontswap_reset, false))
			frontswap_shrink_reset(&sb->frontswap, inertia);
		shrink = frontswap_shrink_decide(&sb->frontswap, s.frontswap_pages,
						 inertia,
						 READ_ONCE(sb->tunables[SB_FRONTSWAP_HYSTERESIS]),
						 &frontswap_target);
		if (shrink)
			selfballoon_frontswap_shrink(s.frontswap_pages,
						     frontswap_target);
	}

	trace_selfballoon_tick(&s, &d, policy, early, shrink, frontswap_target);

	spin_lock(&sb->stats_lock);
	sb->stats.ticks++;
	sb->stats.early_ticks += early;
	sb->stats.last_committed_kb = pages_to_kb(s.committed_pages);
	sb->stats.last_current_kb = pages_to_kb(s.balloon_current_pages);
	sb->stats.last_frontswap_kb = pages_to_kb(s.frontswap_pages);
	sb->stats.last_used_kb = pages_to_kb(s.totalram_pages -
					     min(s.available_pages,
						 s.totalram_pages));
	sb->stats.last_toolstack_target_kb =
		pages_to_kb(s.toolstack_target_pages);
	if (balloon_on) {
		sb->stats.target_raises += d.action == SELFBALLOON_RAISE;
		sb->stats.target_cuts += d.action == SELFBALLOON_CUT;
		sb->stats.floor_hits += d.floor_hit;
		sb->stats.pressure_ticks += !!d.pressure;
		sb->stats.last_goal_kb = balloon_kb(&s, d.goal_pages);
		sb->stats.last_floor_kb = balloon_kb(&s, d.floor_pages);
		sb->stats.last_target_kb = pages_to_kb(d.balloon_target_pages);
		sb->stats.last_reserve_kb = pages_to_kb(d.reserve_pages);
	}
	sb->stats.frontswap_shrinks += shrink;
	sb->stats.last_tick_us = div_u64(ktime_get_ns() - start, NSEC_PER_USEC);
	spin_unlock(&sb->stats_lock);

	WRITE_ONCE(sb->tick_base, jiffies);
	queue_delayed_work(system_freezable_wq, &sb->work,
			   READ_ONCE(sb->tunables[SB_INTERVAL_S]) * HZ);
}

/*
 * Hand the balloon back to the toolstack: set the target dom0 last wrote to
 * memory/target in xenstore, as the balloon driver's own watch would have.
 */
static void selfballoon_restore_target(struct selfballoon *sb)
{
	unsigned long long target_kb;

	if (!sb->touched_balloon)
		return;
	sb->touched_balloon = false;
	if (xenbus_scanf(XBT_NIL, "memory", "target", "%llu", &target_kb) != 1) {
		pr_warn("cannot read memory/target; balloon target left at %lu kB\n",
			pages_to_kb(READ_ONCE(balloon_stats.target_pages)));
		return;
	}
	balloon_set_new_target(target_kb >> (PAGE_SHIFT - 10));
}

/*
 * Start or stop the worker to match the switches: the next tick one
 * interval from now.  Called under sb->lock.
 */
static void selfballoon_update_worker(struct selfballoon *sb)
{
	lockdep_assert_held(&sb->lock);
	if (sb->selfballooning || sb->frontswap_selfshrinking) {
		WRITE_ONCE(sb->tick_base, jiffies);
		mod_delayed_work(system_freezable_wq, &sb->work,
				 sb->tunables[SB_INTERVAL_S] * HZ);
	} else {
		cancel_delayed_work_sync(&sb->work);
	}
}

/*
 * A new interval: the pending tick moves to one new interval after the
 * time its delay counts from (the last tick, or the start), or to now if
 * that has passed.  Writes that change the interval cannot hold the ticks
 * off: the ticks stay at most the longest interval written apart.  Called
 * under sb->lock, with the worker running.
 */
static void selfballoon_move_tick(struct selfballoon *sb)
{
	unsigned long due = READ_ONCE(sb->tick_base) +
			    sb->tunables[SB_INTERVAL_S] * HZ;

	lockdep_assert_held(&sb->lock);
	mod_delayed_work(system_freezable_wq, &sb->work,
			 time_after(due, jiffies) ? due - jiffies : 0);
}

/**
 * selfballoon_set_selfballooning() - switch selfballooning on or off
 * @sb: the driver state.
 * @on: the new state.
 *
 * Switching on starts the worker (first tick one interval later) and the
 * grace period (selfballoon_grace_s).  Writing the state already in force
 * changes nothing.  Switching off stops it (unless frontswap
 * self-shrinking still needs it) and hands the balloon target back to the
 * toolstack's memory/target.
 *
 * Return: 0, or -EBUSY when switching on while the system goes down
 * (after the reboot notifier).
 */
int selfballoon_set_selfballooning(struct selfballoon *sb, bool on)
{
	int err = 0;

	mutex_lock(&sb->lock);
	if (sb->selfballooning == on)
		goto out;
	if (on && sb->stopped) {
		err = -EBUSY;
		goto out;
	}
	if (!on) {
		WRITE_ONCE(sb->selfballooning, false);
		/* no tick may set a target after the hand-back */
		cancel_delayed_work_sync(&sb->work);
		selfballoon_restore_target(sb);
	} else {
		WRITE_ONCE(sb->started, jiffies);
	}
	WRITE_ONCE(sb->selfballooning, on);
	selfballoon_update_worker(sb);
out:
	mutex_unlock(&sb->lock);
	return err;
}

/**
 * selfballoon_set_early_ticks() - switch the early ticks on or off
 * @sb: the driver state.
 * @on: the new state.
 *
 * With early ticks on (the default), reclaim starting in the guest runs a
 * tick at once that may raise the target but not cut it; off, ticks run
 * only every selfballoon_interval seconds, as in Linux 5.2.  Takes effect
 * at the next reclaim.
 *
 * Return: 0.
 */
int selfballoon_set_early_ticks(struct selfballoon *sb, bool on)
{
	mutex_lock(&sb->lock);
	WRITE_ONCE(sb->early_ticks, on);
	mutex_unlock(&sb->lock);
	return 0;
}

/**
 * selfballoon_set_policy() - choose the policy the ticks follow
 * @sb: the driver state.
 * @policy: the new policy.
 *
 * The next tick follows @policy; the pending tick is not moved.  A switch
 * to the pressure policy restarts it (its reserve back at
 * selfballoon_reserved_mb, see selfballoon_pressure_reset()).  Either
 * way the floor and the limits apply from the next tick on, as always.
 *
 * Return: 0, or -EINVAL for an unknown @policy.
 */
int selfballoon_set_policy(struct selfballoon *sb, enum selfballoon_policy policy)
{
	if (policy >= SELFBALLOON_NR_POLICIES)
		return -EINVAL;
	mutex_lock(&sb->lock);
	if (sb->policy != policy) {
		if (policy == SELFBALLOON_POLICY_PRESSURE)
			WRITE_ONCE(sb->pressure_reset, true);
		WRITE_ONCE(sb->policy, policy);
	}
	mutex_unlock(&sb->lock);
	return 0;
}

/**
 * selfballoon_set_frontswap_selfshrinking() - switch self-shrinking
 * @sb: the driver state.
 * @on: the new state.
 *
 * Switching on restarts the inertia countdown and starts the worker if
 * selfballooning has not.  Writing the state already in force changes
 * nothing.
 *
 * Return: 0, or -EOPNOTSUPP when switching on where the kernel gives this
 * driver no way to measure or shrink frontswap (zswap): a module, a
 * kernel without CONFIG_ZSWAP, or zswap not enabled.  The state is then
 * unchanged and one line says why, once.  -EBUSY when switching on while
 * the system goes down.
 */
int selfballoon_set_frontswap_selfshrinking(struct selfballoon *sb, bool on)
{
	int err = 0;

	if (on && !selfballoon_frontswap_supported()) {
		pr_notice_once("frontswap self-shrinking unavailable: %s\n",
			       selfballoon_frontswap_missing());
		return -EOPNOTSUPP;
	}
	mutex_lock(&sb->lock);
	if (on && sb->stopped && !sb->frontswap_selfshrinking) {
		err = -EBUSY;
	} else if (sb->frontswap_selfshrinking != on) {
		WRITE_ONCE(sb->frontswap_reset, on);
		WRITE_ONCE(sb->frontswap_selfshrinking, on);
		selfballoon_update_worker(sb);
	}
	mutex_unlock(&sb->lock);
	return err;
}

/**
 * selfballoon_set_tunable() - put a new tunable value in force
 * @sb: the driver state.
 * @id: the tunable.
 * @val: the value, already range-checked by selfballoon_parse_tunable().
 *
 * 0 written to selfballoon_reserved_mb restores the automatic reserve, 0
 * written to selfballoon_min_reserve_mb the automatic least reserve.  A
 * new selfballoon_interval applies at once: the next tick runs @val seconds
 * after the last tick (or after the switch-on, if none has run since), at
 * once if that time has passed; the interval in force written again leaves
 * the pending tick alone.  No sequence of writes holds the ticks off longer
 * than the longest interval written.  A new frontswap_inertia restarts the
 * countdown.  A new selfballoon_grace_s applies at once, counted from
 * the switch-on.
 *
 * Return: 0, or -EINVAL for an unknown @id.
 */
int selfballoon_set_tunable(struct selfballoon *sb,
			    enum selfballoon_tunable id, unsigned int val)
{
	bool changed;

	if (id >= SB_NR_TUNABLES)
		return -EINVAL;
	if (id == SB_RESERVED_MB && !val)
		val = sb->auto_reserved_mb;
	if (id == SB_MIN_RESERVE_MB && !val)
		val = sb->auto_min_reserve_mb;

	mutex_lock(&sb->lock);
	/* the value in force again: the pending tick stays where it is */
	changed = sb->tunables[id] != val;
	WRITE_ONCE(sb->tunables[id], val);
	if (id == SB_INTERVAL_S && changed &&
	    (sb->selfballooning || sb->frontswap_selfshrinking))
		selfballoon_move_tick(sb);
	if (id == SB_FRONTSWAP_INERTIA)
		WRITE_ONCE(sb->frontswap_reset, true);
	mutex_unlock(&sb->lock);
	return 0;
}

/*
 * Xen without tmem (all versions since 4.13) answers the tmem hypercall with
 * -ENOSYS, one built with tmem but not running it with -ENODEV, and XSM may
 * say -EPERM.  Only a hypervisor whose tmem would serve us gets as far as
 * reading the operation, and answers a NULL one with -EFAULT: the probe
 * creates nothing.
 */
static bool selfballoon_tmem_present(void)
{
	return _hypercall1(int, tmem_op, NULL) == -EFAULT;
}

/*
 * Out of memory between two ticks.  A burst faster than the ticks can use up
 * the free memory of a guest ballooned down while the balloon still holds
 * pages the guest may have back; the next tick would raise the target, but
 * the OOM killer comes first.  out_of_memory() asks its notifiers before it
 * picks a victim: raise the balloon target to max_pfn, or to the
 * toolstack's target if that is lower (the balloon driver
 * gives back the pages it holds and hot-adds the rest, as far as Xen lets
 * it), wait for it to bring in a batch, and report the pages that came
 * back, so that the allocation is retried instead.  The ticks that follow
 * step the target down toward the goal.
 *
 * Nothing here may wait for sb->lock: its holders allocate memory
 * (selfballoon_restore_target()).  A trylock keeps a switch-off or unload in
 * progress from racing the raise; we then let the OOM killer be.
 */
#define SELFBALLOON_OOM_WAIT_MS		1000
#define SELFBALLOON_OOM_POLL_MS		10
/* a batch of the balloon driver: one page of frame numbers */
#define SELFBALLOON_OOM_BATCH		(PAGE_SIZE / sizeof(xen_pfn_t))

static int selfballoon_oom_notify(struct notifier_block *nb,
				  unsigned long unused, void *parm)
{
	struct selfballoon *sb = &selfballoon;
	unsigned long *freed = parm;
	unsigned long before, target, grown, deadline, limit, toolstack;

	if (!mutex_trylock(&sb->lock))
		return NOTIFY_OK;
	if (!sb->selfballooning)
		goto out;
	/* as far as the toolstack's target and max_pfn allow */
	limit = selfballoon_max_pfn();
	toolstack = READ_ONCE(sb->toolstack_target_pages);
	if (toolstack && toolstack < limit)
		limit = toolstack;
	target = max(READ_ONCE(balloon_stats.current_pages), limit);
	before = totalram_pages();
	if (target > READ_ONCE(balloon_stats.target_pages)) {
		balloon_set_new_target(target);
		sb->touched_balloon = true;
		pr_info_ratelimited("out of memory: balloon target raised to %lu kB\n",
				    pages_to_kb(target));
	}
	/* a deadline: msleep() rounds each poll up to whole jiffies */
	deadline = jiffies + msecs_to_jiffies(SELFBALLOON_OOM_WAIT_MS);
	while (totalram_pages() < before + SELFBALLOON_OOM_BATCH &&
	       READ_ONCE(balloon_stats.current_pages) <
	       READ_ONCE(balloon_stats.target_pages) &&
	       time_before(jiffies, deadline))
		msleep(SELFBALLOON_OOM_POLL_MS);
	grown = totalram_pages();
	if (grown > before)
		*freed += grown - before;
out:
	mutex_unlock(&sb->lock);
	return NOTIFY_OK;
}

static struct notifier_block selfballoon_oom_nb = {
	.notifier_call = selfballoon_oom_notify,
};

/*
 * The toolstack's target.  xl mem-set writes memory/target (and sets Xen's
 * limit a little above it); the balloon driver's own watch then makes it
 * the balloon target.  The driver keeps its target at or below it from the
 * next tick on, and runs that tick soon after the change (when the balloon
 * driver's watch has had its turn), so that a raised toolstack target does
 * not have the balloon chase it until the next regular tick.
 */
#define SELFBALLOON_TOOLSTACK_DELAY	(HZ / 10)

static void selfballoon_toolstack_target_changed(struct xenbus_watch *watch,
						 const char *path,
						 const char *token)
{
	struct selfballoon *sb = container_of(watch, struct selfballoon,
					      target_watch);
	unsigned long long target_kb;

	if (xenbus_scanf(XBT_NIL, "memory", "target", "%llu", &target_kb) != 1)
		return;
	WRITE_ONCE(sb->toolstack_target_pages, target_kb >> (PAGE_SHIFT - 10));
	/* only a running worker: not before the start, not after a stop */
	if (READ_ONCE(sb->selfballooning) && delayed_work_pending(&sb->work))
		mod_delayed_work(system_freezable_wq, &sb->work,
				 SELFBALLOON_TOOLSTACK_DELAY);
}

/* Watch memory/target once xenstore is up (at once if it is already). */
static int selfballoon_xenstore_ready(struct notifier_block *nb,
				      unsigned long event, void *data)
{
	struct selfballoon *sb = &selfballoon;
	int err;

	sb->target_watch.node = "memory/target";
	sb->target_watch.callback = selfballoon_toolstack_target_changed;
	err = register_xenbus_watch(&sb->target_watch);
	if (err) {
		sb->target_watch.node = NULL;
		pr_warn("cannot watch memory/target (%d): the toolstack's target is not a limit\n",
			err);
	}
	return NOTIFY_DONE;
}

static struct notifier_block selfballoon_xenstore_nb = {
	.notifier_call = selfballoon_xenstore_ready,
};

/*
 * The early tick.  Reclaim asks every shrinker how much it could free
 * before it scans: kswapd when free memory falls below the low watermark,
 * a task in direct reclaim when it is exhausted.  That is the moment to
 * raise the target, not one interval later: ask for a tick now, at most one
 * every SELFBALLOON_EARLY_GAP, and free nothing.  An early tick raises the
 * target or holds it, under either policy (hold_cuts; for the pressure
 * policy see selfballoon_pressure_decide()).
 * Reclaim of a memory cgroup below its limit does not ask this shrinker
 * (it is not memcg-aware): only the guest's own shortage counts.
 */
#define SELFBALLOON_EARLY_GAP	(HZ / 5)

static unsigned long selfballoon_reclaim_count(struct shrinker *shrinker,
					       struct shrink_control *sc)
{
	struct selfballoon *sb = &selfballoon;
	unsigned long now = jiffies;
	unsigned long last = READ_ONCE(sb->early_kicked);

	if (!READ_ONCE(sb->early_ticks) || !READ_ONCE(sb->selfballooning) ||
	    time_before(now, last + SELFBALLOON_EARLY_GAP))
		return 0;
	/* one caller of the many a reclaim pass makes */
	if (cmpxchg(&sb->early_kicked, last, now) != last)
		return 0;
	WRITE_ONCE(sb->early_pending, true);
	mod_delayed_work(system_freezable_wq, &sb->work, 0);
	return 0;
}

static unsigned long selfballoon_reclaim_scan(struct shrinker *shrinker,
					      struct shrink_control *sc)
{
	return SHRINK_STOP;
}

/*
 * XSB_OLD_SHRINKER_API: an out-of-tree build for a kernel before Linux 6.7
 * (Debian's 6.1), which has register_shrinker() instead of
 * shrinker_alloc() (./Makefile defines it; the in-tree series leaves it
 * out).
 */
static int selfballoon_register_shrinker(struct selfballoon *sb)
{
#ifdef XSB_OLD_SHRINKER_API
	sb->shrinker.count_objects = selfballoon_reclaim_count;
	sb->shrinker.scan_objects = selfballoon_reclaim_scan;
	sb->shrinker.seeks = DEFAULT_SEEKS;
	return register_shrinker(&sb->shrinker, "xen-selfballoon");
#else
	sb->shrinker = shrinker_alloc(0, "xen-selfballoon");
	if (!sb->shrinker)
		return -ENOMEM;
	sb->shrinker->count_objects = selfballoon_reclaim_count;
	sb->shrinker->scan_objects = selfballoon_reclaim_scan;
	shrinker_register(sb->shrinker);
	return 0;
#endif
}

static void selfballoon_unregister_shrinker(struct selfballoon *sb)
{
#ifdef XSB_OLD_SHRINKER_API
	unregister_shrinker(&sb->shrinker);
#else
	shrinker_free(sb->shrinker);
#endif
}

/*
 * Reboot, power off, halt and kexec: stop ticking and hand the target back
 * to the toolstack before the devices shut down, so that nothing balloons
 * the guest while it goes down and the next kernel (kexec) starts from the
 * toolstack's size.  Nothing switches the worker on again after this.
 */
static int selfballoon_reboot_notify(struct notifier_block *nb,
				     unsigned long action, void *unused)
{
	struct selfballoon *sb = &selfballoon;
	bool was_on;

	mutex_lock(&sb->lock);
	sb->stopped = true;
	was_on = sb->selfballooning || sb->frontswap_selfshrinking;
	WRITE_ONCE(sb->selfballooning, false);
	WRITE_ONCE(sb->frontswap_selfshrinking, false);
	cancel_delayed_work_sync(&sb->work);
	selfballoon_restore_target(sb);
	mutex_unlock(&sb->lock);
	if (was_on)
		pr_info("stopped for %s: no more ticks, balloon target handed back\n",
			action == SYS_POWER_OFF ? "power off" :
			action == SYS_HALT ? "halt" : "restart");
	return NOTIFY_DONE;
}

static struct notifier_block selfballoon_reboot_nb = {
	.notifier_call = selfballoon_reboot_notify,
};

/* The hooks, in the order they go in; out in the reverse order. */
static void selfballoon_unhook(struct selfballoon *sb)
{
	unregister_reboot_notifier(&selfballoon_reboot_nb);
	selfballoon_unregister_shrinker(sb);
	unregister_xenstore_notifier(&selfballoon_xenstore_nb);
	if (sb->target_watch.node)
		unregister_xenbus_watch(&sb->target_watch);
	/* waits for a notifier call in progress */
	unregister_oom_notifier(&selfballoon_oom_nb);
}

static int selfballoon_hook(struct selfballoon *sb)
{
	int err;

	err = register_oom_notifier(&selfballoon_oom_nb);
	if (err) {
		pr_err("cannot register the OOM notifier: %d\n", err);
		return err;
	}
	err = register_xenstore_notifier(&selfballoon_xenstore_nb);
	if (err) {
		pr_err("cannot register the xenstore notifier: %d\n", err);
		goto out_oom;
	}
	err = selfballoon_register_shrinker(sb);
	if (err) {
		pr_err("cannot register the shrinker: %d\n", err);
		goto out_xenstore;
	}
	err = register_reboot_notifier(&selfballoon_reboot_nb);
	if (err) {
		pr_err("cannot register the reboot notifier: %d\n", err);
		goto out_shrinker;
	}
	return 0;

out_shrinker:
	selfballoon_unregister_shrinker(sb);
out_xenstore:
	unregister_xenstore_notifier(&selfballoon_xenstore_nb);
	if (sb->target_watch.node)
		unregister_xenbus_watch(&sb->target_watch);
out_oom:
	unregister_oom_notifier(&selfballoon_oom_nb);
	return err;
}

static int selfballoon_start(struct device *dev)
{
	struct selfballoon *sb = &selfballoon;
	bool tmem = selfballoon_tmem_present();
	int i, err;

	for (i = 0; i < SB_NR_TUNABLES; i++)
		sb->tunables[i] = selfballoon_tunables[i].def;
	sb->auto_reserved_mb = selfballoon_auto_reserved_mb(totalram_pages());
	sb->tunables[SB_RESERVED_MB] = sb->auto_reserved_mb;
	sb->auto_min_reserve_mb = selfballoon_auto_min_reserve_mb(totalram_pages());
	sb->tunables[SB_MIN_RESERVE_MB] = sb->auto_min_reserve_mb;
	INIT_DELAYED_WORK(&sb->work, selfballoon_tick);
	sb->dev = dev;
	sb->early_kicked = jiffies - SELFBALLOON_EARLY_GAP;

	/* the switches are in place before a store can see them */
	mutex_lock(&sb->lock);
	sb->policy = SELFBALLOON_POLICY_COMMITTED;
	sb->early_ticks = true;
	sb->selfballooning = !noselfballooning && (selfballooning || tmem);
	sb->started = jiffies;
	/* it serves the balloon: it starts where selfballooning does */
	sb->frontswap_selfshrinking = !noselfshrink && sb->selfballooning &&
				      selfballoon_frontswap_supported();
	frontswap_shrink_reset(&sb->frontswap,
			       sb->tunables[SB_FRONTSWAP_INERTIA]);
	selfballoon_pressure_reset(&sb->pressure,
				   sb->tunables[SB_RESERVED_MB]);
	mutex_unlock(&sb->lock);

	/* the hooks first: a store can start the worker once the group is up */
	err = selfballoon_hook(sb);
	if (err)
		return err;
	err = sysfs_create_group(&dev->kobj, &selfballoon_group);
	if (err) {
		pr_err("cannot create the sysfs group: %d\n", err);
		selfballoon_unhook(sb);
		mutex_lock(&sb->lock);
		selfballoon_restore_target(sb);
		mutex_unlock(&sb->lock);
		return err;
	}

	mutex_lock(&sb->lock);
	selfballoon_update_worker(sb);
	pr_info("selfballooning %s, frontswap self-shrinking %s (tmem %s, reserve %u MiB, policy %s)\n",
		str_on_off(sb->selfballooning),
		str_on_off(sb->frontswap_selfshrinking),
		tmem ? "present" : "absent", sb->auto_reserved_mb,
		selfballoon_policy_names[sb->policy]);
	mutex_unlock(&sb->lock);
	return 0;
}

static int selfballoon_check_domain(void)
{
	if (!xen_domain()) {
		pr_err("not running on Xen; refusing to load\n");
		return -ENODEV;
	}
	if (xen_initial_domain()) {
		pr_notice("selfballooning is for guests; refusing to run in dom0\n");
		return -ENODEV;
	}
	return 0;
}

#ifdef MODULE
/*
 * xen-balloon.c keeps its xen_memory0 device to itself.  Every registered
 * device is in the (unexported) devices_kset, which any device's kobj.kset
 * points to: look xen_memory0 up there with the exported kset_find_obj(),
 * and check that it sits on the "xen_memory" bus before trusting it.
 */
static struct device *selfballoon_find_xen_memory0(void)
{
	struct device *cpu = get_cpu_device(0);
	struct kobject *kobj;
	struct device *dev;

	if (!cpu || !cpu->kobj.kset)
		return NULL;
	kobj = kset_find_obj(cpu->kobj.kset, "xen_memory0");
	if (!kobj)
		return NULL;
	dev = kobj_to_dev(kobj);
	if (!dev->bus || strcmp(dev->bus->name, "xen_memory")) {
		kobject_put(kobj);
		return NULL;
	}
	return dev;
}

static int __init selfballoon_module_init(void)
{
	struct device *dev;
	int err;

	err = selfballoon_check_domain();
	if (err)
		return err;
	dev = selfballoon_find_xen_memory0();
	if (!dev) {
		pr_err("no xen_memory0 device: is the Xen balloon driver running?\n");
		return -ENODEV;
	}
	err = selfballoon_start(dev);
	if (err)
		put_device(dev);
	return err;
}
module_init(selfballoon_module_init);

static void __exit selfballoon_module_exit(void)
{
	struct selfballoon *sb = &selfballoon;

	/* no notifier, watch or shrinker call runs after this */
	selfballoon_unhook(sb);
	/* no store runs after this, so nothing restarts the worker */
	sysfs_remove_group(&sb->dev->kobj, &selfballoon_group);
	mutex_lock(&sb->lock);
	WRITE_ONCE(sb->selfballooning, false);
	WRITE_ONCE(sb->frontswap_selfshrinking, false);
	cancel_delayed_work_sync(&sb->work);
	selfballoon_restore_target(sb);
	mutex_unlock(&sb->lock);
	put_device(sb->dev);
}
module_exit(selfballoon_module_exit);
#else
/**
 * register_xen_selfballooning() - attach selfballooning to xen_memory0
 * @dev: the balloon driver's xen_memory0 device.
 *
 * Called by xen-balloon.c once it has registered its device, as in Linux
 * 3.1 to 5.2.  Creates the "selfballoon" sysfs group and starts the worker
 * if the boot options and the hypervisor say so.
 *
 * Return: 0, -ENODEV in dom0 or outside Xen, or the sysfs error.
 */
int register_xen_selfballooning(struct device *dev)
{
	int err = selfballoon_check_domain();

	return err ? err : selfballoon_start(dev);
}
#endif

MODULE_DESCRIPTION("Xen selfballooning: balloon a guest toward its Committed_AS");
MODULE_AUTHOR("Dan Magenheimer (original driver)");
MODULE_AUTHOR("xen-selfballoon developers (modern port)");
MODULE_LICENSE("GPL");
