/* suite=pmu-check: the PMU validates itself, after kvm-unit-tests x86/pmu.c.
 * Each verdict is a `check` record; missing hardware is a skip with the
 * reason, never a fail. Under QEMU's -icount the exact instruction count of
 * each known loop is checked through RDTSC too (src=icount). */
#ifndef PMULAB_PMU_CHECK_H
#define PMULAB_PMU_CHECK_H

#include "kernel-side/bench/bench.h"
#include "microbench/kernels.h"
#include "kernel-side/cpu/owned.h"

/* A kernel of the catalogue and the code that runs it: mb_entry(k), or a
 * model of it in the unit tests. */
struct pmu_check_kernel {
	const struct mb_kernel *k;
	mb_fn *fn;
};

struct pmu_check_env {
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	/* Loops of exact per-iteration counts (microbench/loops.asm); the
	 * first drives the hardware checks. */
	const struct pmu_check_kernel *kernels;
	unsigned nkernels;
	u32 icount_shift;	/* RDTSC = 2^shift per instruction, or BENCH_NO_ICOUNT */
	const char *events;	/* the events each kernel's counter records show */
};

/* The owned-world body: arg is a struct pmu_check_env *. */
void pmu_check_run(void *arg);

/* check name=msr-restore: every MSR the suite wrote read back as it was. */
void pmu_check_report_restore(const struct owned_stats *os);

#endif
