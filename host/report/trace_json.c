/* The payload's function traces as Chrome trace-event JSON, for Perfetto
 * or chrome://tracing: B/E events for function_graph entries, instant
 * events for function entries, each trace a process of its own, timed in
 * microseconds from the header's tsc_hz (ticks when it is unknown). */
#include <inttypes.h>
#include <string.h>
#include "host/report/json.h"
#include "host/report/trace.h"
#include "host/report/trace_set.h"

/* Nesting followed for B/E spans: the payload's FTRACE_GRAPH_DEPTH, one bit
 * each in a u64. */
#define TRACE_JSON_DEPTH 64

static void json_label(struct json *j, const struct label *l)
{
	char addr[24];

	if (l->s) {
		json_strn(j, l->s, l->len);
		return;
	}
	snprintf(addr, sizeof(addr), "0x%08" PRIx64, l->addr);
	json_str(j, addr);
}

static void json_name(struct json *j, const struct field *name)
{
	if (name)
		json_strn(j, field_val(name), name->len);
	else
		json_str(j, "(no name)");
}

/* Microseconds with three decimals; without a frequency the ticks. */
static void json_ts(struct json *j, const struct clock *c, uint64_t ticks)
{
	char digits[40], us[48];
	u128 ns;

	if (!c->known) {
		json_u64(j, ticks);
		return;
	}
	ns = trace_ns_of(c, ticks);
	snprintf(us, sizeof(us), "%s.%03u", trace_u128_str(digits, ns / 1000),
		 (unsigned)(ns % 1000));
	json_number(j, us);
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
static void json_fn_args(struct json *j, const struct record *rec)
{
	/* record key, and its name among the args */
	static const char *const keys[][2] = {
		{ "ip", "ip" }, { "parent", "parent_ip" }, { "parent_sym", "parent_sym" },
	};
	struct label parent;

	json_str(json_key(j, "s"), "t");
	json_object(json_key(j, "args"), false);
	if (trace_fn_label(&parent, rec, "parent_sym", "parent"))
		json_label(json_key(j, "parent"), &parent);
	else
		json_null(json_key(j, "parent"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct field *f = record_field(rec, keys[i][0]);
		if (f)
			json_field_value(json_key(j, keys[i][1]), field_val(f), f->len);
	}
	json_close(j);
}

static void json_event(struct json *j, const struct trace *t, size_t pid,
		       const struct record *rec, const struct jev *ev)
{
	json_object(j, false);
	json_label(json_key(j, "name"), &ev->fn);
	json_name(json_key(j, "cat"), t->name);
	json_str(json_key(j, "ph"), ev->ph);
	json_ts(json_key(j, "ts"), &t->clk, ev->ts);
	json_u64(json_key(j, "pid"), pid);
	json_u64(json_key(j, "tid"), ev->cpu);
	if (trace_kind_of(rec->type) == FN)
		json_fn_args(j, rec);
	json_close(j);
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
static void json_trace_events(struct json *j, const struct trace *t, size_t pid)
{
	struct open_calls oc = { .entered = 0 };
	struct jev ev;

	json_object(j, false);
	json_str(json_key(j, "name"), "process_name");
	json_str(json_key(j, "ph"), "M");
	json_u64(json_key(j, "pid"), pid);
	json_u64(json_key(j, "tid"), 0);
	json_object(json_key(j, "args"), false);
	json_name(json_key(j, "name"), t->name);
	json_close(j);
	json_close(j);
	for (size_t i = 0; i < t->nents; i++) {
		if (trace_kind_of(t->ents[i]->type) == PROFILE || json_read(t->ents[i], &ev))
			continue;
		if (trace_kind_of(t->ents[i]->type) == GRAPH)
			graph_span(t->ents[i], &ev, &oc);
		json_event(j, t, pid, t->ents[i], &ev);
	}
}

/* The header's fields, typed as the json report's record fields. */
static void json_header(struct json *j, const struct record *hdr)
{
	if (!hdr) {
		json_null(json_key(j, "header"));
		json_str(json_key(j, "note"), "no trace header record names this trace");
		return;
	}
	json_object(json_key(j, "header"), false);
	for (size_t i = 0; i < hdr->nfields; i++)
		json_field_value(json_key(j, field_key(&hdr->fields[i])), field_val(&hdr->fields[i]),
				 hdr->fields[i].len);
	json_close(j);
}

/* Whether rec gives an event (or a profile row); else its seq goes into
 * the open skipped_seqs. */
static bool json_usable(struct json *j, const struct record *rec)
{
	struct prow r;
	struct jev ev;

	if (trace_kind_of(rec->type) == PROFILE ? !trace_profile_read(rec, &r) :
	    !json_read(rec, &ev))
		return true;
	json_u64(j, rec->seq);
	return false;
}

/* The function_profile rows, which have no place on a timeline, in stream
 * order; total and avg in the unit of ts. */
static void json_profile(struct json *j, const struct trace *t)
{
	json_array(json_key(j, "profile"), false);
	for (size_t i = trace_next_of(t, 0, PROFILE); i < t->nents;
	     i = trace_next_of(t, i + 1, PROFILE)) {
		struct prow r;
		if (trace_profile_read(t->ents[i], &r))
			continue;
		json_object(j, false);
		json_label(json_key(j, "function"), &r.fn);
		json_u64(json_key(j, "hits"), r.hits);
		json_ts(json_key(j, "total"), &t->clk, r.total);
		if (r.has_avg)
			json_ts(json_key(j, "avg"), &t->clk, r.avg);
		else
			json_null(json_key(j, "avg"));
		json_close(j);
	}
	json_close(j);
}

/* What a trace was: its header as recorded, the unit of its times, how
 * many events it gave, which of its records gave nothing, its profile. */
static void json_trace_info(struct json *j, const struct trace *t, size_t pid)
{
	char unit[128];
	size_t events = 0;

	json_object(j, false);
	json_u64(json_key(j, "pid"), pid);
	json_name(json_key(j, "name"), t->name);
	json_header(j, t->hdr);
	snprintf(unit, sizeof(unit), "%s%s", t->clk.known ? "us" :
		 "TSC ticks, used as microseconds: the TSC frequency (tsc_hz) is unknown",
		 t->clk.icount ? " of QEMU -icount time, not wall time" : "");
	json_str(json_key(j, "ts_unit"), unit);
	json_array(json_key(j, "skipped_seqs"), false);
	for (size_t i = 0; i < t->nents; i++)
		if (json_usable(j, t->ents[i]) && trace_kind_of(t->ents[i]->type) != PROFILE)
			events++;
	json_close(j);
	json_u64(json_key(j, "events"), events);
	if (t->count[PROFILE])
		json_profile(j, t);
	json_close(j);
}

void trace_json(FILE *out, const struct stream *s)
{
	struct trace_set set;
	struct json j;

	trace_set_init(&set, s);
	json_init(&j, out);
	json_object(&j, true);
	json_array(json_key(&j, "traceEvents"), true);
	for (size_t i = 0; i < set.n; i++)
		json_trace_events(&j, &set.t[i], i);
	json_close(&j);
	json_str(json_key(&j, "displayTimeUnit"), "ns");
	json_object(json_key(&j, "otherData"), false);
	json_str(json_key(&j, "generator"), "pmulab");
	json_u64(json_key(&j, "schema"), JSON_SCHEMA);
	json_array(json_key(&j, "traces"), true);
	for (size_t i = 0; i < set.n; i++)
		json_trace_info(&j, &set.t[i], i);
	json_close(&j);
	json_close(&j);
	json_close(&j);
	json_end(&j);
	trace_set_free(&set);
}
