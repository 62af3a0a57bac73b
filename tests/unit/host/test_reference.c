/* pmulab run --reference's merge (host/plugin/reference.c): plugin regions
 * paired with the benches that state them (region0), n2 - n1 per measured run,
 * warm-up left out, median/min/max, signed differences, single benches,
 * regions the plugin never saw, and files that are not the plugin's (nor
 * regular, nor under PARSE_FILE_MAX). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "host/plugin/reference.h"
#include "tests/unit/models/streams.h"

#define COLS "region insns branches cond cond_taken cond_miss ind ind_miss Ir I1mr ILmr " \
	"Dr D1mr DLmr Dw D1mw DLmw"

/* A new file holding text; its path lives until the next call. */
static const char *tmpfile_with(const char *text)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/pmulab-test-reference-XXXXXX");
	f = fdopen(mkstemp(path), "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return path;
}

/* Region r: insns from the table, cond_miss = r, ind_miss = 10 r, rest 0. */
static const char *plugin_file(void)
{
	static const unsigned insns[12] = { 1000, 1, 300, 100, 500, 100, 150, 50, 7, 5, 9, 6 };
	static char text[4096];
	size_t n = snprintf(text, sizeof(text), "# pmulab-plugin 1 I1=...\n# " COLS "\n");

	for (unsigned r = 0; r < 12; r++)
		n += snprintf(text + n, sizeof(text) - n,
			      "%u %u 0 0 0 %u 0 %u 0 0 0 0 0 0 0 0 0\n", r, insns[r], r, 10 * r);
	snprintf(text + n, sizeof(text) - n, "# end regions=12\n");
	return tmpfile_with(text);
}

static const struct record *counter(const struct stream *s, const char *bench,
				    const char *event)
{
	for (size_t i = 0; i < s->nrecs; i++) {
		const struct record *r = &s->recs[i];
		const char *b = record_get(r, "bench"), *e = record_get(r, "event");
		if (!strcmp(r->type, "counter") && b && e && !strcmp(b, bench) && !strcmp(e, event))
			return r;
	}
	return NULL;
}

static void test_merge(void)
{
	static const char *const bodies[] = {
		"hello format=1",
		"bench name=a method=difference warmup=1 runs=3 region0=0",
		"bench name=s method=single warmup=1 runs=3 region0=8",
		"bench name=late method=difference warmup=1 runs=3 region0=12",
		"bench name=skipped skipped=no-memory",
		"end count=5 status=ok",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	struct reference ref = { .plugin = "x.so" };
	const struct record *r;
	const char *file = plugin_file();
	char err[256];
	uint64_t v;

	reference_defaults(&ref);
	s = reference_merge(s, file, &ref, err, sizeof(err));
	remove(file);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(s->complete);
	CHECK_U64(s->nrejects, 0);
	CHECK_STR(s->recs[6].type, "reference");
	CHECK_U64(s->recs[6].seq, 6);
	CHECK_STR(record_get(&s->recs[6], "regions"), "12");
	CHECK_STR(record_get(&s->recs[6], "benches"), "3");
	CHECK_STR(record_get(&s->recs[6], "LL"), "8388608,16,64");
	/* 3 benches with regions, 18 events each, numbered on. */
	CHECK_U64(s->nrecs, 7 + 3 * 18);
	CHECK_U64(s->recs[s->nrecs - 1].seq, s->nrecs - 1);

	/* Warm-up (1000 - 1) left out; runs 300-100, 500-100, 150-50. */
	r = counter(s, "a", "instructions");
	CHECK(r && record_u64(r, "value", &v) && v == 200);
	CHECK_STR(r ? record_get(r, "src") : NULL, "model");
	CHECK_STR(r ? record_get(r, "min") : NULL, "100");
	CHECK_STR(r ? record_get(r, "max") : NULL, "400");
	CHECK_STR(r ? record_get(r, "runs") : NULL, "3");
	CHECK_STR(r ? record_get(r, "cg") : NULL, "Ir");
	CHECK_STR(r ? record_get(r, "D1") : NULL, "32768,8,64");
	/* n2's region comes first, so a count that grows by region is
	 * negative: (r + 10 r) - ((r + 1) + 10 (r + 1)). */
	r = counter(s, "a", "branch-misses");
	CHECK_STR(r ? record_get(r, "value") : NULL, "-11");
	CHECK_STR(r ? record_get(r, "cg") : NULL, "Bcm+Bim");
	r = counter(s, "a", "branches");
	CHECK(r && !record_get(r, "cg"));
	/* Single: the runs' own regions 9, 10, 11 (5, 9, 6). */
	r = counter(s, "s", "instructions");
	CHECK_STR(r ? record_get(r, "value") : NULL, "6");
	CHECK_STR(r ? record_get(r, "min") : NULL, "5");
	CHECK_STR(r ? record_get(r, "max") : NULL, "9");
	/* Regions past the plugin's last: said, not invented. */
	r = counter(s, "late", "instructions");
	CHECK_STR(r ? record_get(r, "src") : NULL, "none");
	CHECK_STR(r ? record_get(r, "reason") : NULL, "no-plugin-region");
	CHECK(r && !record_get(r, "value"));
	CHECK(!counter(s, "skipped", "instructions"));
	stream_free(s);
}

static void test_bad_files(void)
{
	static const char *const bodies[] = { "hello format=1", "end count=1 status=ok", NULL };
	struct reference ref = { .plugin = "x.so" };
	struct stream *s = stream_of(bodies), *m;
	const char *file;
	char err[256];

	reference_defaults(&ref);
	m = reference_merge(s, "/nonexistent/reference.txt", &ref, err, sizeof(err));
	CHECK(!m && strstr(err, "No such file"));
	file = tmpfile_with("0 1 2 3\n");
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) &&
	      strstr(err, "no '# region' column header"));
	remove(file);
	file = tmpfile_with("# region insns\n0 5\n2 7\n");
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) && strstr(err, ":3: not region 1"));
	remove(file);
	file = tmpfile_with("# region insns\n0 5x\n");
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) && strstr(err, ":2:"));
	remove(file);
	file = tmpfile_with("# region insns\n0 5 6\n");
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) && strstr(err, ":2:"));
	remove(file);
	file = tmpfile_with("# region insns\n0 -5\n");
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) && strstr(err, ":2:"));
	remove(file);
	/* Read as captures are: a FIFO without a writer would never end, and a
	 * file has at most PARSE_FILE_MAX bytes. */
	file = tmpfile_with("");
	remove(file);
	CHECK(mkfifo(file, 0600) == 0);
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) &&
	      strstr(err, ": a FIFO, not a regular file"));
	remove(file);
	file = tmpfile_with("");
	CHECK(truncate(file, PARSE_FILE_MAX + 1) == 0);
	CHECK(!reference_merge(s, file, &ref, err, sizeof(err)) &&
	      strstr(err, ": over 256 MiB, the most pmulab reads of one file"));
	remove(file);
	/* The stream is the caller's, untouched, until a merge succeeds. */
	CHECK_U64(s->nrecs, 2);
	CHECK_STR(s->recs[1].type, "end");
	stream_free(s);
}

static void test_plugin_arg(void)
{
	struct reference ref = { .plugin = "/a,b/p.so" };
	char *arg;

	reference_defaults(&ref);
	arg = reference_plugin_arg(&ref, "/runs/x,y/reference.txt");
	CHECK_STR(arg, "/a,,b/p.so,out=/runs/x,,y/reference.txt,i1=32768:8:64,d1=32768:8:64,"
		       "ll=8388608:16:64");
	free(arg);
}

int main(void)
{
	streams_init();
	test_merge();
	test_bad_files();
	test_plugin_arg();
	return unit_done("reference");
}
