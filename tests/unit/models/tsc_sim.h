/* The simulated time-stamp counter (tsc_sim.c). */
#ifndef PMULAB_TSC_SIM_H
#define PMULAB_TSC_SIM_H

#include "lib/types.h"

void sim_tsc_advance(u64 ticks);
u64 hw_rdtsc(void);	/* kernel-side/cpu/hw.h's, checked by hw_iface.c */

#endif
