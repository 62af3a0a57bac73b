/* pmulab db diff and db baseline: two stored runs judged as pmulab compare
 * judges two run directories (host/compare/pair.h), plus their checks. */
#ifndef PMULAB_DIFF_H
#define PMULAB_DIFF_H

#include <stdio.h>
#include "host/compare/pair.h"
#include "host/db/store.h"

#define EXIT_DIFFER 4	/* as pmulab compare: a regression beyond tolerance */

/* A stored run's records, parsed again from their lines; NULL after a
 * message. */
struct stream *db_stream(struct db *db, int64_t run);

/* Prints what changed from run a to run b beyond t: counters that are
 * DIFFER, checks whose result or value changed. Returns the exit code:
 * 0 nothing beyond tolerance and no check went from pass to fail, 4 some did,
 * 3 a run is incomplete or nothing could be compared, 1 a database error. */
int db_diff(struct db *db, int64_t a, int64_t b, const struct tol_table *t, FILE *out);

/* db baseline set NAME RUN / check NAME RUN: exit codes as db_diff(). */
int baseline_set(struct db *db, const char *name, int64_t run);
int baseline_check(struct db *db, const char *name, int64_t run, const struct tol_table *t,
		   FILE *out);

#endif
