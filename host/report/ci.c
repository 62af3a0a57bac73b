/* What the CI formats share: a check's expectation and the stream's
 * verdict in a line. */
#include <string.h>
#include "host/report/ci.h"

bool ci_expected(const struct record *rec, char *buf, size_t size)
{
	const char *expect = record_get(rec, "expect"), *lo, *hi;

	if (!expect)
		expect = record_get(rec, "expected");
	if (expect) {
		snprintf(buf, size, "%s", expect);
		return true;
	}
	lo = record_get(rec, "lo");
	hi = record_get(rec, "hi");
	if (!lo || !hi)
		return false;
	snprintf(buf, size, "%s..%s", lo, hi);
	return true;
}

const char *ci_status(const struct stream *s)
{
	static const char *const words[] = { "ok", "error", "usage", "partial" };

	return words[stream_exit_code(s)];
}

void ci_verdict(char *buf, size_t size, const struct stream *s)
{
	snprintf(buf, size, "end status=%s, %zu records, %s, %llu lost: %s",
		 s->end_status ? s->end_status : "none", s->nrecs,
		 s->complete ? "complete" : "INCOMPLETE", (unsigned long long)s->nlost,
		 ci_status(s));
}
