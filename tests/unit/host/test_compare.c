/* pmulab compare's logic: the tolerance file and the pairing verdicts. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/compare/pair.h"
#include "lib/record.h"
#include "tests/unit/models/streams.h"

static const char tolerances[] =
	"# comment line\n"
	"\n"
	"instructions hw 0.1%  interrupts add a few\n"
	"cycles       hw 5%    frequency moves\n"
	"*            hw 10%   anything else\n"
	"L1-dcache-load-misses exact 2% plugin and cachegrind differ in replacement\n";

static void test_tolerance_parse(void)
{
	struct tol_table t;
	char err[128];
	const struct tol_entry *e;

	CHECK(tol_parse(tolerances, &t, err, sizeof(err)) == 0);
	CHECK_U64(t.n, 4);
	e = tol_find(&t, "instructions", TOL_HW);
	CHECK(e && e->pct == 0.1);
	CHECK_STR(e ? e->reason : NULL, "interrupts add a few");
	e = tol_find(&t, "branch-misses", TOL_HW);
	CHECK(e && e->pct == 10 && !strcmp(e->event, "*"));
	CHECK(tol_find(&t, "instructions", TOL_EXACT) == NULL);
	e = tol_find(&t, "L1-dcache-load-misses", TOL_EXACT);
	CHECK(e && e->pct == 2);
	tol_free(&t);

	CHECK(tol_parse("instructions hw 0 exact in user mode\n", &t, err, sizeof(err)) == 0);
	CHECK(t.n == 1 && t.e[0].pct == 0);
	tol_free(&t);

	/* A profile share's line is found in its own scope only. */
	CHECK(tol_parse("share profile 5% noise\n* hw 10% any\n", &t, err, sizeof(err)) == 0);
	e = tol_find(&t, "share", TOL_PROFILE);
	CHECK(e && e->pct == 5 && e->scope == TOL_PROFILE && !strcmp(e->reason, "noise"));
	e = tol_find(&t, "share", TOL_HW);
	CHECK(e && e->pct == 10);
	CHECK(!tol_find(&t, "share", TOL_EXACT));
	tol_free(&t);
}

static void test_tolerance_errors(void)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "instructions hw 0.1%\n", "line 1: expected EVENT hw|exact|profile TOLERANCE REASON" },
		{ "# c\ncycles sw 5% why\n", "line 2: scope 'sw': use hw, exact or profile" },
		{ "share profile 5% a\nshare profile 4% b\n", "line 2: share profile listed twice" },
		{ "cycles hw 5 no percent sign\n", "line 1: tolerance '5': use N% (0 to 1000) or 0" },
		{ "cycles hw -1% negative\n", "line 1: tolerance '-1%': use N% (0 to 1000) or 0" },
		{ "cycles hw x% what\n", "line 1: tolerance 'x%': use N% (0 to 1000) or 0" },
		{ "cycles hw 5% a\ncycles hw 6% b\n", "line 2: cycles hw listed twice" },
	};
	struct tol_table t;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK(tol_parse(bad[i].text, &t, err, sizeof(err)) < 0);
		CHECK_STR(err, bad[i].err);
		CHECK(t.e == NULL && t.n == 0);
	}
}

static const struct cmp_row *row(const struct cmp_result *r, const char *bench,
				 const char *event)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rows[i].bench, bench) && !strcmp(r->rows[i].event, event))
			return &r->rows[i];
	return NULL;
}

static void test_pairing(void)
{
	static const char *const a_recs[] = {
		"hello format=1 boot=qemu",
		"bench name=loop iters=10000 method=difference",
		"counter bench=loop event=instructions src=none reason=no-arch-pmu",
		"counter bench=loop event=instructions src=icount value=20000",
		"counter bench=loop event=cycles src=pmu value=10000",
		"counter bench=loop event=branch-misses src=pmu value=100",
		"counter bench=loop event=branches src=none reason=no-arch-pmu",
		"bench name=overhead iters=1 method=single",
		"counter bench=overhead event=instructions src=icount value=40",
		"bench name=chase-4KiB iters=4096 method=difference",
		"counter bench=chase-4KiB event=instructions src=icount value=12288",
		"bench name=only-a iters=1 method=difference",
		"probe name=kp target=tr_leaf+0x0 kind=kprobe hits=100 calls=100 insns_per_hit=300 base_insns=3",
		"end count=13 status=ok",
		NULL,
	};
	static const char *const b_recs[] = {
		"hello format=1 boot=linux",
		"bench name=loop iters=10000 method=difference",
		"counter bench=loop event=instructions src=valgrind value=20000",
		"counter bench=loop event=cycles src=perf value=10400",
		"counter bench=loop event=branch-misses src=perf value=120",
		"counter bench=loop event=branches src=perf value=10000",
		"bench name=overhead iters=1 method=single",
		"counter bench=overhead event=instructions src=valgrind value=17",
		"bench name=chase-4KiB iters=8192 method=difference",
		"counter bench=chase-4KiB event=instructions src=valgrind value=24576",
		"probe name=uprobe-tr_leaf target=tr_leaf+0x0 kind=uprobe hits=99 calls=100 ratio=483.08",
		"end count=10 status=ok",
		NULL,
	};
	struct stream *a = stream_of(a_recs), *b = stream_of(b_recs);
	struct tol_table t;
	struct cmp_result r;
	const struct cmp_row *x;
	char err[128];

	CHECK(tol_parse(tolerances, &t, err, sizeof(err)) == 0);
	cmp_pair(a, b, &t, &r);

	/* icount against valgrind: exact, the icount record beats src=none. */
	x = row(&r, "loop", "instructions");
	CHECK(x && x->verdict == CMP_MATCH && !strcmp(x->src_a, "icount") &&
	      !strcmp(x->src_b, "valgrind"));
	/* 4% of cycles is within 5%; 20% of branch-misses beyond the * 10%. */
	x = row(&r, "loop", "cycles");
	CHECK(x && x->verdict == CMP_WITHIN && x->tol_pct == 5 && fabs(x->pct - 4) < 1e-9);
	x = row(&r, "loop", "branch-misses");
	CHECK(x && x->verdict == CMP_DIFFER && x->tol_pct == 10 && x->diff == 20);
	/* src=none on one side: n/a with its reason. */
	x = row(&r, "loop", "branches");
	CHECK(x && x->verdict == CMP_NA);
	CHECK_STR(x ? x->why : NULL, "A: no-arch-pmu");
	/* The method's own overhead is not compared. */
	x = row(&r, "overhead", "instructions");
	CHECK(x && x->verdict == CMP_NA);
	/* Different iteration counts are a disagreement, named. */
	x = row(&r, "chase-4KiB", "instructions");
	CHECK(x && x->verdict == CMP_DIFFER);
	CHECK_STR(x ? x->why : NULL, "iters differ: A 4096, B 8192");
	/* Probes pair by target: hits must be equal; ratios side by side. */
	x = row(&r, "tr_leaf+0x0", "hits");
	CHECK(x && x->probe && x->verdict == CMP_DIFFER && x->a == 100 && x->b == 99);
	CHECK_STR(x ? x->ratio_a : NULL, "100.00");
	CHECK_STR(x ? x->ratio_b : NULL, "483.08");
	CHECK_U64(r.only_a, 1);
	CHECK_U64(r.only_b, 0);
	CHECK_U64(r.counts[CMP_MATCH], 1);
	CHECK_U64(r.counts[CMP_WITHIN], 1);
	CHECK_U64(r.counts[CMP_DIFFER], 3);
	CHECK_U64(r.counts[CMP_NA], 2);
	cmp_free(&r);
	stream_free(a);
	stream_free(b);
	tol_free(&t);
}

static void test_exact_needs_equal(void)
{
	static const char *const a_recs[] = {
		"bench name=b iters=10 method=difference",
		"counter bench=b event=L1-dcache-load-misses src=model value=100",
		"counter bench=b event=branches-conditional src=model value=100",
		"counter bench=b event=instructions src=pmu value=0",
		NULL,
	};
	static const char *const b_recs[] = {
		"bench name=b iters=10 method=difference",
		"counter bench=b event=L1-dcache-load-misses src=model value=101",
		"counter bench=b event=branches-conditional src=model value=101",
		"counter bench=b event=instructions src=perf value=5",
		NULL,
	};
	struct stream *a = stream_of(a_recs), *b = stream_of(b_recs);
	struct tol_table t;
	struct cmp_result r;
	const struct cmp_row *x;
	char err[128];

	CHECK(tol_parse(tolerances, &t, err, sizeof(err)) == 0);
	cmp_pair(a, b, &t, &r);
	/* Listed as exact with 2%: within, with the file's reason. */
	x = row(&r, "b", "L1-dcache-load-misses");
	CHECK(x && x->verdict == CMP_WITHIN);
	/* Not listed: one off is a disagreement. */
	x = row(&r, "b", "branches-conditional");
	CHECK(x && x->verdict == CMP_DIFFER);
	/* A zero on one side: an infinite relative difference, never within. */
	x = row(&r, "b", "instructions");
	CHECK(x && x->verdict == CMP_DIFFER && isinf(x->pct));
	cmp_free(&r);
	stream_free(a);
	stream_free(b);
	tol_free(&t);
}

/* The tolerance file is read as captures are: a FIFO without a writer
 * would never end, and a file has at most PARSE_FILE_MAX bytes. */
static void test_tolerance_file(void)
{
	char path[] = "/tmp/pmulab-test-tol-XXXXXX";
	struct tol_table t;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && ftruncate(fd, PARSE_FILE_MAX + 1) == 0);
	close(fd);
	CHECK(tol_load("test", path, &t) == -1);
	unlink(path);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(tol_load("test", path, &t) == -1);
	unlink(path);
}

int main(void)
{
	streams_init();
	test_tolerance_parse();
	test_tolerance_errors();
	test_tolerance_file();
	test_pairing();
	test_exact_needs_equal();
	return unit_done("compare");
}
