/* The records a command reads from its FILE|DIR argument: a records file,
 * a raw serial capture, or a run directory. */
#ifndef PMULAB_LOAD_H
#define PMULAB_LOAD_H

#include <stddef.h>
#include "host/stream/parse.h"

/* The records of FILE|DIR: a records file, or a run directory's records.txt
 * (else its serial.log); path gets the file read. NULL after a message
 * naming cmd ("pmulab CMD: ..."). */
struct stream *load_stream(const char *cmd, const char *arg, char *path, size_t len);

#endif
