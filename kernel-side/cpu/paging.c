/* Page-table walk (paging.h). Long mode always pages; CR4.LA57 adds a fifth
 * level. UEFI identity-maps memory, so each table is read at its physical
 * address. */
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/paging.h"

void paging_lookup(u64 va, struct paging_map *m)
{
	unsigned levels = hw_read_cr4() & X86_CR4_LA57 ? 5 : 4;
	u64 table = hw_read_cr3() & PTE_ADDR_MASK;

	*m = (struct paging_map){ .writable = true, .executable = true };
	for (unsigned level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		u64 e = hw_phys_read64(table + ((va >> shift) & 511) * 8);

		if (!(e & PTE_PRESENT))
			break;
		m->writable &= !!(e & PTE_RW);
		m->executable &= !(e & PTE_NX);
		/* PS in a PDPTE (level 3) or PDE (level 2) ends the walk. */
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PSE))) {
			m->size = 1ull << shift;
			return;
		}
		table = e & PTE_ADDR_MASK;
	}
	*m = (struct paging_map){ .size = 0 };
}

u64 paging_page_size(u64 va)
{
	struct paging_map m;

	paging_lookup(va, &m);
	return m.size;
}
