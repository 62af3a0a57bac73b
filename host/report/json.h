/* The one JSON writer of the host tool (report json, compare json,
 * trace-json): commas, nesting, escaping and number forms are its business,
 * so no document can come out malformed (docs/record-format.md, JSON). */
#ifndef PMULAB_JSON_H
#define PMULAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The "schema" of every JSON document the host tool writes: raised when a
 * key changes meaning or type (2: record field values that are counts
 * became numbers). */
#define JSON_SCHEMA 2

/* Open containers at most: the deepest document nests 6 (trace-json: the
 * document, otherData, traces, a trace, its profile, a row), and 16 leaves
 * room for more. The nesting is the code's, never the input's, so going
 * past it is a bug (abort). */
#define JSON_DEPTH_MAX 16

/* The largest integer every reader holds exactly: 2^53 - 1, RFC 8259
 * section 6's interoperable range; JavaScript's doubles round past it. */
#define JSON_INT_EXACT_MAX 9007199254740991ull

struct json {
	FILE *out;
	unsigned depth;
	bool written;	/* the document's one value has begun */
	bool keyed;	/* a key is written, its value comes next */
	struct {
		bool object, lines, empty;
	} level[JSON_DEPTH_MAX];
};

void json_init(struct json *j, FILE *out);
/* Opens an object or an array; lines: each member starts a line of its own
 * and the closing bracket too, else all on one line. No other whitespace. */
void json_object(struct json *j, bool lines);
void json_array(struct json *j, bool lines);
/* Closes the innermost container. */
void json_close(struct json *j);
/* The next member's key in an object; returns j to write its value:
 * json_u64(json_key(j, "seq"), seq). */
struct json *json_key(struct json *j, const char *key);
/* A string: well-formed UTF-8 (RFC 3629) as it is; '"' and '\\'
 * backslashed; a control byte, DEL and every byte of no well-formed UTF-8
 * sequence as \u00XX with its value, so the document is valid UTF-8 JSON
 * whatever val holds. json_str(j, NULL) writes null. */
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *val, size_t len);
void json_u64(struct json *j, uint64_t n);
void json_i64(struct json *j, int64_t n);
/* n as a number within +-JSON_INT_EXACT_MAX, else as a string of its
 * digits, which no reader rounds. */
void json_int_exact(struct json *j, int64_t n);
/* The shortest form that reads back as v (at most 17 significant digits);
 * NaN and the infinities, which JSON has no form for, as null. */
void json_f64(struct json *j, double v);
/* v with this many decimals ("%.*f"); NaN and the infinities as null. */
void json_fixed(struct json *j, double v, unsigned decimals);
/* A number the caller formatted exactly (a fixed-point value from
 * integers); it must be a JSON number (RFC 8259 section 6), else abort. */
void json_number(struct json *j, const char *text);
void json_bool(struct json *j, bool b);
void json_null(struct json *j);
/* A record's field value: a number when it is a count as the payload
 * writes one (decimal digits, parse_u64) in canonical form (no leading
 * zero) and at most JSON_INT_EXACT_MAX, so the number prints back as the
 * very text; anything else (0x addresses, names, text, a larger count) a
 * string. */
void json_field_value(struct json *j, const char *val, size_t len);
/* After the outermost container: the final newline; abort when a
 * container is still open. */
void json_end(struct json *j);

#endif
