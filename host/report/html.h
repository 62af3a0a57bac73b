/* The html report (docs/host.md): one self-contained page, results first:
 * the run's summary and check tally, the suite tables, the plots of pmulab
 * plot as inline SVG, a sampled run's profile and flame graph, a traced
 * run's trace, the checks, the perf stat style bench tables, and the
 * capabilities and configuration last. */
#ifndef PMULAB_HTML_H
#define PMULAB_HTML_H

#include <stdio.h>
#include "host/stream/parse.h"
#include "host/report/fields.h"
#include "host/report/html_text.h"

void html_report(FILE *out, const struct stream *s, const struct report_meta *meta);

/* gnuplot's SVG inline: from its <svg tag on, every id and every reference
 * to one prefixed with "prefix-", so two plots on a page share no id.
 * Returns -1 (writing nothing) when svg holds no <svg tag. */
int html_svg(FILE *out, const char *svg, const char *prefix);

#endif
