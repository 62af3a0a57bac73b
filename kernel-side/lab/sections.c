/* The table of sections: a run, in order. Three for every run, then a
 * lesson's steps (lesson=N) or the suites the config names. A new suite is
 * its folder, its doc, its name in SUITE_LIST (lib/config.h) and its line
 * here; a new lesson needs no line here (lessons.c). Also the glue of the
 * sections kernel-side/cpu/ runs (caps, selftest, inject) and pmu-check's
 * report. */
#include "kernel-side/bench/suite_run.h"
#include "kernel-side/owned/selftest.h"
#include "kernel-side/ftrace/ftrace_suite.h"
#include "kernel-side/lab/section.h"
#include "kernel-side/lbr/lbr_check.h"
#include "kernel-side/lessons/lesson.h"
#include "kernel-side/pmu/pmu_check.h"
#include "kernel-side/probes/probes_suite.h"
#include "kernel-side/sample/sample_suite.h"
#include "lib/record.h"

/* What this machine has, into the lab: the one section that writes it. */
static void caps_probe(void *arg)
{
	struct lab *lab = arg;

	cpu_probe(&lab->cpu);
	cache_probe(&lab->cpu, &lab->cache);
	if (lab->cfg->skip & SKIP_PMU)
		pmu_probe_no_writes(&lab->cpu, &lab->pmu);
	else
		pmu_probe(&lab->cpu, &lab->pmu);
	if (lab->cfg->skip & SKIP_LBR)
		lab->lbr = (struct lbr_caps){ .reason = "skipped-by-config" };
	else
		lbr_probe(&lab->cpu, &lab->pmu, &lab->lbr);
	debug_probe(&lab->cpu, &lab->dbg);
	apic_probe(&lab->cpu, &lab->apic);
}

static void caps_report(const struct lab *lab)
{
	cpu_report(&lab->cpu);
	cache_report(&lab->cache);
	pmu_report(&lab->cpu, &lab->pmu);
	lbr_report(&lab->cpu, &lab->lbr);
	debug_report(&lab->dbg, &lab->apic);
}

/* check name=msr-restore after pmu-check (pmu_check.h). */
static void pmu_check_done(const struct lab *lab)
{
	struct owned_stats os;

	owned_last_stats(&os);
	pmu_check_report_restore(&os);
}

static struct selftest selftest;

static void selftest_section(void *lab)
{
	selftest_run(&selftest);
}

static void selftest_done(const struct lab *lab)
{
	selftest_report(&selftest, &lab->pmu);
}

static bool lesson_wanted(const struct config *cfg)
{
	return cfg->lesson != 0;
}

/* inject_at=inject: a section of its own for the fault. */
static bool inject_wanted(const struct config *cfg)
{
	return cfg->inject_fault != INJECT_NONE && cfg->inject_at == INJECT_AT_INJECT;
}

static void inject_section(void *lab)
{
	selftest_inject_point(INJECT_AT_INJECT);
}

const struct section lab_sections[] = {
	{ .name = "caps", .run = caps_probe, .report = caps_report },
	{ .name = "selftest", .run = selftest_section, .report = selftest_done },
	/* Every hooked function's 5 reserved bytes become the NOP, as Linux
	 * does at boot, whatever the suite. */
	{ .name = "ftrace-init", .run = ftrace_boot },
	/* lesson=N: the lesson's steps, instead of the suites. */
	{ .name = "lesson", .wanted = lesson_wanted, .begin = lesson_section_begin, .run = lesson_run_step,
	  .part = lesson_part, .cleanup = lesson_close, .last = true },
	{ .name = "pmu-check", .suites = SUITE_PMU_CHECK, .run = pmu_check_run,
	  .report = pmu_check_done },
	{ .name = "lbr-check", .suites = SUITE_PMU_CHECK, .run = lbr_check_run },
	/* suite=quick/full and benches=: one part per bench, so a fault costs
	 * one bench and the results file holds every finished one. */
	{ .name = "benches", .wanted = benches_wanted, .begin = benches_begin, .run = suite_run_bench,
	  .part = benches_part, .report = benches_done, .cleanup = benches_end,
	  .restore = RESTORE_ALL },
	{ .name = "ftrace", .suites = SUITE_FTRACE, .run = ftrace_suite_run },
	{ .name = "probes", .suites = SUITE_PROBES, .begin = probes_begin,
	  .run = probes_suite_run, .cleanup = probes_cleanup },
	{ .name = "sample", .suites = SUITE_SAMPLE, .begin = sample_begin,
	  .run = sample_suite_run, .cleanup = sample_end },
	{ .name = "inject", .wanted = inject_wanted, .run = inject_section },
};
_Static_assert(ARRAY_SIZE(lab_sections) <= LAB_SECTIONS_MAX, "room for every section");

const unsigned lab_nsections = ARRAY_SIZE(lab_sections);
