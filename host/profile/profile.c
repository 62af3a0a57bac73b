/* Profiles as folded stacks (profile.h): the model, the call tree and the
 * text views of it: folded lines, perf report's histogram, the call graphs
 * and the comparison of two profiles. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/profile/profile.h"

#define TREE_DEPTH_MAX 4096	/* deeper than any stack a sample carries */

struct profile *profile_new(void)
{
	return xcalloc(1, sizeof(struct profile));
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->st[i].key);
	free(p->st);
	free(p);
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_hex(s[i]))
		i++;
	return i;
}

size_t profile_strip_offset(const char *name, size_t len)
{
	for (size_t i = len; i-- > 0;) {
		size_t at = i + 3, h;

		if (name[i] != '+')
			continue;
		if (len - i < 4 || memcmp(name + i, "+0x", 3) != 0)
			return len;
		h = hex_run(name + at, len - at);
		if (h && at + h == len)
			return i;
		if (h && len - at - h > 3 && memcmp(name + at + h, "/0x", 3) == 0 &&
		    hex_run(name + at + h + 3, len - at - h - 3) == len - at - h - 3)
			return i;
		return len;
	}
	return len;
}

const char *profile_frame_check(const char *name, size_t len)
{
	if (!len)
		return "an empty frame";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = name[i];
		if (c == ';')
			return "a ';' in a frame (folded stacks separate frames with it)";
		if (c < 0x20 || c == 0x7f)
			return "a control byte in a frame";
	}
	return NULL;
}

const char *profile_add(struct profile *p, const char *const *frames, size_t depth,
			uint64_t count)
{
	size_t len = 0, at = 0;
	const char *why;
	char *key;

	if (!depth)
		return "a sample without frames";
	for (size_t i = 0; i < depth; i++) {
		if ((why = profile_frame_check(frames[i], strlen(frames[i]))))
			return why;
		len += strlen(frames[i]) + 1;
	}
	if (p->total + count < p->total)
		return "more samples than 64 bits count";
	key = xcalloc(len, 1);
	for (size_t i = 0; i < depth; i++) {
		size_t n = strlen(frames[i]);
		memcpy(key + at, frames[i], n);
		at += n;
		key[at++] = i + 1 < depth ? ';' : '\0';
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->st = realloc(p->st, p->cap * sizeof(*p->st));
		if (!p->st) {
			fprintf(stderr, "pmulab: out of memory\n");
			exit(1);
		}
	}
	p->st[p->n++] = (struct pstack){ .key = key, .count = count };
	p->total += count;
	return NULL;
}

static int by_key(const void *x, const void *y)
{
	const struct pstack *a = x, *b = y;

	return strcmp(a->key, b->key);
}

void profile_finish(struct profile *p)
{
	size_t out = 0;

	if (p->n)
		qsort(p->st, p->n, sizeof(*p->st), by_key);
	for (size_t i = 0; i < p->n; i++) {
		if (out && strcmp(p->st[out - 1].key, p->st[i].key) == 0) {
			p->st[out - 1].count += p->st[i].count;
			free(p->st[i].key);
			continue;
		}
		p->st[out++] = p->st[i];
	}
	p->n = out;
}

/* ------------------------------------------------------------ the tree ---- */

static struct pnode *child(struct pnode *n, const char *name, size_t len)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (strlen(n->kids[i].name) == len && memcmp(n->kids[i].name, name, len) == 0)
			return &n->kids[i];
	if (n->nkids == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 4;
		n->kids = realloc(n->kids, n->cap * sizeof(*n->kids));
		if (!n->kids) {
			fprintf(stderr, "pmulab: out of memory\n");
			exit(1);
		}
	}
	n->kids[n->nkids] = (struct pnode){ .name = strndup(name, len) };
	return &n->kids[n->nkids++];
}

/* The frames of a key as (start, length) pairs, outermost first. */
static size_t split_key(const char *key, const char **start, size_t *len, size_t max)
{
	size_t n = 0;

	for (const char *p = key; n < max; p++) {
		const char *e = strchr(p, ';');
		start[n] = p;
		len[n++] = e ? (size_t)(e - p) : strlen(p);
		if (!e)
			break;
		p = e;
	}
	return n;
}

struct pnode *profile_tree(const struct profile *p, bool callee)
{
	struct pnode *root = xcalloc(1, sizeof(*root));
	const char **start = xcalloc(TREE_DEPTH_MAX, sizeof(*start));
	size_t *len = xcalloc(TREE_DEPTH_MAX, sizeof(*len));

	root->name = strdup("all");
	for (size_t i = 0; i < p->n; i++) {
		size_t depth = split_key(p->st[i].key, start, len, TREE_DEPTH_MAX);
		struct pnode *n = root;

		n->count += p->st[i].count;
		for (size_t d = 0; d < depth; d++) {
			size_t f = callee ? depth - 1 - d : d;
			n = child(n, start[f], len[f]);
			n->count += p->st[i].count;
		}
		n->self += p->st[i].count;
	}
	free(start);
	free(len);
	return root;
}

static void node_free(struct pnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_free(&n->kids[i]);
	free(n->kids);
	free(n->name);
}

void profile_tree_free(struct pnode *root)
{
	if (!root)
		return;
	node_free(root);
	free(root);
}

/* ------------------------------------------------------- the functions ---- */

static int by_name(const void *x, const void *y)
{
	const struct profile_sym *a = x, *b = y;

	return strcmp(a->name, b->name);
}

static int by_self(const void *x, const void *y)
{
	const struct profile_sym *a = x, *b = y;

	if (a->self != b->self)
		return a->self < b->self ? 1 : -1;
	return strcmp(a->name, b->name);
}

static struct profile_sym *sym_find(struct profile_sym *rows, size_t n, const char *name,
				    size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(rows[mid].name, name, len);
		if (!c && rows[mid].name[len])
			c = 1;
		if (!c)
			return &rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t profile_syms(const struct profile *p, struct profile_sym **out)
{
	const char **start = xcalloc(TREE_DEPTH_MAX, sizeof(*start));
	size_t *len = xcalloc(TREE_DEPTH_MAX, sizeof(*len)), n = 0, cap = 16;
	struct profile_sym *rows = xcalloc(cap, sizeof(*rows));

	/* Every distinct name once, sorted, then counted by binary search. */
	for (size_t i = 0; i < p->n; i++) {
		size_t depth = split_key(p->st[i].key, start, len, TREE_DEPTH_MAX);
		for (size_t d = 0; d < depth; d++) {
			if (n == cap) {
				cap *= 2;
				rows = realloc(rows, cap * sizeof(*rows));
				if (!rows)
					abort();
			}
			rows[n++] = (struct profile_sym){ .name = strndup(start[d], len[d]) };
		}
	}
	if (n)
		qsort(rows, n, sizeof(*rows), by_name);
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		if (u && strcmp(rows[u - 1].name, rows[i].name) == 0) {
			free(rows[i].name);
			continue;
		}
		rows[u++] = rows[i];
	}
	n = u;
	for (size_t i = 0; i < p->n; i++) {
		size_t depth = split_key(p->st[i].key, start, len, TREE_DEPTH_MAX);
		for (size_t d = 0; d < depth; d++) {
			struct profile_sym *r = sym_find(rows, n, start[d], len[d]);
			bool seen = false;
			/* A recursive function counts once per sample in total. */
			for (size_t e = 0; e < d && !seen; e++)
				seen = len[e] == len[d] && !memcmp(start[e], start[d], len[d]);
			if (!seen)
				r->total += p->st[i].count;
			if (d + 1 == depth)
				r->self += p->st[i].count;
		}
	}
	if (n)
		qsort(rows, n, sizeof(*rows), by_self);
	free(start);
	free(len);
	*out = rows;
	return n;
}

void profile_syms_free(struct profile_sym *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
}

/* ------------------------------------------------------------- views ---- */

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void profile_folded(FILE *out, const struct profile *p)
{
	for (size_t i = 0; i < p->n; i++)
		fprintf(out, "%s %" PRIu64 "\n", p->st[i].key, p->st[i].count);
}

void profile_histogram(FILE *out, const struct profile *p)
{
	struct profile_sym *rows;
	size_t n = profile_syms(p, &rows);

	fputs("# Overhead       Samples  Symbol\n"
	      "# ........  ............  ......\n"
	      "#\n", out);
	for (size_t i = 0; i < n && rows[i].self; i++)
		fprintf(out, "%9.2f%%  %12" PRIu64 "  %s\n", share(rows[i].self, p->total),
			rows[i].self, rows[i].name);
	profile_syms_free(rows, n);
}

static int by_count(const void *x, const void *y)
{
	const struct pnode *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* Self samples mean something only where a stack ends: in the caller tree. */
static void tree_lines(FILE *out, struct pnode *n, uint64_t total, unsigned depth,
		       bool self)
{
	if (n->nkids)
		qsort(n->kids, n->nkids, sizeof(*n->kids), by_count);
	for (size_t i = 0; i < n->nkids; i++) {
		struct pnode *k = &n->kids[i];
		fprintf(out, "%9.2f%%  %12" PRIu64 "  %*s%s", share(k->count, total), k->count,
			2 * depth, "", k->name);
		if (self && k->nkids && k->self)
			fprintf(out, "  [self %" PRIu64 ", %.2f%%]", k->self, share(k->self, total));
		fputc('\n', out);
		if (depth < TREE_DEPTH_MAX)
			tree_lines(out, k, total, depth + 1, self);
	}
}

void profile_callgraph(FILE *out, const struct profile *p, bool callee)
{
	struct pnode *root = profile_tree(p, callee);

	if (callee)
		fputs("# call graph, callee-based: each sampled function, then the chains "
		      "that called it\n", out);
	else
		fputs("# call graph, caller-based (perf report -G): from the outermost "
		      "frame in\n", out);
	fputs("# share of all samples, samples through the frame", out);
	fputs(callee ? "\n#\n" : ", [self: samples taken in it]\n#\n", out);
	tree_lines(out, root, p->total, 0, !callee);
	profile_tree_free(root);
}

static void compare_cell(FILE *out, const struct profile_sym *rows, size_t n,
			 const char *name, uint64_t total)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rows[i].name, name) == 0 && rows[i].self) {
			fprintf(out, "  %8.2f%%  %10" PRIu64, share(rows[i].self, total),
				rows[i].self);
			return;
		}
	}
	fprintf(out, "  %9s  %10s", "-", "-");
}

static bool listed(const struct profile_sym *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return true;
	return false;
}

void profile_compare(FILE *out, const struct profile *a, const char *name_a,
		     const struct profile *b, const char *name_b, size_t top)
{
	struct profile_sym *ra, *rb, *rows;
	size_t na = profile_syms(a, &ra), nb = profile_syms(b, &rb), n = 0;
	size_t ta = na < top ? na : top, tb = nb < top ? nb : top;

	rows = xcalloc(ta + tb + 1, sizeof(*rows));
	for (size_t i = 0; i < ta; i++)
		if (ra[i].self)
			rows[n++] = ra[i];
	for (size_t i = 0; i < tb; i++)
		if (rb[i].self && !listed(rows, n, rb[i].name))
			rows[n++] = rb[i];
	fprintf(out, "# A: %s: %" PRIu64 " samples\n# B: %s: %" PRIu64 " samples\n"
		"# top %zu functions of each by self samples (share of all samples)\n#\n",
		name_a, a->total, name_b, b->total, top);
	fprintf(out, "  %9s  %10s  %9s  %10s  %s\n", "A share", "A samples", "B share",
		"B samples", "symbol");
	for (size_t i = 0; i < n; i++) {
		compare_cell(out, ra, na, rows[i].name, a->total);
		compare_cell(out, rb, nb, rows[i].name, b->total);
		fprintf(out, "  %s\n", rows[i].name);
	}
	free(rows);
	profile_syms_free(ra, na);
	profile_syms_free(rb, nb);
}
