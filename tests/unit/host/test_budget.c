/* pmulab run's default --timeout: from the suites and benches asked for. */
#include "tests/unit/unit.h"
#include "host/boot/budget.h"

static void test_budget(void)
{
	char *none[] = { NULL };
	char *full[] = { "suite=pmu-check,full" };
	char *later[] = { "suite=full", "seed=3", "suite=quick" };
	char *benches[] = { "benches=chase:512MiB,branch:12" };
	char *off[] = { "benches=none", "suite=probes,sample" };
	char *prefix[] = { "suite=fuller", "suites=full" };

	CHECK(run_timeout_for(none, 0) == 120.0);
	CHECK(run_timeout_for(full, 1) == 240.0);
	/* The last setting of a key is the one the payload takes. */
	CHECK(run_timeout_for(later, 3) == 120.0);
	CHECK(run_timeout_for(benches, 1) == 240.0);
	CHECK(run_timeout_for(off, 2) == 120.0);
	/* Whole words of the right key only. */
	CHECK(run_timeout_for(prefix, 2) == 120.0);
}

int main(void)
{
	test_budget();
	return unit_done("budget");
}
