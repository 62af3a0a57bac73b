/* pmulab db merge: another collector's database folded into this one, runs
 * deduplicated by content hash; the other file is only read. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "host/cli.h"
#include "host/db/store.h"

/* The runs columns but id, in schema order: both sides have them all since
 * schema 1. */
#define RUN_COLUMNS "hash, added_at, run_at, dir, kind, host, machine, boot, accel," \
	" qemu_cpu, cpu_vendor, cpu_family, cpu_model, cpu_stepping, cpu_signature," \
	" cpu_brand, microcode, hypervisor, fw_vendor, fw_version, system_vendor," \
	" system_product, payload, build_id, suites, settings, status, complete, nrecs"

static const char merge_sql[] =
	"CREATE TEMP TABLE idmap (old INTEGER PRIMARY KEY, new INTEGER);"
	"INSERT INTO idmap (old) SELECT id FROM other.runs"
	" WHERE hash NOT IN (SELECT hash FROM main.runs);"
	"INSERT INTO main.runs (" RUN_COLUMNS ") SELECT " RUN_COLUMNS " FROM other.runs"
	" WHERE id IN (SELECT old FROM idmap) ORDER BY id;"
	"UPDATE idmap SET new = (SELECT m.id FROM main.runs m JOIN other.runs o"
	" ON o.hash = m.hash WHERE o.id = idmap.old);"
	"INSERT INTO main.records SELECT i.new, r.seq, r.type, r.line"
	" FROM other.records r JOIN idmap i ON i.old = r.run;"
	"INSERT INTO main.fields SELECT i.new, f.seq, f.key, f.value"
	" FROM other.fields f JOIN idmap i ON i.old = f.run;"
	"INSERT INTO main.checks SELECT i.new, k.seq, k.name, k.result, k.value, k.expected,"
	" k.reason FROM other.checks k JOIN idmap i ON i.old = k.run;"
	"INSERT INTO main.counters SELECT i.new, c.seq, c.bench, c.event, c.src, c.value,"
	" c.enabled, c.running, c.reason FROM other.counters c JOIN idmap i ON i.old = c.run;";

/* file: URI of path, read-only, with the bytes a URI reserves escaped. */
static void ro_uri(char *buf, size_t len, const char *path)
{
	size_t n = (size_t)snprintf(buf, len, "file:");

	for (const unsigned char *p = (const unsigned char *)path; *p && n + 4 < len; p++)
		n += (size_t)(strchr("?#%", *p) || *p < 0x21 || *p > 0x7e ?
			snprintf(buf + n, len - n, "%%%02X", *p) :
			snprintf(buf + n, len - n, "%c", *p));
	snprintf(buf + n, len - n, "?mode=ro");
}

static int count(struct db *db, const char *sql, long long *out)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(db, "cannot read the database");
}

/* The other database as a run history this one can read, attached. */
static int attach(struct db *db, const char *other)
{
	struct db od = { .path = other, .who = db->who };
	sqlite3_stmt *st;
	char uri[8400];
	long long app, version;
	int rc;

	/* The same refusals as for this pmulab's own file, without writing. */
	if (db_check_file(&od) < 0)
		return -1;
	ro_uri(uri, sizeof(uri), other);
	if (!(st = db_prepare(db, "ATTACH DATABASE ? AS other")))
		return -1;
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "cannot open the other database");
	if (count(db, "PRAGMA other.application_id", &app) < 0 ||
	    count(db, "PRAGMA other.user_version", &version) < 0)
		return -1;
	if (app != DB_APPLICATION_ID || version < 1 || version > DB_SCHEMA_VERSION) {
		fprintf(stderr, "%s %s: %s is no pmulab run history this pmulab reads "
			"(application id %#llx, schema %lld; this pmulab reads 1..%d)\n",
			pmulab_progname, db->who, other, (unsigned long long)app, version,
			DB_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

int db_merge(struct db *db, const char *other)
{
	long long before, after, theirs;

	if (attach(db, other) < 0 || count(db, "SELECT count(*) FROM other.runs", &theirs) < 0 ||
	    db_exec(db, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (count(db, "SELECT count(*) FROM main.runs", &before) < 0 ||
	    db_exec(db, merge_sql) < 0 || count(db, "SELECT count(*) FROM main.runs", &after) < 0 ||
	    db_exec(db, "COMMIT") < 0) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	fprintf(stderr, "%s %s: %s: %lld runs, %lld new, %lld already in %s\n", pmulab_progname,
		db->who, other, theirs, after - before, theirs - (after - before), db->path);
	return 0;
}
