/* AMD performance-counter and last-branch-record registers as the APM defines
 * them: the hardware models' own numbers, independent of the drivers'
 * (tests/unit/kernel/test_spec.c compares the two). */
#ifndef PMULAB_SPEC_AMD_H
#define PMULAB_SPEC_AMD_H

#include "lib/types.h"

/* Legacy counters: APM Vol2 13.2.1 "Performance Counter MSRs" and Appendix A
 * "MSR Cross-Reference" (PerfEvtSel0-3 C001_0000h-C001_0003h, PerfCtr0-3
 * C001_0004h-C001_0007h). */
#define SPEC_MSR_AMD_PERF_CTL_LEGACY0	0xc0010000
#define SPEC_MSR_AMD_PERF_CTR_LEGACY0	0xc0010004
#define SPEC_AMD_LEGACY_COUNTERS	4
/* Core performance counter extensions (CPUID 8000_0001h:ECX[23]): six
 * counters, PERF_CTLn at C001_0200h + 2n and PERF_CTRn at C001_0201h + 2n;
 * the legacy MSRs alias counters 0-3 (APM Vol2 13.2.1, Appendix A). */
#define SPEC_MSR_AMD_PERF_CTL0		0xc0010200
#define SPEC_MSR_AMD_PERF_CTR0		0xc0010201
#define SPEC_AMD_CORE_EXT_COUNTERS	6
#define SPEC_AMD_COUNTER_WIDTH		48
/* PERF_CTLn (APM Vol2 13.2.1, Figure "Performance Event-Select Register"):
 * EventSelect[7:0], UnitMask [15:8], USR 16, OS 17, Edge 18, Int 20, En 22,
 * Inv 23, CntMask [31:24] as Intel's; EventSelect[11:8] at [35:32], GuestOnly
 * 40, HostOnly 41. Bits 63:42, 39:36, 21 and 19 are reserved. */
#define SPEC_AMD64_EVENTSEL_EVENT_HI	0xf00000000ull
#define SPEC_AMD64_EVENTSEL_GUESTONLY	BIT_ULL(40)
#define SPEC_AMD64_EVENTSEL_HOSTONLY	BIT_ULL(41)
#define SPEC_AMD64_EVENTSEL_VALID	0x0000030fffd7ffffull
#define SPEC_AMD64_EVENTSEL_EVENT	0x0000000f0000ffffull	/* EventSelect[11:0], UnitMask */

/* PerfMonV2 (CPUID 8000_0022h:EAX[0]): APM Vol2 13.2 "Global Control and
 * Status" registers, Appendix A (PerfCntrGlobalStatus C000_0300h,
 * PerfCntrGlobalCtl C000_0301h, PerfCntrGlobalStatusClr C000_0302h). Counter
 * i is bit i; bit 58 reports a frozen LBR stack like Intel's LBR_FRZ. */
#define SPEC_MSR_AMD_PERF_CNTR_GLOBAL_STATUS	0xc0000300
#define SPEC_MSR_AMD_PERF_CNTR_GLOBAL_CTL	0xc0000301
#define SPEC_MSR_AMD_PERF_CNTR_GLOBAL_STATUS_CLR 0xc0000302
#define SPEC_AMD_GLOBAL_STATUS_LBR_FRZ		BIT_ULL(58)

/* Last Branch Record stack extension (LbrExtV2, CPUID 8000_0022h:EAX[1]):
 * APM Vol2 13.1 "Software-Debug Resources" (its Last Branch Stack), Appendix A
 * (LBR_SELECT C000_010Eh, DBG_EXTN_CFG C000_010Fh, LBR_FROM_IP_n
 * C001_0300h + 2n, LBR_TO_IP_n C001_0301h + 2n). Entry 0 is the newest. */
#define SPEC_MSR_AMD_LBR_SELECT		0xc000010e	/* the Intel suppress bits 8:0 */
#define SPEC_MSR_AMD_DBG_EXTN_CFG	0xc000010f
#define SPEC_DBG_EXTN_CFG_LBRV2EN	BIT_ULL(6)
#define SPEC_MSR_AMD_LBR_FROM_IP0	0xc0010300
#define SPEC_MSR_AMD_LBR_TO_IP0		0xc0010301
#define SPEC_AMD_LBR_FROM_MISPREDICT	BIT_ULL(63)
#define SPEC_AMD_LBR_TO_VALID		BIT_ULL(63)
#define SPEC_AMD_LBR_TO_SPECULATIVE	BIT_ULL(62)
#define SPEC_AMD_LBR_IP			((1ull << 58) - 1)	/* [57:0] */

#endif
