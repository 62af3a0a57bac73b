/* Two stored runs side by side (diff.h): counters through pmulab compare's
 * pairing and tolerances, checks by name and order. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host/cli.h"
#include "host/db/diff.h"
#include "host/db/query.h"

struct stream *db_stream(struct db *db, int64_t run)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT line FROM records WHERE run = ? ORDER BY seq");
	struct parser *p;
	int rc;

	if (!st)
		return NULL;
	p = parser_new(NULL, NULL);
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		parser_feed(p, sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0));
		parser_feed(p, "\n", 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		stream_free(parser_finish(p));
		db_fail(db, "cannot read the records");
		return NULL;
	}
	return parser_finish(p);
}

static void describe(struct db *db, FILE *out, const char *label, int64_t run)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT run_at, machine, dir FROM runs WHERE id = ?");
	char when[32];

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW) {
		db_time(when, sizeof(when), sqlite3_column_int64(st, 0));
		fprintf(out, "%s: run %lld, %s UTC, %s, %s\n", label, (long long)run, when,
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
}

/* The nth check record of name in s (n from 0), or NULL. */
static const struct record *nth_check(const struct stream *s, const char *name, int n)
{
	for (size_t i = 0; i < s->nrecs; i++)
		if (!strcmp(s->recs[i].type, "check") &&
		    field_is(record_field(&s->recs[i], "name"), name) && n-- == 0)
			return &s->recs[i];
	return NULL;
}

static const char *val(const struct record *r, const char *key)
{
	const char *v = r ? record_get(r, key) : NULL;

	return v ? v : "-";
}

/* Checks of a paired by name and occurrence with b's: prints each whose
 * result or value changed; returns how many went from pass to fail. */
static size_t diff_checks(const struct stream *a, const struct stream *b, FILE *out,
			  size_t *compared, size_t *changed)
{
	size_t regressions = 0;

	for (size_t i = 0; i < a->nrecs; i++) {
		const struct record *ca = &a->recs[i], *cb;
		const char *name = record_get(ca, "name");
		int n = 0;

		if (strcmp(ca->type, "check") || !name)
			continue;
		for (size_t j = 0; j < i; j++)
			n += !strcmp(a->recs[j].type, "check") &&
			     field_is(record_field(&a->recs[j], "name"), name);
		if (!(cb = nth_check(b, name, n)))
			continue;
		(*compared)++;
		if (field_same(record_field(ca, "result"), record_field(cb, "result")) &&
		    field_same(record_field(ca, "value"), record_field(cb, "value")))
			continue;
		(*changed)++;
		if (!strcmp(val(ca, "result"), "pass") && !strcmp(val(cb, "result"), "fail"))
			regressions++;
		fprintf(out, "  check %s: A %s value=%s, B %s value=%s\n", name, val(ca, "result"),
			val(ca, "value"), val(cb, "result"), val(cb, "value"));
	}
	return regressions;
}

int db_diff(struct db *db, int64_t ia, int64_t ib, const struct tol_table *t, FILE *out)
{
	struct stream *a = db_stream(db, ia), *b = a ? db_stream(db, ib) : NULL;
	size_t compared = 0, changed = 0, regressions;
	struct cmp_result res;
	int code;

	if (!a || !b) {
		if (a)
			stream_free(a);
		return EXIT_ERROR;
	}
	describe(db, out, "A", ia);
	describe(db, out, "B", ib);
	cmp_pair(a, b, t, &res);
	fputs("changed beyond tolerance:\n", out);
	for (size_t i = 0; i < res.n; i++) {
		const struct cmp_row *r = &res.rows[i];

		if (r->verdict == CMP_DIFFER)
			fprintf(out, "  %s %s: A %lld (%s), B %lld (%s), %+.2f%%: %s\n", r->bench,
				r->event, (long long)r->a, r->src_a ? r->src_a : "-",
				(long long)r->b, r->src_b ? r->src_b : "-", r->pct,
				r->why ? r->why : "");
	}
	regressions = diff_checks(a, b, out, &compared, &changed);
	fprintf(out, "counters: %zu match, %zu within tolerance, %zu DIFFER, %zu n/a; "
		"checks: %zu compared, %zu changed, %zu from pass to fail\n",
		res.counts[CMP_MATCH], res.counts[CMP_WITHIN], res.counts[CMP_DIFFER],
		res.counts[CMP_NA], compared, changed, regressions);
	if (res.counts[CMP_DIFFER] || regressions)
		code = EXIT_DIFFER;
	else if (!a->complete || !b->complete ||
		 res.counts[CMP_MATCH] + res.counts[CMP_WITHIN] + compared == 0)
		code = EXIT_PARTIAL;
	else
		code = EXIT_OK;
	cmp_free(&res);
	stream_free(a);
	stream_free(b);
	return code;
}

int baseline_set(struct db *db, const char *name, int64_t run)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO baselines (name, run, set_at)"
				      " VALUES (?, ?, ?)");
	int rc;

	if (!st)
		return EXIT_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, run);
	sqlite3_bind_int64(st, 3, time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "cannot write the baseline");
		return EXIT_ERROR;
	}
	fprintf(stderr, "%s %s: baseline %s is run %lld\n", pmulab_progname, db->who, name,
		(long long)run);
	return EXIT_OK;
}

int baseline_check(struct db *db, const char *name, int64_t run, const struct tol_table *t,
		   FILE *out)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT run FROM baselines WHERE name = ?");
	int64_t base = -1;
	int rc;

	if (!st)
		return EXIT_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		base = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "cannot read the baselines");
		return EXIT_ERROR;
	}
	if (base < 0) {
		fprintf(stderr, "%s %s: no baseline named %s in %s (pmulab db baseline set %s "
			"RUN)\n", pmulab_progname, db->who, name, db->path, name);
		return EXIT_ERROR;
	}
	fprintf(out, "baseline %s:\n", name);
	rc = db_diff(db, base, run, t, out);
	if (rc == EXIT_DIFFER)
		fprintf(stderr, "%s %s: run %lld regressed from baseline %s (run %lld)\n",
			pmulab_progname, db->who, (long long)run, name, (long long)base);
	return rc;
}
