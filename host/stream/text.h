/* Where a stream's records keep their text and fields: blocks carved from
 * the top, freed with the stream, so a record costs its bytes and no
 * allocator header. */
#ifndef PMULAB_TEXT_H
#define PMULAB_TEXT_H

#include <stddef.h>
#include "host/stream/stream.h"

/* Room for n bytes at the top of s's newest block (2-aligned, for fields);
 * nothing is taken until text_keep(). */
char *text_alloc(struct stream *s, size_t n);
/* The room text_alloc() gave at at keeps its first n bytes (0: none). */
void text_keep(struct stream *s, const char *at, size_t n);
void text_free(struct stream *s);

#endif
