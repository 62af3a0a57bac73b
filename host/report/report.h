/* Renders a parsed stream for people (text, html) and programs (csv, json);
 * its function traces as ftrace prints them and as trace-event JSON. */
#ifndef PMULAB_REPORT_H
#define PMULAB_REPORT_H

#include <stdio.h>
#include "host/stream/parse.h"

enum report_format {
	REPORT_TEXT, REPORT_RECORDS_CSV, REPORT_JSON, REPORT_CSV, REPORT_HTML,
	REPORT_FTRACE, REPORT_TRACE_JSON,
};

/* Optional facts about how the stream was obtained (NULL fields are omitted). */
struct report_meta {
	const char *source;	/* file, device or run directory */
	const char *mode;	/* e.g. "tcg cpu=Skylake-Client icount-shift=5" */
	double boot_to_end_s;	/* < 0 when not measured */
	const char *out_dir;	/* where the run's files went */
};

int report_format_parse(const char *name, enum report_format *out);
void report_print(FILE *out, const struct stream *s, enum report_format fmt,
		  const struct report_meta *meta);

/* A decoded value as the text report shows it: bare when it is one printable
 * word, else double-quoted with C escapes (\" \\ \xHH). */
void report_value(FILE *out, const char *val, size_t len);
/* " key=value" for each field of rec whose key is not in skip (NULL-ended
 * list, or NULL). */
void report_fields(FILE *out, const struct record *rec, const char *const *skip);
/* Whether key is one of keys (NULL-ended list, or NULL). */
bool report_listed(const char *key, const char *const *keys);
/* A check record's result: 0 pass, 1 fail, 2 skip, 3 anything else. */
size_t report_check_result(const struct record *rec);
/* head, then the check records counted by result: "4: 1 pass, 1 fail,
 * 1 skip", and ", 1 with no known result" when there are such. Writes
 * nothing and returns false when s has no check record. */
bool report_check_tally(FILE *out, const struct stream *s, const char *head);
/* One CSV cell (RFC 4180): quoted, quotes doubled, when it holds a comma, a
 * quote, CR or LF. */
void report_csv_cell(FILE *out, const char *val, size_t len);

#endif
