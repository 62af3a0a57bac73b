/* pmulab db and pmulab history: the run history's commands (docs/db.md). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host/cli.h"
#include "host/db/db_cli.h"
#include "host/db/diff.h"
#include "host/db/hplot.h"
#include "host/db/query.h"

const char usage_db[] =
	"usage: pmulab db add DIR... [--db PATH]\n"
	"       pmulab db machines [--db PATH]\n"
	"       pmulab db diff RUN_A RUN_B [--tolerance FILE] [--db PATH]\n"
	"       pmulab db baseline set NAME RUN [--db PATH]\n"
	"       pmulab db baseline check NAME RUN [--tolerance FILE] [--db PATH]\n"
	"       pmulab db merge OTHER.db [--db PATH]\n"
	"\n"
	"The run history (docs/db.md): every run's records, checks and counters in\n"
	"one SQLite database. run, import and linux add their runs themselves.\n"
	"RUN is a run id (pmulab history shows them) or a run directory.\n"
	"\n"
	"  add DIR...        add run directories (a directory of them, as import\n"
	"                    makes, adds each); a run already in is left as it is\n"
	"  machines          the machines seen, with their run counts\n"
	"  diff A B          counters beyond tolerance and checks that changed\n"
	"  baseline set      name RUN as the baseline NAME\n"
	"  baseline check    RUN against the baseline NAME, as diff; for CI\n"
	"  merge OTHER.db    fold another collector's database in; runs are\n"
	"                    deduplicated by content hash, OTHER is only read\n"
	"  --db PATH         the database (default $PMULAB_DB, else runs/pmulab.db)\n"
	"  --tolerance FILE  per-event tolerances, as pmulab compare takes them\n"
	"\n"
	"exit codes:\n"
	"  0  ok (diff, baseline check: nothing beyond tolerance, no check from\n"
	"     pass to fail)\n"
	"  1  error: a run directory unreadable, no such run or baseline, or the\n"
	"     database damaged, of another program or locked (it is left as it is)\n"
	"  2  usage: a bad command line\n"
	"  3  partial (diff, baseline check): a run is incomplete, or nothing could\n"
	"     be compared\n"
	"  4  regression (diff, baseline check): a counter beyond its tolerance, or a\n"
	"     check from pass to fail\n";

const char usage_history[] =
	"usage: pmulab history EVENT|CHECK [--bench B] [--machine M] [--since DATE]\n"
	"                      [--plot FILE] [--db PATH]\n"
	"\n"
	"A counter event's values (or, when no counter has that event, a check's\n"
	"results) over every run in the history, by bench, machine and time, with\n"
	"where each came from: the run, the kind of run, the counter's source and\n"
	"the run directory.\n"
	"\n"
	"  --bench B         only bench B\n"
	"  --machine M       only machines whose name holds M (any case)\n"
	"  --since DATE      only runs made at or after DATE (UTC): YYYY-MM-DD or\n"
	"                    YYYY-MM-DDTHH:MM:SS\n"
	"  --plot FILE       also draw it with gnuplot into FILE (.svg or .png), with\n"
	"                    its .dat and .gp beside it\n"
	"  --db PATH         the database (default $PMULAB_DB, else runs/pmulab.db)\n"
	"\n"
	"exit codes:\n"
	"  0  shown (and drawn)\n"
	"  1  no event or check of that name, the plot failed, or the database is\n"
	"     missing or damaged\n"
	"  2  usage: a bad command line\n";

static int64_t since(const char *v)
{
	struct tm tm = { 0 };
	const char *end = strptime(v, "%Y-%m-%d", &tm);

	if (end && *end)
		end = strptime(end, "T%H:%M:%S", &tm);
	if (!end || *end)
		cli_usage_error("history", "--since '%s': use YYYY-MM-DD or "
				"YYYY-MM-DDTHH:MM:SS (UTC)", v);
	return timegm(&tm);
}

static const char *plot_file(const char *v)
{
	const char *base = strrchr(v, '/') ? strrchr(v, '/') + 1 : v;
	const char *ext = strrchr(base, '.');

	if (!ext || ext == base || (strcmp(ext, ".svg") && strcmp(ext, ".png")))
		cli_usage_error("history", "--plot '%s': name a .svg or .png file", v);
	if (strpbrk(base, "'\"\\\n"))
		cli_usage_error("history", "--plot '%s': a file name without quotes or "
				"backslashes", v);
	return v;
}

int cmd_history(int argc, char **argv)
{
	struct hist_query q = { 0 };
	struct db_opts o = { 0 };
	const char *v, *plot = NULL;
	struct hist h;
	struct db db;
	int rc;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "history", "--bench")))
			q.bench = v;
		else if ((v = cli_opt(argc, argv, &i, "history", "--machine")))
			q.machine = v;
		else if ((v = cli_opt(argc, argv, &i, "history", "--since")))
			q.since = since(v);
		else if ((v = cli_opt(argc, argv, &i, "history", "--plot")))
			plot = plot_file(v);
		else if ((v = cli_opt(argc, argv, &i, "history", "--db")))
			o.path = v;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("history", "unknown option '%s'", argv[i]);
		else if (q.name)
			cli_usage_error("history", "one EVENT or CHECK only ('%s' and '%s')", q.name,
					argv[i]);
		else
			q.name = argv[i];
	}
	if (!q.name)
		cli_usage_error("history", "no EVENT or CHECK: a counter event (instructions) or "
				"a check name");
	if (db_open(&db, db_path(&o), "history", false) < 0) {
		db_close(&db);
		return EXIT_ERROR;
	}
	rc = hist_query(&db, &q, &h);
	db_close(&db);
	if (rc)
		return EXIT_ERROR;
	if (h.checks && q.bench)
		fprintf(stderr, "%s history: %s is a check, which has no bench: --bench matches "
			"nothing\n", pmulab_progname, q.name);
	hist_print(stdout, &q, &h);
	fflush(stdout);
	rc = plot && hist_plot(plot, &q, &h) < 0 ? EXIT_ERROR : EXIT_OK;
	hist_free(&h);
	return rc;
}

#define DB_ARGS_MAX 256		/* DIRs of one db add; a shell glob of runs fits */

struct db_args {
	const char *pos[DB_ARGS_MAX];
	int n;
	const char *tolerance;
	struct db_opts o;
};

static void db_args(int argc, char **argv, struct db_args *a)
{
	const char *v;

	*a = (struct db_args){ 0 };
	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "db", "--db")))
			a->o.path = v;
		else if ((v = cli_opt(argc, argv, &i, "db", "--tolerance")))
			a->tolerance = v;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("db", "unknown option '%s'", argv[i]);
		else if (a->n == DB_ARGS_MAX)
			cli_usage_error("db", "more than %d arguments", DB_ARGS_MAX);
		else
			a->pos[a->n++] = argv[i];
	}
}

static void want(const struct db_args *a, int n, const char *what)
{
	if (a->n != n)
		cli_usage_error("db", "%s: expected %s", a->pos[0], what);
}

static int db_add_all(struct db_args *a)
{
	int rc = EXIT_OK;

	if (a->n < 2)
		cli_usage_error("db", "add: no DIR");
	a->o.who = "db add";
	for (int i = 1; i < a->n; i++) {
		if (db_add_dirs(a->pos[i], &a->o) < 0)
			rc = EXIT_ERROR;
	}
	return rc;
}

/* Subcommands that compare: RUN arguments to ids, the tolerance file. */
static int judge(struct db *db, struct db_args *a)
{
	bool baseline = !strcmp(a->pos[0], "baseline");
	struct tol_table t;
	int64_t x, y = 0;
	int rc;

	if (tol_load(db->who, a->tolerance, &t) < 0)
		return EXIT_ERROR;
	x = baseline ? 0 : db_find_run(db, a->pos[1]);
	if (x >= 0)
		y = db_find_run(db, a->pos[baseline ? 3 : 2]);
	if (x < 0 || y < 0)
		rc = EXIT_ERROR;
	else if (baseline)
		rc = baseline_check(db, a->pos[2], y, &t, stdout);
	else
		rc = db_diff(db, x, y, &t, stdout);
	tol_free(&t);
	return rc;
}

int cmd_db(int argc, char **argv)
{
	struct db_args a;
	const char *sub;
	struct db db;
	int64_t run;
	int rc;

	db_args(argc, argv, &a);
	if (!a.n)
		cli_usage_error("db", "no subcommand: add, machines, diff, baseline or merge");
	sub = a.pos[0];
	if (!strcmp(sub, "add"))
		return db_add_all(&a);
	if (!strcmp(sub, "machines"))
		want(&a, 1, "no arguments");
	else if (!strcmp(sub, "diff"))
		want(&a, 3, "RUN_A RUN_B");
	else if (!strcmp(sub, "merge"))
		want(&a, 2, "OTHER.db");
	else if (!strcmp(sub, "baseline") && a.n > 1 && !strcmp(a.pos[1], "set"))
		want(&a, 4, "set NAME RUN");
	else if (!strcmp(sub, "baseline") && a.n > 1 && !strcmp(a.pos[1], "check"))
		want(&a, 4, "check NAME RUN");
	else if (!strcmp(sub, "baseline"))
		cli_usage_error("db", "baseline: expected set NAME RUN or check NAME RUN");
	else
		cli_usage_error("db", "unknown subcommand '%s': add, machines, diff, baseline or "
				"merge", sub);
	if (db_open(&db, db_path(&a.o), !strcmp(sub, "merge") ? "db merge" : "db",
		    !strcmp(sub, "merge")) < 0) {
		db_close(&db);
		return EXIT_ERROR;
	}
	if (!strcmp(sub, "machines"))
		rc = machines_print(&db, stdout) < 0 ? EXIT_ERROR : EXIT_OK;
	else if (!strcmp(sub, "merge"))
		rc = db_merge(&db, a.pos[1]) < 0 ? EXIT_ERROR : EXIT_OK;
	else if (!strcmp(sub, "baseline") && !strcmp(a.pos[1], "set"))
		rc = (run = db_find_run(&db, a.pos[3])) < 0 ? EXIT_ERROR :
		     baseline_set(&db, a.pos[2], run);
	else
		rc = judge(&db, &a);
	db_close(&db);
	return rc;
}
