// SPDX-License-Identifier: GPL-2.0
/*
 * selfballoon-sim: replay memory traces through selfballooning policies.
 *
 * The policies are built from selfballoon-policy.c, compiled unchanged
 * against tools/include/ (the same file the module builds):
 *
 *   driver     this driver's committed policy: selfballoon_decide() with
 *              the automatic reserve (selfballoon_auto_reserved_mb()) and
 *              the max_pfn limit;
 *   pressure   this driver's pressure policy: selfballoon_pressure_decide()
 *              with its state carried from tick to tick, the automatic
 *              reserves, and a model guest that shows memory pressure
 *              (model_pressure() below), with early ticks;
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
 * and selfballoon_pressure_decide() with what the driver did in a
 * recorded run (a "driver trace", made by tools/selfballoon-tracecsv from
 * the selfballoon_tick trace event).
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
	SIM_PRESSURE,
	SIM_NR_POLICIES,
};

static const char * const sim_policy_names[SIM_NR_POLICIES] = {
	[SIM_ORACLE] = "oracle",
	[SIM_V31] = "linux-3.1",
	[SIM_V52] = "linux-5.2",
	[SIM_DRIVER] = "driver",
	[SIM_PRESSURE] = "pressure",
};

/*
 * The columns a trace may have; t_s and committed_kb are required.  A host
 * trace (tools/selfballoon-record) has memtotal_kb, memavailable_kb and
 * maybe excluded_kb and excluded_rss_kb; a driver trace
 * (tools/selfballoon-tracecsv) has the columns from totalram_pages to
 * balloon_target_pages, and, since the pressure policy, those from policy
 * to pressure.  Other columns are ignored.
 */
enum trace_col {
	COL_T,
	COL_COMMITTED_KB,
	COL_EXCLUDED_KB,
	COL_MEMTOTAL_KB,
	COL_MEMAVAILABLE_KB,
	COL_EXCLUDED_RSS_KB,
	/* a driver trace: the first ones, frontswap_pages optional */
	COL_TOTALRAM,
	COL_BALLOON_CURRENT,
	COL_TOTALRESERVE,
	COL_MAX_PFN,
	COL_FRONTSWAP,
	COL_GOAL,
	COL_FLOOR,
	COL_TARGET,
	COL_BALLOON_TARGET,
	/* a driver trace with the pressure policy's fields: all or none */
	COL_POLICY,
	COL_EARLY,
	COL_HOLD,
	COL_TOOLSTACK_TARGET,
	COL_AVAILABLE,
	COL_SHMEM,
	COL_REFAULT,
	COL_SWAPIN,
	COL_SWAPOUT,
	COL_SCAN,
	COL_STEAL,
	COL_STALL_US,
	COL_TIME_US,
	COL_USED,
	COL_RESERVE,
	COL_PRESSURE,
	COL_NR,
};

static const char * const col_names[COL_NR] = {
	[COL_T] = "t_s",
	[COL_COMMITTED_KB] = "committed_kb",
	[COL_EXCLUDED_KB] = "excluded_kb",
	[COL_MEMTOTAL_KB] = "memtotal_kb",
	[COL_MEMAVAILABLE_KB] = "memavailable_kb",
	[COL_EXCLUDED_RSS_KB] = "excluded_rss_kb",
	[COL_TOTALRAM] = "totalram_pages",
	[COL_BALLOON_CURRENT] = "balloon_current_pages",
	[COL_TOTALRESERVE] = "totalreserve_pages",
	[COL_MAX_PFN] = "max_pfn",
	[COL_FRONTSWAP] = "frontswap_pages",
	[COL_GOAL] = "goal_pages",
	[COL_FLOOR] = "floor_pages",
	[COL_TARGET] = "target_pages",
	[COL_BALLOON_TARGET] = "balloon_target_pages",
	[COL_POLICY] = "policy",
	[COL_EARLY] = "early",
	[COL_HOLD] = "hold",
	[COL_TOOLSTACK_TARGET] = "toolstack_target_pages",
	[COL_AVAILABLE] = "available_pages",
	[COL_SHMEM] = "shmem_pages",
	[COL_REFAULT] = "refault_pages",
	[COL_SWAPIN] = "swapin_pages",
	[COL_SWAPOUT] = "swapout_pages",
	[COL_SCAN] = "scan_pages",
	[COL_STEAL] = "steal_pages",
	[COL_STALL_US] = "stall_us",
	[COL_TIME_US] = "time_us",
	[COL_USED] = "used_pages",
	[COL_RESERVE] = "reserve_pages",
	[COL_PRESSURE] = "pressure",
};

/*
 * One parsed trace: samples, and for a driver trace the recorded ticks.
 * col[c] holds column c (NULL where the trace has none), in its own unit:
 * KiB for the _kb columns, pages, microseconds, a 0/1 flag, the enum
 * selfballoon_policy value of the policy column.
 */
struct trace {
	const char *path;
	const char *name;
	size_t n;
	double *t;
	unsigned long *committed;	/* pages, less excluded_kb */
	unsigned long long *col[COL_NR];
	bool driver;			/* a driver trace */
	bool pressure_cols;		/* with the pressure policy's fields */
	/* "# params:" of a driver trace; -1 where absent */
	long down, up, reserved_mb, min_usable_mb, min_reserve_mb, interval_s;
};

/* Command line settings; -1 means "not given". */
struct options {
	long down, up, reserved_mb, min_usable_mb, min_reserve_mb;
	double interval_s;
	long guest_mb, base_mb, offset_mb, totalreserve_mb;
	unsigned int policies;		/* bit mask of enum sim_policy */
	const char *timeline_dir;
	bool replay;
	bool no_early;			/* the pressure row without early ticks */
	bool used_from_demand;		/* its used memory is the demand */
	bool stats;			/* --stats: the pressure row's figures */
};

/* The simulated guest, in pages. */
struct guest {
	unsigned long max_pfn;		/* its pseudo-physical size */
	unsigned long offset;		/* balloon current - totalram */
	unsigned long totalreserve;
	unsigned long base;		/* host traces: added to the demand */
	unsigned long baseline;		/* host traces: taken from it */
	bool host;			/* demand is relative to the baseline */
	/* the pressure row's used memory from MemAvailable (used_at()) */
	bool used_avail;
	unsigned long used_baseline;	/* host traces: KiB, taken from it */
};

/* What one policy decided at one tick. */
struct tick_out {
	unsigned long goal;		/* totalram terms */
	unsigned long target;		/* totalram terms */
	unsigned long balloon_target;	/* balloon terms */
	unsigned long reserve;		/* the pressure policy's reserve */
	unsigned int pressure;		/* and the pressure it saw */
};

/* The metrics of one trace under one policy. */
struct metrics {
	unsigned long ticks;
	/* the pressure policy (--stats) */
	unsigned long early_ticks;	/* of the ticks, early ones */
	unsigned long pressure_ticks;	/* ticks that saw pressure */
	unsigned long reserve_min, reserve_max;
	double short_s;			/* the model guest short, seconds */
	double refault_mib;		/* and what it refaulted */
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

/* this driver's pressure policy: selfballoon_pressure_decide() itself */
static void policy_pressure(const struct selfballoon_sample *s,
			    const struct selfballoon_params *p,
			    struct selfballoon_pressure_state *ps,
			    struct tick_out *o)
{
	struct selfballoon_decision d;

	selfballoon_pressure_decide(s, p, ps, &d);
	o->goal = d.goal_pages;
	o->target = d.target_pages;
	o->balloon_target = d.balloon_target_pages;
	o->reserve = d.reserve_pages;
	o->pressure = d.pressure;
}

static void policy_tick(enum sim_policy policy,
			const struct selfballoon_sample *s,
			const struct selfballoon_params *p,
			struct selfballoon_pressure_state *ps, struct tick_out *o)
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
	case SIM_PRESSURE:
		policy_pressure(s, p, ps, o);
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
	v = param_value(line, "min_reserve_mb");
	if (v >= 0)
		tr->min_reserve_mb = v;
	v = param_value(line, "interval_s");
	if (v >= 0)
		tr->interval_s = v;
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

/* column c at sample i, 0 where the trace has no such column */
static unsigned long long col_at(const struct trace *tr, enum trace_col c,
				 size_t i)
{
	return tr->col[c] ? tr->col[c][i] : 0;
}

/* which columns of the header are kept: set tr->driver, tr->pressure_cols */
static void check_header(struct trace *tr, const int *map, int ncols,
			 bool *keep)
{
	int c;

	if (!has_column(map, ncols, COL_T) ||
	    !has_column(map, ncols, COL_COMMITTED_KB))
		die("%s: no t_s or committed_kb column", tr->path);
	tr->driver = has_column(map, ncols, COL_BALLOON_TARGET);
	for (c = COL_TOTALRAM; tr->driver && c <= COL_BALLOON_TARGET; c++)
		if (!has_column(map, ncols, c) && c != COL_FRONTSWAP)
			die("%s: driver trace without %s", tr->path,
			    col_names[c]);
	tr->pressure_cols = tr->driver && has_column(map, ncols, COL_POLICY);
	for (c = COL_POLICY; tr->pressure_cols && c < COL_NR; c++)
		if (!has_column(map, ncols, c))
			die("%s: driver trace with a policy column but without %s",
			    tr->path, col_names[c]);
	/* a host trace's columns, or a driver trace's */
	for (c = 0; c < COL_NR; c++)
		keep[c] = c > COL_COMMITTED_KB && has_column(map, ncols, c) &&
			  (c < COL_TOTALRAM || tr->driver) &&
			  (c < COL_POLICY || tr->pressure_cols);
}

/* the policy column: a name, as selfballoon_policy takes it */
static const char *read_policy(const struct trace *tr, const char *p,
			       unsigned long long *val)
{
	size_t len = strcspn(p, ",\n");
	enum selfballoon_policy pol;
	char name[32];

	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, p, len);
	name[len] = '\0';
	if (selfballoon_parse_policy(name, &pol))
		die("%s: line %zu: policy '%s' is neither committed nor pressure",
		    tr->path, tr->n + 1, name);
	*val = pol;
	return p + strcspn(p, ",\n");
}

static void read_trace(struct trace *tr, const char *path)
{
	char line[4096];
	int map[64], ncols = -1, i;
	bool keep[COL_NR] = { false };
	size_t cap = 0;
	FILE *f;

	memset(tr, 0, sizeof(*tr));
	tr->path = path;
	tr->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	tr->down = -1;
	tr->up = -1;
	tr->reserved_mb = -1;
	tr->min_usable_mb = -1;
	tr->min_reserve_mb = -1;
	tr->interval_s = -1;
	f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long committed_kb = 0, excluded_kb = 0;
		const char *p = line, *end;

		if (line[0] == '#') {
			if (!strncmp(line, "# params:", 9))
				read_params(tr, line);
			continue;
		}
		if (line[0] == '\n')
			continue;
		if (ncols < 0) {
			parse_header(path, line, map, &ncols);
			check_header(tr, map, ncols, keep);
			continue;
		}
		if (tr->n == cap) {
			cap = cap ? 2 * cap : 256;
			tr->t = xrealloc(tr->t, cap * sizeof(*tr->t));
			tr->committed = xrealloc(tr->committed,
						 cap * sizeof(*tr->committed));
			for (i = 0; i < COL_NR; i++)
				if (keep[i])
					tr->col[i] = xrealloc(tr->col[i],
							      cap * sizeof(*tr->col[i]));
		}
		for (i = 0; i < ncols; i++) {
			unsigned long long n = 0;
			double v = 0;

			if (map[i] == COL_POLICY) {
				end = read_policy(tr, p, &n);
			} else if (map[i] > COL_EXCLUDED_KB) {
				/* counts: exact, where a double may not be */
				n = strtoull(p, (char **)&end, 10);
				if (*p < '0' || *p > '9')
					end = p;
			} else {
				v = strtod(p, (char **)&end);
			}
			if (end == p || (*end != ',' && *end != '\n' && *end))
				die("%s: line %zu: not a number", path,
				    tr->n + 1);
			if (map[i] == COL_T)
				tr->t[tr->n] = v;
			else if (map[i] == COL_COMMITTED_KB)
				committed_kb = v;
			else if (map[i] == COL_EXCLUDED_KB)
				excluded_kb = v;
			if (map[i] >= 0 && keep[map[i]])
				tr->col[map[i]][tr->n] =
					map[i] == COL_EXCLUDED_KB ? v : n;
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
	return tr->driver;
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
		g->max_pfn = col_at(tr, COL_MAX_PFN, 0);
		g->offset = col_at(tr, COL_BALLOON_CURRENT, 0) -
			    col_at(tr, COL_TOTALRAM, 0);
		g->totalreserve = col_at(tr, COL_TOTALRESERVE, 0);
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

/*
 * A host sample whose MemAvailable counts no other guest's memory: no
 * excluded process ran, or the trace says how much of it they used
 * (excluded_rss_kb).  excluded_kb is what they committed, not what they
 * used: it cannot be taken out of MemTotal - MemAvailable.
 */
static bool clean_at(const struct trace *tr, size_t i)
{
	return tr->col[COL_EXCLUDED_RSS_KB] || !col_at(tr, COL_EXCLUDED_KB, i);
}

/* the host's memory in use at sample i, KiB, less the excluded processes' */
static unsigned long long host_used_kb(const struct trace *tr, size_t i)
{
	unsigned long long total = tr->col[COL_MEMTOTAL_KB][i];
	unsigned long long avail = min(tr->col[COL_MEMAVAILABLE_KB][i], total);
	unsigned long long rss = col_at(tr, COL_EXCLUDED_RSS_KB, i);

	return total - avail > rss ? total - avail - rss : 0;
}

/*
 * Where the pressure row takes its used memory from (used_at()): a driver
 * trace's MemAvailable if it has one; a host trace's if it has MemTotal and
 * MemAvailable and a clean sample in its first BASELINE_S seconds, the
 * least of which is the baseline, as for Committed_AS.
 */
static void make_used(const struct trace *tr, const struct options *o,
		      struct guest *g)
{
	bool found = false;
	size_t i;

	g->used_avail = false;
	g->used_baseline = 0;
	if (o->used_from_demand)
		return;
	if (!g->host) {
		g->used_avail = tr->pressure_cols;
		return;
	}
	if (!tr->col[COL_MEMTOTAL_KB] || !tr->col[COL_MEMAVAILABLE_KB])
		return;
	for (i = 0; i < tr->n && tr->t[i] - tr->t[0] < BASELINE_S; i++) {
		if (!clean_at(tr, i))
			continue;
		if (!found || host_used_kb(tr, i) < g->used_baseline)
			g->used_baseline = host_used_kb(tr, i);
		found = true;
	}
	g->used_avail = found;
}

/*
 * The memory the guest uses at sample i, pages (totalram terms): what the
 * pressure policy's MemAvailable leaves out.  A driver trace: as the
 * driver read it.  A host trace: --base-mb plus the rise of MemTotal -
 * MemAvailable over its baseline, at the clean samples (clean_at());
 * elsewhere, and with --used-from-demand, the demand.
 */
static unsigned long used_at(const struct trace *tr, const struct guest *g,
			     size_t i)
{
	unsigned long long kb;
	unsigned long ram;

	if (!g->used_avail || (g->host && !clean_at(tr, i)))
		return demand_at(tr, g, i);
	if (!g->host) {
		ram = col_at(tr, COL_TOTALRAM, i);
		return ram - min_t(unsigned long, col_at(tr, COL_AVAILABLE, i),
				   ram);
	}
	kb = host_used_kb(tr, i);
	if (kb <= g->used_baseline)
		return g->base;
	return g->base + kb_to_pages(kb - g->used_baseline);
}

/* a tick's clock, microseconds since the first sample */
static u64 tick_time_us(const struct trace *tr, double t)
{
	return t > tr->t[0] ? (u64)((t - tr->t[0]) * 1e6) : 0;
}

struct sim_state {
	unsigned long cur;		/* balloon current (balloon terms) */
	unsigned long last_bt;		/* last balloon target */
	bool in_raise;
	unsigned long raise_start;
	/* the pressure policy's state and the model guest's counters */
	struct selfballoon_pressure_state ps;
	struct selfballoon_pressure_counters cnt;
};

/*
 * What a tick reads in the model guest: it holds st->cur (balloon terms),
 * its Committed_AS is the demand, its MemAvailable what it holds beyond
 * @used (the model has no page cache), its counters those of
 * model_pressure(); no toolstack target, no frontswap.
 */
static void sim_sample(const struct guest *g, const struct sim_state *st,
		       unsigned long committed, unsigned long used, u64 time_us,
		       struct selfballoon_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->committed_pages = committed;
	s->totalram_pages = st->cur - g->offset;
	s->balloon_current_pages = st->cur;
	s->totalreserve_pages = g->totalreserve;
	s->max_pfn = g->max_pfn;
	s->available_pages = s->totalram_pages > used ?
			     s->totalram_pages - used : 0;
	s->time_us = time_us;
	s->counters = st->cnt;
}

/*
 * One tick: the policy decides from the current state, the balloon gets
 * there before the next tick, up to the guest's size (maxmem).
 */
static void sim_tick(enum sim_policy pol, const struct guest *g,
		     const struct selfballoon_params *p, struct sim_state *st,
		     unsigned long committed, unsigned long used, u64 time_us,
		     struct tick_out *o)
{
	struct selfballoon_sample s;

	sim_sample(g, st, committed, used, time_us, &s);
	policy_tick(pol, &s, p, &st->ps, o);
	st->cur = max(min(o->balloon_target, g->max_pfn), g->offset + 1);
}

/* one tick of the simulation, with its churn and raise bookkeeping */
static void sim_step(enum sim_policy pol, const struct guest *g,
		     const struct selfballoon_params *p, struct sim_state *st,
		     unsigned long committed, unsigned long used, u64 time_us,
		     struct metrics *m)
{
	unsigned long before = st->cur - g->offset;
	unsigned long limit = g->max_pfn - g->offset;
	struct tick_out o = { 0 };

	sim_tick(pol, g, p, st, committed, used, time_us, &o);
	m->ticks++;
	m->early_ticks += p->early;
	m->pressure_ticks += !!o.pressure;
	if (m->ticks == 1 || o.reserve < m->reserve_min)
		m->reserve_min = o.reserve;
	m->reserve_max = max(m->reserve_max, o.reserve);
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
 * The model guest's memory pressure, for the pressure policy.  The model
 * has no reclaim of its own: it holds @held pages (totalram terms) for @dt
 * seconds whatever it needs.  With less than @used plus totalreserve_pages
 * (the watermarks, below which the allocator reclaims) it is short by the
 * difference and refaults that many pages a second: the refault counter
 * the next tick reads.  Returns true when it is short: the guest reclaims,
 * and the driver's shrinker would ask for an early tick.
 */
static bool model_pressure(const struct guest *g, struct sim_state *st,
			   unsigned long held, unsigned long used, double dt)
{
	unsigned long need = used + g->totalreserve;

	if (held >= need)
		return false;
	st->cnt.refault_pages += (unsigned long)((need - held) * dt);
	return true;
}

/*
 * Run one policy over a trace.  Ticks come every @interval seconds from
 * one interval after the first sample, or (@interval 0, driver traces) at
 * every sample, where the driver ticked.  Before the first sample the
 * policy is settled on the first sample's demand.  From the first tick on,
 * each sample's demand is compared with what the guest holds until the
 * next sample.  @held, if not NULL, gets what the guest held at each
 * sample (pages, totalram terms).
 *
 * The pressure policy's guest shows pressure (model_pressure()) from the
 * first tick on; with @early, a sample at which it is short is followed by
 * an early tick (params.early), which the guest follows from the next
 * sample on, and the next tick comes one interval after it, as in the
 * driver.  Driver traces have no early ticks: they sample only at ticks.
 */
static void simulate(const struct trace *tr, const struct guest *g,
		     enum sim_policy pol, const struct selfballoon_params *p,
		     double interval, bool early, struct metrics *m,
		     double *held)
{
	struct sim_state st = { .cur = g->max_pfn };
	struct selfballoon_params pe = *p;
	double next_tick = tr->t[0] + interval;
	struct tick_out o = { 0 };
	size_t i;
	int w;

	memset(m, 0, sizeof(*m));
	selfballoon_pressure_reset(&st.ps, p->reserved_mb);
	pe.early = true;
	/* settle on the first sample's demand, as after a long idle time */
	st.last_bt = st.cur;
	for (w = 0; w < WARMUP_TICKS; w++) {
		sim_tick(pol, g, p, &st, demand_at(tr, g, 0),
			 used_at(tr, g, 0), 0, &o);
		if (o.balloon_target == st.last_bt)
			break;
		st.last_bt = o.balloon_target;
	}
	st.last_bt = o.balloon_target;

	for (i = 0; i < tr->n; i++) {
		unsigned long demand = demand_at(tr, g, i);
		unsigned long used = used_at(tr, g, i);
		double d, h, dt;

		if (interval <= 0) {
			sim_step(pol, g, p, &st, demand, used,
				 tick_time_us(tr, tr->t[i]), m);
		} else {
			while (next_tick <= tr->t[i]) {
				sim_step(pol, g, p, &st, demand, used,
					 tick_time_us(tr, next_tick), m);
				next_tick += interval;
			}
		}
		h = st.cur - g->offset;
		if (held)
			held[i] = h;
		if (!m->ticks || i + 1 == tr->n)
			continue;	/* measured from the first tick on */
		dt = tr->t[i + 1] - tr->t[i];
		d = (double)demand;
		m->span_s += dt;
		if (h > d) {
			m->excess_mib_s += pages_to_mib(h - d) * dt;
		} else {
			m->shortfall_mib_s += pages_to_mib(d - h) * dt;
			if (pages_to_mib(d - h) > m->worst_mib)
				m->worst_mib = pages_to_mib(d - h);
		}
		if (pol != SIM_PRESSURE ||
		    !model_pressure(g, &st, st.cur - g->offset, used, dt))
			continue;
		m->short_s += dt;
		if (early && interval > 0) {
			sim_step(pol, g, &pe, &st, demand, used,
				 tick_time_us(tr, tr->t[i]), m);
			next_tick = tr->t[i] + interval;
		}
	}
	m->refault_mib = pages_to_mib(st.cnt.refault_pages);
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
	long min_reserve = pick(o->min_reserve_mb, tr->min_reserve_mb, 0);

	memset(p, 0, sizeof(*p));
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
	/*
	 * the pressure policy's least reserve, likewise; a driver trace's
	 * from its first tick's totalram, as the driver took it at load
	 */
	if (min_reserve)
		p->min_reserve_mb = min_reserve;
	else if (!g->host && o->guest_mb < 0)
		p->min_reserve_mb =
			selfballoon_auto_min_reserve_mb(col_at(tr, COL_TOTALRAM, 0));
	else
		p->min_reserve_mb = selfballoon_auto_min_reserve_mb(totalram0);
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

/* --stats: what the pressure policy and its model guest did, on stderr */
static void print_stats(const struct trace *tr, const struct guest *g,
			const struct selfballoon_params *p,
			const struct metrics *m)
{
	fprintf(stderr, "%s,pressure: %lu ticks (%lu early), %lu saw pressure; ",
		tr->name, m->ticks, m->early_ticks, m->pressure_ticks);
	fprintf(stderr, "reserve %.1f to %.1f MiB (min_reserve_mb %u, reserved_mb %u); ",
		pages_to_mib(m->reserve_min), pages_to_mib(m->reserve_max),
		p->min_reserve_mb, p->reserved_mb);
	fprintf(stderr, "the guest short of used + totalreserve for %.0f s, ",
		m->short_s);
	fprintf(stderr, "%.0f MiB refaulted; used from %s\n", m->refault_mib,
		!g->used_avail ? "the demand" :
		g->host ? "MemAvailable at the clean samples" : "MemAvailable");
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
	if (held[SIM_PRESSURE])
		fprintf(f, "# used: the memory in use of the pressure row's model guest, MiB\n");
	fprintf(f, "t_s,demand");
	for (pol = 0; pol < SIM_NR_POLICIES; pol++)
		if (held[pol])
			fprintf(f, ",%s", sim_policy_names[pol]);
	if (held[SIM_PRESSURE])
		fprintf(f, ",used");
	fputc('\n', f);
	for (i = 0; i < tr->n; i++) {
		fprintf(f, "%.2f,%.1f", tr->t[i] - tr->t[0],
			pages_to_mib(demand_at(tr, g, i)));
		for (pol = 0; pol < SIM_NR_POLICIES; pol++)
			if (held[pol])
				fprintf(f, ",%.1f", pages_to_mib(held[pol][i]));
		if (held[SIM_PRESSURE])
			fprintf(f, ",%.1f", pages_to_mib(used_at(tr, g, i)));
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
	make_used(tr, o, &g);
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
		simulate(tr, &g, pol, &p, interval, !o->no_early, &m,
			 held[pol]);
		print_row(tr, pol, interval, &m);
		if (o->stats && pol == SIM_PRESSURE)
			print_stats(tr, &g, &p, &m);
	}
	if (o->timeline_dir)
		write_timeline(tr, &g, o->timeline_dir, held);
	for (pol = 0; pol < SIM_NR_POLICIES; pol++)
		free(held[pol]);
}

/* ---- replaying a driver trace ------------------------------------------ */

/* tick i of a driver trace: every input either policy reads */
static void replay_sample(const struct trace *tr, size_t i,
			  struct selfballoon_sample *s)
{
	struct selfballoon_pressure_counters *c = &s->counters;

	memset(s, 0, sizeof(*s));
	s->committed_pages = tr->committed[i];
	s->totalram_pages = col_at(tr, COL_TOTALRAM, i);
	s->balloon_current_pages = col_at(tr, COL_BALLOON_CURRENT, i);
	s->totalreserve_pages = col_at(tr, COL_TOTALRESERVE, i);
	s->max_pfn = col_at(tr, COL_MAX_PFN, i);
	s->frontswap_pages = col_at(tr, COL_FRONTSWAP, i);
	s->toolstack_target_pages = col_at(tr, COL_TOOLSTACK_TARGET, i);
	s->available_pages = col_at(tr, COL_AVAILABLE, i);
	s->shmem_pages = col_at(tr, COL_SHMEM, i);
	s->time_us = col_at(tr, COL_TIME_US, i);
	c->refault_pages = col_at(tr, COL_REFAULT, i);
	c->swapin_pages = col_at(tr, COL_SWAPIN, i);
	c->swapout_pages = col_at(tr, COL_SWAPOUT, i);
	c->scan_pages = col_at(tr, COL_SCAN, i);
	c->steal_pages = col_at(tr, COL_STEAL, i);
	c->stall_us = col_at(tr, COL_STALL_US, i);
}

/* the policy the driver ran at tick i: committed where the trace says none */
static enum selfballoon_policy replay_policy(const struct trace *tr, size_t i)
{
	return col_at(tr, COL_POLICY, i) == SELFBALLOON_POLICY_PRESSURE ?
	       SELFBALLOON_POLICY_PRESSURE : SELFBALLOON_POLICY_COMMITTED;
}

static void replay_decide(enum selfballoon_policy pol,
			  const struct selfballoon_sample *s,
			  const struct selfballoon_params *p,
			  struct selfballoon_pressure_state *ps,
			  struct selfballoon_decision *d)
{
	if (pol == SELFBALLOON_POLICY_PRESSURE)
		selfballoon_pressure_decide(s, p, ps, d);
	else
		selfballoon_decide(s, p, d);
}

/* the decision differs from what the driver recorded at tick i */
static bool replay_differs(const struct trace *tr, size_t i,
			   const struct selfballoon_decision *d)
{
	if (d->goal_pages != col_at(tr, COL_GOAL, i) ||
	    d->floor_pages != col_at(tr, COL_FLOOR, i) ||
	    d->target_pages != col_at(tr, COL_TARGET, i) ||
	    d->balloon_target_pages != col_at(tr, COL_BALLOON_TARGET, i))
		return true;
	return tr->pressure_cols &&
	       (d->used_pages != col_at(tr, COL_USED, i) ||
		d->reserve_pages != col_at(tr, COL_RESERVE, i) ||
		d->pressure != col_at(tr, COL_PRESSURE, i));
}

static void replay_print_diff(const struct trace *tr, size_t i,
			      const struct selfballoon_decision *d)
{
	printf("%s: tick %zu (t=%.2f): goal floor target balloon_target",
	       tr->name, i + 1, tr->t[i]);
	if (tr->pressure_cols)
		printf(" used reserve pressure");
	printf(": driver %llu %llu %llu %llu", col_at(tr, COL_GOAL, i),
	       col_at(tr, COL_FLOOR, i), col_at(tr, COL_TARGET, i),
	       col_at(tr, COL_BALLOON_TARGET, i));
	if (tr->pressure_cols)
		printf(" %llu %llu %llu", col_at(tr, COL_USED, i),
		       col_at(tr, COL_RESERVE, i), col_at(tr, COL_PRESSURE, i));
	printf(", simulator %lu %lu %lu %lu", d->goal_pages, d->floor_pages,
	       d->target_pages, d->balloon_target_pages);
	if (tr->pressure_cols)
		printf(" %lu %lu %u", d->used_pages, d->reserve_pages,
		       d->pressure);
	if (tr->pressure_cols)
		printf(" (%s%s%s)", replay_policy(tr, i) ?
		       "pressure" : "committed",
		       col_at(tr, COL_EARLY, i) ? ", early" : "",
		       col_at(tr, COL_HOLD, i) ? ", hold" : "");
	putchar('\n');
}

/*
 * The tunables of the run: from the command line, else the trace's
 * "# params:" line.  A trace with pressure ticks and no min_reserve_mb
 * takes the automatic value of its first tick's totalram, as the driver
 * does at load.
 */
static void replay_params(const struct trace *tr, const struct options *o,
			  size_t n_pressure, struct selfballoon_params *p)
{
	long min_reserve = pick(o->min_reserve_mb, tr->min_reserve_mb, 0);

	if (pick(o->reserved_mb, tr->reserved_mb, -1) <= 0)
		die("%s: --replay needs reserved_mb (# params: or --reserved-mb)",
		    tr->name);
	memset(p, 0, sizeof(*p));
	p->downhysteresis = pick(o->down, tr->down, 8);
	p->uphysteresis = pick(o->up, tr->up, 1);
	p->reserved_mb = pick(o->reserved_mb, tr->reserved_mb, 0);
	p->min_usable_mb = pick(o->min_usable_mb, tr->min_usable_mb, 0);
	p->min_reserve_mb = min_reserve;
	if (!min_reserve && n_pressure) {
		p->min_reserve_mb =
			selfballoon_auto_min_reserve_mb(col_at(tr, COL_TOTALRAM, 0));
		fprintf(stderr, "selfballoon-sim: %s: no min_reserve_mb ",
			tr->name);
		fprintf(stderr, "(# params: or --min-reserve-mb): ");
		fprintf(stderr, "the automatic %u MiB of the first tick's totalram\n",
			p->min_reserve_mb);
	}
}

/*
 * Feed every recorded tick's inputs to the policy the driver ran at that
 * tick with the tunables of the run, and compare each output with what the
 * driver recorded: the replay must match tick for tick.  The committed
 * policy is selfballoon_decide(); the pressure policy is
 * selfballoon_pressure_decide() with a state carried from tick to tick,
 * reset (selfballoon_pressure_reset()) at the first tick and wherever the
 * trace switches from committed to pressure, as the driver does at load
 * and on a switch.  Whatever the policy, the trace's early column is
 * params.early and its early and hold columns give params.hold_cuts (a
 * tick whose cut was held had hold_cuts set; in one whose target did not
 * fall, hold_cuts changes nothing).  A trace without the pressure policy's
 * columns is committed throughout, and nothing is held.
 *
 * Then run the same policies in a closed loop, as the simulation does (the
 * balloon reaches each target by the next tick, up to max_pfn;
 * MemAvailable moved by as much as the simulated balloon differs from the
 * real one; the other inputs as recorded), from the recorded first state,
 * and say at how many ticks its balloon target equals the driver's.
 * Returns the number of ticks whose replay differs.
 */
static size_t replay_trace(const struct trace *tr, const struct options *o)
{
	struct selfballoon_pressure_state ps, cps;
	size_t i, bad = 0, closed = 0;
	size_t n_pressure = 0, n_early = 0, n_held = 0, n_starts = 0;
	size_t n_toolstack = 0;
	struct selfballoon_params p;
	unsigned long cur;

	if (!is_driver_trace(tr))
		die("%s: --replay needs a driver trace (balloon_target_pages)",
		    tr->name);
	for (i = 0; i < tr->n; i++)
		n_pressure += replay_policy(tr, i) == SELFBALLOON_POLICY_PRESSURE;
	replay_params(tr, o, n_pressure, &p);
	selfballoon_pressure_reset(&ps, p.reserved_mb);
	selfballoon_pressure_reset(&cps, p.reserved_mb);

	cur = col_at(tr, COL_BALLOON_CURRENT, 0);
	for (i = 0; i < tr->n; i++) {
		enum selfballoon_policy pol = replay_policy(tr, i);
		unsigned long offset = col_at(tr, COL_BALLOON_CURRENT, i) -
				       col_at(tr, COL_TOTALRAM, i);
		struct selfballoon_params pi = p;
		struct selfballoon_decision d;
		struct selfballoon_sample s;
		unsigned long ram;

		pi.early = col_at(tr, COL_EARLY, i);
		pi.hold_cuts = pi.early || col_at(tr, COL_HOLD, i);
		n_early += pi.early;
		n_held += !!col_at(tr, COL_HOLD, i);
		n_toolstack += !!col_at(tr, COL_TOOLSTACK_TARGET, i);
		if (pol == SELFBALLOON_POLICY_PRESSURE &&
		    (!i || replay_policy(tr, i - 1) != pol)) {
			selfballoon_pressure_reset(&ps, p.reserved_mb);
			selfballoon_pressure_reset(&cps, p.reserved_mb);
			n_starts++;
		}
		replay_sample(tr, i, &s);
		replay_decide(pol, &s, &pi, &ps, &d);
		if (replay_differs(tr, i, &d)) {
			if (bad < 10)
				replay_print_diff(tr, i, &d);
			bad++;
		}

		/* the closed loop: the simulated balloon instead of the real */
		ram = cur - offset;
		if (ram >= s.totalram_pages)
			s.available_pages += ram - s.totalram_pages;
		else
			s.available_pages -= min(s.available_pages,
						 s.totalram_pages - ram);
		s.totalram_pages = ram;
		s.balloon_current_pages = cur;
		replay_decide(pol, &s, &pi, &cps, &d);
		closed += d.balloon_target_pages ==
			  col_at(tr, COL_BALLOON_TARGET, i);
		cur = min_t(unsigned long, d.balloon_target_pages,
			    col_at(tr, COL_MAX_PFN, i));
	}
	printf("%s: %zu ticks replayed, %zu match the driver (goal floor target balloon_target",
	       tr->name, tr->n, tr->n - bad);
	if (tr->pressure_cols)
		printf(" used reserve pressure");
	printf("), %zu differ; ", bad);
	if (tr->pressure_cols) {
		printf("%zu committed, %zu pressure (%zu starts, %zu early), ",
		       tr->n - n_pressure, n_pressure, n_starts, n_early);
		printf("%zu held, %zu with a toolstack target; ", n_held,
		       n_toolstack);
	}
	printf("closed loop: %zu of %zu balloon targets equal\n", closed, tr->n);
	return bad;
}

/* ---- the command line -------------------------------------------------- */

static void print_usage(void)
{
	fputs("usage: selfballoon-sim [OPTIONS] TRACE.csv...\n"
	      "  --policy NAME[,NAME]  oracle, linux-3.1, linux-5.2, driver, pressure\n"
	      "                        (default: all)\n"
	      "  --interval S          seconds between ticks (default: the trace's, else 5)\n"
	      "  --downhysteresis N    (default: the trace's, else 8)\n"
	      "  --uphysteresis N      (default: the trace's, else 1)\n"
	      "  --reserved-mb N       0 = automatic, 10% of RAM (default: the trace's, else 0)\n"
	      "  --min-usable-mb N     0 = upstream's floor curve (default: the trace's, else 0)\n"
	      "  --min-reserve-mb N    the pressure policy's least reserve, 0 = automatic,\n"
	      "                        2% of RAM (default: the trace's, else 0)\n"
	      "  --guest-mb N          the guest's size, max_pfn (host traces; default 4096)\n"
	      "  --base-mb N           the guest's own committed memory, added to the\n"
	      "                        workload's rise above the least Committed_AS of\n"
	      "                        the trace's first 10 s (default 256); the same\n"
	      "                        for its used memory (MemTotal - MemAvailable)\n"
	      "  --offset-mb N         balloon current - totalram (default 43 + guest/64)\n"
	      "  --totalreserve-mb N   totalreserve_pages (default 2 * sqrt(16 * guest KiB) KiB)\n"
	      "  --no-early            the pressure policy without early ticks\n"
	      "  --used-from-demand    the pressure policy's used memory is the demand, not\n"
	      "                        MemTotal - MemAvailable where the trace has it\n"
	      "  --stats               on stderr, per trace: the pressure policy's early\n"
	      "                        ticks, pressure, reserve, and its guest's shortage\n"
	      "  --timeline DIR        write DIR/<trace name>: demand and what each policy held\n"
	      "  --replay              driver traces: replay every recorded tick through the\n"
	      "                        policy the driver ran (selfballoon_decide() or\n"
	      "                        selfballoon_pressure_decide()) and compare (exit 1 on a\n"
	      "                        difference)\n"
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
		.min_reserve_mb = -1,
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
		if (!strcmp(a, "--no-early")) {
			o.no_early = true;
			continue;
		}
		if (!strcmp(a, "--used-from-demand")) {
			o.used_from_demand = true;
			continue;
		}
		if (!strcmp(a, "--stats")) {
			o.stats = true;
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
		else if (!strcmp(a, "--min-reserve-mb"))
			o.min_reserve_mb = number_arg(a, v);
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
		for (c = 0; c < COL_NR; c++)
			free(tr.col[c]);
	}
	return bad ? 1 : 0;
}
