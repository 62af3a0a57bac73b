/* libFuzzer target for what pmulab linux takes from perf: event names
 * (--events, resolved to perf_event_attr) and a group read's words
 * (read_format GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING), scaled. */
#include "host/linux/perf.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *comma;
	uint64_t words[3 + PERF_GROUP_MAX + 8], val[64], en, run, config, scaled;
	size_t at = 0, n, nw = size / 8 < 11 ? size / 8 : 11;
	uint32_t type;

	while (at < size) {
		comma = memchr(s + at, ',', size - at);
		n = comma ? (size_t)(comma - s - at) : size - at;
		perf_event_config(s + at, n, &type, &config);
		at += n + 1;
	}
	memcpy(words, data, nw * 8);
	for (unsigned nexpect = 0; nexpect <= PERF_GROUP_MAX; nexpect++)
		if (perf_parse_group(words, nw, nexpect, val, &en, &run) == 0)
			for (unsigned i = 0; i < nexpect; i++)
				perf_scale(val[i], en, run, &scaled);
	return 0;
}
