/* The host tool's JSON writer (json.h): a stack of open containers decides
 * the commas and line breaks; misuse (a value without its key, a key in an
 * array, too deep, unbalanced) is a bug in the caller and aborts. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "host/report/json.h"
#include "host/stream/stream.h"

static void misuse(const char *what)
{
	fprintf(stderr, "pmulab: JSON writer misused: %s\n", what);
	abort();
}

void json_init(struct json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * form, no surrogate, nothing past U+10FFFF), 0 when there is none. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	unsigned cp;

	if (s[0] < 0xc2 || s[0] > 0xf4 || len < n)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_string(FILE *out, const char *val, size_t len)
{
	const unsigned char *s = (const unsigned char *)val;

	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		size_t n = s[i] >= 0x80 ? utf8_len(s + i, len - i) : 0;

		if (n) {
			fwrite(s + i, 1, n, out);
			i += n - 1;
		} else if (s[i] == '"' || s[i] == '\\') {
			fprintf(out, "\\%c", s[i]);
		} else if (s[i] >= 0x20 && s[i] <= 0x7e) {
			fputc(s[i], out);
		} else {
			fprintf(out, "\\u%04x", s[i]);
		}
	}
	fputc('"', out);
}

/* Before a member: the comma and line break its container wants. */
static void separate(struct json *j)
{
	if (!j->level[j->depth - 1].empty)
		fputc(',', j->out);
	if (j->level[j->depth - 1].lines)
		fputc('\n', j->out);
	j->level[j->depth - 1].empty = false;
}

/* Before any value: in an object its key is written, in an array the
 * comma and line break go first; the top level holds one value. */
static void before_value(struct json *j)
{
	if (!j->depth) {
		if (j->written)
			misuse("a second value at the top level");
		j->written = true;
		return;
	}
	if (j->level[j->depth - 1].object) {
		if (!j->keyed)
			misuse("a value in an object without its key");
		j->keyed = false;
		return;
	}
	separate(j);
}

struct json *json_key(struct json *j, const char *key)
{
	if (!j->depth || !j->level[j->depth - 1].object || j->keyed)
		misuse("a key outside an object or where a value is due");
	separate(j);
	put_string(j->out, key, strlen(key));
	fputc(':', j->out);
	j->keyed = true;
	return j;
}

static void open_container(struct json *j, bool object, bool lines)
{
	before_value(j);
	if (j->depth == JSON_DEPTH_MAX)
		misuse("nested deeper than JSON_DEPTH_MAX");
	j->level[j->depth].object = object;
	j->level[j->depth].lines = lines;
	j->level[j->depth].empty = true;
	j->depth++;
	j->keyed = false;
	fputc(object ? '{' : '[', j->out);
}

void json_object(struct json *j, bool lines)
{
	open_container(j, true, lines);
}

void json_array(struct json *j, bool lines)
{
	open_container(j, false, lines);
}

void json_close(struct json *j)
{
	if (!j->depth || j->keyed)
		misuse("a close with nothing open or a key without its value");
	j->depth--;
	if (j->level[j->depth].lines && !j->level[j->depth].empty)
		fputc('\n', j->out);
	fputc(j->level[j->depth].object ? '}' : ']', j->out);
}

void json_strn(struct json *j, const char *val, size_t len)
{
	before_value(j);
	put_string(j->out, val, len);
}

void json_str(struct json *j, const char *s)
{
	if (s)
		json_strn(j, s, strlen(s));
	else
		json_null(j);
}

void json_u64(struct json *j, uint64_t n)
{
	before_value(j);
	fprintf(j->out, "%" PRIu64, n);
}

void json_i64(struct json *j, int64_t n)
{
	before_value(j);
	fprintf(j->out, "%" PRId64, n);
}

void json_int_exact(struct json *j, int64_t n)
{
	char digits[24];

	if (n >= -(int64_t)JSON_INT_EXACT_MAX && n <= (int64_t)JSON_INT_EXACT_MAX) {
		json_i64(j, n);
		return;
	}
	snprintf(digits, sizeof(digits), "%" PRId64, n);
	json_str(j, digits);
}

void json_f64(struct json *j, double v)
{
	char buf[32];

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	for (int digits = 1; digits <= 17; digits++) {
		snprintf(buf, sizeof(buf), "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	json_number(j, buf);
}

void json_fixed(struct json *j, double v, unsigned decimals)
{
	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	before_value(j);
	fprintf(j->out, "%.*f", (int)decimals, v);
}

/* The length of the JSON number at the start of s (RFC 8259 section 6:
 * -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?), 0 when none. */
static size_t number_len(const char *s)
{
	const char *p = s;
	size_t n;

	p += *p == '-';
	n = strspn(p, "0123456789");
	if (!n || (*p == '0' && n > 1))
		return 0;
	p += n;
	if (*p == '.') {
		n = strspn(++p, "0123456789");
		if (!n)
			return 0;
		p += n;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		p += *p == '+' || *p == '-';
		n = strspn(p, "0123456789");
		if (!n)
			return 0;
		p += n;
	}
	return (size_t)(p - s);
}

void json_number(struct json *j, const char *text)
{
	size_t n = number_len(text);

	if (!n || text[n])
		misuse("json_number of something that is no JSON number");
	before_value(j);
	fputs(text, j->out);
}

void json_bool(struct json *j, bool b)
{
	before_value(j);
	fputs(b ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	before_value(j);
	fputs("null", j->out);
}

void json_field_value(struct json *j, const char *val, size_t len)
{
	uint64_t n;

	if (parse_u64(val, len, &n) && (val[0] != '0' || len == 1) && n <= JSON_INT_EXACT_MAX)
		json_u64(j, n);
	else
		json_strn(j, val, len);
}

void json_end(struct json *j)
{
	if (j->depth || !j->written)
		misuse("the document ends with a container open, or empty");
	fputc('\n', j->out);
}
