/* The uprobe cross-check (pmulab linux --probes): a real Linux uprobe on
 * tr_leaf (microbench/traced.c, linked into this program as it is into the
 * payload), added through tracefs, hit a known number of times; the exact
 * hit count from uprobe_profile and the cost of a hit against the unprobed
 * call, as a `probe` record. */
#ifndef PMULAB_UPROBE_H
#define PMULAB_UPROBE_H

#include <stddef.h>
#include <stdint.h>

#define UPROBE_TRACEFS	"/sys/kernel/tracing"

/* The file and offset a uprobe needs for the code at addr, from a
 * /proc/PID/maps text: the mapping holding addr, offset = addr - start +
 * its file offset. 0, or -1 when no file mapping holds addr. */
int uprobe_file_offset(const char *maps, uintptr_t addr, char *path, size_t len,
		       uint64_t *offset);

/* The hits of event (its name without the group) in an uprobe_profile
 * text ("  <file> <event> <hits>" a line); -1 when it is not listed. */
long long uprobe_profile_hits(const char *profile, const char *event);

/* Adds the probe, calls tr_leaf `calls` times, reads the hits, removes the
 * probe, and writes the probe record; without root or tracefs an error
 * record saying what is needed. 0, or -1 (message on stderr). */
int uprobe_measure(unsigned long calls);

#endif
