/* A stream's verdict taken as records arrive (tally.h). The seqs seen are
 * the range up to the highest less its gaps: in order, a stream costs one
 * range whatever its length. */
#include <stdlib.h>
#include <string.h>
#include "host/stream/alloc.h"
#include "host/stream/tally.h"

/* Gaps tracked one by one: as many as missing[] lists. A stream with more
 * gaps than that still counts what each loses, but a record that comes
 * late into an untracked gap counts as a repeat, and one that would split a
 * tracked gap leaves its seq counted as lost. */
#define GAPS_MAX PARSE_MISSING_MAX

struct gap {
	uint64_t from, to;	/* seqs [from, to) absent so far */
};

struct tally {
	bool any;
	uint64_t max_seq;
	struct gap *gaps;
	size_t ngaps, cap;
};

struct tally *tally_new(void)
{
	return xcalloc(1, sizeof(struct tally));
}

/* The gap holding seq, or ngaps; gaps are in seq order. */
static size_t find_gap(const struct tally *t, uint64_t seq)
{
	size_t lo = 0, hi = t->ngaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->gaps[mid].to <= seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->ngaps && t->gaps[lo].from <= seq ? lo : t->ngaps;
}

/* seq leaves gap i: the gap shrinks, goes or splits in two. */
static void fill_gap(struct tally *t, struct stream *s, size_t i, uint64_t seq)
{
	struct gap *g = &t->gaps[i];

	s->nlost--;
	if (g->from == seq) {
		g->from++;
	} else if (g->to == seq + 1) {
		g->to--;
	} else if (t->ngaps < GAPS_MAX) {
		if (t->ngaps == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->gaps = xrealloc(t->gaps, t->cap * sizeof(*t->gaps));
			g = &t->gaps[i];
		}
		memmove(g + 1, g, (t->ngaps++ - i) * sizeof(*g));
		g[0].to = seq;
		g[1].from = seq + 1;
		return;
	} else {
		/* No room to split: the gap keeps seq as absent. */
		s->nlost++;
		return;
	}
	if (g->from == g->to)
		memmove(g, g + 1, (--t->ngaps - i) * sizeof(*g));
}

static void end_record(struct stream *s, const struct record *r)
{
	const char *status = record_get(r, "status");
	const char *count = record_get(r, "count");
	uint64_t n;

	if (s->has_end && r->seq < s->end_seq)
		return;
	s->has_end = true;
	s->end_seq = r->seq;
	/* As the payload writes a count: no leading zero. */
	s->end_count_ok = count && (count[0] != '0' || !count[1]) &&
			  parse_u64(count, strlen(count), &n) && n == r->seq;
	free(s->end_text);
	s->end_text = status ? strcpy(xrealloc(NULL, strlen(status) + 1), status) : NULL;
	s->end_status = s->end_text;
}

bool tally_record(struct tally *t, struct stream *s, const struct record *r, bool live)
{
	if (!t->any || r->seq > t->max_seq) {
		uint64_t from = t->any ? t->max_seq + 1 : 0;

		if (r->seq > from) {
			s->nlost += r->seq - from;
			if (t->ngaps < GAPS_MAX) {
				if (t->ngaps == t->cap) {
					t->cap = t->cap ? 2 * t->cap : 16;
					t->gaps = xrealloc(t->gaps, t->cap * sizeof(*t->gaps));
				}
				t->gaps[t->ngaps++] = (struct gap){ from, r->seq };
			}
		}
		t->any = true;
		t->max_seq = r->seq;
	} else {
		size_t i = find_gap(t, r->seq);

		if (i == t->ngaps) {
			s->repeats++;
			return false;
		}
		fill_gap(t, s, i, r->seq);
		s->reordered += live;
	}
	if (r->seq == 0)
		s->has_hello = strcmp(r->type, "hello") == 0;
	if (strcmp(r->type, "end") == 0)
		end_record(s, r);
	return true;
}

void tally_finish(struct tally *t, struct stream *s)
{
	size_t cap = 0;

	for (size_t i = 0; i < t->ngaps && s->nmissing < PARSE_MISSING_MAX; i++)
		for (uint64_t seq = t->gaps[i].from;
		     seq < t->gaps[i].to && s->nmissing < PARSE_MISSING_MAX; seq++) {
			if (s->nmissing == cap) {
				cap = cap ? 2 * cap : 16;
				s->missing = xrealloc(s->missing, cap * sizeof(*s->missing));
			}
			s->missing[s->nmissing++] = seq;
		}
	s->complete = s->has_hello && s->has_end && s->end_count_ok && !s->nlost;
	free(t->gaps);
	free(t);
}
