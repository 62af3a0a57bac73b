/* suite=probes (probes_suite.c): INT3 probes, return probes and hardware
 * breakpoints on functions of known behaviour, each checked, and what a hit
 * costs -- exactly, in instructions, under QEMU -icount. */
#ifndef PMULAB_PROBES_SUITE_H
#define PMULAB_PROBES_SUITE_H

#include "kernel-side/bench/bench.h"

struct probes_env {
	u64 image_base;
	const u8 *text, *etext;		/* the image's code, for its checksum */
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	const char *events;
	u32 icount_shift;		/* BENCH_NO_ICOUNT when not under -icount */
};

/* The owned-world body; arg is a struct probes_env *. */
void probes_suite_run(void *arg);

/* After the section, however it ended: every probe out, the debug
 * registers as they were found. */
void probes_cleanup(void);

/* Shared by the suite's files (probes_suite.c, probes_ret.c, probes_dr.c). */
/* Calls of tr_leaf with a probe counted: as many as `pmulab linux --probes`
 * makes by default (--calls 10000, 3 timed passes), so `pmulab compare`
 * pairs equal hit counts. */
#define CALLS_N		30000

struct kretprobe;
extern const struct probes_env *ps_env;
void ps_sym(u64 addr, char *buf, size_t size);		/* func+0xoff */
bool ps_reg_ret(const char *name, struct kretprobe *rp);	/* with a check */
/* The checks of each part; each returns the hits of its tr_leaf run. */
u64 ps_run_kretprobes(void);
u64 ps_run_dr(void);

#endif
