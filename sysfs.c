// SPDX-License-Identifier: GPL-2.0
/*
 * Xen selfballoon driver: the "selfballoon" sysfs group on xen_memory0,
 * /sys/devices/system/xen_memory/xen_memory0/selfballoon/.
 *
 * Each writable attribute is one switch or tunable, mode 0644, writes need
 * CAP_SYS_ADMIN.  A write that does not parse, does not fit or is out of
 * range fails (-EINVAL or -ERANGE) and leaves the value in force; the rules
 * are in selfballoon_parse_tunable(), selfballoon_parse_bool() and
 * selfballoon_parse_policy().  The
 * read-only attributes report what the controller did.  Every file is
 * described in Documentation/ABI/testing/sysfs-devices-system-xen_memory-selfballoon.
 */

#define pr_fmt(fmt) "xen:selfballoon: " fmt

#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "xen-selfballoon.h"

/*
 * The switches: selfballooning, frontswap_selfshrinking and
 * selfballoon_early_ticks.
 */
static ssize_t selfballooning_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(selfballoon.selfballooning));
}

static ssize_t selfballooning_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	bool on;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = selfballoon_parse_bool(buf, &on);
	if (!err)
		err = selfballoon_set_selfballooning(&selfballoon, on);
	return err ? err : count;
}
static DEVICE_ATTR_RW(selfballooning);

static ssize_t frontswap_selfshrinking_show(struct device *dev,
					    struct device_attribute *attr,
					    char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(selfballoon.frontswap_selfshrinking));
}

static ssize_t frontswap_selfshrinking_store(struct device *dev,
					     struct device_attribute *attr,
					     const char *buf, size_t count)
{
	bool on;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = selfballoon_parse_bool(buf, &on);
	if (!err)
		err = selfballoon_set_frontswap_selfshrinking(&selfballoon, on);
	return err ? err : count;
}
static DEVICE_ATTR_RW(frontswap_selfshrinking);

static ssize_t selfballoon_early_ticks_show(struct device *dev,
					    struct device_attribute *attr,
					    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(selfballoon.early_ticks));
}

static ssize_t selfballoon_early_ticks_store(struct device *dev,
					     struct device_attribute *attr,
					     const char *buf, size_t count)
{
	bool on;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = selfballoon_parse_bool(buf, &on);
	if (!err)
		err = selfballoon_set_early_ticks(&selfballoon, on);
	return err ? err : count;
}
static DEVICE_ATTR_RW(selfballoon_early_ticks);

/*
 * The policy: "committed" (Linux 5.2's) or "pressure".
 */
static ssize_t selfballoon_policy_show(struct device *dev,
				       struct device_attribute *attr,
				       char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  selfballoon_policy_names[READ_ONCE(selfballoon.policy)]);
}

static ssize_t selfballoon_policy_store(struct device *dev,
					struct device_attribute *attr,
					const char *buf, size_t count)
{
	enum selfballoon_policy policy;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = selfballoon_parse_policy(buf, &policy);
	if (!err)
		err = selfballoon_set_policy(&selfballoon, policy);
	return err ? err : count;
}
static DEVICE_ATTR_RW(selfballoon_policy);

/*
 * The numeric tunables share one show and one store; the attribute carries
 * the tunable's index into selfballoon.tunables and selfballoon_tunables[].
 */
struct selfballoon_tunable_attribute {
	struct device_attribute attr;
	enum selfballoon_tunable id;
};

static enum selfballoon_tunable to_tunable(struct device_attribute *attr)
{
	return container_of(attr, struct selfballoon_tunable_attribute,
			    attr)->id;
}

static ssize_t tunable_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(selfballoon.tunables[to_tunable(attr)]));
}

static ssize_t tunable_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	enum selfballoon_tunable id = to_tunable(attr);
	unsigned int val;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	err = selfballoon_parse_tunable(id, buf, &val);
	if (!err)
		err = selfballoon_set_tunable(&selfballoon, id, val);
	return err ? err : count;
}

#define SELFBALLOON_TUNABLE_ATTR(_name, _id)				\
	static struct selfballoon_tunable_attribute tunable_attr_##_name = { \
		.attr = __ATTR(_name, 0644, tunable_show, tunable_store), \
		.id = _id,						\
	}

SELFBALLOON_TUNABLE_ATTR(selfballoon_interval, SB_INTERVAL_S);
SELFBALLOON_TUNABLE_ATTR(selfballoon_downhysteresis, SB_DOWNHYSTERESIS);
SELFBALLOON_TUNABLE_ATTR(selfballoon_uphysteresis, SB_UPHYSTERESIS);
SELFBALLOON_TUNABLE_ATTR(selfballoon_min_usable_mb, SB_MIN_USABLE_MB);
SELFBALLOON_TUNABLE_ATTR(selfballoon_reserved_mb, SB_RESERVED_MB);
SELFBALLOON_TUNABLE_ATTR(frontswap_hysteresis, SB_FRONTSWAP_HYSTERESIS);
SELFBALLOON_TUNABLE_ATTR(frontswap_inertia, SB_FRONTSWAP_INERTIA);
SELFBALLOON_TUNABLE_ATTR(selfballoon_grace_s, SB_GRACE_S);
SELFBALLOON_TUNABLE_ATTR(selfballoon_min_reserve_mb, SB_MIN_RESERVE_MB);

/*
 * The read-only statistics share one show; the attribute carries the
 * field's offset in struct selfballoon_stats.
 */
struct selfballoon_stat_attribute {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t stat_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	size_t offset = container_of(attr, struct selfballoon_stat_attribute,
				     attr)->offset;
	unsigned long val;

	spin_lock(&selfballoon.stats_lock);
	val = *(unsigned long *)((char *)&selfballoon.stats + offset);
	spin_unlock(&selfballoon.stats_lock);
	return sysfs_emit(buf, "%lu\n", val);
}

#define SELFBALLOON_STAT_ATTR(_field)					\
	static struct selfballoon_stat_attribute stat_attr_##_field = {	\
		.attr = {						\
			.attr = { .name = __stringify(_field), .mode = 0444 }, \
			.show = stat_show,				\
		},							\
		.offset = offsetof(struct selfballoon_stats, _field),	\
	}

SELFBALLOON_STAT_ATTR(ticks);
SELFBALLOON_STAT_ATTR(target_raises);
SELFBALLOON_STAT_ATTR(target_cuts);
SELFBALLOON_STAT_ATTR(floor_hits);
SELFBALLOON_STAT_ATTR(frontswap_shrinks);
SELFBALLOON_STAT_ATTR(last_tick_us);
SELFBALLOON_STAT_ATTR(last_committed_kb);
SELFBALLOON_STAT_ATTR(last_current_kb);
SELFBALLOON_STAT_ATTR(last_goal_kb);
SELFBALLOON_STAT_ATTR(last_floor_kb);
SELFBALLOON_STAT_ATTR(last_target_kb);
SELFBALLOON_STAT_ATTR(last_frontswap_kb);
SELFBALLOON_STAT_ATTR(pressure_ticks);
SELFBALLOON_STAT_ATTR(early_ticks);
SELFBALLOON_STAT_ATTR(last_used_kb);
SELFBALLOON_STAT_ATTR(last_reserve_kb);
SELFBALLOON_STAT_ATTR(last_toolstack_target_kb);

static struct attribute *selfballoon_attrs[] = {
	&dev_attr_selfballooning.attr,
	&tunable_attr_selfballoon_interval.attr.attr,
	&tunable_attr_selfballoon_downhysteresis.attr.attr,
	&tunable_attr_selfballoon_uphysteresis.attr.attr,
	&tunable_attr_selfballoon_min_usable_mb.attr.attr,
	&tunable_attr_selfballoon_reserved_mb.attr.attr,
	&tunable_attr_selfballoon_grace_s.attr.attr,
	&dev_attr_selfballoon_policy.attr,
	&dev_attr_selfballoon_early_ticks.attr,
	&tunable_attr_selfballoon_min_reserve_mb.attr.attr,
	&dev_attr_frontswap_selfshrinking.attr,
	&tunable_attr_frontswap_hysteresis.attr.attr,
	&tunable_attr_frontswap_inertia.attr.attr,
	&stat_attr_ticks.attr.attr,
	&stat_attr_target_raises.attr.attr,
	&stat_attr_target_cuts.attr.attr,
	&stat_attr_floor_hits.attr.attr,
	&stat_attr_frontswap_shrinks.attr.attr,
	&stat_attr_last_tick_us.attr.attr,
	&stat_attr_last_committed_kb.attr.attr,
	&stat_attr_last_current_kb.attr.attr,
	&stat_attr_last_goal_kb.attr.attr,
	&stat_attr_last_floor_kb.attr.attr,
	&stat_attr_last_target_kb.attr.attr,
	&stat_attr_last_frontswap_kb.attr.attr,
	&stat_attr_pressure_ticks.attr.attr,
	&stat_attr_early_ticks.attr.attr,
	&stat_attr_last_used_kb.attr.attr,
	&stat_attr_last_reserve_kb.attr.attr,
	&stat_attr_last_toolstack_target_kb.attr.attr,
	NULL
};

/* The group xen_memory0 carries: .../xen_memory0/selfballoon/. */
const struct attribute_group selfballoon_group = {
	.name = "selfballoon",
	.attrs = selfballoon_attrs,
};
