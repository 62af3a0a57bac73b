/* The owned world's IDT: 64-bit interrupt gates (SDM Vol3A 6.14.1, Figure 6-8)
 * to the trap.asm stubs, in the code segment the firmware runs in, for all
 * 256 vectors: an interrupt past the limit would raise #GP instead of reaching
 * its handler (SDM Vol3A 6.10). Interrupt gates clear IF on entry, so a
 * handler never nests under an interrupt. */
#include "kernel-side/cpu/exception.h"
#include "kernel-side/owned/idt.h"

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;			/* 0: stay on the current stack */
	u8 type_attr;		/* P=1, DPL=0, type 0xe = 64-bit interrupt gate */
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __attribute__((packed));

#define GATE_INTERRUPT_P_DPL0	0x8e
#define TRAP_STUB_SIZE		16	/* trap.asm's stub stride */

extern const u8 trap_stubs[];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
static struct desc_ptr idt_desc;

const struct desc_ptr *idt_get(void)
{
	if (idt_desc.limit)
		return &idt_desc;
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		u64 addr = (u64)(uintptr_t)(trap_stubs + v * TRAP_STUB_SIZE);

		idt[v].offset_lo = (u16)addr;
		idt[v].selector = read_cs();
		idt[v].ist = 0;
		idt[v].type_attr = GATE_INTERRUPT_P_DPL0;
		idt[v].offset_mid = (u16)(addr >> 16);
		idt[v].offset_hi = (u32)(addr >> 32);
		idt[v].reserved = 0;
	}
	idt_desc.base = (u64)(uintptr_t)idt;
	idt_desc.limit = sizeof(idt) - 1;
	return &idt_desc;
}
