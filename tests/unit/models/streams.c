/* Streams for the report tests (streams.h). */
#include <stdlib.h>
#include "lib/record.h"
#include "tests/unit/models/streams.h"

static char wire[65536];
static size_t wire_len;

/* The payload's lines as a serial capture holds them: CR LF after each. */
static void sink(const char *line, size_t len, void *ctx)
{
	if (wire_len + len + 2 > sizeof(wire))
		return;
	memcpy(wire + wire_len, line, len);
	memcpy(wire + wire_len + len, "\r\n", 2);
	wire_len += len + 2;
}

void streams_init(void)
{
	rec_set_sink(sink, NULL);
}

void emit(const char *body)
{
	char copy[1024], *save, *tok;
	struct rec r;

	snprintf(copy, sizeof(copy), "%s", body);
	rec_begin(&r, strtok_r(copy, " ", &save));
	while ((tok = strtok_r(NULL, " ", &save))) {
		char *eq = strchr(tok, '=');
		*eq = '\0';
		rec_str(&r, tok, eq + 1);
	}
	rec_end(&r);
}

struct stream *streams_parse(const char *const *bodies)
{
	struct parser *p = parser_new(NULL, NULL);

	for (; *bodies; bodies++)
		emit(*bodies);
	parser_feed(p, wire, wire_len);
	wire_len = 0;
	return parser_finish(p);
}

char *render(void (*fn)(FILE *, const struct stream *), const struct stream *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, s);
	fclose(f);
	return buf;
}
