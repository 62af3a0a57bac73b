/* The benches section: each bench of the plan (lib/suites.h) that suite=
 * and benches= name, one owned section each, with a bench record, counter
 * records and an exact icount check. */
#ifndef PMULAB_SUITE_RUN_H
#define PMULAB_SUITE_RUN_H

#include "kernel-side/lab/lab.h"

/* The section's hooks (kernel-side/lab/section.h): whether suite= and
 * benches= name any bench; the plan and the working sets' memory -- the
 * largest planned, or as much of it as the platform gives -- before; bench
 * i's part; a finished bench counted; the memory given back after. */
bool benches_wanted(const struct config *cfg);
bool benches_begin(const struct lab *lab);
void *benches_part(const struct lab *lab, unsigned i, char *name, size_t size);
void benches_done(const struct lab *lab);
void benches_end(const struct lab *lab);
/* The owned-world body for one bench: arg is benches_part()'s. */
void suite_run_bench(void *arg);

/* Benches that finished, for the summary. */
unsigned benches_finished(void);

#endif
