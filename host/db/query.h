/* The questions the history answers (docs/db.md): a counter event's or a
 * check's values over runs and machines, and the machines seen. */
#ifndef PMULAB_QUERY_H
#define PMULAB_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "host/db/store.h"

struct hist_query {
	const char *name;	/* a counter event, else a check name */
	const char *bench;	/* NULL: every bench */
	const char *machine;	/* NULL: every machine; else a part of its name */
	int64_t since;		/* runs made at or after, seconds since 1970 */
};

struct hist_row {
	int64_t run, at;
	char *machine, *kind, *dir;
	char *bench;		/* a counter's bench; a check's result */
	char *src;		/* a counter's source; a check's expectation */
	char *value;		/* as stored: a count, or a check's value */
	char *note;		/* src=none's reason, a skip's reason */
	bool has_num;
	double num;
};

struct hist {
	bool checks;		/* the name is a check's, not an event's */
	struct hist_row *rows;	/* by bench, machine, source, time */
	size_t n;
};

/* The rows for q; 0, 1 when the database has no event or check of that name
 * (after a message), -1 after a database error. */
int hist_query(struct db *db, const struct hist_query *q, struct hist *h);
void hist_print(FILE *out, const struct hist_query *q, const struct hist *h);
void hist_free(struct hist *h);
/* The runs by machine, with their counts and first and last times. */
int machines_print(struct db *db, FILE *out);
/* "2026-01-31 12:00:00" (UTC) into buf; "-" for 0. */
void db_time(char *buf, size_t len, int64_t t);

#endif
