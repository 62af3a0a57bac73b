/* A simulated time-stamp counter behind hw_rdtsc(): it moves only when a
 * test says so, as RDTSC does under QEMU's -icount (2^shift a retired
 * instruction), so icount arithmetic is testable exactly. */
#include "tests/unit/models/tsc_sim.h"

static u64 tsc;

void sim_tsc_advance(u64 ticks)
{
	tsc += ticks;
}

u64 hw_rdtsc(void)
{
	return tsc;
}
