/* Ending the run: QEMU's isa-debug-exit carries the status to the host;
 * elsewhere the screen shows it before ResetSystem. */
#ifndef PMULAB_EXIT_H
#define PMULAB_EXIT_H

#include "lib/config.h"
#include "firmware/uefi.h"

/* The end record's status; its value is what isa-debug-exit is sent, so QEMU
 * exits with (status << 1) | 1: 1 ok, 3 partial, 5 error. */
enum run_status { STATUS_OK = 0, STATUS_PARTIAL = 1, STATUS_ERROR = 2 };

const char *run_status_name(enum run_status st);
/* Returns only for exit=return (or when every way out failed). */
EFI_STATUS pmulab_exit(enum run_status st, const struct config *cfg, bool qemu);
/* From a broken state (a fault while leaving the owned world): no waiting. */
void pmulab_exit_now(enum run_status st, bool qemu) __attribute__((noreturn));

#endif
