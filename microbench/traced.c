/* The traced call tree (traced.h): tr_top -> tr_mid -> tr_leaf, tr_leaf;
 * tr_top -> tr_leaf. noinline keeps every call a call; the empty asm keeps
 * GCC from turning the recursion into a loop. */
#include "microbench/traced.h"

#define TRACED __attribute__((noinline))

TRACED u64 tr_leaf(u64 x)
{
	return x * 3 + 1;
}

/* The same body with no hook: the baseline for the cost of a disabled site. */
__attribute__((noinline, patchable_function_entry(0, 0))) u64 tr_leaf_plain(u64 x)
{
	return x * 3 + 1;
}

TRACED u64 tr_mid(u64 x)
{
	return tr_leaf(x) + tr_leaf(x + 1);
}

TRACED u64 tr_top(u64 x)
{
	return tr_mid(x) ^ tr_leaf(x);
}

TRACED u64 tr_recurse(u64 n)
{
	u64 r;

	if (!n)
		return 0;
	r = tr_recurse(n - 1);
	asm volatile("" : "+r"(r));
	return r + 1;
}
