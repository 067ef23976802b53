// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the selfballoon policy (selfballoon-policy.c and
 * frontswap-shrink.c, compiled unchanged against tools/include/).
 *
 * The first input byte picks what is fuzzed; the rest feeds it:
 *
 *   0  selfballoon_decide() on a random sample and random tunables (any
 *      unsigned value, also outside the sysfs ranges), the toolstack's
 *      target and held cuts, and the helpers it is made of on the same
 *      numbers;
 *   1  selfballoon_parse_tunable() on a random id and random bytes;
 *   2  selfballoon_parse_bool() on random bytes;
 *   3  frontswap_shrink_decide() over a random sequence of ticks;
 *   4  selfballoon_pressure_decide() over a random sequence of samples,
 *      tunables, early and held ticks, from a reset or from any state;
 *   5  selfballoon_parse_policy() on random bytes.
 *
 * Every result is compared with a reference computed here in a wider type
 * (__int128, so that nothing can wrap) or, for the parsers, with a model of
 * kstrtouint() built on the C library's strtoull(); a difference, or a
 * broken invariant, prints the input's meaning and abort()s, and libFuzzer
 * saves the input as a crash file.  Invariants, besides exact equality:
 *
 * - decide and pressure: with limit = max_pfn, or the toolstack's target
 *   if lower, in totalram terms: floor <= limit and floor is upstream's
 *   curve held to it; target >= floor (so >= the curve unless a limit is
 *   below it); target <= limit; with held cuts or an early tick, target
 *   >= min(current, limit): no cut but to obey a limit; the step lies
 *   between current and goal inclusive and moves by exactly
 *   |goal - current| / hysteresis; the floor never falls as max_pfn grows;
 * - pressure: min_reserve <= reserve <= max(max_pfn, min_reserve) (pages),
 *   in the decision and in the state; the state remembers this tick's
 *   counters and time; the same inputs (sample, tunables, state) give the
 *   same decision and state, run twice;
 * - parse: success only for ^\+?[0-9]+\n?$ with a value in the range the
 *   documentation gives (checked against selfballoon_tunables[] too), and
 *   then *val is that value; on any error *val is untouched; a policy only
 *   for "committed" or "pressure" with at most one trailing newline;
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
/* Longest frontswap or pressure sequence, in ticks. */
#define FUZZ_MAX_TICKS		4096
/* SELFBALLOON_PRESSURE_CALM_TICKS, as documented. */
#define FUZZ_CALM_TICKS		2

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

static void dump_sample(const struct selfballoon_sample *s)
{
	const struct selfballoon_pressure_counters *c = &s->counters;

	fprintf(stderr,
		"    sample: committed %lu totalram %lu balloon_current %lu totalreserve %lu max_pfn %lu frontswap %lu\n"
		"            toolstack %lu available %lu shmem %lu time_us %llu\n"
		"            refault %lu swapin %lu swapout %lu scan %lu steal %lu stall_us %llu\n",
		s->committed_pages, s->totalram_pages,
		s->balloon_current_pages, s->totalreserve_pages,
		s->max_pfn, s->frontswap_pages, s->toolstack_target_pages,
		s->available_pages, s->shmem_pages,
		(unsigned long long)s->time_us, c->refault_pages,
		c->swapin_pages, c->swapout_pages, c->scan_pages,
		c->steal_pages, (unsigned long long)c->stall_us);
}

static void dump_params(const struct selfballoon_params *p)
{
	fprintf(stderr,
		"    params: down %u up %u reserved_mb %u min_usable_mb %u min_reserve_mb %u hold_cuts %d early %d\n",
		p->downhysteresis, p->uphysteresis, p->reserved_mb,
		p->min_usable_mb, p->min_reserve_mb, (int)p->hold_cuts,
		(int)p->early);
}

static void dump_decision(const struct selfballoon_decision *d)
{
	fprintf(stderr,
		"    decision: goal %lu floor %lu target %lu balloon %lu used %lu reserve %lu pressure %u\n"
		"              action %d floor_hit %d limit_hit %d cut_held %d\n",
		d->goal_pages, d->floor_pages, d->target_pages,
		d->balloon_target_pages, d->used_pages, d->reserve_pages,
		d->pressure, (int)d->action, (int)d->floor_hit,
		(int)d->limit_hit, (int)d->cut_held);
}

static void dump_decide(const void *arg)
{
	const struct fuzz_decide *f = arg;

	dump_sample(&f->s);
	dump_params(&f->p);
	dump_decision(&f->d);
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

/**
 * struct fuzz_end - what the end of a tick must give, for either policy
 * @limit: max_pfn, or the toolstack's target if lower, in totalram terms.
 * @floor: upstream's curve (or min_usable_mb), held to @limit.
 * @target: the final target.
 * @balloon: @target in balloon terms.
 * @floor_hit: the step was below @floor.
 * @limit_hit: the target was lowered to @limit.
 * @cut_held: a cut was held at current.
 */
struct fuzz_end {
	unsigned long limit;
	unsigned long floor;
	unsigned long target;
	unsigned long balloon;
	bool floor_hit;
	bool limit_hit;
	bool cut_held;
};

/*
 * The end of a tick, as the policy documents it: the step raised to the
 * floor, held at current if cuts are held, lowered to the limits; the
 * floor is held to the limits.  Each limit is its balloon value less the
 * pages outside totalram.
 */
static void ref_end(const struct selfballoon_sample *s, unsigned int min_usable_mb,
		    bool hold, __int128 step, struct fuzz_end *e)
{
	__int128 cur = s->totalram_pages;
	__int128 outside = wide_max((__int128)s->balloon_current_pages - cur, 0);
	__int128 limit = wide_max((__int128)s->max_pfn - outside, 0);
	__int128 floor, tgt;

	if (s->toolstack_target_pages)
		limit = wide_min(limit,
				 wide_max((__int128)s->toolstack_target_pages -
					  outside, 0));
	floor = wide_min(ref_floor(s->max_pfn, s->totalreserve_pages,
				   min_usable_mb), limit);
	e->floor_hit = step < floor;
	tgt = wide_max(step, floor);
	e->cut_held = hold && tgt < cur;
	if (e->cut_held)
		tgt = cur;
	e->limit_hit = tgt > limit;
	tgt = wide_min(tgt, limit);
	e->limit = to_ulong(limit);
	e->floor = to_ulong(floor);
	e->target = to_ulong(tgt);
	e->balloon = to_ulong(tgt + s->balloon_current_pages -
			      s->totalram_pages);
}

/*
 * The decision's end against the reference, and the invariants that
 * follow from it whatever the goal: floor <= limit <= max_pfn, floor <=
 * target <= limit, the floor at upstream's curve unless a limit is below
 * it, no cut but to obey a limit when cuts are held, the action.
 */
static void check_end(const struct selfballoon_sample *s,
		      unsigned int min_usable_mb, bool hold, __int128 step,
		      const struct selfballoon_decision *d)
{
	unsigned long cur = s->totalram_pages;
	unsigned long curve = to_ulong(ref_floor(s->max_pfn,
						 s->totalreserve_pages,
						 min_usable_mb));
	struct fuzz_end e;

	ref_end(s, min_usable_mb, hold, step, &e);
	FUZZ_CHECK(d->floor_pages == e.floor, "floor: want %lu", e.floor);
	FUZZ_CHECK(d->floor_pages <= s->max_pfn, "floor above max_pfn");
	FUZZ_CHECK(d->floor_pages <= e.limit, "floor above the limit %lu",
		   e.limit);
	FUZZ_CHECK(d->floor_pages == curve || curve > e.limit,
		   "floor %lu off the curve %lu under the limit %lu",
		   d->floor_pages, curve, e.limit);
	FUZZ_CHECK(d->floor_hit == e.floor_hit, "floor_hit: step %lu",
		   to_ulong(step));
	FUZZ_CHECK(d->target_pages == e.target, "target: want %lu", e.target);
	FUZZ_CHECK(d->target_pages <= e.limit, "target above the limit %lu",
		   e.limit);
	FUZZ_CHECK(d->target_pages >= d->floor_pages, "target below the floor");
	FUZZ_CHECK(d->target_pages >= curve || curve > e.limit,
		   "target below the floor curve %lu under the limit %lu",
		   curve, e.limit);
	if (hold)
		FUZZ_CHECK(d->target_pages >= min(cur, e.limit),
			   "cuts held, yet cut from %lu (limit %lu)", cur,
			   e.limit);
	FUZZ_CHECK(d->cut_held == e.cut_held, "cut_held");
	FUZZ_CHECK(d->limit_hit == e.limit_hit, "limit_hit");
	FUZZ_CHECK(d->action == (e.target > cur ? SELFBALLOON_RAISE :
				 e.target < cur ? SELFBALLOON_CUT :
						  SELFBALLOON_HOLD),
		   "action: target %lu from %lu", e.target, cur);
	FUZZ_CHECK(d->balloon_target_pages == e.balloon, "balloon target: want %lu",
		   e.balloon);
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
	/* 2% of the MiB, at least 1 */
	FUZZ_CHECK(selfballoon_auto_min_reserve_mb(a) ==
		   wide_max(wide_min((a >> FUZZ_MIB_SHIFT) / 50, FUZZ_MAX_MB), 1),
		   "auto_min_reserve_mb(%lu)", a);

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
	unsigned long cur, goal, floor, next_floor;
	__int128 step;

	memset(&f, 0, sizeof(f));
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
	/* since the toolstack's target and held cuts: read after the rest */
	f.s.toolstack_target_pages = take_ulong(in);
	f.p.hold_cuts = take_u8(in) & 1;
	f.s.available_pages = take_ulong(in);
	memset(&f.d, 0xa5, sizeof(f.d));
	fuzz_dump = dump_decide;
	fuzz_dump_arg = &f;

	selfballoon_decide(s, p, &f.d);

	cur = s->totalram_pages;
	/* the frontswap pages are written back, not given room in the goal */
	goal = to_ulong((__int128)s->committed_pages + s->totalreserve_pages +
			ref_mb_to_pages(p->reserved_mb));
	FUZZ_CHECK(d->goal_pages == goal, "goal: want %lu", goal);
	FUZZ_CHECK(d->reserve_pages == to_ulong(ref_mb_to_pages(p->reserved_mb)),
		   "reserve");
	FUZZ_CHECK(d->used_pages == cur - min(s->available_pages, cur), "used");
	FUZZ_CHECK(d->pressure == 0, "pressure %u in the committed policy",
		   d->pressure);

	step = ref_step(cur, goal, p->downhysteresis, p->uphysteresis);
	check_end(s, p->min_usable_mb, p->hold_cuts, step, d);

	/* the floor never falls when the guest grows by a page */
	floor = selfballoon_floor_pages(s->max_pfn, s->totalreserve_pages,
					p->min_usable_mb);
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

/* ---- selfballoon_pressure_decide(), selfballoon_pressure_reasons() ---- */

/**
 * struct fuzz_pressure - a pressure tick, for the messages
 * @tick: its number.
 * @s: the sample.
 * @p: the tunables.
 * @before: the state before the tick.
 * @d: the decision.
 */
struct fuzz_pressure {
	unsigned int tick;
	struct selfballoon_sample s;
	struct selfballoon_params p;
	struct selfballoon_pressure_state before;
	struct selfballoon_decision d;
};

static void dump_pressure(const void *arg)
{
	const struct fuzz_pressure *f = arg;
	const struct selfballoon_pressure_state *b = &f->before;

	fprintf(stderr, "    tick %u\n", f->tick);
	dump_sample(&f->s);
	dump_params(&f->p);
	fprintf(stderr,
		"    state before: reserve %lu calm %u primed %d time_us %llu\n"
		"            refault %lu swapin %lu swapout %lu scan %lu steal %lu stall_us %llu\n",
		b->reserve_pages, b->calm_ticks, (int)b->primed,
		(unsigned long long)b->last_time_us, b->last.refault_pages,
		b->last.swapin_pages, b->last.swapout_pages,
		b->last.scan_pages, b->last.steal_pages,
		(unsigned long long)b->last.stall_us);
	dump_decision(&f->d);
}

/* how much a counter grew, exact; a counter that went back did not grow */
static __int128 ref_growth(unsigned long long now, unsigned long long last)
{
	return wide_max((__int128)now - last, 0);
}

/* selfballoon_pressure_reasons(), as its kernel-doc states it */
static unsigned int ref_reasons(const struct selfballoon_pressure_counters *now,
				const struct selfballoon_pressure_counters *last,
				unsigned long long elapsed_us)
{
	const __int128 mib = ref_mb_to_pages(1);
	__int128 scan = ref_growth(now->scan_pages, last->scan_pages);
	__int128 steal = ref_growth(now->steal_pages, last->steal_pages);
	__int128 stall = ref_growth(now->stall_us, last->stall_us);
	unsigned int r = 0;

	if (ref_growth(now->refault_pages, last->refault_pages) >= mib)
		r |= SELFBALLOON_PRESSURE_REFAULT;
	if (ref_growth(now->swapin_pages, last->swapin_pages) >= mib)
		r |= SELFBALLOON_PRESSURE_SWAPIN;
	if (ref_growth(now->swapout_pages, last->swapout_pages) >= mib)
		r |= SELFBALLOON_PRESSURE_SWAPOUT;
	/* scanned 1 MiB or more and freed less than a quarter of it */
	if (scan >= mib && steal * 4 < scan - scan % 4)
		r |= SELFBALLOON_PRESSURE_SCAN;
	/* stalled for a tenth of the time between the ticks, or more */
	if (stall && stall * 10 >= (__int128)elapsed_us - elapsed_us % 10)
		r |= SELFBALLOON_PRESSURE_STALL;
	return r;
}

/*
 * A counter moved on by a tick: mostly small growth (held at ULONG_MAX,
 * the wrap is the "anything" case), sometimes anything.
 */
static unsigned long long next_counter(struct fuzz_input *in,
				       unsigned long long v, uint8_t how)
{
	switch (how & 3) {
	case 0:
		return v;
	case 1:
		/* up to 1023 pages or microseconds: around the 1 MiB line */
		return to_ulong((__int128)v + (take_raw(in, 2) & 1023));
	case 2:
		return to_ulong((__int128)v + take_ulong(in));
	default:
		/* anything, backwards too */
		return take_ulong(in);
	}
}

static void fuzz_pressure(struct fuzz_input *in)
{
	static struct fuzz_pressure f;
	struct selfballoon_sample *s = &f.s;
	struct selfballoon_params *p = &f.p;
	struct selfballoon_pressure_counters *c = &s->counters;
	struct selfballoon_pressure_state st, again;
	struct selfballoon_decision d2;
	unsigned long min_reserve, full, want_reserve;
	unsigned int want_pressure, want_calm;
	unsigned long long elapsed;
	__int128 reserve, used, goal, step;
	uint8_t op;

	memset(&f, 0, sizeof(f));
	s->committed_pages = take_ulong(in);
	s->totalram_pages = take_ulong(in);
	s->balloon_current_pages = take_ulong(in);
	s->totalreserve_pages = take_ulong(in);
	s->max_pfn = take_ulong(in);
	s->toolstack_target_pages = take_ulong(in);
	s->available_pages = take_ulong(in);
	p->downhysteresis = take_uint(in);
	p->uphysteresis = take_uint(in);
	p->reserved_mb = take_uint(in);
	p->min_usable_mb = take_uint(in);
	p->min_reserve_mb = take_uint(in);
	p->hold_cuts = take_u8(in) & 1;
	if (take_u8(in) & 1) {
		/* as the driver starts, or switches policy: a reset */
		selfballoon_pressure_reset(&st, p->reserved_mb);
		FUZZ_CHECK(!st.primed && !st.calm_ticks &&
			   st.reserve_pages ==
			   to_ulong(ref_mb_to_pages(p->reserved_mb)),
			   "reset: reserve %lu", st.reserve_pages);
	} else {
		/* any state */
		memset(&st, 0, sizeof(st));
		st.reserve_pages = take_ulong(in);
		st.calm_ticks = take_u8(in) % (FUZZ_CALM_TICKS + 2);
		st.primed = take_u8(in) & 1;
		st.last_time_us = take_ulong(in);
		st.last.refault_pages = take_ulong(in);
		st.last.swapin_pages = take_ulong(in);
		st.last.swapout_pages = take_ulong(in);
		st.last.scan_pages = take_ulong(in);
		st.last.steal_pages = take_ulong(in);
		st.last.stall_us = take_ulong(in);
	}
	*c = st.last;
	s->time_us = st.last_time_us;
	fuzz_dump = dump_pressure;
	fuzz_dump_arg = &f;

	while (in->size && f.tick < FUZZ_MAX_TICKS) {
		op = take_u8(in);
		if (op & 0x80) {
			/* tunables written between the ticks */
			p->downhysteresis = take_uint(in);
			p->uphysteresis = take_uint(in);
			p->reserved_mb = take_uint(in);
			p->min_reserve_mb = take_uint(in);
		}
		if (op & 0x40) {
			/* the guest's size and use changed */
			s->max_pfn = take_ulong(in);
			s->totalreserve_pages = take_ulong(in);
			s->toolstack_target_pages = take_ulong(in);
		}
		p->early = op & 1;
		s->available_pages = (op & 2) ? take_ulong(in) :
					       s->available_pages;
		s->time_us = next_counter(in, s->time_us, op >> 2);
		op = take_u8(in);
		c->refault_pages = next_counter(in, c->refault_pages, op);
		c->swapin_pages = next_counter(in, c->swapin_pages, op >> 2);
		c->swapout_pages = next_counter(in, c->swapout_pages, op >> 4);
		c->scan_pages = next_counter(in, c->scan_pages, op >> 6);
		op = take_u8(in);
		c->steal_pages = next_counter(in, c->steal_pages, op);
		c->stall_us = next_counter(in, c->stall_us, op >> 2);
		f.tick++;

		/* the model, from the state before the tick */
		min_reserve = to_ulong(ref_mb_to_pages(p->min_reserve_mb));
		full = to_ulong(ref_mb_to_pages(p->reserved_mb));
		elapsed = s->time_us > st.last_time_us ?
			  s->time_us - st.last_time_us : 0;
		want_pressure = st.primed ? ref_reasons(c, &st.last, elapsed) : 0;
		/* the sum saturates, as every page count in the policy does */
		if ((__int128)s->available_pages <
		    to_ulong((__int128)s->totalreserve_pages +
			     st.reserve_pages) / 2)
			want_pressure |= SELFBALLOON_PRESSURE_SHORT;
		reserve = st.reserve_pages;
		want_calm = st.calm_ticks;
		if (want_pressure) {
			reserve = wide_max(2 * reserve, full);
			want_calm = 0;
		} else if (st.primed && !p->early) {
			if (want_calm < FUZZ_CALM_TICKS)
				want_calm++;
			else if (reserve > min_reserve)
				reserve -= (reserve - min_reserve) /
					   (p->downhysteresis ?
					    p->downhysteresis : 1);
		}
		reserve = wide_max(wide_min(to_ulong(reserve), s->max_pfn),
				   min_reserve);
		want_reserve = to_ulong(reserve);
		used = s->totalram_pages -
		       wide_min(s->available_pages, s->totalram_pages);
		goal = to_ulong(used + s->totalreserve_pages + reserve);
		step = ref_step(s->totalram_pages, to_ulong(goal),
				p->downhysteresis,
				want_pressure ? 1 : p->uphysteresis);

		f.before = st;
		again = st;
		memset(&f.d, 0xa5, sizeof(f.d));
		selfballoon_pressure_decide(s, p, &st, &f.d);

		FUZZ_CHECK(f.d.pressure == want_pressure, "pressure %#x, want %#x",
			   f.d.pressure, want_pressure);
		if (f.before.primed)
			FUZZ_CHECK((selfballoon_pressure_reasons(c, &f.before.last,
								 elapsed) |
				    SELFBALLOON_PRESSURE_SHORT) ==
				   (want_pressure | SELFBALLOON_PRESSURE_SHORT),
				   "reasons");
		FUZZ_CHECK(f.d.reserve_pages == want_reserve,
			   "reserve %lu, want %lu", f.d.reserve_pages,
			   want_reserve);
		FUZZ_CHECK(f.d.reserve_pages >= min_reserve &&
			   f.d.reserve_pages <= max(s->max_pfn, min_reserve),
			   "reserve %lu outside [%lu, max(%lu, %lu)]",
			   f.d.reserve_pages, min_reserve, s->max_pfn,
			   min_reserve);
		FUZZ_CHECK(f.d.used_pages == to_ulong(used), "used");
		FUZZ_CHECK(f.d.goal_pages == to_ulong(goal), "goal: want %lu",
			   to_ulong(goal));
		check_end(s, p->min_usable_mb, p->hold_cuts || p->early, step,
			  &f.d);
		/* the state: this tick's counters, time and reserve */
		FUZZ_CHECK(st.primed, "not primed after a tick");
		FUZZ_CHECK(st.reserve_pages == want_reserve, "state reserve");
		FUZZ_CHECK(st.calm_ticks == want_calm, "calm %u, want %u",
			   st.calm_ticks, want_calm);
		FUZZ_CHECK(st.last_time_us == s->time_us, "state time");
		FUZZ_CHECK(!memcmp(&st.last, c, sizeof(*c)), "state counters");
		/* the same inputs give the same answer */
		memset(&d2, 0xa5, sizeof(d2));
		selfballoon_pressure_decide(s, p, &again, &d2);
		FUZZ_CHECK(!memcmp(&d2, &f.d, sizeof(d2)) &&
			   again.reserve_pages == st.reserve_pages &&
			   again.calm_ticks == st.calm_ticks,
			   "a second run differs");

		/* the balloon follows: next tick starts at this target */
		s->balloon_current_pages = f.d.balloon_target_pages;
		s->totalram_pages = f.d.target_pages;
	}
	fuzz_dump = NULL;
}

/* ---- selfballoon_parse_policy() ---- */

static void fuzz_parse_policy(struct fuzz_input *in)
{
	char *buf = take_text(in);
	size_t len = strlen(buf);
	enum selfballoon_policy val = (enum selfballoon_policy)FUZZ_UNTOUCHED;
	int want = -1, err;

	fuzz_dump = dump_text;
	fuzz_dump_arg = buf;
	/* one name, then at most one '\n' (the text ends at its first NUL) */
	if (len && buf[len - 1] == '\n')
		len--;
	if (len == strlen("committed") && !memcmp(buf, "committed", len))
		want = SELFBALLOON_POLICY_COMMITTED;
	else if (len == strlen("pressure") && !memcmp(buf, "pressure", len))
		want = SELFBALLOON_POLICY_PRESSURE;
	FUZZ_CHECK(!strcmp(selfballoon_policy_names[SELFBALLOON_POLICY_COMMITTED],
			   "committed") &&
		   !strcmp(selfballoon_policy_names[SELFBALLOON_POLICY_PRESSURE],
			   "pressure"), "policy names");
	err = selfballoon_parse_policy(buf, &val);
	if (want < 0) {
		FUZZ_CHECK(err == -EINVAL, "policy: errno %d, want -EINVAL", err);
		FUZZ_CHECK((unsigned int)val == FUZZ_UNTOUCHED,
			   "policy: error wrote %d", (int)val);
	} else {
		FUZZ_CHECK(!err && (int)val == want, "policy: errno %d value %d, want %d",
			   err, (int)val, want);
	}
	fuzz_dump = NULL;
	free(buf);
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

	switch (take_u8(&in) % 6) {
	case 0:
		fuzz_decide(&in);
		break;
	case 1:
		fuzz_parse_tunable(&in);
		break;
	case 2:
		fuzz_parse_bool(&in);
		break;
	case 3:
		fuzz_frontswap(&in);
		break;
	case 4:
		fuzz_pressure(&in);
		break;
	default:
		fuzz_parse_policy(&in);
		break;
	}
	return 0;
}
