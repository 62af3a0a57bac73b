/* The LBR checks of suite=pmu-check (lbr_check.h). The chain's expected
 * branches and frames come from its code (lbr_expect.c); the ring is the
 * measured side. */
#include "kernel-side/lbr/lbr_check.h"
#include "kernel-side/lbr/lbr_expect.h"
#include "kernel-side/cpu/msr.h"
#include "lib/check.h"
#include "lib/record.h"

static struct lbr_entry entries[LBR_MAX_ENTRIES];
static u64 chain[LBR_MAX_ENTRIES];
static struct lbr_expect expect;

/* Runs at the chain's deepest point: the ring stops with every chain call
 * active. The calls lbr_freeze() makes before its WRMSR land in the ring
 * too, newer than the chain's. Its name is the one lbr_expect_chain() looks
 * up, so no other function may share it. */
static void lbr_check_hook(void *arg)
{
	lbr_freeze(arg);
}

/* Starts the LBR with filter, runs the chain from this (named) function,
 * reads the ring and stops. 0, or lbr_start()'s error. */
static __attribute__((noinline, noclone)) int lbr_check_record(const struct lbr_caps *lc, u32 filter,
						      unsigned *n, bool *cs)
{
	int err = lbr_start(lc, filter);

	if (err)
		return err;
	*cs = lbr_call_stack();
	lbr_chain_a(lbr_check_hook, (void *)lc);
	*n = lbr_read(lc, entries, LBR_MAX_ENTRIES);
	lbr_stop(lc);
	return 0;
}

/* A start that failed: an LBR whose MSRs fault is a hypervisor that
 * enumerates one it does not emulate. */
static void start_failed(const char *name, int err)
{
	struct rec r;

	check_begin(&r, name, HW_ERR_IS_FAULT(err) ? CHECK_SKIP : CHECK_FAIL);
	rec_str(&r, "reason", HW_ERR_IS_FAULT(err) ? "lbr-msr-fault" : "lbr-start-failed");
	rec_hex(&r, "err", (u64)err);
	rec_end(&r);
}

static void want_fields(struct rec *r)
{
	const struct lbr_entry *hook = &expect.br[expect.nbr - 1];

	rec_hex(r, "want_from", hook->from);
	rec_hex(r, "want_to", hook->to);
}

/* lbr.callchain: calls and returns (call-stack mode where it exists); the
 * chain's branches, each FROM and TO, consecutively in the ring, and its
 * frames in the chain lbr_callchain() rebuilds. */
static void check_callchain(const struct lbr_caps *lc)
{
	const char *name = "lbr.callchain";
	unsigned n = 0, nchain;
	bool cs = false;
	int err, at, at_frame;
	struct rec r;

	err = lbr_check_record(lc, LBR_F_KERNEL | LBR_F_CALLS | LBR_F_CALL_STACK, &n, &cs);
	if (err)
		return start_failed(name, err);
	nchain = lbr_callchain(entries, n, chain, LBR_MAX_ENTRIES);
	at = lbr_expect_find(&expect, cs ? LBR_KEEP_CALL_STACK : LBR_KEEP_CALLS_RETS, entries, n);
	at_frame = lbr_expect_frames(&expect, chain, nchain);
	lbr_report_entries(name, "end", entries, n);

	/* Without call-stack mode a ring that filled up may have lost the
	 * oldest calls before the hook froze it: the hardware's limit, said as
	 * such rather than failed. */
	if ((at < 0 || at_frame < 0) && !cs && n == lbr_depth(lc)) {
		check_begin(&r, name, CHECK_SKIP);
		rec_str(&r, "reason", "ring-too-shallow");
	} else {
		check_begin(&r, name, at >= 0 && at_frame >= 0 ? CHECK_PASS : CHECK_FAIL);
	}
	rec_u64(&r, "entries", n);
	rec_u64(&r, "call_stack", cs);
	rec_u64(&r, "frames", nchain);
	rec_s64(&r, "at", at);
	rec_s64(&r, "at_frame", at_frame);
	want_fields(&r);
	rec_end(&r);
}

/* Why the LBR cannot filter by branch type here, or NULL. */
static const char *no_type_filter(const struct lbr_caps *lc)
{
	/* Core 2 and the Bonnell Atoms have no LBR_SELECT (lbr.c). */
	if (lc->legacy && lc->legacy_from == MSR_LBR_CORE_FROM)
		return "no-lbr-select";
	if (lc->arch && !(lc->leaf_1c.ebx & ARCH_LBR_EBX_BR_FILTER))
		return "no-branch-filter";
	return NULL;
}

/* lbr.filter: calls only (LBR_SELECT suppressing returns, jumps and Jcc;
 * IA32_LBR_CTL recording calls only): the chain's calls consecutively, with
 * the two returns from lbr_chain_noise left out, and no entry of another
 * type anywhere in the ring. */
static void check_filter(const struct lbr_caps *lc)
{
	const char *name = "lbr.filter";
	const char *why = no_type_filter(lc);
	unsigned n = 0, other = 0;
	bool cs;
	int err, at;
	struct rec r;

	if (why)
		return check_skip(name, why);
	err = lbr_check_record(lc, LBR_F_KERNEL | LBR_F_REL_CALL | LBR_F_IND_CALL, &n, &cs);
	if (err)
		return start_failed(name, err);
	for (unsigned i = 0; i < n; i++)
		other += entries[i].type != LBR_BR_CALL && entries[i].type != LBR_BR_IND_CALL &&
			 entries[i].type != LBR_BR_UNKNOWN;
	at = lbr_expect_find(&expect, LBR_KEEP_CALLS, entries, n);
	lbr_report_entries(name, "end", entries, n);
	if (at < 0 && !other && n == lbr_depth(lc)) {
		check_begin(&r, name, CHECK_SKIP);
		rec_str(&r, "reason", "ring-too-shallow");
	} else {
		check_begin(&r, name, at >= 0 && !other ? CHECK_PASS : CHECK_FAIL);
	}
	rec_u64(&r, "entries", n);
	rec_u64(&r, "other_types", other);
	rec_s64(&r, "at", at);
	want_fields(&r);
	rec_end(&r);
}

void lbr_check_run(void *arg)
{
	const struct lab *lab = arg;
	const struct lbr_caps *lc = &lab->lbr;
	struct rec r;

	if (!lc->present) {
		check_skip("lbr.depth", lc->reason);
		check_skip("lbr.callchain", lc->reason);
		return check_skip("lbr.filter", lc->reason);
	}
	lbr_check_depth(lc);
	if (!lbr_expect_chain(lab->image.base, "lbr_check_record", "lbr_check_hook", &expect)) {
		/* The payload's own code not found in its own table: a build
		 * fault, never the hardware's. */
		for (unsigned i = 0; i < 2; i++) {
			check_begin(&r, i ? "lbr.filter" : "lbr.callchain", CHECK_FAIL);
			rec_str(&r, "error", "chain-not-derived");
			rec_str(&r, "missing", expect.missing);
			rec_end(&r);
		}
		return;
	}
	check_callchain(lc);
	check_filter(lc);
}
