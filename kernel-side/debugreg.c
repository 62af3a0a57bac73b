/* Debug-register probe: read-only, the breakpoint drivers program them. */
#include "debugreg.h"
#include "hw.h"
#include "msr.h"
#include "record.h"

void debug_probe(const struct cpu_info *ci, struct debug_caps *dc)
{
	dc->de = ci->leaf1_edx & X86_FEATURE_DE;
	dc->bpext = cpu_is_amd_like(ci) && (ci->ext1_ecx & X86_FEATURE_BPEXT);
	dc->dr6 = hw_read_dr(6);
	dc->dr7 = hw_read_dr(7);
	dc->debugctl_err = msr_read_safe(MSR_IA32_DEBUGCTLMSR, &dc->debugctl);
}

void debug_report(const struct debug_caps *dc, const struct apic_info *ai)
{
	struct rec r;
	char err[16];

	rec_begin(&r, "debug");
	rec_u64(&r, "breakpoints", NR_BREAKPOINTS);
	rec_u64(&r, "de", dc->de);
	rec_u64(&r, "bpext", dc->bpext);
	rec_hex(&r, "dr6", dc->dr6);
	rec_hex(&r, "dr7", dc->dr7);
	if (dc->debugctl_err)
		rec_str(&r, "debugctl", hw_err_name(dc->debugctl_err, err));
	else
		rec_hex(&r, "debugctl", dc->debugctl);
	rec_str(&r, "apic", apic_mode_name(ai->mode));
	rec_u64(&r, "x2apic_cap", ai->x2apic_cap);
	if (ai->base_err)
		rec_str(&r, "apic_base", hw_err_name(ai->base_err, err));
	else
		rec_hex(&r, "apic_base", ai->apic_base);
	if (ai->mode == APIC_XAPIC || ai->mode == APIC_X2APIC) {
		rec_u64(&r, "apic_id", ai->id);
		rec_hex(&r, "apic_version", ai->version);
		rec_u64(&r, "apic_max_lvt", ai->max_lvt);
	}
	rec_end(&r);
	rec_narrate("debug: %u hardware breakpoints (DR0-DR3), DR7=0x%llx; local APIC %s%s",
		    NR_BREAKPOINTS, (unsigned long long)dc->dr7, apic_mode_name(ai->mode),
		    ai->x2apic_cap ? " (x2APIC capable)" : "");
}
