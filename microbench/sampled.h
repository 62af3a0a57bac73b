/* The sampling workload (microbench/sampled.c): hot() runs ten times the
 * loop steps of cold(), so about 89% of sampled_run's instructions are in
 * hot(), 9% in cold() and 1% in work() and sampled_run() (docs/sampling.md
 * has the exact counts; the suite measures them under icount each run and
 * reports them in its sample_workload record). */
#ifndef PMULAB_SAMPLED_H
#define PMULAB_SAMPLED_H

#include "lib/types.h"

#define SAMPLED_HOT_ITERS	240
#define SAMPLED_COLD_ITERS	24

u64 hot(u64 x);			/* SAMPLED_HOT_ITERS steps of an LCG */
u64 cold(u64 x);		/* SAMPLED_COLD_ITERS of the same steps */
u64 work(u64 x);		/* cold(hot(x)) */
u64 sampled_run(u64 x, u64 n);	/* work() n times, each on the last result */

#endif
