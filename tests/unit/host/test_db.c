/* The run history's store: schema creation and migration, idempotent adds,
 * idempotent merges, and refusing a damaged database without touching it. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/db/store.h"
#include "tests/unit/models/rundir.h"
#include "tests/unit/unit.h"

static char tmp[64];

static long long one(const char *path, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

static const char *at(const char *name)
{
	static char bufs[256][256];	/* every path a test names stays valid */
	static unsigned i;
	char *b = bufs[i++ % 256];

	snprintf(b, 256, "%s/%s", tmp, name);
	return b;
}

static void test_schema(void)
{
	const char *path = at("fresh.db");
	struct db db;

	CHECK(db_open(&db, path, "test", true) == 0);
	db_close(&db);
	CHECK_U64(one(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	CHECK_U64(one(path, "PRAGMA application_id"), DB_APPLICATION_ID);
	CHECK_STR(one(path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'")
		  == 1 ? "wal" : "not wal", "wal");
	/* Opening again changes nothing. */
	CHECK(db_open(&db, path, "test", false) == 0);
	db_close(&db);
	CHECK_U64(one(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), 6);

	/* No database and no create: refused, nothing made. */
	CHECK(db_open(&db, at("none.db"), "test", false) < 0);
	db_close(&db);
	CHECK(access(at("none.db"), F_OK) < 0);
}

static void test_migration(void)
{
	const char *path = at("old.db");
	struct db db = { .path = path, .who = "test" };
	struct db_opts o = { .path = path, .quiet = true };

	/* A schema 1 database with a run in it, as an older pmulab left it. */
	CHECK(sqlite3_open(path, &db.h) == SQLITE_OK);
	CHECK(db_migrate(&db, 1) == 0);
	CHECK(db_exec(&db, "INSERT INTO runs (hash, added_at, dir, kind, machine, complete, nrecs)"
		      " VALUES ('0123456789abcdef', 1, '/old', 'run', 'm', 1, 0)") == 0);
	db_close(&db);
	CHECK_U64(one(path, "PRAGMA user_version"), 1);
	CHECK_U64(one(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'baselines'"), 0);

	rundir_make(at("r1"), 1, 1000000);
	CHECK(db_add_run(at("r1"), &o) == 0);
	CHECK_U64(one(path, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	CHECK_U64(one(path, "SELECT count(*) FROM runs"), 2);
	CHECK_U64(one(path, "SELECT count(*) FROM runs WHERE dir = '/old'"), 1);
	CHECK(db_open(&db, path, "test", false) == 0);
	CHECK(db_exec(&db, "INSERT INTO baselines VALUES ('b', 1, 2)") == 0);
	db_close(&db);

	/* A newer pmulab's database is refused as it is. */
	CHECK(db_open(&db, path, "test", false) == 0);
	CHECK(db_exec(&db, "PRAGMA user_version = 99") == 0);
	db_close(&db);
	CHECK(db_open(&db, path, "test", false) < 0);
	db_close(&db);
	CHECK_U64(one(path, "PRAGMA user_version"), 99);
}

static void test_add_idempotent(void)
{
	const char *path = at("add.db");
	struct db_opts o = { .path = path, .quiet = true };

	rundir_make(at("a1"), 1, 1000000);
	rundir_make(at("a2"), 2, 1000000);
	CHECK(db_add_run(at("a1"), &o) == 0);
	CHECK(db_add_run(at("a1"), &o) == 0);
	CHECK_U64(one(path, "SELECT count(*) FROM runs"), 1);
	CHECK_U64(one(path, "SELECT count(*) FROM records"), 9);
	CHECK_U64(one(path, "SELECT count(*) FROM counters"), 2);
	CHECK_U64(one(path, "SELECT count(*) FROM checks"), 2);
	CHECK_U64(one(path, "SELECT value FROM counters WHERE event = 'instructions'"), 1000000);
	CHECK_U64(one(path, "SELECT cpu_model FROM runs"), 0x5e);
	CHECK_U64(one(path, "SELECT count(*) FROM runs WHERE accel = 'tcg' AND complete = 1"
		      " AND machine = 'qemu tcg / Intel Core Processor (Skylake)'"), 1);
	CHECK(db_add_run(at("a2"), &o) == 0);
	CHECK_U64(one(path, "SELECT count(*) FROM runs"), 2);
	CHECK_U64(one(path, "SELECT count(*) FROM records"), 18);

	/* Not a run directory: an error, and nothing added. */
	CHECK(db_add_run(tmp, &o) < 0);
	CHECK_U64(one(path, "SELECT count(*) FROM runs"), 2);

	/* A directory of runs, as import makes: each is added. */
	mkdir(at("import"), 0777);
	rundir_make(at("import/results-001"), 3, 1000000);
	rundir_make(at("import/results-002"), 4, 1000000);
	CHECK(db_add_dirs(at("import"), &o) == 0);
	CHECK_U64(one(path, "SELECT count(*) FROM runs"), 4);
	CHECK_U64(one(path, "SELECT count(*) FROM runs WHERE dir LIKE '%/import/results-00_'"
		      " AND kind = 'import'"), 2);
	CHECK(db_add_dirs(at("import"), &o) == 0);
	CHECK_U64(one(path, "SELECT count(*) FROM runs"), 4);
	CHECK(db_add_dirs(at("import/results-001/records.txt"), &o) < 0);
}

static void test_merge_idempotent(void)
{
	const char *mine = at("mine.db"), *theirs = at("theirs.db");
	struct db_opts om = { .path = mine, .quiet = true }, ot = { .path = theirs, .quiet = true };
	struct db db;

	rundir_make(at("m1"), 11, 1000);
	rundir_make(at("m2"), 12, 2000);
	rundir_make(at("m3"), 13, 3000);
	CHECK(db_add_run(at("m1"), &om) == 0);
	CHECK(db_add_run(at("m2"), &om) == 0);
	CHECK(db_add_run(at("m2"), &ot) == 0);
	CHECK(db_add_run(at("m3"), &ot) == 0);
	for (int i = 0; i < 2; i++) {
		CHECK(db_open(&db, mine, "test", true) == 0);
		CHECK(db_merge(&db, theirs) == 0);
		db_close(&db);
		CHECK_U64(one(mine, "SELECT count(*) FROM runs"), 3);
		CHECK_U64(one(mine, "SELECT count(*) FROM records"), 27);
		CHECK_U64(one(mine, "SELECT count(*) FROM counters"), 6);
		CHECK_U64(one(mine, "SELECT count(DISTINCT run) FROM fields"), 3);
	}
	/* The merged run's rows belong to its new id. */
	CHECK_U64(one(mine, "SELECT c.value FROM counters c JOIN runs r ON r.id = c.run"
		      " WHERE r.dir LIKE '%/m3' AND c.event = 'instructions'"), 3000);
	CHECK_U64(one(theirs, "SELECT count(*) FROM runs"), 2);

	/* A file that is no pmulab history is not merged. */
	CHECK(db_open(&db, mine, "test", true) == 0);
	CHECK(db_merge(&db, at("m1/records.txt")) < 0);
	db_close(&db);
	CHECK_U64(one(mine, "SELECT count(*) FROM runs"), 3);
}

static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len ? *len : 1);
	if (fread(buf, 1, *len, f) != (size_t)*len)
		*len = -1;
	fclose(f);
	return buf;
}

/* db add into path is refused, and path keeps its bytes, gets no -wal or
 * -shm, and the run directory is untouched. */
static void refused_untouched(const char *path)
{
	struct db_opts o = { .path = path, .quiet = true };
	char wal[300], run_rec[300];
	long before, after, rb, ra;
	char *b = slurp(path, &before), *a, *rbuf, *rabuf;
	struct stat st_before, st_after;

	snprintf(run_rec, sizeof(run_rec), "%s", at("d1/records.txt"));
	rbuf = slurp(run_rec, &rb);
	stat(run_rec, &st_before);
	CHECK(db_add_run(at("d1"), &o) < 0);
	a = slurp(path, &after);
	CHECK(before == after && !memcmp(a, b, before));
	snprintf(wal, sizeof(wal), "%s-wal", path);
	CHECK(access(wal, F_OK) < 0);
	rabuf = slurp(run_rec, &ra);
	stat(run_rec, &st_after);
	CHECK(rb == ra && !memcmp(rbuf, rabuf, rb));
	CHECK(st_before.st_mtime == st_after.st_mtime);
	free(a), free(b), free(rbuf), free(rabuf);
}

static void test_damaged(void)
{
	const char *garbage = at("garbage.db"), *cut = at("cut.db"), *other = at("other.db");
	struct db_opts o = { .path = cut, .quiet = true };
	FILE *f = fopen(garbage, "w");
	struct db db;
	long len;
	char *whole;
	sqlite3 *h;

	rundir_make(at("d1"), 21, 5);
	for (int i = 0; i < 300; i++)
		fputs("not a database, some bytes of something else\n", f);
	fclose(f);
	refused_untouched(garbage);

	/* A real history cut short: its header says more pages than are there. */
	for (int i = 0; i < 30; i++) {
		char d[32];

		snprintf(d, sizeof(d), "c%d", i);
		rundir_make(at(d), 100 + i, i);
		CHECK(db_add_run(at(d), &o) == 0);
	}
	CHECK(db_open(&db, cut, "test", false) == 0);
	CHECK(db_exec(&db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE") == 0);
	db_close(&db);
	whole = slurp(cut, &len);
	CHECK(len > 8192);
	f = fopen(cut, "w");
	fwrite(whole, 1, len / 2, f);
	fclose(f);
	free(whole);
	refused_untouched(cut);

	/* Another program's SQLite database. */
	CHECK(sqlite3_open(other, &h) == SQLITE_OK);
	CHECK(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	refused_untouched(other);
}

int main(void)
{
	rundir_tmp(tmp, sizeof(tmp));
	test_schema();
	test_migration();
	test_add_idempotent();
	test_merge_idempotent();
	test_damaged();
	rundir_rm(tmp);
	return unit_done("db");
}
