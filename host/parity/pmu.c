/* kvm-unit-tests x86/pmu.c and the pmulab checks that test the same (parity.h).
 * The unit tests are tests/unit/kernel/test_pmu.c's; after the colon, the
 * fault planted in the simulated PMU (PMU_SIM_BREAK_* in pmu_sim.h). */
#include "host/parity/parity.h"
#include "lib/types.h"

/* A property a pmulab check tests, and the fault that makes it fail; or why none does. */
#define ROW(k, p, c, u)	{ .kut = k, .property = p, .check = c, .unit = u }
#define WHY(k, p, w)	{ .kut = k, .property = p, .why = w }

/* Why the forced-emulation rows do not apply (check_emulated_instr). */
#define WHY_FEP "needs KVM's forced-emulation prefix (kvm.force_emulation_prefix): " \
	"it tests that KVM's instruction emulator counts what it emulates; with no " \
	"hypervisor every instruction retires on the CPU, as pmu.instructions.* counts it"

static const struct parity_row rows[] = {
	ROW("check_invalid_rdpmc_gp: Expected #GP on RDPMC(64)",
	    "RDPMC of a counter index that does not exist raises #GP",
	    "pmu.rdpmc.invalid", "test_pmu: rdpmc-any-index"),
	ROW("check_gp_counters: core cycles-N",
	    "core cycles counted between instructions/8 and instructions x 100 "
	    "(fixed counter 1, else a general counter)",
	    "pmu.cycles", "test_pmu: no-cycles"),
	ROW("check_gp_counters: instructions-N",
	    "every general counter counts the loop's instructions exactly",
	    "pmu.all-counters", "test_pmu: last-gp-idle"),
	ROW("check_gp_counters: ref cycles-N",
	    "reference cycles counted within what the TSC's rate allows "
	    "(fixed counter 2: the general-counter encoding counts bus clocks)",
	    "pmu.ref-cycles", "test_pmu: no-ref-cycles"),
	ROW("check_gp_counters: llc references-N",
	    "LLC references counted for loads of lines CLFLUSH evicted: between half "
	    "and four a load (Intel; AMD's core counters have no LLC event)",
	    "pmu.llc-references", "test_pmu: no-llc-references"),
	ROW("check_gp_counters: llc misses-N",
	    "LLC misses counted for loads of lines CLFLUSH evicted: between half and "
	    "four a load",
	    "pmu.llc-misses", "test_pmu: no-llc-misses"),
	ROW("check_gp_counters: branches-N",
	    "branches counted exactly",
	    "pmu.branches", "test_pmu: gp-extra"),
	ROW("check_gp_counters: branch misses-N",
	    "branch misses counted when branches mispredict (kvm-unit-tests forces "
	    "one with IBPB; pmu-check runs a branch that goes a random way)",
	    "pmu.branch-misses", "test_pmu: no-branch-misses"),
	ROW("check_fixed_counters: fixed-0",
	    "fixed counter 0 counts the loop's instructions exactly",
	    "pmu.instructions.fixed", "test_pmu: fixed-extra"),
	ROW("check_fixed_counters: fixed-1",
	    "fixed counter 1 counts core cycles in range",
	    "pmu.cycles", "test_pmu: no-cycles"),
	ROW("check_fixed_counters: fixed-2",
	    "fixed counter 2 counts reference cycles in range",
	    "pmu.ref-cycles", "test_pmu: no-ref-cycles"),
	ROW("set_ref_cycle_expectations",
	    "reference cycles tick at the TSC's rate, which a core in turbo outruns "
	    "by a bounded ratio",
	    "pmu.ref-cycles", "test_pmu: no-ref-cycles"),
	ROW("check_rdpmc: cntr-N",
	    "RDPMC of a general counter reads what RDMSR reads",
	    "pmu.rdpmc.gp", "test_pmu: rdpmc-stale"),
	WHY("check_rdpmc: fast-N",
	    "RDPMC with ECX[31] (fast mode) reads the low 32 bits",
	    "fast reads (ECX[31]) are the Pentium 4's (CPUID family 15); from Core 2 "
	    "the SDM's RDPMC takes ECX[30] and the index only and raises #GP for "
	    "anything else, where kvm-unit-tests skips too (KVM still emulates the "
	    "mode); pmulab reads counters whole"),
	ROW("check_rdpmc: fixed cntr-N",
	    "RDPMC of a fixed counter (ECX[30]) reads what RDMSR reads",
	    "pmu.rdpmc.fixed", "test_pmu: rdpmc-stale"),
	WHY("check_rdpmc: fixed fast-N",
	    "fast-mode RDPMC of a fixed counter reads the low 32 bits",
	    "as for fast-N: a Pentium 4 mode, #GP from Core 2 on"),
	ROW("check_counters_many: all counters",
	    "every general counter and fixed counters 0-2, started together, each "
	    "count as they do alone",
	    "pmu.all-counters", "test_pmu: last-gp-idle"),
	ROW("check_counter_overflow: cntr-N",
	    "every general counter preset below its top wraps (fixed counter 0: "
	    "pmu.overflow.fixed.wrap)",
	    "pmu.overflow.wrap", "test_pmu: last-gp-idle"),
	ROW("check_counter_overflow: status-N",
	    "the wrap sets the counter's global status bit (fixed counter 0: "
	    "pmu.overflow.fixed.status)",
	    "pmu.overflow.status", "test_pmu: no-ovf-status"),
	ROW("check_counter_overflow: status clear-N",
	    "the overflow-clear register clears that bit (fixed counter 0: "
	    "pmu.overflow.fixed.clear)",
	    "pmu.overflow.clear", "test_pmu: ovf-sticky"),
	ROW("check_counter_overflow: irq-N",
	    "a wrap raises a PMI through LVTPC when the selector's INT bit is set, "
	    "and none when it is clear (each general counter and fixed counter 0)",
	    "pmu.overflow.pmi", "test_pmu: no-pmi"),
	ROW("check_gp_counter_cmask: cmask",
	    "instructions with CMASK=2 count cycles, fewer than the instructions",
	    "pmu.cmask", "test_pmu: cmask-ignored"),
	ROW("check_running_counter_wrmsr: cntr",
	    "a counter written 0 while it counts holds only what it counted after",
	    "pmu.running-write", "test_pmu: running-write-lost"),
	ROW("check_running_counter_wrmsr: status msr bit",
	    "a counter written all ones while it counts wraps and sets its status bit",
	    "pmu.running-write.status", "test_pmu: running-write-lost"),
	WHY("check_emulated_instr: instruction count",
	    "instructions KVM emulates are counted", WHY_FEP),
	WHY("check_emulated_instr: branch count",
	    "branches KVM emulates are counted", WHY_FEP),
	WHY("check_emulated_instr: branch counter overflow",
	    "an emulated branch wraps a counter and sets its status bit", WHY_FEP),
	WHY("check_emulated_instr: instruction counter overflow",
	    "an emulated instruction wraps a counter and sets its status bit",
	  WHY_FEP),
	ROW("check_tsx_cycles: gp cntr-N",
	    "cycles qualified by IN_TX count inside transactions on every general "
	    "counter, IN_TX and IN_TXCP on counter 2 (where RTM is; skip no-rtm "
	    "elsewhere, QEMU TCG included)",
	    "pmu.tsx-cycles", "test_pmu: no-tx-counts"),
	ROW("check_gp_counters_write_width: IA32_PMCx keeps bits 31:0 (assert)",
	    "a write through IA32_PMCx keeps bits 31:0 sign-extended, dropping the rest",
	    "pmu.width.truncate", "test_pmu: legacy-full-width"),
	ROW("check_gp_counters_write_width: IA32_A_PMCx takes the width (assert)",
	    "a write through IA32_A_PMCx keeps every bit below the counter's width",
	    "pmu.fw-write", "test_pmu: fw-truncates"),
	ROW("check_gp_counters_write_width: writing unsupported width to MSR_IA32_PMCN raises #GP",
	    "a write through IA32_A_PMCx setting bits above the width raises #GP",
	    "pmu.fw-write.reserved", "test_pmu: fw-no-gp"),
	ROW("full-width writes: check_counters",
	    "the counting checks again with presets through IA32_A_PMCx",
	    "pmu.fw-write", "test_pmu: fw-truncates"),
	ROW("K7: check_counters",
	    "the legacy PERF_CTL0-3/PERF_CTR0-3 reach counters 0-3 of the core "
	    "extension's set (on CPUs without it every check runs through them)",
	    "pmu.amd.legacy-alias", "test_pmu: k7-detached"),
};

const struct parity_table parity_pmu = {
	.source = "x86/pmu.c",
	.doc = "docs/pmu.md",
	.rows = rows,
	.n = ARRAY_SIZE(rows),
};
