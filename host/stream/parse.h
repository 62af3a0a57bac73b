/* Record stream parser (docs/record-format.md): finds records in a noisy byte
 * stream, validates grammar and CRC, keeps every good record and accounts for
 * everything lost. Incremental: feed bytes as they arrive, finish at the end. */
#ifndef PMULAB_PARSE_H
#define PMULAB_PARSE_H

#include <stdio.h>
#include "host/stream/alloc.h"
#include "host/stream/stream.h"

typedef void (*record_cb)(const struct record *rec, void *ctx);

struct parser;
struct parser *parser_new(record_cb on_record, void *ctx);
/* on_record is called for each good record as soon as its line is complete
 * (in arrival order; duplicates and conflicts are not reported). The record
 * it gets is valid only during the call. */
void parser_feed(struct parser *p, const void *buf, size_t len);
/* Past bytes of kept records, the parser keeps none: records are then
 * only counted and the verdict taken as they arrive (host/stream/tally.c),
 * so a stream of any length is read in bounded memory. 0: keep all. */
void parser_keep_max(struct parser *p, size_t bytes);
/* Ends the input (a trailing unterminated line is parsed too), frees the
 * parser and returns the verdict. */
struct stream *parser_finish(struct parser *p);
void stream_free(struct stream *s);

/* A capture, records file or any other text the host reads is at most this
 * big: a run's capture is under a megabyte, a day of serial output at 115200
 * baud about a gigabyte, and reading stays in memory the report can hold.
 * The host refuses anything that is not a regular file (a FIFO without a
 * writer or /dev/zero would never end). */
#define PARSE_FILE_MAX (256ull << 20)

/* The records of a capture file (host/stream/file.c); NULL with the reason
 * in err: unreadable, not a regular file, or over PARSE_FILE_MAX. */
struct stream *parse_file(const char *path, char *err, size_t errlen);
/* Calls fn for each block of a regular file of at most PARSE_FILE_MAX
 * bytes; 0, or -1 with the reason in err. */
int read_capped(const char *path, void (*fn)(const void *buf, size_t n, void *ctx),
		void *ctx, char *err, size_t errlen);
/* The whole of such a file, NUL-terminated (len without the NUL: the text
 * may hold NULs); NULL with the reason in err. */
char *read_text_capped(const char *path, size_t *len, char *err, size_t errlen);
/* The same text to read as a stream, for parsers of lines; the caller
 * frees *text after fclose(). */
FILE *fopen_capped(const char *path, char **text, char *err, size_t errlen);

#endif
