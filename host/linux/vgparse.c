/* Valgrind profile parsing (vgparse.h). The formats are callgrind's and
 * cachegrind's "events:/fn=/cost line" text (valgrind docs, "Callgrind
 * Format Specification"). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/linux/vgparse.h"

#define LINE_MAX_VG 8192

static bool number(const char **p, uint64_t *v)
{
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p < '0' || **p > '9')
		return false;
	*v = strtoull(*p, &end, 10);
	*p = end;
	return true;
}

long vg_callgrind_regions(FILE *f, struct vg_region **out, char *err, size_t errlen)
{
	static const char trigger[] = "desc: Trigger: Client Request: " VG_LABEL " ";
	char line[LINE_MAX_VG];
	struct vg_region cur, *v = NULL;
	bool ours = false;
	size_t n = 0, cap = 0, lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		const char *p;
		uint64_t b, r;

		lineno++;
		if (!strncmp(line, "part:", 5)) {
			ours = false;
		} else if (!strncmp(line, trigger, sizeof(trigger) - 1)) {
			p = line + sizeof(trigger) - 1;
			if (!number(&p, &b) || !number(&p, &r) || !number(&p, &cur.n))
				goto bad;
			cur.bench = (unsigned)b;
			cur.run = (unsigned)r;
			ours = true;
		} else if (ours && !strncmp(line, "totals:", 7)) {
			p = line + 7;
			if (!number(&p, &cur.ir))
				goto bad;
			if (n == cap) {
				struct vg_region *nv;

				cap = cap ? 2 * cap : 64;
				nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					snprintf(err, errlen, "out of memory");
					free(v);
					return -1;
				}
				v = nv;
			}
			v[n++] = cur;
			ours = false;
		}
	}
	*out = v;
	return (long)n;
bad:
	snprintf(err, errlen, "line %zu: malformed callgrind line: %.60s", lineno, line);
	free(v);
	return -1;
}

int vg_cachegrind_sum(FILE *f, bool (*want)(const char *fn, void *ctx), void *ctx,
		      struct vg_costs *c, char *err, size_t errlen)
{
	char line[LINE_MAX_VG];
	bool in = false;
	size_t lineno = 0;

	memset(c, 0, sizeof(*c));
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		uint64_t v;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "events:", 7)) {
			char *tok, *save = NULL;

			for (tok = strtok_r(line + 7, " ", &save); tok && c->n < VG_EVENTS_MAX;
			     tok = strtok_r(NULL, " ", &save))
				snprintf(c->name[c->n++], VG_EVENT_NAME, "%s", tok);
		} else if (!strncmp(line, "fn=", 3)) {
			in = want(line + 3, ctx);
			c->fns += in;
		} else if (in && line[0] >= '0' && line[0] <= '9') {
			/* "<line> <count>...": counts left out at the end are 0. */
			if (!c->n || !number(&p, &v))
				goto bad;
			for (unsigned i = 0; i < c->n && number(&p, &v); i++)
				c->val[i] += v;
			if (*p)
				goto bad;
		} else if (line[0] >= '0' && line[0] <= '9' && !c->n) {
			goto bad;
		}
	}
	if (!c->n) {
		snprintf(err, errlen, "no events: line: not a cachegrind profile");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "line %zu: malformed cachegrind line: %.60s", lineno, line);
	return -1;
}

bool vg_cost(const struct vg_costs *c, const char *name, uint64_t *v)
{
	for (unsigned i = 0; i < c->n; i++) {
		if (!strcmp(c->name[i], name)) {
			*v = c->val[i];
			return true;
		}
	}
	return false;
}
