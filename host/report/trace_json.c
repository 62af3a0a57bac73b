/* The payload's function traces as Chrome trace-event JSON, for Perfetto
 * or chrome://tracing: B/E events for function_graph entries, instant
 * events for function entries, each trace a process of its own, timed in
 * microseconds from the header's tsc_hz (ticks when it is unknown). */
#include <inttypes.h>
#include <string.h>
#include "host/report/fields.h"
#include "host/report/trace.h"
#include "host/report/trace_set.h"

/* Nesting followed for B/E spans: the payload's FTRACE_GRAPH_DEPTH, one bit
 * each in a u64. */
#define TRACE_JSON_DEPTH 64

static void json_label(FILE *out, const struct label *l)
{
	if (l->s)
		report_json_str(out, l->s, l->len);
	else
		fprintf(out, "\"0x%08" PRIx64 "\"", l->addr);
}

static void json_name(FILE *out, const struct field *name)
{
	if (name)
		report_json_str(out, field_val(name), name->len);
	else
		fputs("\"(no name)\"", out);
}

/* Microseconds with three decimals; without a frequency the ticks. */
static void json_ts(FILE *out, const struct clock *c, uint64_t ticks)
{
	char digits[40];
	u128 ns;

	if (!c->known) {
		fprintf(out, "%" PRIu64, ticks);
		return;
	}
	ns = trace_ns_of(c, ticks);
	fprintf(out, "%s.%03u", trace_u128_str(digits, ns / 1000), (unsigned)(ns % 1000));
}

/* An event's common part: name, cat, ph, ts, pid (the trace), tid (the cpu). */
struct jev {
	struct label fn;
	uint64_t ts, cpu;
	const char *ph;
};

/* NULL, or the field rec lacks for an event; *ev filled. */
static const char *json_read(const struct record *rec, struct jev *ev)
{
	int k = trace_kind_of(rec->type);
	const struct field *type = record_field(rec, "type");

	if (!record_u64(rec, "ts", &ev->ts))
		return "ts";
	if (!record_u64(rec, "cpu", &ev->cpu))
		return "cpu";
	if (!trace_fn_label(&ev->fn, rec, "sym", "ip"))
		return "sym";
	ev->ph = k == FN ? "i" : field_is(type, "entry") ? "B" : field_is(type, "exit") ? "E" : NULL;
	return ev->ph ? NULL : "type";
}

/* The instant event's args: the parent as the ftrace line names it, and
 * the addresses and the parent's symbol as recorded. */
static void json_fn_args(FILE *out, const struct record *rec)
{
	/* record key, and its name among the args */
	static const char *const keys[][2] = {
		{ "ip", "ip" }, { "parent", "parent_ip" }, { "parent_sym", "parent_sym" },
	};
	struct label parent;

	fputs(",\"s\":\"t\",\"args\":{\"parent\":", out);
	if (trace_fn_label(&parent, rec, "parent_sym", "parent"))
		json_label(out, &parent);
	else
		fputs("null", out);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct field *f = record_field(rec, keys[i][0]);
		if (!f)
			continue;
		fprintf(out, ",\"%s\":", keys[i][1]);
		report_json_str(out, field_val(f), f->len);
	}
	fputc('}', out);
}

static void json_event(FILE *out, const struct trace *t, size_t pid, const struct record *rec,
		       const struct jev *ev)
{
	fputs(",\n{\"name\":", out);
	json_label(out, &ev->fn);
	fputs(",\"cat\":", out);
	json_name(out, t->name);
	fprintf(out, ",\"ph\":\"%s\",\"ts\":", ev->ph);
	json_ts(out, &t->clk, ev->ts);
	fprintf(out, ",\"pid\":%zu,\"tid\":%" PRIu64, pid, ev->cpu);
	if (trace_kind_of(rec->type) == FN)
		json_fn_args(out, rec);
	fputc('}', out);
}

/* The exit's duration is the call's as the tracer measured it, without
 * the tracer's own time between the entry's and the exit's timestamps: E
 * is put at entry + duration so a span is the text trace's duration. An
 * exit whose entry is not in the trace (or on another cpu) keeps its own
 * timestamp. */
struct open_calls {
	uint64_t ts[TRACE_JSON_DEPTH], cpu[TRACE_JSON_DEPTH];
	uint64_t entered;	/* bit d: an entry at depth d is open */
};

static void graph_span(const struct record *rec, struct jev *ev, struct open_calls *oc)
{
	uint64_t depth, dur;

	if (!record_u64(rec, "depth", &depth) || depth >= TRACE_JSON_DEPTH)
		return;
	if (ev->ph[0] == 'B') {
		oc->ts[depth] = ev->ts;
		oc->cpu[depth] = ev->cpu;
		oc->entered |= 1ull << depth;
	} else if (oc->entered >> depth & 1 && oc->cpu[depth] == ev->cpu &&
		   record_u64(rec, "duration", &dur)) {
		ev->ts = oc->ts[depth] + dur;
		oc->entered &= ~(1ull << depth);
	}
}

/* A process per trace, named after it, so that traces, each timed from
 * its own start, do not overlap on one timeline. */
static void json_trace_events(FILE *out, const struct trace *t, size_t pid)
{
	struct open_calls oc = { .entered = 0 };
	struct jev ev;

	fprintf(out, "%s{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%zu,\"tid\":0,"
		"\"args\":{\"name\":", pid ? ",\n" : "\n", pid);
	json_name(out, t->name);
	fputs("}}", out);
	for (size_t i = 0; i < t->nents; i++) {
		if (trace_kind_of(t->ents[i]->type) == PROFILE || json_read(t->ents[i], &ev))
			continue;
		if (trace_kind_of(t->ents[i]->type) == GRAPH)
			graph_span(t->ents[i], &ev, &oc);
		json_event(out, t, pid, t->ents[i], &ev);
	}
}

static void json_header(FILE *out, const struct record *hdr)
{
	if (!hdr) {
		fputs("null,\"note\":\"no trace header record names this trace\"", out);
		return;
	}
	fputc('{', out);
	for (size_t i = 0; i < hdr->nfields; i++) {
		fputs(i ? "," : "", out);
		report_json_str(out, field_key(&hdr->fields[i]), strlen(field_key(&hdr->fields[i])));
		fputc(':', out);
		report_json_str(out, field_val(&hdr->fields[i]), hdr->fields[i].len);
	}
	fputc('}', out);
}

/* Whether rec gives an event (or a profile row); else its seq goes after
 * *sep. */
static bool json_usable(FILE *out, const struct record *rec, const char **sep)
{
	struct prow r;
	struct jev ev;

	if (trace_kind_of(rec->type) == PROFILE ? !trace_profile_read(rec, &r) :
	    !json_read(rec, &ev))
		return true;
	fprintf(out, "%s%" PRIu64, *sep, rec->seq);
	*sep = ",";
	return false;
}

/* The function_profile rows, which have no place on a timeline, in stream
 * order; total and avg in the unit of ts. */
static void json_profile(FILE *out, const struct trace *t)
{
	const char *sep = "";

	fputs(",\"profile\":[", out);
	for (size_t i = trace_next_of(t, 0, PROFILE); i < t->nents;
	     i = trace_next_of(t, i + 1, PROFILE)) {
		struct prow r;
		if (trace_profile_read(t->ents[i], &r))
			continue;
		fprintf(out, "%s{\"function\":", sep);
		json_label(out, &r.fn);
		fprintf(out, ",\"hits\":%" PRIu64 ",\"total\":", r.hits);
		json_ts(out, &t->clk, r.total);
		fputs(",\"avg\":", out);
		if (r.has_avg)
			json_ts(out, &t->clk, r.avg);
		else
			fputs("null", out);
		fputc('}', out);
		sep = ",";
	}
	fputc(']', out);
}

/* What a trace was: its header as recorded, the unit of its times, how
 * many events it gave, which of its records gave nothing, its profile. */
static void json_trace_info(FILE *out, const struct trace *t, size_t pid)
{
	const char *sep = "";
	size_t events = 0;

	fprintf(out, "%s{\"pid\":%zu,\"name\":", pid ? ",\n" : "\n", pid);
	json_name(out, t->name);
	fputs(",\"header\":", out);
	json_header(out, t->hdr);
	fprintf(out, ",\"ts_unit\":\"%s%s\",\"skipped_seqs\":[", t->clk.known ? "us" :
		"TSC ticks, used as microseconds: the TSC frequency (tsc_hz) is unknown",
		t->clk.icount ? " of QEMU -icount time, not wall time" : "");
	for (size_t i = 0; i < t->nents; i++)
		if (json_usable(out, t->ents[i], &sep) &&
		    trace_kind_of(t->ents[i]->type) != PROFILE)
			events++;
	fprintf(out, "],\"events\":%zu", events);
	if (t->count[PROFILE])
		json_profile(out, t);
	fputc('}', out);
}

void trace_json(FILE *out, const struct stream *s)
{
	struct trace_set set;

	trace_set_init(&set, s);
	fputs("{\"traceEvents\":[", out);
	for (size_t i = 0; i < set.n; i++)
		json_trace_events(out, &set.t[i], i);
	fputs(set.n ? "\n]," : "],", out);
	fprintf(out, "\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"generator\":\"pmulab\","
		"\"schema\":%d,\"traces\":[", REPORT_JSON_SCHEMA);
	for (size_t i = 0; i < set.n; i++)
		json_trace_info(out, &set.t[i], i);
	fputs(set.n ? "\n]}}\n" : "]}}\n", out);
	trace_set_free(&set);
}
