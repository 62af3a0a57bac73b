/* Config parser: a table of settings drives parsing, validation, defaults and
 * the `config` record alike, so a new key is one table row. */
#include "config.h"
#include "fmt.h"
#include "libc.h"

enum cfg_type { CFG_BOOL, CFG_UINT, CFG_HEX, CFG_ENUM };	/* HEX: a UINT shown in hex */

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;			/* of the u32 in struct config */
	u32 def;
	u32 min, max;			/* CFG_UINT, CFG_HEX */
	const char *const *names;	/* CFG_ENUM, NULL-terminated */
};

static const char *const exit_names[] = {
	"auto", "qemu", "shutdown", "reboot", "return", NULL,
};
/* In enum inject_fault order (selftest.h). */
static const char *const fault_names[] = {
	"none", "ud", "gp", "de", "pf", "bp", NULL,
};

#define OFF(field) offsetof(struct config, field)

static const struct cfg_key cfg_keys[] = {
	{ "serial", CFG_BOOL, OFF(serial), 1, 0, 1, NULL },
	{ "serial_port", CFG_HEX, OFF(serial_port), 0x3f8, 0x100, 0xfff8, NULL },
	{ "results", CFG_BOOL, OFF(results), 1, 0, 1, NULL },
	{ "exit", CFG_ENUM, OFF(exit), EXIT_AUTO, 0, 0, exit_names },
	{ "exit_wait", CFG_UINT, OFF(exit_wait), 30, 0, 3600, NULL },
	{ "inject_fault", CFG_ENUM, OFF(inject_fault), 0, 0, 0, fault_names },
};

static u32 *field(struct config *c, const struct cfg_key *k)
{
	return (u32 *)((char *)c + k->offset);
}

void config_defaults(struct config *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(cfg_keys); i++)
		*field(c, &cfg_keys[i]) = cfg_keys[i].def;
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
	case CFG_UINT:
	case CFG_HEX:
		if (parse_uint(val, out) && *out >= k->min && *out <= k->max)
			return true;
		fmt_snprintf(detail, dlen, k->type == CFG_HEX ? "expected 0x%x..0x%x" :
				"expected %u..%u", k->min, k->max);
		return false;
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
	char key[CONFIG_LINE_MAX], val[CONFIG_LINE_MAX], detail[128] = "";
	const char *eq, *hash;
	const struct cfg_key *k = NULL;
	u32 v;

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
	*field(c, k) = v;
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
	char buf[16];

	for (size_t i = 0; i < ARRAY_SIZE(cfg_keys); i++) {
		const struct cfg_key *k = &cfg_keys[i];
		u32 v = *field((struct config *)c, k);

		switch (k->type) {
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
