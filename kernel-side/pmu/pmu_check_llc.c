/* suite=pmu-check's last-level-cache checks (pmu_check_int.h): the
 * architectural events LLC Reference (0x2e/0x4f) and LLC Misses (0x2e/0x41,
 * SDM Vol3B Table 20-1) count a line that CLFLUSH sent out of every cache
 * and a load brought back, once an iteration (mb_flush_load). */
#include "kernel-side/cpu/cpuinfo.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"

/* The load after each flush misses every level by construction, so a sound
 * counter sees one reference and one miss an iteration. The SDM lets both
 * events include speculative and L1-prefetcher fills and leave out those of
 * other prefetchers: half of the loads is a floor no such rule reaches, and
 * four a load (the flush, the load, an adjacent-line prefetch, a
 * speculative repeat) a ceiling nothing else in the loop can fill. */
#define LLC_SHARE_MIN	2
#define LLC_PER_LOAD_MAX 4

static void check_llc(struct ctx *c, const char *name, const char *event)
{
	struct prog p = { 0, 0, PMC_OS | PMC_USR };
	struct ctx f = *c;
	u64 d, loads = N2 - N1;
	int err;

	/* AMD's core counters have no LLC event (Zen's L3 counts on its own
	 * uncore counters), and kvm-unit-tests has no such rows there. */
	if (c->pc->vendor != VENDOR_INTEL)
		return check_skip(name, "not-intel");
	if (!(c->lab->cpu.leaf1_edx & X86_FEATURE_CLFSH))
		return check_skip(name, "no-clflush");
	if (!pmu_gp_count(c->pc))
		return check_skip(name, "no-gp-counters");
	if (!pmu_check_resolve(c, event, &p.config))
		return check_skip(name, "event-not-available");
	f.fn = c->work->flush;
	f.arg = c->work->line;
	err = pmu_check_diff(&f, &p, 1, BIT_ULL(0), &d);
	if (err)
		return pmu_check_error(name, err);
	check_counter(name, d, loads / LLC_SHARE_MIN, loads * LLC_PER_LOAD_MAX, "gp0");
}

void pmu_check_llc(struct ctx *c)
{
	check_llc(c, "pmu.llc-references", "cache-references");
	check_llc(c, "pmu.llc-misses", "cache-misses");
}
