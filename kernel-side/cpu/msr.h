/* Model-specific registers, named as Linux arch/x86/include/asm/msr-index.h
 * names them (SDM Vol4 "Model-Specific Registers"; AMD APM Vol2 Appendix A),
 * and the safe accessors every driver uses to reach them. */
#ifndef PMULAB_MSR_H
#define PMULAB_MSR_H

#include "lib/types.h"

/* Architectural (SDM Vol4 Table 2-2) */
#define MSR_IA32_APICBASE		0x0000001b
#define  MSR_IA32_APICBASE_BSP		BIT(8)
#define  MSR_IA32_APICBASE_EXTD		BIT(10)	/* x2APIC mode */
#define  MSR_IA32_APICBASE_ENABLE	BIT(11)
#define  MSR_IA32_APICBASE_BASE		0xfffff000ull

/* Intel architectural performance monitoring (SDM Vol3B 20.2) */
#define MSR_IA32_PERFCTR0		0x000000c1	/* IA32_PMCx = 0xc1 + x */
#define MSR_IA32_EVNTSEL0		0x00000186	/* IA32_PERFEVTSELx = 0x186 + x */
#define  ARCH_PERFMON_EVENTSEL_EVENT	0x000000ffull	/* same layout in AMD PERF_CTLn */
#define  ARCH_PERFMON_EVENTSEL_UMASK	0x0000ff00ull
#define  ARCH_PERFMON_EVENTSEL_USR	BIT(16)
#define  ARCH_PERFMON_EVENTSEL_OS	BIT(17)
#define  ARCH_PERFMON_EVENTSEL_EDGE	BIT(18)
#define  ARCH_PERFMON_EVENTSEL_PIN_CONTROL BIT(19)
#define  ARCH_PERFMON_EVENTSEL_INT	BIT(20)
#define  ARCH_PERFMON_EVENTSEL_ANY	BIT(21)	/* AnyThread, v3 */
#define  ARCH_PERFMON_EVENTSEL_EN	BIT(22)
#define  ARCH_PERFMON_EVENTSEL_INV	BIT(23)
#define  ARCH_PERFMON_EVENTSEL_CMASK	0xff000000ull
/* Intel with RTM or HLE (SDM Vol3B 20.3.6.5): count only inside
 * transactions; and leave out what aborted ones counted (IA32_PERFEVTSEL2). */
#define  HSW_IN_TX			BIT_ULL(32)
#define  HSW_IN_TX_CHECKPOINTED		BIT_ULL(33)
#define MSR_IA32_PERF_CAPABILITIES	0x00000345	/* exists when CPUID.1:ECX.PDCM */
#define  PERF_CAP_LBR_FMT		0x3f		/* [5:0]; 0x3f = Arch LBR */
#define  PERF_CAP_PEBS_TRAP		BIT_ULL(6)
#define  PERF_CAP_ARCH_REG		BIT_ULL(7)
#define  PERF_CAP_PEBS_FORMAT_SHIFT	8		/* [11:8] */
#define  PERF_CAP_PEBS_FORMAT		0xf00
#define  PERF_CAP_SMM_FREEZE		BIT_ULL(12)
#define  PERF_CAP_FW_WRITE		BIT_ULL(13)	/* IA32_A_PMCx full-width writes */
#define  PERF_CAP_PEBS_BASELINE		BIT_ULL(14)
#define  PERF_CAP_PERF_METRICS		BIT_ULL(15)
#define MSR_IA32_PMC0			0x000004c1	/* full-width alias of IA32_PMC0 */
#define MSR_CORE_PERF_FIXED_CTR0	0x00000309	/* IA32_FIXED_CTRx = 0x309 + x */
#define MSR_CORE_PERF_FIXED_CTR_CTRL	0x0000038d	/* 4 bits per fixed counter: */
#define  INTEL_FIXED_0_KERNEL		BIT(0)		/* count at CPL 0 */
#define  INTEL_FIXED_0_USER		BIT(1)		/* count at CPL > 0 */
#define  INTEL_FIXED_0_ENABLE_PMI	BIT(3)
#define  INTEL_FIXED_BITS_MASK		0xfull
#define  INTEL_PMC_FIXED_RDPMC_BASE	BIT(30)		/* RDPMC ECX for fixed counters */
#define MSR_CORE_PERF_GLOBAL_STATUS	0x0000038e	/* bit i: counter i overflowed */
#define  GLOBAL_STATUS_TRACE_TOPAPMI	BIT_ULL(55)
#define  GLOBAL_STATUS_ASIF		BIT_ULL(60)
#define  GLOBAL_STATUS_UNC_OVF		BIT_ULL(61)
#define  GLOBAL_STATUS_BUFFER_OVF	BIT_ULL(62)	/* DS buffer (PEBS/BTS) */
#define  GLOBAL_STATUS_COND_CHG		BIT_ULL(63)
#define MSR_CORE_PERF_GLOBAL_CTRL	0x0000038f
#define MSR_CORE_PERF_GLOBAL_OVF_CTRL	0x00000390	/* v4: GLOBAL_STATUS_RESET */
#define MSR_OFFCORE_RSP_0		0x000001a6	/* with event 0xb7 (OFFCORE_RESPONSE_0) */
#define MSR_OFFCORE_RSP_1		0x000001a7	/* with event 0xbb (OFFCORE_RESPONSE_1) */
#define  OFFCORE_RSP_REQUEST		0x000000000000ffffull	/* [15:0] request types */
#define  OFFCORE_RSP_RESPONSE		0x0000003fffff0000ull	/* [37:16] supplier, snoop */

/* Debug control and last branch records (SDM Vol3B 18.4, 19.4) */
#define MSR_IA32_DEBUGCTLMSR		0x000001d9
#define  DEBUGCTLMSR_LBR		BIT(0)
#define  DEBUGCTLMSR_BTF		BIT(1)
#define  DEBUGCTLMSR_TR			BIT(6)
#define  DEBUGCTLMSR_BTS		BIT(7)
#define  DEBUGCTLMSR_BTINT		BIT(8)
#define  DEBUGCTLMSR_BTS_OFF_OS		BIT(9)
#define  DEBUGCTLMSR_BTS_OFF_USR	BIT(10)
#define  DEBUGCTLMSR_FREEZE_LBRS_ON_PMI	BIT(11)
#define  DEBUGCTLMSR_FREEZE_PERFMON_ON_PMI BIT(12)
#define  DEBUGCTLMSR_FREEZE_IN_SMM	BIT(14)
#define  DEBUGCTLMSR_RTM_DEBUG		BIT(15)
#define MSR_LBR_SELECT			0x000001c8	/* bits 0-8 set = suppress: */
#define  LBR_SELECT_KERNEL		BIT(0)		/* branches ending in CPL 0 */
#define  LBR_SELECT_USER		BIT(1)		/* branches ending in CPL > 0 */
#define  LBR_SELECT_JCC			BIT(2)
#define  LBR_SELECT_REL_CALL		BIT(3)
#define  LBR_SELECT_IND_CALL		BIT(4)
#define  LBR_SELECT_RETURN		BIT(5)
#define  LBR_SELECT_IND_JMP		BIT(6)
#define  LBR_SELECT_REL_JMP		BIT(7)
#define  LBR_SELECT_FAR			BIT(8)
#define  LBR_SELECT_MASK		0x1ffull	/* the suppress bits */
#define  LBR_SELECT_CALL_STACK		BIT(9)		/* HSW+: not a suppress bit */
#define MSR_LBR_TOS			0x000001c9
#define MSR_LBR_CORE_FROM		0x00000040	/* Core 2, Atom, Silvermont */
#define MSR_LBR_CORE_TO			0x00000060
#define MSR_LBR_NHM_FROM		0x00000680	/* Nehalem and later */
#define MSR_LBR_NHM_TO			0x000006c0
#define  LBR_FROM_FLAG_MISPRED		BIT_ULL(63)	/* formats EIP_FLAGS, EIP_FLAGS2, TIME */
#define  LBR_FROM_FLAG_IN_TX		BIT_ULL(62)	/* EIP_FLAGS2 */
#define  LBR_FROM_FLAG_ABORT		BIT_ULL(61)	/* EIP_FLAGS2 */
#define MSR_LBR_INFO_0			0x00000dc0	/* Skylake and later */
#define  LBR_INFO_MISPRED		BIT_ULL(63)	/* legacy LBR_INFO and Arch LBR INFO */
#define  LBR_INFO_IN_TX			BIT_ULL(62)
#define  LBR_INFO_ABORT			BIT_ULL(61)
#define  LBR_INFO_CYC_CNT_VALID		BIT_ULL(60)	/* Arch LBR */
#define  LBR_INFO_BR_TYPE_SHIFT		56		/* Arch LBR [59:56] */
#define  LBR_INFO_BR_TYPE		(0xfull << 56)
#define  LBR_INFO_CYCLES		0xffffull	/* [15:0] */
#define MSR_ARCH_LBR_CTL		0x000014ce
#define  ARCH_LBR_CTL_LBREN		BIT(0)
#define  ARCH_LBR_CTL_OS		BIT(1)
#define  ARCH_LBR_CTL_USR		BIT(2)
#define  ARCH_LBR_CTL_CALL_STACK	BIT(3)
#define  ARCH_LBR_CTL_JCC		BIT(16)		/* [22:16]: branch types to record */
#define  ARCH_LBR_CTL_REL_JMP		BIT(17)
#define  ARCH_LBR_CTL_IND_JMP		BIT(18)
#define  ARCH_LBR_CTL_REL_CALL		BIT(19)
#define  ARCH_LBR_CTL_IND_CALL		BIT(20)
#define  ARCH_LBR_CTL_RETURN		BIT(21)
#define  ARCH_LBR_CTL_OTHER_BRANCH	BIT(22)
#define  ARCH_LBR_CTL_MASK		0x7f000full
#define MSR_ARCH_LBR_DEPTH		0x000014cf	/* a write resets the records */
#define MSR_ARCH_LBR_FROM_0		0x00001500
#define MSR_ARCH_LBR_TO_0		0x00001600
#define MSR_ARCH_LBR_INFO_0		0x00001200

/* AMD core performance counters (APM Vol2 13.2) */
#define MSR_K7_EVNTSEL0			0xc0010000	/* PERF_CTL0..3 */
#define MSR_K7_PERFCTR0			0xc0010004	/* PERF_CTR0..3 */
#define MSR_F15H_PERF_CTL		0xc0010200	/* CTLn = +2n, CTRn = +2n+1 */
#define MSR_F15H_PERF_CTR		0xc0010201
#define  AMD64_EVENTSEL_EVENT_HI	0xf00000000ull	/* EventSelect[11:8] */
#define  AMD64_EVENTSEL_GUESTONLY	BIT_ULL(40)
#define  AMD64_EVENTSEL_HOSTONLY	BIT_ULL(41)
#define MSR_AMD64_PERF_CNTR_GLOBAL_STATUS 0xc0000300
#define MSR_AMD64_PERF_CNTR_GLOBAL_CTL	0xc0000301
#define MSR_AMD64_PERF_CNTR_GLOBAL_STATUS_CLR 0xc0000302
#define MSR_AMD64_LBR_SELECT		0xc000010e	/* LBR_SELECT bits 0-8, suppress */
#define MSR_AMD_DBG_EXTN_CFG		0xc000010f
#define  DBG_EXTN_CFG_LBRV2EN		BIT(6)
#define MSR_AMD_SAMP_BR_FROM		0xc0010300	/* FROMn = +2n, TOn = +2n+1 */
#define  AMD_LBR_FROM_MISPRED		BIT_ULL(63)
#define  AMD_LBR_TO_VALID		BIT_ULL(63)
#define  AMD_LBR_TO_SPEC		BIT_ULL(62)
#define  AMD_LBR_IP			((1ull << 58) - 1)	/* [57:0] */
/* Bit 58 of the global status (Intel IA32_PERF_GLOBAL_STATUS.LBR_FRZ, AMD
 * PerfCntrGlobalStatus): the LBRs froze on a PMI; cleared through the
 * status-reset / status-clear MSR like an overflow bit. */
#define GLOBAL_STATUS_LBRS_FROZEN	BIT_ULL(58)

/* Largest counter value a 48-bit AMD counter holds. */
#define AMD_COUNTER_MASK		((1ull << 48) - 1)

/*
 * Safe accessors: return 0, or HW_ERR_FAULT | vector when the instruction
 * faulted (KVM raises #GP for MSRs it does not emulate). A failed read stores 0.
 * Writes go through a restore log: the first write to an MSR in an owned
 * section records its old value, and msr_restore_all() puts every one back.
 */
int msr_read_safe(u32 msr, u64 *val);
int msr_write_safe(u32 msr, u64 val);
/* A write the restore log does not keep, for registers whose owner restores
 * them itself in the order they need (the x2APIC's, apic.c) and write-only
 * ones that cannot be read back to be logged (x2APIC EOI). */
int msr_write_unlogged(u32 msr, u64 val);
/* RDPMC through the exception table: TCG raises #UD, a bad index #GP. */
int rdpmc_safe(u32 index, u64 *val);
/* Restores the logged MSRs, newest first; returns how many did not read back
 * as restored (0 when all are back). */
unsigned msr_restore_all(unsigned *restored);

/*
 * Explain mode (explain.c) sets this hook; NULL, the default and the unit
 * tests' unless one sets it, costs a load and a branch per access. Called
 * after each access the accessors make for a caller (the restore log's own
 * reads are not), with the value read or written and the access's result;
 * dropped: accesses a hold had no room for, given with the last one held.
 */
/* MSR_OP_XAPIC_WRITE: an xAPIC register written by MMIO (apic.c), named by
 * its x2APIC MSR (0x800 + offset/16) so that one table decodes both modes. */
enum msr_op { MSR_OP_READ, MSR_OP_WRITE, MSR_OP_XAPIC_WRITE };
typedef void (*msr_narrate_fn)(enum msr_op op, u32 msr, u64 val, int err, unsigned dropped);
extern msr_narrate_fn msr_narrate;
/* Between hold(true) and hold(false) accesses are queued, not narrated: a
 * counted region (count.c) must not count the narration's instructions, nor
 * the LBR record its branches (lbr.c). Holds nest: narration waits for the
 * release that matches the first hold. */
void msr_narrate_hold(bool hold);
/* An access the accessors did not make (an xAPIC MMIO write), narrated and
 * held like theirs. */
void msr_narrate_other(enum msr_op op, u32 msr, u64 val);

#endif
