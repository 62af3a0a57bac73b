/* The counting API every benchmark uses: resolve a list of perf-named events,
 * split them into groups that fit the counters (multiplexing when they do not
 * all fit), then program a group, start, stop and read it around a measured
 * region. The drivers underneath are pmu_intel.c and pmu_amd.c. */
#ifndef PMULAB_COUNT_H
#define PMULAB_COUNT_H

#include "kernel-side/pmu/pmu.h"

#define COUNT_EVENTS_MAX	24

struct count_slot {
	struct event ev;
	bool counted;		/* has a counter: ev.reason is NULL */
	unsigned group;		/* the group that counts it */
	unsigned idx;		/* its counter (PMC_FIXED + j for fixed j) */
	int extra;		/* MSR_OFFCORE_RSP_n it uses, or -1 */
};

struct count_set {
	const struct pmu_caps *pc;
	const struct pmu_ops *ops;	/* NULL: no PMU, nothing counts */
	unsigned n, ngroups;
	unsigned dropped;		/* names beyond COUNT_EVENTS_MAX */
	struct count_slot slot[COUNT_EVENTS_MAX];
	u64 mask[COUNT_EVENTS_MAX];	/* counters of each group */
	bool held;			/* count_start() holds narration (msr.h) */
};

/* Resolves a comma-separated list ("cycles,instructions,raw:0x1c4") and
 * assigns counters: an event a fixed counter counts goes there first, the
 * others to the first group with a free general-purpose counter (and a free
 * OFFCORE_RSP register when they need one). */
void count_init(struct count_set *s, const struct cpu_info *ci,
		const struct pmu_caps *pc, const char *list);

/* Stops the PMU, then programs and zeroes group g's counters. */
int count_program(struct count_set *s, unsigned g);

/* Start and stop group g: one WRMSR each where the PMU has a global control.
 * LFENCE keeps earlier instructions out of the counted region and later ones
 * from starting before the counters stop (SDM Vol3A 8.3 "LFENCE ... does not
 * execute until all prior instructions have completed locally"). */
int count_start(struct count_set *s, unsigned g);
int count_stop(struct count_set *s, unsigned g);

/* Reads group g's counters into val[slot] (slots of other groups untouched). */
int count_read(struct count_set *s, unsigned g, u64 *val);

/* Clears every selector the set used. */
void count_release(struct count_set *s);

#endif
