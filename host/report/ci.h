/* The checks for CI systems: TAP version 13 (tap.c) and JUnit XML (junit.c),
 * one test per check record under its name (docs/record-format.md), and
 * what the two share (ci.c). */
#ifndef PMULAB_CI_H
#define PMULAB_CI_H

#include <stdbool.h>
#include <stdio.h>
#include "host/report/fields.h"
#include "host/stream/parse.h"

/* "lo..hi" is the longest expectation a check states beside its values. */
#define CI_EXPECTED_MAX 96
/* ci_verdict's line, with an end status as long as a value can be. */
#define CI_VERDICT_MAX 256

void ci_tap(FILE *out, const struct stream *s, const struct report_meta *meta);
void ci_junit(FILE *out, const struct stream *s, const struct report_meta *meta);

/* For pmulab matrix: one <testsuite name=NAME> with every check of s, of
 * class pmulab.NAME.SECTION, and NAME's end.status; or, for a configuration
 * that did not run, one skipped end.status saying why. The caller writes
 * the XML declaration and <testsuites>. */
void ci_junit_suite(FILE *out, const char *name, const struct stream *s,
		    const struct report_meta *meta);
void ci_junit_unrun(FILE *out, const char *name, const char *mode, const char *why);

/* What a check expected, from expect=, expected= or lo= hi= (as lo..hi);
 * false when it states none. */
bool ci_expected(const struct record *rec, char *buf, size_t size);
/* The stream's verdict in a line (no line end): "end status=ok, 57
 * records, complete: ok", or what is missing. */
void ci_verdict(char *buf, size_t size, const struct stream *s);
/* The verdict as one word: ok, error or partial (stream_exit_code's). */
const char *ci_status(const struct stream *s);

#endif
