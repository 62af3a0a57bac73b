/* HTML text escaping and record values as HTML text (html_text.c). */
#ifndef PMULAB_HTML_TEXT_H
#define PMULAB_HTML_TEXT_H

#include <stddef.h>
#include <stdio.h>
#include "host/stream/parse.h"

/* len bytes as HTML text: & < > " ' as entities, a byte outside printable
 * ASCII as a visible \xHH, so the page is ASCII whatever it shows. */
void html_text(FILE *out, const char *s, size_t len);
/* A decoded record value as the text report shows it (report_value: bare,
 * or quoted with C escapes), as HTML text. */
void html_value(FILE *out, const char *val, size_t len);
/* " key=value" for each field of rec whose key is not in skip (NULL-ended,
 * or NULL), as the text report shows them, as HTML text. */
void html_fields(FILE *out, const struct record *rec, const char *const *skip);

#endif
