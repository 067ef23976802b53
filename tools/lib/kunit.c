// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace runner for the KUnit stand-in (tools/include/kunit/test.h).
 *
 * A fast tier only, never a replacement for the real KUnit run
 * (scripts/kunit.sh, under UML).
 *
 *   <program> [--list] [PATTERN...]
 *
 * runs every registered case, or those whose "<suite>.<case>" matches one
 * of the shell patterns, and prints one line per case:
 *
 *   PASS <suite>.<case>
 *   FAIL <suite>.<case>[: skipped: <why> | : init failed (<errno>)]
 *
 * each failed check first, indented.  --list prints the names only.  The
 * exit status is 0 only if at least one case ran and every case passed (a
 * skipped case counts as a failure, as in scripts/kunit.sh).  Output is
 * line buffered, so a sanitizer abort leaves the name of the case that was
 * running ("# <suite>.<case>" is printed before each case starts).
 */

#include <fnmatch.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <kunit/test.h>

/**
 * struct kunit_resource - one kunit_kmalloc() allocation
 * @next: the next one of the case.
 * @data: the allocation.
 */
struct kunit_resource {
	struct kunit_resource *next;
	void *data;
};

#define KUNIT_MAX_SUITES	64

static struct kunit_suite *suites[KUNIT_MAX_SUITES];
static size_t nr_suites;

void __kunit_register_suites(struct kunit_suite * const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (nr_suites == KUNIT_MAX_SUITES) {
			fprintf(stderr, "kunit: more than %d suites\n",
				KUNIT_MAX_SUITES);
			exit(2);
		}
		suites[nr_suites++] = list[i];
	}
}

void *kunit_kmalloc(struct kunit *test, size_t size, unsigned int gfp)
{
	struct kunit_resource *res = calloc(1, sizeof(*res));

	(void)gfp;
	if (!res)
		return NULL;
	res->data = malloc(size);
	if (!res->data) {
		free(res);
		return NULL;
	}
	res->next = test->resources;
	test->resources = res;
	return res->data;
}

void *kunit_kzalloc(struct kunit *test, size_t size, unsigned int gfp)
{
	void *p = kunit_kmalloc(test, size, gfp);

	if (p)
		memset(p, 0, size);
	return p;
}

static void kunit_free_resources(struct kunit *test)
{
	struct kunit_resource *res, *next;

	for (res = test->resources; res; res = next) {
		next = res->next;
		free(res->data);
		free(res);
	}
	test->resources = NULL;
}

static __noreturn void kunit_throw(struct kunit *test)
{
	longjmp(*(jmp_buf *)test->catch, 1);
}

void __kunit_skip(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(test->status_comment, sizeof(test->status_comment), fmt, ap);
	va_end(ap);
	test->status = KUNIT_SKIPPED;
	kunit_throw(test);
}

static void kunit_fail_header(struct kunit *test, enum kunit_assert_type type,
			      const char *file, int line)
{
	test->status = KUNIT_FAILURE;
	printf("    # %s: %s FAILED at %s:%d\n", test->name,
	       type == KUNIT_ASSERTION ? "ASSERTION" : "EXPECTATION",
	       file, line);
}

static void kunit_fail_footer(struct kunit *test, enum kunit_assert_type type,
			      const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (msg[0])
		printf("    %s\n", msg);
	if (type == KUNIT_ASSERTION)
		kunit_throw(test);
}

void __kunit_fail(struct kunit *test, enum kunit_assert_type type,
		  const char *file, int line, const char *check,
		  const char *values, const char *fmt, ...)
{
	va_list ap;

	kunit_fail_header(test, type, file, line);
	printf("    Expected %s, but\n        %s\n", check, values);
	va_start(ap, fmt);
	kunit_fail_footer(test, type, fmt, ap);
	va_end(ap);
}

static void kunit_print_value(const char *expr, bool is_signed, long long v)
{
	if (is_signed)
		printf("        %s == %lld (0x%llx)\n", expr, v,
		       (unsigned long long)v);
	else
		printf("        %s == %llu (0x%llx)\n", expr,
		       (unsigned long long)v, (unsigned long long)v);
}

void __kunit_fail_int(struct kunit *test, enum kunit_assert_type type,
		      const char *file, int line, const char *left,
		      const char *op, const char *right, bool is_signed,
		      long long left_value, long long right_value,
		      const char *fmt, ...)
{
	va_list ap;

	kunit_fail_header(test, type, file, line);
	printf("    Expected %s %s %s, but\n", left, op, right);
	kunit_print_value(left, is_signed, left_value);
	kunit_print_value(right, is_signed, right_value);
	va_start(ap, fmt);
	kunit_fail_footer(test, type, fmt, ap);
	va_end(ap);
}

/* The case being run; static, so that longjmp() cannot lose its fields. */
static struct kunit current;
static char current_name[512];

static void kunit_init_and_run(struct kunit_suite *suite,
			       struct kunit_case *c)
{
	int err = suite->init ? suite->init(&current) : 0;

	if (err) {
		current.status = KUNIT_FAILURE;
		snprintf(current.status_comment,
			 sizeof(current.status_comment),
			 "init failed (%d)", err);
		return;
	}
	c->run_case(&current);
}

static enum kunit_status kunit_run_case(struct kunit_suite *suite,
					struct kunit_case *c)
{
	jmp_buf catch;

	memset(&current, 0, sizeof(current));
	current.name = current_name;
	current.catch = &catch;
	if (!setjmp(catch))
		kunit_init_and_run(suite, c);
	if (suite->exit && !setjmp(catch))
		suite->exit(&current);
	kunit_free_resources(&current);
	return current.status;
}

static bool kunit_selected(const char *name, int argc, char **argv)
{
	int i;

	if (!argc)
		return true;
	for (i = 0; i < argc; i++)
		if (!fnmatch(argv[i], name, 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	bool list = argc > 1 && !strcmp(argv[1], "--list");
	unsigned int ran = 0, failed = 0;
	struct kunit_case *c;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (list) {
		argc--;
		argv++;
	}
	argc--;
	argv++;
	for (i = 0; i < nr_suites; i++) {
		for (c = suites[i]->test_cases; c->run_case; c++) {
			snprintf(current_name, sizeof(current_name), "%s.%s",
				 suites[i]->name, c->name);
			if (!kunit_selected(current_name, argc, argv))
				continue;
			if (list) {
				printf("%s\n", current_name);
				continue;
			}
			printf("# %s\n", current_name);
			ran++;
			switch (kunit_run_case(suites[i], c)) {
			case KUNIT_SUCCESS:
				printf("PASS %s\n", current_name);
				break;
			case KUNIT_SKIPPED:
				failed++;
				printf("FAIL %s: skipped: %s\n", current_name,
				       current.status_comment);
				break;
			default:
				failed++;
				printf("FAIL %s%s%s\n", current_name,
				       current.status_comment[0] ? ": " : "",
				       current.status_comment);
				break;
			}
		}
	}
	if (list)
		return 0;
	fprintf(stderr, "kunit: %u cases ran, %u failed\n", ran, failed);
	return ran && !failed ? 0 : 1;
}
