/* libFuzzer target for perf script text (pmulab linux --profile folds what
 * perf script prints; report --profile and flamegraph read it from a file):
 * folded, then every view of the profile drawn. */
#include "tests/fuzz/profile_views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p;
	char err[256];

	if ((p = profile_from_perf_script((const char *)data, size, err, sizeof(err)))) {
		profile_views(p, size ? data[size - 1] : 0);
		profile_free(p);
	}
	return 0;
}
