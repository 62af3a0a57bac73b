/* perf stat style views of a stream's bench and counter records
 * (docs/host.md): a block per bench for people, perf stat -x, lines for
 * programs. */
#ifndef PMULAB_STAT_H
#define PMULAB_STAT_H

#include <stdbool.h>
#include <stdio.h>
#include "parse.h"

/* Whether the stream comes from QEMU TCG, whose timings are emulated. */
bool stat_emulated(const struct stream *s);

/* A block per bench as perf stat prints its counters, each after a blank
 * line; nothing when the stream holds no bench or counter record. */
void stat_text(FILE *out, const struct stream *s);

/* One line per counter record in perf stat -x, column order: value, unit,
 * event, run time, % of time counted, metric value, metric unit; each
 * bench's lines under a "# bench ..." comment line. LF line ends. */
void stat_perf_csv(FILE *out, const struct stream *s);

#endif
