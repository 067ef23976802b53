/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/kernel.h>: what the policy files and their KUnit
 * suites take from it, directly or through the headers it includes in the
 * kernel: the types, the limits, min()/max(), kstrtouint(), ARRAY_SIZE()
 * and snprintf().
 */
#ifndef _XSB_TOOLS_LINUX_KERNEL_H
#define _XSB_TOOLS_LINUX_KERNEL_H

#include <stdio.h>		/* snprintf(), <linux/sprintf.h> in the kernel */
#include <linux/compiler.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/types.h>

#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]) + __must_be_array(arr))

#endif /* _XSB_TOOLS_LINUX_KERNEL_H */
