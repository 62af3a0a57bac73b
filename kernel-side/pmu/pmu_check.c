/* suite=pmu-check (pmu_check.h): the order of its checks, the known loops as
 * benchmarks, and the MSR-restore verdict. */
#include "lib/fmt.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/bench/bench.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/record.h"

/* Every check that needs the PMU's driver, in the order they run. */
static const char *const hw_checks[] = {
	"pmu.instructions.fixed", "pmu.instructions.gp", "pmu.branches", "pmu.cycles",
	"pmu.ref-cycles", "pmu.branch-misses", "pmu.llc-references", "pmu.llc-misses",
	"pmu.all-counters", "pmu.cmask",
	"pmu.disabled.en",
	"pmu.disabled.global", "pmu.os", "pmu.usr",
	"pmu.width", "pmu.width.truncate", "pmu.fw-write", "pmu.fw-write.reserved",
	"pmu.running-write", "pmu.running-write.status", "pmu.amd.legacy-alias",
	"pmu.rdpmc.gp", "pmu.rdpmc.fixed",
	"pmu.overflow.wrap", "pmu.overflow.status", "pmu.overflow.clear",
	"pmu.overflow.fixed.wrap", "pmu.overflow.fixed.status", "pmu.overflow.fixed.clear",
	"pmu.overflow.pmi",
};

static void hw_checks_run(struct ctx *c)
{
	if (!c->ops) {
		for (unsigned i = 0; i < ARRAY_SIZE(hw_checks); i++)
			check_skip(hw_checks[i], c->pc->reason);
	} else {
		pmu_check_counting(c);
		pmu_check_llc(c);
		pmu_check_registers(c);
		pmu_check_overflow(c);
		pmu_check_pmi(c);
		c->ops->stop(c->pc, ~0ull);
	}
	pmu_check_tsx(c);
	/* skip=pmu: no counter is touched, by RDPMC either. */
	if (c->lab->cfg && (c->lab->cfg->skip & SKIP_PMU))
		check_skip("pmu.rdpmc.invalid", c->pc->reason);
	else
		pmu_check_rdpmc_invalid();
}

/* Each known kernel as a benchmark: counter records for the configured
 * events and, under -icount, the exact instruction count checked. */
static void kernel_bench(const struct lab *lab, const struct pmu_check_kernel *pk)
{
	const struct mb_kernel *k = pk->k;
	static struct count_set set;
	static struct bench_result res;
	char bname[32], name[48];
	struct bench b = {
		.name = bname, .suite = "pmu-check", .fn = pk->fn, .arg = pk->arg,
		.n1 = N1, .n2 = N2, .warmup = 1, .reps = 3,
	};
	u64 insns;

	fmt_snprintf(bname, sizeof(bname), "check-%s", k->name);
	count_init(&set, &lab->cpu, &lab->pmu, lab->events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, lab->icount_shift);

	fmt_snprintf(name, sizeof(name), "pmu.icount.%s", k->name);
	if (lab->icount_shift == BENCH_NO_ICOUNT)
		return check_skip(name, "no-icount");
	if (!bench_icount(&res, lab->icount_shift, &insns)) {
		struct rec r;

		check_begin(&r, name, CHECK_FAIL);
		rec_s64(&r, "tsc_min", res.tsc.min);
		rec_s64(&r, "tsc_max", res.tsc.max);
		rec_u64(&r, "shift", lab->icount_shift);
		rec_str(&r, "reason", "tsc-not-whole-instructions");
		rec_end(&r);
		return;
	}
	check_counter(name, insns, (N2 - N1) * k->insns, (N2 - N1) * k->insns, "icount");
}

void pmu_check(const struct lab *lab, const struct pmu_check_kernel *kernels, unsigned n,
	       const struct pmu_check_work *work)
{
	struct ctx c = {
		.lab = lab, .pc = &lab->pmu, .ops = pmu_ops(&lab->pmu), .k = kernels[0].k,
		.fn = kernels[0].fn, .arg = kernels[0].arg, .work = work,
		.insns = (u64)(N2 - N1) * kernels[0].k->insns,
		.branches = (u64)(N2 - N1) * kernels[0].k->branches,
	};

	rec_narrate("pmu-check: each count is the difference of %u and %u iterations of %s, "
		    "so the loop's own %llu instructions and %llu branches are the answer",
		    N2, N1, c.k->name, (unsigned long long)c.insns,
		    (unsigned long long)c.branches);
	hw_checks_run(&c);
	for (unsigned i = 0; i < n; i++)
		kernel_bench(lab, &kernels[i]);
}

void pmu_check_run(void *arg)
{
	static struct pmu_check_kernel kernels[2];
	static struct pmu_check_work work;
	static u8 pattern[MB_RANDOM_PERIOD];
	static u64 line;	/* aligned: its load is one line's */
	static struct mb_branch_arg br;
	const struct lab *lab = arg;

	kernels[0].k = mb_kernel_find("loop", 4);
	kernels[1].k = mb_kernel_find("nop8", 4);
	for (unsigned i = 0; i < ARRAY_SIZE(kernels); i++)
		kernels[i].fn = mb_entry(kernels[i].k);
	br.period = mb_pattern_init(pattern, MB_RANDOM, MB_RANDOM_PERIOD, lab->seed);
	br.pattern = (u64)(uintptr_t)pattern;
	work.miss.k = mb_kernel_find("branch", 6);
	work.miss.fn = mb_entry(work.miss.k);
	work.miss.arg = &br;
	work.flush = mb_flush_load;
	work.line = &line;
	work.tx = mb_tx;
	pmu_check(lab, kernels, ARRAY_SIZE(kernels), &work);
}

void pmu_check_report_restore(const struct owned_stats *os)
{
	struct rec r;

	if (!os->msrs_restored)
		return check_skip("msr-restore", "no-msr-written");
	check_begin(&r, "msr-restore", os->msrs_mismatched ? CHECK_FAIL : CHECK_PASS);
	rec_u64(&r, "restored", os->msrs_restored);
	rec_u64(&r, "mismatched", os->msrs_mismatched);
	rec_end(&r);
}
