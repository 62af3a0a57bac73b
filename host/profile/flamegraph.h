/* Flame graphs drawn by pmulab (docs/profiles.md): one self-contained SVG,
 * as Brendan Gregg's flamegraph.pl draws them, with hover titles,
 * click-to-zoom and search in an embedded script of its own. */
#ifndef PMULAB_FLAMEGRAPH_H
#define PMULAB_FLAMEGRAPH_H

#include <stdbool.h>
#include <stdio.h>
#include "host/profile/profile.h"

#define FLAME_WIDTH 1200	/* default image width, px */

struct flame_opts {
	const char *title;	/* NULL: "Flame Graph" ("Icicle Graph" inverted) */
	const char *subtitle;	/* NULL: none */
	unsigned width;		/* px, 0: FLAME_WIDTH */
	bool inverted;		/* icicle: the root at the top */
	bool reverse;		/* stacks innermost first: who called the hot frames */
};

/* The SVG of p: a <g class="f"> per frame, with data-name, data-samples
 * (its samples: the children of a frame sum to at most its count, the
 * frames at depth 1 to the total), data-depth and data-x (its first sample,
 * counted from the left), a <title>, a <rect> and a <text>. ASCII, well-
 * formed XML whatever the names hold. */
void flame_svg(FILE *out, const struct profile *p, const struct flame_opts *o);

#endif
