/* AMD core performance counter driver (APM Vol2 13.2): four legacy counters
 * PERF_CTL0-3/PERF_CTR0-3, six interleaved CTL/CTR pairs at 0xc0010200 with
 * the core extension (CPUID 80000001H:ECX[23]), whose first four alias the
 * legacy ones, and with PerfMonV2 (CPUID 80000022H:EAX[0]) a global control
 * that gates every counter in one WRMSR. Counters are 48 bits; there are no
 * fixed counters. */
#include "kernel-side/pmu/pmc.h"
#include "kernel-side/pmu/pmu.h"
#include "kernel-side/cpu/msr.h"

static u32 ctl_msr(const struct pmu_caps *pc, unsigned i)
{
	return pc->perfctr_core ? MSR_F15H_PERF_CTL + 2 * i : MSR_K7_EVNTSEL0 + i;
}

static u32 ctr_msr(const struct pmu_caps *pc, unsigned i)
{
	return pc->perfctr_core ? MSR_F15H_PERF_CTR + 2 * i : MSR_K7_PERFCTR0 + i;
}

static bool exists(const struct pmu_caps *pc, unsigned idx)
{
	return idx < pmu_gp_count(pc);
}

static int amd_program(const struct pmu_caps *pc, unsigned idx, u64 config, u32 flags)
{
	u64 sel = pmu_selector(config, EVENT_CONFIG_MASK_AMD, flags);

	/* AMD has no transactions to qualify; bits 35:32 are EventSelect[11:8]. */
	if (!exists(pc, idx) || (flags & (PMC_IN_TX | PMC_IN_TXCP)))
		return HW_ERR_NOT_SUPPORTED;
	/* PerfMonV2 counts only with both EN and the global bit: EN can be
	 * set now. Without it, EN alone starts the counter. */
	if (pc->perfmon_v2 && !(flags & PMC_NO_EN))
		sel |= ARCH_PERFMON_EVENTSEL_EN;
	return pmu_program_gp(ctl_msr(pc, idx), ctr_msr(pc, idx), sel);
}

static int amd_start(const struct pmu_caps *pc, u64 mask)
{
	if (!pc->perfmon_v2)
		return pmu_set_enable(pc, mask, true, ctl_msr);
	return msr_write_safe(MSR_AMD64_PERF_CNTR_GLOBAL_CTL, mask);
}

static int amd_stop(const struct pmu_caps *pc, u64 mask)
{
	if (!pc->perfmon_v2)
		return pmu_set_enable(pc, mask, false, ctl_msr);
	return msr_write_safe(MSR_AMD64_PERF_CNTR_GLOBAL_CTL, 0);
}

static int amd_read(const struct pmu_caps *pc, unsigned idx, u64 *val)
{
	return exists(pc, idx) ? msr_read_safe(ctr_msr(pc, idx), val) : HW_ERR_NOT_SUPPORTED;
}

/* Bits 63:48 of PERF_CTR are reserved: keep them clear. */
static int amd_write(const struct pmu_caps *pc, unsigned idx, u64 val)
{
	return exists(pc, idx) ? msr_write_safe(ctr_msr(pc, idx), val & AMD_COUNTER_MASK) :
				 HW_ERR_NOT_SUPPORTED;
}

static int amd_release(const struct pmu_caps *pc, unsigned idx)
{
	return exists(pc, idx) ? msr_write_safe(ctl_msr(pc, idx), 0) : HW_ERR_NOT_SUPPORTED;
}

static int amd_ovf_status(const struct pmu_caps *pc, u64 *status)
{
	if (!pc->perfmon_v2)
		return HW_ERR_NOT_SUPPORTED;
	return msr_read_safe(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS, status);
}

/* PerfCntrGlobalStatus is read-only; GlobalStatusClr takes 1s to clear. */
static int amd_ovf_clear(const struct pmu_caps *pc, u64 bits)
{
	if (!pc->perfmon_v2)
		return HW_ERR_NOT_SUPPORTED;
	return msr_write_safe(MSR_AMD64_PERF_CNTR_GLOBAL_STATUS_CLR, bits);
}

static u32 amd_rdpmc_index(unsigned idx)
{
	return idx;
}

static int amd_set_extra(const struct pmu_caps *pc, unsigned n, u64 val)
{
	return HW_ERR_NOT_SUPPORTED;
}

const struct pmu_ops pmu_amd_ops = {
	.name = "amd",
	.program = amd_program,
	.start = amd_start,
	.stop = amd_stop,
	.read = amd_read,
	.write = amd_write,
	.release = amd_release,
	.ovf_status = amd_ovf_status,
	.ovf_clear = amd_ovf_clear,
	.rdpmc_index = amd_rdpmc_index,
	.set_extra = amd_set_extra,
};
