/* The sampled workload (microbench/sampled.c) seen from the payload: which of
 * its functions an address is in, and its exact profile by single-stepping
 * it, and its run under a sampler. Shared by suite=sample and lesson 5, which
 * both set samples against it. */
#ifndef PMULAB_SAMPLED_STEP_H
#define PMULAB_SAMPLED_STEP_H

#include "lib/types.h"

enum sampled_fn { FN_HOT, FN_COLD, FN_WORK, FN_RUN, FN_OTHER, FN_COUNT };
extern const char *const sampled_fn_names[FN_COUNT];

enum sampled_fn sampled_fn_of(u64 ip, u64 image_base);

/* Instructions per sampled_run iteration in each function: two runs
 * single-stepped with RFLAGS.TF, one iteration apart, so the loop's entry
 * and exit cancel. Owned world (it takes the #DB vector for the while). */
void sampled_step_profile(u64 image_base, u64 per_iter[FN_COUNT]);

/* The measured region, in TSC ticks: the workload for iters iterations with
 * IF=1 only around it, so a sampler's interrupts land in it and nowhere
 * else. Its own frame, so samples' call chains show where it began. */
u64 sampled_timed_run(u64 iters) __attribute__((noinline));

/* A bench fn: n iterations of the workload. */
void sampled_run_loop(u64 n, const void *arg);

#endif
