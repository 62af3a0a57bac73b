/* The function tracer's boot step and suite=ftrace (ftrace_suite.c). */
#ifndef PMULAB_FTRACE_SUITE_H
#define PMULAB_FTRACE_SUITE_H

#include "kernel-side/bench/bench.h"
#include "kernel-side/ftrace/ftrace.h"

struct ftrace_env {
	u64 image_base;
	const u8 *text, *etext;		/* the image's code, for its checksum */
	u64 tsc_hz;			/* for the trace's timestamps; 0 unknown */
	const char *filter, *notrace;	/* which functions the tracers hook */
	bool overwrite;			/* a full ring drops its oldest entry, else stops */
	const struct cpu_info *ci;
	const struct pmu_caps *pc;
	const char *events;
	u32 icount_shift;		/* BENCH_NO_ICOUNT when not under -icount */
};

/* Owned-world bodies; arg is a struct ftrace_env *. */
void ftrace_boot(void *arg);
void ftrace_suite_run(void *arg);

#endif
