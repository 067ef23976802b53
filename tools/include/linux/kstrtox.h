/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/kstrtox.h>: kstrtouint(), implemented in
 * tools/lib/kstrtox.c for base 10 only (the only base the policy uses).
 */
#ifndef _XSB_TOOLS_LINUX_KSTRTOX_H
#define _XSB_TOOLS_LINUX_KSTRTOX_H

#include <linux/compiler.h>

int __must_check kstrtouint(const char *s, unsigned int base,
			    unsigned int *res);

#endif /* _XSB_TOOLS_LINUX_KSTRTOX_H */
