/* The perf stat style views of bench and counter records: records written by
 * the payload's writer, read back by the host parser, rendered as the text
 * report's blocks and as csv (perf stat -x,) lines, and compared byte for byte. */
#include <stdlib.h>
#include "host/stream/parse.h"
#include "lib/record.h"
#include "host/report/report.h"
#include "host/report/stat.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

/* Checks both views of bodies against want_text and want_csv. */
#define CHECK_VIEWS(bodies, want_text, want_csv)                             \
	do {                                                                 \
		struct stream *s_ = stream_of(bodies);                       \
		char *t_ = render(stat_text, s_);                            \
		char *c_ = render(stat_perf_csv, s_);                        \
		CHECK_STR(t_, want_text);                                    \
		CHECK_STR(c_, want_csv);                                     \
		free(t_);                                                    \
		free(c_);                                                    \
		stream_free(s_);                                             \
	} while (0)

static void test_pmu_ipc(void)
{
	static const char *const bodies[] = {
		"bench name=loop suite=pmu-check reps=5 n1=1000 n2=3000 what=add",
		"counter bench=loop event=instructions src=pmu counter=fixed0 "
		"config=0x0 value=2000 min=1990 median=2000 max=2100 runs=5 "
		"total=10000 enabled=50000 running=50000 scaled=10000",
		"counter bench=loop event=cycles src=pmu counter=fixed1 value=4100 "
		"enabled=50000 running=50000",
		"counter bench=loop event=branches src=pmu counter=gp0 value=1234567",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'loop' (suite pmu-check, 5 runs):\n\n"
		"             2,000      instructions               # pmu fixed0   0.49 insn per cycle\n"
		"             4,100      cycles                     # pmu fixed1\n"
		"         1,234,567      branches                   # pmu gp0\n",
		"2000,,instructions,50000,100.00,0.49,insn per cycle,loop,pmu\n"
		"4100,,cycles,50000,100.00,,,loop,pmu\n"
		"1234567,,branches,0,100.00,,,loop,pmu\n");
}

/* src=none is <not supported> with its reason; a measuring source without
 * a value is <not counted>, never a number. */
static void test_not_supported(void)
{
	static const char *const bodies[] = {
		"bench name=nop reps=1",
		"counter bench=nop event=cycles src=none reason=no-arch-pmu",
		"counter bench=nop event=ref-cycles src=none reason=needs-fixed-counter-2",
		"counter bench=nop event=raw:0x01c0 src=none",
		"counter bench=nop event=instructions src=pmu counter=fixed0",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'nop' (1 run):\n\n"
		"   <not supported>      cycles                     # none: no-arch-pmu\n"
		"   <not supported>      ref-cycles                 # none: needs-fixed-counter-2\n"
		"   <not supported>      raw:0x01c0                 # none\n"
		"     <not counted>      instructions               # pmu fixed0\n",
		"<not supported>,,cycles,0,100.00,,,nop,none\n"
		"<not supported>,,ref-cycles,0,100.00,,,nop,none\n"
		"<not supported>,,raw:0x01c0,0,100.00,,,nop,none\n"
		"<not counted>,,instructions,0,100.00,,,nop,pmu\n");
}

/* running < enabled: perf's "(NN.NN%)" of time counted; equal: nothing. */
static void test_multiplexed(void)
{
	static const char *const bodies[] = {
		"bench name=mux suite=s reps=3",
		"counter bench=mux event=branches src=pmu counter=gp0 value=1000 "
		"runs=3 total=3000 enabled=90000 running=60000 scaled=4500",
		"counter bench=mux event=branch-misses src=pmu counter=gp1 value=3 "
		"enabled=90000 running=30000",
		"counter bench=mux event=cycles src=pmu counter=fixed1 value=7 "
		"enabled=90000 running=90000",
		"counter bench=mux event=cache-misses src=pmu counter=gp2 value=8 "
		"enabled=90000 running=0",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'mux' (suite s, 3 runs):\n\n"
		"             1,000      branches                   # pmu gp0"
		"                                      (66.67%)\n"
		"                 3      branch-misses              # pmu gp1      0.30% of all branches"
		"           (33.33%)\n"
		"                 7      cycles                     # pmu fixed1\n"
		"                 8      cache-misses               # pmu gp2"
		"                                      (0.00%)\n",
		"1000,,branches,60000,66.67,,,mux,pmu\n"
		"3,,branch-misses,30000,33.33,0.30,of all branches,mux,pmu\n"
		"7,,cycles,90000,100.00,,,mux,pmu\n"
		"8,,cache-misses,0,0.00,,,mux,pmu\n");
}

/* An exact icount instruction count beside an unsupported PMU row for the
 * same event: both shown; the IPC uses the counted one. */
static void test_icount(void)
{
	static const char *const bodies[] = {
		"bench name=loop suite=pmu-check reps=5",
		"counter bench=loop event=instructions src=icount value=2000 runs=5",
		"counter bench=loop event=instructions src=none reason=no-arch-pmu",
		"counter bench=loop event=cycles src=none reason=no-arch-pmu",
		"counter bench=loop event=cycles src=pmu counter=fixed1 value=4100",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'loop' (suite pmu-check, 5 runs):\n\n"
		"             2,000      instructions               # icount       0.49 insn per cycle"
		"             (exact)\n"
		"   <not supported>      instructions               # none: no-arch-pmu\n"
		"   <not supported>      cycles                     # none: no-arch-pmu\n"
		"             4,100      cycles                     # pmu fixed1\n",
		"2000,,instructions,0,100.00,0.49,insn per cycle,loop,icount\n"
		"<not supported>,,instructions,0,100.00,,,loop,none\n"
		"<not supported>,,cycles,0,100.00,,,loop,none\n"
		"4100,,cycles,0,100.00,,,loop,pmu\n");
}

/* Counters of a bench with no bench record get a block of that name, in
 * stream order; a bench record without counters still gets its block. */
static void test_orphans(void)
{
	static const char *const bodies[] = {
		"counter bench=early event=instructions src=pmu counter=fixed0 value=5",
		"bench name=empty",
		"bench name=late suite=x",
		"counter bench=ghost event=cycles src=pmu counter=fixed1 value=10",
		"counter bench=late event=cycles src=pmu counter=fixed1 value=20",
		"counter event=branches src=pmu value=1",
		"counter bench=early event=cycles src=pmu counter=fixed1 value=10",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'early' (no bench record):\n\n"
		"                 5      instructions               # pmu fixed0   0.50 insn per cycle\n"
		"                10      cycles                     # pmu fixed1\n"
		"\n Performance counter stats for bench 'empty':\n\n"
		"    (no counter records)\n"
		"\n Performance counter stats for bench 'late' (suite x):\n\n"
		"                20      cycles                     # pmu fixed1\n"
		"\n Performance counter stats for bench 'ghost' (no bench record):\n\n"
		"                10      cycles                     # pmu fixed1\n"
		"\n Performance counter stats for counters without a bench:\n\n"
		"                 1      branches                   # pmu\n",
		"5,,instructions,0,100.00,0.50,insn per cycle,early,pmu\n"
		"10,,cycles,0,100.00,,,early,pmu\n"
		"20,,cycles,0,100.00,,,late,pmu\n"
		"10,,cycles,0,100.00,,,ghost,pmu\n"
		"1,,branches,0,100.00,,,,pmu\n");
}

/* A bench run twice: each counter belongs to the latest bench record of its
 * name before it. Operands never cross benches. */
static void test_repeated_bench(void)
{
	static const char *const bodies[] = {
		"bench name=b reps=1",
		"counter bench=b event=instructions src=pmu value=10",
		"bench name=b reps=2",
		"counter bench=b event=cycles src=pmu value=5",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'b' (1 run):\n\n"
		"                10      instructions               # pmu\n"
		"\n Performance counter stats for bench 'b' (2 runs):\n\n"
		"                 5      cycles                     # pmu\n",
		"10,,instructions,0,100.00,,,b,pmu\n"
		"5,,cycles,0,100.00,,,b,pmu\n");
}

/* No metric without both operands counted: a missing denominator, one from
 * src=none, a zero one, and a value that is no number (shown as received). */
static void test_metric_suppressed(void)
{
	static const char *const bodies[] = {
		"bench name=m",
		"counter bench=m event=branch-misses src=pmu counter=gp1 value=3",
		"counter bench=m event=cache-misses src=pmu value=4",
		"counter bench=m event=cache-references src=none reason=unknown-event",
		"counter bench=m event=LLC-load-misses src=pmu value=2",
		"counter bench=m event=LLC-loads src=pmu value=0",
		"counter bench=m event=instructions src=pmu value=12x",
		"counter bench=m event=cycles src=pmu value=6",
		"counter bench=m event=dTLB-load-misses src=none value=9",
		"counter bench=m event=dTLB-loads src=pmu value=90",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'm':\n\n"
		"                 3      branch-misses              # pmu gp1\n"
		"                 4      cache-misses               # pmu\n"
		"   <not supported>      cache-references           # none: unknown-event\n"
		"                 2      LLC-load-misses            # pmu\n"
		"                 0      LLC-loads                  # pmu\n"
		"               12x      instructions               # pmu\n"
		"                 6      cycles                     # pmu\n"
		"                 9      dTLB-load-misses           # none\n"
		"                90      dTLB-loads                 # pmu\n",
		"3,,branch-misses,0,100.00,,,m,pmu\n"
		"4,,cache-misses,0,100.00,,,m,pmu\n"
		"<not supported>,,cache-references,0,100.00,,,m,none\n"
		"2,,LLC-load-misses,0,100.00,,,m,pmu\n"
		"0,,LLC-loads,0,100.00,,,m,pmu\n"
		"<not counted>,,instructions,0,100.00,,,m,pmu\n"
		"6,,cycles,0,100.00,,,m,pmu\n"
		"9,,dTLB-load-misses,0,100.00,,,m,none\n"
		"90,,dTLB-loads,0,100.00,,,m,pmu\n");
}

/* Every metric perf shows for these events, perf's aliases included, and
 * the denominator of the numerator's own source preferred. */
static void test_metrics(void)
{
	static const char *const bodies[] = {
		"bench name=all",
		"counter bench=all event=cpu-cycles src=pmu value=400",
		"counter bench=all event=instructions src=icount value=100",
		"counter bench=all event=branch-instructions src=pmu value=200",
		"counter bench=all event=branch-misses src=pmu value=1",
		"counter bench=all event=cache-references src=pmu value=50",
		"counter bench=all event=cache-misses src=pmu value=5",
		"counter bench=all event=L1-dcache-loads src=pmu value=1000",
		"counter bench=all event=L1-dcache-load-misses src=pmu value=333",
		"counter bench=all event=LLC-loads src=pmu value=8",
		"counter bench=all event=LLC-load-misses src=pmu value=8",
		"counter bench=all event=dTLB-loads src=pmu value=3",
		"counter bench=all event=dTLB-load-misses src=pmu value=1",
		"counter bench=all event=cycles src=icount value=50",
		NULL,
	};

	CHECK_VIEWS(bodies,
		"\n Performance counter stats for bench 'all':\n\n"
		"               400      cpu-cycles                 # pmu\n"
		"               100      instructions               # icount       2.00 insn per cycle"
		"             (exact)\n"
		"               200      branch-instructions        # pmu\n"
		"                 1      branch-misses              # pmu          0.50% of all branches\n"
		"                50      cache-references           # pmu\n"
		"                 5      cache-misses               # pmu         10.00% of all cache refs\n"
		"             1,000      L1-dcache-loads            # pmu\n"
		"               333      L1-dcache-load-misses      # pmu         33.30% of all L1-dcache accesses\n"
		"                 8      LLC-loads                  # pmu\n"
		"                 8      LLC-load-misses            # pmu        100.00% of all LL-cache accesses\n"
		"                 3      dTLB-loads                 # pmu\n"
		"                 1      dTLB-load-misses           # pmu         33.33% of all dTLB cache accesses\n"
		"                50      cycles                     # icount                                       (exact)\n",
		"400,,cpu-cycles,0,100.00,,,all,pmu\n"
		"100,,instructions,0,100.00,2.00,insn per cycle,all,icount\n"
		"200,,branch-instructions,0,100.00,,,all,pmu\n"
		"1,,branch-misses,0,100.00,0.50,of all branches,all,pmu\n"
		"50,,cache-references,0,100.00,,,all,pmu\n"
		"5,,cache-misses,0,100.00,10.00,of all cache refs,all,pmu\n"
		"1000,,L1-dcache-loads,0,100.00,,,all,pmu\n"
		"333,,L1-dcache-load-misses,0,100.00,33.30,of all L1-dcache accesses,all,pmu\n"
		"8,,LLC-loads,0,100.00,,,all,pmu\n"
		"8,,LLC-load-misses,0,100.00,100.00,of all LL-cache accesses,all,pmu\n"
		"3,,dTLB-loads,0,100.00,,,all,pmu\n"
		"1,,dTLB-load-misses,0,100.00,33.33,of all dTLB cache accesses,all,pmu\n"
		"50,,cycles,0,100.00,,,all,icount\n");
}

/* Names and values with spaces, quotes, commas and control bytes reach
 * neither a terminal nor a CSV cell raw. */
static void test_escaping(void)
{
	static const char *const none[] = { NULL };
	struct rec r;

	rec_begin(&r, "bench");
	rec_str(&r, "name", "two words");
	rec_str(&r, "suite", "a\x1b[2Jb");
	rec_end(&r);
	rec_begin(&r, "counter");
	rec_str(&r, "bench", "two words");
	rec_str(&r, "event", "cpu/event=0x3c,umask=0/");
	rec_str(&r, "src", "pmu");
	rec_str(&r, "counter", "gp\n0");
	rec_str(&r, "value", "1\"2");
	rec_end(&r);
	CHECK_VIEWS(none,
		"\n Performance counter stats for bench \"two words\" (suite \"a\\x1b[2Jb\"):\n\n"
		"            \"1\\\"2\"      cpu/event=0x3c,umask=0/    # pmu \"gp\\x0a0\"\n",
		"<not counted>,,\"cpu/event=0x3c,umask=0/\",0,100.00,,,two words,pmu\n");
}

/* A signed count (a model's n2 - n1 can be below 0) is still a number
 * for perf's grammar; a value that is no number is <not counted>. */
static void test_csv_values(void)
{
	static const char *const bodies[] = {
		"counter bench=m event=branch-misses src=model value=-3",
		"counter bench=m event=branches src=model value=1.5",
		"counter bench=m event=cycles src=pmu value=-",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *buf = render(stat_perf_csv, s);

	CHECK_STR(buf, "-3,,branch-misses,0,100.00,,,m,model\n"
		       "1.5,,branches,0,100.00,,,m,model\n"
		       "<not counted>,,cycles,0,100.00,,,m,pmu\n");
	free(buf);
	stream_free(s);
}

/* The format's name, where the text report puts the blocks, and streams
 * without bench or counter records. */
static void test_report(void)
{
	static const char *const plain[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"end count=1 status=ok",
		NULL,
	};
	static const char *const counters[] = {
		"bench name=x",
		"counter bench=x event=cycles src=pmu value=1",
		NULL,
	};
	enum report_format fmt = REPORT_TEXT;
	struct stream *s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK(report_format_parse("csv", &fmt) == 0 && fmt == REPORT_CSV);
	CHECK(report_format_parse("records-csv", &fmt) == 0 && fmt == REPORT_RECORDS_CSV);
	CHECK(report_format_parse("perf", &fmt) < 0);
	CHECK(report_format_parse("perf-stat", &fmt) == 0 && fmt == REPORT_PERF_STAT);
	CHECK(report_format_parse("records", &fmt) == 0 && fmt == REPORT_RECORDS);

	s = stream_of(plain);
	buf = render(stat_text, s);
	CHECK_STR(buf, "");
	free(buf);
	buf = render(stat_perf_csv, s);
	CHECK_STR(buf, "");
	free(buf);
	stream_free(s);

	s = stream_of(counters);
	f = open_memstream(&buf, &len);
	report_print(f, s, REPORT_PERF_STAT, NULL);
	fclose(f);
	/* The tables come before the end record's line: the verdict stays last. */
	CHECK(len > 0 && strstr(buf, "\n\n Performance counter stats "
				     "for bench 'x':\n\n                 1      cycles "
				     "                    # pmu\n\nend") != NULL);
	CHECK(len > 0 && strstr(buf, "\nresult    PARTIAL\n") == buf + len - 19);
	free(buf);
	f = open_memstream(&buf, &len);
	report_print(f, s, REPORT_RECORDS_CSV, NULL);
	fclose(f);
	CHECK(strstr(buf, "Performance") == NULL && strstr(buf, "\n#") == NULL);
	free(buf);
	stream_free(s);
}

/* stat_owners(), the grouping the plots use: a counter belongs to the
 * latest bench record of its name before it, else the first after it, and
 * to none when no bench record has its name. */
static void test_owners(void)
{
	static const char *const bodies[] = {
		"counter bench=b event=cycles src=pmu value=1",
		"bench name=b",
		"counter bench=b event=cycles src=pmu value=2",
		"bench name=b",
		"counter bench=b event=cycles src=pmu value=3",
		"counter bench=ghost event=cycles src=pmu value=4",
		"bench name=b",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	size_t *own = stat_owners(s);

	CHECK_U64(own[0], 1);
	CHECK_U64(own[1], 7);
	CHECK_U64(own[2], 1);
	CHECK_U64(own[3], 7);
	CHECK_U64(own[4], 3);
	CHECK_U64(own[5], 7);
	CHECK_U64(own[6], 7);
	free(own);
	stream_free(s);
}

/* A TCG stream's tables start with the note that its timings are emulated;
 * a KVM or bare-metal one's do not. */
static void test_emulated_note(void)
{
	static const char *const tcg[] = {
		"cpu vendor=GenuineIntel hypervisor=TCGTCGTCGTCG",
		"bench name=x suite=s reps=1",
		"counter bench=x event=instructions src=icount value=5",
		NULL,
	};
	static const char *const kvm[] = {
		"cpu vendor=GenuineIntel hypervisor=KVMKVMKVM",
		"bench name=x suite=s reps=1",
		NULL,
	};
	struct stream *s = stream_of(tcg);
	char *buf = render(stat_text, s);

	CHECK(stat_emulated(s));
	CHECK(strncmp(buf, "\n Note: QEMU TCG emulates this CPU.", 34) == 0);
	free(buf);
	stream_free(s);
	s = stream_of(kvm);
	buf = render(stat_text, s);
	CHECK(!stat_emulated(s));
	CHECK(strstr(buf, "Note") == NULL);
	free(buf);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_pmu_ipc();
	test_not_supported();
	test_multiplexed();
	test_icount();
	test_orphans();
	test_repeated_bench();
	test_metric_suppressed();
	test_metrics();
	test_escaping();
	test_csv_values();
	test_report();
	test_owners();
	test_emulated_note();
	return unit_done("stat");
}
