/* The general-purpose counter helpers both drivers share (pmu_intel.c,
 * pmu_amd.c): IA32_PERFEVTSELx and AMD PERF_CTLn lay out USR, OS, INT and EN
 * alike (SDM Vol3B Figure 20-6, APM Vol2 Figure 13-7). */
#ifndef PMULAB_PMC_H
#define PMULAB_PMC_H

#include "kernel-side/pmu/pmu.h"

/* The selector for config (masked to config_mask) with flags (PMC_*). */
u64 pmu_selector(u64 config, u64 config_mask, u32 flags);
/* Stops counter sel/ctr, zeroes it, writes its selector. */
int pmu_program_gp(u32 sel_msr, u32 ctr_msr, u64 sel);
/* Sets or clears EN in the selector of each counter of mask, in turn. */
int pmu_set_enable(const struct pmu_caps *pc, u64 mask, bool on,
		   u32 (*sel_msr)(const struct pmu_caps *pc, unsigned idx));

#endif
