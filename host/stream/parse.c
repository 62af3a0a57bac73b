/* Record stream parser (docs/record-format.md). Bytes run through a state
 * machine that spots the magic anywhere, so a candidate record ends at the next
 * line feed or the next magic whatever the input's chunking; each candidate is
 * then checked whole against the grammar and its CRC. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/crc32.h"
#include "host/stream/parse.h"
#include "host/stream/tally.h"
#include "host/stream/text.h"

#define MAGIC "@PL1 "
#define MAGIC_LEN 5
/* Stored bytes of a candidate: a line at the limit, one CR, and the start of a
 * magic that may turn out to end it. Longer candidates are only counted. */
#define CAND_CAP (PARSE_LINE_MAX + 1 + MAGIC_LEN)
#define EXCERPT_MAX 60

struct parser {
	record_cb on_record;
	void *ctx;
	struct stream *s;
	char cand[CAND_CAP];
	size_t cand_len;	/* bytes of the candidate so far, stored or not */
	size_t cand_line;	/* line where it started */
	bool in_cand;
	unsigned magic;		/* bytes of the magic matched so far */
	bool line_bytes;	/* the current line has any byte */
	bool line_text;		/* ... other than CR */
	bool line_magic;	/* ... a record start */
	struct record *arrived;	/* good records in arrival order */
	size_t narrived, arrived_cap;
	/* Seq -> 1 + index into arrived, open addressing; built only when a
	 * record arrives at or below the highest seq so far, as a repeat or a
	 * reordered one, so a stream in order costs no lookups. */
	size_t *seen;
	size_t seen_mask;
	size_t rejects_cap;
	uint64_t max_seq;
	size_t keep_max;	/* parser_keep_max(), 0: no limit */
	size_t kept;		/* bytes the kept records take */
	struct tally *tally;	/* past keep_max: the verdict so far */
};

/* Makes room for one more element of an array that grows by half: the
 * records' array is a good part of a stream's memory, and doubling could
 * leave as much again unused. */
static void *grow(void *arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? *cap + *cap / 2 : 16;
	return xrealloc(arr, *cap * size);
}

struct parser *parser_new(record_cb on_record, void *ctx)
{
	struct parser *p = xrealloc(NULL, sizeof(*p));

	memset(p, 0, sizeof(*p));
	p->on_record = on_record;
	p->ctx = ctx;
	p->s = xrealloc(NULL, sizeof(*p->s));
	memset(p->s, 0, sizeof(*p->s));
	return p;
}

/* Strict decimal: no sign, no leading zero but "0" itself, no overflow. */
static bool parse_dec(const char *d, size_t n, uint64_t *out)
{
	if (n == 0 || n > 20 || (d[0] == '0' && n > 1))
		return false;
	return parse_u64(d, n, out);
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_type_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_key_char(unsigned char c)
{
	return is_type_char(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '.';
}

/* Records have a dozen fields or so: pairs are cheaper than a sort there. */
#define DUP_PAIRS_MAX 16

static int cmp_key(const void *a, const void *b)
{
	return strcmp(field_key(*(const struct field *const *)a),
		      field_key(*(const struct field *const *)b));
}

static bool has_duplicate_key(const struct record *r)
{
	const struct field **sorted;
	bool dup = false;

	if (r->nfields <= DUP_PAIRS_MAX) {
		for (size_t i = 1; i < r->nfields; i++)
			for (size_t j = 0; j < i; j++)
				if (strcmp(field_key(&r->fields[i]), field_key(&r->fields[j])) == 0)
					return true;
		return false;
	}
	sorted = xrealloc(NULL, r->nfields * sizeof(*sorted));
	for (size_t i = 0; i < r->nfields; i++)
		sorted[i] = &r->fields[i];
	qsort(sorted, r->nfields, sizeof(*sorted), cmp_key);
	for (size_t i = 1; i < r->nfields && !dup; i++)
		dup = strcmp(field_key(sorted[i - 1]), field_key(sorted[i])) == 0;
	free(sorted);
	return dup;
}

/* Fields point back at most this far: over the line, the decoded values
 * (never more than the line) and the entries before them. */
_Static_assert(PARSE_LINE_MAX / 2 * sizeof(struct field) + 2 * (PARSE_LINE_MAX + 1)
	       <= UINT16_MAX, "field distances fit in 16 bits");

/* Checks a candidate (text starts with the magic, line end removed) and fills
 * r, its text and fields at the top of the stream's text blocks: the line
 * after the magic with its separators as NULs, the values that needed
 * decoding (decoding only shrinks, so never more than the line), then the
 * fields. Room for the most fields a line may hold (one a space after the
 * magic's and the seq's, as each but the last ends at one) is taken past the
 * most text; a good record's move down to its text's end. Returns NULL
 * when the record is good, with its bytes in used, else the reason;
 * text_keep() then settles what of block stays. */
static const char *check_line(struct stream *s, const char *t, size_t n,
			      struct record *r, char **block, size_t *used)
{
	const char *raw = t + MAGIC_LEN, *q = raw, *end = t + n, *start, *star;
	size_t spaces = 0, text_max;
	struct field *fields, *kept;
	char *line, *w;
	uint32_t crc = 0;

	*block = NULL;
	*used = 0;
	if (n > PARSE_LINE_MAX)
		return "oversize";
	for (size_t i = 0; i < n; i++)
		spaces += t[i] == ' ';
	spaces = spaces > 2 ? spaces - 2 : 0;
	text_max = 2 * (n - MAGIC_LEN + 1);
	*block = line = text_alloc(s, text_max + 1 + spaces * sizeof(struct field));
	fields = (struct field *)(void *)(line + ((text_max + 1) & ~(size_t)1));
	memcpy(line, raw, n - MAGIC_LEN);
	line[n - MAGIC_LEN] = '\0';
	w = line + n - MAGIC_LEN + 1;
	r->len = (uint32_t)(n - MAGIC_LEN);

	for (start = q; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (!parse_dec(start, q - start, &r->seq) || q == end || *q++ != ' ')
		return "malformed";
	for (start = q; q < end && is_type_char(*q); q++)
		;
	if (q == start || q == end || *q != ' ')
		return "malformed";
	r->type = line + (start - raw);
	r->type_at = (uint16_t)(start - raw);
	line[q - raw] = '\0';
	q++;

	while (q < end && *q != '*') {
		struct field *f = &fields[r->nfields++];
		const char *val;
		bool pct = false;

		f->key = (uint16_t)(q - raw);
		for (start = q; q < end && is_key_char(*q); q++)
			;
		if (q == start || q == end || *q != '=')
			return "malformed";
		line[q++ - raw] = '\0';
		for (val = q; q < end && *q != ' '; q++) {
			unsigned char c = *q;

			if (c < 0x21 || c > 0x7e)
				return "malformed";
			pct |= c == '%';
		}
		if (q == end)
			return "malformed";
		line[q - raw] = '\0';
		if (!pct) {
			f->val = (uint16_t)(val - raw);
			f->len = (uint16_t)(q - val);
		} else {
			f->val = (uint16_t)(w - line);
			for (const char *v = val; v < q; v++) {
				int hi, lo;

				if (*v != '%') {
					*w++ = *v;
					continue;
				}
				hi = q - v > 2 ? hexval(v[1]) : -1;
				lo = q - v > 2 ? hexval(v[2]) : -1;
				if (hi < 0 || lo < 0)
					return "malformed";
				*w++ = (char)(hi << 4 | lo);
				v += 2;
			}
			f->len = (uint16_t)(w - line - f->val);
			*w++ = '\0';
		}
		q++;
	}
	if (q == end)
		return "malformed";
	/* The fields, offsets into the text so far, go right after it. */
	kept = (struct field *)(void *)(line + ((w - line + 1) & ~(ptrdiff_t)1));
	for (size_t i = 0; i < r->nfields; i++) {
		struct field f = fields[i];

		kept[i].key = (uint16_t)((char *)&kept[i] - (line + f.key));
		kept[i].val = (uint16_t)((char *)&kept[i] - (line + f.val));
		kept[i].len = f.len;
	}
	r->fields = kept;
	if (has_duplicate_key(r))
		return "malformed";

	star = q++;
	for (int i = 0; i < 8; i++, q++) {
		if (q == end || !((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f')))
			return "malformed";
		crc = crc << 4 | hexval(*q);
	}
	if (q != end)
		return "trailing-bytes";
	if (crc32_update(0, t, star - 1 - t) != crc)
		return "bad-crc";
	*used = (size_t)((char *)(kept + r->nfields) - *block);
	return NULL;
}

/* The seq as written, even on a damaged line: digits right after the magic. */
static int64_t seq_hint(const char *t, size_t n)
{
	int64_t v = 0;
	size_t i;

	for (i = MAGIC_LEN; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
		if (v > (INT64_MAX - (t[i] - '0')) / 10)
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	return i > MAGIC_LEN ? v : -1;
}

static char *excerpt(const char *t, size_t n)
{
	char *e = xrealloc(NULL, 4 * EXCERPT_MAX + 1), *w = e;

	for (size_t i = 0; i < n && i < EXCERPT_MAX; i++) {
		unsigned char c = t[i];
		if (c == '\\')
			w += sprintf(w, "\\\\");
		else if (c >= 0x20 && c <= 0x7e)
			*w++ = c;
		else
			w += sprintf(w, "\\x%02x", c);
	}
	*w = '\0';
	return e;
}

static void add_reject(struct parser *p, const char *reason, const char *t,
		       size_t n, size_t stored)
{
	struct stream *s = p->s;
	struct reject *rj;

	s->rejected++;
	if (s->nrejects == PARSE_REJECTS_MAX)
		return;
	s->rejects = grow(s->rejects, &p->rejects_cap, s->nrejects, sizeof(*rj));
	rj = &s->rejects[s->nrejects++];
	rj->lineno = p->cand_line;
	rj->reason = reason;
	rj->seq_hint = seq_hint(t, n < stored ? n : stored);
	rj->excerpt = excerpt(t, n < stored ? n : stored);
}

static size_t seen_slot(const struct parser *p, uint64_t seq)
{
	size_t i = (size_t)(seq * 0x9e3779b97f4a7c15ull >> 17) & p->seen_mask;

	while (p->seen[i] && p->arrived[p->seen[i] - 1].seq != seq)
		i = (i + 1) & p->seen_mask;
	return i;
}

/* Rebuilt at twice the records' count, so the table stays half empty. */
static void seen_grow(struct parser *p)
{
	size_t cap = 64;

	while (cap < 2 * (p->narrived + 1))
		cap *= 2;
	if (p->seen && p->seen_mask + 1 >= cap)
		return;
	free(p->seen);
	p->seen = xcalloc(cap, sizeof(*p->seen));
	p->seen_mask = cap - 1;
	for (size_t i = 0; i < p->narrived; i++)
		p->seen[seen_slot(p, p->arrived[i].seq)] = i + 1;
}

void parser_keep_max(struct parser *p, size_t bytes)
{
	p->keep_max = bytes;
}

/* Over keep_max: the records kept so far go into a tally, then go. */
static void drop_kept(struct parser *p)
{
	p->tally = tally_new();
	for (size_t i = 0; i < p->narrived; i++)
		tally_record(p->tally, p->s, &p->arrived[i], false);
	p->s->counted = p->narrived;
	free(p->arrived);
	free(p->seen);
	p->arrived = NULL;
	p->seen = NULL;
	p->narrived = p->arrived_cap = 0;
	text_free(p->s);
}

/* r's text (used bytes from its start) is the newest in the text blocks. */
static void add_record(struct parser *p, struct record *r, size_t used)
{
	if (p->tally) {
		if (tally_record(p->tally, p->s, r, true)) {
			p->s->counted++;
			p->s->errors += strcmp(r->type, "error") == 0;
			if (p->on_record)
				p->on_record(r, p->ctx);
		}
		text_keep(p->s, r->type - r->type_at, 0);
		return;
	}
	if (p->narrived && r->seq <= p->max_seq) {
		size_t slot;

		seen_grow(p);
		slot = seen_slot(p, r->seq);
		if (p->seen[slot]) {
			if (record_same(&p->arrived[p->seen[slot] - 1], r))
				p->s->duplicates++;
			else
				p->s->conflicts++;
			text_keep(p->s, r->type - r->type_at, 0);
			return;
		}
		p->s->reordered++;
	} else {
		p->max_seq = r->seq;
	}
	p->arrived = grow(p->arrived, &p->arrived_cap, p->narrived, sizeof(*r));
	p->arrived[p->narrived] = *r;
	if (p->seen) {
		seen_grow(p);
		p->seen[seen_slot(p, r->seq)] = p->narrived + 1;
	}
	p->s->errors += strcmp(r->type, "error") == 0;
	if (p->on_record)
		p->on_record(&p->arrived[p->narrived], p->ctx);
	p->narrived++;
	p->kept += used + sizeof(*r);
	if (p->keep_max && p->kept > p->keep_max)
		drop_kept(p);
}

/* The candidate's first len bytes are its text (with a CR still on it). */
static void end_candidate(struct parser *p, size_t len)
{
	size_t stored = p->cand_len < CAND_CAP ? p->cand_len : CAND_CAP;
	struct record r = { 0 };
	const char *reason;
	char *block;
	size_t used;

	if (!p->in_cand)
		return;
	p->in_cand = false;
	/* Terminals and capture tools add CRs (script(1) writes CR CR LF) and
	 * NULs (padding) before the line feed: none of them is record text. */
	while (len > MAGIC_LEN && len <= stored &&
	       (p->cand[len - 1] == '\r' || p->cand[len - 1] == '\0'))
		len--;
	r.lineno = p->cand_line;
	reason = check_line(p->s, p->cand, len, &r, &block, &used);
	if (reason) {
		if (block)
			text_keep(p->s, block, 0);
		add_reject(p, reason, p->cand, len, stored);
	} else {
		text_keep(p->s, block, used);
		add_record(p, &r, used);
	}
}

static void end_line(struct parser *p)
{
	p->s->lines++;
	if (p->line_text && !p->line_magic)
		p->s->narration_lines++;
	p->line_bytes = p->line_text = p->line_magic = false;
}

static void feed_byte(struct parser *p, unsigned char c)
{
	if (c == '\n') {
		end_candidate(p, p->cand_len);
		end_line(p);
		p->magic = 0;
		return;
	}
	p->line_bytes = true;
	if (c != '\r' && c != '\0')
		p->line_text = true;
	if (p->in_cand) {
		if (p->cand_len < CAND_CAP)
			p->cand[p->cand_len] = c;
		p->cand_len++;
	}
	/* No proper prefix of the magic is also a suffix of it, so a mismatch
	 * restarts the match at 0, or at 1 on a new '@'. */
	if (c == (unsigned char)MAGIC[p->magic])
		p->magic++;
	else
		p->magic = c == '@';
	if (p->magic < MAGIC_LEN)
		return;
	p->magic = 0;
	/* The magic went into the candidate it ends. */
	end_candidate(p, p->cand_len - MAGIC_LEN);
	memcpy(p->cand, MAGIC, MAGIC_LEN);
	p->cand_len = MAGIC_LEN;
	p->cand_line = p->s->lines + 1;
	p->in_cand = true;
	p->line_magic = true;
}

/* Bytes that neither end a line nor may start a magic, outside a partial
 * magic, only extend the line and the candidate: taken a run at a time. */
static size_t feed_run(struct parser *p, const unsigned char *b, size_t len)
{
	size_t n = 0;
	bool text = false;

	while (n < len && b[n] != '\n' && b[n] != '@') {
		text |= b[n] != '\r' && b[n] != '\0';
		n++;
	}
	if (!n)
		return 0;
	p->line_bytes = true;
	p->line_text |= text;
	if (p->in_cand) {
		if (p->cand_len < CAND_CAP)
			memcpy(p->cand + p->cand_len, b,
			       n < CAND_CAP - p->cand_len ? n : CAND_CAP - p->cand_len);
		p->cand_len += n;
	}
	return n;
}

void parser_feed(struct parser *p, const void *buf, size_t len)
{
	const unsigned char *b = buf;
	size_t i = 0, n;

	while (i < len) {
		if (!p->magic && (n = feed_run(p, b + i, len - i))) {
			i += n;
			continue;
		}
		feed_byte(p, b[i++]);
	}
}

static void add_missing(struct stream *s, size_t *cap, uint64_t from, uint64_t to)
{
	s->nlost += to - from;
	for (uint64_t seq = from; seq < to && s->nmissing < PARSE_MISSING_MAX; seq++) {
		s->missing = grow(s->missing, cap, s->nmissing, sizeof(*s->missing));
		s->missing[s->nmissing++] = seq;
	}
}

static void verdict(struct stream *s)
{
	const struct record *end = NULL;
	const char *count;
	uint64_t next = 0, n;
	size_t cap = 0;

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *r = &s->recs[i];
		if (r->seq > next)
			add_missing(s, &cap, next, r->seq);
		next = r->seq + 1;
		if (strcmp(r->type, "end") == 0)
			end = r;
	}
	s->has_hello = s->nrecs && s->recs[0].seq == 0 &&
		       strcmp(s->recs[0].type, "hello") == 0;
	if (end) {
		s->has_end = true;
		s->end_seq = end->seq;
		s->end_status = record_get(end, "status");
		count = record_get(end, "count");
		s->end_count_ok = count && parse_dec(count, strlen(count), &n) &&
				  n == end->seq;
	}
	s->complete = s->has_hello && s->has_end && s->end_count_ok && !s->nlost;
}

static int by_seq(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

struct stream *parser_finish(struct parser *p)
{
	struct stream *s = p->s;

	end_candidate(p, p->cand_len);
	if (p->line_bytes)
		end_line(p);
	if (p->tally) {
		tally_finish(p->tally, s);
		free(p);
		return s;
	}
	s->nrecs = p->narrived;
	s->recs = xrealloc(p->arrived, s->nrecs * sizeof(*s->recs));
	/* Seqs are unique by now: any sort gives the one order. */
	if (s->reordered)
		qsort(s->recs, s->nrecs, sizeof(*s->recs), by_seq);
	free(p->seen);
	free(p);
	verdict(s);
	return s;
}

void stream_free(struct stream *s)
{
	if (!s)
		return;
	text_free(s);
	for (size_t i = 0; i < s->nrejects; i++)
		free(s->rejects[i].excerpt);
	free(s->recs);
	free(s->rejects);
	free(s->missing);
	free(s->end_text);
	free(s);
}
