/* Entering and leaving the owned world. Entry: CLI, save the firmware's IDTR,
 * load ours. Leaving: CLI, run the leave hooks (the local APIC registers a
 * section took, apic.c; the code it patched and CR0.WP, text_poke.c), write
 * back logged MSRs, reload the firmware's IDTR, restore RFLAGS. An unexpected exception longjmps (owned_abort) back here. */
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/extable.h"
#include "kernel-side/owned/idt.h"
#include "kernel-side/cpu/msr.h"
#include "kernel-side/owned/owned.h"
#include "kernel-side/owned/trap.h"

/* Callee-saved registers, RSP and the return address (owned.asm's layout). */
struct owned_jmp {
	u64 rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

struct owned_ctx {
	struct owned_jmp jmp;
	struct fault_info fault;
	bool leaving;		/* past the section: faults go to the panic hook */
};

int owned_call(struct owned_jmp *jmp, void (*fn)(void *), void *arg);
void owned_abort(struct owned_jmp *jmp) __attribute__((noreturn));

static struct owned_ctx *owned_cur;
static struct owned_stats owned_stats;
static void (*owned_panic)(const struct fault_info *f);
static u64 owned_stack_top_frame;
static owned_leave_fn leave_hooks[OWNED_LEAVE_MAX];
static unsigned nleave;

int owned_on_leave(owned_leave_fn fn)
{
	for (unsigned i = 0; i < nleave; i++)
		if (leave_hooks[i] == fn)
			return 0;
	if (nleave == OWNED_LEAVE_MAX)
		return HW_ERR_LOG_FULL;
	leave_hooks[nleave++] = fn;
	return 0;
}

void owned_set_panic(void (*panic)(const struct fault_info *f))
{
	owned_panic = panic;
}

void owned_set_stack_top(const void *frame)
{
	owned_stack_top_frame = (u64)(uintptr_t)frame;
}

u64 owned_stack_top(void)
{
	u64 top = owned_cur ? owned_cur->jmp.rsp : 0;

	return owned_stack_top_frame > top ? owned_stack_top_frame : top;
}

void owned_last_stats(struct owned_stats *st)
{
	*st = owned_stats;
}

/* Return addresses along the RBP chain, only while the chain climbs inside
 * the stack between the fault and stack_top, so a bad frame cannot fault the
 * handler. */
static void fault_trace(struct fault_info *f, u64 rbp, u64 stack_top)
{
	u64 lo = f->rsp;

	f->ntrace = 0;
	while (f->ntrace < FAULT_TRACE_MAX && rbp >= lo && rbp + 16 <= stack_top &&
	       !(rbp & 7)) {
		const u64 *frame = (const u64 *)(uintptr_t)rbp;

		f->trace[f->ntrace++] = frame[1];
		lo = rbp + 16;
		rbp = frame[0];
	}
}

/* trap()'s fault hook: an exception nothing took. */
static __attribute__((noreturn)) void owned_fault(struct trapframe *tf)
{
	struct owned_ctx *ctx = owned_cur;
	struct fault_info f = {
		.vector = tf->vector, .error_code = tf->error_code,
		.rip = tf->rip, .cs = tf->cs, .rflags = tf->rflags,
		.rsp = tf->rsp, .rbp = tf->rbp, .cr2 = read_cr2(),
	};

	if (ctx && !ctx->leaving) {
		fault_trace(&f, tf->rbp, owned_stack_top());
		ctx->fault = f;
		owned_abort(&ctx->jmp);
	}
	if (owned_panic)
		owned_panic(&f);
	/* No hook, or it returned: a triple fault resets the machine rather
	 * than leave it hung (an empty IDT turns the next #UD into one). */
	static const struct desc_ptr none;
	lidt(&none);
	for (;;)
		asm volatile("ud2");
}

/* The hooks registered so far, forgotten before they run, so that one may
 * register again for the next section. */
static void run_leave_hooks(struct owned_stats *st)
{
	owned_leave_fn hooks[OWNED_LEAVE_MAX];
	unsigned n = nleave;

	for (unsigned i = 0; i < n; i++)
		hooks[i] = leave_hooks[i];
	nleave = 0;
	for (unsigned i = 0; i < n; i++)
		hooks[i](st);
}

int owned_run(void (*fn)(void *), void *arg, struct fault_info *fault)
{
	struct owned_ctx ctx = { .leaving = false };
	struct desc_ptr fw_idt, now;
	u64 flags = read_rflags();
	u64 cr0 = read_cr0();
	int aborted;

	cli();
	trap_set_fault(owned_fault);
	sidt(&fw_idt);
	lidt(idt_get());
	owned_cur = &ctx;
	extable_set_live(true);
	aborted = owned_call(&ctx.jmp, fn, arg);

	/* A section that sampled ran with IF=1 for a while. */
	cli();
	ctx.leaving = true;
	/* The APIC first, while pmulab's IDT still takes what it had pending. */
	owned_stats.aborted = aborted != 0;
	owned_stats.lapic_restored = 0;
	owned_stats.lapic_mismatched = 0;
	owned_stats.code_restored = 0;
	owned_stats.code_kept = 0;
	owned_stats.code_refused = 0;
	run_leave_hooks(&owned_stats);
	owned_stats.msrs_mismatched = msr_restore_all(&owned_stats.msrs_restored);
	extable_set_live(false);
	owned_cur = NULL;
	lidt(&fw_idt);
	write_rflags(flags);

	sidt(&now);
	owned_stats.idt_restored = now.base == fw_idt.base && now.limit == fw_idt.limit;
	owned_stats.if_restored = (read_rflags() & X86_EFLAGS_IF) == (flags & X86_EFLAGS_IF);
	owned_stats.cr0_wp = read_cr0() & X86_CR0_WP;
	owned_stats.cr0_restored = ((read_cr0() ^ cr0) & X86_CR0_WP) == 0;
	if (aborted && fault)
		*fault = ctx.fault;
	return aborted ? -1 : 0;
}
