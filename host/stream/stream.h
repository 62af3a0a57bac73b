/* A parsed record stream (docs/record-format.md) as the views read it: its
 * records, each field indexed in the record's own text, and what was lost;
 * the accessors are host/stream/stream.c's. host/stream/parse.h makes one. */
#ifndef PMULAB_STREAM_H
#define PMULAB_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text_block;

#define PARSE_LINE_MAX 4096	/* longer candidate records are rejected (oversize) */
#define PARSE_MISSING_MAX 65536	/* missing[] lists at most this many seqs */
/* rejects[] lists the first this many rejected lines; a capture of noise
 * (a line of nothing but magics holds one candidate every 5 bytes) is then
 * counted in bounded memory. */
#define PARSE_REJECTS_MAX 1000

/* A record's fields are indexed, not copied: an entry, kept after the
 * record's text, holds the distance from itself back to its key and value
 * in it, so a field costs 6 bytes beside the line (a stream keeps every
 * record). */
struct field {
	uint16_t key;		/* bytes back from this entry to its key (NUL-terminated) */
	uint16_t val;		/* ... to its value, percent-decoded, NUL-terminated */
	uint16_t len;		/* bytes in the value: %00 decodes to a NUL inside it */
};

static inline const char *field_key(const struct field *f)
{
	return (const char *)f - f->key;
}

static inline const char *field_val(const struct field *f)
{
	return (const char *)f - f->val;
}

/* The record's text is its line after the magic with each separator after
 * the type, a key and a value turned into a NUL, so the type, keys and
 * values (percent-free ones in place, the others decoded after the line)
 * are C strings without a second copy of the line; record_line() gives the
 * line back. */
struct record {
	uint64_t seq;
	const char *type;
	const struct field *fields;
	size_t lineno;		/* 1-based line of the input where it started */
	uint32_t len;		/* bytes in the text */
	uint16_t nfields;
	uint16_t type_at;	/* offset of the type in the text */
};

/* A candidate record (it started with the magic) that was not accepted. */
struct reject {
	size_t lineno;
	const char *reason;	/* "bad-crc" "malformed" "oversize" "trailing-bytes" */
	int64_t seq_hint;	/* the seq as written on the line, -1 if unreadable */
	char *excerpt;		/* up to 60 printable bytes of the line, escaped */
};

struct stream {
	struct record *recs;	/* good records in seq order (after parser_finish) */
	size_t nrecs;
	struct text_block *text; /* the records' text and fields, in blocks */
	struct reject *rejects;	/* the first PARSE_REJECTS_MAX rejected lines */
	size_t nrejects;
	uint64_t rejected;	/* all rejected lines, listed or not */
	uint64_t *missing;	/* seqs absent below the end (or highest) seq */
	size_t nmissing;
	uint64_t nlost;		/* all absent seqs; more than nmissing only when a
				 * seq far ahead leaves a gap past PARSE_MISSING_MAX */
	size_t duplicates;	/* same seq, same text: dropped */
	size_t conflicts;	/* same seq, different text: first kept */
	size_t reordered;	/* records that arrived after a higher seq */
	size_t errors;		/* records of type error */
	uint64_t counted;	/* good records past parser_keep_max(), not kept:
				 * recs is then empty, the rest of the verdict whole */
	size_t repeats;		/* ... seqs that came again among them: duplicates
				 * or conflicts, which only the text tells apart */
	size_t narration_lines;	/* non-empty lines that held no record start */
	size_t lines;		/* lines read */
	bool has_hello;		/* seq 0 present and of type hello */
	bool has_end;
	uint64_t end_seq;
	const char *end_status;	/* the end record's status, or NULL */
	char *end_text;		/* end_status when the records are not kept */
	bool end_count_ok;	/* end count == end seq */
	bool complete;		/* hello..end all present, count ok */
};

const char *record_get(const struct record *rec, const char *key);
const struct record *stream_find(const struct stream *s, const char *type);
/* The record exactly as received, without line end, into buf (at least
 * PARSE_LINE_MAX + 1 bytes, NUL-terminated); returns buf. */
char *record_line(const struct record *rec, char *buf);
/* Both records have the same line. */
bool record_same(const struct record *a, const struct record *b);

/* The field of rec with this key, or NULL. */
const struct field *record_field(const struct record *rec, const char *key);
/* A count as the payload writes it (parse_u64); anything else is none. */
bool record_u64(const struct record *rec, const char *key, uint64_t *out);
/* f is there and holds exactly s: byte-exact, as a decoded value may hold
 * a NUL that strcmp would stop at. */
bool field_is(const struct field *f, const char *s);
/* f is there and holds "0x" and 1 to 16 hex digits, as the payload writes
 * addresses. */
bool field_hex(const struct field *f, uint64_t *out);
/* The same for n bytes of text. */
bool parse_hex(const char *t, size_t n, uint64_t *out);
/* Both absent, or the same bytes. */
bool field_same(const struct field *a, const struct field *b);
/* n decimal digits within 64 bits (leading zeros allowed, no sign); false
 * for anything else, an empty string too. */
bool parse_u64(const char *d, size_t n, uint64_t *out);

/* Exit code the CLI gives for this stream: 0 complete and status=ok, 1 an error
 * record or status=error, 3 incomplete (lost records, no end) or status=partial. */
int stream_exit_code(const struct stream *s);
/* Writes the good records, one per line in seq order; 0 or -1 (errno set). */
int stream_write_records(const struct stream *s, const char *path);

#endif
