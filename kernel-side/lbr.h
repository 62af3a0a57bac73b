/* Last Branch Record capabilities (SDM Vol3B 19.4-19.15 and 20.x "Arch LBR";
 * AMD APM Vol2 13.1.1.3 / PPR "LbrExtV2"), probed once. */
#ifndef PMULAB_LBR_H
#define PMULAB_LBR_H

#include "pmu.h"

struct lbr_caps {
	bool present;
	const char *reason;		/* why not, when !present */

	/* Intel legacy LBR: the format comes from IA32_PERF_CAPABILITIES, the
	 * depth and MSR addresses only from the model (Linux intel/lbr.c). */
	bool legacy;
	u32 legacy_fmt;
	u32 legacy_depth;		/* 0: model not in the table */
	u32 legacy_from, legacy_to, legacy_info;

	/* Intel Arch LBR: CPUID.7.0:EDX[19], leaf 1CH */
	bool arch;
	struct cpuid_regs leaf_1c;
	u32 arch_depth_max;		/* 8 * (highest set bit of EAX[7:0] + 1) */

	/* AMD LbrExtV2: CPUID 80000022H EAX[1], depth EBX[9:4] */
	bool amd_v2;
	u32 amd_depth;
};

void lbr_probe(const struct cpu_info *ci, const struct pmu_caps *pc, struct lbr_caps *lc);
void lbr_report(const struct cpu_info *ci, const struct lbr_caps *lc);

#endif
