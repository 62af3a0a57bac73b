/* The glance report's suite tables (docs/host.md "text"): a row per bench,
 * a column per event the run asked for, each cell's source marked; the
 * events every bench counted 0 of and the ones only a model added folded
 * into a line each, and a table wider than a terminal cut into several. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/report/glance.h"

#define CELL_GAP 2
/* A table is cut into tables at most this wide: a maximized terminal at an
 * ordinary font shows about this many columns. */
#define TABLE_W 160
/* A list of names wraps here: read as a sentence, not scanned as a table. */
#define LIST_W 100

/* A count's source as one letter beside it; the legend says which. A cell
 * shows the first of these that counted its event: a measurement before
 * the model, exact icount before an estimate. */
static const struct {
	const char *src, *letter;
} sources[] = {
	{ "pmu", "p" }, { "icount", "i" }, { "model", "m" }, { "perf", "f" },
	{ "valgrind", "v" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *glance_letter(const struct field *src)
{
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++)
		if (field_is(src, sources[i].src))
			return sources[i].letter;
	return "?";
}

static size_t source_rank(const struct field *src)
{
	size_t i = 0;

	while (i < ARRAY_SIZE(sources) && !(src && field_is(src, sources[i].src)))
		i++;
	return i;
}

bool glance_counted(const struct stat_ctr *c)
{
	return record_field(c->rec, "value") && c->src && !field_is(c->src, "none");
}

/* A value as the text report shows it (report_value: bare, or quoted with C
 * escapes), into buf, cut to fit: no byte a record carries reaches the
 * terminal unescaped. */
static const char *shown(char *buf, size_t len, const char *val, size_t n)
{
	FILE *m = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (m) {
		report_value(m, val, n);
		fclose(m);
	}
	buf[len - 1] = '\0';
	return buf;
}

const char *glance_shown(char *buf, size_t len, const struct field *f)
{
	return f ? shown(buf, len, field_val(f), f->len) : "?";
}

bool glance_same(const struct field *a, const struct field *b)
{
	return a && b ? field_same(a, b) : a == b;
}

static void add_column(struct glance_col *cols, size_t *n, const struct stat_ctr *c)
{
	char name[GLANCE_NAME_MAX];

	for (size_t i = 0; i < *n; i++)
		if (glance_same(cols[i].event, c->event))
			return;
	cols[*n] = (struct glance_col){ .event = c->event,
				    .width = (int)strlen(glance_shown(name, sizeof(name),
								      c->event)) };
	(*n)++;
}

bool glance_in_suite(const struct stat_block *b, const char *suite)
{
	const char *s = b->bench ? record_get(b->bench, "suite") : NULL;

	return strcmp(s ? s : "", suite) == 0;
}

/* The most direct count of col's event in b, or NULL. */
static const struct stat_ctr *best(const struct stat_block *b, const struct glance_col *col)
{
	const struct stat_ctr *c = NULL;

	for (size_t i = 0; i < b->nctrs; i++)
		if (glance_counted(&b->ctrs[i]) && glance_same(b->ctrs[i].event, col->event) &&
		    (!c || source_rank(b->ctrs[i].src) < source_rank(c->src)))
			c = &b->ctrs[i];
	return c;
}

void glance_cell(char *buf, size_t len, const struct stat_block *b, const struct glance_col *col)
{
	const struct stat_ctr *c = best(b, col);
	const struct field *raw;
	uint64_t iters = 0;
	double per;

	buf[0] = '\0';
	if (!c) {
		snprintf(buf, len, "-");
		return;
	}
	raw = record_field(c->rec, "value");
	if (!c->has_value || !b->bench || !record_u64(b->bench, "iters", &iters) || !iters) {
		char val[GLANCE_NAME_MAX];

		snprintf(buf, len, "%s %s", shown(val, sizeof(val), field_val(raw), raw->len),
			 glance_letter(c->src));
		return;
	}
	per = (double)c->value / (double)iters;
	if (c->value % iters == 0)
		snprintf(buf, len, "%" PRIu64 " %s", c->value / iters, glance_letter(c->src));
	else
		snprintf(buf, len, "%.2f %s", per, glance_letter(c->src));
}

size_t glance_columns(const struct stat_view *v, const char *suite, struct glance_col *cols)
{
	size_t ncols = 0;

	for (size_t b = 0; b < v->nblocks; b++) {
		const struct stat_block *k = &v->blocks[b];

		for (size_t i = 0; i < k->nctrs && glance_in_suite(k, suite); i++)
			if (glance_counted(&k->ctrs[i]))
				add_column(cols, &ncols, &k->ctrs[i]);
	}
	return ncols;
}

size_t glance_suites(const struct stat_view *v, const char **suites)
{
	size_t n = 0;

	for (size_t b = 0; b < v->nblocks; b++) {
		const char *suite = v->blocks[b].bench ? record_get(v->blocks[b].bench, "suite") : NULL;
		size_t i = 0;

		suite = suite ? suite : "";
		while (i < n && strcmp(suites[i], suite))
			i++;
		if (i == n)
			suites[n++] = suite;
	}
	return n;
}

bool glance_asked(const char *asked, const struct field *event)
{
	size_t n = event ? event->len : 0;

	if (!asked)
		return true;
	for (const char *p = asked; *p; p += strcspn(p, ","), p += *p == ',') {
		size_t len = strcspn(p, ",");

		if (len == n && n && !memcmp(p, field_val(event), n))
			return true;
	}
	return false;
}

/* Every bench of the suite that counted col's event counted 0 of it. */
static bool all_zero(const struct stat_view *v, const char *suite, const struct glance_col *col)
{
	for (size_t b = 0; b < v->nblocks; b++) {
		const struct stat_ctr *c;

		if (!glance_in_suite(&v->blocks[b], suite))
			continue;
		c = best(&v->blocks[b], col);
		if (c && (!c->has_value || c->value))
			return false;
	}
	return true;
}

/* names (n of them) after a label, wrapped at LIST_W with indent. */
static void wrapped(FILE *out, const char *label, int indent, const struct field *const *names,
		    size_t n)
{
	char name[GLANCE_NAME_MAX];
	size_t col = (size_t)fprintf(out, "%s", label);

	for (size_t i = 0; i < n; i++) {
		glance_shown(name, sizeof(name), names[i]);
		if (i && col + strlen(name) + 2 > LIST_W) {
			col = (size_t)fprintf(out, ",\n%*s%s", indent, "", name) - 2;
			continue;
		}
		col += (size_t)fprintf(out, "%s%s", i ? ", " : "", name);
	}
	fputc('\n', out);
}

/* Columns [from, to) of the suite's table, with the bench column. */
static void table_part(FILE *out, const struct stat_view *v, const char *suite,
		       const struct glance_col *cols, size_t from, size_t to, int name_w)
{
	char buf[GLANCE_NAME_MAX * 2], name[GLANCE_NAME_MAX];

	fprintf(out, "  %-*s", name_w, "bench");
	for (size_t c = from; c < to; c++)
		fprintf(out, "%*s%*s", CELL_GAP, "", cols[c].width,
			glance_shown(name, sizeof(name), cols[c].event));
	fputc('\n', out);
	for (size_t b = 0; b < v->nblocks; b++) {
		const struct stat_block *k = &v->blocks[b];

		if (!glance_in_suite(k, suite))
			continue;
		fprintf(out, "  %-*s", name_w, glance_shown(name, sizeof(name), k->name));
		for (size_t c = from; c < to; c++) {
			glance_cell(buf, sizeof(buf), k, &cols[c]);
			fprintf(out, "%*s%*s", CELL_GAP, "", cols[c].width, buf);
		}
		fputc('\n', out);
	}
}

/* The suite's table: the columns of asked events with a count other than 0
 * (all of them when verbose), cut to TABLE_W; the columns of 0 named on a
 * line. */
static void suite_table(FILE *out, const struct stat_view *v, const char *suite,
			const char *asked, bool verbose)
{
	struct glance_col *cols = calloc(v->nctrs + 1, sizeof(*cols));
	const struct field **zero = calloc(v->nctrs + 1, sizeof(*zero));
	size_t ncols = glance_columns(v, suite, cols), nbench = 0, nshown = 0, nzero = 0;
	int name_w = 5;
	char buf[GLANCE_NAME_MAX * 2], name[GLANCE_NAME_MAX];

	for (size_t b = 0; b < v->nblocks; b++) {
		const struct stat_block *k = &v->blocks[b];

		if (!glance_in_suite(k, suite))
			continue;
		nbench++;
		if ((int)strlen(glance_shown(name, sizeof(name), k->name)) > name_w)
			name_w = (int)strlen(name);
	}
	for (size_t c = 0; c < ncols; c++) {
		if (!verbose && !glance_asked(asked, cols[c].event))
			continue;
		if (!verbose && all_zero(v, suite, &cols[c])) {
			zero[nzero++] = cols[c].event;
			continue;
		}
		cols[nshown++] = cols[c];
	}
	for (size_t b = 0; b < v->nblocks; b++)
		for (size_t c = 0; c < nshown && glance_in_suite(&v->blocks[b], suite); c++) {
			glance_cell(buf, sizeof(buf), &v->blocks[b], &cols[c]);
			if ((int)strlen(buf) > cols[c].width)
				cols[c].width = (int)strlen(buf);
		}
	fprintf(out, "\nsuite %s: %zu bench%s, counts per iteration\n",
		suite[0] ? shown(name, sizeof(name), suite, strlen(suite)) : "?", nbench,
		nbench == 1 ? "" : "es");
	if (!ncols)
		fprintf(out, "  %-*s  (nothing counted)\n", name_w, "bench");
	else if (!nshown)
		table_part(out, v, suite, cols, 0, 0, name_w);
	for (size_t from = 0, to; from < nshown; from = to) {
		int w = 2 + name_w;

		for (to = from; to < nshown; to++) {
			if (to > from && w + CELL_GAP + cols[to].width > TABLE_W)
				break;
			w += CELL_GAP + cols[to].width;
		}
		table_part(out, v, suite, cols, from, to, name_w);
	}
	if (nzero)
		wrapped(out, "  0 in every bench: ", 4, zero, nzero);
	free(zero);
	free(cols);
}

/* The events counted that the run did not ask for (a model's extra ones),
 * named on a line: --verbose gives them columns. */
static void unasked(FILE *out, const struct stat_view *v, const char *asked)
{
	const struct field **names = calloc(v->nctrs + 1, sizeof(*names));
	size_t n = 0;

	for (size_t i = 0; i < v->nctrs; i++) {
		const struct stat_ctr *c = &v->ctrs[i];
		bool seen = false;

		if (!glance_counted(c) || glance_asked(asked, c->event))
			continue;
		for (size_t j = 0; j < n && !seen; j++)
			seen = glance_same(names[j], c->event);
		if (!seen)
			names[n++] = c->event;
	}
	if (n) {
		fputs("\nalso counted (--verbose shows them):\n", out);
		wrapped(out, "  ", 2, names, n);
	}
	free(names);
}

static void legend(FILE *out, const struct stat_view *v)
{
	const char *sep = "";

	fputs("\nsources: ", out);
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		bool used = false;

		for (size_t c = 0; c < v->nctrs && !used; c++)
			used = glance_counted(&v->ctrs[c]) &&
			       field_is(v->ctrs[c].src, sources[i].src);
		if (used) {
			fprintf(out, "%s%s=%s", sep, sources[i].letter, sources[i].src);
			sep = ", ";
		}
	}
	fputs(sep[0] ? "\n" : "none counted\n", out);
}

/* The events the run asked for: the payload's config events=, else the
 * Linux runner's; NULL (every event) when neither says. */
static const char *asked_events(const struct stream *s)
{
	const struct record *cfg = stream_find(s, "config"), *lx = stream_find(s, "linux");
	const char *ev = cfg ? record_get(cfg, "events") : NULL;

	return ev ? ev : lx ? record_get(lx, "events") : NULL;
}

void glance_tables(FILE *out, const struct stream *s, const struct stat_view *v, bool verbose)
{
	const char *asked = asked_events(s);
	const char **suites = calloc(v->nblocks + 1, sizeof(*suites));
	size_t nsuites = glance_suites(v, suites);

	if (stat_emulated(s))
		fputs("\nNote: QEMU TCG emulates this CPU: its timings mean nothing for caches, "
		      "branch\npredictors or pipelines; icount counts are exact.\n", out);
	legend(out, v);
	for (size_t i = 0; i < nsuites; i++)
		suite_table(out, v, suites[i], asked, verbose);
	if (!verbose)
		unasked(out, v, asked);
	free(suites);
}
