/* The hardware models' register table, written from the Intel SDM and AMD APM
 * (each entry names its section), never from the drivers' headers, so a wrong
 * driver constant cannot be mirrored by its model (test_spec.c compares). */
#ifndef PMULAB_SPEC_H
#define PMULAB_SPEC_H

#include "lib/types.h"
#include "tests/unit/models/spec_intel.h"
#include "tests/unit/models/spec_amd.h"

/* Exception vectors: SDM Vol3A 6.3.1 Table 6-1 "Protected-Mode Exceptions
 * and Interrupts", which also marks the ones that push an error code. */
#define SPEC_DE_VECTOR		0
#define SPEC_DB_VECTOR		1
#define SPEC_NMI_VECTOR		2
#define SPEC_BP_VECTOR		3
#define SPEC_UD_VECTOR		6
#define SPEC_DF_VECTOR		8
#define SPEC_GP_VECTOR		13
#define SPEC_PF_VECTOR		14
#define SPEC_NR_EXCEPTIONS	32	/* 0-31 are the architecture's */
/* #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30. */
#define SPEC_EXC_ERROR_CODE	0x60227d00u

/* Instruction encodings: SDM Vol2A INT3 ("CC"), CALL ("E8 cd") and JMP
 * ("E9 cd"): an opcode byte and a 32-bit displacement. */
#define SPEC_INT3_OPCODE	0xcc
#define SPEC_JMP_REL32_OPCODE	0xe9
#define SPEC_REL32_INSN_LEN	5

/* CR0: SDM Vol3A 2.5 "Control Registers" (Figure "Control Registers"). */
#define SPEC_CR0_PE		BIT_ULL(0)
#define SPEC_CR0_MP		BIT_ULL(1)
#define SPEC_CR0_ET		BIT_ULL(4)
#define SPEC_CR0_NE		BIT_ULL(5)
#define SPEC_CR0_WP		BIT_ULL(16)
#define SPEC_CR0_PG		BIT_ULL(31)
#define SPEC_CR4_DE		BIT_ULL(3)	/* the same section; DR4/DR5: 18.2.2 */
#define SPEC_CR4_LA57		BIT_ULL(12)
/* RFLAGS: SDM Vol1 3.4.3 "EFLAGS Register". */
#define SPEC_EFLAGS_TF		BIT_ULL(8)
#define SPEC_EFLAGS_IF		BIT_ULL(9)
#define SPEC_EFLAGS_RF		BIT_ULL(16)

/* Paging entries: SDM Vol3A 4.5 "4-Level Paging and 5-Level Paging" (Tables
 * "Format of a ... Page-Table Entry"); MAXPHYADDR is at most 52. */
#define SPEC_PTE_P		BIT_ULL(0)
#define SPEC_PTE_RW		BIT_ULL(1)
#define SPEC_PTE_PS		BIT_ULL(7)
#define SPEC_PTE_XD		BIT_ULL(63)
#define SPEC_PTE_ADDR		0x000ffffffffff000ull	/* bits 51:12 */

/* CPUID feature bits: SDM Vol2A CPUID (Tables "Feature Information Returned
 * in the ECX/EDX Register", "Structured Extended Feature Flags"), APM Vol3
 * Appendix E.4 (Function 8000_0001h). */
#define SPEC_CPUID_1_ECX_PDCM		BIT(15)
#define SPEC_CPUID_1_ECX_X2APIC		BIT(21)
#define SPEC_CPUID_1_ECX_HYPERVISOR	BIT(31)	/* reserved for hypervisor use */
#define SPEC_CPUID_1_EDX_DE		BIT(2)
#define SPEC_CPUID_1_EDX_TSC		BIT(4)
#define SPEC_CPUID_1_EDX_MSR		BIT(5)
#define SPEC_CPUID_1_EDX_APIC		BIT(9)
#define SPEC_CPUID_1_EDX_CLFSH		BIT(19)	/* CLFLUSH */
#define SPEC_CPUID_7_EBX_RTM		BIT(11)	/* XBEGIN, XEND, XABORT, XTEST */
#define SPEC_CPUID_7_EDX_RTM_ALWAYS_ABORT BIT(11) /* and every XBEGIN aborts */
#define SPEC_CPUID_7_EDX_ARCH_LBR	BIT(19)
#define SPEC_CPUID_80000001_ECX_PERFCTR_CORE BIT(23)
#define SPEC_CPUID_80000001_ECX_BPEXT	BIT(26)
/* CPUID.0AH (SDM Vol2A CPUID, "Architectural Performance Monitoring Leaf";
 * SDM Vol3B 20.2.1 Figure "Layout of CPUID.0AH"): EAX version [7:0], GP
 * counters [15:8], their width [23:16], EBX length [31:24]; EDX fixed
 * counters [4:0], their width [12:5]. */
#define SPEC_CPUID_0A_EAX_NR_GP_SHIFT	8
#define SPEC_CPUID_0A_EAX_WIDTH_SHIFT	16
#define SPEC_CPUID_0A_EAX_EBX_LEN_SHIFT	24
#define SPEC_CPUID_0A_EDX_NR_FIXED	0x1fu
#define SPEC_CPUID_0A_EDX_WIDTH_SHIFT	5
/* CPUID.1CH (SDM Vol2A CPUID, "Last Branch Records Information Leaf"): EAX
 * bit n = depth 8(n+1); EBX CPL filter 0, branch filter 1, call stack 2;
 * ECX mispredict 0, timed LBRs 1, branch type 2. */
#define SPEC_CPUID_1C_EBX_CPL_FILTER	BIT(0)
#define SPEC_CPUID_1C_EBX_BR_FILTER	BIT(1)
#define SPEC_CPUID_1C_EBX_CALL_STACK	BIT(2)
#define SPEC_CPUID_1C_ECX_MISPRED	BIT(0)
#define SPEC_CPUID_1C_ECX_TIMED		BIT(1)
#define SPEC_CPUID_1C_ECX_BR_TYPE	BIT(2)
/* CPUID 8000_0022h (APM Vol3 Appendix E.4, "Function 8000_0022h --
 * Extended Performance Monitoring and Debug"): EAX PerfMonV2 0, LbrExtV2 1; EBX core counters [3:0], LBR stack
 * depth [9:4]. */
#define SPEC_CPUID_80000022_EAX_PERFMON_V2 BIT(0)
#define SPEC_CPUID_80000022_EAX_LBR_V2	BIT(1)
#define SPEC_CPUID_80000022_EBX_NR_CTR	0xfu
#define SPEC_CPUID_80000022_EBX_LBR_DEPTH_SHIFT 4

/* Debug registers: SDM Vol3B 18.2 "Debug Registers"; APM Vol2 13.1.1. */
#define SPEC_NR_BREAKPOINTS	4		/* DR0-DR3 */
#define SPEC_DR6_B(n)		BIT_ULL(n)	/* 18.2.3 "Debug Status Register (DR6)" */
#define SPEC_DR6_B_ALL		0xfull
#define SPEC_DR6_BD		BIT_ULL(13)
#define SPEC_DR6_BS		BIT_ULL(14)
#define SPEC_DR6_BT		BIT_ULL(15)
#define SPEC_DR6_RTM		BIT_ULL(16)	/* active low */
#define SPEC_DR6_INIT		0xffff0ff0ull	/* no condition; reserved bits read 1 */
#define SPEC_DR7_L(n)		BIT_ULL(2 * (n))	/* 18.2.4 "Debug Control Register (DR7)" */
#define SPEC_DR7_G(n)		BIT_ULL(2 * (n) + 1)
#define SPEC_DR7_LE		BIT_ULL(8)
#define SPEC_DR7_GE		BIT_ULL(9)
#define SPEC_DR7_FIXED_1	BIT_ULL(10)	/* reads as 1 */
#define SPEC_DR7_GD		BIT_ULL(13)
#define SPEC_DR7_RW_SHIFT(n)	(16 + 4 * (n))
#define SPEC_DR7_LEN_SHIFT(n)	(18 + 4 * (n))
#define SPEC_DR7_FIELD		3ull		/* R/Wn and LENn are 2 bits */
#define SPEC_DR7_RW_EXECUTE	0
#define SPEC_DR7_RW_WRITE	1
#define SPEC_DR7_RW_IO		2		/* with CR4.DE */
#define SPEC_DR7_RW_READ_WRITE	3
#define SPEC_DR7_LEN_1		0
#define SPEC_DR7_LEN_2		1
#define SPEC_DR7_LEN_8		2
#define SPEC_DR7_LEN_4		3

/* The local APIC: SDM Vol4 Table 2-2 (IA32_APIC_BASE 0x1b); SDM Vol3A ch.11
 * "Advanced Programmable Interrupt Controller (APIC)", 11.4.4 "Local APIC
 * Status and Location" (Figure "IA32_APIC_BASE MSR"), Table "Local APIC
 * Register Address Map", 11.5.1 "Local Vector Table", 11.5.4 "APIC Timer",
 * 11.12.1 "Detecting and Enabling x2APIC Mode" and Table "Local APIC
 * Register Address Map Supported by x2APIC". */
#define SPEC_MSR_IA32_APIC_BASE		0x1b
#define SPEC_APIC_BASE_BSP		BIT_ULL(8)
#define SPEC_APIC_BASE_EXTD		BIT_ULL(10)	/* x2APIC mode */
#define SPEC_APIC_BASE_EN		BIT_ULL(11)
#define SPEC_APIC_BASE_ADDR_LOW		0xfffff000ull	/* base bits 31:12 */
#define SPEC_APIC_ID			0x020
#define SPEC_APIC_VERSION		0x030
#define SPEC_APIC_TPR			0x080
#define SPEC_APIC_EOI			0x0b0
#define SPEC_APIC_SVR			0x0f0
#define SPEC_APIC_SVR_VECTOR		0xffu
#define SPEC_APIC_SVR_ENABLE		BIT(8)
#define SPEC_APIC_ISR			0x100
#define SPEC_APIC_IRR			0x200
#define SPEC_APIC_LVT_CMCI		0x2f0
#define SPEC_APIC_LVT_TIMER		0x320
#define SPEC_APIC_LVT_THERMAL		0x330
#define SPEC_APIC_LVT_PMC		0x340
#define SPEC_APIC_LVT_LINT0		0x350
#define SPEC_APIC_LVT_LINT1		0x360
#define SPEC_APIC_LVT_ERROR		0x370
#define SPEC_APIC_TIMER_INITIAL		0x380
#define SPEC_APIC_TIMER_CURRENT		0x390
#define SPEC_APIC_TIMER_DIVIDE		0x3e0
#define SPEC_APIC_LVT_VECTOR		0xffu
#define SPEC_APIC_LVT_DM_FIXED		0x000u		/* delivery mode [10:8] */
#define SPEC_APIC_LVT_DM_NMI		0x400u
#define SPEC_APIC_LVT_DELIVERY_STATUS	BIT(12)		/* read-only */
#define SPEC_APIC_LVT_REMOTE_IRR	BIT(14)		/* read-only */
#define SPEC_APIC_LVT_MASKED		BIT(16)
#define SPEC_APIC_LVT_TIMER_PERIODIC	BIT(17)
#define SPEC_APIC_TIMER_DIVIDE_BY_2	0x0u
#define SPEC_APIC_TIMER_DIVIDE_BY_1	0xbu
#define SPEC_MSR_X2APIC_BASE		0x800		/* + MMIO offset / 16 */
#define SPEC_MSR_X2APIC_APICID		0x802
#define SPEC_MSR_X2APIC_VERSION		0x803

#endif
