/* lbr.depth: the ring has as many entries as the probe says -- the model
 * table (legacy), CPUID.1CH (Arch LBR) or 80000022H (AMD) -- by the MSRs
 * themselves: every FROM/TO below the depth reads and takes a write of 0,
 * and the FROM just past it faults, the #GP a count of entries rests on.
 * The owned world's restore log puts every written MSR back. */
#include "kernel-side/lbr/lbr_check.h"
#include "kernel-side/cpu/msr.h"
#include "lib/check.h"
#include "lib/record.h"

static u32 from_msr(const struct lbr_caps *lc, unsigned i)
{
	if (lc->arch)
		return MSR_ARCH_LBR_FROM_0 + i;
	if (lc->legacy)
		return lc->legacy_from + i;
	return MSR_AMD_SAMP_BR_FROM + 2 * i;
}

/* 0: none (the 32-bit format keeps both addresses in FROM). */
static u32 to_msr(const struct lbr_caps *lc, unsigned i)
{
	if (lc->arch)
		return MSR_ARCH_LBR_TO_0 + i;
	if (lc->legacy)
		return lc->legacy_fmt == LBR_FORMAT_32 ? 0 : lc->legacy_to + i;
	return MSR_AMD_SAMP_BR_FROM + 2 * i + 1;
}

static bool answers(u32 msr)
{
	u64 v;

	return !msr || (!msr_read_safe(msr, &v) && !msr_write_safe(msr, 0));
}

void lbr_check_depth(const struct lbr_caps *lc)
{
	unsigned depth = lbr_depth(lc), n = 0;
	u64 v;
	bool past_faults;
	struct rec r;

	/* Arch LBR's records exist up to IA32_LBR_DEPTH: the largest first. */
	if (lc->arch && msr_write_safe(MSR_ARCH_LBR_DEPTH, lc->arch_depth_max)) {
		check_begin(&r, "lbr.depth", CHECK_SKIP);
		rec_str(&r, "reason", "lbr-msr-fault");
		return rec_end(&r);
	}
	while (n < depth && answers(from_msr(lc, n)) && answers(to_msr(lc, n)))
		n++;
	past_faults = HW_ERR_IS_FAULT(msr_read_safe(from_msr(lc, depth), &v));
	check_begin(&r, "lbr.depth", n == depth && past_faults ? CHECK_PASS : CHECK_FAIL);
	rec_u64(&r, "depth", depth);
	rec_u64(&r, "answered", n);
	rec_hex(&r, "past", from_msr(lc, depth));
	rec_u64(&r, "past_faults", past_faults);
	rec_end(&r);
}
