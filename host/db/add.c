/* pmulab db add: a run directory into the database, in one transaction,
 * keyed by the content hash of its records.txt (docs/db.md). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host/cli.h"
#include "host/db/runmeta.h"
#include "host/db/store.h"

/* FNV-1a, 64 bits: a run's identity, not a defence against forgery. */
#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV64_PRIME;
	return h;
}

void db_run_hash(const char *dir, const void *records, size_t len, char out[17])
{
	uint64_t h = fnv(FNV64_OFFSET, records, len);
	char path[4200], started[64];
	FILE *f;

	/* A run made here says when it started: the same records twice are
	 * still two runs. An imported one is its records alone, so importing
	 * it again adds nothing. */
	if (cli_path(path, sizeof(path), dir, CLI_STARTED) == 0 && (f = fopen(path, "rb"))) {
		h = fnv(h, started, fread(started, 1, sizeof(started), f));
		fclose(f);
	}
	snprintf(out, 17, "%016" PRIx64, h);
}

/* DIR/records.txt's bytes (malloc'd), or NULL after a message. */
static char *read_records(const char *who, const char *dir, size_t *len)
{
	char path[4200];
	struct memtext t;
	FILE *f;
	int c;

	if (cli_path(path, sizeof(path), dir, "records.txt") < 0 || !(f = fopen(path, "rb"))) {
		fprintf(stderr, "%s %s: %s: no readable records.txt (%s): not a run directory\n",
			pmulab_progname, who, dir, strerror(errno));
		return NULL;
	}
	memtext_open(&t);
	while ((c = getc(f)) != EOF)
		putc(c, t.f);
	fclose(f);
	fclose(t.f);
	*len = t.len;
	return t.buf;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_field(sqlite3_stmt *st, int i, const struct record *r, const char *key)
{
	const struct field *f = r ? record_field(r, key) : NULL;

	if (f)
		sqlite3_bind_text(st, i, field_val(f), (int)f->len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* A number as the payload writes it (base 10, or 0 for the cpu record's
 * 0x hex too): bound as an integer, anything else as NULL. */
static void bind_num(sqlite3_stmt *st, int i, const struct record *r, const char *key,
		     int base)
{
	const char *v = r ? record_get(r, key) : NULL;
	char *end;
	long long n;

	errno = 0;
	n = v && *v ? strtoll(v, &end, base) : 0;
	if (v && *v && !*end && !errno)
		sqlite3_bind_int64(st, i, n);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(struct db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "cannot write the run");
}

static int64_t insert_run(struct db *db, const struct stream *s, const struct run_meta *m,
			  const char *hash, const char *dir)
{
	static const char sql[] =
		"INSERT INTO runs (hash, added_at, run_at, dir, kind, host, machine, boot, accel,"
		" qemu_cpu, cpu_vendor, cpu_family, cpu_model, cpu_stepping, cpu_signature,"
		" cpu_brand, microcode, hypervisor, fw_vendor, fw_version, system_vendor,"
		" system_product, payload, build_id, suites, settings, status, complete, nrecs)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = db_prepare(db, sql);
	char abs[PATH_MAX];
	int i = 1, rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, i++, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, i++, time(NULL));
	sqlite3_bind_int64(st, i++, m->run_at);
	bind_text(st, i++, realpath(dir, abs) ? abs : dir);
	bind_text(st, i++, m->kind);
	bind_text(st, i++, m->host);
	sqlite3_bind_text(st, i++, m->machine, -1, SQLITE_TRANSIENT);
	bind_field(st, i++, m->hello, "boot");
	bind_text(st, i++, m->accel);
	bind_text(st, i++, m->qemu_cpu);
	bind_field(st, i++, m->cpu, "vendor");
	bind_num(st, i++, m->cpu, "family", 0);
	bind_num(st, i++, m->cpu, "model", 0);
	bind_num(st, i++, m->cpu, "stepping", 0);
	bind_field(st, i++, m->cpu, "signature");
	bind_field(st, i++, m->cpu, "brand");
	bind_field(st, i++, m->cpu, "microcode");
	bind_field(st, i++, m->cpu, "hypervisor");
	bind_field(st, i++, m->hello, "firmware");
	bind_field(st, i++, m->hello, "fw_rev");
	bind_field(st, i++, m->hello, "system_vendor");
	bind_field(st, i++, m->hello, "system_product");
	bind_field(st, i++, m->hello, "payload");
	bind_field(st, i++, m->hello, "build_id");
	bind_text(st, i++, m->suites);
	bind_text(st, i++, m->settings);
	bind_text(st, i++, s->end_status);
	sqlite3_bind_int(st, i++, s->complete);
	sqlite3_bind_int64(st, i++, (int64_t)s->nrecs);
	rc = step_done(db, st);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : sqlite3_last_insert_rowid(db->h);
}

/* A check's expectation: expect=, expected=, or lo..hi (check_range). */
static void bind_expected(sqlite3_stmt *st, int i, const struct record *r)
{
	char buf[256];

	if (record_field(r, "expect"))
		bind_field(st, i, r, "expect");
	else if (record_field(r, "expected"))
		bind_field(st, i, r, "expected");
	else if (record_get(r, "lo") && record_get(r, "hi")) {
		snprintf(buf, sizeof(buf), "%s..%s", record_get(r, "lo"), record_get(r, "hi"));
		sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
	} else
		sqlite3_bind_null(st, i);
}

enum { ST_REC, ST_FIELD, ST_CHECK, ST_COUNTER, ST_N };

static int insert_record(struct db *db, sqlite3_stmt **st, int64_t run, const struct record *r)
{
	char line[PARSE_LINE_MAX + 1];
	const char *why;

	sqlite3_bind_int64(st[ST_REC], 1, run);
	sqlite3_bind_int64(st[ST_REC], 2, (int64_t)r->seq);
	sqlite3_bind_text(st[ST_REC], 3, r->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st[ST_REC], 4, record_line(r, line), -1, SQLITE_TRANSIENT);
	if (step_done(db, st[ST_REC]) < 0)
		return -1;
	for (size_t k = 0; k < r->nfields; k++) {
		sqlite3_bind_int64(st[ST_FIELD], 1, run);
		sqlite3_bind_int64(st[ST_FIELD], 2, (int64_t)r->seq);
		sqlite3_bind_text(st[ST_FIELD], 3, field_key(&r->fields[k]), -1, SQLITE_STATIC);
		sqlite3_bind_text(st[ST_FIELD], 4, field_val(&r->fields[k]), (int)r->fields[k].len,
				  SQLITE_STATIC);
		if (step_done(db, st[ST_FIELD]) < 0)
			return -1;
	}
	if (!strcmp(r->type, "check") && record_get(r, "name")) {
		sqlite3_bind_int64(st[ST_CHECK], 1, run);
		sqlite3_bind_int64(st[ST_CHECK], 2, (int64_t)r->seq);
		bind_field(st[ST_CHECK], 3, r, "name");
		bind_field(st[ST_CHECK], 4, r, "result");
		bind_field(st[ST_CHECK], 5, r, "value");
		bind_expected(st[ST_CHECK], 6, r);
		why = record_get(r, "reason") ? "reason" : record_get(r, "error") ? "error" : "why";
		bind_field(st[ST_CHECK], 7, r, why);
		return step_done(db, st[ST_CHECK]);
	}
	if (!strcmp(r->type, "counter") && record_get(r, "event")) {
		sqlite3_bind_int64(st[ST_COUNTER], 1, run);
		sqlite3_bind_int64(st[ST_COUNTER], 2, (int64_t)r->seq);
		bind_field(st[ST_COUNTER], 3, r, "bench");
		bind_field(st[ST_COUNTER], 4, r, "event");
		bind_field(st[ST_COUNTER], 5, r, "src");
		bind_num(st[ST_COUNTER], 6, r, "value", 10);
		bind_num(st[ST_COUNTER], 7, r, "enabled", 10);
		bind_num(st[ST_COUNTER], 8, r, "running", 10);
		bind_field(st[ST_COUNTER], 9, r, "reason");
		return step_done(db, st[ST_COUNTER]);
	}
	return 0;
}

static int insert_records(struct db *db, int64_t run, const struct stream *s)
{
	static const char *const sql[ST_N] = {
		"INSERT INTO records (run, seq, type, line) VALUES (?,?,?,?)",
		"INSERT INTO fields (run, seq, key, value) VALUES (?,?,?,?)",
		"INSERT INTO checks (run, seq, name, result, value, expected, reason)"
		" VALUES (?,?,?,?,?,?,?)",
		"INSERT INTO counters (run, seq, bench, event, src, value, enabled, running, reason)"
		" VALUES (?,?,?,?,?,?,?,?,?)",
	};
	sqlite3_stmt *st[ST_N] = { 0 };
	int rc = 0;

	for (int k = 0; k < ST_N && rc == 0; k++)
		if (!(st[k] = db_prepare(db, sql[k])))
			rc = -1;
	for (size_t i = 0; i < s->nrecs && rc == 0; i++)
		rc = insert_record(db, st, run, &s->recs[i]);
	for (int k = 0; k < ST_N; k++)
		sqlite3_finalize(st[k]);
	return rc;
}

/* The id of the run with this hash, 0 when none, -1 after a message; dir
 * (when not NULL) gets its directory. */
static int64_t run_by_hash(struct db *db, const char *hash, char *dir, size_t len)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, dir FROM runs WHERE hash = ?");
	int64_t id;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (id && dir)
		snprintf(dir, len, "%s", (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : db_fail(db, "cannot read the runs");
}

static int add_stream(struct db *db, const char *dir, const char *buf, size_t len,
		      const struct db_opts *o)
{
	struct parser *p = parser_new(NULL, NULL);
	struct stream *s;
	struct run_meta m;
	char hash[17], had[4096];
	int64_t id;

	db_run_hash(dir, buf, len, hash);
	parser_feed(p, buf, len);
	s = parser_finish(p);
	if (db_exec(db, "BEGIN IMMEDIATE") < 0) {
		stream_free(s);
		return -1;
	}
	if ((id = run_by_hash(db, hash, had, sizeof(had))) != 0) {
		stream_free(s);
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		/* Byte-identical records are one run, wherever they were made. */
		if (id > 0 && !o->quiet)
			fprintf(stderr, "%s %s: %s: its records are run %lld of %s already (%s, "
				"hash %s): not added again\n", pmulab_progname, db->who, dir,
				(long long)id, db->path, had, hash);
		return id > 0 ? 0 : -1;
	}
	run_meta(s, dir, &m);
	id = insert_run(db, s, &m, hash, dir);
	if (id < 0 || insert_records(db, id, s) < 0 || db_exec(db, "COMMIT") < 0) {
		stream_free(s);
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (!o->quiet)
		fprintf(stderr, "%s %s: %s: added as run %lld to %s (%zu records, hash %s)\n",
			pmulab_progname, db->who, dir, (long long)id, db->path, s->nrecs, hash);
	stream_free(s);
	return 0;
}

int db_add_run(const char *dir, const struct db_opts *o)
{
	const char *who = o->who ? o->who : "db add";
	struct db db;
	size_t len;
	char *buf = read_records(who, dir, &len);
	int rc;

	if (!buf)
		return -1;
	rc = db_open(&db, db_path(o), who, true);
	if (rc == 0)
		rc = add_stream(&db, dir, buf, len, o);
	db_close(&db);
	free(buf);
	return rc;
}

int64_t db_find_run(struct db *db, const char *run)
{
	char *end, *buf;
	size_t len;
	long long id = strtoll(run, &end, 10);
	char hash[17];
	sqlite3_stmt *st;
	int rc;

	if (*run && !*end) {
		st = db_prepare(db, "SELECT id FROM runs WHERE id = ?");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			return id;
		if (rc != SQLITE_DONE)
			return db_fail(db, "cannot read the runs");
		fprintf(stderr, "%s %s: no run %s in %s (pmulab history or db machines list "
			"them)\n", pmulab_progname, db->who, run, db->path);
		return -1;
	}
	if (!(buf = read_records(db->who, run, &len)))
		return -1;
	db_run_hash(run, buf, len, hash);
	free(buf);
	if ((id = run_by_hash(db, hash, NULL, 0)) == 0)
		fprintf(stderr, "%s %s: %s is not in %s: pmulab db add %s\n", pmulab_progname,
			db->who, run, db->path, run);
	return id > 0 ? id : -1;
}
