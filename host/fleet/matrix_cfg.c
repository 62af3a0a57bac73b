/* The matrix file: [name] opens a configuration, key = value lines fill it,
 * # starts a comment. Keys: accel (tcg, kvm), cpu (a QEMU CPU model), flags
 * (QEMU CPU properties after it: pmu=off), suite (the payload's suite=),
 * set (a payload setting, key=value; repeatable), icount (TCG's shift),
 * timeout (seconds). Every bad line is reported, with its number. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/cli.h"
#include "host/fleet/matrix.h"

#define LINE_MAX_LEN	1024
#define ICOUNT_MAX	10	/* QEMU's -icount shift */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool name_ok(const char *s)
{
	if (!*s || strlen(s) >= MATRIX_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static bool number(const char *v, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno || n > max)
		return false;
	*out = (unsigned)n;
	return true;
}

/* One key = value of c; NULL, or what is wrong. */
static const char *set_key(struct matrix_cfg *c, const char *key, const char *val)
{
	if (strlen(val) >= MATRIX_VAL_MAX)
		return "value too long";
	if (strchr(val, ' '))
		return "a value holds no space";
	if (!strcmp(key, "accel")) {
		if (strcmp(val, "tcg") && strcmp(val, "kvm"))
			return "accel is tcg or kvm";
		c->kvm = !strcmp(val, "kvm");
	} else if (!strcmp(key, "cpu")) {
		if (!*val || strchr(val, ','))
			return "cpu is one QEMU CPU model name (properties go in flags)";
		strcpy(c->cpu, val);
	} else if (!strcmp(key, "flags")) {
		strcpy(c->flags, val);
	} else if (!strcmp(key, "suite")) {
		strcpy(c->suite, val);
	} else if (!strcmp(key, "set")) {
		if (!strchr(val, '=') || val[0] == '=')
			return "set takes key=value";
		if (!strncmp(val, "suite=", 6))
			return "the suite has its own key, suite";
		if (c->nsets == MATRIX_SETS_MAX)
			return "too many set lines";
		strcpy(c->sets[c->nsets++], val);
	} else if (!strcmp(key, "icount")) {
		if (!number(val, ICOUNT_MAX, &c->icount))
			return "icount is a shift, 0..10";
	} else if (!strcmp(key, "timeout")) {
		if (!number(val, 24 * 3600, &c->timeout) || !c->timeout)
			return "timeout is whole seconds, 1..86400";
	} else {
		return "unknown key (accel, cpu, flags, suite, set, icount, timeout)";
	}
	return NULL;
}

static void bad(const char *path, unsigned line, const char *what, const char *detail)
{
	fprintf(stderr, "%s: matrix: %s:%u: %s%s%s\n", pmulab_progname, path, line, what,
		detail ? ": " : "", detail ? detail : "");
}

/* The last checks of a configuration, once its lines are read. */
static bool finish(const char *path, struct matrix_cfg *c)
{
	if (!c->kvm && !strcmp(c->cpu, "host")) {
		bad(path, c->line, "cpu host needs accel = kvm", c->name);
		return false;
	}
	if (!c->cpu[0])
		strcpy(c->cpu, c->kvm ? "host" : "Skylake-Client");
	return true;
}

int matrix_parse(const char *path, struct matrix_cfg *cfg)
{
	FILE *f = fopen(path, "r");
	char buf[LINE_MAX_LEN];
	unsigned lineno = 0;
	int n = 0;
	bool ok = true;

	if (!f) {
		fprintf(stderr, "%s: matrix: %s: %s\n", pmulab_progname, path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *s, *eq, *hash;
		const char *why;

		lineno++;
		if (!strchr(buf, '\n') && !feof(f)) {
			bad(path, lineno, "line too long", NULL);
			fclose(f);
			return -1;
		}
		if ((hash = strchr(buf, '#')))
			*hash = '\0';
		s = trim(buf);
		if (!*s)
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (n && !finish(path, &cfg[n - 1]))
				ok = false;
			if (!end || end[1]) {
				bad(path, lineno, "a section is [name]", s);
				ok = false;
				continue;
			}
			*end = '\0';
			s = trim(s + 1);
			if (!name_ok(s)) {
				bad(path, lineno, "a name is letters, digits, _ . -", s);
				ok = false;
				continue;
			}
			for (int i = 0; i < n; i++)
				if (!strcmp(cfg[i].name, s)) {
					bad(path, lineno, "a second configuration of this name", s);
					ok = false;
				}
			if (n == MATRIX_MAX) {
				bad(path, lineno, "more configurations than a matrix runs", NULL);
				fclose(f);
				return -1;
			}
			cfg[n] = (struct matrix_cfg){ .line = lineno, .icount = 5 };
			strcpy(cfg[n++].name, s);
			continue;
		}
		if (!(eq = strchr(s, '='))) {
			bad(path, lineno, "not key = value", s);
			ok = false;
			continue;
		}
		*eq = '\0';
		if (!n) {
			bad(path, lineno, "a key before the first [name]", trim(s));
			ok = false;
			continue;
		}
		if ((why = set_key(&cfg[n - 1], trim(s), trim(eq + 1)))) {
			bad(path, lineno, why, trim(s));
			ok = false;
		}
	}
	fclose(f);
	if (n && !finish(path, &cfg[n - 1]))
		ok = false;
	if (ok && !n) {
		fprintf(stderr, "%s: matrix: %s: no configuration ([name] lines)\n",
			pmulab_progname, path);
		return -1;
	}
	return ok ? n : -1;
}
