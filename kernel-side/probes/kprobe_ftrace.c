/* Probes at a function tracer site (Linux's KPROBES_ON_FTRACE,
 * arch/x86/kernel/kprobes/ftrace.c): a probe on a function's first byte,
 * where -fpatchable-function-entry left the tracer's 5-byte NOP, needs no
 * INT3 -- the NOP becomes CALL kprobe_ftrace_caller (kprobe_frame.asm),
 * written with text_poke's INT3 protocol as the tracer writes its own. The
 * NOP does nothing, so there is nothing to step: the handlers run in the
 * CALL and the function goes on. */
#include <stddef.h>
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/probes/kprobe_path.h"
#include "lib/libc.h"

_Static_assert(offsetof(struct trapframe, vector) == 120 &&
	       offsetof(struct trapframe, rip) == 136 && offsetof(struct trapframe, cs) == 144 &&
	       offsetof(struct trapframe, rflags) == 152 &&
	       offsetof(struct trapframe, rsp) == 160 && offsetof(struct trapframe, ss) == 168 &&
	       sizeof(struct trapframe) == 176, "kprobe_frame.asm's layout");

/* The probes on this path, for a hit to find its own. */
static struct kprobe *probes[KPROBE_MAX];
static unsigned nprobes;

bool kp_ftrace_site(u64 addr)
{
	for (unsigned i = 0; i < ftrace_site_count(); i++)
		if ((u64)(uintptr_t)ftrace_site(i) == addr)
			return !memcmp(ftrace_site(i), FTRACE_NOP5, POKE_LEN);
	return false;
}

bool kp_ftrace_overlaps(u64 addr, unsigned len)
{
	for (unsigned i = 0; i < ftrace_site_count(); i++) {
		u64 site = (u64)(uintptr_t)ftrace_site(i);

		if (site < addr + len && addr < site + POKE_LEN)
			return true;
	}
	return false;
}

static void kp_ftrace_hit(u64 ret, struct trapframe *tf);

/* kprobe.c's table holds p already, so this one has room. */
void kp_ftrace_arm(struct kprobe *p)
{
	struct poke call = { .addr = (u8 *)(uintptr_t)p->addr };

	kprobe_ftrace_handler = kp_ftrace_hit;
	probes[nprobes++] = p;
	memcpy(p->site, call.addr, POKE_LEN);
	kp_rel32(CALL_REL32, p->addr, (u64)(uintptr_t)kprobe_ftrace_caller, call.insn);
	p->path = KPROBE_PATH_FTRACE;
	text_poke_batch(&call, 1);
}

void kp_ftrace_disarm(struct kprobe *p)
{
	struct poke nop = { .addr = (u8 *)(uintptr_t)p->addr };

	memcpy(nop.insn, p->site, POKE_LEN);
	text_poke_batch(&nop, 1);
	for (unsigned i = 0; i < nprobes; i++) {
		if (probes[i] == p) {
			probes[i] = probes[--nprobes];
			break;
		}
	}
	p->path = KPROBE_PATH_INT3;
}

/* The view an INT3 probe's handlers get, as Linux's kprobe_ftrace_handler
 * makes it: the pre-handler sees RIP at the probe, as if the INT3 had hit;
 * the post-handler sees it past the NOP, as if it had been stepped. The
 * CALL returns past the NOP whatever a handler wrote to RIP. */
static void kp_ftrace_hit(u64 ret, struct trapframe *tf)
{
	struct kprobe *p = probes[0];

	/* The CALL is in only while its probe is in the table. */
	for (unsigned i = 1; p->addr != ret - POKE_LEN; i++)
		p = probes[i];
	p->hits++;
	tf->rip = p->addr;
	if (p->pre)
		p->pre(p, tf);
	if (p->post) {
		tf->rip = p->addr + POKE_LEN;
		p->post(p, tf);
	}
}
