/* pmulab report's profile views (--sort symbol, --callgraph, --format
 * folded|perf-script, --run) and pmulab flamegraph (docs/profiles.md). */
#ifndef PMULAB_PROFILE_CLI_H
#define PMULAB_PROFILE_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "host/stream/parse.h"

enum profile_view { PROFILE_NONE, PROFILE_TEXT, PROFILE_FOLDED, PROFILE_PERF_SCRIPT };

struct profile_opts {
	enum profile_view view;		/* PROFILE_TEXT: --sort and/or --callgraph */
	bool sort, callgraph, callee;
	bool other_format;		/* a later --format of report's own */
	const char *run;
};

extern const char usage_flamegraph[];

/* Takes argv[*i] when it is one of report's profile options (or a --format
 * naming a profile view); true when it did. */
bool profile_opt(int argc, char **argv, int *i, struct profile_opts *o);
/* After the options: whether a profile view was asked for; a contradictory
 * combination is a usage error. */
bool profile_wanted(struct profile_opts *o);
/* The profile view of s (read from path) on out; the exit code. */
int profile_report(FILE *out, const struct stream *s, const struct profile_opts *o,
		   const char *path, const char *arg);
int cmd_flamegraph(int argc, char **argv);


#endif
