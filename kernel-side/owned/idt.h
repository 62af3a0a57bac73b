/* pmulab's interrupt descriptor table: one gate per vector. */
#ifndef PMULAB_IDT_H
#define PMULAB_IDT_H

#include "kernel-side/cpu/cpu.h"

#define IDT_VECTORS 256

/* Builds the table (once) and returns the IDTR image to load. */
const struct desc_ptr *idt_get(void);

#endif
