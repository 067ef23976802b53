/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/types.h>: bool, size_t, the <stdint.h> types
 * and BITS_PER_LONG (which the kernel's <linux/types.h> brings in through
 * <asm/bitsperlong.h>).  u8 to u64 are not used by the policy and not
 * provided.
 *
 * The UAPI header of the same name comes first (#include_next), so that a
 * C library header that includes <linux/types.h> still finds __u32 & co.
 */
#ifndef _XSB_TOOLS_LINUX_TYPES_H
#define _XSB_TOOLS_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BITS_PER_LONG	(__CHAR_BIT__ * __SIZEOF_LONG__)

typedef uint64_t u64;

#endif /* _XSB_TOOLS_LINUX_TYPES_H */
