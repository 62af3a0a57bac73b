/* The C side of exception and interrupt entry (trap.asm's stubs call trap()):
 * a vector's handler first; an interrupt no handler took is acknowledged;
 * #BP and #DB go to the hooks of the mechanisms that raise them; a fault at
 * an instruction of the exception table resumes at its fixup; anything else
 * goes to the fault hook, which aborts the owned section it happened in. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/extable.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/owned/idt.h"
#include "kernel-side/owned/trap.h"

static trap_handler_fn handlers[IDT_VECTORS];
static trap_handler_fn int3_hooks[TRAP_INT3_USERS];
static trap_debug_fn debug_hooks[TRAP_DEBUG_USERS];
static void (*irq_eoi)(void);
static trap_fault_fn fault_hook;
static u64 irq_stray, irq_spurious;
static unsigned irq_stray_vector;

void trap_set_handler(unsigned vector, trap_handler_fn fn)
{
	handlers[vector % IDT_VECTORS] = fn;
}

void trap_set_int3(enum trap_int3_user who, trap_handler_fn fn)
{
	int3_hooks[who] = fn;
}

void trap_set_debug(enum trap_debug_user who, trap_debug_fn fn)
{
	debug_hooks[who] = fn;
}

void trap_set_eoi(void (*eoi)(void))
{
	irq_eoi = eoi;
}

void trap_set_fault(trap_fault_fn fn)
{
	fault_hook = fn;
}

u64 trap_irq_stray(unsigned *last_vector)
{
	*last_vector = irq_stray_vector;
	return irq_stray;
}

u64 trap_irq_spurious(void)
{
	return irq_spurious;
}

/* An interrupt no handler took. */
static void irq_unhandled(struct trapframe *tf)
{
	/* A spurious interrupt sets no ISR bit and takes no EOI (SDM Vol3A
	 * 11.9). */
	if (tf->vector == APIC_SPURIOUS_VECTOR) {
		irq_spurious++;
		return;
	}
	/* Accepted, so in service: without an EOI it would hold off every
	 * interrupt of its priority class and below. */
	irq_stray++;
	irq_stray_vector = (unsigned)tf->vector;
	if (irq_eoi)
		irq_eoi();
}

static bool trap_int3(struct trapframe *tf)
{
	for (unsigned i = 0; i < TRAP_INT3_USERS; i++)
		if (int3_hooks[i] && int3_hooks[i](tf))
			return true;
	return false;
}

/* Every user sees the #DB: each takes its own part of DR6. */
static bool trap_debug(struct trapframe *tf)
{
	u64 dr6 = hw_read_dr(6);
	bool ours = false;

	/* DR6 is sticky: cleared for the next #DB to be told apart. */
	hw_write_dr(6, DR6_INIT);
	for (unsigned i = 0; i < TRAP_DEBUG_USERS; i++)
		if (debug_hooks[i] && debug_hooks[i](tf, dr6))
			ours = true;
	return ours;
}

void trap(struct trapframe *tf)
{
	trap_handler_fn fn = handlers[tf->vector % IDT_VECTORS];

	if (fn && fn(tf))
		return;
	if (tf->vector >= NR_EXCEPTIONS) {
		irq_unhandled(tf);
		return;
	}
	if (tf->vector == BP_VECTOR && trap_int3(tf))
		return;
	if (tf->vector == DB_VECTOR && trap_debug(tf))
		return;
	/* Only faults resume through the table: a trap (#BP, #DB trap, #OF)
	 * reports the next instruction's address, never a listed one. */
	if (extable_fixup(&tf->rip, (unsigned)tf->vector))
		return;
	/* Set: only owned_run() loads the IDT that leads here. */
	fault_hook(tf);
}
