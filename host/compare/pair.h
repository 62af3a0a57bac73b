/* pmulab compare's logic (host/compare/compare.c renders it): the
 * tolerance file, and two runs paired bench by bench, event by event, with
 * a verdict for each row. Pure: streams in, rows out
 * (tests/unit/host/test_compare.c). */
#ifndef PMULAB_PAIR_H
#define PMULAB_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "host/stream/parse.h"

/* A tolerance line: EVENT SCOPE TOLERANCE REASON...
 *   EVENT      a counter's event name, or * for any event not listed
 *   SCOPE      hw: a side is a hardware count (src=pmu or perf);
 *              exact: both sides exact (icount, valgrind, model)
 *              profile: a function's share of two profiles' samples
 *              (EVENT "share"; profile_share.h)
 *   TOLERANCE  N% (relative to A's value; for profile, percentage points
 *              of all samples), or 0
 *   REASON     the rest of the line: why this much. */
enum tol_scope { TOL_HW, TOL_EXACT, TOL_PROFILE };

struct tol_entry {
	char event[64];
	enum tol_scope scope;
	double pct;
	char reason[200];
};

struct tol_table {
	struct tol_entry *e;
	size_t n;
};

/* Parses the text of a tolerance file; -1 with err naming the line. */
int tol_parse(const char *text, struct tol_table *t, char *err, size_t errlen);
void tol_free(struct tol_table *t);
/* Reads and parses the tolerance file (compare.c, not pure): given, else
 * $PMULAB_TOLERANCES, else tolerances.txt beside the program; -1 after a
 * message naming who ("pmulab WHO: ..."). */
int tol_load(const char *who, const char *given, struct tol_table *t);
/* The entry for event in scope: its own line, else the * line; NULL when
 * neither is there. */
const struct tol_entry *tol_find(const struct tol_table *t, const char *event,
				 enum tol_scope scope);

enum cmp_verdict { CMP_MATCH, CMP_WITHIN, CMP_DIFFER, CMP_NA };

/* One row: a counter pair (bench, event) or a probe pair (target). */
struct cmp_row {
	bool probe;
	const char *bench, *event;	/* probe: bench = target, event = "hits" */
	const char *src_a, *src_b;	/* NULL: no record on that side */
	bool has_a, has_b;		/* a value */
	int64_t a, b;
	double diff, pct;		/* b - a, and relative to |a| (inf when a = 0) */
	enum cmp_verdict verdict;
	double tol_pct;			/* the tolerance applied, -1 when none */
	const char *why;		/* the tolerance's or the n/a's reason */
	char why_buf[160];
	const char *ratio_a, *ratio_b;	/* probe: cost ratio probed/unprobed */
	char ratio_buf[2][32];
};

struct cmp_result {
	struct cmp_row *rows;
	size_t n;
	size_t counts[4];		/* by verdict */
	size_t only_a, only_b;		/* benches on one side only */
};

/* Pairs A and B: benches by name (the order of A), counters by event (each
 * side's best source: icount/valgrind, then pmu/perf, then model, then
 * none), probe records by target. */
void cmp_pair(const struct stream *a, const struct stream *b, const struct tol_table *t,
	      struct cmp_result *r);
void cmp_free(struct cmp_result *r);

const char *cmp_verdict_name(enum cmp_verdict v);
/* An exact source: icount, valgrind or model. */
bool cmp_src_exact(const char *src);

#endif
