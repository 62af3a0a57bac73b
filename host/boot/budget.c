/* The default --timeout follows what the run asks for, so a loaded CI runner
 * does not cut a long suite short and a hung short one is still caught. */
#include <stdlib.h>
#include <string.h>

#include "host/boot/budget.h"

/* OVMF's boot and every suite but full take about 3 s boot to end under TCG
 * on a 2-core machine (make bench): 40 times that leaves room for a runner
 * loaded several times over. */
#define BUDGET_BASE_S		120.0
/* suite=full adds about 6 s to that (the sweeps to 256 MiB). */
#define BUDGET_FULL_S		120.0
/* A bench of benches= adds at most a chase over 512 MiB, the most the
 * guest's 1 GiB holds: about 9 s from hello to end under TCG, its setup
 * linking 8 M lines. */
#define BUDGET_BENCH_S		60.0

/* The value of the last `key=` in sets, or NULL. */
static const char *last(char *const *sets, int nsets, const char *key)
{
	size_t len = strlen(key);
	const char *v = NULL;

	for (int i = 0; i < nsets; i++)
		if (!strncmp(sets[i], key, len) && sets[i][len] == '=')
			v = sets[i] + len + 1;
	return v;
}

/* Whether the comma-separated list holds word. */
static int has(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, word, len) && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

double run_timeout_for(char *const *sets, int nsets)
{
	const char *suite = last(sets, nsets, "suite"), *benches = last(sets, nsets, "benches");
	double t = BUDGET_BASE_S;

	if (has(suite, "full"))
		t += BUDGET_FULL_S;
	if (benches && strcmp(benches, "none"))
		for (const char *p = benches; p; p = strchr(p + 1, ','))
			t += BUDGET_BENCH_S;
	return t;
}
