/* INT3 probes on the payload's own code, as Linux's kprobes
 * (arch/x86/kernel/kprobes/core.c): the probed instruction's first byte
 * becomes INT3; the #BP handler runs the pre-handler with the trap frame,
 * then runs the original instruction -- single-stepped (RFLAGS.TF) in an
 * out-of-line slot, or emulated -- and the post-handler, and resumes after
 * it. At a function tracer site the probe is a CALL instead, and elsewhere
 * an INT3 becomes a JMP to a detour buffer when it can (kprobe_path.h):
 * the same handlers, the same frame, no exception. Return probes hijack
 * the return address at function entry. The mechanism step by step:
 * docs/probes.md. One CPU, interrupts off (the owned world). */
#ifndef PMULAB_KPROBE_H
#define PMULAB_KPROBE_H

#include "kernel-side/cpu/text_poke.h"
#include "kernel-side/probes/kprobe_insn.h"
#include "kernel-side/probes/kprobe_opt.h"

#define KPROBE_MAX	16	/* registered at once */
#define KPROBE_SLOTS	16	/* out-of-line slots (kprobe.asm) */
#define KRETPROBE_DEPTH	64	/* return instances live at once */

/* How a probe's hits reach its handlers. At a function's first byte that
 * is a function tracer site, a CALL to a trampoline (Linux's
 * KPROBES_ON_FTRACE); elsewhere an INT3, which becomes a JMP to a detour
 * buffer when the instructions it covers can run there (Linux's optprobes). */
enum kprobe_path { KPROBE_PATH_INT3, KPROBE_PATH_FTRACE, KPROBE_PATH_OPTIMIZED };

struct kprobe;
typedef void (*kprobe_handler_fn)(struct kprobe *p, struct trapframe *tf);

struct kprobe {
	/* Where: addr, or (addr 0) symbol + offset. */
	u64 addr;
	const char *symbol;
	u64 offset;
	/* pre: at the trap, tf->rip is the probe address, before the
	 * instruction runs; post: after it ran (may be NULL). On every path the
	 * frame holds the registers as the INT3's trap would (RSP as at the
	 * probed instruction); what a handler writes to the general registers
	 * and flags is what the code goes on with, RIP and RSP apart. */
	kprobe_handler_fn pre, post;
	void *data;
	/* Run a stepped instruction from its slot with a jump back instead of
	 * a single step, when there is no post-handler (Linux's boosting). */
	bool boost;
	/* Keep the INT3: no ftrace path, no jump (to compare the paths; Linux
	 * has the sysctl debug.kprobes-optimization for the jump). */
	bool int3;
	/* The engine's. */
	u64 hits;
	struct insn insn;
	u8 orig[INSN_MAX_LEN];		/* the instruction's bytes */
	enum kp_action action;
	enum kp_refusal refusal;	/* why KPROBE_E_INSN */
	int slot;			/* -1: emulated, no slot */
	bool boosted;			/* the slot jumps back: no #DB */
	enum kprobe_path path;
	enum kp_opt_refusal opt_refusal;	/* why an INT3 probe is not a jump */
	int detour;			/* the optimized probe's buffer, or -1 */
	unsigned window;		/* bytes its JMP covers */
	u8 site[POKE_LEN];		/* what the CALL or JMP replaced */
};

enum kprobe_err {
	KPROBE_OK,
	KPROBE_E_NO_SYMBOL,	/* no such function, or offset past its end */
	KPROBE_E_NOT_BOUNDARY,	/* not where an instruction starts */
	KPROBE_E_MACHINERY,	/* in the probe path itself: it would recurse */
	KPROBE_E_BUSY,		/* a probe or a foreign INT3 is there already */
	KPROBE_E_DECODE,	/* the decoder does not know the bytes */
	KPROBE_E_INSN,		/* an instruction probes cannot run (p->refusal) */
	KPROBE_E_NO_SLOT,	/* every slot or table entry is taken */
	KPROBE_E_NOT_ENTRY,	/* kretprobe: not a function's first byte */
};

/* The image's base, for the symbol table; registers the #BP and #DB hooks
 * (trap.h). Call once before registering. */
void kprobe_init(u64 image_base);

int kprobe_register(struct kprobe *p);
/* Writes the original byte back and frees the slot (restored to INT3s, so
 * the text checksum is the one before the probe). */
void kprobe_unregister(struct kprobe *p);
/* Every probe still registered. */
void kprobe_unregister_all(void);
/* After a section that aborted with probes in: leaving it already put their
 * code back (text_poke.h's log), and a struct kprobe may have lived on its
 * stack, now gone: every probe is dropped without touching either. */
void kprobe_forget_all(void);
const char *kprobe_err_name(int err);
const char *kprobe_path_name(enum kprobe_path path);

/* A function of the symbol table by name: its address and size. */
bool kprobe_lookup(const char *name, u64 *addr, u64 *size);
/* addr is the first byte of a function of the symbol table. */
bool kprobe_is_fn_start(u64 addr);
/* The instruction that ends at rip, by decoding from the start of its
 * function: the writer a data breakpoint (a trap, RIP past the writer)
 * caught. */
bool kprobe_insn_before(u64 rip, u64 *insn);

/* trap()'s hooks: a #BP at a probe (true: handled, tf ready to resume), and
 * a #DB that ends a probe's single step. */
bool kprobe_int3(struct trapframe *tf);
bool kprobe_single_step(struct trapframe *tf, u64 dr6);

/* Return probes: a kprobe on the function's first byte whose pre-handler
 * replaces the return address with kretprobe_trampoline and keeps the real
 * one on an instance stack, so nested and recursive calls each return
 * through their own instance. */
struct kretprobe_instance {
	struct kretprobe *rp;
	u64 ret_addr;		/* the real return address */
	u64 slot;		/* where it was on the stack */
	u64 entry_tsc, exit_tsc;
	unsigned depth;		/* live instances below this one */
};

struct kretprobe {
	struct kprobe kp;	/* set kp.addr or kp.symbol; the rest is the engine's */
	void (*handler)(struct kretprobe *rp, const struct kretprobe_instance *ri,
			u64 retval);
	void *data;
	u64 entries, returns;
	u64 missed;		/* entries not hijacked: the instance stack was full */
};

int kretprobe_register(struct kretprobe *rp);
void kretprobe_unregister(struct kretprobe *rp);
/* Instances dropped because their frame was left without returning (a
 * longjmp past it). */
u64 kretprobe_dropped(void);

/* The return path (kretprobe.asm calls it): the real return address. */
u64 kretprobe_return(u64 retval, u64 sp);
extern const u8 kretprobe_trampoline[];

#endif
