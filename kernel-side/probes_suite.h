/* suite=probes (probes_suite.c): INT3 probes, return probes and hardware
 * breakpoints on functions of known behaviour, each checked, and what a hit
 * costs -- exactly, in instructions, under QEMU -icount. */
#ifndef PMULAB_PROBES_SUITE_H
#define PMULAB_PROBES_SUITE_H

#include "bench.h"

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

#endif
