/* libFuzzer target for pmulab flamegraph's input: a run's sample records
 * (their stacks folded per run), each run drawn, and the perf script text
 * written from them read back; the first byte picks the drawing options. */
#include "host/stream/parse.h"
#include "tests/fuzz/profile_views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parser *ps;
	struct memtext script;
	const char **runs;
	struct stream *s;
	struct profile *p;
	size_t nruns, bad = 0;
	char err[256];

	if (!size)
		return 0;
	ps = parser_new(NULL, NULL);
	parser_feed(ps, data + 1, size - 1);
	s = parser_finish(ps);
	nruns = profile_runs(s, &runs);
	for (size_t i = 0; i <= nruns; i++) {
		p = profile_from_stream(s, i < nruns ? runs[i] : NULL, fuzz_null(), &bad);
		profile_views(p, data[0]);
		profile_free(p);
		profile_sampling(s, i < nruns ? runs[i] : NULL);
	}
	free(runs);
	memtext_open(&script);
	profile_perf_script(script.f, s, NULL, fuzz_null(), &bad);
	fclose(script.f);
	if ((p = profile_from_perf_script(script.buf, script.len, err, sizeof(err))))
		profile_free(p);
	free(script.buf);
	stream_free(s);
	return 0;
}
