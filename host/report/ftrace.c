/* The payload's function traces as ftrace prints them: the text of
 * /sys/kernel/tracing/trace for the function and function_graph tracers
 * and of trace_stat/function0 for function_profile. Times are TSC ticks
 * turned into ns with the header's tsc_hz in integer arithmetic, truncated
 * as the kernel truncates its ns; without a frequency they stay ticks and
 * the output says so. A record that lacks a field its line needs is shown
 * as a comment with all its fields: nothing is filled in. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/report/fields.h"
#include "host/report/trace.h"
#include "host/report/trace_set.h"

/* Deeper than any call chain the payload's graph tracer can follow: a
 * guard against a depth that would indent a line by gigabytes. */
#define DEPTH_MAX 1000

static bool label_same(const struct label *a, const struct label *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s && a->addr == b->addr;
	return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* As report_value() shows a value; an address as ftrace prints one it has
 * no symbol for. */
static void put_label(FILE *out, const struct label *l)
{
	if (l->s)
		report_value(out, l->s, l->len);
	else
		fprintf(out, "0x%08" PRIx64, l->addr);
}

static void put_name(FILE *out, const struct field *name)
{
	if (name)
		report_value(out, field_val(name), name->len);
	else
		fputs("(no name)", out);
}

/* A comment line for an entry that cannot have its line: which field is
 * missing or wrong, and everything the record holds. */
static void unreadable(FILE *out, const struct record *rec, const char *why)
{
	fprintf(out, "# seq %" PRIu64 ": %s record without a valid %s:", rec->seq, rec->type,
		why);
	report_fields(out, rec, NULL);
	fputc('\n', out);
}

/* The kernel's trace_print_graph_duration(): microseconds, then " us " and
 * spaces to 12 columns; its snprintf of the ns into 8 - len bytes (5 at
 * most) keeps as many of three decimals as fit 8 columns, none from 7
 * digits on. Without a frequency the ticks, " tk ". */
static void fmt_duration(char *buf, size_t n, const struct clock *c, uint64_t ticks)
{
	char digits[40], frac[8] = "";
	const char *v = trace_u128_str(digits, ticks), *unit = "tk";
	size_t len;

	if (c->known) {
		u128 ns = trace_ns_of(c, ticks);
		char three[4];

		v = trace_u128_str(digits, ns / 1000);
		unit = "us";
		len = strlen(v);
		snprintf(three, sizeof(three), "%03u", (unsigned)(ns % 1000));
		if (len < 7)
			snprintf(frac, sizeof(frac), ".%.*s", (int)(len <= 4 ? 3 : 7 - len), three);
	}
	len = strlen(v) + strlen(frac);
	snprintf(buf, n, "%s%s %s %*s", v, frac, unit, len < 8 ? (int)(8 - len) : 0, "");
}

/* trace_find_mark(): the overhead mark of a duration, ' ' below 10 us or
 * when the frequency is not known. */
static char duration_mark(const struct clock *c, uint64_t ticks)
{
	static const struct { u128 ns; char sym; } marks[] = {
		{ 1000000000, '$' }, { 100000000, '@' }, { 10000000, '*' },
		{ 1000000, '#' }, { 100000, '!' }, { 10000, '+' },
	};
	u128 ns;

	if (!c->known)
		return ' ';
	ns = trace_ns_of(c, ticks);
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (ns > marks[i].ns)
			return marks[i].sym;
	return ' ';
}

/* " %5lu.%06lu" seconds as the kernel prints trace times, or " %12llu"
 * ticks, as it prints a clock that counts no time unit. */
static void put_timestamp(FILE *out, const struct clock *c, uint64_t ticks)
{
	char digits[40];
	u128 us;

	if (!c->known) {
		fprintf(out, " %12" PRIu64, ticks);
		return;
	}
	us = trace_ns_of(c, ticks) / 1000;
	fprintf(out, " %5s.%06u", trace_u128_str(digits, us / 1000000), (unsigned)(us % 1000000));
}

static void trace_clock_note(FILE *out, const struct trace *t)
{
	const struct field *hz = t->hdr ? record_field(t->hdr, "tsc_hz") : NULL;

	if (t->clk.icount)
		fputs("# clock: QEMU -icount time (the TSC advances 2^shift ns an instruction), "
		      "not wall time\n", out);
	if (t->clk.known)
		return;
	fputs("# times are TSC ticks (tk), not seconds: the TSC frequency is unknown", out);
	if (hz) {
		fputs(" (tsc_hz=", out);
		report_value(out, field_val(hz), hz->len);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* Header fields that should be counts and are not. */
static void trace_bad_counts(FILE *out, const struct record *hdr)
{
	static const char *const keys[] = { "entries", "written", "lost", NULL };
	uint64_t v;

	for (const char *const *k = keys; *k; k++) {
		const struct field *f = record_field(hdr, *k);
		if (!f || record_u64(hdr, *k, &v))
			continue;
		fprintf(out, "# header: %s=", *k);
		report_value(out, field_val(f), f->len);
		fputs(" is not a count\n", out);
	}
}

static void trace_lost_note(FILE *out, const struct record *hdr)
{
	const struct field *mode = record_field(hdr, "mode");
	uint64_t lost;

	if (!record_u64(hdr, "lost", &lost) || !lost)
		return;
	fprintf(out, "# lost: %" PRIu64 " entries", lost);
	if (field_is(mode, "overwrite"))
		fputs(" (mode=overwrite: the oldest were overwritten)", out);
	else if (field_is(mode, "stop"))
		fputs(" (mode=stop: tracing stopped when the buffer was full)", out);
	else if (mode) {
		fputs(" (mode=", out);
		report_value(out, field_val(mode), mode->len);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* Only a trace that did not trace everything says what it traced. */
static void trace_filter_note(FILE *out, const struct record *hdr)
{
	const struct field *filter = record_field(hdr, "filter");
	const struct field *notrace = record_field(hdr, "notrace");

	if ((!filter || field_is(filter, "*")) && (!notrace || field_is(notrace, "none")))
		return;
	fputc('#', out);
	if (filter) {
		fputs(" filter: ", out);
		report_value(out, field_val(filter), filter->len);
	}
	if (notrace) {
		fputs(" notrace: ", out);
		report_value(out, field_val(notrace), notrace->len);
	}
	fputc('\n', out);
}

static void trace_notes(FILE *out, const struct trace *t)
{
	if (!t->hdr) {
		fputs("# no trace header record names this trace: its counts, clock and "
		      "filters are unknown\n", out);
	} else {
		trace_bad_counts(out, t->hdr);
		trace_lost_note(out, t->hdr);
		trace_filter_note(out, t->hdr);
	}
	trace_clock_note(out, t);
}

/* "# tracer: X", and where the header disagrees with the entries: another
 * tracer, or another number of entries than the stream holds (not for a
 * profile, whose rows are no ring buffer entries: the payload says 0). */
static void section_head(FILE *out, const struct trace *t, int k)
{
	const struct field *tracer = t->hdr ? record_field(t->hdr, "tracer") : NULL;
	uint64_t entries;

	fprintf(out, "# tracer: %s\n", trace_tracers[k]);
	if (t->hdr && trace_header_kind(t) != k && !tracer) {
		fputs("# the header names no tracer\n", out);
	} else if (t->hdr && trace_header_kind(t) != k) {
		fputs("# the header says tracer=", out);
		report_value(out, field_val(tracer), tracer->len);
		fputc('\n', out);
	} else if (k != PROFILE && t->hdr && record_u64(t->hdr, "entries", &entries) &&
		   entries != t->count[k]) {
		fprintf(out, "# the header says entries=%" PRIu64 ", the stream holds %zu %s "
			"record%s\n", entries, t->count[k], trace_rec_types[k],
			t->count[k] == 1 ? "" : "s");
	}
	fputs("#\n", out);
}

/* The CPUs the entries of kind k name: the highest cpu + 1, at least 1. */
static uint64_t cpus_named(const struct trace *t, int k)
{
	uint64_t n = 1, cpu;

	for (size_t i = trace_next_of(t, 0, k); i < t->nents; i = trace_next_of(t, i + 1, k))
		if (record_u64(t->ents[i], "cpu", &cpu) && cpu < UINT64_MAX && cpu + 1 > n)
			n = cpu + 1;
	return n;
}

static void fn_counts(FILE *out, const struct trace *t)
{
	bool own = trace_header_kind(t) == FN;
	uint64_t entries = t->count[FN], written;

	if (own)
		record_u64(t->hdr, "entries", &entries);
	fprintf(out, "# entries-in-buffer/entries-written: %" PRIu64 "/", entries);
	if (own && record_u64(t->hdr, "written", &written))
		fprintf(out, "%" PRIu64, written);
	else
		fputc('?', out);
	fprintf(out, "   #P:%" PRIu64 "\n#\n", cpus_named(t, FN));
}

/* The payload has no tasks, preemption or softirqs: every line is the idle
 * task, pid 0, with no flags set, as the kernel shows a context without
 * them. */
static void fn_line(FILE *out, const struct trace *t, const struct record *rec)
{
	struct label fn, parent;
	uint64_t cpu, ts;
	const char *why = !record_u64(rec, "cpu", &cpu) ? "cpu" :
			  !record_u64(rec, "ts", &ts) ? "ts" :
			  !trace_fn_label(&fn, rec, "sym", "ip") ? "sym" : NULL;

	if (why) {
		unreadable(out, rec, why);
		return;
	}
	fprintf(out, "%16s-%-7d [%03" PRIu64 "] .....", "<idle>", 0, cpu);
	put_timestamp(out, &t->clk, ts);
	fputs(": ", out);
	put_label(out, &fn);
	if (trace_fn_label(&parent, rec, "parent_sym", "parent")) {
		fputs(" <-", out);
		put_label(out, &parent);
	}
	fputc('\n', out);
}

static void fn_section(FILE *out, const struct trace *t)
{
	section_head(out, t, FN);
	fn_counts(out, t);
	fputs("#                                _-----=> irqs-off/BH-disabled\n"
	      "#                               / _----=> need-resched\n"
	      "#                              | / _---=> hardirq/softirq\n"
	      "#                              || / _--=> preempt-depth\n"
	      "#                              ||| / _-=> migrate-disable\n"
	      "#                              |||| /     delay\n"
	      "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	      "#              | |         |   |||||     |         |\n", out);
	for (size_t i = trace_next_of(t, 0, FN); i < t->nents; i = trace_next_of(t, i + 1, FN))
		fn_line(out, t, t->ents[i]);
}

/* A trace_graph record, read. */
struct gev {
	uint64_t cpu, depth, duration;
	bool exit, has_duration;
	struct label fn;
};

/* NULL, or the field rec lacks for a graph line. */
static const char *graph_read(const struct record *rec, struct gev *e)
{
	const struct field *type = record_field(rec, "type");

	if (!record_u64(rec, "cpu", &e->cpu))
		return "cpu";
	if (!field_is(type, "entry") && !field_is(type, "exit"))
		return "type";
	e->exit = field_is(type, "exit");
	if (!record_u64(rec, "depth", &e->depth) || e->depth > DEPTH_MAX)
		return "depth";
	if (!trace_fn_label(&e->fn, rec, "sym", "ip"))
		return "sym";
	e->has_duration = e->exit && record_u64(rec, "duration", &e->duration);
	return NULL;
}

enum shape { OPEN, LEAF, CLOSE };

/* print_graph_entry_nested(), _leaf() and print_graph_return() with
 * funcgraph-overhead and funcgraph-tail: " 0) ", the duration column
 * (blank on an entry), two spaces a level, the call. */
static void graph_line(FILE *out, const struct trace *t, int width, const struct gev *e,
		       enum shape shape)
{
	char dur[80];

	fprintf(out, " %*" PRIu64 ") ", width, e->cpu);
	if (shape == OPEN || !e->has_duration) {
		fputs("              |  ", out);
	} else {
		fmt_duration(dur, sizeof(dur), &t->clk, e->duration);
		fprintf(out, "%c %s|  ", duration_mark(&t->clk, e->duration), dur);
	}
	fprintf(out, "%*s", (int)(e->depth * 2), "");
	if (shape == CLOSE)
		fputs("} /* ", out);
	put_label(out, &e->fn);
	fputs(shape == OPEN ? "() {\n" : shape == LEAF ? "();\n" : " */\n", out);
}

/* An entry immediately followed by the exit of the same call. */
static bool is_leaf(const struct gev *e, const struct gev *x)
{
	return !e->exit && x->exit && x->cpu == e->cpu && x->depth == e->depth &&
	       label_same(&e->fn, &x->fn);
}

static void graph_section(FILE *out, const struct trace *t)
{
	char digits[24];
	int width = snprintf(digits, sizeof(digits), "%" PRIu64, cpus_named(t, GRAPH) - 1);
	size_t i = trace_next_of(t, 0, GRAPH);

	section_head(out, t, GRAPH);
	fputs("# CPU  DURATION                  FUNCTION CALLS\n"
	      "# |     |   |                     |   |   |   |\n", out);
	while (i < t->nents) {
		size_t j = trace_next_of(t, i + 1, GRAPH);
		struct gev e, x;
		const char *why = graph_read(t->ents[i], &e);

		if (why) {
			unreadable(out, t->ents[i], why);
		} else if (j < t->nents && !graph_read(t->ents[j], &x) && is_leaf(&e, &x)) {
			graph_line(out, t, width, &x, LEAF);
			j = trace_next_of(t, j + 1, GRAPH);
		} else {
			graph_line(out, t, width, &e, e.exit ? CLOSE : OPEN);
		}
		i = j;
	}
}

static int by_total(const void *x, const void *y)
{
	const struct prow *a = x, *b = y;

	if (a->total != b->total)
		return a->total < b->total ? 1 : -1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* function_stat_show(): "  %-30s  %10lu", then the time and the average
 * as durations; the kernel's s^2 column is left out, as the payload does
 * not measure it, and so is the padding after the last column. The name is
 * not cut at 30 as the kernel cuts it: two functions could look the same. */
static void profile_line(FILE *out, const struct trace *t, const struct prow *r)
{
	char cols[200];
	struct memtext name;
	FILE *f = memtext_open(&name);
	size_t end;

	put_label(f, &r->fn);
	fclose(f);
	fmt_duration(cols, sizeof(cols), &t->clk, r->total);
	if (r->has_avg) {
		strcat(cols, "    ");
		end = strlen(cols);
		fmt_duration(cols + end, sizeof(cols) - end, &t->clk, r->avg);
	}
	end = strlen(cols);
	while (end && cols[end - 1] == ' ')
		cols[--end] = '\0';
	fprintf(out, "  %-30s  %10" PRIu64 "    %s\n", name.buf, r->hits, cols);
	free(name.buf);
}

static void profile_section(FILE *out, const struct trace *t)
{
	struct prow *rows = xcalloc(t->count[PROFILE] + 1, sizeof(*rows));
	size_t n = 0;

	section_head(out, t, PROFILE);
	fputs("  Function                               Hit    Time            Avg\n"
	      "  --------                               ---    ----            ---\n", out);
	for (size_t i = trace_next_of(t, 0, PROFILE); i < t->nents;
	     i = trace_next_of(t, i + 1, PROFILE)) {
		rows[n] = (struct prow){ .rec = t->ents[i], .idx = i };
		if (!trace_profile_read(t->ents[i], &rows[n]))
			n++;
	}
	qsort(rows, n, sizeof(*rows), by_total);
	for (size_t i = 0; i < n; i++)
		profile_line(out, t, &rows[i]);
	/* The records without a row, in stream order, after the table. */
	for (size_t i = trace_next_of(t, 0, PROFILE); i < t->nents;
	     i = trace_next_of(t, i + 1, PROFILE)) {
		struct prow r;
		const char *why = trace_profile_read(t->ents[i], &r);
		if (why)
			unreadable(out, t->ents[i], why);
	}
	free(rows);
}

static void (*const sections[NKINDS])(FILE *, const struct trace *) = {
	[FN] = fn_section, [GRAPH] = graph_section, [PROFILE] = profile_section,
};

/* A section for each kind of entry it has and for the header's tracer; a
 * header of a tracer this tool does not show, without entries, says so. */
static void ftrace_trace(FILE *out, const struct trace *t)
{
	const struct field *tracer = t->hdr ? record_field(t->hdr, "tracer") : NULL;
	int hk = trace_header_kind(t);
	bool any = false;

	fputs("# trace: ", out);
	put_name(out, t->name);
	fputc('\n', out);
	trace_notes(out, t);
	for (int k = 0; k < NKINDS; k++) {
		if (!t->count[k] && k != hk)
			continue;
		if (any)
			fputc('\n', out);
		sections[k](out, t);
		any = true;
	}
	if (any)
		return;
	fputs("# tracer: ", out);
	if (tracer)
		report_value(out, field_val(tracer), tracer->len);
	else
		fputs("(none)", out);
	fputs("\n# no entries, and no tracer but function, function_graph and "
	      "function_profile can be shown\n", out);
}

void trace_ftrace(FILE *out, const struct stream *s)
{
	struct trace_set set;

	trace_set_init(&set, s);
	for (size_t i = 0; i < set.n; i++) {
		if (i)
			fputc('\n', out);
		ftrace_trace(out, &set.t[i]);
	}
	trace_set_free(&set);
}
