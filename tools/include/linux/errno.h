/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/errno.h>: the UAPI errno values (EINVAL, ERANGE,
 * ...), which are the kernel's.  The kernel-internal ones (ERESTARTSYS,
 * ENOTSUPP, ...) are not needed by the policy and not provided.
 */
#ifndef _XSB_TOOLS_LINUX_ERRNO_H
#define _XSB_TOOLS_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _XSB_TOOLS_LINUX_ERRNO_H */
