/* JSON strings as every host JSON output writes them (report_json_str):
 * well-formed UTF-8 passed through, anything else a visible \u00XX. */
#include <stdlib.h>
#include <string.h>
#include "host/report/fields.h"
#include "tests/unit/unit.h"

static char *json_of(const char *val, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	report_json_str(f, val, len);
	fclose(f);
	return buf;
}

#define CHECK_JSON(val, want)                                                \
	do {                                                                 \
		char *j_ = json_of(val, sizeof(val) - 1);                    \
		CHECK_STR(j_, want);                                         \
		free(j_);                                                    \
	} while (0)

int main(void)
{
	/* é, €, 𝄞: two, three and four bytes, as they are */
	CHECK_JSON("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"");
	/* quote, backslash, control bytes, DEL */
	CHECK_JSON("a\"b\\c\n\x1b\x7f", "\"a\\\"b\\\\c\\u000a\\u001b\\u007f\"");
	/* a NUL inside the value */
	CHECK_JSON("x\0y", "\"x\\u0000y\"");
	/* no sequence: a lone continuation byte, an overlong '/', a surrogate,
	 * past U+10FFFF, a sequence cut short at the end */
	CHECK_JSON("\x80", "\"\\u0080\"");
	CHECK_JSON("\xc0\xaf", "\"\\u00c0\\u00af\"");
	CHECK_JSON("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");
	CHECK_JSON("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"");
	CHECK_JSON("\xe2\x82", "\"\\u00e2\\u0082\"");
	/* Latin-1 é (a lone lead byte before ASCII) */
	CHECK_JSON("\xe9t\xc3\xa9", "\"\\u00e9t\xc3\xa9\"");
	return unit_done("json_str");
}
