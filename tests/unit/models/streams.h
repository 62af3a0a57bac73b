/* Streams for the report tests: records written by the payload's writer,
 * kept as a serial capture holds them and read back by the host parser, so
 * a test sees what the host tool would. */
#ifndef PMULAB_STREAMS_H
#define PMULAB_STREAMS_H

#include <stdio.h>
#include "host/stream/parse.h"
#include "tests/unit/unit.h"

/* Sends the writer's records to the capture; first thing in main(). */
void streams_init(void);

/* One record through the writer: "type key=value ...". Values with spaces
 * or odd bytes go through rec_str() or rec_strn() by hand instead. */
void emit(const char *body);

/* The records of bodies (NULL-ended), parsed; any good ones emitted before
 * (by hand) since the last call are included. */
struct stream *streams_parse(const char *const *bodies);

/* streams_parse(), checking that the parser rejected nothing: inline, so
 * the check counts in the test's own tally (unit.h's counters are static). */
static inline struct stream *stream_of(const char *const *bodies)
{
	struct stream *s = streams_parse(bodies);

	CHECK_U64(s->nrejects, 0);
	return s;
}

/* Whatever fn writes for s, as a string (malloc'd). */
char *render(void (*fn)(FILE *, const struct stream *), const struct stream *s);

#endif
