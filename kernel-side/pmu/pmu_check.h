/* suite=pmu-check: the PMU validates itself, after kvm-unit-tests x86/pmu.c.
 * Each verdict is a `check` record; missing hardware is a skip with the
 * reason, never a fail. Under QEMU's -icount the exact instruction count of
 * each known loop is checked through RDTSC too (src=icount). */
#ifndef PMULAB_PMU_CHECK_H
#define PMULAB_PMU_CHECK_H

#include "kernel-side/lab/lab.h"
#include "microbench/kernels.h"
#include "kernel-side/owned/owned.h"

/* A kernel of the catalogue and the code that runs it: mb_entry(k), or a
 * model of it in the unit tests. */
struct pmu_check_kernel {
	const struct mb_kernel *k;
	mb_fn *fn;
	const void *arg;	/* fn's argument */
};

/* The workloads of the checks that need more than a loop. */
struct pmu_check_work {
	/* A branch that goes a random way each iteration: branch misses. */
	struct pmu_check_kernel miss;
	/* flush(n, line): per iteration the line flushed and loaded again,
	 * one load that misses every cache (mb_flush_load). */
	mb_fn *flush;
	const void *line;
	/* tx(n, NULL): per iteration a transaction that commits and one that
	 * aborts (mb_tx); called only where CPUID says RTM. */
	mb_fn *tx;
};

/* The owned-world body: arg is the const struct lab; the kernels are the
 * known-length loops (microbench/loops.asm). */
void pmu_check_run(void *arg);
/* The suite on kernels of exact per-iteration counts; the first drives the
 * hardware checks. */
void pmu_check(const struct lab *lab, const struct pmu_check_kernel *kernels, unsigned n,
	       const struct pmu_check_work *work);

/* check name=pmu.rdpmc.invalid: RDPMC of a counter no CPU has raises #GP.
 * Needs no PMU (and runs without one); skips where RDPMC itself is #UD. */
void pmu_check_rdpmc_invalid(void);

/* check name=msr-restore: every MSR the suite wrote read back as it was. */
void pmu_check_report_restore(const struct owned_stats *os);

#endif
