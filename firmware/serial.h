/* A polled 16550 UART: pmulab's primary output channel. */
#ifndef PMULAB_SERIAL_H
#define PMULAB_SERIAL_H

#include "lib/types.h"

/* Probes the UART at port with its scratch register and, when it answers,
 * programs 115200 8N1 with FIFOs and no interrupts. */
bool serial_init(u16 port);
/* Writes bytes, waiting for the transmitter; false once the UART stopped
 * draining (then it is given up for the rest of the run). */
bool serial_write(const char *buf, size_t len);
bool serial_ok(void);

#endif
