/* The host's record parser: good, damaged, truncated, reordered and noisy
 * streams, the grammar's corners, chunking, and the verdict it gives. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib/crc32.h"
#include "host/stream/parse.h"
#include "tests/unit/unit.h"

/* Lines rebuilt from records, for comparing them. */
static char la[PARSE_LINE_MAX + 1], lb[PARSE_LINE_MAX + 1];

#define NRECS 20

static const char *const bodies[NRECS] = {
	"hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu console=serial",
	"config source=none",
	"cpu vendor=GenuineIntel family=6 model=94 brand=Intel%28R%29%20Core%20i5",
	"pmu version=4 gp=8 fixed=3 width=48",
	"lbr depth=32 format=5",
	"debug drs=4 dr6=0xffff0ff0",
	"check name=pmu.version result=pass value=4 expected=2..5",
	"check name=lbr.depth result=skip reason=no%20lbr",
	"bench name=nop_loop iters=1000",
	"counter bench=nop_loop event=instructions value=1024 src=icount",
	"counter bench=nop_loop event=cycles value=2048 src=pmu",
	"sample n=1 rip=0x1000 sym=main+0x10",
	"sample n=2 rip=0x1004 sym=main+0x14",
	"probe at=cpu_init hits=3",
	"trace fn=pmu_init depth=2",
	"lesson id=1 step=intro",
	"future_type some.key=x other-key=%7e",
	"check name=debug.int3 result=pass",
	"noop",
	"end count=19 status=ok",
};

static uint32_t rng = 2463534242u;

static uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* "@PL1 <seq> <body> *<crc><eol>" at buf; returns its length. */
static size_t put_rec(char *buf, uint64_t seq, const char *body, const char *eol)
{
	int n = sprintf(buf, "@PL1 %" PRIu64 " %s", seq, body);

	n += sprintf(buf + n, " *%08x%s", (unsigned)crc32_update(0, buf, n), eol);
	return n;
}

/* The standard stream; start[k] is where record k begins, start[NRECS] the
 * end of the stream. */
static size_t standard(char *buf, const char *eol, size_t *start)
{
	size_t n = 0;

	for (int k = 0; k < NRECS; k++) {
		if (start)
			start[k] = n;
		n += put_rec(buf + n, k, bodies[k], eol);
	}
	if (start)
		start[NRECS] = n;
	return n;
}

static struct stream *parse(const char *buf, size_t len)
{
	struct parser *p = parser_new(NULL, NULL);

	parser_feed(p, buf, len);
	return parser_finish(p);
}

/* Feeds in chunks of 1..max bytes (max 1: byte by byte). */
static struct stream *parse_chunked(const char *buf, size_t len, size_t max)
{
	struct parser *p = parser_new(NULL, NULL);

	for (size_t at = 0, n; at < len; at += n) {
		n = max == 1 ? 1 : 1 + xorshift() % max;
		if (n > len - at)
			n = len - at;
		parser_feed(p, buf + at, n);
	}
	return parser_finish(p);
}

static bool same_stream(const struct stream *a, const struct stream *b)
{
	if (a->nrecs != b->nrecs || a->nrejects != b->nrejects ||
	    a->nmissing != b->nmissing || a->nlost != b->nlost ||
	    a->duplicates != b->duplicates || a->conflicts != b->conflicts ||
	    a->reordered != b->reordered || a->lines != b->lines ||
	    a->narration_lines != b->narration_lines || a->complete != b->complete ||
	    a->has_end != b->has_end || a->has_hello != b->has_hello)
		return false;
	for (size_t i = 0; i < a->nrecs; i++)
		if (!record_same(&a->recs[i], &b->recs[i]) ||
		    a->recs[i].lineno != b->recs[i].lineno)
			return false;
	for (size_t i = 0; i < a->nrejects; i++)
		if (strcmp(a->rejects[i].reason, b->rejects[i].reason) != 0 ||
		    strcmp(a->rejects[i].excerpt, b->rejects[i].excerpt) != 0 ||
		    a->rejects[i].lineno != b->rejects[i].lineno ||
		    a->rejects[i].seq_hint != b->rejects[i].seq_hint)
			return false;
	return !a->nmissing ||
	       memcmp(a->missing, b->missing, a->nmissing * sizeof(*a->missing)) == 0;
}

static void test_good(void)
{
	char buf[4096], lf[4096];
	struct stream *s, *t;
	size_t n;

	/* A '@' right before the magic must not hide it. */
	n = sprintf(buf, "BdsDxe: loading Boot0001\r\n\r\n# pmulab 0.1.0\r\n\x1b[2J@");
	n += standard(buf + n, "\r\n", NULL);
	s = parse(buf, n);
	CHECK_U64(s->nrecs, NRECS);
	if (s->nrecs != NRECS) {
		stream_free(s);
		return;
	}
	CHECK_U64(s->nrejects, 0);
	CHECK_U64(s->nmissing, 0);
	CHECK(s->has_hello && s->has_end && s->end_count_ok && s->complete);
	CHECK_U64(s->end_seq, 19);
	CHECK_STR(s->end_status, "ok");
	CHECK_U64(stream_exit_code(s), 0);
	CHECK_U64(s->lines, 23);
	CHECK_U64(s->narration_lines, 2);
	CHECK_U64(s->recs[0].lineno, 4);
	CHECK_U64(s->recs[19].lineno, 23);
	CHECK_STR(s->recs[2].type, "cpu");
	CHECK_STR(record_get(&s->recs[2], "brand"), "Intel(R) Core i5");
	CHECK_STR(record_get(&s->recs[16], "other-key"), "~");
	CHECK(record_get(&s->recs[2], "nope") == NULL);
	CHECK_U64(s->recs[18].nfields, 0);
	CHECK(stream_find(s, "check") == &s->recs[6]);
	CHECK(stream_find(s, "nope") == NULL);

	/* LF alone, or CR alone (each record then ends at the next magic). */
	t = parse(lf, standard(lf, "\n", NULL));
	CHECK_U64(t->nrecs, NRECS);
	CHECK(t->complete);
	for (size_t i = 0; i < t->nrecs; i++)
		CHECK_STR(record_line(&t->recs[i], la), record_line(&s->recs[i], lb));
	stream_free(t);
	t = parse(lf, standard(lf, "\r", NULL));
	CHECK_U64(t->nrecs, NRECS);
	CHECK(t->complete);
	stream_free(t);
	/* Two records on one line, the second after narration. */
	n = standard(lf, "", NULL);
	t = parse(lf, n);
	CHECK_U64(t->nrecs, NRECS);
	CHECK_U64(t->lines, 1);
	stream_free(t);
	stream_free(s);
}

/* One damaged byte costs exactly the record it falls in, and says so. */
static void test_corruption(void)
{
	static const unsigned char masks[] = { 0x01, 0x20, 0x80, 0xff };
	char orig[4096], buf[4096];
	size_t start[NRECS + 1], n = standard(orig, "\r\n", start);
	unsigned bad = 0;

	for (size_t pos = 0, k = 0; pos < n; pos++) {
		while (pos >= start[k + 1])
			k++;
		for (size_t m = 0; m < sizeof(masks); m++) {
			bool in_magic = pos < start[k] + 5;
			bool ok = true;
			struct stream *s;

			memcpy(buf, orig, n);
			buf[pos] ^= masks[m];
			s = parse(buf, n);
			ok &= s->nrecs == NRECS - 1;
			for (size_t i = 0; i < s->nrecs; i++)
				ok &= s->recs[i].seq == (i < k ? i : i + 1);
			if (k < NRECS - 1)
				ok &= s->nmissing == 1 && s->missing[0] == k && s->has_end;
			else
				ok &= s->nmissing == 0 && !s->has_end;
			ok &= s->nrejects == (in_magic ? 0 : 1);
			if (s->nrejects == 1)
				ok &= s->rejects[0].lineno == k + 1;
			ok &= !s->complete && stream_exit_code(s) == 3;
			if (!ok && bad++ < 5)
				printf("corruption at %zu ^ 0x%02x (record %zu) not reported\n",
				       pos, masks[m], k);
			stream_free(s);
		}
	}
	CHECK_U64(bad, 0);
}

/* Cut anywhere: no crash, every record whose text arrived whole is kept. */
static void test_truncation(void)
{
	char buf[4096];
	size_t start[NRECS + 1], n = standard(buf, "\r\n", start);
	unsigned bad = 0;

	for (size_t cut = 0; cut <= n; cut++) {
		struct stream *s = parse(buf, cut);
		size_t whole = 0, partial = 0;
		bool ok;

		for (size_t k = 0; k < NRECS; k++) {
			size_t text_end = start[k + 1] - 2;
			if (cut >= text_end)
				whole++;
			else if (cut >= start[k] + 5)
				partial++;
		}
		ok = s->nrecs == whole && s->nrejects == partial && s->nmissing == 0;
		if (whole < NRECS)
			ok &= !s->has_end && stream_exit_code(s) == 3;
		else
			ok &= s->complete && stream_exit_code(s) == 0;
		if (!ok && bad++ < 5)
			printf("cut at %zu: %zu records, %zu rejects\n", cut, s->nrecs,
			       s->nrejects);
		stream_free(s);
	}
	CHECK_U64(bad, 0);
}

static size_t calls;

static void count_calls(const struct record *rec, void *ctx)
{
	uint64_t *seqs = ctx;

	seqs[calls++] = rec->seq;
}

static void test_order(void)
{
	static const int order[] = { 0, 1, 3, 2, 1, 4, 3, 5 };
	char buf[4096];
	uint64_t seqs[16];
	struct parser *p = parser_new(count_calls, seqs);
	struct stream *s;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		n += put_rec(buf + n, order[i], i == 6 ? "pmu other=1" : bodies[order[i]],
			     "\r\n");
	n += put_rec(buf + n, 6, "end count=6 status=ok", "\r\n");
	parser_feed(p, buf, n);
	s = parser_finish(p);
	CHECK_U64(s->nrecs, 7);
	CHECK_U64(s->duplicates, 1);
	CHECK_U64(s->conflicts, 1);
	CHECK_U64(s->reordered, 1);
	CHECK(s->complete);
	for (size_t i = 0; i < s->nrecs; i++)
		CHECK_U64(s->recs[i].seq, i);
	CHECK(strstr(record_line(&s->recs[3], la), bodies[3]) != NULL);
	CHECK_U64(calls, 7);
	CHECK_U64(seqs[2], 3);
	CHECK_U64(seqs[3], 2);
	CHECK_U64(seqs[6], 6);
	stream_free(s);

	/* Gaps: lost records are listed, the end may still be there. */
	n = put_rec(buf, 0, bodies[0], "\n");
	n += put_rec(buf + n, 3, bodies[3], "\n");
	n += put_rec(buf + n, 5, bodies[3], "\n");
	n += put_rec(buf + n, 9, "end count=9 status=ok", "\n");
	s = parse(buf, n);
	CHECK_U64(s->nmissing, 6);
	CHECK_U64(s->nlost, 6);
	CHECK(s->nmissing == 6 && s->missing[0] == 1 && s->missing[2] == 4 &&
	      s->missing[5] == 8);
	CHECK(s->has_end && s->end_count_ok && !s->complete);
	CHECK_U64(stream_exit_code(s), 3);
	stream_free(s);
}

static size_t big_rec(char *buf, uint64_t seq, size_t len, const char *eol)
{
	int n = sprintf(buf, "@PL1 %" PRIu64 " pad v=", seq);

	memset(buf + n, 'x', len - n - 10);
	n = len - 10;
	n += sprintf(buf + n, " *%08x%s", (unsigned)crc32_update(0, buf, n), eol);
	return n;
}

static void test_oversize(void)
{
	static const size_t sizes[] = { 10 * 1024, 1024 * 1024 };
	char *buf = malloc(1100 * 1024);
	struct stream *s;
	size_t n;

	/* At the limit it is accepted, CR or not; one byte more is oversize. */
	n = put_rec(buf, 0, bodies[0], "\r\n");
	n += big_rec(buf + n, 1, PARSE_LINE_MAX, "\r\n");
	n += big_rec(buf + n, 2, PARSE_LINE_MAX, "\n");
	n += big_rec(buf + n, 3, PARSE_LINE_MAX + 1, "\r\n");
	s = parse(buf, n);
	CHECK_U64(s->nrecs, 3);
	CHECK_U64(s->nrejects, 1);
	CHECK(s->nrejects == 1 && !strcmp(s->rejects[0].reason, "oversize") &&
	      s->rejects[0].seq_hint == 3 && s->rejects[0].lineno == 4);
	stream_free(s);

	for (size_t i = 0; i < 2; i++) {
		n = put_rec(buf, 0, bodies[0], "\r\n");
		n += big_rec(buf + n, 1, sizes[i], "\r\n");
		n += put_rec(buf + n, 2, "end count=2 status=ok", "\r\n");
		s = parse_chunked(buf, n, 5000);
		CHECK_U64(s->nrecs, 2);
		CHECK_U64(s->nrejects, 1);
		CHECK(s->nrejects && !strcmp(s->rejects[0].reason, "oversize") &&
		      s->rejects[0].seq_hint == 1 && strlen(s->rejects[0].excerpt) == 60);
		CHECK(s->nmissing == 1 && s->missing[0] == 1);
		stream_free(s);
	}
	/* Ended by the next magic rather than a line feed. */
	n = put_rec(buf, 0, bodies[0], "\r\n");
	n += big_rec(buf + n, 1, 10 * 1024, "");
	n += put_rec(buf + n, 2, "end count=2 status=ok", "\r\n");
	s = parse(buf, n);
	CHECK_U64(s->nrecs, 2);
	CHECK(s->nrejects == 1 && !strcmp(s->rejects[0].reason, "oversize"));
	CHECK_U64(s->lines, 2);
	stream_free(s);
	free(buf);
}

/* Random bytes, NULs and escape sequences between records; a garbage
 * candidate record costs nothing either. */
static void test_noise(void)
{
	static const struct {
		const char *bytes;
		size_t len;
	} eols[] = { { "\n", 1 }, { "", 0 }, { "\r\n\0\0\0", 5 } };
	char *buf = malloc(64 * 1024);
	struct stream *s, *t;
	size_t n = 0;

	for (int k = 0; k < NRECS; k++) {
		size_t junk = xorshift() % 200;
		for (size_t i = 0; i < junk; i++)
			buf[n++] = (char)xorshift();
		memcpy(buf + n, eols[k % 3].bytes, eols[k % 3].len);
		n += eols[k % 3].len;
		if (k % 4 == 0)
			n += sprintf(buf + n, "\x1b[0m\x1b[2J\x1b[01;01H");
		if (k % 5 == 0)
			n += sprintf(buf + n, "@PL1 %d junk\x01\x02\n", k);
		n += put_rec(buf + n, k, bodies[k], "\r\n");
	}
	s = parse(buf, n);
	CHECK_U64(s->nrecs, NRECS);
	CHECK(s->complete);
	CHECK_U64(s->nrejects, 4);
	CHECK(s->nrejects == 4 && !strcmp(s->rejects[1].reason, "malformed") &&
	      s->rejects[1].seq_hint == 5 &&
	      !strcmp(s->rejects[1].excerpt, "@PL1 5 junk\\x01\\x02"));
	CHECK_U64(stream_exit_code(s), 0);
	for (size_t max = 1; max < 300; max = max * 3 + 1) {
		t = parse_chunked(buf, n, max);
		CHECK(same_stream(s, t));
		stream_free(t);
	}
	stream_free(s);

	/* Pure noise: chunking never changes the verdict. */
	for (size_t i = 0; i < 64 * 1024; i++) {
		if (xorshift() % 7)
			buf[i] = (char)xorshift();
		else
			buf[i] = "@PL1 \n\r*"[xorshift() % 8];
	}
	s = parse(buf, 64 * 1024);
	t = parse_chunked(buf, 64 * 1024, 17);
	CHECK(same_stream(s, t));
	stream_free(s);
	stream_free(t);
	free(buf);
}

static const char *reason_of(const char *line)
{
	static char reason[32];
	struct stream *s = parse(line, strlen(line));

	snprintf(reason, sizeof(reason), "%s",
		 s->nrecs ? "good" : s->nrejects ? s->rejects[0].reason : "none");
	stream_free(s);
	return reason;
}

/* A body with its right CRC, so the grammar alone decides. */
static const char *body_reason(const char *seq, const char *body)
{
	char line[512];
	int n = sprintf(line, "@PL1 %s%s", seq, body);

	sprintf(line + n, " *%08x", (unsigned)crc32_update(0, line, n));
	return reason_of(line);
}

static void test_grammar(void)
{
	char line[512];
	struct stream *s;
	size_t n;

	CHECK_STR(body_reason("0", " x"), "good");
	CHECK_STR(body_reason("18446744073709551615", " x"), "good");
	CHECK_STR(body_reason("18446744073709551616", " x"), "malformed");
	CHECK_STR(body_reason("99999999999999999999", " x"), "malformed");
	CHECK_STR(body_reason("01", " x"), "malformed");
	CHECK_STR(body_reason("00", " x"), "malformed");
	CHECK_STR(body_reason("", " x"), "malformed");
	CHECK_STR(body_reason("-1", " x"), "malformed");
	CHECK_STR(body_reason("1", ""), "malformed");
	CHECK_STR(body_reason("1", "  x"), "malformed");
	CHECK_STR(body_reason("1", " X"), "malformed");
	CHECK_STR(body_reason("1", " x-y"), "malformed");
	CHECK_STR(body_reason("1", " x k=v"), "good");
	CHECK_STR(body_reason("1", " x k="), "good");
	CHECK_STR(body_reason("1", " x =v"), "malformed");
	CHECK_STR(body_reason("1", " x k"), "malformed");
	CHECK_STR(body_reason("1", " x k=v  j=w"), "malformed");
	CHECK_STR(body_reason("1", " x k=v "), "malformed");
	CHECK_STR(body_reason("1", " x k/=v"), "malformed");
	CHECK_STR(body_reason("1", " x A.b-c_9=v"), "good");
	CHECK_STR(body_reason("1", " x k=a=b*c"), "good");
	CHECK_STR(body_reason("1", " x k=v k=w"), "malformed");
	CHECK_STR(body_reason("1", " x k=v j=w k=u"), "malformed");
	CHECK_STR(body_reason("1", " x k=%"), "malformed");
	CHECK_STR(body_reason("1", " x k=%4"), "malformed");
	CHECK_STR(body_reason("1", " x k=%4g"), "malformed");
	CHECK_STR(body_reason("1", " x k=%2f%2F%00"), "good");
	CHECK_STR(body_reason("1", " x k=\x7f"), "malformed");
	CHECK_STR(body_reason("1", " x k=\x80"), "malformed");
	CHECK_STR(body_reason("1", " x k=a\tb"), "malformed");

	CHECK_STR(reason_of("@PL1 0 x *00000000"), "bad-crc");
	CHECK_STR(reason_of("@PL1 0 x *0000000"), "malformed");
	CHECK_STR(reason_of("@PL1 0 x *0000000g"), "malformed");
	CHECK_STR(reason_of("@PL1 0 x"), "malformed");
	CHECK_STR(reason_of("@PL1 "), "malformed");
	CHECK_STR(reason_of("@PL1 0 hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu "
			    "*ea15b500"), "good");
	CHECK_STR(reason_of("@PL1 0 hello format=1 payload=0.1.0 firmware=EDK_II boot=qemu "
			    "*EA15B500"), "malformed");
	strcpy(line + put_rec(line, 0, "x", ""), "0");
	CHECK_STR(reason_of(line), "trailing-bytes");
	strcpy(line + put_rec(line, 0, "x", ""), " \r");
	CHECK_STR(reason_of(line), "trailing-bytes");
	strcpy(line + put_rec(line, 0, "x", ""), "\r\r\n");
	CHECK_STR(reason_of(line), "good");
	strcpy(line + put_rec(line, 0, "x", ""), "\r\n");
	CHECK_STR(reason_of(line), "good");

	/* Decoded values, %00 included. */
	n = put_rec(line, 3, "x a=%41%62%2b%2B b=%00z", "\n");
	s = parse(line, n);
	CHECK_U64(s->nrecs, 1);
	if (s->nrecs) {
		CHECK_STR(record_get(&s->recs[0], "a"), "Ab++");
		CHECK(s->recs[0].fields[1].len == 2 &&
		      memcmp(field_val(&s->recs[0].fields[1]), "\0z", 2) == 0);
	}
	stream_free(s);

	/* A seq far ahead: the list of lost seqs stays bounded. */
	n = put_rec(line, 0, bodies[0], "\n");
	n += put_rec(line + n, UINT64_MAX, "end count=18446744073709551615 status=ok", "\n");
	s = parse(line, n);
	CHECK_U64(s->nrecs, 2);
	CHECK_U64(s->nmissing, PARSE_MISSING_MAX);
	CHECK_U64(s->nlost, UINT64_MAX - 1);
	CHECK(s->end_count_ok && !s->complete);
	stream_free(s);
}

static struct stream *end_stream(const char *end_body, const char *extra)
{
	char buf[1024];
	size_t n = put_rec(buf, 0, bodies[0], "\n");

	n += put_rec(buf + n, 1, extra ? extra : bodies[1], "\n");
	n += put_rec(buf + n, 2, end_body, "\n");
	return parse(buf, n);
}

static void test_verdict(void)
{
	static const struct {
		const char *end, *extra;
		bool complete;
		int code;
	} cases[] = {
		{ "end count=2 status=ok", NULL, true, 0 },
		{ "end count=2 status=partial", NULL, true, 3 },
		{ "end count=2 status=error", NULL, true, 1 },
		{ "end count=2 status=ok", "error kind=config line=3", true, 1 },
		{ "end count=3 status=ok", NULL, false, 3 },
		{ "end count=02 status=ok", NULL, false, 3 },
		{ "end status=ok", NULL, false, 3 },
		{ "end count=2", NULL, true, 3 },
		{ "pmu x=1", NULL, false, 3 },
		{ "pmu x=1", "error kind=exception", false, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stream *s = end_stream(cases[i].end, cases[i].extra);
		CHECK(s->complete == cases[i].complete);
		CHECK_U64(stream_exit_code(s), cases[i].code);
		stream_free(s);
	}
}

/* A parser that keeps at most keep bytes of records gives the verdict of
 * one that keeps them all. */
static void check_counted(const char *buf, size_t len, size_t keep)
{
	struct parser *p = parser_new(NULL, NULL);
	struct stream *a = parse(buf, len), *b;

	parser_keep_max(p, keep);
	parser_feed(p, buf, len);
	b = parser_finish(p);
	CHECK_U64(b->nrecs, 0);
	CHECK_U64(b->counted, a->nrecs);
	CHECK_U64(b->nlost, a->nlost);
	CHECK_U64(b->nmissing, a->nmissing);
	for (size_t i = 0; i < a->nmissing && i < b->nmissing; i++)
		CHECK_U64(b->missing[i], a->missing[i]);
	CHECK_U64(b->duplicates + b->conflicts + b->repeats, a->duplicates + a->conflicts);
	CHECK_U64(b->reordered, a->reordered);
	CHECK_U64(b->rejected, a->rejected);
	CHECK_U64(b->lines, a->lines);
	CHECK(b->has_hello == a->has_hello && b->has_end == a->has_end &&
	      b->end_count_ok == a->end_count_ok && b->complete == a->complete);
	CHECK_U64(b->end_seq, a->end_seq);
	CHECK_STR(b->end_status ? b->end_status : "-", a->end_status ? a->end_status : "-");
	CHECK_U64(stream_exit_code(b), stream_exit_code(a));
	stream_free(a);
	stream_free(b);
}

static void test_counted(void)
{
	static const int order[] = { 0, 1, 3, 2, 1, 4, 3, 5, 9, 7, 12, 8, 7, 10 };
	static const char *const ends[] = {
		"end count=13 status=ok", "end count=13 status=error", "end count=013 status=ok",
		"end count=12 status=ok", "end status=partial", "pmu x=1",
	};
	static char buf[8192];
	size_t n, first = 0;

	n = standard(buf, "\r\n", NULL);
	check_counted(buf, n, 1);
	check_counted(buf, n, 600);
	for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++) {
		n = 0;
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			n += put_rec(buf + n, order[i], i == 6 ? "pmu other=1" :
				     i == 9 ? "error kind=late" : bodies[order[i] % NRECS], "\n");
			if (i == 0)
				first = n;
		}
		n += put_rec(buf + n, 13, ends[e], "\n");
		n += put_rec(buf + n, 11, bodies[11], "\n");
		check_counted(buf, n, 1);
		check_counted(buf, n, 600);
		/* No hello: the stream starts at seq 1. */
		check_counted(buf + first, n - first, 1);
	}
}

static void test_files(void)
{
	char buf[4096], path[] = "/tmp/pmulab-test-XXXXXX", out[64], err[256];
	char back[4096];
	struct stream *s, *t;
	size_t n = standard(buf, "\r\n", NULL);
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0 && write(fd, "junk\n", 5) == 5 && write(fd, buf, n) == (ssize_t)n);
	close(fd);
	s = parse_file(path, err, sizeof(err));
	CHECK(s && s->complete);
	snprintf(out, sizeof(out), "%s.records", path);
	CHECK(s && stream_write_records(s, out) == 0);
	f = fopen(out, "r");
	n = f ? fread(back, 1, sizeof(back) - 1, f) : 0;
	back[n] = '\0';
	if (f)
		fclose(f);
	CHECK(strncmp(back, "@PL1 0 hello format=1 ", 22) == 0 && !strchr(back, '\r'));
	CHECK_U64(n, standard(buf, "\n", NULL));
	t = parse_file(out, err, sizeof(err));
	CHECK(s && t && t->nrecs == s->nrecs && t->lines == s->lines - 1);
	for (size_t i = 0; s && t && i < s->nrecs; i++)
		CHECK_STR(record_line(&t->recs[i], la), record_line(&s->recs[i], lb));
	stream_free(s);
	stream_free(t);
	unlink(path);
	unlink(out);

	CHECK(parse_file("/nonexistent/x.log", err, sizeof(err)) == NULL);
	CHECK_STR(err, "/nonexistent/x.log: No such file or directory");
	CHECK(parse_file("/tmp", err, sizeof(err)) == NULL);
	CHECK_STR(err, "/tmp: Is a directory");
	CHECK(parse_file("/dev/zero", err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/dev/zero: a character device, not a regular file") == err);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(parse_file(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, ": a FIFO, not a regular file") != NULL);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, PARSE_FILE_MAX + 1) == 0);
	close(fd);
	CHECK(parse_file(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, ": over 256 MiB") != NULL);
	unlink(path);
	s = parse("", 0);
	CHECK(s->nrecs == 0 && s->lines == 0 && !s->complete);
	CHECK_U64(stream_exit_code(s), 3);
	CHECK(stream_write_records(s, "/nonexistent/records.txt") < 0 && errno == ENOENT);
	stream_free(s);
}

/* What real capture tools write: script(1) ends lines with CR CR LF,
 * terminals pad with NULs; and a file of nothing but record starts. */
static void test_captures(void)
{
	static const char *const eols[] = { "\r\r\n", "\0\r\n", "\r\0\n", "\0\0\n",
					    "\r\r\r\r\n" };
	static const size_t eol_len[] = { 3, 3, 3, 3, 5 };
	char buf[4096];
	struct stream *s;
	size_t n, magics = 20000;
	char *noise;

	for (size_t e = 0; e < sizeof(eols) / sizeof(eols[0]); e++) {
		n = 0;
		for (int k = 0; k < NRECS; k++) {
			n += put_rec(buf + n, k, bodies[k], "") ;
			memcpy(buf + n, eols[e], eol_len[e]);
			n += eol_len[e];
		}
		s = parse(buf, n);
		CHECK_U64(s->nrecs, NRECS);
		CHECK(s->complete && s->nrejects == 0 && s->narration_lines == 0);
		stream_free(s);
	}

	/* A capture replayed backwards, then again: every repeat found through
	 * the seq table however often it grows, the order restored. */
	{
		enum { N = 5000 };
		char *back = malloc(2 * N * 64);
		size_t len = 0;

		for (int pass = 0; pass < 2; pass++)
			for (int k = N - 1; k >= 0; k--)
				len += put_rec(back + len, k, "x a=1", "\n");
		s = parse(back, len);
		CHECK_U64(s->nrecs, N);
		CHECK_U64(s->reordered, N - 1);
		CHECK_U64(s->duplicates, N);
		n = 0;
		for (size_t i = 0; i < s->nrecs; i++)
			n += s->recs[i].seq == i;
		CHECK_U64(n, N);
		stream_free(s);
		free(back);
	}

	noise = malloc(magics * 5);
	for (size_t i = 0; i < magics; i++)
		memcpy(noise + 5 * i, "@PL1 ", 5);
	s = parse(noise, magics * 5);
	CHECK_U64(s->nrejects, PARSE_REJECTS_MAX);
	CHECK_U64(s->rejected, magics);
	CHECK_U64(s->nrecs, 0);
	stream_free(s);
	free(noise);
}

int main(void)
{
	test_good();
	test_corruption();
	test_truncation();
	test_order();
	test_oversize();
	test_noise();
	test_grammar();
	test_verdict();
	test_counted();
	test_files();
	test_captures();
	return unit_done("parse");
}
