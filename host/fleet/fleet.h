/* pmulab where fleets run: back from a LAVA job (lava_import.c) and a
 * matrix of QEMU configurations (matrix*.c). */
#ifndef PMULAB_FLEET_H
#define PMULAB_FLEET_H

#include "host/report/report.h"

/* pmulab import --lava LOG: the serial lines of a LAVA job log into a run
 * directory (out, or a new runs/lava-...), reported in fmt; the exit code. */
int lava_import(const char *log, const char *out, enum report_format fmt);

extern const char usage_matrix[];
int cmd_matrix(int argc, char **argv);

#endif
