/* Running one bench of a suite (suites.h): set the kernel up, measure,
 * report, and check the exact instruction count under -icount. */
#include "lib/fmt.h"
#include "kernel-side/cpu/paging.h"
#include "lib/check.h"
#include "lib/record.h"
#include "kernel-side/bench/suite_run.h"
#include "microbench/kernels.h"

/* What the bench record says about the kernel and its setting. */
struct describe_ctx {
	const struct suite_spec *spec;
	const struct suite_env *env;
	u64 page_size;
};

static void describe(struct rec *r, const void *ctx)
{
	const struct describe_ctx *d = ctx;

	suite_describe(r, d->spec, (u64)(uintptr_t)d->env->mem, d->page_size, d->env->seed);
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
	rec_u64(&r, "mem", job->env->mem_size);
	rec_end(&r);
}

/* The exact instruction count under -icount against the kernel's formula. */
static void check_icount(const struct suite_spec *sp, const struct suite_env *env,
			 const struct bench_result *res, u64 iters)
{
	u64 expect = mb_insns(sp->k, sp->depth) * iters, insns;
	char name[SUITE_NAME_MAX + 8];
	struct rec r;
	bool exact;

	fmt_snprintf(name, sizeof(name), "icount.%s", sp->name);
	if (env->icount_shift == BENCH_NO_ICOUNT)
		return check_skip(name, "no-icount");
	exact = bench_icount(res, env->icount_shift, &insns);
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
	const struct suite_env *env = job->env;
	struct describe_ctx d = { sp, env, 0 };
	struct mb_stream_arg st;
	struct mb_branch_arg br;
	struct bench b = {
		.name = sp->name, .suite = sp->suite, .fn = mb_entry(sp->k), .n1 = sp->n,
		.n2 = 2 * sp->n, .warmup = 1, .reps = 3, .single = sp->single,
		.describe = describe, .ctx = &d,
	};

	switch (sp->k->param) {
	case MB_WS:
		if (sp->ws > env->mem_size)
			return report_skipped(job, "no-memory");
		d.page_size = paging_page_size((u64)(uintptr_t)env->mem);
		if (sp->k->id == MBK_CHASE) {
			b.arg = mb_chase_init(env->mem, sp->ws, env->seed);
		} else {
			st = (struct mb_stream_arg){ (u64)(uintptr_t)env->mem, sp->stride,
						     sp->ws - 1 };
			b.arg = &st;
		}
		break;
	case MB_PERIOD:
		br.period = mb_pattern_init(pattern, sp->pattern, sp->period, env->seed);
		br.pattern = (u64)(uintptr_t)pattern;
		b.arg = &br;
		break;
	case MB_DEPTH:
		b.arg = mb_chain_entry(sp->depth);
		break;
	case MB_NONE:
		break;
	}
	count_init(&set, env->ci, env->pc, env->events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, env->icount_shift);
	if (!sp->single)
		check_icount(sp, env, &res, b.n2 - b.n1);
}
