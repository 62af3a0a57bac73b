/* What the report formats share: a record's values and fields as the text
 * report shows them, a value as a CSV cell, the check
 * records tallied, and the facts about where a stream came from. */
#ifndef PMULAB_FIELDS_H
#define PMULAB_FIELDS_H

#include <stdbool.h>
#include <stdio.h>
#include "host/stream/parse.h"

/* Optional facts about how the stream was obtained (NULL fields are omitted). */
struct report_meta {
	const char *source;	/* file, device or run directory */
	const char *mode;	/* e.g. "tcg cpu=Skylake-Client icount-shift=5" */
	double boot_to_end_s;	/* < 0 when not measured */
	double boot_to_hello_s;	/* QEMU start to the payload's hello: the
				 * firmware's boot; <= 0 when not measured */
	const char *out_dir;	/* where the run's files went */
	bool verbose;		/* text: every check and sample record too */
};

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
