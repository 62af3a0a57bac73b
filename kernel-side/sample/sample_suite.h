/* suite=sample (sample_suite.c): the sampler on a workload whose profile is
 * known (microbench/sampled.c), then its samples as records. */
#ifndef PMULAB_SAMPLE_SUITE_H
#define PMULAB_SAMPLE_SUITE_H

#include "kernel-side/cpu/apic.h"
#include "kernel-side/bench/bench.h"
#include "kernel-side/sample/sample.h"
#include "lib/config.h"

/* Samples the buffer holds: a run at the default period under TCG takes
 * about 1700 (docs/sampling.md); more are counted as lost. */
#define SAMPLE_BUF_MAX 4096

struct sample_env {
	u64 image_base;
	u64 text_lo, text_hi;		/* the image's code */
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	const struct apic_info *apic;
	const struct lbr_caps *lc;	/* PMI samples carry the LBR when present */
	const char *events;		/* for the workload's bench */
	u32 icount_shift;		/* BENCH_NO_ICOUNT when not under -icount */
	enum sample_want want;
	u32 period;
	bool random;
	u64 seed;
	struct sample *buf;		/* UEFI pages, SAMPLE_BUF_MAX or fewer */
	unsigned max;
};

/* Owned-world body; arg is a struct sample_env *. */
void sample_suite_run(void *arg);

#endif
