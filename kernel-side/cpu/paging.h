/* Which page size maps an address: 4 KiB, 2 MiB or 1 GiB, from the page
 * tables the firmware built (SDM Vol3A 4.5 "4-level and 5-level paging").
 * It decides how many TLB entries a working set needs, so memory benchmarks
 * report it beside their results. */
#ifndef PMULAB_PAGING_H
#define PMULAB_PAGING_H

#include "lib/types.h"

#define X86_CR4_LA57	BIT(12)		/* 5-level paging */
#define PTE_PRESENT	BIT(0)
#define PTE_RW		BIT(1)		/* writable, when set at every level */
#define PTE_NX		BIT_ULL(63)	/* XD: no fetch, when set at any level (EFER.NXE) */
#define PTE_PSE		BIT(7)		/* PDPTE: 1 GiB page; PDE: 2 MiB page */
#define PTE_ADDR_MASK	0x000ffffffffff000ull

/* How va is mapped (SDM Vol3A 4.6: access rights combine over the levels). */
struct paging_map {
	u64 size;		/* page size, 0 when not mapped */
	bool writable;		/* R/W at every level */
	bool executable;	/* XD clear at every level */
};

void paging_lookup(u64 va, struct paging_map *m);

/* The size of the page mapping va, or 0 when it is not mapped. */
u64 paging_page_size(u64 va);

#endif
