/* The UEFI text console: the output channel when no UART answers, and the
 * screen a person sees on real hardware. Firmware world only. */
#ifndef PMULAB_CONSOLE_H
#define PMULAB_CONSOLE_H

#include "lib/types.h"

void console_write(const char *buf, size_t len);
/* Waits for a key press, at most seconds; true when a key was pressed. */
bool console_wait_key(unsigned seconds);

#endif
