/* What an LBR ring means: the call chain rebuilt from calls and returns with
 * no frame pointers, and `lbr_branch` records named through the symbol table. */
#include "kernel-side/lbr/lbr.h"
#include "lib/record.h"
#include "lib/symtab.h"

static bool is_call(u8 type)
{
	return type == LBR_BR_CALL || type == LBR_BR_IND_CALL;
}

/*
 * Walking the ring from the newest entry back in time, a return is a frame
 * that ended: its target waits on `pending` for the call that made it (the
 * call whose next instruction it returns to). A call that no pending return
 * matches was still active when the ring stopped: its return address is a
 * frame of the chain. Matching by address, not by count, keeps a return whose
 * call fell off the ring (or a tail call's jump) from cancelling the wrong
 * call; a match further down discards the unmatched returns above it.
 * In call-stack mode the ring holds only active calls, and every one is
 * a frame. A call whose length cannot be decoded (outside the image) gives
 * no return address and is left out rather than guessed.
 */
unsigned lbr_callchain(const struct lbr_entry *e, unsigned n, u64 *chain, unsigned max)
{
	u64 pending[LBR_MAX_ENTRIES];
	unsigned np = 0, out = 0;

	for (unsigned i = 0; i < n && out < max; i++) {
		u64 ret;
		u8 len;
		unsigned k;

		if (e[i].type == LBR_BR_RET) {
			if (np < LBR_MAX_ENTRIES)
				pending[np++] = e[i].to;
			continue;
		}
		if (!is_call(e[i].type))
			continue;
		lbr_decode_type(e[i].from, &len);
		if (!len)
			continue;
		ret = e[i].from + len;
		for (k = np; k > 0 && pending[k - 1] != ret; k--)
			;
		if (k) {
			np = k - 1;
			continue;
		}
		chain[out++] = ret;
	}
	return out;
}

const char *lbr_br_type_name(u8 type)
{
	static const char *const names[] = {
		[LBR_BR_UNKNOWN] = "unknown", [LBR_BR_CALL] = "call",
		[LBR_BR_RET] = "ret", [LBR_BR_JCC] = "jcc", [LBR_BR_JMP] = "jmp",
		[LBR_BR_IND_CALL] = "ind_call", [LBR_BR_IND_JMP] = "ind_jmp",
		[LBR_BR_OTHER] = "other",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

void lbr_report_entries(const char *run, const char *sample,
			const struct lbr_entry *e, unsigned n)
{
	char sym[96];
	struct rec r;

	for (unsigned i = 0; i < n; i++) {
		rec_begin(&r, "lbr_branch");
		rec_str(&r, "run", run);
		rec_str(&r, "sample", sample);
		rec_u64(&r, "i", i);
		rec_hex(&r, "from", e[i].from);
		symtab_format(e[i].from, lbr_image_base(), sym, sizeof(sym));
		rec_str(&r, "from_sym", sym);
		rec_hex(&r, "to", e[i].to);
		symtab_format(e[i].to, lbr_image_base(), sym, sizeof(sym));
		rec_str(&r, "to_sym", sym);
		rec_u64(&r, "mispred", e[i].mispred);
		rec_u64(&r, "cycles", e[i].cycles);
		rec_str(&r, "type", lbr_br_type_name(e[i].type));
		rec_end(&r);
	}
}
