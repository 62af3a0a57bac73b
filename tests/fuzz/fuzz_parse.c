/* libFuzzer target for the record parser: arbitrary bytes, fed whole and in
 * chunks whose sizes come from the data, must give the same verdict; then
 * every report format renders it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/stream/parse.h"
#include "host/report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct stream *parse_chunked(const uint8_t *data, size_t size)
{
	struct parser *p = parser_new(NULL, NULL);
	size_t at = 0, n;

	while (at < size) {
		n = 1 + data[at] % 61;
		if (n > size - at)
			n = size - at;
		parser_feed(p, data + at, n);
		at += n;
	}
	return parser_finish(p);
}

static void check_same(const struct stream *a, const struct stream *b)
{
	if (a->nrecs != b->nrecs || a->nrejects != b->nrejects || a->lines != b->lines ||
	    a->nlost != b->nlost || a->duplicates != b->duplicates ||
	    a->conflicts != b->conflicts || a->complete != b->complete)
		abort();
	for (size_t i = 0; i < a->nrecs; i++) {
		if (strcmp(a->recs[i].line, b->recs[i].line) != 0 ||
		    strncmp(a->recs[i].line, "@PL1 ", 5) != 0 ||
		    (i && a->recs[i].seq <= a->recs[i - 1].seq))
			abort();
	}
	for (size_t i = 0; i < a->nrejects; i++)
		if (strcmp(a->rejects[i].excerpt, b->rejects[i].excerpt) != 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct report_meta meta = { "fuzz", "fuzz", 1.5, "out" };
	struct parser *p = parser_new(NULL, NULL);
	struct stream *whole, *chunked;

	if (!null)
		null = fopen("/dev/null", "w");
	parser_feed(p, data, size);
	whole = parser_finish(p);
	chunked = parse_chunked(data, size);
	check_same(whole, chunked);
	report_print(null, whole, REPORT_TEXT, &meta);
	report_print(null, whole, REPORT_CSV, NULL);
	report_print(null, whole, REPORT_JSON, &meta);
	report_print(null, whole, REPORT_RECORDS_CSV, NULL);
	report_print(null, whole, REPORT_FTRACE, NULL);
	report_print(null, whole, REPORT_TRACE_JSON, NULL);
	stream_exit_code(whole);
	stream_free(whole);
	stream_free(chunked);
	return 0;
}
