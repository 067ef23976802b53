// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace kstrtouint() for the policy files, base 10 only.
 *
 * Written for this shim (not lib/kstrtox.c), to the kernel's documented and
 * observed behaviour (Linux 6.1 and 6.12 agree), which the suite at the
 * bottom pins and scripts/fuzz.sh checks against an independent model:
 *
 * - one optional leading '+', then at least one decimal digit, then at most
 *   one '\n', then the end of the string; anything else is -EINVAL
 *   (no '-', no spaces, no "0x": leading zeros are decimal);
 * - digits whose value does not fit an unsigned long long give -ERANGE,
 *   even when garbage follows them (the kernel parses all the digits before
 *   it looks at what follows), e.g. "18446744073709551616x" is -ERANGE but
 *   "4294967296x" is -EINVAL;
 * - a well-formed number above UINT_MAX is -ERANGE;
 * - on any error *res is left untouched.
 *
 * Any other base aborts the program: the policy only uses base 10, and a
 * new caller must extend this (and its tests) rather than get base 10.
 */

#include <stdio.h>
#include <stdlib.h>

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long value = 0;
	bool too_big = false;
	const char *digits;

	if (base != 10) {
		fprintf(stderr, "%s: base %u is not implemented by the userspace shim\n",
			__func__, base);
		abort();
	}
	if (*s == '+')
		s++;
	for (digits = s; *s >= '0' && *s <= '9'; s++) {
		unsigned int d = *s - '0';

		if (too_big || value > (ULLONG_MAX - d) / 10)
			too_big = true;
		else
			value = value * 10 + d;
	}
	if (too_big)
		return -ERANGE;
	if (s == digits)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	if (value > UINT_MAX)
		return -ERANGE;
	*res = value;
	return 0;
}

#if IS_ENABLED(CONFIG_XEN_SELFBALLOON_KUNIT_TEST)
#include "tests/kstrtox-kunit.h"
#endif
