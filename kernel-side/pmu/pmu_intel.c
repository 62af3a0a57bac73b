/* Intel architectural performance monitoring driver (SDM Vol3B 20.2):
 * general-purpose counters IA32_PERFEVTSELx/IA32_PMCx (and the full-width
 * IA32_A_PMCx aliases when IA32_PERF_CAPABILITIES.FW_WRITE says so), fixed
 * counters under IA32_FIXED_CTR_CTRL, and from version 2 the global control,
 * status and overflow-clear registers. Version 1 has no global control: each
 * counter's EN bit starts and stops it. */
#include "kernel-side/pmu/pmc.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/cpu/msr.h"

static bool fw_write(const struct pmu_caps *pc)
{
	return pc->perf_cap_err == 0 && (pc->perf_capabilities & PERF_CAP_FW_WRITE);
}

static bool gp_exists(const struct pmu_caps *pc, unsigned idx)
{
	return idx < pmu_gp_count(pc);
}

static int fixed_ctrl_set(unsigned j, u64 bits)
{
	u64 ctrl;
	int err = msr_read_safe(MSR_CORE_PERF_FIXED_CTR_CTRL, &ctrl);

	if (err)
		return err;
	ctrl &= ~(INTEL_FIXED_BITS_MASK << (4 * j));
	ctrl |= bits << (4 * j);
	return msr_write_safe(MSR_CORE_PERF_FIXED_CTR_CTRL, ctrl);
}

static int program_fixed(const struct pmu_caps *pc, unsigned j, u32 flags)
{
	u64 bits = 0;
	int err;

	if (!pmu_fixed_exists(pc, j))
		return HW_ERR_NOT_SUPPORTED;
	/* The OS/USR bits are the fixed counter's enable; counting also needs
	 * its IA32_PERF_GLOBAL_CTRL bit, which only intel_start() sets. */
	if (!(flags & PMC_NO_EN)) {
		if (flags & PMC_OS)
			bits |= INTEL_FIXED_0_KERNEL;
		if (flags & PMC_USR)
			bits |= INTEL_FIXED_0_USER;
		if (flags & PMC_INT)
			bits |= INTEL_FIXED_0_ENABLE_PMI;
	}
	err = fixed_ctrl_set(j, 0);
	if (!err)
		err = msr_write_safe(MSR_CORE_PERF_FIXED_CTR0 + j, 0);
	if (!err)
		err = fixed_ctrl_set(j, bits);
	return err;
}

static int intel_program(const struct pmu_caps *pc, unsigned idx, u64 config, u32 flags)
{
	u64 sel = pmu_selector(config, EVENT_CONFIG_MASK_INTEL, flags);

	if (idx >= PMC_FIXED)
		return program_fixed(pc, idx - PMC_FIXED, flags);
	if (!gp_exists(pc, idx))
		return HW_ERR_NOT_SUPPORTED;
	if (flags & PMC_IN_TX)
		sel |= HSW_IN_TX;
	if (flags & PMC_IN_TXCP)
		sel |= HSW_IN_TX_CHECKPOINTED;
	/* With a global control, EN can be set now: the counter waits for
	 * its IA32_PERF_GLOBAL_CTRL bit. Version 1 starts on EN itself. */
	if (pc->version >= 2 && !(flags & PMC_NO_EN))
		sel |= ARCH_PERFMON_EVENTSEL_EN;
	return pmu_program_gp(MSR_IA32_EVNTSEL0 + idx, MSR_IA32_PERFCTR0 + idx, sel);
}

static u32 evtsel(const struct pmu_caps *pc, unsigned idx)
{
	return MSR_IA32_EVNTSEL0 + idx;
}

/* One WRMSR starts every counter of the set at the same instruction. */
static int intel_start(const struct pmu_caps *pc, u64 mask)
{
	if (pc->version < 2)
		return pmu_set_enable(pc, mask, true, evtsel);
	return msr_write_safe(MSR_CORE_PERF_GLOBAL_CTRL, mask);
}

static int intel_stop(const struct pmu_caps *pc, u64 mask)
{
	if (pc->version < 2)
		return pmu_set_enable(pc, mask, false, evtsel);
	return msr_write_safe(MSR_CORE_PERF_GLOBAL_CTRL, 0);
}

static int intel_read(const struct pmu_caps *pc, unsigned idx, u64 *val)
{
	if (idx >= PMC_FIXED)
		return pmu_fixed_exists(pc, idx - PMC_FIXED) ?
			msr_read_safe(MSR_CORE_PERF_FIXED_CTR0 + idx - PMC_FIXED, val) : HW_ERR_NOT_SUPPORTED;
	return gp_exists(pc, idx) ? msr_read_safe(MSR_IA32_PERFCTR0 + idx, val) : HW_ERR_NOT_SUPPORTED;
}

/* A write to IA32_PMCx takes bits 31:0 sign-extended to the counter width
 * (SDM Vol3B 20.2.6); only IA32_A_PMCx takes every bit. */
static int intel_write(const struct pmu_caps *pc, unsigned idx, u64 val)
{
	u64 mask = pmu_counter_mask(pc, idx);

	val &= mask;
	if (idx >= PMC_FIXED)
		return pmu_fixed_exists(pc, idx - PMC_FIXED) ?
			msr_write_safe(MSR_CORE_PERF_FIXED_CTR0 + idx - PMC_FIXED, val) :
			HW_ERR_NOT_SUPPORTED;
	if (!gp_exists(pc, idx))
		return HW_ERR_NOT_SUPPORTED;
	if (fw_write(pc))
		return msr_write_safe(MSR_IA32_PMC0 + idx, val);
	if (((u64)(s64)(s32)val & mask) != val)
		return HW_ERR_NOT_SUPPORTED;
	return msr_write_safe(MSR_IA32_PERFCTR0 + idx, val);
}

static int intel_release(const struct pmu_caps *pc, unsigned idx)
{
	if (idx >= PMC_FIXED)
		return pmu_fixed_exists(pc, idx - PMC_FIXED) ?
			fixed_ctrl_set(idx - PMC_FIXED, 0) : HW_ERR_NOT_SUPPORTED;
	return gp_exists(pc, idx) ? msr_write_safe(MSR_IA32_EVNTSEL0 + idx, 0) : HW_ERR_NOT_SUPPORTED;
}

static int intel_ovf_status(const struct pmu_caps *pc, u64 *status)
{
	if (pc->version < 2)
		return HW_ERR_NOT_SUPPORTED;
	return msr_read_safe(MSR_CORE_PERF_GLOBAL_STATUS, status);
}

/* IA32_PERF_GLOBAL_OVF_CTRL: a 1 clears that IA32_PERF_GLOBAL_STATUS bit. */
static int intel_ovf_clear(const struct pmu_caps *pc, u64 bits)
{
	if (pc->version < 2)
		return HW_ERR_NOT_SUPPORTED;
	return msr_write_safe(MSR_CORE_PERF_GLOBAL_OVF_CTRL, bits);
}

static u32 intel_rdpmc_index(unsigned idx)
{
	return idx >= PMC_FIXED ? INTEL_PMC_FIXED_RDPMC_BASE | (idx - PMC_FIXED) : idx;
}

static int intel_set_extra(const struct pmu_caps *pc, unsigned n, u64 val)
{
	return n < 2 ? msr_write_safe(MSR_OFFCORE_RSP_0 + n, val) : HW_ERR_NOT_SUPPORTED;
}

const struct pmu_ops pmu_intel_ops = {
	.name = "intel",
	.program = intel_program,
	.start = intel_start,
	.stop = intel_stop,
	.read = intel_read,
	.write = intel_write,
	.release = intel_release,
	.ovf_status = intel_ovf_status,
	.ovf_clear = intel_ovf_clear,
	.rdpmc_index = intel_rdpmc_index,
	.set_extra = intel_set_extra,
};
