/* Config parser: a table of settings drives parsing, validation, defaults and
 * the `config` record alike, so a new key is one table row. */
#include "lib/config.h"
#include "lib/events.h"
#include "lib/fmt.h"
#include "lib/libc.h"
#include "lib/suites.h"

/* HEX: a UINT shown in hex; OPT: a UINT or "off"; LIST: comma-separated
 * names, a bit each; STR: text checked by the key's own function. */
enum cfg_type { CFG_BOOL, CFG_UINT, CFG_HEX, CFG_OPT, CFG_ENUM, CFG_LIST, CFG_STR };

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;			/* of the u32 in struct config */
	u32 def;
	u32 min, max;			/* CFG_UINT, CFG_HEX */
	const char *const *names;	/* CFG_ENUM, CFG_LIST: NULL-terminated */
	bool (*check)(const char *val, char *detail, size_t dlen);	/* CFG_STR */
	const char *def_str;		/* CFG_STR */
};

/* The name tables, from config.h's lists (in their order, NULL-terminated). */
#define NAME(id, name) name,
static const char *const exit_names[] = { EXIT_LIST(NAME) NULL };
static const char *const fault_names[] = { INJECT_LIST(NAME) NULL };
static const char *const inject_at_names[] = { INJECT_AT_LIST(NAME) NULL };
static const char *const suite_names[] = { SUITE_LIST(NAME) NULL };
static const char *const sample_src_names[] = { SAMPLE_SRC_LIST(NAME) NULL };
static const char *const ring_names[] = { RING_LIST(NAME) NULL };
static const char *const skip_names[] = { SKIP_LIST(NAME) NULL };
#undef NAME

/* lesson=: none, or a lesson's number; lesson N is value N. */
#define LESSON_NUMBER(n, name) #n,
static const char *const lesson_names[] = { "none", LESSON_LIST(LESSON_NUMBER) NULL };
#undef LESSON_NUMBER
#define LESSON_IN_ORDER(n, name) \
	_Static_assert(LESSON_SLOT_##n == n - 1, "LESSON_LIST: lessons 1, 2, ... in order");
LESSON_LIST(LESSON_IN_ORDER)
#undef LESSON_IN_ORDER

#define LESSON_NAME(n, name) #name,
static const char *const lesson_docs[] = { LESSON_LIST(LESSON_NAME) };
#undef LESSON_NAME

/* perf stat's default hardware events, then the cache events: more than
 * most PMUs count at once, so the default run shows multiplexing too. */
#define EVENTS_DEFAULT "cycles,instructions,ref-cycles,branches,branch-misses," \
	"cache-references,cache-misses,L1-dcache-loads,L1-dcache-load-misses"

/* Every name in a comma-separated event list must be one events.c knows. */
static bool check_events(const char *val, char *detail, size_t dlen)
{
	const char *p = val;

	while (*p) {
		const char *e = p, *why;

		while (*e && *e != ',')
			e++;
		why = e > p ? event_check_name(p, e - p) : "empty-name";
		if (why) {
			size_t n = fmt_snprintf(detail, dlen, "%s: ", why);

			if (n + (e - p) < dlen) {
				memcpy(detail + n, p, e - p);
				detail[n + (e - p)] = '\0';
			}
			return false;
		}
		p = *e ? e + 1 : e;
	}
	if (!val[0])
		fmt_snprintf(detail, dlen, "expected event names, e.g. cycles,instructions");
	return val[0] != '\0';
}

/* Comma-separated function-name globs: letters, digits, '_', '.', '*', '?'. */
static bool glob_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '*' || c == '?' || c == ',';
}

static bool check_globs(const char *val, char *detail, size_t dlen)
{
	for (const char *p = val; *p; p++) {
		if (glob_char(*p))
			continue;
		fmt_snprintf(detail, dlen, "expected function-name globs (a-z 0-9 _ . * ? ,), "
			     "not '%c'", *p);
		return false;
	}
	if (!val[0])
		fmt_snprintf(detail, dlen, "expected function-name globs, e.g. tr_*");
	return val[0] != '\0';
}

#define OFF(field) offsetof(struct config, field)

#define NUM(n, t, f, d, lo, hi) \
	{ .name = n, .type = t, .offset = OFF(f), .def = d, .min = lo, .max = hi }
#define NAMES(n, t, f, d, list) \
	{ .name = n, .type = t, .offset = OFF(f), .def = d, .names = list }

static const struct cfg_key cfg_keys[] = {
	NUM("serial", CFG_BOOL, serial, 1, 0, 1),
	NUM("serial_port", CFG_HEX, serial_port, 0x3f8, 0x100, 0xfff8),
	NUM("results", CFG_BOOL, results, 1, 0, 1),
	NAMES("exit", CFG_ENUM, exit, EXIT_AUTO, exit_names),
	NUM("exit_wait", CFG_UINT, exit_wait, 30, 0, 3600),
	NAMES("inject_fault", CFG_ENUM, inject_fault, 0, fault_names),
	NAMES("suite", CFG_LIST, suite, SUITE_PMU_CHECK | SUITE_QUICK, suite_names),
	{ .name = "benches", .type = CFG_STR, .offset = OFF(benches),
	  .check = suite_check_benches, .def_str = "none" },
	{ .name = "events", .type = CFG_STR, .offset = OFF(events),
	  .check = check_events, .def_str = EVENTS_DEFAULT },
	NUM("seed", CFG_UINT, seed, 1, 1, 0xffffffffu),
	NAMES("skip", CFG_LIST, skip, 0, skip_names),
	{ .name = "ftrace_filter", .type = CFG_STR, .offset = OFF(ftrace_filter),
	  .check = check_globs, .def_str = "tr_*" },
	{ .name = "ftrace_notrace", .type = CFG_STR, .offset = OFF(ftrace_notrace),
	  .check = check_globs, .def_str = "none" },
	NAMES("ftrace_ring", CFG_ENUM, ftrace_ring, RING_OVERWRITE, ring_names),
	NUM("icount_shift", CFG_OPT, icount_shift, CONFIG_OFF, 0, 10),
	NAMES("sample_src", CFG_ENUM, sample_src, 0, sample_src_names),
	/* Below 1000 the handler (about 600 instructions) would be most of
	 * what is sampled; above 2^31-1 a legacy IA32_PMCx write cannot
	 * preset -period (bits 31:0 are sign-extended). */
	NUM("sample_period", CFG_UINT, sample_period, 50000, 1000, 0x7fffffff),
	NUM("sample_random", CFG_BOOL, sample_random, 0, 0, 1),
	NUM("explain", CFG_BOOL, explain, 0, 0, 1),
	NAMES("lesson", CFG_ENUM, lesson, 0, lesson_names),
	NAMES("inject_at", CFG_ENUM, inject_at, INJECT_AT_INJECT, inject_at_names),
};

static u32 *u32_field(struct config *c, const struct cfg_key *k)
{
	return (u32 *)((char *)c + k->offset);
}

static char *str_field(struct config *c, const struct cfg_key *k)
{
	return (char *)c + k->offset;
}

static void set_str(struct config *c, const struct cfg_key *k, const char *val)
{
	size_t n = strlen(val);

	if (n >= CONFIG_STR_MAX)
		n = CONFIG_STR_MAX - 1;
	memcpy(str_field(c, k), val, n);
	str_field(c, k)[n] = '\0';
}

void config_defaults(struct config *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(cfg_keys); i++) {
		if (cfg_keys[i].type == CFG_STR)
			set_str(c, &cfg_keys[i], cfg_keys[i].def_str);
		else
			*u32_field(c, &cfg_keys[i]) = cfg_keys[i].def;
	}
}

static bool parse_uint(const char *s, u32 *out)
{
	u64 v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		v = v * base + d;
		if (v > 0xffffffffu)
			return false;
	}
	*out = (u32)v;
	return true;
}

/* "a,b": the bits of names a and b; "none": no bit. */
static bool parse_list(const struct cfg_key *k, const char *val, u32 *out,
		       char *detail, size_t dlen)
{
	const char *p = val;
	size_t n;

	*out = 0;
	if (!strcmp(val, "none"))
		return true;
	while (*p) {
		const char *e = p;
		u32 i;

		while (*e && *e != ',')
			e++;
		for (i = 0; k->names[i]; i++)
			if (strlen(k->names[i]) == (size_t)(e - p) && !memcmp(p, k->names[i], e - p))
				break;
		if (!k->names[i])
			break;
		*out |= BIT(i);
		p = *e ? e + 1 : e;
	}
	if (*out && !*p && p[-1] != ',')
		return true;
	n = fmt_snprintf(detail, dlen, "expected none or a comma-separated list of ");
	for (u32 i = 0; k->names[i]; i++)
		n += fmt_snprintf(detail + n, dlen - n, "%s%s", i ? "|" : "", k->names[i]);
	return false;
}

static bool parse_value(const struct cfg_key *k, const char *val, u32 *out,
			char *detail, size_t dlen)
{
	static const char *const bool_true[] = { "on", "1", "yes", "true", NULL };
	static const char *const bool_false[] = { "off", "0", "no", "false", NULL };
	size_t n = 0;

	switch (k->type) {
	case CFG_BOOL:
		for (int i = 0; bool_true[i]; i++) {
			if (!strcmp(val, bool_true[i]))
				return *out = 1, true;
			if (!strcmp(val, bool_false[i]))
				return *out = 0, true;
		}
		fmt_snprintf(detail, dlen, "expected on or off");
		return false;
	case CFG_OPT:
		if (!strcmp(val, "off"))
			return *out = CONFIG_OFF, true;
		/* fall through */
	case CFG_UINT:
	case CFG_HEX:
		if (parse_uint(val, out) && *out >= k->min && *out <= k->max)
			return true;
		fmt_snprintf(detail, dlen, k->type == CFG_HEX ? "expected 0x%x..0x%x" :
			     k->type == CFG_OPT ? "expected off or %u..%u" : "expected %u..%u",
			     k->min, k->max);
		return false;
	case CFG_LIST:
		return parse_list(k, val, out, detail, dlen);
	case CFG_STR:
		if (strlen(val) >= CONFIG_STR_MAX) {
			fmt_snprintf(detail, dlen, "longer than %u bytes", CONFIG_STR_MAX - 1);
			return false;
		}
		return k->check(val, detail, dlen);
	case CFG_ENUM:
		for (u32 i = 0; k->names[i]; i++)
			if (!strcmp(val, k->names[i]))
				return *out = i, true;
		n = fmt_snprintf(detail, dlen, "expected one of ");
		for (u32 i = 0; k->names[i]; i++)
			n += fmt_snprintf(detail + n, dlen - n, "%s%s", i ? "|" : "",
					  k->names[i]);
		return false;
	}
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks at both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

static unsigned parse_line(struct config *c, unsigned lineno, const char *s,
			   const char *e, bool *seen, config_error_fn err, void *ctx)
{
	/* A whole line of CONFIG_LINE_MAX bytes and its NUL fit either. */
	char key[CONFIG_LINE_MAX + 1], val[CONFIG_LINE_MAX + 1], detail[128] = "";
	const char *eq, *hash;
	const struct cfg_key *k = NULL;
	u32 v = 0;

	if ((size_t)(e - s) > CONFIG_LINE_MAX) {
		err(ctx, lineno, "", "line-too-long", "");
		return 1;
	}
	for (const char *p = s; p < e; p++) {
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			err(ctx, lineno, "", "bad-bytes", "control character");
			return 1;
		}
	}
	/* A comment runs from '#' at the line start or after a blank. */
	for (hash = s; hash < e; hash++)
		if (*hash == '#' && (hash == s || is_blank(hash[-1])))
			break;
	e = hash;
	trim(&s, &e);
	if (s == e)
		return 0;

	for (eq = s; eq < e && *eq != '='; eq++)
		;
	if (eq == e) {
		memcpy(key, s, e - s);
		key[e - s] = '\0';
		err(ctx, lineno, key, "missing-equals", "expected key=value");
		return 1;
	}
	const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
	trim(&ks, &ke);
	trim(&vs, &ve);
	memcpy(key, ks, ke - ks);
	key[ke - ks] = '\0';
	memcpy(val, vs, ve - vs);
	val[ve - vs] = '\0';
	if (!key[0]) {
		err(ctx, lineno, "", "empty-key", "");
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(cfg_keys); i++)
		if (!strcmp(key, cfg_keys[i].name))
			k = &cfg_keys[i];
	if (!k) {
		err(ctx, lineno, key, "unknown-key", "");
		return 1;
	}
	if (!parse_value(k, val, &v, detail, sizeof(detail))) {
		err(ctx, lineno, key, "bad-value", detail);
		return 1;
	}
	if (k->type == CFG_STR)
		set_str(c, k, val);
	else
		*u32_field(c, k) = v;
	if (seen[k - cfg_keys]) {
		err(ctx, lineno, key, "duplicate-key", "this later value applies");
		return 1;
	}
	seen[k - cfg_keys] = true;
	return 0;
}

unsigned config_parse(struct config *c, const char *text, size_t len,
		      config_error_fn err, void *ctx)
{
	bool seen[ARRAY_SIZE(cfg_keys)] = { false };
	const char *p = text, *end = text + len;
	unsigned errors = 0, lineno = 0;

	/* Windows editors start UTF-8 files with a byte-order mark. */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const char *nl = p, *e;

		while (nl < end && *nl != '\n')
			nl++;
		e = nl;
		if (e > p && e[-1] == '\r')
			e--;
		errors += parse_line(c, ++lineno, p, e, seen, err, ctx);
		p = nl < end ? nl + 1 : end;
	}
	return errors;
}

void config_foreach(const struct config *c, config_value_fn fn, void *ctx)
{
	char buf[CONFIG_STR_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(cfg_keys); i++) {
		const struct cfg_key *k = &cfg_keys[i];
		u32 v = *u32_field((struct config *)c, k);
		size_t n = 0;

		switch (k->type) {
		case CFG_OPT:
			if (v == CONFIG_OFF) {
				fn(ctx, k->name, "off");
				break;
			}
			fmt_snprintf(buf, sizeof(buf), "%u", v);
			fn(ctx, k->name, buf);
			break;
		case CFG_LIST:
			buf[0] = '\0';
			for (u32 b = 0; k->names[b]; b++)
				if (v & BIT(b))
					n += fmt_snprintf(buf + n, sizeof(buf) - n, "%s%s",
							  n ? "," : "", k->names[b]);
			fn(ctx, k->name, n ? buf : "none");
			break;
		case CFG_STR:
			fn(ctx, k->name, str_field((struct config *)c, k));
			break;
		case CFG_BOOL:
			fn(ctx, k->name, v ? "on" : "off");
			break;
		case CFG_UINT:
		case CFG_HEX:
			fmt_snprintf(buf, sizeof(buf), k->type == CFG_HEX ? "0x%x" : "%u", v);
			fn(ctx, k->name, buf);
			break;
		case CFG_ENUM:
			fn(ctx, k->name, k->names[v]);
			break;
		}
	}
}

const char *config_lesson_name(unsigned n)
{
	return lesson_docs[n - 1];
}
