/* The checks as TAP version 13 (testanything.org), as kvm-unit-tests' runner
 * and prove read it: a test point per check record, named by the check,
 * `# SKIP reason` for a skip, and a YAML block with the rest of the record.
 * The stream's verdict goes in comments: the plan counts checks only. */
#include <string.h>
#include "host/report/ci.h"

/* A YAML double-quoted scalar: printable ASCII as is but '"' and '\\', every
 * other byte as \xHH, so the block parses whatever the value holds. */
static void yaml_str(FILE *out, const char *val, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A test point's description or skip reason: '#' would start a directive
 * and is backslashed, as TAP says (and so is '\\'); a byte outside
 * printable ASCII is \xHH, so the line stays one line of text. */
static void description(FILE *out, const char *name)
{
	for (; *name; name++) {
		unsigned char c = (unsigned char)*name;

		if (c == '#' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

/* The YAML block: value and expected first (expected= and expect= are
 * folded into one key, as lo= hi= are), where the record came from, then
 * the record's other fields. */
static void diagnostics(FILE *out, const struct record *rec, const char *source)
{
	static const char *const shown[] = { "name", "result", "value", "expect", "expected",
					     NULL };
	const struct field *value = record_field(rec, "value");
	char expected[CI_EXPECTED_MAX];

	fputs("  ---\n", out);
	if (value) {
		fputs("  value: ", out);
		yaml_str(out, field_val(value), value->len);
		fputc('\n', out);
	}
	if (ci_expected(rec, expected, sizeof(expected))) {
		fputs("  expected: ", out);
		yaml_str(out, expected, strlen(expected));
		fputc('\n', out);
	}
	fputs("  source: ", out);
	yaml_str(out, source, strlen(source));
	fprintf(out, "\n  seq: %llu\n", (unsigned long long)rec->seq);
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];

		if (report_listed(field_key(f), shown))
			continue;
		fprintf(out, "  %s: ", field_key(f));
		yaml_str(out, field_val(f), f->len);
		fputc('\n', out);
	}
	fputs("  ...\n", out);
}

void ci_tap(FILE *out, const struct stream *s, const struct report_meta *meta)
{
	const char *source = meta && meta->source ? meta->source : "stdin";
	char verdict[CI_VERDICT_MAX];
	size_t n = 0, total = 0;

	for (size_t i = 0; i < s->nrecs; i++)
		total += strcmp(s->recs[i].type, "check") == 0;
	fputs("TAP version 13\n", out);
	if (total)
		fprintf(out, "1..%zu\n", total);
	else
		fputs("1..0 # SKIP no check records\n", out);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const char *name = record_get(rec, "name"), *reason;
		size_t r;

		if (strcmp(rec->type, "check") != 0)
			continue;
		r = report_check_result(rec);
		fprintf(out, "%s %zu - ", r == 0 || r == 2 ? "ok" : "not ok", ++n);
		description(out, name ? name : "?");
		if (r == 2) {
			reason = record_get(rec, "reason");
			fputs(" # SKIP ", out);
			description(out, reason ? reason : "no reason given");
		}
		fputc('\n', out);
		diagnostics(out, rec, source);
	}
	ci_verdict(verdict, sizeof(verdict), s);
	fputs("# ", out);
	description(out, verdict);
	fputc('\n', out);
}
