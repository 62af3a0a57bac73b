/* The stream's own formats: the text report for people (the stream, its
 * records and checks; stat.c adds the perf stat style bench blocks), one
 * row per field for spreadsheets (records-csv, RFC 4180) and one object for
 * programs (json). Values are shown decoded, and no byte a record carries
 * reaches a terminal or a JSON string unescaped. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "host/report/json.h"
#include "host/report/records.h"
#include "host/report/stat.h"

#define LABEL "%-10s"
#define FIELDS_LABEL "%-9s"	/* report_fields() starts with a space */

/* Consecutive seqs as ranges: "5, 9-12". */
static void put_ranges(FILE *out, const uint64_t *seqs, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && seqs[j + 1] == seqs[j] + 1)
			j++;
		fprintf(out, "%s%" PRIu64, i ? ", " : "", seqs[i]);
		if (j > i)
			fprintf(out, "-%" PRIu64, seqs[j]);
		i = j + 1;
	}
}

/* One item of a comma-separated list; *sep says what goes before it. */
static void item(FILE *out, const char **sep, const char *fmt, ...)
{
	va_list ap;

	fputs(*sep, out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	*sep = ", ";
}

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void text_stream(FILE *out, const struct stream *s)
{
	const char *sep = ": ";

	uint64_t n = s->nrecs + s->counted;

	fprintf(out, LABEL "%" PRIu64 " record%s, %s", "stream", n, plural(n),
		s->complete ? "complete" : "INCOMPLETE");
	if (s->nlost)
		item(out, &sep, "%" PRIu64 " lost", s->nlost);
	if (!s->has_hello)
		item(out, &sep, "no hello at seq 0");
	if (!s->has_end)
		item(out, &sep, "no end record");
	else if (!s->end_count_ok)
		item(out, &sep, "end count does not match its seq %" PRIu64, s->end_seq);
	fputc('\n', out);
	if (s->nmissing) {
		fprintf(out, LABEL, "lost");
		put_ranges(out, s->missing, s->nmissing);
		if (s->nlost > s->nmissing)
			fprintf(out, " and %" PRIu64 " more", s->nlost - s->nmissing);
		fputc('\n', out);
	}
	for (size_t i = 0; i < s->nrejects; i++) {
		const struct reject *rj = &s->rejects[i];
		fprintf(out, LABEL "line %zu: %s", "rejected", rj->lineno, rj->reason);
		if (rj->seq_hint >= 0)
			fprintf(out, ", seq %" PRId64, rj->seq_hint);
		fprintf(out, ": %s\n", rj->excerpt);
	}
	if (s->rejected > s->nrejects)
		fprintf(out, LABEL "%" PRIu64 " more lines, not listed\n", "rejected",
			s->rejected - s->nrejects);
	if (s->duplicates || s->conflicts || s->reordered || s->repeats) {
		fprintf(out, LABEL, "repeats");
		sep = "";
		if (s->duplicates)
			item(out, &sep, "%zu duplicate%s dropped", s->duplicates,
			     plural(s->duplicates));
		if (s->conflicts)
			item(out, &sep, "%zu conflict%s (the first kept)", s->conflicts,
			     plural(s->conflicts));
		if (s->repeats)
			item(out, &sep, "%zu seq%s repeated, duplicate or conflict untold",
			     s->repeats, plural(s->repeats));
		if (s->reordered)
			item(out, &sep, "%zu out of order", s->reordered);
		fputc('\n', out);
	}
}

/* Starts a section of the text report: a blank line before its first line. */
static void text_section(FILE *out, bool *open)
{
	if (!*open)
		fputc('\n', out);
	*open = true;
}

static void text_hello(FILE *out, const struct record *rec)
{
	static const char *const summary[] = { "payload", "firmware", "boot", NULL };
	const char *sep = " ";
	size_t shown = 0;

	fprintf(out, FIELDS_LABEL, "hello");
	for (const char *const *k = summary; *k; k++) {
		const struct field *f = record_field(rec, *k);
		if (!f)
			continue;
		fprintf(out, "%s%s ", sep, *k);
		report_value(out, field_val(f), f->len);
		sep = ", ";
		shown++;
	}
	if (shown && shown < rec->nfields)
		fprintf(out, "\n" FIELDS_LABEL, "");
	report_fields(out, rec, summary);
	fputc('\n', out);
}

/* hello first, then every other informational record grouped by type in
 * order of first appearance, so types a later payload adds still show. */
static void text_records(FILE *out, const struct stream *s)
{
	/* Types with a section of their own; counters are stat_text()'s tables;
	 * trace entries are for --format ftrace (their trace record stays). */
	static const char *const own[] = { "hello", "check", "error", "end", "counter",
					   "trace_fn", "trace_graph", "trace_profile", NULL };
	const char **types = malloc((s->nrecs + 1) * sizeof(*types));
	size_t ntypes = 0;
	bool open = false;

	for (size_t i = 0; i < s->nrecs; i++) {
		const char *type = s->recs[i].type;
		size_t t = 0;

		if (strcmp(type, "hello") == 0) {
			text_section(out, &open);
			text_hello(out, &s->recs[i]);
		}
		while (t < ntypes && strcmp(types[t], type) != 0)
			t++;
		if (t == ntypes && !report_listed(type, own))
			types[ntypes++] = type;
	}
	for (size_t t = 0; t < ntypes; t++) {
		for (size_t i = 0; i < s->nrecs; i++) {
			if (strcmp(s->recs[i].type, types[t]) != 0)
				continue;
			text_section(out, &open);
			fprintf(out, FIELDS_LABEL, types[t]);
			report_fields(out, &s->recs[i], NULL);
			fputc('\n', out);
		}
	}
	free(types);
}

static void text_checks(FILE *out, const struct stream *s)
{
	static const char *const tags[] = { "PASS", "FAIL", "SKIP", "????" };
	static const char *const in_tag[] = { "result", "name", NULL };
	char head[16];

	snprintf(head, sizeof(head), "\n" LABEL, "checks");
	if (!report_check_tally(out, s, head))
		return;
	fputc('\n', out);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const struct field *name = record_field(rec, "name");
		size_t r;

		if (strcmp(rec->type, "check") != 0)
			continue;
		r = report_check_result(rec);
		fprintf(out, "  %s    ", tags[r]);
		if (name)
			report_value(out, field_val(name), name->len);
		else
			fputc('?', out);
		/* An unknown result stays in the line: the tag does not say it. */
		report_fields(out, rec, r < 3 ? in_tag : in_tag + 1);
		fputc('\n', out);
	}
}

static const char *const verdicts[] = { "ok", "ERROR", "", "PARTIAL" };

static void text_meta(FILE *out, const struct report_meta *m)
{
	if (m && m->source)
		fprintf(out, LABEL "%s\n", "source", m->source);
	if (m && m->mode)
		fprintf(out, LABEL "%s\n", "mode", m->mode);
	if (m && m->out_dir)
		fprintf(out, LABEL "%s\n", "output", m->out_dir);
	if (m && isfinite(m->boot_to_end_s) && m->boot_to_end_s >= 0)
		fprintf(out, LABEL "%.2f s boot to end\n", "time", m->boot_to_end_s);
}

void records_counted(FILE *out, const struct stream *s, const struct report_meta *m)
{
	text_meta(out, m);
	text_stream(out, s);
	fprintf(out, "\n" LABEL "%" PRIu64 " counted, not kept: pmulab report %s reports "
		"them from serial.log\n", "records", s->counted,
		m && m->out_dir ? m->out_dir : "DIR");
	fprintf(out, "\n" FIELDS_LABEL, "end");
	if (s->has_end)
		fprintf(out, " seq %" PRIu64 " status=%s", s->end_seq,
			s->end_status ? s->end_status : "(none)");
	else
		fputs(" none: the stream stops before its end record", out);
	fprintf(out, "\n" LABEL "%s\n", "result", verdicts[stream_exit_code(s)]);
}

void records_head(FILE *out, const struct stream *s, const struct report_meta *m)
{
	bool errors = false;

	text_meta(out, m);
	text_stream(out, s);

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];

		if (strcmp(rec->type, "error") != 0)
			continue;
		text_section(out, &errors);
		fprintf(out, LABEL "seq %" PRIu64 ":", "ERROR", rec->seq);
		report_fields(out, rec, NULL);
		fputc('\n', out);
	}
}

void records_tail(FILE *out, const struct stream *s)
{
	const struct record *end = NULL;

	for (size_t i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].type, "end") == 0)
			end = &s->recs[i];
	fprintf(out, "\n" FIELDS_LABEL, "end");
	if (end)
		report_fields(out, end, NULL);
	else
		fputs(" none: the stream stops before its end record", out);
	fprintf(out, "\n" LABEL "%s\n", "result", verdicts[stream_exit_code(s)]);
}

void records_text(FILE *out, const struct stream *s, const struct report_meta *m)
{
	records_head(out, s, m);
	text_records(out, s);
	stat_text(out, s);
	text_checks(out, s);
	records_tail(out, s);
}

void records_perf_stat(FILE *out, const struct stream *s, const struct report_meta *m)
{
	records_head(out, s, m);
	stat_text(out, s);
	records_tail(out, s);
}

/* A row a field: millions of rows for a big capture, so the seq is formatted
 * once a record and the stream written without a lock a call (the tool is
 * one thread). */
void records_csv(FILE *out, const struct stream *s)
{
	char head[32];

	fputs_unlocked("seq,type,key,value\r\n", out);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		int n = snprintf(head, sizeof(head), "%" PRIu64 ",", rec->seq);

		if (!rec->nfields) {
			fwrite_unlocked(head, 1, n, out);
			fputs_unlocked(rec->type, out);
			fputs_unlocked(",,\r\n", out);
		}
		for (size_t j = 0; j < rec->nfields; j++) {
			fwrite_unlocked(head, 1, n, out);
			fputs_unlocked(rec->type, out);
			fputc_unlocked(',', out);
			fputs_unlocked(field_key(&rec->fields[j]), out);
			fputc_unlocked(',', out);
			report_csv_cell(out, field_val(&rec->fields[j]), rec->fields[j].len);
			fputs_unlocked("\r\n", out);
		}
	}
}

static void json_stream(struct json *j, const struct stream *s)
{
	json_object(json_key(j, "stream"), false);
	json_u64(json_key(j, "records"), s->nrecs);
	json_bool(json_key(j, "complete"), s->complete);
	json_i64(json_key(j, "exit_code"), stream_exit_code(s));
	json_bool(json_key(j, "has_hello"), s->has_hello);
	json_bool(json_key(j, "has_end"), s->has_end);
	json_bool(json_key(j, "end_count_ok"), s->end_count_ok);
	json_u64(json_key(j, "lost"), s->nlost);
	json_array(json_key(j, "missing"), false);
	for (size_t i = 0; i < s->nmissing; i++)
		json_u64(j, s->missing[i]);
	json_close(j);
	json_array(json_key(j, "rejects"), false);
	for (size_t i = 0; i < s->nrejects; i++) {
		const struct reject *rj = &s->rejects[i];

		json_object(j, false);
		json_u64(json_key(j, "line"), rj->lineno);
		json_str(json_key(j, "reason"), rj->reason);
		if (rj->seq_hint >= 0)
			json_i64(json_key(j, "seq"), rj->seq_hint);
		else
			json_null(json_key(j, "seq"));
		json_str(json_key(j, "excerpt"), rj->excerpt);
		json_close(j);
	}
	json_close(j);
	json_u64(json_key(j, "rejected"), s->rejected);
	json_u64(json_key(j, "duplicates"), s->duplicates);
	json_u64(json_key(j, "conflicts"), s->conflicts);
	json_u64(json_key(j, "reordered"), s->reordered);
	json_str(json_key(j, "end_status"), s->end_status);
	json_close(j);
}

void records_json(FILE *out, const struct stream *s, const struct report_meta *m)
{
	struct json j;

	json_init(&j, out);
	json_object(&j, true);
	json_u64(json_key(&j, "schema"), JSON_SCHEMA);
	json_u64(json_key(&j, "format"), 1);
	json_str(json_key(&j, "source"), m ? m->source : NULL);
	json_str(json_key(&j, "mode"), m ? m->mode : NULL);
	json_str(json_key(&j, "out_dir"), m ? m->out_dir : NULL);
	if (m && m->boot_to_end_s >= 0)
		json_fixed(json_key(&j, "boot_to_end_s"), m->boot_to_end_s, 3);
	else
		json_null(json_key(&j, "boot_to_end_s"));
	if (m && isfinite(m->boot_to_hello_s) && m->boot_to_hello_s > 0)
		json_fixed(json_key(&j, "boot_to_hello_s"), m->boot_to_hello_s, 3);
	json_stream(&j, s);
	json_array(json_key(&j, "records"), true);
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];

		json_object(&j, false);
		json_u64(json_key(&j, "seq"), rec->seq);
		json_str(json_key(&j, "type"), rec->type);
		json_object(json_key(&j, "fields"), false);
		for (size_t f = 0; f < rec->nfields; f++)
			json_field_value(json_key(&j, field_key(&rec->fields[f])),
					 field_val(&rec->fields[f]), rec->fields[f].len);
		json_close(&j);
		json_close(&j);
	}
	json_close(&j);
	json_close(&j);
	json_end(&j);
}
