/* Return probes (kprobe.h): the entry kprobe swaps the return address for
 * kretprobe_trampoline and pushes an instance; the trampoline pops it. One
 * stack of instances for every kretprobe, in call order, so nested and
 * recursive calls return in LIFO order through their own instance (Linux
 * keeps a per-task list for the same reason). */
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/probes/kprobe.h"

static struct kretprobe_instance inst[KRETPROBE_DEPTH];
static unsigned ninst;
static u64 dropped;

/* At the first byte of the function RSP points at the return address. */
static void kretprobe_entry(struct kprobe *p, struct trapframe *tf)
{
	struct kretprobe *rp = p->data;
	u64 *slot = (u64 *)(uintptr_t)tf->rsp;
	struct kretprobe_instance *ri;

	rp->entries++;
	if (ninst == KRETPROBE_DEPTH) {
		rp->missed++;
		return;
	}
	ri = &inst[ninst];
	*ri = (struct kretprobe_instance){
		.rp = rp, .ret_addr = *slot, .slot = tf->rsp, .depth = ninst,
	};
	ninst++;
	*slot = (u64)(uintptr_t)kretprobe_trampoline;
	ri->entry_tsc = rdtsc();
}

u64 kretprobe_return(u64 retval, u64 sp)
{
	u64 tsc = rdtsc();
	struct kretprobe_instance *ri;

	/* The return address was at sp - 8. Instances above it on our stack
	 * but below it in memory belong to frames left by a longjmp. */
	while (ninst > 1 && inst[ninst - 1].slot < sp - 8) {
		ninst--;
		dropped++;
	}
	ri = &inst[--ninst];
	ri->exit_tsc = tsc;
	ri->rp->returns++;
	if (ri->rp->handler)
		ri->rp->handler(ri->rp, ri, retval);
	return ri->ret_addr;
}

int kretprobe_register(struct kretprobe *rp)
{
	u64 addr, size;

	if (!rp->kp.addr) {
		if (!rp->kp.symbol || !kprobe_lookup(rp->kp.symbol, &addr, &size))
			return KPROBE_E_NO_SYMBOL;
		rp->kp.addr = addr + rp->kp.offset;
	}
	if (!kprobe_is_fn_start(rp->kp.addr))
		return KPROBE_E_NOT_ENTRY;
	rp->entries = rp->returns = rp->missed = 0;
	rp->kp.pre = kretprobe_entry;
	rp->kp.post = NULL;
	rp->kp.data = rp;
	/* The entry needs no post-handler: at a tracer site it takes the
	 * tracer's CALL, elsewhere it is boosted when the first instruction
	 * allows, one exception per call instead of two. */
	rp->kp.boost = true;
	return kprobe_register(&rp->kp);
}

/* Instances still live (the function is running) keep their trampoline
 * return: unregistering is for when no call is in flight, as in the suite. */
void kretprobe_unregister(struct kretprobe *rp)
{
	kprobe_unregister(&rp->kp);
}

u64 kretprobe_dropped(void)
{
	return dropped;
}
