/* Running one bench of the plan (lib/suites.h) in the owned world: a bench
 * record, counter records and an exact icount check for each. */
#ifndef PMULAB_SUITE_RUN_H
#define PMULAB_SUITE_RUN_H

#include "kernel-side/bench/bench.h"
#include "kernel-side/pmu/pmu.h"
#include "lib/suites.h"

struct suite_env {
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	const char *events;
	u32 icount_shift;		/* BENCH_NO_ICOUNT when not under -icount */
	u64 seed;
	u8 *mem;			/* for chase and stream (UEFI pages) */
	u64 mem_size;
};

struct suite_job {
	const struct suite_env *env;
	const struct suite_spec *spec;
};

/* The owned-world body for one bench: arg is a struct suite_job *. */
void suite_run_bench(void *arg);

#endif
