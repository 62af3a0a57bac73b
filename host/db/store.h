/* The database inside host/db: opening it (refusing a damaged one), the
 * schema and its migrations, and helpers the other files share. */
#ifndef PMULAB_STORE_H
#define PMULAB_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include "host/db/db.h"

/* PRAGMA user_version of a database this pmulab writes; docs/db.md lists
 * what each version added. */
#define DB_SCHEMA_VERSION 2
/* PRAGMA application_id: "PMLB", so another program's SQLite file is told
 * apart from an empty pmulab database. */
#define DB_APPLICATION_ID 0x504d4c42
/* How long a writer waits for another's transaction: an add is one
 * transaction of well under a second, a merge of a large history a few
 * seconds; two runs ending at once must both land. */
#define DB_BUSY_TIMEOUT_MS 60000

struct db {
	sqlite3 *h;
	const char *path;
	const char *who;	/* for messages: "db add", "run" */
};

/* Opens (with create, makes it and its folder when missing) the database,
 * refuses a damaged one or another program's, and brings its schema to
 * DB_SCHEMA_VERSION. 0, or -1 after a message; db_close() either way. */
int db_open(struct db *db, const char *path, const char *who, bool create);
void db_close(struct db *db);
/* db->path is a regular file holding a whole SQLite database (its header,
 * and no shorter than the header says); -1 after a message. */
int db_check_file(struct db *db);
/* Runs the migrations from the database's user_version up to version, in one
 * transaction; 0 or -1 after a message. db_open() calls it; tests call it
 * for an older schema. */
int db_migrate(struct db *db, int version);

/* "pmulab WHO: PATH: what: SQLite's message", and what to do when SQLite
 * found the file damaged. Returns -1. */
int db_fail(struct db *db, const char *what);
/* sqlite3_exec with db_fail on error; 0 or -1. */
int db_exec(struct db *db, const char *sql);
/* Prepares sql; NULL after db_fail. */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);

/* Folds the runs of the database at other (only read) into db, those whose
 * hash db lacks; 0 or -1 after a message. */
int db_merge(struct db *db, const char *other);

/* RUN as the commands take it, a run id or a run directory (by its content
 * hash), to the run's id; -1 after a message. */
int64_t db_find_run(struct db *db, const char *run);
/* The content hash of the run in dir: FNV-1a 64 of its records.txt's bytes
 * (records, len), then of its started.txt's when it has one; 16 hex digits. */
void db_run_hash(const char *dir, const void *records, size_t len, char out[17]);

#endif
