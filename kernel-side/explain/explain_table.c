/* Explain mode's decode table (explain_table.h). Every row names an MSR as
 * the SDM (Vol4 Table 2-2, Vol3B chapter 20) or the APM (Vol2 13.2) does;
 * every field's mask is the constant the drivers use. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/explain/explain.h"
#include "kernel-side/explain/explain_table.h"
#include "lib/fmt.h"

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
	{ "IN_TX", HSW_IN_TX, FLD_FLAG },
	{ "IN_TXCP", HSW_IN_TX_CHECKPOINTED, FLD_FLAG },
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

const struct msr_desc *explain_msr_desc(u32 msr, unsigned *index)
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
	const struct msr_desc *d = explain_msr_desc(msr, &idx);

	if (!d)
		return NULL;
	fmt_snprintf(buf, size, d->name, idx);
	return buf;
}

const struct dr_desc *explain_dr_desc(unsigned n)
{
	for (size_t i = 0; i < ARRAY_SIZE(dr_table); i++)
		if (dr_table[i].n == n)
			return &dr_table[i];
	return NULL;
}
