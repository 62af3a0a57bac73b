/* lib/config.c: every key, every kind of bad line, and the rule that a
 * bad line reports itself and leaves its setting at the default. */
#include "lib/config.h"
#include "tests/unit/unit.h"

struct err {
	unsigned line;
	char key[64], reason[32], detail[128];
};

static struct err errs[16];
static unsigned nerrs;

static void on_error(void *ctx, unsigned line, const char *key, const char *reason,
		     const char *detail)
{
	if (nerrs == 16)
		return;
	errs[nerrs].line = line;
	snprintf(errs[nerrs].key, sizeof(errs[nerrs].key), "%s", key);
	snprintf(errs[nerrs].reason, sizeof(errs[nerrs].reason), "%s", reason);
	snprintf(errs[nerrs].detail, sizeof(errs[nerrs].detail), "%s", detail);
	nerrs++;
}

static struct config cfg;

static unsigned parse(const char *text)
{
	nerrs = 0;
	config_defaults(&cfg);
	return config_parse(&cfg, text, strlen(text), on_error, NULL);
}

static char dump[512];

static void dump_value(void *ctx, const char *key, const char *val)
{
	size_t n = strlen(dump);

	snprintf(dump + n, sizeof(dump) - n, "%s%s=%s", n ? " " : "", key, val);
}

static const char *dumped(void)
{
	dump[0] = '\0';
	config_foreach(&cfg, dump_value, NULL);
	return dump;
}

#define EVENTS_DEFAULT "events=cycles,instructions,ref-cycles,branches,branch-misses," \
	"cache-references,cache-misses,L1-dcache-loads,L1-dcache-load-misses"
#define REST_DEFAULT " suite=pmu-check,quick benches=none " EVENTS_DEFAULT \
	" seed=1 skip=none ftrace_filter=tr_* ftrace_notrace=none ftrace_ring=overwrite" \
	" icount_shift=off sample_src=auto sample_period=50000 sample_random=off explain=off lesson=none" \
	" inject_at=inject"

static const char defaults[] = "serial=on serial_port=0x3f8 results=on exit=auto "
			       "exit_wait=30 inject_fault=none" REST_DEFAULT;

static void test_defaults(void)
{
	CHECK_U64(parse(""), 0);
	CHECK_STR(dumped(), defaults);
	CHECK_U64(parse("# only a comment\n\n   \n\t\n"), 0);
	CHECK_STR(dumped(), defaults);
}

static void test_all_keys(void)
{
	CHECK_U64(parse("serial=off\nserial_port=0x2F8\nresults=no\nexit=return\n"
			"exit_wait=0\ninject_fault=pf\n"), 0);
	CHECK_STR(dumped(), "serial=off serial_port=0x2f8 results=off exit=return "
		  "exit_wait=0 inject_fault=pf" REST_DEFAULT);
	CHECK_U64(cfg.exit, EXIT_RETURN);
	CHECK_U64(cfg.inject_fault, 4);
	CHECK_U64(parse("serial_port=760\nexit_wait=3600\nserial=1\nresults=true"), 0);
	CHECK_U64(cfg.serial_port, 760);
	CHECK_U64(cfg.exit_wait, 3600);
	CHECK_U64(cfg.serial, 1);
}

/* suite= is a list of names, events= a checked string, icount_shift=
 * a number or off. */
static void test_lists_strings(void)
{
	CHECK_U64(parse("suite=pmu-check,pmu-check\nevents=instructions,raw:0x1C4\n"
			"icount_shift=0\n"), 0);
	CHECK_U64(cfg.suite, SUITE_PMU_CHECK);
	CHECK_STR(cfg.events, "instructions,raw:0x1C4");
	CHECK_U64(cfg.icount_shift, 0);
	CHECK_U64(parse("icount_shift=10\n"), 0);
	CHECK_U64(cfg.icount_shift, 10);
	CHECK_U64(parse("suite=full,pmu-check\nbenches=chase:64KiB,calls:8\nseed=42\n"), 0);
	CHECK_U64(cfg.suite, SUITE_FULL | SUITE_PMU_CHECK);
	CHECK_STR(cfg.benches, "chase:64KiB,calls:8");
	CHECK_U64(cfg.seed, 42);
	CHECK_U64(parse("benches=chase:3KiB\nseed=0\n"), 2);
	CHECK_STR(errs[0].detail, "size-not-power-of-2-4KiB-to-1GiB: chase:3KiB");
	CHECK_STR(errs[1].detail, "expected 1..4294967295");
	CHECK_STR(cfg.benches, "none");
	CHECK_U64(parse("skip=lbr,pmu\n"), 0);
	CHECK_U64(cfg.skip, SKIP_PMU | SKIP_LBR);
	CHECK(strstr(dumped(), " skip=pmu,lbr ") != NULL);
	CHECK_U64(parse("ftrace_filter=tr_*,fmt_?printf\nftrace_notrace=tr_leaf\n"), 0);
	CHECK_STR(cfg.ftrace_filter, "tr_*,fmt_?printf");
	CHECK_STR(cfg.ftrace_notrace, "tr_leaf");
	CHECK_U64(parse("ftrace_filter=tr_[ab]\nftrace_notrace=\n"), 2);
	CHECK_STR(errs[0].detail, "expected function-name globs (a-z 0-9 _ . * ? ,), not '['");
	CHECK_STR(errs[1].detail, "expected function-name globs, e.g. tr_*");
	CHECK_U64(parse("suite=probes,quick\nskip=probes\n"), 0);
	CHECK_U64(cfg.suite, SUITE_PROBES | SUITE_QUICK);
	CHECK_U64(cfg.skip, SKIP_PROBES);
	CHECK_U64(parse("suite=none\n"), 0);
	CHECK_U64(cfg.suite, 0);
	CHECK(strstr(dumped(), " suite=none ") != NULL);
	CHECK_U64(parse("icount_shift=off\n"), 0);
	CHECK_U64(cfg.icount_shift, CONFIG_OFF);
	CHECK_U64(parse("explain=1\nlesson=10\n"), 0);
	CHECK_U64(cfg.explain, 1);
	CHECK_U64(cfg.lesson, 10);
	CHECK(strstr(dumped(), " explain=on lesson=10") != NULL);
	CHECK_U64(parse("lesson=12\nlesson=0\nexplain=maybe\n"), 3);
	CHECK_STR(errs[0].detail, "expected one of none|1|2|3|4|5|6|7|8|9|10|11");
	CHECK_U64(cfg.lesson, 0);
	CHECK_U64(LESSON_COUNT, 11);
	CHECK_STR(config_lesson_name(1), "cpuid");
	CHECK_STR(config_lesson_name(10), "linux");
	CHECK_STR(config_lesson_name(11), "optprobe");

	CHECK_U64(parse("suite=fast\nsuite=pmu-check,\nsuite=\nevents=cycles,bogus\n"
			"events=cycles,,instructions\nevents=raw:0xzz\n"
			"events=raw:0x100000000000\nevents=\nicount_shift=11\n"), 9);
	CHECK_STR(errs[0].detail,
		  "expected none or a comma-separated list of pmu-check|quick|full|ftrace|probes|sample");
	CHECK_STR(errs[1].reason, "bad-value");
	CHECK_STR(errs[2].reason, "bad-value");
	CHECK_STR(errs[3].detail, "unknown-event: bogus");
	CHECK_STR(errs[4].detail, "empty-name: ");
	CHECK_STR(errs[5].detail, "raw-not-hex: raw:0xzz");
	CHECK_STR(errs[6].detail, "raw-reserved-bits: raw:0x100000000000");
	CHECK_STR(errs[7].detail, "expected event names, e.g. cycles,instructions");
	CHECK_STR(errs[8].detail, "expected off or 0..10");
	/* Every bad line kept the default. */
	CHECK_STR(dumped(), "serial=on serial_port=0x3f8 results=on exit=auto "
		  "exit_wait=30 inject_fault=none" REST_DEFAULT);
}

/* suite=sample and its keys: a source by name, a period in range. */
static void test_sample_keys(void)
{
	CHECK_U64(parse("suite=sample\nsample_src=timer\nsample_period=1000\n"
			"sample_random=on\n"), 0);
	CHECK_U64(cfg.suite, SUITE_SAMPLE);
	CHECK_U64(cfg.sample_src, 2);
	CHECK_U64(cfg.sample_period, 1000);
	CHECK_U64(cfg.sample_random, 1);
	CHECK(strstr(dumped(), " sample_src=timer sample_period=1000 sample_random=on") != NULL);
	CHECK_U64(parse("sample_period=2147483647\nsample_src=pmi\n"), 0);
	CHECK_U64(cfg.sample_period, 0x7fffffff);
	CHECK_U64(parse("sample_src=nmi\nsample_period=999\nsample_period=2147483648\n"
			"sample_random=2\n"), 4);
	CHECK_STR(errs[0].detail, "expected one of auto|pmi|timer");
	CHECK_STR(errs[1].detail, "expected 1000..2147483647");
	CHECK_STR(errs[2].detail, "expected 1000..2147483647");
	CHECK_STR(errs[3].detail, "expected on or off");
	CHECK_U64(cfg.sample_period, 50000);
}

static void test_whitespace_comments(void)
{
	/* BOM, CRLF, blanks around key and value, a trailing comment, no final
	 * newline. */
	CHECK_U64(parse("\xef\xbb\xbf# pmulab\r\n  exit = qemu   # in CI\r\n"
			"\texit_wait\t=\t5"), 0);
	CHECK_U64(cfg.exit, EXIT_QEMU);
	CHECK_U64(cfg.exit_wait, 5);
}

static void test_errors(void)
{
	const char *text =
		"exit=qemu\n"			/* 1 ok */
		"bogus=1\n"			/* 2 unknown key */
		"serial=maybe\n"		/* 3 bad bool */
		"exit_wait=3601\n"		/* 4 out of range */
		"serial_port=0x10\n"		/* 5 below range */
		"exit=sideways\n"		/* 6 bad enum */
		"results\n"			/* 7 no '=' */
		"=on\n"				/* 8 empty key */
		"exit_wait=-1\n"		/* 9 sign */
		"exit_wait=99999999999\n"	/* 10 overflow */
		"exit=shutdown\n"		/* 11 duplicate: applies */
		"inject_fault=ud\x01\n"		/* 12 control byte */
		"serial_port=0x\n";		/* 13 no digits */

	CHECK_U64(parse(text), 12);
	CHECK_U64(nerrs, 12);
	CHECK_U64(errs[0].line, 2);
	CHECK_STR(errs[0].key, "bogus");
	CHECK_STR(errs[0].reason, "unknown-key");
	CHECK_U64(errs[1].line, 3);
	CHECK_STR(errs[1].reason, "bad-value");
	CHECK_STR(errs[1].detail, "expected on or off");
	CHECK_U64(errs[2].line, 4);
	CHECK_STR(errs[2].detail, "expected 0..3600");
	CHECK_U64(errs[3].line, 5);
	CHECK_STR(errs[3].detail, "expected 0x100..0xfff8");
	CHECK_U64(errs[4].line, 6);
	CHECK_STR(errs[4].detail, "expected one of auto|qemu|shutdown|reboot|return");
	CHECK_U64(errs[5].line, 7);
	CHECK_STR(errs[5].key, "results");
	CHECK_STR(errs[5].reason, "missing-equals");
	CHECK_U64(errs[6].line, 8);
	CHECK_STR(errs[6].reason, "empty-key");
	CHECK_U64(errs[7].line, 9);
	CHECK_STR(errs[7].reason, "bad-value");
	CHECK_U64(errs[8].line, 10);
	CHECK_STR(errs[8].reason, "bad-value");
	CHECK_U64(errs[9].line, 11);
	CHECK_STR(errs[9].reason, "duplicate-key");
	CHECK_U64(errs[10].line, 12);
	CHECK_STR(errs[10].reason, "bad-bytes");
	CHECK_U64(errs[11].line, 13);
	CHECK_STR(errs[11].key, "serial_port");
	/* Bad lines left their settings alone; the duplicate's value applies. */
	CHECK_STR(dumped(), "serial=on serial_port=0x3f8 results=on exit=shutdown "
		  "exit_wait=30 inject_fault=none" REST_DEFAULT);
}

static void test_long_and_binary(void)
{
	char text[1024];

	memset(text, 'a', 600);
	memcpy(text + 600, "=1\nexit=reboot\n", 16);
	CHECK_U64(parse(text), 1);
	CHECK_STR(errs[0].reason, "line-too-long");
	CHECK_U64(errs[0].line, 1);
	CHECK_U64(cfg.exit, EXIT_REBOOT);

	/* Around the limit, with and without '=': a line of CONFIG_LINE_MAX
	 * bytes is read whole (key and value buffers hold it and its NUL),
	 * one more byte is too long. */
	for (size_t len = CONFIG_LINE_MAX - 1; len <= CONFIG_LINE_MAX + 2; len++) {
		for (int eq = 0; eq < 2; eq++) {
			memset(text, 'k', len);
			if (eq)
				text[len - 1] = '=';
			memcpy(text + len, "\nexit=reboot\n", 14);
			CHECK_U64(parse(text), 1);
			CHECK_STR(errs[0].reason, len > CONFIG_LINE_MAX ? "line-too-long" :
				  eq ? "unknown-key" : "missing-equals");
			CHECK_U64(strlen(errs[0].key), len > CONFIG_LINE_MAX ? 0 :
				  sizeof(errs[0].key) - 1);
			CHECK_U64(cfg.exit, EXIT_REBOOT);
		}
	}

	/* A NUL inside the data is a bad byte, not the end of the text. */
	static const char bin[] = "exit=qemu\n\0\0\0\nexit_wait=7\n";
	nerrs = 0;
	config_defaults(&cfg);
	CHECK_U64(config_parse(&cfg, bin, sizeof(bin) - 1, on_error, NULL), 1);
	CHECK_U64(errs[0].line, 2);
	CHECK_STR(errs[0].reason, "bad-bytes");
	CHECK_U64(cfg.exit_wait, 7);
}

int main(void)
{
	test_defaults();
	test_all_keys();
	test_lists_strings();
	test_sample_keys();
	test_whitespace_comments();
	test_errors();
	test_long_and_binary();
	return unit_done("config");
}
