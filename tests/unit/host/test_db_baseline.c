/* db baseline and db diff: a planted regression (one counter changed, its
 * record's CRC recomputed) fails the check with 4, beyond the tolerance of
 * host/compare/tolerances.txt; an equal run and one within tolerance pass. */
#include "host/db/diff.h"
#include "host/cli.h"
#include "tests/unit/models/rundir.h"
#include "tests/unit/unit.h"

static char tmp[64], path[128];

static const char *at(char *buf, const char *name)
{
	snprintf(buf, 128, "%s/%s", tmp, name);
	return buf;
}

/* db baseline check NAME DIR's exit code. */
static int check(struct db *db, const struct tol_table *t, const char *dir)
{
	char d[128];
	int64_t run;
	FILE *out = fopen("/dev/null", "w");
	int rc;

	run = db_find_run(db, at(d, dir));
	rc = run < 0 ? -1 : baseline_check(db, "main", run, t, out);
	fclose(out);
	return rc;
}

int main(void)
{
	struct db_opts o = { .quiet = true };
	struct tol_table t;
	struct db db;
	char d[128], e[128];

	rundir_tmp(tmp, sizeof(tmp));
	o.path = at(path, "b.db");
	CHECK(tol_load("test", "host/compare/tolerances.txt", &t) == 0);
	rundir_make(at(d, "base"), 1, 1000000);
	rundir_make(at(d, "again"), 2, 1000000);
	/* instructions has a hardware tolerance of 0.1%: 0.05% is within, 1%
	 * beyond. */
	CHECK(rundir_plant(at(d, "base"), at(e, "near"), "event=instructions", "value=1000000",
			   "value=1000500") == 0);
	CHECK(rundir_plant(at(d, "base"), at(e, "planted"), "event=instructions",
			   "value=1000000", "value=1010000") == 0);
	CHECK(rundir_plant(at(d, "base"), at(e, "failed"), "loop.insns", "result=pass",
			   "result=fail") == 0);
	CHECK(rundir_plant(at(d, "base"), at(e, "nomatch"), "event=instructions", "value=7",
			   "value=8") < 0);
	for (const char *r = "base\0again\0near\0planted\0failed\0"; *r; r += strlen(r) + 1)
		CHECK(db_add_run(at(d, r), &o) == 0);

	CHECK(db_open(&db, path, "test", false) == 0);
	CHECK_U64(check(&db, &t, "base"), EXIT_ERROR);	/* no baseline yet */
	CHECK(baseline_set(&db, "main", db_find_run(&db, at(d, "base"))) == EXIT_OK);
	CHECK_U64(check(&db, &t, "base"), EXIT_OK);
	CHECK_U64(check(&db, &t, "again"), EXIT_OK);
	CHECK_U64(check(&db, &t, "near"), EXIT_OK);
	CHECK_U64(check(&db, &t, "planted"), EXIT_DIFFER);
	CHECK_U64(check(&db, &t, "failed"), EXIT_DIFFER);
	/* A baseline moved to the planted run: the old one now regresses. */
	CHECK(baseline_set(&db, "main", db_find_run(&db, at(d, "planted"))) == EXIT_OK);
	CHECK_U64(check(&db, &t, "planted"), EXIT_OK);
	CHECK_U64(check(&db, &t, "base"), EXIT_DIFFER);
	db_close(&db);
	tol_free(&t);
	rundir_rm(tmp);
	return unit_done("db_baseline");
}
