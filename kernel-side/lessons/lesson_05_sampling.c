/* Lesson 5: overflow, PMI and the RIP histogram -- counting says how many,
 * sampling says where (sample.c, apic.c, docs/sampling.md). The workload is
 * microbench/sampled.c, whose profile the lesson first counts exactly by
 * single-stepping it; then the sampler interrupts it -- a PMI on cycles where
 * a PMU counts, else the LAPIC timer, which under -icount ticks with the
 * instructions -- and the samples' RIPs become a histogram. */
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/explain/explain.h"
#include "lib/fmt.h"
#include "kernel-side/lessons/lesson.h"
#include "lib/libc.h"
#include "kernel-side/owned/owned.h"
#include "kernel-side/sample/sample.h"
#include "kernel-side/sample/sampled_step.h"
#include "lib/symtab.h"

#define SAMPLES_MAX	1024
#define RUN_ITERS	1000		/* work() calls in the sampled run */
#define COUNT_ITERS	100		/* and in the counted one */
#define TIMER_PERIOD	50000		/* APIC ticks: 1562 instructions under -icount */
#define PMI_PERIOD	20000		/* cycles */
#define PMI_EVENT	"cycles"
#define FOLDED_MAX	8

static struct sampler sampler;
static u64 per_iter[FN_COUNT], iter_total;
static u64 counted_insns;		/* per iteration, from the TSC under -icount */
static unsigned hist[FN_COUNT];
static u64 plain_ticks, sampled_ticks;
static const char *src_name = "none";

static unsigned permille(u64 part, u64 whole)
{
	return whole ? (unsigned)(part * 1000 / whole) : 0;
}

static void counting(const struct lab *lab)
{
	struct lesson_result r;

	lesson_say("The workload (microbench/sampled.c): sampled_run(x, n) calls "
		   "work() n times; work() calls hot(), 240 steps of an LCG, then "
		   "cold(), 24 steps. Counting answers \"how many\": run it and read "
		   "a counter at the end.");
	lesson_measure(lab, "lesson5-count", sampled_run_loop, NULL, COUNT_ITERS,
		       "instructions,cycles", &r);
	for (unsigned i = 0; i < r.nev; i++) {
		if (r.ev[i].reason)
			lesson_code("%-12s not counted: %s", r.ev[i].name, r.ev[i].reason);
		else
			lesson_code("%-12s %lld for %llu iterations", r.ev[i].name,
				    (long long)r.ev[i].value, (unsigned long long)r.iters);
	}
	if (r.icount) {
		counted_insns = r.insns / r.iters;
		lesson_say("Under -icount the TSC counts instructions exactly: %llu for "
			   "%llu iterations, %llu an iteration.", (unsigned long long)r.insns,
			   (unsigned long long)r.iters, (unsigned long long)counted_insns);
	}
	lesson_say("A count has no \"where\". One way to get it exactly is to stop "
		   "after every instruction: RFLAGS.TF raises a #DB after each one, "
		   "and the handler counts its RIP's function. Two runs, one "
		   "iteration apart, so entry and exit cancel:");
	sampled_step_profile(lab->image.base, per_iter);
	iter_total = 0;
	for (unsigned i = 0; i < FN_COUNT; i++)
		iter_total += per_iter[i];
	for (unsigned i = 0; i < FN_OTHER; i++)
		lesson_code("%-12s %4llu instructions an iteration, %u per mille", sampled_fn_names[i],
			    (unsigned long long)per_iter[i], permille(per_iter[i], iter_total));
	lesson_say("%llu stepped an iteration%s. That is exact, and a #DB round trip "
		   "for every instruction: far too slow to profile with.",
		   (unsigned long long)iter_total,
		   counted_insns ? (counted_insns == iter_total ? ", as many as the TSC "
				    "counted" : ", NOT as many as the TSC counted") : "");
}

static void overflow(const struct lab *lab)
{
	static struct count_set set;
	char fields[EXPLAIN_LINE_MAX];
	u64 sel;

	lesson_say("Sampling answers \"where\" at a fraction of the cost: a counter "
		   "preset to -period counts up; when it wraps past zero it sets its "
		   "bit in IA32_PERF_GLOBAL_STATUS and, with the selector's INT bit, "
		   "raises a PMI through the local APIC's LVT performance-counter "
		   "entry (LVTPC). The handler notes the interrupted RIP and its "
		   "callers, writes -period again and returns (SDM Vol3B 20.6.3, "
		   "Vol3A 11.5.1): one sample every period events.");
	count_init(&set, &lab->cpu, &lab->pmu, PMI_EVENT);
	if (lab->cpu.vendor_id == VENDOR_INTEL && set.n && set.slot[0].ev.config) {
		sel = set.slot[0].ev.config | ARCH_PERFMON_EVENTSEL_USR |
		      ARCH_PERFMON_EVENTSEL_OS | ARCH_PERFMON_EVENTSEL_INT |
		      ARCH_PERFMON_EVENTSEL_EN;
		explain_msr_fields(fields, sizeof(fields), MSR_IA32_EVNTSEL0, sel);
		lesson_say("For %s on a general-purpose counter the selector is "
			   "(INT: interrupt on overflow):", PMI_EVENT);
		lesson_code("IA32_PERFEVTSEL0 = 0x%08llx  %s", (unsigned long long)sel, fields);
	}
	if (lab->pmu.present && lab->pmu.gp_width)
		lesson_say("This PMU's counters are %u bits wide: a period of %u is "
			   "preset as 0x%llx.", lab->pmu.gp_width, PMI_PERIOD,
			   (unsigned long long)(-(u64)PMI_PERIOD &
						(BIT_ULL(lab->pmu.gp_width) - 1)));
	else
		lesson_say("This CPU has no PMU that counts (%s): no counter to "
			   "overflow, no PMI. The local APIC has a timer, though, and "
			   "the sampler falls back to it: an interrupt every period "
			   "APIC ticks, like perf's cpu-clock -- by time, not by "
			   "events.", lab->pmu.reason ? lab->pmu.reason : "none");
}

static enum sample_src choose(const struct lab *lab, const char **why)
{
	static struct count_set set;
	const struct apic_info *ai = &lab->apic;

	*why = NULL;
	if (ai->mode != APIC_XAPIC && ai->mode != APIC_X2APIC) {
		*why = ai->mode == APIC_ABSENT ? "no-lapic" : "lapic-disabled";
		return SAMPLE_SRC_NONE;
	}
	count_init(&set, &lab->cpu, &lab->pmu, PMI_EVENT);
	if (lab->pmu.present && set.slot[0].counted && ai->max_lvt >= 4) {
		sampler.counter = set.slot[0].idx;
		sampler.config = set.slot[0].ev.config;
		return SAMPLE_SRC_PMI;
	}
	return SAMPLE_SRC_TIMER;
}

static void sampling(const struct lab *lab)
{
	u64 size;
	u8 *mem = lesson_memory(&size);
	const char *why;
	unsigned vector;
	int err;

	sampler = (struct sampler){
		.buf = (struct sample *)mem, .pc = &lab->pmu,
		.max = (unsigned)(size / sizeof(struct sample)),
		.stack_hi = owned_stack_top(),
	};
	sampler.src = mem ? choose(lab, &why) : SAMPLE_SRC_NONE;
	if (!mem)
		why = "no-memory";
	if (sampler.src == SAMPLE_SRC_NONE) {
		lesson_say("No sampling here: %s.", why);
		return;
	}
	sampler.period = sampler.src == SAMPLE_SRC_PMI ? PMI_PERIOD : TIMER_PERIOD;
	src_name = sampler.src == SAMPLE_SRC_PMI ? "pmi" : "timer";
	lesson_say("Source: %s, a sample every %llu %s; sampled_run(1, %u). The "
		   "local APIC is taken first: its entries saved and masked, so only "
		   "pmulab's vectors arrive, and given back when the step ends.",
		   sampler.src == SAMPLE_SRC_PMI ? "the PMI on cycles" : "the LAPIC timer",
		   (unsigned long long)sampler.period,
		   sampler.src == SAMPLE_SRC_PMI ? "cycles" : "APIC ticks", RUN_ITERS);
	err = apic_own(&lab->apic);
	if (err) {
		lesson_say("The local APIC could not be taken: no sampling.");
		sampler.src = SAMPLE_SRC_NONE;
		return;
	}
	vector = sampler.src == SAMPLE_SRC_PMI ? APIC_PMI_VECTOR : APIC_TIMER_VECTOR;
	trap_set_handler(vector, sample_irq);
	plain_ticks = sampled_timed_run(RUN_ITERS);
	lesson_say("Arming the source:");
	err = sample_start(&sampler);
	/* Explain mode is quiet during the run: the handler's writes (an EOI
	 * at each interrupt, more for a PMI) would be hundreds of lines. */
	explain_enable(false);
	sampled_ticks = sampled_timed_run(RUN_ITERS);
	explain_enable(true);
	lesson_say("(The run: explain mode quiet -- the handler writes the EOI "
		   "register at every interrupt.) Disarming:");
	sample_stop(&sampler);
	trap_set_handler(vector, NULL);
	if (err || sampler.err)
		lesson_say("The sampler reported an error: the counts below are what it "
			   "took before it.");
	lesson_say("%u samples from %llu interrupts; lost %llu (buffer full), "
		   "throttled %llu (a period ended inside the handler).", sampler.n,
		   (unsigned long long)sampler.interrupts, (unsigned long long)sampler.lost,
		   (unsigned long long)sampler.throttled);
}

/* "sampled_run;work;hot" from a sample's callers, cut at sampled_run. */
static void fold(const struct lab *lab, const struct sample *sm, char *buf, size_t size)
{
	u64 callers[SAMPLE_STACK_MAX + 1], off;
	const char *name = symtab_name(sm->rip, lab->image.base, &off);
	unsigned n = sample_callers(sm, name ? sm->rip - off : 0, lab->image.text_lo,
				    lab->image.text_hi, callers, ARRAY_SIZE(callers)), top = n;
	size_t len = 0;

	if (sampled_fn_of(sm->rip, lab->image.base) == FN_RUN)
		top = 0;

	for (unsigned k = 0; k < n; k++)
		if (sampled_fn_of(callers[k], lab->image.base) == FN_RUN) {
			top = k + 1;
			break;
		}
	buf[0] = '\0';
	for (unsigned k = top; k-- > 0;) {
		const char *c = symtab_name(callers[k], lab->image.base, &off);

		len += fmt_snprintf(buf + len, size - len, "%s;", c ? c : "?");
	}
	fmt_snprintf(buf + len, size - len, "%s", name ? name : "?");
}

static void histogram(const struct lab *lab)
{
	static char folded[FOLDED_MAX][128];
	unsigned nfold = 0, fcount[FOLDED_MAX] = { 0 }, other_fold = 0;
	char line[128];

	if (sampler.src == SAMPLE_SRC_NONE || !sampler.n) {
		lesson_say("No samples were taken: no histogram.");
		return;
	}
	memset(hist, 0, sizeof(hist));
	for (unsigned i = 0; i < sampler.n; i++) {
		unsigned k;

		hist[sampled_fn_of(sampler.buf[i].rip, lab->image.base)]++;
		fold(lab, &sampler.buf[i], line, sizeof(line));
		for (k = 0; k < nfold && strcmp(folded[k], line); k++)
			;
		if (k == nfold && nfold < FOLDED_MAX)
			memcpy(folded[nfold++], line, sizeof(line));
		if (k < nfold)
			fcount[k]++;
		else
			other_fold++;
	}
	lesson_say("Each sample is the RIP the interrupt found. Counted by function, "
		   "against the exact per-instruction count of step 1:");
	for (unsigned i = 0; i < FN_COUNT; i++)
		lesson_code("%-12s %4u samples  %3u per mille   (stepped: %u per mille)",
			    sampled_fn_names[i], hist[i], permille(hist[i], sampler.n),
			    permille(per_iter[i], iter_total));
	lesson_say("Sampling is statistics: the big share comes out close, the small "
		   "functions less so -- the RIP an interrupt reports is where it "
		   "was taken, which need not be where the period ran out (skid, on "
		   "hardware).");
	lesson_say("With the callers of each sample (the RBP chain, as perf record -g "
		   "walks it) the samples fold into stacks, the input of a flame "
		   "graph (pmulab flame):");
	for (unsigned k = 0; k < nfold; k++)
		lesson_code("%-40s %u", folded[k], fcount[k]);
	if (other_fold)
		lesson_code("%-40s %u", "(other stacks)", other_fold);
}

static void compare(const struct lab *lab)
{
	u64 handler = 0;

	if (sampler.interrupts && lab->icount_shift != BENCH_NO_ICOUNT &&
	    sampled_ticks > plain_ticks)
		handler = ((sampled_ticks - plain_ticks) >> lab->icount_shift) / sampler.interrupts;
	if (handler)
		lesson_say("The same run without sampling took %llu instructions, with it "
			   "%llu: %llu instructions a sample for the interrupt handler "
			   "(entry to IRET), against a #DB for every instruction when "
			   "stepping.", (unsigned long long)(plain_ticks >> lab->icount_shift),
			   (unsigned long long)(sampled_ticks >> lab->icount_shift),
			   (unsigned long long)handler);
	lesson_real_vs_tcg("a PMI on cycles samples where the time goes: a cache miss "
			   "or a mispredicted branch gets the samples of its stall, "
			   "so shares follow cycles, not instructions, and the "
			   "sampled RIP may sit a few instructions past the one that "
			   "caused the overflow (skid; PEBS narrows it). With an LBR "
			   "each sample also carries the last branches.",
			   "no PMU, so no PMI: the LAPIC timer samples instead, and "
			   "under -icount its clock advances with each retired "
			   "instruction, so a sample every 50000 ticks is a sample "
			   "every 1562 instructions -- an instruction profile, the "
			   "same at every boot.");
}

static void question(const struct lab *lab)
{
	unsigned sampled, stepped;

	lesson_question("Where do the instructions go, and how close does sampling "
			"come to the exact count?");
	if (sampler.src == SAMPLE_SRC_NONE || !sampler.n || !iter_total) {
		lesson_answer("this run took no samples to compare.");
		return;
	}
	sampled = permille(hist[FN_HOT], sampler.n);
	stepped = permille(per_iter[FN_HOT], iter_total);
	lesson_answer("hot() has %u of %u samples, %u per mille; stepping every "
		      "instruction says %llu of %llu an iteration, %u per mille -- "
		      "%u per mille apart, with a sample every %llu %s instead of "
		      "an exception every instruction.", hist[FN_HOT], sampler.n, sampled,
		      (unsigned long long)per_iter[FN_HOT], (unsigned long long)iter_total,
		      stepped, sampled > stepped ? sampled - stepped : stepped - sampled,
		      (unsigned long long)sampler.period,
		      sampler.src == SAMPLE_SRC_PMI ? "cycles" : "APIC ticks");
}

static const struct lesson_step steps[] = {
	{ "Counting: how many", counting },
	{ "Overflow: a counter that interrupts", overflow },
	{ "Sampling the workload", sampling },
	{ "The RIP histogram", histogram },
	{ "Counting vs sampling", compare },
	{ "Question", question },
};

LESSON(5, "Overflow, PMI and the RIP histogram (counting vs sampling)",
       SAMPLES_MAX * sizeof(struct sample), steps);
