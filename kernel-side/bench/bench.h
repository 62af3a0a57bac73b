/* The measurement method, after nanoBench (Abel & Reineke, "nanoBench: A
 * Low-Overhead Tool for Running Microbenchmarks on x86 Systems", 2020):
 * each run measures the kernel at two iteration counts n1 < n2 with the same
 * counters and keeps the difference, which cancels the cost of starting,
 * stopping and reading the counters exactly -- the result is what n2 - n1
 * iterations cost. Warm-up runs first; then every counter group (count.h)
 * gets `reps` runs, round-robin, so events that did not fit the counters
 * together are multiplexed across runs and carry enabled/running times. */
#ifndef PMULAB_BENCH_H
#define PMULAB_BENCH_H

#include "kernel-side/pmu/count.h"

#define BENCH_REPS_MAX	64

struct rec;

struct bench {
	const char *name;
	const char *suite;
	void (*fn)(u64 n, const void *arg);	/* the kernel, n iterations */
	const void *arg;
	u64 n1, n2;
	unsigned warmup, reps;	/* reps: runs per counter group */
	/* One measurement at n1, nothing subtracted: what a measurement of
	 * n1 iterations costs, the method's own overhead included. */
	bool single;
	/* Adds the bench's own fields to its record (may be NULL). */
	void (*describe)(struct rec *r, const void *ctx);
	const void *ctx;
};

/* Statistics of one event over the runs that counted it (counts for
 * n2 - n1 iterations, or n1 when single; signed: noise can make a
 * difference negative). */
struct bench_stat {
	unsigned runs;
	s64 min, median, max, total;
	u64 enabled, running;	/* TSC ticks: of every run / of the runs counting it */
};

struct bench_result {
	unsigned runs;		/* measured runs, warm-up excluded */
	int err;		/* first driver error, 0 if none */
	struct bench_stat ev[COUNT_EVENTS_MAX];
	struct bench_stat tsc;	/* TSC ticks for n2 - n1 (single: n1) iterations */
	/* The first measured region (bench.c's markers): run k, warm-up
	 * included, is region0 + 2k (n2) and region0 + 2k + 1 (n1), or
	 * region0 + k when single. */
	u64 region0;
};

/* Runs b, counting the events of s (which may count nothing: then only the
 * TSC is measured). */
/* A bench fn: n calls of the u64 (*)(u64) function arg, each taking the
 * last one's result, so none can be dropped or overlapped away. */
void bench_call_loop(u64 n, const void *arg);

void bench_run(const struct bench *b, struct count_set *s, struct bench_result *r);

#define BENCH_NO_ICOUNT	0xffffffffu

/* Instructions for n2 - n1 iterations from the TSC under QEMU -icount
 * (2^shift ticks each): true only when every run agreed and the ticks are a
 * whole number of instructions. */
bool bench_icount(const struct bench_result *r, u32 shift, u64 *insns);

/* A `bench` record, a `counter` record for each event of s (src=pmu, or
 * src=none with the reason) and, under -icount, instructions src=icount. */
void bench_report(const struct bench *b, const struct count_set *s,
		  const struct bench_result *r, u32 icount_shift);

/* perf's scaling for a multiplexed event: total * enabled / running, signed
 * as the total of n2 - n1 differences is. */
s64 bench_scaled(const struct bench_stat *st);

#endif
