/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <asm/page.h>: PAGE_SHIFT for 4 KiB pages, as on x86
 * (the KUnit suites expect them and skip otherwise).  Build with
 * EXTRA_CFLAGS=-DPAGE_SHIFT=N to try another page size.
 */
#ifndef _XSB_TOOLS_ASM_PAGE_H
#define _XSB_TOOLS_ASM_PAGE_H

#ifndef PAGE_SHIFT
#define PAGE_SHIFT	12
#endif

#endif /* _XSB_TOOLS_ASM_PAGE_H */
