/* Which page size maps an address: 4 KiB, 2 MiB or 1 GiB, from the page
 * tables the firmware built (SDM Vol3A 4.5 "4-level and 5-level paging").
 * It decides how many TLB entries a working set needs, so memory benchmarks
 * report it beside their results. */
#ifndef PMULAB_PAGING_H
#define PMULAB_PAGING_H

#include "types.h"

#define X86_CR4_LA57	BIT(12)		/* 5-level paging */
#define PTE_PRESENT	BIT(0)
#define PTE_PSE		BIT(7)		/* PDPTE: 1 GiB page; PDE: 2 MiB page */
#define PTE_ADDR_MASK	0x000ffffffffff000ull

/* The size of the page mapping va, or 0 when it is not mapped. */
u64 paging_page_size(u64 va);

#endif
