/* Explain mode (explain.c): every MSR the drivers touch decodes against the
 * SDM / APM bit layouts, with exact expected text (IA32_PERFEVTSELx: SDM
 * Vol3B Figure 20-6; IA32_FIXED_CTR_CTRL: Figure 20-2; GLOBAL_STATUS: Figure
 * 20-13; PERF_CAPABILITIES and DEBUGCTL: Vol4 Table 2-2; AMD PERF_CTL: APM
 * Vol2 Figure 13-7); the drivers' own traffic, run against the simulated PMU,
 * narrates as it happens; a held counted region narrates after it; and the
 * code-patch lines. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/explain/explain.h"
#include "tests/unit/models/pmu_sim.h"
#include "lib/record.h"
#include "tests/unit/unit.h"

#define LINES_MAX 64

static char lines[LINES_MAX][EXPLAIN_LINE_MAX + 8];
static unsigned nlines;

static void sink(const char *line, size_t len, void *ctx)
{
	if (nlines < LINES_MAX && len < sizeof(lines[0])) {
		memcpy(lines[nlines], line, len);
		lines[nlines][len] = '\0';
	}
	nlines++;
}

static const char *decode(enum msr_op op, u32 msr, u64 val, int err)
{
	static char buf[EXPLAIN_LINE_MAX];

	explain_msr(buf, sizeof(buf), op, msr, val, err);
	return buf;
}

#define W(msr, val, expect) CHECK_STR(decode(MSR_OP_WRITE, msr, val, 0), expect)
#define R(msr, val, expect) CHECK_STR(decode(MSR_OP_READ, msr, val, 0), expect)

static void test_intel_table(void)
{
	/* The selectors the Intel driver writes (pmu_selector | EN). */
	W(MSR_IA32_EVNTSEL0, 0x4300c0,
	  "wrmsr IA32_PERFEVTSEL0 (0x186) <- 0x004300c0  event=0xc0 umask=0x00 USR OS EN"
	  "  = instructions");
	W(MSR_IA32_EVNTSEL0 + 1, 0x53003c,
	  "wrmsr IA32_PERFEVTSEL1 (0x187) <- 0x0053003c  event=0x3c umask=0x00 USR OS INT EN"
	  "  = cycles");
	W(MSR_IA32_EVNTSEL0 + 2, 0x43412e,
	  "wrmsr IA32_PERFEVTSEL2 (0x188) <- 0x0043412e  event=0x2e umask=0x41 USR OS EN"
	  "  = cache-misses");
	W(MSR_IA32_EVNTSEL0 + 3, 0x4300c5 | ARCH_PERFMON_EVENTSEL_INV | (1u << 24),
	  "wrmsr IA32_PERFEVTSEL3 (0x189) <- 0x01c300c5  event=0xc5 umask=0x00 USR OS EN INV"
	  " cmask=0x01");
	W(MSR_IA32_EVNTSEL0 + 7, 0,
	  "wrmsr IA32_PERFEVTSEL7 (0x18d) <- 0x00000000  event=0x00 umask=0x00");
	W(MSR_IA32_EVNTSEL0, 0x4300c0 | ARCH_PERFMON_EVENTSEL_EDGE | ARCH_PERFMON_EVENTSEL_ANY |
	  ARCH_PERFMON_EVENTSEL_PIN_CONTROL | BIT_ULL(40),
	  "wrmsr IA32_PERFEVTSEL0 (0x186) <- 0x100006f00c0  event=0xc0 umask=0x00 USR OS EDGE PC"
	  " EN ANY reserved=0x10000000000");
	/* pmu.tsx-cycles' counter 2: cycles inside transactions that commit. */
	W(MSR_IA32_EVNTSEL0 + 2, 0x43003c | HSW_IN_TX | HSW_IN_TX_CHECKPOINTED,
	  "wrmsr IA32_PERFEVTSEL2 (0x188) <- 0x30043003c  event=0x3c umask=0x00 USR OS EN"
	  " IN_TX IN_TXCP  = cycles");
	/* Counters: a count, in decimal. */
	W(MSR_IA32_PERFCTR0, 0, "wrmsr IA32_PMC0 (0xc1) <- 0x00000000  count=0");
	R(MSR_IA32_PERFCTR0 + 1, 123456, "rdmsr IA32_PMC1 (0xc2) -> 0x0001e240  count=123456");
	W(MSR_IA32_PMC0 + 2, 0xffff00000000ull,
	  "wrmsr IA32_A_PMC2 (0x4c3) <- 0xffff00000000  count=281470681743360");
	W(MSR_CORE_PERF_FIXED_CTR0, 0, "wrmsr IA32_FIXED_CTR0 (0x309) <- 0x00000000  count=0");
	R(MSR_CORE_PERF_FIXED_CTR0 + 2, 99, "rdmsr IA32_FIXED_CTR2 (0x30b) -> 0x00000063  count=99");
	/* Fixed control: 4 bits a counter, OS bit 0, USR bit 1, PMI bit 3. */
	W(MSR_CORE_PERF_FIXED_CTR_CTRL, 0x333, "wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x00000333"
	  "  fixed0=OS|USR fixed1=OS|USR fixed2=OS|USR");
	W(MSR_CORE_PERF_FIXED_CTR_CTRL, 0xb0, "wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x000000b0"
	  "  fixed1=OS|USR|PMI");
	W(MSR_CORE_PERF_FIXED_CTR_CTRL, 0x4, "wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x00000004"
	  "  fixed0=0x4");
	W(MSR_CORE_PERF_FIXED_CTR_CTRL, 0, "wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x00000000"
	  "  all off");
	/* Global control, status, overflow clear: gp i is bit i, fixed j 32 + j. */
	W(MSR_CORE_PERF_GLOBAL_CTRL, 0x700000003ull, "wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- "
	  "0x700000003  gp0 gp1 fixed0 fixed1 fixed2");
	W(MSR_CORE_PERF_GLOBAL_CTRL, 0, "wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x00000000  none");
	R(MSR_CORE_PERF_GLOBAL_STATUS, 0xc000000100000001ull, "rdmsr IA32_PERF_GLOBAL_STATUS "
	  "(0x38e) -> 0xc000000100000001  gp0 fixed0 BUFFER_OVF COND_CHG");
	R(MSR_CORE_PERF_GLOBAL_STATUS, GLOBAL_STATUS_LBRS_FROZEN | GLOBAL_STATUS_TRACE_TOPAPMI,
	  "rdmsr IA32_PERF_GLOBAL_STATUS (0x38e) -> 0x480000000000000  TRACE_TOPAPMI LBRS_FROZEN");
	W(MSR_CORE_PERF_GLOBAL_OVF_CTRL, 0x100000002ull, "wrmsr IA32_PERF_GLOBAL_OVF_CTRL "
	  "(0x390) <- 0x100000002  gp1 fixed0");
	/* OFFCORE_RESPONSE: request [15:0], response [37:16] (SDM Vol3B 20.3.4.5). */
	W(MSR_OFFCORE_RSP_0, 0x3fb8400001ull, "wrmsr MSR_OFFCORE_RSP_0 (0x1a6) <- 0x3fb8400001"
	  "  request=0x0001 response=0x3fb840");
	W(MSR_OFFCORE_RSP_1, 0x10081, "wrmsr MSR_OFFCORE_RSP_1 (0x1a7) <- 0x00010081"
	  "  request=0x0081 response=0x000001");
	R(MSR_IA32_PERF_CAPABILITIES, 0x33c5, "rdmsr IA32_PERF_CAPABILITIES (0x345) -> "
	  "0x000033c5  lbr_fmt=0x05 PEBS_TRAP ARCH_REG pebs_fmt=0x3 SMM_FREEZE FW_WRITE");
	R(MSR_IA32_PERF_CAPABILITIES, 0xc03f, "rdmsr IA32_PERF_CAPABILITIES (0x345) -> "
	  "0x0000c03f  lbr_fmt=0x3f pebs_fmt=0x0 PEBS_BASELINE PERF_METRICS");
	W(MSR_IA32_DEBUGCTLMSR, 0x1801, "wrmsr IA32_DEBUGCTL (0x1d9) <- 0x00001801  LBR "
	  "FREEZE_LBRS_ON_PMI FREEZE_PERFMON_ON_PMI");
	W(MSR_IA32_DEBUGCTLMSR, 0x2, "wrmsr IA32_DEBUGCTL (0x1d9) <- 0x00000002  BTF");
	R(MSR_IA32_DEBUGCTLMSR, 0, "rdmsr IA32_DEBUGCTL (0x1d9) -> 0x00000000  none");
	R(MSR_IA32_APICBASE, 0xfee00d00, "rdmsr IA32_APIC_BASE (0x1b) -> 0xfee00d00  BSP EXTD EN "
	  "base=0xfee00000");
	/* LBR (SDM Vol3B 19.9.1, 19.1.2.1, 19.12.1): a set LBR_SELECT bit filters out. */
	W(MSR_LBR_SELECT, 0x3c5, "wrmsr MSR_LBR_SELECT (0x1c8) <- 0x000003c5  CPL_EQ_0 JCC "
	  "NEAR_IND_JMP NEAR_REL_JMP FAR_BRANCH EN_CALLSTACK");
	W(MSR_ARCH_LBR_CTL, 0x7f0007, "wrmsr IA32_LBR_CTL (0x14ce) <- 0x007f0007  LBREn OS USR "
	  "JCC NEAR_REL_JMP NEAR_IND_JMP NEAR_REL_CALL NEAR_IND_CALL NEAR_RET OTHER_BRANCH");
	W(MSR_ARCH_LBR_DEPTH, 32, "wrmsr IA32_LBR_DEPTH (0x14cf) <- 0x00000020");
	R(MSR_LBR_INFO_0 + 3, 0x9000000000000012ull, "rdmsr MSR_LBR_INFO_3 (0xdc3) -> "
	  "0x9000000000000012  MISPRED CYC_CNT_VALID cycles=0x0012");
	R(MSR_ARCH_LBR_INFO_0, 0x1300000000000001ull, "rdmsr IA32_LBR_0_INFO (0x1200) -> "
	  "0x1300000000000001  CYC_CNT_VALID br_type=0x3 cycles=0x0001");
	R(MSR_LBR_NHM_FROM + 31, 5, "rdmsr MSR_LASTBRANCH_31_FROM_IP (0x69f) -> 0x00000005");
	R(MSR_ARCH_LBR_FROM_0 + 3, 5, "rdmsr IA32_LBR_3_FROM_IP (0x1503) -> 0x00000005");
	R(0x1234, 5, "rdmsr MSR (0x1234) -> 0x00000005");
}

static void test_amd_table(void)
{
	W(MSR_K7_EVNTSEL0, 0x5300c0, "wrmsr PerfEvtSel0 (0xc0010000) <- 0x005300c0  event=0xc0 "
	  "umask=0x00 USR OS INT EN  = instructions");
	W(MSR_K7_EVNTSEL0 + 3, 0x100430120ull, "wrmsr PerfEvtSel3 (0xc0010003) <- 0x100430120  "
	  "event=0x20 umask=0x01 USR OS EN event_hi=0x1  = ref-cycles");
	W(MSR_K7_EVNTSEL0, AMD64_EVENTSEL_HOSTONLY | 0x4300c2, "wrmsr PerfEvtSel0 (0xc0010000) <- "
	  "0x200004300c2  event=0xc2 umask=0x00 USR OS EN HOSTONLY  = branches");
	W(MSR_K7_PERFCTR0, 0x5a5a5a5a5aull, "wrmsr PerfCtr0 (0xc0010004) <- 0x5a5a5a5a5a  "
	  "count=388062927450");
	W(MSR_F15H_PERF_CTL + 2, 0x430076, "wrmsr PERF_CTL1 (0xc0010202) <- 0x00430076  "
	  "event=0x76 umask=0x00 USR OS EN  = cycles");
	W(MSR_F15H_PERF_CTR + 10, 7, "wrmsr PERF_CTR5 (0xc001020b) <- 0x00000007  count=7");
	W(MSR_AMD64_PERF_CNTR_GLOBAL_CTL, 0x3f, "wrmsr PerfCntrGlobalCtl (0xc0000301) <- "
	  "0x0000003f  gp0 gp1 gp2 gp3 gp4 gp5");
	R(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS, 1, "rdmsr PerfCntrGlobalStatus (0xc0000300) -> "
	  "0x00000001  gp0");
	W(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS_CLR, 2, "wrmsr PerfCntrGlobalStatusClr (0xc0000302) "
	  "<- 0x00000002  gp1");
	R(MSR_AMD_SAMP_BR_FROM + 2, 0x8000000000401000ull, "rdmsr BR_FROM1 (0xc0010302) -> "
	  "0x8000000000401000  ip=0x401000 MISPRED");
	R(MSR_AMD_SAMP_BR_FROM + 1, 0x8000000000402000ull, "rdmsr BR_TO0 (0xc0010301) -> "
	  "0x8000000000402000  ip=0x402000 VALID");
	W(MSR_AMD64_LBR_SELECT, 0x3, "wrmsr LBR_SELECT (0xc000010e) <- 0x00000003  CPL_EQ_0 "
	  "CPL_NEQ_0");
	W(MSR_AMD_DBG_EXTN_CFG, DBG_EXTN_CFG_LBRV2EN, "wrmsr DBG_EXTN_CFG (0xc000010f) <- "
	  "0x00000040  LBRV2EN");
	R(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS, GLOBAL_STATUS_LBRS_FROZEN | 4, "rdmsr "
	  "PerfCntrGlobalStatus (0xc0000300) -> 0x400000000000004  gp2 LBRS_FROZEN");
}

static void test_faults(void)
{
	CHECK_STR(decode(MSR_OP_WRITE, MSR_IA32_EVNTSEL0, 0x4300c0, HW_ERR_FAULT | GP_VECTOR),
		  "wrmsr IA32_PERFEVTSEL0 (0x186) <- 0x004300c0  #GP: nothing written");
	CHECK_STR(decode(MSR_OP_READ, MSR_IA32_PERF_CAPABILITIES, 0, HW_ERR_FAULT | GP_VECTOR),
		  "rdmsr IA32_PERF_CAPABILITIES (0x345)  #GP: nothing read");
}

/* Each field name the table uses appears once in a register's decode: the
 * masks of a register's fields do not overlap. */
static void test_no_overlap(void)
{
	char buf[EXPLAIN_LINE_MAX];

	/* All ones: every field shows, reserved bits show as reserved. */
	explain_msr_fields(buf, sizeof(buf), MSR_IA32_EVNTSEL0, ~0ull);
	CHECK_STR(buf, "event=0xff umask=0xff USR OS EDGE PC INT EN INV cmask=0xff ANY "
		  "IN_TX IN_TXCP reserved=0xfffffffc00000000");
	explain_msr_fields(buf, sizeof(buf), MSR_K7_EVNTSEL0, ~0ull);
	CHECK_STR(buf, "event=0xff umask=0xff USR OS EDGE PC INT EN INV cmask=0xff "
		  "event_hi=0xf GUESTONLY HOSTONLY reserved=0xfffffcf000200000");
}

static struct cpu_info ci;
static struct pmu_caps pc;

static void install(const struct pmu_sim_spec *spec)
{
	unsigned restored;

	explain_enable(false);
	pmu_sim_install(spec);
	cpu_probe(&ci);
	pmu_probe(&ci, &pc);
	msr_restore_all(&restored);
}

#define EXPECT(i, s) CHECK_STR(lines[i], "# " s)

/* The Intel v4 driver's traffic for one instructions counter on gp0 and the
 * fixed counter 0, narrated as it happens. */
static void test_intel_driver(void)
{
	const struct pmu_ops *ops;
	unsigned restored;
	u64 v;

	install(&pmu_sim_intel_v4);
	ops = pmu_ops(&pc);
	CHECK(ops == &pmu_intel_ops);
	nlines = 0;
	explain_enable(true);
	CHECK_U64(ops->program(&pc, 0, 0x00c0, PMC_OS | PMC_USR), 0);
	CHECK_U64(ops->program(&pc, PMC_FIXED, 0, PMC_OS | PMC_USR | PMC_INT), 0);
	CHECK_U64(ops->start(&pc, BIT_ULL(0) | BIT_ULL(PMC_FIXED)), 0);
	CHECK_U64(ops->stop(&pc, 0), 0);
	CHECK_U64(ops->read(&pc, 0, &v), 0);
	CHECK_U64(ops->ovf_clear(&pc, 1), 0);
	/* The model has no OFFCORE_RSP: the refused write says so. */
	CHECK_U64(ops->set_extra(&pc, 0, 0x3fb8400001ull), HW_ERR_FAULT | GP_VECTOR);
	CHECK_U64(ops->release(&pc, 0), 0);
	explain_enable(false);
	CHECK_U64(nlines, 14);
	EXPECT(0, "wrmsr IA32_PERFEVTSEL0 (0x186) <- 0x00000000  event=0x00 umask=0x00");
	EXPECT(1, "wrmsr IA32_PMC0 (0xc1) <- 0x00000000  count=0");
	EXPECT(2, "wrmsr IA32_PERFEVTSEL0 (0x186) <- 0x004300c0  event=0xc0 umask=0x00 USR OS EN"
	       "  = instructions");
	EXPECT(3, "rdmsr IA32_FIXED_CTR_CTRL (0x38d) -> 0x00000000  all off");
	EXPECT(4, "wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x00000000  all off");
	EXPECT(5, "wrmsr IA32_FIXED_CTR0 (0x309) <- 0x00000000  count=0");
	EXPECT(6, "rdmsr IA32_FIXED_CTR_CTRL (0x38d) -> 0x00000000  all off");
	EXPECT(7, "wrmsr IA32_FIXED_CTR_CTRL (0x38d) <- 0x0000000b  fixed0=OS|USR|PMI");
	EXPECT(8, "wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x100000001  gp0 fixed0");
	EXPECT(9, "wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x00000000  none");
	EXPECT(10, "rdmsr IA32_PMC0 (0xc1) -> 0x00000000  count=0");
	EXPECT(11, "wrmsr IA32_PERF_GLOBAL_OVF_CTRL (0x390) <- 0x00000001  gp0");
	EXPECT(12, "wrmsr MSR_OFFCORE_RSP_0 (0x1a6) <- 0x3fb8400001  #GP: nothing written");
	EXPECT(13, "wrmsr IA32_PERFEVTSEL0 (0x186) <- 0x00000000  event=0x00 umask=0x00");
	msr_restore_all(&restored);
}

/* AMD PerfMonV2: PERF_CTLn at 0xc0010200 + 2n, and the global control. */
static void test_amd_driver(void)
{
	const struct pmu_ops *ops;
	unsigned restored;

	install(&pmu_sim_amd_v2);
	ops = pmu_ops(&pc);
	CHECK(ops == &pmu_amd_ops);
	nlines = 0;
	explain_enable(true);
	CHECK_U64(ops->program(&pc, 1, 0x0076, PMC_OS | PMC_USR), 0);
	CHECK_U64(ops->start(&pc, BIT_ULL(1)), 0);
	CHECK_U64(ops->ovf_clear(&pc, 2), 0);
	explain_enable(false);
	CHECK_U64(nlines, 5);
	EXPECT(0, "wrmsr PERF_CTL1 (0xc0010202) <- 0x00000000  event=0x00 umask=0x00");
	EXPECT(1, "wrmsr PERF_CTR1 (0xc0010203) <- 0x00000000  count=0");
	EXPECT(2, "wrmsr PERF_CTL1 (0xc0010202) <- 0x00430076  event=0x76 umask=0x00 USR OS EN"
	       "  = cycles");
	EXPECT(3, "wrmsr PerfCntrGlobalCtl (0xc0000301) <- 0x00000002  gp1");
	EXPECT(4, "wrmsr PerfCntrGlobalStatusClr (0xc0000302) <- 0x00000002  gp1");
	msr_restore_all(&restored);
}

/* The probe's reads: IA32_PERF_CAPABILITIES on Intel, the PERF_CTR0 write
 * and read-back on AMD. */
static void test_probe_reads(void)
{
	install(&pmu_sim_intel_v5);
	nlines = 0;
	explain_enable(true);
	pmu_probe(&ci, &pc);
	explain_enable(false);
	CHECK_U64(nlines, 1);
	CHECK(!strncmp(lines[0], "# rdmsr IA32_PERF_CAPABILITIES (0x345) -> 0x", 44));
}

/* Held: nothing is narrated until the release, then all of it in order. */
static void test_hold(void)
{
	const struct pmu_ops *ops;
	unsigned restored;

	install(&pmu_sim_intel_v2);
	ops = pmu_ops(&pc);
	nlines = 0;
	explain_enable(true);
	msr_narrate_hold(true);
	CHECK_U64(ops->start(&pc, 1), 0);
	CHECK_U64(ops->stop(&pc, 1), 0);
	CHECK_U64(nlines, 0);
	msr_narrate_hold(false);
	CHECK_U64(nlines, 2);
	EXPECT(0, "wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x00000001  gp0");
	EXPECT(1, "wrmsr IA32_PERF_GLOBAL_CTRL (0x38f) <- 0x00000000  none");
	/* More than the hold keeps: the excess is counted, not invented. */
	nlines = 0;
	msr_narrate_hold(true);
	for (unsigned i = 0; i < 20; i++)
		CHECK_U64(ops->stop(&pc, 1), 0);
	msr_narrate_hold(false);
	CHECK_U64(nlines, 17);
	EXPECT(16, "(4 more MSR accesses in that counted region not shown)");
	/* Holds nest: the inner release tells nothing, the outer all. */
	nlines = 0;
	msr_narrate_hold(true);
	msr_narrate_hold(true);
	CHECK_U64(ops->stop(&pc, 1), 0);
	msr_narrate_hold(false);
	CHECK_U64(nlines, 0);
	msr_narrate_hold(false);
	CHECK_U64(nlines, 1);
	msr_narrate_hold(false);	/* one release too many: nothing happens */
	CHECK_U64(ops->stop(&pc, 1), 0);
	CHECK_U64(nlines, 2);
	explain_enable(false);
	/* Off: nothing at all. */
	nlines = 0;
	CHECK_U64(ops->stop(&pc, 1), 0);
	CHECK_U64(nlines, 0);
	msr_restore_all(&restored);
}

static void fake_sym(u64 addr, char *buf, size_t size)
{
	snprintf(buf, size, "fn+0x%llx", (unsigned long long)(addr & 0xff));
}

static void test_poke(void)
{
	/* A site at offset 0x10 of a buffer whose CALL reaches offset 0x40. */
	static u8 code[64] __attribute__((aligned(256)));
	static const u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	static const u8 call[] = { 0xe8, 0x2b, 0x00, 0x00, 0x00 };
	char buf[EXPLAIN_LINE_MAX], kind[64];

	explain_set_symbolizer(fake_sym);
	memcpy(code + 0x10, nop5, 5);
	explain_poke_site(buf, sizeof(buf), code + 0x10, nop5, call, 5);
	CHECK_STR(buf, "site fn+0x10: 0f 1f 44 00 00 -> e8 2b 00 00 00 (5-byte nop -> call fn+0x40)");
	explain_poke_site(buf, sizeof(buf), code + 0x10, call, nop5, 5);
	CHECK_STR(buf, "site fn+0x10: e8 2b 00 00 00 -> 0f 1f 44 00 00 (call fn+0x40 -> 5-byte nop)");
	explain_poke_site(buf, sizeof(buf), code + 0x10, (const u8 *)"\x90\x90\x90\x90\x90",
			  nop5, 5);
	CHECK_STR(buf, "site fn+0x10: 90 90 90 90 90 -> 0f 1f 44 00 00 (5 one-byte nops -> "
		  "5-byte nop)");
	code[0x10] = 0xcc;
	explain_poke_step(buf, sizeof(buf), POKE_STEP_INT3, code + 0x10);
	CHECK_STR(buf, "  step 1/3: int3 on byte 0, sync: cc 1f 44 00 00");
	CHECK_STR(explain_insn_kind(code + 0x10, code + 0x10, kind, sizeof(kind)), "int3");
	memcpy(code + 0x11, call + 1, 4);
	explain_poke_step(buf, sizeof(buf), POKE_STEP_BODY, code + 0x10);
	CHECK_STR(buf, "  step 2/3: bytes 1-4, sync: cc 2b 00 00 00");
	code[0x10] = 0xe8;
	explain_poke_step(buf, sizeof(buf), POKE_STEP_FIRST, code + 0x10);
	CHECK_STR(buf, "  step 3/3: byte 0, sync: e8 2b 00 00 00");
	/* A jump-optimized probe's JMP rel32, and the INT3 it replaces. */
	explain_poke_site(buf, sizeof(buf), code + 0x10, (const u8 *)"\xcc\x8d\x44\x7f\x01",
			  (const u8 *)"\xe9\x2b\x00\x00\x00", 5);
	CHECK_STR(buf, "site fn+0x10: cc 8d 44 7f 01 -> e9 2b 00 00 00 (int3 -> jmp fn+0x40)");
	explain_set_symbolizer(NULL);
}

static const char *dr(unsigned n, u64 val)
{
	static char buf[EXPLAIN_LINE_MAX];

	explain_dr(buf, sizeof(buf), n, val);
	return buf;
}

/* DR7: SDM Vol3B Figure 18-1 (L/G at 2n, 2n+1; R/W at 16+4n, LEN at 18+4n;
 * LEN 10b = 8 bytes, 11b = 4); DR6: 18.2.3. The values are the ones
 * debugreg.c writes (dr7_set) and the CPU reports. */
static void test_dr(void)
{
	char buf[EXPLAIN_LINE_MAX];

	/* An execute breakpoint on DR0, then write watches of 8 and 2 bytes
	 * on DR1 and DR3, then a read/write watch of 4 on DR2. */
	CHECK_STR(dr(7, dr7_set(DR7_FIXED_1, 0, DR_RW_EXECUTE, 1)),
		  "mov DR7 <- 0x00000501  L0 RW0=exec LEN0=1 LE");
	CHECK_U64(dr7_set(DR7_FIXED_1, 0, DR_RW_EXECUTE, 1), 0x501);
	CHECK_STR(dr(7, dr7_set(DR7_FIXED_1, 1, DR_RW_WRITE, 8)),
		  "mov DR7 <- 0x00900504  L1 RW1=write LEN1=8 LE");
	CHECK_STR(dr(7, dr7_set(DR7_FIXED_1, 3, DR_RW_WRITE, 2)),
		  "mov DR7 <- 0x50000540  L3 RW3=write LEN3=2 LE");
	CHECK_STR(dr(7, dr7_set(DR7_FIXED_1, 2, DR_RW_READ_WRITE, 4)),
		  "mov DR7 <- 0x0f000510  L2 RW2=rw LEN2=4 LE");
	/* Global enables, GE, GD; a breakpoint cleared; fields left set on a
	 * disabled breakpoint still show; bits above 31 are reserved. */
	CHECK_STR(dr(7, DR7_G(1) | DR7_GE | DR7_GD | DR7_FIXED_1),
		  "mov DR7 <- 0x00002608  G1 RW1=exec LEN1=1 GE GD");
	CHECK_STR(dr(7, dr7_clear(dr7_set(DR7_FIXED_1, 0, DR_RW_WRITE, 4), 0)),
		  "mov DR7 <- 0x00000500  LE");
	CHECK_STR(dr(7, DR7_FIXED_1), "mov DR7 <- 0x00000400  none");
	CHECK_STR(dr(7, DR7_FIXED_1 | 1ull << DR7_RW_SHIFT(2)),
		  "mov DR7 <- 0x01000400  RW2=write");
	CHECK_STR(dr(7, DR7_FIXED_1 | BIT_ULL(40)),
		  "mov DR7 <- 0x10000000400  reserved=0x10000000000");
	/* DR6: idle, one breakpoint, a single step, several at once. */
	CHECK_STR(dr(6, DR6_INIT), "mov DR6 <- 0xffff0ff0  none");
	CHECK_STR(dr(6, DR6_INIT | DR6_B(0)), "mov DR6 <- 0xffff0ff1  B0");
	CHECK_STR(dr(6, DR6_INIT | DR6_BS), "mov DR6 <- 0xffff4ff0  BS");
	CHECK_STR(dr(6, DR6_INIT | DR6_B(1) | DR6_B(3) | DR6_BS | DR6_BD | DR6_BT),
		  "mov DR6 <- 0xffffeffa  B1 B3 BD BS BT");
	/* RTM clear (inside a transaction) is a condition only as not-1. */
	CHECK_STR(dr(6, (DR6_INIT & ~DR6_RTM) | DR6_B(2)),
		  "mov DR6 <- 0xfffe0ff4  B2");
	explain_dr_fields(buf, sizeof(buf), 6, DR6_INIT | DR6_BS);
	CHECK_STR(buf, "BS");
	/* DR0-DR3: an address, named when it is in a function. */
	explain_set_symbolizer(fake_sym);
	CHECK_STR(dr(0, 0x1234), "mov DR0 <- 0x00001234  = fn+0x34");
	CHECK_STR(dr(3, 0), "mov DR3 <- 0x00000000");
	explain_set_symbolizer(NULL);
	CHECK_STR(dr(1, 0x1234), "mov DR1 <- 0x00001234");
	/* Not a debug register pmulab writes. */
	CHECK_U64(explain_dr_fields(buf, sizeof(buf), 4, 0), 0);
}

/* Local APIC registers (SDM Vol3A Figures 11-8, 11-10; Table 12-2): as
 * x2APIC MSRs, and as xAPIC MMIO writes named the same way. */
static void test_apic(void)
{
	static char buf[EXPLAIN_LINE_MAX];

	W(APIC_X2APIC_MSR(APIC_LVTPC), APIC_PMI_VECTOR,
	  "wrmsr APIC_LVTPC (0x834) <- 0x000000ee  vector=0xee");
	W(APIC_X2APIC_MSR(APIC_LVTPC), APIC_PMI_VECTOR | APIC_LVT_MASKED,
	  "wrmsr APIC_LVTPC (0x834) <- 0x000100ee  vector=0xee MASKED");
	W(APIC_X2APIC_MSR(APIC_LVT1), APIC_DM_NMI,
	  "wrmsr APIC_LVT1 (0x836) <- 0x00000400  vector=0x00 dm=0x4");
	W(APIC_X2APIC_MSR(APIC_SPIV), APIC_SPURIOUS_VECTOR | APIC_SPIV_APIC_ENABLED,
	  "wrmsr APIC_SPIV (0x80f) <- 0x000001ff  vector=0xff APIC_ENABLED");
	W(APIC_X2APIC_MSR(APIC_TASKPRI), APIC_TPR_OWNED,
	  "wrmsr APIC_TASKPRI (0x808) <- 0x000000d0  class=0xd");
	W(APIC_X2APIC_MSR(APIC_TMICT), 50000,
	  "wrmsr APIC_TMICT (0x838) <- 0x0000c350  count=50000");
	W(APIC_X2APIC_MSR(APIC_EOI), 0, "wrmsr APIC_EOI (0x80b) <- 0x00000000");
	explain_msr(buf, sizeof(buf), MSR_OP_XAPIC_WRITE, APIC_X2APIC_MSR(APIC_LVTT),
		    APIC_TIMER_VECTOR | APIC_LVT_TIMER_PERIODIC, 0);
	CHECK_STR(buf, "xapic APIC_LVTT (+0x320) <- 0x000200ec  vector=0xec PERIODIC");
	explain_msr(buf, sizeof(buf), MSR_OP_XAPIC_WRITE, APIC_X2APIC_MSR(APIC_TDCR),
		    APIC_TDR_DIV_1, 0);
	CHECK_STR(buf, "xapic APIC_TDCR (+0x3e0) <- 0x0000000b");
	/* Held like an MSR access. */
	nlines = 0;
	explain_enable(true);
	msr_narrate_hold(true);
	msr_narrate_other(MSR_OP_XAPIC_WRITE, APIC_X2APIC_MSR(APIC_EOI), 0);
	CHECK_U64(nlines, 0);
	msr_narrate_hold(false);
	explain_enable(false);
	CHECK_U64(nlines, 1);
	EXPECT(0, "xapic APIC_EOI (+0xb0) <- 0x00000000");
}

/* The hook: dr_install/uninstall narrate every MOV to a debug register. */
static void test_dr_narrated(void)
{
	struct hw_breakpoint bp = { .addr = 0x5000, .type = DR_RW_WRITE, .len = 8 };
	const char *why;

	sim_dr(7, DR7_FIXED_1);
	nlines = 0;
	explain_enable(true);
	CHECK_U64(dr_install(&bp, &why), 0);
	dr_uninstall(&bp);
	explain_enable(false);
	CHECK_U64(dr_install(&bp, &why), 0);	/* off: nothing */
	dr_uninstall(&bp);
	CHECK_U64(nlines, 4);
	EXPECT(0, "mov DR0 <- 0x00005000");
	EXPECT(1, "mov DR7 <- 0x00090501  L0 RW0=write LEN0=8 LE");
	EXPECT(2, "mov DR7 <- 0x00000500  LE");
	EXPECT(3, "mov DR0 <- 0x00000000");
}

/* A kprobe's writes: the INT3 on a first byte and back, and a slot. */
static void test_poke_probe(void)
{
	static u8 code[32] __attribute__((aligned(256)));
	static const u8 int3 = 0xcc, nop = 0x0f;
	char buf[EXPLAIN_LINE_MAX];
	u8 slot[16];

	explain_set_symbolizer(fake_sym);
	explain_poke_site(buf, sizeof(buf), code + 4, &nop, &int3, 1);
	CHECK_STR(buf, "site fn+0x4: 0f -> cc (first byte -> int3)");
	explain_poke_site(buf, sizeof(buf), code + 4, &int3, &nop, 1);
	CHECK_STR(buf, "site fn+0x4: cc -> 0f (int3 -> first byte back)");
	memset(slot, 0xcc, sizeof(slot));
	memcpy(code, (const u8 *)"\x0f\x1f\x44\x00\x00", 5);
	memset(code + 5, 0xcc, 11);
	explain_poke_site(buf, sizeof(buf), code, slot, code, 16);
	CHECK_STR(buf, "site fn+0x0: cc cc cc cc cc cc cc cc cc cc cc cc cc cc cc cc -> "
		  "0f 1f 44 00 00 cc cc cc cc cc cc cc cc cc cc cc");
	/* The hook explain mode gives text_poke() (which needs ring 0). */
	nlines = 0;
	explain_enable(true);
	text_poke_narrate(POKE_STEP_EARLY, code + 4, &nop, &int3, 1);
	explain_enable(false);
	CHECK_U64(nlines, 1);
	EXPECT(0, "site fn+0x4: 0f -> cc (first byte -> int3)");
	explain_set_symbolizer(NULL);
}

int main(void)
{
	rec_set_sink(sink, NULL);
	test_intel_table();
	test_amd_table();
	test_faults();
	test_no_overlap();
	test_intel_driver();
	test_amd_driver();
	test_probe_reads();
	test_dr();
	test_apic();
	test_dr_narrated();
	test_poke_probe();
	test_hold();
	test_poke();
	return unit_done("explain");
}
