// SPDX-License-Identifier: GPL-2.0
/*
 * selfballoon-sim: replay memory traces through selfballooning policies.
 *
 * The policies are built from selfballoon-policy.c, compiled unchanged
 * against tools/include/ (the same file the module builds):
 *
 *   driver     this driver: selfballoon_decide() with the automatic
 *              reserve (selfballoon_auto_reserved_mb()) and the max_pfn
 *              limit;
 *   linux-5.2  upstream's final arithmetic (Linux 3.2 to 5.2): the same
 *              goal, step and floor functions, without the max_pfn limit
 *              and with upstream's own reserve rounding;
 *   linux-3.1  the seed: goal = Committed_AS in balloon terms, no reserve,
 *              no floor, the step taken from balloon_stats.current_pages;
 *   oracle     the target set to the demand at every tick.
 *
 * The two historical policies call the shared functions with other
 * arguments; the few lines they need beyond that are marked "model of
 * history" below and are not a second copy of the driver's policy.
 *
 * The model of the guest, of demand and of the balloon is described in
 * Documentation/xen-selfballoon-performance.rst and in usage() below.
 * Output: one CSV row per trace and policy on standard output; with
 * --timeline DIR also one CSV per trace of what each policy held over
 * time; with --replay, a tick-by-tick comparison of selfballoon_decide()
 * with what the driver did in a recorded run (a "driver trace", made by
 * tools/selfballoon-tracecsv from the selfballoon_tick trace event).
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <asm/page.h>

#include "selfballoon-policy.h"

#define KB_SHIFT	(PAGE_SHIFT - 10)
#define PAGES_PER_MIB	(1024UL >> KB_SHIFT)
/* A raise counts as reached within 1 MiB of its goal. */
#define REACH_SLACK	PAGES_PER_MIB
/* Host traces: the baseline is the least Committed_AS of this first span. */
#define BASELINE_S	10
/* Warm-up ticks at most, to settle each policy on the first sample. */
#define WARMUP_TICKS	10000

enum sim_policy {
	SIM_ORACLE,
	SIM_V31,
	SIM_V52,
	SIM_DRIVER,
	SIM_NR_POLICIES,
};

static const char * const sim_policy_names[SIM_NR_POLICIES] = {
	[SIM_ORACLE] = "oracle",
	[SIM_V31] = "linux-3.1",
	[SIM_V52] = "linux-5.2",
	[SIM_DRIVER] = "driver",
};

/* One parsed trace: samples, and for a driver trace the recorded ticks. */
struct trace {
	const char *path;
	const char *name;
	size_t n;
	double *t;
	unsigned long *committed;	/* pages */
	/* driver traces only (NULL otherwise), pages */
	unsigned long *totalram, *balloon_current, *totalreserve, *max_pfn;
	unsigned long *frontswap;	/* 0 where the trace has no column */
	unsigned long *goal, *floor, *target, *balloon_target;
	/* "# params:" of a driver trace; -1 where absent */
	long down, up, reserved_mb, min_usable_mb, interval_s;
};

/* Command line settings; -1 means "not given". */
struct options {
	long down, up, reserved_mb, min_usable_mb;
	double interval_s;
	long guest_mb, base_mb, offset_mb, totalreserve_mb;
	unsigned int policies;		/* bit mask of enum sim_policy */
	const char *timeline_dir;
	bool replay;
};

/* The simulated guest, in pages. */
struct guest {
	unsigned long max_pfn;		/* its pseudo-physical size */
	unsigned long offset;		/* balloon current - totalram */
	unsigned long totalreserve;
	unsigned long base;		/* host traces: added to the demand */
	unsigned long baseline;		/* host traces: taken from it */
	bool host;			/* demand is relative to the baseline */
};

/* What one policy decided at one tick. */
struct tick_out {
	unsigned long goal;		/* totalram terms */
	unsigned long target;		/* totalram terms */
	unsigned long balloon_target;	/* balloon terms */
};

/* The metrics of one trace under one policy. */
struct metrics {
	unsigned long ticks;
	double span_s;
	double excess_mib_s;
	double shortfall_mib_s;
	double worst_mib;
	unsigned long raises, raise_ticks_sum, raise_ticks_max;
	unsigned long churn_n;
	double churn_mib;
};

static __noreturn __printf(1, 2) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("selfballoon-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

static double pages_to_mib(double pages)
{
	return pages / PAGES_PER_MIB;
}

static unsigned long kb_to_pages(unsigned long kb)
{
	return kb >> KB_SHIFT;
}

/* ---- the policies ------------------------------------------------------ */

/* this driver: selfballoon_decide() itself */
static void policy_driver(const struct selfballoon_sample *s,
			  const struct selfballoon_params *p,
			  struct tick_out *o)
{
	struct selfballoon_decision d;

	selfballoon_decide(s, p, &d);
	o->goal = d.goal_pages;
	o->target = d.target_pages;
	o->balloon_target = d.balloon_target_pages;
}

/*
 * Model of history: Linux 3.2 to 5.2 (the final upstream version).  Its
 * goal, step, floor curve and conversion are the shared functions; what
 * differs is what it did not have: no limit at max_pfn on the target, and
 * a floor of totalreserve + min_usable_mb that was not held to max_pfn.
 * The caller passes upstream's reserve (see v52_reserved_mb()).
 */
static void policy_v52(const struct selfballoon_sample *s,
		       const struct selfballoon_params *p, struct tick_out *o)
{
	unsigned long tgt, floor;

	o->goal = selfballoon_goal_pages(s->committed_pages,
					 s->totalreserve_pages,
					 selfballoon_mb_to_pages(p->reserved_mb),
					 s->frontswap_pages);
	tgt = selfballoon_step_pages(s->totalram_pages, o->goal,
				     p->downhysteresis, p->uphysteresis);
	if (p->min_usable_mb)	/* model of history: not held to max_pfn */
		floor = s->totalreserve_pages +
			selfballoon_mb_to_pages(p->min_usable_mb);
	else
		floor = selfballoon_floor_pages(s->max_pfn,
						s->totalreserve_pages, 0);
	o->target = max(tgt, floor);
	o->balloon_target = selfballoon_to_balloon_pages(o->target,
							 s->balloon_current_pages,
							 s->totalram_pages);
}

/*
 * Model of history: upstream's automatic reserve, PAGES2MB(totalram / 10)
 * (this driver takes 10% of the MiB, selfballoon_auto_reserved_mb()).
 */
static unsigned int v52_reserved_mb(unsigned long totalram)
{
	return (totalram / 10) / PAGES_PER_MIB;
}

/*
 * Model of history: Linux 3.1, the seed.  goal = Committed_AS +
 * balloon_stats.current_pages - totalram_pages (the conversion that
 * selfballoon_to_balloon_pages() makes), no reserve, no floor; the step
 * starts from balloon_stats.current_pages and its result is the balloon
 * target as it is.
 */
static void policy_v31(const struct selfballoon_sample *s,
		       const struct selfballoon_params *p, struct tick_out *o)
{
	unsigned long goal_b, offset;

	o->goal = selfballoon_goal_pages(s->committed_pages, 0, 0,
					 s->frontswap_pages);
	goal_b = selfballoon_to_balloon_pages(o->goal,
					      s->balloon_current_pages,
					      s->totalram_pages);
	o->balloon_target = selfballoon_step_pages(s->balloon_current_pages,
						   goal_b, p->downhysteresis,
						   p->uphysteresis);
	offset = s->balloon_current_pages - s->totalram_pages;
	o->target = o->balloon_target > offset ?
		    o->balloon_target - offset : 0;
}

/* the reference: the target is the demand the tick sees */
static void policy_oracle(const struct selfballoon_sample *s,
			  const struct selfballoon_params *p,
			  struct tick_out *o)
{
	o->goal = s->committed_pages;
	o->target = s->committed_pages;
	o->balloon_target = selfballoon_to_balloon_pages(o->target,
							 s->balloon_current_pages,
							 s->totalram_pages);
}

static void policy_tick(enum sim_policy policy,
			const struct selfballoon_sample *s,
			const struct selfballoon_params *p, struct tick_out *o)
{
	switch (policy) {
	case SIM_ORACLE:
		policy_oracle(s, p, o);
		break;
	case SIM_V31:
		policy_v31(s, p, o);
		break;
	case SIM_V52:
		policy_v52(s, p, o);
		break;
	default:
		policy_driver(s, p, o);
		break;
	}
}

/* ---- reading a trace ---------------------------------------------------- */

static long param_value(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	size_t len = strlen(key);

	if (!p || p[len] != '=')
		return -1;
	return strtol(p + len + 1, NULL, 10);
}

static void read_params(struct trace *tr, const char *line)
{
	long v;

	v = param_value(line, "downhysteresis");
	if (v >= 0)
		tr->down = v;
	v = param_value(line, "uphysteresis");
	if (v >= 0)
		tr->up = v;
	v = param_value(line, "reserved_mb");
	if (v >= 0)
		tr->reserved_mb = v;
	v = param_value(line, "min_usable_mb");
	if (v >= 0)
		tr->min_usable_mb = v;
	v = param_value(line, "interval_s");
	if (v >= 0)
		tr->interval_s = v;
}

/* the columns a trace may have; t_s and committed_kb are required */
enum trace_col {
	COL_T,
	COL_COMMITTED_KB,
	COL_EXCLUDED_KB,
	COL_TOTALRAM,
	COL_BALLOON_CURRENT,
	COL_TOTALRESERVE,
	COL_MAX_PFN,
	COL_FRONTSWAP,
	COL_GOAL,
	COL_FLOOR,
	COL_TARGET,
	COL_BALLOON_TARGET,
	COL_NR,
};

static const char * const col_names[COL_NR] = {
	"t_s", "committed_kb", "excluded_kb", "totalram_pages", "balloon_current_pages",
	"totalreserve_pages", "max_pfn", "frontswap_pages", "goal_pages",
	"floor_pages",
	"target_pages", "balloon_target_pages",
};

static unsigned long **trace_column(struct trace *tr, enum trace_col c)
{
	switch (c) {
	case COL_TOTALRAM:
		return &tr->totalram;
	case COL_BALLOON_CURRENT:
		return &tr->balloon_current;
	case COL_TOTALRESERVE:
		return &tr->totalreserve;
	case COL_MAX_PFN:
		return &tr->max_pfn;
	case COL_FRONTSWAP:
		return &tr->frontswap;
	case COL_GOAL:
		return &tr->goal;
	case COL_FLOOR:
		return &tr->floor;
	case COL_TARGET:
		return &tr->target;
	case COL_BALLOON_TARGET:
		return &tr->balloon_target;
	default:
		return NULL;
	}
}

static void parse_header(const char *path, char *line, int *map, int *ncols)
{
	char *tok, *save = NULL;
	int c;

	*ncols = 0;
	for (tok = strtok_r(line, ",\n", &save); tok;
	     tok = strtok_r(NULL, ",\n", &save), (*ncols)++) {
		map[*ncols] = -1;
		for (c = 0; c < COL_NR; c++)
			if (!strcmp(tok, col_names[c]))
				map[*ncols] = c;
		if (*ncols >= 63)
			die("%s: too many columns", path);
	}
}

static bool has_column(const int *map, int ncols, enum trace_col c)
{
	int i;

	for (i = 0; i < ncols; i++)
		if (map[i] == (int)c)
			return true;
	return false;
}

static void read_trace(struct trace *tr, const char *path)
{
	char line[4096];
	int map[64], ncols = -1, i;
	bool driver = false;
	size_t cap = 0;
	FILE *f;

	memset(tr, 0, sizeof(*tr));
	tr->path = path;
	tr->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	tr->down = -1;
	tr->up = -1;
	tr->reserved_mb = -1;
	tr->min_usable_mb = -1;
	tr->interval_s = -1;
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long committed_kb = 0, excluded_kb = 0;
		char *p = line, *end;

		if (line[0] == '#') {
			if (!strncmp(line, "# params:", 9))
				read_params(tr, line);
			continue;
		}
		if (line[0] == '\n')
			continue;
		if (ncols < 0) {
			parse_header(path, line, map, &ncols);
			if (!has_column(map, ncols, COL_T) ||
			    !has_column(map, ncols, COL_COMMITTED_KB))
				die("%s: no t_s or committed_kb column", path);
			driver = has_column(map, ncols, COL_BALLOON_TARGET);
			for (i = COL_TOTALRAM; driver && i < COL_NR; i++)
				if (!has_column(map, ncols, i) &&
				    i != COL_FRONTSWAP)
					die("%s: driver trace without %s",
					    path, col_names[i]);
			continue;
		}
		if (tr->n == cap) {
			cap = cap ? 2 * cap : 256;
			tr->t = xrealloc(tr->t, cap * sizeof(*tr->t));
			tr->committed = xrealloc(tr->committed,
						 cap * sizeof(*tr->committed));
			for (i = COL_TOTALRAM; driver && i < COL_NR; i++) {
				unsigned long **col = trace_column(tr, i);

				*col = xrealloc(*col, cap * sizeof(**col));
			}
			if (driver)
				memset(tr->frontswap + tr->n, 0,
				       (cap - tr->n) * sizeof(*tr->frontswap));
		}
		for (i = 0; i < ncols; i++) {
			double v = strtod(p, &end);

			if (end == p || (*end != ',' && *end != '\n' && *end))
				die("%s: line %zu: not a number", path,
				    tr->n + 1);
			if (map[i] == COL_T)
				tr->t[tr->n] = v;
			else if (map[i] == COL_COMMITTED_KB)
				committed_kb = v;
			else if (map[i] == COL_EXCLUDED_KB)
				excluded_kb = v;
			else if (map[i] >= 0 && driver)
				(*trace_column(tr, map[i]))[tr->n] =
					(unsigned long)v;
			p = *end ? end + 1 : end;
		}
		/* other guests' memory, recorded with selfballoon-record -x */
		tr->committed[tr->n] = kb_to_pages(committed_kb > excluded_kb ?
						   committed_kb - excluded_kb : 0);
		if (tr->n && tr->t[tr->n] <= tr->t[tr->n - 1])
			die("%s: time goes backwards at %.2f", path,
			    tr->t[tr->n]);
		tr->n++;
	}
	fclose(f);
	if (tr->n < 2)
		die("%s: fewer than two samples", path);
}

static bool is_driver_trace(const struct trace *tr)
{
	return tr->balloon_target;
}

/* ---- the simulation ---------------------------------------------------- */

static long pick(long option, long from_trace, long def)
{
	if (option >= 0)
		return option;
	if (from_trace >= 0)
		return from_trace;
	return def;
}

/*
 * The guest: a driver trace brings its own (first tick), a host trace is
 * put in a guest of --guest-mb with the workload's demand on top of
 * --base-mb.
 */
static void make_guest(const struct trace *tr, const struct options *o,
		       struct guest *g)
{
	long mb;
	size_t i;

	if (is_driver_trace(tr) && o->guest_mb < 0) {
		g->max_pfn = tr->max_pfn[0];
		g->offset = tr->balloon_current[0] - tr->totalram[0];
		g->totalreserve = tr->totalreserve[0];
		g->base = 0;
		g->baseline = 0;
		g->host = false;
		return;
	}
	mb = pick(o->guest_mb, -1, 4096);
	g->max_pfn = selfballoon_mb_to_pages(mb);
	/* fit to make bench's domU: 43 MiB fixed + the memory map, 1/64 */
	g->offset = selfballoon_mb_to_pages(pick(o->offset_mb, -1,
						 43 + mb / 64));
	/* and 2 x min_free_kbytes, 2 * sqrt(16 * KiB) KiB, for the reserve */
	if (o->totalreserve_mb >= 0)
		g->totalreserve = selfballoon_mb_to_pages(o->totalreserve_mb);
	else
		g->totalreserve = kb_to_pages(2 * sqrt(16.0 * (mb << 10)));
	g->base = selfballoon_mb_to_pages(pick(o->base_mb, -1, 256));
	g->host = !is_driver_trace(tr);
	/* the host's own commit: the least of the first BASELINE_S seconds */
	g->baseline = tr->committed[0];
	for (i = 1; i < tr->n && tr->t[i] - tr->t[0] < BASELINE_S; i++)
		g->baseline = min(g->baseline, tr->committed[i]);
}

/* the demand at sample i, in pages: what the guest commits */
static unsigned long demand_at(const struct trace *tr, const struct guest *g,
			       size_t i)
{
	if (!g->host)
		return tr->committed[i];
	if (tr->committed[i] <= g->baseline)
		return g->base;
	return g->base + tr->committed[i] - g->baseline;
}

struct sim_state {
	unsigned long cur;		/* balloon current (balloon terms) */
	unsigned long last_bt;		/* last balloon target */
	bool in_raise;
	unsigned long raise_start;
};

static void sim_sample(const struct guest *g, unsigned long cur,
		       unsigned long committed, struct selfballoon_sample *s)
{
	s->committed_pages = committed;
	s->totalram_pages = cur - g->offset;
	s->balloon_current_pages = cur;
	s->totalreserve_pages = g->totalreserve;
	s->max_pfn = g->max_pfn;
	s->frontswap_pages = 0;
}

/*
 * One tick: the policy decides from the current state, the balloon gets
 * there before the next tick, up to the guest's size (maxmem).
 */
static void sim_tick(enum sim_policy pol, const struct guest *g,
		     const struct selfballoon_params *p, struct sim_state *st,
		     unsigned long committed, struct tick_out *o)
{
	struct selfballoon_sample s;

	sim_sample(g, st->cur, committed, &s);
	policy_tick(pol, &s, p, o);
	st->cur = max(min(o->balloon_target, g->max_pfn), g->offset + 1);
}

/* one tick of the simulation, with its churn and raise bookkeeping */
static void sim_step(enum sim_policy pol, const struct guest *g,
		     const struct selfballoon_params *p, struct sim_state *st,
		     unsigned long committed, struct metrics *m)
{
	unsigned long before = st->cur - g->offset;
	unsigned long limit = g->max_pfn - g->offset;
	struct tick_out o;

	sim_tick(pol, g, p, st, committed, &o);
	m->ticks++;
	if (o.balloon_target != st->last_bt) {
		m->churn_n++;
		m->churn_mib += pages_to_mib(o.balloon_target > st->last_bt ?
					     o.balloon_target - st->last_bt :
					     st->last_bt - o.balloon_target);
		st->last_bt = o.balloon_target;
	}
	/* a goal the guest can hold, above what it held: a raise begins */
	if (!st->in_raise && min(o.goal, limit) > before + REACH_SLACK) {
		st->in_raise = true;
		st->raise_start = m->ticks;
		m->raises++;
	}
	if (st->in_raise && (o.target + REACH_SLACK >= min(o.goal, limit) ||
			     o.goal <= before)) {
		unsigned long n = m->ticks - st->raise_start + 1;

		m->raise_ticks_sum += n;
		m->raise_ticks_max = max(m->raise_ticks_max, n);
		st->in_raise = false;
	}
}

/*
 * Run one policy over a trace.  Ticks come every @interval seconds from
 * one interval after the first sample, or (@interval 0, driver traces) at
 * every sample, where the driver ticked.  Before the first sample the
 * policy is settled on the first sample's demand.  From the first tick on,
 * each sample's demand is compared with what the guest holds until the
 * next sample.  @held, if not NULL, gets what the guest held at each
 * sample (pages, totalram terms).
 */
static void simulate(const struct trace *tr, const struct guest *g,
		     enum sim_policy pol, const struct selfballoon_params *p,
		     double interval, struct metrics *m, double *held)
{
	struct sim_state st = { .cur = g->max_pfn };
	double next_tick = tr->t[0] + interval;
	struct tick_out o = { 0 };
	size_t i;
	int w;

	memset(m, 0, sizeof(*m));
	/* settle on the first sample's demand, as after a long idle time */
	st.last_bt = st.cur;
	for (w = 0; w < WARMUP_TICKS; w++) {
		sim_tick(pol, g, p, &st, demand_at(tr, g, 0), &o);
		if (o.balloon_target == st.last_bt)
			break;
		st.last_bt = o.balloon_target;
	}
	st.last_bt = o.balloon_target;

	for (i = 0; i < tr->n; i++) {
		double d, h, dt;

		if (interval <= 0) {
			sim_step(pol, g, p, &st, demand_at(tr, g, i), m);
		} else {
			while (next_tick <= tr->t[i]) {
				sim_step(pol, g, p, &st, demand_at(tr, g, i), m);
				next_tick += interval;
			}
		}
		h = st.cur - g->offset;
		if (held)
			held[i] = h;
		if (!m->ticks || i + 1 == tr->n)
			continue;	/* measured from the first tick on */
		dt = tr->t[i + 1] - tr->t[i];
		d = (double)demand_at(tr, g, i);
		m->span_s += dt;
		if (h > d) {
			m->excess_mib_s += pages_to_mib(h - d) * dt;
		} else {
			m->shortfall_mib_s += pages_to_mib(d - h) * dt;
			if (pages_to_mib(d - h) > m->worst_mib)
				m->worst_mib = pages_to_mib(d - h);
		}
	}
	if (st.in_raise) {	/* never reached: counts to the end */
		unsigned long n = m->ticks - st.raise_start + 1;

		m->raise_ticks_sum += n;
		m->raise_ticks_max = max(m->raise_ticks_max, n);
	}
}

static void params_for(const struct trace *tr, const struct options *o,
		       const struct guest *g, enum sim_policy pol,
		       struct selfballoon_params *p)
{
	unsigned long totalram0 = g->max_pfn - g->offset;
	long reserved = pick(o->reserved_mb, tr->reserved_mb, 0);

	p->downhysteresis = pick(o->down, tr->down, 8);
	p->uphysteresis = pick(o->up, tr->up, 1);
	p->min_usable_mb = pick(o->min_usable_mb, tr->min_usable_mb, 0);
	/* 0: the automatic reserve, from totalram when the driver starts */
	if (reserved)
		p->reserved_mb = reserved;
	else if (pol == SIM_V52)
		p->reserved_mb = v52_reserved_mb(totalram0);
	else
		p->reserved_mb = selfballoon_auto_reserved_mb(totalram0);
}

/* the columns of the CSV on standard output */
static const char * const out_columns[] = {
	"trace", "policy", "interval_s", "ticks", "excess_mib_mean",
	"shortfall_mib_s", "shortfall_worst_mib", "raises",
	"raise_ticks_mean", "raise_ticks_max", "churn_n", "churn_mib",
};

static void print_columns(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(out_columns); i++)
		printf("%s%c", out_columns[i],
		       i + 1 < ARRAY_SIZE(out_columns) ? ',' : '\n');
}

static void print_row(const struct trace *tr, enum sim_policy pol,
		      double interval, const struct metrics *m)
{
	printf("%s,%s,%.2f,%lu,%.1f,%.0f,%.1f,%lu,", tr->name,
	       sim_policy_names[pol], interval > 0 ? interval : m->span_s /
	       max(m->ticks - 1, 1UL), m->ticks,
	       m->span_s > 0 ? m->excess_mib_s / m->span_s : 0.0,
	       m->shortfall_mib_s, m->worst_mib, m->raises);
	if (m->raises)
		printf("%.2f,%lu,", (double)m->raise_ticks_sum / m->raises,
		       m->raise_ticks_max);
	else
		printf("-,-,");
	printf("%lu,%.0f\n", m->churn_n, m->churn_mib);
}

static void write_timeline(const struct trace *tr, const struct guest *g,
			   const char *dir, double **held)
{
	char path[4096];
	FILE *f;
	size_t i;
	int pol;

	snprintf(path, sizeof(path), "%s/%s", dir, tr->name);
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "# %s: demand and the memory each policy left the guest (totalram terms), MiB\n",
		tr->name);
	fprintf(f, "t_s,demand");
	for (pol = 0; pol < SIM_NR_POLICIES; pol++)
		if (held[pol])
			fprintf(f, ",%s", sim_policy_names[pol]);
	fputc('\n', f);
	for (i = 0; i < tr->n; i++) {
		fprintf(f, "%.2f,%.1f", tr->t[i] - tr->t[0],
			pages_to_mib(demand_at(tr, g, i)));
		for (pol = 0; pol < SIM_NR_POLICIES; pol++)
			if (held[pol])
				fprintf(f, ",%.1f", pages_to_mib(held[pol][i]));
		fputc('\n', f);
	}
	if (fclose(f))
		die("%s: %s", path, strerror(errno));
}

static void run_trace(const struct trace *tr, const struct options *o)
{
	double *held[SIM_NR_POLICIES] = { NULL };
	struct selfballoon_params p;
	struct metrics m;
	struct guest g;
	double interval;
	int pol;

	make_guest(tr, o, &g);
	/* a driver trace ticks where the driver did, unless told otherwise */
	if (o->interval_s > 0)
		interval = o->interval_s;
	else if (is_driver_trace(tr))
		interval = 0;
	else
		interval = pick(-1, tr->interval_s, 5);
	if (g.max_pfn <= g.offset + g.base)
		die("%s: the guest is smaller than its fixed parts", tr->name);
	for (pol = 0; pol < SIM_NR_POLICIES; pol++) {
		if (!(o->policies & (1U << pol)))
			continue;
		if (o->timeline_dir)
			held[pol] = xrealloc(NULL, tr->n * sizeof(double));
		params_for(tr, o, &g, pol, &p);
		simulate(tr, &g, pol, &p, interval, &m, held[pol]);
		print_row(tr, pol, interval, &m);
	}
	if (o->timeline_dir)
		write_timeline(tr, &g, o->timeline_dir, held);
	for (pol = 0; pol < SIM_NR_POLICIES; pol++)
		free(held[pol]);
}

/* ---- replaying a driver trace ------------------------------------------ */

/*
 * Feed every recorded tick's inputs to selfballoon_decide() with the
 * tunables of the run and compare each output with what the driver
 * recorded: the replay must match tick for tick.  Then run the driver's
 * policy in a closed loop, as the simulation does (the balloon reaches each
 * target by the next tick, up to max_pfn; Committed_AS, totalreserve and
 * max_pfn as recorded), from the recorded first state, and say at how many
 * ticks its balloon target equals the driver's.  Returns the number of
 * ticks whose replay differs.
 */
static size_t replay_trace(const struct trace *tr, const struct options *o)
{
	struct selfballoon_params p;
	size_t i, bad = 0, closed = 0;
	unsigned long cur;

	if (!is_driver_trace(tr))
		die("%s: --replay needs a driver trace (balloon_target_pages)",
		    tr->name);
	if (pick(o->reserved_mb, tr->reserved_mb, -1) <= 0)
		die("%s: --replay needs reserved_mb (# params: or --reserved-mb)",
		    tr->name);
	p.downhysteresis = pick(o->down, tr->down, 8);
	p.uphysteresis = pick(o->up, tr->up, 1);
	p.reserved_mb = pick(o->reserved_mb, tr->reserved_mb, 0);
	p.min_usable_mb = pick(o->min_usable_mb, tr->min_usable_mb, 0);

	cur = tr->balloon_current[0];
	for (i = 0; i < tr->n; i++) {
		struct selfballoon_sample s = {
			.committed_pages = tr->committed[i],
			.totalram_pages = tr->totalram[i],
			.balloon_current_pages = tr->balloon_current[i],
			.totalreserve_pages = tr->totalreserve[i],
			.max_pfn = tr->max_pfn[i],
			.frontswap_pages = tr->frontswap[i],
		};
		struct selfballoon_decision d;

		selfballoon_decide(&s, &p, &d);
		if (d.balloon_target_pages != tr->balloon_target[i] ||
		    d.target_pages != tr->target[i] ||
		    d.goal_pages != tr->goal[i] ||
		    d.floor_pages != tr->floor[i]) {
			if (bad < 10) {
				printf("%s: tick %zu (t=%.2f): goal floor target balloon_target: ",
				       tr->name, i + 1, tr->t[i]);
				printf("driver %lu %lu %lu %lu, simulator %lu %lu %lu %lu\n",
				       tr->goal[i], tr->floor[i], tr->target[i],
				       tr->balloon_target[i], d.goal_pages,
				       d.floor_pages, d.target_pages,
				       d.balloon_target_pages);
			}
			bad++;
		}

		/* the closed loop: the simulated balloon instead of the real */
		s.totalram_pages = cur - (tr->balloon_current[i] -
					  tr->totalram[i]);
		s.balloon_current_pages = cur;
		selfballoon_decide(&s, &p, &d);
		closed += d.balloon_target_pages == tr->balloon_target[i];
		cur = min(d.balloon_target_pages, tr->max_pfn[i]);
	}
	printf("%s: %zu ticks replayed, %zu match the driver (goal floor target balloon_target), ",
	       tr->name, tr->n, tr->n - bad);
	printf("%zu differ; closed loop: %zu of %zu balloon targets equal\n",
	       bad, closed, tr->n);
	return bad;
}

/* ---- the command line -------------------------------------------------- */

static void print_usage(void)
{
	fputs("usage: selfballoon-sim [OPTIONS] TRACE.csv...\n"
	      "  --policy NAME[,NAME]  oracle, linux-3.1, linux-5.2, driver (default: all)\n"
	      "  --interval S          seconds between ticks (default: the trace's, else 5)\n"
	      "  --downhysteresis N    (default: the trace's, else 8)\n"
	      "  --uphysteresis N      (default: the trace's, else 1)\n"
	      "  --reserved-mb N       0 = automatic, 10% of RAM (default: the trace's, else 0)\n"
	      "  --min-usable-mb N     0 = upstream's floor curve (default: the trace's, else 0)\n"
	      "  --guest-mb N          the guest's size, max_pfn (host traces; default 4096)\n"
	      "  --base-mb N           the guest's own committed memory, added to the\n"
	      "                        workload's rise above the least Committed_AS of\n"
	      "                        the trace's first 10 s (default 256)\n"
	      "  --offset-mb N         balloon current - totalram (default 43 + guest/64)\n"
	      "  --totalreserve-mb N   totalreserve_pages (default 2 * sqrt(16 * guest KiB) KiB)\n"
	      "  --timeline DIR        write DIR/<trace name>: demand and what each policy held\n"
	      "  --replay              driver traces: replay every recorded tick through\n"
	      "                        selfballoon_decide() and compare (exit 1 on a difference)\n"
	      "Output: CSV, one row per trace and policy:\n"
	      "  trace,policy,interval_s,ticks,excess_mib_mean,shortfall_mib_s,\n"
	      "  shortfall_worst_mib,raises,raise_ticks_mean,raise_ticks_max,churn_n,churn_mib\n",
	      stderr);
	exit(2);
}

static long number_arg(const char *opt, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 16777216)
		die("%s: not a number in 0..16777216: '%s'", opt, arg);
	return v;
}

static unsigned int policy_arg(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	unsigned int mask = 0;
	int pol;

	if (!copy)
		die("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "all")) {
			mask |= (1U << SIM_NR_POLICIES) - 1;
			continue;
		}
		for (pol = 0; pol < SIM_NR_POLICIES; pol++)
			if (!strcmp(tok, sim_policy_names[pol]))
				break;
		if (pol == SIM_NR_POLICIES)
			die("--policy: no policy '%s'", tok);
		mask |= 1U << pol;
	}
	free(copy);
	return mask;
}

int main(int argc, char **argv)
{
	struct options o = {
		.down = -1, .up = -1, .reserved_mb = -1, .min_usable_mb = -1,
		.interval_s = -1, .guest_mb = -1, .base_mb = -1,
		.offset_mb = -1, .totalreserve_mb = -1,
		.policies = (1U << SIM_NR_POLICIES) - 1,
	};
	size_t bad = 0;
	int i, first = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (a[0] != '-' || a[1] != '-') {
			if (!first)
				first = i;
			continue;
		}
		if (first)
			die("options go before the traces: %s", a);
		if (!strcmp(a, "--replay")) {
			o.replay = true;
			continue;
		}
		if (!strcmp(a, "--help") || !v)
			print_usage();
		i++;
		if (!strcmp(a, "--policy"))
			o.policies = policy_arg(v);
		else if (!strcmp(a, "--interval"))
			o.interval_s = number_arg(a, v);
		else if (!strcmp(a, "--downhysteresis"))
			o.down = number_arg(a, v);
		else if (!strcmp(a, "--uphysteresis"))
			o.up = number_arg(a, v);
		else if (!strcmp(a, "--reserved-mb"))
			o.reserved_mb = number_arg(a, v);
		else if (!strcmp(a, "--min-usable-mb"))
			o.min_usable_mb = number_arg(a, v);
		else if (!strcmp(a, "--guest-mb"))
			o.guest_mb = number_arg(a, v);
		else if (!strcmp(a, "--base-mb"))
			o.base_mb = number_arg(a, v);
		else if (!strcmp(a, "--offset-mb"))
			o.offset_mb = number_arg(a, v);
		else if (!strcmp(a, "--totalreserve-mb"))
			o.totalreserve_mb = number_arg(a, v);
		else if (!strcmp(a, "--timeline"))
			o.timeline_dir = v;
		else
			print_usage();
	}
	if (!first)
		print_usage();
	if (!o.interval_s || !o.down || !o.up)
		die("--interval, --downhysteresis and --uphysteresis must be >= 1");
	if (!o.replay)
		print_columns();
	for (i = first; i < argc; i++) {
		struct trace tr;
		int c;

		read_trace(&tr, argv[i]);
		if (o.replay)
			bad += replay_trace(&tr, &o);
		else
			run_trace(&tr, &o);
		free(tr.t);
		free(tr.committed);
		for (c = COL_TOTALRAM; c < COL_NR; c++)
			free(*trace_column(&tr, c));
	}
	return bad ? 1 : 0;
}
