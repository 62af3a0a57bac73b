/* The kernels' code and setup (kernels.h); what each one counts is
 * lib/catalog.c. */
#include "microbench/kernels.h"

static mb_fn *const entries[MBK_COUNT] = {
	[MBK_EMPTY] = mb_empty, [MBK_LOOP] = mb_loop, [MBK_NOP8] = mb_nop8,
	[MBK_ADD_DEP] = mb_add_dep, [MBK_ADD_INDEP] = mb_add_indep,
	[MBK_CHASE] = mb_chase, [MBK_STREAM] = mb_stream, [MBK_BRANCH] = mb_branch,
	[MBK_CALLS] = mb_calls,
};

mb_fn *mb_entry(const struct mb_kernel *k)
{
	return entries[k->id];
}

const void *mb_chain_entry(u64 depth)
{
	switch (depth) {
	case 1: return (const void *)mb_chain_1;
	case 2: return (const void *)mb_chain_2;
	case 4: return (const void *)mb_chain_4;
	case 8: return (const void *)mb_chain_8;
	case 16: return (const void *)mb_chain_16;
	}
	return NULL;
}

/* xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift
 * generators, scrambled", 2016): fast, seedable, good enough to defeat
 * prefetchers and branch predictors. */
static u64 next_random(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Below bound without modulo bias worth speaking of (bound < 2^32). */
static u64 below(u64 *s, u64 bound)
{
	return (u64)(((unsigned __int128)(next_random(s) >> 32) * bound) >> 32);
}

#define LINE 64

void *mb_chase_init(void *buf, u64 ws, u64 seed)
{
	u64 nodes = ws / LINE, s = seed ? seed : 1;
	u8 *base = buf;

	/* The visiting order is kept in each line's second quadword while it
	 * is shuffled, then each line gets the address of the next in order. */
	for (u64 i = 0; i < nodes; i++)
		((u64 *)(base + i * LINE))[1] = i;
	for (u64 i = nodes - 1; i > 0; i--) {
		u64 j = below(&s, i + 1);
		u64 *a = (u64 *)(base + i * LINE) + 1, *b = (u64 *)(base + j * LINE) + 1;
		u64 t = *a;

		*a = *b;
		*b = t;
	}
	for (u64 i = 0; i < nodes; i++) {
		u64 from = ((u64 *)(base + i * LINE))[1];
		u64 to = ((u64 *)(base + (i + 1) % nodes * LINE))[1];

		/* Position i links to position i + 1; the order lives in the
		 * second quadwords, the links go in the first. */
		((u64 *)(base + from * LINE))[0] = (u64)(uintptr_t)(base + to * LINE);
	}
	return base + ((u64 *)base)[1] * LINE;
}

static bool constant(const u8 *pattern, u64 period)
{
	for (u64 i = 1; i < period; i++)
		if (pattern[i] != pattern[0])
			return false;
	return true;
}

u64 mb_pattern_init(u8 *pattern, enum mb_pattern p, u64 period, u64 seed)
{
	u64 s = seed ? seed : 1;

	switch (p) {
	case MB_ALWAYS:
		period = 1;
		pattern[0] = 1;
		break;
	case MB_ALTERNATE:
		period = 2;
		pattern[0] = 1;
		pattern[1] = 0;
		break;
	case MB_RANDOM:
		period = MB_RANDOM_PERIOD;
		/* fall through */
	case MB_PERIOD_K:
		for (u64 i = 0; i < period; i++)
			pattern[i] = next_random(&s) >> 63;
		/* A period of one value only would be MB_ALWAYS in disguise. */
		if (p == MB_PERIOD_K && period > 1 && constant(pattern, period))
			pattern[period - 1] = !pattern[0];
		break;
	}
	return period;
}
