/* The Linux runner without a PMU (pmulab linux, docs/crosscheck.md): the
 * runner runs itself under valgrind. callgrind, one process for the whole
 * plan, counts every measured kernel call exactly (the runner dumps a
 * profile part per call, host/linux/lxbench.c): instructions src=valgrind.
 * cachegrind, two processes a bench (one kernel call of n1 iterations, one
 * of n2, no warm-up: the simulation is deterministic, so cold-start costs
 * are the same in both and cancel in the difference), gives the kernel
 * functions' simulated branches, mispredicts and cache misses: src=model. */
#ifndef PMULAB_VALGRIND_H
#define PMULAB_VALGRIND_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/suites.h"

/* The cache geometry cachegrind simulates (size, associativity, line):
 * a Skylake client's L1s and an 8 MiB LLC, given explicitly so results do
 * not depend on the host's CPUID. Recorded in every src=model counter. */
#define VG_I1	"32768,8,64"
#define VG_D1	"32768,8,64"
#define VG_LL	"8388608,16,64"

struct vg_run {
	const char *self;		/* this program */
	const char *dir;		/* DIR/valgrind: profiles and logs */
	char **child_args;		/* "linux" and the plan's options, NULL-ended */
	const char *events;		/* --events: those no tool models say so */
	const struct suite_spec *plan;
	unsigned nplan, warmup;
	double callgrind_s, cachegrind_s;	/* wall time spent */
	unsigned processes;
};

/* valgrind's version ("valgrind-3.19.0") into buf; false when it does not run. */
bool vg_available(char *buf, size_t len);

/* Runs the whole plan under callgrind, then cachegrind per bench, and writes
 * the records: each bench record of the callgrind run, then its counters.
 * Returns 0, or -1 after saying why on stderr and in an error record. */
int vg_measure(struct vg_run *v);

#endif
