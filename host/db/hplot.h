/* pmulab history --plot FILE (hplot.c). */
#ifndef PMULAB_HPLOT_H
#define PMULAB_HPLOT_H

#include "host/db/query.h"

/* FILE (NAME.svg or NAME.png) with NAME.dat and NAME.gp beside it; 0, or -1
 * after a message. The caller checked FILE's extension. */
int hist_plot(const char *file, const struct hist_query *q, const struct hist *h);

#endif
