/* The measurement method of kernel-side/bench/bench.c, in user space for the Linux
 * runner (pmulab linux): the same kernels set up the same way (the plan of
 * lib/suites.c), warm-up runs, then `reps` runs each measuring the
 * kernel at n2 and at n1 iterations and keeping the difference, the median
 * over runs reported; the same bench and counter records. What counts is
 * Linux perf (src=perf), or under valgrind nothing in process: callgrind
 * counts each measured call, which the runner marks with client requests. */
#ifndef PMULAB_LXBENCH_H
#define PMULAB_LXBENCH_H

#include "host/linux/perf.h"
#include "lib/suites.h"
#include "microbench/kernels.h"

enum lx_mode {
	LX_PERF,		/* perf_event_open groups */
	LX_NONE,		/* nothing counts: counters src=none reason=... */
	LX_CALLGRIND,		/* under callgrind: collect and dump each call */
};

struct lx_env {
	enum lx_mode mode;
	struct perf_set *ps;		/* LX_PERF */
	const char *events;		/* LX_NONE: the events that cannot count */
	const char *none_reason;	/* LX_NONE */
	u8 *mem;
	u64 mem_size, page_size, seed;
	unsigned warmup, reps;
};

/* The kernel's argument for sp, set up in env's memory or in *store (which
 * must outlive the calls); NULL *skip when it cannot run (skip says why). */
struct lx_arg {
	struct mb_chase_arg ch;
	struct mb_stream_arg st;
	struct mb_branch_arg br;
};
const void *lx_setup(const struct suite_spec *sp, const struct lx_env *env,
		     struct lx_arg *store, const char **skip);

/* Measures plan entry `index` and writes its bench record and counter
 * records (record.h's writer). */
void lx_bench(const struct suite_spec *sp, unsigned index, const struct lx_env *env);

#endif
