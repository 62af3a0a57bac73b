/* pmulab history and pmulab db machines: reading the run history back
 * (query.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host/cli.h"
#include "host/db/query.h"

static const char counters_sql[] =
	"SELECT r.id, r.run_at, r.machine, r.kind, r.dir, c.bench, c.src, c.value, c.reason"
	" FROM counters c JOIN runs r ON r.id = c.run"
	" WHERE c.event = ?1 AND (?2 IS NULL OR c.bench = ?2)"
	" AND (?3 IS NULL OR instr(lower(r.machine), lower(?3)) > 0)"
	" AND coalesce(r.run_at, 0) >= ?4"
	" ORDER BY c.bench, r.machine, c.src, r.run_at, r.id, c.seq";
static const char checks_sql[] =
	"SELECT r.id, r.run_at, r.machine, r.kind, r.dir, k.result, k.expected, k.value,"
	" k.reason FROM checks k JOIN runs r ON r.id = k.run"
	" WHERE k.name = ?1 AND ?2 IS NULL"
	" AND (?3 IS NULL OR instr(lower(r.machine), lower(?3)) > 0)"
	" AND coalesce(r.run_at, 0) >= ?4"
	" ORDER BY r.machine, r.run_at, r.id, k.seq";

void db_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return strdup(t ? (const char *)t : "-");
}

/* Whether any row names the event (or, with checks, the check) at all. */
static int known(struct db *db, const char *name, bool checks)
{
	sqlite3_stmt *st = db_prepare(db, checks ?
		"SELECT 1 FROM checks WHERE name = ? LIMIT 1" :
		"SELECT 1 FROM counters WHERE event = ? LIMIT 1");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "cannot read the history");
	return rc == SQLITE_ROW;
}

int hist_query(struct db *db, const struct hist_query *q, struct hist *h)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int ev, ck = 0, rc;

	memset(h, 0, sizeof(*h));
	if ((ev = known(db, q->name, false)) < 0 || (!ev && (ck = known(db, q->name, true)) < 0))
		return -1;
	h->checks = !ev;
	if (!ev && !ck) {
		fprintf(stderr, "%s history: no counter event or check named '%s' in %s\n",
			pmulab_progname, q->name, db->path);
		return 1;
	}
	if (!(st = db_prepare(db, h->checks ? checks_sql : counters_sql)))
		return -1;
	sqlite3_bind_text(st, 1, q->name, -1, SQLITE_STATIC);
	if (q->bench)
		sqlite3_bind_text(st, 2, q->bench, -1, SQLITE_STATIC);
	if (q->machine)
		sqlite3_bind_text(st, 3, q->machine, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, q->since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct hist_row *r;
		bool null = sqlite3_column_type(st, 7) == SQLITE_NULL;
		char *end;

		if (h->n == cap)
			h->rows = realloc(h->rows, (cap = cap ? 2 * cap : 64) * sizeof(*r));
		if (!h->rows) {
			perror(pmulab_progname);
			exit(EXIT_ERROR);
		}
		r = &h->rows[h->n++];
		r->run = sqlite3_column_int64(st, 0);
		r->at = sqlite3_column_int64(st, 1);
		r->machine = col(st, 2);
		r->kind = col(st, 3);
		r->dir = col(st, 4);
		r->bench = col(st, 5);
		r->src = col(st, 6);
		r->value = col(st, 7);
		r->note = col(st, 8);
		r->num = strtod(r->value, &end);
		r->has_num = !null && end != r->value && !*end;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "cannot read the history");
}

static int width(const struct hist *h, size_t off, int min)
{
	int w = min;

	for (size_t i = 0; i < h->n; i++) {
		int l = (int)strlen(*(char **)((char *)&h->rows[i] + off));

		if (l > w)
			w = l;
	}
	return w;
}

void hist_print(FILE *out, const struct hist_query *q, const struct hist *h)
{
	int wm = width(h, offsetof(struct hist_row, machine), 7);
	int wb = width(h, offsetof(struct hist_row, bench), h->checks ? 6 : 5);
	int ws = width(h, offsetof(struct hist_row, src), h->checks ? 8 : 3);
	int wv = width(h, offsetof(struct hist_row, value), 5);
	char when[32];

	fprintf(out, "%s %s: %zu values\n", h->checks ? "check" : "event", q->name, h->n);
	if (!h->n)
		return;
	fprintf(out, "%5s  %-19s  %-*s  %-7s  %-*s  %-*s  %*s  %s\n", "run", "when (UTC)", wm,
		"machine", "from", wb, h->checks ? "result" : "bench", ws,
		h->checks ? "expected" : "src", wv, "value", "dir");
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row *r = &h->rows[i];

		db_time(when, sizeof(when), r->at);
		fprintf(out, "%5lld  %-19s  %-*s  %-7s  %-*s  %-*s  %*s  %s", (long long)r->run,
			when, wm, r->machine, r->kind, wb, r->bench, ws, r->src, wv, r->value,
			r->dir);
		if (strcmp(r->note, "-"))
			fprintf(out, "  (%s)", r->note);
		fputc('\n', out);
	}
}

void hist_free(struct hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct hist_row *r = &h->rows[i];

		free(r->machine), free(r->kind), free(r->dir), free(r->bench);
		free(r->src), free(r->value), free(r->note);
	}
	free(h->rows);
	memset(h, 0, sizeof(*h));
}

int machines_print(struct db *db, FILE *out)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT count(*), min(run_at), max(run_at), group_concat(DISTINCT kind), machine"
		" FROM runs GROUP BY machine ORDER BY machine");
	char first[32], last[32];
	int rc;

	if (!st)
		return -1;
	fprintf(out, "%5s  %-19s  %-19s  %-14s  %s\n", "runs", "first (UTC)", "last (UTC)",
		"from", "machine");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_time(first, sizeof(first), sqlite3_column_int64(st, 1));
		db_time(last, sizeof(last), sqlite3_column_int64(st, 2));
		fprintf(out, "%5d  %-19s  %-19s  %-14s  %s\n", sqlite3_column_int(st, 0), first,
			last, (const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "cannot read the runs");
}
