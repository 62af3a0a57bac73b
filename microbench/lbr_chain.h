/* A call chain of known shape for LBR call-graph reconstruction, built with
 * -fomit-frame-pointer (Makefile), so no RBP chain exists to walk:
 *   caller -> lbr_chain_a -> lbr_chain_b -> lbr_chain_c -> lbr_chain_d
 *          -> lbr_chain_leaf -> hook(arg)
 * with a finished call to lbr_chain_noise in b and in d, whose call/return
 * pairs a reconstruction must cancel. Each function stores its own return
 * address, and leaf the hook it calls: the run's own record of what it did,
 * which the unit tests replay on the LBR model as a CPU would retire it. The
 * checks derive what they expect from the code instead
 * (kernel-side/lbr/lbr_expect.c), never from these. */
#ifndef PMULAB_LBR_CHAIN_H
#define PMULAB_LBR_CHAIN_H

#include "lib/types.h"

/* Return addresses of the last run, innermost first: [0] leaf's (in d),
 * [1] d's (in c), [2] c's (in b), [3] b's (in a), [4] a's (in the caller). */
#define LBR_CHAIN_FRAMES 5
extern u64 lbr_chain_ret[LBR_CHAIN_FRAMES];
/* Return address of the last lbr_chain_noise call: the store is its side
 * effect, without which GCC may find it pure and drop its calls. */
extern u64 lbr_chain_noise_ret;
/* The hook lbr_chain_leaf called last. */
extern u64 lbr_chain_hook_called;

typedef void (*lbr_chain_hook)(void *arg);

void lbr_chain_a(lbr_chain_hook hook, void *arg);
void lbr_chain_b(lbr_chain_hook hook, void *arg);
void lbr_chain_c(lbr_chain_hook hook, void *arg);
void lbr_chain_d(lbr_chain_hook hook, void *arg);
void lbr_chain_leaf(lbr_chain_hook hook, void *arg);
void lbr_chain_noise(void);

#endif
