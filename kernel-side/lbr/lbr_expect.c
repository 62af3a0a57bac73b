/* The LBR's expected contents after the call chain, from the symbol table and
 * the decoder (lbr_expect.h). */
#include "kernel-side/lbr/lbr_expect.h"
#include "lib/insn.h"
#include "lib/symtab.h"

/* What decoding one function found: its only direct CALL to a given entry,
 * its only indirect CALL, its only RET. */
struct found {
	u64 at;
	u8 len;
	unsigned n;
};

enum want { WANT_CALL_TO, WANT_CALL_IND, WANT_RET };

/* Decodes name's bytes from its first to the next function's, as the linker
 * laid them out; the padding between functions decodes as NOPs or INT3. A
 * byte sequence that does not decode ends the walk: the function is then not
 * found rather than half read. */
static bool scan(u64 base, const char *name, enum want w, u64 target, struct found *f)
{
	u64 lo, hi;
	struct insn in;

	*f = (struct found){ 0 };
	if (!symtab_lookup(name, base, &lo, &hi))
		return false;
	for (u64 at = lo; at < hi; at += in.len) {
		bool hit;

		if (insn_decode(&in, (const u8 *)(uintptr_t)at, hi - at) < 0)
			return false;
		hit = (w == WANT_CALL_TO && in.flow == FLOW_CALL_REL &&
		       insn_rel_target(&in, at) == target) ||
		      (w == WANT_CALL_IND && in.flow == FLOW_CALL_IND) ||
		      (w == WANT_RET && in.flow == FLOW_RET);
		if (hit && !f->n++) {
			f->at = at;
			f->len = in.len;
		}
	}
	return f->n == 1;
}

static void add(struct lbr_expect *x, u64 from, u64 to, u8 type, bool finished)
{
	x->br[x->nbr] = (struct lbr_entry){ .from = from, .to = to, .type = type };
	x->finished[x->nbr++] = finished;
}

/* The chain's calls, in the order they run: who calls whom, and whether that
 * call has returned by the time the hook runs. */
static const struct {
	const char *fn, *callee;	/* callee NULL: the hook, through a pointer */
	bool finished;
} calls[] = {
	{ NULL, "lbr_chain_a", false },		/* fn NULL: the caller */
	{ "lbr_chain_a", "lbr_chain_b", false },
	{ "lbr_chain_b", "lbr_chain_noise", true },
	{ "lbr_chain_b", "lbr_chain_c", false },
	{ "lbr_chain_c", "lbr_chain_d", false },
	{ "lbr_chain_d", "lbr_chain_noise", true },
	{ "lbr_chain_d", "lbr_chain_leaf", false },
	{ "lbr_chain_leaf", NULL, false },
};

bool lbr_expect_chain(u64 base, const char *caller, const char *hook, struct lbr_expect *x)
{
	struct found call, ret;
	unsigned nframe = LBR_EXPECT_FRAMES;
	u64 to, end;

	*x = (struct lbr_expect){ .missing = "lbr_chain_noise" };
	if (!scan(base, "lbr_chain_noise", WANT_RET, 0, &ret))
		return false;
	for (unsigned i = 0; i < ARRAY_SIZE(calls); i++) {
		const char *fn = calls[i].fn ? calls[i].fn : caller;
		const char *callee = calls[i].callee ? calls[i].callee : hook;

		x->missing = callee;
		if (!symtab_lookup(callee, base, &to, &end))
			return false;
		x->missing = fn;
		if (!scan(base, fn, calls[i].callee ? WANT_CALL_TO : WANT_CALL_IND, to, &call))
			return false;
		add(x, call.at, to, calls[i].callee ? LBR_BR_CALL : LBR_BR_IND_CALL,
		    calls[i].finished);
		if (calls[i].finished)
			add(x, ret.at, call.at + call.len, LBR_BR_RET, true);
		else
			x->frame[--nframe] = call.at + call.len;
	}
	x->missing = NULL;
	return true;
}

static bool kept(const struct lbr_expect *x, unsigned i, enum lbr_expect_keep keep)
{
	if (keep == LBR_KEEP_CALL_STACK)
		return !x->finished[i];
	if (keep == LBR_KEEP_CALLS)
		return x->br[i].type != LBR_BR_RET;
	return true;
}

int lbr_expect_find(const struct lbr_expect *x, enum lbr_expect_keep keep,
		    const struct lbr_entry *e, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned at = k;
		bool all = true;

		/* The newest expected branch first, then back in time. */
		for (unsigned i = x->nbr; all && i-- > 0;) {
			if (!kept(x, i, keep))
				continue;
			all = at < n && e[at].from == x->br[i].from && e[at].to == x->br[i].to;
			at++;
		}
		if (all && x->nbr)
			return (int)k;
	}
	return -1;
}

int lbr_expect_frames(const struct lbr_expect *x, const u64 *chain, unsigned n)
{
	for (unsigned k = 0; k + LBR_EXPECT_FRAMES <= n; k++) {
		bool all = true;

		for (unsigned i = 0; all && i < LBR_EXPECT_FRAMES; i++)
			all = chain[k + i] == x->frame[i];
		if (all)
			return (int)k;
	}
	return -1;
}
