/* libFuzzer target for the texts pmulab linux --profile reads: perf
 * record's log (the samples it wrote), the event name it turns into a
 * record's src, the call graph mode and perf_event_paranoid's level. */
#include "host/linux/lxprofile.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), src[64];
	const char *why;

	lxp_recorded(s);
	lxp_src(s, src, sizeof(src), &why);
	lxp_call_graph_check(s, size & 1, size ? data[0] : 0);
	lxp_paranoid_check(size ? (int)(int8_t)data[size - 1] : 0, size & 2);
	free(s);
	return 0;
}
