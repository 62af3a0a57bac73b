/* The checks as JUnit XML, as GitLab, Jenkins and GitHub read it: a
 * testsuite per section (the check records' section=), a testcase per check,
 * <skipped> and <failure> with the reason or the value against what was
 * expected; the run's metadata (hello, cpu, config) as each testsuite's
 * properties, the counters with the section that measured them. One more
 * testsuite, "run", holds end.status, so a run that died between checks
 * is not green. pmulab matrix writes a testsuite per configuration with
 * ci_junit_suite() and ci_junit_unrun(). */
#include <stdlib.h>
#include <string.h>
#include "host/report/ci.h"

/* Checks with no section= (streams of older payloads). */
#define NO_SECTION "pmulab"

/* Text for an attribute or an element: the five XML specials as entities,
 * tab and line ends as character references, and every byte XML 1.0 cannot
 * hold (other controls) or that may not be UTF-8 (0x80 and up) as the text
 * \xHH. */
static void xml(FILE *out, const char *val, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		case '\t': case '\n': case '\r': fprintf(out, "&#%u;", c); break;
		default:
			if (c < 0x20 || c > 0x7e)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
}

static void xml_str(FILE *out, const char *s)
{
	xml(out, s, strlen(s));
}

static const char *section_of(const struct record *rec)
{
	const char *sec = record_get(rec, "section");

	return sec ? sec : NO_SECTION;
}

static bool is_check(const struct record *rec)
{
	return strcmp(rec->type, "check") == 0;
}

static void property(FILE *out, const char *prefix, const char *name, const char *val,
		     size_t len)
{
	fputs("      <property name=\"", out);
	xml_str(out, prefix);
	xml_str(out, name);
	fputs("\" value=\"", out);
	xml(out, val, len);
	fputs("\"/>\n", out);
}

/* Every field of the first record of type, as TYPE.KEY. */
static void record_properties(FILE *out, const struct stream *s, const char *type)
{
	const struct record *rec = stream_find(s, type);
	char prefix[32];

	if (!rec)
		return;
	snprintf(prefix, sizeof(prefix), "%s.", type);
	for (size_t i = 0; i < rec->nfields; i++)
		property(out, prefix, field_key(&rec->fields[i]), field_val(&rec->fields[i]), rec->fields[i].len);
}

/* The section of the first check after record i: a bench's counters come
 * before the checks of its section. */
static const char *next_section(const struct stream *s, size_t i)
{
	for (; i < s->nrecs; i++)
		if (is_check(&s->recs[i]))
			return section_of(&s->recs[i]);
	return NULL;
}

static void properties(FILE *out, const struct stream *s, const struct report_meta *meta,
		       const char *section)
{
	fputs("    <properties>\n", out);
	if (meta && meta->source)
		property(out, "", "source", meta->source, strlen(meta->source));
	if (meta && meta->mode)
		property(out, "", "mode", meta->mode, strlen(meta->mode));
	record_properties(out, s, "hello");
	record_properties(out, s, "cpu");
	record_properties(out, s, "config");
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const struct field *value = record_field(rec, "value");
		const char *bench = record_get(rec, "bench"), *event = record_get(rec, "event");
		const char *src = record_get(rec, "src"), *at = next_section(s, i);
		char name[256];

		if (strcmp(rec->type, "counter") || !value || !bench || !event || !src ||
		    strcmp(at ? at : NO_SECTION, section))
			continue;
		snprintf(name, sizeof(name), "%s.%s.%s", bench, event, src);
		property(out, "counter.", name, field_val(value), value->len);
	}
	fputs("    </properties>\n", out);
}

/* " message=..." of a failed check: its value against what it expected,
 * or the field that says what went wrong. */
static void failure_message(FILE *out, const struct record *rec)
{
	static const char *const skip[] = { "name", "result", "section", NULL };
	const char *value = record_get(rec, "value");
	char expected[CI_EXPECTED_MAX];

	fputs(" message=\"", out);
	if (value && ci_expected(rec, expected, sizeof(expected))) {
		fputs("value=", out);
		xml_str(out, value);
		fputs(" expected=", out);
		xml_str(out, expected);
	} else {
		for (size_t i = 0, n = 0; i < rec->nfields; i++) {
			if (report_listed(field_key(&rec->fields[i]), skip))
				continue;
			fprintf(out, "%s%s=", n++ ? " " : "", field_key(&rec->fields[i]));
			xml(out, field_val(&rec->fields[i]), rec->fields[i].len);
		}
	}
	fputc('"', out);
}

/* A check's testcase, of class pmulab.[PREFIX.]SECTION. */
static void testcase(FILE *out, const struct record *rec, const char *prefix,
		     const char *section)
{
	const char *name = record_get(rec, "name"), *reason;
	char line[PARSE_LINE_MAX + 1];

	fputs("    <testcase classname=\"pmulab.", out);
	if (prefix) {
		xml_str(out, prefix);
		fputc('.', out);
	}
	xml_str(out, section);
	fputs("\" name=\"", out);
	xml_str(out, name ? name : "?");
	fputs("\">\n", out);
	switch (report_check_result(rec)) {
	case 0:
		break;
	case 1:
		fputs("      <failure type=\"fail\"", out);
		failure_message(out, rec);
		fputs("/>\n", out);
		break;
	case 2:
		reason = record_get(rec, "reason");
		fputs("      <skipped message=\"", out);
		xml_str(out, reason ? reason : "no reason given");
		fputs("\"/>\n", out);
		break;
	default:
		fputs("      <error type=\"result\" message=\"no known result\"/>\n", out);
	}
	fputs("      <system-out>", out);
	xml_str(out, record_line(rec, line));
	fputs("</system-out>\n    </testcase>\n", out);
}

static void suite_open(FILE *out, const char *name, const size_t count[4])
{
	fputs("  <testsuite name=\"", out);
	xml_str(out, name);
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" errors=\"%zu\">\n",
		count[0] + count[1] + count[2] + count[3], count[1], count[2], count[3]);
}

static void suite(FILE *out, const struct stream *s, const struct report_meta *meta,
		  const char *section)
{
	size_t count[4] = { 0 };

	for (size_t i = 0; i < s->nrecs; i++)
		if (is_check(&s->recs[i]) && !strcmp(section_of(&s->recs[i]), section))
			count[report_check_result(&s->recs[i])]++;
	suite_open(out, section, count);
	properties(out, s, meta, section);
	for (size_t i = 0; i < s->nrecs; i++)
		if (is_check(&s->recs[i]) && !strcmp(section_of(&s->recs[i]), section))
			testcase(out, &s->recs[i], NULL, section);
	fputs("  </testsuite>\n", out);
}

/* The run's own verdict: end.status passes when the stream is complete and
 * ended status=ok. */
static void end_case(FILE *out, const struct stream *s, const char *classname)
{
	char verdict[CI_VERDICT_MAX];

	fputs("    <testcase classname=\"", out);
	xml_str(out, classname);
	fputs("\" name=\"end.status\">\n", out);
	if (strcmp(ci_status(s), "ok")) {
		ci_verdict(verdict, sizeof(verdict), s);
		fputs("      <failure type=\"status\" message=\"", out);
		xml_str(out, verdict);
		fputs("\"/>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void run_suite(FILE *out, const struct stream *s, const struct report_meta *meta)
{
	bool ok = !strcmp(ci_status(s), "ok");
	size_t count[4] = { ok, !ok, 0, 0 };

	suite_open(out, "run", count);
	properties(out, s, meta, "");
	end_case(out, s, "pmulab.run");
	fputs("  </testsuite>\n", out);
}

void ci_junit_suite(FILE *out, const char *name, const struct stream *s,
		    const struct report_meta *meta)
{
	size_t count[4] = { 0 };
	char classname[256];

	for (size_t i = 0; i < s->nrecs; i++)
		if (is_check(&s->recs[i]))
			count[report_check_result(&s->recs[i])]++;
	count[strcmp(ci_status(s), "ok") ? 1 : 0]++;
	suite_open(out, name, count);
	properties(out, s, meta, "");
	for (size_t i = 0; i < s->nrecs; i++)
		if (is_check(&s->recs[i]))
			testcase(out, &s->recs[i], name, section_of(&s->recs[i]));
	snprintf(classname, sizeof(classname), "pmulab.%s", name);
	end_case(out, s, classname);
	fputs("  </testsuite>\n", out);
}

void ci_junit_unrun(FILE *out, const char *name, const char *mode, const char *why)
{
	static const size_t count[4] = { 0, 0, 1, 0 };

	suite_open(out, name, count);
	fputs("    <properties>\n", out);
	property(out, "", "mode", mode, strlen(mode));
	fputs("    </properties>\n    <testcase classname=\"pmulab.", out);
	xml_str(out, name);
	fputs("\" name=\"end.status\">\n      <skipped message=\"", out);
	xml_str(out, why);
	fputs("\"/>\n    </testcase>\n  </testsuite>\n", out);
}

void ci_junit(FILE *out, const struct stream *s, const struct report_meta *meta)
{
	const char **sections = xcalloc(s->nrecs + 1, sizeof(*sections));
	size_t nsections = 0, count[4] = { 0 };

	for (size_t i = 0; i < s->nrecs; i++) {
		const char *sec;
		size_t k = 0;

		if (!is_check(&s->recs[i]))
			continue;
		count[report_check_result(&s->recs[i])]++;
		sec = section_of(&s->recs[i]);
		while (k < nsections && strcmp(sections[k], sec))
			k++;
		if (k == nsections)
			sections[nsections++] = sec;
	}
	count[strcmp(ci_status(s), "ok") ? 1 : 0]++;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"pmulab\" tests=\"%zu\" failures=\"%zu\" "
		"skipped=\"%zu\" errors=\"%zu\">\n",
		count[0] + count[1] + count[2] + count[3], count[1], count[2], count[3]);
	for (size_t k = 0; k < nsections; k++)
		suite(out, s, meta, sections[k]);
	run_suite(out, s, meta);
	fputs("</testsuites>\n", out);
	free(sections);
}
