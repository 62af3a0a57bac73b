/* A stream's text blocks (text.h). */
#include <stdalign.h>
#include <stdlib.h>
#include "host/stream/alloc.h"
#include "host/stream/text.h"

/* A block holds thousands of records (a line is about a hundred bytes): few
 * blocks to free, little unused at the end of the last. */
#define TEXT_BLOCK (1u << 20)

struct text_block {
	struct text_block *next;
	size_t used, cap;
	alignas(max_align_t) char data[];
};

char *text_alloc(struct stream *s, size_t n)
{
	struct text_block *b = s->text;

	if (!b || b->cap - b->used < n) {
		size_t cap = n > TEXT_BLOCK ? n : TEXT_BLOCK;

		b = xrealloc(NULL, sizeof(*b) + cap);
		b->next = s->text;
		b->used = 0;
		b->cap = cap;
		s->text = b;
	}
	return b->data + b->used;
}

void text_keep(struct stream *s, const char *at, size_t n)
{
	s->text->used = (size_t)(at - s->text->data) + ((n + 1) & ~(size_t)1);
}

void text_free(struct stream *s)
{
	while (s->text) {
		struct text_block *b = s->text;

		s->text = b->next;
		free(b);
	}
}
