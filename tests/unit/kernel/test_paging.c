/* The page-table walk against hand-built tables (SDM Vol3A 4.5): 4 KiB,
 * 2 MiB and 1 GiB pages, holes, and 5-level paging. The hardware hooks
 * are this file's: a small physical memory of tables. */
#include <stdlib.h>
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/paging.h"
#include "tests/unit/unit.h"

#define TABLES 8
static u64 mem[TABLES][512];
static u64 cr3, cr4;

/* Table t lives at physical 0x1000 * (t + 1). */
#define PHYS(t) (0x1000ull * ((t) + 1))

u64 hw_read_cr3(void) { return cr3; }
u64 hw_read_cr4(void) { return cr4; }
u64 hw_phys_read64(u64 addr)
{
	u64 t = addr / 0x1000 - 1;

	if (t >= TABLES)
		abort();
	return mem[t][(addr & 0xfff) / 8];
}

static void link(unsigned t, unsigned i, u64 val)
{
	mem[t][i] = val;
}

#define P PTE_PRESENT
#define PS PTE_PSE

static void test_four_level(void)
{
	memset(mem, 0, sizeof(mem));
	cr3 = PHYS(0) | 0x18;		/* PCD/PWT bits are not the address */
	cr4 = 0;
	link(0, 0, PHYS(1) | P | 2);	/* PML4[0] -> PDPT 1 */
	link(1, 0, PHYS(2) | P);	/* PDPT[0] -> PD 2 */
	link(1, 1, 0x40000000 | P | PS);	/* PDPT[1]: a 1 GiB page */
	link(2, 0, PHYS(3) | P);	/* PD[0] -> PT 3 */
	link(2, 1, 0x200000 | P | PS);	/* PD[1]: a 2 MiB page */
	link(3, 5, 0x5000 | P);		/* PT[5]: a 4 KiB page */

	CHECK_U64(paging_page_size(0x5123), 4096);
	CHECK_U64(paging_page_size(0x6000), 0);		/* PT[6] not present */
	CHECK_U64(paging_page_size(0x2fffff), 2 << 20);
	CHECK_U64(paging_page_size(0x40000000 + 12345), 1 << 30);
	CHECK_U64(paging_page_size(0x80000000), 0);	/* PDPT[2] */
	CHECK_U64(paging_page_size(1ull << 39), 0);	/* PML4[1] */
	/* PS means nothing in a PML4 entry: the walk goes on. */
	link(0, 0, PHYS(1) | P | PS);
	CHECK_U64(paging_page_size(0x5123), 4096);
}

static void test_five_level(void)
{
	memset(mem, 0, sizeof(mem));
	cr3 = PHYS(4);
	cr4 = X86_CR4_LA57;
	link(4, 1, PHYS(0) | P);	/* PML5[1] -> PML4 0 */
	link(0, 0, PHYS(1) | P);
	link(1, 0, 0 | P | PS);		/* 1 GiB at 0 */
	CHECK_U64(paging_page_size((1ull << 48) + 77), 1 << 30);
	CHECK_U64(paging_page_size(77), 0);		/* PML5[0] empty */
}

/* Access rights combine over the levels (SDM Vol3A 4.6): writable only if
 * R/W is set at every level, executable only if XD is clear at every one. */
static void test_rights(void)
{
	struct paging_map m;

	memset(mem, 0, sizeof(mem));
	cr3 = PHYS(0);
	cr4 = 0;
	link(0, 0, PHYS(1) | P | PTE_RW);
	link(1, 0, PHYS(2) | P | PTE_RW);
	link(2, 0, PHYS(3) | P | PTE_RW);
	link(3, 1, 0x1000 | P | PTE_RW);	/* code patched in place: RW, X */
	link(3, 2, 0x2000 | P);			/* read-only code */
	link(3, 3, 0x3000 | P | PTE_RW | PTE_NX); /* data */
	link(2, 1, 0x200000 | P | PS | PTE_NX);	/* NX at the PDE: no fetch */

	paging_lookup(0x1010, &m);
	CHECK(m.size == 4096 && m.writable && m.executable);
	paging_lookup(0x2010, &m);
	CHECK(m.size == 4096 && !m.writable && m.executable);
	paging_lookup(0x3010, &m);
	CHECK(m.size == 4096 && m.writable && !m.executable);
	paging_lookup(0x200000, &m);
	CHECK(m.size == 2 << 20 && !m.writable && !m.executable);
	/* Read-only higher up wins over a writable PTE. */
	link(1, 0, PHYS(2) | P);
	paging_lookup(0x1010, &m);
	CHECK(!m.writable && m.executable);
	paging_lookup(0x4000, &m);
	CHECK(m.size == 0 && !m.writable && !m.executable);
}

int main(void)
{
	test_four_level();
	test_five_level();
	test_rights();
	return unit_done("paging");
}
