/* Local APIC discovery: which mode the firmware left it in, its ID and
 * version. Read-only: sampling (LVTPC, timer) will program it later. */
#include "apic.h"
#include "hw.h"
#include "msr.h"

static const char *const apic_mode_names[] = {
	[APIC_ABSENT] = "none", [APIC_DISABLED] = "disabled",
	[APIC_XAPIC] = "xapic", [APIC_X2APIC] = "x2apic",
};

const char *apic_mode_name(enum apic_mode mode)
{
	return apic_mode_names[mode];
}

void apic_probe(const struct cpu_info *ci, struct apic_info *ai)
{
	u64 v;
	u32 lvr;

	*ai = (struct apic_info){ .mode = APIC_ABSENT };
	ai->x2apic_cap = ci->leaf1_ecx & X86_FEATURE_X2APIC;
	if (!(ci->leaf1_edx & X86_FEATURE_APIC))
		return;
	ai->base_err = msr_read_safe(MSR_IA32_APICBASE, &ai->apic_base);
	if (ai->base_err || !(ai->apic_base & MSR_IA32_APICBASE_ENABLE)) {
		ai->mode = APIC_DISABLED;
		return;
	}
	if (ai->apic_base & MSR_IA32_APICBASE_EXTD) {
		ai->mode = APIC_X2APIC;
		if (msr_read_safe(MSR_IA32_X2APIC_APICID, &v) == 0)
			ai->id = (u32)v;
		if (msr_read_safe(MSR_IA32_X2APIC_VERSION, &v) == 0)
			lvr = (u32)v;
		else
			lvr = 0;
	} else {
		u64 base = ai->apic_base & MSR_IA32_APICBASE_BASE;

		ai->mode = APIC_XAPIC;
		ai->id = hw_mmio_read32(base + APIC_ID) >> 24;
		lvr = hw_mmio_read32(base + APIC_LVR);
	}
	ai->version = lvr & 0xff;
	ai->max_lvt = (lvr >> 16) & 0xff;
}
