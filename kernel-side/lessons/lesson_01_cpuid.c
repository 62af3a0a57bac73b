/* Lesson 1: discovering the PMU with CPUID (SDM Vol3B 20.2.1, Figure 20-1;
 * AMD APM Vol3 E.4.1, E.4.19). The decoding is pmu.c's, from the probe the
 * caps section ran; this lesson shows the raw registers beside it. */
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/lessons/lesson.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmu.h"

static void show_regs(const char *what, const struct cpuid_regs *r)
{
	lesson_say("%s: EAX=0x%08x EBX=0x%08x ECX=0x%08x EDX=0x%08x", what, r->eax, r->ebx,
		   r->ecx, r->edx);
}

static void vendor(const struct lab *lab)
{
	struct cpuid_regs r;

	lesson_say("CPUID takes a leaf number in EAX and answers in EAX, EBX, ECX and "
		   "EDX. Leaf 0 gives the highest basic leaf and the vendor's name, "
		   "spelled in EBX, EDX, ECX.");
	hw_cpuid(0, 0, &r);
	show_regs("CPUID.0", &r);
	lesson_say("Highest basic leaf: 0x%x; vendor \"%s\". Leaf 0AH, the PMU's, exists "
		   "only when the highest leaf is at least 0AH: %s.", r.eax, lab->cpu.vendor,
		   r.eax >= 0xa ? "it is" : "it is not");
	lesson_say("CPUID.1:ECX bit 31 says a hypervisor is underneath: %s%s.",
		   lab->cpu.hypervisor ? "set, signature " : "clear",
		   lab->cpu.hypervisor ? lab->cpu.hv_signature : "");
}

static void leaf_0a(const struct lab *lab)
{
	const struct pmu_caps *pc = &lab->pmu;
	struct cpuid_regs r;

	lesson_say("Leaf 0AH describes Intel's architectural PMU. EAX[7:0] is its "
		   "version, EAX[15:8] how many general-purpose counters each logical "
		   "CPU has, EAX[23:16] their width in bits, EAX[31:24] how many bits "
		   "of EBX are meaningful. From version 2, EDX[4:0] counts the fixed "
		   "counters and EDX[12:5] gives their width.");
	cpu_leaf(&lab->cpu, 0xa, 0, &r);
	show_regs("CPUID.0AH", &r);
	lesson_say("Decoded: version %u, %u general-purpose counters of %u bits, %u fixed "
		   "counters of %u bits%s.", pc->version, pc->gp_counters, pc->gp_width,
		   pc->fixed_counters, pc->fixed_width,
		   pc->version >= 5 ? ", ECX a bitmap of further fixed counters" : "");
	lesson_real_vs_tcg("a recent Intel core says version 4 or 5, 4 or 8 counters of "
			   "48 bits and 3 or 4 fixed counters of 48 bits; an AMD CPU "
			   "answers zeros here and describes its counters in leaves "
			   "80000001H and 80000022H instead.",
			   "all four registers are 0. TCG emulates instructions, not a "
			   "PMU: there is no counter to describe, so version 0 means "
			   "\"no architectural performance monitoring\".");
}

static void events(const struct lab *lab)
{
	const struct pmu_caps *pc = &lab->pmu;
	unsigned n = pc->events_len < ARCH_EVENT_MAX ? pc->events_len : ARCH_EVENT_MAX;

	lesson_say("EBX is a bitmap of the architectural events, where a set bit means "
		   "the event is NOT available (SDM Table 20-1). Only the first EAX[31:24] "
		   "= %u bits count.", pc->events_len);
	for (unsigned i = 0; i < n; i++)
		lesson_code("bit %u %-16s %s", i, pmu_arch_event_name(i),
			   pc->events_avail & BIT(i) ? "available" : "NOT available");
	if (!n)
		lesson_say("No bit counts here, so no architectural event is promised: "
			   "perf would fall back to software events.");
}

static void perf_capabilities(const struct lab *lab)
{
	u64 cap;

	lesson_say("CPUID.1:ECX bit 15 (PDCM) promises the MSR IA32_PERF_CAPABILITIES "
		   "(0x345): the LBR record format, the PEBS format and whether the "
		   "counters take full-width writes. Here PDCM is %s.",
		   lab->cpu.leaf1_ecx & X86_FEATURE_PDCM ? "set" : "clear");
	if (!(lab->cpu.leaf1_ecx & X86_FEATURE_PDCM)) {
		lesson_say("So the MSR is not read: reading an MSR the CPU does not have "
			   "raises #GP.");
		return;
	}
	lesson_say("Reading it (explain mode decodes the value):");
	msr_read_safe(MSR_IA32_PERF_CAPABILITIES, &cap);
}

static void amd_leaves(const struct lab *lab)
{
	struct cpuid_regs r;
	bool has_22 = lab->cpu.max_ext_leaf >= 0x80000022u;

	lesson_say("AMD's counters are described in extended leaves. 80000001H:ECX bit "
		   "23 (PerfCtrExtCore) says there are six core counters at MSR "
		   "0xc0010200 instead of the legacy four at 0xc0010000; leaf 80000022H "
		   "EAX bit 0 says PerfMonV2 (a global control, as Intel's), EBX[3:0] "
		   "how many core counters.");
	cpu_leaf(&lab->cpu, 0x80000001u, 0, &r);
	show_regs("CPUID.80000001H", &r);
	lesson_say("PerfCtrExtCore: %s. The highest extended leaf is 0x%x, so leaf "
		   "80000022H %s.", r.ecx & X86_FEATURE_PERFCTR_CORE ? "set" : "clear",
		   lab->cpu.max_ext_leaf, has_22 ? "exists" : "does not exist");
	if (has_22) {
		cpu_leaf(&lab->cpu, 0x80000022u, 0, &r);
		show_regs("CPUID.80000022H", &r);
	}
	if (cpu_is_amd_like(&lab->cpu)) {
		struct pmu_caps again;

		lesson_say("The four legacy counters are implied, not enumerated, so "
			   "pmu.c believes them only once a pattern written to PerfCtr0 "
			   "reads back (and restores it after). Again, narrated:");
		pmu_probe(&lab->cpu, &again);
		lesson_say("So: %s.", again.present ? "the counters are there" : again.reason);
	}
	lesson_real_vs_tcg("a Zen 4 answers PerfCtrExtCore set and PerfMonV2 with 6 "
			   "counters; on an Intel CPU both are clear.",
			   "the leaves are those of the CPU model QEMU imitates (here "
			   "its vendor is the model's), but no counter is behind them: "
			   "pmu.c believes AMD counters only after a write reads back.");
}

static void question(const struct lab *lab)
{
	const struct pmu_caps *pc = &lab->pmu;

	lesson_question("How many general-purpose counters can a profiler program on "
			"this CPU, and after how many events does one wrap around?");
	if (pc->present && pc->vendor == VENDOR_INTEL)
		lesson_answer("%u counters (CPUID.0AH.EAX[15:8]), each %u bits wide "
			      "(EAX[23:16]): one wraps after 2^%u events. Plus %u fixed "
			      "counters.", pc->gp_counters, pc->gp_width, pc->gp_width,
			      pc->fixed_counters);
	else if (pc->present)
		lesson_answer("%u counters (%s), 48 bits wide: one wraps after 2^48 "
			      "events.", pc->amd_counters, pc->amd_counters_src);
	else if (pc->vendor == VENDOR_AMD)
		lesson_answer("none: CPUID promises %u (%s), but the probe's write to "
			      "PerfCtr0 did not read back (pmu.c: %s). A profiler here has "
			      "only software events and timers.", pc->amd_counters,
			      pc->amd_counters_src, pc->reason);
	else
		lesson_answer("none: CPUID.0AH.EAX = 0x%08x gives version %u and %u "
			      "counters (pmu.c: %s). A profiler here has only software "
			      "events and timers.", pc->leaf_0a.eax, pc->version,
			      pc->gp_counters, pc->reason);
}

static const struct lesson_step steps[] = {
	{ "CPUID leaf 0: the vendor and the highest leaf", vendor },
	{ "CPUID leaf 0AH: version, counters, widths", leaf_0a },
	{ "The architectural events bitmap (EBX)", events },
	{ "IA32_PERF_CAPABILITIES", perf_capabilities },
	{ "AMD: leaves 80000001H and 80000022H", amd_leaves },
	{ "Question", question },
};

LESSON(1, "Discovering the PMU with CPUID", 0, steps);
