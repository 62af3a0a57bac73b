/* The call chain of lbr_chain.h. noinline keeps every call a call; the empty
 * asm after each call keeps it out of tail position, so GCC emits CALL, not a
 * sibling-call JMP the LBR would record as a jump. */
#include "microbench/lbr_chain.h"

#define CHAIN __attribute__((noinline))
#define NOT_TAIL() __asm__ volatile("" ::: "memory")
#define RET_ADDR() ((u64)(uintptr_t)__builtin_return_address(0))

u64 lbr_chain_ret[LBR_CHAIN_FRAMES];
u64 lbr_chain_noise_ret;
u64 lbr_chain_hook_called;

CHAIN void lbr_chain_noise(void)
{
	lbr_chain_noise_ret = RET_ADDR();
}

CHAIN void lbr_chain_leaf(lbr_chain_hook hook, void *arg)
{
	lbr_chain_ret[0] = RET_ADDR();
	lbr_chain_hook_called = (u64)(uintptr_t)hook;
	hook(arg);
	NOT_TAIL();
}

CHAIN void lbr_chain_d(lbr_chain_hook hook, void *arg)
{
	lbr_chain_ret[1] = RET_ADDR();
	lbr_chain_noise();
	lbr_chain_leaf(hook, arg);
	NOT_TAIL();
}

CHAIN void lbr_chain_c(lbr_chain_hook hook, void *arg)
{
	lbr_chain_ret[2] = RET_ADDR();
	lbr_chain_d(hook, arg);
	NOT_TAIL();
}

CHAIN void lbr_chain_b(lbr_chain_hook hook, void *arg)
{
	lbr_chain_ret[3] = RET_ADDR();
	lbr_chain_noise();
	lbr_chain_c(hook, arg);
	NOT_TAIL();
}

CHAIN void lbr_chain_a(lbr_chain_hook hook, void *arg)
{
	lbr_chain_ret[4] = RET_ADDR();
	lbr_chain_b(hook, arg);
	NOT_TAIL();
}
