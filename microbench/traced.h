/* Functions built with entry hooks (-fpatchable-function-entry=5), for the
 * function tracer: a call tree of known shape and a recursion of known
 * depth. tr_leaf_plain is tr_leaf without the hook, so their costs differ by
 * exactly the NOP at the site. */
#ifndef PMULAB_TRACED_H
#define PMULAB_TRACED_H

#include "lib/types.h"

u64 tr_leaf(u64 x);
u64 tr_leaf_plain(u64 x);
u64 tr_mid(u64 x);		/* tr_leaf twice */
u64 tr_top(u64 x);		/* tr_mid, then tr_leaf */
u64 tr_recurse(u64 n);		/* itself n times, then returns n */

#endif
