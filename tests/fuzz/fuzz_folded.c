/* libFuzzer target for folded stack text (pmulab report --profile FILE,
 * flamegraph, compare): parsed, then every view of the profile drawn. */
#include "tests/fuzz/profile_views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p;
	char err[256];

	if ((p = profile_from_folded((const char *)data, size, err, sizeof(err)))) {
		profile_views(p, size ? data[0] : 0);
		profile_free(p);
	}
	return 0;
}
