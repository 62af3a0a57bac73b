/* pmulab run --reference: the TCG reference plugin (host/plugin/,
 * docs/reference-plugin.md) counts the payload's measured regions; its
 * counts are merged into the run as `counter src=model` records. */
#ifndef PMULAB_REFERENCE_H
#define PMULAB_REFERENCE_H

#include <stddef.h>
#include "host/plugin/cachesim.h"
#include "host/stream/parse.h"

struct reference {
	const char *plugin;		/* the .so */
	struct cs_geom i1, d1, ll;	/* cachegrind's --I1, --D1, --LL */
};

/* Skylake-Client's caches (what `run --tcg` emulates by default): 32 KiB
 * 8-way L1s, an 8 MiB 16-way LL, 64-byte lines. */
void reference_defaults(struct reference *r);
/* The -plugin argument that writes the counts to file; malloc'd, NULL on
 * no memory. */
char *reference_plugin_arg(const struct reference *r, const char *file);
/* s with the model counters of file appended after its last record
 * (s is freed); NULL with err set when file cannot be read. */
struct stream *reference_merge(struct stream *s, const char *file, const struct reference *r,
			       char *err, size_t errlen);

#endif
