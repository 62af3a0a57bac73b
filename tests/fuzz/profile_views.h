/* Every view of a profile, for the fuzz targets whose input becomes one
 * (folded stacks, perf script text, sample records). */
#ifndef PMULAB_FUZZ_PROFILE_VIEWS_H
#define PMULAB_FUZZ_PROFILE_VIEWS_H

#include "host/profile/profile.h"
#include "host/profile/flamegraph.h"
#include "tests/fuzz/fuzz.h"

/* opts picks the flame graph's options, as a user could. */
static inline void profile_views(const struct profile *p, unsigned opts)
{
	struct flame_opts fo = { .title = opts & 1 ? "t<&>\"" : NULL,
				 .subtitle = opts & 2 ? "s" : NULL,
				 .width = opts & 4 ? 0 : 1 + (opts >> 4) * 37,
				 .inverted = opts & 8, .reverse = opts & 16 };
	struct profile_sym *rows;
	struct pnode *tree;
	size_t n;

	profile_folded(fuzz_null(), p);
	profile_histogram(fuzz_null(), p);
	profile_callgraph(fuzz_null(), p, false);
	profile_callgraph(fuzz_null(), p, true);
	n = profile_syms(p, &rows);
	profile_syms_free(rows, n);
	tree = profile_tree(p, opts & 32);
	profile_tree_free(tree);
	profile_compare(fuzz_null(), p, "a", p, "b", 1 + opts % 20);
	flame_svg(fuzz_null(), p, &fo);
}

#endif
