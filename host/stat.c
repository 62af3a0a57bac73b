/* perf stat style views of bench and counter records. Counters are grouped
 * by the bench they name and shown as received: a value the record lacks is
 * shown as missing, and a derived metric only appears when both of its
 * operands were really counted (src pmu or icount). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "stat.h"

#define VALUE_W 18	/* value column, right-aligned, as perf's COUNTS_LEN */
#define EVENT_COL 24	/* where the event name starts */
#define NOTE_COL 51	/* "# " and where the counter came from */
#define METRIC_COL 64	/* derived metric, e.g. "  0.49 insn per cycle" */
#define METRIC_W 34	/* the longest metric and a gap, so "(…%)" aligns */

struct ctr {
	const struct record *rec;
	size_t idx;		/* position in the stream: rows keep its order */
	size_t block;		/* index of its block */
	const struct field *event, *src;
	bool has_value, has_enabled, has_running;
	uint64_t value, enabled, running;
};

struct block {
	const struct record *bench;	/* NULL: no bench record names it */
	const struct field *name;	/* NULL: counters without a bench field */
	size_t pos;			/* its first record in the stream */
	size_t id;			/* index before sorting by pos */
	struct ctr *ctrs;
	size_t nctrs;
};

struct view {
	struct block *blocks;
	size_t nblocks;
	struct ctr *ctrs;
	size_t nctrs;
};

/* perf's shadow metrics: numerator / denominator of the same bench. */
struct metric {
	const char *num, *den;
	const char *unit;
	bool pct;
};

static const struct metric metrics[] = {
	{ "instructions", "cycles", "insn per cycle", false },
	{ "branch-misses", "branches", "of all branches", true },
	{ "cache-misses", "cache-references", "of all cache refs", true },
	{ "L1-dcache-load-misses", "L1-dcache-loads", "of all L1-dcache accesses", true },
	{ "LLC-load-misses", "LLC-loads", "of all LL-cache accesses", true },
	{ "dTLB-load-misses", "dTLB-loads", "of all dTLB cache accesses", true },
};

/* Other names perf accepts for the same events. */
static const char *const aliases[][2] = {
	{ "cpu-cycles", "cycles" },
	{ "branch-instructions", "branches" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("pmulab: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static const struct field *field_of(const struct record *rec, const char *key)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (strcmp(rec->fields[i].key, key) == 0)
			return &rec->fields[i];
	return NULL;
}

/* Byte-exact: a decoded value may hold a NUL that strcmp would stop at. */
static bool field_is(const struct field *f, const char *s)
{
	return f && f->len == strlen(s) && memcmp(f->val, s, f->len) == 0;
}

static bool event_is(const struct field *ev, const char *name)
{
	if (field_is(ev, name))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i][1], name) == 0 && field_is(ev, aliases[i][0]))
			return true;
	return false;
}

/* Both absent, or the same bytes. */
static bool same_name(const struct field *a, const struct field *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && memcmp(a->val, b->val, a->len) == 0;
}

/* A count as the payload writes it: decimal digits only, within 64 bits.
 * Anything else is not a count, and is shown as received. */
static bool get_u64(const struct record *rec, const char *key, uint64_t *out)
{
	const struct field *f = field_of(rec, key);
	uint64_t v = 0;

	if (!f || !f->len)
		return false;
	for (size_t i = 0; i < f->len; i++) {
		unsigned d = (unsigned char)f->val[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static void ctr_init(struct ctr *c, const struct record *rec, size_t idx)
{
	c->rec = rec;
	c->idx = idx;
	c->event = field_of(rec, "event");
	c->src = field_of(rec, "src");
	c->has_value = get_u64(rec, "value", &c->value);
	c->has_enabled = get_u64(rec, "enabled", &c->enabled);
	c->has_running = get_u64(rec, "running", &c->running);
}

/* The block of a counter: the latest bench record of its name before it,
 * else the first after it, else one for the name alone. */
static size_t block_of(struct view *v, const struct ctr *c, const struct field *name)
{
	size_t best = v->nblocks;

	for (size_t b = 0; b < v->nblocks; b++) {
		const struct block *k = &v->blocks[b];
		if (!same_name(k->name, name))
			continue;
		if (!k->bench)
			return b;
		if (best == v->nblocks || k->pos < c->idx)
			best = b;
	}
	if (best < v->nblocks)
		return best;
	v->blocks[best] = (struct block){ .name = name, .pos = c->idx, .id = best };
	v->nblocks++;
	return best;
}

static int by_pos(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int by_block(const void *a, const void *b)
{
	const struct ctr *x = a, *y = b;

	if (x->block != y->block)
		return (x->block > y->block) - (x->block < y->block);
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Blocks in stream order, each with its counters as a slice in stream order. */
static void view_sort(struct view *v)
{
	size_t *rank = xcalloc(v->nblocks, sizeof(*rank));

	qsort(v->blocks, v->nblocks, sizeof(*v->blocks), by_pos);
	for (size_t b = 0; b < v->nblocks; b++)
		rank[v->blocks[b].id] = b;
	for (size_t i = 0; i < v->nctrs; i++)
		v->ctrs[i].block = rank[v->ctrs[i].block];
	qsort(v->ctrs, v->nctrs, sizeof(*v->ctrs), by_block);
	for (size_t i = v->nctrs; i-- > 0;) {
		struct block *k = &v->blocks[v->ctrs[i].block];
		k->ctrs = &v->ctrs[i];
		k->nctrs++;
	}
	free(rank);
}

static void view_init(struct view *v, const struct stream *s)
{
	v->blocks = xcalloc(s->nrecs, sizeof(*v->blocks));
	v->ctrs = xcalloc(s->nrecs, sizeof(*v->ctrs));
	v->nblocks = v->nctrs = 0;
	/* Bench records first, so a counter can find one that comes after it. */
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		if (strcmp(rec->type, "bench") != 0)
			continue;
		v->blocks[v->nblocks] = (struct block){
			.bench = rec, .name = field_of(rec, "name"),
			.pos = i, .id = v->nblocks };
		v->nblocks++;
	}
	for (size_t i = 0; i < s->nrecs; i++) {
		struct ctr *c = &v->ctrs[v->nctrs];
		if (strcmp(s->recs[i].type, "counter") != 0)
			continue;
		ctr_init(c, &s->recs[i], i);
		c->block = block_of(v, c, field_of(c->rec, "bench"));
		v->nctrs++;
	}
	view_sort(v);
}

static void view_free(struct view *v)
{
	free(v->blocks);
	free(v->ctrs);
}

/* Really counted: a value, from a source that measures. */
static bool counted(const struct ctr *c)
{
	return c->has_value && (field_is(c->src, "pmu") || field_is(c->src, "icount"));
}

/* The counter of event in b that a metric of like divides by: one of the
 * same source first, else the first counted one. */
static const struct ctr *operand(const struct block *b, const char *event,
				 const struct ctr *like)
{
	const struct ctr *first = NULL;

	for (size_t i = 0; i < b->nctrs; i++) {
		const struct ctr *c = &b->ctrs[i];
		if (!counted(c) || !event_is(c->event, event))
			continue;
		if (same_name(c->src, like->src))
			return c;
		if (!first)
			first = c;
	}
	return first;
}

/* The metric shown beside c, or NULL when c is no numerator of one or an
 * operand is missing (a zero denominator has no ratio either). */
static const struct metric *metric_of(const struct block *b, const struct ctr *c,
				      double *val)
{
	if (!counted(c))
		return NULL;
	for (size_t m = 0; m < ARRAY_SIZE(metrics); m++) {
		const struct ctr *den;
		if (!event_is(c->event, metrics[m].num))
			continue;
		den = operand(b, metrics[m].den, c);
		if (!den || !den->value)
			return NULL;
		*val = (double)c->value / (double)den->value * (metrics[m].pct ? 100 : 1);
		return &metrics[m];
	}
	return NULL;
}

/* perf's "% of time counted"; 100 when not multiplexed or not known. */
static double pct_running(const struct ctr *c)
{
	if (!c->has_enabled || !c->has_running || !c->enabled)
		return 100.0;
	return 100.0 * (double)c->running / (double)c->enabled;
}

static bool multiplexed(const struct ctr *c)
{
	return c->has_enabled && c->has_running && c->running < c->enabled;
}

/* What the value column holds when the record has no count. */
static const char *no_count(const struct ctr *c)
{
	if (field_of(c->rec, "value"))
		return NULL;	/* a value that is no count: shown as is */
	return field_is(c->src, "none") ? "<not supported>" : "<not counted>";
}

/* 1234567 as "1,234,567", as perf prints counts. */
static void put_grouped(FILE *out, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v);

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			fputc(',', out);
		fputc(digits[i], out);
	}
}

/* 'name' when it is a plain word, else report_value's quoted form. */
static void put_name(FILE *out, const struct field *f)
{
	bool plain = f->len > 0;

	for (size_t i = 0; i < f->len; i++) {
		unsigned char ch = f->val[i];
		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\' || ch == '\'')
			plain = false;
	}
	if (plain)
		fprintf(out, "'%s'", f->val);
	else
		report_value(out, f->val, f->len);
}

/* "bench 'loop' (suite pmu-check, 5 runs)" */
static void put_title(FILE *out, const struct block *b)
{
	const struct field *suite, *reps;
	uint64_t n;

	if (b->name) {
		fputs("bench ", out);
		put_name(out, b->name);
	} else {
		fputs(b->bench ? "a bench without a name" : "counters without a bench", out);
	}
	if (!b->bench) {
		fputs(b->name ? " (no bench record)" : "", out);
		return;
	}
	suite = field_of(b->bench, "suite");
	reps = field_of(b->bench, "reps");
	if (!suite && !reps)
		return;
	fputs(" (", out);
	if (suite) {
		fputs("suite ", out);
		report_value(out, suite->val, suite->len);
	}
	fputs(suite && reps ? ", " : "", out);
	if (reps && get_u64(b->bench, "reps", &n))
		fprintf(out, "%" PRIu64 " run%s", n, n == 1 ? "" : "s");
	else if (reps)
		report_value(out, reps->val, reps->len);
	fputc(')', out);
}

/* A text row is put together in memory, so columns can be padded whatever
 * an escaped value's length, and trailing blanks dropped. */
struct row {
	FILE *f;
	char *buf;
	size_t len;
};

static void row_open(struct row *r)
{
	r->buf = NULL;
	r->len = 0;
	r->f = open_memstream(&r->buf, &r->len);
	if (!r->f) {
		fputs("pmulab: out of memory\n", stderr);
		exit(1);
	}
}

/* The row so far, NUL-terminated; valid until the next write. */
static const char *row_text(struct row *r)
{
	fflush(r->f);
	return r->buf;
}

/* Spaces up to column col, and at least gap of them. */
static void row_pad(struct row *r, size_t col, size_t gap)
{
	size_t n;

	fflush(r->f);
	n = r->len + gap > col ? gap : col - r->len;
	fprintf(r->f, "%*s", (int)n, "");
}

static void row_free(struct row *r)
{
	fclose(r->f);
	free(r->buf);
}

static void row_close(struct row *r, FILE *out)
{
	fclose(r->f);
	while (r->len && r->buf[r->len - 1] == ' ')
		r->len--;
	fwrite(r->buf, 1, r->len, out);
	fputc('\n', out);
	free(r->buf);
}

static void text_value(FILE *out, const struct ctr *c)
{
	const struct field *raw = field_of(c->rec, "value");

	if (c->has_value)
		put_grouped(out, c->value);
	else if (no_count(c))
		fputs(no_count(c), out);
	else
		report_value(out, raw->val, raw->len);
}

/* Where the count came from: "pmu fixed1", "icount", "none: no-arch-pmu". */
static void text_source(FILE *out, const struct ctr *c)
{
	const struct field *counter = field_of(c->rec, "counter");
	const struct field *reason = field_of(c->rec, "reason");

	if (!c->src)
		fputs("no src", out);
	else
		report_value(out, c->src->val, c->src->len);
	if (field_is(c->src, "none") && reason) {
		fputs(": ", out);
		report_value(out, reason->val, reason->len);
	} else if (counter) {
		fputc(' ', out);
		report_value(out, counter->val, counter->len);
	}
}

static void text_row(FILE *out, const struct block *b, const struct ctr *c)
{
	const struct metric *m;
	struct row val, r;
	double x;

	row_open(&val);
	text_value(val.f, c);
	row_open(&r);
	fprintf(r.f, "%*s", VALUE_W, row_text(&val));
	row_free(&val);
	row_pad(&r, EVENT_COL, 1);
	if (c->event)
		report_value(r.f, c->event->val, c->event->len);
	else
		fputs("(no event)", r.f);
	row_pad(&r, NOTE_COL, 1);
	fputs("# ", r.f);
	text_source(r.f, c);
	row_pad(&r, METRIC_COL, 1);
	m = metric_of(b, c, &x);
	if (m)
		fprintf(r.f, m->pct ? "%6.2f%% %s" : "%6.2f %s", x, m->unit);
	row_pad(&r, METRIC_COL + METRIC_W, 2);
	if (counted(c) && field_is(c->src, "icount"))
		fputs("(exact) ", r.f);
	if (multiplexed(c))
		fprintf(r.f, "(%.2f%%)", pct_running(c));
	row_close(&r, out);
}

/* QEMU TCG names itself in CPUID 0x40000000 (the cpu record's hypervisor). */
bool stat_emulated(const struct stream *s)
{
	const struct record *cpu = stream_find(s, "cpu");
	const char *hv = cpu ? record_get(cpu, "hypervisor") : NULL;

	return hv && strcmp(hv, "TCGTCGTCGTCG") == 0;
}

void stat_text(FILE *out, const struct stream *s)
{
	struct view v;

	view_init(&v, s);
	if (v.nblocks && stat_emulated(s))
		fputs("\n Note: QEMU TCG emulates this CPU. The TSC and every timing below come"
		      "\n from the emulator (under -icount, 2^shift ticks an instruction): they"
		      "\n mean nothing for caches, branch predictors or pipelines. Instruction"
		      "\n counts marked icount are exact.\n", out);
	for (size_t b = 0; b < v.nblocks; b++) {
		const struct block *k = &v.blocks[b];
		fputs("\n Performance counter stats for ", out);
		put_title(out, k);
		fputs(":\n\n", out);
		if (!k->nctrs)
			fprintf(out, "%*s\n", VALUE_W + 6, "(no counter records)");
		for (size_t i = 0; i < k->nctrs; i++)
			text_row(out, k, &k->ctrs[i]);
	}
	view_free(&v);
}

static void csv_row(FILE *out, const struct block *b, const struct ctr *c)
{
	const struct field *raw = field_of(c->rec, "value");
	const struct metric *m;
	double x;

	if (c->has_value)
		fprintf(out, "%" PRIu64, c->value);
	else if (no_count(c))
		fputs(no_count(c), out);
	else
		report_csv_cell(out, raw->val, raw->len);
	fputs(",,", out);
	if (c->event)
		report_csv_cell(out, c->event->val, c->event->len);
	fputc(',', out);
	if (c->has_running)
		fprintf(out, "%" PRIu64, c->running);
	fprintf(out, ",%.2f,", pct_running(c));
	/* perf -x drops the % of a percentage metric: the unit says it */
	m = metric_of(b, c, &x);
	if (m)
		fprintf(out, "%.2f,%s", x, m->unit);
	else
		fputc(',', out);
	fputc('\n', out);
}

void stat_perf_csv(FILE *out, const struct stream *s)
{
	struct view v;

	view_init(&v, s);
	for (size_t b = 0; b < v.nblocks; b++) {
		const struct block *k = &v.blocks[b];
		fputs("# ", out);
		put_title(out, k);
		fputc('\n', out);
		for (size_t i = 0; i < k->nctrs; i++)
			csv_row(out, k, &k->ctrs[i]);
	}
	view_free(&v);
}
