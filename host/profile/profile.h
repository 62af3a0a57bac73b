/* Sampled call stacks as profiles (docs/profiles.md): the payload's `sample`
 * records, folded stack files and `perf script` text all become one model, a
 * set of folded stacks with counts, which is printed as perf report prints
 * a profile, as folded stacks, as perf script text, as a flame graph
 * (flamegraph.h) and side by side with another profile (pmulab compare). */
#ifndef PMULAB_PROFILE_H
#define PMULAB_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "host/stream/parse.h"

/* One distinct stack: its frames outermost first, joined by ';' (a frame
 * never holds one), and how many samples had it. */
struct pstack {
	char *key;
	uint64_t count;
};

struct profile {
	struct pstack *st;	/* sorted by key, each key once (profile_finish) */
	size_t n, cap;
	uint64_t total;		/* samples: the sum of the counts */
};

/* A node of the call tree: a frame with the samples that passed through it
 * (count) and that stopped in it (self). */
struct pnode {
	char *name;
	uint64_t count, self;
	struct pnode *kids;
	size_t nkids, cap;
};

/* A function's samples: where it was the sampled frame (self) and where it
 * was anywhere on the stack (total, each sample once). */
struct profile_sym {
	char *name;
	uint64_t self, total;
};

struct profile *profile_new(void);
void profile_free(struct profile *p);
/* Adds count samples of the stack frames[0..depth) (outermost first, names
 * as given, offsets stripped by the caller); NULL, or why the stack cannot
 * be folded (nothing added). */
const char *profile_add(struct profile *p, const char *const *frames, size_t depth,
			uint64_t count);
/* Sorts the stacks and merges the same ones; call after the last add. */
void profile_finish(struct profile *p);

/* The length of name without a trailing "+0x<hex>" (or "+0x<hex>/0x<hex>",
 * as perf and the kernel write a symbol with its offset and size). */
size_t profile_strip_offset(const char *name, size_t len);
/* NULL when name can be a frame of a folded stack, else why not. */
const char *profile_frame_check(const char *name, size_t len);

/* The distinct `run` names of the stream's sample and sampling records, in
 * order of first appearance; *names is malloc'd, its strings the stream's. */
size_t profile_runs(const struct stream *s, const char ***names);
/* The samples of run (every run when NULL) folded. A sample record that
 * cannot be read is left out and named on errs ("sample seq N: ..."),
 * counted in *bad. */
struct profile *profile_from_stream(const struct stream *s, const char *run, FILE *errs,
				    size_t *bad);
/* The first `sampling` record of run (any run when NULL), or NULL. */
const struct record *profile_sampling(const struct stream *s, const char *run);
/* The samples of run (every run when NULL) as perf script prints samples
 * with callchains; returns how many. Bad ones as profile_from_stream(). */
size_t profile_perf_script(FILE *out, const struct stream *s, const char *run, FILE *errs,
			   size_t *bad);
/* Folded stack text ("a;b;c N" a line, as FlameGraph's stackcollapse tools
 * write it). NULL with the line and the problem in err. */
struct profile *profile_from_folded(const char *text, size_t len, char *err, size_t errlen);
/* perf script's default text with callchains (perf record -g or
 * --call-graph lbr|dwarf), folded as stackcollapse-perf folds it: a sample
 * a block, innermost frame first. NULL with the line and the problem in
 * err. (perf_script.c) */
struct profile *profile_from_perf_script(const char *text, size_t len, char *err,
					 size_t errlen);
/* A profile from a file or a run directory, whatever it holds: records
 * (their sample records of run, or of the only run), folded stacks or perf
 * script text. NULL with the problem in err. */
struct profile *profile_load(const char *path, const char *run, char *err, size_t errlen);

/* The call tree (root "all"): frames outermost first, or innermost first
 * when callee (who called each sampled function). Children in the order of
 * the sorted stacks. */
struct pnode *profile_tree(const struct profile *p, bool callee);
void profile_tree_free(struct pnode *root);

/* Every function by self samples, most first (then by name); *rows is
 * malloc'd, free with profile_syms_free(). */
size_t profile_syms(const struct profile *p, struct profile_sym **rows);
void profile_syms_free(struct profile_sym *rows, size_t n);

/* "a;b;c N" a line, in the order of the keys. */
void profile_folded(FILE *out, const struct profile *p);
/* perf report --stdio's histogram lines: overhead, samples, symbol. */
void profile_histogram(FILE *out, const struct profile *p);
/* One run's profile of stream s as perf report prints it: the "# Samples"
 * header (with its sampling record) and profile_histogram(). */
void profile_run_text(FILE *out, const struct stream *s, const char *run,
		      const struct profile *p);
/* The call tree as indented lines: share of all samples, samples, name
 * (and self samples where some are); caller-based (outermost first, as
 * perf report -G) or callee-based (each sampled function, then its callers,
 * as perf report's default graph). */
void profile_callgraph(FILE *out, const struct profile *p, bool callee);
/* The two profiles' top functions side by side, for pmulab compare: the
 * union of each side's top by self samples, with the shares in each. */
void profile_compare(FILE *out, const struct profile *a, const char *name_a,
		     const struct profile *b, const char *name_b, size_t top);

#endif
