/* Benchmark kernels with known answers (the .asm files beside this one) and their
 * metadata: what each demonstrates, what it executes per iteration -- exact
 * counts, the formula a measurement is checked against -- and the events it
 * is meant to move. Pure data and setup code, no hardware access: the same
 * file serves the payload and the Linux runner. */
#ifndef PMULAB_KERNELS_H
#define PMULAB_KERNELS_H

#include "types.h"

/* Every kernel: rdi = iterations (at least 1), rsi = its argument. */
typedef void mb_fn(u64 n, const void *arg);

mb_fn mb_empty, mb_loop, mb_nop8, mb_add_dep, mb_add_indep;
mb_fn mb_chase, mb_stream, mb_branch, mb_calls;
void mb_chain_1(void), mb_chain_2(void), mb_chain_4(void), mb_chain_8(void),
	mb_chain_16(void);

struct mb_stream_arg {
	u64 base, stride, mask;		/* mask: buffer size - 1, a power of two */
};

struct mb_branch_arg {
	u64 pattern, period;		/* period bytes of 0 or 1 at pattern */
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
	mb_fn *fn;
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

/* The chain entry of depth d (1, 2, 4, 8 or 16), or NULL. */
const void *mb_chain_entry(u64 depth);

/* Links the ws / 64 cache lines of buf into one cycle in a random order
 * (Fisher-Yates with xorshift64* from seed): a pointer chase no prefetcher
 * can follow. Returns the first node. ws: a multiple of 64, at least 128. */
void *mb_chase_init(void *buf, u64 ws, u64 seed);

enum mb_pattern { MB_ALWAYS, MB_ALTERNATE, MB_PERIOD_K, MB_RANDOM };
#define MB_RANDOM_PERIOD 4096

const char *mb_pattern_name(enum mb_pattern p);

/* Fills pattern[0..period) for p: all taken, taken/not taken, k random bits
 * repeating (seeded), or MB_RANDOM_PERIOD random bits. Returns the period. */
u64 mb_pattern_init(u8 *pattern, enum mb_pattern p, u64 period, u64 seed);

#endif
