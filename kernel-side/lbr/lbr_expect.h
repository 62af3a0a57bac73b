/* What the LBR must hold once the call chain of microbench/lbr_chain.h has
 * run, derived from the code alone: each function's bounds from the symbol
 * table, its CALL instructions from the decoder, each callee's entry from the
 * table. Nothing the chain stored while it ran is read, so a check comparing
 * the ring with this compares two independent things. */
#ifndef PMULAB_LBR_EXPECT_H
#define PMULAB_LBR_EXPECT_H

#include "kernel-side/lbr/lbr.h"
#include "microbench/lbr_chain.h"

/* caller -> a -> b (-> noise) -> c -> d (-> noise) -> leaf -> hook: 8 calls
 * and the 2 returns from noise. */
#define LBR_EXPECT_MAX		10
/* The active frames: leaf's call of the hook, then d, c, b, a and caller's. */
#define LBR_EXPECT_FRAMES	(LBR_CHAIN_FRAMES + 1)

/* Which of the chain's branches a ring keeps. */
enum lbr_expect_keep {
	LBR_KEEP_CALLS_RETS,	/* calls and returns recorded */
	LBR_KEEP_CALL_STACK,	/* call-stack mode: the finished calls popped */
	LBR_KEEP_CALLS,		/* calls only (LBR_SELECT suppressing returns) */
};

struct lbr_expect {
	struct lbr_entry br[LBR_EXPECT_MAX];	/* oldest first, as retired */
	bool finished[LBR_EXPECT_MAX];		/* a call that returned, or its return */
	unsigned nbr;
	u64 frame[LBR_EXPECT_FRAMES];		/* return addresses, innermost first */
	const char *missing;			/* the function a derivation failed in */
};

/* caller: the function that calls lbr_chain_a, directly and once; hook: the
 * function lbr_chain_leaf calls through its pointer. Both are names in the
 * symbol table, relative to image_base. false, with x->missing, when a
 * function is not in the table or has no such call (or more than one). */
bool lbr_expect_chain(u64 image_base, const char *caller, const char *hook,
		      struct lbr_expect *x);

/* Where the kept branches sit in the ring e[0..n) (newest first), as one run
 * of consecutive entries, each from and to equal: the index of the newest
 * (the call of the hook), or -1. */
int lbr_expect_find(const struct lbr_expect *x, enum lbr_expect_keep keep,
		    const struct lbr_entry *e, unsigned n);

/* Where the frames sit in chain[0..n) (lbr_callchain's), consecutively; -1. */
int lbr_expect_frames(const struct lbr_expect *x, const u64 *chain, unsigned n);

#endif
