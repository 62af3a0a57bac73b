/* perf stat style views of a stream's bench and counter records
 * (docs/host.md): a block per bench for people, perf stat -x, lines for
 * programs. The grouping, the metrics and the forms of a value are shared
 * with the html report and the plots, so all of them agree. */
#ifndef PMULAB_STAT_H
#define PMULAB_STAT_H

#include <stdbool.h>
#include <stdio.h>
#include "host/stream/parse.h"

/* A counter record and the counts it holds (record_u64: a value that is
 * no count is not there). */
struct stat_ctr {
	const struct record *rec;
	size_t idx;		/* position in the stream: rows keep its order */
	size_t block;		/* index of its block */
	const struct field *event, *src;
	bool has_value, has_enabled, has_running;
	uint64_t value, enabled, running;
};

/* A bench record and its counters, or counters naming a bench that has no
 * record. */
struct stat_block {
	const struct record *bench;	/* NULL: no bench record names it */
	const struct field *name;	/* NULL: counters without a bench field */
	size_t pos;			/* its first record in the stream */
	size_t id;			/* index before sorting by pos */
	struct stat_ctr *ctrs;
	size_t nctrs;
};

/* A counter belongs to the latest bench record of its name before it, else
 * the first after it, else to a block of its name alone. Blocks are in
 * stream order, each with its counters in stream order. */
struct stat_view {
	struct stat_block *blocks;
	size_t nblocks;
	struct stat_ctr *ctrs;
	size_t nctrs;
};

void stat_view_init(struct stat_view *v, const struct stream *s);
void stat_view_free(struct stat_view *v);

/* For each record of s: when it is a counter, the index of the bench record
 * of its block, else (and for a counter without one) s->nrecs. Free the
 * array with free(). */
size_t *stat_owners(const struct stream *s);

/* perf's shadow metrics: numerator / denominator of the same bench. */
struct stat_metric {
	const char *num, *den, *unit;
	bool pct;
};

/* ev names event, or is one of perf's other names for it (cpu-cycles for
 * cycles, branch-instructions for branches). */
bool stat_event_is(const struct field *ev, const char *event);
/* Really counted: a value, from a source that measures (pmu, icount). */
bool stat_counted(const struct stat_ctr *c);
/* The metric of which c is the numerator, its value in *val; NULL when
 * there is none or an operand is missing (a zero denominator has no ratio
 * either). The denominator is a counted one of c's source, else the first
 * counted one. */
const struct stat_metric *stat_metric(const struct stat_block *b, const struct stat_ctr *c,
				      double *val);
/* perf's "% of time counted"; false when enabled or running is not known. */
bool stat_running(const struct stat_ctr *c, double *pct);

/* 1234567 as "1,234,567", as perf prints counts. */
void stat_grouped(FILE *out, uint64_t v);
/* The value column: the count grouped, <not supported> (src=none),
 * <not counted>, or a value that is no count as report_value() shows it. */
void stat_value(FILE *out, const struct stat_ctr *c);
/* "bench 'loop' (suite pmu-check, 5 runs)" */
void stat_title(FILE *out, const struct stat_block *b);

/* Whether the stream comes from QEMU TCG, whose timings are emulated. */
bool stat_emulated(const struct stream *s);

/* A block per bench as perf stat prints its counters, each after a blank
 * line; nothing when the stream holds no bench or counter record. */
void stat_text(FILE *out, const struct stream *s);

/* One line per counter record, perf stat -x, 6.1's seven fields (value,
 * unit, event, run time (0 when not known), % of time counted, metric value,
 * metric unit) then the counter's bench and src (docs/host.md). LF ends. */
void stat_perf_csv(FILE *out, const struct stream *s);

#endif
