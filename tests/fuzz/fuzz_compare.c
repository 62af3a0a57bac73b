/* libFuzzer target for pmulab compare's inputs (host/compare/pair.c): a
 * tolerances file, then two record streams paired bench by bench under it.
 * The input is the tolerances text, "\n--\n", and a capture parsed as both
 * sides (its second half as B when it holds another "\n--\n"). */
#include "host/compare/pair.h"
#include "tests/fuzz/fuzz.h"

static struct stream *parse(const char *t, size_t n)
{
	struct parser *p = parser_new(NULL, NULL);

	parser_feed(p, t, n);
	return parser_finish(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size), err[256];
	const char *recs, *rb;
	size_t tlen, rlen, alen, blen;
	struct tol_table t = { 0 };
	struct cmp_result r;
	struct stream *a, *b;

	fuzz_split(text, size, &tlen, &recs, &rlen);
	text[tlen] = '\0';
	if (tol_parse(text, &t, err, sizeof(err)) == 0) {
		fuzz_split(recs, rlen, &alen, &rb, &blen);
		a = parse(recs, alen);
		b = parse(rb, blen);
		cmp_pair(a, b, &t, &r);
		for (size_t i = 0; i < r.n; i++)
			fprintf(fuzz_null(), "%s\n", cmp_verdict_name(r.rows[i].verdict));
		cmp_free(&r);
		stream_free(a);
		stream_free(b);
		tol_free(&t);
	}
	free(text);
	return 0;
}
