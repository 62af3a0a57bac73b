/* suite=sample (sample_suite.c): the sampler on a workload whose profile is
 * known (microbench/sampled.c), then its samples as records. */
#ifndef PMULAB_SAMPLE_SUITE_H
#define PMULAB_SAMPLE_SUITE_H

#include "kernel-side/lab/lab.h"

/* Samples the buffer holds: a run at the default period under TCG takes
 * about 1700 (docs/sampling.md); more are counted as lost. */
#define SAMPLE_BUF_MAX 4096

/* The section's hooks (kernel-side/lab/section.h): the sample buffer from
 * the platform's pages before, given back after. */
bool sample_begin(const struct lab *lab);
void sample_end(const struct lab *lab);
/* Owned-world body; arg is the const struct lab. */
void sample_suite_run(void *arg);

#endif
