/* Two pmulabs adding runs to one history at the same moment (two runs
 * ending together): WAL and the busy timeout make both land. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/db/store.h"
#include "tests/unit/models/rundir.h"
#include "tests/unit/unit.h"

#define WRITER_RUNS 15	/* runs each writer adds: enough to overlap for sure */

static long long runs(const char *path)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open(path, &h) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT count(*) FROM runs", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return v;
}

/* A writer: waits for the start signal, then adds its runs; the exit code
 * is the number of adds that failed. */
static void writer(const char *tmp, const char *path, int id, int go)
{
	struct db_opts o = { .path = path, .quiet = true };
	char dir[128], c;
	int failed = 0;

	if (read(go, &c, 1) != 1)
		_exit(100);
	for (int i = 0; i < WRITER_RUNS; i++) {
		snprintf(dir, sizeof(dir), "%s/w%d-%d", tmp, id, i);
		failed += db_add_run(dir, &o) < 0;
	}
	_exit(failed);
}

int main(void)
{
	char tmp[64], path[128], dir[128];
	int go[2], status[2];
	pid_t pid[2];

	rundir_tmp(tmp, sizeof(tmp));
	snprintf(path, sizeof(path), "%s/shared.db", tmp);
	for (int w = 0; w < 2; w++)
		for (int i = 0; i < WRITER_RUNS; i++) {
			snprintf(dir, sizeof(dir), "%s/w%d-%d", tmp, w, i);
			rundir_make(dir, (unsigned)(w * 1000 + i), 1000 + i);
		}
	/* Neither writer finds a database: both create it at once too. */
	CHECK(pipe(go) == 0);
	for (int w = 0; w < 2; w++) {
		pid[w] = fork();
		CHECK(pid[w] >= 0);
		if (pid[w] == 0)
			writer(tmp, path, w, go[0]);
	}
	CHECK(write(go[1], "gg", 2) == 2);
	for (int w = 0; w < 2; w++) {
		CHECK(waitpid(pid[w], &status[w], 0) == pid[w]);
		CHECK(WIFEXITED(status[w]) && WEXITSTATUS(status[w]) == 0);
	}
	CHECK_U64(runs(path), 2 * WRITER_RUNS);
	rundir_rm(tmp);
	return unit_done("db_writers");
}
