/* check name=lbr.callchain: the LBR gives back the call chain of code built
 * without frame pointers (microbench/lbr_chain.c), exactly. A skip, with the
 * probe's reason, where there is no LBR (QEMU TCG) or skip=lbr. */
#ifndef PMULAB_LBR_CHECK_H
#define PMULAB_LBR_CHECK_H

#include "kernel-side/lab/lab.h"

/* The owned-world body: arg is the const struct lab. */
void lbr_check_run(void *arg);

#endif
