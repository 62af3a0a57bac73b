/* The CI formats: TAP and JUnit of a stream with a pass, a fail, a skip and
 * a check whose name and reason hold what TAP and XML give meaning to. */
#include <stdlib.h>
#include "host/report/ci.h"
#include "host/report/report.h"
#include "lib/record.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

static char *report_of(const struct stream *s, enum report_format fmt)
{
	struct report_meta meta = { .source = "runs/a&b", .boot_to_end_s = -1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_print(f, s, fmt, &meta);
	fclose(f);
	return buf;
}

static struct stream *checks(const char *end_status)
{
	static const char *bodies[] = {
		"cpu vendor=GenuineIntel model=0x5e",
		"check name=a.ok result=pass section=caps value=3 expect=3",
		"counter bench=loop event=instructions src=icount value=1024",
		"check name=b.range result=fail section=benches value=0 lo=1 hi=40",
		"check name=c.skip result=skip section=benches reason=no-pmu",
		NULL, NULL,
	};
	char end[64];
	struct rec r;

	rec_begin(&r, "hello");
	rec_str(&r, "payload", "0.1.0");
	rec_end(&r);
	rec_begin(&r, "check");
	rec_str(&r, "name", "odd#<name>&\"");
	rec_str(&r, "result", "skip");
	rec_str(&r, "section", "caps");
	rec_str(&r, "reason", "a # b <\x01\xff>");
	rec_end(&r);
	snprintf(end, sizeof(end), "end count=7 status=%s", end_status);
	bodies[5] = end;
	return stream_of(bodies);
}

static void test_tap(void)
{
	struct stream *s = checks("ok");
	char *tap = report_of(s, REPORT_TAP);

	CHECK(!strncmp(tap, "TAP version 13\n1..4\n", 20));
	CHECK(strstr(tap, "\nok 2 - a.ok\n  ---\n  value: \"3\"\n  expected: \"3\"\n"
			  "  source: \"runs/a&b\"\n  seq: 3\n  section: \"caps\"\n  ...\n"));
	CHECK(strstr(tap, "\nnot ok 3 - b.range\n  ---\n  value: \"0\"\n  expected: \"1..40\"\n"));
	CHECK(strstr(tap, "\nok 4 - c.skip # SKIP no-pmu\n"));
	CHECK(strstr(tap, "  reason: \"a # b <\\x01\\xff>\"\n"));
	CHECK(strstr(tap, "\n# end status=ok, 8 records, complete, 0 lost: ok\n"));
	free(tap);
	stream_free(s);
}

/* The test point keeps to one line of text whatever the name and reason
 * hold: a '#' backslashed, other bytes as \xHH. */
static void test_tap_escapes(void)
{
	struct stream *s = checks("ok");
	char *tap = report_of(s, REPORT_TAP);

	CHECK(strstr(tap, "\nok 1 - odd\\#<name>&\" # SKIP a \\# b <\\x01\\xff>\n"));
	free(tap);
	stream_free(s);
}

/* A third stream from the writer: its seqs follow the first two's, so it
 * is incomplete as well as status=error. */
static void test_junit(void)
{
	struct stream *s = checks("error");
	char *xml = report_of(s, REPORT_JUNIT);

	CHECK(strstr(xml, "<testsuites name=\"pmulab\" tests=\"5\" failures=\"2\" "
			  "skipped=\"2\" errors=\"0\">\n"));
	CHECK(strstr(xml, "<testsuite name=\"caps\" tests=\"2\" failures=\"0\" skipped=\"1\" "
			  "errors=\"0\">\n"));
	CHECK(strstr(xml, "<testsuite name=\"benches\" tests=\"2\" failures=\"1\" skipped=\"1\" "
			  "errors=\"0\">\n"));
	CHECK(strstr(xml, "<property name=\"source\" value=\"runs/a&amp;b\"/>"));
	CHECK(strstr(xml, "<property name=\"cpu.vendor\" value=\"GenuineIntel\"/>"));
	CHECK(strstr(xml, "<property name=\"hello.payload\" value=\"0.1.0\"/>"));
	/* The counter belongs to the section whose check follows it. */
	CHECK(strstr(xml, "<property name=\"counter.loop.instructions.icount\" value=\"1024\"/>"));
	CHECK(strstr(strstr(xml, "<testsuite name=\"benches\""),
		     "<property name=\"counter.loop.instructions.icount\""));
	CHECK(strstr(xml, "<testcase classname=\"pmulab.caps\" "
			  "name=\"odd#&lt;name&gt;&amp;&quot;\">\n"
			  "      <skipped message=\"a # b &lt;\\x01\\xff&gt;\"/>\n"));
	CHECK(strstr(xml, "<testcase classname=\"pmulab.benches\" name=\"b.range\">\n"
			  "      <failure type=\"fail\" message=\"value=0 expected=1..40\"/>\n"));
	CHECK(strstr(xml, "<testcase classname=\"pmulab.run\" name=\"end.status\">\n"
			  "      <failure type=\"status\" message=\"end status=error, 8 records, "
			  "INCOMPLETE, "));
	for (const char *p = xml; *p; p++)
		if ((unsigned char)*p > 0x7e || ((unsigned char)*p < 0x20 && *p != '\n'))
			CHECK(!"a byte XML cannot hold, or outside ASCII");
	free(xml);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_tap();
	test_tap_escapes();
	test_junit();
	return unit_done("ci");
}
