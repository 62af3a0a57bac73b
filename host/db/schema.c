/* Opening the run history: the checks that refuse a damaged file before
 * SQLite writes anything to it, WAL and the busy timeout, and the schema's
 * migrations (docs/db.md "Schema"). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "host/cli.h"
#include "host/db/store.h"

#define SQLITE_HEADER_SIZE 100	/* the file header every SQLite database opens with */
#define DB_WAL_RETRY_MS 10	/* between tries to switch a new database to WAL */

/* Migration N takes a database from user_version N-1 to N. A fresh database
 * runs them all; a released step is never edited, a change is a new step. */
static const char *const migrations[DB_SCHEMA_VERSION] = {
	/* 1: runs, their records as received and parsed, checks and counters. */
	"CREATE TABLE runs ("
	" id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE,"
	" added_at INTEGER NOT NULL, run_at INTEGER, dir TEXT NOT NULL, kind TEXT NOT NULL,"
	" host TEXT, machine TEXT NOT NULL, boot TEXT, accel TEXT, qemu_cpu TEXT,"
	" cpu_vendor TEXT, cpu_family INTEGER, cpu_model INTEGER, cpu_stepping INTEGER,"
	" cpu_signature TEXT, cpu_brand TEXT, microcode TEXT, hypervisor TEXT,"
	" fw_vendor TEXT, fw_version TEXT, system_vendor TEXT, system_product TEXT,"
	" payload TEXT, build_id TEXT, suites TEXT, settings TEXT,"
	" status TEXT, complete INTEGER NOT NULL, nrecs INTEGER NOT NULL);"
	"CREATE TABLE records (run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL, type TEXT NOT NULL, line TEXT NOT NULL,"
	" PRIMARY KEY (run, seq)) WITHOUT ROWID;"
	"CREATE TABLE fields (run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
	" PRIMARY KEY (run, seq, key)) WITHOUT ROWID;"
	"CREATE TABLE checks (run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL, name TEXT NOT NULL, result TEXT, value TEXT, expected TEXT,"
	" reason TEXT, PRIMARY KEY (run, seq)) WITHOUT ROWID;"
	"CREATE TABLE counters (run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL, bench TEXT, event TEXT NOT NULL, src TEXT, value INTEGER,"
	" enabled INTEGER, running INTEGER, reason TEXT,"
	" PRIMARY KEY (run, seq)) WITHOUT ROWID;"
	"CREATE INDEX counters_event ON counters (event, bench);"
	"CREATE INDEX checks_name ON checks (name);",
	/* 2: named baselines for CI. */
	"CREATE TABLE baselines (name TEXT PRIMARY KEY,"
	" run INTEGER NOT NULL REFERENCES runs(id), set_at INTEGER NOT NULL);",
};

const char *db_path(const struct db_opts *o)
{
	const char *env = getenv("PMULAB_DB");

	return o && o->path ? o->path : env && *env ? env : DB_DEFAULT_PATH;
}

int db_fail(struct db *db, const char *what)
{
	int code = db->h ? sqlite3_errcode(db->h) : SQLITE_ERROR;

	fprintf(stderr, "%s %s: %s: %s: %s\n", pmulab_progname, db->who, db->path, what,
		db->h ? sqlite3_errmsg(db->h) : "cannot open");
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		fprintf(stderr, "%s %s: %s is damaged; it was left as it is (and no run "
			"directory was touched): move it away, or restore a copy\n",
			pmulab_progname, db->who, db->path);
	return -1;
}

int db_exec(struct db *db, const char *sql)
{
	return sqlite3_exec(db->h, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(db, sql);
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail(db, "cannot read the database");
		return NULL;
	}
	return st;
}

static uint32_t be(const unsigned char *p, int n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* A file that is there but is no whole SQLite database is refused before
 * SQLite opens it, so nothing (no -wal, no recovery) touches it. */
int db_check_file(struct db *db)
{
	unsigned char h[SQLITE_HEADER_SIZE];
	struct stat st;
	FILE *f;
	size_t n;
	uint32_t page, pages;

	if (stat(db->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s %s: %s is not a file\n", pmulab_progname, db->who, db->path);
		return -1;
	}
	f = fopen(db->path, "rb");
	n = f ? fread(h, 1, sizeof(h), f) : 0;
	if (f)
		fclose(f);
	if (!f) {
		fprintf(stderr, "%s %s: cannot read %s: %s\n", pmulab_progname, db->who,
			db->path, strerror(errno));
		return -1;
	}
	if (n < sizeof(h) || memcmp(h, "SQLite format 3", 16)) {
		fprintf(stderr, "%s %s: %s is not an SQLite database (%s): damaged, or another "
			"file; it was left as it is\n", pmulab_progname, db->who, db->path,
			n < sizeof(h) ? "shorter than its header" : "no SQLite header");
		return -1;
	}
	page = be(h + 16, 2) == 1 ? 65536 : be(h + 16, 2);
	pages = be(h + 28, 4);
	/* The header's page count is valid when its version-valid-for number
	 * equals the change counter (SQLite's file format, section 1.3.7). */
	if (be(h + 92, 4) == be(h + 24, 4) && (uint64_t)st.st_size < (uint64_t)page * pages) {
		fprintf(stderr, "%s %s: %s is truncated: %lld bytes, its header says %llu; it "
			"was left as it is: restore a copy\n", pmulab_progname, db->who, db->path,
			(long long)st.st_size, (unsigned long long)page * pages);
		return -1;
	}
	return 0;
}

static int pragma_int(struct db *db, const char *sql, int *out)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, "cannot read the database");
}

/* A pmulab history of a schema this pmulab knows, or an empty file; read
 * only, so a refused file keeps every byte. 0, or -1 after a message. */
static int identify(struct db *db, int *have)
{
	int tables, app;

	if (pragma_int(db, "PRAGMA user_version", have) < 0 ||
	    pragma_int(db, "PRAGMA application_id", &app) < 0 ||
	    pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables) < 0)
		return -1;
	if ((app && app != DB_APPLICATION_ID) || (!app && tables)) {
		fprintf(stderr, "%s %s: %s is an SQLite database of another program, not a "
			"pmulab run history; it was left as it is\n", pmulab_progname, db->who,
			db->path);
		return -1;
	}
	if (*have > DB_SCHEMA_VERSION) {
		fprintf(stderr, "%s %s: %s has schema version %d, newer than this pmulab's "
			"%d: use a newer pmulab\n", pmulab_progname, db->who, db->path, *have,
			DB_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

int db_migrate(struct db *db, int version)
{
	char sql[96];
	int have;

	/* IMMEDIATE: two pmulabs creating the database at once take turns. */
	if (db_exec(db, "BEGIN IMMEDIATE") < 0)
		return -1;
	if (identify(db, &have) < 0)
		goto fail;
	if (have >= version)
		return db_exec(db, "COMMIT");
	for (int v = have + 1; v <= version; v++)
		if (db_exec(db, migrations[v - 1]) < 0)
			goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d",
		 DB_APPLICATION_ID, version);
	if (db_exec(db, sql) < 0 || db_exec(db, "COMMIT") < 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* WAL stays set in the file once made. Switching needs the file to
 * itself, and SQLite gives up at once when another connection holds it
 * (no busy handler): the first open of a new database waits by hand. */
static int set_wal(struct db *db)
{
	const struct timespec pause = { 0, DB_WAL_RETRY_MS * 1000000L };

	for (int waited = 0;; waited += DB_WAL_RETRY_MS) {
		int rc = sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

		if (rc == SQLITE_OK)
			return 0;
		if (rc != SQLITE_BUSY || waited >= DB_BUSY_TIMEOUT_MS)
			return db_fail(db, "cannot switch to WAL mode");
		nanosleep(&pause, NULL);
	}
}

static int make_folder(const char *path)
{
	char buf[4096], *dir;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

int db_open(struct db *db, const char *path, const char *who, bool create)
{
	struct stat st;
	int have;

	*db = (struct db){ .path = path, .who = who };
	if (stat(path, &st) == 0) {
		/* An empty file is an empty database, as SQLite takes it. */
		if ((st.st_size > 0 || !S_ISREG(st.st_mode)) && db_check_file(db) < 0)
			return -1;
	} else if (!create) {
		fprintf(stderr, "%s %s: no run history at %s (pmulab db add DIR makes one; "
			"--db PATH or PMULAB_DB names another)\n", pmulab_progname, who, path);
		return -1;
	} else if (make_folder(path) < 0) {
		fprintf(stderr, "%s %s: cannot create the folder of %s: %s\n", pmulab_progname,
			who, path, strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK)
		return db_fail(db, "cannot open");
	sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
	/* One read transaction: the three reads see one state of the file,
	 * never half of another pmulab's migration. */
	if (db_exec(db, "BEGIN") < 0)
		return -1;
	if (identify(db, &have) < 0) {
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (db_exec(db, "COMMIT") < 0 || set_wal(db) < 0 || db_exec(db, "PRAGMA foreign_keys = ON") < 0)
		return -1;
	return db_migrate(db, DB_SCHEMA_VERSION);
}

void db_close(struct db *db)
{
	sqlite3_close(db->h);
	db->h = NULL;
}
