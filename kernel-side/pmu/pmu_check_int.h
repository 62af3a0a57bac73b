/* What the files of suite=pmu-check share: the known loop, a counted run of
 * it and the difference of two runs that makes counts exact (pmu_check_run.c),
 * and the checks pmu_check.c runs (pmu_check_count.c, _regs.c, _ovf.c, _pmi.c). */
#ifndef PMULAB_PMU_CHECK_INT_H
#define PMULAB_PMU_CHECK_INT_H

#include "kernel-side/pmu/pmu_check.h"

#define N1		1000
#define N2		3000
/* More than starting, stopping and reading a counter can take: a counter
 * that wrapped or was rewritten holds less than its loop's count plus this. */
#define OVERHEAD_MAX	4096
/* The fixed counters whose events the SDM fixes (Vol3B Table 20-2):
 * instructions, core cycles, reference cycles. Fixed counter 3 (topdown
 * slots) has no expectation a loop can give. */
#define FIXED_CHECKED	3
#define PROG_MAX	(PMC_GP_MAX + FIXED_CHECKED)

struct prog {
	unsigned idx;
	u64 config;
	u32 flags;
};

struct ctx {
	const struct lab *lab;
	const struct pmu_caps *pc;
	const struct pmu_ops *ops;
	const struct mb_kernel *k;
	mb_fn *fn;		/* k's code */
	const void *arg;	/* and its argument */
	u64 insns, branches;	/* exact, for N2 - N1 iterations of k */
	const struct pmu_check_work *work;	/* the other workloads */
};

/* A fail with the driver's error (error=#GP, ...). */
void pmu_check_error(const char *name, int err);
/* Programs p[0..n) (n <= PROG_MAX), starts the counters in start, runs the
 * kernel for iters, stops, reads each into val[]. */
int pmu_check_once(struct ctx *c, const struct prog *p, unsigned n, u64 start,
		   u64 iters, u64 *val);
/* Counts for N2 - N1 iterations: the difference of two runs. */
int pmu_check_diff(struct ctx *c, const struct prog *p, unsigned n, u64 start, u64 *diff);
/* The event bits of a perf event name; false when this CPU cannot count it. */
bool pmu_check_resolve(struct ctx *c, const char *name, u64 *config);
/* The range a loop of c->insns instructions gives for fixed counter j
 * (instructions exactly; core and reference cycles within what any core's
 * width and clocks allow). */
void pmu_check_fixed_range(const struct ctx *c, unsigned j, u64 *lo, u64 *hi);

/* Counts left before a preset counter wraps (pmu_check_ovf.c). */
#define OVF_MARGIN	100
/* Counter idx's value OVF_MARGIN below its wrap. */
u64 pmu_check_wrap_preset(const struct ctx *c, unsigned idx);
/* Counter idx on config with flags (PMC_*), preset OVF_MARGIN below its
 * wrap, counts N2 iterations; *v is what it holds after. */
int pmu_check_wrap(struct ctx *c, unsigned idx, u64 config, u32 flags, u64 *v);

/* The checks, by what they look at. */
void pmu_check_counting(struct ctx *c);		/* pmu_check_count.c */
void pmu_check_registers(struct ctx *c);	/* pmu_check_regs.c */
void pmu_check_overflow(struct ctx *c);		/* pmu_check_ovf.c */
void pmu_check_pmi(struct ctx *c);		/* pmu_check_pmi.c */
void pmu_check_llc(struct ctx *c);		/* pmu_check_llc.c */
/* Runs with or without a PMU: RTM is looked for first (pmu_check_tsx.c). */
void pmu_check_tsx(struct ctx *c);

#endif
