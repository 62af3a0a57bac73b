/* Exception and interrupt entry for the owned world: the frame trap.asm
 * builds, and how a mechanism takes the events that are its own. */
#ifndef PMULAB_TRAP_H
#define PMULAB_TRAP_H

#include "lib/types.h"

/* Pushed by trap.asm below the CPU's interrupt frame (SDM Vol3A 6.14.1). */
struct trapframe {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

void trap(struct trapframe *tf);

/* A handler for a vector runs first, with IF=0, and returns true when the
 * event was its own (an interrupt handler EOIs its own). An interrupt
 * (vector 32-255) no handler takes is counted as stray and EOIed, the APIC's
 * spurious vector apart; an exception goes on to the hooks below, then the
 * exception table's fixup, then the fault hook. */
typedef bool (*trap_handler_fn)(struct trapframe *tf);
void trap_set_handler(unsigned vector, trap_handler_fn fn);
u64 trap_irq_stray(unsigned *last_vector);
u64 trap_irq_spurious(void);

/* #BP's users, each offered the INT3 in this order until one takes it: a
 * site the code patcher is rewriting (text_poke.c), then the probes
 * (kprobe.c). Each registers itself before it writes an INT3. */
enum trap_int3_user { TRAP_INT3_POKE, TRAP_INT3_PROBE, TRAP_INT3_USERS };
void trap_set_int3(enum trap_int3_user who, trap_handler_fn fn);

/* #DB's users, each offered DR6 as trap() read it (DR6 is sticky: trap()
 * resets it), in this order, since one #DB can report a single step and
 * breakpoint hits together (SDM Vol3B 18.2.3): the probe's single step
 * (kprobe.c) puts RIP back in the original code before the hardware
 * breakpoints (debugreg.c) record it. True when the event was theirs. */
typedef bool (*trap_debug_fn)(struct trapframe *tf, u64 dr6);
enum trap_debug_user { TRAP_DEBUG_STEP, TRAP_DEBUG_BREAKPOINT, TRAP_DEBUG_USERS };
void trap_set_debug(enum trap_debug_user who, trap_debug_fn fn);

/* Acknowledges a stray interrupt: the local APIC's EOI, set when pmulab
 * takes the APIC (apic.c). */
void trap_set_eoi(void (*eoi)(void));

/* An exception nothing took: owned.c sets it before it loads pmulab's IDT,
 * to abort the section the exception happened in. */
typedef void (*trap_fault_fn)(struct trapframe *tf) __attribute__((noreturn));
void trap_set_fault(trap_fault_fn fn);

#endif
