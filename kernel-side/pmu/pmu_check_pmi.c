/* suite=pmu-check's PMI check (pmu_check_int.h): a counter that wraps raises
 * a performance-monitoring interrupt through the local APIC's LVTPC when its
 * selector's INT bit (fixed counters: the PMI bit of IA32_FIXED_CTR_CTRL) is
 * set, and none when it is clear (SDM Vol3B 20.2.1.1, Vol3A 11.5.1; APM Vol2
 * 13.2.1) -- each general counter and fixed counter 0, both ways. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/owned/trap.h"
#include "kernel-side/pmu/pmu_check_int.h"
#include "lib/check.h"
#include "lib/record.h"

/* Interrupt windows to open for the PMI of a wrap. Bare metal has it
 * pending before the stopping WRMSR retires; a hypervisor injects it at a
 * VM entry to come, and kvm-unit-tests waits 100000 PAUSEs for it. */
#define PMI_WINDOWS	100000

static volatile unsigned pmis;

static bool pmi_taken(struct trapframe *tf)
{
	pmis++;
	apic_eoi();
	return true;
}

/* PMIs that counter idx's wrap raised, with INT set or clear. */
static int pmi_run(struct ctx *c, unsigned idx, u64 config, bool in, unsigned *got)
{
	u64 v;
	int err, clr;

	pmis = 0;
	/* The APIC masks LVTPC as it delivers a PMI: armed for each run. */
	apic_lvtpc_arm(APIC_PMI_VECTOR);
	err = pmu_check_wrap(c, idx, config, PMC_OS | PMC_USR | (in ? PMC_INT : 0), &v);
	for (unsigned w = 0; w < PMI_WINDOWS && !pmis; w++)
		hw_irq_window();
	*got = pmis;
	/* The wrap's status bit, where there is one, must not stay set into
	 * the next run. */
	clr = c->ops->ovf_clear(c->pc, BIT_ULL(idx));
	return err ? err : clr == HW_ERR_NOT_SUPPORTED ? 0 : clr;
}

static const char *lapic_missing(const struct apic_info *ai)
{
	if (ai->mode == APIC_ABSENT)
		return "no-lapic";
	if (ai->mode != APIC_XAPIC && ai->mode != APIC_X2APIC)
		return "lapic-disabled";
	return ai->max_lvt < 4 ? "no-lvtpc" : NULL;
}

void pmu_check_pmi(struct ctx *c)
{
	const char *name = "pmu.overflow.pmi", *missing = lapic_missing(&c->lab->apic);
	unsigned idx[PMC_GP_MAX + 1], n = 0, good = 0, got = 0, bad = 0, bad_got = 0;
	bool bad_in = false, have_bad = false;
	u64 config = 0;
	struct rec r;
	char cn[16];
	int err;

	if (missing)
		return check_skip(name, missing);
	for (unsigned i = 0; i < pmu_gp_count(c->pc); i++)
		idx[n++] = i;
	if (pmu_fixed_exists(c->pc, 0))
		idx[n++] = PMC_FIXED;
	if (!n)
		return check_skip(name, "no-counters");
	err = apic_own(&c->lab->apic);
	if (err)
		return pmu_check_error(name, err);
	trap_set_handler(APIC_PMI_VECTOR, pmi_taken);
	pmu_check_resolve(c, "instructions", &config);
	/* Each counter with INT clear, then set. */
	for (unsigned i = 0; i < 2 * n && !err; i++) {
		unsigned k = idx[i / 2];
		bool in = i % 2;

		err = pmi_run(c, k, k >= PMC_FIXED ? 0 : config, in, &got);
		if (err)
			break;
		if (!!got == in) {
			good++;
		} else if (!have_bad) {
			have_bad = true;
			bad = k;
			bad_in = in;
			bad_got = got;
		}
	}
	apic_write(APIC_LVTPC, APIC_LVT_MASKED | APIC_PMI_VECTOR);
	trap_set_handler(APIC_PMI_VECTOR, NULL);
	if (err)
		return pmu_check_error(name, err);
	check_begin(&r, name, good == 2 * n ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "value", good);
	rec_u64(&r, "expect", 2 * n);
	if (have_bad) {
		rec_str(&r, "counter", pmu_counter_name(bad, cn, sizeof(cn)));
		rec_u64(&r, "int", bad_in);
		rec_u64(&r, "pmis", bad_got);
	}
	rec_end(&r);
}
