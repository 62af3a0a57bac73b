/* pmulab compare's verdict on two profiles (docs/profiles.md): each
 * function that takes a real part of either side's samples, its share of
 * all samples on each side, judged against the `share profile` line of the
 * tolerance file. Pure: profiles in, rows out
 * (tests/unit/host/test_profile.c). */
#ifndef PMULAB_PROFILE_SHARE_H
#define PMULAB_PROFILE_SHARE_H

#include <stdio.h>
#include "host/compare/pair.h"
#include "host/profile/profile.h"

/* Functions below this share (of all samples, self) on both sides are not
 * judged: a few samples each, their share is noise (startup code, a
 * libc function on one side only). */
#define PROFILE_SHARE_MIN_PCT	5.0

struct share_row {
	char *name;
	uint64_t a, b;			/* self samples */
	double sa, sb, diff;		/* shares in %, and sb - sa in points */
	enum cmp_verdict verdict;	/* CMP_WITHIN, CMP_DIFFER, or CMP_NA: no tolerance */
};

/* The judged functions, by A's share then B's, most first; *rows is
 * malloc'd (profile_share_free()). tol: the tolerance in
 * points, or NULL (every row n/a). */
size_t profile_share_judge(const struct profile *a, const struct profile *b,
			   const struct tol_entry *tol, struct share_row **rows);
void profile_share_free(struct share_row *rows, size_t n);
/* The rows as a table, with the tolerance and its reason. */
void profile_share_print(FILE *out, const struct share_row *rows, size_t n,
			 const struct tol_entry *tol);

#endif
