/* The microbench kernels' catalogue: what each demonstrates, what it executes
 * per iteration -- exact counts, the formula a measurement is checked against
 * -- and the events it is meant to move. Pure data: the bench plan, the config
 * check and the reports read it; the code itself is microbench/kernels.h. */
#ifndef PMULAB_CATALOG_H
#define PMULAB_CATALOG_H

#include "lib/types.h"

enum mb_id {
	MBK_EMPTY, MBK_LOOP, MBK_NOP8, MBK_ADD_DEP, MBK_ADD_INDEP,
	MBK_CHASE, MBK_STREAM, MBK_BRANCH, MBK_CALLS,
	MBK_COUNT,
};

enum mb_param {
	MB_NONE,
	MB_WS,		/* working set, bytes: chase, stream */
	MB_PERIOD,	/* pattern period: branch */
	MB_DEPTH,	/* call depth: calls */
};

struct mb_kernel {
	const char *name;
	const char *what;		/* what it demonstrates */
	const char *unit;		/* what one iteration is */
	enum mb_id id;			/* its code: mb_entry() (microbench/kernels.h) */
	enum mb_param param;
	/* Per iteration, exactly: a + b * depth (b only for calls). */
	u32 insns, insns_per_depth;
	u32 branches, branches_per_depth;
	u32 loads;
	const char *moves;		/* the events it is meant to move */
};

extern const struct mb_kernel mb_kernels[];
extern const unsigned mb_nkernels;
const struct mb_kernel *mb_kernel_find(const char *name, size_t len);

/* Exact per-iteration counts for depth (ignored but for calls). */
u64 mb_insns(const struct mb_kernel *k, u64 depth);
u64 mb_branches(const struct mb_kernel *k, u64 depth);

/* The call-chain depths the calls kernel has (microbench/calls.asm). */
bool mb_depth_ok(u64 depth);

enum mb_pattern { MB_ALWAYS, MB_ALTERNATE, MB_PERIOD_K, MB_RANDOM };
#define MB_RANDOM_PERIOD 4096

const char *mb_pattern_name(enum mb_pattern p);

#endif
