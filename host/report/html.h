/* The html report (docs/host.md): one self-contained page with the run's
 * summary, its records as tables, the perf stat style bench tables, the
 * checks and the plots of pmulab plot as inline SVG. */
#ifndef PMULAB_HTML_H
#define PMULAB_HTML_H

#include <stdio.h>
#include "host/stream/parse.h"
#include "host/report/fields.h"

void html_report(FILE *out, const struct stream *s, const struct report_meta *meta);

/* len bytes as HTML text: & < > " ' as entities, a byte outside printable
 * ASCII as a visible \xHH, so the page is ASCII whatever it shows. */
void html_text(FILE *out, const char *s, size_t len);
/* A decoded record value as the text report shows it (report_value: bare,
 * or quoted with C escapes), as HTML text. */
void html_value(FILE *out, const char *val, size_t len);
/* gnuplot's SVG inline: from its <svg tag on, every id and every reference
 * to one prefixed with "prefix-", so two plots on a page share no id.
 * Returns -1 (writing nothing) when svg holds no <svg tag. */
int html_svg(FILE *out, const char *svg, const char *prefix);

#endif
