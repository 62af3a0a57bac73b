/* Record format v1 writer (docs/record-format.md):
 *   @PL1 <seq> <type> key=value ... *<crc32>
 * One record a line; seq counts from 0 with no gaps; values are percent-encoded
 * outside 0x21..0x7e and for '%'; the CRC-32 covers every byte before " *".
 * Lines that do not start with "@PL1 " are narration for humans. */
#ifndef PMULAB_RECORD_H
#define PMULAB_RECORD_H

#include "lib/types.h"

#define REC_MAGIC "@PL1 "
#define REC_FORMAT 1
#define REC_LINE_MAX 1024	/* the writer never exceeds it; parsers allow 4096 */

/* A record under construction: the body after the seq, assembled in place. */
struct rec {
	char body[REC_LINE_MAX];
	size_t len;
	bool truncated;		/* a field did not fit and was left out */
	bool is_error;		/* type "error": counted for the end status */
};

/* Where finished lines go (without a line terminator). */
typedef void (*rec_sink_fn)(const char *line, size_t len, void *ctx);

void rec_set_sink(rec_sink_fn sink, void *ctx);
void rec_begin(struct rec *r, const char *type);
void rec_str(struct rec *r, const char *key, const char *val);
void rec_strn(struct rec *r, const char *key, const char *val, size_t n);
void rec_u64(struct rec *r, const char *key, u64 val);
void rec_s64(struct rec *r, const char *key, s64 val);
void rec_hex(struct rec *r, const char *key, u64 val);
void rec_end(struct rec *r);

/* A narration line for humans; never starts with the record magic. */
void rec_narrate(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

u64 rec_count(void);		/* records emitted so far (the next seq) */
u64 rec_error_count(void);	/* of them, records of type "error" */

#endif
