/* A stream's function traces, read (trace_set.h): entries matched to
 * their headers, each trace's clock, and the fields every view reads. */
#include <stdlib.h>
#include <string.h>
#include "host/report/trace_set.h"

#define NONE ((size_t)-1)

const char *const trace_rec_types[NKINDS] = { "trace_fn", "trace_graph", "trace_profile" };
const char *const trace_tracers[NKINDS] = { "function", "function_graph", "function_profile" };

/* A header or an entry, while entries are matched to headers. */
struct item {
	size_t idx;
	const struct field *name;
	bool hdr;
	size_t trace;
};

int trace_kind_of(const char *type)
{
	for (int k = 0; k < NKINDS; k++)
		if (strcmp(type, trace_rec_types[k]) == 0)
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
	c = memcmp(field_val(a), field_val(b), n);
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

		if (!hdr && trace_kind_of(rec->type) < 0)
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
		t->count[trace_kind_of(rec->type)]++;
	}
	free(rank);
}

void trace_set_init(struct trace_set *set, const struct stream *s)
{
	struct item *it = xcalloc(s->nrecs + 1, sizeof(*it));
	size_t n = collect_items(it, s);
	const struct record *hello;
	bool icount;

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
	hello = stream_find(s, "hello");
	icount = hello && field_is(record_field(hello, "tsc_hz_src"), "icount");
	for (size_t i = 0; i < set->n; i++) {
		struct trace *t = &set->t[i];
		t->clk.known = t->hdr && record_u64(t->hdr, "tsc_hz", &t->clk.hz) && t->clk.hz;
		t->clk.icount = icount;
	}
	free(it);
}

void trace_set_free(struct trace_set *set)
{
	free(set->t);
	free(set->ents);
}

int trace_header_kind(const struct trace *t)
{
	const struct field *f = t->hdr ? record_field(t->hdr, "tracer") : NULL;

	for (int k = 0; k < NKINDS; k++)
		if (field_is(f, trace_tracers[k]))
			return k;
	return -1;
}

size_t trace_next_of(const struct trace *t, size_t i, int k)
{
	while (i < t->nents && trace_kind_of(t->ents[i]->type) != k)
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

bool trace_fn_label(struct label *l, const struct record *rec, const char *sym_key,
		    const char *addr_key)
{
	const struct field *sym = record_field(rec, sym_key);

	if (sym && sym->len && !field_is(sym, "?")) {
		*l = (struct label){ .s = field_val(sym), .len = strip_offset(field_val(sym), sym->len) };
		return true;
	}
	*l = (struct label){ 0 };
	return field_hex(record_field(rec, addr_key), &l->addr) && l->addr;
}

const char *trace_u128_str(char *buf, u128 v)
{
	char *p = buf + 39;

	*p = '\0';
	do
		*--p = (char)('0' + (unsigned)(v % 10));
	while (v /= 10);
	return p;
}

u128 trace_ns_of(const struct clock *c, uint64_t ticks)
{
	return (u128)ticks * 1000000000u / c->hz;
}

const char *trace_profile_read(const struct record *rec, struct prow *r)
{
	if (!trace_fn_label(&r->fn, rec, "sym", "ip"))
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
