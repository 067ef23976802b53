/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tests of the userspace kstrtouint() (tools/lib/kstrtox.c), with the
 * KUnit stand-in; included at the bottom of kstrtox.c like the project's
 * suites.  The cases are the kernel's own for base 10 (lib/test-kstrtox.c,
 * kstrtou32 and kstrtoull), those the policy suite relies on, and the
 * order of the checks (overflow before trailing garbage).
 */
#ifndef _XSB_TOOLS_KSTRTOX_KUNIT_H
#define _XSB_TOOLS_KSTRTOX_KUNIT_H

#include <kunit/test.h>

#define KSTRTOX_UNTOUCHED	0xdeadbeefU

static void kstrtox_expect(struct kunit *test, const char *s, int err,
			   unsigned int expected)
{
	unsigned int val = KSTRTOX_UNTOUCHED;

	KUNIT_EXPECT_EQ_MSG(test, kstrtouint(s, 10, &val), err,
			    "errno for \"%.40s\"", s);
	KUNIT_EXPECT_EQ_MSG(test, val, err ? KSTRTOX_UNTOUCHED : expected,
			    "value after \"%.40s\"", s);
}

static void kstrtouint_accepts_decimal_numbers(struct kunit *test)
{
	static const struct {
		const char *s;
		unsigned int val;
	} ok[] = {
		{ "0", 0 }, { "1", 1 }, { "126", 126 }, { "127", 127 },
		{ "128", 128 }, { "255", 255 }, { "256", 256 },
		{ "32767", 32767 }, { "32768", 32768 }, { "65535", 65535 },
		{ "65536", 65536 }, { "2147483647", 2147483647U },
		{ "2147483648", 2147483648U }, { "4294967294", 4294967294U },
		{ "4294967295", 4294967295U },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++)
		kstrtox_expect(test, ok[i].s, 0, ok[i].val);
}

static void kstrtouint_takes_one_plus_and_one_newline(struct kunit *test)
{
	kstrtox_expect(test, "+5", 0, 5);
	kstrtox_expect(test, "5\n", 0, 5);
	kstrtox_expect(test, "+5\n", 0, 5);
	kstrtox_expect(test, "+0\n", 0, 0);
	/* leading zeros are decimal */
	kstrtox_expect(test, "010", 0, 10);
	kstrtox_expect(test, "0000000000000000000000000004294967295", 0,
		       4294967295U);
	kstrtox_expect(test, "++5", -EINVAL, 0);
	kstrtox_expect(test, "5\n\n", -EINVAL, 0);
	kstrtox_expect(test, "+\n", -EINVAL, 0);
	kstrtox_expect(test, "\n5", -EINVAL, 0);
}

static void kstrtouint_rejects_malformed_text(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "\n0", "+", "-", "-0", "-1", "-2", "0x", "0x10",
		"0X10", "0 ", " 2", "1+", "1-", "a", "A", "5x", "1e3", "0z",
		"5 ", "\t5", "5\r\n", "5\n ", "4294967296x",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		kstrtox_expect(test, bad[i], -EINVAL, 0);
}

static void kstrtouint_rejects_numbers_above_uint_max(struct kunit *test)
{
	static const char * const big[] = {
		"4294967296", "4294967297", "4294967296\n", "+4294967296",
		"9223372036854775807", "9223372036854775808",
		"18446744073709551615", "18446744073709551616",
		"18446744073709551617", "99999999999999999999999999",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(big); i++)
		kstrtox_expect(test, big[i], -ERANGE, 0);
}

static void kstrtouint_overflow_wins_over_trailing_garbage(struct kunit *test)
{
	/* the digits overflow unsigned long long before the 'x' is seen */
	kstrtox_expect(test, "18446744073709551616x", -ERANGE, 0);
	kstrtox_expect(test, "+99999999999999999999 5", -ERANGE, 0);
	/* the digits fit unsigned long long: the garbage is seen first */
	kstrtox_expect(test, "18446744073709551615x", -EINVAL, 0);
}

static struct kunit_case kstrtox_test_cases[] = {
	KUNIT_CASE(kstrtouint_accepts_decimal_numbers),
	KUNIT_CASE(kstrtouint_takes_one_plus_and_one_newline),
	KUNIT_CASE(kstrtouint_rejects_malformed_text),
	KUNIT_CASE(kstrtouint_rejects_numbers_above_uint_max),
	KUNIT_CASE(kstrtouint_overflow_wins_over_trailing_garbage),
	{}
};

static struct kunit_suite kstrtox_test_suite = {
	.name = "userspace_shim_kstrtouint",
	.test_cases = kstrtox_test_cases,
};

kunit_test_suite(kstrtox_test_suite);

#endif /* _XSB_TOOLS_KSTRTOX_KUNIT_H */
