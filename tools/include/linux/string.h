/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/string.h>: the C library's string functions
 * (memset(), strcmp(), ...), which behave as the kernel's for valid input.
 */
#ifndef _XSB_TOOLS_LINUX_STRING_H
#define _XSB_TOOLS_LINUX_STRING_H

#include <string.h>

#endif /* _XSB_TOOLS_LINUX_STRING_H */
