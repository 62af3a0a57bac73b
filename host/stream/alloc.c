/* Allocation for the host tool (parse.h). */
#include <stdio.h>
#include <stdlib.h>
#include "host/stream/alloc.h"

/* The host tool has no use for a half-built stream or report: without
 * memory it says so and stops. */
static void *need(void *p)
{
	if (!p) {
		fputs("pmulab: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	return need(realloc(p, n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return need(calloc(n ? n : 1, size));
}

FILE *memtext_open(struct memtext *t)
{
	t->buf = NULL;
	t->len = 0;
	return t->f = need(open_memstream(&t->buf, &t->len));
}
