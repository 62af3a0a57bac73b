/* The verdict of a stream whose records are not kept (parser_keep_max):
 * what parser_finish() would find in them, taken as they arrive in memory
 * that does not grow with the stream. */
#ifndef PMULAB_TALLY_H
#define PMULAB_TALLY_H

#include <stdbool.h>
#include "host/stream/stream.h"

struct tally;

struct tally *tally_new(void);
/* A good record, in arrival order. live: it arrived just now (not replayed
 * from the records kept so far, whose repeats were told apart already);
 * false for a live record that repeats a seq: the caller drops it. */
bool tally_record(struct tally *t, struct stream *s, const struct record *r, bool live);
/* Fills s's verdict (missing, nlost, hello, end, complete) and frees t. */
void tally_finish(struct tally *t, struct stream *s);

#endif
