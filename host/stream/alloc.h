/* Memory for the host tool: allocation that exits when there is none, and
 * text built in memory (host/stream/alloc.c). */
#ifndef PMULAB_ALLOC_H
#define PMULAB_ALLOC_H

#include <stddef.h>
#include <stdio.h>

/* Text built in memory, for output that has to be whole before it goes
 * anywhere (padded, escaped or returned). */
struct memtext {
	FILE *f;
	char *buf;		/* NUL-terminated after fflush(f) or fclose(f) */
	size_t len;
};

/* calloc(), realloc() and open_memstream() (into t) for the host tool: out
 * of memory, they say so and exit. */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
FILE *memtext_open(struct memtext *t);

#endif
