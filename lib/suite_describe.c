/* What a bench record says about its kernel and setting (suites.h): shared
 * by the payload's suite runner and the Linux runner (host/linux/lxbench.c), so the
 * two write the same fields for the same bench. */
#include "lib/record.h"
#include "lib/suites.h"

void suite_describe(struct rec *r, const struct suite_spec *sp, u64 buf, u64 page_size,
		    u64 seed)
{
	const struct mb_kernel *k = sp->k;

	rec_str(r, "family", k->name);
	rec_str(r, "what", k->what);
	rec_str(r, "unit", k->unit);
	rec_u64(r, "insns", mb_insns(k, sp->depth));
	rec_u64(r, "branches", mb_branches(k, sp->depth));
	rec_u64(r, "loads", k->loads);
	rec_str(r, "moves", k->moves);
	switch (k->param) {
	case MB_WS:
		rec_u64(r, "ws", sp->ws);
		if (k->id == MBK_STREAM)
			rec_u64(r, "stride", sp->stride);
		rec_hex(r, "buf", buf);
		rec_u64(r, "page_size", page_size);
		if (k->id == MBK_CHASE)
			rec_u64(r, "seed", seed);
		break;
	case MB_PERIOD:
		rec_str(r, "pattern", mb_pattern_name(sp->pattern));
		rec_u64(r, "period", sp->period);
		if (sp->pattern >= MB_PERIOD_K)
			rec_u64(r, "seed", seed);
		break;
	case MB_DEPTH:
		rec_u64(r, "depth", sp->depth);
		break;
	case MB_NONE:
		break;
	}
}
