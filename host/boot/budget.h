/* How long a run may take before pmulab run calls the guest hung: the
 * default --timeout, from the suites and benches its settings ask for. */
#ifndef PMULAB_BUDGET_H
#define PMULAB_BUDGET_H

/* sets: the run's key=value settings in order (the last of a key wins). */
double run_timeout_for(char *const *sets, int nsets);

#endif
