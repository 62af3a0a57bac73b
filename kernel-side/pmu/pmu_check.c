/* suite=pmu-check (pmu_check.h). Exact answers come from differences: the
 * kernel runs at N1 and N2 iterations on the same counter, and everything
 * outside the loop (start, stop, call, ret) cancels, so a loop of
 * (N2 - N1) * insns instructions must count exactly that. */
#include "lib/fmt.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/bench/bench.h"
#include "kernel-side/pmu/pmu_check.h"
#include "lib/check.h"
#include "lib/record.h"

#define N1		1000
#define N2		3000
#define OVF_MARGIN	100	/* counts left before a preset counter wraps */
/* More than starting, stopping and reading a counter can take: a wrapped
 * counter holds less than N2 iterations' count plus this. */
#define OVERHEAD_MAX	4096
/* Cycles for a loop are at least instructions / widest retirement (8 a
 * cycle on any x86 core so far) and, with interrupts off and the reading
 * overhead subtracted, far below 100 a instruction. */
#define CYCLES_IPC_MAX	8
#define CYCLES_CPI_MAX	100

struct prog {
	unsigned idx;
	u64 config;
	u32 flags;
};

struct ctx {
	const struct lab *lab;
	const struct pmu_caps *pc;
	const struct pmu_ops *ops;
	const struct mb_kernel *k;
	mb_fn *fn;		/* k's code */
	u64 insns, branches;	/* exact, for N2 - N1 iterations of k */
};

static void check_error(const char *name, int err)
{
	char buf[16];

	check_fail(name, "error", hw_err_name(err, buf));
}

/* Programs p[0..n), starts the counters in start, runs the kernel for iters,
 * stops, reads each into val[]. */
static int run_once(struct ctx *c, const struct prog *p, unsigned n, u64 start,
		    u64 iters, u64 *val)
{
	int err = c->ops->stop(c->pc, ~0ull);

	for (unsigned i = 0; i < n && !err; i++)
		err = c->ops->program(c->pc, p[i].idx, p[i].config, p[i].flags);
	/* Explain mode narrates the counted region's accesses after it. */
	msr_narrate_hold(true);
	if (!err)
		err = c->ops->start(c->pc, start);
	c->fn(iters, NULL);
	if (!err)
		err = c->ops->stop(c->pc, start);
	msr_narrate_hold(false);
	for (unsigned i = 0; i < n && !err; i++)
		err = c->ops->read(c->pc, p[i].idx, &val[i]);
	for (unsigned i = 0; i < n; i++)
		c->ops->release(c->pc, p[i].idx);
	return err;
}

/* Counts for N2 - N1 iterations: the difference of two runs. */
static int run_diff(struct ctx *c, const struct prog *p, unsigned n, u64 start, u64 *diff)
{
	u64 a[2] = { 0 }, b[2] = { 0 };
	int err = run_once(c, p, n, start, N1, a);

	if (!err)
		err = run_once(c, p, n, start, N2, b);
	for (unsigned i = 0; i < n; i++)
		diff[i] = b[i] - a[i];
	return err;
}

static bool resolve(struct ctx *c, const char *name, u64 *config)
{
	struct event ev;

	event_resolve(&c->lab->cpu, c->pc, name, strlen(name), &ev);
	*config = ev.config;
	return !ev.reason;
}

static void check_instructions_fixed(struct ctx *c)
{
	const char *name = "pmu.instructions.fixed";
	struct prog p = { PMC_FIXED + 0, 0, PMC_OS | PMC_USR };
	u64 d;
	int err;

	if (!pmu_fixed_exists(c->pc, 0))
		return check_skip(name, "no-fixed-counter-0");
	err = run_diff(c, &p, 1, BIT_ULL(p.idx), &d);
	if (err)
		return check_error(name, err);
	check_counter(name, d, c->insns, c->insns, "fixed0");
}

/* One general-purpose counter on a named event, exactly expect. */
static void check_gp_exact(struct ctx *c, const char *name, const char *event, u64 expect)
{
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	u64 d;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	if (!resolve(c, event, &p.config))
		return check_skip(name, "event-not-available");
	err = run_diff(c, &p, 1, BIT_ULL(0), &d);
	if (err)
		return check_error(name, err);
	check_counter(name, d, expect, expect, "gp0");
}

static void check_cycles(struct ctx *c)
{
	const char *name = "pmu.cycles";
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	char cn[16];
	u64 d;
	int err;

	if (pmu_fixed_exists(c->pc, 1))
		p.idx = PMC_FIXED + 1;
	else if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-counters");
	if (!resolve(c, "cycles", &p.config))
		return check_skip(name, "event-not-available");
	err = run_diff(c, &p, 1, BIT_ULL(p.idx), &d);
	if (err)
		return check_error(name, err);
	check_counter(name, d, c->insns / CYCLES_IPC_MAX, c->insns * CYCLES_CPI_MAX,
		      pmu_counter_name(p.idx, cn, sizeof(cn)));
}

/* EN clear: the counter must not count. With a global control it is in the
 * started set, so only its own EN bit holds it back. */
static void check_disabled_en(struct ctx *c)
{
	const char *name = "pmu.disabled.en";
	struct prog p = { 0, 0, PMC_OS | PMC_USR | PMC_NO_EN };
	u64 v;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	resolve(c, "instructions", &p.config);
	err = run_once(c, &p, 1, pmu_has_global(c->pc) ? BIT_ULL(0) : 0, N2, &v);
	if (err)
		return check_error(name, err);
	check_counter(name, v, 0, 0, "gp0");
}

/* Both counters enabled, only gp0 in the global control. */
static void check_disabled_global(struct ctx *c)
{
	const char *name = "pmu.disabled.global";
	struct prog p[2] = { { 0, 0, PMC_OS | PMC_USR }, { 1, 0, PMC_OS | PMC_USR } };
	struct rec r;
	u64 v[2];
	int err;

	if (!pmu_has_global(c->pc))
		return check_skip(name, "no-global-control");
	if (pmu_gp_count(c->pc) < 2)
		return check_skip(name, "needs-2-gp-counters");
	resolve(c, "instructions", &p[0].config);
	p[1].config = p[0].config;
	err = run_once(c, p, 2, BIT_ULL(0), N2, v);
	if (err)
		return check_error(name, err);
	/* gp0 proves the loop was counted; gp1 must still be 0. */
	check_begin(&r, name, v[0] && !v[1] ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", v[1]);
	rec_u64(&r, "expect", 0);
	rec_str(&r, "counter", "gp1");
	rec_u64(&r, "gp0", v[0]);
	rec_end(&r);
}

/* In ring 0 an OS-only counter counts the loop, a USR-only one nothing. */
static void check_os_usr(struct ctx *c)
{
	struct prog os = { 0, 0, PMC_OS }, usr = { 0, 0, PMC_USR };
	u64 d, v;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip("pmu.os", "no-gp-counters");
	resolve(c, "instructions", &os.config);
	usr.config = os.config;
	err = run_diff(c, &os, 1, BIT_ULL(0), &d);
	if (err)
		check_error("pmu.os", err);
	else
		check_counter("pmu.os", d, c->insns, c->insns, "gp0");
	err = run_once(c, &usr, 1, BIT_ULL(0), N2, &v);
	if (err)
		check_error("pmu.usr", err);
	else
		check_counter("pmu.usr", v, 0, 0, "gp0");
}

/* Writes val to msr and reads the counter back through rd. */
static int write_read(u32 msr, u32 rd, u64 val, u64 *got)
{
	int err = msr_write_safe(msr, val);

	return err ? err : msr_read_safe(rd, got);
}

/* Intel: IA32_PMCx takes 32 bits sign-extended to the width (SDM Vol3B
 * 20.2.6). AMD: the counter holds all 48 bits it is written. */
static void check_width(struct ctx *c)
{
	const char *name = "pmu.width";
	u64 mask = pmu_counter_mask(c->pc, 0), got, val;
	int err;

	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	c->ops->stop(c->pc, ~0ull);
	if (c->pc->vendor == VENDOR_INTEL) {
		err = write_read(MSR_IA32_PERFCTR0, MSR_IA32_PERFCTR0, 0xffffffffull, &got);
		val = mask;
	} else {
		err = c->ops->write(c->pc, 0, mask);
		if (!err)
			err = c->ops->read(c->pc, 0, &got);
		val = mask;
	}
	if (err)
		return check_error(name, err);
	check_counter(name, got, val, val, "gp0");
}

/* IA32_A_PMCx takes every bit below the width (SDM Vol3B 20.2.6). */
static void check_fw_write(struct ctx *c)
{
	const char *name = "pmu.fw-write";
	u64 mask = pmu_counter_mask(c->pc, 0), val = 0x123456789ull & mask, got;
	int err;

	if (c->pc->vendor != VENDOR_INTEL)
		return check_skip(name, "not-intel");
	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	if (c->pc->perf_cap_err || !(c->pc->perf_capabilities & PERF_CAP_FW_WRITE))
		return check_skip(name, "no-full-width-writes");
	if (c->pc->gp_width <= 33)
		return check_skip(name, "counter-too-narrow");
	c->ops->stop(c->pc, ~0ull);
	err = write_read(MSR_IA32_PMC0, MSR_IA32_PERFCTR0, val, &got);
	if (err)
		return check_error(name, err);
	check_counter(name, got, val, val, "gp0");
}

/* A counter preset OVF_MARGIN below its wrap point must wrap, set its
 * global status bit, and have the bit cleared by the overflow-clear MSR. */
static void check_overflow_one(struct ctx *c, unsigned idx, u64 config, const char *wrap,
			       const char *status, const char *clear)
{
	u64 mask = pmu_counter_mask(c->pc, idx), preset = mask - OVF_MARGIN + 1;
	u64 v = 0, st = 0, hi;
	struct rec r;
	char cn[16];
	int err;

	pmu_counter_name(idx, cn, sizeof(cn));
	err = c->ops->stop(c->pc, ~0ull);
	if (!err)
		err = c->ops->program(c->pc, idx, config, PMC_OS | PMC_USR);
	if (!err)
		err = c->ops->write(c->pc, idx, preset);
	msr_narrate_hold(true);
	if (!err)
		err = c->ops->start(c->pc, BIT_ULL(idx));
	c->fn(N2, NULL);
	if (!err)
		err = c->ops->stop(c->pc, BIT_ULL(idx));
	msr_narrate_hold(false);
	if (!err)
		err = c->ops->read(c->pc, idx, &v);
	c->ops->release(c->pc, idx);
	if (err)
		return check_error(wrap, err);
	/* Wrapped: the counter now holds what it counted past its top, which
	 * is less than the whole run can count. */
	hi = (u64)N2 * c->k->insns + OVERHEAD_MAX;
	check_begin(&r, wrap, v < hi ? CHECK_PASS : CHECK_FAIL);
	rec_hex(&r, "value", v);
	rec_hex(&r, "hi", hi);
	rec_hex(&r, "preset", preset);
	rec_str(&r, "counter", cn);
	rec_end(&r);

	err = c->ops->ovf_status(c->pc, &st);
	if (err == HW_ERR_NOT_SUPPORTED) {
		check_skip(status, "no-global-status");
		return check_skip(clear, "no-global-status");
	}
	if (err)
		return check_error(status, err);
	check_counter(status, !!(st & BIT_ULL(idx)), 1, 1, cn);
	err = c->ops->ovf_clear(c->pc, BIT_ULL(idx));
	if (!err)
		err = c->ops->ovf_status(c->pc, &st);
	if (err)
		return check_error(clear, err);
	check_counter(clear, !!(st & BIT_ULL(idx)), 0, 0, cn);
}

static void check_overflow(struct ctx *c)
{
	u64 config;

	if (!pmu_gp_count(c->pc)) {
		check_skip("pmu.overflow.wrap", "no-gp-counters");
		check_skip("pmu.overflow.status", "no-gp-counters");
		return check_skip("pmu.overflow.clear", "no-gp-counters");
	}
	resolve(c, "instructions", &config);
	check_overflow_one(c, 0, config, "pmu.overflow.wrap", "pmu.overflow.status",
			   "pmu.overflow.clear");
	if (!pmu_fixed_exists(c->pc, 0)) {
		check_skip("pmu.overflow.fixed.wrap", "no-fixed-counter-0");
		check_skip("pmu.overflow.fixed.status", "no-fixed-counter-0");
		return check_skip("pmu.overflow.fixed.clear", "no-fixed-counter-0");
	}
	check_overflow_one(c, PMC_FIXED, 0, "pmu.overflow.fixed.wrap",
			   "pmu.overflow.fixed.status", "pmu.overflow.fixed.clear");
}

/* RDPMC must read what RDMSR reads, for the counter's RDPMC encoding. */
static void check_rdpmc_one(struct ctx *c, const char *name, unsigned idx, u64 config)
{
	struct prog p = { idx, config, PMC_OS | PMC_USR };
	u64 msr = 0, pmc = 0;
	char cn[16];
	int err;

	err = run_once(c, &p, 1, BIT_ULL(idx), N1, &msr);
	if (!err)
		err = rdpmc_safe(c->ops->rdpmc_index(idx), &pmc);
	if (err)
		return check_error(name, err);
	check_counter(name, pmc, msr, msr, pmu_counter_name(idx, cn, sizeof(cn)));
}

static void check_rdpmc(struct ctx *c)
{
	u64 config;

	resolve(c, "instructions", &config);
	if (pmu_gp_count(c->pc))
		check_rdpmc_one(c, "pmu.rdpmc.gp", 0, config);
	else
		check_skip("pmu.rdpmc.gp", "no-gp-counters");
	if (pmu_fixed_exists(c->pc, 0))
		check_rdpmc_one(c, "pmu.rdpmc.fixed", PMC_FIXED, 0);
	else
		check_skip("pmu.rdpmc.fixed", "no-fixed-counter-0");
}

static const char *const hw_checks[] = {
	"pmu.instructions.fixed", "pmu.instructions.gp", "pmu.branches", "pmu.cycles",
	"pmu.disabled.en", "pmu.disabled.global", "pmu.os", "pmu.usr", "pmu.width",
	"pmu.fw-write", "pmu.overflow.wrap", "pmu.overflow.status", "pmu.overflow.clear",
	"pmu.overflow.fixed.wrap", "pmu.overflow.fixed.status", "pmu.overflow.fixed.clear",
	"pmu.rdpmc.gp", "pmu.rdpmc.fixed",
};

static void hw_checks_run(struct ctx *c)
{
	if (!c->ops) {
		for (unsigned i = 0; i < ARRAY_SIZE(hw_checks); i++)
			check_skip(hw_checks[i], c->pc->reason);
		return;
	}
	check_instructions_fixed(c);
	check_gp_exact(c, "pmu.instructions.gp", "instructions", c->insns);
	check_gp_exact(c, "pmu.branches", "branches", c->branches);
	check_cycles(c);
	check_disabled_en(c);
	check_disabled_global(c);
	check_os_usr(c);
	check_width(c);
	check_fw_write(c);
	check_overflow(c);
	check_rdpmc(c);
	c->ops->stop(c->pc, ~0ull);
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
		.name = bname, .suite = "pmu-check", .fn = pk->fn,
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

void pmu_check(const struct lab *lab, const struct pmu_check_kernel *kernels, unsigned n)
{
	struct ctx c = {
		.lab = lab, .pc = &lab->pmu, .ops = pmu_ops(&lab->pmu), .k = kernels[0].k,
		.fn = kernels[0].fn,
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

	kernels[0].k = mb_kernel_find("loop", 4);
	kernels[1].k = mb_kernel_find("nop8", 4);
	for (unsigned i = 0; i < ARRAY_SIZE(kernels); i++)
		kernels[i].fn = mb_entry(kernels[i].k);
	pmu_check(arg, kernels, ARRAY_SIZE(kernels));
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
