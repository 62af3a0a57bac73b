/* The parity tables printed as the docs hold them, and judged against a
 * run's check records (parity_run.h). */
#include <string.h>
#include "host/parity/parity_run.h"

const struct parity_table *const parity_tables[PARITY_TABLES] = {
	&parity_pmu, &parity_lbr, &parity_debug,
};

static const char *const state_names[] = {
	[PARITY_NA] = "n/a", [PARITY_NOT_RUN] = "not run", [PARITY_SKIP] = "skip",
	[PARITY_PASS] = "pass", [PARITY_FAIL] = "FAIL",
};

const struct parity_table *parity_find(const char *source)
{
	for (unsigned i = 0; i < PARITY_TABLES; i++)
		if (!strcmp(parity_tables[i]->source, source))
			return parity_tables[i];
	return NULL;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

const char *parity_row_problem(const struct parity_row *r)
{
	if (empty(r->kut))
		return "no kvm-unit-tests test named";
	if (empty(r->property))
		return "no property";
	if (!empty(r->check) && !empty(r->why))
		return "both a check and a why";
	if (empty(r->check) && empty(r->why))
		return "neither a check nor a why";
	if (empty(r->check) && !empty(r->unit))
		return "a unit test but no check";
	if (!empty(r->check) && empty(r->unit))
		return "a check no unit test is seen to fail";
	return NULL;
}

/* A table cell: '|' would end it and a line end the row. */
static void cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else
			fputc(*s == '\n' ? ' ' : *s, out);
	}
}

void parity_markdown(FILE *out, const struct parity_table *t)
{
	fputs("| kvm-unit-tests | property | pmulab check | seen failing in |\n"
	      "|---|---|---|---|\n", out);
	for (unsigned i = 0; i < t->n; i++) {
		const struct parity_row *r = &t->rows[i];

		fputs("| ", out);
		cell(out, r->kut);
		fputs(" | ", out);
		cell(out, r->property);
		fputs(" | ", out);
		if (empty(r->check)) {
			fputs("n/a: ", out);
			cell(out, r->why);
		} else {
			fputc('`', out);
			cell(out, r->check);
			fputc('`', out);
		}
		fputs(" | ", out);
		cell(out, empty(r->unit) ? "-" : r->unit);
		fputs(" |\n", out);
	}
}

/* s is ".SECTION" then nothing or ".N": the suffix the check layer adds. */
static bool section_suffix(const char *s, const char *section)
{
	size_t n = section ? strlen(section) : 0;

	if (*s != '.' || !n || strncmp(s + 1, section, n))
		return false;
	s += 1 + n;
	if (!*s)
		return true;
	if (*s++ != '.' || !*s)
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

bool parity_matches(const char *pattern, const char *name, const char *section)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return !strncmp(name, pattern, n - 1);
	return !strncmp(name, pattern, n) && (!name[n] || section_suffix(name + n, section));
}

void parity_judge(const struct parity_row *r, const struct stream *s, struct parity_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (empty(r->check)) {
		v->state = PARITY_NA;
		return;
	}
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const char *name = record_get(rec, "name"), *result = record_get(rec, "result");

		if (strcmp(rec->type, "check") || !name || !result ||
		    !parity_matches(r->check, name, record_get(rec, "section")))
			continue;
		if (!strcmp(result, "pass")) {
			v->pass++;
		} else if (!strcmp(result, "skip")) {
			if (!v->skip++)
				v->reason = record_get(rec, "reason");
		} else if (!v->fail++) {
			v->failed = name;
		}
	}
	v->state = v->fail ? PARITY_FAIL : v->pass ? PARITY_PASS
		 : v->skip ? PARITY_SKIP : PARITY_NOT_RUN;
}

bool parity_in_run(const struct stream *s)
{
	struct parity_verdict v;

	for (unsigned t = 0; t < PARITY_TABLES; t++)
		for (unsigned i = 0; i < parity_tables[t]->n; i++) {
			parity_judge(&parity_tables[t]->rows[i], s, &v);
			if (v.state > PARITY_NOT_RUN)
				return true;
		}
	return false;
}

static void print_row(FILE *out, const struct parity_row *r, const struct parity_verdict *v)
{
	fprintf(out, "  %-7s %s", state_names[v->state], r->kut);
	switch (v->state) {
	case PARITY_NA:
		fprintf(out, ": %s\n", r->why);
		return;
	case PARITY_NOT_RUN:
		fprintf(out, ": %s not in this run\n", r->check);
		return;
	case PARITY_SKIP:
		fprintf(out, ": %s skipped (%s)\n", r->check, v->reason ? v->reason : "no reason");
		return;
	case PARITY_PASS:
		fprintf(out, ": %s, %u pass", r->check, v->pass);
		break;
	case PARITY_FAIL:
		fprintf(out, ": %s, %u fail (%s), %u pass", r->check, v->fail, v->failed, v->pass);
		break;
	}
	if (v->skip)
		fprintf(out, ", %u skip (%s)", v->skip, v->reason ? v->reason : "no reason");
	fputc('\n', out);
}

bool parity_print_table(FILE *out, const struct parity_table *t, const struct stream *s)
{
	struct parity_verdict v;
	bool failed = false;

	fprintf(out, "kvm-unit-tests %s (%s): %u rows\n", t->source, t->doc, t->n);
	for (unsigned i = 0; i < t->n; i++) {
		parity_judge(&t->rows[i], s, &v);
		print_row(out, &t->rows[i], &v);
		failed |= v.state == PARITY_FAIL;
	}
	return failed;
}

void parity_count(FILE *out, const struct parity_table *t, const struct stream *s)
{
	struct parity_verdict v;
	unsigned n[PARITY_FAIL + 1] = { 0 };

	for (unsigned i = 0; i < t->n; i++) {
		parity_judge(&t->rows[i], s, &v);
		n[v.state]++;
	}
	fprintf(out, "  %-14s %u pass, %u fail, %u skip, %u not run, %u n/a\n", t->source,
		n[PARITY_PASS], n[PARITY_FAIL], n[PARITY_SKIP], n[PARITY_NOT_RUN], n[PARITY_NA]);
}

void parity_summary(FILE *out, const struct stream *s)
{
	fputs("parity    kvm-unit-tests checks (pmulab parity RUN lists them)\n", out);
	for (unsigned t = 0; t < PARITY_TABLES; t++)
		parity_count(out, parity_tables[t], s);
}
