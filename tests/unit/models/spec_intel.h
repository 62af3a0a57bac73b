/* Intel performance-monitoring and last-branch-record registers as the SDM
 * defines them: the hardware models' own numbers, independent of the drivers'
 * (tests/unit/kernel/test_spec.c compares the two). */
#ifndef PMULAB_SPEC_INTEL_H
#define PMULAB_SPEC_INTEL_H

#include "lib/types.h"

/* Architectural performance monitoring, version 1: SDM Vol4 Table 2-2
 * (IA32_PMCx, IA32_PERFEVTSELx); SDM Vol3B 20.2.1.1 "Architectural
 * Performance Monitoring Version 1 Facilities", Figure "Layout of
 * IA32_PERFEVTSELx MSRs". */
#define SPEC_MSR_IA32_PMC0			0x0c1	/* IA32_PMCx = 0xc1 + x */
#define SPEC_MSR_IA32_PERFEVTSEL0		0x186	/* IA32_PERFEVTSELx = 0x186 + x */
#define SPEC_ARCH_PERFMON_EVENTSEL_EVENT	0x000000ffull	/* [7:0] event select */
#define SPEC_ARCH_PERFMON_EVENTSEL_UMASK	0x0000ff00ull	/* [15:8] unit mask */
#define SPEC_ARCH_PERFMON_EVENTSEL_USR		BIT_ULL(16)
#define SPEC_ARCH_PERFMON_EVENTSEL_OS		BIT_ULL(17)
#define SPEC_ARCH_PERFMON_EVENTSEL_EDGE		BIT_ULL(18)
#define SPEC_ARCH_PERFMON_EVENTSEL_PC		BIT_ULL(19)	/* pin control */
#define SPEC_ARCH_PERFMON_EVENTSEL_INT		BIT_ULL(20)	/* APIC interrupt on overflow */
#define SPEC_ARCH_PERFMON_EVENTSEL_ANY		BIT_ULL(21)	/* AnyThread (version 3) */
#define SPEC_ARCH_PERFMON_EVENTSEL_EN		BIT_ULL(22)
#define SPEC_ARCH_PERFMON_EVENTSEL_INV		BIT_ULL(23)
#define SPEC_ARCH_PERFMON_EVENTSEL_CMASK	0xff000000ull	/* [31:24] counter mask */
#define SPEC_ARCH_PERFMON_EVENTSEL_CMASK_SHIFT	24
/* The defined bits of IA32_PERFEVTSELx: [31:0] (the same Figure). */
#define SPEC_ARCH_PERFMON_EVENTSEL_VALID	0xffffffffull
/* With RTM or HLE, two more (SDM Vol3B 20.3.6.5, "Performance Monitoring
 * and Intel TSX"): IN_TX counts only inside transactional regions; IN_TXCP
 * leaves out what aborted ones counted (defined in IA32_PERFEVTSEL2). */
#define SPEC_ARCH_PERFMON_EVENTSEL_IN_TX	BIT_ULL(32)
#define SPEC_ARCH_PERFMON_EVENTSEL_IN_TXCP	BIT_ULL(33)

/* IA32_PERF_CAPABILITIES: SDM Vol4 Table 2-2 (0x345, exists when
 * CPUID.1:ECX.PDCM), whose Table entry lists its fields. */
#define SPEC_MSR_IA32_PERF_CAPABILITIES		0x345
#define SPEC_PERF_CAP_LBR_FMT			0x3full		/* [5:0] LBR format */
#define SPEC_PERF_CAP_PEBS_TRAP			BIT_ULL(6)
#define SPEC_PERF_CAP_PEBS_SAVE_ARCH_REGS	BIT_ULL(7)
#define SPEC_PERF_CAP_PEBS_RECORD_FORMAT_SHIFT	8		/* [11:8] */
#define SPEC_PERF_CAP_PEBS_RECORD_FORMAT	0xf00ull
#define SPEC_PERF_CAP_FREEZE_WHILE_SMM		BIT_ULL(12)
#define SPEC_PERF_CAP_FW_WRITE			BIT_ULL(13)	/* IA32_A_PMCx exist */
#define SPEC_PERF_CAP_PEBS_BASELINE		BIT_ULL(14)
#define SPEC_PERF_CAP_PERF_METRICS		BIT_ULL(15)
/* Full-width counter writes: SDM Vol3B 20.2.6 "Full-Width Writes to
 * Performance Counter Registers"; SDM Vol4 Table 2-2 (IA32_A_PMCx). */
#define SPEC_MSR_IA32_A_PMC0			0x4c1	/* IA32_A_PMCx = 0x4c1 + x */

/* Version 2: SDM Vol3B 20.2.2 "Architectural Performance Monitoring Version
 * 2" (fixed counters, IA32_FIXED_CTR_CTRL, the global MSRs); SDM Vol4 Table
 * 2-2 for the numbers. */
#define SPEC_MSR_IA32_FIXED_CTR0		0x309	/* IA32_FIXED_CTRx = 0x309 + x */
#define SPEC_MSR_IA32_FIXED_CTR_CTRL		0x38d
#define SPEC_FIXED_CTR_CTRL_OS			BIT_ULL(0)	/* field x at 4x: count at CPL 0 */
#define SPEC_FIXED_CTR_CTRL_USR			BIT_ULL(1)	/* CPL > 0 */
#define SPEC_FIXED_CTR_CTRL_ANY			BIT_ULL(2)	/* AnyThread (version 3) */
#define SPEC_FIXED_CTR_CTRL_PMI			BIT_ULL(3)
#define SPEC_FIXED_CTR_CTRL_FIELD		0xfull		/* the 4 bits of one counter */
#define SPEC_FIXED_CTR_CTRL_STRIDE		4
#define SPEC_MSR_IA32_PERF_GLOBAL_STATUS	0x38e
#define SPEC_MSR_IA32_PERF_GLOBAL_CTRL		0x38f
#define SPEC_MSR_IA32_PERF_GLOBAL_OVF_CTRL	0x390	/* IA32_PERF_GLOBAL_STATUS_RESET (v4) */
/* In GLOBAL_CTRL/STATUS/OVF_CTRL, PMC i is bit i and fixed counter j bit 32 + j. */
#define SPEC_PERF_GLOBAL_FIXED_SHIFT		32
/* IA32_PERF_GLOBAL_STATUS's other bits: SDM Vol3B 20.2.4 "Architectural
 * Performance Monitoring Version 4" (Figure "IA32_PERF_GLOBAL_STATUS MSR and
 * Architectural Perfmon Version 4"). */
#define SPEC_PERF_GLOBAL_STATUS_TRACE_TOPA_PMI	BIT_ULL(55)
#define SPEC_PERF_GLOBAL_STATUS_LBR_FRZ		BIT_ULL(58)
#define SPEC_PERF_GLOBAL_STATUS_CTR_FRZ		BIT_ULL(59)
#define SPEC_PERF_GLOBAL_STATUS_ASCI		BIT_ULL(60)
#define SPEC_PERF_GLOBAL_STATUS_UNC_OVF		BIT_ULL(61)	/* uncore overflow */
#define SPEC_PERF_GLOBAL_STATUS_OVF_BUF		BIT_ULL(62)	/* DS buffer (PEBS/BTS) */
#define SPEC_PERF_GLOBAL_STATUS_COND_CHGD	BIT_ULL(63)

/* RDPMC: ECX[30] selects the fixed counters (SDM Vol2B RDPMC). */
#define SPEC_RDPMC_FIXED			BIT(30)

/* Off-core response: SDM Vol3B ch.20 "Off-core Response Performance
 * Monitoring" (Nehalem and its successors); SDM Vol4 model tables
 * (MSR_OFFCORE_RSP_0/1). Request types [15:0], response/supplier [37:16]. */
#define SPEC_MSR_OFFCORE_RSP_0			0x1a6
#define SPEC_MSR_OFFCORE_RSP_1			0x1a7
#define SPEC_OFFCORE_RSP_REQUEST		0x000000000000ffffull
#define SPEC_OFFCORE_RSP_RESPONSE		0x0000003fffff0000ull

/* IA32_DEBUGCTL: SDM Vol4 Table 2-2 (0x1d9); SDM Vol3B 18.4.1 "IA32_DEBUGCTL
 * MSR" (Figure "IA32_DEBUGCTL MSR for Processors based on Intel Core
 * microarchitecture and later"). */
#define SPEC_MSR_IA32_DEBUGCTL			0x1d9
#define SPEC_DEBUGCTLMSR_LBR			BIT_ULL(0)
#define SPEC_DEBUGCTLMSR_BTF			BIT_ULL(1)
#define SPEC_DEBUGCTLMSR_TR			BIT_ULL(6)
#define SPEC_DEBUGCTLMSR_BTS			BIT_ULL(7)
#define SPEC_DEBUGCTLMSR_BTINT			BIT_ULL(8)
#define SPEC_DEBUGCTLMSR_BTS_OFF_OS		BIT_ULL(9)
#define SPEC_DEBUGCTLMSR_BTS_OFF_USR		BIT_ULL(10)
#define SPEC_DEBUGCTLMSR_FREEZE_LBRS_ON_PMI	BIT_ULL(11)
#define SPEC_DEBUGCTLMSR_FREEZE_PERFMON_ON_PMI	BIT_ULL(12)
#define SPEC_DEBUGCTLMSR_FREEZE_WHILE_SMM	BIT_ULL(14)
#define SPEC_DEBUGCTLMSR_RTM_DEBUG		BIT_ULL(15)
/* Bits 63:16 are reserved (#GP when set); bits 5:2 and 13 vary by model,
 * and the model accepts them. */
#define SPEC_DEBUGCTLMSR_VALID			0xffffull

/* Legacy LBR stack: SDM Vol3B 18.4.8 "LBR Stack" and the sections per
 * microarchitecture after it; the addresses in the SDM Vol4 model tables
 * (MSR_LASTBRANCH_x_FROM_IP/TO_IP, MSR_LASTBRANCH_TOS, MSR_LBR_SELECT,
 * MSR_LBR_INFO_x). */
#define SPEC_MSR_LBR_SELECT			0x1c8
#define SPEC_MSR_LASTBRANCH_TOS			0x1c9
#define SPEC_MSR_LASTBRANCH_0_FROM_IP_CORE	0x040	/* Core 2, Atom, Silvermont */
#define SPEC_MSR_LASTBRANCH_0_TO_IP_CORE	0x060
#define SPEC_MSR_LASTBRANCH_0_FROM_IP		0x680	/* Nehalem and later */
#define SPEC_MSR_LASTBRANCH_0_TO_IP		0x6c0
#define SPEC_MSR_LBR_INFO_0			0xdc0	/* Skylake and later */
/* MSR_LBR_SELECT: SDM Vol3B ch.18 "Filtering of Last Branch Records"
 * (Table "MSR_LBR_SELECT for Intel microarchitecture code name Nehalem"); a
 * set bit suppresses. Bit 9 (call-stack mode) from Haswell, SDM Vol3B
 * ch.18 "LBR Stack Enhancement" (Table "MSR_LBR_SELECT for Intel
 * microarchitecture code name Haswell"). */
#define SPEC_LBR_SELECT_CPL_EQ_0		BIT_ULL(0)
#define SPEC_LBR_SELECT_CPL_NEQ_0		BIT_ULL(1)
#define SPEC_LBR_SELECT_JCC			BIT_ULL(2)
#define SPEC_LBR_SELECT_NEAR_REL_CALL		BIT_ULL(3)
#define SPEC_LBR_SELECT_NEAR_IND_CALL		BIT_ULL(4)
#define SPEC_LBR_SELECT_NEAR_RET		BIT_ULL(5)
#define SPEC_LBR_SELECT_NEAR_IND_JMP		BIT_ULL(6)
#define SPEC_LBR_SELECT_NEAR_REL_JMP		BIT_ULL(7)
#define SPEC_LBR_SELECT_FAR_BRANCH		BIT_ULL(8)
#define SPEC_LBR_SELECT_SUPPRESS		0x1ffull	/* bits 8:0 */
#define SPEC_LBR_SELECT_EN_CALLSTACK		BIT_ULL(9)
/* LBR formats, IA32_PERF_CAPABILITIES[5:0]: SDM Vol3B 18.4.8.1 "LBR Stack
 * and Intel 64 Processors" (Table "LBR Stack Format"); 0x3f: Arch LBR
 * (SDM Vol3B ch.19 "Last Branch Records"). */
#define SPEC_LBR_FORMAT_32			0
#define SPEC_LBR_FORMAT_LIP			1
#define SPEC_LBR_FORMAT_EIP			2
#define SPEC_LBR_FORMAT_EIP_FLAGS		3
#define SPEC_LBR_FORMAT_EIP_FLAGS2		4
#define SPEC_LBR_FORMAT_INFO			5
#define SPEC_LBR_FORMAT_TIME			6
#define SPEC_LBR_FORMAT_INFO2			7
#define SPEC_LBR_FORMAT_ARCH			0x3f
/* FROM/TO flag bits by format (the same Table): FROM[63] mispredicted
 * (EIP_FLAGS, EIP_FLAGS2, TIME), FROM[62] in TSX and FROM[61] TSX abort
 * (EIP_FLAGS2); TIME keeps the elapsed cycles in TO[63:48]. */
#define SPEC_LBR_FROM_MISPRED			BIT_ULL(63)
#define SPEC_LBR_FROM_IN_TSX			BIT_ULL(62)
#define SPEC_LBR_FROM_TSX_ABORT			BIT_ULL(61)
#define SPEC_LBR_TO_CYCLES_SHIFT		48
/* MSR_LBR_INFO_x (SDM Vol3B ch.18, Skylake "LBR Stack Enhancement", Table
 * "MSR_LBR_INFO_x") and IA32_LBR_x_INFO (SDM Vol3B ch.19, Table
 * "IA32_LBR_x_INFO"): the same flags; CYC_CNT_VALID and BR_TYPE Arch LBR. */
#define SPEC_LBR_INFO_MISPRED			BIT_ULL(63)
#define SPEC_LBR_INFO_IN_TSX			BIT_ULL(62)
#define SPEC_LBR_INFO_TSX_ABORT			BIT_ULL(61)
#define SPEC_LBR_INFO_CYC_CNT_VALID		BIT_ULL(60)
#define SPEC_LBR_INFO_BR_TYPE_SHIFT		56		/* [59:56] */
#define SPEC_LBR_INFO_BR_TYPE			(0xfull << 56)
#define SPEC_LBR_INFO_CYC_CNT			0xffffull	/* [15:0] */
/* IA32_LBR_x_INFO.BR_TYPE (SDM Vol3B ch.19, Table "Branch Type Encodings");
 * the other encodings (far branches, interrupts...) are 8 and up. */
#define SPEC_ARCH_LBR_BR_TYPE_JCC		0
#define SPEC_ARCH_LBR_BR_TYPE_NEAR_IND_JMP	1
#define SPEC_ARCH_LBR_BR_TYPE_NEAR_REL_JMP	2
#define SPEC_ARCH_LBR_BR_TYPE_NEAR_IND_CALL	3
#define SPEC_ARCH_LBR_BR_TYPE_NEAR_REL_CALL	4
#define SPEC_ARCH_LBR_BR_TYPE_NEAR_RET		5
#define SPEC_ARCH_LBR_BR_TYPE_OTHER		8

/* Architectural LBRs: SDM Vol4 Table 2-2 (IA32_LBR_CTL 0x14ce,
 * IA32_LBR_DEPTH 0x14cf, IA32_LBR_x_INFO 0x1200 + x, IA32_LBR_x_FROM_IP
 * 0x1500 + x, IA32_LBR_x_TO_IP 0x1600 + x); SDM Vol3B ch.19 "Last Branch
 * Records", Table "IA32_LBR_CTL". */
#define SPEC_MSR_IA32_LBR_CTL			0x14ce
#define SPEC_MSR_IA32_LBR_DEPTH			0x14cf	/* a write clears the records */
#define SPEC_MSR_IA32_LBR_0_INFO		0x1200
#define SPEC_MSR_IA32_LBR_0_FROM_IP		0x1500
#define SPEC_MSR_IA32_LBR_0_TO_IP		0x1600
/* CPUID.1CH:EAX[7:0] lists depths 8(n+1): at most 64 entries. */
#define SPEC_ARCH_LBR_DEPTH_MAX			64
#define SPEC_LBR_CTL_LBREN			BIT_ULL(0)
#define SPEC_LBR_CTL_OS				BIT_ULL(1)
#define SPEC_LBR_CTL_USR			BIT_ULL(2)
#define SPEC_LBR_CTL_CALL_STACK			BIT_ULL(3)
#define SPEC_LBR_CTL_COND			BIT_ULL(16)	/* [22:16]: types to record */
#define SPEC_LBR_CTL_NEAR_REL_JMP		BIT_ULL(17)
#define SPEC_LBR_CTL_NEAR_IND_JMP		BIT_ULL(18)
#define SPEC_LBR_CTL_NEAR_REL_CALL		BIT_ULL(19)
#define SPEC_LBR_CTL_NEAR_IND_CALL		BIT_ULL(20)
#define SPEC_LBR_CTL_NEAR_RET			BIT_ULL(21)
#define SPEC_LBR_CTL_OTHER_BRANCH		BIT_ULL(22)
#define SPEC_LBR_CTL_VALID			0x7f000full	/* 3:0, 22:16; the rest reserved */

#endif
