/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/minmax.h>: min(), max(), min_t(), max_t().
 *
 * min() and max() evaluate each argument once and, like Linux 6.1's, insist
 * that both have the same type: "comparison of distinct pointer types" is a
 * warning (an error with -Werror) where 6.1 would warn too.  6.12 is more
 * lenient (same signedness is enough); code that passes here builds on both.
 * The temporaries have names no caller uses (the kernel makes them unique).
 */
#ifndef _XSB_TOOLS_LINUX_MINMAX_H
#define _XSB_TOOLS_LINUX_MINMAX_H

#define __xsb_cmp(x, y, op) ({						\
	typeof(x) __xsb_cmp_x = (x);					\
	typeof(y) __xsb_cmp_y = (y);					\
	(void)(&__xsb_cmp_x == &__xsb_cmp_y);	/* the type check */	\
	__xsb_cmp_x op __xsb_cmp_y ? __xsb_cmp_x : __xsb_cmp_y; })

#define min(x, y)	__xsb_cmp(x, y, <)
#define max(x, y)	__xsb_cmp(x, y, >)

#define min_t(type, x, y)	min((type)(x), (type)(y))
#define max_t(type, x, y)	max((type)(x), (type)(y))

#endif /* _XSB_TOOLS_LINUX_MINMAX_H */
