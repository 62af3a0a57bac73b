/* The PMU engine against the simulated PMU (pmu_sim.c), for every variant it
 * models (Intel v1, v2, v4, v5; AMD legacy, core extension, PerfMonV2): the
 * drivers' register traffic, the event tables, counter scheduling and
 * multiplexing, the two-count method, and suite=pmu-check -- which must pass
 * on a sound model and fail the right check on each planted fault. */
#include <stdlib.h>
#include "kernel-side/bench/bench.h"
#include "kernel-side/cpu/apic.h"
#include "kernel-side/owned/trap.h"
#include "kernel-side/cpu/msr.h"
#include "host/parity/parity.h"
#include "host/stream/parse.h"
#include "kernel-side/pmu/pmu_check.h"
#include "tests/unit/models/pmu_sim.h"
#include "lib/record.h"
#include "tests/unit/models/tsc_sim.h"
#include "tests/unit/unit.h"

#define SHIFT 5			/* the icount shift the simulated TSC uses */
#define OVERHEAD_INSNS 7	/* call, ret and the driver's own instructions */

static struct cpu_info ci;
static struct pmu_caps pc;
static struct parser *parser;
static struct stream *stream;

static void sink(const char *line, size_t len, void *ctx)
{
	parser_feed(parser, line, len);
	parser_feed(parser, "\n", 1);
}

static void capture(void)
{
	if (stream)
		stream_free(stream);
	stream = NULL;
	parser = parser_new(NULL, NULL);
	rec_set_sink(sink, NULL);
}

static void captured(void)
{
	stream = parser_finish(parser);
}

/* A local APIC in x2APIC mode, the PMU's interrupt line wired to its LVTPC,
 * for pmu.overflow.pmi: registers by x2APIC MSR - 0x800 (xAPIC offset >> 4), numbered
 * from the models' own table (spec.h), not the driver's. */
#define X2APIC_REGS	0x40
#define VEC_WORDS	8	/* ISR, IRR: 256 vectors in 8 registers */

static u32 x2apic[X2APIC_REGS];
static unsigned x2apic_pending;	/* vectors in IRR: a window with none is a no-op */
static const struct apic_info x2apic_info = {
	.mode = APIC_X2APIC, .max_lvt = 5,
	.apic_base = 0xfee00000ull | SPEC_APIC_BASE_EN | SPEC_APIC_BASE_EXTD,
};

static u32 *vec_word(u32 base, unsigned v)
{
	return &x2apic[(base >> 4) + v / 32];
}

/* EOI retires the highest vector in service. */
static void x2apic_eoi(void)
{
	for (int w = VEC_WORDS - 1; w >= 0; w--) {
		u32 *isr = &x2apic[(SPEC_APIC_ISR >> 4) + w];

		if (*isr) {
			*isr &= ~(1u << (31 - __builtin_clz(*isr)));
			return;
		}
	}
}

static int x2apic_rdmsr(u32 msr, u64 *val)
{
	if (msr - SPEC_MSR_X2APIC_BASE >= X2APIC_REGS)
		return SIM_NOT_MINE;
	if (msr == SPEC_MSR_X2APIC_BASE + (SPEC_APIC_EOI >> 4))
		return SIM_GP_FAULT;	/* write-only */
	*val = x2apic[msr - SPEC_MSR_X2APIC_BASE];
	return 0;
}

static int x2apic_wrmsr(u32 msr, u64 val)
{
	if (msr - SPEC_MSR_X2APIC_BASE >= X2APIC_REGS)
		return SIM_NOT_MINE;
	if (msr == SPEC_MSR_X2APIC_BASE + (SPEC_APIC_EOI >> 4))
		x2apic_eoi();
	else
		x2apic[msr - SPEC_MSR_X2APIC_BASE] = (u32)val;
	return 0;
}

/* A PMI: LVTPC's vector goes pending unless LVTPC is masked, and the APIC
 * masks LVTPC as it accepts one (SDM Vol3A 11.5.1). */
static void lvtpc_raise(void)
{
	u32 *lvt = &x2apic[SPEC_APIC_LVT_PMC >> 4];

	if (*lvt & SPEC_APIC_LVT_MASKED)
		return;
	if (!(*vec_word(SPEC_APIC_IRR, *lvt & SPEC_APIC_LVT_VECTOR) & 1u << (*lvt % 32)))
		x2apic_pending++;
	*vec_word(SPEC_APIC_IRR, *lvt & SPEC_APIC_LVT_VECTOR) |= 1u << (*lvt % 32);
	*lvt |= SPEC_APIC_LVT_MASKED;
}

/* STI; NOP; CLI: the highest pending vector is taken through the payload's
 * trap() when its priority class is above the TPR's. */
static void x2apic_irq_window(void)
{
	for (int w = VEC_WORDS - 1; w >= 0 && x2apic_pending; w--) {
		u32 irr = *vec_word(SPEC_APIC_IRR, w * 32);
		unsigned v = w * 32 + 31 - (irr ? __builtin_clz(irr) : 0);
		struct trapframe tf = { .vector = v };

		if (!irr)
			continue;
		if (v >> 4 <= x2apic[SPEC_APIC_TPR >> 4] >> 4)
			return;
		*vec_word(SPEC_APIC_IRR, v) &= ~(1u << (v % 32));
		*vec_word(SPEC_APIC_ISR, v) |= 1u << (v % 32);
		x2apic_pending--;
		trap(&tf);
		return;
	}
}

static const struct sim_device x2apic_dev = { .rdmsr = x2apic_rdmsr, .wrmsr = x2apic_wrmsr };
static const struct sim_bus_device x2apic_bus = { .irq_window = x2apic_irq_window };

static void install(const struct pmu_sim_spec *spec)
{
	unsigned restored;

	pmu_sim_install(spec);
	memset(x2apic, 0, sizeof(x2apic));
	x2apic_pending = 0;
	x2apic[SPEC_APIC_LVT_PMC >> 4] = SPEC_APIC_LVT_MASKED;
	sim_attach(&x2apic_dev);
	sim_attach_bus(&x2apic_bus);
	pmu_sim_pmi_line(lvtpc_raise);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	msr_restore_all(&restored);
}

/* A simulated loop: per iteration `insns` instructions and one branch at
 * CPL 0, retired an iteration at a time (so a per-call fault scales with n),
 * plus a fixed overhead; the TSC moves 2^SHIFT an instruction, as RDTSC does
 * under QEMU -icount. */
static unsigned loop_insns = 2, loop_branches = 1, loop_cycles = 3, tsc_jitter, tick;

static void sim_loop(u64 n, const void *arg)
{
	for (u64 i = 0; i < n; i++) {
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, loop_insns, 0);
		pmu_sim_retire(PMU_SIM_BRANCHES, loop_branches, 0);
		pmu_sim_retire(PMU_SIM_CYCLES, loop_cycles, 0);
		pmu_sim_retire(PMU_SIM_REF_CYCLES, loop_cycles, 0);
	}
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, OVERHEAD_INSNS, 0);
	pmu_sim_retire(PMU_SIM_BRANCHES, 2, 0);
	sim_tsc_advance(((n * loop_insns + OVERHEAD_INSNS) << SHIFT) + (tsc_jitter ? tick++ % 2 : 0));
}

static const struct mb_kernel simloop = {
	.name = "simloop", .insns = 2, .branches = 1,
};
static const struct pmu_check_kernel kernels[] = { { &simloop, sim_loop, NULL } };

/* mb_branch on a random pattern: 10 instructions and 3 branches an
 * iteration, the one under test mispredicted every other iteration. */
static void sim_branch(u64 n, const void *arg)
{
	for (u64 i = 0; i < n; i++) {
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 10, 0);
		pmu_sim_retire(PMU_SIM_BRANCHES, 3, 0);
		pmu_sim_retire(PMU_SIM_BRANCH_MISSES, i % 2, 0);
	}
}

static const struct mb_kernel simbranch = {
	.name = "simbranch", .insns = 10, .branches = 3,
};
/* mb_flush_load: 5 instructions an iteration, one load that misses every
 * cache, so one LLC reference and one LLC miss. */
static void sim_flush_load(u64 n, const void *arg)
{
	for (u64 i = 0; i < n; i++) {
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 5, 0);
		pmu_sim_retire(PMU_SIM_BRANCHES, 1, 0);
		pmu_sim_retire(PMU_SIM_LLC_REFERENCES, 1, 0);
		pmu_sim_retire(PMU_SIM_LLC_MISSES, 1, 0);
		pmu_sim_retire(PMU_SIM_CYCLES, 200, 0);
	}
}

/* mb_tx: a transaction that commits (XBEGIN, XEND) and one that XABORT
 * ends, cycles passing inside each, then the loop's own two instructions. */
static void sim_tx(u64 n, const void *arg)
{
	for (u64 i = 0; i < n; i++) {
		pmu_sim_tx_begin();
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 2, 0);
		pmu_sim_retire(PMU_SIM_CYCLES, 20, 0);
		pmu_sim_tx_end(true);
		pmu_sim_tx_begin();
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 2, 0);
		pmu_sim_retire(PMU_SIM_CYCLES, 20, 0);
		pmu_sim_tx_end(false);
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 2, 0);
		pmu_sim_retire(PMU_SIM_BRANCHES, 1, 0);
		pmu_sim_retire(PMU_SIM_CYCLES, 100, 0);
	}
}

static const struct pmu_check_work work = {
	.miss = { &simbranch, sim_branch, NULL },
	.flush = sim_flush_load,
	.tx = sim_tx,
};

static void run_check(const char *events, u32 shift)
{
	static struct lab lab;
	struct owned_stats os = { 0 };

	unsigned apic_mismatched = 0;

	lab = (struct lab){ .cpu = ci, .pmu = pc, .apic = x2apic_info, .icount_shift = shift,
			    .events = events };
	capture();
	pmu_check(&lab, kernels, ARRAY_SIZE(kernels), &work);
	/* What leaving the section does (apic.c's leave hook). */
	if (apic_owned())
		apic_release(&apic_mismatched);
	CHECK_U64(apic_mismatched, 0);
	os.msrs_mismatched = msr_restore_all(&os.msrs_restored);
	pmu_check_report_restore(&os);
	captured();
}

static const struct record *check_rec(const char *name)
{
	for (size_t i = 0; i < stream->nrecs; i++) {
		const struct record *r = &stream->recs[i];
		const char *n = record_get(r, "name");

		if (!strcmp(r->type, "check") && n && !strcmp(n, name))
			return r;
	}
	return NULL;
}

static const char *result(const char *name)
{
	const struct record *r = check_rec(name);
	const char *v = r ? record_get(r, "result") : NULL;

	return v ? v : "(absent)";
}

static const char *check_field(const char *name, const char *key)
{
	const struct record *r = check_rec(name);
	const char *v = r ? record_get(r, key) : NULL;

	return v ? v : "(absent)";
}

static unsigned count_result(const char *res)
{
	unsigned n = 0;

	for (size_t i = 0; i < stream->nrecs; i++) {
		const char *v = record_get(&stream->recs[i], "result");

		if (!strcmp(stream->recs[i].type, "check") && v && !strcmp(v, res))
			n++;
	}
	return n;
}

/* Checks that must skip on a variant, with their reasons; all others pass. */
struct expect_skip {
	const char *name, *reason;
};

static void expect_suite(const char *variant, const struct pmu_sim_spec *spec,
			 const struct expect_skip *skips, unsigned nskips)
{
	static const char *const all[] = {
		"pmu.instructions.fixed", "pmu.instructions.gp", "pmu.branches",
		"pmu.cycles", "pmu.disabled.en", "pmu.disabled.global", "pmu.os",
		"pmu.usr", "pmu.width", "pmu.fw-write", "pmu.overflow.wrap",
		"pmu.overflow.status", "pmu.overflow.clear", "pmu.overflow.fixed.wrap",
		"pmu.overflow.fixed.status", "pmu.overflow.fixed.clear",
		"pmu.rdpmc.gp", "pmu.rdpmc.fixed", "pmu.icount.simloop", "msr-restore",
		"pmu.ref-cycles", "pmu.all-counters", "pmu.cmask", "pmu.width.truncate",
		"pmu.fw-write.reserved", "pmu.running-write", "pmu.running-write.status",
		"pmu.amd.legacy-alias", "pmu.rdpmc.invalid", "pmu.overflow.pmi",
		"pmu.branch-misses", "pmu.llc-references", "pmu.llc-misses",
		"pmu.tsx-cycles",
	};

	install(spec);
	CHECK(pc.present);
	run_check("instructions", SHIFT);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *want = "pass", *reason = NULL;

		for (unsigned s = 0; s < nskips; s++)
			if (!strcmp(skips[s].name, all[i]))
				want = "skip", reason = skips[s].reason;
		if (strcmp(result(all[i]), want))
			printf("  %s: %s is %s (%s), expected %s\n", variant, all[i],
			       result(all[i]), check_field(all[i], "value"), want);
		CHECK_STR(result(all[i]), want);
		if (reason)
			CHECK_STR(check_field(all[i], "reason"), reason);
	}
	CHECK_U64(count_result("fail"), 0);
}

static void test_suite_variants(void)
{
	static const struct expect_skip v1[] = {
		{ "pmu.instructions.fixed", "no-fixed-counter-0" },
		{ "pmu.ref-cycles", "no-fixed-counter-2" },
		{ "pmu.fw-write.reserved", "no-full-width-writes" },
		{ "pmu.running-write.status", "no-global-status" },
		{ "pmu.amd.legacy-alias", "not-amd" },
		{ "pmu.disabled.global", "no-global-control" },
		{ "pmu.fw-write", "no-full-width-writes" },
		{ "pmu.overflow.status", "no-global-status" },
		{ "pmu.overflow.clear", "no-global-status" },
		{ "pmu.overflow.fixed.wrap", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.status", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.clear", "no-fixed-counter-0" },
		{ "pmu.rdpmc.fixed", "no-fixed-counter-0" },
		{ "pmu.tsx-cycles", "no-rtm" },
	};
	static const struct expect_skip v2[] = {
		{ "pmu.fw-write", "no-full-width-writes" },
		{ "pmu.fw-write.reserved", "no-full-width-writes" },
		{ "pmu.amd.legacy-alias", "not-amd" },
		{ "pmu.tsx-cycles", "no-rtm" },
	};
	static const struct expect_skip v4[] = {
		{ "pmu.amd.legacy-alias", "not-amd" },
	};
	static const struct expect_skip v5[] = {
		{ "pmu.amd.legacy-alias", "not-amd" },
		{ "pmu.tsx-cycles", "no-rtm" },
	};
	static const struct expect_skip amd_legacy[] = {
		{ "pmu.ref-cycles", "no-fixed-counter-2" },
		{ "pmu.width.truncate", "not-intel" },
		{ "pmu.fw-write.reserved", "not-intel" },
		{ "pmu.running-write.status", "no-global-status" },
		{ "pmu.amd.legacy-alias", "no-core-extension" },
		{ "pmu.instructions.fixed", "no-fixed-counter-0" },
		{ "pmu.disabled.global", "no-global-control" },
		{ "pmu.fw-write", "not-intel" },
		{ "pmu.overflow.status", "no-global-status" },
		{ "pmu.overflow.clear", "no-global-status" },
		{ "pmu.overflow.fixed.wrap", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.status", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.clear", "no-fixed-counter-0" },
		{ "pmu.rdpmc.fixed", "no-fixed-counter-0" },
		{ "pmu.llc-references", "not-intel" },
		{ "pmu.llc-misses", "not-intel" },
		{ "pmu.tsx-cycles", "no-rtm" },
	};
	/* The core extension: the legacy registers alias counters 0-3. */
	static const struct expect_skip amd_ext[] = {
		{ "pmu.ref-cycles", "no-fixed-counter-2" },
		{ "pmu.width.truncate", "not-intel" },
		{ "pmu.fw-write.reserved", "not-intel" },
		{ "pmu.running-write.status", "no-global-status" },
		{ "pmu.instructions.fixed", "no-fixed-counter-0" },
		{ "pmu.disabled.global", "no-global-control" },
		{ "pmu.fw-write", "not-intel" },
		{ "pmu.overflow.status", "no-global-status" },
		{ "pmu.overflow.clear", "no-global-status" },
		{ "pmu.overflow.fixed.wrap", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.status", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.clear", "no-fixed-counter-0" },
		{ "pmu.rdpmc.fixed", "no-fixed-counter-0" },
		{ "pmu.llc-references", "not-intel" },
		{ "pmu.llc-misses", "not-intel" },
		{ "pmu.tsx-cycles", "no-rtm" },
	};
	static const struct expect_skip amd_v2[] = {
		{ "pmu.ref-cycles", "no-fixed-counter-2" },
		{ "pmu.width.truncate", "not-intel" },
		{ "pmu.fw-write.reserved", "not-intel" },
		{ "pmu.instructions.fixed", "no-fixed-counter-0" },
		{ "pmu.fw-write", "not-intel" },
		{ "pmu.overflow.fixed.wrap", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.status", "no-fixed-counter-0" },
		{ "pmu.overflow.fixed.clear", "no-fixed-counter-0" },
		{ "pmu.rdpmc.fixed", "no-fixed-counter-0" },
		{ "pmu.llc-references", "not-intel" },
		{ "pmu.llc-misses", "not-intel" },
		{ "pmu.tsx-cycles", "no-rtm" },
	};

	expect_suite("intel-v1", &pmu_sim_intel_v1, v1, ARRAY_SIZE(v1));
	expect_suite("intel-v2", &pmu_sim_intel_v2, v2, ARRAY_SIZE(v2));
	expect_suite("intel-v4", &pmu_sim_intel_v4, v4, ARRAY_SIZE(v4));
	expect_suite("intel-v5", &pmu_sim_intel_v5, v5, ARRAY_SIZE(v5));
	expect_suite("amd-legacy", &pmu_sim_amd_legacy, amd_legacy, ARRAY_SIZE(amd_legacy));
	expect_suite("amd-ext", &pmu_sim_amd_ext, amd_ext, ARRAY_SIZE(amd_ext));
	expect_suite("amd-v2", &pmu_sim_amd_v2, amd_v2, ARRAY_SIZE(amd_v2));
}

/* Each planted fault must fail the check written to catch it. */
static void expect_caught(const struct pmu_sim_spec *spec, unsigned brk, const char *check)
{
	install(spec);
	pmu_sim_break(brk);
	run_check("instructions", SHIFT);
	if (strcmp(result(check), "fail"))
		printf("  break 0x%x: %s is %s\n", brk, check, result(check));
	CHECK_STR(result(check), "fail");
	pmu_sim_break(0);
}

static void test_suite_catches_faults(void)
{
	const struct pmu_sim_spec *v4 = &pmu_sim_intel_v4, *amd = &pmu_sim_amd_v2;

	expect_caught(v4, PMU_SIM_BREAK_IGNORE_EN, "pmu.disabled.en");
	expect_caught(amd, PMU_SIM_BREAK_IGNORE_EN, "pmu.disabled.en");
	expect_caught(&pmu_sim_amd_legacy, PMU_SIM_BREAK_IGNORE_EN, "pmu.disabled.en");
	expect_caught(v4, PMU_SIM_BREAK_IGNORE_GLOBAL, "pmu.disabled.global");
	expect_caught(amd, PMU_SIM_BREAK_IGNORE_GLOBAL, "pmu.disabled.global");
	expect_caught(v4, PMU_SIM_BREAK_NO_SIGN_EXTEND, "pmu.width");
	expect_caught(v4, PMU_SIM_BREAK_WIDTH_32, "pmu.width");
	expect_caught(amd, PMU_SIM_BREAK_WIDTH_32, "pmu.width");
	expect_caught(v4, PMU_SIM_BREAK_NO_OVF_STATUS, "pmu.overflow.status");
	expect_caught(v4, PMU_SIM_BREAK_NO_OVF_STATUS, "pmu.overflow.fixed.status");
	expect_caught(amd, PMU_SIM_BREAK_NO_OVF_STATUS, "pmu.overflow.status");
	expect_caught(v4, PMU_SIM_BREAK_OVF_STICKY, "pmu.overflow.clear");
	expect_caught(amd, PMU_SIM_BREAK_OVF_STICKY, "pmu.overflow.clear");
	expect_caught(v4, PMU_SIM_BREAK_USR_AT_RING0, "pmu.usr");
	expect_caught(v4, PMU_SIM_BREAK_OS_IGNORED, "pmu.os");
	expect_caught(amd, PMU_SIM_BREAK_OS_IGNORED, "pmu.os");
	expect_caught(v4, PMU_SIM_BREAK_RDPMC_STALE, "pmu.rdpmc.gp");
	expect_caught(v4, PMU_SIM_BREAK_RDPMC_STALE, "pmu.rdpmc.fixed");
	expect_caught(amd, PMU_SIM_BREAK_RDPMC_STALE, "pmu.rdpmc.gp");
	expect_caught(v4, PMU_SIM_BREAK_FW_TRUNCATES, "pmu.fw-write");
	expect_caught(v4, PMU_SIM_BREAK_FIXED_EXTRA, "pmu.instructions.fixed");
	expect_caught(v4, PMU_SIM_BREAK_GP_EXTRA, "pmu.instructions.gp");
	expect_caught(v4, PMU_SIM_BREAK_GP_EXTRA, "pmu.branches");
	/* A counter that stops at 32 bits never reaches the preset's wrap. */
	expect_caught(&pmu_sim_intel_v2, PMU_SIM_BREAK_NO_SIGN_EXTEND, "pmu.overflow.wrap");

	/* The properties kvm-unit-tests x86/pmu.c checks (host/parity/pmu.c). */
	expect_caught(v4, PMU_SIM_BREAK_RDPMC_ANY_INDEX, "pmu.rdpmc.invalid");
	expect_caught(amd, PMU_SIM_BREAK_RDPMC_ANY_INDEX, "pmu.rdpmc.invalid");
	expect_caught(v4, PMU_SIM_BREAK_LAST_GP_IDLE, "pmu.all-counters");
	expect_caught(amd, PMU_SIM_BREAK_LAST_GP_IDLE, "pmu.all-counters");
	expect_caught(v4, PMU_SIM_BREAK_LAST_GP_IDLE, "pmu.overflow.wrap");
	expect_caught(v4, PMU_SIM_BREAK_FIXED_EXTRA, "pmu.all-counters");
	expect_caught(v4, PMU_SIM_BREAK_NO_REF_CYCLES, "pmu.ref-cycles");
	expect_caught(v4, PMU_SIM_BREAK_NO_CYCLES, "pmu.cycles");		/* fixed 1 */
	expect_caught(&pmu_sim_intel_v1, PMU_SIM_BREAK_NO_CYCLES, "pmu.cycles");	/* gp0 */
	expect_caught(amd, PMU_SIM_BREAK_NO_CYCLES, "pmu.cycles");
	expect_caught(v4, PMU_SIM_BREAK_CMASK_IGNORED, "pmu.cmask");
	expect_caught(amd, PMU_SIM_BREAK_CMASK_IGNORED, "pmu.cmask");
	expect_caught(v4, PMU_SIM_BREAK_RUNNING_WRITE_LOST, "pmu.running-write");
	expect_caught(v4, PMU_SIM_BREAK_RUNNING_WRITE_LOST, "pmu.running-write.status");
	expect_caught(&pmu_sim_intel_v1, PMU_SIM_BREAK_RUNNING_WRITE_LOST, "pmu.running-write");
	expect_caught(amd, PMU_SIM_BREAK_RUNNING_WRITE_LOST, "pmu.running-write");
	expect_caught(amd, PMU_SIM_BREAK_RUNNING_WRITE_LOST, "pmu.running-write.status");
	expect_caught(v4, PMU_SIM_BREAK_LEGACY_FULL_WIDTH, "pmu.width.truncate");
	expect_caught(v4, PMU_SIM_BREAK_FW_NO_GP, "pmu.fw-write.reserved");
	expect_caught(amd, PMU_SIM_BREAK_K7_DETACHED, "pmu.amd.legacy-alias");
	expect_caught(&pmu_sim_amd_ext, PMU_SIM_BREAK_K7_DETACHED, "pmu.amd.legacy-alias");
	expect_caught(v4, PMU_SIM_BREAK_NO_BRANCH_MISSES, "pmu.branch-misses");
	expect_caught(amd, PMU_SIM_BREAK_NO_BRANCH_MISSES, "pmu.branch-misses");
	expect_caught(v4, PMU_SIM_BREAK_NO_PMI, "pmu.overflow.pmi");
	expect_caught(v4, PMU_SIM_BREAK_PMI_WITHOUT_INT, "pmu.overflow.pmi");
	expect_caught(&pmu_sim_intel_v1, PMU_SIM_BREAK_NO_PMI, "pmu.overflow.pmi");
	expect_caught(amd, PMU_SIM_BREAK_NO_PMI, "pmu.overflow.pmi");
	expect_caught(&pmu_sim_amd_legacy, PMU_SIM_BREAK_PMI_WITHOUT_INT, "pmu.overflow.pmi");
	expect_caught(v4, PMU_SIM_BREAK_NO_LLC_REFERENCES, "pmu.llc-references");
	expect_caught(&pmu_sim_intel_v1, PMU_SIM_BREAK_NO_LLC_REFERENCES, "pmu.llc-references");
	expect_caught(v4, PMU_SIM_BREAK_NO_LLC_MISSES, "pmu.llc-misses");
	expect_caught(v4, PMU_SIM_BREAK_NO_TX_COUNTS, "pmu.tsx-cycles");
}

/* The faults host/parity/pmu.c names ("test_pmu: NAME") and the PMU each
 * is planted in. */
static const struct {
	const char *name;
	unsigned flag;
	const struct pmu_sim_spec *spec;
} parity_faults[] = {
	{ "rdpmc-any-index", PMU_SIM_BREAK_RDPMC_ANY_INDEX, &pmu_sim_intel_v4 },
	{ "no-cycles", PMU_SIM_BREAK_NO_CYCLES, &pmu_sim_intel_v4 },
	{ "last-gp-idle", PMU_SIM_BREAK_LAST_GP_IDLE, &pmu_sim_intel_v4 },
	{ "no-ref-cycles", PMU_SIM_BREAK_NO_REF_CYCLES, &pmu_sim_intel_v4 },
	{ "gp-extra", PMU_SIM_BREAK_GP_EXTRA, &pmu_sim_intel_v4 },
	{ "fixed-extra", PMU_SIM_BREAK_FIXED_EXTRA, &pmu_sim_intel_v4 },
	{ "rdpmc-stale", PMU_SIM_BREAK_RDPMC_STALE, &pmu_sim_intel_v4 },
	{ "no-ovf-status", PMU_SIM_BREAK_NO_OVF_STATUS, &pmu_sim_intel_v4 },
	{ "ovf-sticky", PMU_SIM_BREAK_OVF_STICKY, &pmu_sim_intel_v4 },
	{ "cmask-ignored", PMU_SIM_BREAK_CMASK_IGNORED, &pmu_sim_intel_v4 },
	{ "running-write-lost", PMU_SIM_BREAK_RUNNING_WRITE_LOST, &pmu_sim_intel_v4 },
	{ "legacy-full-width", PMU_SIM_BREAK_LEGACY_FULL_WIDTH, &pmu_sim_intel_v4 },
	{ "fw-truncates", PMU_SIM_BREAK_FW_TRUNCATES, &pmu_sim_intel_v4 },
	{ "fw-no-gp", PMU_SIM_BREAK_FW_NO_GP, &pmu_sim_intel_v4 },
	{ "k7-detached", PMU_SIM_BREAK_K7_DETACHED, &pmu_sim_amd_v2 },
	{ "no-pmi", PMU_SIM_BREAK_NO_PMI, &pmu_sim_intel_v4 },
	{ "no-branch-misses", PMU_SIM_BREAK_NO_BRANCH_MISSES, &pmu_sim_intel_v4 },
	{ "pmi-without-int", PMU_SIM_BREAK_PMI_WITHOUT_INT, &pmu_sim_intel_v4 },
	{ "no-llc-references", PMU_SIM_BREAK_NO_LLC_REFERENCES, &pmu_sim_intel_v4 },
	{ "no-llc-misses", PMU_SIM_BREAK_NO_LLC_MISSES, &pmu_sim_intel_v4 },
	{ "no-tx-counts", PMU_SIM_BREAK_NO_TX_COUNTS, &pmu_sim_intel_v4 },
};

/* The kvm-unit-tests parity table says true: each row's check passes on the
 * sound PMU and fails with the fault its unit column names; a row without a
 * check says why. */
static void test_parity_table(void)
{
	static const char prefix[] = "test_pmu: ";

	CHECK(parity_pmu.n > 0);
	for (unsigned i = 0; i < parity_pmu.n; i++) {
		const struct parity_row *row = &parity_pmu.rows[i];
		unsigned f = 0;

		CHECK(row->kut && row->property);
		if (!row->check) {
			CHECK(row->why && *row->why && !row->unit);
			continue;
		}
		CHECK(!row->why && row->unit);
		CHECK(!strncmp(row->unit, prefix, strlen(prefix)));
		while (f < ARRAY_SIZE(parity_faults) &&
		       strcmp(parity_faults[f].name, row->unit + strlen(prefix)))
			f++;
		if (f == ARRAY_SIZE(parity_faults)) {
			printf("  parity: %s: no fault named %s\n", row->kut, row->unit);
			CHECK(0);
			continue;
		}
		install(parity_faults[f].spec);
		run_check("instructions", SHIFT);
		CHECK_STR(result(row->check), "pass");
		expect_caught(parity_faults[f].spec, parity_faults[f].flag, row->check);
	}
}

/* QEMU TCG has no RDPMC: every index raises #UD, which is not the #GP of a
 * missing counter, so the check says what it saw instead of failing. An
 * RDPMC that faults #UD only for the missing index is still a fail. */
static void test_rdpmc_invalid_under_tcg(void)
{
	static struct config cfg = { .skip = SKIP_PMU };
	static struct lab lab;

	/* skip=pmu: not even RDPMC runs. */
	pmu_sim_install(&pmu_sim_intel_v4);
	pmu_sim_break(PMU_SIM_BREAK_RDPMC_ANY_INDEX);
	cpu_probe(&ci);
	pmu_probe_no_writes(&ci, &pc);
	lab = (struct lab){ .cpu = ci, .pmu = pc, .cfg = &cfg, .icount_shift = SHIFT,
			    .events = "instructions" };
	capture();
	pmu_check(&lab, kernels, ARRAY_SIZE(kernels), &work);
	captured();
	CHECK_STR(result("pmu.rdpmc.invalid"), "skip");
	CHECK_STR(check_field("pmu.rdpmc.invalid", "reason"), "skipped-by-config");

	sim_reset();
	sim_rdpmc(HW_ERR_FAULT | UD_VECTOR, 0);
	capture();
	pmu_check_rdpmc_invalid();
	captured();
	CHECK_STR(result("pmu.rdpmc.invalid"), "skip");
	CHECK_STR(check_field("pmu.rdpmc.invalid", "reason"), "rdpmc-raises-ud");

	install(&pmu_sim_intel_v4);
	pmu_sim_break(PMU_SIM_BREAK_RDPMC_ANY_INDEX);
	capture();
	pmu_check_rdpmc_invalid();
	captured();
	CHECK_STR(result("pmu.rdpmc.invalid"), "fail");
	CHECK_STR(check_field("pmu.rdpmc.invalid", "value"), "ok");
	CHECK_STR(check_field("pmu.rdpmc.invalid", "expect"), "#GP");
	pmu_sim_break(0);
}

/* RTM in CPUID is not enough: where XBEGIN always aborts (CPUID.7.0:EDX[11])
 * the transactional workload must not run, and the check says why. */
static void test_tsx_always_aborts(void)
{
	unsigned restored;

	install(&pmu_sim_intel_v4);
	sim_cpuid(7, 0, 0, SPEC_CPUID_7_EBX_RTM, 0, SPEC_CPUID_7_EDX_RTM_ALWAYS_ABORT);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	msr_restore_all(&restored);
	pmu_sim_break(PMU_SIM_BREAK_NO_TX_COUNTS);
	run_check("instructions", SHIFT);
	CHECK_STR(result("pmu.tsx-cycles"), "skip");
	CHECK_STR(check_field("pmu.tsx-cycles", "reason"), "rtm-always-aborts");
	pmu_sim_break(0);
}

/* Faults of the workload, not the PMU: the exact counts must notice. */
static void test_suite_catches_wrong_counts(void)
{
	install(&pmu_sim_intel_v4);
	loop_branches = 2;
	run_check("instructions", SHIFT);
	CHECK_STR(result("pmu.branches"), "fail");
	CHECK_STR(check_field("pmu.branches", "value"), "4000");
	CHECK_STR(check_field("pmu.branches", "expect"), "2000");
	loop_branches = 1;

	loop_cycles = 0;
	run_check("instructions", SHIFT);
	CHECK_STR(result("pmu.cycles"), "fail");
	CHECK_STR(check_field("pmu.cycles", "lo"), "500");
	loop_cycles = 3;

	/* Three instructions an iteration: the icount check wants two. */
	loop_insns = 3;
	run_check("instructions", SHIFT);
	CHECK_STR(result("pmu.icount.simloop"), "fail");
	CHECK_STR(check_field("pmu.icount.simloop", "value"), "6000");
	CHECK_STR(result("pmu.instructions.fixed"), "fail");
	loop_insns = 2;

	/* The TSC read with the wrong shift halves the count. */
	run_check("instructions", SHIFT + 1);
	CHECK_STR(result("pmu.icount.simloop"), "fail");
	CHECK_STR(check_field("pmu.icount.simloop", "value"), "2000");
	/* A TSC that is not 2^shift an instruction (not under -icount). */
	tsc_jitter = 1;
	run_check("instructions", SHIFT);
	CHECK_STR(result("pmu.icount.simloop"), "fail");
	CHECK_STR(check_field("pmu.icount.simloop", "reason"), "tsc-not-whole-instructions");
	tsc_jitter = 0;
	run_check("instructions", BENCH_NO_ICOUNT);
	CHECK_STR(result("pmu.icount.simloop"), "skip");
	CHECK_STR(check_field("pmu.icount.simloop", "reason"), "no-icount");
}

static void test_msr_restore_check(void)
{
	struct owned_stats os = { .msrs_restored = 3, .msrs_mismatched = 1 };

	capture();
	pmu_check_report_restore(&os);
	os.msrs_mismatched = 0;
	pmu_check_report_restore(&os);
	os.msrs_restored = 0;
	pmu_check_report_restore(&os);
	captured();
	CHECK_U64(stream->nrecs, 3);
	CHECK_STR(record_get(&stream->recs[0], "result"), "fail");
	CHECK_STR(record_get(&stream->recs[1], "result"), "pass");
	CHECK_STR(record_get(&stream->recs[2], "result"), "skip");
}

/* With no PMU every hardware check skips with the probe's reason, and every
 * counter record is src=none with it. */
static void test_suite_without_pmu(void)
{
	pmu_sim_install(&pmu_sim_intel_v4);
	sim_cpuid(0xa, 0, 0, 0, 0, 0);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	CHECK(!pc.present);
	run_check("cycles,instructions", SHIFT);
	CHECK_STR(result("pmu.instructions.gp"), "skip");
	CHECK_STR(check_field("pmu.overflow.clear", "reason"), "no-arch-pmu");
	CHECK_U64(count_result("fail"), 0);
	/* The icount check, and RDPMC of a missing index (#GP without a PMU too). */
	CHECK_U64(count_result("pass"), 2);
	CHECK_STR(result("pmu.rdpmc.invalid"), "pass");
	for (size_t i = 0; i < stream->nrecs; i++) {
		const struct record *r = &stream->recs[i];
		const char *src = record_get(r, "src");

		if (strcmp(r->type, "counter") || !strcmp(src, "icount"))
			continue;
		CHECK_STR(src, "none");
		CHECK_STR(record_get(r, "reason"), "no-arch-pmu");
	}
}

static struct event ev;

static void resolve(const char *name)
{
	event_resolve(&ci, &pc, name, strlen(name), &ev);
}

static void test_events_intel(void)
{
	install(&pmu_sim_intel_v4);	/* family 6 model 0x5e: Skylake */
	resolve("cycles");
	CHECK(!ev.reason);
	CHECK_U64(ev.config, 0x3c);
	CHECK_U64(ev.fixed, 1);
	resolve("ref-cycles");
	CHECK(!ev.reason && ev.fixed_only);
	CHECK_U64(ev.fixed, 2);
	resolve("cache-misses");
	CHECK_U64(ev.config, 0x412e);
	CHECK_U64(ev.fixed, EVENT_NO_FIXED);
	resolve("L1-dcache-loads");
	CHECK_STR(ev.table, "skl");
	CHECK_U64(ev.config, 0x81d0);
	resolve("LLC-load-misses");
	CHECK_U64(ev.config, 0x1b7);
	CHECK_U64(ev.extra, 0x3ffc020001ull);
	resolve("dTLB-load-misses");
	CHECK_U64(ev.config, 0x608);
	resolve("stalled-cycles-frontend");
	CHECK_STR(ev.reason, "none-for-this-model");
	resolve("raw:0x1c4");
	CHECK(!ev.reason);
	CHECK_STR(ev.table, "raw");
	CHECK_U64(ev.config, 0x1c4);
	resolve("raw:0x1000000c4");
	CHECK_STR(ev.reason, "raw-reserved-bits");
	resolve("raw:0x1b7");
	CHECK_STR(ev.reason, "raw-needs-offcore-msr");
	resolve("raw:0x4000c4");
	CHECK_STR(ev.reason, "raw-reserved-bits");	/* EN is the driver's */
	resolve("bogus");
	CHECK_STR(ev.reason, "unknown-event");
	resolve("raw:0x");
	CHECK_STR(ev.reason, "raw-not-hex");

	/* An arch event CPUID.0AH.EBX marks unavailable is not counted. */
	pmu_sim_install(&pmu_sim_intel_v4);
	sim_cpuid(0xa, 0, 0x08300404 | (8u << 24), BIT(5), 0, 0x603);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	resolve("branches");
	CHECK_STR(ev.reason, "not-in-cpuid-0a");
	resolve("instructions");
	CHECK(!ev.reason);

	/* Sandy Bridge has stall events; v1 (no fixed counters) no ref-cycles. */
	pmu_sim_install(&pmu_sim_intel_v4);
	sim_cpuid(1, 0, 0x206a7, 0, BIT(15), 0);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	resolve("stalled-cycles-backend");
	CHECK_STR(ev.table, "snb");
	CHECK_U64(ev.config, 0x018001b1);
	resolve("LLC-loads");
	CHECK_U64(ev.extra, 0x10081);
	install(&pmu_sim_intel_v1);
	resolve("ref-cycles");
	CHECK_STR(ev.reason, "needs-fixed-counter-2");
	resolve("L1-dcache-loads");
	CHECK_STR(ev.reason, "no-mapping-for-model");
}

static void test_events_amd(void)
{
	install(&pmu_sim_amd_legacy);
	resolve("cache-references");
	CHECK_STR(ev.table, "amd-legacy");
	CHECK_U64(ev.config, 0x077d);
	resolve("LLC-load-misses");
	CHECK_U64(ev.config, 0x037e);
	install(&pmu_sim_amd_ext);		/* family 17h model 1: Zen 1 */
	resolve("stalled-cycles-backend");
	CHECK_STR(ev.table, "zen1");
	CHECK_U64(ev.config, 0x0187);
	resolve("LLC-loads");
	CHECK_STR(ev.reason, "none-for-this-family");
	resolve("ref-cycles");
	CHECK_STR(ev.reason, "none-for-this-family");
	install(&pmu_sim_amd_v2);		/* family 19h model 61h: Zen 4 */
	resolve("ref-cycles");
	CHECK_STR(ev.table, "zen4");
	CHECK_U64(ev.config, 0x100000120ull);
	CHECK(!ev.reason);
	resolve("raw:0x100000120");
	CHECK(!ev.reason);
	CHECK_U64(ev.fixed, EVENT_NO_FIXED);
}

static struct count_set set;

static const struct count_slot *slot(const char *name)
{
	for (unsigned i = 0; i < set.n; i++)
		if (!strcmp(set.slot[i].ev.name, name))
			return &set.slot[i];
	return NULL;
}

static void test_schedule(void)
{
	install(&pmu_sim_intel_v4);	/* 4 GP, 3 fixed */
	count_init(&set, &ci, &pc, "cycles,instructions,ref-cycles,branches,branch-misses,"
		   "cache-references,cache-misses,L1-dcache-loads,L1-dcache-load-misses");
	CHECK_U64(set.n, 9);
	CHECK_U64(set.ngroups, 2);
	CHECK_U64(slot("cycles")->idx, PMC_FIXED + 1);
	CHECK_U64(slot("instructions")->idx, PMC_FIXED + 0);
	CHECK_U64(slot("ref-cycles")->idx, PMC_FIXED + 2);
	CHECK_U64(slot("cache-misses")->idx, 3);
	CHECK_U64(slot("cache-misses")->group, 0);
	CHECK_U64(slot("L1-dcache-loads")->group, 1);
	CHECK_U64(slot("L1-dcache-loads")->idx, 0);
	CHECK_U64(set.mask[0], 0x70000000full);
	CHECK_U64(set.mask[1], 0x3);

	/* Two OFFCORE_RESPONSE events share a group through RSP_0 and RSP_1;
	 * a third needs another group. */
	count_init(&set, &ci, &pc, "LLC-loads,LLC-load-misses,LLC-loads");
	CHECK_U64(set.ngroups, 2);
	CHECK_U64(set.slot[0].extra, 0);
	CHECK_U64(set.slot[0].ev.config, 0x1b7);
	CHECK_U64(set.slot[1].extra, 1);
	CHECK_U64(set.slot[1].ev.config, 0x1bb);
	CHECK_U64(set.slot[2].group, 1);

	/* Without fixed counters, cycles and instructions take GP counters;
	 * ref-cycles has nowhere to go. */
	install(&pmu_sim_intel_v1);
	count_init(&set, &ci, &pc, "cycles,instructions,ref-cycles,branches");
	CHECK_U64(set.ngroups, 2);
	CHECK_U64(slot("cycles")->idx, 0);
	CHECK_U64(slot("branches")->group, 1);
	CHECK(!slot("ref-cycles")->counted);

	/* Names past the table's capacity are counted as dropped. */
	count_init(&set, &ci, &pc, "cycles,cycles,cycles,cycles,cycles,cycles,cycles,cycles,"
		   "cycles,cycles,cycles,cycles,cycles,cycles,cycles,cycles,cycles,cycles,"
		   "cycles,cycles,cycles,cycles,cycles,cycles,cycles,cycles");
	CHECK_U64(set.n, COUNT_EVENTS_MAX);
	CHECK_U64(set.dropped, 2);
	CHECK_U64(set.ngroups, COUNT_EVENTS_MAX / 2);
}

/* Two groups measured round-robin: each event counted in half the runs,
 * exactly, and perf's scaling applied to its total. */
static void test_bench_multiplexed(void)
{
	static struct bench_result r;
	struct bench b = { .name = "m", .suite = "t", .fn = sim_loop, .n1 = 100, .n2 = 300,
			   .warmup = 1, .reps = 4 };
	const struct bench_stat *st;

	install(&pmu_sim_intel_v1);	/* 2 GP counters */
	count_init(&set, &ci, &pc, "instructions,branches,cycles");
	CHECK_U64(set.ngroups, 2);
	bench_run(&b, &set, &r);
	CHECK_U64(r.err, 0);
	CHECK_U64(r.runs, 8);
	st = &r.ev[0];
	CHECK_U64(st->runs, 4);
	CHECK_U64(st->median, 400);
	CHECK_U64(st->min, 400);
	CHECK_U64(st->total, 1600);
	st = &r.ev[2];
	CHECK_U64(st->runs, 4);
	CHECK_U64(st->median, 600);
	CHECK_U64(st->running * 2, st->enabled);
	CHECK_U64(bench_scaled(st), 4800);
	CHECK_U64(r.tsc.median, 400u << SHIFT);
	/* Noise can make a total of differences negative: scaling keeps the
	 * sign rather than dropping the value. */
	{
		struct bench_stat neg = { .total = -300, .enabled = 90, .running = 60 };

		struct bench_stat big = { .total = 1ll << 62, .enabled = 12, .running = 8 };
		struct bench_stat huge = { .total = -(1ll << 62), .enabled = 1ull << 40,
					   .running = 1 };

		CHECK(bench_scaled(&neg) == -450);
		/* The product needs 128 bits; the quotient does not. */
		CHECK(bench_scaled(&big) == (3ll << 61));
		/* A quotient past 64 bits saturates. */
		CHECK(bench_scaled(&huge) == -INT64_MAX);
	}

	/* What bench_report says about it. */
	capture();
	bench_report(&b, &set, &r, SHIFT);
	captured();
	CHECK_STR(record_get(stream_find(stream, "bench"), "groups"), "2");
	CHECK_STR(record_get(&stream->recs[1], "event"), "instructions");
	CHECK_STR(record_get(&stream->recs[1], "counter"), "gp0");
	CHECK_STR(record_get(&stream->recs[3], "scaled"), "4800");
	CHECK_STR(record_get(&stream->recs[4], "src"), "icount");
	CHECK_STR(record_get(&stream->recs[4], "value"), "400");
}

/* Driver register traffic the model checks: selectors, enables, counters. */
static void test_driver_registers(void)
{
	const struct pmu_ops *ops;
	u64 v;

	install(&pmu_sim_intel_v1);
	ops = pmu_ops(&pc);
	CHECK_STR(ops->name, "intel");
	CHECK_U64(ops->program(&pc, 1, 0xc0, PMC_OS), 0);
	CHECK_U64(sim_msr_value(MSR_IA32_EVNTSEL0 + 1), 0);
	hw_rdmsr(MSR_IA32_EVNTSEL0 + 1, &v);
	CHECK_U64(v, 0xc0 | ARCH_PERFMON_EVENTSEL_OS);	/* v1: EN waits for start */
	CHECK_U64(ops->start(&pc, BIT(1)), 0);
	hw_rdmsr(MSR_IA32_EVNTSEL0 + 1, &v);
	CHECK(v & ARCH_PERFMON_EVENTSEL_EN);
	CHECK_U64(ops->stop(&pc, BIT(1)), 0);
	hw_rdmsr(MSR_IA32_EVNTSEL0 + 1, &v);
	CHECK(!(v & ARCH_PERFMON_EVENTSEL_EN));
	CHECK_U64(ops->program(&pc, 2, 0xc0, PMC_OS), HW_ERR_NOT_SUPPORTED);
	CHECK_U64(ops->program(&pc, PMC_FIXED, 0, PMC_OS), HW_ERR_NOT_SUPPORTED);
	CHECK_U64(ops->ovf_status(&pc, &v), HW_ERR_NOT_SUPPORTED);
	/* No full-width writes: a preset must survive sign extension. */
	CHECK_U64(ops->write(&pc, 0, 0x123456789ull), HW_ERR_NOT_SUPPORTED);
	CHECK_U64(ops->write(&pc, 0, 0xfffffffff0ull), 0);
	CHECK_U64(pmu_sim_counter(false, 0), 0xfffffffff0ull);

	install(&pmu_sim_intel_v4);
	CHECK_U64(ops->program(&pc, 0, 0xc0, PMC_OS | PMC_USR), 0);
	hw_rdmsr(MSR_IA32_EVNTSEL0, &v);
	CHECK_U64(v, 0xc0 | ARCH_PERFMON_EVENTSEL_OS | ARCH_PERFMON_EVENTSEL_USR |
		  ARCH_PERFMON_EVENTSEL_EN);
	CHECK_U64(ops->program(&pc, PMC_FIXED + 2, 0, PMC_OS | PMC_INT), 0);
	hw_rdmsr(MSR_CORE_PERF_FIXED_CTR_CTRL, &v);
	CHECK_U64(v, 0x900);
	CHECK_U64(ops->start(&pc, BIT_ULL(0) | BIT_ULL(PMC_FIXED + 2)), 0);
	hw_rdmsr(MSR_CORE_PERF_GLOBAL_CTRL, &v);
	CHECK_U64(v, 0x400000001ull);
	CHECK_U64(ops->stop(&pc, 1), 0);
	hw_rdmsr(MSR_CORE_PERF_GLOBAL_CTRL, &v);
	CHECK_U64(v, 0);
	CHECK_U64(ops->write(&pc, 0, 0x123456789ull), 0);	/* through IA32_A_PMC0 */
	CHECK_U64(pmu_sim_counter(false, 0), 0x123456789ull);
	CHECK_U64(ops->rdpmc_index(PMC_FIXED + 2), 0x40000002u);
	CHECK_U64(ops->set_extra(&pc, 1, 0x10001), HW_ERR_FAULT | GP_VECTOR);	/* not modelled */
	CHECK_U64(ops->release(&pc, PMC_FIXED + 2), 0);
	hw_rdmsr(MSR_CORE_PERF_FIXED_CTR_CTRL, &v);
	CHECK_U64(v, 0);

	/* v5: a fixed counter the bitmap adds beyond EDX's count. */
	install(&pmu_sim_intel_v5);
	CHECK(pmu_fixed_exists(&pc, 3));
	CHECK(!pmu_fixed_exists(&pc, 4));

	install(&pmu_sim_amd_legacy);
	ops = pmu_ops(&pc);
	CHECK_STR(ops->name, "amd");
	CHECK_U64(ops->program(&pc, 3, 0xc0, PMC_OS), 0);
	hw_rdmsr(MSR_K7_EVNTSEL0 + 3, &v);
	CHECK_U64(v, 0xc0 | ARCH_PERFMON_EVENTSEL_OS);
	CHECK_U64(ops->program(&pc, 4, 0xc0, PMC_OS), HW_ERR_NOT_SUPPORTED);

	install(&pmu_sim_amd_ext);
	CHECK_U64(ops->program(&pc, 5, 0x100000120ull, PMC_USR), 0);
	hw_rdmsr(MSR_F15H_PERF_CTL + 10, &v);
	CHECK_U64(v, 0x100000120ull | ARCH_PERFMON_EVENTSEL_USR);
	CHECK_U64(ops->start(&pc, BIT(5)), 0);
	hw_rdmsr(MSR_F15H_PERF_CTL + 10, &v);
	CHECK(v & ARCH_PERFMON_EVENTSEL_EN);
	CHECK_U64(ops->write(&pc, 5, ~0ull), 0);		/* masked to 48 bits */
	CHECK_U64(pmu_sim_counter(false, 5), AMD_COUNTER_MASK);

	install(&pmu_sim_amd_v2);
	CHECK_U64(ops->program(&pc, 1, 0xc0, PMC_OS), 0);
	hw_rdmsr(MSR_F15H_PERF_CTL + 2, &v);
	CHECK(v & ARCH_PERFMON_EVENTSEL_EN);		/* the global bit gates it */
	CHECK_U64(ops->start(&pc, BIT(1)), 0);
	hw_rdmsr(MSR_AMD64_PERF_CNTR_GLOBAL_CTL, &v);
	CHECK_U64(v, 2);
	CHECK_U64(ops->set_extra(&pc, 0, 1), HW_ERR_NOT_SUPPORTED);
}

/* skip=pmu: the capabilities as read, no register written, nothing counts. */
static void test_probe_without_writes(void)
{
	pmu_sim_install(&pmu_sim_amd_v2);
	cpu_probe(&ci);
	pmu_probe_no_writes(&ci, &pc);
	CHECK_U64(sim_msr_writes(), 0);
	CHECK(!pc.present && pmu_ops(&pc) == NULL);
	CHECK_STR(pc.reason, "skipped-by-config");
	CHECK_U64(pc.amd_probe, AMD_PROBE_SKIPPED);
	CHECK(pc.perfmon_v2);
	pmu_sim_install(&pmu_sim_intel_v4);
	cpu_probe(&ci);
	pmu_probe_no_writes(&ci, &pc);
	CHECK_U64(sim_msr_writes(), 0);
	CHECK_U64(pc.version, 4);
	resolve("instructions");
	CHECK_STR(ev.reason, "skipped-by-config");
}

int main(void)
{
	test_suite_variants();
	test_suite_catches_faults();
	test_rdpmc_invalid_under_tcg();
	test_parity_table();
	test_suite_catches_wrong_counts();
	test_tsx_always_aborts();
	test_msr_restore_check();
	test_suite_without_pmu();
	test_events_intel();
	test_events_amd();
	test_schedule();
	test_bench_multiplexed();
	test_driver_registers();
	test_probe_without_writes();
	if (stream)
		stream_free(stream);
	return unit_done("pmu");
}
