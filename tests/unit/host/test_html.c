/* The html report: records written by the payload's writer, read back by
 * the host parser and rendered as the page; hostile values escaped, the
 * tables and checks in it, plots only where the stream has what they draw. */
#include <stdlib.h>
#include "host/report/html.h"
#include "host/stream/parse.h"
#include "lib/record.h"
#include "host/report/report.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

static char *page_of(const struct stream *s, const struct report_meta *meta)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_print(f, s, REPORT_HTML, meta);
	fclose(f);
	return buf;
}

/* The text between the first from and the next to after it (malloc'd). */
static char *between(const char *page, const char *from, const char *to)
{
	const char *a = strstr(page, from), *b;

	if (!a)
		return strdup("(from not found)");
	b = strstr(a + strlen(from), to);
	if (!b)
		return strdup("(to not found)");
	return strndup(a, b - a);
}

static void test_escape(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	html_text(f, "<script>alert(\"x\")</script> & 'q'",
		  strlen("<script>alert(\"x\")</script> & 'q'"));
	fputc('|', f);
	html_text(f, "a\0b\x1b\xff", 5);
	fputc('|', f);
	html_value(f, "two words", 9);
	fputc('|', f);
	html_value(f, "plain", 5);
	fputc('|', f);
	html_value(f, "", 0);
	fputc('|', f);
	html_value(f, "<b>&\"'\x1b", 7);
	fclose(f);
	CHECK_STR(buf, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
		       "|a\\x00b\\x1b\\xff"
		       "|&quot;two words&quot;"
		       "|plain"
		       "|&quot;&quot;"
		       "|&quot;&lt;b&gt;&amp;\\&quot;&#39;\\x1b&quot;");
	free(buf);
}

/* gnuplot's ids and references to them get the plot's prefix; the XML
 * prolog before <svg is dropped. */
static void test_svg(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(html_svg(f, "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 9 9\">\n"
		       "<g id=\"gnuplot_canvas\"><circle id='gpDot'/>"
		       "<use xlink:href='#gpDot' fill=\"url(#grad)\"/><a href=\"#x\"/>"
		       "<text>valid=1 id=2</text></g></svg>\n", "chase") == 0);
	CHECK(html_svg(f, "no picture", "x") < 0);
	fclose(f);
	CHECK_STR(buf, "<svg viewBox=\"0 0 9 9\">\n"
		       "<g id=\"chase-gnuplot_canvas\"><circle id='chase-gpDot'/>"
		       "<use xlink:href='#chase-gpDot' fill=\"url(#chase-grad)\"/>"
		       "<a href=\"#chase-x\"/><text>valid=1 id=2</text></g></svg>\n");
	free(buf);
}

/* Values from records never reach the page as markup: a name, a brand, a
 * reason and a check with <script>, quotes and %-decoded control bytes. */
static void test_hostile(void)
{
	static const char *const bodies[] = {
		"end count=9 status=ok",
		NULL,
	};
	struct report_meta meta = { .source = "runs/<x>&\"y\"", .boot_to_end_s = -1 };
	struct stream *s;
	struct rec r;
	char *page;

	rec_begin(&r, "hello");
	rec_str(&r, "firmware", "<script>alert('pwn')</script>");
	rec_end(&r);
	rec_begin(&r, "cpu");
	rec_str(&r, "brand", "Intel\x1b[2J \"Core\"");
	rec_end(&r);
	rec_begin(&r, "bench");
	rec_str(&r, "name", "<img src=x onerror=alert(1)>");
	rec_str(&r, "suite", "a'b");
	rec_end(&r);
	rec_begin(&r, "counter");
	rec_str(&r, "bench", "<img src=x onerror=alert(1)>");
	rec_str(&r, "event", "cpu/event=0x3c/");
	rec_str(&r, "src", "none");
	rec_str(&r, "reason", "</td><script>");
	rec_end(&r);
	rec_begin(&r, "check");
	rec_str(&r, "name", "\"><script>");
	rec_str(&r, "result", "fail");
	rec_str(&r, "detail", "\r\n&amp;");
	rec_end(&r);
	rec_begin(&r, "sample");
	rec_str(&r, "sym", "<main+0x1>");
	rec_end(&r);
	s = stream_of(bodies);
	page = page_of(s, &meta);

	CHECK(strstr(page, "<script") == NULL);
	CHECK(strstr(page, "<img") == NULL);
	CHECK(strstr(page, "\x1b") == NULL && strstr(page, "\r") == NULL);
	for (const char *p = page; *p; p++)
		if ((unsigned char)*p > 0x7e)
			CHECK(!"a byte outside ASCII on the page");
	CHECK(strstr(page, "<title>pmulab report: runs/&lt;x&gt;&amp;&quot;y&quot;</title>"));
	CHECK(strstr(page, "<tr><th>firmware</th><td class=\"v\">"
			   "&lt;script&gt;alert(&#39;pwn&#39;)&lt;/script&gt;</td></tr>\n"));
	CHECK(strstr(page, "<tr><th>brand</th><td class=\"v\">"
			   "&quot;Intel\\x1b[2J \\&quot;Core\\&quot;&quot;</td></tr>\n"));
	CHECK(strstr(page, "<h3>bench &quot;&lt;img src=x onerror=alert(1)&gt;&quot; "
			   "(suite a&#39;b)</h3>\n"));
	CHECK(strstr(page, "<td class=\"v\">none: &lt;/td&gt;&lt;script&gt;</td>"));
	CHECK(strstr(page, "<tr><td class=\"fail\">FAIL</td><td class=\"v\">"
			   "&quot;\\&quot;&gt;&lt;script&gt;&quot;</td><td class=\"v\">"
			   "detail=&quot;\\x0d\\x0a&amp;amp;&quot;</td></tr>\n"));
	/* A sample record is the profile's, not a row of its own. */
	CHECK(strstr(page, "<h2 id=\"other\">") == NULL);
	CHECK(strstr(page, "<p class=\"note\">1 sample and trace record, shown above as the "
			   "profile and the trace, are not listed a row each"));
	free(page);
	stream_free(s);
}

/* The summary, a table per bench as perf stat shows it, the checks with
 * their colours, the errors, and no plot section without chase or branch
 * benches. */
static void test_page(void)
{
	static const char *const bodies[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"cpu vendor=GenuineIntel hypervisor=KVMKVMKVM",
		"pmu version=4 gp=8",
		"bench name=loop suite=pmu-check reps=5 iters=2000",
		"counter bench=loop event=instructions src=pmu counter=fixed0 value=2000 "
		"min=1990 median=2000 max=2100 runs=5 enabled=50000 running=50000",
		"counter bench=loop event=cycles src=pmu counter=fixed1 value=4100",
		"counter bench=loop event=branches src=pmu counter=gp0 value=1234567 "
		"enabled=90000 running=60000",
		"counter bench=loop event=branch-misses src=pmu counter=gp1 value=3703",
		"counter bench=loop event=ref-cycles src=none reason=needs-fixed-counter-2",
		"counter bench=loop event=LLC-loads src=pmu counter=gp2",
		"bench name=empty suite=pmu-check reps=1",
		"counter bench=ghost event=instructions src=icount value=10 shift=5",
		"check name=ipc result=pass value=0.49",
		"check name=lbr result=skip reason=no-lbr",
		"check name=sum result=fail value=3 expected=4",
		"check name=odd result=maybe",
		"error kind=config line=3 key=suite reason=unknown-value",
		"end count=17 status=error",
		NULL,
	};
	struct report_meta meta = { .source = "runs/x/records.txt", .mode = "tcg cpu=EPYC",
				    .boot_to_end_s = 4.126 };
	struct stream *s = stream_of(bodies);
	char *page = page_of(s, &meta), *part;

	part = between(page, "<table class=\"summary\">", "</table>");
	CHECK_STR(part, "<table class=\"summary\">\n"
		  "<tr><th>source</th><td class=\"v\">runs/x/records.txt</td></tr>\n"
		  "<tr><th>mode</th><td class=\"v\">tcg cpu=EPYC</td></tr>\n"
		  "<tr><th>time</th><td>4.13 s boot to end</td></tr>\n"
		  "<tr><th>stream</th><td class=\"ok\">18 records, complete</td></tr>\n"
		  "<tr><th>end</th><td class=\"v\">count=17 status=error</td></tr>\n"
		  "<tr><th>result</th><td class=\"bad\">ERROR</td></tr>\n");
	free(part);

	part = between(page, "<h3>bench &#39;loop&#39;", "<h3>bench &#39;empty");
	CHECK_STR(part,
		  "<h3>bench &#39;loop&#39; (suite pmu-check, 5 runs)</h3>\n"
		  "<p class=\"fields\">name=loop suite=pmu-check reps=5 iters=2000</p>\n"
		  "<table class=\"bench\">\n"
		  "<tr><th>event</th><th>value</th><th>source</th><th>counter</th>"
		  "<th>min</th><th>median</th><th>max</th><th>runs</th><th>running</th>"
		  "<th>metric</th></tr>\n"
		  "<tr><td class=\"v\">instructions</td><td class=\"n\">2,000</td>"
		  "<td class=\"v\">pmu</td><td class=\"v\">fixed0</td><td class=\"n\">1,990</td>"
		  "<td class=\"n\">2,000</td><td class=\"n\">2,100</td><td class=\"n\">5</td>"
		  "<td class=\"n\">100.00%</td><td>0.49 insn per cycle</td></tr>\n"
		  "<tr><td class=\"v\">cycles</td><td class=\"n\">4,100</td>"
		  "<td class=\"v\">pmu</td><td class=\"v\">fixed1</td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td></td></tr>\n"
		  "<tr><td class=\"v\">branches</td><td class=\"n\">1,234,567</td>"
		  "<td class=\"v\">pmu</td><td class=\"v\">gp0</td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td>"
		  "<td class=\"n\">66.67%</td><td></td></tr>\n"
		  "<tr><td class=\"v\">branch-misses</td><td class=\"n\">3,703</td>"
		  "<td class=\"v\">pmu</td><td class=\"v\">gp1</td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td>0.30% of all branches</td></tr>\n"
		  "<tr><td class=\"v\">ref-cycles</td><td class=\"n\">&lt;not supported&gt;</td>"
		  "<td class=\"v\">none: needs-fixed-counter-2</td><td class=\"v\"></td>"
		  "<td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td class=\"n\"></td><td></td></tr>\n"
		  "<tr><td class=\"v\">LLC-loads</td><td class=\"n\">&lt;not counted&gt;</td>"
		  "<td class=\"v\">pmu</td><td class=\"v\">gp2</td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td>"
		  "<td class=\"n\"></td><td></td></tr>\n"
		  "</table>\n");
	free(part);

	CHECK(strstr(page, "<h3>bench &#39;empty&#39; (suite pmu-check, 1 run)</h3>\n"
			   "<p class=\"fields\">name=empty suite=pmu-check reps=1</p>\n"
			   "<p class=\"note\">(no counter records)</p>\n"
			   "<h3>bench &#39;ghost&#39; (no bench record)</h3>\n"
			   "<table class=\"bench\">\n"));
	CHECK(strstr(page, "<tr><td class=\"v\">instructions</td><td class=\"n\">10</td>"
			   "<td class=\"v\">icount (exact)</td>"));

	part = between(page, "<h2 id=\"checks\">", "</table>");
	CHECK_STR(part, "<h2 id=\"checks\">Checks</h2>\n"
		  "<p>4: 1 pass, 1 fail, 1 skip, 1 with no known result</p>\n"
		  "<table class=\"checks\">\n"
		  "<tr><th>result</th><th>name</th><th>details</th></tr>\n"
		  "<tr><td class=\"pass\">PASS</td><td class=\"v\">ipc</td>"
		  "<td class=\"v\">value=0.49</td></tr>\n"
		  "<tr><td class=\"skip\">SKIP</td><td class=\"v\">lbr</td>"
		  "<td class=\"v\">reason=no-lbr</td></tr>\n"
		  "<tr><td class=\"fail\">FAIL</td><td class=\"v\">sum</td>"
		  "<td class=\"v\">value=3 expected=4</td></tr>\n"
		  "<tr><td class=\"unknown\">????" "</td><td class=\"v\">odd</td>"
		  "<td class=\"v\">result=maybe</td></tr>\n");
	free(part);

	part = between(page, "<h2 id=\"errors\">", "</table>");
	CHECK_STR(part, "<h2 id=\"errors\">Errors</h2>\n<table>\n"
		  "<tr><th>seq</th><th>error</th></tr>\n"
		  "<tr><td class=\"n\">16</td><td class=\"v fail\">kind=config line=3 "
		  "key=suite reason=unknown-value</td></tr>\n");
	free(part);

	CHECK(strstr(page, "<h3>pmu <span class=\"note\">seq 2</span></h3>\n<table>\n"
			   "<tr><th>version</th><td class=\"v\">4</td></tr>\n"
			   "<tr><th>gp</th><td class=\"v\">8</td></tr>\n</table>\n"));
	CHECK(strstr(page, "Plots") == NULL && strstr(page, "<svg") == NULL);
	CHECK(strstr(page, "Other records") == NULL);
	CHECK(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
	CHECK(strstr(page, "</body>\n</html>\n") == page + strlen(page) - 16);
	free(page);
	stream_free(s);
}

/* A stream without benches: no bench, plot or check sections at all. It
 * starts past seq 0 (the writer's seq runs on from the earlier tests), so
 * its summary lists the seqs lost before it. */
static void test_no_benches(void)
{
	static const char *const bodies[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"end count=1 status=ok",
		NULL,
	};
	uint64_t base = rec_count();
	struct stream *s = stream_of(bodies);
	char *page = page_of(s, NULL), *part, want[1024];

	snprintf(want, sizeof(want), "<table class=\"summary\">\n"
		 "<tr><th>stream</th><td class=\"bad\">2 records, INCOMPLETE: %" PRIu64
		 " lost, no hello at seq 0, end count does not match its seq %" PRIu64
		 "</td></tr>\n<tr><th>lost</th><td class=\"v\">0-%" PRIu64 "</td></tr>\n"
		 "<tr><th>end</th><td class=\"v\">count=1 status=ok</td></tr>\n"
		 "<tr><th>result</th><td class=\"bad\">PARTIAL</td></tr>\n",
		 base, base + 1, base - 1);
	part = between(page, "<table class=\"summary\">", "</table>");
	CHECK_STR(part, want);
	free(part);

	CHECK(strstr(page, "<h2 id=\"benches\">") == NULL);
	CHECK(strstr(page, "<h2 id=\"plots\">") == NULL);
	CHECK(strstr(page, "<h2 id=\"checks\">") == NULL);
	CHECK(strstr(page, "<h2 id=\"errors\">") == NULL);
	CHECK(strstr(page, "<title>pmulab report</title>"));
	CHECK(strstr(page, "<h3>hello <span class=\"note\">seq"));
	free(page);
	stream_free(s);
}

/* Chase and branch benches: the plots inline when gnuplot is there, else
 * a note saying why there are none, and never a failed page. */
static void test_plots(void)
{
	static const char *const bodies[] = {
		"bench name=c4 family=chase iters=100 loads=1 ws=4096 tsc_median=400",
		"bench name=c64 family=chase iters=100 loads=1 ws=65536 tsc_median=1200",
		"bench name=b2 family=branch iters=100 pattern=alternate tsc_median=500",
		"counter bench=b2 event=branch-misses src=none reason=no-arch-pmu",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *page, *part;

	setenv("PMULAB_GNUPLOT", "/nonexistent/gnuplot", 1);
	page = page_of(s, NULL);
	part = between(page, "<h2 id=\"plots\">", "</p>");
	CHECK_STR(part, "<h2 id=\"plots\">Plots</h2>\n"
		  "<p class=\"note\">No plots: $PMULAB_GNUPLOT names no executable file: "
		  "/nonexistent/gnuplot.");
	free(part);
	CHECK(strstr(page, "<svg") == NULL);
	free(page);

	unsetenv("PMULAB_GNUPLOT");
	page = page_of(s, NULL);
	if (strstr(page, "No plots: gnuplot is not installed")) {
		printf("test_html: no gnuplot, inline plots not tested\n");
	} else {
		CHECK(strstr(page, "<h3>chase</h3>\n<figure class=\"plot\">\n<svg"));
		CHECK(strstr(page, "<h3>branch</h3>\n<figure class=\"plot\">\n<svg"));
		CHECK(strstr(page, "id='chase-gpPt0'") && strstr(page, "id='branch-gpPt0'"));
		CHECK(strstr(page, "no branch-miss counts: no-arch-pmu"));
		CHECK(strstr(page, "<?xml") == NULL);
		CHECK(strstr(page, "No chase plot") == NULL);
	}
	free(page);
	stream_free(s);
}

static void test_format(void)
{
	enum report_format fmt = REPORT_TEXT;

	CHECK(report_format_parse("html", &fmt) == 0 && fmt == REPORT_HTML);
	CHECK(report_format_parse("HTML", &fmt) < 0);
}

/* Results lead: the tally and failures, the suite tables, the profile of a
 * sampled run with its flame graph inline; capabilities last; the samples
 * counted, not listed a row each. */
static void test_order(void)
{
	static const char *const bodies[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"cpu vendor=GenuineIntel hypervisor=TCGTCGTCGTCG",
		"bench name=loop suite=quick reps=3 iters=10",
		"counter bench=loop event=instructions src=icount value=20",
		"counter bench=loop event=cycles src=none reason=no-arch-pmu",
		"sampling run=spin src=timer period=1000 unit=tsc-ticks samples=2",
		"sample run=spin src=timer idx=0 rip=0x1 sym=hot+0x1 stack=main+0x5",
		"sample run=spin src=timer idx=1 rip=0x2 sym=cold+0x2 stack=main+0x9",
		"check name=a result=fail section=benches value=1 expect=2",
		"end count=9 status=error",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *page = page_of(s, NULL);
	const char *tally = strstr(page, "<p class=\"tally\">"),
		   *results = strstr(page, "<h2 id=\"results\">"),
		   *profile = strstr(page, "<h2 id=\"profile\">"),
		   *checks = strstr(page, "<h2 id=\"checks\">"),
		   *caps = strstr(page, "<h2 id=\"capabilities\">");

	CHECK(tally && results && profile && checks && caps);
	CHECK(tally < results && results < profile && profile < checks && checks < caps);
	/* The failure under the tally, before any table of results. */
	CHECK(strstr(tally, "<td class=\"fail\">FAIL</td>") < results);
	CHECK(strstr(page, "<tr><td>loop</td><td class=\"n\">2 i</td></tr>\n"));
	CHECK(strstr(page, "not counted: cycles (no-arch-pmu: "));
	CHECK(strstr(page, "# Samples: 2 of run &#39;spin&#39;\n"));
	CHECK(strstr(profile, "<div class=\"flame\">\n<svg") != NULL);
	CHECK(strstr(page, "<?xml") == NULL);
	CHECK(strstr(page, "<td>sample</td>") == NULL);
	CHECK(strstr(page, "<p class=\"note\">2 sample and trace records, shown above"));
	free(page);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_page();	/* first: its records start at seq 0 */
	test_escape();
	test_svg();
	test_hostile();
	test_no_benches();
	test_plots();
	test_format();
	test_order();
	return unit_done("html");
}
