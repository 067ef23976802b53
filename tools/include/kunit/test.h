/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <kunit/test.h>: the part of the KUnit API the
 * project's suites (tests/<name>-kunit.h) use, so that the same files compile
 * and run as a plain program with AddressSanitizer and UBSan.
 *
 * A fast tier only, never a replacement for the real KUnit run
 * (scripts/kunit.sh, under UML): only this subset exists, the kernel's
 * headers, compiler flags and type rules are not the kernel's, and nothing
 * here runs in kernel context.  A suite that uses something missing fails
 * to compile here; add it below, following include/kunit/test.h.
 *
 * Provided: struct kunit_case, KUNIT_CASE(), struct kunit_suite (name,
 * init, exit, test_cases), kunit_test_suite(), kunit_test_suites(),
 * kunit_skip(), kunit_kmalloc() and kunit_kzalloc() (freed after the case),
 * and the KUNIT_EXPECT_ and KUNIT_ASSERT_ forms of EQ, NE, LT, LE, GT, GE,
 * TRUE, FALSE, NULL, NOT_NULL, PTR_EQ, PTR_NE, STREQ and STRNEQ, each also
 * as _MSG.  An EXPECT failure marks the case failed and goes on; an ASSERT
 * failure or kunit_skip() ends the case (longjmp() where the kernel ends a
 * kthread).  The runner is tools/lib/kunit.c.
 */
#ifndef _XSB_TOOLS_KUNIT_TEST_H
#define _XSB_TOOLS_KUNIT_TEST_H

#include <linux/compiler.h>
#include <linux/gfp_types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

struct kunit_resource;

/**
 * enum kunit_status - the result of a test case
 * @KUNIT_SUCCESS: every expectation held.
 * @KUNIT_FAILURE: an expectation or assertion failed, or init did.
 * @KUNIT_SKIPPED: kunit_skip() was called.
 */
enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

/**
 * struct kunit - the context of one running test case
 * @name: "<suite>.<case>", for the messages.
 * @status: the result so far.
 * @status_comment: why the case was skipped.
 * @resources: the kunit_kmalloc() allocations, freed after the case.
 * @catch: where an assertion failure or kunit_skip() jumps to.
 */
struct kunit {
	const char *name;
	enum kunit_status status;
	char status_comment[256];
	struct kunit_resource *resources;
	void *catch;
};

/**
 * struct kunit_case - one test case
 * @run_case: the test function.
 * @name: its name, as KUNIT_CASE() spells it.
 */
struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

#define KUNIT_CASE(test_name) { .run_case = test_name, .name = #test_name }

/**
 * struct kunit_suite - a set of test cases
 * @name: the suite's name.
 * @init: called before each case; non-zero fails the case.
 * @exit: called after each case, also after a failed assertion.
 * @test_cases: the cases, ended by an empty entry.
 */
struct kunit_suite {
	const char *name;
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

void __kunit_register_suites(struct kunit_suite * const *suites,
			     size_t nr_suites);

/*
 * The kernel puts the suites in a .kunit_test_suites section; a constructor
 * hands them to the runner instead (ASan pads globals, which would break a
 * section walked as one array).  The last line is a declaration so that
 * the caller's semicolon is not an empty one.
 */
#define kunit_test_suites(...)						\
	static void __attribute__((__constructor__))			\
	__UNIQUE_ID(kunit_register_suites)(void)			\
	{								\
		static struct kunit_suite * const suites[] = {		\
			__VA_ARGS__					\
		};							\
									\
		__kunit_register_suites(suites, ARRAY_SIZE(suites));	\
	}								\
	extern int __kunit_suites_registered

#define kunit_test_suite(suite)	kunit_test_suites(&(suite))

void *kunit_kmalloc(struct kunit *test, size_t size, unsigned int gfp);
void *kunit_kzalloc(struct kunit *test, size_t size, unsigned int gfp);

__noreturn __printf(2, 3)
void __kunit_skip(struct kunit *test, const char *fmt, ...);

#define kunit_skip(test, fmt, ...) __kunit_skip((test), fmt, ##__VA_ARGS__)

/**
 * enum kunit_assert_type - what a failed check does
 * @KUNIT_EXPECTATION: marks the case failed and goes on.
 * @KUNIT_ASSERTION: marks the case failed and ends it.
 */
enum kunit_assert_type {
	KUNIT_EXPECTATION,
	KUNIT_ASSERTION,
};

__printf(7, 8)
void __kunit_fail(struct kunit *test, enum kunit_assert_type type,
		  const char *file, int line, const char *check,
		  const char *values, const char *fmt, ...);

__printf(11, 12)
void __kunit_fail_int(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *left,
		      const char *op, const char *right, bool is_signed,
		      long long left_value, long long right_value,
		      const char *fmt, ...);

/* Whether an integer type is signed (bool and enums of >= 0 are not). */
#define __kunit_is_signed(x)	((typeof(x))-1 < (typeof(x))1)

#define KUNIT_BINARY_INT_ASSERTION(test, type, left, op, right, fmt, ...) \
do {									\
	const typeof(left) __left = (left);				\
	const typeof(right) __right = (right);				\
									\
	if (!(__left op __right))					\
		__kunit_fail_int((test), (type), __FILE__, __LINE__,	\
				 #left, #op, #right,			\
				 __kunit_is_signed(__left) ||		\
				 __kunit_is_signed(__right),		\
				 (long long)__left, (long long)__right,	\
				 fmt, ##__VA_ARGS__);			\
} while (0)

#define KUNIT_BINARY_PTR_ASSERTION(test, type, left, op, right, fmt, ...) \
do {									\
	const void *__left = (left);					\
	const void *__right = (right);					\
	char __vals[64];						\
									\
	if (!(__left op __right)) {					\
		snprintf(__vals, sizeof(__vals), "%p vs %p",		\
			 __left, __right);				\
		__kunit_fail((test), (type), __FILE__, __LINE__,	\
			     #left " " #op " " #right, __vals,		\
			     fmt, ##__VA_ARGS__);			\
	}								\
} while (0)

#define KUNIT_BINARY_STR_ASSERTION(test, type, left, op, right, fmt, ...) \
do {									\
	const char *__left = (left);					\
	const char *__right = (right);					\
	char __vals[160];						\
									\
	if (!(strcmp(__left, __right) op 0)) {				\
		snprintf(__vals, sizeof(__vals), "\"%.60s\" vs \"%.60s\"", \
			 __left, __right);				\
		__kunit_fail((test), (type), __FILE__, __LINE__,	\
			     #left " " #op " " #right, __vals,		\
			     fmt, ##__VA_ARGS__);			\
	}								\
} while (0)

#define KUNIT_TRUE_ASSERTION(test, type, cond, want, fmt, ...)		\
do {									\
	if (!!(cond) != (want))						\
		__kunit_fail((test), (type), __FILE__, __LINE__,	\
			     #cond " is " #want, "it is not",		\
			     fmt, ##__VA_ARGS__);			\
} while (0)

/* "%s", "": no message (the kernel passes NULL) */
#define __KUNIT_NO_MSG	"%s", ""

#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_EXPECTATION, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_EXPECTATION, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_EXPECTATION, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_EXPECTATION, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...)				\
	KUNIT_TRUE_ASSERTION(t, KUNIT_EXPECTATION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, fmt, ...)				\
	KUNIT_TRUE_ASSERTION(t, KUNIT_EXPECTATION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NULL_MSG(t, p, fmt, ...)				\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_EXPECTATION, p, ==, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(t, p, fmt, ...)			\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_EXPECTATION, p, !=, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STREQ_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_STR_ASSERTION(t, KUNIT_EXPECTATION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_STR_ASSERTION(t, KUNIT_EXPECTATION, l, !=, r, fmt, ##__VA_ARGS__)

#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_ASSERTION, l, <, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_ASSERTION, l, <=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_ASSERTION, l, >, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(t, l, r, fmt, ...)				\
	KUNIT_BINARY_INT_ASSERTION(t, KUNIT_ASSERTION, l, >=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...)				\
	KUNIT_TRUE_ASSERTION(t, KUNIT_ASSERTION, c, true, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, fmt, ...)				\
	KUNIT_TRUE_ASSERTION(t, KUNIT_ASSERTION, c, false, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NULL_MSG(t, p, fmt, ...)				\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_ASSERTION, p, ==, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL_MSG(t, p, fmt, ...)			\
	KUNIT_BINARY_PTR_ASSERTION(t, KUNIT_ASSERTION, p, !=, NULL, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STREQ_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_STR_ASSERTION(t, KUNIT_ASSERTION, l, ==, r, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ_MSG(t, l, r, fmt, ...)			\
	KUNIT_BINARY_STR_ASSERTION(t, KUNIT_ASSERTION, l, !=, r, fmt, ##__VA_ARGS__)

#define KUNIT_EXPECT_EQ(t, l, r)	KUNIT_EXPECT_EQ_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_NE(t, l, r)	KUNIT_EXPECT_NE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_LT(t, l, r)	KUNIT_EXPECT_LT_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_LE(t, l, r)	KUNIT_EXPECT_LE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_GT(t, l, r)	KUNIT_EXPECT_GT_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_GE(t, l, r)	KUNIT_EXPECT_GE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_EXPECT_TRUE_MSG(t, c, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_EXPECT_FALSE_MSG(t, c, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_PTR_EQ(t, l, r)	KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_PTR_NE(t, l, r)	KUNIT_EXPECT_PTR_NE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_NULL(t, p)		KUNIT_EXPECT_NULL_MSG(t, p, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_NOT_NULL(t, p)	KUNIT_EXPECT_NOT_NULL_MSG(t, p, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_STREQ(t, l, r)	KUNIT_EXPECT_STREQ_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_EXPECT_STRNEQ(t, l, r)	KUNIT_EXPECT_STRNEQ_MSG(t, l, r, __KUNIT_NO_MSG)

#define KUNIT_ASSERT_EQ(t, l, r)	KUNIT_ASSERT_EQ_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_NE(t, l, r)	KUNIT_ASSERT_NE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_LT(t, l, r)	KUNIT_ASSERT_LT_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_LE(t, l, r)	KUNIT_ASSERT_LE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_GT(t, l, r)	KUNIT_ASSERT_GT_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_GE(t, l, r)	KUNIT_ASSERT_GE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_TRUE(t, c)		KUNIT_ASSERT_TRUE_MSG(t, c, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_ASSERT_FALSE_MSG(t, c, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_PTR_EQ(t, l, r)	KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_PTR_NE(t, l, r)	KUNIT_ASSERT_PTR_NE_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_NULL(t, p)		KUNIT_ASSERT_NULL_MSG(t, p, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_ASSERT_NOT_NULL_MSG(t, p, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_STREQ(t, l, r)	KUNIT_ASSERT_STREQ_MSG(t, l, r, __KUNIT_NO_MSG)
#define KUNIT_ASSERT_STRNEQ(t, l, r)	KUNIT_ASSERT_STRNEQ_MSG(t, l, r, __KUNIT_NO_MSG)

#endif /* _XSB_TOOLS_KUNIT_TEST_H */
