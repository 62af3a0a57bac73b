/* The payload's function traces as ftrace prints them and as Chrome
 * trace-event JSON. A trace is a `trace` header record and the trace_fn,
 * trace_graph and trace_profile records that name it; entries whose header
 * is missing are still shown, under a note. Times are TSC ticks turned into
 * ns with the header's tsc_hz in integer arithmetic, truncated as the kernel
 * truncates its ns; without a frequency they stay ticks and the output says
 * so. A record that lacks a field its line needs is shown as a comment with
 * all its fields: nothing is filled in. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/report/report.h"
#include "host/report/trace.h"

/* Deeper than any call chain the payload's graph tracer can follow: a
 * guard against a depth that would indent a line by gigabytes. */
#define DEPTH_MAX 1000
#define NONE ((size_t)-1)

typedef unsigned __int128 u128;

enum kind { FN, GRAPH, PROFILE, NKINDS };

static const char *const rec_types[NKINDS] = { "trace_fn", "trace_graph", "trace_profile" };
static const char *const tracers[NKINDS] = { "function", "function_graph", "function_profile" };

struct clock {
	bool known;		/* tsc_hz given, a count, not 0 */
	uint64_t hz;
};

struct trace {
	const struct record *hdr;	/* NULL: no header names it */
	const struct field *name;	/* the header's name, else the entries' trace */
	size_t pos;			/* its first record in the stream */
	size_t id;			/* index before sorting by pos */
	const struct record **ents;	/* its entries, in stream order */
	size_t nents;
	size_t count[NKINDS];		/* of them, entries of each kind */
	struct clock clk;
};

struct trace_set {
	struct trace *t;
	size_t n;
	const struct record **ents;	/* the storage of every trace's ents */
};

/* A header or an entry, while entries are matched to headers. */
struct item {
	size_t idx;
	const struct field *name;
	bool hdr;
	size_t trace;
};

/* A function as ftrace names it: a symbol, or an address when the symbol
 * is not known. */
struct label {
	const char *s;		/* NULL: the address */
	size_t len;
	uint64_t addr;
};

static int kind_of(const char *type)
{
	for (int k = 0; k < NKINDS; k++)
		if (strcmp(type, rec_types[k]) == 0)
			return k;
	return -1;
}

/* --------------------------------------------------------- the traces ---- */

/* Byte order, an absent name first. */
static int name_cmp(const struct field *a, const struct field *b)
{
	size_t n;
	int c;

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	n = a->len < b->len ? a->len : b->len;
	c = memcmp(a->val, b->val, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static int by_name(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c = name_cmp(a->name, b->name);

	return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static int by_pos(const void *x, const void *y)
{
	const struct trace *a = x, *b = y;

	return (a->pos > b->pos) - (a->pos < b->pos);
}

static size_t new_trace(struct trace_set *set, const struct stream *s, const struct item *it)
{
	set->t[set->n] = (struct trace){
		.hdr = it->hdr ? &s->recs[it->idx] : NULL,
		.name = it->name, .pos = it->idx, .id = set->n };
	return set->n++;
}

/* The items of one name, in stream order: each header is a trace; an entry
 * belongs to the latest header before it, else the first after it, else to
 * a trace of the name alone (as a counter finds its bench, stat.h). */
static void assign_run(struct trace_set *set, const struct stream *s, struct item *it,
		       size_t n)
{
	size_t first = NONE, cur = NONE;

	for (size_t i = 0; i < n; i++) {
		if (!it[i].hdr)
			continue;
		it[i].trace = new_trace(set, s, &it[i]);
		if (first == NONE)
			first = it[i].trace;
	}
	if (first == NONE)
		first = new_trace(set, s, &it[0]);
	for (size_t i = 0; i < n; i++) {
		if (it[i].hdr)
			cur = it[i].trace;
		else
			it[i].trace = cur != NONE ? cur : first;
		/* An entry before its header puts the trace where it starts. */
		if (set->t[it[i].trace].pos > it[i].idx)
			set->t[it[i].trace].pos = it[i].idx;
	}
}

static size_t collect_items(struct item *it, const struct stream *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		bool hdr = strcmp(rec->type, "trace") == 0;

		if (!hdr && kind_of(rec->type) < 0)
			continue;
		it[n++] = (struct item){ .idx = i, .hdr = hdr,
			.name = record_field(rec, hdr ? "name" : "trace") };
	}
	return n;
}

/* Every trace's entries, as slices of set->ents. Items of one trace share
 * a name, so sorting by name kept them in stream order. */
static void fill_entries(struct trace_set *set, const struct stream *s,
			 const struct item *it, size_t n)
{
	size_t *rank = xcalloc(set->n, sizeof(*rank)), at = 0;

	for (size_t i = 0; i < set->n; i++)
		rank[set->t[i].id] = i;
	for (size_t i = 0; i < n; i++)
		if (!it[i].hdr)
			set->t[rank[it[i].trace]].nents++;
	for (size_t i = 0; i < set->n; i++) {
		set->t[i].ents = set->ents + at;
		at += set->t[i].nents;
		set->t[i].nents = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const struct record *rec = &s->recs[it[i].idx];
		struct trace *t = &set->t[rank[it[i].trace]];

		if (it[i].hdr)
			continue;
		t->ents[t->nents++] = rec;
		t->count[kind_of(rec->type)]++;
	}
	free(rank);
}

static void set_init(struct trace_set *set, const struct stream *s)
{
	struct item *it = xcalloc(s->nrecs + 1, sizeof(*it));
	size_t n = collect_items(it, s);

	set->t = xcalloc(n + 1, sizeof(*set->t));
	set->ents = xcalloc(n + 1, sizeof(*set->ents));
	set->n = 0;
	qsort(it, n, sizeof(*it), by_name);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && name_cmp(it[lo].name, it[hi].name) == 0; hi++)
			;
		assign_run(set, s, it + lo, hi - lo);
	}
	qsort(set->t, set->n, sizeof(*set->t), by_pos);
	fill_entries(set, s, it, n);
	for (size_t i = 0; i < set->n; i++) {
		struct trace *t = &set->t[i];
		t->clk.known = t->hdr && record_u64(t->hdr, "tsc_hz", &t->clk.hz) && t->clk.hz;
	}
	free(it);
}

static void set_free(struct trace_set *set)
{
	free(set->t);
	free(set->ents);
}

/* The kind the header's tracer names, or -1. */
static int header_kind(const struct trace *t)
{
	const struct field *f = t->hdr ? record_field(t->hdr, "tracer") : NULL;

	for (int k = 0; k < NKINDS; k++)
		if (field_is(f, tracers[k]))
			return k;
	return -1;
}

/* The next entry of kind k at or after i, or t->nents. */
static size_t next_of(const struct trace *t, size_t i, int k)
{
	while (i < t->nents && kind_of(t->ents[i]->type) != k)
		i++;
	return i;
}

/* ------------------------------------------------------------ values ---- */

static bool all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
			return false;
	return n > 0;
}

/* The length of sym without a trailing "+0x<off>" or "+0x<off>/0x<size>":
 * ftrace names a function without its offset. */
static size_t strip_offset(const char *v, size_t len)
{
	for (size_t i = len; i-- > 1;) {
		const char *p = v + i + 3, *slash;
		size_t rest;

		if (v[i] != '+')
			continue;
		if (len - i < 4 || memcmp(v + i, "+0x", 3) != 0)
			return len;
		rest = len - i - 3;
		slash = memchr(p, '/', rest);
		if (!slash)
			return all_hex(p, rest) ? i : len;
		if (all_hex(p, slash - p) && rest - (slash - p) > 3 &&
		    memcmp(slash, "/0x", 3) == 0 && all_hex(slash + 3, v + len - slash - 3))
			return i;
		return len;
	}
	return len;
}

/* The function of rec: its sym_key without the offset; when that is
 * absent, empty or "?", the address in addr_key; false when neither says
 * (or the address is 0, which ftrace leaves out as a parent). */
static bool fn_label(struct label *l, const struct record *rec, const char *sym_key,
		     const char *addr_key)
{
	const struct field *sym = record_field(rec, sym_key);

	if (sym && sym->len && !field_is(sym, "?")) {
		*l = (struct label){ .s = sym->val, .len = strip_offset(sym->val, sym->len) };
		return true;
	}
	*l = (struct label){ 0 };
	return field_hex(record_field(rec, addr_key), &l->addr) && l->addr;
}

static bool label_same(const struct label *a, const struct label *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s && a->addr == b->addr;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* As report_value() shows a value; an address as ftrace prints one it has
 * no symbol for. */
static void put_label(FILE *out, const struct label *l)
{
	if (l->s)
		report_value(out, l->s, l->len);
	else
		fprintf(out, "0x%08" PRIx64, l->addr);
}

static void put_name(FILE *out, const struct field *name)
{
	if (name)
		report_value(out, name->val, name->len);
	else
		fputs("(no name)", out);
}

/* Decimal digits of v, into buf (40 bytes hold any 128-bit value). */
static const char *u128_str(char *buf, u128 v)
{
	char *p = buf + 39;

	*p = '\0';
	do
		*--p = (char)('0' + (unsigned)(v % 10));
	while (v /= 10);
	return p;
}

static u128 ns_of(const struct clock *c, uint64_t ticks)
{
	return (u128)ticks * 1000000000u / c->hz;
}

/* ------------------------------------------------------- ftrace text ---- */

/* A comment line for an entry that cannot have its line: which field is
 * missing or wrong, and everything the record holds. */
static void unreadable(FILE *out, const struct record *rec, const char *why)
{
	fprintf(out, "# seq %" PRIu64 ": %s record without a valid %s:", rec->seq, rec->type,
		why);
	report_fields(out, rec, NULL);
	fputc('\n', out);
}

/* The kernel's trace_print_graph_duration(): microseconds, then " us " and
 * spaces to 12 columns; its snprintf of the ns into 8 - len bytes (5 at
 * most) keeps as many of three decimals as fit 8 columns, none from 7
 * digits on. Without a frequency the ticks, " tk ". */
static void fmt_duration(char *buf, size_t n, const struct clock *c, uint64_t ticks)
{
	char digits[40], frac[8] = "";
	const char *v = u128_str(digits, ticks), *unit = "tk";
	size_t len;

	if (c->known) {
		u128 ns = ns_of(c, ticks);
		char three[4];

		v = u128_str(digits, ns / 1000);
		unit = "us";
		len = strlen(v);
		snprintf(three, sizeof(three), "%03u", (unsigned)(ns % 1000));
		if (len < 7)
			snprintf(frac, sizeof(frac), ".%.*s", (int)(len <= 4 ? 3 : 7 - len), three);
	}
	len = strlen(v) + strlen(frac);
	snprintf(buf, n, "%s%s %s %*s", v, frac, unit, len < 8 ? (int)(8 - len) : 0, "");
}

/* trace_find_mark(): the overhead mark of a duration, ' ' below 10 us or
 * when the frequency is not known. */
static char duration_mark(const struct clock *c, uint64_t ticks)
{
	static const struct { u128 ns; char sym; } marks[] = {
		{ 1000000000, '$' }, { 100000000, '@' }, { 10000000, '*' },
		{ 1000000, '#' }, { 100000, '!' }, { 10000, '+' },
	};
	u128 ns;

	if (!c->known)
		return ' ';
	ns = ns_of(c, ticks);
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (ns > marks[i].ns)
			return marks[i].sym;
	return ' ';
}

/* " %5lu.%06lu" seconds as the kernel prints trace times, or " %12llu"
 * ticks, as it prints a clock that counts no time unit. */
static void put_timestamp(FILE *out, const struct clock *c, uint64_t ticks)
{
	char digits[40];
	u128 us;

	if (!c->known) {
		fprintf(out, " %12" PRIu64, ticks);
		return;
	}
	us = ns_of(c, ticks) / 1000;
	fprintf(out, " %5s.%06u", u128_str(digits, us / 1000000), (unsigned)(us % 1000000));
}

static void trace_clock_note(FILE *out, const struct trace *t)
{
	const struct field *hz = t->hdr ? record_field(t->hdr, "tsc_hz") : NULL;

	if (t->clk.known)
		return;
	fputs("# times are TSC ticks (tk), not seconds: the TSC frequency is unknown", out);
	if (hz) {
		fputs(" (tsc_hz=", out);
		report_value(out, hz->val, hz->len);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* Header fields that should be counts and are not. */
static void trace_bad_counts(FILE *out, const struct record *hdr)
{
	static const char *const keys[] = { "entries", "written", "lost", NULL };
	uint64_t v;

	for (const char *const *k = keys; *k; k++) {
		const struct field *f = record_field(hdr, *k);
		if (!f || record_u64(hdr, *k, &v))
			continue;
		fprintf(out, "# header: %s=", *k);
		report_value(out, f->val, f->len);
		fputs(" is not a count\n", out);
	}
}

static void trace_lost_note(FILE *out, const struct record *hdr)
{
	const struct field *mode = record_field(hdr, "mode");
	uint64_t lost;

	if (!record_u64(hdr, "lost", &lost) || !lost)
		return;
	fprintf(out, "# lost: %" PRIu64 " entries", lost);
	if (field_is(mode, "overwrite"))
		fputs(" (mode=overwrite: the oldest were overwritten)", out);
	else if (field_is(mode, "stop"))
		fputs(" (mode=stop: tracing stopped when the buffer was full)", out);
	else if (mode) {
		fputs(" (mode=", out);
		report_value(out, mode->val, mode->len);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* Only a trace that did not trace everything says what it traced. */
static void trace_filter_note(FILE *out, const struct record *hdr)
{
	const struct field *filter = record_field(hdr, "filter");
	const struct field *notrace = record_field(hdr, "notrace");

	if ((!filter || field_is(filter, "*")) && (!notrace || field_is(notrace, "none")))
		return;
	fputc('#', out);
	if (filter) {
		fputs(" filter: ", out);
		report_value(out, filter->val, filter->len);
	}
	if (notrace) {
		fputs(" notrace: ", out);
		report_value(out, notrace->val, notrace->len);
	}
	fputc('\n', out);
}

static void trace_notes(FILE *out, const struct trace *t)
{
	if (!t->hdr) {
		fputs("# no trace header record names this trace: its counts, clock and "
		      "filters are unknown\n", out);
	} else {
		trace_bad_counts(out, t->hdr);
		trace_lost_note(out, t->hdr);
		trace_filter_note(out, t->hdr);
	}
	trace_clock_note(out, t);
}

/* "# tracer: X", and where the header disagrees with the entries: another
 * tracer, or another number of entries than the stream holds (not for a
 * profile, whose rows are no ring buffer entries: the payload says 0). */
static void section_head(FILE *out, const struct trace *t, int k)
{
	const struct field *tracer = t->hdr ? record_field(t->hdr, "tracer") : NULL;
	uint64_t entries;

	fprintf(out, "# tracer: %s\n", tracers[k]);
	if (t->hdr && header_kind(t) != k && !tracer) {
		fputs("# the header names no tracer\n", out);
	} else if (t->hdr && header_kind(t) != k) {
		fputs("# the header says tracer=", out);
		report_value(out, tracer->val, tracer->len);
		fputc('\n', out);
	} else if (k != PROFILE && t->hdr && record_u64(t->hdr, "entries", &entries) &&
		   entries != t->count[k]) {
		fprintf(out, "# the header says entries=%" PRIu64 ", the stream holds %zu %s "
			"record%s\n", entries, t->count[k], rec_types[k],
			t->count[k] == 1 ? "" : "s");
	}
	fputs("#\n", out);
}

/* The CPUs the entries of kind k name: the highest cpu + 1, at least 1. */
static uint64_t cpus_named(const struct trace *t, int k)
{
	uint64_t n = 1, cpu;

	for (size_t i = next_of(t, 0, k); i < t->nents; i = next_of(t, i + 1, k))
		if (record_u64(t->ents[i], "cpu", &cpu) && cpu < UINT64_MAX && cpu + 1 > n)
			n = cpu + 1;
	return n;
}

static void fn_counts(FILE *out, const struct trace *t)
{
	bool own = header_kind(t) == FN;
	uint64_t entries = t->count[FN], written;

	if (own)
		record_u64(t->hdr, "entries", &entries);
	fprintf(out, "# entries-in-buffer/entries-written: %" PRIu64 "/", entries);
	if (own && record_u64(t->hdr, "written", &written))
		fprintf(out, "%" PRIu64, written);
	else
		fputc('?', out);
	fprintf(out, "   #P:%" PRIu64 "\n#\n", cpus_named(t, FN));
}

/* The payload has no tasks, preemption or softirqs: every line is the idle
 * task, pid 0, with no flags set, as the kernel shows a context without
 * them. */
static void fn_line(FILE *out, const struct trace *t, const struct record *rec)
{
	struct label fn, parent;
	uint64_t cpu, ts;
	const char *why = !record_u64(rec, "cpu", &cpu) ? "cpu" :
			  !record_u64(rec, "ts", &ts) ? "ts" :
			  !fn_label(&fn, rec, "sym", "ip") ? "sym" : NULL;

	if (why) {
		unreadable(out, rec, why);
		return;
	}
	fprintf(out, "%16s-%-7d [%03" PRIu64 "] .....", "<idle>", 0, cpu);
	put_timestamp(out, &t->clk, ts);
	fputs(": ", out);
	put_label(out, &fn);
	if (fn_label(&parent, rec, "parent_sym", "parent")) {
		fputs(" <-", out);
		put_label(out, &parent);
	}
	fputc('\n', out);
}

static void fn_section(FILE *out, const struct trace *t)
{
	section_head(out, t, FN);
	fn_counts(out, t);
	fputs("#                                _-----=> irqs-off/BH-disabled\n"
	      "#                               / _----=> need-resched\n"
	      "#                              | / _---=> hardirq/softirq\n"
	      "#                              || / _--=> preempt-depth\n"
	      "#                              ||| / _-=> migrate-disable\n"
	      "#                              |||| /     delay\n"
	      "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	      "#              | |         |   |||||     |         |\n", out);
	for (size_t i = next_of(t, 0, FN); i < t->nents; i = next_of(t, i + 1, FN))
		fn_line(out, t, t->ents[i]);
}

/* A trace_graph record, read. */
struct gev {
	uint64_t cpu, depth, duration;
	bool exit, has_duration;
	struct label fn;
};

/* NULL, or the field rec lacks for a graph line. */
static const char *graph_read(const struct record *rec, struct gev *e)
{
	const struct field *type = record_field(rec, "type");

	if (!record_u64(rec, "cpu", &e->cpu))
		return "cpu";
	if (!field_is(type, "entry") && !field_is(type, "exit"))
		return "type";
	e->exit = field_is(type, "exit");
	if (!record_u64(rec, "depth", &e->depth) || e->depth > DEPTH_MAX)
		return "depth";
	if (!fn_label(&e->fn, rec, "sym", "ip"))
		return "sym";
	e->has_duration = e->exit && record_u64(rec, "duration", &e->duration);
	return NULL;
}

enum shape { OPEN, LEAF, CLOSE };

/* print_graph_entry_nested(), _leaf() and print_graph_return() with
 * funcgraph-overhead and funcgraph-tail: " 0) ", the duration column
 * (blank on an entry), two spaces a level, the call. */
static void graph_line(FILE *out, const struct trace *t, int width, const struct gev *e,
		       enum shape shape)
{
	char dur[80];

	fprintf(out, " %*" PRIu64 ") ", width, e->cpu);
	if (shape == OPEN || !e->has_duration) {
		fputs("              |  ", out);
	} else {
		fmt_duration(dur, sizeof(dur), &t->clk, e->duration);
		fprintf(out, "%c %s|  ", duration_mark(&t->clk, e->duration), dur);
	}
	fprintf(out, "%*s", (int)(e->depth * 2), "");
	if (shape == CLOSE)
		fputs("} /* ", out);
	put_label(out, &e->fn);
	fputs(shape == OPEN ? "() {\n" : shape == LEAF ? "();\n" : " */\n", out);
}

/* An entry immediately followed by the exit of the same call. */
static bool is_leaf(const struct gev *e, const struct gev *x)
{
	return !e->exit && x->exit && x->cpu == e->cpu && x->depth == e->depth &&
	       label_same(&e->fn, &x->fn);
}

static void graph_section(FILE *out, const struct trace *t)
{
	char digits[24];
	int width = snprintf(digits, sizeof(digits), "%" PRIu64, cpus_named(t, GRAPH) - 1);
	size_t i = next_of(t, 0, GRAPH);

	section_head(out, t, GRAPH);
	fputs("# CPU  DURATION                  FUNCTION CALLS\n"
	      "# |     |   |                     |   |   |   |\n", out);
	while (i < t->nents) {
		size_t j = next_of(t, i + 1, GRAPH);
		struct gev e, x;
		const char *why = graph_read(t->ents[i], &e);

		if (why) {
			unreadable(out, t->ents[i], why);
		} else if (j < t->nents && !graph_read(t->ents[j], &x) && is_leaf(&e, &x)) {
			graph_line(out, t, width, &x, LEAF);
			j = next_of(t, j + 1, GRAPH);
		} else {
			graph_line(out, t, width, &e, e.exit ? CLOSE : OPEN);
		}
		i = j;
	}
}

/* A trace_profile record, read. */
struct prow {
	const struct record *rec;
	size_t idx;
	struct label fn;
	uint64_t hits, total, avg;
	bool has_avg;
};

static int by_total(const void *x, const void *y)
{
	const struct prow *a = x, *b = y;

	if (a->total != b->total)
		return a->total < b->total ? 1 : -1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* NULL, or the field rec lacks for a profile row. The average is the
 * record's, else total/hits as the kernel computes it. */
static const char *profile_read(const struct record *rec, struct prow *r)
{
	if (!fn_label(&r->fn, rec, "sym", "ip"))
		return "sym";
	if (!record_u64(rec, "hits", &r->hits))
		return "hits";
	if (!record_u64(rec, "total", &r->total))
		return "total";
	r->has_avg = record_u64(rec, "avg", &r->avg);
	if (!r->has_avg && r->hits) {
		r->avg = r->total / r->hits;
		r->has_avg = true;
	}
	return NULL;
}

/* function_stat_show(): "  %-30s  %10lu", then the time and the average
 * as durations; the kernel's s^2 column is left out, as the payload does
 * not measure it, and so is the padding after the last column. The name is
 * not cut at 30 as the kernel cuts it: two functions could look the same. */
static void profile_line(FILE *out, const struct trace *t, const struct prow *r)
{
	char cols[200];
	struct memtext name;
	FILE *f = memtext_open(&name);
	size_t end;

	put_label(f, &r->fn);
	fclose(f);
	fmt_duration(cols, sizeof(cols), &t->clk, r->total);
	if (r->has_avg) {
		strcat(cols, "    ");
		end = strlen(cols);
		fmt_duration(cols + end, sizeof(cols) - end, &t->clk, r->avg);
	}
	end = strlen(cols);
	while (end && cols[end - 1] == ' ')
		cols[--end] = '\0';
	fprintf(out, "  %-30s  %10" PRIu64 "    %s\n", name.buf, r->hits, cols);
	free(name.buf);
}

static void profile_section(FILE *out, const struct trace *t)
{
	struct prow *rows = xcalloc(t->count[PROFILE] + 1, sizeof(*rows));
	size_t n = 0;

	section_head(out, t, PROFILE);
	fputs("  Function                               Hit    Time            Avg\n"
	      "  --------                               ---    ----            ---\n", out);
	for (size_t i = next_of(t, 0, PROFILE); i < t->nents; i = next_of(t, i + 1, PROFILE)) {
		rows[n] = (struct prow){ .rec = t->ents[i], .idx = i };
		if (!profile_read(t->ents[i], &rows[n]))
			n++;
	}
	qsort(rows, n, sizeof(*rows), by_total);
	for (size_t i = 0; i < n; i++)
		profile_line(out, t, &rows[i]);
	/* The records without a row, in stream order, after the table. */
	for (size_t i = next_of(t, 0, PROFILE); i < t->nents; i = next_of(t, i + 1, PROFILE)) {
		struct prow r;
		const char *why = profile_read(t->ents[i], &r);
		if (why)
			unreadable(out, t->ents[i], why);
	}
	free(rows);
}

static void (*const sections[NKINDS])(FILE *, const struct trace *) = {
	[FN] = fn_section, [GRAPH] = graph_section, [PROFILE] = profile_section,
};

/* A section for each kind of entry it has and for the header's tracer; a
 * header of a tracer this tool does not show, without entries, says so. */
static void ftrace_trace(FILE *out, const struct trace *t)
{
	const struct field *tracer = t->hdr ? record_field(t->hdr, "tracer") : NULL;
	int hk = header_kind(t);
	bool any = false;

	fputs("# trace: ", out);
	put_name(out, t->name);
	fputc('\n', out);
	trace_notes(out, t);
	for (int k = 0; k < NKINDS; k++) {
		if (!t->count[k] && k != hk)
			continue;
		if (any)
			fputc('\n', out);
		sections[k](out, t);
		any = true;
	}
	if (any)
		return;
	fputs("# tracer: ", out);
	if (tracer)
		report_value(out, tracer->val, tracer->len);
	else
		fputs("(none)", out);
	fputs("\n# no entries, and no tracer but function, function_graph and "
	      "function_profile can be shown\n", out);
}

void trace_ftrace(FILE *out, const struct stream *s)
{
	struct trace_set set;

	set_init(&set, s);
	for (size_t i = 0; i < set.n; i++) {
		if (i)
			fputc('\n', out);
		ftrace_trace(out, &set.t[i]);
	}
	set_free(&set);
}

/* -------------------------------------------------------- trace JSON ---- */

/* '"' and '\\' backslashed, every byte outside printable ASCII as \u00XX:
 * valid JSON whatever a value holds, each byte one code point (as the json
 * report writes values). */
static void json_str(FILE *out, const char *v, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = v[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c >= 0x20 && c <= 0x7e)
			fputc(c, out);
		else
			fprintf(out, "\\u%04x", c);
	}
	fputc('"', out);
}

static void json_label(FILE *out, const struct label *l)
{
	if (l->s)
		json_str(out, l->s, l->len);
	else
		fprintf(out, "\"0x%08" PRIx64 "\"", l->addr);
}

static void json_name(FILE *out, const struct field *name)
{
	if (name)
		json_str(out, name->val, name->len);
	else
		fputs("\"(no name)\"", out);
}

/* Microseconds with three decimals; without a frequency the ticks. */
static void json_ts(FILE *out, const struct clock *c, uint64_t ticks)
{
	char digits[40];
	u128 ns;

	if (!c->known) {
		fprintf(out, "%" PRIu64, ticks);
		return;
	}
	ns = ns_of(c, ticks);
	fprintf(out, "%s.%03u", u128_str(digits, ns / 1000), (unsigned)(ns % 1000));
}

/* An event's common part: name, cat, ph, ts, pid (the trace), tid (the cpu). */
struct jev {
	struct label fn;
	uint64_t ts, cpu;
	const char *ph;
};

/* NULL, or the field rec lacks for an event; *ev filled. */
static const char *json_read(const struct record *rec, struct jev *ev)
{
	int k = kind_of(rec->type);
	const struct field *type = record_field(rec, "type");

	if (!record_u64(rec, "ts", &ev->ts))
		return "ts";
	if (!record_u64(rec, "cpu", &ev->cpu))
		return "cpu";
	if (!fn_label(&ev->fn, rec, "sym", "ip"))
		return "sym";
	ev->ph = k == FN ? "i" : field_is(type, "entry") ? "B" : field_is(type, "exit") ? "E" : NULL;
	return ev->ph ? NULL : "type";
}

/* The instant event's args: the parent as the ftrace line names it, and
 * the addresses and the parent's symbol as recorded. */
static void json_fn_args(FILE *out, const struct record *rec)
{
	/* record key, and its name among the args */
	static const char *const keys[][2] = {
		{ "ip", "ip" }, { "parent", "parent_ip" }, { "parent_sym", "parent_sym" },
	};
	struct label parent;

	fputs(",\"s\":\"t\",\"args\":{\"parent\":", out);
	if (fn_label(&parent, rec, "parent_sym", "parent"))
		json_label(out, &parent);
	else
		fputs("null", out);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct field *f = record_field(rec, keys[i][0]);
		if (!f)
			continue;
		fprintf(out, ",\"%s\":", keys[i][1]);
		json_str(out, f->val, f->len);
	}
	fputc('}', out);
}

static void json_event(FILE *out, const struct trace *t, size_t pid, const struct record *rec,
		       const struct jev *ev)
{
	fputs(",\n{\"name\":", out);
	json_label(out, &ev->fn);
	fputs(",\"cat\":", out);
	json_name(out, t->name);
	fprintf(out, ",\"ph\":\"%s\",\"ts\":", ev->ph);
	json_ts(out, &t->clk, ev->ts);
	fprintf(out, ",\"pid\":%zu,\"tid\":%" PRIu64, pid, ev->cpu);
	if (kind_of(rec->type) == FN)
		json_fn_args(out, rec);
	fputc('}', out);
}

/* A process per trace, named after it, so that traces, each timed from
 * its own start, do not overlap on one timeline. */
static void json_trace_events(FILE *out, const struct trace *t, size_t pid)
{
	struct jev ev;

	fprintf(out, "%s{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%zu,\"tid\":0,"
		"\"args\":{\"name\":", pid ? ",\n" : "\n", pid);
	json_name(out, t->name);
	fputs("}}", out);
	for (size_t i = 0; i < t->nents; i++)
		if (kind_of(t->ents[i]->type) != PROFILE && !json_read(t->ents[i], &ev))
			json_event(out, t, pid, t->ents[i], &ev);
}

static void json_header(FILE *out, const struct record *hdr)
{
	if (!hdr) {
		fputs("null,\"note\":\"no trace header record names this trace\"", out);
		return;
	}
	fputc('{', out);
	for (size_t i = 0; i < hdr->nfields; i++) {
		fputs(i ? "," : "", out);
		json_str(out, hdr->fields[i].key, strlen(hdr->fields[i].key));
		fputc(':', out);
		json_str(out, hdr->fields[i].val, hdr->fields[i].len);
	}
	fputc('}', out);
}

/* Whether rec gives an event (or a profile row); else its seq goes after
 * *sep. */
static bool json_usable(FILE *out, const struct record *rec, const char **sep)
{
	struct prow r;
	struct jev ev;

	if (kind_of(rec->type) == PROFILE ? !profile_read(rec, &r) : !json_read(rec, &ev))
		return true;
	fprintf(out, "%s%" PRIu64, *sep, rec->seq);
	*sep = ",";
	return false;
}

/* The function_profile rows, which have no place on a timeline, in stream
 * order; total and avg in the unit of ts. */
static void json_profile(FILE *out, const struct trace *t)
{
	const char *sep = "";

	fputs(",\"profile\":[", out);
	for (size_t i = next_of(t, 0, PROFILE); i < t->nents; i = next_of(t, i + 1, PROFILE)) {
		struct prow r;
		if (profile_read(t->ents[i], &r))
			continue;
		fprintf(out, "%s{\"function\":", sep);
		json_label(out, &r.fn);
		fprintf(out, ",\"hits\":%" PRIu64 ",\"total\":", r.hits);
		json_ts(out, &t->clk, r.total);
		fputs(",\"avg\":", out);
		if (r.has_avg)
			json_ts(out, &t->clk, r.avg);
		else
			fputs("null", out);
		fputc('}', out);
		sep = ",";
	}
	fputc(']', out);
}

/* What a trace was: its header as recorded, the unit of its times, how
 * many events it gave, which of its records gave nothing, its profile. */
static void json_trace_info(FILE *out, const struct trace *t, size_t pid)
{
	const char *sep = "";
	size_t events = 0;

	fprintf(out, "%s{\"pid\":%zu,\"name\":", pid ? ",\n" : "\n", pid);
	json_name(out, t->name);
	fputs(",\"header\":", out);
	json_header(out, t->hdr);
	fprintf(out, ",\"ts_unit\":\"%s\",\"skipped_seqs\":[", t->clk.known ? "us" :
		"TSC ticks, used as microseconds: the TSC frequency (tsc_hz) is unknown");
	for (size_t i = 0; i < t->nents; i++)
		if (json_usable(out, t->ents[i], &sep) && kind_of(t->ents[i]->type) != PROFILE)
			events++;
	fprintf(out, "],\"events\":%zu", events);
	if (t->count[PROFILE])
		json_profile(out, t);
	fputc('}', out);
}

void trace_json(FILE *out, const struct stream *s)
{
	struct trace_set set;

	set_init(&set, s);
	fputs("{\"traceEvents\":[", out);
	for (size_t i = 0; i < set.n; i++)
		json_trace_events(out, &set.t[i], i);
	fputs(set.n ? "\n]," : "],", out);
	fputs("\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"generator\":\"pmulab\","
	      "\"traces\":[", out);
	for (size_t i = 0; i < set.n; i++)
		json_trace_info(out, &set.t[i], i);
	fputs(set.n ? "\n]}}\n" : "]}}\n", out);
	set_free(&set);
}
