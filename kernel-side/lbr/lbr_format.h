/* Reading the LBR ring in each kind's format (lbr_format.c), for the
 * driver (lbr.c). */
#ifndef PMULAB_LBR_FORMAT_H
#define PMULAB_LBR_FORMAT_H

#include "kernel-side/lbr/lbr.h"

/* Legacy formats 5 and 7 keep flags and cycles in LBR_INFO_x, where the
 * model has those MSRs. */
static inline bool lbr_legacy_has_info(const struct lbr_caps *lc)
{
	return lc->legacy_info && (lc->legacy_fmt == LBR_FORMAT_INFO ||
				   lc->legacy_fmt == LBR_FORMAT_INFO2);
}

/* The entries of a ring lbr_start() set up with depth entries (and
 * call-stack mode or not), newest first: how many (<= max). */
unsigned lbr_format_read(const struct lbr_caps *lc, struct lbr_entry *e, unsigned max,
			 unsigned depth, bool call_stack);

#endif
