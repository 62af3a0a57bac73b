/* Two profiles' function shares judged (profile_share.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "host/profile/profile_share.h"

static double pct(uint64_t n, uint64_t total)
{
	return total ? 100.0 * (double)n / (double)total : 0;
}

static uint64_t self_of(const struct profile_sym *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return rows[i].self;
	return 0;
}

static bool judged(const struct share_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return true;
	return false;
}

/* The side's functions at or above the bar, into rows (not twice). */
static size_t take(const struct profile_sym *side, size_t nside, uint64_t total,
		   struct share_row *rows, size_t n)
{
	for (size_t i = 0; i < nside; i++)
		if (pct(side[i].self, total) >= PROFILE_SHARE_MIN_PCT &&
		    !judged(rows, n, side[i].name))
			rows[n++].name = side[i].name;	/* copied once all are in */
	return n;
}

size_t profile_share_judge(const struct profile *a, const struct profile *b,
			   const struct tol_entry *tol, struct share_row **out)
{
	struct profile_sym *ra, *rb;
	size_t na = profile_syms(a, &ra), nb = profile_syms(b, &rb), n;
	struct share_row *rows = calloc(na + nb + 1, sizeof(*rows));

	if (!rows) {
		profile_syms_free(ra, na);
		profile_syms_free(rb, nb);
		*out = NULL;
		return 0;
	}
	n = take(rb, nb, b->total, rows, take(ra, na, a->total, rows, 0));
	for (size_t i = 0; i < n; i++) {
		struct share_row *r = &rows[i];

		r->a = self_of(ra, na, r->name);
		r->b = self_of(rb, nb, r->name);
		r->sa = pct(r->a, a->total);
		r->sb = pct(r->b, b->total);
		r->diff = r->sb - r->sa;
		r->verdict = !tol ? CMP_NA : fabs(r->diff) <= tol->pct ? CMP_WITHIN : CMP_DIFFER;
	}
	for (size_t i = 0; i < n; i++)
		if (!(rows[i].name = strdup(rows[i].name)))
			abort();
	profile_syms_free(ra, na);
	profile_syms_free(rb, nb);
	*out = rows;
	return n;
}

void profile_share_free(struct share_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
}

void profile_share_print(FILE *out, const struct share_row *rows, size_t n,
			 const struct tol_entry *tol)
{
	fprintf(out, "\nprofile shares: functions with >= %.0f%% of either side's samples; ",
		PROFILE_SHARE_MIN_PCT);
	if (tol)
		fprintf(out, "tolerance %g points (%s)\n", tol->pct, tol->reason);
	else
		fputs("no `share profile` line in the tolerance file: not judged\n", out);
	fprintf(out, "%-30s %9s %9s %9s  %s\n", "function", "A share", "B share", "diff",
		"verdict");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-30s %8.2f%% %8.2f%% %+9.2f  %s\n", rows[i].name, rows[i].sa,
			rows[i].sb, rows[i].diff, cmp_verdict_name(rows[i].verdict));
}
