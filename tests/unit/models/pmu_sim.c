/* The PMU model (pmu_sim.h): MSRs and RDPMC as the Intel SDM Vol3B ch.20 and
 * the AMD APM Vol2 13.2 describe them, written from those and not from any
 * driver, so a driver bug cannot hide behind the same misreading twice. */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/models/pmu_sim.h"
#include "tests/unit/models/spec.h"

#define MAX_GP		16	/* GLOBAL_CTRL has room for 32; no part has more than 16 */
#define MAX_FIXED	16	/* FIXED_CTR_CTRL has 4 bits per counter in 64 */
#define GP_FAULT	SIM_GP_FAULT

/* EVTSEL / PERF_CTL bits, the same on both vendors (SDM 20.2.1.1, APM 13.2.1). */
#define SEL_USR		SPEC_ARCH_PERFMON_EVENTSEL_USR
#define SEL_OS		SPEC_ARCH_PERFMON_EVENTSEL_OS
#define SEL_EDGE	SPEC_ARCH_PERFMON_EVENTSEL_EDGE
#define SEL_INT		SPEC_ARCH_PERFMON_EVENTSEL_INT
#define SEL_EN		SPEC_ARCH_PERFMON_EVENTSEL_EN
#define SEL_INV		SPEC_ARCH_PERFMON_EVENTSEL_INV
#define SEL_CMASK	SPEC_ARCH_PERFMON_EVENTSEL_CMASK
#define SEL_IN_TX	SPEC_ARCH_PERFMON_EVENTSEL_IN_TX
#define SEL_IN_TXCP	SPEC_ARCH_PERFMON_EVENTSEL_IN_TXCP
/* AMD PERF_CTL: 63:42, 39:36, 21 and 19 are reserved and fault when set. */
#define AMD_SEL_VALID	SPEC_AMD64_EVENTSEL_VALID
#define AMD_SEL_EVENT	SPEC_AMD64_EVENTSEL_EVENT	/* EventSelect[11:0] and UnitMask */
/* GLOBAL_OVF_CTRL also clears OvfBuf (62) and CondChgd (63) since v2; the
 * model never sets them, but writing them must not fault. */
#define OVF_CTRL_EXTRA	(SPEC_PERF_GLOBAL_STATUS_OVF_BUF | SPEC_PERF_GLOBAL_STATUS_COND_CHGD)
#define RDPMC_FIXED	SPEC_RDPMC_FIXED
#define FIXED_STATUS	SPEC_PERF_GLOBAL_FIXED_SHIFT	/* fixed counter j is bit 32+j in GLOBAL_* */

#define INTEL(...)	{ .vendor = PMU_SIM_INTEL, .family = 6, __VA_ARGS__ }
#define AMD(...)	{ .vendor = PMU_SIM_AMD, __VA_ARGS__ }
const struct pmu_sim_spec
	pmu_sim_intel_v1 = INTEL(.model = 0x0f, .version = 1, .gp = 2, .gp_width = 40),
	pmu_sim_intel_v2 = INTEL(.model = 0x17, .version = 2, .gp = 2, .gp_width = 40,
				 .fixed = 3, .fixed_width = 40),
	pmu_sim_intel_v4 = INTEL(.model = 0x5e, .version = 4, .gp = 4, .gp_width = 48,
				 .fixed = 3, .fixed_width = 48, .fw_write = true, .rtm = true),
	pmu_sim_intel_v5 = INTEL(.model = 0x97, .version = 5, .gp = 8, .gp_width = 48,
				 .fixed = 4, .fixed_width = 48, .fixed_bitmap = 0x7,
				 .fw_write = true),
	pmu_sim_amd_legacy = AMD(.family = 0x10, .model = 0x02),
	pmu_sim_amd_ext = AMD(.family = 0x17, .model = 0x01, .perfctr_core = true),
	pmu_sim_amd_v2 = AMD(.family = 0x19, .model = 0x61, .perfctr_core = true,
			     .perfmon_v2 = true, .amd_counters = 6);

/* Per generic event: its selector code (umask<<8|event; 0 = the vendor has
 * none), its CPUID.0AH.EBX availability bit and its Intel fixed counter. */
static const struct {
	u16 intel, amd;
	u8 ebx_bit;
	int8_t fixed;
} events[] = {
	[PMU_SIM_INSTRUCTIONS]	 = { 0x00c0, 0xc0, 1, 0 },
	[PMU_SIM_CYCLES]	 = { 0x003c, 0x76, 0, 1 },
	[PMU_SIM_REF_CYCLES]	 = { 0x013c, 0, 2, 2 },
	[PMU_SIM_BRANCHES]	 = { 0x00c4, 0xc2, 5, -1 },
	[PMU_SIM_BRANCH_MISSES]	 = { 0x00c5, 0xc3, 6, -1 },
	[PMU_SIM_LLC_REFERENCES] = { 0x4f2e, 0, 3, -1 },
	[PMU_SIM_LLC_MISSES]	 = { 0x412e, 0, 4, -1 },
};

static struct {
	struct pmu_sim_spec s;
	unsigned brk;			/* planted PMU_SIM_BREAK_* faults */
	u64 sel[MAX_GP], ctr[MAX_GP];	/* EVTSEL / PERF_CTL and the GP counters */
	u64 fixed[MAX_FIXED], fixed_ctrl;
	u64 global_ctrl, global_status;
	void (*pmi)(void);		/* the interrupt line (pmu_sim_pmi_line) */
	bool in_tx;			/* inside a transactional region */
	u64 checkpoint[MAX_GP];		/* the counters as the region began */
} pmu;

static bool intel(void)
{
	return pmu.s.vendor == PMU_SIM_INTEL;
}

static bool broken(unsigned flag)
{
	return pmu.brk & flag;
}

static unsigned nr_gp(void)
{
	if (intel())
		return pmu.s.gp;
	if (!pmu.s.perfctr_core)
		return SPEC_AMD_LEGACY_COUNTERS;
	return pmu.s.perfmon_v2 ? pmu.s.amd_counters : SPEC_AMD_CORE_EXT_COUNTERS;
}

static unsigned gp_width(void)
{
	return intel() ? pmu.s.gp_width : SPEC_AMD_COUNTER_WIDTH;
}

/* Intel v2+ and AMD PerfMonV2 gate every counter with a global enable bit and
 * report wraps in a global status register; older PMUs have neither. */
static bool has_global(void)
{
	return intel() ? pmu.s.version >= 2 : pmu.s.perfmon_v2;
}

/* v5 enumerates fixed counters as ECX[j] || EDX[4:0] > j (SDM 20.2.5). */
static bool fixed_exists(unsigned j)
{
	if (!intel() || pmu.s.version < 2 || j >= MAX_FIXED)
		return false;
	return j < pmu.s.fixed ||
	       (pmu.s.version >= 5 && (pmu.s.fixed_bitmap >> j & 1));
}

static u64 width_mask(unsigned width)
{
	if (broken(PMU_SIM_BREAK_WIDTH_32))
		width = 32;
	return width >= 64 ? ~0ull : (1ull << width) - 1;
}

/* A field of ones every stride bits from base, one per fixed counter that
 * exists: GLOBAL_* have 1 at 32+j, FIXED_CTR_CTRL has 0xf at 4j. */
static u64 fixed_bits(unsigned base, unsigned stride, u64 ones)
{
	u64 bits = 0;

	for (unsigned j = 0; j < MAX_FIXED; j++)
		if (fixed_exists(j))
			bits |= ones << (base + stride * j);
	return bits;
}

/* GLOBAL_CTRL/STATUS/OVF_CTRL: GP counter i is bit i, fixed j bit 32+j. */
static u64 counter_bits(void)
{
	return ((1ull << nr_gp()) - 1) | fixed_bits(FIXED_STATUS, 1, 1);
}

/* ---------------------------------------------------------- counting ---- */

/* Counters count modulo 2^width; carrying out of the top bit is the overflow
 * that sets the counter's global status bit and, with int_en, raises a PMI. */
static void add(u64 *ctr, unsigned width, u64 n, unsigned status_bit, bool int_en)
{
	u64 m = width_mask(width), old = *ctr & m;

	*ctr = (old + n) & m;
	if (n <= m - old)
		return;
	if (has_global() && !broken(PMU_SIM_BREAK_NO_OVF_STATUS))
		pmu.global_status |= 1ull << status_bit;
	if (int_en ? broken(PMU_SIM_BREAK_NO_PMI) : !broken(PMU_SIM_BREAK_PMI_WITHOUT_INT))
		return;
	if (pmu.pmi)
		pmu.pmi();
}

/* OS selects CPL 0, USR CPL 1-3 (SDM 20.2.1.1, APM 13.2.1); neither: nothing. */
static bool priv_counts(bool os, bool usr, unsigned cpl)
{
	if (cpl)
		return usr;
	return (os && !broken(PMU_SIM_BREAK_OS_IGNORED)) ||
	       (usr && broken(PMU_SIM_BREAK_USR_AT_RING0));
}

static bool globally_enabled(unsigned bit)
{
	return !has_global() || (pmu.global_ctrl >> bit & 1) ||
	       broken(PMU_SIM_BREAK_IGNORE_GLOBAL);
}

static bool gp_enabled(unsigned i)
{
	if (broken(PMU_SIM_BREAK_LAST_GP_IDLE) && i == nr_gp() - 1)
		return false;
	return ((pmu.sel[i] & SEL_EN) || broken(PMU_SIM_BREAK_IGNORE_EN)) && globally_enabled(i);
}

/* Whether counter i counts raw at cpl, and what it adds for count events in
 * one cycle: the events, or with CMASK (SDM 20.2.1.1) 1 for a cycle of at
 * least CMASK of them (INV: of fewer). EDGE, and INV alone, count nothing. */
static bool gp_counts(unsigned i, u64 raw, u64 count, unsigned cpl, u64 *adds)
{
	u64 sel = pmu.sel[i], cmask = (sel & SEL_CMASK) >> SPEC_ARCH_PERFMON_EVENTSEL_CMASK_SHIFT;
	u64 event_mask = intel() ? SPEC_ARCH_PERFMON_EVENTSEL_EVENT | SPEC_ARCH_PERFMON_EVENTSEL_UMASK :
				   AMD_SEL_EVENT;

	if (!gp_enabled(i) || (sel & event_mask) != raw || (sel & SEL_EDGE))
		return false;
	/* On AMD bit 32 is EventSelect[8], no qualifier. */
	if (intel() && (sel & SEL_IN_TX) && (!pmu.in_tx || broken(PMU_SIM_BREAK_NO_TX_COUNTS)))
		return false;
	if (!priv_counts(sel & SEL_OS, sel & SEL_USR, cpl))
		return false;
	if (cmask && !broken(PMU_SIM_BREAK_CMASK_IGNORED))
		*adds = (count >= cmask) != !!(sel & SEL_INV);
	else if (sel & SEL_INV)
		return false;
	else
		*adds = count;
	return true;
}

/* CPUID.0AH.EBX bit set: the architectural event does not count on GP counters. */
static bool arch_unavailable(u64 raw)
{
	for (unsigned e = 0; e < ARRAY_SIZE(events); e++)
		if (events[e].intel == raw && (pmu.s.events_unavail >> events[e].ebx_bit & 1))
			return true;
	return false;
}

static void count_gp(u64 raw, u64 n, unsigned cpl)
{
	u64 extra = broken(PMU_SIM_BREAK_GP_EXTRA);

	if (intel() && arch_unavailable(raw))
		return;
	for (unsigned i = 0; i < nr_gp(); i++) {
		u64 k;

		if (gp_counts(i, raw, n, cpl, &k))
			add(&pmu.ctr[i], gp_width(), k + extra, i, pmu.sel[i] & SEL_INT);
	}
}

/* FIXED_CTR_CTRL field j: +0 OS (CPL 0), +1 USR (CPL > 0), +2 AnyThread, +3 PMI. */
static void count_fixed(unsigned j, u64 n, unsigned cpl)
{
	u64 field = pmu.fixed_ctrl >> (SPEC_FIXED_CTR_CTRL_STRIDE * j) & SPEC_FIXED_CTR_CTRL_FIELD;
	u64 extra = broken(PMU_SIM_BREAK_FIXED_EXTRA);

	if (!fixed_exists(j) || !globally_enabled(FIXED_STATUS + j))
		return;
	if (priv_counts(field & SPEC_FIXED_CTR_CTRL_OS, field & SPEC_FIXED_CTR_CTRL_USR, cpl))
		add(&pmu.fixed[j], pmu.s.fixed_width, n + extra, FIXED_STATUS + j,
		    field & SPEC_FIXED_CTR_CTRL_PMI);
}

void pmu_sim_retire(enum pmu_sim_event ev, u64 count, unsigned cpl)
{
	if ((unsigned)ev >= ARRAY_SIZE(events) || cpl > 3)
		abort();
	if ((ev == PMU_SIM_REF_CYCLES && broken(PMU_SIM_BREAK_NO_REF_CYCLES)) ||
	    (ev == PMU_SIM_CYCLES && broken(PMU_SIM_BREAK_NO_CYCLES)) ||
	    (ev == PMU_SIM_BRANCH_MISSES && broken(PMU_SIM_BREAK_NO_BRANCH_MISSES)) ||
	    (ev == PMU_SIM_LLC_REFERENCES && broken(PMU_SIM_BREAK_NO_LLC_REFERENCES)) ||
	    (ev == PMU_SIM_LLC_MISSES && broken(PMU_SIM_BREAK_NO_LLC_MISSES)))
		return;
	if (!intel()) {
		if (events[ev].amd)
			count_gp(events[ev].amd, count, cpl);
		return;
	}
	if (events[ev].fixed >= 0)
		count_fixed((unsigned)events[ev].fixed, count, cpl);
	count_gp(events[ev].intel, count, cpl);
}

/* Raw selectors drive GP counters only: fixed counters have no selector. */
void pmu_sim_retire_raw(u64 raw, u64 count, unsigned cpl)
{
	if (cpl > 3)
		abort();
	count_gp(raw, count, cpl);
}

/* XBEGIN outside a region: the counters IN_TXCP rolls back to on an abort.
 * Regions do not nest here (the workloads run one at a time). */
void pmu_sim_tx_begin(void)
{
	if (!pmu.s.rtm || pmu.in_tx)
		abort();
	pmu.in_tx = true;
	memcpy(pmu.checkpoint, pmu.ctr, sizeof(pmu.ctr));
}

void pmu_sim_tx_end(bool commit)
{
	if (!pmu.in_tx)
		abort();
	pmu.in_tx = false;
	if (commit)
		return;
	for (unsigned i = 0; i < nr_gp(); i++)
		if (pmu.sel[i] & SEL_IN_TXCP)
			pmu.ctr[i] = pmu.checkpoint[i];
}

/* ------------------------------------------------------------- MSRs ---- */

enum reg {
	R_NONE,		/* not this PMU's: hw_sim's table decides */
	R_SEL,		/* IA32_PERFEVTSELi, PERF_CTLi */
	R_CTR,		/* IA32_PMCi (legacy 32-bit writes), PERF_CTRi */
	R_FULL,		/* IA32_A_PMCi */
	R_FIXED,	/* IA32_FIXED_CTRj */
	R_FIXED_CTRL,
	R_STATUS,	/* IA32_PERF_GLOBAL_STATUS, PerfCntrGlobalStatus */
	R_CTRL,		/* IA32_PERF_GLOBAL_CTRL, PerfCntrGlobalCtl */
	R_OVF,		/* IA32_PERF_GLOBAL_OVF_CTRL, PerfCntrGlobalStatusClr */
	R_CAPS,		/* IA32_PERF_CAPABILITIES */
};

static enum reg intel_decode(u32 msr, unsigned *i)
{
	if ((*i = msr - SPEC_MSR_IA32_PERFEVTSEL0) < pmu.s.gp)
		return R_SEL;
	if ((*i = msr - SPEC_MSR_IA32_PMC0) < pmu.s.gp)
		return R_CTR;
	if ((*i = msr - SPEC_MSR_IA32_A_PMC0) < pmu.s.gp && pmu.s.fw_write)
		return R_FULL;
	if ((*i = msr - SPEC_MSR_IA32_FIXED_CTR0) < MAX_FIXED && fixed_exists(*i))
		return R_FIXED;
	if (pmu.s.version < 2)	/* v1: no PDCM, no fixed or global MSRs */
		return R_NONE;
	switch (msr) {
	case SPEC_MSR_IA32_PERF_CAPABILITIES:	return R_CAPS;
	case SPEC_MSR_IA32_FIXED_CTR_CTRL:	return R_FIXED_CTRL;
	case SPEC_MSR_IA32_PERF_GLOBAL_STATUS:	return R_STATUS;
	case SPEC_MSR_IA32_PERF_GLOBAL_CTRL:	return R_CTRL;
	case SPEC_MSR_IA32_PERF_GLOBAL_OVF_CTRL:	return R_OVF;
	}
	return R_NONE;
}

/* The legacy K7 MSRs are counters 0-3 of the extended set (same storage). */
static enum reg amd_decode(u32 msr, unsigned *i)
{
	if ((*i = msr - SPEC_MSR_AMD_PERF_CTL_LEGACY0) < SPEC_AMD_LEGACY_COUNTERS)
		return R_SEL;
	if ((*i = msr - SPEC_MSR_AMD_PERF_CTR_LEGACY0) < SPEC_AMD_LEGACY_COUNTERS)
		return R_CTR;
	if (pmu.s.perfctr_core && msr >= SPEC_MSR_AMD_PERF_CTL0 &&
	    (*i = (msr - SPEC_MSR_AMD_PERF_CTL0) / 2) < nr_gp())
		return (msr - SPEC_MSR_AMD_PERF_CTL0) & 1 ? R_CTR : R_SEL;
	if (!pmu.s.perfmon_v2)
		return R_NONE;
	switch (msr) {
	case SPEC_MSR_AMD_PERF_CNTR_GLOBAL_STATUS:	return R_STATUS;
	case SPEC_MSR_AMD_PERF_CNTR_GLOBAL_CTL:	return R_CTRL;
	case SPEC_MSR_AMD_PERF_CNTR_GLOBAL_STATUS_CLR: return R_OVF;
	}
	return R_NONE;
}

static enum reg decode(u32 msr, unsigned *i)
{
	return intel() ? intel_decode(msr, i) : amd_decode(msr, i);
}

static int pmu_rdmsr(u32 msr, u64 *val)
{
	unsigned i;

	switch (decode(msr, &i)) {
	case R_SEL:		*val = pmu.sel[i]; break;
	case R_CTR:
	case R_FULL:		*val = pmu.ctr[i]; break;
	case R_FIXED:		*val = pmu.fixed[i]; break;
	case R_FIXED_CTRL:	*val = pmu.fixed_ctrl; break;
	case R_STATUS:		*val = pmu.global_status; break;
	case R_CTRL:		*val = pmu.global_ctrl; break;
	case R_OVF:		*val = 0; break;	/* write-only in effect */
	case R_CAPS:		*val = pmu.s.fw_write ? SPEC_PERF_CAP_FW_WRITE : 0; break;
	default:		return SIM_NOT_MINE;
	}
	return 0;
}

/* IA32_PERFEVTSELx's defined bits: IN_TX and IN_TXCP only with RTM. */
static u64 intel_sel_valid(void)
{
	return SPEC_ARCH_PERFMON_EVENTSEL_VALID |
	       (pmu.s.rtm ? SEL_IN_TX | SEL_IN_TXCP : 0);
}

/* Stores val unless it sets a bit outside valid, which is #GP. */
static int set_checked(u64 *reg, u64 val, u64 valid)
{
	if (val & ~valid)
		return GP_FAULT;
	*reg = val;
	return 0;
}

/* IA32_PMCx writes take EAX sign-extended to the counter width (SDM 20.2.6),
 * which limits a preload to +-2^31. */
static int set_legacy(u64 *ctr, u64 val)
{
	u64 v = broken(PMU_SIM_BREAK_NO_SIGN_EXTEND) ? (u32)val : (u64)(s64)(s32)val;

	if (broken(PMU_SIM_BREAK_LEGACY_FULL_WIDTH))
		v = val;

	*ctr = v & width_mask(gp_width());
	return 0;
}

/* Full-width writes (IA32_A_PMCx, fixed and AMD counters): bits above the
 * enumerated width are reserved and fault. */
static int set_full(u64 *ctr, unsigned width, u64 val)
{
	if (width < 64 && val >> width && !broken(PMU_SIM_BREAK_FW_NO_GP))
		return GP_FAULT;
	*ctr = val & width_mask(width);
	return 0;
}

static int clear_status(u64 val)
{
	u64 valid = intel() ? counter_bits() | OVF_CTRL_EXTRA : ~0ull;

	if (val & ~valid)
		return GP_FAULT;
	if (!broken(PMU_SIM_BREAK_OVF_STICKY))
		pmu.global_status &= ~val;
	return 0;
}

/* The faults that lose a write to counter i through msr. */
static bool write_lost(u32 msr, unsigned i)
{
	if (broken(PMU_SIM_BREAK_RUNNING_WRITE_LOST) && gp_enabled(i))
		return true;
	return broken(PMU_SIM_BREAK_K7_DETACHED) && pmu.s.perfctr_core &&
	       msr - SPEC_MSR_AMD_PERF_CTR_LEGACY0 < SPEC_AMD_LEGACY_COUNTERS;
}

static int pmu_wrmsr(u32 msr, u64 val)
{
	unsigned i;

	switch (decode(msr, &i)) {
	case R_SEL:
		return set_checked(&pmu.sel[i], val, intel() ? intel_sel_valid() : AMD_SEL_VALID);
	case R_CTR:
		if (write_lost(msr, i))
			return 0;
		return intel() ? set_legacy(&pmu.ctr[i], val) : set_full(&pmu.ctr[i], SPEC_AMD_COUNTER_WIDTH, val);
	case R_FULL:
		if (write_lost(msr, i))
			return 0;
		if (broken(PMU_SIM_BREAK_FW_TRUNCATES))
			return set_legacy(&pmu.ctr[i], val);
		return set_full(&pmu.ctr[i], pmu.s.gp_width, val);
	case R_FIXED:
		return set_full(&pmu.fixed[i], pmu.s.fixed_width, val);
	case R_FIXED_CTRL:
		return set_checked(&pmu.fixed_ctrl, val, fixed_bits(0, SPEC_FIXED_CTR_CTRL_STRIDE, SPEC_FIXED_CTR_CTRL_FIELD));
	case R_CTRL:
		return set_checked(&pmu.global_ctrl, val, counter_bits());
	case R_OVF:
		return clear_status(val);
	case R_STATUS:
	case R_CAPS:
		return GP_FAULT;	/* read-only */
	default:
		return SIM_NOT_MINE;
	}
}

/* ECX selects a GP counter by index; Intel ECX[30] selects the fixed ones.
 * Any other index is #GP (SDM RDPMC, APM RDPMC). */
static int pmu_rdpmc(u32 ecx, u64 *val)
{
	u64 *ctr;
	unsigned width, j = ecx & ~RDPMC_FIXED;

	if (intel() && (ecx & RDPMC_FIXED) && fixed_exists(j)) {
		ctr = &pmu.fixed[j];
		width = pmu.s.fixed_width;
	} else if (ecx < nr_gp()) {
		ctr = &pmu.ctr[ecx];
		width = gp_width();
	} else if (broken(PMU_SIM_BREAK_RDPMC_ANY_INDEX)) {
		*val = 0;
		return 0;
	} else {
		return GP_FAULT;
	}
	*val = *ctr;
	if (broken(PMU_SIM_BREAK_RDPMC_STALE))
		*val = (*val - 1) & width_mask(width);
	return 0;
}

static const struct sim_device pmu_device = { pmu_rdmsr, pmu_wrmsr, pmu_rdpmc };

/* ------------------------------------------------------------ CPUID ---- */

/* CPUID.1:EAX: model [7:4], family [11:8], extended model [19:16], extended
 * family [27:20]; family 0xf adds the extended family, and the extended model
 * supplies the model's high nibble (SDM Vol2A CPUID, APM Vol3 E.3.2). */
static u32 signature(u32 family, u32 model)
{
	u32 fam = family < 0xf ? family : 0xf;

	return (model & 0xf) << 4 | fam << 8 | (model >> 4 & 0xf) << 16 |
	       (family - fam) << 20;
}

static void install_cpuid(const struct pmu_sim_spec *s)
{
	bool is_intel = s->vendor == PMU_SIM_INTEL, v2 = s->version >= 2;
	u32 ecx1 = is_intel && v2 ? SPEC_CPUID_1_ECX_PDCM : 0;

	sim_cpuid_vendor(is_intel ? "GenuineIntel" : "AuthenticAMD",
			 is_intel ? 0xa : 0xd,
			 s->perfmon_v2 ? 0x80000022u : 0x80000008u);
	sim_cpuid(1, 0, signature(s->family, s->model), 0, ecx1,
		  SPEC_CPUID_1_EDX_DE | SPEC_CPUID_1_EDX_TSC | SPEC_CPUID_1_EDX_MSR |
		  SPEC_CPUID_1_EDX_APIC | SPEC_CPUID_1_EDX_CLFSH);
	if (s->rtm)
		sim_cpuid(7, 0, 0, SPEC_CPUID_7_EBX_RTM, 0, 0);
	/* 0AH: EDX is valid from v2, ECX (the fixed bitmap) from v5. */
	if (is_intel)
		sim_cpuid(0xa, 0, s->version | s->gp << SPEC_CPUID_0A_EAX_NR_GP_SHIFT |
			  s->gp_width << SPEC_CPUID_0A_EAX_WIDTH_SHIFT |
			  8u << SPEC_CPUID_0A_EAX_EBX_LEN_SHIFT,
			  s->events_unavail, s->version >= 5 ? s->fixed_bitmap : 0,
			  v2 ? (s->fixed & SPEC_CPUID_0A_EDX_NR_FIXED) |
			       (s->fixed_width & 0xff) << SPEC_CPUID_0A_EDX_WIDTH_SHIFT : 0);
	sim_cpuid(0x80000001u, 0, 0, 0,
		  s->perfctr_core ? SPEC_CPUID_80000001_ECX_PERFCTR_CORE : 0, 0);
	if (s->perfmon_v2)
		sim_cpuid(0x80000022u, 0, SPEC_CPUID_80000022_EAX_PERFMON_V2,
			  s->amd_counters & SPEC_CPUID_80000022_EBX_NR_CTR, 0, 0);
}

void pmu_sim_install(const struct pmu_sim_spec *s)
{
	if (s->gp > MAX_GP || s->amd_counters > MAX_GP)
		abort();
	sim_reset();
	install_cpuid(s);
	pmu = (typeof(pmu)){ .s = *s };
	/* Power-up GLOBAL_CTRL enables every GP counter and no fixed one (SDM
	 * 20.2.2); PerfCntrGlobalCtl enables every counter (APM 13.2.2). */
	if (has_global())
		pmu.global_ctrl = (1ull << nr_gp()) - 1;
	sim_attach(&pmu_device);
}

/* Replaces the set of planted faults; 0 makes the PMU correct again. */
void pmu_sim_break(unsigned flags)
{
	pmu.brk = flags;
}

void pmu_sim_pmi_line(void (*raise)(void))
{
	pmu.pmi = raise;
}

u64 pmu_sim_counter(bool fixed, unsigned idx)
{
	if (idx >= (fixed ? MAX_FIXED : MAX_GP))
		abort();
	return fixed ? pmu.fixed[idx] : pmu.ctr[idx];
}

u64 pmu_sim_global_status(void)
{
	return pmu.global_status;
}
