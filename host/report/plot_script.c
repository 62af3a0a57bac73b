/* pmulab plot's gnuplot files: a data file and a script per plot, from the
 * points. The titles say where the numbers came from. Every byte from a
 * record that reaches a gnuplot file is one of a small safe set, else
 * written as a visible \xHH. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "host/report/plot.h"

#define TCG_CHASE_NOTE "QEMU TCG: emulated timing — latency means nothing for caches here"
#define TCG_MODEL_CHASE_NOTE "QEMU TCG: misses from the reference model, emulated latency not drawn"
#define TCG_BRANCH_NOTE "QEMU TCG: emulated timing — no branch predictor is modelled here"
#define TCG_MODEL_BRANCH_NOTE "QEMU TCG: misses from the reference model (cachegrind predictor)"
#define MAX_LABELLED_TICS 8

static char *text_close(struct memtext *t)
{
	fclose(t->f);
	return t->buf;
}

void plot_put_safe(FILE *f, const char *val, size_t len)
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
		plot_put_safe(f, field_val(name), name->len);
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

/* The reference model's columns follow the PMU's, only when it counted. */
static bool has_model(const struct chase_plot *c)
{
	return plot_chase_has_misses(c, PLOT_MODEL);
}

/* Under TCG the TSC is emulated: with the model's misses to show, the
 * latency is left out rather than drawn as if it meant something. */
static bool draw_latency(const struct chase_plot *c)
{
	return c->has_lat && !(c->tcg && has_model(c));
}

char *plot_chase_dat(const struct chase_plot *c)
{
	int nsrc = has_model(c) ? PLOT_NSRC : 1;
	struct memtext t;
	FILE *f = memtext_open(&t);

	fprintf(f, "# pmulab plot: pointer chase, a line per family=chase bench; "
		"? = not measured\n# ws_bytes %s_per_load",
		c->cycles ? "cycles" : "tsc_ticks");
	for (int src = 0; src < nsrc; src++)
		for (size_t m = 0; m < CHASE_NMISS; m++)
			fprintf(f, " %s%s_per_load", src == PLOT_MODEL ? "model_" : "",
				chase_miss_events[m]);
	fputs(" # bench\n", f);
	for (size_t i = 0; i < c->npts; i++) {
		const struct chase_point *p = &c->pts[i];
		fprintf(f, "%" PRIu64, p->ws);
		put_num(f, p->has_lat, p->lat);
		for (int src = 0; src < nsrc; src++)
			for (size_t m = 0; m < CHASE_NMISS; m++)
				put_num(f, p->has_miss[src][m], p->miss[src][m]);
		put_bench_name(f, p->bench);
		fputc('\n', f);
	}
	return text_close(&t);
}

static const char *chase_source(const struct chase_plot *c)
{
	bool pmu = plot_chase_has_misses(c, PLOT_PMU);

	if (has_model(c) && !draw_latency(c))
		return pmu ? "pointer chase: misses per load (PMU and reference model)"
			   : "pointer chase: misses per load (reference model: cachegrind-style caches)";
	if (c->cycles)
		return "pointer chase: cycles per load (PMU cycles)";
	if (c->some_cycles)
		return "pointer chase: TSC ticks per load (PMU cycles missing for some benches)";
	return "pointer chase: TSC ticks per load (no PMU cycles counted)";
}

/* A curve the CPU measured is drawn: the PMU's misses, or a latency that
 * is not TCG's emulated one. */
static bool draws_cpu(const struct chase_plot *c)
{
	return plot_chase_has_misses(c, PLOT_PMU) || (draw_latency(c) && !c->tcg);
}

/* A dotted line and a label at each cache size in range: the model's, and
 * the CPU's when a curve it measured is drawn, in a colour of their own
 * and lower down, should both have a cache of one size. */
static void put_cache_marks(FILE *f, const struct chase_plot *c, double lo, double hi)
{
	const struct {
		uint64_t size;
		const char *name;
		bool cpu;
	} marks[] = {
		{ c->model_l1, "model L1d", false }, { c->model_ll, "model LL", false },
		{ c->cpu_cache[0], "CPU L1d", true }, { c->cpu_cache[1], "CPU L2", true },
		{ c->cpu_cache[2], "CPU L3", true },
	};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		uint64_t size = marks[i].size;
		const char *rgb = marks[i].cpu ? "#a05000" : "#606060";
		unsigned k = 0;
		char label[24];

		if (!size || (double)size < lo || (double)size > hi || (marks[i].cpu && !draws_cpu(c)))
			continue;
		while (k < 63 && (1ULL << k) < size)
			k++;
		if ((1ULL << k) == size)
			plot_size_label(label, sizeof(label), k);
		else
			snprintf(label, sizeof(label), "%" PRIu64, size);
		fprintf(f, "set arrow from %" PRIu64 ", graph 0 to %" PRIu64 ", graph 1 nohead "
			"front lw 2 dt 2 lc rgb '%s'\n"
			"set label '%s %s' at %" PRIu64 ", graph %s right offset -0.5, 0 "
			"tc rgb '%s'\n", size, size, rgb, marks[i].name, label, size,
			marks[i].cpu ? "0.91" : "0.97", rgb);
	}
}

static void put_chase_axes(FILE *f, const struct chase_plot *c)
{
	double lo = (double)c->pts[0].ws / 2, hi = (double)c->pts[c->npts - 1].ws * 2;
	const char *lat = c->cycles ? "cycles per load" : "TSC ticks per load";
	bool lat_negative = false, miss_negative = false, latency = draw_latency(c);

	for (size_t i = 0; i < c->npts; i++) {
		const struct chase_point *p = &c->pts[i];
		lat_negative |= p->has_lat && p->lat < 0;
		for (int src = 0; src < PLOT_NSRC; src++)
			for (size_t m = 0; m < CHASE_NMISS; m++)
				miss_negative |= p->has_miss[src][m] && p->miss[src][m] < 0;
	}

	fprintf(f, "set xlabel 'working set (bytes)'\n"
		"set logscale x 2\n"
		"set xrange [%.15g:%.15g]\n", lo, hi);
	put_log2_tics(f, lo, hi);
	put_cache_marks(f, c, lo, hi);
	/* Misses share the left axis only when there is no latency on it. */
	fprintf(f, "set ylabel '%s'\n", latency ? lat : "misses per load");
	put_yrange(f, "y", latency ? lat_negative : miss_negative);
	if (latency && plot_chase_has_misses(c, PLOT_NSRC)) {
		fputs("set ytics nomirror\n"
		      "set y2label 'misses per load'\n"
		      "set y2tics\n", f);
		put_yrange(f, "y2", miss_negative);
	}
}

char *plot_chase_script(const struct chase_plot *c, const char *ext)
{
	static const char *const styles[PLOT_NSRC][CHASE_NMISS] = {
		{ "dt 2 pt 6", "dt 3 pt 4", "dt 4 pt 8" },
		{ "lw 2 pt 7", "lw 2 pt 5", "lw 2 pt 9" },
	};
	const char *sep = "plot ";
	bool latency = draw_latency(c);
	struct memtext t;
	FILE *f = memtext_open(&t);

	put_head(f, "chase", "pointer-chase latency and cache misses against the working set",
		 ext);
	fprintf(f, "set title '%s'", chase_source(c));
	if (c->tcg)
		fprintf(f, ".\"\\n\".'%s'", latency ? TCG_CHASE_NOTE : TCG_MODEL_CHASE_NOTE);
	fputc('\n', f);
	if (c->npts)
		put_chase_axes(f, c);
	if (latency) {
		fprintf(f, "%s'chase.dat' using 1:2 axes x1y1 with linespoints lw 2 pt 7 "
			"title '%s'", sep, c->cycles ? "cycles per load" : "TSC ticks per load");
		sep = ", \\\n     ";
	}
	for (int src = 0; src < PLOT_NSRC; src++) {
		for (size_t m = 0; m < CHASE_NMISS; m++) {
			if (!c->series[src][m])
				continue;
			fprintf(f, "%s'chase.dat' using 1:%zu axes x1%s with linespoints %s "
				"title '%s%s per load'", sep, 3 + src * CHASE_NMISS + m,
				latency ? "y2" : "y1", styles[src][m],
				src == PLOT_MODEL ? "model " : "", chase_miss_events[m]);
			sep = ", \\\n     ";
		}
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
			if (p->random != random || !(p->has_y || p->has_model) || !p->has_period)
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
		"? = not measured\n# period %s_per_iteration%s # bench\n",
		b->misses || b->model ? "branch_misses" : "tsc_ticks",
		b->model ? " model_branch_misses_per_iteration" : "");
	for (size_t i = 0; i < np; i++) {
		fprintf(f, "%" PRIu64, b->pts[i].period);
		put_num(f, b->pts[i].has_y, b->pts[i].y);
		if (b->model)
			put_num(f, b->pts[i].has_model, b->pts[i].model);
		put_bench_name(f, b->pts[i].bench);
		fputc('\n', f);
	}
	/* Each random pattern is a level line across the x range, in a block
	 * of its own (after two blank lines: gnuplot's index). */
	for (size_t i = np; i < b->npts; i++) {
		const struct branch_point *p = &b->pts[i];
		if (!p->has_y && !p->has_model)
			continue;
		fputs(blocks++ ? "\n\n" : "", f);
		fprintf(f, "# random pattern: a level line across the plot\n%.15g", lo);
		for (int end = 0; end < 2; end++) {
			if (end)
				fprintf(f, "\n%.15g", hi);
			put_num(f, p->has_y, p->y);
			if (b->model)
				put_num(f, p->has_model, p->model);
			if (!end)
				put_bench_name(f, p->bench);
		}
		fputc('\n', f);
	}
	return text_close(&t);
}

static void put_branch_title(FILE *f, const struct branch_plot *b)
{
	if (b->misses && b->model) {
		fputs("set title 'branch patterns: branch-misses per iteration (PMU and reference "
		      "model)", f);
	} else if (b->model) {
		fputs("set title 'branch patterns: branch-misses per iteration (reference model: "
		      "cachegrind predictor)", f);
	} else if (b->misses) {
		fputs("set title 'branch patterns: branch-misses per iteration (PMU)", f);
	} else {
		fputs("set title 'branch patterns: TSC ticks per iteration "
		      "(no branch-miss counts: ", f);
		plot_put_safe(f, b->reason, b->reason_len);
		fputc(')', f);
	}
	fputc('\'', f);
	if (b->tcg)
		fprintf(f, ".\"\\n\".'%s'", b->model ? TCG_MODEL_BRANCH_NOTE : TCG_BRANCH_NOTE);
	fputc('\n', f);
}

/* "repeating pattern (always = 1, alternate = 2)" as far as they are there. */
static void put_periodic_title(FILE *f, const struct branch_plot *b, const char *who)
{
	fprintf(f, "title '%srepeating pattern", who);
	if (b->has_always || b->has_alternate)
		fprintf(f, " (%s%s%s)", b->has_always ? "always = 1" : "",
			b->has_always && b->has_alternate ? ", " : "",
			b->has_alternate ? "alternate = 2" : "");
	fputc('\'', f);
}

static bool branch_has(const struct branch_point *p, int col)
{
	return col == 2 ? p->has_y : p->has_model;
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
		negative |= (b->pts[i].has_y && b->pts[i].y < 0) ||
			    (b->pts[i].has_model && b->pts[i].model < 0);
	unit = b->misses || b->model ? "branch-misses per iteration" : "TSC ticks per iteration";
	put_head(f, "branch", "branch mispredictions against the period of the pattern",
		 ext);
	put_branch_title(f, b);
	fprintf(f, "set xlabel 'period of the pattern (branch outcomes before it repeats)'\n"
		"set logscale x 2\n"
		"set xrange [%.15g:%.15g]\n", lo, hi);
	put_log2_tics(f, lo, hi);
	fprintf(f, "set ylabel '%s'\n", unit);
	put_yrange(f, "y", negative);
	/* Column 2: the PMU's misses (or TSC ticks), 3: the model's. */
	for (int col = 2; col <= 3; col++) {
		for (size_t i = 0; i < np; i++) {
			if (!branch_has(&b->pts[i], col))
				continue;
			fprintf(f, "%s'branch.dat' index 0 using 1:%d with linespoints lw 2 pt %d ",
				sep, col, col == 2 ? 7 : 5);
			put_periodic_title(f, b, col == 3 ? "model " : "");
			sep = ", \\\n     ";
			break;
		}
	}
	for (size_t i = np; i < b->npts; i++) {
		const struct branch_point *p = &b->pts[i];
		if (!p->has_y && !p->has_model)
			continue;
		for (int col = 2; col <= 3; col++) {
			if (!branch_has(p, col))
				continue;
			fprintf(f, "%s'branch.dat' index %zu using 1:%d with lines dt %d lw 2 "
				"title '%srandom pattern", sep, block, col, col, col == 3 ? "model " : "");
			if (p->has_period)
				fprintf(f, " (period %" PRIu64 ")", p->period);
			fputc('\'', f);
			sep = ", \\\n     ";
		}
		block++;
	}
	fputc('\n', f);
	return text_close(&t);
}
