/* Renders a parsed stream for people (text, html) and programs (csv, json);
 * its function traces as ftrace prints them and as trace-event JSON; its
 * checks for CI systems (tap, junit). */
#ifndef PMULAB_REPORT_H
#define PMULAB_REPORT_H

#include <stdio.h>
#include "host/report/fields.h"
#include "host/stream/parse.h"

enum report_format {
	REPORT_TEXT, REPORT_RECORDS_CSV, REPORT_JSON, REPORT_CSV, REPORT_HTML,
	REPORT_FTRACE, REPORT_TRACE_JSON, REPORT_TAP, REPORT_JUNIT, REPORT_RECORDS,
	REPORT_PERF_STAT,
};

int report_format_parse(const char *name, enum report_format *out);
/* The stream in format fmt on out; meta (or NULL) says where it came from. */
void report_print(FILE *out, const struct stream *s, enum report_format fmt,
		  const struct report_meta *meta);

#endif
