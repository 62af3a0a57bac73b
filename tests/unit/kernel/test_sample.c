/* The sampler (kernel-side/sample/sample.c) and the APIC driver under it
 * (kernel-side/cpu/apic.c) against the simulated PMU (pmu_sim.c) and a simulated
 * local APIC defined here: the PMI sequence in order, the timer's modes,
 * period randomisation, the LAPIC handed back as found, and the frame-pointer
 * walk on fabricated stacks, corrupt ones included. */
#include <stdlib.h>
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/cpu/msr.h"
#include "tests/unit/models/lbr_sim.h"
#include "tests/unit/models/pmu_sim.h"
#include "kernel-side/sample/sample.h"
#include "lib/record.h"
#include "lib/symtab.h"
#include "tests/unit/unit.h"

/* lbr.c names addresses through the payload's table: none here. */
const u32 symtab_count = 0;
const struct symtab_entry symtab[] = { { 0, 0 } };
const char symtab_names[] = "";

#define SIM_APIC_BASE	0xfee00000ull
#define VEC_WORDS	8

static struct cpu_info ci;
static struct pmu_caps pc;

/* ------------------------------------------------ the simulated APIC ---- */

/* Registers by xAPIC offset >> 4; ISR at 0x10-0x17, IRR at 0x20-0x27. */
static struct {
	bool x2;
	u32 reg[0x40];
} lapic;

/* What the handler did, in order: "stop,status,read,..." */
static char trail[512];

static void note(const char *what)
{
	size_t n = strlen(trail);

	snprintf(trail + n, sizeof(trail) - n, "%s%s", n ? "," : "", what);
}

/* The firmware's setup as OVMF leaves it under QEMU: a periodic timer on
 * vector 0x20, LINT0 ExtINT, LINT1 NMI, spurious vector 0x0f. */
static const struct { u32 reg, val; } fw_regs[] = {
	{ APIC_LVR, 0x00050014 }, { APIC_SPIV, 0x10f }, { APIC_TASKPRI, 0 },
	{ APIC_LVTT, 0x20020 }, { APIC_LVTTHMR, 0x10000 }, { APIC_LVTPC, 0x10000 },
	{ APIC_LVT0, 0x700 }, { APIC_LVT1, 0x400 }, { APIC_LVTERR, 0x10000 },
	{ APIC_TMICT, 10000000 }, { APIC_TDCR, 0xb },
};

static u32 *vec_word(u32 base, unsigned v)
{
	return &lapic.reg[(base >> 4) + v / 32];
}

static void apic_sim_write(u32 off, u32 val)
{
	if (off == APIC_EOI) {
		for (int w = VEC_WORDS - 1; w >= 0; w--) {
			u32 *isr = &lapic.reg[(APIC_ISR >> 4) + w];

			if (*isr) {
				*isr &= ~(1u << (31 - __builtin_clz(*isr)));
				break;
			}
		}
		note("eoi");
		return;
	}
	if (off == APIC_LVTPC)
		note(val & APIC_LVT_MASKED ? "mask" : "unmask");
	if (off == APIC_TMICT)
		note("tmict");
	lapic.reg[off >> 4] = val;
}

static int apic_mmio_read(u64 addr, u32 *val)
{
	if (lapic.x2 || addr < SIM_APIC_BASE || addr >= SIM_APIC_BASE + 0x400)
		return SIM_NOT_MINE;
	*val = lapic.reg[(addr - SIM_APIC_BASE) >> 4];
	return 0;
}

static int apic_mmio_write(u64 addr, u32 val)
{
	if (lapic.x2 || addr < SIM_APIC_BASE || addr >= SIM_APIC_BASE + 0x400)
		return SIM_NOT_MINE;
	apic_sim_write((u32)(addr - SIM_APIC_BASE), val);
	return 0;
}

static int apic_rdmsr(u32 msr, u64 *val)
{
	if (!lapic.x2 || msr < 0x800 || msr >= 0x840)
		return SIM_NOT_MINE;
	if (msr == APIC_X2APIC_MSR(APIC_EOI))
		return HW_ERR_FAULT | GP_VECTOR;	/* write-only (SDM Vol3A 12.4.1) */
	*val = lapic.reg[msr - 0x800];
	return 0;
}

static int apic_wrmsr(u32 msr, u64 val)
{
	if (!lapic.x2 || msr < 0x800 || msr >= 0x840)
		return SIM_NOT_MINE;
	apic_sim_write((msr - 0x800) << 4, (u32)val);
	return 0;
}

/* The trap path of the payload for a delivered vector: pmulab's handlers,
 * else trap.c's stray path (EOI). */
static unsigned strays;
static struct trapframe frame;

static void take(unsigned v)
{
	*vec_word(APIC_IRR, v) &= ~(1u << (v % 32));
	*vec_word(APIC_ISR, v) |= 1u << (v % 32);
	if (v == APIC_PMI_VECTOR || v == APIC_TIMER_VECTOR) {
		sample_irq(&frame);
	} else {
		strays++;
		apic_eoi();
	}
}

/* STI; NOP; CLI: the highest pending vector is taken, if its priority
 * class is above the TPR's (SDM Vol3A 11.8.3.1). */
static void apic_irq_window(void)
{
	for (int w = VEC_WORDS - 1; w >= 0; w--) {
		u32 irr = lapic.reg[(APIC_IRR >> 4) + w];
		unsigned v = w * 32 + 31 - (irr ? __builtin_clz(irr) : 0);

		if (!irr)
			continue;
		if (v >> 4 > lapic.reg[APIC_TASKPRI >> 4] >> 4)
			take(v);
		return;
	}
}

/* Sees what the handler does to the PMU, then lets pmu_sim answer. */
static int trail_rdmsr(u32 msr, u64 *val)
{
	if (msr == MSR_CORE_PERF_GLOBAL_STATUS)
		note("status");
	if (msr == MSR_IA32_PMC0 || msr == MSR_IA32_PERFCTR0)
		note("read");
	return SIM_NOT_MINE;
}

static int trail_wrmsr(u32 msr, u64 val)
{
	if (msr == MSR_CORE_PERF_GLOBAL_CTRL)
		note(val ? "start" : "stop");
	if (msr == MSR_CORE_PERF_GLOBAL_OVF_CTRL)
		note("clear");
	if (msr == MSR_IA32_PMC0 || msr == MSR_IA32_PERFCTR0)
		note("reload");
	return SIM_NOT_MINE;
}

static const struct sim_device trail_dev = { .rdmsr = trail_rdmsr, .wrmsr = trail_wrmsr };
static const struct sim_device apic_dev = { .rdmsr = apic_rdmsr, .wrmsr = apic_wrmsr };
static const struct sim_bus_device apic_bus = {
	.mmio_read = apic_mmio_read, .mmio_write = apic_mmio_write,
	.irq_window = apic_irq_window,
};

static struct apic_info ai;

static struct lbr_caps lc;

/* A PMU (or none; or the PMU under an LBR model) and an APIC in firmware
 * state, in x2APIC or xAPIC mode. */
static void machine_lbr(const struct pmu_sim_spec *spec, const struct lbr_sim_spec *lspec,
			bool x2)
{
	unsigned restored;

	if (lspec)
		lbr_sim_install(lspec);
	else if (spec)
		pmu_sim_install(spec);
	else
		sim_reset();
	sim_attach(&apic_dev);
	sim_attach_bus(&apic_bus);
	sim_attach(&trail_dev);
	cpu_probe(&ci);
	if (spec || lspec)
		pmu_probe(&ci, &pc);
	lc = (struct lbr_caps){ .reason = "none" };
	if (lspec)
		lbr_probe(&ci, &pc, &lc);
	msr_restore_all(&restored);
	memset(&lapic, 0, sizeof(lapic));
	lapic.x2 = x2;
	for (size_t i = 0; i < sizeof(fw_regs) / sizeof(fw_regs[0]); i++)
		lapic.reg[fw_regs[i].reg >> 4] = fw_regs[i].val;
	ai = (struct apic_info){
		.mode = x2 ? APIC_X2APIC : APIC_XAPIC, .max_lvt = 5,
		.apic_base = SIM_APIC_BASE | MSR_IA32_APICBASE_ENABLE |
			     (x2 ? MSR_IA32_APICBASE_EXTD : 0),
	};
	strays = 0;
	trail[0] = '\0';
}

static void machine(const struct pmu_sim_spec *spec, bool x2)
{
	machine_lbr(spec, NULL, x2);
}

/* ------------------------------------------------ a fabricated stack ---- */

static u64 stk[64];

/* Three frames, innermost at stk[8]; the interrupted RSP at stk[2]. */
static void fabricate(u64 rip)
{
	memset(stk, 0, sizeof(stk));
	stk[2] = 0xaaaa;
	stk[3] = 0xbbbb;
	stk[8] = (u64)(uintptr_t)&stk[16];
	stk[9] = 0x1111;
	stk[16] = (u64)(uintptr_t)&stk[24];
	stk[17] = 0x2222;
	stk[24] = 0;
	stk[25] = 0x3333;
	frame = (struct trapframe){
		.rip = rip, .rsp = (u64)(uintptr_t)&stk[2], .rbp = (u64)(uintptr_t)&stk[8],
		.vector = APIC_PMI_VECTOR,
	};
}

static struct sample buf[8];

static struct sampler pmi_sampler(unsigned max)
{
	return (struct sampler){
		.src = SAMPLE_SRC_PMI, .period = 1000, .pc = &pc, .counter = 0,
		.config = 0xc0, .buf = buf, .max = max,
		.stack_hi = (u64)(uintptr_t)&stk[64],
	};
}

/* A counter overflow as the hardware delivers it: the APIC masks LVTPC,
 * then the vector goes in service and the handler runs. */
static void pmi(void)
{
	lapic.reg[APIC_LVTPC >> 4] |= APIC_LVT_MASKED;
	trail[0] = '\0';
	take(APIC_PMI_VECTOR);
}

/* ----------------------------------------------------------- tests ---- */

static void test_pmi_sequence(bool x2)
{
	struct sampler s;
	unsigned mism = 99;
	const u64 top = 1ull << 48;

	machine(&pmu_sim_intel_v4, x2);
	CHECK_U64(apic_own(&ai), 0);
	CHECK_U64(lapic.reg[APIC_LVTT >> 4], 0x20020 | APIC_LVT_MASKED);
	CHECK_U64(lapic.reg[APIC_LVT0 >> 4], 0x700 | APIC_LVT_MASKED);
	CHECK_U64(lapic.reg[APIC_TMICT >> 4], 0);
	CHECK_U64(lapic.reg[APIC_SPIV >> 4], 0x100 | APIC_SPURIOUS_VECTOR);

	s = pmi_sampler(8);
	CHECK_U64(sample_start(&s), 0);
	CHECK_U64(lapic.reg[APIC_LVTPC >> 4], APIC_PMI_VECTOR);
	CHECK_U64(pmu_sim_counter(false, 0), top - 1000);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 999, 0);
	CHECK_U64(pmu_sim_global_status(), 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1, 0);
	CHECK_U64(pmu_sim_global_status(), 1);

	fabricate(0x401234);
	pmi();
	/* SDM Vol3B 20.6.3 / Linux intel_pmu_handle_irq: stop, status, the
	 * sample, clear, reload, restart; then LVTPC unmasked and EOI. */
	CHECK_STR(trail, "stop,status,read,clear,reload,start,unmask,eoi");
	CHECK_U64(s.n, 1);
	CHECK_U64(s.interrupts, 1);
	CHECK_U64(buf[0].rip, 0x401234);
	CHECK_U64(buf[0].depth, 3);
	CHECK_U64(buf[0].stack[0], 0x1111);
	CHECK_U64(buf[0].stack[2], 0x3333);
	CHECK_U64(buf[0].sp_word[0], 0xaaaa);
	CHECK_U64(pmu_sim_counter(false, 0), top - 1000);
	CHECK_U64(pmu_sim_global_status(), 0);
	CHECK_U64(lapic.reg[APIC_LVTPC >> 4], APIC_PMI_VECTOR);
	CHECK_U64(*vec_word(APIC_ISR, APIC_PMI_VECTOR), 0);

	/* The counter counts again from -period: a second overflow, a second
	 * sample. */
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1000, 0);
	pmi();
	CHECK_U64(s.n, 2);
	CHECK_U64(s.throttled, 0);

	/* A PMI with no overflow of ours: no sample, still unmasked and
	 * EOIed. */
	pmi();
	CHECK_U64(s.n, 2);
	CHECK_U64(s.spurious, 1);
	CHECK_STR(trail, "stop,status,read,start,unmask,eoi");

	/* Two periods before the handler ran: one overflow was missed. */
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 2000, 0);
	pmi();
	CHECK_U64(s.throttled, 1);
	CHECK_U64(s.err, 0);

	sample_stop(&s);
	CHECK_U64(lapic.reg[APIC_LVTPC >> 4], APIC_LVT_MASKED | APIC_PMI_VECTOR);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 5000, 0);
	CHECK_U64(pmu_sim_global_status(), 0);	/* released: counts no more */

	trail[0] = '\0';
	CHECK_U64(apic_release(&mism), 10);
	CHECK_U64(mism, 0);
	for (size_t i = 0; i < sizeof(fw_regs) / sizeof(fw_regs[0]); i++)
		CHECK_U64(lapic.reg[fw_regs[i].reg >> 4], fw_regs[i].val);
	/* Writing TMICT restarts the timer: it goes back after everything
	 * else. */
	CHECK(strlen(trail) >= 5 && !strcmp(trail + strlen(trail) - 5, "tmict"));
	CHECK(!apic_owned());
}

/* cycles on fixed counter 1, as count.c assigns it on Intel v2+: its status
 * bit is 33, its PMI enable in FIXED_CTR_CTRL. */
static void test_pmi_fixed_counter(void)
{
	struct sampler s;
	unsigned mism;

	machine(&pmu_sim_intel_v4, true);
	apic_own(&ai);
	s = pmi_sampler(8);
	s.counter = PMC_FIXED + 1;
	CHECK_U64(sample_start(&s), 0);
	CHECK_U64(pmu_sim_counter(true, 1), (1ull << 48) - 1000);
	fabricate(0x6000);
	pmu_sim_retire(PMU_SIM_CYCLES, 1000, 0);
	CHECK_U64(pmu_sim_global_status(), 1ull << 33);
	pmi();
	CHECK_U64(s.n, 1);
	CHECK_U64(s.spurious, 0);
	CHECK_U64(pmu_sim_global_status(), 0);
	CHECK_U64(pmu_sim_counter(true, 1), (1ull << 48) - 1000);
	CHECK_U64(lapic.reg[APIC_LVTPC >> 4], APIC_PMI_VECTOR);
	sample_stop(&s);
	apic_release(&mism);
	CHECK_U64(mism, 0);
}

/* No global status (AMD before PerfMonV2): an overflowed counter is one
 * whose top bit went clear. */
static void test_pmi_no_status(void)
{
	struct sampler s;
	unsigned mism;

	machine(&pmu_sim_amd_legacy, false);
	CHECK_U64(apic_own(&ai), 0);
	s = pmi_sampler(1);
	CHECK_U64(sample_start(&s), 0);
	fabricate(0x5000);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 500, 0);
	pmi();
	CHECK_U64(s.spurious, 1);
	CHECK_U64(s.n, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 500, 0);
	pmi();
	CHECK_U64(s.n, 1);
	CHECK_U64(pmu_sim_counter(false, 0), (1ull << 48) - 1000);
	/* The buffer holds one: the next sample is lost, and counted. */
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1000, 0);
	pmi();
	CHECK_U64(s.n, 1);
	CHECK_U64(s.lost, 1);
	CHECK_U64(lapic.reg[APIC_LVTPC >> 4], APIC_PMI_VECTOR);
	sample_stop(&s);
	apic_release(&mism);
	CHECK_U64(mism, 0);
}

static void test_timer(bool random)
{
	struct sampler s = {
		.src = SAMPLE_SRC_TIMER, .period = 50000, .random = random, .seed = 7,
		.buf = buf, .max = 8, .stack_hi = (u64)(uintptr_t)&stk[64],
	};
	unsigned mism;

	machine(NULL, true);
	CHECK(sample_start(&s) != 0);	/* the APIC is not owned yet */
	CHECK_U64(apic_own(&ai), 0);
	CHECK_U64(sample_start(&s), 0);
	CHECK_U64(lapic.reg[APIC_TDCR >> 4], APIC_TDR_DIV_1);
	CHECK_U64(lapic.reg[APIC_LVTT >> 4],
		  APIC_TIMER_VECTOR | (random ? 0 : APIC_LVT_TIMER_PERIODIC));
	fabricate(0x7000);
	for (unsigned i = 0; i < 4; i++) {
		u32 tmict = lapic.reg[APIC_TMICT >> 4];

		CHECK(random ? tmict >= 50000 - 6250 && tmict <= 50000 + 6250 : tmict == 50000);
		trail[0] = '\0';
		take(APIC_TIMER_VECTOR);
		/* One-shot: the handler arms the next period before its EOI. */
		CHECK_STR(trail, random ? "tmict,eoi" : "eoi");
	}
	CHECK_U64(s.n, 4);
	CHECK_U64(buf[3].rip, 0x7000);
	if (!random) {
		/* A tick that came while the handler ran waits in IRR. */
		*vec_word(APIC_IRR, APIC_TIMER_VECTOR) |= 1u << (APIC_TIMER_VECTOR % 32);
		*vec_word(APIC_ISR, APIC_TIMER_VECTOR) |= 1u << (APIC_TIMER_VECTOR % 32);
		sample_irq(&frame);
		CHECK_U64(s.throttled, 1);
	}
	sample_stop(&s);
	/* release() takes what is still pending, through pmulab's IDT, before
	 * the firmware's registers come back. */
	CHECK_U64(apic_release(&mism), 10);
	CHECK_U64(mism, 0);
	CHECK_U64(*vec_word(APIC_IRR, APIC_TIMER_VECTOR), 0);
	CHECK_U64(*vec_word(APIC_ISR, APIC_TIMER_VECTOR), 0);
	CHECK_U64(s.n, random ? 4 : 5);	/* stopped: the late tick only got its EOI */
	CHECK_U64(lapic.reg[APIC_LVTT >> 4], 0x20020);
	CHECK_U64(lapic.reg[APIC_TMICT >> 4], 10000000);
}

/* The firmware's tick, pending when pmulab takes the APIC, waits under the
 * raised TPR while pmulab's own ticks are taken, and is still pending for the
 * firmware when the APIC is given back. */
static void test_own_keeps_firmware_irqs(void)
{
	struct sampler s = {
		.src = SAMPLE_SRC_TIMER, .period = 50000, .buf = buf, .max = 8,
		.stack_hi = (u64)(uintptr_t)&stk[64],
	};
	unsigned mism;

	machine(NULL, false);
	*vec_word(APIC_IRR, 0x20) |= 1;
	CHECK_U64(apic_own(&ai), 0);
	CHECK_U64(lapic.reg[APIC_TASKPRI >> 4], APIC_TPR_OWNED);
	CHECK_U64(sample_start(&s), 0);
	fabricate(0x7000);
	*vec_word(APIC_IRR, APIC_TIMER_VECTOR) |= 1u << (APIC_TIMER_VECTOR % 32);
	apic_irq_window();	/* the sampled workload's STI */
	apic_irq_window();
	CHECK_U64(s.n, 1);
	CHECK_U64(strays, 0);
	CHECK_U64(*vec_word(APIC_IRR, 0x20), 1);
	CHECK_U64(apic_own(&ai), 0);	/* owned already: nothing saved twice */
	sample_stop(&s);
	CHECK_U64(apic_release(&mism), 10);
	CHECK_U64(mism, 0);
	CHECK_U64(strays, 0);
	CHECK_U64(*vec_word(APIC_IRR, 0x20), 1);
	CHECK_U64(lapic.reg[APIC_TASKPRI >> 4], 0);
	CHECK_U64(apic_release(&mism), 0);

	ai.mode = APIC_DISABLED;
	CHECK_U64(apic_own(&ai), HW_ERR_NOT_SUPPORTED);
}

static void test_random_bounds(void)
{
	struct sampler s = { .period = 8000, .random = true };
	u64 lo = ~0ull, hi = 0, sum = 0;
	const unsigned n = 100000;

	s.rng = 42;
	for (unsigned i = 0; i < n; i++) {
		u64 p = sample_next_period(&s);

		lo = p < lo ? p : lo;
		hi = p > hi ? p : hi;
		sum += p;
	}
	CHECK_U64(lo >= 7000 && lo <= 7010, 1);
	CHECK_U64(hi <= 9000 && hi >= 8990, 1);
	CHECK(sum / n >= 7980 && sum / n <= 8020);
	s.random = false;
	CHECK_U64(sample_next_period(&s), 8000);
	s.random = true;
	s.period = 3;		/* no room to vary */
	CHECK_U64(sample_next_period(&s), 3);
}

/* Reloads of a random PMI sampler stay inside the bounds too. */
static void test_pmi_random_reload(void)
{
	struct sampler s;
	unsigned mism;

	machine(&pmu_sim_intel_v4, true);
	apic_own(&ai);
	s = pmi_sampler(8);
	s.random = true;
	s.seed = 99;
	CHECK_U64(sample_start(&s), 0);
	fabricate(0x9000);
	for (unsigned i = 0; i < 6; i++) {
		u64 left = (1ull << 48) - pmu_sim_counter(false, 0);

		CHECK(left >= 875 && left <= 1125);
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, left, 0);
		pmi();
	}
	CHECK_U64(s.n, 6);
	CHECK_U64(s.throttled, 0);
	sample_stop(&s);
	apic_release(&mism);
}

static void test_fp_walk(void)
{
	u64 out[8];
	u64 lo = (u64)(uintptr_t)&stk[0], hi = (u64)(uintptr_t)&stk[64];

	fabricate(0);
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 8), 3);
	CHECK_U64(out[0], 0x1111);
	CHECK_U64(out[1], 0x2222);
	CHECK_U64(out[2], 0x3333);
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 2), 2);

	/* A frame pointing back down (a loop) ends the walk. */
	stk[16] = (u64)(uintptr_t)&stk[8];
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 8), 2);
	/* Out of the stack, misaligned, or a frame cut by the top. */
	stk[16] = 0xdeadbeef00000000ull;
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 8), 2);
	stk[16] = (u64)(uintptr_t)&stk[24] + 3;
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 8), 2);
	stk[16] = (u64)(uintptr_t)&stk[63];
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 8), 2);
	stk[16] = (u64)(uintptr_t)&stk[62];
	CHECK_U64(sample_fp_walk(frame.rbp, lo, hi, out, 8), 3);
	/* RBP below the interrupted RSP, or garbage, gives nothing. */
	CHECK_U64(sample_fp_walk(lo - 16, lo, hi, out, 8), 0);
	CHECK_U64(sample_fp_walk(0, lo, hi, out, 8), 0);

	/* The handler walks the same way from the interrupted frame. */
}

/* The handler walks the same way from the interrupted frame: a garbage RBP
 * gives a sample with no stack, not a fault. */
static void test_handler_corrupt_rbp(void)
{
	struct sampler s = pmi_sampler(8);
	unsigned mism;

	machine(&pmu_sim_intel_v4, true);
	apic_own(&ai);
	CHECK_U64(sample_start(&s), 0);
	fabricate(0x1);
	frame.rbp = 0x10;
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1000, 0);
	pmi();
	CHECK_U64(s.n, 1);
	CHECK_U64(buf[0].depth, 0);
	sample_stop(&s);
	apic_release(&mism);
	CHECK_U64(mism, 0);
}

/* With an LBR, each PMI sample carries the ring as it was at the PMI (frozen
 * by it), and the ring records again after the handler. */
static void test_pmi_lbr(const struct lbr_sim_spec *ls)
{
	static u8 code[64];
	u64 c = (u64)(uintptr_t)code, chain[4];
	struct sampler s;
	unsigned mism;

	memset(code, 0x90, sizeof(code));
	code[0x10] = code[0x20] = 0xe8;	/* call rel32 */
	lbr_set_image(0, c, c + sizeof(code));
	machine_lbr(NULL, ls, true);
	CHECK(lc.present);
	apic_own(&ai);
	s = pmi_sampler(8);
	s.lc = &lc;
	CHECK_U64(sample_start(&s), 0);
	CHECK(s.lbr_on);
	lbr_sim_branch(c + 0x10, c + 0x30, LBR_SIM_REL_CALL, false, 3, 0);
	lbr_sim_branch(c + 0x20, c + 0x38, LBR_SIM_REL_CALL, false, 5, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1000, 0);
	lbr_sim_pmi();
	lbr_sim_branch(c + 0x3a, c + 0x3c, LBR_SIM_JCC, false, 1, 0);	/* frozen: not kept */
	fabricate(c + 0x38);
	pmi();
	CHECK_U64(s.n, 1);
	CHECK_U64(buf[0].nlbr, 2);
	CHECK_U64(buf[0].lbr[0].from, c + 0x20);
	CHECK_U64(buf[0].lbr[1].from, c + 0x10);
	CHECK_U64(lbr_callchain(buf[0].lbr, buf[0].nlbr, chain, 4), 2);
	CHECK_U64(chain[0], c + 0x25);
	CHECK_U64(chain[1], c + 0x15);
	CHECK(!lbr_sim_frozen());
	CHECK_U64(pmu_sim_global_status(), 0);
	lbr_sim_branch(c + 0x20, c + 0x38, LBR_SIM_REL_CALL, false, 5, 0);
	pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1000, 0);
	lbr_sim_pmi();
	pmi();
	CHECK_U64(s.n, 2);
	CHECK(buf[1].nlbr >= 1);
	CHECK_U64(buf[1].lbr[0].from, c + 0x20);
	sample_stop(&s);
	{
		unsigned before = lbr_sim_recorded();

		/* lbr_stop(): the ring records no more. */
		lbr_sim_branch(c + 0x10, c + 0x30, LBR_SIM_REL_CALL, false, 3, 0);
		CHECK_U64(lbr_sim_recorded(), before);
	}
	apic_release(&mism);
	CHECK_U64(mism, 0);
	lbr_set_image(0, 0, 0);
}

static char check_line[256];

/* The last record written. */
static void check_sink(const char *line, size_t len, void *ctx)
{
	if (len < sizeof(check_line)) {
		memcpy(check_line, line, len);
		check_line[len] = '\0';
	}
}

/* lbr.freeze-on-pmi: each PMI finds the ring frozen by the PMI itself (the
 * status's LBR_FRZ from perfmon v4, DEBUGCTL.LBR cleared before); on a
 * model that ignores FREEZE_LBRS_ON_PMI (case lbr-freeze-ignored) the check
 * fails. */
static void test_pmi_lbr_freeze(const struct lbr_sim_spec *ls, bool faulty)
{
	struct sampler s;
	unsigned mism;

	machine_lbr(NULL, ls, true);
	apic_own(&ai);
	s = pmi_sampler(8);
	s.lc = &lc;
	CHECK_U64(sample_start(&s), 0);
	lbr_sim_fault.freeze_ignored = faulty;
	for (unsigned i = 0; i < 3; i++) {
		pmu_sim_retire(PMU_SIM_INSTRUCTIONS, 1000, 0);
		lbr_sim_pmi();
		pmi();
	}
	sample_stop(&s);
	apic_release(&mism);
	CHECK_U64(s.lbr_pmis, 3);
	CHECK_U64(s.lbr_frozen, faulty ? 0 : 3);
	check_line[0] = '\0';
	rec_set_sink(check_sink, NULL);
	sample_check_lbr_freeze(&s);
	rec_set_sink(NULL, NULL);
	CHECK(strstr(check_line, " check name=lbr.freeze-on-pmi ") != NULL);
	CHECK(strstr(check_line, faulty ? " result=fail " : " result=pass ") != NULL);
}

/* The caller an RBP walk misses, found from the code bytes. */
static void test_callers(void)
{
	static u8 text[256];
	u64 t = (u64)(uintptr_t)text, func = t + 0x40, leaf = t + 0x80, ret = t + 0x15;
	struct sample sm = { .depth = 2, .stack = { 0x1111, 0x2222 } };
	u64 out[4];
	s32 rel = (s32)(func - ret);

	memset(text, 0x90, sizeof(text));
	text[0x10] = 0xe8;			/* call func */
	memcpy(text + 0x11, &rel, 4);
	memcpy(text + 0x40, "\x55\x48\x89\xe5", 4);	/* push %rbp; mov %rsp,%rbp */
	text[0x50] = 0xc3;			/* ret */
	sm.sp_word[0] = ret;
	sm.sp_word[1] = 0x7777;

	sm.rip = func;			/* first instruction: [rsp] */
	CHECK_U64(sample_callers(&sm, func, t, t + sizeof(text), out, 4), 3);
	CHECK_U64(out[0], ret);
	CHECK_U64(out[1], 0x1111);
	sm.rip = func + 8;		/* framed: the chain is right as it is */
	CHECK_U64(sample_callers(&sm, func, t, t + sizeof(text), out, 4), 2);
	CHECK_U64(out[0], 0x1111);
	sm.rip = t + 0x50;		/* at ret, after pop %rbp */
	CHECK_U64(sample_callers(&sm, func, t, t + sizeof(text), out, 4), 3);
	CHECK_U64(out[0], ret);
	sm.rip = func + 1;		/* after push %rbp: [rsp+8] */
	sm.sp_word[1] = ret;
	sm.sp_word[0] = 0x7777;
	CHECK_U64(sample_callers(&sm, func, t, t + sizeof(text), out, 4), 3);
	CHECK_U64(out[0], ret);

	/* A leaf with no frame: [rsp], if a call of it precedes. */
	sm.rip = leaf + 4;
	sm.sp_word[0] = ret;
	CHECK_U64(sample_callers(&sm, leaf, t, t + sizeof(text), out, 4), 2);
	rel = (s32)(leaf - ret);
	memcpy(text + 0x11, &rel, 4);
	CHECK_U64(sample_callers(&sm, leaf, t, t + sizeof(text), out, 4), 3);
	CHECK_U64(out[0], ret);
	/* A stack word outside the code is never read as code. */
	sm.sp_word[0] = 0x3;
	CHECK_U64(sample_callers(&sm, leaf, t, t + sizeof(text), out, 4), 2);
	/* Unknown function, or max reached. */
	CHECK_U64(sample_callers(&sm, 0, t, t + sizeof(text), out, 4), 2);
	CHECK_U64(sample_callers(&sm, leaf, t, t + sizeof(text), out, 1), 1);
	CHECK_U64(out[0], 0x1111);
}

int main(void)
{
	test_pmi_sequence(true);
	test_pmi_sequence(false);
	test_pmi_fixed_counter();
	test_pmi_no_status();
	test_pmi_random_reload();
	{
		static const struct lbr_sim_spec skl = {
			LBR_SIM_LEGACY, 0x5e, LBR_FORMAT_INFO, 32, 4, true,
		}, arch32 = { LBR_SIM_ARCH, 0, 0, 32, 5, true },
		   hsw_v3 = { LBR_SIM_LEGACY, 0x3c, LBR_FORMAT_EIP_FLAGS2, 16, 3, true };

		test_pmi_lbr(&skl);
		test_pmi_lbr(&arch32);
		test_pmi_lbr(&hsw_v3);
		for (unsigned faulty = 0; faulty < 2; faulty++) {
			test_pmi_lbr_freeze(&skl, faulty);
			test_pmi_lbr_freeze(&arch32, faulty);
			test_pmi_lbr_freeze(&hsw_v3, faulty);
		}
	}
	test_timer(false);
	test_timer(true);
	test_own_keeps_firmware_irqs();
	test_random_bounds();
	test_fp_walk();
	test_handler_corrupt_rbp();
	test_callers();
	return unit_done("sample");
}
