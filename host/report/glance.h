/* The default text report, read at a glance (glance.c, docs/host.md). */
#ifndef PMULAB_GLANCE_H
#define PMULAB_GLANCE_H

#include <stdio.h>
#include "host/report/fields.h"
#include "host/report/stat.h"
#include "host/stream/parse.h"

/* The stream's header and errors, the machine in three lines, a table per
 * suite, the events nothing counted folded a line per reason, a sampled
 * run's profile, the other records counted, the checks (failures named,
 * skips a line per reason; with m->verbose every check and every sample
 * record), the end and the result. */
void glance_text(FILE *out, const struct stream *s, const struct report_meta *m);

/* The suite tables' pieces, shared with the html report. A column: an event
 * from one source; width is the text table's. */
struct glance_col {
	const struct field *event;
	int width;
};

/* The suites of v's benches in order of first appearance into suites (room
 * for v->nblocks); how many. "" for a bench without one. */
size_t glance_suites(const struct stat_view *v, const char **suites);
bool glance_in_suite(const struct stat_block *b, const char *suite);
/* The columns of suite's table into cols (room for v->nctrs): each event
 * and source a bench of the suite counted; how many. */
size_t glance_columns(const struct stat_view *v, const char *suite, struct glance_col *cols);
/* A cell: the count per iteration (the bench's iters) and its source's
 * letter, from the most direct source that counted it (pmu, icount, model,
 * ...), "-" when b has no such count. */
void glance_cell(char *buf, size_t len, const struct stat_block *b,
		 const struct glance_col *col);
/* The events no bench of v counted: "not counted: a, b (reason: words)", a
 * line per reason, each event once. */
void glance_not_counted(FILE *out, const struct stat_view *v);
/* A count's source as the letter beside it ("p" pmu, "i" icount, ...). */
const char *glance_letter(const struct field *src);

#endif
