/* pmulab linux --profile's pure parts: perf record's summary line, the
 * records' src names, what a call graph mode and perf_event_paranoid need. */
#include <string.h>
#include "host/linux/lxprofile.h"
#include "tests/unit/unit.h"

static void test_recorded(void)
{
	CHECK(lxp_recorded("[ perf record: Woken up 2 times to write data ]\n"
			   "[ perf record: Captured and wrote 0.274 MB /tmp/x/perf.data "
			   "(2983 samples) ]\n") == 2983);
	/* A path with parentheses does not fool it: the line's last '('. */
	CHECK(lxp_recorded("[ perf record: Captured and wrote 0.1 MB /t/a(1)/perf.data "
			   "(17 samples) ]\n") == 17);
	CHECK(lxp_recorded("[ perf record: Captured and wrote 0.1 MB /t/a(1)/perf.data ]\n"
			   "(5 samples)") == -1);
	CHECK(lxp_recorded("[ perf record: Captured and wrote 0.012 MB perf.data ]\n") == -1);
	CHECK(lxp_recorded("") == -1);
	CHECK(lxp_recorded("[ perf record: Captured and wrote 0.1 MB p (0 samples) ]") == 0);
}

static void test_src(void)
{
	char buf[64];
	const char *why = NULL;

	CHECK_STR(lxp_src("cpu-clock:u", buf, sizeof(buf), &why), "perf-cpu-clock");
	CHECK_STR(lxp_src("cycles", buf, sizeof(buf), &why), "perf-cycles");
	CHECK_STR(lxp_src("L1-dcache-load-misses:upp", buf, sizeof(buf), &why),
		  "perf-L1-dcache-load-misses");
	CHECK(!lxp_src("cpu/event=0x3c/", buf, sizeof(buf), &why) && strstr(why, "perf event"));
	CHECK(!lxp_src(":u", buf, sizeof(buf), &why) && strstr(why, "empty"));
	CHECK(!lxp_src("cycles", buf, 8, &why) && strstr(why, "too long"));
}

static void test_call_graph(void)
{
	CHECK(!lxp_call_graph_check("fp", false, 0));
	CHECK(!lxp_call_graph_check("dwarf", false, 0));
	CHECK(strstr(lxp_call_graph_check("lbr", false, 32), "no PMU"));
	CHECK(strstr(lxp_call_graph_check("lbr", true, 0), "caps/branches"));
	CHECK(!lxp_call_graph_check("lbr", true, 32));
	CHECK(strstr(lxp_call_graph_check("stack", true, 32), "fp, lbr or dwarf"));
}

static void test_paranoid(void)
{
	CHECK(!lxp_paranoid_check(2, false));
	CHECK(!lxp_paranoid_check(-1, false));
	CHECK(!lxp_paranoid_check(4, true));
	CHECK(strstr(lxp_paranoid_check(3, false), "perf_event_paranoid=2"));
}

int main(void)
{
	test_recorded();
	test_src();
	test_call_graph();
	test_paranoid();
	return unit_done("lxprofile");
}
