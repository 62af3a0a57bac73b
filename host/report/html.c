/* The html report: one page, inline CSS and SVG, nothing fetched from
 * anywhere, so it can be mailed or archived as one file. Results lead (the
 * checks' tally, the suite tables, plots, profile, trace: html_run.c); the
 * capabilities and configuration come last. Every byte a record carries goes through
 * html_value(): the text report's form of the value, HTML-escaped. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "host/report/fields.h"
#include "host/report/html.h"
#include "host/report/html_run.h"
#include "host/report/plot.h"
#include "host/report/stat.h"

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;color:#222;background:#fff;"
	"max-width:1100px;margin:1.5em auto;padding:0 1em}\n"
	"h1{font-size:1.5em}\n"
	"h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\n"
	"h3{font-size:1em;margin:1.4em 0 .3em}\n"
	"table{border-collapse:collapse;margin:.3em 0}\n"
	"th,td{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#f4f4f4;font-weight:600}\n"
	"td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"td.v,p.fields,td.n{font-family:ui-monospace,Menlo,Consolas,monospace}\n"
	"p.fields{margin:.2em 0;color:#444;word-break:break-all}\n"
	".pass{background:#2e7d32;color:#fff}\n"
	".fail{background:#c62828;color:#fff}\n"
	".skip{background:#f9a825;color:#000}\n"
	".unknown{background:#9e9e9e;color:#fff}\n"
	"td.pass,td.fail,td.skip,td.unknown{font-weight:bold;text-align:center}\n"
	".ok{color:#2e7d32;font-weight:bold}\n"
	".bad{color:#c62828;font-weight:bold}\n"
	".note{color:#555;font-style:italic}\n"
	"figure.plot{margin:1em 0}\n"
	"figure.plot svg{display:block;width:100%;max-width:900px;height:auto}\n"
	"pre{white-space:pre-wrap;font-size:.9em}\n"
	"div.flame svg{display:block;width:100%;height:auto}\n"
	"footer{margin-top:3em;color:#777;font-size:.9em}\n";

/* Capability records: a key/value table each. */
static const char *const caps[] = { "hello", "config", "cpu", "pmu", "lbr", "debug", NULL };
/* Types with a place of their own; the rest are listed as other records. */
static const char *const own[] = { "bench", "counter", "check", "error", "end", NULL };

static void html_str(FILE *out, const char *s)
{
	html_text(out, s, strlen(s));
}

/* The page shows values in the text report's forms: written as text into
 * memory, then put on the page as HTML text. */
static void put_captured(FILE *out, struct memtext *t)
{
	fclose(t->f);
	html_text(out, t->buf, t->len);
	free(t->buf);
}

/* ------------------------------------------------------------ summary ---- */

static void kv_row(FILE *out, const char *key, const char *cls, const char *val)
{
	fprintf(out, "<tr><th>%s</th><td%s%s%s>", key, cls ? " class=\"" : "",
		cls ? cls : "", cls ? "\"" : "");
	html_str(out, val);
	fputs("</td></tr>\n", out);
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* "N records, complete" or "INCOMPLETE: why, why". */
static void stream_row(FILE *out, const struct stream *s)
{
	const char *sep = ": ";

	fprintf(out, "<tr><th>stream</th><td class=\"%s\">%zu record%s, %s",
		s->complete ? "ok" : "bad", s->nrecs, plural(s->nrecs),
		s->complete ? "complete" : "INCOMPLETE");
	if (s->nlost) {
		fprintf(out, "%s%" PRIu64 " lost", sep, s->nlost);
		sep = ", ";
	}
	if (!s->has_hello) {
		fprintf(out, "%sno hello at seq 0", sep);
		sep = ", ";
	}
	if (!s->has_end)
		fprintf(out, "%sno end record", sep);
	else if (!s->end_count_ok)
		fprintf(out, "%send count does not match its seq %" PRIu64, sep, s->end_seq);
	fputs("</td></tr>\n", out);
}

/* The lost seqs as ranges: "5, 9-12". */
static void lost_row(FILE *out, const struct stream *s)
{
	fputs("<tr><th>lost</th><td class=\"v\">", out);
	for (size_t i = 0; i < s->nmissing;) {
		size_t j = i;
		while (j + 1 < s->nmissing && s->missing[j + 1] == s->missing[j] + 1)
			j++;
		fprintf(out, "%s%" PRIu64, i ? ", " : "", s->missing[i]);
		if (j > i)
			fprintf(out, "-%" PRIu64, s->missing[j]);
		i = j + 1;
	}
	if (s->nlost > s->nmissing)
		fprintf(out, " and %" PRIu64 " more", s->nlost - s->nmissing);
	fputs("</td></tr>\n", out);
}

static void repeats_row(FILE *out, const struct stream *s)
{
	const char *sep = "";

	fputs("<tr><th>repeats</th><td>", out);
	if (s->duplicates) {
		fprintf(out, "%zu duplicate%s dropped", s->duplicates, plural(s->duplicates));
		sep = ", ";
	}
	if (s->conflicts) {
		fprintf(out, "%s%zu conflict%s (the first kept)", sep, s->conflicts,
			plural(s->conflicts));
		sep = ", ";
	}
	if (s->reordered)
		fprintf(out, "%s%zu out of order", sep, s->reordered);
	fputs("</td></tr>\n", out);
}

static void put_summary(FILE *out, const struct stream *s, const struct report_meta *m)
{
	static const char *const verdicts[] = { "ok", "ERROR", "", "PARTIAL" };
	const struct record *end = NULL;
	int code = stream_exit_code(s);
	char secs[64];

	fputs("<table class=\"summary\">\n", out);
	if (m && m->source)
		kv_row(out, "source", "v", m->source);
	if (m && m->mode)
		kv_row(out, "mode", "v", m->mode);
	if (m && m->out_dir)
		kv_row(out, "output", "v", m->out_dir);
	if (m && isfinite(m->boot_to_end_s) && m->boot_to_end_s >= 0) {
		snprintf(secs, sizeof(secs), "%.2f s boot to end", m->boot_to_end_s);
		kv_row(out, "time", NULL, secs);
	}
	stream_row(out, s);
	if (s->nmissing || s->nlost)
		lost_row(out, s);
	for (size_t i = 0; i < s->nrejects; i++) {
		const struct reject *rj = &s->rejects[i];
		fprintf(out, "<tr><th>rejected</th><td class=\"v\">line %zu: ", rj->lineno);
		html_str(out, rj->reason);
		if (rj->seq_hint >= 0)
			fprintf(out, ", seq %" PRId64, rj->seq_hint);
		fputs(": ", out);
		html_str(out, rj->excerpt);
		fputs("</td></tr>\n", out);
	}
	if (s->rejected > s->nrejects)
		fprintf(out, "<tr><th>rejected</th><td class=\"v\">%" PRIu64
			" more lines, not listed</td></tr>\n", s->rejected - s->nrejects);
	if (s->duplicates || s->conflicts || s->reordered)
		repeats_row(out, s);
	for (size_t i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].type, "end") == 0)
			end = &s->recs[i];
	fputs("<tr><th>end</th><td class=\"v\">", out);
	if (end)
		html_fields(out, end, NULL);
	else
		fputs("none: the stream stops before its end record", out);
	fputs("</td></tr>\n", out);
	kv_row(out, "result", code == 0 ? "ok" : "bad", verdicts[code]);
	fputs("</table>\n", out);
}

/* ------------------------------------------------------------ records ---- */

static void put_errors(FILE *out, const struct stream *s)
{
	bool open = false;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		if (strcmp(rec->type, "error") != 0)
			continue;
		if (!open)
			fputs("<h2 id=\"errors\">Errors</h2>\n<table>\n"
			      "<tr><th>seq</th><th>error</th></tr>\n", out);
		open = true;
		fprintf(out, "<tr><td class=\"n\">%" PRIu64 "</td><td class=\"v fail\">",
			rec->seq);
		html_fields(out, rec, NULL);
		fputs("</td></tr>\n", out);
	}
	if (open)
		fputs("</table>\n", out);
}

static void put_kv_table(FILE *out, const struct record *rec)
{
	fputs("<h3>", out);
	html_str(out, rec->type);
	fprintf(out, " <span class=\"note\">seq %" PRIu64 "</span></h3>\n<table>\n", rec->seq);
	for (size_t i = 0; i < rec->nfields; i++) {
		fputs("<tr><th>", out);
		html_str(out, field_key(&rec->fields[i]));
		fputs("</th><td class=\"v\">", out);
		html_value(out, field_val(&rec->fields[i]), rec->fields[i].len);
		fputs("</td></tr>\n", out);
	}
	if (!rec->nfields)
		fputs("<tr><td class=\"note\">no fields</td></tr>\n", out);
	fputs("</table>\n", out);
}

/* hello, cpu, pmu, ... as key/value tables, in stream order. */
static void put_caps(FILE *out, const struct stream *s)
{
	bool open = false;

	for (size_t i = 0; i < s->nrecs; i++) {
		if (!report_listed(s->recs[i].type, caps))
			continue;
		if (!open)
			fputs("<h2 id=\"capabilities\">Capabilities</h2>\n", out);
		open = true;
		put_kv_table(out, &s->recs[i]);
	}
}

/* Records of types without a place of their own (later payloads add
 * some), so nothing the stream holds is left out. */
static void put_others(FILE *out, const struct stream *s)
{
	bool open = false;
	size_t folded = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		if (report_listed(rec->type, caps) || report_listed(rec->type, own))
			continue;
		if (html_collapsed(rec->type)) {
			folded++;
			continue;
		}
		if (!open)
			fputs("<h2 id=\"other\">Other records</h2>\n<table>\n"
			      "<tr><th>seq</th><th>type</th><th>fields</th></tr>\n", out);
		open = true;
		fprintf(out, "<tr><td class=\"n\">%" PRIu64 "</td><td>", rec->seq);
		html_str(out, rec->type);
		fputs("</td><td class=\"v\">", out);
		html_fields(out, rec, NULL);
		fputs("</td></tr>\n", out);
	}
	if (open)
		fputs("</table>\n", out);
	if (folded)
		fprintf(out, "<p class=\"note\">%zu sample and trace record%s, shown above as "
			"the profile and the trace, are not listed a row each: pmulab report RUN "
			"--format records lists them.</p>\n", folded, plural(folded));
}

/* ------------------------------------------------------------- benches ---- */

/* A count cell: grouped digits, else the value as received, else empty. */
static void count_cell(FILE *out, const struct record *rec, const char *key)
{
	const struct field *f = record_field(rec, key);
	uint64_t v;

	fputs("<td class=\"n\">", out);
	if (record_u64(rec, key, &v))
		stat_grouped(out, v);
	else if (f)
		html_value(out, field_val(f), f->len);
	fputs("</td>", out);
}

static void value_cell(FILE *out, const struct stat_ctr *c)
{
	struct memtext t;

	fputs("<td class=\"n\">", out);
	stat_value(memtext_open(&t), c);
	put_captured(out, &t);
	fputs("</td>", out);
}

/* Where the count came from; the counter has a column of its own. */
static void source_cell(FILE *out, const struct stat_ctr *c)
{
	const struct field *reason = record_field(c->rec, "reason");

	fputs("<td class=\"v\">", out);
	if (c->src)
		html_value(out, field_val(c->src), c->src->len);
	else
		fputs("no src", out);
	if (field_is(c->src, "none") && reason) {
		fputs(": ", out);
		html_value(out, field_val(reason), reason->len);
	}
	if (stat_counted(c) && field_is(c->src, "icount"))
		fputs(" (exact)", out);
	fputs("</td>", out);
}

static void text_cell(FILE *out, const struct record *rec, const char *key)
{
	const struct field *f = record_field(rec, key);

	fputs("<td class=\"v\">", out);
	if (f)
		html_value(out, field_val(f), f->len);
	fputs("</td>", out);
}

static void counter_row(FILE *out, const struct stat_block *b, const struct stat_ctr *c)
{
	const struct stat_metric *m;
	double x;

	fputs("<tr><td class=\"v\">", out);
	if (c->event)
		html_value(out, field_val(c->event), c->event->len);
	else
		fputs("(no event)", out);
	fputs("</td>", out);
	value_cell(out, c);
	source_cell(out, c);
	text_cell(out, c->rec, "counter");
	count_cell(out, c->rec, "min");
	count_cell(out, c->rec, "median");
	count_cell(out, c->rec, "max");
	count_cell(out, c->rec, "runs");
	/* % of the enabled time the event really counted; empty when unknown. */
	fputs("<td class=\"n\">", out);
	if (stat_running(c, &x))
		fprintf(out, "%.2f%%", x);
	fputs("</td><td>", out);
	m = stat_metric(b, c, &x);
	if (m)
		fprintf(out, m->pct ? "%.2f%% %s" : "%.2f %s", x, m->unit);
	fputs("</td></tr>\n", out);
}

static void put_block(FILE *out, const struct stat_block *b)
{
	struct memtext title;

	fputs("<h3>", out);
	stat_title(memtext_open(&title), b);
	put_captured(out, &title);
	fputs("</h3>\n", out);
	if (b->bench) {
		fputs("<p class=\"fields\">", out);
		html_fields(out, b->bench, NULL);
		fputs("</p>\n", out);
	}
	if (!b->nctrs) {
		fputs("<p class=\"note\">(no counter records)</p>\n", out);
		return;
	}
	fputs("<table class=\"bench\">\n<tr><th>event</th><th>value</th>"
	      "<th>source</th><th>counter</th><th>min</th><th>median</th>"
	      "<th>max</th><th>runs</th><th>running</th><th>metric</th></tr>\n", out);
	for (size_t i = 0; i < b->nctrs; i++)
		counter_row(out, b, &b->ctrs[i]);
	fputs("</table>\n", out);
}

/* The blocks of the text report's perf stat tables, in its order. */
static void put_benches(FILE *out, const struct stream *s)
{
	struct stat_view v;

	stat_view_init(&v, s);
	if (v.nblocks)
		fputs("<h2 id=\"benches\">Benches</h2>\n", out);
	for (size_t b = 0; b < v.nblocks; b++)
		put_block(out, &v.blocks[b]);
	stat_view_free(&v);
}

/* --------------------------------------------------------------- plots ---- */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

int html_svg(FILE *out, const char *svg, const char *prefix)
{
	/* Where gnuplot's SVG names an id or refers to one. */
	static const char *const marks[] = {
		" id='", " id=\"", "href='#", "href=\"#", "url(#", NULL,
	};
	const char *p = strstr(svg, "<svg");

	if (!p)
		return -1;
	while (*p) {
		const char *const *m = marks;
		while (*m && strncmp(p, *m, strlen(*m)) != 0)
			m++;
		if (!*m) {
			fputc(*p++, out);
			continue;
		}
		fprintf(out, "%s%s-", *m, prefix);
		p += strlen(*m);
	}
	return 0;
}

static void put_plot(FILE *out, const struct plot_file *pf)
{
	char *svg;

	if (!pf->wanted)
		return;
	fprintf(out, "<h3>%s</h3>\n", pf->name);
	if (!pf->drawable) {
		fprintf(out, "<p class=\"note\">No %s plot: none of the family=%s benches "
			"has the values it needs.</p>\n", pf->name, pf->name);
		return;
	}
	svg = pf->drawn ? read_all(pf->image) : NULL;
	if (svg && strstr(svg, "<svg")) {
		fputs("<figure class=\"plot\">\n", out);
		html_svg(out, svg, pf->name);
		fputs("</figure>\n", out);
	} else {
		fprintf(out, "<p class=\"note\">No %s plot: gnuplot did not draw it "
			"(its messages went to stderr).</p>\n", pf->name);
	}
	free(svg);
}

static void remove_plots(const char *dir, const struct plot_file *files)
{
	for (int k = 0; k < PLOT_KINDS; k++) {
		const char *paths[] = { files[k].dat, files[k].gp, files[k].image };
		for (size_t j = 0; j < 3; j++)
			if (paths[j][0])
				unlink(paths[j]);
	}
	rmdir(dir);
}

/* The plots of pmulab plot, drawn into a temporary directory and inlined;
 * nothing when the stream has no chase or branch bench. */
static void put_plots(FILE *out, const struct stream *s)
{
	struct plot_file files[PLOT_KINDS];
	const char *gnuplot, *tmp = getenv("TMPDIR");
	char dir[4096];

	if (!plot_has_benches(s))
		return;
	fputs("<h2 id=\"plots\">Plots</h2>\n", out);
	if (!(gnuplot = plot_gnuplot())) {
		fputs("<p class=\"note\">No plots: ", out);
		html_str(out, plot_gnuplot_missing());
		fputs(".</p>\n", out);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/pmulab-html-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "pmulab: html report: cannot make a directory for the "
			"plots: %s: %s\n", dir, strerror(errno));
		fputs("<p class=\"note\">No plots: no temporary directory to draw them "
		      "in.</p>\n", out);
		return;
	}
	plot_write(s, dir, "svg", gnuplot, "pmulab: html report", files);
	for (int k = 0; k < PLOT_KINDS; k++)
		put_plot(out, &files[k]);
	remove_plots(dir, files);
}

void html_report(FILE *out, const struct stream *s, const struct report_meta *meta)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>pmulab report", out);
	if (meta && meta->source) {
		fputs(": ", out);
		html_str(out, meta->source);
	}
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>pmulab report</h1>\n", css);
	/* Results first: what a reader came for; how the machine and the
	 * payload were set up last. */
	put_summary(out, s, meta);
	html_failures(out, s);
	put_errors(out, s);
	html_results(out, s);
	put_plots(out, s);
	html_profile(out, s);
	html_trace(out, s);
	html_checks(out, s);
	put_benches(out, s);
	put_caps(out, s);
	put_others(out, s);
	fputs("<footer>pmulab " PMULAB_VERSION "</footer>\n</body>\n</html>\n", out);
}
