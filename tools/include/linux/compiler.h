/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim of the few compiler attributes and helpers the shim
 * headers use (<linux/compiler_attributes.h> and <linux/compiler.h> in the
 * kernel).
 */
#ifndef _XSB_TOOLS_LINUX_COMPILER_H
#define _XSB_TOOLS_LINUX_COMPILER_H

#include <assert.h>		/* static_assert() */

/*
 * One spelling of __attribute__ for the macros below (checkpatch asks code
 * to use them rather than __attribute__; their definition cannot).
 */
#define __xsb_attribute(...)	__attribute__((__VA_ARGS__))

#define __must_check		__xsb_attribute(__warn_unused_result__)
#define __printf(a, b)		__xsb_attribute(__format__(printf, a, b))
#define __noreturn		__xsb_attribute(__noreturn__)

/* a name used nowhere else in the file (the kernel's __UNIQUE_ID) */
#define ___XSB_PASTE(a, b)	a##b
#define __XSB_PASTE(a, b)	___XSB_PASTE(a, b)
#define __UNIQUE_ID(prefix)	__XSB_PASTE(__UNIQUE_ID_##prefix, __COUNTER__)

/* 0 when @a is an array, a build error for a pointer (ARRAY_SIZE) */
#define __must_be_array(a)						\
	((int)sizeof(struct {						\
		static_assert(!__builtin_types_compatible_p(typeof(a),	\
							    typeof(&(a)[0])), \
			      "must be an array");			\
	}))

#endif /* _XSB_TOOLS_LINUX_COMPILER_H */
