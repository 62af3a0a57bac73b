/* The record writer: the format's test vectors, percent-encoding, truncation,
 * and every line it writes read back by the host parser. */
#include <stdlib.h>
#include "host/stream/parse.h"
#include "lib/record.h"
#include "tests/unit/unit.h"

static char lines[64][REC_LINE_MAX + 1];
static size_t line_len[64], nlines;

static void sink(const char *line, size_t len, void *ctx)
{
	if (nlines < 64) {
		memcpy(lines[nlines], line, len);
		lines[nlines][len] = '\0';
		line_len[nlines] = len;
	}
	nlines++;
}

static const char *last_line(void)
{
	return lines[nlines - 1];
}

/* The last line as the host sees it on a serial line, CR LF and all. */
static struct stream *parse_last(void)
{
	struct parser *p = parser_new(NULL, NULL);

	parser_feed(p, last_line(), line_len[nlines - 1]);
	parser_feed(p, "\r\n", 2);
	return parser_finish(p);
}

struct kv {
	const char *key;
	const char *val;
	size_t len;
};

static void round_trip(const char *type, const struct kv *kv, size_t n)
{
	struct rec r;
	struct stream *s;

	rec_begin(&r, type);
	for (size_t i = 0; i < n; i++)
		rec_strn(&r, kv[i].key, kv[i].val, kv[i].len);
	rec_end(&r);
	CHECK(line_len[nlines - 1] < REC_LINE_MAX);
	s = parse_last();
	CHECK_U64(s->nrecs, 1);
	CHECK_U64(s->nrejects, 0);
	if (s->nrecs != 1) {
		stream_free(s);
		return;
	}
	CHECK_U64(s->recs[0].seq, rec_count() - 1);
	CHECK_STR(s->recs[0].type, type);
	CHECK_U64(s->recs[0].nfields, n);
	for (size_t i = 0; i < n && i < s->recs[0].nfields; i++) {
		const struct field *f = &s->recs[0].fields[i];
		CHECK_STR(field_key(f), kv[i].key);
		CHECK_U64(f->len, kv[i].len);
		CHECK(f->len == kv[i].len && memcmp(field_val(f), kv[i].val, f->len) == 0);
	}
	stream_free(s);
}

static void test_vectors(void)
{
	struct rec r;

	rec_begin(&r, "hello");
	rec_u64(&r, "format", REC_FORMAT);
	rec_str(&r, "payload", "0.1.0");
	rec_str(&r, "firmware", "EDK_II");
	rec_str(&r, "boot", "qemu");
	rec_end(&r);
	CHECK_STR(last_line(), "@PL1 0 hello format=1 payload=0.1.0 firmware=EDK_II "
		  "boot=qemu *ea15b500");

	while (rec_count() < 7) {
		rec_begin(&r, "filler");
		rec_end(&r);
	}
	rec_begin(&r, "counter");
	rec_str(&r, "bench", "nop_loop");
	rec_str(&r, "event", "instructions");
	rec_u64(&r, "value", 1024);
	rec_str(&r, "src", "icount");
	rec_end(&r);
	CHECK_STR(last_line(), "@PL1 7 counter bench=nop_loop event=instructions "
		  "value=1024 src=icount *17c67c54");
}

static void test_encoding(void)
{
	static const char want[] =
		"enc sp=a%20b pct=100%25 ctl=%09%0D%0A%1B high=%7F%80%FF nul=a%00b "
		"empty= keep=a=b*c!~ u=18446744073709551615 s=-9223372036854775808 "
		"x=0xdeadbeef *";
	struct rec r;
	const char *l;

	rec_begin(&r, "enc");
	rec_str(&r, "sp", "a b");
	rec_str(&r, "pct", "100%");
	rec_str(&r, "ctl", "\t\r\n\x1b");
	rec_str(&r, "high", "\x7f\x80\xff");
	rec_strn(&r, "nul", "a\0b", 3);
	rec_str(&r, "empty", "");
	rec_str(&r, "keep", "a=b*c!~");
	rec_u64(&r, "u", UINT64_MAX);
	rec_s64(&r, "s", INT64_MIN);
	rec_hex(&r, "x", 0xdeadbeef);
	rec_end(&r);
	l = strchr(last_line(), ' ') + 1;
	l = strchr(l, ' ') + 1;
	CHECK(strncmp(l, want, sizeof(want) - 1) == 0);
}

static void test_round_trip(void)
{
	char all[256];
	struct kv kv[] = {
		{ "all", all, sizeof(all) },
		{ "word", "GenuineIntel", 12 },
		{ "spaces", "Intel(R) Core(TM) i7", 20 },
		{ "empty", "", 0 },
		{ "Mixed.Key-1_x", "%%41", 4 },
	};

	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	round_trip("cpu", kv, sizeof(kv) / sizeof(kv[0]));
	round_trip("end", NULL, 0);
}

/* Fields that do not fit are left out; the record says so and stays valid. */
static void test_truncation(void)
{
	char val[100], key[16];
	struct rec r;
	struct stream *s;
	size_t fit = 0;

	memset(val, 'v', sizeof(val));
	rec_begin(&r, "big");
	for (int i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		rec_strn(&r, key, val, sizeof(val));
	}
	rec_end(&r);
	CHECK(line_len[nlines - 1] < REC_LINE_MAX);
	CHECK(strstr(last_line(), " truncated=1 *") != NULL);
	s = parse_last();
	CHECK_U64(s->nrecs, 1);
	if (s->nrecs == 1) {
		fit = s->recs[0].nfields - 1;
		CHECK(fit >= 8 && fit < 20);
		CHECK_STR(record_get(&s->recs[0], "truncated"), "1");
		CHECK_U64(s->recs[0].fields[fit - 1].len, sizeof(val));
	}
	stream_free(s);

	/* A small field after a big one that did not fit still goes in. */
	rec_begin(&r, "big");
	for (int i = 0; i < 12; i++)
		rec_strn(&r, "h", val, sizeof(val));
	rec_str(&r, "small", "1");
	rec_end(&r);
	CHECK(strstr(last_line(), " small=1 truncated=1 *") != NULL);
}

static void test_errors_and_narration(void)
{
	u64 before = rec_error_count();
	struct rec r;
	struct stream *s;

	rec_begin(&r, "error");
	rec_str(&r, "kind", "config");
	rec_end(&r);
	rec_begin(&r, "errors");
	rec_end(&r);
	CHECK_U64(rec_error_count(), before + 1);

	rec_narrate("booting %d cpu%s", 1, "");
	CHECK_STR(last_line(), "# booting 1 cpu");
	s = parse_last();
	CHECK_U64(s->nrecs, 0);
	CHECK_U64(s->nrejects, 0);
	CHECK_U64(s->narration_lines, 1);
	stream_free(s);

	/* Narration never carries the magic, so parsers never mistake it. */
	rec_narrate("quoting @PL1 0 hello and @PL1 1 too, but @ 4.00GHz stays");
	CHECK_STR(last_line(), "# quoting ?PL1 0 hello and ?PL1 1 too, but @ 4.00GHz stays");
	s = parse_last();
	CHECK_U64(s->nrecs + s->nrejects, 0);
	stream_free(s);
}

int main(void)
{
	rec_set_sink(sink, NULL);
	test_vectors();
	test_encoding();
	test_round_trip();
	test_truncation();
	test_errors_and_narration();
	CHECK_U64(rec_count(), nlines - 2);	/* all but the two narration lines */
	return unit_done("record");
}
