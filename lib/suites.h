/* Benchmark suites (config suite=quick|full, benches=...): the plan of what
 * to measure. The payload runs each bench in its own owned section
 * (kernel-side/bench/suite_run.h), the Linux runner in a process. */
#ifndef PMULAB_SUITES_H
#define PMULAB_SUITES_H

#include "lib/catalog.h"

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

#endif
