/* Profiles: sample records written by the payload's writer, read back by
 * the host parser, folded, and printed as perf report's histogram, the call
 * trees, folded lines, perf script text and a flame graph, compared byte
 * for byte; folded and perf script text from other tools read into the same
 * model; the SVG checked for well-formed XML by a small checker of its own
 * and its frame counts summed. */
#include <ctype.h>
#include <stdlib.h>
#include "host/profile/flamegraph.h"
#include "host/stream/parse.h"
#include "host/profile/profile.h"
#include "host/profile/profile_share.h"
#include "lib/record.h"
#include "tests/unit/models/streams.h"
#include "tests/unit/unit.h"

#define SAMPLING "sampling run=spin src=timer period=1000 unit=apic-ticks samples=10 " \
	"lost=0 throttled=0 random=0 stack_src=fp"
#define HOT "sample run=spin src=timer idx=0 rip=0x1012 sym=hot+0x12 " \
	"stack=work+0x33,efi_main+0x99 stack_src=fp"
#define COLD "sample run=spin src=timer idx=0 rip=0x2004 sym=cold+0x4 " \
	"stack=work+0x40,efi_main+0x99 stack_src=fp"
#define WORK "sample run=spin src=timer idx=0 rip=0x3010 sym=work+0x10 " \
	"stack=efi_main+0x99 stack_src=fp"
#define TOP "sample run=spin src=timer idx=0 rip=0x4005 sym=efi_main+0x5 stack=none " \
	"stack_src=fp"

/* The known set: 6 in hot, 2 in cold (both called by work), 1 in work, 1
 * in efi_main itself. */
static const char *const spin[] = {
	"hello format=1 payload=0.1.0 boot=qemu", SAMPLING,
	HOT, HOT, HOT, HOT, HOT, HOT, COLD, COLD, WORK, TOP,
	"end count=13 status=ok", NULL,
};

static const char folded_spin[] =
	"efi_main 1\n"
	"efi_main;work 1\n"
	"efi_main;work;cold 2\n"
	"efi_main;work;hot 6\n";

static char *text_of(struct profile *p, void (*fn)(FILE *, const struct profile *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, p);
	fclose(f);
	return buf;
}

static void callers(FILE *f, const struct profile *p)
{
	profile_callgraph(f, p, false);
}

static void callees(FILE *f, const struct profile *p)
{
	profile_callgraph(f, p, true);
}

static struct profile *spin_profile(void)
{
	struct stream *s = stream_of(spin);
	size_t bad = 1;
	struct profile *p = profile_from_stream(s, "spin", NULL, &bad);

	CHECK_U64(bad, 0);
	stream_free(s);
	return p;
}

static void test_strip_offset(void)
{
	static const struct { const char *in; size_t keep; } cases[] = {
		{ "hot+0x12", 3 }, { "hot", 3 }, { "hot+0x1f/0x40", 3 },
		{ "operator+", 9 }, { "a+b+0x0", 3 }, { "x+0xg", 5 }, { "+0x10", 0 },
		{ "f+0x", 4 }, { "f+0x1/0x", 8 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_U64(profile_strip_offset(cases[i].in, strlen(cases[i].in)), cases[i].keep);
}

static void test_folded_and_histogram(void)
{
	struct profile *p = spin_profile();
	char *t;

	CHECK_U64(p->total, 10);
	CHECK_STR(t = text_of(p, profile_folded), folded_spin);
	free(t);
	CHECK_STR(t = text_of(p, profile_histogram),
		  "# Overhead       Samples  Symbol\n"
		  "# ........  ............  ......\n"
		  "#\n"
		  "    60.00%             6  hot\n"
		  "    20.00%             2  cold\n"
		  "    10.00%             1  efi_main\n"
		  "    10.00%             1  work\n");
	free(t);
	profile_free(p);
}

static void test_callgraphs(void)
{
	struct profile *p = spin_profile();
	char *t;

	CHECK_STR(t = text_of(p, callers),
		  "# call graph, caller-based (perf report -G): from the outermost frame in\n"
		  "# share of all samples, samples through the frame, [self: samples taken "
		  "in it]\n"
		  "#\n"
		  "   100.00%            10  efi_main  [self 1, 10.00%]\n"
		  "    90.00%             9    work  [self 1, 10.00%]\n"
		  "    60.00%             6      hot\n"
		  "    20.00%             2      cold\n");
	free(t);
	CHECK_STR(t = text_of(p, callees),
		  "# call graph, callee-based: each sampled function, then the chains that "
		  "called it\n"
		  "# share of all samples, samples through the frame\n"
		  "#\n"
		  "    60.00%             6  hot\n"
		  "    60.00%             6    work\n"
		  "    60.00%             6      efi_main\n"
		  "    20.00%             2  cold\n"
		  "    20.00%             2    work\n"
		  "    20.00%             2      efi_main\n"
		  "    10.00%             1  efi_main\n"
		  "    10.00%             1  work\n"
		  "    10.00%             1    efi_main\n");
	free(t);
	profile_free(p);
}

/* Recursion counts a function once per sample in its total. */
static void test_syms(void)
{
	static const char *const st[] = {
		"sample run=r idx=0 rip=0x1 sym=rec+0x1 stack=rec+0x9,rec+0x9,main+0x2", NULL,
	};
	struct stream *s = stream_of(st);
	size_t bad, n;
	struct profile *p = profile_from_stream(s, NULL, NULL, &bad);
	struct profile_sym *rows;
	char *t;

	CHECK_STR(t = text_of(p, profile_folded), "main;rec;rec;rec 1\n");
	free(t);
	n = profile_syms(p, &rows);
	CHECK_U64(n, 2);
	CHECK_STR(rows[0].name, "rec");
	CHECK_U64(rows[0].self, 1);
	CHECK_U64(rows[0].total, 1);
	CHECK_STR(rows[1].name, "main");
	CHECK_U64(rows[1].self, 0);
	CHECK_U64(rows[1].total, 1);
	profile_syms_free(rows, n);
	profile_free(p);
	stream_free(s);
}

/* Bad samples are named and left out; the others still count. */
static void test_bad_samples(void)
{
	static const char *const st[] = {
		"sampling run=a src=timer period=5 samples=5",
		"sample run=a idx=0 rip=0x10 sym=hot+0x1 stack=work+0x3,,main+0x1",
		"sample run=a idx=1 rip=0x10 sym=+0x1 stack=main+0x1",
		"sample run=a idx=2 sym=? stack=main+0x1",
		"sample idx=3 rip=0x10 sym=hot+0x1",
		"sample run=a idx=4 rip=0xabc sym=? stack=?,main+0x1",
		"sample run=b idx=0 rip=0x10 sym=hot+0x1 stack=,",
		NULL,
	};
	uint64_t base = rec_count();
	char *msgs = NULL, *t, want[600];
	size_t len = 0, bad;
	FILE *errs = open_memstream(&msgs, &len);
	struct stream *s;
	struct profile *p;
	struct rec r;

	/* A ';' in a frame would split it: written by hand, as emit() cannot. */
	rec_begin(&r, "sample");
	rec_str(&r, "run", "a");
	rec_str(&r, "idx", "5");
	rec_str(&r, "sym", "a;b+0x1");
	rec_end(&r);
	s = stream_of(st);
	p = profile_from_stream(s, "a", errs, &bad);
	fclose(errs);
	CHECK_U64(bad, 4);
	snprintf(want, sizeof(want),
		 "sample seq %" PRIu64 ": sym: a ';' in a frame (folded stacks separate frames "
		 "with it) in a;b+0x1\n"
		 "sample seq %" PRIu64 ": stack: frame 2: an empty frame in work+0x3,,main+0x1\n"
		 "sample seq %" PRIu64 ": sym: a frame that is only an offset in +0x1\n"
		 "sample seq %" PRIu64 ": sym: absent or unknown, and no rip to name the frame "
		 "in ?\n", base, base + 2, base + 3, base + 4);
	CHECK_STR(msgs, want);
	CHECK_STR(t = text_of(p, profile_folded), "main;[unknown];0xabc 1\n");
	free(t);
	free(msgs);
	profile_free(p);
	stream_free(s);
}

static void test_runs(void)
{
	static const char *const st[] = {
		"sampling run=a samples=0", "sample run=b idx=0 rip=0x1 sym=f",
		"sample run=a idx=0 rip=0x1 sym=g", NULL,
	};
	struct stream *s = stream_of(st);
	const char **runs;
	size_t n = profile_runs(s, &runs);

	CHECK_U64(n, 2);
	CHECK_STR(runs[0], "a");
	CHECK_STR(runs[1], "b");
	free(runs);
	stream_free(s);
}

static void test_perf_script_out(void)
{
	static const char *const st[] = {
		"sampling run=pmi src=pmi event=cycles period=100003 samples=2",
		"sample run=pmi src=pmi idx=0 rip=0xffff0012 sym=hot+0x12 stack=0x4444,main+0x9",
		"sample run=pmi src=pmi idx=1000001 rip=0xffff0000 sym=main+0x0 stack=",
		NULL,
	};
	struct stream *s = stream_of(st);
	char *buf = NULL, err[200];
	size_t len = 0, bad;
	FILE *f = open_memstream(&buf, &len);
	struct profile *p;

	CHECK_U64(profile_perf_script(f, s, NULL, NULL, &bad), 2);
	fclose(f);
	CHECK_U64(bad, 0);
	CHECK_STR(buf,
		  "pmi 0/0 0.000000: 100003 cycles:\n"
		  "\t        ffff0012 hot+0x12 (pmulab.efi)\n"
		  "\t            4444 0x4444 (pmulab.efi)\n"
		  "\t               0 main+0x9 (pmulab.efi)\n"
		  "\n"
		  "pmi 0/0 1.000001: 100003 cycles:\n"
		  "\t        ffff0000 main+0x0 (pmulab.efi)\n"
		  "\n");
	/* What pmulab writes, pmulab (and stackcollapse-perf) reads back. */
	p = profile_from_perf_script(buf, len, err, sizeof(err));
	CHECK(p != NULL);
	if (p) {
		char *t = text_of(p, profile_folded);
		CHECK_STR(t, "main 1\nmain;0x4444;hot 1\n");
		free(t);
	}
	profile_free(p);
	free(buf);
	stream_free(s);
}

/* perf script's default output (perf record -g), in the layout
 * Documentation/perf-script.txt gives: a header, the callchain innermost
 * first, a blank line; a sample without callchain on one line. */
static const char perf_text[] =
	"# ========\n"
	"# captured on    : Thu Jan  1 00:00:00 2026\n"
	"# ========\n"
	"#\n"
	"bench 4242/4242 [001] 12.345678:     250000 cycles:u: \n"
	"\t    55d0c0de1149 hot+0x19 (/opt/demo/bench)\n"
	"\t    55d0c0de1180 work+0x20 (/opt/demo/bench)\n"
	"\t    55d0c0de11c0 main+0x2f (/opt/demo/bench)\n"
	"\t    7f3a8c029d90 __libc_start_call_main+0x80 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	"\n"
	"bench 4242/4242 [001] 12.345901:     250000 cycles:u: \n"
	"\t    55d0c0de1149 hot+0x19 (/opt/demo/bench)\n"
	"\t    55d0c0de1180 work+0x20 (/opt/demo/bench)\n"
	"\t    55d0c0de11c0 main+0x2f (/opt/demo/bench)\n"
	"\t    7f3a8c029d90 __libc_start_call_main+0x80 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
	"\n"
	"bench 4242/4242 [001] 12.346120:     250000 cycles:u: \r\n"
	"\t    7f3a8c0a1234 [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)\r\n"
	"\t    55d0c0de1300 std::vector<int>::push_back(int const&)+0x10 (/opt/demo/bench)\r\n"
	"\t    55d0c0de11c0 main+0x2f (/opt/demo/bench)\r\n"
	"\r\n"
	"bench 4242/4242 [001] 12.346300:     250000 cycles:u:  ffffffff81000123 "
	"native_write_msr+0x3 ([kernel.kallsyms])\n"
	"bench 4242/4242 [001] 12.346500:          1 cycles:u: \n"
	"\t    7f3a8c0a1234 [unknown] ([unknown])\n"
	"\n"
	"bench 4242/4242 [001] 12.346700:          1 cycles:u: \n"
	"\t    7f3a8c0a1234 [unknown] (x)\n";

/* The callers' addresses come from stack_ip, frame for frame; a frame the
 * field does not reach (the record was full) has none: 0, as before. */
static void test_perf_script_caller_ips(void)
{
	static const char *const st[] = {
		"sampling run=pmi src=pmi event=cycles period=7 samples=1",
		"sample run=pmi src=pmi idx=0 rip=0xffff0012 sym=hot+0x12 "
		"stack=work+0x33,efi_main+0x99 stack_src=fp stack_ip=0xffff1033",
		NULL,
	};
	struct stream *s = stream_of(st);
	char *buf = NULL;
	size_t len = 0, bad;
	FILE *f = open_memstream(&buf, &len);

	CHECK_U64(profile_perf_script(f, s, NULL, NULL, &bad), 1);
	fclose(f);
	CHECK_STR(buf,
		  "pmi 0/0 0.000000: 7 cycles:\n"
		  "\t        ffff0012 hot+0x12 (pmulab.efi)\n"
		  "\t        ffff1033 work+0x33 (pmulab.efi)\n"
		  "\t               0 efi_main+0x99 (pmulab.efi)\n"
		  "\n");
	free(buf);
	stream_free(s);
}

static void test_perf_script_in(void)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "\t    1234 f (x)\n", "line 1: a frame line outside a sample (no header "
		  "line before it)" },
		{ "p 1 1.0: 1 c:\n\tnothex f (x)\n", "line 2: a frame line without an "
		  "address (\"\\t<hex ip> <symbol> (<object>)\")" },
		{ "p 1 1.0: 1 c:\n\n", "line 1: a sample without frames (perf script needs "
		  "its default fields, or -F ip,sym)" },
		{ "p 1 1.0: 1 c:\n\t1 a;b (x)\n", "line 2: a ';' in a frame (folded stacks "
		  "separate frames with it)" },
		{ "just words\n", "line 1: neither a sample header (\"comm pid time: event:\") "
		  "nor a frame line" },
		{ "# only comments\n", "no samples" },
	};
	char err[200], *t;
	struct profile *p = profile_from_perf_script(perf_text, strlen(perf_text), err,
						     sizeof(err));

	CHECK(p != NULL);
	if (!p) {
		printf("  %s\n", err);
		return;
	}
	CHECK_U64(p->total, 6);
	CHECK_STR(t = text_of(p, profile_folded),
		  "[unknown] 1\n"
		  "[x] 1\n"
		  "__libc_start_call_main;main;work;hot 2\n"
		  "main;std::vector<int>::push_back(int const&);[libc.so.6] 1\n"
		  "native_write_msr 1\n");
	free(t);
	profile_free(p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = profile_from_perf_script(bad[i].text, strlen(bad[i].text), err, sizeof(err));
		CHECK(p == NULL);
		CHECK_STR(err, bad[i].err);
		profile_free(p);
	}
}

static void test_folded_in(void)
{
	static const struct { const char *text, *err; } bad[] = {
		{ "a;b\n", "line 1: no sample count after the stack (\"a;b;c N\")" },
		{ "a;b 1\na;;b 3\n", "line 2: an empty frame" },
		{ "a;b x\n", "line 1: no sample count after the stack (\"a;b;c N\")" },
		{ "a;b 99999999999999999999\n", "line 1: no sample count after the stack "
		  "(\"a;b;c N\")" },
		{ "\n\n", "no samples" },
		{ "a\x01 1\n", "line 1: a control byte in a frame" },
	};
	const char text[] = "efi_main;work;hot 4\r\nefi_main 1\n\nefi_main;work;hot 2\n"
			    "efi_main;work;cold 2\nefi_main;work 1\nz 0";
	char err[200], *t;
	struct profile *p = profile_from_folded(text, strlen(text), err, sizeof(err));

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK_STR(t = text_of(p, profile_folded), folded_spin);
	free(t);
	profile_free(p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = profile_from_folded(bad[i].text, strlen(bad[i].text), err, sizeof(err));
		CHECK(p == NULL);
		CHECK_STR(err, bad[i].err);
		profile_free(p);
	}
}

static void test_compare(void)
{
	const char a_text[] = "main;hot 9\nmain;cold 1\n";
	const char b_text[] = "_start;main;hot 30\n_start;main;memcpy 10\n";
	char err[200], *buf = NULL;
	size_t len = 0;
	struct profile *a = profile_from_folded(a_text, strlen(a_text), err, sizeof(err));
	struct profile *b = profile_from_folded(b_text, strlen(b_text), err, sizeof(err));
	FILE *f = open_memstream(&buf, &len);

	profile_compare(f, a, "payload", b, "linux", 10);
	fclose(f);
	CHECK_STR(buf,
		  "# A: payload: 10 samples\n"
		  "# B: linux: 40 samples\n"
		  "# top 10 functions of each by self samples (share of all samples)\n"
		  "#\n"
		  "    A share   A samples    B share   B samples  symbol\n"
		  "     90.00%           9     75.00%          30  hot\n"
		  "     10.00%           1          -           -  cold\n"
		  "          -           -     25.00%          10  memcpy\n");
	free(buf);
	profile_free(a);
	profile_free(b);
}

/* The verdict on shares: functions >= 5% on either side, |B - A| in points
 * against the tolerance; the bar and the tolerance are inclusive. */
static void test_share_judge(void)
{
	const char a_text[] = "main;work;hot 880\nmain;work;cold 100\nmain;work 20\n";
	const char b_text[] = "_start;main;work;hot 930\n_start;main;work;cold 50\n"
			      "_start;memcpy 20\n";
	struct tol_entry tol = { .event = "share", .scope = TOL_PROFILE, .pct = 5,
				 .reason = "test" };
	char err[200];
	struct profile *a = profile_from_folded(a_text, strlen(a_text), err, sizeof(err));
	struct profile *b = profile_from_folded(b_text, strlen(b_text), err, sizeof(err));
	struct share_row *rows;
	size_t n = profile_share_judge(a, b, &tol, &rows);
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_U64(n, 2);
	CHECK_STR(rows[0].name, "hot");
	CHECK_U64(rows[0].a, 880);
	CHECK_U64(rows[0].b, 930);
	CHECK(rows[0].verdict == CMP_WITHIN);		/* +5.00 points: the bar */
	CHECK_STR(rows[1].name, "cold");
	CHECK(rows[1].verdict == CMP_WITHIN);		/* -5.00 */
	f = open_memstream(&buf, &len);
	profile_share_print(f, rows, n, &tol);
	fclose(f);
	CHECK_STR(buf,
		  "\nprofile shares: functions with >= 5% of either side's samples; "
		  "tolerance 5 points (test)\n"
		  "function                         A share   B share      diff  verdict\n"
		  "hot                               88.00%    93.00%     +5.00  within\n"
		  "cold                              10.00%     5.00%     -5.00  within\n");
	free(buf);
	profile_share_free(rows, n);

	tol.pct = 4.99;
	n = profile_share_judge(a, b, &tol, &rows);
	CHECK(n == 2 && rows[0].verdict == CMP_DIFFER && rows[1].verdict == CMP_DIFFER);
	profile_share_free(rows, n);
	/* Without a tolerance line nothing is judged; B's own big function
	 * (memcpy at 2%) stays under the bar. */
	n = profile_share_judge(b, a, NULL, &rows);
	CHECK(n == 2 && rows[0].verdict == CMP_NA && !strcmp(rows[0].name, "hot"));
	CHECK(rows[0].diff < -4.99 && rows[0].diff > -5.01);
	profile_share_free(rows, n);
	profile_free(a);
	profile_free(b);
}

/* ------------------------------------------------ XML well-formedness ---- */

/* The subset of XML 1.0 the SVG may use: a declaration, comments, CDATA,
 * elements with double-quoted attributes, the five predefined entities and
 * numeric references; every element closed, one root, ASCII only. */
struct xp {
	const char *p;
	bool ok;
	int roots;
};

static bool xp_name(struct xp *x, const char **start, size_t *len)
{
	*start = x->p;
	while (isalnum((unsigned char)*x->p) || strchr("_:-.", *x->p))
		x->p++;
	*len = x->p - *start;
	return *len > 0 && !isdigit((unsigned char)**start);
}

/* Character data up to stop: '<' never, '&' only as a reference. */
static bool xp_chars(struct xp *x, char stop)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };

	while (*x->p && *x->p != stop) {
		unsigned char c = *x->p;
		if (c == '<' || c > 0x7e || (c < 0x20 && c != '\n' && c != '\t'))
			return false;
		if (c == '&') {
			size_t i, n = 0;
			for (i = 0; i < 5; i++)
				if (!strncmp(x->p, ents[i], strlen(ents[i])))
					break;
			if (i < 5) {
				x->p += strlen(ents[i]);
				continue;
			}
			if (x->p[1] != '#')
				return false;
			for (x->p += 2; isdigit((unsigned char)*x->p); x->p++)
				n++;
			if (!n || *x->p++ != ';')
				return false;
			continue;
		}
		x->p++;
	}
	return true;
}

static bool xp_element(struct xp *x, int depth)
{
	const char *name, *close;
	size_t len, clen;

	if (depth > 100 || *x->p++ != '<' || !xp_name(x, &name, &len))
		return false;
	for (;;) {
		const char *an;
		size_t alen;
		while (isspace((unsigned char)*x->p))
			x->p++;
		if (*x->p == '/' && x->p[1] == '>') {
			x->p += 2;
			return true;
		}
		if (*x->p == '>')
			break;
		if (!xp_name(x, &an, &alen) || *x->p++ != '=' || *x->p++ != '"' ||
		    !xp_chars(x, '"') || *x->p++ != '"')
			return false;
	}
	x->p++;
	for (;;) {
		if (!xp_chars(x, '<') || !*x->p)
			return false;
		if (!strncmp(x->p, "<![CDATA[", 9)) {
			const char *e = strstr(x->p, "]]>");
			if (!e)
				return false;
			x->p = e + 3;
		} else if (!strncmp(x->p, "<!--", 4)) {
			const char *e = strstr(x->p + 4, "-->");
			if (!e)
				return false;
			x->p = e + 3;
		} else if (x->p[1] == '/') {
			x->p += 2;
			if (!xp_name(x, &close, &clen) || clen != len || strncmp(close, name, len) ||
			    *x->p++ != '>')
				return false;
			return true;
		} else if (!xp_element(x, depth + 1)) {
			return false;
		}
	}
}

static bool xml_well_formed(const char *doc)
{
	struct xp x = { doc, true, 0 };

	if (!strncmp(x.p, "<?xml ", 6)) {
		const char *e = strstr(x.p, "?>");
		if (!e)
			return false;
		x.p = e + 2;
	}
	for (;;) {
		while (isspace((unsigned char)*x.p))
			x.p++;
		if (!strncmp(x.p, "<!--", 4)) {
			const char *e = strstr(x.p + 4, "-->");
			if (!e)
				return false;
			x.p = e + 3;
			continue;
		}
		if (!*x.p)
			return x.roots == 1;
		if (*x.p != '<' || x.roots++ || !xp_element(&x, 0))
			return false;
	}
}

static void test_xml_checker(void)
{
	CHECK(xml_well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t&amp;<c></c></a>\n"));
	CHECK(!xml_well_formed("<a><b></a></b>"));
	CHECK(!xml_well_formed("<a x=\"<\"/>"));
	CHECK(!xml_well_formed("<a>&</a>"));
	CHECK(!xml_well_formed("<a/><b/>"));
	CHECK(!xml_well_formed("<a>"));
}

/* ------------------------------------------------------- flame graph ---- */

struct gframe {
	uint64_t n, depth, x;
};

/* Each frame's data-samples, data-depth and data-x, in document order. */
static size_t frames_of(const char *svg, struct gframe *g, size_t max)
{
	size_t n = 0;

	for (const char *p = svg; n < max && (p = strstr(p, "<g class=\"f\" ")); p++) {
		const char *s = strstr(p, "data-samples=\""), *d = strstr(p, "data-depth=\"");
		const char *x = strstr(p, "data-x=\"");
		if (!s || !d || !x)
			break;
		g[n++] = (struct gframe){ strtoull(s + 14, NULL, 10), strtoull(d + 12, NULL, 10),
					  strtoull(x + 8, NULL, 10) };
	}
	return n;
}

static char *svg_of(struct profile *p, const struct flame_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	flame_svg(f, p, o);
	fclose(f);
	return buf;
}

static void test_flamegraph(void)
{
	struct profile *p = spin_profile();
	struct flame_opts o = { .subtitle = "run spin" };
	struct gframe g[16];
	char *svg = svg_of(p, &o);
	size_t n = frames_of(svg, g, 16);
	uint64_t level1 = 0;

	CHECK(xml_well_formed(svg));
	/* all, efi_main, work, cold, hot */
	CHECK_U64(n, 5);
	CHECK_U64(g[0].n, 10);
	CHECK_U64(g[0].depth, 0);
	for (size_t i = 0; i < n; i++) {
		uint64_t kids = 0;
		if (g[i].depth == 1)
			level1 += g[i].n;
		/* The children lie within their parent and sum to at most its count. */
		for (size_t j = i + 1; j < n && g[j].depth > g[i].depth; j++) {
			if (g[j].depth != g[i].depth + 1)
				continue;
			CHECK(g[j].x >= g[i].x && g[j].x + g[j].n <= g[i].x + g[i].n);
			kids += g[j].n;
		}
		CHECK(kids <= g[i].n);
	}
	CHECK_U64(level1, 10);
	CHECK(strstr(svg, "data-name=\"hot\" data-samples=\"6\" data-depth=\"3\" data-x=\"2\">"
		      "<title>hot (6 samples, 60.00%)</title>") != NULL);
	CHECK(strstr(svg, "<script type=\"text/ecmascript\"><![CDATA[") != NULL);
	CHECK(strstr(svg, "function zoom(z)") && strstr(svg, "function search(term)"));
	free(svg);
	profile_free(p);
}

/* Names with XML's special bytes, and bytes outside ASCII, stay text. */
static void test_flamegraph_escapes(void)
{
	const char text[] = "main;<clinit>&\"q'\xc3\xa9 3\nmain;x 1\n";
	char err[200], *svg;
	struct profile *p = profile_from_folded(text, strlen(text), err, sizeof(err));
	struct flame_opts o = { .title = "<t&>", .inverted = true, .width = 400 };

	CHECK(p != NULL);
	if (!p)
		return;
	svg = svg_of(p, &o);
	CHECK(xml_well_formed(svg));
	CHECK(strstr(svg, "data-name=\"&lt;clinit&gt;&amp;&quot;q&#39;\\xc3\\xa9\"") != NULL);
	CHECK(strstr(svg, ">&lt;t&amp;&gt;</text>") != NULL);
	CHECK(strstr(svg, "width=\"400\"") != NULL);
	for (const char *c = svg; *c; c++)
		if ((unsigned char)*c > 0x7e) {
			CHECK(!"a byte outside ASCII in the SVG");
			break;
		}
	free(svg);
	profile_free(p);
}

/* The same colour for the same name, whatever else the graph holds. */
static void test_flamegraph_colours(void)
{
	const char a_text[] = "main;hot 3\n", b_text[] = "other;x;hot 1\nmain 2\n";
	char err[200];
	struct profile *a = profile_from_folded(a_text, strlen(a_text), err, sizeof(err));
	struct profile *b = profile_from_folded(b_text, strlen(b_text), err, sizeof(err));
	struct flame_opts o = { 0 };
	char *sa = svg_of(a, &o), *sb = svg_of(b, &o);
	const char *ha = strstr(sa, "data-name=\"hot\""), *hb = strstr(sb, "data-name=\"hot\"");

	CHECK(ha && hb);
	if (ha && hb) {
		ha = strstr(ha, "fill=\"");
		hb = strstr(hb, "fill=\"");
		CHECK(!strncmp(ha, hb, strcspn(ha, "/")));
	}
	free(sa);
	free(sb);
	profile_free(a);
	profile_free(b);
}

int main(void)
{
	streams_init();
	test_strip_offset();
	test_folded_and_histogram();
	test_callgraphs();
	test_syms();
	test_bad_samples();
	test_runs();
	test_perf_script_out();
	test_perf_script_caller_ips();
	test_perf_script_in();
	test_folded_in();
	test_compare();
	test_share_judge();
	test_xml_checker();
	test_flamegraph();
	test_flamegraph_escapes();
	test_flamegraph_colours();
	return unit_done("profile");
}
