/* The payload's function tracer records (trace, trace_fn, trace_graph,
 * trace_profile) as people and programs know traces (docs/host.md): the
 * text of /sys/kernel/tracing/trace and trace_stat/function0, and Chrome
 * trace-event JSON for Perfetto or chrome://tracing (ftrace.c, trace_json.c). */
#ifndef PMULAB_TRACE_H
#define PMULAB_TRACE_H

#include <stdio.h>
#include "host/stream/parse.h"

/* Each trace in the text ftrace prints for its tracer, after a line
 * "# trace: <name>", the traces separated by a blank line; nothing at all
 * when the stream holds no trace record. */
void trace_ftrace(FILE *out, const struct stream *s);

/* One JSON object {"traceEvents":[...],"displayTimeUnit":"ns",
 * "otherData":{...}}: B/E events for function_graph entries, instant
 * events for function entries, each trace a process of its own. Valid JSON
 * whatever the records hold. */
void trace_json(FILE *out, const struct stream *s);

#endif
