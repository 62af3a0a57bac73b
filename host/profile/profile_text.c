/* Profiles other tools write, read into the folded model (profile.h):
 * folded stack lines, and perf script's default text of samples with
 * callchains, which the Linux side (perf record -g, --call-graph lbr) gives.
 * perf script prints a sample as a header line, then one line per frame,
 * innermost first, then a blank line (tools/perf/builtin-script.c,
 * Documentation/perf-script.txt):
 *
 *   bench 4242/4242 [001] 12.345678:     250000 cycles:u:
 *   \t    55d0c0de1149 hot+0x19 (/opt/demo/bench)
 *   \t    55d0c0de1180 main+0x20 (/opt/demo/bench)
 *
 * Without callchains the frame follows the event on the header line. */
#include <stdlib.h>
#include <string.h>
#include "host/profile/profile.h"

/* A line of text, without its line end. */
struct line {
	const char *s;
	size_t len, no;
};

static bool next_line(const char *text, size_t len, size_t *at, struct line *l)
{
	const char *nl;

	if (*at >= len)
		return false;
	l->s = text + *at;
	nl = memchr(l->s, '\n', len - *at);
	l->len = nl ? (size_t)(nl - l->s) : len - *at;
	*at += l->len + 1;
	l->no++;
	if (l->len && l->s[l->len - 1] == '\r')
		l->len--;
	return true;
}

static struct profile *fail(struct profile *p, char *err, size_t errlen, size_t no,
			    const char *why)
{
	if (no)
		snprintf(err, errlen, "line %zu: %s", no, why);
	else
		snprintf(err, errlen, "%s", why);
	profile_free(p);
	return NULL;
}

struct profile *profile_from_folded(const char *text, size_t len, char *err, size_t errlen)
{
	struct profile *p = profile_new();
	char **frames = NULL, *copy = NULL, why[160];
	struct line l = { 0 };
	bool failed = false;
	size_t at = 0;

	while (!failed && next_line(text, len, &at, &l)) {
		const char *sp;
		uint64_t count;
		size_t depth = 0;
		const char *bad;

		if (!l.len)
			continue;
		sp = memrchr(l.s, ' ', l.len);
		if (!sp || !parse_u64(sp + 1, l.s + l.len - sp - 1, &count)) {
			snprintf(why, sizeof(why), "no sample count after the stack (\"a;b;c N\")");
			failed = true;
			continue;
		}
		if (memchr(l.s, '\0', l.len)) {
			snprintf(why, sizeof(why), "a NUL byte in the stack");
			failed = true;
			continue;
		}
		free(copy);
		copy = strndup(l.s, sp - l.s);
		frames = realloc(frames, (sp - l.s + 2) * sizeof(*frames));
		for (char *f = copy, *semi;; f = semi + 1) {
			frames[depth++] = f;
			if (!(semi = strchr(f, ';')))
				break;
			*semi = '\0';
		}
		bad = count ? profile_add(p, (const char *const *)frames, depth, count) : NULL;
		if (bad) {
			snprintf(why, sizeof(why), "%s", bad);
			failed = true;
		}
	}
	free(copy);
	free(frames);
	if (failed)
		return fail(p, err, errlen, l.no, why);
	if (!p->total)
		return fail(p, err, errlen, 0, "no samples");
	profile_finish(p);
	return p;
}

/* ------------------------------------------------------- perf script ---- */

struct chain {
	char **f;		/* innermost first */
	size_t n, cap;
};

static void chain_clear(struct chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->f[i]);
	c->n = 0;
}

/* "\t<hex ip> <sym>[+0x<off>] (<dso>)" from s (leading blanks skipped),
 * folded as stackcollapse-perf folds it: the offset dropped, an unknown
 * symbol named by its object ("[libc.so.6]"). NULL or why not a frame. */
static const char *push_frame(struct chain *c, const char *s, size_t len)
{
	size_t i = 0, h, end = len, keep;
	const char *open = NULL, *why;
	char *name;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	for (h = i; h < len && strchr("0123456789abcdefABCDEF", s[h]); h++)
		;
	if (h == i || h == len || (s[h] != ' ' && s[h] != '\t'))
		return "a frame line without an address (\"\\t<hex ip> <symbol> (<object>)\")";
	for (i = h; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (end > i && s[end - 1] == ')')
		for (size_t k = end - 1; k-- > i;)
			if (s[k] == '(' && k > i && s[k - 1] == ' ') {
				open = s + k;
				end = k - 1;
				break;
			}
	keep = profile_strip_offset(s + i, end - i);
	if (keep == 9 && !memcmp(s + i, "[unknown]", 9) && open &&
	    !(s + len - open == 11 && !memcmp(open, "([unknown])", 11))) {
		const char *dso = open + 1, *dend = s + len - 1, *slash;
		while ((slash = memchr(dso, '/', dend - dso)))
			dso = slash + 1;
		if (asprintf(&name, "[%.*s]", (int)(dend - dso), dso) < 0)
			abort();
	} else {
		name = strndup(s + i, keep);
	}
	why = *name ? profile_frame_check(name, strlen(name)) : "an empty frame";
	if (why) {
		free(name);
		return why;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->f = realloc(c->f, c->cap * sizeof(*c->f));
		if (!c->f)
			abort();
	}
	c->f[c->n++] = name;
	return NULL;
}

/* Ends a sample: its chain becomes one stack. */
static const char *end_sample(struct profile *p, struct chain *c)
{
	const char **frames;
	const char *why;

	if (!c->n)
		return "a sample without frames (perf script needs its default fields, or -F "
		       "ip,sym)";
	frames = xcalloc(c->n, sizeof(*frames));
	for (size_t i = 0; i < c->n; i++)
		frames[i] = c->f[c->n - 1 - i];
	why = profile_add(p, frames, c->n, 1);
	free(frames);
	chain_clear(c);
	return why;
}

/* A header line: "comm pid[/tid] [cpu] time: [period] event:" and, when
 * perf recorded no callchain, the frame after the event. */
static const char *header(struct chain *c, const char *s, size_t len)
{
	const char *colon = NULL;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len && s[len - 1] == ':')
		return NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == ':' && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			colon = s + i;
	if (!colon)
		return "neither a sample header (\"comm pid time: event:\") nor a frame line";
	return push_frame(c, colon + 1, s + len - colon - 1);
}

struct profile *profile_from_perf_script(const char *text, size_t len, char *err,
					 size_t errlen)
{
	struct profile *p = profile_new();
	struct chain c = { 0 };
	struct line l = { 0 };
	const char *why = NULL;
	bool in = false, whole = false;
	size_t at = 0, start = 0;

	while (!why && next_line(text, len, &at, &l)) {
		bool frame = l.len && (l.s[0] == ' ' || l.s[0] == '\t');

		if (memchr(l.s, '\0', l.len)) {
			why = "a NUL byte";
		} else if (frame) {
			why = in ? push_frame(&c, l.s, l.len) :
				   "a frame line outside a sample (no header line before it)";
		} else {
			/* A blank line ends a sample; so does the next header. */
			if (in && (why = end_sample(p, &c))) {
				whole = true;
				break;
			}
			in = false;
			if (l.len && l.s[0] != '#') {
				why = header(&c, l.s, l.len);
				start = l.no;
				in = true;
			}
		}
	}
	/* A sample's own problem is named at its header line. */
	if (!why && in)
		whole = (why = end_sample(p, &c)) != NULL;
	chain_clear(&c);
	free(c.f);
	if (why)
		return fail(p, err, errlen, whole ? start : l.no, why);
	if (!p->total)
		return fail(p, err, errlen, 0, "no samples");
	profile_finish(p);
	return p;
}
