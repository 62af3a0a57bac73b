/* The benches section (suite_run.h): the plan, and each bench of it: set
 * the kernel up, measure, report, and check the exact instruction count
 * under -icount. */
#include "lib/fmt.h"
#include "lib/libc.h"
#include "kernel-side/cpu/paging.h"
#include "lib/check.h"
#include "lib/record.h"
#include "kernel-side/bench/bench.h"
#include "kernel-side/bench/suite_run.h"
#include "lib/suites.h"
#include "microbench/kernels.h"

/* A bench of the plan, with the lab and the working sets' memory. */
struct suite_job {
	const struct lab *lab;
	const struct suite_spec *spec;
	u8 *mem;
	u64 mem_size;
};

static struct suite_spec plan[SUITE_PLAN_MAX];
static unsigned nplan, finished;
static struct suite_job part;	/* what benches_part() hands out */

/* What the bench record says about the kernel and its setting. */
struct describe_ctx {
	const struct suite_job *job;
	u64 page_size;
};

static void describe(struct rec *r, const void *ctx)
{
	const struct describe_ctx *d = ctx;

	suite_describe(r, d->job->spec, (u64)(uintptr_t)d->job->mem, d->page_size,
		       d->job->lab->seed);
}

static void report_skipped(const struct suite_job *job, const char *why)
{
	struct rec r;

	rec_begin(&r, "bench");
	rec_str(&r, "name", job->spec->name);
	rec_str(&r, "suite", job->spec->suite);
	rec_str(&r, "family", job->spec->k->name);
	rec_str(&r, "skipped", why);
	rec_u64(&r, "ws", job->spec->ws);
	rec_u64(&r, "mem", job->mem_size);
	rec_end(&r);
}

/* The exact instruction count under -icount against the kernel's formula. */
static void check_icount(const struct suite_spec *sp, const struct lab *lab,
			 const struct bench_result *res, u64 iters)
{
	u64 expect = mb_insns(sp->k, sp->depth) * iters, insns;
	char name[SUITE_NAME_MAX + 8];
	struct rec r;
	bool exact;

	fmt_snprintf(name, sizeof(name), "icount.%s", sp->name);
	if (lab->icount_shift == BENCH_NO_ICOUNT)
		return check_skip(name, "no-icount");
	exact = bench_icount(res, lab->icount_shift, &insns);
	check_begin(&r, name, exact && insns == expect ? CHECK_PASS : CHECK_FAIL);
	if (exact)
		rec_u64(&r, "value", insns);
	else
		rec_str(&r, "reason", "tsc-not-whole-instructions");
	rec_u64(&r, "expect", expect);
	rec_end(&r);
}

void suite_run_bench(void *arg)
{
	static u8 pattern[MB_RANDOM_PERIOD];
	static struct count_set set;
	static struct bench_result res;
	const struct suite_job *job = arg;
	const struct suite_spec *sp = job->spec;
	const struct lab *lab = job->lab;
	struct describe_ctx d = { job, 0 };
	struct mb_stream_arg st;
	struct mb_chase_arg ch;
	struct mb_branch_arg br;
	struct bench b = {
		.name = sp->name, .suite = sp->suite, .fn = mb_entry(sp->k), .n1 = sp->n,
		.n2 = 2 * sp->n, .warmup = 1, .reps = 3, .single = sp->single,
		.describe = describe, .ctx = &d,
	};

	switch (sp->k->param) {
	case MB_WS:
		if (sp->ws > job->mem_size)
			return report_skipped(job, "no-memory");
		d.page_size = paging_page_size((u64)(uintptr_t)job->mem);
		if (sp->k->id == MBK_CHASE) {
			ch.node = mb_chase_init(job->mem, sp->ws, lab->seed);
			b.arg = &ch;
		} else {
			st = (struct mb_stream_arg){ (u64)(uintptr_t)job->mem, sp->stride,
						     sp->ws - 1 };
			b.arg = &st;
		}
		break;
	case MB_PERIOD:
		br.period = mb_pattern_init(pattern, sp->pattern, sp->period, lab->seed);
		br.pattern = (u64)(uintptr_t)pattern;
		b.arg = &br;
		break;
	case MB_DEPTH:
		b.arg = mb_chain_entry(sp->depth);
		break;
	case MB_NONE:
		break;
	}
	count_init(&set, &lab->cpu, &lab->pmu, lab->events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, lab->icount_shift);
	if (!sp->single)
		check_icount(sp, lab, &res, b.n2 - b.n1);
}

/* The benches suite= and benches= name, into plan. */
static unsigned plan_of(const struct config *cfg)
{
	return suite_plan(cfg->suite & SUITE_QUICK, cfg->suite & SUITE_FULL,
			  !strcmp(cfg->benches, "none") ? "" : cfg->benches, plan,
			  SUITE_PLAN_MAX);
}

bool benches_wanted(const struct config *cfg)
{
	return plan_of(cfg) != 0;
}

bool benches_begin(const struct lab *lab)
{
	u64 want;

	nplan = plan_of(lab->cfg);
	want = suite_memory(plan, nplan);
	part = (struct suite_job){ .lab = lab };
	part.mem = want ? lab->platform.pages(want, &part.mem_size) : NULL;
	rec_narrate("benches: %u to run, %llu KiB of memory for working sets (%llu asked)",
		    nplan, (unsigned long long)(part.mem_size >> 10),
		    (unsigned long long)(want >> 10));
	return true;
}

void *benches_part(const struct lab *lab, unsigned i, char *name, size_t size)
{
	if (i >= nplan)
		return NULL;
	fmt_snprintf(name, size, "%s", plan[i].name);
	part.spec = &plan[i];
	return &part;
}

void benches_done(const struct lab *lab)
{
	finished++;
}

void benches_end(const struct lab *lab)
{
	if (part.mem)
		lab->platform.free_pages(part.mem, part.mem_size);
	part.mem = NULL;
}

unsigned benches_finished(void)
{
	return finished;
}
