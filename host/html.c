/* The html report: one page, inline CSS and SVG, nothing fetched from
 * anywhere, so it can be mailed or archived as one file. It shows what the
 * text report shows, as tables. Every byte a record carries goes through
 * html_value(): the text report's form of the value, HTML-escaped. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "html.h"
#include "plot.h"

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
	"footer{margin-top:3em;color:#777;font-size:.9em}\n";

/* Capability records: a key/value table each. */
static const char *const caps[] = { "hello", "config", "cpu", "pmu", "lbr", "debug", NULL };
/* Types with a place of their own; the rest are listed as other records. */
static const char *const own[] = { "bench", "counter", "check", "error", "end", NULL };

/* perf's shadow metrics, as stat.c shows them: numerator / denominator of
 * the same bench, both really counted, the denominator not 0. */
static const struct metric {
	const char *num, *den, *unit;
	bool pct;
} metrics[] = {
	{ "instructions", "cycles", "insn per cycle", false },
	{ "branch-misses", "branches", "of all branches", true },
	{ "cache-misses", "cache-references", "of all cache refs", true },
	{ "L1-dcache-load-misses", "L1-dcache-loads", "of all L1-dcache accesses", true },
	{ "LLC-load-misses", "LLC-loads", "of all LL-cache accesses", true },
	{ "dTLB-load-misses", "dTLB-loads", "of all dTLB cache accesses", true },
};

static const char *const aliases[][2] = {
	{ "cpu-cycles", "cycles" },
	{ "branch-instructions", "branches" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void html_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (c >= 0x20 && c <= 0x7e)
				fputc(c, out);
			else
				fprintf(out, "\\x%02x", c);
		}
	}
}

static void html_str(FILE *out, const char *s)
{
	html_text(out, s, strlen(s));
}

void html_value(FILE *out, const char *val, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f) {
		fputs("pmulab: out of memory\n", stderr);
		exit(1);
	}
	report_value(f, val, len);
	fclose(f);
	html_text(out, buf, n);
	free(buf);
}

static const struct field *field_of(const struct record *rec, const char *key)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (strcmp(rec->fields[i].key, key) == 0)
			return &rec->fields[i];
	return NULL;
}

static bool field_is(const struct field *f, const char *s)
{
	return f && f->len == strlen(s) && memcmp(f->val, s, f->len) == 0;
}

static bool same_name(const struct field *a, const struct field *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && memcmp(a->val, b->val, a->len) == 0;
}

static bool listed(const char *key, const char *const *keys)
{
	for (; keys && *keys; keys++)
		if (strcmp(key, *keys) == 0)
			return true;
	return false;
}

static bool get_u64(const struct record *rec, const char *key, uint64_t *out)
{
	const struct field *f = field_of(rec, key);
	uint64_t v = 0;

	if (!f || !f->len)
		return false;
	for (size_t i = 0; i < f->len; i++) {
		unsigned d = (unsigned char)f->val[i] - '0';
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static void put_grouped(FILE *out, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v);

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			fputc(',', out);
		fputc(digits[i], out);
	}
}

/* " key=value" for each field not in skip, as the text report. */
static void put_fields(FILE *out, const struct record *rec, const char *const *skip)
{
	const char *sep = "";

	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		if (listed(f->key, skip))
			continue;
		fputs(sep, out);
		html_str(out, f->key);
		fputc('=', out);
		html_value(out, f->val, f->len);
		sep = " ";
	}
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
	if (s->duplicates || s->conflicts || s->reordered)
		repeats_row(out, s);
	for (size_t i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].type, "end") == 0)
			end = &s->recs[i];
	fputs("<tr><th>end</th><td class=\"v\">", out);
	if (end)
		put_fields(out, end, NULL);
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
		put_fields(out, rec, NULL);
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
		html_str(out, rec->fields[i].key);
		fputs("</th><td class=\"v\">", out);
		html_value(out, rec->fields[i].val, rec->fields[i].len);
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
		if (!listed(s->recs[i].type, caps))
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

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		if (listed(rec->type, caps) || listed(rec->type, own))
			continue;
		if (!open)
			fputs("<h2 id=\"other\">Other records</h2>\n<table>\n"
			      "<tr><th>seq</th><th>type</th><th>fields</th></tr>\n", out);
		open = true;
		fprintf(out, "<tr><td class=\"n\">%" PRIu64 "</td><td>", rec->seq);
		html_str(out, rec->type);
		fputs("</td><td class=\"v\">", out);
		put_fields(out, rec, NULL);
		fputs("</td></tr>\n", out);
	}
	if (open)
		fputs("</table>\n", out);
}

/* ------------------------------------------------------------- benches ---- */

/* A counter record with what its row needs. */
struct ctr {
	const struct record *rec;
	const struct field *event, *src;
	bool has_value;
	uint64_t value;
};

static struct ctr ctr_of(const struct record *rec)
{
	struct ctr c = { .rec = rec, .event = field_of(rec, "event"),
			 .src = field_of(rec, "src") };

	c.has_value = get_u64(rec, "value", &c.value);
	return c;
}

static bool counted(const struct ctr *c)
{
	return c->has_value && (field_is(c->src, "pmu") || field_is(c->src, "icount"));
}

static bool event_is(const struct field *ev, const char *name)
{
	if (field_is(ev, name))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i][1], name) == 0 && field_is(ev, aliases[i][0]))
			return true;
	return false;
}

/* A block: a bench record and its counters, or counters whose bench has
 * no record (bench NULL, the name they share). */
struct block {
	const struct stream *s;
	const size_t *owners;
	size_t bench;			/* index of the bench record, or nrecs */
	const struct field *name;
};

static bool in_block(const struct block *b, size_t i)
{
	const struct record *rec = &b->s->recs[i];

	if (strcmp(rec->type, "counter") != 0 || b->owners[i] != b->bench)
		return false;
	return b->bench < b->s->nrecs || same_name(field_of(rec, "bench"), b->name);
}

/* The denominator of a metric: counted, same source first (as stat.c). */
static const struct ctr *operand(const struct block *b, const char *event,
				 const struct ctr *like, struct ctr *buf)
{
	bool have = false;

	for (size_t i = 0; i < b->s->nrecs; i++) {
		struct ctr c;
		if (!in_block(b, i))
			continue;
		c = ctr_of(&b->s->recs[i]);
		if (!counted(&c) || !event_is(c.event, event))
			continue;
		if (same_name(c.src, like->src)) {
			*buf = c;
			return buf;
		}
		if (!have)
			*buf = c;
		have = true;
	}
	return have ? buf : NULL;
}

static void put_metric(FILE *out, const struct block *b, const struct ctr *c)
{
	struct ctr buf;

	if (!counted(c))
		return;
	for (size_t m = 0; m < ARRAY_SIZE(metrics); m++) {
		const struct ctr *den;
		double x;
		if (!event_is(c->event, metrics[m].num))
			continue;
		den = operand(b, metrics[m].den, c, &buf);
		if (!den || !den->value)
			return;
		x = (double)c->value / (double)den->value * (metrics[m].pct ? 100 : 1);
		fprintf(out, metrics[m].pct ? "%.2f%% %s" : "%.2f %s", x, metrics[m].unit);
		return;
	}
}

/* A count cell: grouped digits, else the value as received, else empty. */
static void count_cell(FILE *out, const struct record *rec, const char *key)
{
	const struct field *f = field_of(rec, key);
	uint64_t v;

	fputs("<td class=\"n\">", out);
	if (get_u64(rec, key, &v))
		put_grouped(out, v);
	else if (f)
		html_value(out, f->val, f->len);
	fputs("</td>", out);
}

static void value_cell(FILE *out, const struct ctr *c)
{
	if (c->has_value || field_of(c->rec, "value"))
		count_cell(out, c->rec, "value");
	else if (field_is(c->src, "none"))
		fputs("<td class=\"n\">&lt;not supported&gt;</td>", out);
	else
		fputs("<td class=\"n\">&lt;not counted&gt;</td>", out);
}

static void source_cell(FILE *out, const struct ctr *c)
{
	const struct field *reason = field_of(c->rec, "reason");

	fputs("<td class=\"v\">", out);
	if (c->src)
		html_value(out, c->src->val, c->src->len);
	else
		fputs("no src", out);
	if (field_is(c->src, "none") && reason) {
		fputs(": ", out);
		html_value(out, reason->val, reason->len);
	}
	if (counted(c) && field_is(c->src, "icount"))
		fputs(" (exact)", out);
	fputs("</td>", out);
}

static void text_cell(FILE *out, const struct record *rec, const char *key)
{
	const struct field *f = field_of(rec, key);

	fputs("<td class=\"v\">", out);
	if (f)
		html_value(out, f->val, f->len);
	fputs("</td>", out);
}

/* % of the enabled time the event really counted; empty when unknown. */
static void running_cell(FILE *out, const struct record *rec)
{
	uint64_t enabled, running;

	fputs("<td class=\"n\">", out);
	if (get_u64(rec, "enabled", &enabled) && get_u64(rec, "running", &running) &&
	    enabled)
		fprintf(out, "%.2f%%", 100.0 * (double)running / (double)enabled);
	fputs("</td>", out);
}

static void counter_row(FILE *out, const struct block *b, const struct record *rec)
{
	struct ctr c = ctr_of(rec);

	fputs("<tr><td class=\"v\">", out);
	if (c.event)
		html_value(out, c.event->val, c.event->len);
	else
		fputs("(no event)", out);
	fputs("</td>", out);
	value_cell(out, &c);
	source_cell(out, &c);
	text_cell(out, rec, "counter");
	count_cell(out, rec, "min");
	count_cell(out, rec, "median");
	count_cell(out, rec, "max");
	count_cell(out, rec, "runs");
	running_cell(out, rec);
	fputs("<td>", out);
	put_metric(out, b, &c);
	fputs("</td></tr>\n", out);
}

/* 'name' when it is a plain word, else the text report's quoted form. */
static void put_name(FILE *out, const struct field *f)
{
	bool plain = f->len > 0;

	for (size_t i = 0; i < f->len; i++) {
		unsigned char ch = f->val[i];
		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\' || ch == '\'')
			plain = false;
	}
	if (plain) {
		fputs("&#39;", out);
		html_text(out, f->val, f->len);
		fputs("&#39;", out);
	} else {
		html_value(out, f->val, f->len);
	}
}

/* "bench 'loop' (suite pmu-check, 5 runs)", as stat.c titles a block. */
static void put_title(FILE *out, const struct block *b)
{
	const struct record *bench = b->bench < b->s->nrecs ? &b->s->recs[b->bench] : NULL;
	const struct field *suite, *reps;
	uint64_t n;

	if (b->name) {
		fputs("bench ", out);
		put_name(out, b->name);
	} else {
		fputs(bench ? "a bench without a name" : "counters without a bench", out);
	}
	if (!bench) {
		fputs(b->name ? " (no bench record)" : "", out);
		return;
	}
	suite = field_of(bench, "suite");
	reps = field_of(bench, "reps");
	if (!suite && !reps)
		return;
	fputs(" (", out);
	if (suite) {
		fputs("suite ", out);
		html_value(out, suite->val, suite->len);
	}
	fputs(suite && reps ? ", " : "", out);
	if (reps && get_u64(bench, "reps", &n))
		fprintf(out, "%" PRIu64 " run%s", n, plural(n));
	else if (reps)
		html_value(out, reps->val, reps->len);
	fputc(')', out);
}

static void put_block(FILE *out, const struct block *b)
{
	bool any = false;

	fputs("<h3>", out);
	put_title(out, b);
	fputs("</h3>\n", out);
	if (b->bench < b->s->nrecs) {
		fputs("<p class=\"fields\">", out);
		put_fields(out, &b->s->recs[b->bench], NULL);
		fputs("</p>\n", out);
	}
	for (size_t i = 0; i < b->s->nrecs; i++) {
		if (!in_block(b, i))
			continue;
		if (!any)
			fputs("<table class=\"bench\">\n<tr><th>event</th><th>value</th>"
			      "<th>source</th><th>counter</th><th>min</th><th>median</th>"
			      "<th>max</th><th>runs</th><th>running</th><th>metric</th></tr>\n",
			      out);
		any = true;
		counter_row(out, b, &b->s->recs[i]);
	}
	fputs(any ? "</table>\n" : "<p class=\"note\">(no counter records)</p>\n", out);
}

/* Whether counter i is the first of its name without a bench record: its
 * block goes where it is, as the text report orders blocks. */
static bool first_orphan(const struct stream *s, const size_t *owners, size_t i)
{
	const struct field *name = field_of(&s->recs[i], "bench");

	if (strcmp(s->recs[i].type, "counter") != 0 || owners[i] != s->nrecs)
		return false;
	for (size_t j = 0; j < i; j++)
		if (owners[j] == s->nrecs && strcmp(s->recs[j].type, "counter") == 0 &&
		    same_name(field_of(&s->recs[j], "bench"), name))
			return false;
	return true;
}

static void put_benches(FILE *out, const struct stream *s)
{
	size_t *owners = plot_owners(s);
	bool open = false;

	for (size_t i = 0; i < s->nrecs; i++) {
		struct block b = { .s = s, .owners = owners, .bench = s->nrecs };
		if (strcmp(s->recs[i].type, "bench") == 0)
			b.bench = i;
		else if (!first_orphan(s, owners, i))
			continue;
		b.name = field_of(&s->recs[i], b.bench == i ? "name" : "bench");
		if (!open)
			fputs("<h2 id=\"benches\">Benches</h2>\n", out);
		open = true;
		put_block(out, &b);
	}
	free(owners);
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

/* -------------------------------------------------------------- checks ---- */

/* 0 pass, 1 fail, 2 skip, 3 anything else. */
static size_t check_result(const struct record *rec)
{
	static const char *const results[] = { "pass", "fail", "skip", NULL };
	const char *result = record_get(rec, "result");
	size_t r = 0;

	while (results[r] && !(result && strcmp(result, results[r]) == 0))
		r++;
	return r;
}

static void check_row(FILE *out, const struct record *rec)
{
	static const char *const tags[] = { "PASS", "FAIL", "SKIP", "????" };
	static const char *const cls[] = { "pass", "fail", "skip", "unknown" };
	static const char *const in_tag[] = { "result", "name", NULL };
	const struct field *name = field_of(rec, "name");
	size_t r = check_result(rec);

	fprintf(out, "<tr><td class=\"%s\">%s</td><td class=\"v\">", cls[r], tags[r]);
	if (name)
		html_value(out, name->val, name->len);
	else
		fputc('?', out);
	fputs("</td><td class=\"v\">", out);
	/* An unknown result stays in the details: the tag does not say it. */
	put_fields(out, rec, r < 3 ? in_tag : in_tag + 1);
	fputs("</td></tr>\n", out);
}

static void put_checks(FILE *out, const struct stream *s)
{
	size_t count[4] = { 0 }, total = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		if (strcmp(s->recs[i].type, "check") == 0) {
			count[check_result(&s->recs[i])]++;
			total++;
		}
	}
	if (!total)
		return;
	fprintf(out, "<h2 id=\"checks\">Checks</h2>\n<p>%zu: %zu pass, %zu fail, %zu skip",
		total, count[0], count[1], count[2]);
	if (count[3])
		fprintf(out, ", %zu with no known result", count[3]);
	fputs("</p>\n<table class=\"checks\">\n"
	      "<tr><th>result</th><th>name</th><th>details</th></tr>\n", out);
	for (size_t i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].type, "check") == 0)
			check_row(out, &s->recs[i]);
	fputs("</table>\n", out);
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
	put_summary(out, s, meta);
	put_errors(out, s);
	put_caps(out, s);
	put_benches(out, s);
	put_plots(out, s);
	put_checks(out, s);
	put_others(out, s);
	fputs("<footer>pmulab " PMULAB_VERSION "</footer>\n</body>\n</html>\n", out);
}
