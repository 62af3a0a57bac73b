/* Reading what valgrind wrote for the Linux runner (host/linux/valgrind.c):
 * the per-region instruction totals of a callgrind profile whose parts were
 * dumped by client request, and the per-function event counts of a
 * cachegrind profile. Pure text parsing, unit-tested
 * (tests/unit/host/test_vg.c). */
#ifndef PMULAB_VGPARSE_H
#define PMULAB_VGPARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The label the runner gives each dump: "pmulab <bench> <run> <n>". */
#define VG_LABEL "pmulab"

struct vg_region {
	unsigned bench, run;	/* index in the plan, run (warm-up first) */
	uint64_t n;		/* iterations of the kernel call */
	uint64_t ir;		/* instructions executed while collecting */
};

/* Every part of a --combine-dumps=yes callgrind profile whose trigger is a
 * VG_LABEL client request, in file order, into *out (malloc'd). Returns the
 * count, or -1 with err set. */
long vg_callgrind_regions(FILE *f, struct vg_region **out, char *err, size_t errlen);

#define VG_EVENTS_MAX	16
#define VG_EVENT_NAME	8

struct vg_costs {
	unsigned n;
	char name[VG_EVENTS_MAX][VG_EVENT_NAME];	/* Ir I1mr ... as "events:" says */
	uint64_t val[VG_EVENTS_MAX];
	unsigned fns;		/* fn= blocks that matched */
};

/* The sum over the cost lines of every fn= that want() accepts. Returns 0,
 * or -1 with err set (no events: line, a malformed cost line). */
int vg_cachegrind_sum(FILE *f, bool (*want)(const char *fn, void *ctx), void *ctx,
		      struct vg_costs *c, char *err, size_t errlen);
/* The named event's total; false when the profile has no such event. */
bool vg_cost(const struct vg_costs *c, const char *name, uint64_t *v);

#endif
