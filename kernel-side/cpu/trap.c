/* The C side of exception and interrupt entry: #BP goes to the code
 * patcher, then to the probes; #DB to the probe being single-stepped and the
 * hardware breakpoints; a fault at an instruction listed in the exception
 * table resumes at its fixup; any other exception aborts the owned section it
 * happened in (owned.c), which reports it and exits cleanly. An interrupt
 * (vector 32 and up) goes to its handler. */
#include "kernel-side/cpu/apic.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/hw.h"
#include "kernel-side/cpu/idt.h"
#include "kernel-side/probes/kprobe.h"
#include "kernel-side/cpu/owned.h"
#include "kernel-side/cpu/text_poke.h"
#include "kernel-side/cpu/trap.h"

extern const struct extable_entry __start_extable[], __stop_extable[];

volatile int trap_fixup_result;
static u64 trap_fixups;

static u64 ex_addr(const s32 *field)
{
	return (u64)(uintptr_t)field + (s64)*field;
}

static const struct extable_entry *extable_find(u64 rip)
{
	for (const struct extable_entry *e = __start_extable; e < __stop_extable; e++)
		if (ex_addr(&e->insn) == rip)
			return e;
	return NULL;
}

u64 trap_fixup_count(void)
{
	return trap_fixups;
}

/* One #DB can report a single step and breakpoint hits together (SDM
 * Vol3B 18.2.3): each user takes its own. */
static bool trap_debug(struct trapframe *tf)
{
	u64 dr6 = hw_read_dr(6);
	bool stepped, hit;

	/* DR6 is sticky: cleared for the next #DB to be told apart. */
	hw_write_dr(6, DR6_INIT);
	stepped = kprobe_single_step(tf, dr6);
	hit = dr_exception(tf, dr6);
	return stepped || hit;
}

static trap_handler_fn handlers[IDT_VECTORS];
static u64 irq_stray, irq_spurious;
static unsigned irq_stray_vector;

void trap_set_handler(unsigned vector, trap_handler_fn fn)
{
	handlers[vector % IDT_VECTORS] = fn;
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
	apic_eoi();
}

void trap(struct trapframe *tf)
{
	trap_handler_fn fn = handlers[tf->vector % IDT_VECTORS];
	const struct extable_entry *e;

	if (fn && fn(tf))
		return;
	if (tf->vector >= NR_EXCEPTIONS) {
		irq_unhandled(tf);
		return;
	}
	if (tf->vector == BP_VECTOR && (text_poke_int3(tf) || kprobe_int3(tf)))
		return;
	if (tf->vector == DB_VECTOR && trap_debug(tf))
		return;
	/* Only faults resume through the table: a trap (#BP, #DB trap, #OF)
	 * reports the next instruction's address, never a listed one. */
	e = extable_find(tf->rip);
	if (e) {
		trap_fixup_result = HW_ERR_FAULT | (int)tf->vector;
		trap_fixups++;
		tf->rip = ex_addr(&e->fixup);
		return;
	}
	owned_fault(tf);
}
