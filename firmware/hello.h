/* The run's first record: what pmulab runs on, as the firmware tells it. */
#ifndef PMULAB_HELLO_H
#define PMULAB_HELLO_H

#include "firmware/uefi.h"
#include "kernel-side/lab/lab.h"

/* Finds the TSC's rate and whether this is QEMU, into lab (which has its
 * config and image), and writes the `hello` record with them. */
void hello(EFI_SYSTEM_TABLE *systab, struct lab *lab);

#endif
