/* The stream's own report formats (docs/host.md): text for people,
 * records-csv and json for programs. */
#ifndef PMULAB_RECORDS_H
#define PMULAB_RECORDS_H

#include <stdio.h>
#include "host/report/fields.h"
#include "host/stream/parse.h"

/* --format records: the stream, the errors, the records by type (hello
 * first), the bench blocks of stat_text(), every check, the end record and
 * the verdict. */
void records_text(FILE *out, const struct stream *s, const struct report_meta *m);
/* What is known of a stream whose records were counted, not kept
 * (parser_keep_max): the stream's lines of records_text(), the count, the
 * end record's seq and status, the verdict. */
void records_counted(FILE *out, const struct stream *s, const struct report_meta *m);
/* --format perf-stat: the stream, the errors, stat_text()'s blocks, the end. */
void records_perf_stat(FILE *out, const struct stream *s, const struct report_meta *m);
/* What every text view opens with: where the stream came from, its verdict
 * (records, lost, rejected) and its error records. */
void records_head(FILE *out, const struct stream *s, const struct report_meta *m);
/* What every text view ends with: the end record and the result. */
void records_tail(FILE *out, const struct stream *s);
/* "seq,type,key,value", then one row per field (a record without fields:
 * one row with key and value empty); CRLF line ends. */
void records_csv(FILE *out, const struct stream *s);
/* {"schema":2,"format":1, the meta, "stream":{...}, "records":[...]}:
 * every record with its fields, counts as numbers (json_field_value),
 * valid JSON whatever they hold (docs/record-format.md, JSON). */
void records_json(FILE *out, const struct stream *s, const struct report_meta *m);

#endif
