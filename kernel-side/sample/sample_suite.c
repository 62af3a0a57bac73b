/* suite=sample: the workload of microbench/sampled.c is single-stepped once
 * for its exact profile (instructions per function), then run under the
 * sampler -- PMI where a PMU counts, else the LAPIC timer -- and the samples
 * become records, symbolised, with their call chains. Checks compare the
 * sampled profile with the stepped one. */
#include "lib/fmt.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/owned/owned.h"
#include "lib/check.h"
#include "lib/record.h"
#include "kernel-side/bench/bench.h"
#include "kernel-side/sample/sample.h"
#include "kernel-side/sample/sample_suite.h"
#include "kernel-side/sample/sampled_step.h"
#include "lib/symtab.h"
#include "kernel-side/owned/selftest.h"

#define RUN_NAME	"sampled"
#define RUN_ITERS	2000		/* work() calls in the sampled run */
#define PMI_EVENT	"cycles"	/* perf record's default */
/* Per mille of samples in hot() that sample.hot-share asks for: the stepped
 * share is 894, and sampling is statistics. */
#define HOT_SHARE_MIN	850
#define BENCH_N		100		/* iterations for the icount cross-check */
#define SYM_MAX		96
#define STACK_TEXT_MAX	768
/* "0x" and 16 hex digits and a comma a frame: the callers' addresses */
#define STACK_IP_TEXT_MAX ((SAMPLE_STACK_MAX + 1) * 19 + 1)

static struct sampler sampler;
static struct sample *buffer;		/* UEFI pages, SAMPLE_BUF_MAX or fewer */
static u64 buffer_size;

static const char *fn_name(const struct lab *lab, u64 ip, u64 *off)
{
	return symtab_name(ip, lab->image.base, off);
}

/* The workload's exact profile, and under -icount the check that stepping
 * saw every instruction the TSC counted. Returns hot()'s share, per mille. */
static u64 workload_profile(const struct lab *lab)
{
	static struct count_set set;
	static struct bench_result res;
	struct bench b = {
		.name = "sample-work", .suite = "sample", .fn = sampled_run_loop,
		.n1 = BENCH_N, .n2 = 2 * BENCH_N, .warmup = 1, .reps = 3,
	};
	u64 per[FN_COUNT], total = 0, insns;
	struct rec r;

	sampled_step_profile(lab->image.base, per);
	for (unsigned i = 0; i < FN_COUNT; i++)
		total += per[i];
	rec_begin(&r, "sample_workload");
	rec_str(&r, "run", RUN_NAME);
	rec_u64(&r, "iters", RUN_ITERS);
	rec_u64(&r, "insns_per_iter", total);
	for (unsigned i = 0; i < FN_OTHER; i++) {
		char key[32];

		fmt_snprintf(key, sizeof(key), "%s_insns", sampled_fn_names[i]);
		rec_u64(&r, key, per[i]);
	}
	rec_u64(&r, "hot_permille", total ? per[FN_HOT] * 1000 / total : 0);
	rec_str(&r, "src", "single-step");
	rec_end(&r);

	count_init(&set, &lab->cpu, &lab->pmu, lab->events);
	bench_run(&b, &set, &res);
	bench_report(&b, &set, &res, lab->icount_shift);
	if (lab->icount_shift == BENCH_NO_ICOUNT || !bench_icount(&res, lab->icount_shift, &insns))
		check_skip("sample.workload.steps", lab->icount_shift == BENCH_NO_ICOUNT ?
			   "no-icount" : "tsc-not-whole-instructions");
	else
		check_u64("sample.workload.steps", total * BENCH_N, insns);
	return total ? per[FN_HOT] * 1000 / total : 0;
}

/* PMI where a counter can count PMI_EVENT and the APIC has LVTPC, else
 * (auto) the timer; NONE with *reason when the wanted source is missing. */
static enum sample_src choose(const struct lab *lab, const char **reason)
{
	static struct count_set set;
	bool lapic = lab->apic.mode == APIC_XAPIC || lab->apic.mode == APIC_X2APIC;

	*reason = NULL;
	if (!lapic) {
		*reason = lab->apic.mode == APIC_ABSENT ? "no-lapic" : "lapic-disabled";
		return SAMPLE_SRC_NONE;
	}
	if (lab->cfg->sample_src == SAMPLE_WANT_TIMER)
		return SAMPLE_SRC_TIMER;
	count_init(&set, &lab->cpu, &lab->pmu, PMI_EVENT);
	if (!lab->pmu.present)
		*reason = lab->pmu.reason ? lab->pmu.reason : "no-pmu";
	else if (!set.slot[0].counted)
		*reason = set.slot[0].ev.reason;
	else if (lab->apic.max_lvt < 4)
		*reason = "no-lvtpc";
	if (!*reason) {
		sampler.counter = set.slot[0].idx;
		sampler.config = set.slot[0].ev.config;
		return SAMPLE_SRC_PMI;
	}
	if (lab->cfg->sample_src == SAMPLE_WANT_AUTO) {
		*reason = NULL;
		return SAMPLE_SRC_TIMER;
	}
	return SAMPLE_SRC_NONE;
}

static void sampling_record(const struct lab *lab, const char *src, const char *reason,
			    int err)
{
	struct rec r;
	char buf[16];

	rec_begin(&r, "sampling");
	rec_str(&r, "run", RUN_NAME);
	rec_str(&r, "src", src);
	if (sampler.src == SAMPLE_SRC_PMI)
		rec_str(&r, "event", PMI_EVENT);
	rec_u64(&r, "period", sampler.period);
	rec_str(&r, "unit", sampler.src == SAMPLE_SRC_PMI ||
		(sampler.src == SAMPLE_SRC_NONE && lab->cfg->sample_src == SAMPLE_WANT_PMI) ?
		"cycles" : "apic-ticks");
	rec_u64(&r, "samples", sampler.n);
	rec_u64(&r, "lost", sampler.lost);
	rec_u64(&r, "throttled", sampler.throttled);
	rec_u64(&r, "random", sampler.random);
	rec_str(&r, "stack_src", sampler.lbr_on ? "lbr" : "fp");
	if (sampler.src == SAMPLE_SRC_PMI)
		rec_u64(&r, "spurious", sampler.spurious);
	if (reason)
		rec_str(&r, "reason", reason);
	if (err)
		rec_str(&r, "error", hw_err_name(err, buf));
	rec_end(&r);
}

/* One sample record; true for a hot() or cold() sample whose stack is the
 * workload's: work() as its caller, the section entry further down. */
static bool emit_sample(const struct lab *lab, unsigned i, const char *src, unsigned *hits)
{
	const struct sample *sm = &sampler.buf[i];
	u64 callers[SAMPLE_STACK_MAX + 1], off = 0;
	char sym[SYM_MAX], stack[STACK_TEXT_MAX], ips[STACK_IP_TEXT_MAX], idx[16];
	const char *name = fn_name(lab, sm->rip, &off);
	enum sampled_fn fn = sampled_fn_of(sm->rip, lab->image.base);
	bool lbr = sm->nlbr > 0, entry = false;
	unsigned n = lbr ? lbr_callchain(sm->lbr, sm->nlbr, callers, ARRAY_SIZE(callers)) :
		     sample_callers(sm, name ? sm->rip - off : 0, lab->image.text_lo,
				    lab->image.text_hi, callers, ARRAY_SIZE(callers));
	size_t len = 0, ilen = 0;
	struct rec r;

	hits[fn]++;
	symtab_format(sm->rip, lab->image.base, sym, sizeof(sym));
	stack[0] = ips[0] = '\0';
	for (unsigned k = 0; k < n && len + SYM_MAX + 1 < sizeof(stack); k++) {
		if (k)
			stack[len++] = ',';
		symtab_format(callers[k], lab->image.base, stack + len, sizeof(stack) - len);
		len += strlen(stack + len);
		ilen += fmt_snprintf(ips + ilen, sizeof(ips) - ilen, "%s0x%llx", k ? "," : "",
				     (unsigned long long)callers[k]);
		entry |= !strcmp(fn_name(lab, callers[k], &off) ?: "", "sample_suite_run");
	}
	rec_begin(&r, "sample");
	rec_str(&r, "run", RUN_NAME);
	rec_str(&r, "src", src);
	rec_u64(&r, "idx", i);
	rec_hex(&r, "rip", sm->rip);
	rec_str(&r, "sym", sym);
	rec_str(&r, "stack", n ? stack : "none");
	rec_str(&r, "stack_src", lbr ? "lbr" : "fp");
	if (n)
		rec_str(&r, "stack_ip", ips);
	rec_end(&r);
	if (lbr) {
		fmt_snprintf(idx, sizeof(idx), "%u", i);
		lbr_report_entries(RUN_NAME, idx, sm->lbr, sm->nlbr);
	}
	return (fn == FN_HOT || fn == FN_COLD) && entry && n &&
	       sampled_fn_of(callers[0], lab->image.base) == FN_WORK;
}

static void emit(const struct lab *lab, const char *src, u64 plain, u64 sampled,
		 u64 step_hot, u64 stray, unsigned stray_vector)
{
	unsigned hits[FN_COUNT] = { 0 }, good = 0;
	u64 permille;
	struct rec r;

	sampling_record(lab, src, NULL, sampler.err);
	for (unsigned i = 0; i < sampler.n; i++)
		good += emit_sample(lab, i, src, hits);
	if (lab->icount_shift != BENCH_NO_ICOUNT && sampler.interrupts) {
		u64 insns = (sampled - plain) >> lab->icount_shift;

		rec_begin(&r, "sample_cost");
		rec_str(&r, "run", RUN_NAME);
		rec_u64(&r, "interrupts", sampler.interrupts);
		rec_u64(&r, "insns_total", insns);
		rec_u64(&r, "insns_per_sample", insns / sampler.interrupts);
		rec_u64(&r, "run_insns", plain >> lab->icount_shift);
		rec_end(&r);
	}
	permille = sampler.n ? (u64)hits[FN_HOT] * 1000 / sampler.n : 0;
	check_range_begin(&r, "sample.hot-share", permille, HOT_SHARE_MIN, 1000);
	rec_u64(&r, "stepped", step_hot);
	rec_u64(&r, "samples", sampler.n);
	rec_u64(&r, "hot", hits[FN_HOT]);
	rec_u64(&r, "cold", hits[FN_COLD]);
	rec_end(&r);
	check_u64("sample.stack", good, hits[FN_HOT] + hits[FN_COLD]);
	check_range_begin(&r, "sample.stray", stray, 0, 0);
	if (stray)
		rec_u64(&r, "last_vector", stray_vector);
	rec_end(&r);
	sample_check_lbr_freeze(&sampler);
	rec_narrate("sample: %u samples (%s), %llu.%llu%% in hot (stepped: %llu.%llu%%)",
		    sampler.n, src, (unsigned long long)(permille / 10),
		    (unsigned long long)(permille % 10), (unsigned long long)(step_hot / 10),
		    (unsigned long long)(step_hot % 10));
}

void sample_suite_run(void *arg)
{
	const char *reason, *src;
	u64 step_hot, plain, sampled, stray;
	unsigned vector, stray_vector;
	const struct lab *lab = arg;
	int err;

	step_hot = workload_profile(lab);
	sampler = (struct sampler){
		.period = lab->cfg->sample_period, .random = lab->cfg->sample_random,
		.seed = lab->seed, .pc = &lab->pmu, .lc = &lab->lbr, .buf = buffer,
		.max = buffer_size / sizeof(struct sample), .stack_hi = owned_stack_top(),
	};
	sampler.src = choose(lab, &reason);
	src = sampler.src == SAMPLE_SRC_PMI ? "pmi" : "timer";
	if (sampler.src == SAMPLE_SRC_NONE) {
		sampling_record(lab, "none", reason, 0);
		check_skip("sample.hot-share", reason);
		sample_check_lbr_freeze(&sampler);
		return;
	}
	err = apic_own(&lab->apic);
	if (err) {
		sampling_record(lab, "none", "lapic-not-taken", err);
		check_skip("sample.hot-share", "lapic-not-taken");
		sample_check_lbr_freeze(&sampler);
		return;
	}
	vector = sampler.src == SAMPLE_SRC_PMI ? APIC_PMI_VECTOR : APIC_TIMER_VECTOR;
	trap_set_handler(vector, sample_irq);
	stray = trap_irq_stray(&stray_vector) + trap_irq_spurious();
	plain = sampled_timed_run(RUN_ITERS);
	err = sample_start(&sampler);
	/* inject_at=sample: a fault with the sampler's interrupt armed. */
	selftest_inject_point(INJECT_AT_SAMPLE);
	/* Explain mode narrates MSR accesses; the handler's are held and told
	 * after the run, never printed from the handler. */
	msr_narrate_hold(true);
	sampled = sampled_timed_run(RUN_ITERS);
	msr_narrate_hold(false);
	sample_stop(&sampler);
	stray = trap_irq_stray(&stray_vector) + trap_irq_spurious() - stray;
	if (err && !sampler.err)
		sampler.err = err;
	emit(lab, src, plain, sampled, step_hot, stray, stray_vector);
}

bool sample_begin(const struct lab *lab)
{
	buffer = lab->platform.pages(SAMPLE_BUF_MAX * sizeof(struct sample), &buffer_size);
	return true;
}

void sample_end(const struct lab *lab)
{
	if (buffer)
		lab->platform.free_pages(buffer, buffer_size);
	buffer = NULL;
}
