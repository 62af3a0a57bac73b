/* pmulab plot: points from bench and counter records, gnuplot data and
 * scripts from the points, and gnuplot run on them. A value is plotted only
 * when the records hold what it is computed from: a series without any is
 * left out, never drawn as zero, and the titles say where the numbers came
 * from. Every byte from a record that reaches a gnuplot file is one of a
 * small safe set, else written as a visible \xHH. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/report/plot.h"
#include "host/report/stat.h"

const char *const chase_miss_events[CHASE_NMISS] = {
	"L1-dcache-load-misses", "LLC-load-misses", "cache-misses",
};

#define TCG_CHASE_NOTE "QEMU TCG: emulated timing — latency means nothing for caches here"
#define TCG_BRANCH_NOTE "QEMU TCG: emulated timing — no branch predictor is modelled here"
#define MAX_LABELLED_TICS 8

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
	neg = f->len && f->val[0] == '-';
	if (!parse_u64(f->val + neg, f->len - neg, &v))
		return false;
	*out = neg ? -(double)v : (double)v;
	return true;
}

static bool is_type(const struct record *rec, const char *type)
{
	return strcmp(rec->type, type) == 0;
}

/* The value of the first counter of bench b that counted event (or one of
 * perf's other names for it) with src=pmu. */
static bool pmu_value(const struct stream *s, const size_t *own, size_t b,
		      const char *event, double *val)
{
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *r = &s->recs[i];
		if (own[i] != b || !value_is(r, "src", "pmu"))
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
	if ((raw->has_cyc = pmu_value(s, own, b, "cycles", &v)))
		raw->cyc = v / per;
	if ((raw->has_tsc = record_u64(rec, "tsc_median", &ticks)))
		raw->tsc = (double)ticks / per;
	for (size_t m = 0; m < CHASE_NMISS; m++) {
		if ((p->has_miss[m] = pmu_value(s, own, b, chase_miss_events[m], &v)))
			p->miss[m] = v / per;
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
		for (size_t m = 0; m < CHASE_NMISS; m++)
			c->series[m] |= p->has_miss[m];
	}
}

void plot_chase(const struct stream *s, struct chase_plot *c)
{
	size_t *own = stat_owners(s);
	struct chase_raw *raw = xcalloc(s->nrecs, sizeof(*raw));

	memset(c, 0, sizeof(*c));
	c->pts = xcalloc(s->nrecs, sizeof(*c->pts));
	c->tcg = is_tcg(s);
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

static bool chase_any_miss(const struct chase_plot *c)
{
	bool any = false;

	for (size_t m = 0; m < CHASE_NMISS; m++)
		any |= c->series[m];
	return any;
}

bool plot_chase_drawable(const struct chase_plot *c)
{
	return c->has_lat || chase_any_miss(c);
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
		bp->reason = why ? why->val : "the branch-misses records hold no value";
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
	if ((p->has_y = pmu_value(s, own, b, "branch-misses", &v)))
		p->y = v / (double)iters;
	bp->misses |= p->has_y;
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
	for (size_t i = 0; !bp->misses && i < bp->npts; i++) {
		bp->pts[i].has_y = has_tsc[i];
		bp->pts[i].y = tsc[i];
	}
	if (bp->misses || !reason) {
		bp->reason = bp->misses ? NULL : "no branch-misses counter records";
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
		if (b->pts[i].has_y)
			return true;
	return false;
}

/* ---------------------------------------------------------- the texts ---- */

static char *text_close(struct memtext *t)
{
	fclose(t->f);
	return t->buf;
}

/* Record bytes for a gnuplot file: letters, digits and a few marks as they
 * are, anything else (quotes, '#', '\\', control bytes) as a visible \xHH.
 * Inside a single-quoted gnuplot string a backslash is literal, so this
 * never ends the string, and the data file's comment never ends early. */
static void put_safe(FILE *f, const char *val, size_t len)
{
	static const char marks[] = " +,-./:=@_()[]";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = val[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr(marks, c)))
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* "# name" after a data line: which bench it came from. */
static void put_bench_name(FILE *f, const struct record *bench)
{
	const struct field *name = record_field(bench, "name");

	fputs(" # ", f);
	if (name)
		put_safe(f, name->val, name->len);
	else
		fputs("(no name)", f);
}

/* A number, or gnuplot's missing-value mark. */
static void put_num(FILE *f, bool has, double v)
{
	if (has)
		fprintf(f, " %.6g", v);
	else
		fputs(" ?", f);
}

void plot_size_label(char *buf, size_t len, unsigned log2)
{
	static const char units[] = "KMGTPE";

	log2 %= 64;
	if (log2 < 10)
		snprintf(buf, len, "%llu", 1ULL << log2);
	else
		snprintf(buf, len, "%llu%c", 1ULL << (log2 % 10), units[log2 / 10 - 1]);
}

/* Every power of two in [lo, hi] as a tick, a label on every step-th one
 * (step a power of two, so at most MAX_LABELLED_TICS labels), the others
 * as minor ticks: "set xtics ('4K' 4096, '' 8192 1, ...)". */
static void put_log2_tics(FILE *f, double lo, double hi)
{
	int kmin = 0, kmax, step = 1;
	const char *sep = "";

	/* By hand, not log2(): the unit tests link without libm. */
	while (kmin < 62 && (double)(1ULL << kmin) < lo)
		kmin++;
	kmax = kmin;
	while (kmax < 62 && (double)(1ULL << (kmax + 1)) <= hi)
		kmax++;
	while ((kmax - kmin) / step + 1 > MAX_LABELLED_TICS)
		step *= 2;
	fputs("set xtics (", f);
	for (int k = kmin; k <= kmax; k++, sep = ", ") {
		char label[16];
		if (k % step == 0) {
			plot_size_label(label, sizeof(label), (unsigned)k);
			fprintf(f, "%s'%s' %llu", sep, label, 1ULL << k);
		} else {
			fprintf(f, "%s'' %llu 1", sep, 1ULL << k);
		}
	}
	fputs(")\n", f);
}

/* A y axis from 0 when no value on it is negative (noise can make a
 * subtracted count negative: then autoscaled both ways). A range pinned at
 * 0 also keeps a flat curve, as under TCG, from being an empty range. */
static void put_yrange(FILE *f, const char *axis, bool negative)
{
	fprintf(f, "set %srange [%s:*]\n", axis, negative ? "*" : "0");
}

/* The lines every script starts with. */
static void put_head(FILE *f, const char *name, const char *what, const char *ext)
{
	fprintf(f, "# pmulab plot: %s.\n"
		"# Draw it again in this directory: gnuplot %s.gp\n"
		"set encoding utf8\n", what, name);
	if (strcmp(ext, "png") == 0)
		fputs("set terminal pngcairo size 900,540 noenhanced font 'sans,10' "
		      "background '#ffffff'\n", f);
	else
		fprintf(f, "set terminal svg size 900,540 dynamic noenhanced "
			"font 'sans,11' background '#ffffff' name '%s'\n", name);
	fprintf(f, "set output '%s.%s'\n"
		"set datafile missing '?'\n"
		"set key below\n"
		"set offsets 0, 0, graph 0.05, 0\n"
		"set grid\n", name, ext);
}

char *plot_chase_dat(const struct chase_plot *c)
{
	struct memtext t;
	FILE *f = memtext_open(&t);

	fprintf(f, "# pmulab plot: pointer chase, a line per family=chase bench; "
		"? = not measured\n# ws_bytes %s_per_load",
		c->cycles ? "cycles" : "tsc_ticks");
	for (size_t m = 0; m < CHASE_NMISS; m++)
		fprintf(f, " %s_per_load", chase_miss_events[m]);
	fputs(" # bench\n", f);
	for (size_t i = 0; i < c->npts; i++) {
		const struct chase_point *p = &c->pts[i];
		fprintf(f, "%" PRIu64, p->ws);
		put_num(f, p->has_lat, p->lat);
		for (size_t m = 0; m < CHASE_NMISS; m++)
			put_num(f, p->has_miss[m], p->miss[m]);
		put_bench_name(f, p->bench);
		fputc('\n', f);
	}
	return text_close(&t);
}

static const char *chase_source(const struct chase_plot *c)
{
	if (c->cycles)
		return "pointer chase: cycles per load (PMU cycles)";
	if (c->some_cycles)
		return "pointer chase: TSC ticks per load (PMU cycles missing for some benches)";
	return "pointer chase: TSC ticks per load (no PMU cycles counted)";
}

static void put_chase_axes(FILE *f, const struct chase_plot *c)
{
	double lo = (double)c->pts[0].ws / 2, hi = (double)c->pts[c->npts - 1].ws * 2;
	const char *lat = c->cycles ? "cycles per load" : "TSC ticks per load";
	bool lat_negative = false, miss_negative = false;

	for (size_t i = 0; i < c->npts; i++) {
		const struct chase_point *p = &c->pts[i];
		lat_negative |= p->has_lat && p->lat < 0;
		for (size_t m = 0; m < CHASE_NMISS; m++)
			miss_negative |= p->has_miss[m] && p->miss[m] < 0;
	}

	fprintf(f, "set xlabel 'working set (bytes)'\n"
		"set logscale x 2\n"
		"set xrange [%.15g:%.15g]\n", lo, hi);
	put_log2_tics(f, lo, hi);
	/* Misses share the left axis only when there is no latency on it. */
	fprintf(f, "set ylabel '%s'\n", c->has_lat ? lat : "misses per load");
	put_yrange(f, "y", c->has_lat ? lat_negative : miss_negative);
	if (c->has_lat && chase_any_miss(c)) {
		fputs("set ytics nomirror\n"
		      "set y2label 'misses per load'\n"
		      "set y2tics\n", f);
		put_yrange(f, "y2", miss_negative);
	}
}

char *plot_chase_script(const struct chase_plot *c, const char *ext)
{
	static const char *const styles[CHASE_NMISS] = { "dt 2 pt 6", "dt 3 pt 4", "dt 4 pt 8" };
	const char *sep = "plot ";
	struct memtext t;
	FILE *f = memtext_open(&t);

	put_head(f, "chase", "pointer-chase latency and cache misses against the working set",
		 ext);
	fprintf(f, "set title '%s'", chase_source(c));
	if (c->tcg)
		fputs(".\"\\n\".'" TCG_CHASE_NOTE "'", f);
	fputc('\n', f);
	if (c->npts)
		put_chase_axes(f, c);
	if (c->has_lat) {
		fprintf(f, "%s'chase.dat' using 1:2 axes x1y1 with linespoints lw 2 pt 7 "
			"title '%s'", sep, c->cycles ? "cycles per load" : "TSC ticks per load");
		sep = ", \\\n     ";
	}
	for (size_t m = 0; m < CHASE_NMISS; m++) {
		if (!c->series[m])
			continue;
		fprintf(f, "%s'chase.dat' using 1:%zu axes x1%s with linespoints %s "
			"title '%s per load'", sep, m + 3, c->has_lat ? "y2" : "y1",
			styles[m], chase_miss_events[m]);
		sep = ", \\\n     ";
	}
	fputc('\n', f);
	return text_close(&t);
}

static size_t branch_nperiodic(const struct branch_plot *b)
{
	size_t n = 0;

	while (n < b->npts && !b->pts[n].random)
		n++;
	return n;
}

/* The x range: half the smallest and twice the largest period drawn. A
 * random pattern is a level line, not a point: its period only counts
 * when there is no repeating pattern to draw. */
static void branch_range(const struct branch_plot *b, double *lo, double *hi)
{
	uint64_t min = UINT64_MAX, max = 0;

	for (int random = 0; random < 2 && !max; random++) {
		for (size_t i = 0; i < b->npts; i++) {
			const struct branch_point *p = &b->pts[i];
			if (p->random != random || !p->has_y || !p->has_period)
				continue;
			min = p->period < min ? p->period : min;
			max = p->period > max ? p->period : max;
		}
	}
	if (!max)
		min = max = 1;
	*lo = (double)min / 2;
	*hi = (double)max * 2;
}

char *plot_branch_dat(const struct branch_plot *b)
{
	size_t np = branch_nperiodic(b), blocks = np > 0;
	double lo, hi;
	struct memtext t;
	FILE *f = memtext_open(&t);

	branch_range(b, &lo, &hi);
	fprintf(f, "# pmulab plot: branch patterns, a line per family=branch bench; "
		"? = not measured\n# period %s_per_iteration # bench\n",
		b->misses ? "branch_misses" : "tsc_ticks");
	for (size_t i = 0; i < np; i++) {
		fprintf(f, "%" PRIu64, b->pts[i].period);
		put_num(f, b->pts[i].has_y, b->pts[i].y);
		put_bench_name(f, b->pts[i].bench);
		fputc('\n', f);
	}
	/* Each random pattern is a level line across the x range, in a block
	 * of its own (after two blank lines: gnuplot's index). */
	for (size_t i = np; i < b->npts; i++) {
		const struct branch_point *p = &b->pts[i];
		if (!p->has_y)
			continue;
		fputs(blocks++ ? "\n\n" : "", f);
		fprintf(f, "# random pattern: a level line across the plot\n%.15g %.6g", lo,
			p->y);
		put_bench_name(f, p->bench);
		fprintf(f, "\n%.15g %.6g\n", hi, p->y);
	}
	return text_close(&t);
}

static void put_branch_title(FILE *f, const struct branch_plot *b)
{
	if (b->misses) {
		fputs("set title 'branch patterns: branch-misses per iteration (PMU)", f);
	} else {
		fputs("set title 'branch patterns: TSC ticks per iteration "
		      "(no branch-miss counts: ", f);
		put_safe(f, b->reason, b->reason_len);
		fputc(')', f);
	}
	fputc('\'', f);
	if (b->tcg)
		fputs(".\"\\n\".'" TCG_BRANCH_NOTE "'", f);
	fputc('\n', f);
}

/* "repeating pattern (always = 1, alternate = 2)" as far as they are there. */
static void put_periodic_title(FILE *f, const struct branch_plot *b)
{
	fputs("title 'repeating pattern", f);
	if (b->has_always || b->has_alternate)
		fprintf(f, " (%s%s%s)", b->has_always ? "always = 1" : "",
			b->has_always && b->has_alternate ? ", " : "",
			b->has_alternate ? "alternate = 2" : "");
	fputc('\'', f);
}

char *plot_branch_script(const struct branch_plot *b, const char *ext)
{
	size_t np = branch_nperiodic(b), block = np > 0;
	const char *sep = "plot ", *unit;
	bool negative = false;
	double lo, hi;
	struct memtext t;
	FILE *f = memtext_open(&t);

	branch_range(b, &lo, &hi);
	for (size_t i = 0; i < b->npts; i++)
		negative |= b->pts[i].has_y && b->pts[i].y < 0;
	unit = b->misses ? "branch-misses per iteration" : "TSC ticks per iteration";
	put_head(f, "branch", "branch mispredictions against the period of the pattern",
		 ext);
	put_branch_title(f, b);
	fprintf(f, "set xlabel 'period of the pattern (branch outcomes before it repeats)'\n"
		"set logscale x 2\n"
		"set xrange [%.15g:%.15g]\n", lo, hi);
	put_log2_tics(f, lo, hi);
	fprintf(f, "set ylabel '%s'\n", unit);
	put_yrange(f, "y", negative);
	for (size_t i = 0; i < np; i++) {
		if (!b->pts[i].has_y)
			continue;
		fprintf(f, "%s'branch.dat' index 0 using 1:2 with linespoints lw 2 pt 7 ", sep);
		put_periodic_title(f, b);
		sep = ", \\\n     ";
		break;
	}
	for (size_t i = np; i < b->npts; i++) {
		const struct branch_point *p = &b->pts[i];
		if (!p->has_y)
			continue;
		fprintf(f, "%s'branch.dat' index %zu using 1:2 with lines dt 2 lw 2 "
			"title 'random pattern", sep, block++);
		if (p->has_period)
			fprintf(f, " (period %" PRIu64 ")", p->period);
		fputc('\'', f);
		sep = ", \\\n     ";
	}
	fputc('\n', f);
	return text_close(&t);
}

/* ------------------------------------------------------- running it ---- */

/* An executable file at path, as an absolute path into abs. */
static bool executable(const char *path, char *abs, size_t len)
{
	char cwd[PATH_MAX];
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return false;
	if (path[0] == '/')
		return (size_t)snprintf(abs, len, "%s", path) < len;
	/* gnuplot runs in the output directory: a relative path would break. */
	return getcwd(cwd, sizeof(cwd)) && (size_t)snprintf(abs, len, "%s/%s", cwd, path) < len;
}

const char *plot_gnuplot(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("PMULAB_GNUPLOT");
	const char *name = env && *env ? env : "gnuplot";
	const char *path = getenv("PATH");
	char cand[PATH_MAX];

	if (strchr(name, '/'))
		return executable(name, found, sizeof(found)) ? found : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		/* An empty entry is the current directory, as for execvp. */
		if (snprintf(cand, sizeof(cand), "%.*s%s%s", (int)n, path, n ? "/" : "",
			     name) < (int)sizeof(cand) &&
		    executable(cand, found, sizeof(found)))
			return found;
		path += n + (path[n] == ':');
	}
	return NULL;
}

const char *plot_gnuplot_missing(void)
{
	static char why[PATH_MAX + 100];
	const char *env = getenv("PMULAB_GNUPLOT");

	if (env && *env)
		snprintf(why, sizeof(why), "$PMULAB_GNUPLOT names no executable file: %s", env);
	else
		snprintf(why, sizeof(why), "gnuplot is not installed (not in PATH): "
			 "scripts/deps.sh installs it, or apt-get install gnuplot-nox");
	return why;
}

/* gnuplot script in dir, its stdout to our stderr (a report on stdout
 * stays clean), stdin from /dev/null: its exit code, 126 when it could not
 * be set up, 127 when it could not be started, -1 when it died. */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *script)
{
	int status, null;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0 || chdir(dir) < 0)
			_exit(126);
		execl(gnuplot, gnuplot, script, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool join(char *buf, size_t len, const char *dir, const char *name, const char *ext)
{
	return (size_t)snprintf(buf, len, "%s/%s.%s", dir, name, ext) < len;
}

static bool write_text(const char *path, const char *text, const char *who)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
	return ok;
}

static void gnuplot_failed(const char *who, const char *gnuplot, const char *gp, int rc)
{
	fprintf(stderr, "%s: %s %s: ", who, gnuplot, gp);
	if (rc == 126)
		fputs("could not be run in the output directory\n", stderr);
	else if (rc == 127)
		fputs("could not be started\n", stderr);
	else if (rc < 0)
		fputs("was killed, or could not be waited for\n", stderr);
	else
		fprintf(stderr, "failed with exit status %d\n", rc);
}

/* NAME.dat, NAME.gp, then gnuplot draws NAME.EXT; pf gets the paths of
 * what was written. */
static void draw(struct plot_file *pf, const char *dir, const char *ext, const char *dat,
		 const char *script, const char *gnuplot, const char *who)
{
	char dat_path[4096], gp_path[4096], image[4096], name[64];
	struct stat st;
	int rc;

	if (!join(dat_path, sizeof(dat_path), dir, pf->name, "dat") ||
	    !join(gp_path, sizeof(gp_path), dir, pf->name, "gp") ||
	    !join(image, sizeof(image), dir, pf->name, ext)) {
		fprintf(stderr, "%s: %s: the path is too long\n", who, dir);
		return;
	}
	if (!write_text(dat_path, dat, who))
		return;
	snprintf(pf->dat, sizeof(pf->dat), "%s", dat_path);
	if (!write_text(gp_path, script, who))
		return;
	snprintf(pf->gp, sizeof(pf->gp), "%s", gp_path);
	snprintf(name, sizeof(name), "%s.gp", pf->name);
	rc = run_gnuplot(gnuplot, dir, name);
	if (rc != 0) {
		gnuplot_failed(who, gnuplot, gp_path, rc);
		/* What a failed gnuplot left is no picture of this data. */
		unlink(image);
		return;
	}
	if (stat(image, &st) < 0) {
		fprintf(stderr, "%s: %s %s: wrote no %s\n", who, gnuplot, gp_path, image);
		return;
	}
	snprintf(pf->image, sizeof(pf->image), "%s", image);
	pf->drawn = true;
}

int plot_write(const struct stream *s, const char *dir, const char *ext,
	       const char *gnuplot, const char *who, struct plot_file files[PLOT_KINDS])
{
	static const char *const needs[PLOT_KINDS] = {
		[PLOT_CHASE] = "ws, iters, loads, and tsc_median or a counted cycles "
			       "or cache-miss event",
		[PLOT_BRANCH] = "a pattern (period with period=N, always, alternate or "
				"random), iters, and tsc_median or counted branch-misses",
	};
	struct chase_plot c;
	struct branch_plot b;
	char *dat[PLOT_KINDS], *script[PLOT_KINDS];
	size_t nbenches[PLOT_KINDS];
	int drawn = 0;

	plot_chase(s, &c);
	plot_branch(s, &b);
	memset(files, 0, PLOT_KINDS * sizeof(*files));
	files[PLOT_CHASE].name = "chase";
	files[PLOT_BRANCH].name = "branch";
	files[PLOT_CHASE].drawable = plot_chase_drawable(&c);
	files[PLOT_BRANCH].drawable = plot_branch_drawable(&b);
	nbenches[PLOT_CHASE] = c.nbenches;
	nbenches[PLOT_BRANCH] = b.nbenches;
	dat[PLOT_CHASE] = plot_chase_dat(&c);
	script[PLOT_CHASE] = plot_chase_script(&c, ext);
	dat[PLOT_BRANCH] = plot_branch_dat(&b);
	script[PLOT_BRANCH] = plot_branch_script(&b, ext);
	for (int k = 0; k < PLOT_KINDS; k++) {
		struct plot_file *pf = &files[k];
		pf->wanted = nbenches[k] > 0;
		if (pf->wanted && !pf->drawable)
			fprintf(stderr, "%s: no %s plot: none of the %zu family=%s bench%s "
				"has the values it needs (%s)\n", who, pf->name, nbenches[k],
				pf->name, nbenches[k] == 1 ? "" : "es", needs[k]);
		if (pf->wanted && pf->drawable)
			draw(pf, dir, ext, dat[k], script[k], gnuplot, who);
		drawn += pf->drawn;
		free(dat[k]);
		free(script[k]);
	}
	plot_chase_free(&c);
	plot_branch_free(&b);
	return drawn;
}
