/* The payload's function traces read from a stream, for the ftrace text
 * (ftrace.c) and the trace-event JSON (trace_json.c). A trace is a `trace`
 * header record and the trace_fn, trace_graph and trace_profile records
 * that name it; entries whose header is missing still make a trace. */
#ifndef PMULAB_TRACE_SET_H
#define PMULAB_TRACE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "host/stream/parse.h"

typedef unsigned __int128 u128;

enum kind { FN, GRAPH, PROFILE, NKINDS };

/* Each kind's record type and the tracer that writes it. */
extern const char *const trace_rec_types[NKINDS];
extern const char *const trace_tracers[NKINDS];

struct clock {
	bool known;		/* tsc_hz given, a count, not 0 */
	bool icount;		/* the run's TSC is QEMU -icount's (hello tsc_hz_src) */
	uint64_t hz;
};

struct trace {
	const struct record *hdr;	/* NULL: no header names it */
	const struct field *name;	/* the header's name, else the entries' trace */
	size_t pos;			/* its first record in the stream */
	size_t id;			/* index before sorting by pos */
	const struct record **ents;	/* its entries, in stream order */
	size_t nents;
	size_t count[NKINDS];		/* of them, entries of each kind */
	struct clock clk;
};

/* The traces of a stream, in the order they start. */
struct trace_set {
	struct trace *t;
	size_t n;
	const struct record **ents;	/* the storage of every trace's ents */
};

/* A function as ftrace names it: a symbol, or an address when the symbol
 * is not known. */
struct label {
	const char *s;		/* NULL: the address */
	size_t len;
	uint64_t addr;
};

/* A trace_profile record, read. */
struct prow {
	const struct record *rec;
	size_t idx;
	struct label fn;
	uint64_t hits, total, avg;
	bool has_avg;
};

/* The kind of a record type, or -1 when it is no trace entry. */
int trace_kind_of(const char *type);
void trace_set_init(struct trace_set *set, const struct stream *s);
void trace_set_free(struct trace_set *set);
/* The kind the header's tracer names, or -1. */
int trace_header_kind(const struct trace *t);
/* The next entry of kind k at or after i, or t->nents. */
size_t trace_next_of(const struct trace *t, size_t i, int k);

/* The function of rec: its sym_key without the offset; when that is
 * absent, empty or "?", the address in addr_key; false when neither says
 * (or the address is 0, which ftrace leaves out as a parent). */
bool trace_fn_label(struct label *l, const struct record *rec, const char *sym_key,
		    const char *addr_key);
/* NULL, or the field rec lacks for a profile row. The average is the
 * record's, else total/hits as the kernel computes it. */
const char *trace_profile_read(const struct record *rec, struct prow *r);

/* Decimal digits of v, into buf (40 bytes hold any 128-bit value). */
const char *trace_u128_str(char *buf, u128 v);
/* ticks as ns at the trace's known frequency, truncated as the kernel
 * truncates its ns. */
u128 trace_ns_of(const struct clock *c, uint64_t ticks);

#endif
