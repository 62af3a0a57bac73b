/* pmulab linux --profile (docs/profiles.md): the payload's sampling
 * workload (microbench/sampled.c, linked into this program and built with
 * frame pointers, as in the payload) profiled under Linux by
 * `perf record -g`, folded as the payload's samples fold, for pmulab
 * compare and pmulab flamegraph. */
#ifndef PMULAB_LXPROFILE_H
#define PMULAB_LXPROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include "host/report/report.h"

#define LXP_FREQ	4000	/* perf record -F: samples per CPU second */
#define LXP_CPU_MS	750	/* the child's CPU time: ~3000 samples at LXP_FREQ */

struct lxp_opts {
	const char *out;	/* NULL: runs/linux-... */
	const char *event;	/* NULL: cycles with a PMU, else cpu-clock */
	const char *call_graph;	/* fp (default), lbr or dwarf */
	long cpu;		/* -1: the one it starts on */
	enum report_format fmt;
};

/* The profile run: records, perf.data, perf.script, profile.folded in DIR.
 * The exit code. */
int lxp_run(const struct lxp_opts *o);
/* The hidden child perf records: pinned to cpu, sampled_run() in rounds
 * until it has used ms of CPU time. The exit code. */
int lxp_child(long cpu, unsigned long ms);

/* Pure helpers (lxprofile_text.c, tests/unit/host/test_lxprofile.c). */
/* The samples perf record says it wrote ("... (N samples) ]" on its
 * stderr); -1 when the line is not there. */
long long lxp_recorded(const char *log);
/* The record's src for a perf event name: "perf-" and the name without
 * perf's modifiers (cycles:u -> perf-cycles). NULL when the name is not
 * one the records can carry, with why in *why. */
const char *lxp_src(const char *event, char *buf, size_t len, const char **why);
/* NULL when call graph mode can be recorded here, else what is missing:
 * mode is fp, lbr or dwarf; pmu says a hardware PMU is there, lbr_depth is
 * the PMU's branch stack depth (its caps/branches, 0 when none). */
const char *lxp_call_graph_check(const char *mode, bool pmu, unsigned lbr_depth);
/* NULL when perf_event_paranoid level lets this process profile itself in
 * user mode (root, or a level <= 2), else what is needed. */
const char *lxp_paranoid_check(int level, bool privileged);

#endif
