/* Benchmark kernels with known answers (the .asm files beside this one): their
 * entry points and the setup of their arguments. What each one executes per
 * iteration is lib/catalog.h. No hardware access: the same code serves the
 * payload and the Linux runner. */
#ifndef PMULAB_KERNELS_H
#define PMULAB_KERNELS_H

#include "lib/catalog.h"

/* Every kernel: rdi = iterations (at least 1), rsi = its argument (read only,
 * but for the place a chase writes back into its struct mb_chase_arg). */
typedef void mb_fn(u64 n, const void *arg);

mb_fn mb_empty, mb_loop, mb_nop8, mb_add_dep, mb_add_indep;
mb_fn mb_chase, mb_stream, mb_branch, mb_calls;
/* suite=pmu-check's own workloads, outside the catalogue (pmu_work.asm):
 * arg a cache line flushed and loaded again each iteration; a transaction
 * that commits and one that aborts each iteration (needs RTM). */
mb_fn mb_flush_load, mb_tx;
void mb_chain_1(void), mb_chain_2(void), mb_chain_4(void), mb_chain_8(void),
	mb_chain_16(void);

/* Where a chase is: each call starts at node and leaves the node it stopped
 * at, so calls in a row go on along the cycle and every line is reused only
 * after all the others, however few loads one call makes. */
struct mb_chase_arg {
	void *node;
};

struct mb_stream_arg {
	u64 base, stride, mask;		/* mask: buffer size - 1, a power of two */
};

struct mb_branch_arg {
	u64 pattern, period;		/* period bytes of 0 or 1 at pattern */
};

/* The code of a catalogued kernel. */
mb_fn *mb_entry(const struct mb_kernel *k);

/* The chain entry of depth d (one mb_depth_ok() accepts), or NULL. */
const void *mb_chain_entry(u64 depth);

/* Links the ws / 64 cache lines of buf into one cycle in a random order
 * (Fisher-Yates with xorshift64* from seed): a pointer chase no prefetcher
 * can follow. Returns the first node. ws: a multiple of 64, at least 128. */
void *mb_chase_init(void *buf, u64 ws, u64 seed);

/* Fills pattern[0..period) for p: all taken, taken/not taken, k random bits
 * repeating (seeded), or MB_RANDOM_PERIOD random bits. Returns the period. */
u64 mb_pattern_init(u8 *pattern, enum mb_pattern p, u64 period, u64 seed);

#endif
