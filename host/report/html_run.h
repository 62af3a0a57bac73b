/* The html report's result sections (html_run.c). */
#ifndef PMULAB_HTML_RUN_H
#define PMULAB_HTML_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include "host/report/html.h"
#include "host/stream/parse.h"

/* The check tally under the summary, and each failed check. */
void html_failures(FILE *out, const struct stream *s);
/* "Checks": every check, a row each. */
void html_checks(FILE *out, const struct stream *s);
/* "Results": a table per suite, a row per bench, a column per counted
 * event with each cell's source, then the events nothing counted. */
void html_results(FILE *out, const struct stream *s);
/* "Profile": each sampled run's histogram and its flame graph inline;
 * nothing without samples. */
void html_profile(FILE *out, const struct stream *s);
/* "Trace": the function traces as ftrace prints them; nothing without a
 * trace record. */
void html_trace(FILE *out, const struct stream *s);
/* Whether records of type are shown by these sections or only counted (a
 * sampled run's thousand sample rows would bury the page). */
bool html_collapsed(const char *type);

#endif
