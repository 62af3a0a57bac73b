/* Record format v1 writer. Records are built in a caller-owned struct and get
 * their seq only when finished, so a record begun in one place cannot take a
 * number out of order with one emitted meanwhile. */
#include <stdarg.h>
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/record.h"

/* Room kept free in the body for " truncated=1" and, at the end, the seq
 * prefix and " *xxxxxxxx". */
#define REC_TAIL_ROOM 12
#define REC_PREFIX_ROOM (sizeof(REC_MAGIC) - 1 + 20 + 1)
#define REC_CRC_ROOM 10
#define REC_BODY_MAX (REC_LINE_MAX - REC_PREFIX_ROOM - REC_CRC_ROOM - REC_TAIL_ROOM)

static rec_sink_fn rec_sink;
static void *rec_sink_ctx;
static u64 rec_seq;
static u64 rec_errors;

void rec_set_sink(rec_sink_fn sink, void *ctx)
{
	rec_sink = sink;
	rec_sink_ctx = ctx;
}

static void emit(const char *line, size_t len)
{
	if (rec_sink)
		rec_sink(line, len, rec_sink_ctx);
}

void rec_begin(struct rec *r, const char *type)
{
	size_t n = strlen(type);

	r->truncated = false;
	r->is_error = strcmp(type, "error") == 0;
	r->len = n < REC_BODY_MAX ? n : REC_BODY_MAX;
	memcpy(r->body, type, r->len);
}

static bool needs_escape(u8 c)
{
	return c < 0x21 || c > 0x7e || c == '%';
}

void rec_strn(struct rec *r, const char *key, const char *val, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t klen = strlen(key), need = 1 + klen + 1;

	for (size_t i = 0; i < n; i++)
		need += needs_escape((u8)val[i]) ? 3 : 1;
	if (r->len + need > REC_BODY_MAX) {
		r->truncated = true;
		return;
	}
	r->body[r->len++] = ' ';
	memcpy(r->body + r->len, key, klen);
	r->len += klen;
	r->body[r->len++] = '=';
	for (size_t i = 0; i < n; i++) {
		u8 c = (u8)val[i];
		if (needs_escape(c)) {
			r->body[r->len++] = '%';
			r->body[r->len++] = hex[c >> 4];
			r->body[r->len++] = hex[c & 15];
		} else {
			r->body[r->len++] = (char)c;
		}
	}
}

void rec_str(struct rec *r, const char *key, const char *val)
{
	rec_strn(r, key, val, strlen(val));
}

void rec_u64(struct rec *r, const char *key, u64 val)
{
	char num[24];

	rec_strn(r, key, num, fmt_snprintf(num, sizeof(num), "%llu",
					   (unsigned long long)val));
}

void rec_s64(struct rec *r, const char *key, s64 val)
{
	char num[24];

	rec_strn(r, key, num, fmt_snprintf(num, sizeof(num), "%lld", (long long)val));
}

void rec_hex(struct rec *r, const char *key, u64 val)
{
	char num[24];

	rec_strn(r, key, num, fmt_snprintf(num, sizeof(num), "0x%llx",
					   (unsigned long long)val));
}

void rec_end(struct rec *r)
{
	char line[REC_LINE_MAX];
	size_t n;

	n = fmt_snprintf(line, sizeof(line), REC_MAGIC "%llu ",
			 (unsigned long long)rec_seq);
	memcpy(line + n, r->body, r->len);
	n += r->len;
	if (r->truncated) {
		memcpy(line + n, " truncated=1", 12);
		n += 12;
	}
	n += fmt_snprintf(line + n, sizeof(line) - n, " *%08x", crc32_update(0, line, n));

	if (r->is_error)
		rec_errors++;
	rec_seq++;
	emit(line, n);
}

void rec_narrate(const char *fmt, ...)
{
	char line[256] = "# ";
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = 2 + fmt_vsnprintf(line + 2, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	/* Parsers start a record wherever the magic appears: never in narration. */
	for (char *p = line; (p = strstr(p, REC_MAGIC)); p++)
		*p = '?';
	emit(line, n);
}

u64 rec_count(void)
{
	return rec_seq;
}

u64 rec_error_count(void)
{
	return rec_errors;
}
