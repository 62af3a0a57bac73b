/* Jump-optimized probes (Linux's optprobes, arch/x86/kernel/kprobes/opt.c):
 * once an INT3 probe is in, the instructions under the 5 bytes from the
 * probe are copied to a detour buffer -- CALL kprobe_opt_caller (the frame
 * and the handler), the copies, JMP back -- and the site becomes JMP detour,
 * written with text_poke's INT3 protocol over the INT3 already there. A hit
 * is then two jumps and a call instead of an exception. The rules are
 * kprobe_opt.c's; this file adds those that need the engine's state. */
#include "kernel-side/probes/kprobe_path.h"
#include "lib/libc.h"

#define OP_JMP_REL32	0xe9

static struct kprobe *owner[KP_DETOURS];

static u64 kp_detour_addr(int i)
{
	return (u64)(uintptr_t)(kprobe_detours + i * KP_DETOUR_SIZE);
}

static int detour_alloc(struct kprobe *p)
{
	for (int i = 0; i < KP_DETOURS; i++) {
		if (!owner[i]) {
			owner[i] = p;
			return i;
		}
	}
	return -1;
}

static enum kp_opt_refusal can_optimize(struct kprobe *p, u64 start, u64 end, u8 *buf)
{
	enum kp_opt_refusal r;

	if (p->int3)
		return KP_OPT_R_INT3_ONLY;
	/* The detour runs the copies straight on: no single step to stop
	 * after, so nowhere to run a post-handler (Linux refuses it too). */
	if (p->post)
		return KP_OPT_R_POST;
	if (p->action != KP_STEP)
		return KP_OPT_R_ACTION;
	p->detour = detour_alloc(p);
	if (p->detour < 0)
		return KP_OPT_R_NO_DETOUR;
	r = kp_opt_prepare((const u8 *)(uintptr_t)start, start, end - start, p->addr, p->orig[0],
			   kp_detour_addr(p->detour), (u64)(uintptr_t)kprobe_opt_caller, buf,
			   &p->window);
	/* The tracer would write its NOP or CALL over the JMP's bytes. */
	if (r == KP_OPT_OK && kp_ftrace_overlaps(p->addr, p->window))
		r = KP_OPT_R_FTRACE;
	if (r != KP_OPT_OK) {
		owner[p->detour] = NULL;
		p->detour = -1;
	}
	return r;
}

static void kp_opt_hit(u64 ret, struct trapframe *tf);

void kp_optimize(struct kprobe *p, u64 start, u64 end)
{
	u8 buf[KP_DETOUR_SIZE];
	struct poke jmp = { .addr = (u8 *)(uintptr_t)p->addr };

	p->detour = -1;
	p->opt_refusal = can_optimize(p, start, end, buf);
	if (p->opt_refusal != KP_OPT_OK)
		return;
	kprobe_opt_handler = kp_opt_hit;
	text_poke((void *)(uintptr_t)kp_detour_addr(p->detour), buf, KP_DETOUR_SIZE);
	memcpy(p->site, p->orig, 1);
	memcpy(p->site + 1, jmp.addr + 1, POKE_LEN - 1);
	kp_rel32(OP_JMP_REL32, p->addr, kp_detour_addr(p->detour), jmp.insn);
	p->path = KPROBE_PATH_OPTIMIZED;
	text_poke_batch(&jmp, 1);
}

void kp_unoptimize(struct kprobe *p)
{
	static const u8 int3 = INT3_INSN;
	u8 fill[KP_DETOUR_SIZE];

	/* Linux's arch_unoptimize_kprobe: the INT3 first, then the original
	 * tail, each write serialised; the INT3 is the probe's from the first
	 * step on, so a CPU that runs the site meanwhile takes the INT3 path,
	 * whose slot holds the original instruction. */
	text_poke((void *)(uintptr_t)p->addr, &int3, 1);
	text_poke((void *)(uintptr_t)(p->addr + 1), p->site + 1, POKE_LEN - 1);
	memset(fill, INT3_INSN, sizeof(fill));
	text_poke((void *)(uintptr_t)kp_detour_addr(p->detour), fill, KP_DETOUR_SIZE);
	owner[p->detour] = NULL;
	p->detour = -1;
	p->path = KPROBE_PATH_INT3;
}

/* RIP at the probe, as the INT3 path shows it; the copies then run from the
 * detour, whatever a handler wrote to RIP (Linux's optimized_callback). */
static void kp_opt_hit(u64 ret, struct trapframe *tf)
{
	struct kprobe *p = owner[(ret - kp_detour_addr(0)) / KP_DETOUR_SIZE];

	p->hits++;
	tf->rip = p->addr;
	if (p->pre)
		p->pre(p, tf);
}
