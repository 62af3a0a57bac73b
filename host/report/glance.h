/* The default text report, read at a glance (glance.c, docs/host.md). */
#ifndef PMULAB_GLANCE_H
#define PMULAB_GLANCE_H

#include <stdio.h>
#include "host/report/fields.h"
#include "host/report/stat.h"
#include "host/stream/parse.h"

/* The stream's header and errors, the machine in three lines and its caches
 * in one, a table per
 * suite, the events nothing counted folded a line per reason, a sampled
 * run's profile, the other records counted, the checks (failures named,
 * skips a line per reason; with m->verbose every check and every sample
 * record), the end and the result. */
void glance_text(FILE *out, const struct stream *s, const struct report_meta *m);

/* A name or value longer than this is cut. */
#define GLANCE_NAME_MAX 64

/* The sources' legend and a table per suite of v, s's view (glance_table.c):
 * columns for the events the run asked for, less those every bench counted
 * 0 of (named on a line), cut into tables a terminal shows; the other
 * events counted named on a line. verbose: a column for every event
 * counted. */
void glance_tables(FILE *out, const struct stream *s, const struct stat_view *v,
		   bool verbose);

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
/* c has a value from a source that measured it (not src=none). */
bool glance_counted(const struct stat_ctr *c);
/* event is in asked, a comma-separated list of events; every event is when
 * asked is NULL. */
bool glance_asked(const char *asked, const struct field *event);
/* f's value as the text report shows it (report_value's form) into buf, cut
 * to fit; "?" when f is NULL. */
const char *glance_shown(char *buf, size_t len, const struct field *f);
/* Both fields absent, or the same bytes. */
bool glance_same(const struct field *a, const struct field *b);

#endif
