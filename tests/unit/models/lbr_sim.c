/* The LBR model (lbr_sim.h). MSRs it does not claim go on to the PMU model
 * behind it; the global status/ack MSRs pass through with the LBR_FRZ bit
 * (58) added and taken off, as the hardware's freeze shares them. */
#include <stdlib.h>
#include "tests/unit/models/lbr_sim.h"
#include "tests/unit/models/spec.h"

#define MAX_DEPTH	64
#define GP_FAULT	SIM_GP_FAULT
#define FRZ		SPEC_PERF_GLOBAL_STATUS_LBR_FRZ

/* IA32_LBR_x_INFO.BR_TYPE values (SDM Arch LBR "Branch Types"); anything
 * else -- far branches, interrupts -- is an "other" encoding. */
static const u8 arch_br_type[] = {
	[LBR_SIM_JCC] = SPEC_ARCH_LBR_BR_TYPE_JCC,
	[LBR_SIM_IND_JMP] = SPEC_ARCH_LBR_BR_TYPE_NEAR_IND_JMP,
	[LBR_SIM_REL_JMP] = SPEC_ARCH_LBR_BR_TYPE_NEAR_REL_JMP,
	[LBR_SIM_IND_CALL] = SPEC_ARCH_LBR_BR_TYPE_NEAR_IND_CALL,
	[LBR_SIM_REL_CALL] = SPEC_ARCH_LBR_BR_TYPE_NEAR_REL_CALL,
	[LBR_SIM_RET] = SPEC_ARCH_LBR_BR_TYPE_NEAR_RET,
	[LBR_SIM_FAR] = SPEC_ARCH_LBR_BR_TYPE_OTHER,
};
/* The LBR_SELECT suppress bit (legacy and AMD alike) of each type. */
static const u64 select_bit[] = {
	[LBR_SIM_JCC] = SPEC_LBR_SELECT_JCC,
	[LBR_SIM_REL_CALL] = SPEC_LBR_SELECT_NEAR_REL_CALL,
	[LBR_SIM_IND_CALL] = SPEC_LBR_SELECT_NEAR_IND_CALL,
	[LBR_SIM_RET] = SPEC_LBR_SELECT_NEAR_RET,
	[LBR_SIM_IND_JMP] = SPEC_LBR_SELECT_NEAR_IND_JMP,
	[LBR_SIM_REL_JMP] = SPEC_LBR_SELECT_NEAR_REL_JMP,
	[LBR_SIM_FAR] = SPEC_LBR_SELECT_FAR_BRANCH,
};
/* The IA32_LBR_CTL record bit of each type. */
static const u64 ctl_bit[] = {
	[LBR_SIM_JCC] = SPEC_LBR_CTL_COND,
	[LBR_SIM_REL_JMP] = SPEC_LBR_CTL_NEAR_REL_JMP,
	[LBR_SIM_IND_JMP] = SPEC_LBR_CTL_NEAR_IND_JMP,
	[LBR_SIM_REL_CALL] = SPEC_LBR_CTL_NEAR_REL_CALL,
	[LBR_SIM_IND_CALL] = SPEC_LBR_CTL_NEAR_IND_CALL,
	[LBR_SIM_RET] = SPEC_LBR_CTL_NEAR_RET,
	[LBR_SIM_FAR] = SPEC_LBR_CTL_OTHER_BRANCH,
};

static struct {
	struct lbr_sim_spec s;
	const struct sim_device *next;
	u64 debugctl;
	u64 select, tos;		/* legacy */
	u64 ctl, depth;			/* Arch LBR */
	u64 extn_cfg, amd_select;	/* AMD */
	u64 from[MAX_DEPTH], to[MAX_DEPTH], info[MAX_DEPTH];
	bool frozen;			/* LBR_FRZ */
	unsigned recorded;
} lbr;

struct lbr_sim_fault lbr_sim_fault;
void (*lbr_sim_on_stop)(void);

static bool enabled(void);

static bool legacy(void)	{ return lbr.s.kind == LBR_SIM_LEGACY; }
static bool arch(void)		{ return lbr.s.kind == LBR_SIM_ARCH; }
static bool amd(void)		{ return lbr.s.kind == LBR_SIM_AMD; }

static bool has_info(void)
{
	return legacy() && (lbr.s.fmt == SPEC_LBR_FORMAT_INFO || lbr.s.fmt == SPEC_LBR_FORMAT_INFO2);
}

/* Nehalem and later keep the ring at 0x680/0x6c0, the 4- and 8-entry Core 2
 * and Atom parts at 0x40/0x60 (SDM Vol4 model tables). */
static u32 legacy_from(void)
{
	return lbr.s.depth >= 16 ? SPEC_MSR_LASTBRANCH_0_FROM_IP : SPEC_MSR_LASTBRANCH_0_FROM_IP_CORE;
}

static u32 legacy_to(void)
{
	return lbr.s.depth >= 16 ? SPEC_MSR_LASTBRANCH_0_TO_IP : SPEC_MSR_LASTBRANCH_0_TO_IP_CORE;
}

/* The slot an MSR names, or -1: which of from/to/info through *reg. */
static int ring_slot(u32 msr, u64 **reg)
{
	unsigned n = lbr_sim_fault.entries ? lbr_sim_fault.entries : lbr.s.depth;
	u32 i;

	if (legacy()) {
		if ((i = msr - legacy_from()) < n)
			return *reg = &lbr.from[i], (int)i;
		if ((i = msr - legacy_to()) < n)
			return *reg = &lbr.to[i], (int)i;
		if (has_info() && (i = msr - SPEC_MSR_LBR_INFO_0) < n)
			return *reg = &lbr.info[i], (int)i;
	} else if (arch()) {
		if ((i = msr - SPEC_MSR_IA32_LBR_0_FROM_IP) < n)
			return *reg = &lbr.from[i], (int)i;
		if ((i = msr - SPEC_MSR_IA32_LBR_0_TO_IP) < n)
			return *reg = &lbr.to[i], (int)i;
		if ((i = msr - SPEC_MSR_IA32_LBR_0_INFO) < n)
			return *reg = &lbr.info[i], (int)i;
	} else if ((i = msr - SPEC_MSR_AMD_LBR_FROM_IP0) < 2 * n) {
		*reg = i & 1 ? &lbr.to[i / 2] : &lbr.from[i / 2];
		return (int)(i / 2);
	}
	return -1;
}

static u32 status_msr(void)
{
	return amd() ? SPEC_MSR_AMD_PERF_CNTR_GLOBAL_STATUS : SPEC_MSR_IA32_PERF_GLOBAL_STATUS;
}

static u32 ack_msr(void)
{
	return amd() ? SPEC_MSR_AMD_PERF_CNTR_GLOBAL_STATUS_CLR : SPEC_MSR_IA32_PERF_GLOBAL_OVF_CTRL;
}

static int pass_rd(u32 msr, u64 *val)
{
	return lbr.next && lbr.next->rdmsr ? lbr.next->rdmsr(msr, val) : SIM_NOT_MINE;
}

static int pass_wr(u32 msr, u64 val)
{
	return lbr.next && lbr.next->wrmsr ? lbr.next->wrmsr(msr, val) : SIM_NOT_MINE;
}

static int lbr_rdmsr(u32 msr, u64 *val)
{
	u64 *reg;
	int err;

	if (ring_slot(msr, &reg) >= 0) {
		*val = *reg;
		return 0;
	}
	if (msr == SPEC_MSR_IA32_DEBUGCTL) {
		*val = lbr.debugctl;
		return 0;
	}
	if (legacy() && msr == SPEC_MSR_LBR_SELECT) {
		*val = lbr.select;
		return 0;
	}
	if (legacy() && msr == SPEC_MSR_LASTBRANCH_TOS) {
		*val = lbr.tos;
		return 0;
	}
	if (arch() && (msr == SPEC_MSR_IA32_LBR_CTL || msr == SPEC_MSR_IA32_LBR_DEPTH)) {
		*val = msr == SPEC_MSR_IA32_LBR_CTL ? lbr.ctl : lbr.depth;
		return 0;
	}
	if (amd() && (msr == SPEC_MSR_AMD_DBG_EXTN_CFG || msr == SPEC_MSR_AMD_LBR_SELECT)) {
		*val = msr == SPEC_MSR_AMD_DBG_EXTN_CFG ? lbr.extn_cfg : lbr.amd_select;
		return 0;
	}
	err = pass_rd(msr, val);
	if (!amd() && msr == SPEC_MSR_IA32_PERF_CAPABILITIES && !err)
		*val |= arch() ? SPEC_LBR_FORMAT_ARCH : lbr.s.fmt;
	if (msr == status_msr() && !err && lbr.frozen)
		*val |= FRZ;
	return err;
}

/* A valid Arch LBR depth: a multiple of 8 that CPUID.1CH:EAX[7:0] lists. */
static bool arch_depth_ok(u64 d)
{
	return d && d % 8 == 0 && d <= lbr.s.depth;
}

/* Whether writing val to msr clears the enable bit of a recording ring. */
static bool stops(u32 msr, u64 val)
{
	if (!enabled())
		return false;
	if (legacy())
		return msr == SPEC_MSR_IA32_DEBUGCTL && !(val & SPEC_DEBUGCTLMSR_LBR);
	if (arch())
		return msr == SPEC_MSR_IA32_LBR_CTL && !(val & SPEC_LBR_CTL_LBREN);
	return msr == SPEC_MSR_AMD_DBG_EXTN_CFG && !(val & SPEC_DBG_EXTN_CFG_LBRV2EN);
}

static int lbr_wrmsr(u32 msr, u64 val)
{
	u64 *reg, sel_valid = SPEC_LBR_SELECT_SUPPRESS | (lbr.s.call_stack ? SPEC_LBR_SELECT_EN_CALLSTACK : 0);
	u64 ctl_valid = SPEC_LBR_CTL_VALID & ~(lbr.s.call_stack ? 0 : SPEC_LBR_CTL_CALL_STACK);

	if (lbr_sim_on_stop && stops(msr, val))
		lbr_sim_on_stop();
	if (ring_slot(msr, &reg) >= 0) {
		*reg = val;
		return 0;
	}
	if (msr == SPEC_MSR_IA32_DEBUGCTL) {
		if (val & ~SPEC_DEBUGCTLMSR_VALID)
			return GP_FAULT;
		lbr.debugctl = val;
		return 0;
	}
	if (legacy() && msr == SPEC_MSR_LBR_SELECT) {
		if (val & ~sel_valid)
			return GP_FAULT;
		lbr.select = val;
		return 0;
	}
	if (legacy() && msr == SPEC_MSR_LASTBRANCH_TOS) {
		if (val >= lbr.s.depth)
			return GP_FAULT;
		lbr.tos = val;
		return 0;
	}
	if (arch() && msr == SPEC_MSR_IA32_LBR_CTL) {
		if (val & ~ctl_valid)
			return GP_FAULT;
		lbr.ctl = val;
		return 0;
	}
	/* Writing IA32_LBR_DEPTH clears every record. */
	if (arch() && msr == SPEC_MSR_IA32_LBR_DEPTH) {
		if (!arch_depth_ok(val))
			return GP_FAULT;
		lbr.depth = val;
		for (unsigned i = 0; i < MAX_DEPTH; i++)
			lbr.from[i] = lbr.to[i] = lbr.info[i] = 0;
		return 0;
	}
	if (amd() && msr == SPEC_MSR_AMD_DBG_EXTN_CFG) {
		lbr.extn_cfg = val;
		return 0;
	}
	if (amd() && msr == SPEC_MSR_AMD_LBR_SELECT) {
		if (val & ~SPEC_LBR_SELECT_SUPPRESS)
			return GP_FAULT;
		lbr.amd_select = val;
		return 0;
	}
	if (!amd() && msr == SPEC_MSR_IA32_PERF_CAPABILITIES)
		return GP_FAULT;
	if (msr == ack_msr() && (val & FRZ)) {
		lbr.frozen = false;
		val &= ~FRZ;
	}
	return pass_wr(msr, val);
}

static int lbr_rdpmc(u32 index, u64 *val)
{
	return lbr.next && lbr.next->rdpmc ? lbr.next->rdpmc(index, val) : SIM_NOT_MINE;
}

static const struct sim_device lbr_device = { lbr_rdmsr, lbr_wrmsr, lbr_rdpmc };

void lbr_sim_install(const struct lbr_sim_spec *s)
{
	struct pmu_sim_spec p;
	u32 depth_bits;

	if (s->depth > MAX_DEPTH || (s->kind == LBR_SIM_ARCH && (s->depth % 8 || s->depth > 64)))
		abort();
	if (s->kind == LBR_SIM_AMD) {
		p = pmu_sim_amd_v2;
	} else if (s->kind == LBR_SIM_ARCH) {
		p = pmu_sim_intel_v5;
	} else {
		p = pmu_sim_intel_v4;
		p.model = s->model;
		p.version = s->perfmon;
	}
	pmu_sim_install(&p);
	lbr = (typeof(lbr)){ .s = *s, .next = sim_attached() };
	lbr_sim_fault = (struct lbr_sim_fault){ 0 };
	if (s->kind == LBR_SIM_AMD) {
		sim_cpuid(0x80000022u, 0,
			  SPEC_CPUID_80000022_EAX_PERFMON_V2 | SPEC_CPUID_80000022_EAX_LBR_V2,
			  p.amd_counters | s->depth << SPEC_CPUID_80000022_EBX_LBR_DEPTH_SHIFT, 0, 0);
	} else {
		sim_cpuid_vendor("GenuineIntel", 0x1c, 0x80000008u);
		if (s->kind == LBR_SIM_ARCH) {
			/* CPUID.1CH: EAX bit n = depth 8(n+1) supported. */
			depth_bits = (1u << (s->depth / 8)) - 1;
			sim_cpuid(7, 0, 0, 0, 0, SPEC_CPUID_7_EDX_ARCH_LBR);
			sim_cpuid(0x1c, 0, depth_bits,
				  SPEC_CPUID_1C_EBX_CPL_FILTER | SPEC_CPUID_1C_EBX_BR_FILTER |
				  (s->call_stack ? SPEC_CPUID_1C_EBX_CALL_STACK : 0),
				  SPEC_CPUID_1C_ECX_MISPRED | SPEC_CPUID_1C_ECX_TIMED |
				  SPEC_CPUID_1C_ECX_BR_TYPE, 0);
			lbr.depth = s->depth;
		}
	}
	sim_attach(&lbr_device);
}

static bool enabled(void)
{
	if (lbr.frozen)
		return false;
	if (legacy())
		return lbr.debugctl & SPEC_DEBUGCTLMSR_LBR;
	if (arch())
		return lbr.ctl & SPEC_LBR_CTL_LBREN;
	return lbr.extn_cfg & SPEC_DBG_EXTN_CFG_LBRV2EN;
}

static bool filtered_out(enum lbr_sim_br type, unsigned cpl)
{
	if (arch()) {
		if (!(lbr.ctl & (cpl ? SPEC_LBR_CTL_USR : SPEC_LBR_CTL_OS)))
			return true;
		return !lbr_sim_fault.select_ignored && !(lbr.ctl & ctl_bit[type]);
	}
	u64 sel = legacy() ? lbr.select : lbr.amd_select;

	if (sel & (cpl ? SPEC_LBR_SELECT_CPL_NEQ_0 : SPEC_LBR_SELECT_CPL_EQ_0))
		return true;
	return !lbr_sim_fault.select_ignored && (sel & select_bit[type]);
}

static bool call_stack_mode(void)
{
	if (legacy())
		return lbr.select & SPEC_LBR_SELECT_EN_CALLSTACK;
	return arch() && (lbr.ctl & SPEC_LBR_CTL_CALL_STACK);
}

/* Legacy: TOS moves to the next slot, which takes the branch in the
 * format's layout (SDM Vol3B "LBR Stack", Linux intel/lbr.c decoders). */
static void legacy_push(u64 from, u64 to, bool mispred, u16 cycles)
{
	unsigned i = (unsigned)(lbr_sim_fault.tos_stuck ? lbr.tos :
				(lbr.tos = (lbr.tos + 1) % lbr.s.depth));
	u64 m = mispred ? SPEC_LBR_FROM_MISPRED : 0;
	u64 flags = SPEC_LBR_FROM_MISPRED | SPEC_LBR_FROM_IN_TSX | SPEC_LBR_FROM_TSX_ABORT;

	lbr.info[i] = 0;
	switch (lbr.s.fmt) {
	case SPEC_LBR_FORMAT_32:	/* one MSR, FROM low, TO high */
		lbr.from[i] = (u32)from | (u64)(u32)to << 32;
		break;
	case SPEC_LBR_FORMAT_EIP_FLAGS:	/* FROM[63] mispredicted */
		lbr.from[i] = (from & ~SPEC_LBR_FROM_MISPRED) | m;
		lbr.to[i] = to;
		break;
	case SPEC_LBR_FORMAT_EIP_FLAGS2: /* FROM[63] mispred, [62] in TSX, [61] abort */
		lbr.from[i] = (from & ~flags) | m;
		lbr.to[i] = to;
		break;
	case SPEC_LBR_FORMAT_INFO:	/* LBR_INFO[63] mispred, [15:0] cycles */
	case SPEC_LBR_FORMAT_INFO2:
		lbr.from[i] = from;
		lbr.to[i] = to;
		lbr.info[i] = (mispred ? SPEC_LBR_INFO_MISPRED : 0) | cycles;
		break;
	case SPEC_LBR_FORMAT_TIME:	/* FROM[63] mispred, TO[63:48] cycles */
		lbr.from[i] = (from & ~SPEC_LBR_FROM_MISPRED) | m;
		lbr.to[i] = (to & (BIT_ULL(SPEC_LBR_TO_CYCLES_SHIFT) - 1)) |
			    (u64)cycles << SPEC_LBR_TO_CYCLES_SHIFT;
		break;
	default:	/* LIP, EIP */
		lbr.from[i] = from;
		lbr.to[i] = to;
	}
}

/* Call-stack pop: the returning call's entry goes, TOS steps back. */
static void legacy_pop(void)
{
	unsigned i = (unsigned)lbr.tos;

	lbr.from[i] = lbr.to[i] = lbr.info[i] = 0;
	lbr.tos = (lbr.tos + lbr.s.depth - 1) % lbr.s.depth;
}

/* Arch LBR and AMD: entry 0 is the newest, older ones move up one. */
static void shift_push(unsigned n, u64 from, u64 to, u64 info)
{
	for (unsigned i = lbr_sim_fault.tos_stuck ? 0 : n - 1; i > 0; i--) {
		lbr.from[i] = lbr.from[i - 1];
		lbr.to[i] = lbr.to[i - 1];
		lbr.info[i] = lbr.info[i - 1];
	}
	lbr.from[0] = from;
	lbr.to[0] = to;
	lbr.info[0] = info;
}

static void shift_pop(unsigned n)
{
	for (unsigned i = 0; i + 1 < n; i++) {
		lbr.from[i] = lbr.from[i + 1];
		lbr.to[i] = lbr.to[i + 1];
		lbr.info[i] = lbr.info[i + 1];
	}
	lbr.from[n - 1] = lbr.to[n - 1] = lbr.info[n - 1] = 0;
}

void lbr_sim_branch(u64 from, u64 to, enum lbr_sim_br type, bool mispred,
		    u16 cycles, unsigned cpl)
{
	bool is_call = type == LBR_SIM_REL_CALL || type == LBR_SIM_IND_CALL;
	bool pop = call_stack_mode() && type == LBR_SIM_RET;

	if ((unsigned)type >= ARRAY_SIZE(select_bit) || cpl > 3)
		abort();
	if (lbr_sim_fault.from_to_swapped) {
		u64 t = from;

		from = to;
		to = t;
	}
	if (!enabled() || filtered_out(type, cpl))
		return;
	/* Call-stack mode keeps calls and pops them on return; nothing else. */
	if (call_stack_mode() && !is_call && !pop)
		return;
	lbr.recorded++;
	if (legacy()) {
		if (pop)
			legacy_pop();
		else
			legacy_push(from, to, mispred, cycles);
	} else if (arch()) {
		if (pop)
			shift_pop((unsigned)lbr.depth);
		else
			shift_push((unsigned)lbr.depth, from, to,
				   (mispred ? SPEC_LBR_INFO_MISPRED : 0) | SPEC_LBR_INFO_CYC_CNT_VALID |
				   (u64)arch_br_type[type] << SPEC_LBR_INFO_BR_TYPE_SHIFT | cycles);
	} else {
		/* FROM[63] mispredict; TO[63] valid, [62] speculative. */
		shift_push(lbr.s.depth, (from & ~SPEC_AMD_LBR_FROM_MISPREDICT) |
			   (mispred ? SPEC_AMD_LBR_FROM_MISPREDICT : 0),
			   (to & (BIT_ULL(61) - 1)) | SPEC_AMD_LBR_TO_VALID, 0);
	}
}

void lbr_sim_pmi(void)
{
	if (lbr_sim_fault.freeze_ignored || !(lbr.debugctl & SPEC_DEBUGCTLMSR_FREEZE_LBRS_ON_PMI))
		return;
	if (legacy() && lbr.s.perfmon < 4)
		lbr.debugctl &= ~SPEC_DEBUGCTLMSR_LBR;
	else
		lbr.frozen = true;
}

bool lbr_sim_frozen(void)
{
	return lbr.frozen || (legacy() && lbr.s.perfmon < 4 && !(lbr.debugctl & SPEC_DEBUGCTLMSR_LBR));
}

unsigned lbr_sim_recorded(void)
{
	return lbr.recorded;
}
