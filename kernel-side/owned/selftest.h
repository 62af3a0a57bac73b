/* Self-checks of the owned world's own machinery: exception fixups, RDPMC's
 * behaviour against what CPUID promised, and the state restored on leaving.
 * Also the deliberate unexpected exception (config inject_fault) that proves
 * a crash is reported and the run still ends cleanly. */
#ifndef PMULAB_SELFTEST_H
#define PMULAB_SELFTEST_H

#include "kernel-side/owned/owned.h"
#include "lib/config.h"
#include "kernel-side/pmu/pmu.h"

struct selftest {
	int ud, gp, de;			/* accessor-style results of each fault */
	u64 fixups[3];			/* fixups counted across each */
	int rdpmc_err;
	u64 rdpmc_val;
};

/* Owned-world bodies for owned_run(): arg is a struct selftest * / an
 * enum inject_fault *. */
void selftest_run(void *arg);
void selftest_inject(void *arg);
void selftest_report(const struct selftest *st, const struct pmu_caps *pc);
void selftest_report_restore(const char *section, const struct owned_stats *os);

#endif
