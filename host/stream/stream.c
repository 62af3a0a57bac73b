/* What the views ask of a parsed stream (parse.h): a record's fields, the
 * first record of a type, the exit code, records.txt. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "host/stream/parse.h"

bool field_is(const struct field *f, const char *s)
{
	return f && f->len == strlen(s) && memcmp(f->val, s, f->len) == 0;
}

/* "0x" and 1 to 16 hex digits, as the payload writes addresses. */
bool field_hex(const struct field *f, uint64_t *out)
{
	uint64_t v = 0;

	if (!f || f->len < 3 || f->len > 18 || f->val[0] != '0' || f->val[1] != 'x')
		return false;
	for (size_t i = 2; i < f->len; i++) {
		char c = f->val[i];
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
	return a->len == b->len && memcmp(a->val, b->val, a->len) == 0;
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
	if (stream_find(s, "error") || (s->end_status && !strcmp(s->end_status, "error")))
		return 1;
	if (s->complete && s->end_status && !strcmp(s->end_status, "ok"))
		return 0;
	return 3;
}

int stream_write_records(const struct stream *s, const char *path)
{
	FILE *f = fopen(path, "w");
	int e;

	if (!f)
		return -1;
	for (size_t i = 0; i < s->nrecs; i++)
		fprintf(f, "%s\n", s->recs[i].line);
	if (ferror(f)) {
		e = errno;
		fclose(f);
		errno = e;
		return -1;
	}
	return fclose(f) ? -1 : 0;
}
