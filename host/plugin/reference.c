/* Merging the reference plugin's per-region counts into a run (reference.h).
 * Each bench record says where its regions start (region0, bench.h): run k,
 * warm-up first, measured n2 in region0 + 2k and n1 in region0 + 2k + 1 (a
 * single bench: run k in region0 + k). The model counters get the payload's
 * own method: n2 - n1 per measured run, then min, median, max. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/crc32.h"
#include "host/plugin/reference.h"

#define REF_COLS_MAX 32

/* Each event, the plugin columns that sum to it, and cachegrind's name. */
static const struct {
	const char *event, *cols, *cg;
} events[] = {
	{ "instructions", "insns", "Ir" },
	{ "branches", "branches", NULL },
	{ "branches-conditional", "cond", "Bc" },
	{ "branches-conditional-taken", "cond_taken", NULL },
	{ "branch-misses-conditional", "cond_miss", "Bcm" },
	{ "branches-indirect", "ind", "Bi" },
	{ "branch-misses-indirect", "ind_miss", "Bim" },
	{ "branch-misses", "cond_miss+ind_miss", "Bcm+Bim" },
	{ "L1-icache-load-misses", "I1mr", "I1mr" },
	{ "LLC-icache-load-misses", "ILmr", "ILmr" },
	{ "L1-dcache-loads", "Dr", "Dr" },
	{ "L1-dcache-load-misses", "D1mr", "D1mr" },
	{ "LLC-load-misses", "DLmr", "DLmr" },
	{ "L1-dcache-stores", "Dw", "Dw" },
	{ "L1-dcache-store-misses", "D1mw", "D1mw" },
	{ "LLC-store-misses", "DLmw", "DLmw" },
	{ "cache-references", "I1mr+D1mr+D1mw", "I1mr+D1mr+D1mw" },
	{ "cache-misses", "ILmr+DLmr+DLmw", "ILmr+DLmr+DLmw" },
};
#define NEVENTS (sizeof(events) / sizeof(events[0]))

struct regions {
	char *cols[REF_COLS_MAX];
	size_t ncols;
	uint64_t (*v)[REF_COLS_MAX];	/* per region, per column (column 0: region) */
	size_t n, cap;
};

void reference_defaults(struct reference *r)
{
	r->i1 = (struct cs_geom){ 32768, 8, 64 };
	r->d1 = (struct cs_geom){ 32768, 8, 64 };
	r->ll = (struct cs_geom){ 8388608, 16, 64 };
}

static void geom(char *buf, size_t len, const struct cs_geom *g)
{
	snprintf(buf, len, "%" PRIu64 ",%" PRIu64 ",%" PRIu64, g->size, g->assoc, g->line);
}

/* QEMU splits option values at commas; a comma in a path is written twice. */
char *reference_plugin_arg(const struct reference *r, const char *file)
{
	const struct cs_geom *g[] = { &r->i1, &r->d1, &r->ll };
	const char *key[] = { "i1", "d1", "ll" };
	struct memtext t;
	FILE *f = memtext_open(&t);

	for (const char *p = r->plugin; *p; p++)
		fputs(*p == ',' ? ",," : (char[]){ *p, 0 }, f);
	fputs(",out=", f);
	for (const char *p = file; *p; p++)
		fputs(*p == ',' ? ",," : (char[]){ *p, 0 }, f);
	for (int i = 0; i < 3; i++)
		fprintf(f, ",%s=%" PRIu64 ":%" PRIu64 ":%" PRIu64, key[i], g[i]->size,
			g[i]->assoc, g[i]->line);
	fclose(f);
	return t.buf;
}

static void regions_free(struct regions *rg)
{
	for (size_t i = 0; i < rg->ncols; i++)
		free(rg->cols[i]);
	free(rg->v);
}

/* The "# region insns ..." header names the columns; data lines are the
 * region number and its counts, in region order. */
static int regions_read(const char *file, struct regions *rg, char *err, size_t errlen)
{
	char line[4096], *text;
	size_t lineno = 0;
	FILE *f;

	memset(rg, 0, sizeof(*rg));
	if (!(f = fopen_capped(file, &text, err, errlen)))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save;
		size_t c = 0;

		lineno++;
		if (!strncmp(line, "# region ", 9)) {
			for (tok = strtok_r(line + 2, " \n", &save); tok && rg->ncols < REF_COLS_MAX;
			     tok = strtok_r(NULL, " \n", &save))
				if (!(rg->cols[rg->ncols++] = strdup(tok)))
					goto no_memory;
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!rg->ncols)
			break;
		if (rg->n == rg->cap) {
			void *v = realloc(rg->v, (rg->cap ? 2 * rg->cap : 256) * sizeof(*rg->v));
			if (!v)
				goto no_memory;
			rg->v = v;
			rg->cap = rg->cap ? 2 * rg->cap : 256;
		}
		/* Exactly ncols whole numbers, the first the region's. */
		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
			char *end;
			if (c == rg->ncols || *tok < '0' || *tok > '9')
				break;
			errno = 0;
			rg->v[rg->n][c] = strtoull(tok, &end, 10);
			if (*end || errno)
				break;
			c++;
		}
		if (tok || c != rg->ncols || rg->v[rg->n][0] != rg->n) {
			snprintf(err, errlen, "%s:%zu: not region %zu's %zu counts", file, lineno,
				 rg->n, rg->ncols - 1);
			goto fail;
		}
		rg->n++;
	}
	fclose(f);
	free(text);
	if (!rg->ncols) {
		snprintf(err, errlen, "%s: no '# region' column header: not the plugin's file", file);
		return -1;
	}
	return 0;
no_memory:
	snprintf(err, errlen, "out of memory");
fail:
	fclose(f);
	free(text);
	regions_free(rg);
	return -1;
}

/* An event's value in region i: the sum of its columns; false when one is
 * not in the file. */
static bool value(const struct regions *rg, const char *cols, size_t i, int64_t *out)
{
	char buf[64], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", cols);
	*out = 0;
	for (tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		size_t c = 1;
		while (c < rg->ncols && strcmp(rg->cols[c], tok))
			c++;
		if (c == rg->ncols)
			return false;
		*out += (int64_t)rg->v[i][c];
	}
	return true;
}

static int cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* One record line: seq, type, fields (no escaping needed: every value
 * written here is a name or a number), CRC. */
static void emit(FILE *f, uint64_t *seq, const char *type, const char *fields)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "@PL1 %" PRIu64 " %s %s", (*seq)++, type, fields);

	fprintf(f, "%s *%08x\n", line, crc32_update(0, line, (size_t)n));
}

static void bench_counters(FILE *f, uint64_t *seq, const struct record *b,
			   const struct regions *rg, const char *params)
{
	const char *name = record_get(b, "name"), *method = record_get(b, "method");
	uint64_t r0, warmup, runs;
	bool single = method && !strcmp(method, "single");
	char fields[768];

	if (!name || !record_u64(b, "region0", &r0) || !record_u64(b, "warmup", &warmup) ||
	    !record_u64(b, "runs", &runs) || !runs)
		return;
	for (size_t e = 0; e < NEVENTS; e++) {
		int64_t *d = calloc(runs, sizeof(*d)), hi, lo = 0;
		size_t k;
		int n = snprintf(fields, sizeof(fields), "bench=%s event=%s ", name,
				 events[e].event);
		const char *why = NULL;

		if (!d)
			return;
		for (k = 0; k < runs && !why; k++) {
			uint64_t run = warmup + k, i2 = single ? r0 + run : r0 + 2 * run;
			if (i2 + !single >= rg->n)
				why = "no-plugin-region";
			else if (!value(rg, events[e].cols, i2, &hi) ||
				 (!single && !value(rg, events[e].cols, i2 + 1, &lo)))
				why = "no-plugin-column";
			else
				d[k] = single ? hi : hi - lo;
		}
		if (why) {
			snprintf(fields + n, sizeof(fields) - n, "src=none reason=%s", why);
		} else {
			qsort(d, runs, sizeof(*d), cmp_s64);
			n += snprintf(fields + n, sizeof(fields) - n,
				      "src=model value=%" PRId64 " min=%" PRId64 " median=%" PRId64
				      " max=%" PRId64 " runs=%" PRIu64 " %s",
				      d[runs / 2], d[0], d[runs / 2], d[runs - 1], runs, params);
			if (events[e].cg)
				snprintf(fields + n, sizeof(fields) - n, " cg=%s", events[e].cg);
		}
		emit(f, seq, "counter", fields);
		free(d);
	}
}

struct stream *reference_merge(struct stream *s, const char *file, const struct reference *r,
			       char *err, size_t errlen)
{
	struct regions rg;
	struct memtext t;
	struct parser *p;
	char params[256], i1[64], d1[64], ll[64], fields[1024], line[PARSE_LINE_MAX + 1];
	uint64_t seq = 0, benches = 0;
	FILE *f;

	if (regions_read(file, &rg, err, errlen) < 0)
		return NULL;
	geom(i1, sizeof(i1), &r->i1);
	geom(d1, sizeof(d1), &r->d1);
	geom(ll, sizeof(ll), &r->ll);
	snprintf(params, sizeof(params), "model=pmulab-plugin I1=%s D1=%s LL=%s", i1, d1, ll);
	f = memtext_open(&t);
	for (size_t i = 0; i < s->nrecs; i++) {
		fprintf(f, "%s\n", record_line(&s->recs[i], line));
		seq = s->recs[i].seq + 1;
		benches += !strcmp(s->recs[i].type, "bench") &&
			   record_get(&s->recs[i], "region0");
	}
	/* The predictor's geometry is fixed (cachesim.h), but a run's records
	 * say it all so its counts can be reproduced without the source. */
	snprintf(fields, sizeof(fields),
		 "plugin=pmulab-plugin %s predictor=cachegrind cond_counters=%u "
		 "cond_history_bits=%u cond_addr_bits=%u indirect_targets=%u regions=%zu "
		 "benches=%" PRIu64,
		 params + strlen("model=pmulab-plugin "), 1u << (BP_HIST_BITS + BP_IADD_BITS),
		 BP_HIST_BITS, BP_IADD_BITS, 1u << BP_BTAC_BITS, rg.n, benches);
	emit(f, &seq, "reference", fields);
	for (size_t i = 0; i < s->nrecs; i++)
		if (!strcmp(s->recs[i].type, "bench"))
			bench_counters(f, &seq, &s->recs[i], &rg, params);
	fclose(f);
	regions_free(&rg);
	p = parser_new(NULL, NULL);
	parser_feed(p, t.buf, t.len);
	free(t.buf);
	stream_free(s);
	return parser_finish(p);
}
