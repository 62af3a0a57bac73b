/* pmulab plot's points: the chase and branch benches of a stream and the
 * counts of their counter records, as numbers per load or per iteration. A
 * value is there only when the records hold what it is computed from: a
 * series without any is left out, never drawn as zero. */
#include <stdlib.h>
#include <string.h>
#include "host/report/plot.h"
#include "host/report/stat.h"

const char *const chase_miss_events[CHASE_NMISS] = {
	"L1-dcache-load-misses", "LLC-load-misses", "cache-misses",
};

static bool value_is(const struct record *rec, const char *key, const char *s)
{
	return field_is(record_field(rec, key), s);
}

/* A counter value: signed, since noise can make a subtraction negative. */
static bool get_signed(const struct record *rec, const char *key, double *out)
{
	const struct field *f = record_field(rec, key);
	bool neg;
	uint64_t v;

	if (!f)
		return false;
	neg = f->len && field_val(f)[0] == '-';
	if (!parse_u64(field_val(f) + neg, f->len - neg, &v))
		return false;
	*out = neg ? -(double)v : (double)v;
	return true;
}

static bool is_type(const struct record *rec, const char *type)
{
	return strcmp(rec->type, type) == 0;
}

static const char *const src_names[PLOT_NSRC] = { "pmu", "model" };

/* The value of the first counter of bench b that counted event (or one of
 * perf's other names for it) with src. */
static bool src_value(const struct stream *s, const size_t *own, size_t b,
		      const char *event, enum plot_src src, double *val)
{
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *r = &s->recs[i];
		if (own[i] != b || !value_is(r, "src", src_names[src]))
			continue;
		if (stat_event_is(record_field(r, "event"), event) &&
		    get_signed(r, "value", val))
			return true;
	}
	return false;
}

static bool is_tcg(const struct stream *s)
{
	const struct record *cpu = stream_find(s, "cpu");

	return cpu && value_is(cpu, "hypervisor", PLOT_TCG_SIGNATURE);
}

/* Per-load values of one chase bench; cyc and tsc are both kept until the
 * whole sweep decides which one the curve shows. */
struct chase_raw {
	bool has_cyc, has_tsc;
	double cyc, tsc;
};

static void chase_point(const struct stream *s, const size_t *own, size_t b,
			struct chase_point *p, struct chase_raw *raw)
{
	const struct record *rec = &s->recs[b];
	uint64_t iters, loads, ticks;
	double per, v;

	p->bench = rec;
	if (!record_u64(rec, "iters", &iters) || !record_u64(rec, "loads", &loads) ||
	    !iters || !loads)
		return;
	per = (double)iters * (double)loads;
	if ((raw->has_cyc = src_value(s, own, b, "cycles", PLOT_PMU, &v)))
		raw->cyc = v / per;
	if ((raw->has_tsc = record_u64(rec, "tsc_median", &ticks)))
		raw->tsc = (double)ticks / per;
	for (int src = 0; src < PLOT_NSRC; src++) {
		for (size_t m = 0; m < CHASE_NMISS; m++) {
			if ((p->has_miss[src][m] = src_value(s, own, b, chase_miss_events[m], src, &v)))
				p->miss[src][m] = v / per;
		}
	}
}

static int by_ws(const void *a, const void *b)
{
	const struct chase_point *x = a, *y = b;

	if (x->ws != y->ws)
		return (x->ws > y->ws) - (x->ws < y->ws);
	return (x->bench > y->bench) - (x->bench < y->bench);
}

/* Cycles only when every bench with a latency has them (see plot.h). */
static void chase_pick(struct chase_plot *c, const struct chase_raw *raw)
{
	bool tsc_only = false;

	for (size_t i = 0; i < c->npts; i++) {
		c->some_cycles |= raw[i].has_cyc;
		tsc_only |= raw[i].has_tsc && !raw[i].has_cyc;
	}
	c->cycles = c->some_cycles && !tsc_only;
	for (size_t i = 0; i < c->npts; i++) {
		struct chase_point *p = &c->pts[i];
		p->has_lat = c->cycles ? raw[i].has_cyc : raw[i].has_tsc;
		p->lat = c->cycles ? raw[i].cyc : raw[i].tsc;
		c->has_lat |= p->has_lat;
		for (int src = 0; src < PLOT_NSRC; src++)
			for (size_t m = 0; m < CHASE_NMISS; m++)
				c->series[src][m] |= p->has_miss[src][m];
	}
}

/* A cache's size from cachegrind's "size,assoc,line"; 0 when not one. */
static uint64_t geom_size(const struct record *rec, const char *key)
{
	const struct field *f = record_field(rec, key);
	const char *v = f ? field_val(f) : NULL;
	const char *comma = v ? memchr(v, ',', f->len) : NULL;
	uint64_t size;

	return comma && parse_u64(v, (size_t)(comma - v), &size) ? size : 0;
}

static void model_sizes(const struct stream *s, struct chase_plot *c)
{
	const struct record *ref = stream_find(s, "reference");

	if (ref) {
		c->model_l1 = geom_size(ref, "D1");
		c->model_ll = geom_size(ref, "LL");
	}
}

/* The cache records' L1 data, L2 and L3 sizes. */
static void cpu_sizes(const struct stream *s, struct chase_plot *c)
{
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		uint64_t level, size;

		if (is_type(rec, "cache") && record_u64(rec, "level", &level) &&
		    record_u64(rec, "size", &size) && level >= 1 && level <= PLOT_CPU_CACHES &&
		    (value_is(rec, "type", "data") || value_is(rec, "type", "unified")))
			c->cpu_cache[level - 1] = size;
	}
}

void plot_chase(const struct stream *s, struct chase_plot *c)
{
	size_t *own = stat_owners(s);
	struct chase_raw *raw = xcalloc(s->nrecs, sizeof(*raw));

	memset(c, 0, sizeof(*c));
	c->pts = xcalloc(s->nrecs, sizeof(*c->pts));
	c->tcg = is_tcg(s);
	model_sizes(s, c);
	cpu_sizes(s, c);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		uint64_t ws;

		if (!is_type(rec, "bench") || !value_is(rec, "family", "chase"))
			continue;
		c->nbenches++;
		/* Without a working set there is no x to put it at. */
		if (!record_u64(rec, "ws", &ws) || !ws)
			continue;
		c->pts[c->npts].ws = ws;
		chase_point(s, own, i, &c->pts[c->npts], &raw[c->npts]);
		c->npts++;
	}
	chase_pick(c, raw);
	qsort(c->pts, c->npts, sizeof(*c->pts), by_ws);
	free(raw);
	free(own);
}

void plot_chase_free(struct chase_plot *c)
{
	free(c->pts);
	c->pts = NULL;
	c->npts = 0;
}

bool plot_chase_has_misses(const struct chase_plot *c, enum plot_src src)
{
	bool any = false;

	for (int k = 0; k < PLOT_NSRC; k++)
		for (size_t m = 0; m < CHASE_NMISS; m++)
			any |= c->series[k][m] && (src == PLOT_NSRC || src == (enum plot_src)k);
	return any;
}

bool plot_chase_drawable(const struct chase_plot *c)
{
	return c->has_lat || plot_chase_has_misses(c, PLOT_NSRC);
}

/* Where a branch bench goes on the x axis; false for a pattern this plot
 * does not know. */
static bool branch_x(const struct record *rec, struct branch_point *p)
{
	p->has_period = record_u64(rec, "period", &p->period) && p->period;
	if (value_is(rec, "pattern", "period"))
		return p->has_period;
	if (value_is(rec, "pattern", "always"))
		p->period = 1;
	else if (value_is(rec, "pattern", "alternate"))
		p->period = 2;
	else if (value_is(rec, "pattern", "random"))
		p->random = true;
	else
		return false;
	p->has_period |= !p->random;
	return true;
}

/* Why a branch bench has no miss count, from its first branch-misses
 * counter record; false when it has none. */
static bool branch_reason(const struct stream *s, const size_t *own, size_t b,
			  struct branch_plot *bp)
{
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *r = &s->recs[i];
		const struct field *why = record_field(r, "reason");
		if (own[i] != b || !value_is(r, "event", "branch-misses"))
			continue;
		bp->reason = why ? field_val(why) : "the branch-misses records hold no value";
		bp->reason_len = why ? why->len : strlen(bp->reason);
		return true;
	}
	return false;
}

static int by_period(const void *a, const void *b)
{
	const struct branch_point *x = a, *y = b;

	if (x->random != y->random)
		return x->random - y->random;
	if (!x->random && x->period != y->period)
		return (x->period > y->period) - (x->period < y->period);
	return (x->bench > y->bench) - (x->bench < y->bench);
}

static void branch_values(const struct stream *s, const size_t *own, size_t b,
			  struct branch_plot *bp, double *tsc, bool *has_tsc)
{
	struct branch_point *p = &bp->pts[bp->npts];
	const struct record *rec = &s->recs[b];
	uint64_t iters, ticks;
	double v;

	if (!record_u64(rec, "iters", &iters) || !iters)
		return;
	if ((p->has_y = src_value(s, own, b, "branch-misses", PLOT_PMU, &v)))
		p->y = v / (double)iters;
	bp->misses |= p->has_y;
	if ((p->has_model = src_value(s, own, b, "branch-misses", PLOT_MODEL, &v)))
		p->model = v / (double)iters;
	bp->model |= p->has_model;
	if ((*has_tsc = record_u64(rec, "tsc_median", &ticks)))
		*tsc = (double)ticks / (double)iters;
}

void plot_branch(const struct stream *s, struct branch_plot *bp)
{
	size_t *own = stat_owners(s);
	double *tsc = xcalloc(s->nrecs, sizeof(*tsc));
	bool *has_tsc = xcalloc(s->nrecs, sizeof(*has_tsc));
	bool reason = false;

	memset(bp, 0, sizeof(*bp));
	bp->pts = xcalloc(s->nrecs, sizeof(*bp->pts));
	bp->tcg = is_tcg(s);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		struct branch_point *p = &bp->pts[bp->npts];

		if (!is_type(rec, "bench") || !value_is(rec, "family", "branch"))
			continue;
		bp->nbenches++;
		p->bench = rec;
		if (!branch_x(rec, p)) {
			memset(p, 0, sizeof(*p));
			continue;
		}
		bp->has_always |= value_is(rec, "pattern", "always");
		bp->has_alternate |= value_is(rec, "pattern", "alternate");
		branch_values(s, own, i, bp, &tsc[bp->npts], &has_tsc[bp->npts]);
		if (!reason)
			reason = branch_reason(s, own, i, bp);
		bp->npts++;
	}
	/* TSC ticks only when no bench has a miss count: one unit per plot. */
	for (size_t i = 0; !bp->misses && !bp->model && i < bp->npts; i++) {
		bp->pts[i].has_y = has_tsc[i];
		bp->pts[i].y = tsc[i];
	}
	if (bp->misses || bp->model || !reason) {
		bp->reason = bp->misses || bp->model ? NULL : "no branch-misses counter records";
		bp->reason_len = bp->reason ? strlen(bp->reason) : 0;
	}
	qsort(bp->pts, bp->npts, sizeof(*bp->pts), by_period);
	free(has_tsc);
	free(tsc);
	free(own);
}

void plot_branch_free(struct branch_plot *b)
{
	free(b->pts);
	b->pts = NULL;
	b->npts = 0;
}

bool plot_has_benches(const struct stream *s)
{
	for (size_t i = 0; i < s->nrecs; i++)
		if (is_type(&s->recs[i], "bench") &&
		    (value_is(&s->recs[i], "family", "chase") ||
		     value_is(&s->recs[i], "family", "branch")))
			return true;
	return false;
}

bool plot_branch_drawable(const struct branch_plot *b)
{
	for (size_t i = 0; i < b->npts; i++)
		if (b->pts[i].has_y || b->pts[i].has_model)
			return true;
	return false;
}
