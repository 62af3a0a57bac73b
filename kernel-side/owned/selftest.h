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

/* Owned-world body for owned_run(): arg is a struct selftest *. */
void selftest_run(void *arg);
void selftest_report(const struct selftest *st, const struct pmu_caps *pc);
/* The owned.restore check: what leaving restored (*os) and, from ftrace-init
 * on, the function-tracer sites not as it left them (fentry_changed; -1
 * before it). */
void selftest_report_restore(const char *section, const struct owned_stats *os,
			     int fentry_changed);

/* inject_fault= in the middle of a section (inject_at=): the runner arms it,
 * and each place named in INJECT_AT_LIST calls the point with its name. */
void selftest_inject_arm(enum inject_fault f, enum inject_at at);
bool selftest_inject_here(enum inject_at at);	/* armed for at */
void selftest_inject_point(enum inject_at at);

#endif
