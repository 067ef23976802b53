/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/gfp_types.h>: GFP_KERNEL, for kunit_kzalloc().
 * Userspace allocations take no flags; the value is only passed along (as
 * an unsigned int: the kernel's gfp_t is one, with sparse's __bitwise).
 */
#ifndef _XSB_TOOLS_LINUX_GFP_TYPES_H
#define _XSB_TOOLS_LINUX_GFP_TYPES_H

#define GFP_KERNEL	0xcc0U

#endif /* _XSB_TOOLS_LINUX_GFP_TYPES_H */
