/* lbr.callchain: start the LBR on calls and returns (call-stack mode where it
 * exists), run lbr_chain_a -> b -> c -> d -> leaf -> hook, freeze the ring
 * from the hook, read it, rebuild the chain and look for the frames the chain
 * functions saw themselves (their own return addresses). */
#include "microbench/lbr_chain.h"
#include "kernel-side/lbr/lbr_check.h"
#include "lib/check.h"
#include "lib/record.h"

static struct lbr_entry entries[LBR_MAX_ENTRIES];
static u64 chain[LBR_MAX_ENTRIES];
static u64 hook_ret;

/* Runs at the chain's deepest point: the ring stops with every chain call
 * active. The calls lbr_freeze() makes before its WRMSR land in the ring too,
 * as finished pairs or as frames inside the hook. */
static void freeze_hook(void *arg)
{
	hook_ret = (u64)(uintptr_t)__builtin_return_address(0);
	lbr_freeze(arg);
}

/* Where the chain's frames sit in chain[]: the hook's return (in leaf), then
 * into d, c, b, a, consecutively; -1 when not all there. */
static int find_frames(unsigned n)
{
	for (unsigned k = 0; k + LBR_CHAIN_FRAMES - 1 < n; k++) {
		bool all = chain[k] == hook_ret;

		for (unsigned i = 0; all && i < LBR_CHAIN_FRAMES - 1; i++)
			all = chain[k + 1 + i] == lbr_chain_ret[i];
		if (all)
			return (int)k;
	}
	return -1;
}

void lbr_check_run(void *arg)
{
	const struct lab *lab = arg;
	const struct lbr_caps *lc = &lab->lbr;
	const char *name = "lbr.callchain";
	unsigned n, nchain;
	bool cs;
	int err, at;
	struct rec r;

	if (!lc->present)
		return check_skip(name, lc->reason);
	err = lbr_start(lc, LBR_F_KERNEL | LBR_F_CALLS | LBR_F_CALL_STACK);
	if (err) {
		/* A hypervisor that enumerates an LBR it does not emulate. */
		check_begin(&r, name, HW_ERR_IS_FAULT(err) ? CHECK_SKIP : CHECK_FAIL);
		rec_str(&r, "reason", HW_ERR_IS_FAULT(err) ? "lbr-msr-fault" : "lbr-start-failed");
		rec_hex(&r, "err", (u64)err);
		return rec_end(&r);
	}
	cs = lbr_call_stack();
	lbr_chain_a(freeze_hook, (void *)lc);
	n = lbr_read(lc, entries, LBR_MAX_ENTRIES);
	lbr_stop(lc);
	nchain = lbr_callchain(entries, n, chain, LBR_MAX_ENTRIES);
	at = find_frames(nchain);
	lbr_report_entries(name, "end", entries, n);

	/* Without call-stack mode a ring that filled up may have lost the
	 * oldest calls before the hook froze it: the hardware's limit, said as
	 * such rather than failed. */
	if (at < 0 && !cs && n == lbr_depth(lc)) {
		check_begin(&r, name, CHECK_SKIP);
		rec_str(&r, "reason", "ring-too-shallow");
	} else {
		check_begin(&r, name, at >= 0 ? CHECK_PASS : CHECK_FAIL);
	}
	rec_u64(&r, "entries", n);
	rec_u64(&r, "call_stack", cs);
	rec_u64(&r, "frames", nchain);
	if (at >= 0)
		rec_u64(&r, "at", (u64)at);
	rec_hex(&r, "want_leaf", hook_ret);
	rec_hex(&r, "want_a", lbr_chain_ret[LBR_CHAIN_FRAMES - 2]);
	rec_end(&r);
}
