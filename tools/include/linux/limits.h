/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/limits.h>: INT_MAX, UINT_MAX, ULONG_MAX and
 * ULLONG_MAX, from the C library's <limits.h>.
 *
 * The UAPI header of the same name (PATH_MAX, ...) comes first
 * (#include_next): the C library's <limits.h> includes <linux/limits.h>
 * and expects to find it.
 */
#ifndef _XSB_TOOLS_LINUX_LIMITS_H
#define _XSB_TOOLS_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <limits.h>

#endif /* _XSB_TOOLS_LINUX_LIMITS_H */
