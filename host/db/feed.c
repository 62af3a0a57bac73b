/* The database as the end of run (and lesson), import, linux and matrix: their --db and
 * --no-db options and the automatic add, which never changes a command's
 * own outcome (db.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/cli.h"
#include "host/db/db.h"

struct db_opts db_auto_opts;

const char usage_db_feed[] =
	"\n"
	"run history (docs/db.md): the run directories this command makes are added\n"
	"to the database at its end; a failure to add is a warning, never a change\n"
	"to the results or the exit code.\n"
	"  --db PATH         the database (default $PMULAB_DB, else runs/pmulab.db)\n"
	"  --no-db           do not add them\n";

bool db_feeds(const char *cmd)
{
	static const char *const feeders[] = { "run", "lesson", "import", "linux", "matrix" };

	for (size_t i = 0; i < sizeof(feeders) / sizeof(feeders[0]); i++)
		if (!strcmp(cmd, feeders[i]))
			return true;
	return false;
}

void db_take_opts(int *argc, char **argv)
{
	int out = 1;

	db_auto_opts.who = argv[0];
	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--no-db")) {
			db_auto_opts.off = true;
		} else if (!strncmp(argv[i], "--db=", 5) && argv[i][5]) {
			db_auto_opts.path = argv[i] + 5;
		} else if (!strcmp(argv[i], "--db") || !strcmp(argv[i], "--db=")) {
			if (argv[i][4] || i + 1 == *argc || !argv[i + 1][0])
				cli_usage_error(argv[0], "--db needs a PATH");
			db_auto_opts.path = argv[++i];
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	*argc = out;
}

int db_add_dirs(const char *dir, const struct db_opts *o)
{
	char path[4200];
	struct dirent **names;
	int n, found = 0, failed = 0;

	if (cli_path(path, sizeof(path), dir, "records.txt") < 0 || access(path, F_OK) == 0 ||
	    (n = scandir(dir, &names, NULL, alphasort)) < 0)
		return db_add_run(dir, o);
	for (int i = 0; i < n; i++) {
		char sub[4200];

		if (names[i]->d_name[0] != '.' &&
		    cli_path(sub, sizeof(sub), dir, names[i]->d_name) == 0 &&
		    cli_path(path, sizeof(path), sub, "records.txt") == 0 &&
		    access(path, F_OK) == 0 && ++found && db_add_run(sub, o) < 0)
			failed = -1;
		free(names[i]);
	}
	free(names);
	/* Neither a run nor a folder of runs: db_add_run names the problem. */
	return found ? failed : db_add_run(dir, o);
}

int db_feed(const char *dir, int rc)
{
	if (db_auto_opts.off)
		return rc;
	if (db_add_dirs(dir, &db_auto_opts) < 0)
		fprintf(stderr, "%s: warning: %s was not added to the run history %s (above "
			"why); the run itself is complete as reported: pmulab db add %s\n",
			pmulab_progname, dir, db_path(&db_auto_opts), dir);
	return rc;
}
