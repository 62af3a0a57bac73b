/* The one file that sees both sides: the models declare hw.h's functions
 * themselves (hw_sim.h, tsc_sim.h); here a redeclaration, layout or error code
 * that parts from kernel-side/cpu/hw.h fails to compile. */
#include <stddef.h>
#include "kernel-side/cpu/hw.h"
#include "tests/unit/models/hw_sim.h"
#include "tests/unit/models/tsc_sim.h"

#define SAME_FIELD(f) \
	(offsetof(struct cpuid_regs, f) == offsetof(struct sim_cpuid_regs, f))
_Static_assert(sizeof(struct cpuid_regs) == sizeof(struct sim_cpuid_regs) &&
	       SAME_FIELD(eax) && SAME_FIELD(ebx) && SAME_FIELD(ecx) && SAME_FIELD(edx),
	       "hw_sim.h's struct sim_cpuid_regs is not hw.h's struct cpuid_regs");
_Static_assert(SIM_ERR_FAULT == HW_ERR_FAULT, "SIM_ERR_FAULT is not hw.h's HW_ERR_FAULT");
_Static_assert(SIM_GP_FAULT == (HW_ERR_FAULT | GP_VECTOR), "SIM_GP_FAULT is not a #GP");
