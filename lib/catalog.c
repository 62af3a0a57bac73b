/* The kernels' catalogue (catalog.h). The per-iteration counts are those of
 * the instructions in the microbench .asm files, counted by hand and checked exactly
 * under QEMU -icount by every run (check name=icount.<bench>). */
#include "lib/catalog.h"
#include "lib/libc.h"

const struct mb_kernel mb_kernels[] = {
	{ "empty", "nothing: what measuring itself costs", "measurement", MBK_EMPTY, MB_NONE,
	  1, 0, 1, 0, 0, "instructions,cycles" },
	{ "loop", "the smallest loop: dec, jnz", "iteration", MBK_LOOP, MB_NONE,
	  2, 0, 1, 0, 0, "instructions,branches" },
	{ "nop8", "8 NOPs a loop iteration: front-end throughput", "iteration", MBK_NOP8, MB_NONE,
	  10, 0, 1, 0, 0, "instructions,cycles" },
	{ "add-dep", "8 dependent ADDs: latency bound, 8 cycles an iteration",
	  "iteration", MBK_ADD_DEP, MB_NONE, 10, 0, 1, 0, 0, "cycles" },
	{ "add-indep", "8 independent ADDs: throughput bound, 8/ALUs cycles",
	  "iteration", MBK_ADD_INDEP, MB_NONE, 10, 0, 1, 0, 0, "cycles" },
	{ "chase", "pointer chase over a random cycle: load latency by working set",
	  "load", MBK_CHASE, MB_WS, 3, 0, 1, 0, 1,
	  "cycles,L1-dcache-load-misses,LLC-load-misses,dTLB-load-misses" },
	{ "stream", "independent loads at a stride: what the prefetchers hide",
	  "load", MBK_STREAM, MB_WS, 5, 0, 1, 0, 1, "cycles,L1-dcache-load-misses,cache-misses" },
	{ "branch", "a branch taken by a pattern: what the predictor learns",
	  "branch", MBK_BRANCH, MB_PERIOD, 10, 0, 3, 0, 1, "branch-misses,cycles" },
	{ "calls", "a call chain of known depth: calls, returns, the RSB",
	  "chain", MBK_CALLS, MB_DEPTH, 2, 2, 1, 2, 0, "branches,branch-misses" },
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

bool mb_depth_ok(u64 depth)
{
	return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
}

const char *mb_pattern_name(enum mb_pattern p)
{
	static const char *const names[] = {
		[MB_ALWAYS] = "always", [MB_ALTERNATE] = "alternate",
		[MB_PERIOD_K] = "period", [MB_RANDOM] = "random",
	};

	return p <= MB_RANDOM ? names[p] : "?";
}
