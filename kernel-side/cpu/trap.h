/* Exception entry for the owned world: the frame entry.asm builds, the
 * exception-fixup table, and the C handler. */
#ifndef PMULAB_TRAP_H
#define PMULAB_TRAP_H

#include "lib/types.h"

/* Pushed by entry.asm below the CPU's interrupt frame (SDM Vol3A 6.14.1). */
struct trapframe {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

/*
 * An exception-table entry says: if the instruction at `insn` faults, resume
 * at `fixup`. Both are stored relative to the entry's own fields (as Linux's
 * relative extable does), so the table needs no load-time relocation.
 */
struct extable_entry {
	s32 insn;
	s32 fixup;
};

#define _ASM_EXTABLE(insn, fixup)				\
	".pushsection .extable, \"a\"\n\t"			\
	".balign 4\n\t"						\
	".long (" #insn ") - .\n\t"				\
	".long (" #fixup ") - .\n\t"				\
	".popsection\n\t"

/* HW_ERR_FAULT | vector after a fixup was taken; callers zero it first. */
extern volatile int trap_fixup_result;

/* Fixups taken since boot (each is one fault caught and resumed). */
u64 trap_fixup_count(void);

void trap(struct trapframe *tf);

/* A handler for a vector runs first, with IF=0, and returns true when the
 * event was its own (an interrupt handler EOIs its own). An interrupt
 * (vector 32-255) no handler takes is counted as stray and EOIed, the APIC's
 * spurious vector apart; an exception goes on to the fixup and fault path. */
typedef bool (*trap_handler_fn)(struct trapframe *tf);
void trap_set_handler(unsigned vector, trap_handler_fn fn);
u64 trap_irq_stray(unsigned *last_vector);
u64 trap_irq_spurious(void);

#endif
