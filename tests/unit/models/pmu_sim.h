/* A software model of the x86 core performance-monitoring hardware, attached
 * to the simulated CPU (hw_sim.h) as a device: Intel architectural perfmon
 * v1-v5 (SDM Vol3B ch.20) and AMD legacy, PerfCtrExtCore and PerfMonV2
 * counters (APM Vol2 13.2). Drivers under test reach it only through hw.h;
 * tests retire events into it and can plant faults. */
#ifndef PMULAB_PMU_SIM_H
#define PMULAB_PMU_SIM_H

#include "tests/unit/models/hw_sim.h"

enum pmu_sim_vendor { PMU_SIM_INTEL, PMU_SIM_AMD };

struct pmu_sim_spec {
	enum pmu_sim_vendor vendor;
	u32 family, model;		/* CPUID.1 signature (display family/model) */
	/* Intel */
	unsigned version;		/* CPUID.0AH.EAX[7:0]: 1..5 */
	unsigned gp, gp_width;		/* general-purpose counters and their width */
	unsigned fixed, fixed_width;	/* EDX[4:0], EDX[12:5]; v2+ only */
	u32 fixed_bitmap;		/* CPUID.0AH.ECX, v5: fixed counter i exists if bit i set or i < fixed */
	u32 events_unavail;		/* CPUID.0AH.EBX (bit set = arch event NOT available); EAX[31:24] = 8 */
	bool fw_write;			/* PERF_CAPABILITIES bit 13 and IA32_A_PMCx exist */
	bool rtm;			/* CPUID.(7,0):EBX[11]; IN_TX and IN_TXCP in IA32_PERFEVTSELx */
	/* AMD */
	bool perfctr_core;		/* CPUID 80000001H:ECX[23]: six counters at 0xc0010200 */
	bool perfmon_v2;		/* CPUID 80000022H:EAX[0]: global control/status */
	unsigned amd_counters;		/* 80000022H:EBX[3:0] when perfmon_v2 */
};

/* Ready-made specs: a Skylake-like Intel v4 (4 GP x 48 bits, 3 fixed x 48, fw_write, rtm, family 6 model 0x5e),
 * Intel v1 (2 GP x 40 bits, no fixed, no global MSRs, family 6 model 0x0f), Intel v2 (2 GP x 40, 3 fixed x 40, no fw_write),
 * Intel v5 (8 GP x 48, fixed=4 plus fixed_bitmap 0x7 i.e. fixed 0-3, fw_write, model 0x97),
 * AMD legacy (family 0x10: 4 counters), AMD ext (family 0x17 model 0x01: perfctr_core),
 * AMD PerfMonV2 (family 0x19 model 0x61: perfctr_core + perfmon_v2, 6 counters). */
extern const struct pmu_sim_spec pmu_sim_intel_v1, pmu_sim_intel_v2, pmu_sim_intel_v4,
	pmu_sim_intel_v5, pmu_sim_amd_legacy, pmu_sim_amd_ext, pmu_sim_amd_v2;

/* sim_reset(), then the CPUID leaves this PMU is enumerated by, then attach.
 * Leaves: 0 (vendor "GenuineIntel"/"AuthenticAMD", max leaf 0xa Intel / 0xd AMD),
 * 1 (EAX signature from family/model in the standard encoding incl. extended family/model;
 *    EDX bits MSR(5) TSC(4) APIC(9) DE(2) CLFSH(19); ECX bit 15 PDCM for Intel version>=2),
 * 7 (EBX bit 11 RTM, when rtm),
 * 0AH (Intel), 0x80000000 (max ext leaf 0x80000022 if perfmon_v2 else 0x80000008),
 * 0x80000001 (ECX bit 23 PerfCtrExtCore), 0x80000022 (EAX bit0, EBX[3:0] counters).
 * MSR_IA32_PERF_CAPABILITIES (0x345) read-only: bit 13 when fw_write, else 0 (exists when PDCM). */
void pmu_sim_install(const struct pmu_sim_spec *s);

/* Generic events a test "retires"; each counter counts the ones its selector names. */
enum pmu_sim_event {
	PMU_SIM_INSTRUCTIONS,	/* Intel 0xc0/00 (and fixed 0), AMD 0xc0 */
	PMU_SIM_CYCLES,		/* Intel 0x3c/00 (and fixed 1), AMD 0x76 */
	PMU_SIM_REF_CYCLES,	/* Intel fixed 2 only (and arch 0x3c/01 on GP), AMD none */
	PMU_SIM_BRANCHES,	/* Intel 0xc4/00, AMD 0xc2 */
	PMU_SIM_BRANCH_MISSES,	/* Intel 0xc5/00, AMD 0xc3 */
	PMU_SIM_LLC_REFERENCES,	/* Intel 0x2e/4f */
	PMU_SIM_LLC_MISSES,	/* Intel 0x2e/41 */
};
/* Adds count occurrences at privilege level cpl (0..3) to every counter that counts now. */
void pmu_sim_retire(enum pmu_sim_event ev, u64 count, unsigned cpl);
/* The same for an arbitrary raw selector (event|umask<<8, AMD also bits 35:32); a GP
 * counter matches when (its EVTSEL & (0xffff | AMD 0xf00000000)) == raw, with EDGE clear.
 * Each call is one cycle to a counter with CMASK c: it counts 1 when count >= c
 * (with INV: when count < c); INV without CMASK and EDGE count nothing. */
void pmu_sim_retire_raw(u64 raw, u64 count, unsigned cpl);
/* A transactional region (needs rtm): events retired between begin and end
 * are inside it, which counters with IN_TX count and others count too; an
 * end that aborts takes from counters with IN_TXCP what they counted inside. */
void pmu_sim_tx_begin(void);
void pmu_sim_tx_end(bool commit);

/* Faults to plant, so tests can prove each self-validation check catches one. OR-ed flags. */
enum {
	PMU_SIM_BREAK_IGNORE_EN		= 1 << 0,  /* GP counters count with EVTSEL.EN clear */
	PMU_SIM_BREAK_IGNORE_GLOBAL	= 1 << 1,  /* GLOBAL_CTRL (Intel) / PerfCntrGlobalCtl (AMD v2) ignored */
	PMU_SIM_BREAK_NO_SIGN_EXTEND	= 1 << 2,  /* legacy IA32_PMCx write keeps the 32 bits zero-extended */
	PMU_SIM_BREAK_NO_OVF_STATUS	= 1 << 3,  /* a wrap does not set the global status bit */
	PMU_SIM_BREAK_OVF_STICKY	= 1 << 4,  /* OVF_CTRL / GlobalStatusClr do not clear */
	PMU_SIM_BREAK_USR_AT_RING0	= 1 << 5,  /* a USR-only counter also counts at cpl 0 */
	PMU_SIM_BREAK_RDPMC_STALE	= 1 << 6,  /* RDPMC returns the value minus 1 */
	PMU_SIM_BREAK_FW_TRUNCATES	= 1 << 7,  /* IA32_A_PMCx writes behave like legacy 32-bit sign-extended writes */
	PMU_SIM_BREAK_FIXED_EXTRA	= 1 << 8,  /* each retire call that a fixed counter counts adds 1 extra */
	PMU_SIM_BREAK_GP_EXTRA		= 1 << 9,  /* each retire call that a GP counter counts adds 1 extra */
	PMU_SIM_BREAK_OS_IGNORED	= 1 << 10, /* the OS bit does not make a counter count at cpl 0 */
	PMU_SIM_BREAK_WIDTH_32		= 1 << 11, /* counters wrap at 32 bits whatever the width says */
	PMU_SIM_BREAK_RDPMC_ANY_INDEX	= 1 << 12, /* RDPMC of an index no counter has reads 0, no #GP */
	PMU_SIM_BREAK_LAST_GP_IDLE	= 1 << 13, /* the highest GP counter never counts */
	PMU_SIM_BREAK_NO_REF_CYCLES	= 1 << 14, /* reference cycles are not counted */
	PMU_SIM_BREAK_NO_CYCLES		= 1 << 20, /* core cycles are not counted */
	PMU_SIM_BREAK_NO_PMI		= 1 << 21, /* a wrap with INT set raises no PMI */
	PMU_SIM_BREAK_PMI_WITHOUT_INT	= 1 << 22, /* a wrap raises a PMI with INT clear too */
	PMU_SIM_BREAK_NO_BRANCH_MISSES	= 1 << 23, /* branch misses are not counted */
	PMU_SIM_BREAK_NO_LLC_REFERENCES	= 1 << 24, /* LLC references are not counted */
	PMU_SIM_BREAK_NO_LLC_MISSES	= 1 << 25, /* LLC misses are not counted */
	PMU_SIM_BREAK_NO_TX_COUNTS	= 1 << 26, /* a counter with IN_TX counts nothing */
	PMU_SIM_BREAK_CMASK_IGNORED	= 1 << 15, /* a CMASK selector counts events, not cycles */
	PMU_SIM_BREAK_RUNNING_WRITE_LOST = 1 << 16, /* a write to a counter that counts is dropped */
	PMU_SIM_BREAK_LEGACY_FULL_WIDTH	= 1 << 17, /* IA32_PMCx writes keep the bits above 31 */
	PMU_SIM_BREAK_FW_NO_GP		= 1 << 18, /* IA32_A_PMCx bits above the width are dropped, no #GP */
	PMU_SIM_BREAK_K7_DETACHED	= 1 << 19, /* AMD core extension: PERF_CTR0-3 writes are dropped */
};
void pmu_sim_break(unsigned flags);

/* The PMU's interrupt line to the local APIC: raise() runs when a counter
 * wraps with its selector's INT bit (fixed counters: the PMI bit of
 * FIXED_CTR_CTRL) set. pmu_sim_install() disconnects it. */
void pmu_sim_pmi_line(void (*raise)(void));

/* For test assertions: the raw counter value and the global status. */
u64 pmu_sim_counter(bool fixed, unsigned idx);
u64 pmu_sim_global_status(void);

#endif
