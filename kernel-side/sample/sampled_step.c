/* The sampled workload's functions and its stepped profile (sampled_step.h). */
#include "kernel-side/cpu/cpu.h"
#include "kernel-side/cpu/debugreg.h"
#include "kernel-side/cpu/exception.h"
#include "kernel-side/cpu/hw.h"
#include "lib/libc.h"
#include "microbench/sampled.h"
#include "kernel-side/sample/sampled_step.h"
#include "lib/symtab.h"
#include "kernel-side/owned/trap.h"

const char *const sampled_fn_names[FN_COUNT] = {
	"hot", "cold", "work", "sampled_run", "other",
};

static u64 step_base;
static u64 step_counts[FN_COUNT];
static volatile bool stepping;

enum sampled_fn sampled_fn_of(u64 ip, u64 image_base)
{
	u64 off;
	const char *name = symtab_name(ip, image_base, &off);

	for (unsigned i = 0; name && i < FN_OTHER; i++)
		if (!strcmp(name, sampled_fn_names[i]))
			return i;
	return FN_OTHER;
}

/* The single-step #DB (a trap: RIP is the next instruction to run, SDM
 * Vol3B 18.3.1.4), so each instruction is counted once, before it runs. */
static bool step_db(struct trapframe *tf)
{
	if (!stepping)
		return false;
	step_counts[sampled_fn_of(tf->rip, step_base)]++;
	return true;
}

static __attribute__((noinline)) void stepped_run(u64 n)
{
	u64 flags = read_rflags();
	u64 x;

	memset(step_counts, 0, sizeof(step_counts));
	stepping = true;
	write_rflags(flags | X86_EFLAGS_TF);
	x = sampled_run(1, n);
	write_rflags(flags);
	stepping = false;
	asm volatile("" : : "r"(x));
}

void sampled_step_profile(u64 image_base, u64 per_iter[FN_COUNT])
{
	u64 one[FN_COUNT];

	step_base = image_base;
	trap_set_handler(DB_VECTOR, step_db);
	stepped_run(1);
	memcpy(one, step_counts, sizeof(one));
	stepped_run(2);
	trap_set_handler(DB_VECTOR, NULL);
	write_dr6(DR6_INIT);
	for (unsigned i = 0; i < FN_COUNT; i++)
		per_iter[i] = step_counts[i] - one[i];
}

void sampled_run_loop(u64 n, const void *arg)
{
	u64 x = sampled_run(1, n);

	asm volatile("" : : "r"(x));
}

u64 sampled_timed_run(u64 iters)
{
	u64 t0, t1, x;

	t0 = hw_rdtsc();
	sti();
	x = sampled_run(1, iters);
	cli();
	t1 = hw_rdtsc();
	asm volatile("" : : "r"(x));
	return t1 - t0;
}
