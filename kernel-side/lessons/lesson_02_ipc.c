/* Lesson 2: counting instructions and cycles, and IPC -- the count.c API
 * the benches use (SDM Vol3B 20.2.1-20.2.2, 20.6). */
#include "kernel-side/explain/explain.h"
#include "lib/fmt.h"
#include "kernel-side/lessons/lesson.h"
#include "kernel-side/pmu/pmc.h"
#include "lib/libc.h"

#define LOOP_N	1000

static struct lesson_result res;

/* The PMU to show encodings for: this one, or -- named as such -- an Intel
 * v4 with every architectural event, when this CPU has none. */
static const struct pmu_caps *shown_pmu(const struct lab *lab, struct pmu_caps *pretend)
{
	if (lab->pmu.present)
		return &lab->pmu;
	*pretend = (struct pmu_caps){
		.present = true, .vendor = VENDOR_INTEL, .version = 4, .gp_counters = 4,
		.gp_width = 48, .events_len = 7, .events_avail = 0x7f, .fixed_counters = 3,
		.fixed_width = 48,
	};
	return pretend;
}

static void encodings(const struct lab *lab)
{
	static const char *const names[] = { "instructions", "cycles" };
	struct pmu_caps pretend;
	const struct pmu_caps *pc = shown_pmu(lab, &pretend);
	struct cpu_info ci = lab->cpu;
	char line[EXPLAIN_LINE_MAX];

	lesson_say("An event is a number the CPU's manual gives: instructions retired "
		   "is event 0xc0, core cycles 0x3c (Intel architectural events; AMD "
		   "uses 0xc0 and 0x76). A general-purpose counter counts the event its "
		   "selector names; Intel also has fixed counters that count only one "
		   "event each: fixed 0 instructions, fixed 1 cycles.");
	if (pc == &pretend) {
		lesson_say("This CPU has no PMU (%s), so here is what the driver would "
			   "write on an Intel CPU with architectural perfmon v4:",
			   lab->pmu.reason);
		ci.vendor_id = VENDOR_INTEL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct event ev;
		u64 sel;

		bool amd = pc->vendor == VENDOR_AMD;
		u32 msr = !amd ? MSR_IA32_EVNTSEL0 + i :
			  pc->perfctr_core ? MSR_F15H_PERF_CTL + 2 * i : MSR_K7_EVNTSEL0 + i;
		char name[40];

		event_resolve(&ci, pc, names[i], strlen(names[i]), &ev);
		sel = pmu_selector(ev.config, amd ? EVENT_CONFIG_MASK_AMD : EVENT_CONFIG_MASK_INTEL,
				   PMC_OS | PMC_USR) | ARCH_PERFMON_EVENTSEL_EN;
		explain_msr_fields(line, sizeof(line), msr, sel);
		lesson_say("%s: config 0x%llx (table %s); on gp%zu the driver writes", names[i],
			   (unsigned long long)ev.config, ev.table, i);
		lesson_code("%s <- 0x%08llx  %s", explain_msr_name(msr, name, sizeof(name)),
			    (unsigned long long)sel, line);
		if (ev.fixed != EVENT_NO_FIXED)
			lesson_say("or it goes on fixed counter %u, which counts nothing else, "
				   "leaving the general-purpose counters free.", ev.fixed);
	}
}

static void program(const struct lab *lab)
{
	static struct count_set set;
	u64 val[COUNT_EVENTS_MAX];

	count_init(&set, &lab->cpu, &lab->pmu, "instructions,cycles");
	lesson_say("count_init() gives each event a counter: the fixed ones first. "
		   "Then count_program() stops and zeroes them and writes the "
		   "selectors; count_start() is one write of the global control (from "
		   "version 2), so every counter starts at the same instruction; the "
		   "kernel runs; count_stop() and count_read(). Explain mode narrates "
		   "the writes of the counted region after it, so they do not count.");
	if (!set.ngroups) {
		lesson_say("Nothing to program here: %s. No MSR is written.",
			   set.n ? set.slot[0].ev.reason : "no events");
		return;
	}
	count_program(&set, 0);
	count_start(&set, 0);
	mb_loop(LOOP_N, NULL);
	count_stop(&set, 0);
	count_read(&set, 0, val);
	count_release(&set);
	for (unsigned i = 0; i < set.n; i++)
		if (set.slot[i].counted)
			lesson_say("%s: %llu for %u iterations (start, stop and read "
				   "included)", set.slot[i].ev.name,
				   (unsigned long long)val[i], LOOP_N);
}

static void measure(const struct lab *lab)
{
	const struct mb_kernel *k = mb_kernel_find("loop", 4);
	char r[16];

	lesson_say("The loop kernel is `dec rdi; jnz` -- %u instructions an iteration. "
		   "The bench method runs it at n = %u and 2n and keeps the difference, "
		   "which cancels the cost of starting and stopping the counters.",
		   k->insns, LOOP_N);
	lesson_measure(lab, "lesson2-loop", mb_loop, NULL, LOOP_N, "instructions,cycles", &res);
	lesson_say("TSC ticks for %llu iterations: %lld (%s an iteration).",
		   (unsigned long long)res.iters, (long long)res.tsc,
		   lesson_ratio(res.tsc, (s64)res.iters, r, sizeof(r)));
	if (res.icount)
		lesson_say("Under -icount the TSC advances 2^%u per instruction, so that "
			   "is exactly %llu instructions.", lab->icount_shift,
			   (unsigned long long)res.insns);
	for (unsigned i = 0; i < res.nev; i++) {
		if (res.ev[i].reason)
			lesson_say("%s: not counted (%s)", res.ev[i].name, res.ev[i].reason);
		else
			lesson_say("%s: %lld", res.ev[i].name, (long long)res.ev[i].value);
	}
}

static void ipc(const struct lab *lab)
{
	const s64 *ins = lesson_event(&res, "instructions"), *cyc = lesson_event(&res, "cycles");
	char r[16];

	lesson_say("IPC, instructions per cycle, says how much work each clock did. A "
		   "modern core retires up to 4-6 instructions a cycle; this loop's "
		   "taken branch limits it to about one iteration, 2 instructions, per "
		   "cycle.");
	if (ins && cyc)
		lesson_say("Here: %lld instructions in %lld cycles, IPC %s.", (long long)*ins,
			   (long long)*cyc, lesson_ratio(*ins, *cyc, r, sizeof(r)));
	else
		lesson_say("Here the cycles were not counted, so there is no IPC to "
			   "compute.");
	lesson_real_vs_tcg("instructions is exactly 2 per iteration (plus nothing: the "
			   "difference cancels the rest), cycles about 1 per iteration, "
			   "IPC near 2.",
			   "no PMU, so neither is counted. -icount makes the virtual "
			   "clock tick 2^shift ns per instruction, so the TSC counts "
			   "instructions exactly -- but there are no cycles: TCG "
			   "translates guest code into host code and models no "
			   "pipeline, so a cycle count would be invented, and pmulab "
			   "invents none.");
}

static void question(const struct lab *lab)
{
	const s64 *ins = lesson_event(&res, "instructions"), *cyc = lesson_event(&res, "cycles");
	char r[16], q[16];

	lesson_question("How many instructions does one iteration of the loop retire, "
			"and at what IPC?");
	if (ins && cyc)
		lesson_answer("%s instructions an iteration (%lld for %llu) at IPC %s.",
			      lesson_ratio(*ins, (s64)res.iters, r, sizeof(r)), (long long)*ins,
			      (unsigned long long)res.iters, lesson_ratio(*ins, *cyc, q, sizeof(q)));
	else if (res.icount)
		lesson_answer("%s instructions an iteration: the TSC moved %lld ticks for "
			      "%llu iterations, %llu instructions at 2^%u ticks each. The "
			      "IPC cannot be known here: no cycles were counted.",
			      lesson_ratio((s64)res.insns, (s64)res.iters, r, sizeof(r)),
			      (long long)res.tsc, (unsigned long long)res.iters,
			      (unsigned long long)res.insns, lab->icount_shift);
	else
		lesson_answer("not measurable here: no counter and no -icount (the TSC "
			      "moved %lld ticks for %llu iterations).", (long long)res.tsc,
			      (unsigned long long)res.iters);
}

static const struct lesson_step steps[] = {
	{ "Events and their encodings", encodings },
	{ "Programming, starting, stopping, reading", program },
	{ "Measuring the loop kernel", measure },
	{ "Instructions per cycle", ipc },
	{ "Question", question },
};

LESSON(2, "Counting instructions and cycles, IPC", 0, steps);
