/* The run history (docs/db.md): every run directory's records, checks and
 * counters in one SQLite database, for history, diffs and baselines across
 * runs and machines. This is the API other commands call; the pmulab db and
 * history commands are host/db/db_cmd.c. */
#ifndef PMULAB_DB_H
#define PMULAB_DB_H

#include <stdbool.h>

/* The database a command writes to or reads from. */
struct db_opts {
	const char *path;	/* NULL: $PMULAB_DB, else DB_DEFAULT_PATH */
	bool off;		/* --no-db: the automatic feed does nothing */
	bool quiet;		/* no "added" line on stderr */
	const char *who;	/* the command, for messages; NULL: "db add" */
};

#define DB_DEFAULT_PATH "runs/pmulab.db"

/* The path o names: o->path, else $PMULAB_DB, else DB_DEFAULT_PATH. */
const char *db_path(const struct db_opts *o);

/* Adds one run directory (its records.txt; docs/db.md says what is taken
 * from where) to the database, creating the database when there is none.
 * Idempotent: a run whose records.txt is already in (the same content hash)
 * is left as it is. Only reads dir. Returns 0 (added or already in), or -1
 * after a message on stderr naming the problem: dir has no readable
 * records.txt, or the database is damaged, locked past the busy timeout, or
 * not writable. */
int db_add_run(const char *dir, const struct db_opts *o);

/* db_add_run() for dir, or when dir holds no records.txt, for each of its
 * subfolders that does (a directory of runs, as import makes); 0, or -1
 * when one failed (after its message). */
int db_add_dirs(const char *dir, const struct db_opts *o);

/* The options pmulab takes for the commands that feed the database (run,
 * lesson, import, linux, matrix): --db PATH and --no-db are removed from
 * argv (argc updated; argv[0] is the command's name) into db_auto_opts
 * before the command parses the rest; a --db without a PATH is a usage
 * error. */
bool db_feeds(const char *cmd);
void db_take_opts(int *argc, char **argv);
extern struct db_opts db_auto_opts;
extern const char usage_db_feed[];

/* The automatic feed, the last call of a command that made run
 * directories: unless --no-db, adds dir (a run directory, or a directory of
 * run directories as import makes) to db_auto_opts' database. A failure is
 * a warning on stderr: rc, the command's own exit code, is returned as it
 * is whatever happens. */
int db_feed(const char *dir, int rc);

#endif
