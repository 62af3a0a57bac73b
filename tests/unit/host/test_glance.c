/* The default text report (glance.c): a table per suite with each cell's
 * source, the events nothing counted on one line with the reason, the
 * checks folded, a sampled run's profile; every record in --format records. */
#include <stdlib.h>
#include <string.h>
#include "host/report/report.h"
#include "lib/record.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

static char *print(const struct stream *s, enum report_format fmt, bool verbose)
{
	struct report_meta meta = { .boot_to_end_s = -1, .verbose = verbose };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_print(f, s, fmt, &meta);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Two suites, three benches; cycles and branches counted by nothing. */
static const char *const run[] = {
	"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
	"cpu vendor=GenuineIntel brand=Skylake signature=0x506e3 hypervisor=TCGTCGTCGTCG",
	"pmu present=0 reason=no-arch-pmu",
	"lbr present=0 reason=no-pdcm",
	"bench name=check-loop suite=pmu-check reps=3 iters=2000",
	"counter bench=check-loop event=cycles src=none reason=no-arch-pmu",
	"counter bench=check-loop event=instructions src=icount value=4000",
	"bench name=loop suite=quick reps=3 iters=10000",
	"counter bench=loop event=cycles src=none reason=no-arch-pmu",
	"counter bench=loop event=branches src=none reason=no-arch-pmu",
	"counter bench=loop event=instructions src=icount value=20000",
	"bench name=chase-64KiB suite=quick reps=3 iters=4096",
	"counter bench=chase-64KiB event=cycles src=none reason=no-arch-pmu",
	"counter bench=chase-64KiB event=instructions src=icount value=12288",
	"counter bench=chase-64KiB event=L1-dcache-load-misses src=model value=2048",
	"check name=pmu.cycles result=skip section=pmu-check reason=no-arch-pmu",
	"check name=pmu.branches result=skip section=pmu-check reason=no-arch-pmu",
	"check name=lbr.callchain result=skip section=lbr-check reason=no-pdcm",
	"check name=icount.loop result=pass section=benches value=20000 expect=20000",
	"check name=icount.chase result=fail section=benches value=1 expect=2",
	"end count=21 status=error",
	NULL,
};

static void test_tables(void)
{
	struct stream *s = stream_of(run);
	char *text = print(s, REPORT_TEXT, false);

	CHECK(strstr(text, "\nsources: i=icount, m=model\n") != NULL);
	CHECK(strstr(text, "\nsuite pmu-check: 1 bench, counts per iteration\n"
			   "  bench       instructions\n"
			   "  check-loop           2 i\n") != NULL);
	/* A bench without a count of a column's event: '-'. Per iteration:
	 * 2048 misses over 4096 loads is 0.50. */
	CHECK(strstr(text, "\nsuite quick: 2 benches, counts per iteration\n"
			   "  bench        instructions  L1-dcache-load-misses\n"
			   "  loop                  2 i                      -\n"
			   "  chase-64KiB           3 i                 0.50 m\n") != NULL);
	/* Each event nothing counted once, whatever the number of benches. */
	CHECK(strstr(text, "\nnot counted: cycles, branches (no-arch-pmu: this CPU has no "
			   "architectural PMU (CPUID.0AH))\n") != NULL);
	CHECK_U64(count(text, " cycles"), 1);
	CHECK(strstr(text, "<not supported>") == NULL);
	CHECK(strstr(text, "\npmu       none (no-arch-pmu); lbr no-pdcm\n") != NULL);
	free(text);
	stream_free(s);
}

/* The widest line of text. */
static size_t widest(const char *text)
{
	size_t w = 0;

	for (const char *p = text; *p; p += *p == '\n') {
		size_t n = strcspn(p, "\n");

		w = n > w ? n : w;
		p += n;
	}
	return w;
}

/* The columns of the events the run asked for (config events=) that count
 * something; the asked ones every bench counted 0 of on a line, the model's
 * others on a line; --verbose gives every one a column, in tables no wider
 * than a terminal. */
static void test_folded(void)
{
	static const char *const folded[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"config source=file suite=quick events=cycles,instructions,branch-misses,"
		"cache-misses",
		"cpu vendor=AuthenticAMD brand=EPYC signature=0x800f12 hypervisor=none",
		"cache level=1 type=data size=32768 ways=8 line=64 sets=64",
		"cache level=1 type=instruction size=65536 ways=4 line=64 sets=256",
		"cache level=3 type=unified size=100663296 ways=12 line=64 sets=131072",
		"cache level=4 type=unified size=1000 ways=1 line=8 sets=125",
		"bench name=loop suite=quick reps=3 iters=10",
		"counter bench=loop event=cycles src=none reason=no-arch-pmu",
		"counter bench=loop event=instructions src=icount value=20",
		"counter bench=loop event=branch-misses src=model value=0",
		"counter bench=loop event=cache-misses src=model value=10",
		"counter bench=loop event=branches-conditional-taken src=model value=10",
		"counter bench=loop event=L1-dcache-store-misses-of-a-long-name src=model value=0",
		"counter bench=loop event=LLC-icache-load-misses-of-a-long-name src=model value=0",
		"counter bench=loop event=branch-misses-indirect-of-a-long-name src=model value=0",
		"counter bench=loop event=L1-icache-load-misses-of-a-long-name src=model value=0",
		"bench name=chase suite=quick reps=3 iters=10",
		"counter bench=chase event=instructions src=icount value=30",
		"counter bench=chase event=branch-misses src=model value=0",
		"counter bench=chase event=cache-misses src=model value=5",
		"end count=21 status=ok",
		NULL,
	};
	struct stream *s = stream_of(folded);
	char *text = print(s, REPORT_TEXT, false), *all;

	/* The caches under the machine, each in its largest whole unit. */
	CHECK(strstr(text, "\ncpu       EPYC (0x800f12, hypervisor none)\n"
			   "caches    L1d 32K 8-way, L1i 64K 4-way, L3 96M 12-way, L4 1000 1-way\n")
	      != NULL);
	CHECK(strstr(text, "\nsuite quick: 2 benches, counts per iteration\n"
			   "  bench  instructions  cache-misses\n"
			   "  loop            2 i           1 m\n"
			   "  chase           3 i        0.50 m\n"
			   "  0 in every bench: branch-misses\n") != NULL);
	CHECK(strstr(text, "\nalso counted (--verbose shows them):\n"
			   "  branches-conditional-taken, L1-dcache-store-misses-of-a-long-name,\n"
			   "  LLC-icache-load-misses-of-a-long-name, "
			   "branch-misses-indirect-of-a-long-name,\n"
			   "  L1-icache-load-misses-of-a-long-name\n") != NULL);
	CHECK(strstr(text, "\nnot counted: cycles (no-arch-pmu") != NULL);
	CHECK_U64(count(text, "branches-conditional-taken"), 1);
	all = print(s, REPORT_TEXT, true);
	/* Eight columns: cut into two tables, each with the bench column. */
	CHECK(strstr(all, "\n  bench  instructions  branch-misses  cache-misses  "
			  "branches-conditional-taken  L1-dcache-store-misses-of-a-long-name  "
			  "LLC-icache-load-misses-of-a-long-name\n"
			  "  loop            2 i            0 m           1 m                         1 m"
			  "                                    0 m                                    0 m\n")
	      != NULL);
	CHECK(strstr(all, "\n  bench  branch-misses-indirect-of-a-long-name  "
			  "L1-icache-load-misses-of-a-long-name\n"
			  "  loop                                     0 m                                   0 m\n"
			  "  chase                                      -                                     -\n")
	      != NULL);
	CHECK(strstr(all, "also counted") == NULL && strstr(all, "0 in every bench") == NULL);
	CHECK(widest(all) <= 160);
	CHECK(widest(text) <= 160);
	free(all);
	free(text);
	stream_free(s);
}

/* A suite whose asked events all counted 0 still lists its benches. */
static void test_all_folded(void)
{
	static const char *const zeros[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"config source=file suite=quick events=branch-misses",
		"bench name=loop suite=quick reps=3 iters=10",
		"counter bench=loop event=branch-misses src=model value=0",
		"end count=4 status=ok",
		NULL,
	};
	struct stream *s = stream_of(zeros);
	char *text = print(s, REPORT_TEXT, false);

	CHECK(strstr(text, "\nsuite quick: 1 bench, counts per iteration\n"
			   "  bench\n"
			   "  loop \n"
			   "  0 in every bench: branch-misses\n") != NULL);
	free(text);
	stream_free(s);
}

static void test_checks(void)
{
	struct stream *s = stream_of(run);
	char *text = print(s, REPORT_TEXT, false), *all;

	CHECK(strstr(text, "\nchecks    5: 1 pass, 1 fail, 3 skip\n"
			   "  FAIL    name=icount.chase section=benches value=1 expect=2\n"
			   "  skip 2 (no-arch-pmu): pmu.cycles, pmu.branches\n"
			   "  skip 1 (no-pdcm): lbr.callchain\n") != NULL);
	CHECK(strstr(text, "icount.loop") == NULL);
	CHECK(strstr(text, "\nresult    ERROR\n") != NULL);
	all = print(s, REPORT_TEXT, true);
	CHECK(strstr(all, "  PASS    name=icount.loop section=benches") != NULL);
	free(all);
	/* Every record, and perf stat's blocks, stay a --format away. */
	all = print(s, REPORT_RECORDS, false);
	CHECK(strstr(all, "  PASS    icount.loop section=benches") != NULL);
	CHECK(strstr(all, "Performance counter stats for bench 'loop'") != NULL);
	free(all);
	all = print(s, REPORT_PERF_STAT, false);
	CHECK_U64(count(all, "<not supported>"), 4);
	CHECK(strstr(all, "PASS") == NULL);
	free(all);
	free(text);
	stream_free(s);
}

static void test_profile(void)
{
	static const char *const sampled[] = {
		"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu",
		"sampling run=spin src=timer period=1000 unit=tsc-ticks samples=3",
		"sample run=spin src=timer idx=0 rip=0x1 sym=hot+0x1 stack=main+0x5",
		"sample run=spin src=timer idx=1 rip=0x1 sym=hot+0x1 stack=main+0x5",
		"sample run=spin src=timer idx=2 rip=0x2 sym=cold+0x2 stack=main+0x9",
		"ftrace sites=8 converted=8",
		"end count=6 status=ok",
		NULL,
	};
	struct stream *s = stream_of(sampled);
	char *text = print(s, REPORT_TEXT, false), *all;

	CHECK(strstr(text, "# Samples: 3 of run 'spin'\n") != NULL);
	CHECK(strstr(text, "hot") != NULL && strstr(text, "cold") != NULL);
	CHECK(strstr(text, "idx=") == NULL);
	CHECK(strstr(text, "\nrecords   ftrace 1 (--format records shows them)\n") != NULL);
	all = print(s, REPORT_TEXT, true);
	CHECK_U64(count(all, "\nsample    run=spin"), 3);
	free(all);
	free(text);
	stream_free(s);
}

/* Bytes a record carries reach the terminal escaped, as report_value shows
 * them: names, values, reasons and the machine's fields. */
static void test_hostile(void)
{
	static const char *const none[] = { NULL };
	struct stream *s;
	struct rec r;
	char *text;

	rec_begin(&r, "cpu");
	rec_str(&r, "brand", "\x1b[2J");
	rec_end(&r);
	rec_begin(&r, "bench");
	rec_str(&r, "name", "b\x1b]0;x\x07");
	rec_str(&r, "suite", "s\x1b");
	rec_end(&r);
	rec_begin(&r, "counter");
	rec_str(&r, "bench", "b\x1b]0;x\x07");
	rec_str(&r, "event", "e\x1b");
	rec_str(&r, "src", "icount");
	rec_str(&r, "value", "1\x1b");
	rec_end(&r);
	rec_begin(&r, "counter");
	rec_str(&r, "bench", "b\x1b]0;x\x07");
	rec_str(&r, "event", "f\x1b");
	rec_str(&r, "src", "none");
	rec_str(&r, "reason", "r\x1b");
	rec_end(&r);
	rec_begin(&r, "check");
	rec_str(&r, "name", "c\x1b");
	rec_str(&r, "result", "skip");
	rec_str(&r, "reason", "q\x1b");
	rec_end(&r);
	s = stream_of(none);
	text = print(s, REPORT_TEXT, false);
	CHECK(strchr(text, 0x1b) == NULL && strchr(text, 0x07) == NULL);
	CHECK(strstr(text, "\"b\\x1b]0;x\\x07\"") != NULL);
	CHECK(strstr(text, "not counted: \"f\\x1b\" (\"r\\x1b\")\n") != NULL);
	free(text);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_tables();
	test_folded();
	test_all_folded();
	test_checks();
	test_profile();
	test_hostile();
	return unit_done("glance");
}
