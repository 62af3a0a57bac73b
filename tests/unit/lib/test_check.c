/* The check API: each variant's record, field by field, its verdict, and the
 * tally the end status and the summary are made from. */
#include "lib/check.h"
#include "tests/unit/unit.h"

static char line[REC_LINE_MAX + 1];

static void sink(const char *l, size_t len, void *ctx)
{
	memcpy(line, l, len);
	line[len] = '\0';
}

/* The line after its seq, without the CRC. */
static const char *body(void)
{
	char *p = strchr(line + 5, ' ') + 1, *crc = strstr(p, " *");

	*crc = '\0';
	return p;
}

static void test_variants(void)
{
	struct rec r;

	CHECK(check_u64("a", 3, 3));
	CHECK_STR(body(), "check name=a result=pass value=3 expect=3");
	CHECK(!check_u64("a", 3, 4));
	CHECK_STR(body(), "check name=a result=fail value=3 expect=4");
	CHECK(check_range("b", 5, 1, 40));
	CHECK_STR(body(), "check name=b result=pass value=5 lo=1 hi=40");
	CHECK(!check_range("b", 0, 1, 40));
	CHECK_STR(body(), "check name=b result=fail value=0 lo=1 hi=40");
	CHECK(check_counter("c", 7, 7, 7, "gp0"));
	CHECK_STR(body(), "check name=c result=pass value=7 expect=7 counter=gp0");
	CHECK(!check_counter("c", 2, 3, 9, "fixed1"));
	CHECK_STR(body(), "check name=c result=fail value=2 lo=3 hi=9 counter=fixed1");
	CHECK(check_str("d", "busy", "busy"));
	CHECK_STR(body(), "check name=d result=pass value=busy expect=busy");
	CHECK(!check_str("d", "ok", "busy"));
	CHECK_STR(body(), "check name=d result=fail value=ok expect=busy");
	check_skip("e", "no-lbr");
	CHECK_STR(body(), "check name=e result=skip reason=no-lbr");
	check_fail("f", "why", "busy");
	CHECK_STR(body(), "check name=f result=fail why=busy");
	CHECK(check_range_begin(&r, "g", 850, 850, 1000));
	rec_u64(&r, "samples", 9);
	rec_end(&r);
	CHECK_STR(body(), "check name=g result=pass value=850 lo=850 hi=1000 samples=9");
	check_begin(&r, "h", CHECK_SKIP);
	rec_end(&r);
	CHECK_STR(body(), "check name=h result=skip");
}

/* Five fails above, then more than the summary keeps the names of. */
static void test_tally(void)
{
	CHECK_U64(check_count(CHECK_PASS), 5);
	CHECK_U64(check_count(CHECK_FAIL), 5);
	CHECK_U64(check_count(CHECK_SKIP), 2);
	CHECK_STR(check_failed(0), "a");
	CHECK_STR(check_failed(4), "f");
	CHECK(check_failed(5) == NULL);
	for (unsigned i = 0; i < 4; i++)
		check_u64("a-name-longer-than-the-summary-keeps-of-it-for-sure", 0, 1);
	CHECK_U64(check_count(CHECK_FAIL), 9);
	CHECK_STR(check_failed(7), "a-name-longer-than-the-summary-keeps-of-it-for-");
	CHECK(check_failed(CHECK_FAILED_KEPT) == NULL);
}

/* Names stay apart once the runner names a section: a repeat gets the
 * section, then a number; every check says its section. */
static void test_unique_names(void)
{
	struct rec r;

	check_section("caps");
	check_skip("x", "none");
	CHECK_STR(body(), "check name=x result=skip section=caps reason=none");
	check_skip("x", "none");
	CHECK_STR(body(), "check name=x.caps result=skip section=caps reason=none");
	check_skip("x", "none");
	CHECK_STR(body(), "check name=x.caps.2 result=skip section=caps reason=none");
	check_section("pmu-check");
	check_skip("x", "none");
	CHECK_STR(body(), "check name=x.pmu-check result=skip section=pmu-check reason=none");
	check_begin_each(&r, "owned.restore", "caps", CHECK_PASS);
	rec_end(&r);
	CHECK_STR(body(), "check name=owned.restore.caps result=pass section=caps");
	check_begin_each(&r, "owned.restore", "pmu-check", CHECK_PASS);
	rec_end(&r);
	CHECK_STR(body(), "check name=owned.restore.pmu-check result=pass section=pmu-check");
}

int main(void)
{
	rec_set_sink(sink, NULL);
	test_variants();
	test_tally();
	test_unique_names();
	return unit_done("check");
}
