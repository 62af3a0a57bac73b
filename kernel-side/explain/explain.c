/* Explain mode (explain.h): the decode table and the narration hooks. Every
 * row names an MSR as the SDM (Vol4 Table 2-2, Vol3B chapter 20) or the APM
 * (Vol2 13.2) does; every field's mask is the constant the drivers use. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/explain/explain.h"
#include "lib/fmt.h"
#include "kernel-side/ftrace/ftrace.h"
#include "lib/libc.h"
#include "lib/record.h"

enum field_kind {
	FLD_FLAG,	/* the name when the bit is set */
	FLD_HEX,	/* name=0x.. (shifted down), always */
	FLD_HEX_NZ,	/* the same, only when not zero */
	FLD_ADDR,	/* name=0x.. in place (not shifted): a physical address */
	FLD_COUNTERS,	/* the bits as counters: gp0 gp1 fixed0 (pmu.h numbering) */
	FLD_FIXED_CTRL,	/* 4 bits per fixed counter: fixed0=OS|USR|PMI */
	FLD_QUIET,	/* known, not shown: bits that read as 1 */
	FLD_DR_RW,	/* DR7 R/Wn: exec, write, io, rw (when n is enabled or set) */
	FLD_DR_LEN,	/* DR7 LENn: the length in bytes (likewise) */
};

struct msr_field {
	const char *name;
	u64 mask;
	enum field_kind kind;
};

struct msr_desc {
	u32 msr, count, stride;		/* count registers, stride apart */
	const char *name;		/* with %u for the index when count > 1 */
	const struct msr_field *fields;	/* NULL-named end; NULL: a plain value */
	enum cpu_vendor events;		/* an event selector of this vendor's */
	bool counter;			/* the value is a count */
};

#define END { NULL, 0, FLD_FLAG }

/* SDM Vol3B Figure 20-6; AMD's PERF_CTL adds EventSelect[11:8] and the
 * host/guest bits (APM Vol2 Figure 13-7). */
#define EVTSEL_FIELDS \
	{ "event", ARCH_PERFMON_EVENTSEL_EVENT, FLD_HEX }, \
	{ "umask", ARCH_PERFMON_EVENTSEL_UMASK, FLD_HEX }, \
	{ "USR", ARCH_PERFMON_EVENTSEL_USR, FLD_FLAG }, \
	{ "OS", ARCH_PERFMON_EVENTSEL_OS, FLD_FLAG }, \
	{ "EDGE", ARCH_PERFMON_EVENTSEL_EDGE, FLD_FLAG }, \
	{ "PC", ARCH_PERFMON_EVENTSEL_PIN_CONTROL, FLD_FLAG }, \
	{ "INT", ARCH_PERFMON_EVENTSEL_INT, FLD_FLAG }, \
	{ "EN", ARCH_PERFMON_EVENTSEL_EN, FLD_FLAG }, \
	{ "INV", ARCH_PERFMON_EVENTSEL_INV, FLD_FLAG }, \
	{ "cmask", ARCH_PERFMON_EVENTSEL_CMASK, FLD_HEX_NZ }

static const struct msr_field intel_evtsel[] = {
	EVTSEL_FIELDS,
	{ "ANY", ARCH_PERFMON_EVENTSEL_ANY, FLD_FLAG },
	END,
};

static const struct msr_field amd_evtsel[] = {
	EVTSEL_FIELDS,
	{ "event_hi", AMD64_EVENTSEL_EVENT_HI, FLD_HEX_NZ },
	{ "GUESTONLY", AMD64_EVENTSEL_GUESTONLY, FLD_FLAG },
	{ "HOSTONLY", AMD64_EVENTSEL_HOSTONLY, FLD_FLAG },
	END,
};

static const struct msr_field fixed_ctrl[] = {
	{ "", ~0ull, FLD_FIXED_CTRL },
	END,
};

/* SDM Vol3B Figure 20-3 (v2) and 20-13 (v4 and later). */
static const struct msr_field global_status[] = {
	{ "", (u64)BIT_ULL(PMC_FIXED + PMC_FIXED_MAX) - 1, FLD_COUNTERS },
	{ "TRACE_TOPAPMI", GLOBAL_STATUS_TRACE_TOPAPMI, FLD_FLAG },
	{ "LBRS_FROZEN", GLOBAL_STATUS_LBRS_FROZEN, FLD_FLAG },
	{ "ASIF", GLOBAL_STATUS_ASIF, FLD_FLAG },
	{ "UNC_OVF", GLOBAL_STATUS_UNC_OVF, FLD_FLAG },
	{ "BUFFER_OVF", GLOBAL_STATUS_BUFFER_OVF, FLD_FLAG },
	{ "COND_CHG", GLOBAL_STATUS_COND_CHG, FLD_FLAG },
	END,
};

static const struct msr_field counters[] = {
	{ "", (u64)BIT_ULL(PMC_FIXED + PMC_FIXED_MAX) - 1, FLD_COUNTERS },
	END,
};

static const struct msr_field offcore_rsp[] = {
	{ "request", OFFCORE_RSP_REQUEST, FLD_HEX },
	{ "response", OFFCORE_RSP_RESPONSE, FLD_HEX },
	END,
};

/* SDM Vol4 Table 2-2, IA32_PERF_CAPABILITIES. */
static const struct msr_field perf_capabilities[] = {
	{ "lbr_fmt", PERF_CAP_LBR_FMT, FLD_HEX },
	{ "PEBS_TRAP", PERF_CAP_PEBS_TRAP, FLD_FLAG },
	{ "ARCH_REG", PERF_CAP_ARCH_REG, FLD_FLAG },
	{ "pebs_fmt", PERF_CAP_PEBS_FORMAT, FLD_HEX },
	{ "SMM_FREEZE", PERF_CAP_SMM_FREEZE, FLD_FLAG },
	{ "FW_WRITE", PERF_CAP_FW_WRITE, FLD_FLAG },
	{ "PEBS_BASELINE", PERF_CAP_PEBS_BASELINE, FLD_FLAG },
	{ "PERF_METRICS", PERF_CAP_PERF_METRICS, FLD_FLAG },
	END,
};

/* SDM Vol3B 18.4.1, Figure 18-3. */
static const struct msr_field debugctl[] = {
	{ "LBR", DEBUGCTLMSR_LBR, FLD_FLAG },
	{ "BTF", DEBUGCTLMSR_BTF, FLD_FLAG },
	{ "TR", DEBUGCTLMSR_TR, FLD_FLAG },
	{ "BTS", DEBUGCTLMSR_BTS, FLD_FLAG },
	{ "BTINT", DEBUGCTLMSR_BTINT, FLD_FLAG },
	{ "BTS_OFF_OS", DEBUGCTLMSR_BTS_OFF_OS, FLD_FLAG },
	{ "BTS_OFF_USR", DEBUGCTLMSR_BTS_OFF_USR, FLD_FLAG },
	{ "FREEZE_LBRS_ON_PMI", DEBUGCTLMSR_FREEZE_LBRS_ON_PMI, FLD_FLAG },
	{ "FREEZE_PERFMON_ON_PMI", DEBUGCTLMSR_FREEZE_PERFMON_ON_PMI, FLD_FLAG },
	{ "FREEZE_IN_SMM", DEBUGCTLMSR_FREEZE_IN_SMM, FLD_FLAG },
	{ "RTM_DEBUG", DEBUGCTLMSR_RTM_DEBUG, FLD_FLAG },
	END,
};

/* SDM Vol3B 19.9.1 (MSR_LBR_SELECT; AMD LBR_SELECT alike, APM Vol2 13.1.1.3):
 * a set bit 0-8 filters those branches out. */
#define LBR_SELECT_FIELDS \
	{ "CPL_EQ_0", LBR_SELECT_KERNEL, FLD_FLAG }, \
	{ "CPL_NEQ_0", LBR_SELECT_USER, FLD_FLAG }, \
	{ "JCC", LBR_SELECT_JCC, FLD_FLAG }, \
	{ "NEAR_REL_CALL", LBR_SELECT_REL_CALL, FLD_FLAG }, \
	{ "NEAR_IND_CALL", LBR_SELECT_IND_CALL, FLD_FLAG }, \
	{ "NEAR_RET", LBR_SELECT_RETURN, FLD_FLAG }, \
	{ "NEAR_IND_JMP", LBR_SELECT_IND_JMP, FLD_FLAG }, \
	{ "NEAR_REL_JMP", LBR_SELECT_REL_JMP, FLD_FLAG }, \
	{ "FAR_BRANCH", LBR_SELECT_FAR, FLD_FLAG }

static const struct msr_field lbr_select[] = {
	LBR_SELECT_FIELDS,
	{ "EN_CALLSTACK", LBR_SELECT_CALL_STACK, FLD_FLAG },
	END,
};

static const struct msr_field amd_lbr_select[] = {
	LBR_SELECT_FIELDS,
	END,
};

/* SDM Vol3B 19.1.2.1, IA32_LBR_CTL. */
static const struct msr_field arch_lbr_ctl[] = {
	{ "LBREn", ARCH_LBR_CTL_LBREN, FLD_FLAG },
	{ "OS", ARCH_LBR_CTL_OS, FLD_FLAG },
	{ "USR", ARCH_LBR_CTL_USR, FLD_FLAG },
	{ "CALL_STACK", ARCH_LBR_CTL_CALL_STACK, FLD_FLAG },
	{ "JCC", ARCH_LBR_CTL_JCC, FLD_FLAG },
	{ "NEAR_REL_JMP", ARCH_LBR_CTL_REL_JMP, FLD_FLAG },
	{ "NEAR_IND_JMP", ARCH_LBR_CTL_IND_JMP, FLD_FLAG },
	{ "NEAR_REL_CALL", ARCH_LBR_CTL_REL_CALL, FLD_FLAG },
	{ "NEAR_IND_CALL", ARCH_LBR_CTL_IND_CALL, FLD_FLAG },
	{ "NEAR_RET", ARCH_LBR_CTL_RETURN, FLD_FLAG },
	{ "OTHER_BRANCH", ARCH_LBR_CTL_OTHER_BRANCH, FLD_FLAG },
	END,
};

/* MSR_LBR_INFO_x and IA32_LBR_x_INFO (SDM Vol3B 19.12.1, 19.1.3.4). */
static const struct msr_field lbr_info[] = {
	{ "MISPRED", LBR_INFO_MISPRED, FLD_FLAG },
	{ "IN_TX", LBR_INFO_IN_TX, FLD_FLAG },
	{ "ABORT", LBR_INFO_ABORT, FLD_FLAG },
	{ "CYC_CNT_VALID", LBR_INFO_CYC_CNT_VALID, FLD_FLAG },
	{ "br_type", LBR_INFO_BR_TYPE, FLD_HEX_NZ },
	{ "cycles", LBR_INFO_CYCLES, FLD_HEX },
	END,
};

static const struct msr_field amd_dbg_extn_cfg[] = {
	{ "LBRV2EN", DBG_EXTN_CFG_LBRV2EN, FLD_FLAG },
	END,
};

/* AMD LbrExtV2 (APM Vol2 13.1.1.3): BR_FROMn, BR_TOn. */
static const struct msr_field amd_br_from[] = {
	{ "ip", AMD_LBR_IP, FLD_ADDR },
	{ "MISPRED", AMD_LBR_FROM_MISPRED, FLD_FLAG },
	END,
};

static const struct msr_field amd_br_to[] = {
	{ "ip", AMD_LBR_IP, FLD_ADDR },
	{ "SPEC", AMD_LBR_TO_SPEC, FLD_FLAG },
	{ "VALID", AMD_LBR_TO_VALID, FLD_FLAG },
	END,
};

static const struct msr_field amd_global_status[] = {
	{ "", (u64)BIT_ULL(PMC_GP_MAX) - 1, FLD_COUNTERS },
	{ "LBRS_FROZEN", GLOBAL_STATUS_LBRS_FROZEN, FLD_FLAG },
	END,
};

/* SDM Vol3A Figure 11-5. */
static const struct msr_field apic_base[] = {
	{ "BSP", MSR_IA32_APICBASE_BSP, FLD_FLAG },
	{ "EXTD", MSR_IA32_APICBASE_EXTD, FLD_FLAG },
	{ "EN", MSR_IA32_APICBASE_ENABLE, FLD_FLAG },
	{ "base", MSR_IA32_APICBASE_BASE, FLD_ADDR },
	END,
};

/* Debug registers (SDM Vol3B 18.2): written with MOV DRn, not WRMSR, but
 * decoded the same way, from debugreg.h's constants. DR7: Figure 18-1. */
#define DR7_BP_FIELDS(n) \
	{ "L" #n, DR7_L(n), FLD_FLAG }, \
	{ "G" #n, DR7_G(n), FLD_FLAG }, \
	{ "RW" #n, DR7_FIELD_MASK << DR7_RW_SHIFT(n), FLD_DR_RW }, \
	{ "LEN" #n, DR7_FIELD_MASK << DR7_LEN_SHIFT(n), FLD_DR_LEN }

static const struct msr_field dr7_fields[] = {
	DR7_BP_FIELDS(0), DR7_BP_FIELDS(1), DR7_BP_FIELDS(2), DR7_BP_FIELDS(3),
	{ "LE", DR7_LE, FLD_FLAG },
	{ "GE", DR7_GE, FLD_FLAG },
	{ "", DR7_FIXED_1, FLD_QUIET },
	{ "GD", DR7_GD, FLD_FLAG },
	END,
};

/* DR6 (SDM Vol3B 18.2.3): the conditions; its reserved bits read as 1
 * (DR6_INIT), RTM (bit 16) among them: 1 is "not in RTM". */
static const struct msr_field dr6_fields[] = {
	{ "B0", DR6_B(0), FLD_FLAG },
	{ "B1", DR6_B(1), FLD_FLAG },
	{ "B2", DR6_B(2), FLD_FLAG },
	{ "B3", DR6_B(3), FLD_FLAG },
	{ "BD", DR6_BD, FLD_FLAG },
	{ "BS", DR6_BS, FLD_FLAG },
	{ "BT", DR6_BT, FLD_FLAG },
	{ "", DR6_INIT, FLD_QUIET },
	END,
};

struct dr_desc {
	unsigned n;			/* DRn */
	const struct msr_field *fields;	/* NULL: a linear address */
};

static const struct dr_desc dr_table[] = {
	{ 0, NULL }, { 1, NULL }, { 2, NULL }, { 3, NULL },
	{ 6, dr6_fields }, { 7, dr7_fields },
};

/* Local APIC registers (SDM Vol3A Figures 11-8, 11-10, 11-23; Table 12-2),
 * as x2APIC MSRs; xAPIC MMIO writes are narrated under the same number. */
static const struct msr_field apic_lvt[] = {
	{ "vector", APIC_VECTOR_MASK, FLD_HEX },
	{ "dm", 0x700, FLD_HEX_NZ },
	{ "MASKED", APIC_LVT_MASKED, FLD_FLAG },
	END,
};

static const struct msr_field apic_lvtt[] = {
	{ "vector", APIC_VECTOR_MASK, FLD_HEX },
	{ "MASKED", APIC_LVT_MASKED, FLD_FLAG },
	{ "PERIODIC", APIC_LVT_TIMER_PERIODIC, FLD_FLAG },
	END,
};

static const struct msr_field apic_spiv[] = {
	{ "vector", APIC_SPIV_VECTOR, FLD_HEX },
	{ "APIC_ENABLED", APIC_SPIV_APIC_ENABLED, FLD_FLAG },
	END,
};

static const struct msr_field apic_tpr[] = {
	{ "class", 0xf0, FLD_HEX },
	{ "sub", 0x0f, FLD_HEX_NZ },
	END,
};

#define X2APIC(reg) APIC_X2APIC_MSR(reg)

#define ONE(m, n, f) { m, 1, 1, n, f, VENDOR_OTHER, false }
#define RANGE(m, c, s, n) { m, c, s, n, NULL, VENDOR_OTHER, false }
#define COUNTERS(m, c, s, n) { m, c, s, n, NULL, VENDOR_OTHER, true }

static const struct msr_desc msr_table[] = {
	{ MSR_IA32_EVNTSEL0, 8, 1, "IA32_PERFEVTSEL%u", intel_evtsel, VENDOR_INTEL, false },
	COUNTERS(MSR_IA32_PERFCTR0, 8, 1, "IA32_PMC%u"),
	COUNTERS(MSR_IA32_PMC0, 8, 1, "IA32_A_PMC%u"),
	COUNTERS(MSR_CORE_PERF_FIXED_CTR0, PMC_FIXED_MAX, 1, "IA32_FIXED_CTR%u"),
	ONE(MSR_CORE_PERF_FIXED_CTR_CTRL, "IA32_FIXED_CTR_CTRL", fixed_ctrl),
	ONE(MSR_CORE_PERF_GLOBAL_STATUS, "IA32_PERF_GLOBAL_STATUS", global_status),
	ONE(MSR_CORE_PERF_GLOBAL_CTRL, "IA32_PERF_GLOBAL_CTRL", counters),
	ONE(MSR_CORE_PERF_GLOBAL_OVF_CTRL, "IA32_PERF_GLOBAL_OVF_CTRL", global_status),
	{ MSR_OFFCORE_RSP_0, 2, 1, "MSR_OFFCORE_RSP_%u", offcore_rsp, VENDOR_OTHER, false },
	ONE(MSR_IA32_PERF_CAPABILITIES, "IA32_PERF_CAPABILITIES", perf_capabilities),
	ONE(MSR_IA32_DEBUGCTLMSR, "IA32_DEBUGCTL", debugctl),
	ONE(MSR_IA32_APICBASE, "IA32_APIC_BASE", apic_base),
	ONE(MSR_LBR_SELECT, "MSR_LBR_SELECT", lbr_select),
	ONE(MSR_LBR_TOS, "MSR_LBR_TOS", NULL),
	RANGE(MSR_LBR_CORE_FROM, 8, 1, "MSR_LBR_CORE_FROM_%u"),
	RANGE(MSR_LBR_CORE_TO, 8, 1, "MSR_LBR_CORE_TO_%u"),
	RANGE(MSR_LBR_NHM_FROM, 32, 1, "MSR_LASTBRANCH_%u_FROM_IP"),
	RANGE(MSR_LBR_NHM_TO, 32, 1, "MSR_LASTBRANCH_%u_TO_IP"),
	{ MSR_LBR_INFO_0, 32, 1, "MSR_LBR_INFO_%u", lbr_info, VENDOR_OTHER, false },
	ONE(MSR_ARCH_LBR_CTL, "IA32_LBR_CTL", arch_lbr_ctl),
	ONE(MSR_ARCH_LBR_DEPTH, "IA32_LBR_DEPTH", NULL),
	RANGE(MSR_ARCH_LBR_FROM_0, 32, 1, "IA32_LBR_%u_FROM_IP"),
	RANGE(MSR_ARCH_LBR_TO_0, 32, 1, "IA32_LBR_%u_TO_IP"),
	{ MSR_ARCH_LBR_INFO_0, 32, 1, "IA32_LBR_%u_INFO", lbr_info, VENDOR_OTHER, false },
	ONE(MSR_IA32_X2APIC_APICID, "IA32_X2APIC_APICID", NULL),
	ONE(MSR_IA32_X2APIC_VERSION, "IA32_X2APIC_VERSION", NULL),
	ONE(X2APIC(APIC_TASKPRI), "APIC_TASKPRI", apic_tpr),
	ONE(X2APIC(APIC_EOI), "APIC_EOI", NULL),
	ONE(X2APIC(APIC_SPIV), "APIC_SPIV", apic_spiv),
	ONE(X2APIC(APIC_LVTCMCI), "APIC_LVTCMCI", apic_lvt),
	ONE(X2APIC(APIC_LVTT), "APIC_LVTT", apic_lvtt),
	ONE(X2APIC(APIC_LVTTHMR), "APIC_LVTTHMR", apic_lvt),
	ONE(X2APIC(APIC_LVTPC), "APIC_LVTPC", apic_lvt),
	ONE(X2APIC(APIC_LVT0), "APIC_LVT0", apic_lvt),
	ONE(X2APIC(APIC_LVT1), "APIC_LVT1", apic_lvt),
	ONE(X2APIC(APIC_LVTERR), "APIC_LVTERR", apic_lvt),
	COUNTERS(X2APIC(APIC_TMICT), 1, 1, "APIC_TMICT"),
	ONE(X2APIC(APIC_TDCR), "APIC_TDCR", NULL),
	/* AMD (APM Vol2 13.2.1, 13.2.2; PerfMonV2: PPR "PerfCntrGlobal*") */
	{ MSR_K7_EVNTSEL0, 4, 1, "PerfEvtSel%u", amd_evtsel, VENDOR_AMD, false },
	COUNTERS(MSR_K7_PERFCTR0, 4, 1, "PerfCtr%u"),
	{ MSR_F15H_PERF_CTL, 6, 2, "PERF_CTL%u", amd_evtsel, VENDOR_AMD, false },
	COUNTERS(MSR_F15H_PERF_CTR, 6, 2, "PERF_CTR%u"),
	ONE(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS, "PerfCntrGlobalStatus", amd_global_status),
	ONE(MSR_AMD64_PERF_CNTR_GLOBAL_CTL, "PerfCntrGlobalCtl", counters),
	ONE(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS_CLR, "PerfCntrGlobalStatusClr", amd_global_status),
	ONE(MSR_AMD64_LBR_SELECT, "LBR_SELECT", amd_lbr_select),
	ONE(MSR_AMD_DBG_EXTN_CFG, "DBG_EXTN_CFG", amd_dbg_extn_cfg),
	{ MSR_AMD_SAMP_BR_FROM, 16, 2, "BR_FROM%u", amd_br_from, VENDOR_OTHER, false },
	{ MSR_AMD_SAMP_BR_FROM + 1, 16, 2, "BR_TO%u", amd_br_to, VENDOR_OTHER, false },
};

static explain_sym_fn symbolize;
static bool enabled;

static const struct msr_desc *find(u32 msr, unsigned *index)
{
	for (size_t i = 0; i < ARRAY_SIZE(msr_table); i++) {
		const struct msr_desc *d = &msr_table[i];
		u32 off = msr - d->msr;

		if (msr >= d->msr && off % d->stride == 0 && off / d->stride < d->count) {
			*index = off / d->stride;
			return d;
		}
	}
	return NULL;
}

const char *explain_msr_name(u32 msr, char *buf, size_t size)
{
	unsigned idx;
	const struct msr_desc *d = find(msr, &idx);

	if (!d)
		return NULL;
	fmt_snprintf(buf, size, d->name, idx);
	return buf;
}

/* Appends to buf at *n, never past size. */
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n + 1 >= size)
		return;
	va_start(ap, fmt);
	*n += fmt_vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
}

static unsigned lowest_bit(u64 mask)
{
	return (unsigned)__builtin_ctzll(mask);
}

static void put_counters(char *buf, size_t size, size_t *n, u64 bits, bool *any)
{
	for (unsigned i = 0; i < 64; i++) {
		if (!(bits & BIT_ULL(i)))
			continue;
		put(buf, size, n, "%s%s%u", *any ? " " : "", i >= PMC_FIXED ? "fixed" : "gp",
		    i >= PMC_FIXED ? i - PMC_FIXED : i);
		*any = true;
	}
}

/* IA32_FIXED_CTR_CTRL (SDM Vol3B Figure 20-2): counter j's 4 bits at 4j. */
static void put_fixed_ctrl(char *buf, size_t size, size_t *n, u64 val, bool *any)
{
	static const struct msr_field bits[] = {
		{ "OS", INTEL_FIXED_0_KERNEL, FLD_FLAG },
		{ "USR", INTEL_FIXED_0_USER, FLD_FLAG },
		{ "PMI", INTEL_FIXED_0_ENABLE_PMI, FLD_FLAG },
	};

	for (unsigned j = 0; j < PMC_FIXED_MAX; j++) {
		u64 f = (val >> (4 * j)) & INTEL_FIXED_BITS_MASK;
		const char *sep = "=";

		if (!f)
			continue;
		put(buf, size, n, "%sfixed%u", *any ? " " : "", j);
		for (size_t b = 0; b < ARRAY_SIZE(bits); b++) {
			if (!(f & bits[b].mask))
				continue;
			put(buf, size, n, "%s%s", sep, bits[b].name);
			sep = "|";
			f &= ~bits[b].mask;
		}
		if (f)
			put(buf, size, n, "%s0x%llx", sep, (unsigned long long)f);
		*any = true;
	}
	if (!*any)
		put(buf, size, n, "all off");
	*any = true;
}

static u64 covered(const struct msr_field *f)
{
	u64 m = 0;

	for (; f->name; f++)
		m |= f->mask;
	return m;
}

/* DR7's R/Wn and LENn are shown for a breakpoint that is enabled or has
 * them set: the all-zero fields of the others say nothing. */
static bool dr7_field_shown(const struct msr_field *f, u64 val, u64 v)
{
	unsigned bp = (lowest_bit(f->mask) - DR7_RW_SHIFT(0)) / 4;

	return v || (val & (DR7_L(bp) | DR7_G(bp)));
}

static const char *dr_len_name(u64 code)
{
	static const char *const len[] = {
		[DR_LEN_1] = "1", [DR_LEN_2] = "2", [DR_LEN_8] = "8", [DR_LEN_4] = "4",
	};

	return len[code & DR7_FIELD_MASK];
}

/* The fields of val, then the bits no field covers as reserved=. */
static void put_list(char *buf, size_t size, size_t *n, const struct msr_field *fields, u64 val)
{
	bool any = false;
	u64 rest;

	for (const struct msr_field *f = fields; f->name; f++) {
		u64 v = (val & f->mask) >> lowest_bit(f->mask);
		unsigned digits = (64 - __builtin_clzll(f->mask >> lowest_bit(f->mask)) + 3) / 4;
		const char *sp = any ? " " : "";

		switch (f->kind) {
		case FLD_FLAG:
			if (!v)
				continue;
			put(buf, size, n, "%s%s", sp, f->name);
			break;
		case FLD_HEX_NZ:
			if (!v)
				continue;
			/* fall through */
		case FLD_HEX:
			put(buf, size, n, "%s%s=0x", sp, f->name);
			/* fmt.c takes no '*' width: pad to the field's digits. */
			for (unsigned k = v ? (67 - __builtin_clzll(v)) / 4 : 1; k < digits; k++)
				put(buf, size, n, "0");
			put(buf, size, n, "%llx", (unsigned long long)v);
			break;
		case FLD_ADDR:
			put(buf, size, n, "%s%s=0x%llx", sp, f->name,
			    (unsigned long long)(val & f->mask));
			break;
		case FLD_COUNTERS:
			if (!val) {
				put(buf, size, n, "none");
				any = true;
				continue;
			}
			put_counters(buf, size, n, val & f->mask, &any);
			continue;
		case FLD_FIXED_CTRL:
			put_fixed_ctrl(buf, size, n, val, &any);
			continue;
		case FLD_QUIET:
			continue;
		case FLD_DR_RW:
			if (!dr7_field_shown(f, val, v))
				continue;
			put(buf, size, n, "%s%s=%s", sp, f->name, dr_type_name((enum dr_type)v));
			break;
		case FLD_DR_LEN:
			if (!dr7_field_shown(f, val, v))
				continue;
			put(buf, size, n, "%s%s=%s", sp, f->name, dr_len_name(v));
			break;
		}
		any = true;
	}
	rest = val & ~covered(fields);
	if (rest)
		put(buf, size, n, "%sreserved=0x%llx", any ? " " : "", (unsigned long long)rest);
	else if (!any)
		put(buf, size, n, "none");
}

static void put_fields(char *buf, size_t size, size_t *n, const struct msr_desc *d, u64 val)
{
	if (d->counter) {
		put(buf, size, n, "count=%llu", (unsigned long long)val);
		return;
	}
	if (!d->fields)
		return;
	put_list(buf, size, n, d->fields, val);
	if (d->events != VENDOR_OTHER) {
		u64 mask = d->events == VENDOR_AMD ? EVENT_CONFIG_MASK_AMD : EVENT_CONFIG_MASK_INTEL;
		const char *ev = event_describe(d->events, val & mask);

		if (ev)
			put(buf, size, n, "  = %s", ev);
	}
}

size_t explain_msr_fields(char *buf, size_t size, u32 msr, u64 val)
{
	unsigned idx;
	const struct msr_desc *d = find(msr, &idx);
	size_t n = 0;

	buf[0] = '\0';
	if (d)
		put_fields(buf, size, &n, d, val);
	return n;
}

size_t explain_msr(char *buf, size_t size, enum msr_op op, u32 msr, u64 val, int err)
{
	char name[40], errbuf[16];
	unsigned idx;
	const struct msr_desc *d = find(msr, &idx);
	size_t n = 0;

	buf[0] = '\0';
	if (d)
		fmt_snprintf(name, sizeof(name), d->name, idx);
	else
		fmt_snprintf(name, sizeof(name), "MSR");
	if (op == MSR_OP_XAPIC_WRITE)	/* the MMIO offset, not the MSR */
		put(buf, size, &n, "xapic %s (+0x%x)", name, (msr - APIC_X2APIC_MSR(0)) << 4);
	else
		put(buf, size, &n, "%s %s (0x%x)", op == MSR_OP_WRITE ? "wrmsr" : "rdmsr", name,
		    msr);
	if (err) {
		if (op == MSR_OP_WRITE)
			put(buf, size, &n, " <- 0x%08llx", (unsigned long long)val);
		put(buf, size, &n, "  %s: %s", hw_err_name(err, errbuf),
		    op == MSR_OP_WRITE ? "nothing written" : "nothing read");
		return n;
	}
	put(buf, size, &n, " %s 0x%08llx", op == MSR_OP_READ ? "->" : "<-",
	    (unsigned long long)val);
	if (d && (d->counter || d->fields)) {
		put(buf, size, &n, "  ");
		put_fields(buf, size, &n, d, val);
	}
	return n;
}

static void sym(u64 addr, char *buf, size_t size)
{
	if (symbolize)
		symbolize(addr, buf, size);
	else
		fmt_snprintf(buf, size, "0x%llx", (unsigned long long)addr);
}

static const struct dr_desc *dr_find(unsigned n)
{
	for (size_t i = 0; i < ARRAY_SIZE(dr_table); i++)
		if (dr_table[i].n == n)
			return &dr_table[i];
	return NULL;
}

size_t explain_dr_fields(char *buf, size_t size, unsigned dr, u64 val)
{
	const struct dr_desc *d = dr_find(dr);
	char where[96];
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return 0;
	if (d->fields) {
		put_list(buf, size, &n, d->fields, val);
		return n;
	}
	/* A breakpoint's address: named when it is in a function. */
	if (!val || !symbolize)
		return 0;
	symbolize(val, where, sizeof(where));
	if (strcmp(where, "?"))
		put(buf, size, &n, "= %s", where);
	return n;
}

size_t explain_dr(char *buf, size_t size, unsigned dr, u64 val)
{
	char fields[EXPLAIN_LINE_MAX];
	size_t n = 0;

	buf[0] = '\0';
	put(buf, size, &n, "mov DR%u <- 0x%08llx", dr, (unsigned long long)val);
	if (explain_dr_fields(fields, sizeof(fields), dr, val))
		put(buf, size, &n, "  %s", fields);
	return n;
}

/* SDM Vol2A CALL (E8 cd): relative to the next instruction. */
const char *explain_insn_kind(const u8 *b, const u8 *addr, char *buf, size_t size)
{
	if (!memcmp(b, FTRACE_NOP5, POKE_LEN))
		return "5-byte nop";
	if (!memcmp(b, FTRACE_HOLE, POKE_LEN))
		return "5 one-byte nops";
	if (b[0] == INT3_INSN)
		return "int3";
	if (b[0] == CALL_REL32) {
		s32 rel;
		size_t n = fmt_snprintf(buf, size, "call ");

		memcpy(&rel, b + 1, 4);
		sym((u64)(uintptr_t)addr + POKE_LEN + (u64)(s64)rel, buf + n, size - n);
		return buf;
	}
	return "other";
}

static void put_bytes(char *buf, size_t size, size_t *n, const u8 *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put(buf, size, n, "%s%02x", i ? " " : "", b[i]);
}

size_t explain_poke_site(char *buf, size_t size, const u8 *addr, const u8 *before,
			 const u8 *after, size_t len)
{
	char where[96], k1[96], k2[96];
	size_t n = 0;

	sym((u64)(uintptr_t)addr, where, sizeof(where));
	put(buf, size, &n, "site %s: ", where);
	put_bytes(buf, size, &n, before, len);
	put(buf, size, &n, " -> ");
	put_bytes(buf, size, &n, after, len);
	if (len == POKE_LEN)
		put(buf, size, &n, " (%s -> %s)", explain_insn_kind(before, addr, k1, sizeof(k1)),
		    explain_insn_kind(after, addr, k2, sizeof(k2)));
	else if (len == 1 && after[0] == INT3_INSN)
		put(buf, size, &n, " (first byte -> int3)");
	else if (len == 1 && before[0] == INT3_INSN)
		put(buf, size, &n, " (int3 -> first byte back)");
	return n;
}

size_t explain_poke_step(char *buf, size_t size, enum poke_step step, const u8 *addr)
{
	static const char *const what[] = {
		[POKE_STEP_EARLY] = "plain write, nothing runs it yet",
		[POKE_STEP_INT3] = "step 1/3: int3 on byte 0, sync",
		[POKE_STEP_BODY] = "step 2/3: bytes 1-4, sync",
		[POKE_STEP_FIRST] = "step 3/3: byte 0, sync",
	};
	size_t n = 0;

	put(buf, size, &n, "  %s: ", what[step]);
	put_bytes(buf, size, &n, addr, POKE_LEN);
	return n;
}

static void narrate_msr(enum msr_op op, u32 msr, u64 val, int err, unsigned dropped)
{
	char line[EXPLAIN_LINE_MAX];

	explain_msr(line, sizeof(line), op, msr, val, err);
	rec_narrate("%s", line);
	if (dropped)
		rec_narrate("(%u more MSR accesses in that counted region not shown)", dropped);
}

static void narrate_dr(unsigned dr, u64 val)
{
	char line[EXPLAIN_LINE_MAX];

	explain_dr(line, sizeof(line), dr, val);
	rec_narrate("%s", line);
}

static void narrate_poke(enum poke_step step, const u8 *addr, const u8 *before,
			 const u8 *after, size_t len)
{
	char line[EXPLAIN_LINE_MAX];

	if (before) {
		explain_poke_site(line, sizeof(line), addr, before, after, len);
		rec_narrate("%s", line);
	}
	if (step != POKE_STEP_EARLY) {
		explain_poke_step(line, sizeof(line), step, addr);
		rec_narrate("%s", line);
	}
}

void explain_enable(bool on)
{
	enabled = on;
	msr_narrate = on ? narrate_msr : NULL;
	text_poke_narrate = on ? narrate_poke : NULL;
	dr_narrate = on ? narrate_dr : NULL;
}

bool explain_enabled(void)
{
	return enabled;
}

void explain_set_symbolizer(explain_sym_fn fn)
{
	symbolize = fn;
}
