/* The microbench kernels run natively here (x86-64 Linux), with their setup
 * code, metadata and the suites' plans and benches= syntax. Their exact
 * per-iteration instruction counts are checked under QEMU -icount by the
 * end-to-end tests (icount.* checks). */
#include <stdlib.h>
#include "lib/suites.h"
#include "microbench/kernels.h"
#include "tests/unit/unit.h"

#define LINE 64

static void test_chase_is_one_cycle(void)
{
	const u64 ws = 64 * 1024, nodes = ws / LINE;
	u8 *buf = aligned_alloc(4096, ws), *seen = calloc(nodes, 1);
	u8 *first = mb_chase_init(buf, ws, 7), *p = first;
	u64 steps = 0, adjacent = 0;

	/* Every line once, then back to the first. */
	do {
		u64 idx = (u64)(p - buf) / LINE;
		u8 *next = *(u8 **)p;

		CHECK(idx < nodes && !seen[idx]);
		if (idx >= nodes || seen[idx])
			break;
		seen[idx] = 1;
		adjacent += next == p + LINE;
		p = next;
		steps++;
	} while (p != first);
	CHECK_U64(steps, nodes);
	/* Random: almost never the next line (a prefetcher's guess). */
	CHECK(adjacent < nodes / 64);

	/* The same seed, the same order; another seed, another. */
	CHECK(mb_chase_init(buf, ws, 7) == first);
	/* Runs, stays in the buffer, and leaves its place: one step past
	 * three whole cycles is the first node's successor. */
	struct mb_chase_arg at = { first };

	mb_chase(3 * nodes + 1, &at);
	CHECK(at.node == *(void **)first);
	u8 *other = mb_chase_init(buf, ws, 8);
	CHECK(other != first || *(u8 **)other != *(u8 **)first);
	free(seen);
	free(buf);
}

static void test_patterns(void)
{
	u8 pat[MB_RANDOM_PERIOD];
	u64 ones = 0, period;

	CHECK_U64(mb_pattern_init(pat, MB_ALWAYS, 99, 1), 1);
	CHECK_U64(pat[0], 1);
	CHECK_U64(mb_pattern_init(pat, MB_ALTERNATE, 99, 1), 2);
	CHECK(pat[0] == 1 && pat[1] == 0);
	for (u64 k = 2; k <= 64; k++) {
		bool mixed = false;

		CHECK_U64(mb_pattern_init(pat, MB_PERIOD_K, k, 3), k);
		for (u64 i = 1; i < k; i++)
			mixed |= pat[i] != pat[0];
		CHECK(mixed);
	}
	period = mb_pattern_init(pat, MB_RANDOM, 0, 1);
	CHECK_U64(period, MB_RANDOM_PERIOD);
	for (u64 i = 0; i < period; i++) {
		CHECK(pat[i] <= 1);
		ones += pat[i];
	}
	/* Half taken, give or take 5%: a predictor's worst case. */
	CHECK(ones > period * 45 / 100 && ones < period * 55 / 100);

	struct mb_branch_arg arg = { (u64)(uintptr_t)pat, period };
	mb_branch(10000, &arg);
}

static void test_kernels_run(void)
{
	static u8 buf[64 * 1024] __attribute__((aligned(64)));
	struct mb_stream_arg st = { (u64)(uintptr_t)buf, 4160, sizeof(buf) - 1 };
	static u64 line;

	mb_empty(1, NULL);
	mb_loop(1000, NULL);
	mb_nop8(1000, NULL);
	mb_add_dep(1000, NULL);
	mb_add_indep(1000, NULL);
	mb_stream(100000, &st);
	/* CLFLUSH writes a line back before it invalidates it: reading it
	 * again gives what it held. (mb_tx needs RTM, which this host need
	 * not have.) */
	line = 0x1234;
	mb_flush_load(1000, &line);
	CHECK_U64(line, 0x1234);
	for (u64 d = 1; d <= 16; d *= 2) {
		CHECK(mb_chain_entry(d) != NULL);
		mb_calls(100, mb_chain_entry(d));
	}
	CHECK(mb_chain_entry(3) == NULL);
	CHECK(mb_chain_entry(32) == NULL);
}

static void test_metadata(void)
{
	const struct mb_kernel *calls = mb_kernel_find("calls", 5);
	const struct mb_kernel *branch = mb_kernel_find("branch", 6);

	CHECK(calls && branch);
	CHECK_U64(mb_insns(calls, 8), 18);
	CHECK_U64(mb_branches(calls, 8), 17);
	CHECK_U64(mb_insns(branch, 8), 10);	/* depth means nothing there */
	CHECK_U64(branch->branches, 3);
	CHECK(mb_kernel_find("call", 4) == NULL);
	for (unsigned i = 0; i < mb_nkernels; i++)
		CHECK(mb_entry(&mb_kernels[i]) && mb_kernels[i].what && mb_kernels[i].insns);
}

static struct suite_spec plan[SUITE_PLAN_MAX];

static const struct suite_spec *find(unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(plan[i].name, name))
			return &plan[i];
	return NULL;
}

static void test_plans(void)
{
	unsigned n = suite_plan(true, false, "", plan, SUITE_PLAN_MAX);
	const struct suite_spec *sp;

	CHECK_U64(n, 30);
	CHECK_STR(plan[0].name, "overhead");
	CHECK(plan[0].single && plan[0].n == 1);
	CHECK_U64(suite_memory(plan, n), 16 * 1024 * 1024);
	sp = find(n, "chase-1MiB");
	CHECK(sp && sp->n == 16384 && !strcmp(sp->suite, "quick"));
	/* past the reference model's 8 MiB LL, at N_CHASE_MAX loads a call */
	sp = find(n, "chase-16MiB");
	CHECK(sp && sp->n == 262144);
	sp = find(n, "chase-4KiB");
	CHECK(sp && sp->n == 4096);
	CHECK(find(n, "stream-4160-1MiB") != NULL);
	CHECK(find(n, "branch-random") && find(n, "branch-period-32"));
	CHECK(find(n, "calls-16") != NULL);

	n = suite_plan(true, true, "chase:2MiB,bogus,branch:12", plan, SUITE_PLAN_MAX);
	CHECK_U64(n, 102);
	CHECK_U64(suite_memory(plan, n), 256 * 1024 * 1024);
	CHECK(find(n, "branch-period-64") && find(n, "chase-256MiB"));
	/* Up to 16 MiB a chase walks its whole cycle per call; past it, as many
	 * loads as 16 MiB's (its place carries over to the next call). */
	sp = find(n, "chase-16MiB");
	CHECK(sp && sp->n == 262144);
	sp = find(n, "chase-256MiB");
	CHECK(sp && sp->n == 262144 && sp->ws == 256 * 1024 * 1024);
	CHECK_STR(plan[100].name, "chase-2MiB");
	CHECK_STR(plan[100].suite, "custom");
	CHECK_STR(plan[101].name, "branch-period-12");

	/* A plan never runs past its array. */
	CHECK_U64(suite_plan(false, true, "", plan, 10), 10);
}

static void test_bench_syntax(void)
{
	static const struct { const char *in, *why, *name; } cases[] = {
		{ "chase:64KiB", NULL, "chase-64KiB" },
		{ "chase:64K", NULL, "chase-64KiB" },
		{ "chase:1G", NULL, "chase-1024MiB" },
		{ "chase:65536", NULL, "chase-64KiB" },
		{ "stream:4160", NULL, "stream-4160-1MiB" },
		{ "stream:64@16MiB", NULL, "stream-64-16MiB" },
		{ "branch:always", NULL, "branch-always" },
		{ "branch:random", NULL, "branch-random" },
		{ "branch:12", NULL, "branch-period-12" },
		{ "calls:8", NULL, "calls-8" },
		{ "add-dep", NULL, "add-dep" },
		{ "empty", NULL, "overhead" },
		{ "chase", "needs-a-value", NULL },
		{ "chase:3KiB", "size-not-power-of-2-4KiB-to-1GiB", NULL },
		{ "chase:2GiB", "size-not-power-of-2-4KiB-to-1GiB", NULL },
		{ "chase:64kb", "bad-size", NULL },
		{ "chase:99999999999999", "bad-size", NULL },
		{ "stream:0", "bad-stride", NULL },
		{ "stream:12", "bad-stride", NULL },
		{ "stream:2MiB", "bad-stride", NULL },
		{ "stream:64@3MiB", "size-not-power-of-2-4KiB-to-1GiB", NULL },
		{ "branch:0", "bad-period", NULL },
		{ "branch:4097", "bad-period", NULL },
		{ "branch:sometimes", "bad-period", NULL },
		{ "calls:3", "depth-not-1-2-4-8-16", NULL },
		{ "loop:5", "takes-no-value", NULL },
		{ "memcpy", "unknown-kernel", NULL },
	};
	struct suite_spec sp;
	char detail[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = suite_parse_bench(cases[i].in, strlen(cases[i].in), &sp);

		if (cases[i].why) {
			CHECK_STR(why, cases[i].why);
		} else {
			CHECK(why == NULL);
			CHECK_STR(sp.name, cases[i].name);
		}
	}
	CHECK(suite_check_benches("none", detail, sizeof(detail)));
	CHECK(suite_check_benches("chase:4K,calls:2", detail, sizeof(detail)));
	CHECK(!suite_check_benches("chase:4K,,calls:2", detail, sizeof(detail)));
	CHECK_STR(detail, "empty-entry: ");
	CHECK(!suite_check_benches("calls:2,calls:5", detail, sizeof(detail)));
	CHECK_STR(detail, "depth-not-1-2-4-8-16: calls:5");
	CHECK(!suite_check_benches("", detail, sizeof(detail)));
}

int main(void)
{
	test_chase_is_one_cycle();
	test_patterns();
	test_kernels_run();
	test_metadata();
	test_plans();
	test_bench_syntax();
	return unit_done("kernels");
}
