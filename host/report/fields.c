/* Values, fields and check tallies as every report format shows them
 * (fields.h): no byte a record carries reaches a terminal or a CSV cell
 * unescaped. */
#include <string.h>
#include "host/report/fields.h"

/* In double quotes, with '"' and '\\' backslashed and each byte outside
 * printable ASCII as \\xHH. */
static void put_quoted(FILE *out, const char *val, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = val[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c >= 0x20 && c <= 0x7e)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
	fputc('"', out);
}

void report_value(FILE *out, const char *val, size_t len)
{
	bool bare = len > 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = val[i];
		if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
			bare = false;
	}
	if (bare)
		fwrite(val, 1, len, out);
	else
		put_quoted(out, val, len);
}

bool report_listed(const char *key, const char *const *keys)
{
	for (; keys && *keys; keys++)
		if (strcmp(key, *keys) == 0)
			return true;
	return false;
}

void report_fields(FILE *out, const struct record *rec, const char *const *skip)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		if (report_listed(field_key(f), skip))
			continue;
		fprintf(out, " %s=", field_key(f));
		report_value(out, field_val(f), f->len);
	}
}

size_t report_check_result(const struct record *rec)
{
	static const char *const results[] = { "pass", "fail", "skip", NULL };
	const char *result = record_get(rec, "result");
	size_t r = 0;

	while (results[r] && !(result && strcmp(result, results[r]) == 0))
		r++;
	return r;
}

bool report_check_tally(FILE *out, const struct stream *s, const char *head)
{
	size_t count[4] = { 0 }, total = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		if (strcmp(s->recs[i].type, "check") == 0) {
			count[report_check_result(&s->recs[i])]++;
			total++;
		}
	}
	if (!total)
		return false;
	fprintf(out, "%s%zu: %zu pass, %zu fail, %zu skip", head, total, count[0], count[1],
		count[2]);
	if (count[3])
		fprintf(out, ", %zu with no known result", count[3]);
	return true;
}

void report_csv_cell(FILE *out, const char *val, size_t len)
{
	bool quote = false;

	for (size_t i = 0; i < len; i++)
		quote |= val[i] == ',' || val[i] == '"' || val[i] == '\r' || val[i] == '\n';
	if (!quote) {
		fwrite_unlocked(val, 1, len, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		if (val[i] == '"')
			fputc('"', out);
		fputc(val[i], out);
	}
	fputc('"', out);
}
