/* What the views ask of a parsed stream (stream.h): a record's fields and
 * line, the first record of a type, the exit code, records.txt. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/record.h"
#include "host/stream/stream.h"

bool parse_u64(const char *d, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned digit = (unsigned char)d[i] - '0';
		if (digit > 9 || v > (UINT64_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

bool field_is(const struct field *f, const char *s)
{
	return f && f->len == strlen(s) && memcmp(field_val(f), s, f->len) == 0;
}

bool field_hex(const struct field *f, uint64_t *out)
{
	return f && parse_hex(field_val(f), f->len, out);
}

/* "0x" and 1 to 16 hex digits, as the payload writes addresses. */
bool parse_hex(const char *t, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n < 3 || n > 18 || t[0] != '0' || t[1] != 'x')
		return false;
	for (size_t i = 2; i < n; i++) {
		char c = t[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

bool field_same(const struct field *a, const struct field *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && memcmp(field_val(a), field_val(b), a->len) == 0;
}

/* A NUL in the text before its end was a separator: the type's and each
 * value's a space, each key's an equals sign, in turn. */
char *record_line(const struct record *rec, char *buf)
{
	char *text = buf + sizeof(REC_MAGIC) - 1;
	unsigned k = 0;

	memcpy(buf, REC_MAGIC, sizeof(REC_MAGIC) - 1);
	memcpy(text, rec->type - rec->type_at, rec->len);
	text[rec->len] = '\0';
	for (size_t i = rec->type_at; i < rec->len; i++)
		if (!text[i])
			text[i] = k++ & 1 ? '=' : ' ';
	return buf;
}

/* The text is the line with separators swapped one for one: same text,
 * same line. */
bool record_same(const struct record *a, const struct record *b)
{
	return a->len == b->len &&
	       memcmp(a->type - a->type_at, b->type - b->type_at, a->len) == 0;
}

const struct record *stream_find(const struct stream *s, const char *type)
{
	for (size_t i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].type, type) == 0)
			return &s->recs[i];
	return NULL;
}

int stream_exit_code(const struct stream *s)
{
	if (s->errors || (s->end_status && !strcmp(s->end_status, "error")))
		return 1;
	if (s->complete && s->end_status && !strcmp(s->end_status, "ok"))
		return 0;
	return 3;
}

int stream_write_records(const struct stream *s, const char *path)
{
	FILE *f = fopen(path, "w");
	char line[PARSE_LINE_MAX + 1];
	int e;

	if (!f)
		return -1;
	for (size_t i = 0; i < s->nrecs; i++)
		fprintf(f, "%s\n", record_line(&s->recs[i], line));
	if (ferror(f)) {
		e = errno;
		fclose(f);
		errno = e;
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

const struct field *record_field(const struct record *rec, const char *key)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (strcmp(field_key(&rec->fields[i]), key) == 0)
			return &rec->fields[i];
	return NULL;
}

const char *record_get(const struct record *rec, const char *key)
{
	const struct field *f = record_field(rec, key);

	return f ? field_val(f) : NULL;
}

bool record_u64(const struct record *rec, const char *key, uint64_t *out)
{
	const struct field *f = record_field(rec, key);

	return f && parse_u64(field_val(f), f->len, out);
}
