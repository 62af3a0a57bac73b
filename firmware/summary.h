/* The summary a person sees on the machine's screen when the run ends: what
 * CPU and PMU were found, how the checks went, where the results file is.
 * On real hardware there is often no serial cable; this is what they read
 * before the machine powers off. */
#ifndef PMULAB_SUMMARY_H
#define PMULAB_SUMMARY_H

#include "firmware/exit.h"
#include "kernel-side/pmu/pmu.h"

struct summary {
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	enum run_status status;
	const char *results_file;	/* NULL: none was written */
	unsigned benches;		/* benches run */
};

/* Writes the summary to the UEFI console. Firmware world only. */
void summary_show(const struct summary *s);

#endif
