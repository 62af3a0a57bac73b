/* The payload's `sample` records (docs/record-format.md) as
 * profiles and as perf script text, and profile_load(), which reads a
 * profile from whatever file holds one. A sample folds as
 * reverse(stack);sym with the "+0x" offsets stripped. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "host/profile/profile.h"
#include "host/report/fields.h"

/* A sample record, read: its frames innermost first, as recorded and as
 * folded (offset stripped). */
struct psample {
	const struct field *run;
	uint64_t rip;
	bool has_rip;
	char **raw, **name;
	size_t depth;
};

static void psample_free(struct psample *ps)
{
	for (size_t i = 0; i < ps->depth; i++) {
		free(ps->raw[i]);
		free(ps->name[i]);
	}
	free(ps->raw);
	free(ps->name);
}

/* Appends one frame; NULL or why it is not one. */
static const char *push_frame(struct psample *ps, const char *v, size_t len)
{
	size_t keep = profile_strip_offset(v, len);
	const char *why;

	if (memchr(v, '\0', len))
		return "a NUL byte in a frame";
	if (!len)
		return "an empty frame";
	if (!keep)
		return "a frame that is only an offset";
	if ((why = profile_frame_check(v, keep)))
		return why;
	ps->raw[ps->depth] = strndup(v, len);
	ps->name[ps->depth++] = strndup(v, keep);
	return NULL;
}

/* NULL, or the problem, written as "field: what". */
static const char *sample_read(const struct record *rec, struct psample *ps, char *why,
			       size_t len)
{
	const struct field *sym = record_field(rec, "sym");
	const struct field *stack = record_field(rec, "stack");
	size_t cap = 2;
	const char *bad;
	char addr[24];

	*ps = (struct psample){ .run = record_field(rec, "run") };
	ps->has_rip = field_hex(record_field(rec, "rip"), &ps->rip);
	if (!ps->run) {
		snprintf(why, len, "no run field");
		return why;
	}
	for (size_t i = 0; stack && i < stack->len; i++)
		cap += field_val(stack)[i] == ',';
	ps->raw = xcalloc(cap, sizeof(*ps->raw));
	ps->name = xcalloc(cap, sizeof(*ps->name));
	/* A symbol the payload could not name is its address, as perf shows one. */
	if (!sym || !sym->len || field_is(sym, "?")) {
		if (!ps->has_rip) {
			snprintf(why, len, "sym: absent or unknown, and no rip to name the frame");
			return why;
		}
		snprintf(addr, sizeof(addr), "0x%" PRIx64, ps->rip);
		bad = push_frame(ps, addr, strlen(addr));
	} else {
		bad = push_frame(ps, field_val(sym), sym->len);
	}
	if (bad) {
		snprintf(why, len, "sym: %s", bad);
		return why;
	}
	/* No stack field, an empty one or "none": the sampled frame had no
	 * callers. A caller the payload could not name ("?") is [unknown], as
	 * perf names one. */
	if (field_is(stack, "none"))
		stack = NULL;
	for (size_t at = 0, n = 1; stack && stack->len && at <= stack->len; n++) {
		const char *v = field_val(stack) + at;
		const char *comma = memchr(v, ',', stack->len - at);
		size_t flen = comma ? (size_t)(comma - v) : stack->len - at;

		if (flen == 1 && v[0] == '?')
			bad = push_frame(ps, "[unknown]", 9);
		else
			bad = push_frame(ps, v, flen);
		if (bad) {
			snprintf(why, len, "stack: frame %zu: %s", n, bad);
			return why;
		}
		at += flen + 1;
	}
	return NULL;
}

/* A sample record that cannot be read, named on errs. */
static void sample_bad(FILE *errs, const struct record *rec, const char *why)
{
	const struct field *f = NULL;

	if (!errs)
		return;
	fprintf(errs, "sample seq %" PRIu64 ": %s", rec->seq, why);
	if (!strncmp(why, "stack", 5))
		f = record_field(rec, "stack");
	else if (!strncmp(why, "sym", 3))
		f = record_field(rec, "sym");
	if (f) {
		fputs(" in ", errs);
		report_value(errs, field_val(f), f->len);
	}
	fputc('\n', errs);
}

static bool is_run(const struct field *f, const char *run)
{
	return !run || field_is(f, run);
}

size_t profile_runs(const struct stream *s, const char ***names)
{
	const char **out = xcalloc(s->nrecs + 1, sizeof(*out));
	size_t n = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		const char *run;
		size_t j = 0;

		if (strcmp(rec->type, "sample") && strcmp(rec->type, "sampling"))
			continue;
		if (!(run = record_get(rec, "run")))
			continue;
		while (j < n && strcmp(out[j], run))
			j++;
		if (j == n)
			out[n++] = run;
	}
	*names = out;
	return n;
}

const struct record *profile_sampling(const struct stream *s, const char *run)
{
	for (size_t i = 0; i < s->nrecs; i++)
		if (!strcmp(s->recs[i].type, "sampling") &&
		    is_run(record_field(&s->recs[i], "run"), run))
			return &s->recs[i];
	return NULL;
}

struct profile *profile_from_stream(const struct stream *s, const char *run, FILE *errs,
				    size_t *bad)
{
	struct profile *p = profile_new();
	const char **frames = NULL;
	char why[160];

	*bad = 0;
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		struct psample ps;
		const char *e;

		if (strcmp(rec->type, "sample"))
			continue;
		if ((e = sample_read(rec, &ps, why, sizeof(why)))) {
			if (is_run(ps.run, run)) {
				sample_bad(errs, rec, e);
				++*bad;
			}
			psample_free(&ps);
			continue;
		}
		if (is_run(ps.run, run)) {
			frames = realloc(frames, (ps.depth + 1) * sizeof(*frames));
			for (size_t d = 0; d < ps.depth; d++)
				frames[d] = ps.name[ps.depth - 1 - d];
			if ((e = profile_add(p, frames, ps.depth, 1))) {
				sample_bad(errs, rec, e);
				++*bad;
			}
		}
		psample_free(&ps);
	}
	free(frames);
	profile_finish(p);
	return p;
}

/* The event perf script names: the PMU event of src=pmi, else the source. */
static void script_event(char *buf, size_t len, const struct record *hdr)
{
	const char *ev = hdr ? record_get(hdr, "event") : NULL;
	const char *src = hdr ? record_get(hdr, "src") : NULL;

	snprintf(buf, len, "%s", ev && *ev ? ev : src && *src ? src : "sample");
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == ':' || *c == 0x7f)
			*c = '_';
}

/* One sample as perf script prints a sample with a callchain. */
/* Caller k's address: the k-th of the record's stack_ip (the payload's
 * return addresses, one per stack frame), else the frame itself when it is
 * an address; 0 when neither says. */
static uint64_t caller_ip(const struct record *rec, const struct psample *ps, size_t k)
{
	const struct field *ips = record_field(rec, "stack_ip");
	const char *v = ips ? field_val(ips) : NULL;
	uint64_t addr = 0;

	for (size_t at = 0, i = 0; ips && at < ips->len; i++) {
		const char *comma = memchr(v + at, ',', ips->len - at);
		size_t n = comma ? (size_t)(comma - v) - at : ips->len - at;

		if (i == k) {
			if (parse_hex(v + at, n, &addr))
				return addr;
			break;
		}
		at += n + 1;
	}
	parse_hex(ps->raw[k + 1], strlen(ps->raw[k + 1]), &addr);
	return addr;
}

static void script_sample(FILE *out, const struct record *rec, const struct psample *ps,
			  const struct record *hdr)
{
	uint64_t idx = 0, period = 0;
	char event[64];

	record_u64(rec, "idx", &idx);
	if (hdr)
		record_u64(hdr, "period", &period);
	script_event(event, sizeof(event), hdr);
	report_value(out, field_val(ps->run), ps->run->len);
	/* No per-sample time is recorded: the index stands in, as microseconds. */
	fprintf(out, " 0/0 %" PRIu64 ".%06" PRIu64 ": %" PRIu64 " %s:\n", idx / 1000000,
		idx % 1000000, period, event);
	for (size_t d = 0; d < ps->depth; d++) {
		uint64_t addr = 0;

		if (d > 0)
			addr = caller_ip(rec, ps, d - 1);
		else if (ps->has_rip)
			addr = ps->rip;
		else
			parse_hex(ps->raw[d], strlen(ps->raw[d]), &addr);
		fprintf(out, "\t%16" PRIx64 " %s (pmulab.efi)\n", addr, ps->raw[d]);
	}
	fputc('\n', out);
}

size_t profile_perf_script(FILE *out, const struct stream *s, const char *run, FILE *errs,
			   size_t *bad)
{
	char why[160];
	size_t n = 0;

	*bad = 0;
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *rec = &s->recs[i];
		struct psample ps;
		const char *e;

		if (strcmp(rec->type, "sample"))
			continue;
		e = sample_read(rec, &ps, why, sizeof(why));
		if (is_run(ps.run, run)) {
			if (e) {
				sample_bad(errs, rec, e);
				++*bad;
			} else {
				script_sample(out, rec, &ps, profile_sampling(s, record_get(rec, "run")));
				n++;
			}
		}
		psample_free(&ps);
	}
	return n;
}

/* ---------------------------------------------------------- any file ---- */

/* The samples of a records stream: of run, or of its only run. */
static struct profile *from_records(const char *path, const char *text, size_t len,
				    const char *run, char *err, size_t errlen)
{
	struct parser *ps = parser_new(NULL, NULL);
	struct profile *p = NULL;
	struct stream *s;
	const char **runs;
	size_t nruns, bad;

	parser_feed(ps, text, len);
	s = parser_finish(ps);
	nruns = profile_runs(s, &runs);
	if (!run && nruns > 1)
		snprintf(err, errlen, "%s: %zu sampled runs (%s, %s, ...): choose one", path,
			 nruns, runs[0], runs[1]);
	else if ((p = profile_from_stream(s, run, NULL, &bad)) && !p->total) {
		snprintf(err, errlen, "%s: no sample records%s%s: the run did not sample (the "
			 "payload samples with suite=sample)", path, run ? " of run " : "",
			 run ? run : "");
		profile_free(p);
		p = NULL;
	}
	free(runs);
	stream_free(s);
	return p;
}

static struct profile *load_file(const char *file, const char *run, char *err, size_t errlen)
{
	char e1[200], e2[200];
	struct profile *p;
	size_t len;
	char *text;

	if (!(text = read_text_capped(file, &len, err, errlen)))
		return NULL;
	if (memmem(text, len, "@PL1 ", 5)) {
		p = from_records(file, text, len, run, err, errlen);
	} else if (!(p = profile_from_folded(text, len, e1, sizeof(e1))) &&
		   !(p = profile_from_perf_script(text, len, e2, sizeof(e2)))) {
		snprintf(err, errlen, "%s: neither records, folded stacks (%s) nor perf script "
			 "text (%s)", file, e1, e2);
	}
	free(text);
	return p;
}

struct profile *profile_load(const char *path, const char *run, char *err, size_t errlen)
{
	/* A payload run's samples, else what the Linux runner folded. */
	static const char *const names[] = { "records.txt", "serial.log", "profile.folded",
					     "perf.script" };
	char file[4096], first[512] = "";
	struct profile *p;
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return load_file(path, run, err, errlen);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]);
		if (stat(file, &st) < 0 || (i == 1 && first[0]))
			continue;
		if ((p = load_file(file, run, err, errlen)))
			return p;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", err);
	}
	snprintf(err, errlen, "%s", first[0] ? first : "");
	if (!first[0])
		snprintf(err, errlen, "%s: no records.txt, serial.log, profile.folded or "
			 "perf.script", path);
	return NULL;
}

static void text_header(FILE *out, const struct stream *s, const char *run,
			const struct profile *p)
{
	static const char *const skip[] = { "run", NULL };
	const struct record *hdr = profile_sampling(s, run);
	uint64_t sampled;

	fputs("# Samples: ", out);
	fprintf(out, "%" PRIu64 " of run '%s'\n", p->total, run);
	if (!hdr) {
		fputs("# no sampling record for this run: its source, period and losses are "
		      "unknown\n", out);
		return;
	}
	fputs("# sampling:", out);
	report_fields(out, hdr, skip);
	fputc('\n', out);
	if (record_u64(hdr, "samples", &sampled) && sampled != p->total)
		fprintf(out, "# the payload took %" PRIu64 " samples; %" PRIu64 " are shown here "
			"(sample records lost, or unreadable)\n", sampled, p->total);
}

void profile_run_text(FILE *out, const struct stream *s, const char *run,
		      const struct profile *p)
{
	text_header(out, s, run, p);
	fputs("#\n", out);
	profile_histogram(out, p);
}
