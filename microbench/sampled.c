/* The sampling workload (sampled.h). Each loop step is one LCG update that
 * the empty asm keeps in a register and keeps GCC from folding, so the
 * instruction count per step is fixed by the code: hot() and cold() differ
 * only in their trip count. Built with frame pointers, like the payload. */
#include "microbench/sampled.h"

#define LCG_MUL 6364136223846793005ull	/* Knuth's MMIX LCG */
#define LCG_ADD 1442695040888963407ull

static inline u64 steps(u64 x, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		x = x * LCG_MUL + LCG_ADD;
		asm volatile("" : "+r"(x));
	}
	return x;
}

__attribute__((noinline)) u64 hot(u64 x)
{
	return steps(x, SAMPLED_HOT_ITERS);
}

__attribute__((noinline)) u64 cold(u64 x)
{
	return steps(x, SAMPLED_COLD_ITERS);
}

/* The asm keeps cold() a call, not a tail jump: cold's return address stays
 * in work, so its samples have work on their stack. */
__attribute__((noinline)) u64 work(u64 x)
{
	u64 y = cold(hot(x));

	asm volatile("" : "+r"(y));
	return y;
}

__attribute__((noinline)) u64 sampled_run(u64 x, u64 n)
{
	for (u64 i = 0; i < n; i++) {
		x = work(x);
		asm volatile("" : "+r"(x));
	}
	return x;
}
