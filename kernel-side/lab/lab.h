/* The lab: what every section of a run works with, in one place -- the
 * config, what the caps section found, the image's bounds and what the
 * firmware does for the sections. Built once: the firmware's part before
 * the run, the capabilities by the caps section, read-only after that.
 * Every suite and lesson takes it (const struct lab *). */
#ifndef PMULAB_LAB_H
#define PMULAB_LAB_H

#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/cache.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/owned/owned.h"
#include "kernel-side/lbr/lbr.h"
#include "kernel-side/pmu/pmu.h"
#include "lib/config.h"

/* The loaded image (firmware/pmulab.lds): symbols are named relative to its
 * base; its code is [text_lo, text_hi). */
struct lab_image {
	u64 base, text_lo, text_hi;
};

/* What the sections need from UEFI, done by the firmware between sections
 * (never inside one). */
struct lab_platform {
	/* Up to want bytes of pages: as much of it as the firmware gives,
	 * halving the request down to a page; NULL with *got 0 when none. */
	void *(*pages)(u64 want, u64 *got);
	void (*free_pages)(void *p, u64 size);
	/* The records so far to the results file (and the console without a
	 * UART), so a later fault loses none of them. */
	void (*flush)(void);
	/* Between a lesson's steps: a key, or a while, on real hardware;
	 * nothing under QEMU. */
	void (*pause)(void);
};

struct lab {
	const struct config *cfg;
	/* The config's settings as the mechanisms take them. */
	const char *events;		/* perf event names for counter records */
	u32 icount_shift;		/* BENCH_NO_ICOUNT when not under -icount */
	u64 seed;
	/* Found by the caps section. */
	struct cpu_info cpu;
	struct cache_info cache;
	struct pmu_caps pmu;
	struct lbr_caps lbr;
	struct debug_caps dbg;
	struct apic_info apic;
	/* From the firmware. */
	u64 tsc_hz;			/* for trace timestamps; 0 unknown */
	bool on_qemu;			/* hello boot=qemu */
	struct lab_image image;
	struct lab_platform platform;
};

/* The run (run.c): every section the config selects, in the table's order
 * (sections.c). lab has its config, image, platform, tsc_hz and on_qemu;
 * the run fills in the rest. */
void lab_run(struct lab *lab);

/* An exception no fixup covered, in section: the `error kind=exception`
 * record. nested: it came while a section was being left (the firmware's
 * panic). */
void lab_report_fault(const struct lab *lab, const char *section,
		      const struct fault_info *f, bool nested);

#endif
