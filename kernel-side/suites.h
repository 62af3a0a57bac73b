/* Benchmark suites (config suite=quick|full, benches=...): the plan of what
 * to measure, each bench run in its own owned section, and a bench record,
 * counter records and an exact icount check for each. */
#ifndef PMULAB_SUITES_H
#define PMULAB_SUITES_H

#include "bench.h"
#include "kernels.h"

#define SUITE_PLAN_MAX	160
#define SUITE_NAME_MAX	32

struct suite_spec {
	char name[SUITE_NAME_MAX];
	const char *suite;		/* "quick", "full" or "custom" */
	const struct mb_kernel *k;
	u64 ws, stride;			/* chase, stream: bytes */
	enum mb_pattern pattern;	/* branch */
	u64 period;			/* branch */
	u64 depth;			/* calls */
	u64 n;				/* n1 = n, n2 = 2n */
	bool single;			/* the method's overhead: one measurement */
};

struct suite_env {
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	const char *events;
	u32 icount_shift;		/* BENCH_NO_ICOUNT when not under -icount */
	u64 seed;
	u8 *mem;			/* for chase and stream (UEFI pages) */
	u64 mem_size;
};

/* The benches of quick (a few seconds under TCG) or full, then those of a
 * benches= list; returns how many went into plan. */
unsigned suite_plan(bool quick, bool full, const char *benches, struct suite_spec *plan,
		    unsigned max);

/* Bytes of memory the plan's largest working set needs. */
u64 suite_memory(const struct suite_spec *plan, unsigned n);

/* One entry of benches=: family[:value] -- chase:64KiB, stream:4160 or
 * stream:4160@16MiB, branch:always|alternate|random|K, calls:D, loop, nop8,
 * add-dep, add-indep, empty. NULL when fine, else why not. */
const char *suite_parse_bench(const char *s, size_t len, struct suite_spec *spec);
/* For the config parser: every entry of a comma-separated list. */
bool suite_check_benches(const char *list, char *detail, size_t dlen);

struct rec;
/* The bench record's fields about the kernel and its setting: family, what,
 * unit, the exact per-iteration counts, and the parameter (ws, stride, buf,
 * page_size, pattern, period, depth, seed) -- payload and Linux runner alike. */
void suite_describe(struct rec *r, const struct suite_spec *sp, u64 buf, u64 page_size,
		    u64 seed);

struct suite_job {
	const struct suite_env *env;
	const struct suite_spec *spec;
};

/* The owned-world body for one bench: arg is a struct suite_job *. */
void suite_run_bench(void *arg);

#endif
