#ifndef PMULAB_TSC_SIM_H
#define PMULAB_TSC_SIM_H

#include "kernel-side/cpu/hw.h"

void sim_tsc_advance(u64 ticks);

#endif
