/* The LBR checks (docs/lbr.md), each a skip with the probe's reason where
 * there is no LBR (QEMU TCG) or skip=lbr:
 *   lbr.depth      every FROM/TO MSR of the ring the probe found answers, the
 *                  one past it faults (#GP);
 *   lbr.callchain  the call chain of code built without frame pointers
 *                  (microbench/lbr_chain.c): its branches, FROM and TO, and
 *                  its frames, as its code says (lbr_expect.c);
 *   lbr.filter     recording calls only, the ring holds the chain's calls
 *                  and nothing else. */
#ifndef PMULAB_LBR_CHECK_H
#define PMULAB_LBR_CHECK_H

#include "kernel-side/lab/lab.h"

/* The owned-world body: arg is the const struct lab. */
void lbr_check_run(void *arg);
/* lbr.depth (lbr_check_depth.c). */
void lbr_check_depth(const struct lbr_caps *lc);

#endif
