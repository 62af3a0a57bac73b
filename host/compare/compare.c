/* pmulab compare: two runs side by side (pair.c pairs and judges; this file
 * reads the inputs and renders the rows). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host/cli.h"
#include "host/boot/esp.h"
#include "host/compare/pair.h"
#include "host/profile/profile_share.h"
#include "host/report/fields.h"
#include "host/report/json.h"
#include "host/stream/load.h"

#define EXIT_DIFFER 4

const char usage_compare[] =
	"usage: pmulab compare A B [--tolerance FILE] [--format text|csv|json|html] [--all]\n"
	"\n"
	"Puts two runs side by side: A and B are run directories or records files\n"
	"(pmulab run, pmulab linux, an imported stick run). Benches pair by name,\n"
	"counters by event (each side's best source: icount or valgrind, then pmu\n"
	"or perf, then model), probe records by target. Each row gets a verdict:\n"
	"  match    equal\n"
	"  within   a hardware count (pmu, perf) within the event's tolerance, or\n"
	"           exact sources within a tolerance the file lists with a reason\n"
	"  DIFFER   exact sources (icount, valgrind, model) that are not equal, or\n"
	"           a difference beyond the tolerance\n"
	"  n/a      nothing to compare: a side has no value (src=none: its reason)\n"
	"           or the bench measures the method itself (method=single)\n"
	"When both runs hold a profile (sample records, profile.folded, perf.script:\n"
	"pmulab linux --profile), each function with >= 5% of either side's samples\n"
	"gets a row too: its two shares, within the `share profile` tolerance\n"
	"(percentage points) or DIFFER; the text output then lists both profiles'\n"
	"top functions.\n"
	"\n"
	"  --tolerance FILE  per-event tolerances (default $PMULAB_TOLERANCES, else\n"
	"                    tolerances.txt beside this program; host/compare/tolerances.txt)\n"
	"  --format F        text (default), csv, json or html\n"
	"  --all             the text lists the n/a rows too (else only counted)\n"
	"\n"
	"exit codes:\n"
	"  0  every paired row agrees\n"
	"  1  error: an input or the tolerance file could not be read\n"
	"  2  usage: a bad command line\n"
	"  3  partial: an input is incomplete (lost records, no end), or no row\n"
	"     could be compared\n"
	"  4  disagreement: at least one row is DIFFER (named on stderr)\n";

enum cmp_format { CMP_TEXT, CMP_CSV, CMP_JSON, CMP_HTML };

static void value(FILE *out, const struct cmp_row *r, bool b)
{
	if (b ? r->has_b : r->has_a)
		fprintf(out, "%lld", (long long)(b ? r->b : r->a));
	else
		fputs("-", out);
}

static void pct(char *buf, size_t len, const struct cmp_row *r)
{
	if (!r->has_a || !r->has_b)
		snprintf(buf, len, "-");
	else if (isinf(r->pct))
		snprintf(buf, len, "inf");
	else
		snprintf(buf, len, "%.3f%%", r->pct);
}

/* all: every row; else the n/a ones only counted, with how to list them. */
static void text(FILE *out, const struct cmp_result *res, const char *pa, const char *pb,
		 bool all)
{
	fprintf(out, "A: %s\nB: %s\n\n", pa, pb);
	fprintf(out, "%-22s %-26s %14s %-9s %14s %-9s %12s %10s  %s\n", "bench", "event", "A",
		"src", "B", "src", "diff", "%", "verdict");
	for (size_t i = 0; i < res->n; i++) {
		const struct cmp_row *r = &res->rows[i];
		char a[24], b[24], p[24], d[32];

		if (r->verdict == CMP_NA && !all)
			continue;
		snprintf(a, sizeof(a), "%lld", (long long)r->a);
		snprintf(b, sizeof(b), "%lld", (long long)r->b);
		snprintf(d, sizeof(d), "%+.0f", r->diff);
		pct(p, sizeof(p), r);
		fprintf(out, "%-22s %-26s %14s %-9s %14s %-9s %12s %10s  %s", r->bench, r->event,
			r->has_a ? a : "-", r->src_a ? r->src_a : "-", r->has_b ? b : "-",
			r->src_b ? r->src_b : "-", r->has_a && r->has_b ? d : "-", p,
			cmp_verdict_name(r->verdict));
		if (r->probe)
			fprintf(out, " (cost ratio A %s, B %s)", r->ratio_a, r->ratio_b);
		if (r->verdict == CMP_WITHIN)
			fprintf(out, " (tolerance %g%%: %s)", r->tol_pct, r->why);
		else if (r->verdict != CMP_MATCH && r->why)
			fprintf(out, " (%s)", r->why);
		fputc('\n', out);
	}
	fprintf(out, "\n%zu rows: %zu match, %zu within, %zu DIFFER, %zu n/a", res->n,
		res->counts[CMP_MATCH], res->counts[CMP_WITHIN], res->counts[CMP_DIFFER],
		res->counts[CMP_NA]);
	fprintf(out, "; benches only in A: %zu, only in B: %zu\n", res->only_a, res->only_b);
	if (res->counts[CMP_NA] && !all)
		fprintf(out, "%zu n/a row%s not shown: nothing to compare (--all lists them)\n",
			res->counts[CMP_NA], res->counts[CMP_NA] == 1 ? "" : "s");
}

static void csv(FILE *out, const struct cmp_result *res)
{
	fputs("bench,event,a,src_a,b,src_b,diff,pct,verdict,tolerance_pct,reason,ratio_a,"
	      "ratio_b\n", out);
	for (size_t i = 0; i < res->n; i++) {
		const struct cmp_row *r = &res->rows[i];
		char p[24];

		pct(p, sizeof(p), r);
		report_csv_cell(out, r->bench, strlen(r->bench));
		fputc(',', out);
		report_csv_cell(out, r->event, strlen(r->event));
		fputc(',', out);
		value(out, r, false);
		fprintf(out, ",%s,", r->src_a ? r->src_a : "");
		value(out, r, true);
		fprintf(out, ",%s,", r->src_b ? r->src_b : "");
		if (r->has_a && r->has_b)
			fprintf(out, "%.0f", r->diff);
		fprintf(out, ",%s,%s,", p, cmp_verdict_name(r->verdict));
		if (r->tol_pct >= 0)
			fprintf(out, "%g", r->tol_pct);
		fputc(',', out);
		if (r->why)
			report_csv_cell(out, r->why, strlen(r->why));
		fprintf(out, ",%s,%s\n", r->ratio_a ? r->ratio_a : "", r->ratio_b ? r->ratio_b : "");
	}
}

/* b - a, exact as json_int_exact writes it; a difference past int64 (a and
 * b of opposite signs near its ends) as a string of the double's digits. */
static void json_diff(struct json *j, const struct cmp_row *r)
{
	char digits[32];
	int64_t d;

	if (!__builtin_sub_overflow(r->b, r->a, &d)) {
		json_int_exact(j, d);
		return;
	}
	snprintf(digits, sizeof(digits), "%.0f", r->diff);
	json_str(j, digits);
}

/* Counts as numbers, exact in every reader (json_int_exact); a side
 * without a value, or a pct against 0, as null. */
static void json(FILE *out, const struct cmp_result *res, const char *pa, const char *pb)
{
	static const char *const verdict_keys[] = {
		[CMP_MATCH] = "match", [CMP_WITHIN] = "within", [CMP_DIFFER] = "differ",
		[CMP_NA] = "na",
	};
	struct json j;

	json_init(&j, out);
	json_object(&j, true);
	json_u64(json_key(&j, "schema"), JSON_SCHEMA);
	json_str(json_key(&j, "a"), pa);
	json_str(json_key(&j, "b"), pb);
	json_object(json_key(&j, "counts"), false);
	for (size_t v = 0; v < sizeof(verdict_keys) / sizeof(verdict_keys[0]); v++)
		json_u64(json_key(&j, verdict_keys[v]), res->counts[v]);
	json_close(&j);
	json_u64(json_key(&j, "only_a"), res->only_a);
	json_u64(json_key(&j, "only_b"), res->only_b);
	json_array(json_key(&j, "rows"), true);
	for (size_t i = 0; i < res->n; i++) {
		const struct cmp_row *r = &res->rows[i];

		json_object(&j, false);
		json_str(json_key(&j, "kind"), r->probe ? "probe" : "counter");
		json_str(json_key(&j, "bench"), r->bench);
		json_str(json_key(&j, "event"), r->event);
		if (r->has_a)
			json_int_exact(json_key(&j, "a"), r->a);
		else
			json_null(json_key(&j, "a"));
		json_str(json_key(&j, "src_a"), r->src_a);
		if (r->has_b)
			json_int_exact(json_key(&j, "b"), r->b);
		else
			json_null(json_key(&j, "b"));
		json_str(json_key(&j, "src_b"), r->src_b);
		if (r->has_a && r->has_b) {
			json_diff(json_key(&j, "diff"), r);
			json_f64(json_key(&j, "pct"), r->pct);
		}
		json_str(json_key(&j, "verdict"), cmp_verdict_name(r->verdict));
		if (r->tol_pct >= 0)
			json_f64(json_key(&j, "tolerance_pct"), r->tol_pct);
		json_str(json_key(&j, "reason"), r->why);
		if (r->probe) {
			json_str(json_key(&j, "ratio_a"), r->ratio_a);
			json_str(json_key(&j, "ratio_b"), r->ratio_b);
		}
		json_close(&j);
	}
	json_close(&j);
	json_close(&j);
	json_end(&j);
}

static void html_s(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void html(FILE *out, const struct cmp_result *res, const char *pa, const char *pb)
{
	static const char *const cls[] = { "ok", "ok", "bad", "na" };

	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>pmulab compare"
	      "</title>\n<style>body{font-family:sans-serif}table{border-collapse:collapse}"
	      "td,th{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right}"
	      ".ok{background:#e6ffe6}.bad{background:#ffd6d6}.na{color:#777}</style>"
	      "</head><body>\n<h1>pmulab compare</h1>\n<p>A: ", out);
	html_s(out, pa);
	fputs("<br>B: ", out);
	html_s(out, pb);
	fprintf(out, "</p>\n<p>%zu rows: %zu match, %zu within, %zu DIFFER, %zu n/a</p>\n"
		"<table><tr><th>bench</th><th>event</th><th>A</th><th>src</th><th>B</th>"
		"<th>src</th><th>diff</th><th>%%</th><th>verdict</th><th>why</th></tr>\n",
		res->n, res->counts[CMP_MATCH], res->counts[CMP_WITHIN],
		res->counts[CMP_DIFFER], res->counts[CMP_NA]);
	for (size_t i = 0; i < res->n; i++) {
		const struct cmp_row *r = &res->rows[i];
		char p[24];

		pct(p, sizeof(p), r);
		fprintf(out, "<tr class=\"%s\"><td>", cls[r->verdict]);
		html_s(out, r->bench);
		fputs("</td><td>", out);
		html_s(out, r->event);
		fputs("</td><td class=\"n\">", out);
		value(out, r, false);
		fputs("</td><td>", out);
		html_s(out, r->src_a ? r->src_a : "-");
		fputs("</td><td class=\"n\">", out);
		value(out, r, true);
		fputs("</td><td>", out);
		html_s(out, r->src_b ? r->src_b : "-");
		fprintf(out, "</td><td class=\"n\">");
		if (r->has_a && r->has_b)
			fprintf(out, "%+.0f", r->diff);
		fprintf(out, "</td><td class=\"n\">%s</td><td>%s</td><td>", p,
			cmp_verdict_name(r->verdict));
		html_s(out, r->why);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n</body></html>\n", out);
}

int tol_load(const char *who, const char *given, struct tol_table *t)
{
	char buf[4096], err[4400];
	const char *path = given ? given : getenv("PMULAB_TOLERANCES");
	char *text = NULL;
	int rc;

	if (!path || !*path)
		path = esp_beside_self("tolerances.txt", buf, sizeof(buf));
	if (!path)
		snprintf(err, sizeof(err), "tolerances.txt: not found beside pmulab");
	if (!path || !(text = read_text_capped(path, NULL, err, sizeof(err)))) {
		fprintf(stderr, "%s %s: cannot read the tolerance file %s: give "
			"--tolerance FILE (host/compare/tolerances.txt)\n", pmulab_progname, who,
			err);
		return -1;
	}
	rc = tol_parse(text, t, err, sizeof(err));
	free(text);
	if (rc < 0)
		fprintf(stderr, "%s %s: %s: %s\n", pmulab_progname, who, path, err);
	return rc;
}

/* When both runs hold a profile (sample records, profile.folded,
 * perf.script: profile_load()), their top functions side by side; when one
 * does, a line saying which. */
static void text_profiles(FILE *out, const char *a, const char *b)
{
	char ea[4400], eb[4400];
	struct profile *pa = profile_load(a, NULL, ea, sizeof(ea));
	struct profile *pb = profile_load(b, NULL, eb, sizeof(eb));

	if (pa && pb) {
		fputs("\nprofiles (docs/profiles.md):\n", out);
		profile_compare(out, pa, a, pb, b, 10);
	} else if (pa || pb) {
		fprintf(out, "\nprofiles: only %s has one; %s\n", pa ? "A" : "B", pa ? eb : ea);
	}
	profile_free(pa);
	profile_free(pb);
}

int cmd_compare(int argc, char **argv)
{
	const char *args[2] = { NULL, NULL }, *tol = NULL, *fmt_name = "text", *v;
	char pa[4096], pb[4096];
	enum cmp_format fmt;
	struct stream *a, *b;
	struct tol_table t;
	struct cmp_result res;
	struct profile *fa, *fb;
	struct share_row *sh = NULL;
	size_t nsh = 0, sh_counts[4] = { 0 };
	const struct tol_entry *sh_tol;
	char perr[4400];
	int n = 0, code;
	bool all = false;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "compare", "--tolerance")))
			tol = v;
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else if ((v = cli_opt(argc, argv, &i, "compare", "--format")))
			fmt_name = v;
		else if (argv[i][0] == '-' && argv[i][1])
			cli_usage_error("compare", "unknown option '%s'", argv[i]);
		else if (n < 2)
			args[n++] = argv[i];
		else
			cli_usage_error("compare", "two runs only, not also '%s'", argv[i]);
	}
	if (n < 2)
		cli_usage_error("compare", "needs two runs, A and B");
	if (!strcmp(fmt_name, "text"))
		fmt = CMP_TEXT;
	else if (!strcmp(fmt_name, "csv"))
		fmt = CMP_CSV;
	else if (!strcmp(fmt_name, "json"))
		fmt = CMP_JSON;
	else if (!strcmp(fmt_name, "html"))
		fmt = CMP_HTML;
	else
		cli_usage_error("compare", "--format '%s': use text, csv, json or html", fmt_name);

	if (tol_load("compare", tol, &t) < 0)
		return EXIT_ERROR;
	a = load_stream("compare", args[0], pa, sizeof(pa));
	b = a ? load_stream("compare", args[1], pb, sizeof(pb)) : NULL;
	if (!a || !b) {
		if (a)
			stream_free(a);
		tol_free(&t);
		return EXIT_ERROR;
	}
	cmp_pair(a, b, &t, &res);
	/* Profiles are judged whatever the format; text shows them. */
	fa = profile_load(args[0], NULL, perr, sizeof(perr));
	fb = profile_load(args[1], NULL, perr, sizeof(perr));
	sh_tol = tol_find(&t, "share", TOL_PROFILE);
	if (fa && fb)
		nsh = profile_share_judge(fa, fb, sh_tol, &sh);
	for (size_t i = 0; i < nsh; i++)
		sh_counts[sh[i].verdict]++;
	if (fmt == CMP_TEXT) {
		text(stdout, &res, pa, pb, all);
		if (fa && fb)
			profile_share_print(stdout, sh, nsh, sh_tol);
		text_profiles(stdout, args[0], args[1]);
	} else if (fmt == CMP_CSV)
		csv(stdout, &res);
	else if (fmt == CMP_JSON)
		json(stdout, &res, pa, pb);
	else
		html(stdout, &res, pa, pb);
	fflush(stdout);

	for (size_t i = 0; i < res.n; i++) {
		const struct cmp_row *r = &res.rows[i];

		if (r->verdict == CMP_DIFFER)
			fprintf(stderr, "%s compare: DIFFER: %s %s: A %lld (%s), B %lld (%s): %s\n",
				pmulab_progname, r->bench, r->event, (long long)r->a,
				r->src_a ? r->src_a : "-", (long long)r->b,
				r->src_b ? r->src_b : "-", r->why ? r->why : "");
	}
	for (size_t i = 0; i < nsh; i++)
		if (sh[i].verdict == CMP_DIFFER)
			fprintf(stderr, "%s compare: DIFFER: profile share of %s: A %.2f%%, B %.2f%%: "
				"beyond %g points\n", pmulab_progname, sh[i].name, sh[i].sa, sh[i].sb,
				sh_tol->pct);
	if (res.counts[CMP_DIFFER] || sh_counts[CMP_DIFFER])
		code = EXIT_DIFFER;
	else if (!a->complete || !b->complete ||
		 res.counts[CMP_MATCH] + res.counts[CMP_WITHIN] + sh_counts[CMP_WITHIN] == 0)
		code = EXIT_PARTIAL;
	else
		code = EXIT_OK;
	if (code == EXIT_PARTIAL)
		fprintf(stderr, "%s compare: partial: %s\n", pmulab_progname,
			!a->complete ? "A is incomplete" : !b->complete ? "B is incomplete" :
			"no row could be compared");
	cmp_free(&res);
	profile_share_free(sh, nsh);
	profile_free(fa);
	profile_free(fb);
	stream_free(a);
	stream_free(b);
	tol_free(&t);
	return code;
}
