/* Performance-monitoring capabilities, probed once (SDM Vol3B 20.2 "Architectural
 * Performance Monitoring"; AMD APM Vol2 13.2 "Performance Monitoring Counters"). */
#ifndef PMULAB_PMU_H
#define PMULAB_PMU_H

#include "cpuinfo.h"

/* CPUID.0AH.EBX bit i set means architectural event i is NOT available. */
#define ARCH_EVENT_MAX 8

struct pmu_caps {
	bool present;			/* counters that count are there */
	const char *reason;		/* why not, when !present */

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
	} amd_probe;			/* write/read-back of PERF_CTR0 */
	int amd_probe_err;
};

/* Needs the owned world: reads IA32_PERF_CAPABILITIES, probes AMD counters. */
void pmu_probe(const struct cpu_info *ci, struct pmu_caps *pc);
void pmu_report(const struct cpu_info *ci, const struct pmu_caps *pc);
/* perf's name for architectural event i (CPUID.0AH.EBX bit i). */
const char *pmu_arch_event_name(unsigned i);

#endif
