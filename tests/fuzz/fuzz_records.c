/* libFuzzer target for the record parser and every view of a stream: bytes
 * fed whole and in chunks whose sizes come from the data must give the same
 * verdict; then every report format, the html report and the plot data and
 * scripts render it. The custom mutator repairs each mutated record's CRC,
 * so mutations get past the parser into the views. */
#include "lib/crc32.h"
#include "host/stream/parse.h"
#include "host/report/report.h"
#include "host/report/plot.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

/* The html report would run gnuplot for every input with a chase or branch
 * bench: a process each time. The plots' data and scripts are still made
 * (plots() below); only gnuplot's drawing is left out. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	setenv("PMULAB_GNUPLOT", "/nonexistent/gnuplot", 1);
	return 0;
}

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
	static char line[PARSE_LINE_MAX + 1];

	if (a->nrecs != b->nrecs || a->nrejects != b->nrejects || a->lines != b->lines ||
	    a->rejected != b->rejected || a->nlost != b->nlost ||
	    a->duplicates != b->duplicates || a->conflicts != b->conflicts ||
	    a->reordered != b->reordered || a->complete != b->complete)
		abort();
	for (size_t i = 0; i < a->nrecs; i++) {
		if (!record_same(&a->recs[i], &b->recs[i]) ||
		    strncmp(record_line(&a->recs[i], line), "@PL1 ", 5) != 0 ||
		    (i && a->recs[i].seq <= a->recs[i - 1].seq))
			abort();
	}
	for (size_t i = 0; i < a->nrejects; i++)
		if (strcmp(a->rejects[i].excerpt, b->rejects[i].excerpt) != 0)
			abort();
}

static void plots(const struct stream *s)
{
	struct chase_plot c;
	struct branch_plot b;

	plot_chase(s, &c);
	plot_branch(s, &b);
	free(plot_chase_dat(&c));
	free(plot_chase_script(&c, "svg"));
	free(plot_branch_dat(&b));
	free(plot_branch_script(&b, "png"));
	plot_chase_free(&c);
	plot_branch_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum report_format formats[] = {
		REPORT_TEXT, REPORT_RECORDS_CSV, REPORT_JSON, REPORT_CSV, REPORT_HTML,
		REPORT_FTRACE, REPORT_TRACE_JSON,
	};
	struct report_meta meta = { .source = "fuzz", .mode = "fuzz", .boot_to_end_s = 1.5,
				    .boot_to_hello_s = 1.0, .out_dir = "/nonexistent" };
	struct parser *p = parser_new(NULL, NULL);
	struct stream *whole, *chunked;

	parser_feed(p, data, size);
	whole = parser_finish(p);
	chunked = parse_chunked(data, size);
	check_same(whole, chunked);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		report_print(fuzz_null(), whole, formats[i], &meta);
	plots(whole);
	stream_exit_code(whole);
	stream_free(whole);
	stream_free(chunked);
	return 0;
}

/* Rewrites the CRC of every line that has the magic and ends in " *" and
 * eight characters, as the payload would have written it. */
static void repair(uint8_t *data, size_t size)
{
	size_t start = 0;

	while (start < size) {
		uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t end = nl ? (size_t)(nl - data) : size, n;
		uint32_t crc;

		n = end - start;
		if (n && data[start + n - 1] == '\r')
			n--;
		if (n > 15 && memcmp(data + start, "@PL1 ", 5) == 0 &&
		    data[start + n - 10] == ' ' && data[start + n - 9] == '*') {
			char hex[9];

			crc = crc32_update(0, data + start, n - 10);
			snprintf(hex, sizeof(hex), "%08x", (unsigned)crc);
			memcpy(data + start + n - 8, hex, 8);
		}
		start = end + 1;
	}
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	/* One mutation in eight keeps its damage, for the rejects. */
	if (seed % 8)
		repair(data, size);
	return size;
}
