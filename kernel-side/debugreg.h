/* Debug-register facts (SDM Vol3B 18.2 "Debug Registers"; AMD APM Vol2 13.1). */
#ifndef PMULAB_DEBUGREG_H
#define PMULAB_DEBUGREG_H

#include "apic.h"

#define NR_BREAKPOINTS 4	/* DR0-DR3: architectural in 64-bit mode */

struct debug_caps {
	bool de;		/* CPUID.1:EDX[2]: CR4.DE, I/O breakpoints */
	bool bpext;		/* CPUID.80000001H:ECX[26]: AMD address masks */
	u64 dr6, dr7;		/* as the firmware left them */
	int debugctl_err;
	u64 debugctl;		/* IA32_DEBUGCTL */
};

/* Needs the owned world (reads IA32_DEBUGCTL). */
void debug_probe(const struct cpu_info *ci, struct debug_caps *dc);
void debug_report(const struct debug_caps *dc, const struct apic_info *ai);

#endif
