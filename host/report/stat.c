/* perf stat style views of bench and counter records. Counters are grouped
 * by the bench they name and shown as received: a value the record lacks is
 * shown as missing, and a derived metric only appears when both of its
 * operands were really counted (src pmu or icount). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/report/fields.h"
#include "host/report/stat.h"

#define VALUE_W 18	/* value column, right-aligned, as perf's COUNTS_LEN */
#define EVENT_COL 24	/* where the event name starts */
#define NOTE_COL 51	/* "# " and where the counter came from */
#define METRIC_COL 64	/* derived metric, e.g. "  0.49 insn per cycle" */
#define METRIC_W 34	/* the longest metric and a gap, so "(…%)" aligns */

static const struct stat_metric metrics[] = {
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

bool stat_event_is(const struct field *ev, const char *name)
{
	if (field_is(ev, name))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i][1], name) == 0 && field_is(ev, aliases[i][0]))
			return true;
	return false;
}

static void ctr_init(struct stat_ctr *c, const struct record *rec, size_t idx)
{
	c->rec = rec;
	c->idx = idx;
	c->event = record_field(rec, "event");
	c->src = record_field(rec, "src");
	c->has_value = record_u64(rec, "value", &c->value);
	c->has_enabled = record_u64(rec, "enabled", &c->enabled);
	c->has_running = record_u64(rec, "running", &c->running);
}

/* Blocks by name, so a counter finds its block in O(log n) whatever the
 * stream's length: by_name holds each name's bench blocks in stream order
 * from lo, n of them; synth is the block of a name no bench record has.
 * The table grows with the names, not the records. */
struct name_slot {
	const struct field *name;
	size_t lo, n, synth;
	bool used;
};

struct name_index {
	struct name_slot *slots;
	size_t mask, used;
	size_t *by_name;
	size_t blocks_cap;	/* of the view's blocks: synth ones are added */
};

static size_t name_hash(const struct field *f)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	if (!f)
		return 0;
	for (size_t i = 0; i < f->len; i++)
		h = (h ^ (unsigned char)field_val(f)[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 32);
}

static size_t name_probe(const struct name_index *x, const struct field *name)
{
	size_t i = name_hash(name) & x->mask;

	while (x->slots[i].used && !field_same(x->slots[i].name, name))
		i = (i + 1) & x->mask;
	return i;
}

/* The slot of name, claimed for it when it has none; the table doubles
 * before it is half full. */
static struct name_slot *name_slot(struct name_index *x, const struct field *name,
				   size_t nblocks)
{
	size_t i = name_probe(x, name);

	if (x->slots[i].used)
		return &x->slots[i];
	if (2 * (x->used + 1) > x->mask + 1) {
		struct name_slot *old = x->slots;
		size_t cap = 2 * (x->mask + 1);

		x->slots = xcalloc(cap, sizeof(*x->slots));
		x->mask = cap - 1;
		for (size_t j = 0; j < cap / 2; j++)
			if (old[j].used)
				x->slots[name_probe(x, old[j].name)] = old[j];
		free(old);
		i = name_probe(x, name);
	}
	x->used++;
	x->slots[i] = (struct name_slot){ .name = name, .synth = nblocks, .used = true };
	return &x->slots[i];
}

static void name_index_init(struct name_index *x, const struct stat_view *v)
{
	size_t cap, lo = 0, *fill;

	x->slots = xcalloc(16, sizeof(*x->slots));
	x->mask = 15;
	x->used = 0;
	x->blocks_cap = v->nblocks;
	x->by_name = xcalloc(v->nblocks, sizeof(*x->by_name));
	for (size_t b = 0; b < v->nblocks; b++)
		name_slot(x, v->blocks[b].name, v->nblocks)->n++;
	cap = x->mask + 1;
	for (size_t i = 0; i < cap; i++) {
		x->slots[i].lo = lo;
		lo += x->slots[i].n;
	}
	fill = xcalloc(cap, sizeof(*fill));
	for (size_t b = 0; b < v->nblocks; b++) {
		struct name_slot *k = name_slot(x, v->blocks[b].name, v->nblocks);
		x->by_name[k->lo + fill[k - x->slots]++] = b;
	}
	free(fill);
}

/* The block of a counter: the latest bench record of its name before it,
 * else the first after it, else one for the name alone. */
static size_t block_of(struct stat_view *v, struct name_index *x,
		       const struct stat_ctr *c, const struct field *name)
{
	struct name_slot *k = name_slot(x, name, v->nblocks);
	size_t lo = 0, hi = k->n;

	if (k->n) {
		while (lo < hi) {	/* first of the name at or after c */
			size_t mid = lo + (hi - lo) / 2;
			if (v->blocks[x->by_name[k->lo + mid]].pos < c->idx)
				lo = mid + 1;
			else
				hi = mid;
		}
		return x->by_name[k->lo + (lo ? lo - 1 : 0)];
	}
	if (k->synth < v->nblocks)
		return k->synth;
	if (v->nblocks == x->blocks_cap) {
		x->blocks_cap = x->blocks_cap ? 2 * x->blocks_cap : 16;
		v->blocks = xrealloc(v->blocks, x->blocks_cap * sizeof(*v->blocks));
	}
	k->synth = v->nblocks;
	v->blocks[k->synth] = (struct stat_block){ .name = name, .pos = c->idx,
						   .id = k->synth };
	v->nblocks++;
	return k->synth;
}

static int by_pos(const void *a, const void *b)
{
	const struct stat_block *x = a, *y = b;

	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int by_block(const void *a, const void *b)
{
	const struct stat_ctr *x = a, *y = b;

	if (x->block != y->block)
		return (x->block > y->block) - (x->block < y->block);
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Blocks in stream order, each with its counters as a slice in stream order. */
static void view_sort(struct stat_view *v)
{
	size_t *rank = xcalloc(v->nblocks, sizeof(*rank));

	qsort(v->blocks, v->nblocks, sizeof(*v->blocks), by_pos);
	for (size_t b = 0; b < v->nblocks; b++)
		rank[v->blocks[b].id] = b;
	for (size_t i = 0; i < v->nctrs; i++)
		v->ctrs[i].block = rank[v->ctrs[i].block];
	qsort(v->ctrs, v->nctrs, sizeof(*v->ctrs), by_block);
	for (size_t i = v->nctrs; i-- > 0;) {
		struct stat_block *k = &v->blocks[v->ctrs[i].block];
		k->ctrs = &v->ctrs[i];
		k->nctrs++;
	}
	free(rank);
}

void stat_view_init(struct stat_view *v, const struct stream *s)
{
	struct name_index x;
	size_t nbench = 0, nctr = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		nbench += strcmp(s->recs[i].type, "bench") == 0;
		nctr += strcmp(s->recs[i].type, "counter") == 0;
	}
	v->blocks = xcalloc(nbench, sizeof(*v->blocks));
	v->ctrs = xcalloc(nctr, sizeof(*v->ctrs));
	v->nblocks = v->nctrs = 0;
	/* Bench records first, so a counter can find one that comes after it. */
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		if (strcmp(rec->type, "bench") != 0)
			continue;
		v->blocks[v->nblocks] = (struct stat_block){
			.bench = rec, .name = record_field(rec, "name"),
			.pos = i, .id = v->nblocks };
		v->nblocks++;
	}
	name_index_init(&x, v);
	for (size_t i = 0; i < s->nrecs; i++) {
		struct stat_ctr *c = &v->ctrs[v->nctrs];
		if (strcmp(s->recs[i].type, "counter") != 0)
			continue;
		ctr_init(c, &s->recs[i], i);
		c->block = block_of(v, &x, c, record_field(c->rec, "bench"));
		v->nctrs++;
	}
	free(x.slots);
	free(x.by_name);
	view_sort(v);
}

void stat_view_free(struct stat_view *v)
{
	free(v->blocks);
	free(v->ctrs);
}

size_t *stat_owners(const struct stream *s)
{
	size_t *own = xcalloc(s->nrecs, sizeof(*own));
	struct stat_view v;

	for (size_t i = 0; i < s->nrecs; i++)
		own[i] = s->nrecs;
	stat_view_init(&v, s);
	for (size_t i = 0; i < v.nctrs; i++) {
		const struct stat_block *k = &v.blocks[v.ctrs[i].block];
		if (k->bench)
			own[v.ctrs[i].idx] = (size_t)(k->bench - s->recs);
	}
	stat_view_free(&v);
	return own;
}

bool stat_counted(const struct stat_ctr *c)
{
	return c->has_value && (field_is(c->src, "pmu") || field_is(c->src, "icount"));
}

/* The counter of event in b that a metric of like divides by. */
static const struct stat_ctr *operand(const struct stat_block *b, const char *event,
				      const struct stat_ctr *like)
{
	const struct stat_ctr *first = NULL;

	for (size_t i = 0; i < b->nctrs; i++) {
		const struct stat_ctr *c = &b->ctrs[i];
		if (!stat_counted(c) || !stat_event_is(c->event, event))
			continue;
		if (field_same(c->src, like->src))
			return c;
		if (!first)
			first = c;
	}
	return first;
}

const struct stat_metric *stat_metric(const struct stat_block *b, const struct stat_ctr *c,
				      double *val)
{
	if (!stat_counted(c))
		return NULL;
	for (size_t m = 0; m < ARRAY_SIZE(metrics); m++) {
		const struct stat_ctr *den;
		if (!stat_event_is(c->event, metrics[m].num))
			continue;
		den = operand(b, metrics[m].den, c);
		if (!den || !den->value)
			return NULL;
		*val = (double)c->value / (double)den->value * (metrics[m].pct ? 100 : 1);
		return &metrics[m];
	}
	return NULL;
}

bool stat_running(const struct stat_ctr *c, double *pct)
{
	if (!c->has_enabled || !c->has_running || !c->enabled)
		return false;
	*pct = 100.0 * (double)c->running / (double)c->enabled;
	return true;
}

/* 100 when not multiplexed or not known, as perf shows it. */
static double pct_running(const struct stat_ctr *c)
{
	double pct;

	return stat_running(c, &pct) ? pct : 100.0;
}

static bool multiplexed(const struct stat_ctr *c)
{
	return c->has_enabled && c->has_running && c->running < c->enabled;
}

/* What the value column holds when the record has no count. */
static const char *no_count(const struct stat_ctr *c)
{
	if (record_field(c->rec, "value"))
		return NULL;	/* a value that is no count: shown as is */
	return field_is(c->src, "none") ? "<not supported>" : "<not counted>";
}

void stat_grouped(FILE *out, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v);

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			fputc(',', out);
		fputc(digits[i], out);
	}
}

void stat_value(FILE *out, const struct stat_ctr *c)
{
	const struct field *raw = record_field(c->rec, "value");

	if (c->has_value)
		stat_grouped(out, c->value);
	else if (no_count(c))
		fputs(no_count(c), out);
	else
		report_value(out, field_val(raw), raw->len);
}

/* 'name' when it is a plain word, else report_value's quoted form. */
static void put_name(FILE *out, const struct field *f)
{
	bool plain = f->len > 0;

	for (size_t i = 0; i < f->len; i++) {
		unsigned char ch = field_val(f)[i];
		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\' || ch == '\'')
			plain = false;
	}
	if (plain)
		fprintf(out, "'%s'", field_val(f));
	else
		report_value(out, field_val(f), f->len);
}

void stat_title(FILE *out, const struct stat_block *b)
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
	suite = record_field(b->bench, "suite");
	reps = record_field(b->bench, "reps");
	if (!suite && !reps)
		return;
	fputs(" (", out);
	if (suite) {
		fputs("suite ", out);
		report_value(out, field_val(suite), suite->len);
	}
	fputs(suite && reps ? ", " : "", out);
	if (reps && record_u64(b->bench, "reps", &n))
		fprintf(out, "%" PRIu64 " run%s", n, n == 1 ? "" : "s");
	else if (reps)
		report_value(out, field_val(reps), reps->len);
	fputc(')', out);
}

/* A text row is put together in memory (struct memtext), so columns can be
 * padded whatever an escaped value's length, and trailing blanks dropped.
 * row_text(): the row so far, NUL-terminated; valid until the next write. */
static const char *row_text(struct memtext *r)
{
	fflush(r->f);
	return r->buf;
}

/* Spaces up to column col, and at least gap of them. */
static void row_pad(struct memtext *r, size_t col, size_t gap)
{
	size_t n;

	fflush(r->f);
	n = r->len + gap > col ? gap : col - r->len;
	fprintf(r->f, "%*s", (int)n, "");
}

static void row_free(struct memtext *r)
{
	fclose(r->f);
	free(r->buf);
}

static void row_close(struct memtext *r, FILE *out)
{
	fclose(r->f);
	while (r->len && r->buf[r->len - 1] == ' ')
		r->len--;
	fwrite(r->buf, 1, r->len, out);
	fputc('\n', out);
	free(r->buf);
}

/* Where the count came from: "pmu fixed1", "icount", "none: no-arch-pmu". */
static void text_source(FILE *out, const struct stat_ctr *c)
{
	const struct field *counter = record_field(c->rec, "counter");
	const struct field *reason = record_field(c->rec, "reason");

	if (!c->src)
		fputs("no src", out);
	else
		report_value(out, field_val(c->src), c->src->len);
	if (field_is(c->src, "none") && reason) {
		fputs(": ", out);
		report_value(out, field_val(reason), reason->len);
	} else if (counter) {
		fputc(' ', out);
		report_value(out, field_val(counter), counter->len);
	}
}

static void text_row(FILE *out, const struct stat_block *b, const struct stat_ctr *c)
{
	const struct stat_metric *m;
	struct memtext val, r;
	double x;

	stat_value(memtext_open(&val), c);
	fprintf(memtext_open(&r), "%*s", VALUE_W, row_text(&val));
	row_free(&val);
	row_pad(&r, EVENT_COL, 1);
	if (c->event)
		report_value(r.f, field_val(c->event), c->event->len);
	else
		fputs("(no event)", r.f);
	row_pad(&r, NOTE_COL, 1);
	fputs("# ", r.f);
	text_source(r.f, c);
	row_pad(&r, METRIC_COL, 1);
	m = stat_metric(b, c, &x);
	if (m)
		fprintf(r.f, m->pct ? "%6.2f%% %s" : "%6.2f %s", x, m->unit);
	row_pad(&r, METRIC_COL + METRIC_W, 2);
	if (stat_counted(c) && field_is(c->src, "icount"))
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
	struct stat_view v;

	stat_view_init(&v, s);
	if (v.nblocks && stat_emulated(s))
		fputs("\n Note: QEMU TCG emulates this CPU. The TSC and every timing below come"
		      "\n from the emulator (under -icount, 2^shift ticks an instruction): they"
		      "\n mean nothing for caches, branch predictors or pipelines. Instruction"
		      "\n counts marked icount are exact.\n", out);
	for (size_t b = 0; b < v.nblocks; b++) {
		const struct stat_block *k = &v.blocks[b];
		fputs("\n Performance counter stats for ", out);
		stat_title(out, k);
		fputs(":\n\n", out);
		if (!k->nctrs)
			fprintf(out, "%*s\n", VALUE_W + 6, "(no counter records)");
		for (size_t i = 0; i < k->nctrs; i++)
			text_row(out, k, &k->ctrs[i]);
	}
	stat_view_free(&v);
}

/* A value column perf's -x, grammar takes: a count, a signed or decimal
 * number as the record has it, else what perf writes for no count. */
static void csv_value(FILE *out, const struct stat_ctr *c)
{
	const struct field *raw = record_field(c->rec, "value");
	char buf[64], *end;

	if (c->has_value) {
		fprintf(out, "%" PRIu64, c->value);
		return;
	}
	if (raw && raw->len && raw->len < sizeof(buf)) {
		memcpy(buf, field_val(raw), raw->len);
		buf[raw->len] = 0;
		strtod(buf, &end);
		if (!*end && (buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9'))) {
			fputs(buf, out);
			return;
		}
	}
	fputs(no_count(c) ? no_count(c) : "<not counted>", out);
}

/* perf stat -x, 6.1's seven fields (value, unit, event, run-time, % running,
 * metric value, metric unit), then pmulab's: the bench and the source. */
static void csv_row(FILE *out, const struct stat_block *b, const struct stat_ctr *c)
{
	const struct field *bench = record_field(c->rec, "bench");
	const struct stat_metric *m;
	double x;

	csv_value(out, c);
	fputs(",,", out);
	if (c->event)
		report_csv_cell(out, field_val(c->event), c->event->len);
	fprintf(out, ",%" PRIu64 ",%.2f,", c->has_running ? c->running : 0, pct_running(c));
	/* perf -x drops the % of a percentage metric: the unit says it */
	m = stat_metric(b, c, &x);
	if (m)
		fprintf(out, "%.2f,%s", x, m->unit);
	else
		fputc(',', out);
	fputc(',', out);
	if (bench)
		report_csv_cell(out, field_val(bench), bench->len);
	fputc(',', out);
	if (c->src)
		report_csv_cell(out, field_val(c->src), c->src->len);
	fputc('\n', out);
}

void stat_perf_csv(FILE *out, const struct stream *s)
{
	struct stat_view v;

	stat_view_init(&v, s);
	for (size_t b = 0; b < v.nblocks; b++) {
		const struct stat_block *k = &v.blocks[b];
		for (size_t i = 0; i < k->nctrs; i++)
			csv_row(out, k, &k->ctrs[i]);
	}
	stat_view_free(&v);
}
