/* The runner: each section of the table (sections.c) the config selects, in
 * order, in the owned world, the plan stated first so the host can say how
 * far the run is; an exception that aborts one is reported with the state
 * its leaving restored, and each section's records are flushed before the
 * next begins, so the results file keeps them whatever happens later. */
#include "kernel-side/bench/bench.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/text_poke.h"
#include "kernel-side/owned/selftest.h"
#include "kernel-side/explain/explain.h"
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/lab/section.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/record.h"
#include "lib/symtab.h"

static u64 image_base;		/* for the explain symbolizer, which has no context */

static void symbol(u64 addr, char *buf, size_t size)
{
	symtab_format(addr, image_base, buf, size);
}

void lab_report_fault(const struct lab *lab, const char *section,
		      const struct fault_info *f, bool nested)
{
	char sym[96], trace[FAULT_TRACE_MAX * 48];
	struct rec r;
	size_t n = 0;

	rec_begin(&r, "error");
	rec_str(&r, "kind", "exception");
	rec_str(&r, "section", section);
	rec_u64(&r, "vector", f->vector);
	rec_str(&r, "name", exc_name((unsigned)f->vector));
	rec_hex(&r, "rip", f->rip);
	symtab_format(f->rip, lab->image.base, sym, sizeof(sym));
	rec_str(&r, "sym", sym);
	rec_hex(&r, "error_code", f->error_code);
	rec_hex(&r, "cr2", f->cr2);
	rec_hex(&r, "rflags", f->rflags);
	rec_hex(&r, "rsp", f->rsp);
	for (unsigned i = 0; i < f->ntrace; i++) {
		if (n)
			trace[n++] = ',';
		symtab_format(f->trace[i], lab->image.base, trace + n, sizeof(trace) - n);
		n += strlen(trace + n);
	}
	if (n)
		rec_str(&r, "trace", trace);
	if (nested)
		rec_u64(&r, "nested", 1);
	rec_end(&r);
	rec_narrate("exception: #%s at %s in section %s: section aborted, machine state "
		    "restored", exc_name((unsigned)f->vector), sym, section);
}

/* The owned.restore check for the section that ran last: what its leaving
 * restored, and every function-tracer site read back after it. */
static void report_restore(const char *name)
{
	struct owned_stats os;

	owned_last_stats(&os);
	selftest_report_restore(name, &os, ftrace_sites_changed());
}

/* One owned section; false when an exception aborted it (reported, with the
 * state restored on the way out). */
static bool owned(const struct lab *lab, const char *name, void (*fn)(void *), void *arg)
{
	struct fault_info f;

	if (owned_run(fn, arg, &f) == 0)
		return true;
	lab_report_fault(lab, name, &f, false);
	report_restore(name);
	return false;
}

static void add_stats(struct owned_stats *all)
{
	struct owned_stats os;

	owned_last_stats(&os);
	all->msrs_restored += os.msrs_restored;
	all->msrs_mismatched += os.msrs_mismatched;
	all->idt_restored &= os.idt_restored;
	all->if_restored &= os.if_restored;
	all->cr0_wp = os.cr0_wp;
	all->cr0_restored &= os.cr0_restored;
	all->code_restored += os.code_restored;
	all->code_kept = os.code_kept;
	all->code_refused += os.code_refused;
}

/* Part i of s: its arg and its name; NULL past the last. A section without
 * parts is its own one part, and its arg the lab (which the caps section,
 * alone, fills in). */
static void *part(const struct lab *lab, const struct section *s, unsigned i, char *name,
		  size_t size)
{
	if (s->part)
		return s->part(lab, i, name, size);
	fmt_snprintf(name, size, "%s", s->name);
	return i ? NULL : (void *)lab;
}

/* Runs s, section k of n, part by part; false when the run stops here. */
static bool run_section(const struct lab *lab, const struct section *s, unsigned k,
			unsigned n)
{
	struct owned_stats all = { .idt_restored = true, .if_restored = true,
				   .cr0_restored = true };
	char name[SECTION_NAME_MAX];
	bool ok = true;
	struct rec r;
	void *arg;

	rec_begin(&r, "section");
	rec_u64(&r, "k", k);
	rec_u64(&r, "n", n);
	rec_str(&r, "name", s->name);
	rec_end(&r);
	check_section(s->name);
	if (s->begin && !s->begin(lab))
		return true;
	lab->platform.flush();
	/* A part may leave code patched for the next (a lesson's probe
	 * between its steps); the section's cleanup or an abort takes it out. */
	text_poke_hand_on(s->part != NULL);
	for (unsigned i = 0; (arg = part(lab, s, i, name, sizeof(name))); i++) {
		ok = owned(lab, name, s->run, arg);
		if (!ok)
			break;
		if (s->report)
			s->report(lab);
		if (s->restore == RESTORE_EACH)
			report_restore(name);
		else if (s->restore == RESTORE_ALL)
			add_stats(&all);
		lab->platform.flush();
	}
	text_poke_hand_on(false);
	if (s->cleanup)
		s->cleanup(lab);
	if (s->restore == RESTORE_ALL)
		selftest_report_restore(s->name, &all, ftrace_sites_changed());
	lab->platform.flush();
	return (ok || s->part) && !s->last;
}

/* The sections the config selects, in order, into plan: up to the first
 * that ends a run. */
static unsigned plan_sections(const struct lab *lab, const struct section **plan)
{
	unsigned n = 0;

	for (unsigned i = 0; i < lab_nsections; i++) {
		const struct section *s = &lab_sections[i];

		if ((s->suites && !(lab->cfg->suite & s->suites)) ||
		    (s->wanted && !s->wanted(lab->cfg)))
			continue;
		plan[n++] = s;
		if (s->last)
			break;
	}
	return n;
}

static void report_plan(const struct section *const *plan, unsigned n)
{
	char names[LAB_SECTIONS_MAX * (SECTION_NAME_MAX + 1)];
	size_t len = 0;
	struct rec r;

	names[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		fmt_snprintf(names + len, sizeof(names) - len, "%s%s", i ? "," : "",
			     plan[i]->name);
		len += strlen(names + len);
	}
	rec_begin(&r, "plan");
	rec_u64(&r, "sections", n);
	rec_str(&r, "names", names);
	rec_end(&r);
}

void lab_run(struct lab *lab)
{
	const struct section *plan[LAB_SECTIONS_MAX] = { NULL };
	unsigned n;

	lab->events = lab->cfg->events;
	lab->icount_shift = lab->cfg->icount_shift == CONFIG_OFF ? BENCH_NO_ICOUNT :
			    lab->cfg->icount_shift;
	lab->seed = lab->cfg->seed;
	image_base = lab->image.base;
	explain_set_symbolizer(symbol);
	explain_enable(lab->cfg->explain);
	lbr_set_image(lab->image.base, lab->image.text_lo, lab->image.text_hi);
	selftest_inject_arm(lab->cfg->inject_fault, lab->cfg->inject_at);

	n = plan_sections(lab, plan);
	report_plan(plan, n);
	for (unsigned i = 0; i < n; i++)
		if (!run_section(lab, plan[i], i + 1, n))
			return;
}
