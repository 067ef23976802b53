/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of <linux/kconfig.h>: IS_ENABLED() and friends.
 *
 * kbuild force-includes this header into every file (-include); so do the
 * userspace builds (tools/Makefile), because the policy files use
 * IS_ENABLED() without including it.  A CONFIG_ symbol is "y" when the
 * build defines it to 1 (-DCONFIG_FOO=1), "m" when it defines
 * CONFIG_FOO_MODULE to 1, and "n" otherwise, as in the kernel.
 */
#ifndef _XSB_TOOLS_LINUX_KCONFIG_H
#define _XSB_TOOLS_LINUX_KCONFIG_H

/*
 * __is_defined(FOO) is 1 if FOO is a macro that expands to 1, else 0, in
 * #if and in C alike: the kernel's placeholder trick.  FOO = 1 pastes into
 * __ARG_PLACEHOLDER_1, which expands to "0," and moves the 1 into second
 * place; any other FOO leaves one junk argument and the 0 second.
 */
#define __ARG_PLACEHOLDER_1 0,
#define __xsb_drop(...)
#define __take_second_arg(first, val, ...) (__xsb_drop(first) val)
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)

/* IS_ENABLED(CONFIG_FOO): CONFIG_FOO is "y" or "m" (IS_BUILTIN/IS_MODULE: unused) */
#define IS_ENABLED(CONFIG_FOO)	__xsb_enabled(CONFIG_FOO, CONFIG_FOO##_MODULE)
#define __xsb_enabled(y, m)	(__is_defined(y) || __is_defined(m))

#endif /* _XSB_TOOLS_LINUX_KCONFIG_H */
