/* The default text report, read at a glance (glance.c, docs/host.md). */
#ifndef PMULAB_GLANCE_H
#define PMULAB_GLANCE_H

#include <stdio.h>
#include "host/report/fields.h"
#include "host/stream/parse.h"

/* The stream's header and errors, the machine in three lines, a table per
 * suite, the events nothing counted folded a line per reason, a sampled
 * run's profile, the other records counted, the checks (failures named,
 * skips a line per reason; with m->verbose every check and every sample
 * record), the end and the result. */
void glance_text(FILE *out, const struct stream *s, const struct report_meta *m);

#endif
