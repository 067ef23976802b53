// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the selfballoon policy (selfballoon-policy.c and
 * frontswap-shrink.c, compiled unchanged against tools/include/).
 *
 * The first input byte picks what is fuzzed; the rest feeds it:
 *
 *   0  selfballoon_decide() on a random sample and random tunables (any
 *      unsigned value, also outside the sysfs ranges), and the helpers it
 *      is made of on the same numbers;
 *   1  selfballoon_parse_tunable() on a random id and random bytes;
 *   2  selfballoon_parse_bool() on random bytes;
 *   3  frontswap_shrink_decide() over a random sequence of ticks.
 *
 * Every result is compared with a reference computed here in a wider type
 * (__int128, so that nothing can wrap) or, for the parsers, with a model of
 * kstrtouint() built on the C library's strtoull(); a difference, or a
 * broken invariant, prints the input's meaning and abort()s, and libFuzzer
 * saves the input as a crash file.  Invariants, besides exact equality:
 *
 * - decide: floor <= max_pfn; target = min(max(step, floor), max_pfn), so
 *   target <= max_pfn and target >= min(floor, max_pfn); the step lies
 *   between current and goal inclusive and moves by exactly
 *   |goal - current| / hysteresis; the floor never falls as max_pfn grows;
 * - parse: success only for ^\+?[0-9]+\n?$ with a value in range, and then
 *   *val is that value; on any error *val is untouched;
 * - frontswap: a shrink happens exactly on the inertia-th consecutive tick
 *   that is neither growth nor empty (counting up, where the code counts
 *   down), its target is below the current size (0 once size <= hysteresis),
 *   and a tick that does not shrink leaves the target untouched.
 *
 * scripts/fuzz.sh builds (tools/Makefile) and runs it; see tools/README.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <asm/page.h>

#include "selfballoon-policy.h"

/* the reference arithmetic: wider than any sum or product of the inputs */
#if BITS_PER_LONG != 64 || !defined(__SIZEOF_INT128__)
#error "policy-fuzz needs 64-bit longs and __int128"
#endif

/* Pages per MiB. */
#define FUZZ_MIB_SHIFT		(20 - PAGE_SHIFT)
/* selfballoon_tunables[SB_RESERVED_MB].max: 16 TiB in MiB. */
#define FUZZ_MAX_MB		16777216UL
/* A value a function must not write. */
#define FUZZ_UNTOUCHED		0xdeadbeefU
/* Longest frontswap sequence, in ticks. */
#define FUZZ_MAX_TICKS		4096

/**
 * struct fuzz_input - the bytes not consumed yet
 * @data: the next byte.
 * @size: how many are left; reads past the end give zeros.
 */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
};

/* What the failing check was about: printed before abort(). */
static void (*fuzz_dump)(const void *arg);
static const void *fuzz_dump_arg;

#define FUZZ_CHECK(cond, fmt, ...)					\
do {									\
	if (!(cond))							\
		fuzz_fail(__LINE__, #cond, fmt, ##__VA_ARGS__);		\
} while (0)

static __noreturn __printf(3, 4)
void fuzz_fail(int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "policy-fuzz.c:%d: invariant broken: %s\n    ",
		line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (fuzz_dump)
		fuzz_dump(fuzz_dump_arg);
	abort();
}

static uint8_t take_u8(struct fuzz_input *in)
{
	if (!in->size)
		return 0;
	in->size--;
	return *in->data++;
}

static unsigned long long take_raw(struct fuzz_input *in, unsigned int bytes)
{
	unsigned long long v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (unsigned long long)take_u8(in) << (8 * i);
	return v;
}

/*
 * An unsigned long: a shift byte, then the raw bytes shifted right by it,
 * so that small values are as likely as huge ones.
 */
static unsigned long take_ulong(struct fuzz_input *in)
{
	unsigned int shift = take_u8(in) % BITS_PER_LONG;

	return (unsigned long)take_raw(in, sizeof(long)) >> shift;
}

static unsigned int take_uint(struct fuzz_input *in)
{
	unsigned int shift = take_u8(in) % 32;

	return (unsigned int)take_raw(in, sizeof(int)) >> shift;
}

static unsigned long to_ulong(__int128 v)
{
	if (v < 0)
		return 0;
	if (v > (__int128)ULONG_MAX)
		return ULONG_MAX;
	return (unsigned long)v;
}

static __int128 wide_min(__int128 a, __int128 b)
{
	return a < b ? a : b;
}

static __int128 wide_max(__int128 a, __int128 b)
{
	return a > b ? a : b;
}

/* ---- selfballoon_decide() ---- */

/**
 * struct fuzz_decide - one selfballoon_decide() call
 * @s: the sample.
 * @p: the tunables.
 * @d: the decision.
 */
struct fuzz_decide {
	struct selfballoon_sample s;
	struct selfballoon_params p;
	struct selfballoon_decision d;
};

static void dump_decide(const void *arg)
{
	const struct fuzz_decide *f = arg;

	fprintf(stderr,
		"    sample: committed %lu totalram %lu balloon_current %lu totalreserve %lu max_pfn %lu frontswap %lu\n"
		"    params: down %u up %u reserved_mb %u min_usable_mb %u\n"
		"    decision: goal %lu floor %lu target %lu balloon %lu action %d floor_hit %d\n",
		f->s.committed_pages, f->s.totalram_pages,
		f->s.balloon_current_pages, f->s.totalreserve_pages,
		f->s.max_pfn, f->s.frontswap_pages,
		f->p.downhysteresis, f->p.uphysteresis, f->p.reserved_mb,
		f->p.min_usable_mb,
		f->d.goal_pages, f->d.floor_pages, f->d.target_pages,
		f->d.balloon_target_pages, (int)f->d.action,
		(int)f->d.floor_hit);
}

static __int128 ref_mb_to_pages(__int128 mb)
{
	return mb << FUZZ_MIB_SHIFT;
}

/* upstream's floor, exact (never wraps), then clamped to max_pfn */
static __int128 ref_floor(unsigned long max_pfn, unsigned long reserve,
			  unsigned int min_usable_mb)
{
	__int128 useful = wide_max((__int128)max_pfn - reserve, 0);
	__int128 floor;

	if (min_usable_mb)
		floor = reserve + ref_mb_to_pages(min_usable_mb);
	else if (useful < ref_mb_to_pages(16))
		floor = max_pfn;
	else if (useful < ref_mb_to_pages(64))
		floor = reserve + ref_mb_to_pages(16) +
			(useful - ref_mb_to_pages(16)) / 2;
	else if (useful < ref_mb_to_pages(512))
		floor = reserve + ref_mb_to_pages(40) +
			(useful - ref_mb_to_pages(40)) / 8;
	else
		floor = reserve + ref_mb_to_pages(99) +
			(useful - ref_mb_to_pages(99)) / 32;
	return wide_min(floor, max_pfn);
}

/* one hysteresis step, exact; 0 acts as 1 */
static __int128 ref_step(unsigned long cur, unsigned long goal,
			 unsigned int down, unsigned int up)
{
	if (cur > goal)
		return (__int128)cur - ((__int128)cur - goal) / (down ? down : 1);
	return (__int128)cur + ((__int128)goal - cur) / (up ? up : 1);
}

/* the helpers on arbitrary unsigned longs, beyond what decide feeds them */
static void fuzz_helpers(unsigned long a, unsigned long b, unsigned long c,
			 unsigned long d, unsigned int h1, unsigned int h2)
{
	unsigned long step, lo, hi;

	FUZZ_CHECK(selfballoon_mb_to_pages(a) ==
		   to_ulong(ref_mb_to_pages(a)), "mb_to_pages(%lu)", a);
	FUZZ_CHECK(selfballoon_goal_pages(a, b, c, d) ==
		   to_ulong((__int128)a + b + c + d),
		   "goal_pages(%lu, %lu, %lu, %lu)", a, b, c, d);
	FUZZ_CHECK(selfballoon_to_balloon_pages(a, b, c) ==
		   to_ulong((__int128)a + b - c),
		   "to_balloon_pages(%lu, %lu, %lu)", a, b, c);
	FUZZ_CHECK(selfballoon_auto_reserved_mb(a) ==
		   wide_min((a >> FUZZ_MIB_SHIFT) / 10, FUZZ_MAX_MB),
		   "auto_reserved_mb(%lu)", a);

	step = selfballoon_step_pages(a, b, h1, h2);
	lo = a < b ? a : b;
	hi = a < b ? b : a;
	FUZZ_CHECK(lo <= step && step <= hi,
		   "step_pages(%lu, %lu, %u, %u) = %lu: not between current and goal",
		   a, b, h1, h2, step);
	FUZZ_CHECK(step == ref_step(a, b, h1, h2),
		   "step_pages(%lu, %lu, %u, %u) = %lu", a, b, h1, h2, step);
}

static void fuzz_decide(struct fuzz_input *in)
{
	static struct fuzz_decide f;
	const struct selfballoon_sample *s = &f.s;
	const struct selfballoon_params *p = &f.p;
	const struct selfballoon_decision *d = &f.d;
	unsigned long cur, goal, floor, target, limit, next_floor;
	__int128 step;

	f.s.committed_pages = take_ulong(in);
	f.s.totalram_pages = take_ulong(in);
	f.s.balloon_current_pages = take_ulong(in);
	f.s.totalreserve_pages = take_ulong(in);
	f.s.max_pfn = take_ulong(in);
	f.s.frontswap_pages = take_ulong(in);
	f.p.downhysteresis = take_uint(in);
	f.p.uphysteresis = take_uint(in);
	f.p.reserved_mb = take_uint(in);
	f.p.min_usable_mb = take_uint(in);
	memset(&f.d, 0xa5, sizeof(f.d));
	fuzz_dump = dump_decide;
	fuzz_dump_arg = &f;

	selfballoon_decide(s, p, &f.d);

	cur = s->totalram_pages;
	/* the frontswap pages are written back, not given room in the goal */
	goal = to_ulong((__int128)s->committed_pages + s->totalreserve_pages +
			ref_mb_to_pages(p->reserved_mb));
	FUZZ_CHECK(d->goal_pages == goal, "goal: want %lu", goal);

	step = ref_step(cur, goal, p->downhysteresis, p->uphysteresis);

	/* the balloon target may not pass max_pfn: limit in totalram terms */
	limit = to_ulong(wide_max((__int128)s->max_pfn -
				  wide_max((__int128)s->balloon_current_pages - cur, 0), 0));
	floor = to_ulong(wide_min(ref_floor(s->max_pfn, s->totalreserve_pages,
					    p->min_usable_mb), limit));
	FUZZ_CHECK(d->floor_pages == floor, "floor: want %lu", floor);
	FUZZ_CHECK(d->floor_pages <= s->max_pfn, "floor above max_pfn");
	FUZZ_CHECK(d->floor_hit == (step < floor), "floor_hit: step %lu",
		   to_ulong(step));

	target = to_ulong(wide_min(wide_max(step, floor), limit));
	FUZZ_CHECK(d->target_pages == target, "target: want %lu", target);
	FUZZ_CHECK(d->target_pages <= limit, "target above the max_pfn limit");
	FUZZ_CHECK(d->target_pages >= d->floor_pages, "target below the floor");
	FUZZ_CHECK(d->action == (target > cur ? SELFBALLOON_RAISE :
				 target < cur ? SELFBALLOON_CUT :
						SELFBALLOON_HOLD),
		   "action: target %lu from %lu", target, cur);
	FUZZ_CHECK(d->balloon_target_pages ==
		   to_ulong((__int128)target + s->balloon_current_pages -
			    s->totalram_pages),
		   "balloon target");

	/* the floor never falls when the guest grows by a page */
	if (s->max_pfn < ULONG_MAX) {
		next_floor = selfballoon_floor_pages(s->max_pfn + 1,
						     s->totalreserve_pages,
						     p->min_usable_mb);
		FUZZ_CHECK(next_floor >= floor,
			   "floor falls from %lu to %lu at max_pfn + 1",
			   floor, next_floor);
	}

	fuzz_helpers(s->committed_pages, s->totalram_pages,
		     s->balloon_current_pages, s->frontswap_pages,
		     p->downhysteresis, p->uphysteresis);
	fuzz_dump = NULL;
}

/* ---- selfballoon_parse_tunable(), selfballoon_parse_bool() ---- */

/**
 * struct fuzz_parse - what the model expects of kstrtouint(s, 10, ...)
 * @err: 0, -EINVAL or -ERANGE.
 * @value: the number, when @err is 0.
 */
struct fuzz_parse {
	int err;
	unsigned long long value;
};

/*
 * kstrtouint(), base 10, from its documentation and the kernel's order of
 * checks: the digits are read first, and digits that overflow an unsigned
 * long long are -ERANGE whatever follows; then the text must end, after at
 * most one '\n', with at least one digit; then the number must fit an
 * unsigned int.  strtoull() does the arithmetic.
 */
static struct fuzz_parse ref_kstrtouint(const char *buf)
{
	struct fuzz_parse r = { .err = -EINVAL };
	const char *p = buf + (buf[0] == '+');
	size_t ndigits = strspn(p, "0123456789");
	const char *rest = p + ndigits;
	char *end;

	if (!ndigits)
		return r;
	errno = 0;
	r.value = strtoull(p, &end, 10);
	FUZZ_CHECK(end == rest, "strtoull stopped early in \"%.40s\"", buf);
	if (errno == ERANGE) {
		r.err = -ERANGE;
		return r;
	}
	if (!(rest[0] == '\0' || (rest[0] == '\n' && rest[1] == '\0')))
		return r;
	r.err = r.value > UINT_MAX ? -ERANGE : 0;
	return r;
}

static void dump_text(const void *arg)
{
	const unsigned char *c;

	fprintf(stderr, "    text:");
	for (c = arg; *c && c - (const unsigned char *)arg < 80; c++)
		fprintf(stderr, (*c >= 0x20 && *c < 0x7f) ? " %c" : " \\x%02x",
			*c);
	fprintf(stderr, "%s\n", *c ? " ..." : "");
}

/* the rest of the input as a NUL-terminated string of its own size */
static char *take_text(struct fuzz_input *in)
{
	char *buf = malloc(in->size + 1);

	if (!buf)
		abort();
	memcpy(buf, in->data, in->size);
	buf[in->size] = '\0';
	in->data += in->size;
	in->size = 0;
	return buf;
}

static void fuzz_parse_tunable(struct fuzz_input *in)
{
	enum selfballoon_tunable id = take_u8(in) % (SB_NR_TUNABLES + 2);
	char *buf = take_text(in);
	unsigned int val = FUZZ_UNTOUCHED;
	struct fuzz_parse want;
	int err;

	fuzz_dump = dump_text;
	fuzz_dump_arg = buf;
	err = selfballoon_parse_tunable(id, buf, &val);
	if (id >= SB_NR_TUNABLES) {
		want.err = -EINVAL;
	} else {
		want = ref_kstrtouint(buf);
		if (!want.err &&
		    (want.value < selfballoon_tunables[id].min ||
		     want.value > selfballoon_tunables[id].max))
			want.err = -ERANGE;
	}
	FUZZ_CHECK(err == want.err, "tunable %d: errno %d, want %d",
		   (int)id, err, want.err);
	if (err)
		FUZZ_CHECK(val == FUZZ_UNTOUCHED,
			   "tunable %d: error %d wrote %u", (int)id, err, val);
	else
		FUZZ_CHECK(val == want.value, "tunable %d: value %u, want %llu",
			   (int)id, val, want.value);
	fuzz_dump = NULL;
	free(buf);
}

static void fuzz_parse_bool(struct fuzz_input *in)
{
	char *buf = take_text(in);
	struct fuzz_parse want;
	bool before, val;
	int err;

	fuzz_dump = dump_text;
	fuzz_dump_arg = buf;
	want = ref_kstrtouint(buf);
	if (!want.err && want.value > 1)
		want.err = -EINVAL;
	/* over false, then over true: an error must leave either in place */
	for (before = false; ; before = true) {
		val = before;
		err = selfballoon_parse_bool(buf, &val);
		FUZZ_CHECK(err == want.err, "bool: errno %d, want %d", err,
			   want.err);
		FUZZ_CHECK(val == (err ? before : want.value == 1),
			   "bool: value %d over %d, errno %d", val, before, err);
		if (before)
			break;
	}
	fuzz_dump = NULL;
	free(buf);
}

/* ---- frontswap_shrink_decide() ---- */

/**
 * struct fuzz_frontswap - a frontswap tick, for the messages
 * @tick: its number.
 * @cur: frontswap pages at this tick.
 * @last: those at the previous tick, as the model saw them.
 * @inertia: frontswap_inertia in force.
 * @hysteresis: frontswap_hysteresis in force.
 * @stable: ticks counted toward the next shrink.
 * @need: ticks the next shrink needs.
 */
struct fuzz_frontswap {
	unsigned int tick;
	unsigned long cur;
	unsigned long last;
	unsigned int inertia;
	unsigned int hysteresis;
	unsigned long long stable;
	unsigned long long need;
};

static void dump_frontswap(const void *arg)
{
	const struct fuzz_frontswap *f = arg;

	fprintf(stderr,
		"    tick %u: cur %lu last %lu inertia %u hysteresis %u stable ticks %llu of %llu\n",
		f->tick, f->cur, f->last, f->inertia, f->hysteresis,
		f->stable, f->need);
}

static unsigned long long ticks_needed(unsigned int counter)
{
	return counter ? counter : 1;
}

static void fuzz_frontswap(struct fuzz_input *in)
{
	static struct fuzz_frontswap f;
	struct frontswap_shrink_state st;
	unsigned long target, shrunk_to = 0, small;
	unsigned int h_eff;
	uint8_t op;
	bool shrink, want;

	memset(&f, 0, sizeof(f));
	f.inertia = take_uint(in);
	f.hysteresis = take_uint(in);
	st.last_pages = take_ulong(in);
	f.last = st.last_pages;
	if (take_u8(in) & 1) {
		/* as the driver starts: a reset countdown */
		frontswap_shrink_reset(&st, f.inertia);
		FUZZ_CHECK(st.inertia_counter == f.inertia, "reset");
	} else {
		/* any state, e.g. a zeroed one */
		st.inertia_counter = take_uint(in);
	}
	f.need = ticks_needed(st.inertia_counter);
	fuzz_dump = dump_frontswap;
	fuzz_dump_arg = &f;

	while (in->size && f.tick < FUZZ_MAX_TICKS) {
		op = take_u8(in);
		if (op & 0x80)
			f.hysteresis = take_uint(in);
		switch (op & 7) {
		case 0:
		case 1:
			f.cur = f.last;
			break;
		case 2:
			small = take_u8(in) + 1UL;
			f.cur = f.last > small ? f.last - small : 0;
			break;
		case 3:
			small = take_u8(in) + 1UL;
			f.cur = f.last < ULONG_MAX - small ? f.last + small :
							      ULONG_MAX;
			break;
		case 4:
			f.cur = 0;
			break;
		case 5:
			f.cur = take_ulong(in);
			break;
		case 6:
			/* frontswap did shrink as asked */
			f.cur = shrunk_to;
			break;
		default:
			/* frontswap_inertia written: the countdown restarts */
			if (op & 0x40)
				f.inertia = take_uint(in);
			frontswap_shrink_reset(&st, f.inertia);
			FUZZ_CHECK(st.inertia_counter == f.inertia &&
				   st.last_pages == f.last, "reset");
			f.stable = 0;
			f.need = ticks_needed(f.inertia);
			continue;
		}
		f.tick++;

		target = FUZZ_UNTOUCHED;
		shrink = frontswap_shrink_decide(&st, f.cur, f.inertia,
						 f.hysteresis, &target);
		if (!f.cur || f.cur > f.last) {
			/* growth or empty: the countdown restarts */
			want = false;
			f.stable = 0;
			f.need = ticks_needed(f.inertia);
		} else {
			want = ++f.stable == f.need;
		}
		FUZZ_CHECK(shrink == want, "shrink %d, want %d", shrink, want);
		FUZZ_CHECK(st.last_pages == f.cur, "last_pages %lu",
			   st.last_pages);
		if (shrink) {
			h_eff = f.hysteresis ? f.hysteresis : 1;
			FUZZ_CHECK(target < f.cur, "target %lu not below %lu",
				   target, f.cur);
			FUZZ_CHECK(target == (f.cur <= h_eff ? 0 :
					      f.cur - f.cur / h_eff),
				   "target %lu", target);
			shrunk_to = target;
			f.stable = 0;
			f.need = ticks_needed(f.inertia);
		} else {
			FUZZ_CHECK(target == FUZZ_UNTOUCHED,
				   "no shrink, but target written: %lu", target);
		}
		/* the countdown left, as the state holds it */
		if (shrink || !f.stable)
			FUZZ_CHECK(st.inertia_counter == f.inertia,
				   "counter %u after a restart",
				   st.inertia_counter);
		else
			FUZZ_CHECK(st.inertia_counter == f.need - f.stable,
				   "counter %u", st.inertia_counter);
		f.last = f.cur;
	}
	fuzz_dump = NULL;
}

/*
 * libFuzzer's entry point.  Its name (LLVMFuzzer...) is CamelCase, which
 * checkpatch refuses in the project's .c files: tools/Makefile links it to
 * this function (--defsym).
 */
int policy_fuzz_one_input(const uint8_t *data, size_t size);

int policy_fuzz_one_input(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { .data = data, .size = size };

	switch (take_u8(&in) % 4) {
	case 0:
		fuzz_decide(&in);
		break;
	case 1:
		fuzz_parse_tunable(&in);
		break;
	case 2:
		fuzz_parse_bool(&in);
		break;
	default:
		fuzz_frontswap(&in);
		break;
	}
	return 0;
}
