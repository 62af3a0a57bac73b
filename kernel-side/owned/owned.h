/* The owned world (docs/internals.md "Two worlds"): a section of work that
 * runs with interrupts off and pmulab's IDT loaded, and that gives back the
 * firmware's IDT, interrupt flag, every MSR it wrote, the code it patched and
 * CR0.WP when it ends -- normally or by an unexpected exception, which aborts
 * the section instead of hanging it. */
#ifndef PMULAB_OWNED_H
#define PMULAB_OWNED_H

#include "lib/types.h"

#define FAULT_TRACE_MAX 8

/* An unexpected exception, as the CPU reported it. */
struct fault_info {
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, rbp;
	u64 cr2;			/* meaningful for #PF */
	u64 trace[FAULT_TRACE_MAX];	/* return addresses, innermost first */
	unsigned ntrace;
};

/* What leaving the last section restored. */
struct owned_stats {
	bool aborted;			/* an exception ended it (set before the hooks) */
	unsigned msrs_restored;		/* MSRs written back */
	unsigned msrs_mismatched;	/* of them, not reading back as before */
	unsigned lapic_restored;	/* local APIC registers written back */
	unsigned lapic_mismatched;	/* of them, not reading back as before */
	bool idt_restored;		/* IDTR equals the firmware's again */
	bool if_restored;		/* RFLAGS.IF equals its value on entry */
	bool cr0_wp;			/* CR0.WP after leaving */
	bool cr0_restored;		/* CR0.WP equals its value on entry */
	unsigned code_restored;		/* patched code sites written back (text_poke.h) */
	unsigned code_kept;		/* of the patched, left for the next part */
	unsigned code_refused;		/* code writes refused: the patch log was full */
};

/* Runs fn(arg) in the owned world. Returns 0, or -1 with *fault filled when an
 * exception no fixup covers aborted it. */
int owned_run(void (*fn)(void *), void *arg, struct fault_info *fault);
void owned_last_stats(struct owned_stats *st);

/* Hardware a section takes over besides the logged MSRs (the local APIC,
 * apic_own()) goes back through a hook its owner registers during the
 * section. On leaving, after CLI, the hooks run first -- pmulab's IDT still
 * takes what the hardware had pending -- then the MSRs are written back, and
 * the hooks are forgotten -- a hook may register again while it runs, to run
 * at the next section's leaving too (text_poke.c, when it leaves code patched
 * for a section's next part). Each fills its own fields of *st. 0, or
 * HW_ERR_LOG_FULL when OWNED_LEAVE_MAX are in already; a hook registered
 * twice runs once. */
#define OWNED_LEAVE_MAX 4	/* the APIC's, the code patcher's, and room */
typedef void (*owned_leave_fn)(struct owned_stats *st);
int owned_on_leave(owned_leave_fn fn);

/* The highest frame of pmulab's own code (efi_main's): fault traces follow
 * the RBP chain up to it, through the code that started the section. */
void owned_set_stack_top(const void *frame);
/* The bound of a stack walk from inside the current section: that frame, or
 * the section's entry when it is higher. */
u64 owned_stack_top(void);

/* Called, with the fault, when no section can take it (a fault while a
 * section is being left). Must not return; the firmware reports and exits. */
void owned_set_panic(void (*panic)(const struct fault_info *f));

#endif
