/* Checks: a self-validation verdict as one `check` record (record-format.md),
 * after kvm-unit-tests' report(): pass or fail, or skip with the reason when
 * the hardware or a setting is missing -- never a fail for that. Every suite
 * checks through these; failures are counted for the end status. */
#ifndef PMULAB_CHECK_H
#define PMULAB_CHECK_H

#include "lib/record.h"

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };

/* value=, expect=: pass when they are equal. Returns whether it passed. */
bool check_u64(const char *name, u64 value, u64 expect);
/* value=, then expect= when lo == hi, else lo= hi=: pass when lo <= value <= hi. */
bool check_range(const char *name, u64 value, u64 lo, u64 hi);
/* The same, naming the counter that counted (counter=). */
bool check_counter(const char *name, u64 value, u64 lo, u64 hi, const char *counter);
/* value=, expect= as text: pass when they are the same. */
bool check_str(const char *name, const char *value, const char *expect);
/* reason=: what is missing. */
void check_skip(const char *name, const char *reason);
/* A fail with what went wrong under key (error=, why=). */
void check_fail(const char *name, const char *key, const char *what);

/* A check with fields of its own: add them with rec_*(), then rec_end(). */
void check_begin(struct rec *r, const char *name, enum check_result result);
/* The same for a check every section (or part) has, owned.restore: its
 * name is NAME.SECTION and its section= SECTION. */
void check_begin_each(struct rec *r, const char *name, const char *section,
		      enum check_result result);

/* Names are unique within a run (record-format.md). The runner names the
 * section whose checks follow (each gets section=); from then on a name the
 * run has already written gets ".SECTION" appended, then ".2", ".3", ...
 * until it is new, so checks added later never share a name. */
void check_section(const char *section);
/* check_range's record, left open for more fields. */
bool check_range_begin(struct rec *r, const char *name, u64 value, u64 lo, u64 hi);

u64 check_count(enum check_result result);
/* The names of the first CHECK_FAILED_KEPT failed checks, for a summary;
 * NULL past the last. */
#define CHECK_FAILED_KEPT	8
#define CHECK_NAME_MAX		48
/* The names a run keeps apart: a full run writes about 250 checks. Past
 * this many, new names are not remembered, and a repeat of one of them
 * keeps its name. */
#define CHECK_RUN_MAX		1024
const char *check_failed(unsigned i);

#endif
