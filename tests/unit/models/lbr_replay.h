/* The CPU's side of microbench/lbr_chain.c for the LBR model: the branches
 * its last native run retired, from the run's own record (each function's
 * stored return address, the hook leaf called) and the instructions at those
 * addresses -- never from the symbol table, which the checks under test
 * derive their expectations from. */
#ifndef PMULAB_LBR_REPLAY_H
#define PMULAB_LBR_REPLAY_H

#include "tests/unit/models/lbr_sim.h"

struct lbr_replay_br {
	u64 from, to;
	enum lbr_sim_br type;
};

/* caller -> a -> b (-> noise, back) -> c -> d (-> noise, back) -> leaf -> hook */
#define LBR_REPLAY_MAX	10

/* The last run's branches, oldest first; 0 when a call site did not decode
 * as the run's record says it must. */
unsigned lbr_replay_chain(struct lbr_replay_br *b);
/* Retires them on the model (at CPL 0, predicted, 1 cycle each): an
 * lbr_sim_on_stop hook, so a check that runs the chain natively and freezes
 * the ring from its hook sees them recorded. */
void lbr_replay_run(void);

#endif
