/* The host tool's JSON writer (host/report/json.c): commas and line breaks
 * from the nesting, strings (UTF-8 as it is, any other byte \u00XX),
 * numbers in forms every reader takes, the record value typing rule, and
 * an abort for each misuse. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host/report/json.h"
#include "tests/unit/unit.h"

/* A document being written to memory. */
struct doc {
	struct json j;
	FILE *f;
	char *buf;
	size_t n;
};

static struct json *doc_open(struct doc *d)
{
	d->buf = NULL;
	d->f = open_memstream(&d->buf, &d->n);
	json_init(&d->j, d->f);
	return &d->j;
}

/* Checks what was written against want, then frees it. */
static void doc_check(struct doc *d, const char *want)
{
	fclose(d->f);
	CHECK_STR(d->buf, want);
	free(d->buf);
}

/* One value alone in an array: "[" want "]". */
#define CHECK_VALUE(write, want)                                             \
	do {                                                                 \
		struct doc d_;                                               \
		struct json *j = doc_open(&d_);                              \
		json_array(j, false);                                        \
		write;                                                       \
		json_close(j);                                               \
		doc_check(&d_, "[" want "]");                                \
	} while (0)

#define CHECK_STRING(val, want) CHECK_VALUE(json_strn(j, val, sizeof(val) - 1), "\"" want "\"")
#define CHECK_FIELD(val, want) CHECK_VALUE(json_field_value(j, val, sizeof(val) - 1), want)

static void test_nesting(void)
{
	struct doc d;
	struct json *j = doc_open(&d);

	json_object(j, true);
	json_u64(json_key(j, "a"), 1);
	json_array(json_key(j, "list"), false);
	json_object(j, false);
	json_close(j);
	json_array(j, false);
	json_close(j);
	json_bool(j, true);
	json_bool(j, false);
	json_null(j);
	json_str(j, NULL);
	json_object(j, false);
	json_str(json_key(j, "k"), "v");
	json_i64(json_key(j, "n"), -1);
	json_close(j);
	json_close(j);
	json_object(json_key(j, "empty"), true);
	json_close(j);
	json_array(json_key(j, "rows"), true);
	json_str(j, "x");
	json_str(j, "y");
	json_close(j);
	json_close(j);
	json_end(j);
	doc_check(&d, "{\n\"a\":1,\n\"list\":[{},[],true,false,null,null,{\"k\":\"v\",\"n\":-1}],\n"
		      "\"empty\":{},\n\"rows\":[\n\"x\",\n\"y\"\n]\n}\n");

	/* JSON_DEPTH_MAX levels open and close */
	j = doc_open(&d);
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		json_array(j, false);
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		json_close(j);
	json_end(j);
	doc_check(&d, "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]\n");
	/* a scalar is a document too; keys are escaped as strings are */
	j = doc_open(&d);
	json_object(j, false);
	json_u64(json_key(j, "caf\xc3\xa9\"\n"), 0);
	json_close(j);
	json_end(j);
	doc_check(&d, "{\"caf\xc3\xa9\\\"\\u000a\":0}\n");
}

static void test_strings(void)
{
	/* é, €, 𝄞: two, three and four bytes, as they are */
	CHECK_STRING("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e");
	/* the edges of the ranges: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF */
	CHECK_STRING("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
		     "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
	/* quote, backslash, control bytes, DEL; '/' needs no escape */
	CHECK_STRING("a\"b\\c\n\x1b\x7f/", "a\\\"b\\\\c\\u000a\\u001b\\u007f/");
	/* a NUL inside the value, and the empty string */
	CHECK_STRING("x\0y", "x\\u0000y");
	CHECK_STRING("", "");
	/* no sequence: a lone continuation byte, an overlong '/', an overlong
	 * three-byte form, a surrogate, past U+10FFFF, 0xff, a sequence cut
	 * short at the end and one cut short by ASCII */
	CHECK_STRING("\x80", "\\u0080");
	CHECK_STRING("\xc0\xaf", "\\u00c0\\u00af");
	CHECK_STRING("\xe0\x9f\xbf", "\\u00e0\\u009f\\u00bf");
	CHECK_STRING("\xed\xa0\x80", "\\u00ed\\u00a0\\u0080");
	CHECK_STRING("\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080");
	CHECK_STRING("\xff", "\\u00ff");
	CHECK_STRING("\xe2\x82", "\\u00e2\\u0082");
	CHECK_STRING("\xe2x\x82", "\\u00e2x\\u0082");
	/* Latin-1 é (a lone lead byte before ASCII), then UTF-8 é */
	CHECK_STRING("\xe9t\xc3\xa9", "\\u00e9t\xc3\xa9");
}

static void test_numbers(void)
{
	CHECK_VALUE(json_u64(j, 0), "0");
	CHECK_VALUE(json_u64(j, UINT64_MAX), "18446744073709551615");
	CHECK_VALUE(json_i64(j, INT64_MIN), "-9223372036854775808");
	/* exact in every reader up to 2^53 - 1; past it a string */
	CHECK_VALUE(json_int_exact(j, 9007199254740991), "9007199254740991");
	CHECK_VALUE(json_int_exact(j, -9007199254740991), "-9007199254740991");
	CHECK_VALUE(json_int_exact(j, 9007199254740992), "\"9007199254740992\"");
	CHECK_VALUE(json_int_exact(j, INT64_MIN), "\"-9223372036854775808\"");
	/* the shortest form that reads back */
	CHECK_VALUE(json_f64(j, 0.1), "0.1");
	CHECK_VALUE(json_f64(j, 1.0 / 3), "0.3333333333333333");
	CHECK_VALUE(json_f64(j, 0.1 + 0.2), "0.30000000000000004");
	CHECK_VALUE(json_f64(j, 4.123), "4.123");
	CHECK_VALUE(json_f64(j, 1e300), "1e+300");
	CHECK_VALUE(json_f64(j, 5e-324), "5e-324");
	CHECK_VALUE(json_f64(j, -0.0), "-0");
	CHECK_VALUE(json_f64(j, 1234567.0), "1234567");
	CHECK_VALUE(json_f64(j, NAN), "null");
	CHECK_VALUE(json_f64(j, -INFINITY), "null");
	CHECK_VALUE(json_fixed(j, 4.1234, 3), "4.123");
	CHECK_VALUE(json_fixed(j, -2.5, 0), "-2");
	CHECK_VALUE(json_fixed(j, INFINITY, 3), "null");
	CHECK_VALUE(json_number(j, "12345678901234567890.123"), "12345678901234567890.123");
	CHECK_VALUE(json_number(j, "-0.5e-3"), "-0.5e-3");
}

/* A record's value: a canonical count up to 2^53 - 1 is a number, anything
 * else the string it is. */
static void test_field_values(void)
{
	CHECK_FIELD("3", "3");
	CHECK_FIELD("0", "0");
	CHECK_FIELD("9007199254740991", "9007199254740991");
	CHECK_FIELD("9007199254740992", "\"9007199254740992\"");
	CHECK_FIELD("18446744073709551615", "\"18446744073709551615\"");
	CHECK_FIELD("18446744073709551616", "\"18446744073709551616\"");
	CHECK_FIELD("007", "\"007\"");
	CHECK_FIELD("00", "\"00\"");
	CHECK_FIELD("-2", "\"-2\"");
	CHECK_FIELD("+2", "\"+2\"");
	CHECK_FIELD("1.5", "\"1.5\"");
	CHECK_FIELD("1e3", "\"1e3\"");
	CHECK_FIELD("0x10", "\"0x10\"");
	CHECK_FIELD("12 ", "\"12 \"");
	CHECK_FIELD("", "\"\"");
	CHECK_FIELD("caf\xc3\xa9", "\"caf\xc3\xa9\"");
}

/* Whether fn, run in a child, aborts (SIGABRT). */
static bool aborts(void (*fn)(struct json *))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct json j;
		FILE *sink = fopen("/dev/null", "w");

		/* the message is expected: keep the test's output clean */
		if (!freopen("/dev/null", "w", stderr) || !sink)
			_exit(1);
		json_init(&j, sink);
		fn(&j);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	       WTERMSIG(status) == SIGABRT;
}

static void too_deep(struct json *j)
{
	for (int i = 0; i <= JSON_DEPTH_MAX; i++)
		json_array(j, false);
}

static void value_without_key(struct json *j)
{
	json_object(j, false);
	json_u64(j, 1);
}

static void key_in_array(struct json *j)
{
	json_array(j, false);
	json_key(j, "k");
}

static void two_keys(struct json *j)
{
	json_object(j, false);
	json_key(j, "a");
	json_key(j, "b");
}

static void close_after_key(struct json *j)
{
	json_object(j, false);
	json_key(j, "a");
	json_close(j);
}

static void close_nothing(struct json *j)
{
	json_close(j);
}

static void two_documents(struct json *j)
{
	json_null(j);
	json_null(j);
}

static void end_open(struct json *j)
{
	json_array(j, false);
	json_end(j);
}

static void end_empty(struct json *j)
{
	json_end(j);
}

static void not_a_number(struct json *j)
{
	json_number(j, "01");
}

static void balanced(struct json *j)
{
	json_array(j, false);
	json_close(j);
	json_end(j);
}

static void test_misuse(void)
{
	CHECK(aborts(too_deep));
	CHECK(aborts(value_without_key));
	CHECK(aborts(key_in_array));
	CHECK(aborts(two_keys));
	CHECK(aborts(close_after_key));
	CHECK(aborts(close_nothing));
	CHECK(aborts(two_documents));
	CHECK(aborts(end_open));
	CHECK(aborts(end_empty));
	CHECK(aborts(not_a_number));
	CHECK(!aborts(balanced));
}

int main(void)
{
	test_nesting();
	test_strings();
	test_numbers();
	test_field_values();
	test_misuse();
	return unit_done("json");
}
