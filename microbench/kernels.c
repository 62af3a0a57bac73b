/* Kernel metadata and setup (kernels.h). The per-iteration counts are those
 * of the instructions in the .asm files, counted by hand and checked exactly
 * under QEMU -icount by every run (check name=icount.<bench>). */
#include "kernels.h"
#include "libc.h"

const struct mb_kernel mb_kernels[] = {
	{ "empty", "nothing: what measuring itself costs", "measurement", mb_empty, MB_NONE,
	  1, 0, 1, 0, 0, "instructions,cycles" },
	{ "loop", "the smallest loop: dec, jnz", "iteration", mb_loop, MB_NONE,
	  2, 0, 1, 0, 0, "instructions,branches" },
	{ "nop8", "8 NOPs a loop iteration: front-end throughput", "iteration", mb_nop8, MB_NONE,
	  10, 0, 1, 0, 0, "instructions,cycles" },
	{ "add-dep", "8 dependent ADDs: latency bound, 8 cycles an iteration",
	  "iteration", mb_add_dep, MB_NONE, 10, 0, 1, 0, 0, "cycles" },
	{ "add-indep", "8 independent ADDs: throughput bound, 8/ALUs cycles",
	  "iteration", mb_add_indep, MB_NONE, 10, 0, 1, 0, 0, "cycles" },
	{ "chase", "pointer chase over a random cycle: load latency by working set",
	  "load", mb_chase, MB_WS, 3, 0, 1, 0, 1,
	  "cycles,L1-dcache-load-misses,LLC-load-misses,dTLB-load-misses" },
	{ "stream", "independent loads at a stride: what the prefetchers hide",
	  "load", mb_stream, MB_WS, 5, 0, 1, 0, 1, "cycles,L1-dcache-load-misses,cache-misses" },
	{ "branch", "a branch taken by a pattern: what the predictor learns",
	  "branch", mb_branch, MB_PERIOD, 10, 0, 3, 0, 1, "branch-misses,cycles" },
	{ "calls", "a call chain of known depth: calls, returns, the RSB",
	  "chain", mb_calls, MB_DEPTH, 2, 2, 1, 2, 0, "branches,branch-misses" },
};
const unsigned mb_nkernels = ARRAY_SIZE(mb_kernels);

const struct mb_kernel *mb_kernel_find(const char *name, size_t len)
{
	for (unsigned i = 0; i < mb_nkernels; i++)
		if (strlen(mb_kernels[i].name) == len && !memcmp(mb_kernels[i].name, name, len))
			return &mb_kernels[i];
	return NULL;
}

u64 mb_insns(const struct mb_kernel *k, u64 depth)
{
	return k->insns + k->insns_per_depth * (k->param == MB_DEPTH ? depth : 0);
}

u64 mb_branches(const struct mb_kernel *k, u64 depth)
{
	return k->branches + k->branches_per_depth * (k->param == MB_DEPTH ? depth : 0);
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

const char *mb_pattern_name(enum mb_pattern p)
{
	static const char *const names[] = {
		[MB_ALWAYS] = "always", [MB_ALTERNATE] = "alternate",
		[MB_PERIOD_K] = "period", [MB_RANDOM] = "random",
	};

	return p <= MB_RANDOM ? names[p] : "?";
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
