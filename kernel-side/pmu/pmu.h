/* Performance-monitoring capabilities, probed once (SDM Vol3B 20.2 "Architectural
 * Performance Monitoring"; AMD APM Vol2 13.2 "Performance Monitoring Counters"). */
#ifndef PMULAB_PMU_H
#define PMULAB_PMU_H

#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/cpu/exception.h"
#include "lib/events.h"

/* CPUID.0AH.EBX bit i set means architectural event i is NOT available. */
#define ARCH_EVENT_MAX 8

struct pmu_caps {
	bool present;			/* counters that count are there */
	const char *reason;		/* why not, when !present */
	enum cpu_vendor vendor;

	/* Intel: CPUID.0AH (SDM Vol3B Figure 20-1, Table 20-1) */
	struct cpuid_regs leaf_0a;
	u32 version;			/* EAX[7:0] */
	u32 gp_counters;		/* EAX[15:8] */
	u32 gp_width;			/* EAX[23:16] */
	u32 events_len;			/* EAX[31:24]: valid bits of EBX */
	u32 events_avail;		/* ~EBX, masked to events_len */
	u32 fixed_counters;		/* EDX[4:0], version > 1 */
	u32 fixed_width;		/* EDX[12:5], version > 1 */
	u32 fixed_bitmap;		/* ECX, version >= 5 */
	bool pdcm;			/* CPUID.1:ECX[15] */
	int perf_cap_err;		/* 0 when perf_capabilities was read */
	u64 perf_capabilities;		/* IA32_PERF_CAPABILITIES */

	/* AMD: CPUID 80000001H and 80000022H (APM Vol3 E.4) */
	bool perfctr_core;		/* 80000001H:ECX[23]: 6 counters at 0xc0010200 */
	bool perfmon_v2;		/* 80000022H:EAX[0] */
	struct cpuid_regs leaf_80000022;
	u32 amd_counters;		/* how many the CPU says it has */
	const char *amd_counters_src;	/* which enumeration said so */
	enum amd_probe {
		AMD_PROBE_NONE,		/* not an AMD CPU */
		AMD_PROBE_OK,		/* PERF_CTR0 held the pattern */
		AMD_PROBE_IN_USE,	/* PERF_CTL0 enabled: not touched */
		AMD_PROBE_DIFFERS,	/* read back something else */
		AMD_PROBE_FAULT,	/* the MSR access faulted */
		AMD_PROBE_SKIPPED,	/* config skip=pmu: nothing written */
	} amd_probe;			/* write/read-back of PERF_CTR0 */
	int amd_probe_err;
};

/*
 * The counting interface both drivers implement (pmu_intel.c, pmu_amd.c).
 * Counters are numbered as IA32_PERF_GLOBAL_CTRL numbers them: general-purpose
 * counter i is i, fixed counter j is PMC_FIXED + j (AMD has no fixed ones).
 * Every call returns 0 or an HW_ERR_* code (exception.h): HW_ERR_NOT_SUPPORTED
 * when this PMU has no such register (global status on Intel v1, AMD before PerfMonV2).
 */
#define PMC_FIXED	32
#define PMC_GP_MAX	16	/* more than any CPUID.0AH or 80000022H reports */
#define PMC_FIXED_MAX	8

#define PMC_OS		BIT(0)	/* count at CPL 0 */
#define PMC_USR		BIT(1)	/* count at CPL > 0 */
#define PMC_INT		BIT(2)	/* PMI on overflow */
#define PMC_NO_EN	BIT(3)	/* leave the counter's own enable clear (a check) */
#define PMC_IN_TX	BIT(4)	/* Intel TSX: count inside transactions only */
#define PMC_IN_TXCP	BIT(5)	/* and not what aborted ones counted */

struct pmu_ops {
	const char *name;
	/* Stops the counter, zeroes it and writes its selector (config: the
	 * event bits, events.h); it counts only once start() names it. */
	int (*program)(const struct pmu_caps *pc, unsigned idx, u64 config, u32 flags);
	/* Starts the counters in mask -- one set at a time owns the PMU: a
	 * single WRMSR of the global control where the PMU has one (the set
	 * starts at one instruction), else each selector's EN bit in turn. */
	int (*start)(const struct pmu_caps *pc, u64 mask);
	/* Stops the counters in mask (with a global control: all of them). */
	int (*stop)(const struct pmu_caps *pc, u64 mask);
	int (*read)(const struct pmu_caps *pc, unsigned idx, u64 *val);
	/* Presets a counter (width-truncated as the hardware does). */
	int (*write)(const struct pmu_caps *pc, unsigned idx, u64 val);
	/* Clears the selector: the counter no longer counts. */
	int (*release)(const struct pmu_caps *pc, unsigned idx);
	int (*ovf_status)(const struct pmu_caps *pc, u64 *status);
	int (*ovf_clear)(const struct pmu_caps *pc, u64 bits);
	/* The ECX that RDPMC takes for counter idx. */
	u32 (*rdpmc_index)(unsigned idx);
	/* MSR_OFFCORE_RSP_n (Intel, n < 2) for OFFCORE_RESPONSE events. */
	int (*set_extra)(const struct pmu_caps *pc, unsigned n, u64 val);
};

extern const struct pmu_ops pmu_intel_ops, pmu_amd_ops;

/* The driver for this PMU, or NULL when none is present. */
const struct pmu_ops *pmu_ops(const struct pmu_caps *pc);

static inline unsigned pmu_gp_count(const struct pmu_caps *pc)
{
	unsigned n = pc->vendor == VENDOR_INTEL ? pc->gp_counters : pc->amd_counters;

	return n < PMC_GP_MAX ? n : PMC_GP_MAX;
}

/* SDM Vol3B 20.2.5: from version 5, fixed counter j exists when ECX bit j is
 * set or j is below EDX[4:0]. Version 1 has none that CPUID describes. */
static inline bool pmu_fixed_exists(const struct pmu_caps *pc, unsigned j)
{
	if (pc->vendor != VENDOR_INTEL || pc->version < 2 || j >= PMC_FIXED_MAX)
		return false;
	return j < pc->fixed_counters || (pc->version >= 5 && (pc->fixed_bitmap & BIT(j)));
}

/* Whether one global register gates every counter (Intel v2+, AMD PerfMonV2). */
static inline bool pmu_has_global(const struct pmu_caps *pc)
{
	return pc->vendor == VENDOR_INTEL ? pc->version >= 2 : pc->perfmon_v2;
}

/* The values counter idx holds: (1 << width) - 1; AMD counters are 48 bits
 * (APM Vol2 13.2.1). */
static inline u64 pmu_counter_mask(const struct pmu_caps *pc, unsigned idx)
{
	u32 width = 48;

	if (pc->vendor == VENDOR_INTEL)
		width = idx >= PMC_FIXED ? pc->fixed_width : pc->gp_width;
	return width >= 64 ? ~0ull : (1ull << width) - 1;
}
/* "gp3", "fixed0" */
const char *pmu_counter_name(unsigned idx, char *buf, size_t size);

/* Needs the owned world: reads IA32_PERF_CAPABILITIES, probes AMD counters. */
void pmu_probe(const struct cpu_info *ci, struct pmu_caps *pc);
/* config skip=pmu: what CPUID and reads say, without the AMD write probe,
 * and no counter is used (present=0 reason=skipped-by-config). */
void pmu_probe_no_writes(const struct cpu_info *ci, struct pmu_caps *pc);
void pmu_report(const struct cpu_info *ci, const struct pmu_caps *pc);
/* Resolves name for this CPU and PMU (event_resolve.c); ev->reason says when
 * it cannot be counted. */
void event_resolve(const struct cpu_info *ci, const struct pmu_caps *pc,
		   const char *name, size_t len, struct event *ev);
/* perf's name for architectural event i (CPUID.0AH.EBX bit i). */
const char *pmu_arch_event_name(unsigned i);

#endif
