/* The general-purpose counter helpers the drivers share (pmc.h). */
#include "kernel-side/cpu/msr.h"
#include "kernel-side/pmu/pmc.h"

u64 pmu_selector(u64 config, u64 config_mask, u32 flags)
{
	u64 sel = config & config_mask;

	if (flags & PMC_OS)
		sel |= ARCH_PERFMON_EVENTSEL_OS;
	if (flags & PMC_USR)
		sel |= ARCH_PERFMON_EVENTSEL_USR;
	if (flags & PMC_INT)
		sel |= ARCH_PERFMON_EVENTSEL_INT;
	return sel;
}

int pmu_program_gp(u32 sel_msr, u32 ctr_msr, u64 sel)
{
	int err = msr_write_safe(sel_msr, 0);

	if (!err)
		err = msr_write_safe(ctr_msr, 0);
	if (!err)
		err = msr_write_safe(sel_msr, sel);
	return err;
}

int pmu_set_enable(const struct pmu_caps *pc, u64 mask, bool on,
		   u32 (*sel_msr)(const struct pmu_caps *pc, unsigned idx))
{
	for (unsigned i = 0; i < pmu_gp_count(pc); i++) {
		u64 sel;
		int err;

		if (!(mask & BIT_ULL(i)))
			continue;
		err = msr_read_safe(sel_msr(pc, i), &sel);
		if (!err)
			err = msr_write_safe(sel_msr(pc, i),
					     on ? sel | ARCH_PERFMON_EVENTSEL_EN :
						  sel & ~ARCH_PERFMON_EVENTSEL_EN);
		if (err)
			return err;
	}
	return 0;
}
