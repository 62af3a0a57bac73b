/* The default text report, read at a glance (docs/host.md): the machine,
 * the suite tables (glance_table.c), the events nothing counted folded into
 * one line saying why, the checks tallied with only the failures and skips
 * named, and a sampled run's profile. Every record stays in --format
 * records. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/parity/parity_run.h"
#include "host/profile/profile.h"
#include "host/report/glance.h"
#include "host/report/records.h"
#include "host/report/stat.h"

#define LINE_W 100	/* a name list is cut here: a glance, not the list */

/* Why the payload could not count an event (counter reason=), in words. */
static const struct {
	const char *reason, *words;
} reasons[] = {
	{ "no-arch-pmu", "this CPU has no architectural PMU (CPUID.0AH)" },
	{ "no-counters", "the PMU has no counters" },
	{ "no-counter-for-event", "no counter left that can count it" },
	{ "needs-fixed-counter-2", "only fixed counter 2 counts it, and there is none" },
	{ "unknown-event", "no encoding of it for this CPU" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* names (n of them) on one line from col, cut at LINE_W with "… N more". */
static void name_list(FILE *out, size_t col, const struct field *const *names, size_t n)
{
	char name[GLANCE_NAME_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		glance_shown(name, sizeof(name), names[i]);
		if (i && col + strlen(name) + 2 > LINE_W)
			break;
		fprintf(out, "%s%s", i ? ", " : "", name);
		col += strlen(name) + 2;
	}
	if (i < n)
		fprintf(out, ", … %zu more", n - i);
}

void glance_not_counted(FILE *out, const struct stat_view *v)
{
	char name[GLANCE_NAME_MAX];
	const struct field **names = calloc(v->nctrs + 1, sizeof(*names));
	const struct field **why = calloc(v->nctrs + 1, sizeof(*why));
	const struct field **done = calloc(v->nctrs + 1, sizeof(*done));
	size_t n = 0, ndone = 0;

	/* The distinct events are few, the counters maybe millions: each
	 * counter is looked up in the short lists only. */
	for (size_t i = 0; i < v->nctrs; i++) {
		bool seen = false;

		for (size_t j = 0; j < ndone && !seen; j++)
			seen = glance_same(done[j], v->ctrs[i].event);
		if (!seen && glance_counted(&v->ctrs[i]))
			done[ndone++] = v->ctrs[i].event;
	}
	for (size_t i = 0; i < v->nctrs; i++) {
		const struct stat_ctr *c = &v->ctrs[i];
		bool seen = false;

		for (size_t j = 0; j < ndone && !seen; j++)
			seen = glance_same(done[j], c->event);
		for (size_t j = 0; j < n && !seen; j++)
			seen = glance_same(names[j], c->event);
		if (seen || !c->event)
			continue;
		names[n] = c->event;
		why[n++] = record_field(c->rec, "reason");
	}
	for (size_t i = 0; i < n; i++) {
		const struct field **group = calloc(n, sizeof(*group));
		size_t g = 0;
		const char *words = NULL;
		bool earlier = false;

		for (size_t j = 0; j < i && !earlier; j++)
			earlier = glance_same(why[j], why[i]);
		if (earlier) {
			free(group);
			continue;
		}
		for (size_t j = i; j < n; j++)
			if (glance_same(why[j], why[i]))
				group[g++] = names[j];
		fputs("not counted: ", out);
		for (size_t j = 0; j < g; j++)
			fprintf(out, "%s%s", j ? ", " : "",
				glance_shown(name, sizeof(name), group[j]));
		for (size_t r = 0; why[i] && r < ARRAY_SIZE(reasons); r++)
			if (field_is(why[i], reasons[r].reason))
				words = reasons[r].words;
		if (why[i])
			fprintf(out, " (%s%s%s)", glance_shown(name, sizeof(name), why[i]),
				words ? ": " : "", words ? words : "");
		else
			fputs(" (no reason given)", out);
		fputc('\n', out);
		free(group);
	}
	free(names);
	free(why);
	free(done);
}

/* The suite tables, then the events nothing counted. */
static void tables(FILE *out, const struct stream *s, bool verbose)
{
	struct stat_view v;

	stat_view_init(&v, s);
	if (v.nblocks) {
		glance_tables(out, s, &v, verbose);
		fputc('\n', out);
		glance_not_counted(out, &v);
	}
	stat_view_free(&v);
}

/* A field's value as the text report shows it, or dflt when the record or
 * the field is missing. */
static void put(FILE *out, const struct record *rec, const char *key, const char *dflt)
{
	const struct field *f = rec ? record_field(rec, key) : NULL;

	if (f)
		report_value(out, field_val(f), f->len);
	else
		fputs(dflt, out);
}

static bool present(const struct record *rec)
{
	const char *v = record_get(rec, "present");

	return v && !strcmp(v, "1");
}

/* A byte count as "32K", "4M": in the largest unit that divides it. */
static void put_size(FILE *out, uint64_t size)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && size && size % 1024 == 0) {
		size /= 1024;
		u++;
	}
	fprintf(out, "%" PRIu64 "%s", size, u < 0 ? "" : (char[]){ units[u], '\0' });
}

/* The cache records on a line under the machine: "L1d 32K 8-way, L2 4M ...". */
static void caches(FILE *out, const struct stream *s)
{
	const char *sep = "";

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const char *type = record_get(rec, "type");
		uint64_t size;

		if (strcmp(rec->type, "cache") || !record_u64(rec, "size", &size))
			continue;
		fprintf(out, "%s", sep[0] ? sep : "caches    ");
		fputc('L', out);
		put(out, rec, "level", "?");
		fputs(type && !strcmp(type, "data") ? "d" :
		      type && !strcmp(type, "instruction") ? "i" : "", out);
		fputc(' ', out);
		put_size(out, size);
		fputc(' ', out);
		put(out, rec, "ways", "?");
		fputs("-way", out);
		sep = ", ";
	}
	if (sep[0])
		fputc('\n', out);
}

/* What the machine has: hello, cpu, pmu and lbr on three lines. */
static void machine(FILE *out, const struct stream *s)
{
	const struct record *hello = stream_find(s, "hello"), *cpu = stream_find(s, "cpu");
	const struct record *pmu = stream_find(s, "pmu"), *lbr = stream_find(s, "lbr");

	if (hello) {
		fprintf(out, "\n%-10s", "payload");
		put(out, hello, "payload", "?");
		fputs(", firmware ", out);
		put(out, hello, "firmware", "?");
		fputs(", boot ", out);
		put(out, hello, "boot", "?");
		fputc('\n', out);
	}
	if (cpu) {
		fprintf(out, "%-10s", "cpu");
		put(out, cpu, "brand", "?");
		fputs(" (", out);
		put(out, cpu, "signature", "?");
		fputs(", hypervisor ", out);
		put(out, cpu, "hypervisor", "?");
		fputs(")\n", out);
	}
	if (!pmu)
		return;
	fprintf(out, "%-10s", "pmu");
	if (present(pmu)) {
		fputs("version ", out);
		put(out, pmu, "version", "?");
		fputs(", ", out);
		put(out, pmu, "gp", "?");
		fputs(" general, ", out);
		put(out, pmu, "fixed", "?");
		fputs(" fixed counters", out);
	} else {
		fputs("none (", out);
		put(out, pmu, "reason", "no reason given");
		fputc(')', out);
	}
	if (lbr && present(lbr)) {
		fputs("; lbr present", out);
	} else if (lbr) {
		fputs("; lbr ", out);
		put(out, lbr, "reason", "none");
	}
	fputc('\n', out);
}

/* The profile of each sampled run that has samples; verbose: every sample
 * record too. */
static void profiles(FILE *out, const struct stream *s, bool verbose)
{
	const char **runs;
	size_t n = profile_runs(s, &runs);

	for (size_t i = 0; i < n; i++) {
		size_t bad = 0;
		struct profile *p = profile_from_stream(s, runs[i], stderr, &bad);

		if (p->total) {
			fputc('\n', out);
			profile_run_text(out, s, runs[i], p);
		}
		profile_free(p);
	}
	free(runs);
	for (size_t i = 0; verbose && i < s->nrecs; i++) {
		if (strcmp(s->recs[i].type, "sample"))
			continue;
		fprintf(out, "%-9s", "sample");
		report_fields(out, &s->recs[i], NULL);
		fputc('\n', out);
	}
}

/* The checks: the tally, then each failure in full and the skips a line per
 * reason; the passes are only counted. verbose: every check in full. */
static void checks(FILE *out, const struct stream *s, bool verbose)
{
	char name[GLANCE_NAME_MAX];
	const struct field **names = calloc(s->nrecs + 1, sizeof(*names));
	const struct field **why = calloc(s->nrecs + 1, sizeof(*why));
	const struct field **reasons_seen = calloc(s->nrecs + 1, sizeof(*reasons_seen));
	size_t n = 0, nreasons = 0;

	if (!report_check_tally(out, s, "\nchecks    ")) {
		free(names);
		free(why);
		free(reasons_seen);
		return;
	}
	fputc('\n', out);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		size_t r;

		if (strcmp(rec->type, "check"))
			continue;
		r = report_check_result(rec);
		if (r == 1 || r == 3 || verbose) {
			fputs((const char *const[]){ "  PASS   ", "  FAIL   ", "  SKIP   ",
						     "  ????   " }[r], out);
			report_fields(out, rec, (const char *const[]){ "result", NULL });
			fputc('\n', out);
		} else if (r == 2 && record_field(rec, "name")) {
			names[n] = record_field(rec, "name");
			why[n++] = record_field(rec, "reason");
		}
	}
	/* A line per distinct reason (few), each over the skips (many). */
	for (size_t i = 0; i < n; i++) {
		bool earlier = false;
		size_t g = 0;
		const struct field **group;
		int col;

		for (size_t j = 0; j < nreasons && !earlier; j++)
			earlier = glance_same(reasons_seen[j], why[i]);
		if (earlier)
			continue;
		reasons_seen[nreasons++] = why[i];
		group = calloc(n, sizeof(*group));
		for (size_t j = i; j < n; j++)
			if (glance_same(why[j], why[i]))
				group[g++] = names[j];
		col = fprintf(out, "  skip %zu (%s): ", g, why[i] ?
			      glance_shown(name, sizeof(name), why[i]) : "no reason");
		name_list(out, (size_t)col, group, g);
		fputc('\n', out);
		free(group);
	}
	free(names);
	free(why);
	free(reasons_seen);
}

/* The record types this view does not show, counted. */
static void others(FILE *out, const struct stream *s)
{
	static const char *const shown[] = { "hello", "config", "cpu", "pmu", "lbr", "debug",
					     "bench", "counter", "check", "error", "end",
					     "sample", "sampling", "cache", NULL };
	const char **types = calloc(s->nrecs + 1, sizeof(*types));
	size_t *counts = calloc(s->nrecs + 1, sizeof(*counts));
	size_t n = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		size_t t = 0;

		if (report_listed(s->recs[i].type, shown))
			continue;
		while (t < n && strcmp(types[t], s->recs[i].type))
			t++;
		types[t] = s->recs[i].type;
		counts[t]++;
		n += t == n;
	}
	if (n) {
		fprintf(out, "\n%-10s", "records");
		for (size_t t = 0; t < n; t++)
			fprintf(out, "%s%s %zu", t ? ", " : "", types[t], counts[t]);
		fputs(" (--format records shows them)\n", out);
	}
	free(types);
	free(counts);
}

void glance_text(FILE *out, const struct stream *s, const struct report_meta *m)
{
	records_head(out, s, m);
	machine(out, s);
	caches(out, s);
	tables(out, s, m && m->verbose);
	profiles(out, s, m && m->verbose);
	others(out, s);
	checks(out, s, m && m->verbose);
	if (parity_in_run(s)) {
		fputc('\n', out);
		parity_summary(out, s);
	}
	records_tail(out, s);
}
