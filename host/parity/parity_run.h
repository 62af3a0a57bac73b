/* The parity tables against a run: for each row, whether its check passed,
 * failed, skipped or did not run there (parity.c). */
#ifndef PMULAB_PARITY_RUN_H
#define PMULAB_PARITY_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "host/parity/parity.h"
#include "host/stream/stream.h"

#define PARITY_TABLES 3
extern const struct parity_table *const parity_tables[PARITY_TABLES];

/* The table for a kvm-unit-tests file ("x86/pmu.c"), or NULL. */
const struct parity_table *parity_find(const char *source);
/* Why a row is malformed (a check and a why, or neither; no test or
 * property), or NULL when it is well formed. */
const char *parity_row_problem(const struct parity_row *r);
/* The table as markdown, as the docs hold it. */
void parity_markdown(FILE *out, const struct parity_table *t);

/* Whether a check of the run (name, its section= or NULL) is the row's:
 * the same name, the name with the ".SECTION" (then ".N") the check layer
 * appends on a clash, or any name under a prefix ending in '*'. */
bool parity_matches(const char *pattern, const char *name, const char *section);

enum parity_state { PARITY_NA, PARITY_NOT_RUN, PARITY_SKIP, PARITY_PASS, PARITY_FAIL };

struct parity_verdict {
	enum parity_state state;
	unsigned pass, fail, skip;	/* the run's checks the row matched */
	const char *reason;		/* the first skip's reason */
	const char *failed;		/* the first failed check's name */
};

void parity_judge(const struct parity_row *r, const struct stream *s, struct parity_verdict *v);
/* The run holds a check some row names. */
bool parity_in_run(const struct stream *s);
/* A line per row of the table with its verdict in the run; returns
 * whether any row's check failed. */
bool parity_print_table(FILE *out, const struct parity_table *t, const struct stream *s);
/* One line: how many of the table's rows passed, failed, skipped, did not
 * run, do not apply. */
void parity_count(FILE *out, const struct parity_table *t, const struct stream *s);
/* The report's section: parity_count() of every table. */
void parity_summary(FILE *out, const struct stream *s);

#endif
