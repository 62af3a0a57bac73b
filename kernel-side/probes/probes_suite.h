/* suite=probes (probes_suite.c): INT3 probes, return probes and hardware
 * breakpoints on functions of known behaviour, each checked, and what a hit
 * costs -- exactly, in instructions, under QEMU -icount. */
#ifndef PMULAB_PROBES_SUITE_H
#define PMULAB_PROBES_SUITE_H

#include "kernel-side/lab/lab.h"

/* The section's hooks (kernel-side/lab/section.h): skip=probes says so
 * and leaves it out; after it, however it ended, every probe is out and
 * the debug registers are as they were found. */
bool probes_begin(const struct lab *lab);
void probes_cleanup(const struct lab *lab);
/* The owned-world body; arg is the const struct lab. */
void probes_suite_run(void *arg);

/* Shared by the suite's files (probes_suite.c, probes_ret.c, probes_dr.c,
 * probes_paths.c). */
/* Calls of tr_leaf with a probe counted: as many as `pmulab linux --probes`
 * makes by default (--calls 10000, 3 timed passes), so `pmulab compare`
 * pairs equal hit counts. */
#define CALLS_N		30000

struct kretprobe;
bool ps_reg_ret(const char *name, struct kretprobe *rp);	/* with a check */
/* The checks of each part; each returns the hits of its tr_leaf run. */
u64 ps_run_kretprobes(void);
u64 ps_run_dr(const struct lab *lab);
/* The #DB cases, kvm-unit-tests x86/debug.c's properties (probes_db.c). */
void ps_run_db(const struct lab *lab);
/* The ftrace and jump-optimized paths (probes_paths.c): the hits of their
 * tr_leaf runs. */
void ps_run_paths(const struct lab *lab, u64 *ftrace_hits, u64 *opt_hits);

#endif
