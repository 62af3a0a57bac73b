/* The function tracer views: trace, trace_fn, trace_graph and trace_profile
 * records written by the payload's writer, read back by the host parser and
 * rendered as ftrace text and as Chrome trace-event JSON, compared byte for
 * byte; the ftrace text is also read back by a small parser of its own, and
 * the JSON by a validator, as the programs that read them would. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include "host/stream/parse.h"
#include "lib/record.h"
#include "host/report/report.h"
#include "tests/unit/models/streams.h"
#include "host/report/trace.h"
#include "tests/unit/unit.h"

/* The function tracer's header after its entries line, as the kernel
 * prints it. */
#define FN_LEGEND                                                            \
	"#                                _-----=> irqs-off/BH-disabled\n"   \
	"#                               / _----=> need-resched\n"           \
	"#                              | / _---=> hardirq/softirq\n"        \
	"#                              || / _--=> preempt-depth\n"          \
	"#                              ||| / _-=> migrate-disable\n"        \
	"#                              |||| /     delay\n"                  \
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"        \
	"#              | |         |   |||||     |         |\n"

#define GRAPH_HEAD                                                           \
	"# CPU  DURATION                  FUNCTION CALLS\n"                  \
	"# |     |   |                     |   |   |   |\n"

#define PROFILE_HEAD                                                         \
	"  Function                               Hit    Time            Avg\n" \
	"  --------                               ---    ----            ---\n"

/* printf into a new string. */
static char *fmt(const char *f, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* Checks the ftrace text of s against want (when not NULL); returns the
 * JSON for the caller to check. */
static char *check_ftrace(const struct stream *s, const char *want)
{
	char *text = render(trace_ftrace, s);

	if (want)
		CHECK_STR(text, want);
	free(text);
	return render(trace_json, s);
}

/* ------------------------------------------------------ JSON validator ---- */

/* A strict RFC 8259 reader over ASCII: what Perfetto's and the trace
 * viewer's JSON.parse would accept, and no byte outside ASCII at all. */
struct jp {
	const char *p;
	bool ok;
};

static void jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')
		j->p++;
}

static bool jp_fail(struct jp *j)
{
	j->ok = false;
	return false;
}

static bool jp_value(struct jp *j, int depth);

static bool jp_string(struct jp *j)
{
	if (*j->p++ != '"')
		return jp_fail(j);
	while (j->ok && *j->p != '"') {
		unsigned char c = *j->p++;
		if (c < 0x20 || c > 0x7e)
			return jp_fail(j);
		if (c != '\\')
			continue;
		c = *j->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++)
				if (!isxdigit((unsigned char)*j->p++))
					return jp_fail(j);
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return jp_fail(j);
		}
	}
	j->p++;
	return j->ok;
}

static bool jp_digits(struct jp *j)
{
	if (!isdigit((unsigned char)*j->p))
		return jp_fail(j);
	while (isdigit((unsigned char)*j->p))
		j->p++;
	return true;
}

static void jp_number(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else
		jp_digits(j);
	if (*j->p == '.') {
		j->p++;
		jp_digits(j);
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		jp_digits(j);
	}
}

/* The members of an object (key true) or the elements of an array. */
static bool jp_list(struct jp *j, char close, bool key, int depth)
{
	j->p++;
	jp_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	while (j->ok) {
		jp_ws(j);
		if (key) {
			jp_string(j);
			jp_ws(j);
			if (*j->p++ != ':')
				return jp_fail(j);
		}
		jp_value(j, depth + 1);
		jp_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return jp_fail(j);
	}
	return false;
}

static bool jp_value(struct jp *j, int depth)
{
	jp_ws(j);
	if (depth > 64)
		return jp_fail(j);
	if (*j->p == '{')
		return jp_list(j, '}', true, depth);
	if (*j->p == '[')
		return jp_list(j, ']', false, depth);
	if (*j->p == '"')
		return jp_string(j);
	if (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "null", 4) == 0)
		j->p += 4;
	else if (strncmp(j->p, "false", 5) == 0)
		j->p += 5;
	else
		jp_number(j);
	return j->ok;
}

static bool json_valid(const char *text)
{
	struct jp j = { text, true };

	jp_value(&j, 0);
	jp_ws(&j);
	return j.ok && *j.p == '\0';
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* --------------------------------------------------- the ftrace views ---- */

static void test_function(void)
{
	static const char *const bodies[] = {
		"hello format=1 payload=0.1.0",
		"trace name=chain tracer=function entries=6 written=8 lost=2 "
		"tsc_hz=1000000000 mode=overwrite filter=* notrace=none",
		"trace_fn trace=chain ts=12345 cpu=0 ip=0xffffffff81001000 sym=tr_top "
		"parent=0xffffffff81002040 parent_sym=pmu_run_ftrace+0x40",
		"trace_fn trace=chain ts=13999 cpu=0 ip=0x1100 sym=tr_mid parent=0x101c "
		"parent_sym=tr_top+0x1c/0x80",
		"trace_fn trace=chain ts=1000000 cpu=0 ip=0x1200 sym=tr_leaf parent=0x1234 "
		"parent_sym=?",
		"trace_fn trace=chain ts=999999999 cpu=0 ip=0x1300 sym=tr_op parent=0x1 "
		"parent_sym=op+x+0x1",
		"trace_fn trace=chain ts=3000000999 cpu=0 ip=0x1400 sym=tr_odd parent=0x2 "
		"parent_sym=odd+0xzz",
		"trace_fn trace=chain ts=12345678901234 cpu=0 ip=0x1500 sym=tr_end "
		"parent=0x0 parent_sym=?",
		"end count=8 status=ok",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = check_ftrace(s,
		"# trace: chain\n"
		"# lost: 2 entries (mode=overwrite: the oldest were overwritten)\n"
		"# tracer: function\n"
		"#\n"
		"# entries-in-buffer/entries-written: 6/8   #P:1\n"
		"#\n"
		FN_LEGEND
		"          <idle>-0       [000] .....     0.000012: tr_top <-pmu_run_ftrace\n"
		"          <idle>-0       [000] .....     0.000013: tr_mid <-tr_top\n"
		"          <idle>-0       [000] .....     0.001000: tr_leaf <-0x00001234\n"
		"          <idle>-0       [000] .....     0.999999: tr_op <-op+x\n"
		"          <idle>-0       [000] .....     3.000000: tr_odd <-odd+0xzz\n"
		"          <idle>-0       [000] ..... 12345.678901: tr_end\n");

	CHECK(json_valid(json));
	CHECK(strstr(json, "\n{\"name\":\"tr_top\",\"cat\":\"chain\",\"ph\":\"i\",\"ts\":12.345,"
			   "\"pid\":0,\"tid\":0,\"s\":\"t\",\"args\":{\"parent\":\"pmu_run_ftrace\","
			   "\"ip\":\"0xffffffff81001000\",\"parent_ip\":\"0xffffffff81002040\","
			   "\"parent_sym\":\"pmu_run_ftrace+0x40\"}},\n") != NULL);
	CHECK(strstr(json, "\"ts\":12345678901.234,") != NULL);
	CHECK(strstr(json, "\"args\":{\"parent\":null,\"ip\":\"0x1500\"") != NULL);
	CHECK_U64(count_of(json, "\"ph\":\"i\""), 6);
	free(json);
	stream_free(s);
}

/* Nesting, a leaf, a recursion down to depth 3, and two pairs that are no
 * leaf: another function's exit, and an exit one level deeper. */
static void test_graph(void)
{
	static const char *const bodies[] = {
		"trace name=rec tracer=function_graph entries=14 written=14 lost=0 "
		"tsc_hz=2000000000 mode=stop filter=tr_* notrace=tr_skip",
		"trace_graph trace=rec ts=10 cpu=0 type=entry depth=0 sym=tr_top",
		"trace_graph trace=rec ts=20 cpu=0 type=entry depth=1 sym=tr_rec",
		"trace_graph trace=rec ts=30 cpu=0 type=entry depth=2 sym=tr_rec",
		"trace_graph trace=rec ts=40 cpu=0 type=entry depth=3 sym=tr_rec",
		"trace_graph trace=rec ts=240 cpu=0 type=exit depth=3 sym=tr_rec duration=200",
		"trace_graph trace=rec ts=2500 cpu=0 type=exit depth=2 sym=tr_rec duration=2468",
		"trace_graph trace=rec ts=4020 cpu=0 type=exit depth=1 sym=tr_rec duration=4000",
		"trace_graph trace=rec ts=4100 cpu=0 type=entry depth=1 sym=tr_leaf",
		"trace_graph trace=rec ts=4101 cpu=0 type=exit depth=1 sym=tr_leaf duration=1",
		"trace_graph trace=rec ts=4200 cpu=0 type=entry depth=1 sym=tr_a",
		"trace_graph trace=rec ts=4210 cpu=0 type=exit depth=1 sym=tr_b duration=10",
		"trace_graph trace=rec ts=4300 cpu=0 type=entry depth=1 sym=tr_c",
		"trace_graph trace=rec ts=4320 cpu=0 type=exit depth=2 sym=tr_c duration=20",
		"trace_graph trace=rec ts=25010 cpu=0 type=exit depth=0 sym=tr_top duration=25000",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = check_ftrace(s,
		"# trace: rec\n"
		"# filter: tr_* notrace: tr_skip\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)               |  tr_top() {\n"
		" 0)               |    tr_rec() {\n"
		" 0)               |      tr_rec() {\n"
		" 0)   0.100 us    |        tr_rec();\n"
		" 0)   1.234 us    |      } /* tr_rec */\n"
		" 0)   2.000 us    |    } /* tr_rec */\n"
		" 0)   0.000 us    |    tr_leaf();\n"
		" 0)               |    tr_a() {\n"
		" 0)   0.005 us    |    } /* tr_b */\n"
		" 0)               |    tr_c() {\n"
		" 0)   0.010 us    |      } /* tr_c */\n"
		" 0) + 12.500 us   |  } /* tr_top */\n");

	/* Every record an event, in stream order, ts in us at 2 GHz. */
	CHECK(json_valid(json));
	CHECK(strstr(json, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,"
			   "\"args\":{\"name\":\"rec\"}},\n"
			   "{\"name\":\"tr_top\",\"cat\":\"rec\",\"ph\":\"B\",\"ts\":0.005,"
			   "\"pid\":0,\"tid\":0},\n"
			   "{\"name\":\"tr_rec\",\"cat\":\"rec\",\"ph\":\"B\",\"ts\":0.010,"
			   "\"pid\":0,\"tid\":0},\n") != NULL);
	CHECK(strstr(json, "{\"name\":\"tr_top\",\"cat\":\"rec\",\"ph\":\"E\",\"ts\":12.505,"
			   "\"pid\":0,\"tid\":0}\n]") != NULL);
	CHECK_U64(count_of(json, "\"ph\":\"B\""), 7);
	CHECK_U64(count_of(json, "\"ph\":\"E\""), 7);
	free(json);
	stream_free(s);
}

/* trace_find_mark(): each mark above its bound, none at exactly 10 us; the
 * duration column keeps 8 places as the kernel's does. */
static void test_markers(void)
{
	static const char *const bodies[] = {
		"trace name=m tracer=function_graph entries=18 written=18 lost=0 "
		"tsc_hz=1000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m0",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m0 duration=9999",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m1",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m1 duration=10000",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m2",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m2 duration=10001",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m3",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m3 duration=100001",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m4",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m4 duration=1000001",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m5",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m5 duration=10000001",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m6",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m6 duration=100000001",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m7",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m7 duration=1000000001",
		"trace_graph trace=m ts=0 cpu=0 type=entry depth=0 sym=m8",
		"trace_graph trace=m ts=0 cpu=0 type=exit depth=0 sym=m8 duration=12345678901",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = check_ftrace(s,
		"# trace: m\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)   9.999 us    |  m0();\n"
		" 0)   10.000 us   |  m1();\n"
		" 0) + 10.001 us   |  m2();\n"
		" 0) ! 100.001 us  |  m3();\n"
		" 0) # 1000.001 us |  m4();\n"
		" 0) * 10000.00 us |  m5();\n"
		" 0) @ 100000.0 us |  m6();\n"
		" 0) $ 1000000 us  |  m7();\n"
		" 0) $ 12345678 us |  m8();\n");

	CHECK(json_valid(json));
	free(json);
	stream_free(s);
}

/* trace_stat/function0: by total time, ties in stream order; the average
 * from the record, else total/hits; no average for a function never hit;
 * a record without a count after the table. entries=0, as the payload
 * writes it for a profile, is no disagreement with the rows. */
static void test_profile(void)
{
	static const char *const bodies[] = {
		"trace name=prof tracer=function_profile entries=0 written=0 lost=0 "
		"tsc_hz=1000000000 mode=overwrite filter=* notrace=none",
		"trace_profile trace=prof sym=tr_leaf hits=3 total=1234 avg=411",
		"trace_profile trace=prof sym=tr_top hits=1 total=1500000 avg=1500000",
		"trace_profile trace=prof sym=tr_mid hits=2 total=1234",
		"trace_profile trace=prof sym=a_function_with_a_name_longer_than_thirty "
		"hits=10 total=99999999 avg=9999999",
		"trace_profile trace=prof sym=tr_never hits=0 total=0",
		"trace_profile trace=prof sym=tr_bad hits=x total=5",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *want = fmt(
		"# trace: prof\n"
		"# tracer: function_profile\n"
		"#\n"
		PROFILE_HEAD
		"  a_function_with_a_name_longer_than_thirty          10    99999.99 us     9999.999 us\n"
		"  tr_top                                   1    1500.000 us     1500.000 us\n"
		"  tr_leaf                                  3    1.234 us        0.411 us\n"
		"  tr_mid                                   2    1.234 us        0.617 us\n"
		"  tr_never                                 0    0.000 us\n"
		"# seq %" PRIu64 ": trace_profile record without a valid hits: trace=prof "
		"sym=tr_bad hits=x total=5\n", s->recs[6].seq);
	char *json = check_ftrace(s, want);
	char *skipped = fmt("\"skipped_seqs\":[%" PRIu64 "]", s->recs[6].seq);

	/* Rows in stream order, in the unit of ts; no events. */
	CHECK(json_valid(json));
	CHECK(strstr(json, "\"events\":0,\"profile\":[{\"function\":\"tr_leaf\",\"hits\":3,"
			   "\"total\":1.234,\"avg\":0.411},{\"function\":\"tr_top\",\"hits\":1,"
			   "\"total\":1500.000,\"avg\":1500.000},{\"function\":\"tr_mid\","
			   "\"hits\":2,\"total\":1.234,\"avg\":0.617},") != NULL);
	CHECK(strstr(json, "{\"function\":\"tr_never\",\"hits\":0,\"total\":0.000,"
			   "\"avg\":null}]}") != NULL);
	CHECK(strstr(json, skipped) != NULL);
	CHECK_U64(count_of(json, "\"ph\":"), 1);
	free(skipped);
	free(json);
	free(want);
	stream_free(s);
}

/* tsc_hz=0: ticks everywhere, said once per trace, and no marks. */
static void test_tsc_unknown(void)
{
	static const char *const bodies[] = {
		"trace name=slow tracer=function entries=2 written=2 lost=0 tsc_hz=0 "
		"mode=overwrite filter=* notrace=none",
		"trace_fn trace=slow ts=24000 cpu=0 ip=0x1000 sym=tr_top parent=0x2000 "
		"parent_sym=main+0x5",
		"trace_fn trace=slow ts=123456789012345 cpu=0 ip=0x1100 sym=tr_leaf "
		"parent=0x1010 parent_sym=tr_top+0x10",
		"trace name=slowg tracer=function_graph entries=4 written=4 lost=0 tsc_hz=0 "
		"mode=stop filter=* notrace=none",
		"trace_graph trace=slowg ts=1 cpu=0 type=entry depth=0 sym=tr_top",
		"trace_graph trace=slowg ts=2 cpu=0 type=entry depth=1 sym=tr_leaf",
		"trace_graph trace=slowg ts=248 cpu=0 type=exit depth=1 sym=tr_leaf duration=246",
		"trace_graph trace=slowg ts=123456790 cpu=0 type=exit depth=0 sym=tr_top "
		"duration=123456789",
		"trace name=slowp tracer=function_profile entries=1 written=1 lost=0 "
		"tsc_hz=0 mode=overwrite filter=* notrace=none",
		"trace_profile trace=slowp sym=tr_leaf hits=3 total=2468 avg=822",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = check_ftrace(s,
		"# trace: slow\n"
		"# times are TSC ticks (tk), not seconds: the TSC frequency is unknown (tsc_hz=0)\n"
		"# tracer: function\n"
		"#\n"
		"# entries-in-buffer/entries-written: 2/2   #P:1\n"
		"#\n"
		FN_LEGEND
		"          <idle>-0       [000] .....        24000: tr_top <-main\n"
		"          <idle>-0       [000] ..... 123456789012345: tr_leaf <-tr_top\n"
		"\n"
		"# trace: slowg\n"
		"# times are TSC ticks (tk), not seconds: the TSC frequency is unknown (tsc_hz=0)\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)               |  tr_top() {\n"
		" 0)   246 tk      |    tr_leaf();\n"
		" 0)   123456789 tk |  } /* tr_top */\n"
		"\n"
		"# trace: slowp\n"
		"# times are TSC ticks (tk), not seconds: the TSC frequency is unknown (tsc_hz=0)\n"
		"# tracer: function_profile\n"
		"#\n"
		PROFILE_HEAD
		"  tr_leaf                                  3    2468 tk         822 tk\n");

	CHECK(json_valid(json));
	CHECK(strstr(json, "\"ph\":\"i\",\"ts\":24000,\"pid\":0,") != NULL);
	CHECK(strstr(json, "\"ph\":\"E\",\"ts\":123456790,\"pid\":1,") != NULL);
	CHECK_U64(count_of(json, "\"ts_unit\":\"TSC ticks, used as microseconds: the TSC "
			   "frequency (tsc_hz) is unknown\""), 3);
	CHECK(strstr(json, "\"profile\":[{\"function\":\"tr_leaf\",\"hits\":3,\"total\":2468,"
			   "\"avg\":822}]") != NULL);
	free(json);
	stream_free(s);
}

/* Entries whose header is missing are shown under a note; an entry before
 * its header belongs to it; a name used twice is two traces; a header's
 * tracer and counts that disagree with its entries are said. */
static void test_headers(void)
{
	static const char *const bodies[] = {
		"trace_fn trace=late ts=5000 cpu=0 ip=0x10 sym=early parent=0x20 parent_sym=?",
		"trace_fn trace=ghost ts=100 cpu=0 ip=0x10 sym=f parent=0x20 parent_sym=g+0x1",
		"trace_graph trace=ghost ts=200 cpu=0 type=exit depth=0 sym=h",
		"trace name=late tracer=function entries=1 written=1 lost=0 tsc_hz=1000000000 "
		"mode=overwrite filter=* notrace=none",
		"trace name=twice tracer=function_graph entries=2 written=2 lost=0 "
		"tsc_hz=1000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=twice ts=1 cpu=0 type=entry depth=0 sym=a",
		"trace_graph trace=twice ts=2 cpu=0 type=exit depth=0 sym=a duration=1000",
		"trace name=twice tracer=function entries=2 written=2 lost=0 "
		"tsc_hz=1000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=twice ts=3 cpu=0 type=entry depth=0 sym=b",
		"trace_graph trace=twice ts=4 cpu=1 type=exit depth=0 sym=b duration=2000",
		"trace name=odd tracer=wakeup",
		"trace tracer=function_profile",
		"trace_profile sym=x hits=1 total=1",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = check_ftrace(s,
		"# trace: late\n"
		"# tracer: function\n"
		"#\n"
		"# entries-in-buffer/entries-written: 1/1   #P:1\n"
		"#\n"
		FN_LEGEND
		"          <idle>-0       [000] .....     0.000005: early <-0x00000020\n"
		"\n"
		"# trace: ghost\n"
		"# no trace header record names this trace: its counts, clock and filters "
		"are unknown\n"
		"# times are TSC ticks (tk), not seconds: the TSC frequency is unknown\n"
		"# tracer: function\n"
		"#\n"
		"# entries-in-buffer/entries-written: 1/?   #P:1\n"
		"#\n"
		FN_LEGEND
		"          <idle>-0       [000] .....          100: f <-g\n"
		"\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)               |  } /* h */\n"
		"\n"
		"# trace: twice\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)   1.000 us    |  a();\n"
		"\n"
		"# trace: twice\n"
		"# tracer: function\n"
		"# the header says entries=2, the stream holds 0 trace_fn records\n"
		"#\n"
		"# entries-in-buffer/entries-written: 2/2   #P:1\n"
		"#\n"
		FN_LEGEND
		"\n"
		"# tracer: function_graph\n"
		"# the header says tracer=function\n"
		"#\n"
		GRAPH_HEAD
		" 0)               |  b() {\n"
		" 1)   2.000 us    |  } /* b */\n"
		"\n"
		"# trace: odd\n"
		"# times are TSC ticks (tk), not seconds: the TSC frequency is unknown\n"
		"# tracer: wakeup\n"
		"# no entries, and no tracer but function, function_graph and "
		"function_profile can be shown\n"
		"\n"
		"# trace: (no name)\n"
		"# times are TSC ticks (tk), not seconds: the TSC frequency is unknown\n"
		"# tracer: function_profile\n"
		"#\n"
		PROFILE_HEAD
		"  x                                        1    1 tk            1 tk\n");

	CHECK(json_valid(json));
	CHECK(strstr(json, "{\"pid\":1,\"name\":\"ghost\",\"header\":null,\"note\":\"no trace "
			   "header record names this trace\",\"ts_unit\":\"TSC ticks,") != NULL);
	CHECK(strstr(json, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":5,\"tid\":0,"
			   "\"args\":{\"name\":\"(no name)\"}}") != NULL);
	CHECK(strstr(json, "{\"name\":\"b\",\"cat\":\"twice\",\"ph\":\"E\",\"ts\":0.004,"
			   "\"pid\":3,\"tid\":1}") != NULL);
	free(json);
	stream_free(s);
}

/* Records that lack what their line needs are comments holding all their
 * fields; a header field that is no count says so. */
static void test_unreadable(void)
{
	static const char *const bodies[] = {
		"trace name=bad tracer=function_graph entries=5 written=5 lost=abc "
		"tsc_hz=1000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=bad ts=1 cpu=0 type=entry depth=0 sym=ok",
		"trace_graph trace=bad ts=2 cpu=0 type=bogus depth=0 sym=x",
		"trace_graph trace=bad ts=3 cpu=0 type=entry depth=99999 sym=deep",
		"trace_graph trace=bad ts=4 cpu=0 type=entry depth=1 sym=?",
		"trace_graph trace=bad ts=5 type=exit depth=0 sym=ok duration=4",
		"trace_fn trace=bad cpu=0 ip=0x1 sym=nots",
		"trace_fn trace=bad ts=9 cpu=0 ip=0x1234",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	uint64_t q = s->recs[0].seq;
	char *want = fmt(
		"# trace: bad\n"
		"# header: lost=abc is not a count\n"
		"# tracer: function\n"
		"# the header says tracer=function_graph\n"
		"#\n"
		"# entries-in-buffer/entries-written: 2/?   #P:1\n"
		"#\n"
		FN_LEGEND
		"# seq %" PRIu64 ": trace_fn record without a valid ts: trace=bad cpu=0 ip=0x1 "
		"sym=nots\n"
		"          <idle>-0       [000] .....     0.000000: 0x00001234\n"
		"\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)               |  ok() {\n"
		"# seq %" PRIu64 ": trace_graph record without a valid type: trace=bad ts=2 "
		"cpu=0 type=bogus depth=0 sym=x\n"
		"# seq %" PRIu64 ": trace_graph record without a valid depth: trace=bad ts=3 "
		"cpu=0 type=entry depth=99999 sym=deep\n"
		"# seq %" PRIu64 ": trace_graph record without a valid sym: trace=bad ts=4 "
		"cpu=0 type=entry depth=1 sym=?\n"
		"# seq %" PRIu64 ": trace_graph record without a valid cpu: trace=bad ts=5 "
		"type=exit depth=0 sym=ok duration=4\n",
		q + 6, q + 2, q + 3, q + 4, q + 5);
	char *json = check_ftrace(s, NULL);
	char *text = render(trace_ftrace, s);
	char *skipped = fmt("\"skipped_seqs\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			    "],\"events\":3}", q + 2, q + 4, q + 5, q + 6);

	CHECK_STR(text, want);
	CHECK(json_valid(json));
	CHECK(strstr(json, skipped) != NULL);
	CHECK(strstr(json, "\"name\":\"deep\",\"cat\":\"bad\",\"ph\":\"B\"") != NULL);
	CHECK(strstr(json, "\"name\":\"0x00001234\",\"cat\":\"bad\",\"ph\":\"i\"") != NULL);
	free(skipped);
	free(text);
	free(json);
	free(want);
	stream_free(s);
}

/* Quotes, backslashes, control bytes, a NUL and bytes above 0x7e in names
 * and symbols: the text escapes them as the text report does, the JSON as
 * \uXXXX; neither lets one through. */
static void test_hostile(void)
{
	static const char *const bodies[] = {
		"trace name=plain tracer=function_graph tsc_hz=1000000000",
		NULL,
	};
	const char *evil = "evil \"one\"\x1b[2J";
	struct stream *s;
	struct rec r;
	char *json, *text;
	bool clean = true;

	rec_begin(&r, "trace");
	rec_str(&r, "name", evil);
	rec_str(&r, "tracer", "function");
	rec_str(&r, "tsc_hz", "1000000000");
	rec_str(&r, "filter", "a\\b\r\n");
	rec_end(&r);
	rec_begin(&r, "trace_fn");
	rec_str(&r, "trace", evil);
	rec_str(&r, "ts", "1000");
	rec_str(&r, "cpu", "0");
	rec_strn(&r, "sym", "f\"\\\n\0x", 6);
	rec_str(&r, "parent", "0x2");
	rec_str(&r, "parent_sym", "p\x7f\xff+0x4");
	rec_end(&r);
	rec_begin(&r, "trace_graph");
	rec_str(&r, "trace", "plain");
	rec_str(&r, "ts", "1");
	rec_str(&r, "cpu", "0");
	rec_str(&r, "type", "entry");
	rec_str(&r, "depth", "0");
	rec_str(&r, "sym", "} /* x */\t{");
	rec_end(&r);
	s = stream_of(bodies);
	json = check_ftrace(s,
		"# trace: \"evil \\\"one\\\"\\x1b[2J\"\n"
		"# filter: \"a\\\\b\\x0d\\x0a\"\n"
		"# tracer: function\n"
		"#\n"
		"# entries-in-buffer/entries-written: 1/?   #P:1\n"
		"#\n"
		FN_LEGEND
		"          <idle>-0       [000] .....     0.000001: \"f\\\"\\\\\\x0a\\x00x\" "
		"<-\"p\\x7f\\xff\"\n"
		"\n"
		"# trace: plain\n"
		"# tracer: function_graph\n"
		"#\n"
		GRAPH_HEAD
		" 0)               |  \"} /* x */\\x09{\"() {\n");
	text = render(trace_ftrace, s);
	for (const char *p = text; *p; p++)
		clean &= (*p >= 0x20 && *p <= 0x7e) || *p == '\n';
	CHECK(clean);
	CHECK(json_valid(json));
	CHECK(strstr(json, "{\"name\":\"f\\\"\\\\\\u000a\\u0000x\",\"cat\":\"evil \\\"one\\\""
			   "\\u001b[2J\",\"ph\":\"i\",\"ts\":1.000,\"pid\":0,\"tid\":0,\"s\":\"t\","
			   "\"args\":{\"parent\":\"p\\u007f\\u00ff\",\"parent_ip\":\"0x2\","
			   "\"parent_sym\":\"p\\u007f\\u00ff+0x4\"}}") != NULL);
	CHECK(strstr(json, "\"filter\":\"a\\\\b\\u000d\\u000a\"") != NULL);
	CHECK(strstr(json, "{\"name\":\"} /* x */\\u0009{\",\"cat\":\"plain\",\"ph\":\"B\"")
	      != NULL);
	free(text);
	free(json);
	stream_free(s);
}

/* No trace record: no ftrace text at all, and JSON with no event. */
static void test_empty(void)
{
	static const char *const bodies[] = {
		"hello format=1 payload=0.1.0",
		"bench name=loop reps=1",
		"trace_other trace=x",
		"end count=3 status=ok",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = check_ftrace(s, "");

	CHECK_STR(json, "{\n\"traceEvents\":[],\n\"displayTimeUnit\":\"ns\",\n"
		  "\"otherData\":{\"generator\":\"pmulab\",\"schema\":2,\"traces\":[]}\n}\n");
	CHECK(json_valid(json));
	free(json);
	stream_free(s);
}

/* The whole JSON of a small stream, byte for byte. */
static void test_json_exact(void)
{
	static const char *const bodies[] = {
		"trace name=t tracer=function_graph entries=2 written=2 lost=0 "
		"tsc_hz=3000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=t ts=3000 cpu=0 type=entry depth=0 sym=tr_top",
		"trace_graph trace=t ts=6001 cpu=0 type=exit depth=0 sym=tr_top duration=3001",
		"trace_fn trace=u ts=7 cpu=0 ip=0x1 sym=f parent=0x2 parent_sym=g+0x1",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = render(trace_json, s);

	CHECK_STR(json,
		"{\n\"traceEvents\":[\n"
		"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{\"name\":\"t\"}},\n"
		"{\"name\":\"tr_top\",\"cat\":\"t\",\"ph\":\"B\",\"ts\":1.000,\"pid\":0,\"tid\":0},\n"
		"{\"name\":\"tr_top\",\"cat\":\"t\",\"ph\":\"E\",\"ts\":2.000,\"pid\":0,\"tid\":0},\n"
		"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"u\"}},\n"
		"{\"name\":\"f\",\"cat\":\"u\",\"ph\":\"i\",\"ts\":7,\"pid\":1,\"tid\":0,\"s\":\"t\","
		"\"args\":{\"parent\":\"g\",\"ip\":\"0x1\",\"parent_ip\":\"0x2\",\"parent_sym\":\"g+0x1\"}}\n"
		"],\n\"displayTimeUnit\":\"ns\",\n"
		"\"otherData\":{\"generator\":\"pmulab\",\"schema\":2,\"traces\":[\n"
		"{\"pid\":0,\"name\":\"t\",\"header\":{\"name\":\"t\",\"tracer\":\"function_graph\","
		"\"entries\":2,\"written\":2,\"lost\":0,\"tsc_hz\":3000000000,"
		"\"mode\":\"stop\",\"filter\":\"*\",\"notrace\":\"none\"},\"ts_unit\":\"us\","
		"\"skipped_seqs\":[],\"events\":2},\n"
		"{\"pid\":1,\"name\":\"u\",\"header\":null,\"note\":\"no trace header record names "
		"this trace\",\"ts_unit\":\"TSC ticks, used as microseconds: the TSC frequency "
		"(tsc_hz) is unknown\",\"skipped_seqs\":[],\"events\":1}\n"
		"]}\n}\n");
	CHECK(json_valid(json));
	free(json);
	stream_free(s);
}

/* A B-E span is the exit's duration, the text trace's, not the distance
 * between the records' timestamps, which holds the tracer's own time. */
static void test_json_span_is_duration(void)
{
	static const char *const bodies[] = {
		"trace name=t tracer=function_graph entries=4 written=4 lost=0 "
		"tsc_hz=1000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=t ts=1000 cpu=0 type=entry depth=0 sym=top",
		"trace_graph trace=t ts=2600 cpu=0 type=entry depth=1 sym=leaf",
		"trace_graph trace=t ts=5200 cpu=0 type=exit depth=1 sym=leaf duration=1000",
		"trace_graph trace=t ts=8400 cpu=0 type=exit depth=0 sym=top duration=5000",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *json = render(trace_json, s);

	CHECK(strstr(json, "{\"name\":\"leaf\",\"cat\":\"t\",\"ph\":\"E\",\"ts\":3.600,") != NULL);
	CHECK(strstr(json, "{\"name\":\"top\",\"cat\":\"t\",\"ph\":\"E\",\"ts\":6.000,") != NULL);
	free(json);
	stream_free(s);
}

/* Under QEMU -icount the TSC is the emulator's instruction clock: the
 * text header and the JSON's unit say so, as nothing else would. */
static void test_icount_clock_said(void)
{
	static const char *const bodies[] = {
		"hello format=1 tsc_hz=1000000000 tsc_hz_src=icount",
		"trace name=t tracer=function_graph entries=2 written=2 lost=0 "
		"tsc_hz=1000000000 mode=stop filter=* notrace=none",
		"trace_graph trace=t ts=1000 cpu=0 type=entry depth=0 sym=top",
		"trace_graph trace=t ts=2000 cpu=0 type=exit depth=0 sym=top duration=900",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *text = render(trace_ftrace, s), *json = render(trace_json, s);

	CHECK(strstr(text, "# trace: t\n# clock: QEMU -icount time (the TSC advances 2^shift "
			   "ns an instruction), not wall time\n") != NULL);
	CHECK(strstr(json, "\"ts_unit\":\"us of QEMU -icount time, not wall time\"") != NULL);
	free(text);
	free(json);
	stream_free(s);
}

/* ---------------------------------------------- a parser of the text ---- */

/* What a reader of /sys/kernel/tracing/trace gets from the text: each
 * entry line parsed by its tracer's columns, summed up one line each in
 * sum; header lines accepted only where they belong. Returns the number
 * of lines it could not accept (printed). */
struct tp {
	char trace[64], tracer[32];
	bool columns;		/* the column header line was seen */
	bool want_trace;	/* a blank line was last: "# trace:" must follow */
	struct memtext sum;
	unsigned bad;
	bool quiet;		/* a test of the parser's own refusals */
};

static bool tp_bad(struct tp *t, const char *line, const char *why)
{
	if (!t->quiet)
		printf("ftrace parser: %s: '%s'\n", why, line);
	t->bad++;
	return false;
}

static bool tp_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return n > 0;
}

/* "          <idle>-0       [000] .....     0.000012: tr_top <-parent" */
static bool tp_fn(struct tp *t, const char *l)
{
	const char *colon, *fn, *arrow;
	char task[32], *dash;
	unsigned cpu;
	int n = 0;

	if (strlen(l) < 51 || l[16] != '-' || l[24] != ' ' || l[25] != '[')
		return tp_bad(t, l, "task-pid and cpu columns");
	if (sscanf(l, "%31s", task) != 1 || !(dash = strrchr(task, '-')) ||
	    !tp_digits(dash + 1, strlen(dash + 1)))
		return tp_bad(t, l, "task-pid");
	if (sscanf(l + 25, "[%3u]%n", &cpu, &n) != 1 || n != 5 || !tp_digits(l + 26, 3) ||
	    l[30] != ' ')
		return tp_bad(t, l, "cpu");
	for (int i = 31; i < 36; i++)
		if (!strchr(".dDnNhHsSbBzZ0123456789abcdef", l[i]) || !l[i])
			return tp_bad(t, l, "flags");
	colon = strstr(l + 36, ": ");
	if (l[36] != ' ' || !colon || colon < l + 49)
		return tp_bad(t, l, "timestamp column");
	{
		const char *ts = l + 37, *dot;
		while (*ts == ' ')
			ts++;
		dot = memchr(ts, '.', colon - ts);
		if (dot ? !tp_digits(ts, dot - ts) || !tp_digits(dot + 1, colon - dot - 1) ||
			  colon - dot - 1 != 6
			: !tp_digits(ts, colon - ts))
			return tp_bad(t, l, "timestamp");
		*dash = '\0';
		fprintf(t->sum.f, "%s fn %s-%s [%03u] %.5s %.*s", t->trace, task, dash + 1, cpu,
			l + 31, (int)(colon - ts), ts);
	}
	fn = colon + 2;
	arrow = strstr(fn, " <-");
	if (fn[0] == ' ' || !fn[0] || (arrow && (arrow == fn || !arrow[3])))
		return tp_bad(t, l, "function");
	if (arrow)
		fprintf(t->sum.f, " %.*s <-%s\n", (int)(arrow - fn), fn, arrow + 3);
	else
		fprintf(t->sum.f, " %s\n", fn);
	return true;
}

/* " 0) + 12.400 us   |    tr_top();" and its siblings: "f() {", "} (comment f)". */
static bool tp_graph(struct tp *t, const char *l)
{
	unsigned cpu, indent = 0;
	char mark, dur[32] = "-", unit[4];
	const char *bar, *call;
	size_t clen;
	int n = 0;

	if (l[0] != ' ' || sscanf(l + 1, "%u%n", &cpu, &n) != 1 || !tp_digits(l + 1, n) ||
	    strncmp(l + 1 + n, ") ", 2) != 0)
		return tp_bad(t, l, "cpu");
	n += 3;
	bar = strchr(l + n, '|');
	if (!bar || strncmp(bar, "|  ", 3) != 0)
		return tp_bad(t, l, "duration column");
	if (bar - l == 18 && strspn(l + n, " ") == 14) {
		mark = '-';
	} else {
		mark = l[n];
		if (!strchr(" +!#*@$", mark) || l[n + 1] != ' ' ||
		    sscanf(l + n + 2, "%31s %3s", dur, unit) != 2 ||
		    (strcmp(unit, "us") != 0 && strcmp(unit, "tk") != 0))
			return tp_bad(t, l, "duration");
		strcat(dur, unit);
	}
	call = bar + 3;
	while (*call == ' ') {
		call++;
		indent++;
	}
	clen = strlen(call);
	if (indent % 2)
		return tp_bad(t, l, "indent");
	if (clen > 4 && strcmp(call + clen - 4, "() {") == 0 && mark == '-')
		fprintf(t->sum.f, "%s graph %u open d%u %.*s\n", t->trace, cpu, indent / 2,
			(int)clen - 4, call);
	else if (clen > 3 && strcmp(call + clen - 3, "();") == 0)
		fprintf(t->sum.f, "%s graph %u leaf d%u %c%s %.*s\n", t->trace, cpu, indent / 2,
			mark, dur, (int)clen - 3, call);
	else if (clen > 8 && strncmp(call, "} /* ", 5) == 0 && strcmp(call + clen - 3, " */") == 0)
		fprintf(t->sum.f, "%s graph %u close d%u %c%s %.*s\n", t->trace, cpu, indent / 2,
			mark, dur, (int)clen - 8, call + 5);
	else
		return tp_bad(t, l, "call");
	return true;
}

/* "  tr_leaf                                  3    1.234 us        0.411 us" */
static bool tp_profile(struct tp *t, const char *l)
{
	char fn[128], total[32], avg[32] = "-", u1[4], u2[4] = "";
	unsigned long long hits;
	int got = sscanf(l, "  %127s %llu %31s %3s %31s %3s", fn, &hits, total, u1, avg, u2);

	if (!t->columns || (got != 4 && got != 6) || strcmp(u1, got == 6 ? u2 : u1) != 0)
		return tp_bad(t, l, "profile row");
	fprintf(t->sum.f, "%s profile %s %llu %s%s %s%s\n", t->trace, fn, hits, total, u1, avg,
		u2);
	return true;
}

static bool tp_comment(struct tp *t, const char *l)
{
	if (strncmp(l, "# trace: ", 9) == 0) {
		if (!t->want_trace)
			return tp_bad(t, l, "# trace: inside a trace");
		snprintf(t->trace, sizeof(t->trace), "%s", l + 9);
		t->want_trace = false;
		return true;
	}
	if (t->want_trace)
		return tp_bad(t, l, "no # trace: line");
	if (strncmp(l, "# tracer: ", 10) == 0) {
		snprintf(t->tracer, sizeof(t->tracer), "%s", l + 10);
		t->columns = false;
	} else if (strcmp(l, "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION") == 0 ||
		   strcmp(l, "# CPU  DURATION                  FUNCTION CALLS") == 0) {
		t->columns = true;
	}
	return true;
}

static bool tp_line(struct tp *t, const char *l)
{
	if (!*l) {
		t->want_trace = true;
		return true;
	}
	if (l[0] == '#')
		return tp_comment(t, l);
	if (t->want_trace)
		return tp_bad(t, l, "no # trace: line");
	if (strcmp(t->tracer, "function_profile") == 0) {
		if (strncmp(l, "  Function ", 11) == 0 || strncmp(l, "  --------", 10) == 0) {
			t->columns = true;
			return true;
		}
		return tp_profile(t, l);
	}
	if (!t->columns)
		return tp_bad(t, l, "entry before the column header");
	if (strcmp(t->tracer, "function") == 0)
		return tp_fn(t, l);
	if (strcmp(t->tracer, "function_graph") == 0)
		return tp_graph(t, l);
	return tp_bad(t, l, "entry of an unknown tracer");
}

/* Parses text; its summary into *sum (malloc'd). */
static unsigned tp_parse(const char *text, char **sum, bool quiet)
{
	struct tp t = { .want_trace = true, .quiet = quiet };
	char *copy = strdup(text), *line;
	size_t len = strlen(text);

	memtext_open(&t.sum);
	if (len && text[len - 1] != '\n')
		tp_bad(&t, "", "no line end at the end");
	for (char *p = copy; (line = strsep(&p, "\n"));)
		if (p || *line)
			tp_line(&t, line);
	fclose(t.sum.f);
	*sum = t.sum.buf;
	free(copy);
	return t.bad;
}

static void test_parser(void)
{
	static const char *const bodies[] = {
		"hello format=1 payload=0.1.0",
		"trace name=chain tracer=function entries=3 written=3 lost=0 "
		"tsc_hz=2500000000 mode=overwrite filter=tr_* notrace=none",
		"trace_fn trace=chain ts=30000 cpu=0 ip=0x1000 sym=tr_top parent=0x2000 "
		"parent_sym=pmu_run_ftrace+0x40",
		"trace_fn trace=chain ts=31000 cpu=0 ip=0x1100 sym=tr_mid parent=0x1010 "
		"parent_sym=tr_top+0x10",
		"trace_fn trace=chain ts=2500000000 cpu=0 ip=0x1200 sym=tr_leaf parent=0x1110 "
		"parent_sym=tr_mid+0x10",
		"trace name=graph tracer=function_graph entries=6 written=6 lost=0 "
		"tsc_hz=2500000000 mode=stop filter=* notrace=none",
		"trace_graph trace=graph ts=100 cpu=0 type=entry depth=0 sym=tr_top",
		"trace_graph trace=graph ts=200 cpu=0 type=entry depth=1 sym=tr_rec",
		"trace_graph trace=graph ts=300 cpu=0 type=entry depth=2 sym=tr_rec",
		"trace_graph trace=graph ts=400 cpu=0 type=exit depth=2 sym=tr_rec duration=100",
		"trace_graph trace=graph ts=30200 cpu=0 type=exit depth=1 sym=tr_rec duration=30000",
		"trace_graph trace=graph ts=3000100 cpu=0 type=exit depth=0 sym=tr_top "
		"duration=3000000",
		"trace name=ticks tracer=function entries=1 written=1 lost=0 tsc_hz=0 "
		"mode=overwrite filter=* notrace=none",
		"trace_fn trace=ticks ts=77 cpu=0 ip=0x1000 sym=tr_top parent=0x0 parent_sym=?",
		"trace name=prof tracer=function_profile entries=2 written=2 lost=0 "
		"tsc_hz=2500000000 mode=overwrite filter=* notrace=none",
		"trace_profile trace=prof sym=tr_leaf hits=3 total=2500 avg=833",
		"trace_profile trace=prof sym=tr_top hits=1 total=25000",
		"trace_graph trace=orphan ts=5 cpu=0 type=entry depth=0 sym=lonely",
		"end count=19 status=ok",
		NULL,
	};
	struct stream *s = stream_of(bodies);
	char *text = render(trace_ftrace, s), *sum = NULL;

	CHECK_U64(tp_parse(text, &sum, false), 0);
	CHECK_STR(sum,
		"chain fn <idle>-0 [000] ..... 0.000012 tr_top <-pmu_run_ftrace\n"
		"chain fn <idle>-0 [000] ..... 0.000012 tr_mid <-tr_top\n"
		"chain fn <idle>-0 [000] ..... 1.000000 tr_leaf <-tr_mid\n"
		"graph graph 0 open d0 tr_top\n"
		"graph graph 0 open d1 tr_rec\n"
		"graph graph 0 leaf d2  0.040us tr_rec\n"
		"graph graph 0 close d1 +12.000us tr_rec\n"
		"graph graph 0 close d0 #1200.000us tr_top\n"
		"ticks fn <idle>-0 [000] ..... 77 tr_top\n"
		"prof profile tr_top 1 10.000us 10.000us\n"
		"prof profile tr_leaf 3 1.000us 0.333us\n"
		"orphan graph 0 open d0 lonely\n");
	/* The parser itself refuses what is not ftrace text. */
	free(sum);
	CHECK_U64(tp_parse("# trace: x\n# tracer: function\n"
			   "          <idle>-0       [000] .....     0.000012: f <-g\n", &sum, true),
		  1);
	free(sum);
	CHECK_U64(tp_parse("# trace: x\n# tracer: function_graph\n" GRAPH_HEAD
			   " 0)               |   f() {\n"
			   " 0) ? 1.000 us    |  f();\n", &sum, true), 2);
	free(sum);
	free(text);
	stream_free(s);
}

int main(void)
{
	streams_init();
	test_function();
	test_graph();
	test_markers();
	test_profile();
	test_tsc_unknown();
	test_headers();
	test_unreadable();
	test_hostile();
	test_empty();
	test_json_exact();
	test_json_span_is_duration();
	test_icount_clock_said();
	test_parser();
	return unit_done("trace");
}
