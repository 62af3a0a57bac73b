/* pmulab compare's pairing and verdicts (pair.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/compare/pair.h"

static enum tol_scope tol_scope_of(const char *scope)
{
	return scope[0] == 'h' ? TOL_HW : scope[0] == 'e' ? TOL_EXACT : TOL_PROFILE;
}

int tol_parse(const char *text, struct tol_table *t, char *err, size_t errlen)
{
	const char *line = text;
	size_t lineno = 0, cap = 0;

	memset(t, 0, sizeof(*t));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[512], ev[64], scope[16], tol[32], *end;
		int reason_at = 0;
		struct tol_entry *e;
		double pct;

		lineno++;
		if (len >= sizeof(buf)) {
			snprintf(err, errlen, "line %zu: too long", lineno);
			goto fail;
		}
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : NULL;
		buf[strcspn(buf, "#")] = '\0';
		if (buf[strspn(buf, " \t\r")] == '\0')
			continue;
		if (sscanf(buf, " %63s %15s %31s %n", ev, scope, tol, &reason_at) != 3 ||
		    !reason_at || !buf[reason_at]) {
			snprintf(err, errlen, "line %zu: expected EVENT hw|exact|profile TOLERANCE "
				 "REASON",
				 lineno);
			goto fail;
		}
		if (strcmp(scope, "hw") && strcmp(scope, "exact") && strcmp(scope, "profile")) {
			snprintf(err, errlen, "line %zu: scope '%s': use hw, exact or profile",
				 lineno, scope);
			goto fail;
		}
		pct = strtod(tol, &end);
		if (end == tol || (strcmp(end, "%") && !(pct == 0 && !*end)) || !isfinite(pct) ||
		    pct < 0 || pct > 1000) {
			snprintf(err, errlen, "line %zu: tolerance '%s': use N%% (0 to 1000) or 0",
				 lineno, tol);
			goto fail;
		}
		for (size_t i = 0; i < t->n; i++) {
			if (!strcmp(t->e[i].event, ev) &&
			    t->e[i].scope == tol_scope_of(scope)) {
				snprintf(err, errlen, "line %zu: %s %s listed twice", lineno, ev,
					 scope);
				goto fail;
			}
		}
		if (t->n == cap) {
			struct tol_entry *ne = realloc(t->e, (cap = cap ? 2 * cap : 16) * sizeof(*ne));

			if (!ne) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			t->e = ne;
		}
		e = &t->e[t->n++];
		snprintf(e->event, sizeof(e->event), "%s", ev);
		e->scope = tol_scope_of(scope);
		e->pct = pct;
		snprintf(e->reason, sizeof(e->reason), "%s", buf + reason_at);
		e->reason[strcspn(e->reason, "\r")] = '\0';
	}
	return 0;
fail:
	tol_free(t);
	return -1;
}

void tol_free(struct tol_table *t)
{
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

const struct tol_entry *tol_find(const struct tol_table *t, const char *event,
				 enum tol_scope scope)
{
	const struct tol_entry *any = NULL;

	for (size_t i = 0; i < t->n; i++) {
		if (t->e[i].scope != scope)
			continue;
		if (!strcmp(t->e[i].event, event))
			return &t->e[i];
		if (!strcmp(t->e[i].event, "*"))
			any = &t->e[i];
	}
	return any;
}

const char *cmp_verdict_name(enum cmp_verdict v)
{
	static const char *const names[] = { "match", "within", "DIFFER", "n/a" };

	return names[v];
}

bool cmp_src_exact(const char *src)
{
	return !strcmp(src, "icount") || !strcmp(src, "valgrind") || !strcmp(src, "model");
}

/* Which of two records of one event a side is judged by. */
static int src_rank(const char *src)
{
	if (!strcmp(src, "icount") || !strcmp(src, "valgrind"))
		return 4;
	if (!strcmp(src, "pmu") || !strcmp(src, "perf"))
		return 3;
	if (!strcmp(src, "model"))
		return 2;
	return !strcmp(src, "none") ? 1 : 0;
}

static const struct record *find_bench(const struct stream *s, const char *name)
{
	for (size_t i = 0; i < s->nrecs; i++)
		if (!strcmp(s->recs[i].type, "bench") &&
		    field_is(record_field(&s->recs[i], "name"), name))
			return &s->recs[i];
	return NULL;
}

static const struct record *best_counter(const struct stream *s, const char *bench,
					 const char *event)
{
	const struct record *best = NULL;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *r = &s->recs[i];
		const char *src = record_get(r, "src");

		if (strcmp(r->type, "counter") || !field_is(record_field(r, "bench"), bench) ||
		    !field_is(record_field(r, "event"), event) || !src)
			continue;
		if (!best || src_rank(src) > src_rank(record_get(best, "src")))
			best = r;
	}
	return best;
}

static bool value_of(const struct record *r, int64_t *v)
{
	const char *s = r ? record_get(r, "value") : NULL;
	char *end;

	if (!s || !*s)
		return false;
	*v = strtoll(s, &end, 10);
	return !*end;
}

static struct cmp_row *new_row(struct cmp_result *r, size_t *cap)
{
	if (r->n == *cap) {
		struct cmp_row *nr = malloc((*cap = *cap ? 2 * *cap : 64) * sizeof(*nr));

		if (!nr) {
			perror("pmulab compare");
			exit(1);
		}
		/* Not realloc: a row's why may point into its own why_buf. */
		for (size_t i = 0; i < r->n; i++) {
			nr[i] = r->rows[i];
			if (r->rows[i].why == r->rows[i].why_buf)
				nr[i].why = nr[i].why_buf;
		}
		free(r->rows);
		r->rows = nr;
	}
	memset(&r->rows[r->n], 0, sizeof(r->rows[0]));
	r->rows[r->n].tol_pct = -1;
	return &r->rows[r->n++];
}

static void na(struct cmp_row *row, const char *fmt, const char *side, const char *what)
{
	row->verdict = CMP_NA;
	snprintf(row->why_buf, sizeof(row->why_buf), fmt, side, what);
	row->why = row->why_buf;
}

static void judge(struct cmp_row *row, const struct record *ba, const struct record *bb,
		  const struct record *ca, const struct record *cb, const struct tol_table *t)
{
	const struct tol_entry *te;
	bool exact;

	row->src_a = ca ? record_get(ca, "src") : NULL;
	row->src_b = cb ? record_get(cb, "src") : NULL;
	row->has_a = value_of(ca, &row->a);
	row->has_b = value_of(cb, &row->b);
	if (row->has_a && row->has_b) {
		row->diff = (double)row->b - (double)row->a;
		row->pct = row->a ? 100.0 * row->diff / fabs((double)row->a) :
			   row->diff ? INFINITY : 0;
	}
	if (!ca || !cb) {
		na(row, "no counter in %s%s", ca ? "B" : "A", "");
		return;
	}
	if (!row->has_a || !row->has_b) {
		const struct record *none = !row->has_a ? ca : cb;
		const char *reason = record_get(none, "reason");

		na(row, "%s: %s", none == ca ? "A" : "B", reason ? reason : "no value");
		return;
	}
	if (field_is(record_field(ba, "method"), "single") ||
	    field_is(record_field(bb, "method"), "single")) {
		na(row, "%s%s", "method=single: each side measures its own start and stop", "");
		return;
	}
	if (!field_same(record_field(ba, "iters"), record_field(bb, "iters"))) {
		row->verdict = CMP_DIFFER;
		snprintf(row->why_buf, sizeof(row->why_buf), "iters differ: A %s, B %s",
			 record_get(ba, "iters") ? record_get(ba, "iters") : "?",
			 record_get(bb, "iters") ? record_get(bb, "iters") : "?");
		row->why = row->why_buf;
		return;
	}
	exact = cmp_src_exact(row->src_a) && cmp_src_exact(row->src_b);
	te = tol_find(t, row->event, exact ? TOL_EXACT : TOL_HW);
	if (row->a == row->b) {
		row->verdict = CMP_MATCH;
		row->tol_pct = te ? te->pct : 0;
		row->why = exact ? "exact sources" : te ? te->reason : "equal";
		return;
	}
	if (!te) {
		row->verdict = CMP_DIFFER;
		row->tol_pct = 0;
		row->why = exact ? "exact sources must be equal" :
			       "no tolerance listed for this event: must be equal";
		return;
	}
	row->tol_pct = te->pct;
	row->why = te->reason;
	row->verdict = fabs(row->pct) <= te->pct ? CMP_WITHIN : CMP_DIFFER;
}

static bool listed(const struct record *const *evs, size_t n, const struct record *c)
{
	for (size_t i = 0; i < n; i++)
		if (field_same(record_field(evs[i], "event"), record_field(c, "event")))
			return true;
	return false;
}

static void pair_bench(const struct stream *a, const struct stream *b, const char *name,
		       const struct record *ba, const struct record *bb,
		       const struct tol_table *t, struct cmp_result *r, size_t *cap)
{
	const struct record **evs = NULL;
	size_t nev = 0;

	/* The events of A's counters in order, then B's not in A. */
	for (int side = 0; side < 2; side++) {
		const struct stream *s = side ? b : a;

		for (size_t i = 0; i < s->nrecs; i++) {
			const struct record *c = &s->recs[i];

			if (strcmp(c->type, "counter") || !field_is(record_field(c, "bench"), name) ||
			    !record_get(c, "event") || listed(evs, nev, c))
				continue;
			evs = realloc(evs, (nev + 1) * sizeof(*evs));
			if (!evs) {
				perror("pmulab compare");
				exit(1);
			}
			evs[nev++] = c;
		}
	}
	for (size_t i = 0; i < nev; i++) {
		struct cmp_row *row = new_row(r, cap);
		const char *ev = record_get(evs[i], "event");

		row->bench = name;
		row->event = ev;
		judge(row, ba, bb, best_counter(a, name, ev), best_counter(b, name, ev), t);
	}
	free(evs);
}

static const char *probe_ratio(const struct record *p, char *buf, size_t len)
{
	uint64_t hit, base;

	if (record_get(p, "ratio"))
		return record_get(p, "ratio");
	/* The payload's kprobe: instructions of a probed call against the
	 * unprobed one's, exact under icount. */
	if (record_u64(p, "insns_per_hit", &hit) && record_u64(p, "base_insns", &base) && base) {
		snprintf(buf, len, "%.2f", (double)hit / (double)base);
		return buf;
	}
	return "-";
}

static void pair_probes(const struct stream *a, const struct stream *b, struct cmp_result *r,
			size_t *cap)
{
	for (size_t i = 0; i < a->nrecs; i++) {
		const struct record *pa = &a->recs[i], *pb = NULL;
		const char *target = record_get(pa, "target");
		struct cmp_row *row;

		if (strcmp(pa->type, "probe") || !target)
			continue;
		for (size_t j = 0; j < b->nrecs && !pb; j++)
			if (!strcmp(b->recs[j].type, "probe") &&
			    field_is(record_field(&b->recs[j], "target"), target))
				pb = &b->recs[j];
		if (!pb)
			continue;
		row = new_row(r, cap);
		row->probe = true;
		row->bench = target;
		row->event = "hits";
		row->src_a = record_get(pa, "kind");
		row->src_b = record_get(pb, "kind");
		row->ratio_a = probe_ratio(pa, row->ratio_buf[0], sizeof(row->ratio_buf[0]));
		row->ratio_b = probe_ratio(pb, row->ratio_buf[1], sizeof(row->ratio_buf[1]));
		row->has_a = record_u64(pa, "hits", (uint64_t *)&row->a);
		row->has_b = record_u64(pb, "hits", (uint64_t *)&row->b);
		if (!row->has_a || !row->has_b) {
			na(row, "%s: no hits%s", row->has_a ? "B" : "A", "");
			continue;
		}
		row->diff = (double)row->b - (double)row->a;
		row->pct = row->a ? 100.0 * row->diff / (double)row->a : row->diff ? INFINITY : 0;
		row->tol_pct = 0;
		row->verdict = row->a == row->b ? CMP_MATCH : CMP_DIFFER;
		row->why = "hit counts are exact on both sides";
	}
}

void cmp_pair(const struct stream *a, const struct stream *b, const struct tol_table *t,
	      struct cmp_result *r)
{
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < a->nrecs; i++) {
		const struct record *ba = &a->recs[i], *bb;
		const char *name = record_get(ba, "name");

		if (strcmp(ba->type, "bench") || !name || find_bench(a, name) != ba)
			continue;
		if (!(bb = find_bench(b, name))) {
			r->only_a++;
			continue;
		}
		pair_bench(a, b, name, ba, bb, t, r, &cap);
	}
	for (size_t i = 0; i < b->nrecs; i++) {
		const char *name = record_get(&b->recs[i], "name");

		if (!strcmp(b->recs[i].type, "bench") && name && find_bench(b, name) == &b->recs[i] &&
		    !find_bench(a, name))
			r->only_b++;
	}
	pair_probes(a, b, r, &cap);
	for (size_t i = 0; i < r->n; i++)
		r->counts[r->rows[i].verdict]++;
}

void cmp_free(struct cmp_result *r)
{
	free(r->rows);
	memset(r, 0, sizeof(*r));
}
