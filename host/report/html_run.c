/* The html report's result sections: the check tally and failures, the
 * suite tables (the text report's, glance.c), a sampled run's profile (the histogram and the flame graph of
 * pmulab flamegraph inline) and a traced run's function traces as ftrace
 * prints them, and the checks in full. */
#include <stdlib.h>
#include <string.h>
#include "host/profile/flamegraph.h"
#include "host/profile/profile.h"
#include "host/report/glance.h"
#include "host/report/html_run.h"
#include "host/report/trace.h"

/* Types shown by these sections, or too many to list a row each: the other
 * records table counts them instead. */
static const char *const collapsed[] = { "sample", "trace_fn", "trace_graph",
					 "trace_profile", "lbr_branch", NULL };

bool html_collapsed(const char *type)
{
	return report_listed(type, collapsed);
}

/* The text written to t, as HTML text for a <pre>: its line ends kept. */
static void put_escaped(FILE *out, struct memtext *t)
{
	fclose(t->f);
	for (size_t i = 0, n; i < t->len; i += n + 1) {
		const char *nl = memchr(t->buf + i, '\n', t->len - i);

		n = nl ? (size_t)(nl - (t->buf + i)) : t->len - i;
		html_text(out, t->buf + i, n);
		if (nl)
			fputc('\n', out);
	}
	free(t->buf);
}

static void html_field(FILE *out, const struct field *f)
{
	if (f)
		html_text(out, field_val(f), f->len);
	else
		fputc('?', out);
}

static void suite_table(FILE *out, const struct stat_view *v, const char *suite)
{
	struct glance_col *cols = calloc(v->nctrs + 1, sizeof(*cols));
	size_t ncols = glance_columns(v, suite, cols);
	char buf[64];

	fputs("<h3>suite ", out);
	html_text(out, suite[0] ? suite : "?", suite[0] ? strlen(suite) : 1);
	fputs("</h3>\n<table class=\"suite\">\n<tr><th>bench</th>", out);
	for (size_t c = 0; c < ncols; c++) {
		fputs("<th>", out);
		html_field(out, cols[c].event);
		fputs("</th>", out);
	}
	fputs("</tr>\n", out);
	for (size_t b = 0; b < v->nblocks; b++) {
		const struct stat_block *k = &v->blocks[b];

		if (!glance_in_suite(k, suite))
			continue;
		fputs("<tr><td>", out);
		html_field(out, k->name);
		fputs("</td>", out);
		for (size_t c = 0; c < ncols; c++) {
			glance_cell(buf, sizeof(buf), k, &cols[c]);
			fputs("<td class=\"n\">", out);
			html_text(out, buf, strlen(buf));
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	free(cols);
}

void html_results(FILE *out, const struct stream *s)
{
	struct stat_view v;
	struct memtext t;
	const char **suites;
	size_t n;

	stat_view_init(&v, s);
	if (!v.nblocks) {
		stat_view_free(&v);
		return;
	}
	suites = calloc(v.nblocks, sizeof(*suites));
	n = glance_suites(&v, suites);
	fputs("<h2 id=\"results\">Results</h2>\n<p class=\"note\">Counts per iteration; the "
	      "letter is the source: p pmu, i icount, m model, f perf, v valgrind. The "
	      "events nothing counted are below the tables.</p>\n", out);
	for (size_t i = 0; i < n; i++)
		suite_table(out, &v, suites[i]);
	fputs("<pre class=\"note\">", out);
	glance_not_counted(memtext_open(&t), &v);
	put_escaped(out, &t);
	fputs("</pre>\n", out);
	free(suites);
	stat_view_free(&v);
}

void html_profile(FILE *out, const struct stream *s)
{
	const char **runs;
	size_t n = profile_runs(s, &runs);
	bool open = false;

	for (size_t i = 0; i < n; i++) {
		size_t bad = 0;
		struct profile *p = profile_from_stream(s, runs[i], stderr, &bad);
		struct flame_opts fo = { .title = runs[i] };
		struct memtext t;
		const char *svg;

		if (!p->total) {
			profile_free(p);
			continue;
		}
		if (!open)
			fputs("<h2 id=\"profile\">Profile</h2>\n", out);
		open = true;
		fputs("<pre class=\"profile\">", out);
		profile_run_text(memtext_open(&t), s, runs[i], p);
		put_escaped(out, &t);
		fputs("</pre>\n<div class=\"flame\">\n", out);
		/* flame_svg's own document, from its <svg tag on: one page,
		 * one XML declaration fewer. */
		flame_svg(memtext_open(&t), p, &fo);
		fclose(t.f);
		svg = strstr(t.buf, "<svg");
		fputs(svg ? svg : "", out);
		free(t.buf);
		fputs("</div>\n", out);
		profile_free(p);
	}
	free(runs);
}

void html_trace(FILE *out, const struct stream *s)
{
	struct memtext t;

	if (!stream_find(s, "trace"))
		return;
	fputs("<h2 id=\"trace\">Trace</h2>\n<pre class=\"trace\">", out);
	trace_ftrace(memtext_open(&t), s);
	put_escaped(out, &t);
	fputs("</pre>\n", out);
}

static void check_row(FILE *out, const struct record *rec)
{
	static const char *const tags[] = { "PASS", "FAIL", "SKIP", "????" };
	static const char *const cls[] = { "pass", "fail", "skip", "unknown" };
	static const char *const in_tag[] = { "result", "name", NULL };
	const struct field *name = record_field(rec, "name");
	size_t r = report_check_result(rec);

	fprintf(out, "<tr><td class=\"%s\">%s</td><td class=\"v\">", cls[r], tags[r]);
	if (name)
		html_value(out, field_val(name), name->len);
	else
		fputc('?', out);
	fputs("</td><td class=\"v\">", out);
	/* An unknown result stays in the details: the tag does not say it. */
	html_fields(out, rec, r < 3 ? in_tag : in_tag + 1);
	fputs("</td></tr>\n", out);
}

void html_failures(FILE *out, const struct stream *s)
{
	bool open = false;

	if (!report_check_tally(out, s, "<p class=\"tally\"><a href=\"#checks\">checks</a> "))
		return;
	fputs("</p>\n", out);
	for (size_t i = 0; i < s->nrecs; i++) {
		if (strcmp(s->recs[i].type, "check") || report_check_result(&s->recs[i]) != 1)
			continue;
		if (!open)
			fputs("<table class=\"checks\">\n", out);
		open = true;
		check_row(out, &s->recs[i]);
	}
	if (open)
		fputs("</table>\n", out);
}

void html_checks(FILE *out, const struct stream *s)
{
	if (!report_check_tally(out, s, "<h2 id=\"checks\">Checks</h2>\n<p>"))
		return;
	fputs("</p>\n<table class=\"checks\">\n"
	      "<tr><th>result</th><th>name</th><th>details</th></tr>\n", out);
	for (size_t i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].type, "check") == 0)
			check_row(out, &s->recs[i]);
	fputs("</table>\n", out);
}
