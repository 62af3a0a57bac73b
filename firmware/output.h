/* Where records go: the UART as they are made (safe in the owned world), and
 * a buffer that each section flush writes to \pmulab\results.txt and, when no
 * UART answers, to the UEFI console. */
#ifndef PMULAB_OUTPUT_H
#define PMULAB_OUTPUT_H

#include "lib/config.h"

/* Sets up the channels the config asks for and installs the record sink. */
void output_init(const struct config *cfg);
/* Opens the results file (reporting failure as an error record). */
void output_open_results(void);
/* Firmware world only: writes what the sections produced since the last
 * flush to the results file and, in console mode, to the screen. */
void output_flush(void);
void output_close(void);
/* "serial" or "uefi": the channel records are read from. */
const char *output_channel(void);
bool output_serial(void);
u16 output_serial_port(void);

#endif
